//! What templates see: small serialisable views built from the `Site` for one page.
//!
//! Views borrow from the model; every URL in them is already relative to the page being rendered
//! (or absolute, in feeds), so a template writes `href="{{ a.url }}"` and nothing else. The
//! README's "Template variables" section documents these fields; keep the two in step.

use crate::config::Part;
use crate::model::{Article, ArticleId, Region, Site, Source, Term, TermId};
use crate::urls::{dirs, LinkStyle, Linker, PageDir};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// `site`: the same on every page.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// site.yaml `title`.
    pub title: &'a str,
    /// site.yaml `description`.
    pub description: &'a str,
    /// site.yaml `base_url` (ends with `/`), if any.
    pub base_url: Option<&'a str>,
    /// site.yaml `language`.
    pub language: &'a str,
    /// site.yaml `extra`.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// Number of briefings.
    pub briefings: usize,
    /// Number of countries with briefings.
    pub countries: usize,
    /// Number of topics with briefings.
    pub topics: usize,
    /// "chancery 0.1.0".
    pub generator: &'static str,
}

/// `nav`: links to the site's main pages, relative to the current page.
#[derive(Debug, Serialize)]
pub struct Nav {
    /// The home page.
    pub home: String,
    /// The countries index.
    pub countries: String,
    /// The topics index.
    pub topics: String,
    /// The archive, unless site.yaml disables it.
    pub archive: Option<String>,
    /// The search page, unless site.yaml disables it.
    pub search: Option<String>,
    /// The whole-archive Atom feed, when feeds are written.
    pub feed: Option<String>,
}

/// A country or topic as a link.
#[derive(Debug, Serialize)]
pub struct Chip<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Link to its page.
    pub url: String,
    /// Emoji flag (countries with one).
    pub flag: Option<&'a str>,
    /// ISO code (countries).
    pub code: Option<&'a str>,
}

/// A briefing in a list.
#[derive(Debug, Serialize)]
pub struct Card<'a> {
    /// Title.
    pub title: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Link to the briefing.
    pub url: String,
    /// "6 April 2021".
    pub date: &'a str,
    /// RFC 3339.
    pub date_iso: &'a str,
    /// Where it was filed.
    pub dateline: Option<&'a str>,
    /// Summary (plain text).
    pub summary: &'a str,
    /// Its countries.
    pub countries: Vec<Chip<'a>>,
    /// Its topics.
    pub topics: Vec<Chip<'a>>,
    /// Minutes to read.
    pub reading_minutes: usize,
    /// Is it a draft.
    pub draft: bool,
    /// The card rendered by `partials/card.html`, in list contexts (`{{ a.html | safe }}`).
    /// A field of the card itself, not a flattened wrapper: serde's `flatten` goes through a
    /// map and allocates every key, which made building list values a tenth of a build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// `page` on a briefing page: the card's fields and the body.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    /// Everything a card has.
    #[serde(flatten)]
    pub card: Card<'a>,
    /// The body as HTML (use `{{ page.content | safe }}`).
    pub content: &'a str,
    /// Words in the body.
    pub word_count: usize,
    /// Where it came from.
    pub source: Option<&'a Source>,
    /// Front-matter keys the schema does not know.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The source file, relative to `content/`.
    pub source_path: &'a str,
}

/// `paginator` on list pages.
#[derive(Debug, Serialize)]
pub struct Paginator {
    /// This page's number, from 1.
    pub current: usize,
    /// How many pages.
    pub total: usize,
    /// How many briefings in the whole list.
    pub items: usize,
    /// Link to page 1.
    pub first: String,
    /// Link to the last page.
    pub last: String,
    /// Link to the page before, if any.
    pub previous: Option<String>,
    /// Link to the page after, if any.
    pub next: Option<String>,
}

/// `term` on a country or topic page; entries of the indexes.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Link to its page.
    pub url: String,
    /// Number of briefings.
    pub count: usize,
    /// From site.yaml (topics).
    pub description: Option<&'a str>,
    /// Emoji flag (countries).
    pub flag: Option<&'a str>,
    /// ISO code (countries).
    pub code: Option<&'a str>,
    /// The country's region (countries).
    pub region: Option<NamedLink<'a>>,
    /// The country's subregion (countries).
    pub subregion: Option<NamedLink<'a>>,
    /// Its Atom feed, when feeds are written.
    pub feed: Option<String>,
}

