//! chancery: a static site generator for briefing archives.
//!
//! A build is five stages, each its own module, data flowing one way (see DESIGN.md):
//!
//! ```text
//! load -> parse -> index -> render -> write
//! ```
//!
//! [`build`] runs them in order. Reading the disk is `load`'s and `parse`'s job (and the
//! theme's; a cached briefing's body is read again when a page needs it); writing is `write`'s,
//! plus the build cache saved beside the output (see `cache`).

#![warn(missing_docs)]

pub mod cache;
pub mod check;
pub mod config;
pub mod countries;
pub mod error;
pub mod fs;
pub mod import;
pub mod index;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod urls;
pub mod write;

use error::{Diagnostic, Error, Result};
use std::path::PathBuf;
use std::time::Instant;
use urls::LinkStyle;

/// Above this many briefings chancery trades some speed for memory: bodies' HTML is not kept
/// (a page renders its body again from the file). Below it, keeping them is the faster choice
/// and costs well under a gigabyte; at 100,000 briefings it would cost about 600 MB more.
pub const LARGE_ARCHIVE: usize = 20_000;

/// Up to this many briefings every card's template value is kept once made; above it a page
/// builds the values it shows around the card's kept HTML. A kept value is about 1.7 KB (170 MB
/// more peak memory at 100,000 briefings, 740 MB in all), and rebuilding it for each page that
/// lists the briefing cost 8% of a 100,000-briefing build (9.7 s against 8.9 s). The limit keeps
/// the values under about 210 MB.
pub const KEEP_CARD_VALUES: usize = 125_000;

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
    /// Ignore the build cache: parse and render everything.
    pub no_cache: bool,
    /// Called with the output folder when another build into it is running, before this one
    /// waits for it (see [`write::BuildLock`]); the library itself prints nothing.
    pub on_wait: Option<fn(&std::path::Path)>,
    /// The process exits once the build returns (`chancery build`): what the build holds is
    /// left for the system to take back rather than freed an allocation at a time.
    pub ends_process: bool,
}

