//! Stage 4, render: every output page as a pure function of the `Site` and the page's spec.
//!
//! The list of pages is made first (cheap), then pages render in parallel through one compiled
//! Tera instance and go straight to the writer, so the whole site is never held in memory.

pub mod fingerprint;
pub mod map;
pub mod profile;
pub mod templates;
pub mod views;

use crate::config::Part;
use crate::error::{Diagnostic, Error, Result};
use crate::model::{month_name, ArticleId, Site, TermId};
use crate::theme::TemplateSource;
use crate::urls::{dirs, LinkStyle, Linker, PageDir};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use tera::{Context, Tera};
use views::Views;

/// One page of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Page N of the newest briefings.
    Home(usize),
    /// One briefing.
    Briefing(ArticleId),
    /// Every country, grouped by region.
    Countries,
    /// Page N of a country's briefings.
    Country(TermId, usize),
    /// Every topic.
    Topics,
    /// Page N of a topic's briefings.
    Topic(TermId, usize),
    /// Page N of a region's briefings.
    Region(usize, usize),
    /// Years and months.
    Archive,
    /// One year (index into `Site::years`).
    Year(usize),
    /// One month (year index, month index).
    Month(usize, usize),
    /// The not-found page.
    NotFound,
    /// The search page (its index is written by `crate::search`).
    Search,
}

/// An Atom feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The whole archive.
    All,
    /// One country.
    Country(TermId),
    /// One topic.
    Topic(TermId),
}

/// Receives each rendered file: its path relative to the output root, and its bytes.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync);

/// Options that change what is rendered.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// How links are written.
    pub link_style: LinkStyle,
    /// Whether `render_site` writes the search index too. `chancery serve` writes it in a
    /// second pass with [`write_search_index`], after the changed pages are already served.
    pub search_index: bool,
    /// The process exits after this render: its card cache is not freed (see
    /// [`crate::BuildOptions::ends_process`]).
    pub ends_process: bool,
}

/// Every page of the site, in a stable order.
pub fn pages(site: &Site) -> Vec<Page> {
    let config = &site.config;
    let per = config.paginate;
    let mut pages: Vec<Page> = (1..=page_count(site.articles.len(), per))
        .map(Page::Home)
        .collect();
    pages.extend((0..site.articles.len()).map(Page::Briefing));
    pages.push(Page::Countries);
    for (id, term) in site.countries.iter().enumerate() {
        pages.extend((1..=page_count(term.articles.len(), per)).map(|n| Page::Country(id, n)));
    }
    pages.push(Page::Topics);
    for (id, term) in site.topics.iter().enumerate() {
        pages.extend((1..=page_count(term.articles.len(), per)).map(|n| Page::Topic(id, n)));
    }
    if config.builds(Part::Regions) {
        for (id, region) in site.regions.iter().enumerate() {
            pages.extend((1..=page_count(region.articles.len(), per)).map(|n| Page::Region(id, n)));
        }
    }
    if config.builds(Part::Archive) {
        pages.push(Page::Archive);
        for (y, year) in site.years.iter().enumerate() {
            pages.push(Page::Year(y));
            pages.extend((0..year.months.len()).map(|m| Page::Month(y, m)));
        }
    }
    pages.push(Page::NotFound);
    if config.builds(Part::Search) {
        pages.push(Page::Search);
    }
    pages
}

/// Every feed of the site.
pub fn feeds(site: &Site) -> Vec<Feed> {
    let mut feeds = vec![Feed::All];
    if site.config.builds(Part::TermFeeds) {
        feeds.extend((0..site.countries.len()).map(Feed::Country));
        feeds.extend((0..site.topics.len()).map(Feed::Topic));
    }
    feeds
}

pub(crate) fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// The briefings on page `n` (1-based) of a list paginated `per` a page.
pub(crate) fn page_slice(ids: &[ArticleId], n: usize, per: usize) -> &[ArticleId] {
    let start = ((n - 1) * per).min(ids.len());
    let end = (start + per).min(ids.len());
    &ids[start..end]
}

impl Page {
    /// The page's folder.
    pub fn dir(&self, site: &Site) -> PageDir {
        match *self {
            Page::Home(n) => PageDir::root().paginated(n),
            Page::Briefing(id) => dirs::briefing(&site.articles[id].slug),
            Page::Countries => dirs::countries(),
            Page::Country(t, n) => dirs::country(&site.countries[t].slug).paginated(n),
            Page::Topics => dirs::topics(),
            Page::Topic(t, n) => dirs::topic(&site.topics[t].slug).paginated(n),
            Page::Region(r, n) => dirs::region(&site.regions[r].slug).paginated(n),
            Page::Archive => dirs::archive(),
            Page::Year(y) => dirs::year(site.years[y].year),
            Page::Month(y, m) => dirs::month(site.years[y].year, site.years[y].months[m].month),
            Page::NotFound => PageDir::root(),
            Page::Search => dirs::search(),
        }
    }

