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
    // Independent, and each one thread's work: side by side.
    let ((countries, country_of), (topics, topic_of, diagnostics)) = rayon::join(
        || country_terms(&briefings, gazetteer),
        || topic_terms(&briefings, &config),
    );
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
        .map_init(
            || Tally::new(articles.len()),
            |tally, id| related_to(id, &articles[id], &times, (&countries, &topics), tally),
        )
        .collect();
    for (article, related) in articles.iter_mut().zip(related) {
        article.related = related;
    }
    let regions = regions(&countries, articles.len());
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
    // The keys side by side, so comparisons do not reach into the briefings scattered over
    // memory; slugs are unique (a clash fails the build first), so no two keys are equal.
    let mut order: Vec<(std::cmp::Reverse<_>, &str, usize)> = briefings
        .iter()
        .enumerate()
        .map(|(at, b)| {
            (
                std::cmp::Reverse(b.article.date.at),
                b.article.slug.as_str(),
                at,
            )
        })
        .collect();
    order.par_sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(_, _, at)| at).collect();
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
    // Each distinct slug is numbered in order of first sight, and each briefing keeps the
    // numbers of its topics: one map lookup per topic named, and no slug copied per briefing.
    // (Merging by slug, with the slugs kept per briefing and looked up again by name after
    // sorting, was the longer of the two term jobs at 10,000 briefings: 6-13 ms of one thread.)
    let mut number_of: HashMap<String, usize> = HashMap::new();
    let mut found: Vec<FoundTopic> = Vec::new();
    let mut numbers_of: Vec<Vec<usize>> = Vec::with_capacity(briefings.len());
    // Each name's slug, in parallel; the merging below is one thread's.
    let slugged: Vec<Vec<String>> = briefings
        .par_iter()
        .map(|b| b.topic_names.iter().map(|name| slugify(name)).collect())
        .collect();
    for ((id, briefing), slugged) in briefings.iter().enumerate().zip(slugged) {
        let mut numbers = Vec::with_capacity(slugged.len());
        for (name, slug) in briefing.topic_names.iter().zip(slugged) {
            let slug = aliases.get(&slug).cloned().unwrap_or(slug);
            if slug.is_empty() {
                let path = &briefing.article.path;
                let (line, column) = crate::parse::list_item_position(path, "topics", name);
                diagnostics.push(
                    Diagnostic::error(path, format!("topic `{name}` has no letters or digits"))
                        .at(line, column)
                        .hint("topics are words such as `diplomacy` or `Indo-Pacific`"),
                );
                continue;
            }
            let number = match number_of.get(&slug) {
                Some(&number) => number,
                None => {
                    number_of.insert(slug.clone(), found.len());
                    found.push(FoundTopic::new(slug));
                    found.len() - 1
                }
            };
            if numbers.contains(&number) {
                continue;
            }
            found[number].count(name, id);
            numbers.push(number);
        }
        numbers_of.push(numbers);
    }
    let (terms, term_of_number) = sorted_topic_terms(found, config);
    let topics_of = numbers_of
        .iter()
        .map(|numbers| numbers.iter().map(|&n| term_of_number[n]).collect())
        .collect();
    (terms, topics_of, diagnostics)
}

/// A topic slug met while merging: how each spelling of it was written, and its briefings.
struct FoundTopic {
    slug: String,
    spellings: BTreeMap<String, usize>,
    articles: Vec<ArticleId>,
}

impl FoundTopic {
    fn new(slug: String) -> Self {
        FoundTopic {
            slug,
            spellings: BTreeMap::new(),
            articles: Vec::new(),
        }
    }

    /// Briefing `id` names this topic as `name`.
    fn count(&mut self, name: &str, id: ArticleId) {
        // The spelling is copied the first time only.
        match self.spellings.get_mut(name) {
            Some(count) => *count += 1,
            None => {
                self.spellings.insert(name.to_string(), 1);
            }
        }
        self.articles.push(id);
    }
}

/// The found topics as terms sorted by name (then slug), named as site.yaml names them or by
/// their commonest spelling; and the term id of each found topic's number.
fn sorted_topic_terms(found: Vec<FoundTopic>, config: &SiteConfig) -> (Vec<Term>, Vec<TermId>) {
    let configured: HashMap<String, (&String, &crate::config::TopicConfig)> = config
        .topics
        .iter()
        .map(|(name, topic)| (slugify(name), (name, topic)))
        .collect();
    let mut numbered: Vec<(usize, Term)> = found
        .into_iter()
        .enumerate()
        .map(|(number, topic)| {
            let (name, description) = match configured.get(&topic.slug) {
                Some((name, topic_config)) => ((*name).clone(), topic_config.description.clone()),
                None => (most_common(&topic.spellings), None),
            };
            let term = Term {
                name,
                slug: topic.slug,
                description,
                country: None,
                articles: topic.articles,
            };
            (number, term)
        })
        .collect();
    numbered.sort_by(|(_, a), (_, b)| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.slug.cmp(&b.slug))
    });
    let mut term_of_number = vec![0; numbered.len()];
    for (term_id, (number, _)) in numbered.iter().enumerate() {
        term_of_number[*number] = term_id;
    }
    let terms = numbered.into_iter().map(|(_, term)| term).collect();
    (terms, term_of_number)
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
    (countries, topics): (&[Term], &[Term]),
    tally: &mut Tally,
) -> Vec<ArticleId> {
    let term_lists = article
        .countries
        .iter()
        .map(|&t| &countries[t].articles)
        .chain(article.topics.iter().map(|&t| &topics[t].articles));
    tally.start(id);
    for list in term_lists {
        let position = list.binary_search(&id).unwrap_or_else(|p| p);
        let start = position.saturating_sub(RELATED_WINDOW);
        let end = (position + RELATED_WINDOW + 1).min(list.len());
        list[start..end]
            .iter()
            .filter(|&&other| other != id)
            .for_each(|&other| tally.count(other));
    }
    most_related(tally.counted(), times[id], times)
}

