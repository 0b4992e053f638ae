//! A term's profile, shown on the first page of a country or topic: its coverage over time
//! (briefings per month, drawn as a small inline SVG bar chart) and the countries and topics
//! most often tagged with it.
//!
//! [`Profile`] is plain data computed from the model, so the build cache's fingerprints
//! (`fingerprint.rs`) hash exactly what the page shows; the chart is drawn from it.

use crate::model::{month_name, ArticleId, Site, TermId};
use chrono::Datelike;
use std::fmt::Write as _;

/// How many co-occurring countries and topics a profile lists.
pub const CO_TERMS: usize = 8;

/// Which term a profile is of (it is left out of its own co-occurrence lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A country, by index into `Site::countries`.
    Country(TermId),
    /// A topic, by index into `Site::topics`.
    Topic(TermId),
}

/// What a term's profile shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    /// Every month from the archive's first to its last, oldest first: (year, month, briefings
    /// of this term). The whole archive's span, so charts of different terms line up.
    pub months: Vec<(i32, u32, usize)>,
    /// Countries tagged together with it, most often first (then by name), at most [`CO_TERMS`].
    pub countries: Vec<(TermId, usize)>,
    /// Topics tagged together with it, likewise.
    pub topics: Vec<(TermId, usize)>,
}

impl Profile {
    /// The profile of `subject`, from its briefings.
    pub fn of(site: &Site, subject: Subject) -> Profile {
        let ids = match subject {
            Subject::Country(t) => &site.countries[t].articles,
            Subject::Topic(t) => &site.topics[t].articles,
        };
        let (own_country, own_topic) = match subject {
            Subject::Country(t) => (Some(t), None),
            Subject::Topic(t) => (None, Some(t)),
        };
        let countries = co_terms(
            ids,
            |id| &site.articles[id].countries,
            own_country,
            |t| &site.countries[t].name,
        );
        let topics = co_terms(
            ids,
            |id| &site.articles[id].topics,
            own_topic,
            |t| &site.topics[t].name,
        );
        Profile {
            months: monthly_counts(site, ids),
            countries,
            topics,
        }
    }

    /// The month with the most briefings (the latest of equals), when some month had more than
    /// one: "the busiest month had 1" says nothing.
    pub fn peak(&self) -> Option<(i32, u32, usize)> {
        self.months
            .iter()
            .copied()
            .filter(|m| m.2 > 1)
            .max_by_key(|m| m.2)
    }
}

/// Briefings of `ids` per month over the archive's whole span, oldest month first.
fn monthly_counts(site: &Site, ids: &[ArticleId]) -> Vec<(i32, u32, usize)> {
    let month_of = |id: ArticleId| {
        let day = site.articles[id].date.day();
        (day.year(), day.month())
    };
    // Articles are newest first, so the archive spans from the last one to the first.
    let (Some(&newest), Some(&oldest)) = (site.newest.first(), site.newest.last()) else {
        return Vec::new();
    };
    // Months are counted by their distance from the oldest, in a vector: a subject can have
    // thousands of briefings, and a hash map cost more than the rest of the profile.
    let index = |(year, month): (i32, u32)| (year * 12 + month as i32 - 1) as usize;
    let (first, end) = (month_of(oldest), month_of(newest));
    let span = index(end).saturating_sub(index(first)) + 1;
    let mut counts = vec![0usize; span];
    for &id in ids {
        if let Some(slot) = index(month_of(id))
            .checked_sub(index(first))
            .and_then(|at| counts.get_mut(at))
        {
            *slot += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(at, count)| {
            let months = index(first) + at;
            ((months / 12) as i32, (months % 12) as u32 + 1, count)
        })
        .collect()
}

/// The terms (by `terms_of` each briefing) most often in `ids`, besides `own`.
fn co_terms<'s>(
    ids: &[ArticleId],
    terms_of: impl Fn(ArticleId) -> &'s Vec<TermId>,
    own: Option<TermId>,
    name: impl Fn(TermId) -> &'s str,
) -> Vec<(TermId, usize)> {
    // Counted by term id in a vector (ids are dense), not a hash map.
    let mut counts: Vec<usize> = Vec::new();
    for &id in ids {
        for &t in terms_of(id).iter().filter(|&&t| Some(t) != own) {
            if t >= counts.len() {
                counts.resize(t + 1, 0);
            }
            counts[t] += 1;
        }
    }
    let mut ranked: Vec<(TermId, usize)> = counts
        .into_iter()
        .enumerate()
        .filter(|&(_, count)| count > 0)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
    ranked.truncate(CO_TERMS);
    ranked
}