    /// The file written, relative to the output root.
    pub fn output_path(&self, site: &Site) -> String {
        match self {
            Page::NotFound => "404.html".to_string(),
            _ => self.dir(site).index_file(),
        }
    }

    fn template(&self) -> &'static str {
        match self {
            Page::Home(_) => "index.html",
            Page::Briefing(_) => "briefing.html",
            Page::Countries => "countries.html",
            Page::Country(..) => "country.html",
            Page::Topics => "topics.html",
            Page::Topic(..) => "topic.html",
            Page::Region(..) => "region.html",
            Page::Archive => "archive.html",
            Page::Year(_) => "archive_year.html",
            Page::Month(..) => "archive_month.html",
            Page::NotFound => "404.html",
            Page::Search => "search.html",
        }
    }

    fn kind(&self) -> &'static str {
        self.template().trim_end_matches(".html")
    }
}

/// What the render stage did.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// Files rendered and written.
    pub written: usize,
    /// Pages taken unchanged from the previous build.
    pub reused: usize,
    /// The search index's files, when it was written (not reused whole).
    pub search: Option<crate::search::IndexReport>,
}

/// The previous build's pages, for the build cache.
pub struct Reuse<'a> {
    /// Their fingerprints by output path.
    pub previous: &'a HashMap<String, u64>,
    /// Puts the previous build's file at this output path into the new output; false if it
    /// cannot (then the page is rendered).
    pub link: &'a (dyn Fn(&str) -> bool + Sync),
    /// The same for every file under a folder of the output; false if any cannot be.
    pub link_tree: &'a (dyn Fn(&str) -> bool + Sync),
    /// Hashes of the previous build's search index files, by output path.
    pub search_files: &'a HashMap<String, u64>,
}

/// Every page and feed of a build, with fingerprints: what `render_site` will produce.
pub struct Plan {
    pages: Vec<(Page, String, Option<u64>)>,
    feeds: Vec<PlannedFeed>,
    /// Whether a sitemap is written (with a base URL).
    sitemap: bool,
    /// Fingerprint of the search index (what every briefing shows, in order); none when the
    /// site has no search.
    search: Option<u64>,
}

/// The search index is fingerprinted under the path of its manifest.
const SEARCH_MANIFEST: &str = "search/meta.js";
/// The folders of the search index's data, beside the manifest (the search page is not data).
const SEARCH_DATA: [&str; 3] = ["search/terms", "search/docs", "search/facets"];

/// Whether an output path is part of the search index's data (not a page).
pub fn is_search_data(path: &str) -> bool {
    path == SEARCH_MANIFEST
        || SEARCH_DATA.iter().any(|folder| {
            path.strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/'))
        })
}

/// A feed with its folder, entries and fingerprint.
struct PlannedFeed {
    feed: Feed,
    dir: PageDir,
    entries: Vec<ArticleId>,
    path: String,
    fingerprint: u64,
}

impl Plan {
    /// Lists the site's pages and feeds and fingerprints them. `settings` is a hash of
    /// everything besides the site that pages depend on (version, options, templates).
    pub fn new(site: &Site, settings: u64) -> Self {
        let fingerprints = fingerprint::Fingerprints::new(site, settings);
        let pages = pages(site)
            .into_par_iter()
            // A country's or topic's first page costs far more than others (its profile).
            .with_max_len(64)
            .map(|page| {
                let fingerprint = fingerprints.page(site, &page);
                (page, page.output_path(site), fingerprint)
            })
            .collect();
        let feeds = match site.config.base_url {
            None => Vec::new(),
            Some(_) => feeds(site)
                .into_iter()
                .map(|feed| {
                    let (dir, entries) = feed_entries(site, feed);
                    let path = dir.file("atom.xml");
                    let fingerprint = fingerprints.feed(site, feed, &path, &entries);
                    PlannedFeed {
                        feed,
                        dir,
                        entries,
                        path,
                        fingerprint,
                    }
                })
                .collect(),
        };
        let sitemap = site.config.base_url.is_some();
        Plan {
            pages,
            feeds,
            sitemap,
            search: site
                .config
                .builds(Part::Search)
                .then(|| fingerprints.search()),
        }
    }