impl BuildOptions {
    /// Defaults for the archive at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            no_cache: false,
            on_wait: None,
            ends_process: false,
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
    /// Pages, feeds and sitemap in the output.
    pub pages: usize,
    /// Of those, how many were unchanged and taken from the previous build.
    pub pages_reused: usize,
    /// Briefing files read and parsed (the others were known to the build cache).
    pub files_parsed: usize,
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
    load::avoid_huge_pages();
    let started = Instant::now();
    let started_ns = cache::now_ns();
    let mut laps = Laps::new();
    let (mut setup, loaded) = Setup::new(options)?;
    laps.lap("config+load");
    if let Some(unchanged) = unchanged_since_cache(&setup, &loaded) {
        laps.lap("up to date");
        let report = unchanged.report(&setup, started, laps);
        release(setup.cache.take(), options.ends_process);
        return Ok(report);
    }
    // The templates compile beside parse (one thread's few milliseconds, which were a serial
    // stretch of every build); an error in the content is still reported first.
    let (indexed, theme) = rayon::join(
        || {
            let cache = setup.cache.as_mut();
            parse_and_index(loaded, options.drafts, &setup.basics, cache, &mut laps)
        },
        || Theme::load(&options.root, &setup.cache_key),
    );
    let indexed = indexed?;
    let theme = theme?;
    let (site, parsed, mut diagnostics) = (indexed.site, indexed.parsed, indexed.diagnostics);
    let plan = render::Plan::new(&site, theme.settings);
    laps.lap("plan");
    let summary = build_summary(&site, &plan);
    let start_cache = || {
        let head = cache::CacheHead {
            key: &setup.cache_key,
            static_files: theme.static_signature,
            started_ns,
            settings: theme.settings,
            summary: &summary,
            briefings: &parsed.records,
            pages: &plan.fingerprint_pairs(),
        };
        cache::CacheWriter::start(&setup.out, &head)
    };
    // A full build writes most of its cache beside rendering (at its end, that was a serial
    // ten milliseconds at 10,000 briefings).
    let (written, cache_writer) = match up_to_date(&setup, &theme, &plan) {
        Some(build_id) => (Written::unchanged(&plan, build_id), None),
        None => {
            let (written, writer) =
                rayon::join(|| write_site(&setup, &site, &theme, &plan), start_cache);
            (written?, Some(writer))
        }
    };
    laps.lap("render+write");
    let search_files = written.search_files.unwrap_or_else(|| {
        let previous = setup.cache.as_ref().map(|c| c.search_files.clone());
        previous.unwrap_or_default()
    });
    let unchanged_cache = written.reused_output && parsed.files_parsed == 0;
    let mut report = BuildReport {
        briefings: site.articles.len(),
        countries: site.countries.len(),
        topics: site.topics.len(),
        pages: written.pages,
        pages_reused: written.reused,
        files_parsed: parsed.files_parsed,
        static_files: theme.static_files.len(),
        seconds: 0.0,
        feeds_written: site.config.base_url.is_some(),
        warnings: Vec::new(),
        out: setup.out.clone(),
        timings: Vec::new(),
    };
    let saved = match unchanged_cache {
        true => Ok(()),
        false => cache_writer.unwrap_or_else(start_cache).and_then(|writer| {
            site.vocabulary.with_terms(|vocabulary| {
                writer.finish(&cache::CacheTail {
                    vocabulary,
                    build_id: &written.build_id,
                    search_files: &search_files,
                })
            })
        }),
    };
    // Freeing the site takes tens of milliseconds at 10,000 briefings and nothing waits for it:
    // a thread of its own does it, and the build returns without waiting; a process about to
    // exit does not free it at all.
    let ends_process = options.ends_process;
    let leftovers = (site, plan, theme, parsed);
    match ends_process {
        true => release(leftovers, true),
        false => drop(std::thread::spawn(move || drop(leftovers))),
    }
    // The previous build's cache too: tens of thousands of allocations at 10,000 briefings.
    release(setup.cache.take(), ends_process);
    if let Err(error) = saved {
        diagnostics.push(Diagnostic::warning(
            cache::cache_path(&setup.out),
            format!("could not save the build cache ({error}); the next build will be a full one"),
        ));
    }
    laps.lap("cache");
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    report.warnings = diagnostics;
    report.seconds = started.elapsed().as_secs_f64();
    report.timings = laps.into_vec();
    Ok(report)
}

/// Frees `value`, unless the process is about to exit (`ends_process`): then it is left for
/// the system, which takes a process's memory back at once. A build's caches are hundreds of
/// thousands of allocations; freeing them one by one took tens of milliseconds at the end of
/// every build at 10,000 briefings, with one core working.
pub(crate) fn release<T>(value: T, ends_process: bool) {
    match ends_process {
        true => std::mem::forget(value),
        false => drop(value),
    }
}

/// What a command that reads an archive knows before it reads any briefing.
struct Basics {
    config: config::SiteConfig,
    gazetteer: countries::Gazetteer,
    link_style: LinkStyle,
}

impl Basics {
    /// Reads site.yaml (`base_url` overriding its own) and the entities it declares.
    fn new(root: &std::path::Path, base_url: Option<String>) -> Result<Basics> {
        let config_path = config::SiteConfig::path(root);
        let config = config::SiteConfig::load(root)?.with_base_url(base_url, &config_path)?;
        let gazetteer = countries::Gazetteer::with_extras(&config.entities).map_err(|message| {
            Error::Invalid(vec![Diagnostic::error(&config_path, message).hint(
                "an entity in `entities:` must not reuse an ISO country's name or alias",
            )])
        })?;
        let link_style = match config.base_url {
            Some(_) => LinkStyle::Pretty,
            None => LinkStyle::Explicit,
        };
        Ok(Basics {
            config,
            gazetteer,
            link_style,
        })
    }
}

