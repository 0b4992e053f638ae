//! `site.yaml`: the archive's settings, validated once before anything else runs.
//!
//! Every key is optional; an archive with no `site.yaml` builds with the defaults. Unknown keys are
//! errors (a typo here silently changes a whole site), except under `extra:`, which reaches the
//! templates as `site.extra`.

use crate::countries::ExtraEntity;
use crate::error::{Diagnostic, Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the archive root.
pub const CONFIG_FILE: &str = "site.yaml";

/// How many briefings a list page shows unless `paginate` says otherwise.
pub const DEFAULT_PAGINATE: usize = 10;

/// Validated site settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The site's name, shown in every header and feed.
    pub title: String,
    /// One line about the archive.
    pub description: String,
    /// Where the site will be published, e.g. `https://example.org/briefings/`. Turns on pretty
    /// links, feeds and the sitemap.
    pub base_url: Option<String>,
    /// The `lang` attribute of every page.
    pub language: String,
    /// Briefings per list page.
    pub paginate: usize,
    /// Entries per Atom feed.
    pub feed_limit: usize,
    /// Entities that are not ISO countries (European Union, NATO, ...).
    pub entities: Vec<ExtraEntity>,
    /// Descriptions and aliases of topics, keyed by the topic's name.
    pub topics: BTreeMap<String, TopicConfig>,
    /// Free values for templates (`site.extra`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// How `chancery import` tags raw articles.
    pub import: ImportConfig,
    /// Publish raw HTML in briefings as written. Off by default: it is cleaned of scripts,
    /// event handlers, unsafe URLs, frames and forms, because briefings are often pasted from
    /// the open web.
    pub allow_raw_html: bool,
    /// Optional parts of the site not to build (`disable: [regions, search]`), as Hugo's
    /// `disableKinds` and Zola's `build_search_index` allow. Everything is built by default.
    pub disable: Vec<Part>,
}

/// An optional part of the built site, named in `disable:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// `regions/<slug>/`: the briefings of each region and subregion. Region names are still
    /// shown (on the countries index and country pages), as text rather than links.
    Regions,
    /// `archive/`: the years and months, and the briefing pages' Archive › year › month trail.
    Archive,
    /// `search/`: the search page and its index (and the tokenising of every briefing for it).
    Search,
    /// The Atom feed of every country and topic (`countries/<slug>/atom.xml`, ...). The
    /// whole-archive `atom.xml` stays.
    TermFeeds,
}

/// `import:` in site.yaml: settings of `chancery import`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Changes to the default topic lexicon.
    pub topics: ImportTopicsConfig,
}

/// `import: {topics: ...}`: topics and their trigger words, added to the default lexicon or
/// replacing it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportTopicsConfig {
    /// Use only the topics under `extend`, not the default lexicon.
    pub replace: bool,
    /// Topic -> trigger words and phrases (`sanction*` matches any word starting so).
    pub extend: BTreeMap<String, Vec<String>>,
}

/// What site.yaml says about one topic.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TopicConfig {
    /// Shown on the topic's page.
    pub description: Option<String>,
    /// Other spellings that mean this topic ("defense" for "defence").
    pub aliases: Vec<String>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Briefing archive".to_string(),
            description: String::new(),
            base_url: None,
            language: "en".to_string(),
            paginate: DEFAULT_PAGINATE,
            feed_limit: 20,
            entities: Vec::new(),
            topics: BTreeMap::new(),
            extra: serde_json::Map::new(),
            import: ImportConfig::default(),
            allow_raw_html: false,
            disable: Vec::new(),
        }
    }
}