    /// Fingerprints by output path, of every page and feed that has one.
    pub fn fingerprints(&self) -> HashMap<String, u64> {
        let pairs = self.fingerprint_pairs().into_iter();
        pairs
            .map(|(path, fingerprint)| (path.to_string(), fingerprint))
            .collect()
    }

    /// [`Plan::fingerprints`] as `(output path, fingerprint)` pairs, borrowed, in plan order.
    pub fn fingerprint_pairs(&self) -> Vec<(&str, u64)> {
        let pages = self
            .pages
            .iter()
            .filter_map(|(_, path, fingerprint)| Some((path.as_str(), (*fingerprint)?)));
        let feeds = self.feeds.iter().map(|f| (f.path.as_str(), f.fingerprint));
        let search = self.search.map(|search| (SEARCH_MANIFEST, search));
        pages.chain(feeds).chain(search).collect()
    }

    /// True when the previous build made exactly this site: every page and feed it had is
    /// here with the same fingerprint, and nothing else. (Pages without fingerprints are
    /// functions of the fingerprinted ones' data.)
    pub fn matches(&self, previous: &HashMap<String, u64>) -> bool {
        let fingerprinted = self.pages.iter().filter(|(_, _, f)| f.is_some()).count();
        fingerprinted + self.feeds.len() + usize::from(self.search.is_some()) == previous.len()
            && previous.get(SEARCH_MANIFEST) == self.search.as_ref()
            && self
                .pages
                .iter()
                .all(|(_, path, fingerprint)| match fingerprint {
                    Some(fingerprint) => previous.get(path) == Some(fingerprint),
                    None => true,
                })
            && self
                .feeds
                .iter()
                .all(|f| previous.get(&f.path) == Some(&f.fingerprint))
    }

    /// Output paths of the pages without a fingerprint, and of the sitemap.
    pub fn unfingerprinted_paths(&self) -> Vec<String> {
        let pages = self.pages.iter().filter(|(_, _, f)| f.is_none());
        let sitemap = self.sitemap.then_some("sitemap.xml");
        let paths = pages.map(|(_, path, _)| path.as_str()).chain(sitemap);
        paths.map(str::to_string).collect()
    }

    /// Output paths of every page, feed and the sitemap.
    pub fn output_paths(&self) -> impl Iterator<Item = &str> {
        let pages = self.pages.iter().map(|(_, path, _)| path.as_str());
        let sitemap = self.sitemap.then_some("sitemap.xml");
        pages
            .chain(self.feeds.iter().map(|f| f.path.as_str()))
            .chain(sitemap)
    }
}

/// Renders every page of `plan` (and, with a base URL, feeds and the sitemap) into `sink`,
/// reusing the previous build's pages whose fingerprints are unchanged.
pub fn render_site(
    site: &Site,
    tera: &Tera,
    sources: &BTreeMap<String, TemplateSource>,
    options: RenderOptions,
    sink: Sink,
    plan: &Plan,
    reuse: Option<&Reuse>,
) -> Result<RenderReport> {
    let renderer = Renderer::new(site, tera, sources, options);
    let reused = |path: &str, fingerprint: Option<u64>| match (fingerprint, reuse) {
        (Some(fingerprint), Some(reuse)) => {
            reuse.previous.get(path) == Some(&fingerprint) && (reuse.link)(path)
        }
        _ => false,
    };
    let pages = || {
        plan.pages
            .par_iter()
            // Small pieces, so both threads finish together (see parse::BATCH).
            .with_max_len(16)
            .map(|(page, path, fingerprint)| {
                let was_reused = reused(path, *fingerprint);
                if !was_reused {
                    PAGE_BUFFERS.with(|buffers| match buffers.try_borrow_mut() {
                        Ok(mut buffers) => {
                            sink(path, renderer.render_page_into(page, &mut buffers)?)
                        }
                        // Only if a page were rendered while this thread renders another (rayon
                        // runs waiting work in a thread that waits): buffers of its own.
                        Err(_) => {
                            let mut own = PageBuffers::default();
                            sink(path, renderer.render_page_into(page, &mut own)?)
                        }
                    })?;
                }
                Ok(was_reused)
            })
            .collect::<Result<Vec<bool>>>()
    };
    // The search index, the sitemap and the feeds are mostly one thread's work each: they go
    // on beside the pages, whose small pieces then keep both threads busy to the end. (After
    // the pages, they left one thread idle for tens of milliseconds at 10,000 briefings.)
    let beside_pages = || {
        let search = match options.search_index {
            true => write_search_index(site, options, sink, plan, reuse)?,
            false => None,
        };
        let feeds = render_feeds_and_sitemap(site, tera, sources, options, sink, plan, &reused)?;
        Ok::<_, Error>((search, feeds))
    };
    let (outcomes, beside) = rayon::join(pages, beside_pages);
    // Freeing the cached cards (tens of milliseconds after a full build of 10,000 briefings;
    // nothing when the process ends next).
    crate::release(renderer, options.ends_process);
    let mut report = RenderReport::default();
    report.count(outcomes?);
    let (search, (written, reused)) = beside?;
    report.search = search;
    report.written += written;
    report.reused += reused;
    Ok(report)
}