/// The chart's drawing area, in SVG user units (it scales to the page's width).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 120.0;
/// Year labels closer than this (a share of the width) to the one before are left out.
const LABEL_SPACING: f64 = 0.12;

/// The coverage chart: an inline SVG with a bar per month (an image to assistive technology,
/// named by a one-sentence description; each bar has a tooltip with its month and count), and
/// the years under it as HTML, placed by percentages: SVG text would scale with the chart and be
/// unreadable on a phone.
pub fn coverage_svg(profile: &Profile, term_name: &str) -> String {
    let months = &profile.months;
    if months.is_empty() {
        return String::new();
    }
    let max = months.iter().map(|m| m.2).max().unwrap_or(0).max(1);
    let step = WIDTH / months.len() as f64;
    let gap = if step >= 4.0 { step * 0.2 } else { 0.0 };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<div class="coverage-chart"><svg viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" role="img" aria-label="{label}"><path class="axis" d="M0 {HEIGHT}h{WIDTH}"/>"#,
        label = escape(&describe(profile, term_name)),
    );
    for (i, &(_, month, count)) in months.iter().enumerate().filter(|m| m.1 .2 > 0) {
        let h = (count as f64 / max as f64 * (HEIGHT - 4.0)).max(2.0);
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>{name} {year}: {count}</title></rect>"#,
            x = i as f64 * step + gap / 2.0,
            y = HEIGHT - h,
            w = step - gap,
            name = month_name(month),
            year = months[i].0,
        );
    }
    svg.push_str(r#"</svg><div class="years" aria-hidden="true">"#);
    let mut last_label: Option<f64> = None;
    for (i, &(year, month, _)) in months.iter().enumerate() {
        let at = i as f64 / months.len() as f64;
        let spaced = last_label.is_none_or(|last| at - last >= LABEL_SPACING);
        if (month == 1 || i == 0) && spaced && at <= 1.0 - LABEL_SPACING {
            let _ = write!(
                svg,
                r#"<span style="left:{:.1}%">{year}</span>"#,
                at * 100.0
            );
            last_label = Some(at);
        }
    }
    svg.push_str("</div></div>");
    svg
}

/// "Briefings on India per month, March 2019 to March 2024: 12 in all, most (3) in August 2023."
fn describe(profile: &Profile, term_name: &str) -> String {
    let (first, last) = (profile.months[0], profile.months[profile.months.len() - 1]);
    let total: usize = profile.months.iter().map(|m| m.2).sum();
    let mut text = format!(
        "Briefings on {term_name} per month, {} {} to {} {}: {total} in all",
        month_name(first.1),
        first.0,
        month_name(last.1),
        last.0
    );
    if let Some((year, month, count)) = profile.peak() {
        let _ = write!(text, ", most ({count}) in {} {year}", month_name(month));
    }
    text.push('.');
    text
}

/// Escapes text for an HTML or SVG attribute or text node.
use crate::parse::highlight::escape_html as escape;

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(counts: &[usize]) -> Profile {
        Profile {
            months: counts
                .iter()
                .enumerate()
                .map(|(i, &c)| (2020 + (i / 12) as i32, (i % 12) as u32 + 1, c))
                .collect(),
            countries: Vec::new(),
            topics: Vec::new(),
        }
    }

    #[test]
    fn chart_draws_a_bar_per_month_with_briefings_and_labels_years() {
        let mut counts = vec![0; 25];
        (counts[0], counts[2], counts[12]) = (1, 2, 3);
        let svg = coverage_svg(&profile(&counts), "India");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(">2020</span>") && svg.contains(">2021</span>"));
        // January 2022 is the last month: too near the edge for a label.
        assert!(!svg.contains(">2022</span>"));
        assert!(svg.contains("January 2021: 3"));
        assert!(svg.contains(r#"aria-label="Briefings on India per month, January 2020 to January 2022: 6 in all, most (3) in January 2021.""#));
    }

    #[test]
    fn names_are_escaped_in_the_chart() {
        let svg = coverage_svg(&profile(&[1]), "\"<Q&A>\"");
        assert!(svg.contains("&quot;&lt;Q&amp;A&gt;&quot;"));
        assert!(!svg.contains("<Q&A>"));
    }

    #[test]
    fn the_peak_is_the_latest_of_the_busiest_months() {
        assert_eq!(profile(&[2, 1, 2]).peak(), Some((2020, 3, 2)));
        assert_eq!(profile(&[0, 0]).peak(), None);
        assert_eq!(profile(&[1, 1]).peak(), None);
    }
}
