//! `chancery check`: builds the site in memory and reports what is broken in it.
//!
//! It runs load, parse and index as a build does, renders every page through the same
//! [`Renderer`], and reads each page's `href` and `src` attributes. Nothing is written: there is
//! no output folder, lock or cache. Links are checked against the set of files the build would
//! write, so a check passes exactly when the built folder's links would work.

pub mod external;
pub mod html;

use crate::error::{Diagnostic, Result, Severity};
use crate::model::Site;
use crate::render::{self, Page, Renderer};
use crate::{load_and_index, Basics, Laps, Theme};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The archive folder.
    pub root: PathBuf,
    /// Overrides site.yaml's `base_url` (pretty links, feeds).
    pub base_url: Option<String>,
    /// Check drafts too.
    pub drafts: bool,
    /// Also request every external `http(s)://` link.
    pub external: bool,
    /// External requests at once.
    pub jobs: usize,
    /// Time allowed for one external request.
    pub timeout: Duration,
}

impl CheckOptions {
    /// Defaults for the archive at `root`: internal links only.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
            external: false,
            jobs: 8,
            timeout: Duration::from_secs(10),
        }
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Everything broken, sorted by path and line; the check fails when this is not empty.
    pub problems: Vec<Diagnostic>,
    /// Warnings of the build that are not broken links (typos of known keys...).
    pub warnings: Vec<Diagnostic>,
    /// Pages rendered and read.
    pub pages: usize,
    /// Internal links (and image sources) checked.
    pub internal_links: usize,
    /// Distinct external URLs requested (0 without `--external`).
    pub external_links: usize,
}

/// One rendered page, read: where it is written, its links and its element ids.
struct ReadPage {
    path: String,
    /// The briefing's source file, for briefing pages.
    source: Option<PathBuf>,
    links: Vec<html::Link>,
    ids: HashSet<String>,
}

/// Builds the site in memory and reports broken links, missing images, unreachable briefings
/// and (with `external`) external links that fail. Err only when the site does not build.
pub fn check(options: &CheckOptions) -> Result<CheckReport> {
    let basics = Basics::new(&options.root, options.base_url.clone())?;
    let indexed = load_and_index(
        &options.root,
        options.drafts,
        &basics,
        None,
        &mut Laps::new(),
    )?;
    let site = indexed.site;
    // The cache key only matters for fingerprints, which a check does not use.
    let theme = Theme::load(&options.root, "")?;
    let plan = render::Plan::new(&site, theme.settings);
    let mut written: HashSet<String> = plan.output_paths().map(str::to_string).collect();
    written.extend(
        theme
            .static_files
            .iter()
            .map(|f| f.output_path().to_string()),
    );
    let render_options = render::RenderOptions {
        link_style: basics.link_style,
        search_index: true,
        ends_process: false,
    };
    let renderer = Renderer::new(&site, &theme.tera, &theme.sources, render_options);
    let pages = read_pages(&site, &renderer)?;
    let mut report = CheckReport {
        pages: pages.len(),
        ..CheckReport::default()
    };
    // Parse already reports Markdown links to `.md` files that are not briefings.
    for diagnostic in indexed.diagnostics {
        match diagnostic.message.ends_with(": no such briefing") {
            true => report.problems.push(into_error(diagnostic)),
            false => report.warnings.push(diagnostic),
        }
    }
    let targets = Targets {
        written: &written,
        ids: pages.iter().map(|p| (p.path.as_str(), &p.ids)).collect(),
        base_url: site.config.base_url.as_deref(),
    };
    // Each external URL once, with where it appears (page and link index): a source file is
    // read for a line number only if the URL turns out broken.
    let mut external_urls: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    let mut external_index: HashMap<String, usize> = HashMap::new();
    let mut linked_from_elsewhere: HashSet<String> = HashSet::new();
    for (p, page) in pages.iter().enumerate() {
        for (l, link) in page.links.iter().enumerate() {
            match targets.resolve(&page.path, &link.url) {
                Resolved::Internal { path, problem } => {
                    report.internal_links += 1;
                    if path != page.path {
                        linked_from_elsewhere.insert(path.clone());
                    }
                    if let Some(problem) = problem {
                        report.problems.push(problem_at(page, link, &problem));
                    }
                }
                Resolved::External(url) => {
                    let slot = *external_index.entry(url.clone()).or_insert_with(|| {
                        external_urls.push((url, Vec::new()));
                        external_urls.len() - 1
                    });
                    external_urls[slot].1.push((p, l));
                }
                Resolved::Skip => {}
            }
        }
    }
    report
        .problems
        .extend(unreached_briefings(&site, &linked_from_elsewhere));
    if options.external {
        report.external_links = external_urls.len();
        let broken = external_problems(&pages, &external_urls, options);
        report.problems.extend(broken);
    }
    report
        .problems
        .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    report
        .problems
        .dedup_by(|a, b| (&a.path, a.line, &a.message) == (&b.path, b.line, &b.message));
    Ok(report)
}