/// With a base URL, renders the feeds `plan` holds, reusing the previous build's where
/// `reused` says so, and the sitemap, beside them; returns how many files were written and
/// how many reused.
fn render_feeds_and_sitemap(
    site: &Site,
    tera: &Tera,
    sources: &BTreeMap<String, TemplateSource>,
    options: RenderOptions,
    sink: Sink,
    plan: &Plan,
    reused: &(dyn Fn(&str, Option<u64>) -> bool + Sync),
) -> Result<(usize, usize)> {
    let Some(base_url) = &site.config.base_url else {
        return Ok((0, 0));
    };
    let render_error = |e: tera::Error| Error::Invalid(vec![templates::diagnostic(&e, sources)]);
    let views = Views::absolute(site, options.link_style, base_url);
    // A briefing is in the site's feed and in each of its countries' and topics': its entry
    // (card and body) is made once, for all of them.
    let entries: Vec<OnceLock<tera::Value>> =
        site.articles.iter().map(|_| OnceLock::new()).collect();
    let entry = |id: ArticleId| -> Result<tera::Value> {
        if let Some(value) = entries[id].get() {
            return Ok(value.clone());
        }
        let content = site.articles[id].content()?;
        let value = tera::Value::from_serializable(&FeedEntry {
            card: views.card(id),
            content: &content,
            source: site.articles[id].source.as_ref(),
        });
        Ok(entries[id].get_or_init(|| value).clone())
    };
    let feeds = || {
        plan.feeds
            .par_iter()
            .map(|planned| {
                let was_reused = reused(&planned.path, Some(planned.fingerprint));
                if !was_reused {
                    let feed = FeedSpec {
                        feed: planned.feed,
                        dir: &planned.dir,
                        entries: &planned.entries,
                        values: planned
                            .entries
                            .iter()
                            .map(|&id| entry(id))
                            .collect::<Result<_>>()?,
                    };
                    let xml = render_feed(site, &views, tera, &feed).map_err(render_error)?;
                    sink(&planned.path, &xml)?;
                }
                Ok(was_reused)
            })
            .collect::<Result<Vec<bool>>>()
    };
    // The sitemap is one template over every page: one thread's work, beside the feeds.
    let sitemap = || {
        let pages: Vec<Page> = plan.pages.iter().map(|(page, _, _)| *page).collect();
        let sitemap =
            render_sitemap(site, tera, options, base_url, &pages).map_err(render_error)?;
        sink("sitemap.xml", &sitemap)
    };
    let (feeds, sitemap) = rayon::join(feeds, sitemap);
    let feeds = feeds?;
    sitemap?;
    let reused = feeds.iter().filter(|r| **r).count();
    Ok((feeds.len() - reused + 1, reused))
}

/// Writes the search index, unless no briefing changed what it holds (then the previous
/// build's is reused whole and `None` returned). When it is written, the files that come out
/// the same as the previous build's are kept rather than written.
pub fn write_search_index(
    site: &Site,
    options: RenderOptions,
    sink: Sink,
    plan: &Plan,
    reuse: Option<&Reuse>,
) -> Result<Option<crate::search::IndexReport>> {
    let Some(search) = plan.search else {
        // `disable: [search]`: nothing to write (an empty report, not a reused index).
        return Ok(Some(crate::search::IndexReport::default()));
    };
    // The search index is not counted as pages: it is data for search/index.html.
    let reused_whole = match reuse {
        Some(reuse) if reuse.previous.get(SEARCH_MANIFEST) == Some(&search) => {
            SEARCH_DATA.iter().all(|folder| (reuse.link_tree)(folder))
                && (reuse.link)(SEARCH_MANIFEST)
        }
        _ => false,
    };
    if reused_whole {
        return Ok(None);
    }
    let keep = reuse.map(|reuse| crate::search::Reuse {
        hashes: reuse.search_files,
        keep: reuse.link,
    });
    let written = crate::search::write_index(site, options.link_style, sink, keep.as_ref())?;
    Ok(Some(written))
}

