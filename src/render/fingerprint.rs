//! Page fingerprints for the build cache: a hash of everything a page shows, computed from the
//! model without rendering. A page whose fingerprint matches the last build's is reused.
//!
//! Each fingerprint covers: the global part (chancery's version, the settings, every template,
//! the site-wide counts every page's footer may show), the page's own path, and the data its
//! template receives (README, "Template variables"). When a template variable is added, its
//! data must be added here too; the test that compares cached and full builds catches a miss.
//! The small index pages (countries, topics, archive, years, 404, search) have none and are
//! rendered whenever the site is written: each is a function of data that the fingerprinted pages
//! cover, so when every fingerprint matches they are unchanged too (see `lib.rs`, `up_to_date`).

use super::profile::{Profile, Subject};
use super::{Feed, Page};
use crate::cache::{hash_of, StableHasher};
use crate::model::{ArticleId, Site, Term, TermId};
use rayon::prelude::*;
use std::hash::{Hash, Hasher};

/// Fingerprints of the parts pages are made of.
pub struct Fingerprints {
    global: u64,
    /// What a briefing's card shows.
    cards: Vec<u64>,
    /// What a briefing's own page and feed entries show of it (card, body, source, extras).
    articles: Vec<u64>,
}

impl Fingerprints {
    /// Fingerprints for `site`; `settings` covers the options and templates of the build.
    pub fn new(site: &Site, settings: u64) -> Self {
        let global = hash_of((
            settings,
            site.articles.len(),
            site.countries.len(),
            site.topics.len(),
        ));
        let cards: Vec<u64> = (0..site.articles.len())
            .into_par_iter()
            .map(|id| card(site, id))
            .collect();
        let articles = (0..site.articles.len())
            .into_par_iter()
            .map(|id| article(site, id, cards[id]))
            .collect();
        Fingerprints {
            global,
            cards,
            articles,
        }
    }

    /// The search index's fingerprint: every briefing's page data, in order.
    pub fn search(&self) -> u64 {
        hash_of((self.global, &self.articles))
    }

    /// The page's fingerprint, or `None` for pages that are always rendered.
    pub fn page(&self, site: &Site, page: &Page) -> Option<u64> {
        let per = site.config.paginate;
        let mut h = StableHasher::new();
        (self.global, page.output_path(site)).hash(&mut h);
        match *page {
            Page::Home(n) => self.list(&mut h, &site.newest, n, per),
            Page::Briefing(id) => {
                self.articles[id].hash(&mut h);
                id.checked_sub(1).map(|n| self.cards[n]).hash(&mut h);
                self.cards.get(id + 1).hash(&mut h);
                for &other in &site.articles[id].related {
                    self.cards[other].hash(&mut h);
                }
            }
            Page::Country(t, n) => {
                country_term(site, t, &mut h);
                self.list(&mut h, &site.countries[t].articles, n, per);
                if n == 1 {
                    profile(site, Subject::Country(t), &mut h);
                }
            }
            Page::Topic(t, n) => {
                let term = &site.topics[t];
                (&term.name, &term.slug, &term.description).hash(&mut h);
                self.list(&mut h, &term.articles, n, per);
                if n == 1 {
                    profile(site, Subject::Topic(t), &mut h);
                }
            }
            Page::Region(r, n) => {
                let region = &site.regions[r];
                (&region.name, &region.slug, region.articles.len()).hash(&mut h);
                region_count(site, region.parent.as_deref()).hash(&mut h);
                for &t in &region.countries {
                    chip(&site.countries[t], &mut h);
                }
                self.list(&mut h, &region.articles, n, per);
            }
            Page::Month(y, m) => {
                let year = &site.years[y];
                let month = &year.months[m];
                (year.year, year.count(), month.month).hash(&mut h);
                for &id in &month.articles {
                    self.cards[id].hash(&mut h);
                }
            }
            Page::Countries
            | Page::Topics
            | Page::Archive
            | Page::Year(_)
            | Page::NotFound
            | Page::Search => return None,
        }
        Some(h.finish())
    }

    /// A feed's fingerprint.
    pub fn feed(&self, site: &Site, feed: Feed, path: &str, entries: &[ArticleId]) -> u64 {
        let mut h = StableHasher::new();
        (self.global, path).hash(&mut h);
        match feed {
            Feed::All => {}
            Feed::Country(t) => site.countries[t].name.hash(&mut h),
            Feed::Topic(t) => site.topics[t].name.hash(&mut h),
        }
        for &id in entries {
            self.articles[id].hash(&mut h);
        }
        h.finish()
    }

    /// A paginated list: its page number and size, and the cards on this page.
    fn list(&self, h: &mut impl Hasher, ids: &[ArticleId], n: usize, per: usize) {
        // The paginator shows the page number, the page count and the list's length.
        (n, super::page_count(ids.len(), per), ids.len()).hash(h);
        for &id in super::page_slice(ids, n, per) {
            self.cards[id].hash(h);
        }
    }
}

/// What a card shows: title, date, dateline, summary, chips, reading time, draft flag.
fn card(site: &Site, id: ArticleId) -> u64 {
    let a = &site.articles[id];
    let mut h = StableHasher::new();
    (&a.title, &a.slug, &a.date_iso, &a.dateline, &a.summary).hash(&mut h);
    (a.reading_minutes(), a.draft).hash(&mut h);
    for &t in &a.countries {
        chip(&site.countries[t], &mut h);
    }
    for &t in &a.topics {
        chip(&site.topics[t], &mut h);
    }
    h.finish()
}

/// What a briefing's page and feed entry show beyond its card.
fn article(site: &Site, id: ArticleId, card: u64) -> u64 {
    let a = &site.articles[id];
    let extra = serde_json::to_string(&a.extra).unwrap_or_default();
    hash_of((
        card,
        a.body_hash,
        &a.links,
        &a.source,
        extra,
        a.word_count,
        &a.relative,
    ))
}

fn chip(term: &Term, h: &mut impl Hasher) {
    (&term.name, &term.slug).hash(h);
    if let Some(country) = &term.country {
        (&country.flag, &country.code).hash(h);
    }
}

/// A country page's header: the country, its count, its region and subregion with theirs.
fn country_term(site: &Site, t: TermId, h: &mut impl Hasher) {
    let term = &site.countries[t];
    chip(term, h);
    term.articles.len().hash(h);
    if let Some(country) = &term.country {
        region_count(site, Some(&country.region)).hash(h);
        region_count(site, Some(&country.subregion)).hash(h);
    }
}

/// A term's profile (first page only): its briefings per month over the archive's whole span
/// (so every briefing's month counts, not only those listed on the page), and the countries and
/// topics most often tagged with it, as chips, with their counts.
fn profile(site: &Site, subject: Subject, h: &mut impl Hasher) {
    let profile = Profile::of(site, subject);
    profile.months.hash(h);
    for &(t, count) in &profile.countries {
        chip(&site.countries[t], h);
        count.hash(h);
    }
    for &(t, count) in &profile.topics {
        chip(&site.topics[t], h);
        count.hash(h);
    }
}

/// A region's name and count, as links to it show them.
fn region_count<'s>(site: &'s Site, name: Option<&str>) -> Option<(&'s str, usize)> {
    let name = name?;
    site.regions
        .iter()
        .find(|r| r.name == name)
        .map(|r| (r.name.as_str(), r.articles.len()))
}