/// Requests each external URL once; every place a broken one appears is a problem.
fn external_problems(
    pages: &[ReadPage],
    urls: &[(String, Vec<(usize, usize)>)],
    options: &CheckOptions,
) -> Vec<Diagnostic> {
    let list: Vec<&str> = urls.iter().map(|(u, _)| u.as_str()).collect();
    let outcomes = external::check_all(&list, options.jobs, options.timeout);
    let mut problems = Vec::new();
    for ((url, locations), outcome) in urls.iter().zip(outcomes) {
        let Err(reason) = outcome else { continue };
        for &(p, l) in locations {
            let message = format!("broken external link `{url}` ({reason})");
            problems.push(location(&pages[p], &pages[p].links[l]).diagnostic(message));
        }
    }
    problems
}

/// Renders every page in parallel and reads its links and ids; the HTML itself is dropped.
fn read_pages(site: &Site, renderer: &Renderer) -> Result<Vec<ReadPage>> {
    render::pages(site)
        .into_par_iter()
        .map(|page| {
            let text = renderer.render_page(&page)?;
            let scanned = html::scan(&text);
            let source = match page {
                Page::Briefing(id) => Some(site.articles[id].path.clone()),
                _ => None,
            };
            Ok(ReadPage {
                path: page.output_path(site),
                source,
                links: scanned.links,
                ids: scanned.ids,
            })
        })
        .collect()
}

/// Where a link was found: a briefing's source file and line when the link is in its body,
/// else the page in the output.
struct Location {
    path: PathBuf,
    line: Option<usize>,
}

impl Location {
    fn diagnostic(&self, message: String) -> Diagnostic {
        let d = Diagnostic::error(&self.path, message);
        match self.line {
            Some(line) => d.at_line(line),
            None => d,
        }
    }
}

/// A link in a briefing's body is the author's to fix, so it is reported in the `.md` file, at
/// the first line that holds it; links from templates are reported in the output page.
fn location(page: &ReadPage, link: &html::Link) -> Location {
    let in_source = page.source.as_ref().and_then(|source| {
        let text = std::fs::read_to_string(source).ok()?;
        let line = text.lines().position(|l| l.contains(&link.raw))?;
        Some(Location {
            path: source.clone(),
            line: Some(line + 1),
        })
    });
    in_source.unwrap_or_else(|| Location {
        path: PathBuf::from(&page.path),
        line: None,
    })
}

fn problem_at(page: &ReadPage, link: &html::Link, problem: &str) -> Diagnostic {
    let what = match link.attribute {
        html::Attribute::Src => "missing image or file",
        html::Attribute::Href => "broken link",
    };
    location(page, link).diagnostic(format!("{what} `{}` ({problem})", link.raw))
}

fn into_error(warning: Diagnostic) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        ..warning
    }
}

/// Briefings that no other page links to: no list, neighbour or related list reaches them.
fn unreached_briefings(site: &Site, linked: &HashSet<String>) -> Vec<Diagnostic> {
    (0..site.articles.len())
        .filter(|&id| !linked.contains(&Page::Briefing(id).output_path(site)))
        .map(|id| {
            Diagnostic::error(
                &site.articles[id].path,
                "no page links to this briefing".to_string(),
            )
            .hint("every briefing should be listed somewhere; check the list templates")
        })
        .collect()
}

/// What a link leads to.
enum Resolved {
    /// A file of the site (by output path), with what is wrong if anything.
    Internal {
        path: String,
        problem: Option<String>,
    },
    /// An `http(s)://` URL outside the site.
    External(String),
    /// `mailto:`, `javascript:` and the like: nothing to check.
    Skip,
}

/// The files the build would write, and the element ids of its pages.
struct Targets<'a> {
    written: &'a HashSet<String>,
    ids: HashMap<&'a str, &'a HashSet<String>>,
    base_url: Option<&'a str>,
}