impl Basics {
    /// Everything besides the content that the output depends on: a build cache made under
    /// another key is not used.
    fn cache_key(&self, drafts: bool) -> String {
        // The binary's own stamp stands for its code: a rebuilt chancery of the same version may
        // render differently, so it must not reuse pages.
        format!(
            "chancery {} {:?} {:?} drafts={} {:?}",
            env!("CARGO_PKG_VERSION"),
            binary_stamp(),
            self.config,
            drafts,
            self.link_style
        )
    }
}

/// The site after load, parse and index, with what parse leaves for the build cache.
struct Indexed {
    site: model::Site,
    parsed: parse::Parsed,
    /// Warnings so far (any error stops before this exists).
    diagnostics: Vec<Diagnostic>,
}

/// Load, parse and index: the stages `build` and `check` share. Touches nothing on disk.
fn load_and_index(
    root: &std::path::Path,
    drafts: bool,
    basics: &Basics,
    cache: Option<&mut cache::BuildCache>,
    laps: &mut Laps,
) -> Result<Indexed> {
    let loaded = load::load_content(root);
    laps.lap("load");
    parse_and_index(loaded, drafts, basics, cache, laps)
}

/// Parse and index of the briefings `load` listed.
fn parse_and_index(
    loaded: load::Loaded,
    drafts: bool,
    basics: &Basics,
    cache: Option<&mut cache::BuildCache>,
    laps: &mut Laps,
) -> Result<Indexed> {
    let parse_options = parse::ParseOptions {
        drafts,
        link_style: basics.link_style,
        keep_html: loaded.entries.len() <= LARGE_ARCHIVE,
        raw_html: parse::markdown::RawHtml::allowed(basics.config.allow_raw_html),
        search_index: basics.config.builds(config::Part::Search),
    };
    let mut parsed = parse::parse_all(loaded.entries, &basics.gazetteer, parse_options, cache);
    laps.lap("parse");
    let mut diagnostics = loaded.diagnostics;
    diagnostics.append(&mut parsed.diagnostics);
    fail_on_errors(&diagnostics)?;
    let briefings = std::mem::take(&mut parsed.briefings);
    let vocabulary = std::mem::take(&mut parsed.vocabulary);
    let (site, index_diagnostics) = index::build_site(
        basics.config.clone(),
        &basics.gazetteer,
        briefings,
        vocabulary,
    );
    diagnostics.extend(index_diagnostics);
    fail_on_errors(&diagnostics)?;
    laps.lap("index");
    Ok(Indexed {
        site,
        parsed,
        diagnostics,
    })
}

/// What a build knows before it reads any briefing.
struct Setup {
    basics: Basics,
    out: PathBuf,
    root: PathBuf,
    /// Everything besides the content that the output depends on; a cache made under another
    /// key is not used.
    cache_key: String,
    cache: Option<cache::BuildCache>,
    /// [`BuildOptions::ends_process`].
    ends_process: bool,
    /// Held until the build is over, cache saved; dropping it lets a waiting build go on.
    _lock: write::BuildLock,
}

impl Setup {
    /// The setup, and the list of briefing files (walked while the build cache loads: both
    /// take tens of milliseconds at 10,000 briefings, and a rebuild waits for both).
    fn new(options: &BuildOptions) -> Result<(Setup, load::Loaded)> {
        let root = &options.root;
        let basics = Basics::new(root, options.base_url.clone())?;
        let out = named_output(options.out_dir());
        // Refused before anything, even the lock file, is made beside it.
        write::check_output_dir(root, &out)?;
        let _lock = write::BuildLock::acquire(&out, || options.on_wait.map_or((), |f| f(&out)))?;
        let cache_key = basics.cache_key(options.drafts);
        let (cache, loaded) = rayon::join(
            || match options.no_cache {
                true => None,
                false => cache::BuildCache::load(&out, &cache_key),
            },
            || load::load_content(root),
        );
        let setup = Setup {
            basics,
            out,
            root: root.clone(),
            cache_key,
            cache,
            ends_process: options.ends_process,
            _lock,
        };
        Ok((setup, loaded))
    }
}

/// The theme of a build, compiled.
struct Theme {
    sources: std::collections::BTreeMap<String, theme::TemplateSource>,
    tera: tera::Tera,
    static_files: Vec<theme::StaticFile>,
    /// Hash of the cache key and every template: what pages depend on besides the site.
    settings: u64,
    /// Hash of the static files' names and versions.
    static_signature: u64,
}