impl RenderReport {
    fn count(&mut self, outcomes: Vec<bool>) {
        let reused = outcomes.iter().filter(|r| **r).count();
        self.reused += reused;
        self.written += outcomes.len() - reused;
    }
}

/// A feed's folder and the briefings it lists, newest first, up to `feed_limit`.
fn feed_entries(site: &Site, feed: Feed) -> (PageDir, Vec<ArticleId>) {
    let limit = site.config.feed_limit;
    let (dir, ids): (PageDir, Vec<ArticleId>) = match feed {
        Feed::All => (
            PageDir::root(),
            (0..site.articles.len().min(limit)).collect(),
        ),
        Feed::Country(t) => {
            let term = &site.countries[t];
            (
                dirs::country(&term.slug),
                term.articles.iter().take(limit).copied().collect(),
            )
        }
        Feed::Topic(t) => {
            let term = &site.topics[t];
            (
                dirs::topic(&term.slug),
                term.articles.iter().take(limit).copied().collect(),
            )
        }
    };
    (dir, ids)
}

/// Renders pages of one site through one Tera instance, reusing what pages share: the `site`
/// value, and each briefing's card, made once for every folder depth (a card appears on its
/// country, topic, region, archive and home pages, and in related lists; see `CardCache`).
pub struct Renderer<'s> {
    site: &'s Site,
    tera: &'s Tera,
    sources: &'s BTreeMap<String, TemplateSource>,
    options: RenderOptions,
    cards: views::CardCache<'s>,
}

impl<'s> Renderer<'s> {
    /// A renderer for `site`; `sources` names the templates in error messages.
    pub fn new(
        site: &'s Site,
        tera: &'s Tera,
        sources: &'s BTreeMap<String, TemplateSource>,
        options: RenderOptions,
    ) -> Self {
        let views = Views::new(site, options.link_style, &PageDir::root(), None);
        let site_value = tera::Value::from_serializable(&views.site());
        Renderer {
            site,
            tera,
            sources,
            options,
            cards: views::CardCache::new(site, options.link_style, tera, site_value),
        }
    }

    /// Renders one page to HTML.
    pub fn render_page(&self, page: &Page) -> Result<String> {
        let html = self
            .render_page_into(page, &mut PageBuffers::default())?
            .to_vec();
        // Tera writes only strings it was given or escaped, so the bytes are UTF-8.
        String::from_utf8(html).map_err(|e| {
            Error::Invalid(vec![Diagnostic::error(
                page.output_path(self.site),
                format!("the rendered page is not UTF-8: {e}"),
            )])
        })
    }

    /// Renders one page to HTML in `buffers`, as bytes to write. The build takes this one: it
    /// skips the UTF-8 check of every page that a `String` would need (about 2% of a build).
    pub fn render_page_into<'b>(
        &self,
        page: &Page,
        buffers: &'b mut PageBuffers,
    ) -> Result<&'b [u8]> {
        // A briefing's body: kept from parse, or rendered again from its file.
        let content = match page {
            Page::Briefing(id) => Some(self.site.articles[*id].content()?),
            _ => None,
        };
        self.render_html(page, content.as_deref(), buffers)
            .map_err(|e| Error::Invalid(vec![templates::diagnostic(&e, self.sources)]))
    }

    fn render_html<'b>(
        &self,
        page: &Page,
        content: Option<&str>,
        buffers: &'b mut PageBuffers,
    ) -> tera::TeraResult<&'b [u8]> {
        let (site, options) = (self.site, self.options);
        let dir = page.dir(site);
        let views = match (page, &site.config.base_url) {
            // A host serves 404.html at any path, so its links must not be relative.
            (Page::NotFound, Some(base_url)) => Views::absolute(site, options.link_style, base_url),
            _ => Views::new(site, options.link_style, &dir, Some(&self.cards)),
        };
        let mut context = Context::new();
        context.insert_value("site", self.cards.site_value());
        context.insert_value("nav", views.nav_value());
        context.insert("root", views.linker.root());
        context.insert("page_kind", page.kind());
        if let Some(base_url) = &site.config.base_url {
            let canonical = Linker::absolute(LinkStyle::Pretty, base_url).page(&dir);
            context.insert("canonical_url", &canonical);
        }
        let title = fill_page_context(site, &views, page, &dir, content, &mut context)?;
        context.insert("title", &title);
        let PageBuffers { rendered, rooted } = buffers;
        rendered.clear();
        self.tera
            .render_to(page.template(), &context, &mut *rendered)?;
        if views.shares_cards() && views::put_root(rendered, views.linker.root(), rooted) {
            return Ok(rooted);
        }
        Ok(rendered)
    }
}