/// A name with a link and a count.
#[derive(Debug, Serialize)]
pub struct NamedLink<'a> {
    /// Display name.
    pub name: &'a str,
    /// Link; none when site.yaml disables region pages.
    pub url: Option<String>,
    /// Number of briefings.
    pub count: usize,
}

/// Each briefing's card as a template value, with its HTML from `partials/card.html`.
///
/// One card is shown on many pages (home, countries, topics, regions, archive, related lists)
/// at several folder depths. It is built once, with [`ROOT_MARK`] wherever its links (`url`,
/// the chips' `url`, `html`) start with the path to the site root; each page that shows it has
/// the marks replaced by its own `../`s when it is rendered ([`put_root`]). Building a copy of
/// every card for every depth was a tenth of a build.
pub struct CardCache<'s> {
    site: &'s Site,
    tera: &'s tera::Tera,
    site_value: tera::Value,
    /// Views whose links start with [`ROOT_MARK`].
    marked: Views<'s>,
    /// Per article: the card's HTML (marked), as a string value that copies share.
    html: Vec<OnceLock<tera::Value>>,
    /// Per article: the card as a value with `html` (marked). Empty above `KEEP_CARD_VALUES`,
    /// where pages build the values they show from the kept HTML.
    values: Vec<OnceLock<tera::Value>>,
    /// Per country, then per topic: its chip as a value (marked). A card's chips are taken from
    /// here rather than serialised again for every card that shows them.
    country_chips: Vec<OnceLock<tera::Value>>,
    topic_chips: Vec<OnceLock<tera::Value>>,
    /// `nav` by folder depth: its links differ by depth only (one of them leads to the root,
    /// which a marked link cannot: at the root it is `./`, not empty).
    navs: Vec<OnceLock<tera::Value>>,
    /// Per region: its `region` value (marked), which all its pages show.
    regions: Vec<OnceLock<tera::Value>>,
    /// Per month of the archive, by (year, month): the `breadcrumbs` (marked) its briefings'
    /// pages show, the same for all of them.
    months: HashMap<(i32, u32), OnceLock<tera::Value>>,
}

/// Folder depths whose `nav` is kept; deeper pages (none the site makes) make their own.
const NAV_DEPTHS: usize = 8;

/// The template that renders one card; list templates show it as `{{ a.html | safe }}`.
pub const CARD_TEMPLATE: &str = "partials/card.html";

/// Stands for the path to the site root in shared card values. Control characters (none of them
/// whitespace) never occur in rendered text, and HTML escaping, case filters and `trim` leave
/// them alone.
pub const ROOT_MARK: &str =
    "\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{1}";

/// Where `html` sits in a card's map, last, in the order serialising a [`Card`] gives.
const CARD_HTML: usize = 11;

impl<'s> CardCache<'s> {
    /// An empty cache for `site`, rendering cards through `tera`.
    pub fn new(
        site: &'s Site,
        style: LinkStyle,
        tera: &'s tera::Tera,
        site_value: tera::Value,
    ) -> Self {
        // Card values (about 1.7 KB a briefing) are kept only up to KEEP_CARD_VALUES; above
        // it each page builds the values it shows around the kept HTML.
        let cached = match site.articles.len() <= crate::KEEP_CARD_VALUES {
            true => site.articles.len(),
            false => 0,
        };
        let slots = |n: usize| (0..n).map(|_| OnceLock::new()).collect::<Vec<_>>();
        CardCache {
            site,
            tera,
            site_value,
            marked: Views {
                site,
                linker: Linker::with_root(style, ROOT_MARK),
                feeds: site.config.base_url.is_some(),
                cards: None,
            },
            html: slots(site.articles.len()),
            values: slots(cached),
            country_chips: slots(site.countries.len()),
            topic_chips: slots(site.topics.len()),
            navs: slots(NAV_DEPTHS),
            regions: slots(site.regions.len()),
            months: site
                .years
                .iter()
                .flat_map(|y| {
                    y.months
                        .iter()
                        .map(|m| ((y.year, m.month), OnceLock::new()))
                })
                .collect(),
        }
    }

    /// The `site` value shared by every page.
    pub fn site_value(&self) -> tera::Value {
        self.site_value.clone()
    }

