//! Stage 3, index: parsed briefings → the `Site`, built once.
//!
//! Sorts the articles newest first, gathers the countries, topics, regions and the archive by
//! date, each holding article ids (never copies), and ranks related briefings. After this stage
//! nothing mutates, so rendering can run in parallel without locks.

use crate::config::SiteConfig;
use crate::countries::{CountryId, Gazetteer};
use crate::error::Diagnostic;
use crate::model::{Article, ArticleId, Month, Region, Site, Term, TermId, Year};
use crate::parse::ParsedBriefing;
use crate::urls::slugify;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// How many related briefings each briefing lists.
pub const RELATED_LIMIT: usize = 5;
/// How many neighbours in time are considered within one term when ranking related briefings:
/// bounds the work for a country with thousands of briefings.
const RELATED_WINDOW: usize = 24;

/// Builds the site. `vocabulary` numbers the briefings' search terms (see `crate::parse::Parsed`).
/// Returns diagnostics for topics that cannot be named.
pub fn build_site(
    config: SiteConfig,
    gazetteer: &Gazetteer,
    briefings: Vec<ParsedBriefing>,
    vocabulary: crate::search::Vocabulary,
) -> (Site, Vec<Diagnostic>) {
    let briefings = newest_first(briefings);
    let (countries, country_of) = country_terms(&briefings, gazetteer);
    let (topics, topic_of, diagnostics) = topic_terms(&briefings, &config);
    let mut articles: Vec<Article> = briefings
        .into_iter()
        .enumerate()
        .map(|(id, briefing)| {
            let mut article = briefing.article;
            article.countries = briefing.country_ids.iter().map(|c| country_of[c]).collect();
            article.topics = topic_of[id].clone();
            article
        })
        .collect();
    // Timestamps in one small array: ranking reads thousands of them per article, and reading
    // them from the (large) articles would miss the cache every time.
    let times: Vec<i64> = articles.iter().map(|a| a.date.at.timestamp()).collect();
    let related: Vec<Vec<ArticleId>> = (0..articles.len())
        .into_par_iter()
        .map(|id| related_to(id, &articles[id], &times, &countries, &topics))
        .collect();
    for (article, related) in articles.iter_mut().zip(related) {
        article.related = related;
    }
    let regions = regions(&countries);
    let years = archive(&articles);
    let site = Site {
        config,
        newest: (0..articles.len()).collect(),
        articles,
        countries,
        topics,
        regions,
        years,
        vocabulary,
    };
    (site, diagnostics)
}

/// The briefings newest first, then by slug. The order is worked out on indices and the
/// briefings moved once: a briefing is large, and sorting them in place moved each about
/// fourteen times at 10,000 briefings (tens of milliseconds of copying).
fn newest_first(briefings: Vec<ParsedBriefing>) -> Vec<ParsedBriefing> {
    let mut order: Vec<usize> = (0..briefings.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&briefings[a].article, &briefings[b].article);
        b.date.at.cmp(&a.date.at).then_with(|| a.slug.cmp(&b.slug))
    });
    let mut slots: Vec<Option<ParsedBriefing>> = briefings.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|at| slots[at].take().expect("each briefing is taken once"))
        .collect()
}

/// Country terms sorted by name, and the term of each country id.
fn country_terms(
    briefings: &[ParsedBriefing],
    gazetteer: &Gazetteer,
) -> (Vec<Term>, HashMap<CountryId, TermId>) {
    let mut by_country: BTreeMap<&str, (CountryId, Vec<ArticleId>)> = BTreeMap::new();
    for (id, briefing) in briefings.iter().enumerate() {
        for &country in &briefing.country_ids {
            let name = gazetteer.get(country).name.as_str();
            by_country
                .entry(name)
                .or_insert((country, Vec::new()))
                .1
                .push(id);
        }
    }
    let mut term_of = HashMap::new();
    let terms = by_country
        .into_values()
        .enumerate()
        .map(|(term_id, (country_id, articles))| {
            term_of.insert(country_id, term_id);
            let country = gazetteer.get(country_id).clone();
            Term {
                name: country.name.clone(),
                slug: country.slug.clone(),
                description: None,
                country: Some(country),
                articles,
            }
        })
        .collect();
    (terms, term_of)
}