impl Theme {
    fn load(root: &std::path::Path, cache_key: &str) -> Result<Theme> {
        let sources = theme::templates(root)?;
        let tera = render::templates::compile(&sources)?;
        let static_files = theme::static_files(root)?;
        let static_signature = theme::static_signature(&static_files);
        let settings = theme_settings(cache_key, &sources, static_signature);
        Ok(Theme {
            sources,
            tera,
            static_files,
            settings,
            static_signature,
        })
    }
}

/// Hash of the cache key, every template and the static files' signature: what pages depend on
/// besides the site. (A static file can stand where a page would be written: a change to the
/// static files makes every page count as changed, so none is reused across it.)
fn theme_settings(
    cache_key: &str,
    sources: &std::collections::BTreeMap<String, theme::TemplateSource>,
    static_signature: u64,
) -> u64 {
    let texts: Vec<(&str, &str)> = sources
        .iter()
        .map(|(name, source)| (name.as_str(), source.text.as_str()))
        .collect();
    cache::hash_of((cache_key, texts, static_signature))
}

/// What building `plan` for `site` builds, as the cache keeps it (for a later build that finds
/// nothing changed).
pub(crate) fn build_summary(site: &model::Site, plan: &render::Plan) -> cache::BuildSummary {
    cache::BuildSummary {
        briefings: site.articles.len(),
        countries: site.countries.len(),
        topics: site.topics.len(),
        pages: plan.output_paths().count(),
        unfingerprinted: plan.unfingerprinted_paths(),
    }
}

/// A build that found nothing to do: what the build that saved the cache built.
struct Unchanged {
    summary: cache::BuildSummary,
    static_files: usize,
    /// The walk's warnings and every file's, as that build gave them.
    warnings: Vec<Diagnostic>,
}

impl Unchanged {
    fn report(self, setup: &Setup, started: Instant, laps: Laps) -> BuildReport {
        let mut warnings = self.warnings;
        warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        BuildReport {
            briefings: self.summary.briefings,
            countries: self.summary.countries,
            topics: self.summary.topics,
            pages: self.summary.pages,
            pages_reused: self.summary.pages,
            files_parsed: 0,
            static_files: self.static_files,
            seconds: started.elapsed().as_secs_f64(),
            feeds_written: setup.basics.config.base_url.is_some(),
            warnings,
            out: setup.out.clone(),
            timings: laps.into_vec(),
        }
    }
}

/// `Some` when nothing a build reads has changed since the build that saved the cache, and
/// every file that build wrote is still in the output: the build can stop there, without
/// parsing, indexing, planning or rendering (the same output, two-fifths of such a build's time
/// at 1,000 briefings). Checked: the same briefing files with the same trusted stamps (the
/// cache key already covers site.yaml, the options and the binary), the same templates and
/// static files, and every output file there. Anything else goes the usual way.
fn unchanged_since_cache(setup: &Setup, loaded: &load::Loaded) -> Option<Unchanged> {
    let cache = setup.cache.as_ref()?;
    let walk_failed = loaded.diagnostics.iter().any(Diagnostic::is_error);
    if walk_failed || loaded.entries.len() != cache.briefings.len() {
        return None;
    }
    let mut warnings = loaded.diagnostics.clone();
    // As many files as records, each found: the same set of files.
    for entry in &loaded.entries {
        let record = cache.briefings.get(&entry.relative)?;
        if !cache.trusts(&record.stamp, &entry.stamp) {
            return None;
        }
        let shown = record.warnings.iter().map(|w| w.to_diagnostic(&entry.path));
        warnings.extend(shown);
    }
    let sources = theme::templates(&setup.root).ok()?;
    let static_files = theme::static_files(&setup.root).ok()?;
    let static_signature = theme::static_signature(&static_files);
    let racy_limit = cache.started_ns - cache::RACY_MARGIN_NS;
    let same_theme = theme_settings(&setup.cache_key, &sources, static_signature) == cache.settings
        && static_signature == cache.static_files
        && theme::newest_static_change(&static_files) < racy_limit;
    let pages = cache.pages.keys().chain(&cache.summary.unfingerprinted);
    let statics = static_files.iter().map(|f| f.output_path());
    let paths: Vec<&str> = pages.map(String::as_str).chain(statics).collect();
    let all_there = same_theme && write::all_files_exist(&setup.out, &paths);
    all_there.then(|| Unchanged {
        summary: cache.summary.clone(),
        static_files: static_files.len(),
        warnings,
    })
}