    /// Views whose links start with [`ROOT_MARK`], as the shared card values' do.
    pub fn marked(&self) -> &Views<'s> {
        &self.marked
    }

    /// The card as a value with its `html`, links marked; made on first use.
    pub fn value(&self, id: ArticleId) -> tera::TeraResult<tera::Value> {
        let slot = self.values.get(id);
        if let Some(value) = slot.and_then(OnceLock::get) {
            return Ok(value.clone());
        }
        let mut fields = self.card_fields(id);
        fields[CARD_HTML].1 = self.html_of(id, &fields)?;
        let value = fields_value(&fields);
        Ok(match slot {
            Some(slot) => slot.get_or_init(|| value).clone(),
            None => value,
        })
    }

    /// The card's HTML (marked), rendered from its fields (`html` still empty) on first use.
    fn html_of(&self, id: ArticleId, fields: &CardFields) -> tera::TeraResult<tera::Value> {
        if let Some(html) = self.html[id].get() {
            return Ok(html.clone());
        }
        let mut context = tera::Context::new();
        // A card serialised without `html` leaves the field out.
        context.insert_value("a", fields_value(&fields[..CARD_HTML]));
        context.insert("root", ROOT_MARK);
        context.insert_value("site", self.site_value.clone());
        let html = self.tera.render(CARD_TEMPLATE, &context)?;
        Ok(self.html[id].get_or_init(|| html.into()).clone())
    }

    /// The card's HTML (marked), as a string.
    pub fn html(&self, id: ArticleId) -> tera::TeraResult<String> {
        let html = self.html_of(id, &self.card_fields(id))?;
        Ok(html.as_str().unwrap_or_default().to_string())
    }

    /// The fields serialising the card with marked links gives, in its order, `html` last and
    /// empty, built by hand: tera's serialiser allocates a map per chip, and these chips come
    /// from the cache. `card_and_page_values_match_the_serialised_views` (tests/suite/build.rs)
    /// keeps the two in step.
    fn card_fields(&self, id: ArticleId) -> CardFields {
        use tera::Value;
        let article: &'s Article = &self.site.articles[id];
        let views = &self.marked;
        let chips =
            |terms: &[TermId], slots: &[OnceLock<Value>], chip: &dyn Fn(TermId) -> Chip<'s>| {
                let value = |t: TermId| Value::from_serializable(&chip(t));
                let cached = |&t: &TermId| match slots.get(t) {
                    Some(slot) => slot.get_or_init(|| value(t)).clone(),
                    None => value(t),
                };
                terms.iter().map(cached).collect::<Vec<Value>>()
            };
        let countries = chips(&article.countries, &self.country_chips, &|t| {
            views.country_chip(t)
        });
        let topics = chips(&article.topics, &self.topic_chips, &|t| views.topic_chip(t));
        [
            ("title", article.title.as_str().into()),
            ("slug", article.slug.as_str().into()),
            (
                "url",
                views.linker.page(&dirs::briefing(&article.slug)).into(),
            ),
            ("date", article.date_display.as_str().into()),
            ("date_iso", article.date_iso.as_str().into()),
            ("dateline", article.dateline.as_deref().into()),
            ("summary", article.summary.as_str().into()),
            ("countries", countries.into()),
            ("topics", topics.into()),
            ("reading_minutes", article.reading_minutes().into()),
            ("draft", article.draft.into()),
            ("html", Value::none()),
        ]
    }
}

