//! Plain data: what a briefing is once parsed, and the indexed site. No I/O, no templates.
//!
//! Articles are kept once, in `Site::articles` (newest first); terms, regions, the archive and
//! related lists refer to them by [`ArticleId`], never by copy.

use crate::config::SiteConfig;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::PathBuf;

/// Position of an article in `Site::articles` (0 is the newest).
pub type ArticleId = usize;
/// Position of a term in `Site::countries` or `Site::topics`.
pub type TermId = usize;

/// When a briefing was filed: a day, or a moment with its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BriefingDate {
    /// The moment (midnight UTC for a plain day).
    pub at: DateTime<FixedOffset>,
    /// False when the front matter gave only a day.
    pub has_time: bool,
}

impl BriefingDate {
    /// A plain day, at midnight UTC.
    pub fn from_day(day: NaiveDate) -> Self {
        let at = Utc
            .from_utc_datetime(&day.and_time(NaiveTime::MIN))
            .fixed_offset();
        BriefingDate {
            at,
            has_time: false,
        }
    }

    /// A moment with its offset.
    pub fn from_time(at: DateTime<FixedOffset>) -> Self {
        BriefingDate { at, has_time: true }
    }

    /// Stand-in used only while an invalid file's other errors are collected.
    pub fn placeholder() -> Self {
        BriefingDate::from_day(NaiveDate::MIN)
    }

    /// The calendar day, in the briefing's own offset.
    pub fn day(&self) -> NaiveDate {
        self.at.date_naive()
    }

    /// "6 April 2021".
    pub fn display(&self) -> String {
        // What `format("%-d %B %Y")` gives, without chrono's format parser (every briefing's
        // date is shown, and a cached one is formatted again on every build).
        use chrono::Datelike;
        let day = self.day();
        match day.year() {
            year @ 1000..=9999 => format!("{} {} {year}", day.day(), month_name(day.month())),
            // chrono pads and signs other years its own way.
            _ => self.at.format("%-d %B %Y").to_string(),
        }
    }

    /// RFC 3339, for feeds, `<time datetime>` and the sitemap.
    pub fn rfc3339(&self) -> String {
        self.at.to_rfc3339()
    }
}

/// What a link in a briefing's body leads to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkTarget {
    /// Not a link to a briefing: left alone.
    Keep,
    /// A briefing: this URL instead.
    Rewrite(String),
    /// A `.md` link to a file that is not a briefing of this build.
    Missing,
}

/// Where a briefing came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The outlet's or author's name.
    pub name: String,
    /// A link to the original.
    pub url: Option<String>,
}

/// One briefing, parsed and rendered to HTML.
#[derive(Debug, Clone)]
pub struct Article {
    /// The source file, for diagnostics.
    pub path: PathBuf,
    /// The source path relative to `content/`.
    pub relative: String,
    /// The URL slug (`briefings/<slug>/`).
    pub slug: String,
    /// The title, as written.
    pub title: String,
    /// When it was filed.
    pub date: BriefingDate,
    /// `date` as "6 April 2021", formatted once.
    pub date_display: String,
    /// `date` in RFC 3339, formatted once.
    pub date_iso: String,
    /// Where it was filed.
    pub dateline: Option<String>,
    /// The front matter's summary, or the first paragraph's text.
    pub summary: String,
    /// Where it came from.
    pub source: Option<Source>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// The body as HTML, when parse kept it (see [`Article::content`]). Links in it are relative
    /// to the briefing's own page.
    pub rendered: Option<String>,
    /// Where the body starts in the source file, to render it again on demand.
    pub body_start: usize,
    /// How every `.md` link in the body was resolved, in order: the body's HTML depends on them.
    pub links: Vec<(String, LinkTarget)>,
    /// A hash of the body's text: with `links`, it stands for the body's HTML in build-cache
    /// fingerprints.
    pub body_hash: u64,
    /// Whether raw HTML in the body is cleaned or trusted, to render it again the same way.
    pub raw_html: crate::parse::markdown::RawHtml,
    /// Words in the body.
    pub word_count: usize,
    /// The terms of its title, summary and body, for the search index (worked out at parse, or
    /// kept by the build cache), numbered by [`Site::vocabulary`].
    pub search: crate::search::DocTerms,
    /// Front-matter keys the schema does not know.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Its countries, as indexes into `Site::countries`, in front-matter order.
    pub countries: Vec<TermId>,
    /// Its topics, as indexes into `Site::topics`, in front-matter order.
    pub topics: Vec<TermId>,
    /// Up to five briefings that share the most countries and topics, nearest in time first.
    pub related: Vec<ArticleId>,
}