/// One thread's scratch for [`related_to`]: in how many of an article's term lists each
/// candidate was found. Counts live in arrays over every article id, so counting is one array
/// step (merging the lists' windows cost a fifth of a rebuild with nothing changed), and they
/// are never cleared: a count is current only while its stamp is the article's.
struct Tally {
    /// Per article id: one more than the id of the article whose candidates it counts.
    stamp: Vec<u32>,
    /// Per article id: its count for that article.
    shared: Vec<u32>,
    /// The current article's candidates, each once.
    found: Vec<ArticleId>,
    /// The stamp of the current article.
    mark: u32,
}

impl Tally {
    fn new(articles: usize) -> Self {
        Tally {
            stamp: vec![0; articles],
            shared: vec![0; articles],
            found: Vec::with_capacity(256),
            mark: 0,
        }
    }

    /// Starts counting for article `id`.
    fn start(&mut self, id: ArticleId) {
        self.found.clear();
        self.mark = id as u32 + 1;
    }

    fn count(&mut self, other: ArticleId) {
        if self.stamp[other] != self.mark {
            self.stamp[other] = self.mark;
            self.shared[other] = 0;
            self.found.push(other);
        }
        self.shared[other] += 1;
    }

    /// The candidates with their counts.
    fn counted(&self) -> impl Iterator<Item = (ArticleId, usize)> + '_ {
        self.found
            .iter()
            .map(|&other| (other, self.shared[other] as usize))
    }
}

/// The best [`RELATED_LIMIT`] of `candidates` (each once, with how many terms it shares), best
/// first: most shared terms, then nearest in time to `when`, then lowest id.
fn most_related(
    candidates: impl Iterator<Item = (ArticleId, usize)>,
    when: i64,
    times: &[i64],
) -> Vec<ArticleId> {
    // (shared terms, distance in seconds, id) of the best so far, best first. Most candidates
    // lose to the last of them at once.
    let mut best: Vec<(std::cmp::Reverse<usize>, i64, ArticleId)> =
        Vec::with_capacity(RELATED_LIMIT + 1);
    for (other, shared) in candidates {
        let key = (
            std::cmp::Reverse(shared),
            (times[other] - when).abs(),
            other,
        );
        if best.len() == RELATED_LIMIT && best.last().is_some_and(|last| key >= *last) {
            continue;
        }
        let at = best.partition_point(|kept| *kept < key);
        best.insert(at, key);
        best.truncate(RELATED_LIMIT);
    }
    best.iter().map(|&(_, _, other)| other).collect()
}

/// Regions and subregions of the countries that have briefings.
fn regions(countries: &[Term], article_count: usize) -> Vec<Region> {
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
            // Marked, then read in order: the union of the members' (ascending) lists without
            // sorting tens of thousands of ids for a continent.
            let mut member = vec![false; article_count];
            for &t in &members {
                countries[t]
                    .articles
                    .iter()
                    .for_each(|&id| member[id] = true);
            }
            let articles: Vec<ArticleId> = (0..article_count).filter(|&id| member[id]).collect();
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
        fn the_most_related_are_the_best_of_all_candidates_sorted(
            mut candidates in proptest::collection::vec(0usize..40, 0..200),
            times in proptest::collection::vec(0i64..1_000, 40),
            when in 0i64..1_000,
        ) {
            candidates.sort_unstable();
            let mut all: Vec<(std::cmp::Reverse<usize>, i64, ArticleId)> = candidates
                .chunk_by(|a, b| a == b)
                .map(|run| (std::cmp::Reverse(run.len()), (times[run[0]] - when).abs(), run[0]))
                .collect();
            all.sort_unstable();
            let expected: Vec<ArticleId> =
                all.iter().take(RELATED_LIMIT).map(|&(_, _, id)| id).collect();
            let counted = candidates.chunk_by(|a, b| a == b).map(|run| (run[0], run.len()));
            proptest::prop_assert_eq!(most_related(counted, when, &times), expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn a_tally_counts_each_candidate_once_per_window(
            articles in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0usize..60, 0..12), 0..6),
                1..4,
            )
        ) {
            // One tally for several articles in turn, as a thread uses it.
            let mut tally = Tally::new(60);
            for (id, windows) in articles.iter().enumerate() {
                tally.start(id);
                windows.iter().flatten().for_each(|&other| tally.count(other));
                let mut counted: Vec<(ArticleId, usize)> = tally.counted().collect();
                counted.sort();
                let mut all: Vec<usize> = windows.concat();
                all.sort();
                let expected: Vec<(ArticleId, usize)> =
                    all.chunk_by(|a, b| a == b).map(|run| (run[0], run.len())).collect();
                proptest::prop_assert_eq!(counted, expected);
            }
        }
    }
}