/// Topic terms merged by slug (so "Defence", "defence" and, through site.yaml, "defense" are one),
/// sorted by name; the topics of each article; and diagnostics for unnameable topics.
fn topic_terms(
    briefings: &[ParsedBriefing],
    config: &SiteConfig,
) -> (Vec<Term>, Vec<Vec<TermId>>, Vec<Diagnostic>) {
    let aliases = topic_aliases(config);
    let mut diagnostics = Vec::new();
    // slug -> (spellings with counts, articles)
    let mut by_slug: HashMap<String, (BTreeMap<String, usize>, Vec<ArticleId>)> = HashMap::new();
    let mut slugs_of: Vec<Vec<String>> = Vec::with_capacity(briefings.len());
    for (id, briefing) in briefings.iter().enumerate() {
        let mut slugs = Vec::new();
        for name in &briefing.topic_names {
            let slug = slugify(&name.value);
            let slug = aliases.get(&slug).cloned().unwrap_or(slug);
            if slug.is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        &briefing.article.path,
                        format!("topic `{}` has no letters or digits", name.value),
                    )
                    .at(name.line, name.column)
                    .hint("topics are words such as `diplomacy` or `Indo-Pacific`"),
                );
                continue;
            }
            if slugs.contains(&slug) {
                continue;
            }
            let entry = by_slug.entry(slug.clone()).or_default();
            *entry.0.entry(name.value.clone()).or_insert(0) += 1;
            entry.1.push(id);
            slugs.push(slug);
        }
        slugs_of.push(slugs);
    }
    let configured: HashMap<String, (&String, &crate::config::TopicConfig)> = config
        .topics
        .iter()
        .map(|(name, topic)| (slugify(name), (name, topic)))
        .collect();
    let mut terms: Vec<Term> = by_slug
        .into_iter()
        .map(|(slug, (spellings, articles))| {
            let (name, description) = match configured.get(&slug) {
                Some((name, topic)) => ((*name).clone(), topic.description.clone()),
                None => (most_common(&spellings), None),
            };
            Term {
                name,
                slug,
                description,
                country: None,
                articles,
            }
        })
        .collect();
    terms.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.slug.cmp(&b.slug))
    });
    let term_of: HashMap<&str, TermId> = terms
        .iter()
        .enumerate()
        .map(|(id, t)| (t.slug.as_str(), id))
        .collect();
    let topics_of = slugs_of
        .iter()
        .map(|slugs| slugs.iter().map(|s| term_of[s.as_str()]).collect())
        .collect();
    (terms, topics_of, diagnostics)
}

/// alias slug -> topic slug, from site.yaml.
fn topic_aliases(config: &SiteConfig) -> HashMap<String, String> {
    let mut aliases = HashMap::new();
    for (name, topic) in &config.topics {
        for alias in &topic.aliases {
            aliases.insert(slugify(alias), slugify(name));
        }
    }
    aliases
}

/// The spelling used most often; the alphabetically first among equals (for reproducibility).
fn most_common(spellings: &BTreeMap<String, usize>) -> String {
    let best = spellings.values().max().copied().unwrap_or(0);
    spellings
        .iter()
        .find(|(_, count)| **count == best)
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

/// Up to five briefings sharing the most countries and topics with `id`, nearest in time first.
///
/// Candidates are the article's neighbours in time within each of its terms (term lists are
/// sorted newest first, so they sit around its own position): the work per article is bounded
/// however many briefings a country has. A candidate found in k term lists shares k terms.
fn related_to(
    id: ArticleId,
    article: &Article,
    times: &[i64],
    countries: &[Term],
    topics: &[Term],
) -> Vec<ArticleId> {
    let term_lists = article
        .countries
        .iter()
        .map(|&t| &countries[t].articles)
        .chain(article.topics.iter().map(|&t| &topics[t].articles));
    // Each list's window is sorted (lists hold ids ascending), so merging them one by one
    // gives every candidate in order, a briefing once per list it shares: no sort needed
    // (sorting the candidates was a sixth of a rebuild's instructions at 10,000 briefings).
    let mut candidates: Vec<ArticleId> = Vec::with_capacity(256);
    let mut merged: Vec<ArticleId> = Vec::with_capacity(256);
    for list in term_lists {
        let position = list.binary_search(&id).unwrap_or_else(|p| p);
        let start = position.saturating_sub(RELATED_WINDOW);
        let end = (position + RELATED_WINDOW + 1).min(list.len());
        let window = list[start..end]
            .iter()
            .copied()
            .filter(|&other| other != id);
        merge_sorted(&candidates, window, &mut merged);
        std::mem::swap(&mut candidates, &mut merged);
    }
    let when = times[id];
    // (shared terms, distance in seconds, id), best first after sorting.
    let mut ranked: Vec<(std::cmp::Reverse<usize>, i64, ArticleId)> = candidates
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let other = run[0];
            let distance = (times[other] - when).abs();
            (std::cmp::Reverse(run.len()), distance, other)
        })
        .collect();
    if ranked.len() > RELATED_LIMIT {
        ranked.select_nth_unstable(RELATED_LIMIT);
        ranked.truncate(RELATED_LIMIT);
    }
    ranked.sort_unstable();
    // Not `into_iter().map().collect()`: that reuses `ranked`'s allocation in place and keeps
    // its capacity, every candidate's worth (at 100,000 briefings, over half a gigabyte).
    let mut related = Vec::with_capacity(ranked.len());
    related.extend(ranked.iter().map(|&(_, _, other)| other));
    related
}