/// What the write stage left in the output folder.
struct Written {
    pages: usize,
    reused: usize,
    build_id: String,
    /// True when the previous output was kept as it is.
    reused_output: bool,
    /// Hashes of the search index's files, when it was written.
    search_files: Option<std::collections::HashMap<String, u64>>,
}

impl Written {
    fn unchanged(plan: &render::Plan, build_id: String) -> Self {
        let pages = plan.output_paths().count();
        Written {
            pages,
            reused: pages,
            build_id,
            reused_output: true,
            search_files: None,
        }
    }
}

/// The previous output's build id, if that output is exactly what this build would write: the
/// cache's fingerprints all match, the static files are the same, and every file is still there.
fn up_to_date(setup: &Setup, theme: &Theme, plan: &render::Plan) -> Option<String> {
    let cache = setup.cache.as_ref()?;
    let racy_limit = cache.started_ns - cache::RACY_MARGIN_NS;
    let same = cache.static_files == theme.static_signature
        && theme::newest_static_change(&theme.static_files) < racy_limit
        && plan.matches(&cache.pages);
    let statics = theme.static_files.iter().map(|f| f.output_path());
    let paths: Vec<&str> = plan.output_paths().chain(statics).collect();
    let all_there = same && write::all_files_exist(&setup.out, &paths);
    all_there.then(|| cache.build_id.clone())
}

/// The output folder with a name of its own (`--out .` becomes the folder's real path), so the
/// staging folder and cache can sit beside it.
fn named_output(out: PathBuf) -> PathBuf {
    match out.file_name() {
        Some(_) => out,
        None => out.canonicalize().unwrap_or(out),
    }
}

/// The running binary's size, time and inode, if it can be read.
fn binary_stamp() -> Option<cache::FileStamp> {
    let exe = std::env::current_exe().ok()?;
    std::fs::metadata(exe)
        .ok()
        .map(|m| cache::FileStamp::of(&m))
}

/// Renders into a staging folder and swaps it in; unchanged pages are hard-linked from the
/// previous output.
fn write_site(
    setup: &Setup,
    site: &model::Site,
    theme: &Theme,
    plan: &render::Plan,
) -> Result<Written> {
    let output = write::Output::prepare(&setup.root, &setup.out)?;
    let render_options = render::RenderOptions {
        link_style: setup.basics.link_style,
        search_index: true,
        ends_process: setup.ends_process,
    };
    let sink = |path: &str, bytes: &[u8]| output.write_file(path, bytes);
    let link = |path: &str| output.link_previous(path);
    let link_tree = |path: &str| output.link_previous_tree(path);
    let reuse = setup.cache.as_ref().map(|cache| render::Reuse {
        previous: &cache.pages,
        link: &link,
        link_tree: &link_tree,
        search_files: &cache.search_files,
    });
    let rendered = render::render_site(
        site,
        &theme.tera,
        &theme.sources,
        render_options,
        &sink,
        plan,
        reuse.as_ref(),
    )
    .and_then(|report| {
        output.copy_static(&theme.static_files)?;
        Ok(report)
    });
    let report = match rendered {
        Ok(report) => report,
        Err(error) => {
            output.abandon();
            return Err(error);
        }
    };
    let build_id = output.build_id().to_string();
    cache::BuildCache::remove(&setup.out);
    output.commit()?;
    Ok(Written {
        pages: report.written + report.reused,
        reused: report.reused,
        build_id,
        reused_output: false,
        search_files: report.search.map(|s| s.hashes),
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