/// The buffers a page is rendered in, kept from page to page: a fresh buffer for every page
/// grew a list page by reallocation (copying it) and took fresh memory from the kernel.
#[derive(Default)]
pub struct PageBuffers {
    /// What the template wrote.
    rendered: Vec<u8>,
    /// The page with its root marks replaced, when it has any.
    rooted: Vec<u8>,
}

thread_local! {
    /// Each rendering thread's [`PageBuffers`].
    static PAGE_BUFFERS: std::cell::RefCell<PageBuffers> = Default::default();
}

/// Adds the page's own variables; returns its `<title>` text.
fn fill_page_context(
    site: &Site,
    views: &Views,
    page: &Page,
    dir: &PageDir,
    content: Option<&str>,
    context: &mut Context,
) -> tera::TeraResult<String> {
    let per = site.config.paginate;
    let title = match *page {
        Page::Home(n) => {
            list_context(views, context, &PageDir::root(), n, per, &site.newest)?;
            with_page_number(&site.config.title, n)
        }
        Page::Briefing(id) => {
            let article = &site.articles[id];
            context.insert_value(
                "page",
                views.article_value(id, content.unwrap_or_default())?,
            );
            // Newer and older neighbours: articles are sorted newest first.
            let newer = id.checked_sub(1).map(|n| views.card_value(n)).transpose()?;
            context.insert_value("newer", newer.unwrap_or_else(tera::Value::none));
            let older = (id + 1 < site.articles.len())
                .then(|| views.card_value(id + 1))
                .transpose()?;
            context.insert_value("older", older.unwrap_or_else(tera::Value::none));
            context.insert_value("related", views.card_values(&article.related)?);
            let day = article.date.day();
            let month = (chrono::Datelike::year(&day), chrono::Datelike::month(&day));
            let crumbs = views.month_value(month, |views| {
                tera::Value::from_serializable(&briefing_breadcrumbs(views, month))
            });
            context.insert_value("breadcrumbs", crumbs);
            article.title.clone()
        }
        Page::Countries => {
            context.insert("regions", &countries_by_region(views));
            context.insert("map", &views.world_map());
            "Countries".to_string()
        }
        Page::Country(t, n) => {
            context.insert("term", &views.country_term(t));
            if n == 1 {
                context.insert("profile", &views.profile(profile::Subject::Country(t)));
            }
            list_context(
                views,
                context,
                &dirs::country(&site.countries[t].slug),
                n,
                per,
                &site.countries[t].articles,
            )?;
            with_page_number(&site.countries[t].name, n)
        }
        Page::Topics => {
            let topics: Vec<_> = (0..site.topics.len())
                .map(|t| views.topic_term(t))
                .collect();
            context.insert("topics", &topics);
            "Topics".to_string()
        }
        Page::Topic(t, n) => {
            context.insert("term", &views.topic_term(t));
            if n == 1 {
                context.insert("profile", &views.profile(profile::Subject::Topic(t)));
            }
            list_context(
                views,
                context,
                &dirs::topic(&site.topics[t].slug),
                n,
                per,
                &site.topics[t].articles,
            )?;
            with_page_number(&site.topics[t].name, n)
        }
        Page::Region(r, n) => {
            let region = &site.regions[r];
            let value = |views: &Views| tera::Value::from_serializable(&region_view(views, r));
            context.insert_value("region", views.region_value(r, value));
            list_context(
                views,
                context,
                &dirs::region(&region.slug),
                n,
                per,
                &region.articles,
            )?;
            with_page_number(&region.name, n)
        }
        Page::Archive => {
            context.insert("years", &archive_view(views));
            "Archive".to_string()
        }
        Page::Year(y) => {
            let year = &site.years[y];
            context.insert_value("year", year_value(views, y, dir)?);
            year.year.to_string()
        }
        Page::Month(y, m) => {
            let year = &site.years[y];
            let month = &year.months[m];
            context.insert(
                "year",
                &YearView {
                    year: year.year,
                    count: year.count(),
                    url: views.linker.page(&dirs::year(year.year)),
                    months: Vec::new(),
                },
            );
            context.insert(
                "month",
                &MonthView {
                    name: month_name(month.month),
                    number: month.month,
                    url: views.linker.page(dir),
                    count: month.articles.len(),
                    articles: Vec::new(),
                },
            );
            context.insert_value("articles", views.card_values(&month.articles)?);
            format!("{} {}", month_name(month.month), year.year)
        }
        Page::NotFound => "Page not found".to_string(),
        Page::Search => {
            context.insert(
                "search",
                &crate::search::SearchPage::new(site, &views.linker),
            );
            "Search".to_string()
        }
    };
    Ok(title)
}

