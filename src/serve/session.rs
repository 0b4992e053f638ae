//! A build that stays in memory between rebuilds: what `chancery serve` runs on every change.
//!
//! It runs the same stages as [`crate::build`], with three differences that make a rebuild after
//! one edit cost milliseconds rather than a second:
//!
//! - the build cache stays in memory (no JSON read and written per rebuild), so only the files
//!   whose stamps changed are read and parsed again;
//! - the compiled templates are kept until a template, a static file or site.yaml changes;
//! - the output is rewritten in place ([`super::output::InPlace`]): an unchanged page is left
//!   where it is, not hard-linked into a new folder.
//!
//! A rebuild that fails leaves the served site and the session as they were, so the next
//! rebuild after the fix compares against the last good site.

use super::output::{existing_files, FileSet, InPlace};
use crate::cache::{self, BuildCache};
use crate::error::Result;
use crate::{render, write, Basics, BuildReport, Laps, Theme};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What changed since the last rebuild, as far as the watcher can tell. Content is always
/// looked at (a walk of `content/` and the files' stamps); the rest is reloaded only when
/// flagged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// site.yaml changed: everything is reloaded.
    pub config: bool,
    /// A template changed: templates are compiled again (pages re-render, nothing re-parses).
    pub templates: bool,
    /// A static file changed.
    pub statics: bool,
    /// Files under `content/` that were written, made or removed. Only these are looked at
    /// again, unless `rescan` is set.
    pub content: Vec<PathBuf>,
    /// Walk the whole of `content/` (the first build, or when the watcher lost track).
    pub rescan: bool,
}

impl Changes {
    /// Everything: the first build.
    pub fn all() -> Self {
        Changes {
            config: true,
            templates: true,
            statics: true,
            content: Vec::new(),
            rescan: true,
        }
    }

    /// Adds what `other` flags.
    pub fn merge(&mut self, other: Changes) {
        self.config |= other.config;
        self.templates |= other.templates;
        self.statics |= other.statics;
        self.rescan |= other.rescan;
        self.content.extend(other.content);
    }
}

/// How a session builds.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// The archive.
    pub root: PathBuf,
    /// The folder served (the session's own, never the `build` output).
    pub out: PathBuf,
    /// The base URL the site is built with (the server's own address).
    pub base_url: Option<String>,
    /// Build drafts too.
    pub drafts: bool,
}

/// The state kept between rebuilds.
pub struct Session {
    options: SessionOptions,
    /// site.yaml and what follows from it; `None` until loaded (or after it failed to load).
    basics: Option<(Basics, String)>,
    /// The compiled theme, kept until a template or static file changes.
    theme: Option<Theme>,
    /// What the last good build parsed and rendered.
    cache: Option<BuildCache>,
    /// The files of the served site.
    files: FileSet,
    /// The briefing files the last rebuild listed, kept up to date from the watcher's paths.
    loaded: Option<crate::load::Loaded>,
    /// Every briefing body's HTML from the last good build, by path under `content/`. The feeds
    /// a change touches carry up to `feed_limit` full bodies each; without these, each rebuild
    /// would read and render those unchanged bodies again from their files.
    bodies: HashMap<String, KeptBody>,
    /// Held while the session lives: a `build` into the same folder waits for it.
    _lock: write::BuildLock,
}

impl Session {
    /// Prepares the served folder (made if missing; it must be one chancery made, or empty).
    /// Builds nothing yet: the first rebuild is a full one.
    pub fn open(options: SessionOptions) -> Result<Session> {
        write::check_output_dir(&options.root, &options.out)?;
        crate::fs::create_dir_all(&options.out)?;
        let lock = write::BuildLock::acquire(&options.out, || {})?;
        let files = existing_files(&options.out);
        Ok(Session {
            options,
            basics: None,
            theme: None,
            cache: None,
            files,
            loaded: None,
            bodies: HashMap::new(),
            _lock: lock,
        })
    }