impl Article {
    /// The body as HTML: kept from parse, or rendered again from the file (a body the build
    /// cache stood in for, or any body in a large archive, where holding every body's HTML
    /// would cost gigabytes). Not kept: a body is needed once for its page and once for search.
    pub fn content(&self) -> crate::error::Result<Cow<'_, str>> {
        if let Some(html) = &self.rendered {
            return Ok(Cow::Borrowed(html));
        }
        let bytes = crate::fs::read(&self.path)?;
        let text = crate::load::normalise(String::from_utf8_lossy(&bytes).into_owned());
        let body = text.get(self.body_start..).unwrap_or("");
        if crate::cache::hash_of(body) != self.body_hash {
            return Err(crate::error::Error::Refused(format!(
                "{} changed during the build; build again",
                crate::error::display_path(&self.path)
            )));
        }
        let resolve = |dest: &str| {
            self.links
                .iter()
                .find(|(seen, _)| seen == dest)
                .map_or(LinkTarget::Keep, |(_, target)| target.clone())
        };
        Ok(Cow::Owned(
            crate::parse::markdown::render_with(body, &resolve, self.raw_html).html,
        ))
    }

    /// Minutes to read at 220 words a minute, at least one.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(220).max(1)
    }
}

/// A country or topic with the briefings tagged with it.
#[derive(Debug, Clone)]
pub struct Term {
    /// Display name ("United States", "Indo-Pacific").
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// From site.yaml (topics).
    pub description: Option<String>,
    /// The country's data (countries only).
    pub country: Option<crate::countries::Country>,
    /// Its briefings, newest first.
    pub articles: Vec<ArticleId>,
}

/// A region ("Asia") or subregion ("Southern Asia") of the country dataset.
#[derive(Debug, Clone)]
pub struct Region {
    /// Display name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// For a subregion, the name of its region.
    pub parent: Option<String>,
    /// Its countries that have briefings, by name.
    pub countries: Vec<TermId>,
    /// The briefings of all its countries, newest first, each once.
    pub articles: Vec<ArticleId>,
}

/// One year of the archive.
#[derive(Debug, Clone)]
pub struct Year {
    /// e.g. 2021.
    pub year: i32,
    /// Its months with briefings, newest first.
    pub months: Vec<Month>,
}

/// One month of the archive.
#[derive(Debug, Clone)]
pub struct Month {
    /// 1 to 12.
    pub month: u32,
    /// Its briefings, newest first.
    pub articles: Vec<ArticleId>,
}

impl Year {
    /// Briefings in the whole year.
    pub fn count(&self) -> usize {
        self.months.iter().map(|m| m.articles.len()).sum()
    }
}

/// The whole indexed archive. Built once by `index`; never changed afterwards.
#[derive(Debug)]
pub struct Site {
    /// Settings.
    pub config: SiteConfig,
    /// Every briefing, newest first.
    pub articles: Vec<Article>,
    /// Every article id in order (0, 1, 2...): the home page's list, as term lists are theirs.
    pub newest: Vec<ArticleId>,
    /// Countries with at least one briefing, by name.
    pub countries: Vec<Term>,
    /// Topics with at least one briefing, by name.
    pub topics: Vec<Term>,
    /// Regions, then subregions, with at least one briefing, by name.
    pub regions: Vec<Region>,
    /// The archive by date, newest year first.
    pub years: Vec<Year>,
    /// Numbers the search terms of every article ([`Article::search`]).
    pub vocabulary: crate::search::Vocabulary,
}

/// English month names, for archive pages.
pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(month.clamp(1, 12) - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_display_as_chrono_formats_them() {
        for (y, m, d) in [
            (2021, 4, 6),
            (1999, 12, 31),
            (2024, 2, 29),
            (999, 1, 1),
            (10000, 5, 5),
        ] {
            let date = BriefingDate::from_day(NaiveDate::from_ymd_opt(y, m, d).unwrap());
            assert_eq!(date.display(), date.at.format("%-d %B %Y").to_string());
        }
        assert_eq!(
            BriefingDate::placeholder().display(),
            BriefingDate::placeholder()
                .at
                .format("%-d %B %Y")
                .to_string()
        );
    }
}