#[derive(Serialize)]
struct Crumb {
    name: String,
    url: String,
}

/// Archive › 2021 › April, for the briefing pages of a month (nothing without the archive).
fn briefing_breadcrumbs(views: &Views, (year, month): (i32, u32)) -> Vec<Crumb> {
    if !views.builds(Part::Archive) {
        return Vec::new();
    }
    vec![
        Crumb {
            name: "Archive".into(),
            url: views.linker.page(&dirs::archive()),
        },
        Crumb {
            name: year.to_string(),
            url: views.linker.page(&dirs::year(year)),
        },
        Crumb {
            name: month_name(month).into(),
            url: views.linker.page(&dirs::month(year, month)),
        },
    ]
}

/// `articles` and `paginator` for page `n` of the list `ids` living in `dir`.
fn list_context(
    views: &Views,
    context: &mut Context,
    dir: &PageDir,
    n: usize,
    per: usize,
    ids: &[ArticleId],
) -> tera::TeraResult<()> {
    let total = page_count(ids.len(), per);
    context.insert_value("articles", views.card_values(page_slice(ids, n, per))?);
    context.insert("paginator", &views.paginator(dir, n, total, ids.len()));
    Ok(())
}

fn with_page_number(title: &str, n: usize) -> String {
    if n > 1 {
        format!("{title} (page {n})")
    } else {
        title.to_string()
    }
}

#[derive(Serialize)]
struct RegionGroup<'a> {
    name: &'a str,
    slug: &'a str,
    url: Option<String>,
    count: usize,
    subregions: Vec<views::NamedLink<'a>>,
    countries: Vec<views::TermView<'a>>,
}

/// The countries index: regions (continents) with their subregions and countries.
fn countries_by_region<'a>(views: &Views<'a>) -> Vec<RegionGroup<'a>> {
    let site = views.site;
    site.regions
        .iter()
        .filter(|r| r.parent.is_none())
        .map(|region| RegionGroup {
            name: &region.name,
            slug: &region.slug,
            url: views.region_url(region),
            count: region.articles.len(),
            subregions: site
                .regions
                .iter()
                .filter(|s| s.parent.as_deref() == Some(region.name.as_str()))
                .map(|s| views.region_link(s))
                .collect(),
            countries: region
                .countries
                .iter()
                .map(|&t| views.country_term(t))
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct RegionView<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    count: usize,
    parent: Option<views::NamedLink<'a>>,
    countries: Vec<views::Chip<'a>>,
}

fn region_view<'a>(views: &Views<'a>, r: usize) -> RegionView<'a> {
    let site = views.site;
    let region = &site.regions[r];
    RegionView {
        name: &region.name,
        slug: &region.slug,
        url: views.linker.page(&dirs::region(&region.slug)),
        count: region.articles.len(),
        parent: region
            .parent
            .as_deref()
            .and_then(|p| {
                site.regions
                    .iter()
                    .find(|x| x.name == p && x.parent.is_none())
            })
            .map(|p| views.region_link(p)),
        countries: region
            .countries
            .iter()
            .map(|&t| views.country_chip(t))
            .collect(),
    }
}

#[derive(Serialize)]
struct YearView<'a> {
    year: i32,
    count: usize,
    url: String,
    months: Vec<MonthView<'a>>,
}

#[derive(Serialize)]
struct MonthView<'a> {
    name: &'static str,
    number: u32,
    url: String,
    count: usize,
    articles: Vec<views::Card<'a>>,
}

