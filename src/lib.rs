//! chancery: a static site generator for briefing archives.
//!
//! A build is five stages, each its own module, data flowing one way (see DESIGN.md):
//!
//! ```text
//! load -> parse -> index -> render -> write
//! ```
//!
//! [`build`] runs them in order. Only `load` (and the theme loader) read the disk; only `write`
//! writes to it.

#![warn(missing_docs)]

pub mod config;
pub mod countries;
pub mod error;
pub mod fs;
pub mod index;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod theme;
pub mod urls;
pub mod write;

use error::{Diagnostic, Error, Result};
use std::path::PathBuf;
use std::time::Instant;
use urls::LinkStyle;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The archive folder (holds `content/`, maybe `site.yaml`, `templates/`, `static/`).
    pub root: PathBuf,
    /// The output folder; `<root>/public` when not given.
    pub out: Option<PathBuf>,
    /// Overrides site.yaml's `base_url`.
    pub base_url: Option<String>,
    /// Build drafts too.
    pub drafts: bool,
}

impl BuildOptions {
    /// Defaults for the archive at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
        }
    }

    /// The output folder.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Briefings built.
    pub briefings: usize,
    /// Countries with pages.
    pub countries: usize,
    /// Topics with pages.
    pub topics: usize,
    /// Pages, feeds and sitemap written.
    pub pages: usize,
    /// Static files copied.
    pub static_files: usize,
    /// Wall time.
    pub seconds: f64,
    /// False when no base URL was known, so feeds and the sitemap were skipped.
    pub feeds_written: bool,
    /// Warnings (typos of known keys, links to missing briefings).
    pub warnings: Vec<Diagnostic>,
    /// Where the site is.
    pub out: PathBuf,
    /// Seconds spent in each stage, in order.
    pub timings: Vec<(&'static str, f64)>,
}

/// Builds the archive: every stage in order. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut laps = Laps::new();
    let root = &options.root;
    let config = config::SiteConfig::load(root)?
        .with_base_url(options.base_url.clone(), &config::SiteConfig::path(root))?;
    let gazetteer = countries::Gazetteer::with_extras(&config.entities).map_err(|message| {
        Error::Invalid(vec![Diagnostic::error(
            config::SiteConfig::path(root),
            message,
        )
        .hint(
            "an entity in `entities:` must not reuse an ISO country's name or alias",
        )])
    })?;
    let link_style = if config.base_url.is_some() {
        LinkStyle::Pretty
    } else {
        LinkStyle::Explicit
    };

    laps.lap("config");
    let loaded = load::load_content(root);
    laps.lap("load");
    let parse_options = parse::ParseOptions {
        drafts: options.drafts,
        link_style,
    };
    let parsed = parse::parse_all(loaded.files, &gazetteer, parse_options);
    laps.lap("parse");
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(parsed.diagnostics);
    fail_on_errors(&diagnostics)?;

    let (site, index_diagnostics) = index::build_site(config, &gazetteer, parsed.briefings);
    diagnostics.extend(index_diagnostics);
    fail_on_errors(&diagnostics)?;
    laps.lap("index");

    let templates = theme::templates(root)?;
    let tera = render::templates::compile(&templates)?;
    let static_files = theme::static_files(root)?;
    laps.lap("templates");

    let out = options.out_dir();
    let output = write::Output::prepare(root, &out)?;
    let render_options = render::RenderOptions { link_style };
    let sink = |path: &str, bytes: &[u8]| output.write_file(path, bytes);
    let written = render::render_site(&site, &tera, &templates, render_options, &sink)
        .and_then(|pages| Ok((pages, output.copy_static(&static_files)?)));
    let (pages, static_count) = match written {
        Ok(counts) => counts,
        Err(error) => {
            output.abandon();
            return Err(error);
        }
    };
    laps.lap("render+write");
    output.commit()?;
    laps.lap("swap");
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(BuildReport {
        briefings: site.articles.len(),
        countries: site.countries.len(),
        topics: site.topics.len(),
        pages,
        static_files: static_count,
        seconds: started.elapsed().as_secs_f64(),
        feeds_written: site.config.base_url.is_some(),
        warnings: diagnostics,
        out,
        timings: laps.into_vec(),
    })
}

/// Wall time of each stage, for `chancery build --timings`.
struct Laps {
    last: Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Laps {
    fn new() -> Self {
        Laps {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, (now - self.last).as_secs_f64()));
        self.last = now;
    }

    fn into_vec(self) -> Vec<(&'static str, f64)> {
        self.laps
    }
}

/// Stops the build when any diagnostic is an error; warnings travel with it.
fn fail_on_errors(diagnostics: &[Diagnostic]) -> Result<()> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        let mut sorted = diagnostics.to_vec();
        sorted.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        Err(Error::Invalid(sorted))
    } else {
        Ok(())
    }
}