    /// Rebuilds what `changes` and the content's file stamps say changed, in two passes: the
    /// pages, then (after `pages_ready` has been told, so readers need not wait for it) the
    /// search index, which changes whenever any briefing does.
    pub fn rebuild(
        &mut self,
        changes: &Changes,
        pages_ready: &mut dyn FnMut(&BuildReport),
    ) -> Result<BuildReport> {
        let started = Instant::now();
        let started_ns = cache::now_ns();
        let mut laps = Laps::new();
        if changes.config || self.basics.is_none() {
            self.reload_config()?;
        }
        let (basics, cache_key) = self.basics.as_ref().expect("loaded above");
        if changes.templates || changes.statics || self.theme.is_none() {
            self.theme = None;
            self.theme = Some(Theme::load(&self.options.root, cache_key)?);
        }
        let theme = self.theme.as_ref().expect("loaded above");
        laps.lap("config");
        let refreshed = match (&self.loaded, changes.rescan || changes.config) {
            (Some(loaded), false) => {
                crate::load::refresh(&self.options.root, loaded, &changes.content)
            }
            _ => None,
        };
        let loaded = refreshed.unwrap_or_else(|| crate::load::load_content(&self.options.root));
        self.loaded = Some(loaded.clone());
        laps.lap("load");
        // Parse takes the records it uses out of the cache it is given: it gets a copy, so the
        // cache stays whole for the next rebuild if this one fails (a broken file mid-edit).
        let mut records = self.cache.clone();
        let mut indexed = crate::parse_and_index(
            loaded,
            self.options.drafts,
            basics,
            records.as_mut(),
            &mut laps,
        )?;
        restore_bodies(&mut indexed.site, &mut self.bodies);
        let plan = render::Plan::new(&indexed.site, theme.settings);
        laps.lap("plan");
        // Taken out while the folder changes: a failure after the pages are written must not
        // leave a cache that says they are older than they are.
        let previous = self.cache.take();
        let pass = Pass {
            out: &self.options.out,
            options: render::RenderOptions {
                link_style: basics.link_style,
                search_index: false,
                ends_process: false,
            },
            site: &indexed.site,
            plan: &plan,
            cache: previous.as_ref(),
        };
        let (rendered, files) = match pass.pages(theme, &self.files) {
            Ok(done) => done,
            Err(error) => {
                // Nothing changed on disk: the last good build still stands.
                self.cache = previous;
                self.bodies.extend(take_bodies(&mut indexed.site));
                return Err(error);
            }
        };
        self.files = files;
        laps.lap("pages");
        let mut warnings = indexed.diagnostics;
        warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        let mut report = BuildReport {
            briefings: indexed.site.articles.len(),
            countries: indexed.site.countries.len(),
            topics: indexed.site.topics.len(),
            pages: plan.output_paths().count(),
            pages_reused: rendered.reused,
            files_parsed: indexed.parsed.files_parsed,
            static_files: theme.static_files.len(),
            seconds: started.elapsed().as_secs_f64(),
            feeds_written: indexed.site.config.base_url.is_some(),
            warnings,
            out: self.options.out.clone(),
            timings: Vec::new(),
        };
        pages_ready(&report);
        let (files, written_search) = pass.search_index(&self.files)?;
        self.files = files;
        let search_files = match written_search {
            Some(report) => report.hashes,
            None => previous.map(|c| c.search_files).unwrap_or_default(),
        };
        let build_id = write_marker(&self.options.out)?;
        laps.lap("search");
        self.bodies = take_bodies(&mut indexed.site);
        self.cache = Some(BuildCache {
            key: cache_key.clone(),
            build_id,
            static_files: theme.static_signature,
            started_ns,
            settings: theme.settings,
            summary: crate::build_summary(&indexed.site, &plan),
            briefings: indexed.parsed.records.into_iter().collect(),
            pages: plan.fingerprints(),
            vocabulary: indexed.site.vocabulary.terms(),
            search_files,
        });
        report.timings = laps.into_vec();
        Ok(report)
    }

    /// Loads site.yaml; a changed key (another config) forgets the cache and the theme.
    fn reload_config(&mut self) -> Result<()> {
        self.basics = None;
        self.theme = None;
        let basics = Basics::new(&self.options.root, self.options.base_url.clone())?;
        let key = basics.cache_key(self.options.drafts);
        if self.cache.as_ref().is_some_and(|cache| cache.key != key) {
            // Another configuration: nothing of the last build can be trusted.
            self.cache = None;
            self.bodies.clear();
        }
        self.basics = Some((basics, key));
        Ok(())
    }
}