impl Targets<'_> {
    fn resolve(&self, from: &str, url: &str) -> Resolved {
        // With a base URL, 404.html links absolutely into the site itself.
        if let Some(inside) = self
            .base_url
            .and_then(|base| url.strip_prefix(base.trim_end_matches('/')))
            .filter(|rest| rest.is_empty() || rest.starts_with(['/', '#', '?']))
        {
            return self.internal("", inside.trim_start_matches('/'), from);
        }
        if html::is_external(url) {
            return Resolved::External(url.to_string());
        }
        if html::has_scheme(url) || url.starts_with("//") {
            return Resolved::Skip;
        }
        match url.strip_prefix('/') {
            Some(from_root) => self.internal("", from_root, from),
            None => self.internal(folder_of(from), url, from),
        }
    }

    /// Resolves `url` against the folder `base` (relative to the output root).
    fn internal(&self, base: &str, url: &str, page: &str) -> Resolved {
        let (rest, fragment) = match url.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment)),
            None => (url, None),
        };
        let rest = rest.split('?').next().unwrap_or("");
        // `#top` alone is on this very page.
        if rest.is_empty() {
            return self.fragment_on(page.to_string(), fragment);
        }
        let Some(path) = join(base, &html::percent_decode(rest)) else {
            return Resolved::Internal {
                path: rest.to_string(),
                problem: Some("it leads outside the site".to_string()),
            };
        };
        let path = match self.written_as(&path) {
            Some(found) => found,
            None => {
                return Resolved::Internal {
                    path,
                    problem: Some("no such page or file".to_string()),
                }
            }
        };
        self.fragment_on(path, fragment)
    }

    /// The written file a path names: itself, or the `index.html` of a folder.
    fn written_as(&self, path: &str) -> Option<String> {
        let index = match path {
            "" => "index.html".to_string(),
            p if p.ends_with('/') => format!("{p}index.html"),
            p => format!("{p}/index.html"),
        };
        // The search index is written by its own stage, file names not planned ahead.
        let search = |p: &str| p.starts_with("search/");
        [path.to_string(), index]
            .into_iter()
            .find(|p| !p.ends_with('/') && !p.is_empty() && (self.written.contains(p) || search(p)))
    }

    fn fragment_on(&self, path: String, fragment: Option<&str>) -> Resolved {
        let missing = match (fragment, self.ids.get(path.as_str())) {
            (Some(id), Some(ids)) if !id.is_empty() && id != "top" => {
                !ids.contains(&html::percent_decode(id))
            }
            _ => false,
        };
        let problem = missing.then(|| "no such heading or anchor on that page".to_string());
        Resolved::Internal { path, problem }
    }
}

/// `briefings/x/index.html` -> `briefings/x/`.
fn folder_of(page: &str) -> &str {
    match page.rfind('/') {
        Some(slash) => &page[..=slash],
        None => "",
    }
}

/// Joins a relative path to a folder, resolving `.` and `..`; None if it climbs above the root.
/// A trailing `/` is kept, meaning "the folder's index".
fn join(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let mut joined = parts.join("/");
    let folder = relative.ends_with('/') || relative.ends_with("/.") || relative.ends_with("..");
    if folder && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("a/b/", "../c/index.html").unwrap(), "a/c/index.html");
        assert_eq!(join("a/b/", "../../").unwrap(), "");
        assert_eq!(join("a/", "x/").unwrap(), "a/x/");
        assert_eq!(join("", "../x"), None);
        assert_eq!(folder_of("a/b/index.html"), "a/b/");
        assert_eq!(folder_of("404.html"), "");
    }

    #[test]
    fn resolves_against_written_files() {
        let written: HashSet<String> = ["index.html", "countries/india/index.html", "style.css"]
            .into_iter()
            .map(String::from)
            .collect();
        let ids = HashSet::from(["top-story".to_string()]);
        let targets = Targets {
            written: &written,
            ids: HashMap::from([("index.html", &ids)]),
            base_url: None,
        };
        let problem = |from: &str, url: &str| match targets.resolve(from, url) {
            Resolved::Internal { problem, .. } => problem,
            _ => Some("not internal".to_string()),
        };
        assert_eq!(
            problem("countries/india/index.html", "../../style.css"),
            None
        );
        assert_eq!(problem("index.html", "countries/india/"), None);
        assert_eq!(
            problem("index.html", "countries/india/index.html?x#y"),
            None
        );
        assert_eq!(problem("index.html", "#top-story"), None);
        assert!(problem("index.html", "#nowhere").is_some());
        assert!(problem("index.html", "countries/china/").is_some());
        assert!(problem("index.html", "../x.html").is_some());
        assert!(matches!(
            targets.resolve("index.html", "https://example.org/"),
            Resolved::External(_)
        ));
        assert!(matches!(
            targets.resolve("index.html", "mailto:a@b.c"),
            Resolved::Skip
        ));
    }
}
