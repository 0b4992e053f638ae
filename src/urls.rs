//! Slugs and links, in one place.
//!
//! Every page lives in a folder of the output (`countries/india/` holds `index.html`), named here by
//! a [`PageDir`]. Every link is relative to the page it appears on, so a built site browses from
//! `file://` and from any sub-path of a host. Without a `base_url`, links name `index.html`
//! explicitly (a `file://` URL has no directory index); with one they end at the folder.

/// A page's folder, relative to the site root, without leading or trailing slash ("" is the home
/// page, "countries/india" a country page).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageDir(String);

impl PageDir {
    /// The site root (home page).
    pub fn root() -> Self {
        PageDir(String::new())
    }

    /// A folder from its segments, e.g. `["countries", "india"]`.
    pub fn of(segments: &[&str]) -> Self {
        PageDir(segments.join("/"))
    }

    /// A sub-folder of this one.
    pub fn join(&self, segment: &str) -> Self {
        if self.0.is_empty() {
            PageDir(segment.to_string())
        } else {
            PageDir([self.0.as_str(), "/", segment].concat())
        }
    }

    /// The folder of page `page` (1-based) of a paginated list living in this folder:
    /// page 1 is the folder itself, page N is `<dir>/page/N`.
    pub fn paginated(&self, page: usize) -> Self {
        if page <= 1 {
            self.clone()
        } else {
            self.join("page").join(&page.to_string())
        }
    }

    /// The path as text ("" for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many folders deep the page is.
    pub fn depth(&self) -> usize {
        if self.0.is_empty() {
            0
        } else {
            self.0.matches('/').count() + 1
        }
    }

    /// The page's HTML file, relative to the output root.
    pub fn index_file(&self) -> String {
        self.file("index.html")
    }

    /// A file in this folder, relative to the output root.
    pub fn file(&self, name: &str) -> String {
        if self.0.is_empty() {
            name.to_string()
        } else {
            [self.0.as_str(), "/", name].concat()
        }
    }
}

/// How links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStyle {
    /// `countries/india/index.html`: works from `file://`.
    Explicit,
    /// `countries/india/`: for a host that serves `index.html` for a folder.
    Pretty,
}

/// Builds links from one page to others.
#[derive(Debug, Clone)]
pub struct Linker {
    style: LinkStyle,
    /// "../" repeated up to the root, or the absolute base URL for pages served at any path (404).
    root: String,
}

impl Linker {
    /// Links as seen from the page in folder `from`.
    pub fn from_page(style: LinkStyle, from: &PageDir) -> Self {
        Linker {
            style,
            root: "../".repeat(from.depth()),
        }
    }

    /// Links that are absolute on `base_url` (which ends with '/'): for pages such as 404.html that
    /// a host serves at any path, and for feeds and the sitemap.
    pub fn absolute(style: LinkStyle, base_url: &str) -> Self {
        Linker::with_root(style, base_url)
    }

    /// Links that start with `root`, whatever it is (a marker replaced later, say).
    pub fn with_root(style: LinkStyle, root: &str) -> Self {
        Linker {
            style,
            root: root.to_string(),
        }
    }

    /// How links are written.
    pub fn style(&self) -> LinkStyle {
        self.style
    }

    /// The prefix that leads to the site root: "" on the home page, "../../" two levels down.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The link to a page. (Every link of every page is made here: joined by `concat`, not
    /// `format!`, whose formatting machinery was about 3% of a build for what is a copy.)
    pub fn page(&self, to: &PageDir) -> String {
        match (self.style, to.as_str()) {
            (LinkStyle::Explicit, "") => [self.root.as_str(), "index.html"].concat(),
            (LinkStyle::Explicit, dir) => [self.root.as_str(), dir, "/index.html"].concat(),
            (LinkStyle::Pretty, "") if self.root.is_empty() => "./".to_string(),
            (LinkStyle::Pretty, "") => self.root.clone(),
            (LinkStyle::Pretty, dir) => [self.root.as_str(), dir, "/"].concat(),
        }
    }

    /// The link to a file (feed, stylesheet) given relative to the output root.
    pub fn file(&self, path: &str) -> String {
        [self.root.as_str(), path].concat()
    }
}