/// A body's HTML and what it was rendered from.
struct KeptBody {
    body_hash: u64,
    links: Vec<(String, crate::model::LinkTarget)>,
    html: String,
}

/// Gives the briefings the build cache stood in for their bodies' HTML from the last build,
/// where the body and the targets of its links are unchanged.
fn restore_bodies(site: &mut crate::model::Site, bodies: &mut HashMap<String, KeptBody>) {
    for article in site.articles.iter_mut().filter(|a| a.rendered.is_none()) {
        let Some(kept) = bodies.remove(&article.relative) else {
            continue;
        };
        if kept.body_hash == article.body_hash && kept.links == article.links {
            article.rendered = Some(kept.html);
        }
    }
}

/// Takes every body's HTML out of the site, for the next rebuild.
fn take_bodies(site: &mut crate::model::Site) -> HashMap<String, KeptBody> {
    site.articles
        .iter_mut()
        .filter_map(|article| {
            let html = article.rendered.take()?;
            let kept = KeptBody {
                body_hash: article.body_hash,
                links: article.links.clone(),
                html,
            };
            Some((article.relative.clone(), kept))
        })
        .collect()
}

/// One rebuild's two passes over the served folder.
struct Pass<'a> {
    out: &'a Path,
    options: render::RenderOptions,
    site: &'a crate::model::Site,
    plan: &'a render::Plan,
    /// The last good build's cache: what may be kept.
    cache: Option<&'a BuildCache>,
}

impl Pass<'_> {
    /// Renders the pages, feeds and static files that changed; the search index is left alone.
    fn pages(&self, theme: &Theme, files: &FileSet) -> Result<(render::RenderReport, FileSet)> {
        let output = InPlace::new(self.out, files, |path| !render::is_search_data(path));
        let rendered = self.with_reuse(&output, |sink, reuse| {
            let report = render::render_site(
                self.site,
                &theme.tera,
                &theme.sources,
                self.options,
                sink,
                self.plan,
                reuse,
            )?;
            output.copy_static(&theme.static_files)?;
            Ok(report)
        });
        match rendered {
            Ok(report) => Ok((report, output.commit()?)),
            Err(error) => {
                output.abandon();
                Err(error)
            }
        }
    }

    /// Rewrites the search index's files that changed, unless no briefing changed what it
    /// holds. Returns the site's files and, when it was written, what was written.
    fn search_index(
        &self,
        files: &FileSet,
    ) -> Result<(FileSet, Option<crate::search::IndexReport>)> {
        let output = InPlace::new(self.out, files, render::is_search_data);
        let written = self.with_reuse(&output, |sink, reuse| {
            render::write_search_index(self.site, self.options, sink, self.plan, reuse)
        });
        match written {
            Ok(report) => Ok((output.commit()?, report)),
            Err(error) => {
                output.abandon();
                Err(error)
            }
        }
    }

    /// Runs `write` with a sink into `output` and the cache's permission to keep files.
    fn with_reuse<T>(
        &self,
        output: &InPlace,
        write: impl FnOnce(render::Sink, Option<&render::Reuse>) -> Result<T>,
    ) -> Result<T> {
        let sink = |path: &str, bytes: &[u8]| output.write_file(path, bytes);
        let keep = |path: &str| output.keep(path);
        let keep_tree = |path: &str| output.keep_tree(path);
        let reuse = self.cache.map(|cache| render::Reuse {
            previous: &cache.pages,
            link: &keep,
            link_tree: &keep_tree,
            search_files: &cache.search_files,
        });
        write(&sink, reuse.as_ref())
    }
}

/// Marks the served folder as chancery's, with a new build id (the cache names it).
fn write_marker(out: &Path) -> Result<String> {
    let build_id = format!("serve-{:x}", cache::now_ns());
    let text = format!(
        "This folder is served by `chancery serve` and rewritten on every change.\nbuild {build_id}\n"
    );
    crate::fs::write(&out.join(write::MARKER_FILE), text.as_bytes())?;
    Ok(build_id)
}