/// `year` on a year page: what serialising a [`YearView`] whose months hold their cards gives,
/// built by hand so the cards are the shared card values of the page's depth (a year page lists
/// a tenth of the archive; serialising every card again cost as much as rendering 3,000 pages).
fn year_value(views: &Views, y: usize, dir: &PageDir) -> tera::TeraResult<tera::Value> {
    use tera::Value;
    let year = &views.site.years[y];
    let months = year
        .months
        .iter()
        .map(|m| {
            let fields: [(&'static str, Value); 5] = [
                ("name", month_name(m.month).into()),
                ("number", m.month.into()),
                (
                    "url",
                    views.linker.page(&dirs::month(year.year, m.month)).into(),
                ),
                ("count", m.articles.len().into()),
                ("articles", views.card_values(&m.articles)?),
            ];
            Ok(views::fields_value(&fields))
        })
        .collect::<tera::TeraResult<Vec<Value>>>()?;
    let fields: [(&'static str, Value); 4] = [
        ("year", year.year.into()),
        ("count", year.count().into()),
        ("url", views.linker.page(dir).into()),
        ("months", months.into()),
    ];
    Ok(views::fields_value(&fields))
}

fn archive_view<'a>(views: &Views<'a>) -> Vec<YearView<'a>> {
    views
        .site
        .years
        .iter()
        .map(|year| YearView {
            year: year.year,
            count: year.count(),
            url: views.linker.page(&dirs::year(year.year)),
            months: year
                .months
                .iter()
                .map(|m| MonthView {
                    name: month_name(m.month),
                    number: m.month,
                    url: views.linker.page(&dirs::month(year.year, m.month)),
                    count: m.articles.len(),
                    articles: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct FeedView<'a> {
    title: String,
    /// The feed's own absolute URL.
    url: String,
    /// The absolute URL of the page the feed mirrors.
    page_url: String,
    updated: String,
    entries: &'a [tera::Value],
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    #[serde(flatten)]
    card: views::Card<'a>,
    content: &'a str,
    source: Option<&'a crate::model::Source>,
}

/// One feed to render: which, where, its briefings and their entries as template values.
struct FeedSpec<'a> {
    feed: Feed,
    dir: &'a PageDir,
    entries: &'a [ArticleId],
    values: Vec<tera::Value>,
}

/// Renders one Atom feed through `views` (absolute links); returns its XML.
fn render_feed(
    site: &Site,
    views: &Views,
    tera: &Tera,
    spec: &FeedSpec,
) -> tera::TeraResult<Vec<u8>> {
    let name = match spec.feed {
        Feed::All => site.config.title.clone(),
        Feed::Country(t) => format!("{} — {}", site.countries[t].name, site.config.title),
        Feed::Topic(t) => format!("{} — {}", site.topics[t].name, site.config.title),
    };
    let (ids, dir) = (spec.entries, spec.dir);
    let updated = ids.first().map_or_else(
        || "1970-01-01T00:00:00+00:00".to_string(),
        |&id| site.articles[id].date_iso.clone(),
    );
    let path = dir.file("atom.xml");
    let view = FeedView {
        title: name,
        url: views.linker.file(&path),
        page_url: views.linker.page(dir),
        updated,
        entries: &spec.values,
    };
    let mut context = Context::new();
    context.insert("site", &views.site());
    context.insert("feed", &view);
    // Room for the whole feed up front: a feed is mostly its entries' bodies, escaped (about a
    // third longer), and growing the buffer a doubling at a time copied each feed a dozen times.
    let bodies: usize = ids
        .iter()
        .map(|&id| {
            site.articles[id]
                .rendered
                .as_ref()
                .map_or(8192, String::len)
        })
        .sum();
    let mut xml = Vec::with_capacity(4096 + bodies * 3 / 2 + ids.len() * 1024);
    tera.render_to("atom.xml", &context, &mut xml)?;
    Ok(xml)
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

fn render_sitemap(
    site: &Site,
    tera: &Tera,
    options: RenderOptions,
    base_url: &str,
    pages: &[Page],
) -> tera::TeraResult<Vec<u8>> {
    let views = Views::absolute(site, options.link_style, base_url);
    let entries: Vec<SitemapEntry> = pages
        .iter()
        .filter(|p| !matches!(p, Page::NotFound | Page::Search))
        .map(|page| SitemapEntry {
            loc: views.linker.page(&page.dir(site)),
            lastmod: match page {
                Page::Briefing(id) => Some(site.articles[*id].date.day().to_string()),
                _ => None,
            },
        })
        .collect();
    let mut context = Context::new();
    context.insert("entries", &entries);
    // About a hundred bytes a page; sized up front, as a feed is.
    let mut xml = Vec::with_capacity(1024 + entries.len() * 128);
    tera.render_to("sitemap.xml", &context, &mut xml)?;
    Ok(xml)
}