impl SiteConfig {
    /// Reads `<root>/site.yaml` if it exists; the defaults otherwise.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            return Ok(SiteConfig::default());
        }
        let bytes = crate::fs::read(&path)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::Invalid(vec![Diagnostic::error(
                &path,
                "site.yaml is not UTF-8 text",
            )])
        })?;
        SiteConfig::parse(&text, &path).map_err(|d| Error::Invalid(vec![d]))
    }

    /// Parses and validates the text of a site.yaml.
    pub fn parse(text: &str, path: &Path) -> std::result::Result<SiteConfig, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let config: SiteConfig = if text.trim().is_empty() {
            SiteConfig::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| yaml_diagnostic(path, &e))?
        };
        config.validated(path)
    }

    /// Replaces the base URL (from `--base-url`).
    pub fn with_base_url(mut self, base_url: Option<String>, path: &Path) -> Result<SiteConfig> {
        if base_url.is_some() {
            self.base_url = base_url;
            self = self.validated(path).map_err(|d| Error::Invalid(vec![d]))?;
        }
        Ok(self)
    }

    fn validated(mut self, path: &Path) -> std::result::Result<SiteConfig, Diagnostic> {
        if self.paginate == 0 {
            return Err(Diagnostic::error(path, "`paginate` must be at least 1")
                .hint("how many briefings a list page shows, e.g. `paginate: 10`"));
        }
        if let Some(url) = self.base_url.take() {
            let url = url.trim().to_string();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Diagnostic::error(
                    path,
                    format!("`base_url` must be an absolute http(s) URL, found `{url}`"),
                )
                .hint("e.g. `base_url: https://example.org/briefings/`, or leave it out"));
            }
            // One trailing slash, so that joining a site-relative path is plain concatenation.
            self.base_url = Some(format!("{}/", url.trim_end_matches('/')));
        }
        Ok(self)
    }

    /// Whether the site has `part` (it is not in `disable:`).
    pub fn builds(&self, part: Part) -> bool {
        !self.disable.contains(&part)
    }

    /// The folder of site.yaml, for diagnostics.
    pub fn path(root: &Path) -> PathBuf {
        root.join(CONFIG_FILE)
    }
}

/// Turns a YAML error into a located diagnostic.
fn yaml_diagnostic(path: &Path, error: &serde_yaml::Error) -> Diagnostic {
    let message = strip_location(&error.to_string());
    let diagnostic = Diagnostic::error(path, format!("invalid site.yaml: {message}"));
    match error.location() {
        Some(location) => diagnostic.at(location.line(), location.column()),
        None => diagnostic,
    }
}

/// serde_yaml appends " at line L column C" to its messages; the diagnostic says that itself.
pub(crate) fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_gives_defaults() {
        let config = SiteConfig::parse("", Path::new("site.yaml")).unwrap();
        assert_eq!(config.paginate, DEFAULT_PAGINATE);
        assert!(config.base_url.is_none());
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let config =
            SiteConfig::parse("base_url: https://example.org/x//\n", Path::new("s")).unwrap();
        assert_eq!(config.base_url.as_deref(), Some("https://example.org/x/"));
    }

    #[test]
    fn unknown_key_is_located() {
        let error =
            SiteConfig::parse("title: A\npaginat: 3\n", Path::new("site.yaml")).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("paginat"), "{}", error.message);
    }

    #[test]
    fn import_section_is_optional_and_checked() {
        let text = "import:\n  topics:\n    replace: true\n    extend: {chips: [semiconductor*]}\n";
        let config = SiteConfig::parse(text, Path::new("s")).unwrap();
        assert!(config.import.topics.replace);
        assert_eq!(config.import.topics.extend["chips"], ["semiconductor*"]);
        assert!(SiteConfig::parse("import: {topic: {}}\n", Path::new("s")).is_err());
    }

    #[test]
    fn raw_html_is_cleaned_unless_allowed() {
        assert!(
            !SiteConfig::parse("title: A\n", Path::new("s"))
                .unwrap()
                .allow_raw_html
        );
        let config = SiteConfig::parse("allow_raw_html: true\n", Path::new("s")).unwrap();
        assert!(config.allow_raw_html);
        assert!(SiteConfig::parse("allow_raw_htm: true\n", Path::new("s")).is_err());
    }

    #[test]
    fn parts_are_built_unless_disabled() {
        let all = SiteConfig::parse("title: A\n", Path::new("s")).unwrap();
        assert!(all.builds(Part::Regions) && all.builds(Part::Search));
        let text = "disable: [regions, term_feeds]\n";
        let some = SiteConfig::parse(text, Path::new("s")).unwrap();
        assert!(!some.builds(Part::Regions) && !some.builds(Part::TermFeeds));
        assert!(some.builds(Part::Archive) && some.builds(Part::Search));
        let error =
            SiteConfig::parse("title: A\ndisable: [regoins]\n", Path::new("s")).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("regoins"), "{}", error.message);
        assert!(error.message.contains("regions"), "{}", error.message);
    }

    #[test]
    fn relative_base_url_is_refused() {
        let error = SiteConfig::parse("base_url: example.org\n", Path::new("s")).unwrap_err();
        assert!(error.message.contains("absolute"));
    }
}