/// A URL slug: lowercase ASCII letters, digits and single hyphens. Accents are folded ("Côte" ->
/// "cote"), `&` becomes "and", everything else separates words.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    let mut push = |c: char| {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "Côte d'Ivoire" -> "cote-divoire", "Women's" -> "womens"
        } else {
            pending_hyphen = true;
        }
    };
    for c in text.chars() {
        // Every heading of every briefing passes through here: most characters are ASCII, and
        // need no folding (nor an allocation).
        match fold_char(c) {
            Some(folded) => folded.chars().for_each(&mut push),
            None => push(c),
        }
    }
    slug
}

/// ASCII folding for the accented Latin letters that occur in place and person names, and `&`;
/// `None` for a character that stands for itself.
fn fold_char(c: char) -> Option<&'static str> {
    if c.is_ascii() && c != '&' {
        return None;
    }
    let ascii = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Č' => "c",
        'ď' | 'đ' | 'Đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'İ' | 'Í' | 'Î' => "i",
        'ł' | 'Ł' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ó' | 'Ô' | 'Ö' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' | 'Š' | 'Ş' | 'Ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' | 'Ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ú' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ž' | 'ź' | 'ż' | 'Ž' => "z",
        '&' => " and ",
        _ => return None,
    };
    Some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_punctuation() {
        assert_eq!(slugify("Côte d'Ivoire"), "cote-divoire");
        assert_eq!(slugify("  Indo-Pacific  "), "indo-pacific");
        assert_eq!(slugify("Trade & Energy"), "trade-and-energy");
        assert_eq!(slugify("S-400 deal, 2021!"), "s-400-deal-2021");
        assert_eq!(slugify("Türkiye"), "turkiye");
    }

    #[test]
    fn explicit_links_name_index_html_and_climb_to_the_root() {
        let from = PageDir::of(&["countries", "india"]);
        let linker = Linker::from_page(LinkStyle::Explicit, &from);
        assert_eq!(linker.root(), "../../");
        assert_eq!(
            linker.page(&PageDir::of(&["briefings", "x"])),
            "../../briefings/x/index.html"
        );
        assert_eq!(linker.page(&PageDir::root()), "../../index.html");
    }

    #[test]
    fn pretty_links_end_at_the_folder() {
        let home = Linker::from_page(LinkStyle::Pretty, &PageDir::root());
        assert_eq!(home.page(&PageDir::root()), "./");
        assert_eq!(home.page(&PageDir::of(&["topics"])), "topics/");
        let deep = Linker::from_page(LinkStyle::Pretty, &PageDir::of(&["topics", "trade"]));
        assert_eq!(deep.page(&PageDir::root()), "../../");
    }

    #[test]
    fn pagination_folders() {
        let dir = PageDir::of(&["countries", "india"]);
        assert_eq!(dir.paginated(1), dir);
        assert_eq!(dir.paginated(3).as_str(), "countries/india/page/3");
        assert_eq!(
            PageDir::root().paginated(2).index_file(),
            "page/2/index.html"
        );
    }
}

/// The folders of every kind of page: the site's URL scheme, in one place (DESIGN.md, "URLs").
pub mod dirs {
    use super::PageDir;

    /// `briefings/<slug>/`
    pub fn briefing(slug: &str) -> PageDir {
        PageDir::of(&["briefings", slug])
    }
    /// `countries/`
    pub fn countries() -> PageDir {
        PageDir::of(&["countries"])
    }
    /// `countries/<slug>/`
    pub fn country(slug: &str) -> PageDir {
        PageDir::of(&["countries", slug])
    }
    /// `topics/`
    pub fn topics() -> PageDir {
        PageDir::of(&["topics"])
    }
    /// `topics/<slug>/`
    pub fn topic(slug: &str) -> PageDir {
        PageDir::of(&["topics", slug])
    }
    /// `regions/<slug>/`
    pub fn region(slug: &str) -> PageDir {
        PageDir::of(&["regions", slug])
    }
    /// `archive/`
    pub fn archive() -> PageDir {
        PageDir::of(&["archive"])
    }
    /// `archive/<yyyy>/`
    pub fn year(year: i32) -> PageDir {
        PageDir::of(&["archive", &format!("{year:04}")])
    }
    /// `archive/<yyyy>/<mm>/`
    pub fn month(year: i32, month: u32) -> PageDir {
        PageDir::of(&["archive", &format!("{year:04}"), &format!("{month:02}")])
    }
    /// `search/`
    pub fn search() -> PageDir {
        PageDir::of(&["search"])
    }
}
