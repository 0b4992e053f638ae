//! The theme: Tera templates and static files.
//!
//! The default theme is compiled into the binary, so an archive needs no theme of its own. A file
//! in the archive's `templates/` or `static/` replaces the default of the same name; any other file
//! there is added.

use crate::error::{Diagnostic, Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The default templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("briefing.html", include_str!("../templates/briefing.html")),
    (
        "countries.html",
        include_str!("../templates/countries.html"),
    ),
    ("country.html", include_str!("../templates/country.html")),
    ("topics.html", include_str!("../templates/topics.html")),
    ("topic.html", include_str!("../templates/topic.html")),
    ("region.html", include_str!("../templates/region.html")),
    ("archive.html", include_str!("../templates/archive.html")),
    (
        "archive_year.html",
        include_str!("../templates/archive_year.html"),
    ),
    (
        "archive_month.html",
        include_str!("../templates/archive_month.html"),
    ),
    ("404.html", include_str!("../templates/404.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    (
        "partials/card.html",
        include_str!("../templates/partials/card.html"),
    ),
    (
        "partials/chips.html",
        include_str!("../templates/partials/chips.html"),
    ),
    (
        "partials/pager.html",
        include_str!("../templates/partials/pager.html"),
    ),
    (
        "partials/profile.html",
        include_str!("../templates/partials/profile.html"),
    ),
];

/// The default static files, by path in the output.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../static/style.css")),
    ("syntax.css", include_bytes!("../static/syntax.css")),
    ("search.js", include_bytes!("../static/search.js")),
];

/// Where a template or static file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into chancery.
    Default,
    /// A file of the archive.
    File(PathBuf),
}

/// A template's text and origin.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// The text.
    pub text: String,
    /// Where it came from, for error messages.
    pub origin: Origin,
}

/// The templates of a build: the defaults with the archive's overrides.
pub fn templates(root: &Path) -> Result<BTreeMap<String, TemplateSource>> {
    let mut templates: BTreeMap<String, TemplateSource> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| {
            let source = TemplateSource {
                text: (*text).to_string(),
                origin: Origin::Default,
            };
            ((*name).to_string(), source)
        })
        .collect();
    for (name, path) in archive_files(&root.join("templates"))? {
        let bytes = crate::fs::read(&path)?;
        let text = crate::load::decode_utf8(&path, bytes).map_err(|d| Error::Invalid(vec![d]))?;
        templates.insert(
            name,
            TemplateSource {
                text,
                origin: Origin::File(path),
            },
        );
    }
    Ok(templates)
}

/// A static file to copy: its path in the output and where its bytes are.
#[derive(Debug, Clone)]
pub enum StaticFile {
    /// A default, compiled in.
    Default(&'static str, &'static [u8]),
    /// The archive's own.
    File(String, PathBuf),
}

impl StaticFile {
    /// The path in the output.
    pub fn output_path(&self) -> &str {
        match self {
            StaticFile::Default(name, _) => name,
            StaticFile::File(name, _) => name,
        }
    }
}

/// The static files of a build: the defaults with the archive's overrides.
pub fn static_files(root: &Path) -> Result<Vec<StaticFile>> {
    let mut files: BTreeMap<String, StaticFile> = DEFAULT_STATIC
        .iter()
        .map(|(name, bytes)| ((*name).to_string(), StaticFile::Default(name, bytes)))
        .collect();
    for (name, path) in archive_files(&root.join("static"))? {
        files.insert(name.clone(), StaticFile::File(name, path));
    }
    Ok(files.into_values().collect())
}

/// A hash of the static files' names and versions (bytes for defaults, stamps for files), so
/// the build cache sees a changed stylesheet.
pub fn static_signature(files: &[StaticFile]) -> u64 {
    let versions: Vec<(&str, u64)> = files
        .iter()
        .map(|file| match file {
            StaticFile::Default(name, bytes) => (*name, crate::cache::hash_of(bytes)),
            StaticFile::File(name, path) => {
                let stamp = std::fs::metadata(path)
                    .ok()
                    .map(|m| crate::cache::FileStamp::of(&m));
                (name.as_str(), crate::cache::hash_of(stamp))
            }
        })
        .collect();
    crate::cache::hash_of(versions)
}

/// The latest modification time (ns since the epoch) among the archive's own static files.
pub fn newest_static_change(files: &[StaticFile]) -> i128 {
    files
        .iter()
        .filter_map(|file| match file {
            StaticFile::File(_, path) => std::fs::metadata(path).ok(),
            StaticFile::Default(..) => None,
        })
        .map(|m| crate::cache::FileStamp::of(&m).modified_ns)
        .max()
        .unwrap_or(0)
}

/// Files under `dir` (if it exists), by their `/`-separated path relative to it, sorted.
fn archive_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walk = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push((name, entry.into_path()));
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(dir).to_path_buf();
                problems.push(Diagnostic::error(path, format!("cannot read: {error}")));
            }
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// The CSS for highlighted code: a light theme, and a dark one for dark colour schemes.
///
/// syntect writes a rule per theme scope, spaced out with comments, and about 70% of its bytes
/// are rules for scopes nested in other scopes (`.hl-string.hl-regexp .hl-punctuation...`),
/// refinements that briefings' occasional code samples do not need. Keeping only the rules for
/// plain scopes, compacted, takes the file from about 20 KB to about 5 KB, which keeps the
/// theme's CSS and JS within its budget (README, "The default theme").
pub fn generate_syntax_css() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let style = crate::parse::highlight::CLASS_STYLE;
    let light = css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], style)
        .expect("bundled theme converts to CSS");
    let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], style)
        .expect("bundled theme converts to CSS");
    format!(
        "/* Generated from syntect's InspiredGitHub and base16-ocean.dark themes by `CHANCERY_BLESS=1 cargo test syntax_css`; do not edit by hand. */\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        compact_css(&plain_scope_rules(&light)),
        compact_css(&plain_scope_rules(&dark))
    )
}

/// The rules of syntect's `css` whose selectors name one scope (no descendant combinator):
/// other selectors are dropped from each rule, and rules left without one go.
fn plain_scope_rules(css: &str) -> String {
    let css = compact_css(css);
    let mut out = String::new();
    for rule in css.lines() {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let plain: Vec<&str> = selectors.split(',').filter(|s| !s.contains(' ')).collect();
        if !plain.is_empty() {
            out.push_str(&plain.join(","));
            out.push('{');
            out.push_str(body);
            out.push('\n');
        }
    }
    out
}

/// `css` without comments and without the spacing around `{`, `}`, `:`, `;` and `,` (other runs
/// of whitespace, such as between descendant selectors, become one space); one rule a line.
fn compact_css(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    text.push_str(rest);
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        let tight = |c: char| matches!(c, '{' | '}' | ':' | ';' | ',');
        let at_line_start = out.is_empty() || out.ends_with('\n');
        if c == ' '
            && (at_line_start || out.ends_with(tight) || chars.peek().is_some_and(|&n| tight(n)))
        {
            continue;
        }
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
        if c == '}' {
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn css_is_compacted_without_changing_selectors() {
        let css =
            "/* x */\n.a .b, .c {\n color: #fff;\nfont-style: italic;\n}\n\n.d { color: #000; }";
        assert_eq!(
            super::compact_css(css),
            ".a .b,.c{color:#fff;font-style:italic}\n.d{color:#000}"
        );
        assert_eq!(
            super::plain_scope_rules(css),
            ".c{color:#fff;font-style:italic}\n.d{color:#000}\n"
        );
    }
}