/// `a` and `b`, both ascending, merged into `out` (cleared first), ascending.
fn merge_sorted(a: &[ArticleId], b: impl Iterator<Item = ArticleId>, out: &mut Vec<ArticleId>) {
    out.clear();
    let mut a = a.iter().copied().peekable();
    for item in b {
        while let Some(smaller) = a.next_if(|&x| x <= item) {
            out.push(smaller);
        }
        out.push(item);
    }
    out.extend(a);
}

/// Regions and subregions of the countries that have briefings.
fn regions(countries: &[Term]) -> Vec<Region> {
    let mut groups: BTreeMap<(u8, String), (Option<String>, Vec<TermId>)> = BTreeMap::new();
    for (term_id, term) in countries.iter().enumerate() {
        let Some(country) = &term.country else {
            continue;
        };
        groups
            .entry((0, country.region.clone()))
            .or_default()
            .1
            .push(term_id);
        if country.subregion != country.region && !country.subregion.is_empty() {
            let entry = groups.entry((1, country.subregion.clone())).or_default();
            entry.0 = Some(country.region.clone());
            entry.1.push(term_id);
        }
    }
    groups
        .into_iter()
        .map(|((_, name), (parent, members))| {
            let mut articles: Vec<ArticleId> = members
                .iter()
                .flat_map(|&t| countries[t].articles.iter().copied())
                .collect();
            articles.sort_unstable();
            articles.dedup();
            Region {
                slug: slugify(&name),
                name,
                parent,
                countries: members,
                articles,
            }
        })
        .collect()
}

/// The archive by year and month, newest first. Grouped through a map, not by runs of the sorted
/// list: articles sort by instant, but file under the day in their own time zone.
fn archive(articles: &[Article]) -> Vec<Year> {
    let mut by_month: BTreeMap<(i32, u32), Vec<ArticleId>> = BTreeMap::new();
    for (id, article) in articles.iter().enumerate() {
        let day = article.date.day();
        let key = (chrono::Datelike::year(&day), chrono::Datelike::month(&day));
        by_month.entry(key).or_default().push(id);
    }
    let mut years: Vec<Year> = Vec::new();
    for ((year, month), articles) in by_month.into_iter().rev() {
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                months: Vec::new(),
            });
        }
        if let Some(last) = years.last_mut() {
            last.months.push(Month { month, articles });
        }
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn merging_sorted_windows_gives_what_sorting_them_gives(
            mut windows in proptest::collection::vec(proptest::collection::vec(0usize..60, 0..12), 0..6)
        ) {
            let (mut merged, mut out) = (Vec::new(), Vec::new());
            for window in &mut windows {
                window.sort();
                merge_sorted(&merged, window.iter().copied(), &mut out);
                std::mem::swap(&mut merged, &mut out);
            }
            let mut sorted: Vec<usize> = windows.concat();
            sorted.sort();
            proptest::prop_assert_eq!(merged, sorted);
        }
    }
}