/// A card's fields, in the order serialising a [`Card`] gives.
type CardFields = [(&'static str, tera::Value); 12];

/// Writes `page` into `out` with `root` where it has [`ROOT_MARK`]s (from shared card values),
/// and says so; false (and `out` untouched) when it has none. A lone U+0001 is left as it is.
/// The mark's first byte occurs nowhere else, so this jumps from one to the next with memchr.
pub fn put_root(page: &[u8], root: &str, out: &mut Vec<u8>) -> bool {
    let Some(first) = memchr::memchr(1, page) else {
        return false;
    };
    out.clear();
    out.extend_from_slice(&page[..first]);
    copy_with_root(&page[first..], root.as_bytes(), out);
    true
}

/// Appends `marked` to `out` with every [`ROOT_MARK`] replaced by `root`.
fn copy_with_root(marked: &[u8], root: &[u8], out: &mut Vec<u8>) {
    let mark = ROOT_MARK.as_bytes();
    let mut rest = marked;
    while let Some(at) = memchr::memchr(1, rest) {
        out.extend_from_slice(&rest[..at]);
        match rest[at..].strip_prefix(mark) {
            Some(after) => {
                out.extend_from_slice(root);
                rest = after;
            }
            None => {
                out.push(1);
                rest = &rest[at + 1..];
            }
        }
    }
    out.extend_from_slice(rest);
}

/// Named fields that serialise as a struct. `Value::from_serializable` makes a template map of
/// them with each key hashed once and each value handed through as it is (tera's serialiser
/// passes a `Value` through untouched); building an `IndexMap` and converting it with
/// `Value::from` hashes every key twice and builds the map twice.
struct Fields<'a>(&'a [(&'static str, tera::Value)]);

impl Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Fields", self.0.len())?;
        for (name, value) in self.0 {
            fields.serialize_field(name, value)?;
        }
        fields.end()
    }
}

/// A template map of named fields, in order.
pub(crate) fn fields_value(fields: &[(&'static str, tera::Value)]) -> tera::Value {
    tera::Value::from_serializable(&Fields(fields))
}

/// Builds views for one page.
pub struct Views<'s> {
    /// The site.
    pub site: &'s Site,
    /// Links as seen from the page.
    pub linker: Linker,
    feeds: bool,
    /// Shared cards, for pages with relative links.
    cards: Option<&'s CardCache<'s>>,
}

impl<'s> Views<'s> {
    /// Views for the page in `dir`, sharing cards through `cards` when given.
    pub fn new(
        site: &'s Site,
        style: LinkStyle,
        dir: &PageDir,
        cards: Option<&'s CardCache<'s>>,
    ) -> Self {
        Views {
            site,
            linker: Linker::from_page(style, dir),
            feeds: site.config.base_url.is_some(),
            cards,
        }
    }

    /// Views with absolute links (404 page, feeds, sitemap).
    pub fn absolute(site: &'s Site, style: LinkStyle, base_url: &str) -> Self {
        Views {
            site,
            linker: Linker::absolute(style, base_url),
            feeds: true,
            cards: None,
        }
    }

    /// `site`.
    pub fn site(&self) -> SiteView<'s> {
        let config = &self.site.config;
        SiteView {
            title: &config.title,
            description: &config.description,
            base_url: config.base_url.as_deref(),
            language: &config.language,
            extra: &config.extra,
            briefings: self.site.articles.len(),
            countries: self.site.countries.len(),
            topics: self.site.topics.len(),
            generator: concat!("chancery ", env!("CARGO_PKG_VERSION")),
        }
    }

    /// `nav`.
    pub fn nav(&self) -> Nav {
        Nav {
            home: self.linker.page(&PageDir::root()),
            countries: self.linker.page(&dirs::countries()),
            topics: self.linker.page(&dirs::topics()),
            archive: self
                .builds(Part::Archive)
                .then(|| self.linker.page(&dirs::archive())),
            search: self
                .builds(Part::Search)
                .then(|| self.linker.page(&dirs::search())),
            feed: self.feeds.then(|| self.linker.file("atom.xml")),
        }
    }

    /// A country as a chip.
    pub fn country_chip(&self, term: TermId) -> Chip<'s> {
        let term = &self.site.countries[term];
        Chip {
            name: &term.name,
            slug: &term.slug,
            url: self.linker.page(&dirs::country(&term.slug)),
            flag: term
                .country
                .as_ref()
                .map(|c| c.flag.as_str())
                .filter(|f| !f.is_empty()),
            code: term.country.as_ref().map(|c| c.code.as_str()),
        }
    }

    /// A topic as a chip.
    pub fn topic_chip(&self, term: TermId) -> Chip<'s> {
        let term = &self.site.topics[term];
        Chip {
            name: &term.name,
            slug: &term.slug,
            url: self.linker.page(&dirs::topic(&term.slug)),
            flag: None,
            code: None,
        }
    }

    /// A briefing as a card.
    pub fn card(&self, id: ArticleId) -> Card<'s> {
        let article: &'s Article = &self.site.articles[id];
        Card {
            title: &article.title,
            slug: &article.slug,
            url: self.linker.page(&dirs::briefing(&article.slug)),
            date: &article.date_display,
            date_iso: &article.date_iso,
            dateline: article.dateline.as_deref(),
            summary: &article.summary,
            countries: article
                .countries
                .iter()
                .map(|&t| self.country_chip(t))
                .collect(),
            topics: article.topics.iter().map(|&t| self.topic_chip(t)).collect(),
            reading_minutes: article.reading_minutes(),
            draft: article.draft,
            html: None,
        }
    }

    /// Whether this page shows shared card values, whose links carry [`ROOT_MARK`] until
    /// [`put_root`] replaces it in the rendered page.
    pub fn shares_cards(&self) -> bool {
        self.cards.is_some()
    }

    /// `nav` as a value: made once per folder depth on pages that share cards (whose links are
    /// `../` repeated), else for this page. Serialising it for every page was 0.5% of a build.
    pub fn nav_value(&self) -> tera::Value {
        let make = || tera::Value::from_serializable(&self.nav());
        let depth = self.linker.root().len() / "../".len();
        debug_assert!(self.cards.is_none() || self.linker.root() == "../".repeat(depth));
        match self.cards.and_then(|cache| cache.navs.get(depth)) {
            Some(slot) => slot.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// The value `make` gives for region `r`: on a page that shares cards, made once from the
    /// marked views (as cards are), else from these views. Serialising a region's chips for
    /// every page of it was nearly 1% of a build at 10,000 briefings.
    pub fn region_value(&self, r: usize, make: impl Fn(&Views<'s>) -> tera::Value) -> tera::Value {
        self.shared_value(|cache| cache.regions.get(r), make)
    }

    /// The value `make` gives for the month `(year, month)` of the archive, shared as a
    /// region's is. Serialising a briefing's breadcrumbs for every briefing page was half a
    /// percent of a build at 10,000 briefings.
    pub fn month_value(
        &self,
        month: (i32, u32),
        make: impl Fn(&Views<'s>) -> tera::Value,
    ) -> tera::Value {
        self.shared_value(|cache| cache.months.get(&month), make)
    }

    /// `make` of the marked views, kept in the card cache's slot that `slot` picks, on a page
    /// that shares cards (their marks are filled in when the page is written); else `make` of
    /// these views.
    fn shared_value(
        &self,
        slot: impl FnOnce(&'s CardCache<'s>) -> Option<&'s OnceLock<tera::Value>>,
        make: impl Fn(&Views<'s>) -> tera::Value,
    ) -> tera::Value {
        match self.cards.and_then(|cache| Some((cache, slot(cache)?))) {
            Some((cache, slot)) => slot.get_or_init(|| make(&cache.marked)).clone(),
            None => make(self),
        }
    }

    /// A card as a template value: the shared one with its `html` and marked links when the
    /// page shares a cache; else (pages with absolute links) the card's fields only.
    pub fn card_value(&self, id: ArticleId) -> tera::TeraResult<tera::Value> {
        match self.cards {
            Some(cache) => cache.value(id),
            None => Ok(tera::Value::from_serializable(&self.card(id))),
        }
    }

    /// A card as a template value, as [`Views::card_value`] gives it, made by serialising a
    /// [`Card`]; for tests that hold the hand-built value to the serialised one.
    pub fn serialised_card_value(&self, id: ArticleId) -> tera::TeraResult<tera::Value> {
        let Some(cache) = self.cards else {
            return Ok(tera::Value::from_serializable(&self.card(id)));
        };
        let mut card = cache.marked().card(id);
        card.html = Some(cache.html(id)?);
        Ok(tera::Value::from_serializable(&card))
    }

    /// Cards for a slice of ids, as one template value (a list).
    pub fn card_values(&self, ids: &[ArticleId]) -> tera::TeraResult<tera::Value> {
        let cards = ids
            .iter()
            .map(|&id| self.card_value(id))
            .collect::<tera::TeraResult<Vec<_>>>()?;
        Ok(tera::Value::from(cards))
    }

    /// A briefing with its body.
    pub fn article<'a>(&'a self, id: ArticleId, content: &'a str) -> ArticleView<'a> {
        let article: &'s Article = &self.site.articles[id];
        ArticleView {
            card: self.card(id),
            content,
            word_count: article.word_count,
            source: article.source.as_ref(),
            extra: &article.extra,
            source_path: &article.relative,
        }
    }

    /// `page` on a briefing page: what serialising [`Views::article`] gives (with marked links
    /// when the page shares cards), built from the card's map and the cached chips, so they
    /// are not serialised again for every briefing page.
    pub fn article_value(&self, id: ArticleId, content: &str) -> tera::TeraResult<tera::Value> {
        use tera::Value;
        let Some(cache) = self.cards else {
            return Ok(Value::from_serializable(&self.article(id, content)));
        };
        let article: &'s Article = &self.site.articles[id];
        let card = cache.card_fields(id);
        // The card's own HTML is for lists; a briefing page has its body instead.
        let [title, slug, url, date, date_iso, dateline, summary, countries, topics, minutes, draft, _html] =
            card;
        let fields: [(&'static str, Value); 16] = [
            title,
            slug,
            url,
            date,
            date_iso,
            dateline,
            summary,
            countries,
            topics,
            minutes,
            draft,
            ("content", content.into()),
            ("word_count", article.word_count.into()),
            ("source", Value::from_serializable(&article.source)),
            ("extra", Value::from_serializable(&article.extra)),
            ("source_path", article.relative.as_str().into()),
        ];
        Ok(fields_value(&fields))
    }

    /// The paginator of page `current` of `total` over `items` briefings, for a list in `dir`.
    pub fn paginator(
        &self,
        dir: &PageDir,
        current: usize,
        total: usize,
        items: usize,
    ) -> Paginator {
        let link = |page: usize| self.linker.page(&dir.paginated(page));
        Paginator {
            current,
            total,
            items,
            first: link(1),
            last: link(total),
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < total).then(|| link(current + 1)),
        }
    }

    /// A country term.
    pub fn country_term(&self, id: TermId) -> TermView<'s> {
        let term: &'s Term = &self.site.countries[id];
        let country = term.country.as_ref();
        let region_link = |name: &'s str| self.region_by_name(name).map(|r| self.region_link(r));
        TermView {
            region: country.and_then(|c| region_link(&c.region)),
            subregion: country
                .filter(|c| c.subregion != c.region)
                .and_then(|c| region_link(&c.subregion)),
            flag: country.map(|c| c.flag.as_str()).filter(|f| !f.is_empty()),
            code: country.map(|c| c.code.as_str()),
            ..self.term(term, dirs::country(&term.slug))
        }
    }

    /// A topic term.
    pub fn topic_term(&self, id: TermId) -> TermView<'s> {
        let term: &'s Term = &self.site.topics[id];
        self.term(term, dirs::topic(&term.slug))
    }

    fn term(&self, term: &'s Term, dir: PageDir) -> TermView<'s> {
        TermView {
            name: &term.name,
            slug: &term.slug,
            url: self.linker.page(&dir),
            count: term.articles.len(),
            description: term.description.as_deref(),
            flag: None,
            code: None,
            region: None,
            subregion: None,
            feed: (self.feeds && self.builds(Part::TermFeeds))
                .then(|| self.linker.file(&dir.file("atom.xml"))),
        }
    }

    /// Whether the site has `part` (see [`crate::config::Part`]).
    pub fn builds(&self, part: Part) -> bool {
        self.site.config.builds(part)
    }

    fn region_by_name(&self, name: &str) -> Option<&'s Region> {
        self.site.regions.iter().find(|r| r.name == name)
    }

    /// A region's page, unless region pages are disabled.
    pub fn region_url(&self, region: &Region) -> Option<String> {
        let url = || self.linker.page(&dirs::region(&region.slug));
        self.builds(Part::Regions).then(url)
    }

    /// A region as a named link (with no link when region pages are disabled).
    pub fn region_link(&self, region: &'s Region) -> NamedLink<'s> {
        NamedLink {
            name: &region.name,
            url: self.region_url(region),
            count: region.articles.len(),
        }
    }
}

/// A country or topic with how many briefings it shares with the page's term.
#[derive(Debug, Serialize)]
pub struct CountedChip<'a> {
    /// The term as a chip (name, slug, url, flag, code).
    #[serde(flatten)]
    pub chip: Chip<'a>,
    /// Briefings tagged with both.
    pub count: usize,
}

/// `profile` on the first page of a country or topic.
#[derive(Debug, Serialize)]
pub struct ProfileView<'a> {
    /// Briefings per month over the archive's span, as inline SVG (`{{ profile.chart | safe }}`).
    pub chart: String,
    /// The busiest month, when some month had more than one briefing.
    pub peak: Option<Peak>,
    /// The countries most often tagged with it (at most eight).
    pub countries: Vec<CountedChip<'a>>,
    /// The topics most often tagged with it (at most eight).
    pub topics: Vec<CountedChip<'a>>,
}

/// The busiest month of a profile.
#[derive(Debug, Serialize)]
pub struct Peak {
    /// "August 2023" (the latest of equally busy months).
    pub month: String,
    /// Its briefings.
    pub count: usize,
}

impl<'s> Views<'s> {
    /// The profile of a country or topic (see `profile.rs`).
    pub fn profile(&self, subject: super::profile::Subject) -> ProfileView<'s> {
        use super::profile::{coverage_svg, Profile, Subject};
        let profile = Profile::of(self.site, subject);
        let name = match subject {
            Subject::Country(t) => &self.site.countries[t].name,
            Subject::Topic(t) => &self.site.topics[t].name,
        };
        let counted = |terms: &[(TermId, usize)], chip: &dyn Fn(TermId) -> Chip<'s>| {
            terms
                .iter()
                .map(|&(t, count)| CountedChip {
                    chip: chip(t),
                    count,
                })
                .collect()
        };
        ProfileView {
            chart: coverage_svg(&profile, name),
            peak: profile.peak().map(|(y, m, count)| Peak {
                month: format!("{} {y}", crate::model::month_name(m)),
                count,
            }),
            countries: counted(&profile.countries, &|t| self.country_chip(t)),
            topics: counted(&profile.topics, &|t| self.topic_chip(t)),
        }
    }

    /// `map` on the countries index: every country with briefings, shaded on a world map.
    pub fn world_map(&self) -> super::map::WorldMap {
        let terms: Vec<(TermId, String)> = (0..self.site.countries.len())
            .map(|t| {
                (
                    t,
                    self.linker
                        .page(&dirs::country(&self.site.countries[t].slug)),
                )
            })
            .collect();
        let countries: Vec<super::map::MapCountry> = terms
            .iter()
            .filter_map(|(t, url)| {
                let term = &self.site.countries[*t];
                Some(super::map::MapCountry {
                    code: term.country.as_ref()?.code.as_str(),
                    name: &term.name,
                    url,
                    count: term.articles.len(),
                })
            })
            .collect();
        super::map::WorldMap::new(&countries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `put_root` as the plain definition: `str::replace` on the text.
    fn replaced(page: &str, root: &str) -> String {
        // A used buffer, as a rendering thread's is: what it held must not show through.
        let mut out = b"a previous page".to_vec();
        match put_root(page.as_bytes(), root, &mut out) {
            true => String::from_utf8(out).unwrap(),
            false => page.to_string(),
        }
    }

    #[test]
    fn the_root_mark_is_replaced_everywhere_and_nothing_else_is() {
        let marked = format!("<a href=\"{ROOT_MARK}x/\">{ROOT_MARK}</a>\u{1}y{ROOT_MARK}\u{1}");
        // Roots shorter than the mark, as long, and longer.
        for root in [
            "",
            "../",
            "../../",
            "../../../../../",
            "../../../../../../../../",
        ] {
            assert_eq!(
                replaced(&marked, root),
                marked.replace(ROOT_MARK, root),
                "{root:?}"
            );
        }
        assert_eq!(replaced("no mark", "../"), "no mark");
        assert_eq!(replaced("", "../"), "");
        assert_eq!(replaced(ROOT_MARK, "../"), "../");
        // Half a mark at the end stays.
        let half = &ROOT_MARK[..5];
        assert_eq!(replaced(half, "../"), half);
    }

    proptest::proptest! {
        #[test]
        fn marks_are_replaced_as_str_replace_does(
            parts in proptest::collection::vec("[a\\x01/.]{0,6}", 0..12),
            marks in proptest::collection::vec(proptest::bool::ANY, 12),
            depth in 0usize..9,
        ) {
            let mut page = String::new();
            for (part, mark) in parts.iter().zip(&marks) {
                page.push_str(part);
                if *mark {
                    page.push_str(ROOT_MARK);
                }
            }
            let root = "../".repeat(depth);
            proptest::prop_assert_eq!(replaced(&page, &root), page.replace(ROOT_MARK, &root));
        }
    }
}
