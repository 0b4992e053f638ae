//! The inverted index: every term with the briefings that hold it, weighted for BM25.
//!
//! It is assembled from each briefing's [`DocTerms`] (worked out when the file was parsed, or
//! taken from the build cache) plus the terms of its countries' and topics' names: one pass
//! over the briefings in id order appends each posting to its term's list, already encoded, so
//! every list comes out sorted by briefing id, which is also newest-first order. No body is
//! rendered or tokenized here; the cost is a few nanoseconds per posting.
//!
//! Ranking is BM25 with field weights (a BM25F simplification): a word in the title counts
//! [`TITLE_WEIGHT`] times, in a country or topic name [`TAG_WEIGHT`] times, in the summary or
//! body once, and the weighted count is saturated against the weighted document length. The
//! part of the score that depends on the briefing, `tf / (tf + k1 (1 - b + b len / avglen))`, is
//! worked out here and stored in 6 bits per posting; the browser multiplies it by the term's
//! IDF, which needs only the list's length. So the client ranks by true BM25 (to within 1/63)
//! without a table of document lengths.

use super::encode::{push_gap, push_small};
use super::terms::{DocTerms, TermId, Vocabulary, MAX_COUNT};
use rayon::prelude::*;
use std::cmp::Ordering;

/// Weight of a word in the title.
pub const TITLE_WEIGHT: u32 = 3;
/// Weight of a word in a country's or topic's name.
pub const TAG_WEIGHT: u32 = 2;
/// Weight of a word in the summary or body.
pub const TEXT_WEIGHT: u32 = 1;
/// BM25 term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25 length normalisation.
pub const B: f64 = 0.75;
/// Stored weights are 1..=63 (6 bits: one character of the encoding).
pub const MAX_WEIGHT: u8 = 63;

/// One term's postings: briefing ids ascending, each with its stored BM25 weight (1..=63),
/// already in the compact text form of [`super::encode`] (gap, then weight, per posting).
#[derive(Debug, Clone, PartialEq)]
pub struct TermPostings {
    /// The term (a stem, or a word kept as it is).
    pub term: String,
    /// How many briefings hold it.
    pub df: u32,
    /// The encoded postings.
    pub encoded: String,
}

impl TermPostings {
    /// `(briefing id, weight)` pairs, decoded (for tests and tools).
    pub fn postings(&self) -> Vec<(u32, u8)> {
        super::encode::decode(&self.encoded, true)
    }
}

/// The whole index.
#[derive(Debug)]
pub struct Index {
    /// Briefings indexed (ids are `0..docs`, the `Site::articles` order).
    pub docs: u32,
    /// Every term, sorted by [`term_order`].
    pub terms: Vec<TermPostings>,
}

/// The order of terms in shards: UTF-16 code units, which is how JavaScript compares strings,
/// so the browser's binary search over shard keys agrees with this sort.
pub fn term_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// BM25's inverse document frequency (the "+1" form, never negative). search.js computes the
/// same from `docs` and the length of a list.
pub fn idf(docs: u32, df: usize) -> f64 {
    let (n, df) = (f64::from(docs), df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// One briefing as the index sees it.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// The terms of its own text.
    pub own: &'a DocTerms,
    /// The terms of its countries' and topics' names: `(term id, weighted count)`, sorted by
    /// id, each id once.
    pub tags: Vec<(TermId, u32)>,
    /// The weighted length the names add.
    pub tag_length: u32,
}

/// Builds the index of `docs` (briefing ids are their positions), whose term ids are
/// `vocabulary`'s.
pub fn build_index(vocabulary: &Vocabulary, docs: &[Doc]) -> Index {
    let lengths: Vec<u32> = docs.iter().map(|d| d.own.length + d.tag_length).collect();
    let count = lengths.len() as u32;
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / f64::from(count.max(1));
    vocabulary.with_terms(|names| {
        let mut lists = vec![List::default(); names.len()];
        for (doc, (d, &length)) in docs.iter().zip(&lengths).enumerate() {
            let norm = K1 * (1.0 - B + B * f64::from(length) / average.max(1.0));
            let mut add = |id: TermId, tf: u32| lists[id as usize].push(doc as u32, tf, norm);
            merge_tags(d, &mut add);
        }
        let mut terms: Vec<TermPostings> = lists
            .into_iter()
            .enumerate()
            .filter(|(_, list)| list.df > 0)
            .map(|(id, list)| TermPostings {
                term: names[id].to_string(),
                df: list.df,
                encoded: list.encoded,
            })
            .collect();
        terms.par_sort_unstable_by(|a, b| term_order(&a.term, &b.term));
        Index { docs: count, terms }
    })
}

/// Calls `add` with each term of the briefing, ids ascending: its own counts plus its names'.
fn merge_tags(doc: &Doc, add: &mut impl FnMut(TermId, u32)) {
    let mut tags = doc.tags.iter().peekable();
    doc.own.for_each(|id, mut tf| {
        while let Some(&&(tag, extra)) = tags.peek() {
            if tag > id {
                break;
            }
            tags.next();
            if tag == id {
                tf += extra;
            } else {
                add(tag, extra);
            }
        }
        add(id, tf);
    });
    for &(tag, extra) in tags {
        add(tag, extra);
    }
}

/// One term's postings as they are appended.
#[derive(Debug, Clone, Default)]
struct List {
    encoded: String,
    df: u32,
    last: Option<u32>,
}

impl List {
    /// Appends briefing `doc` with weighted count `tf`; `norm` is BM25's length factor for it.
    fn push(&mut self, doc: u32, tf: u32, norm: f64) {
        let tf = f64::from(tf.min(MAX_COUNT));
        let weight = (tf / (tf + norm) * f64::from(MAX_WEIGHT)).round() as u8;
        push_gap(self.last, doc, &mut self.encoded);
        push_small(weight.clamp(1, MAX_WEIGHT), &mut self.encoded);
        self.last = Some(doc);
        self.df += 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    use crate::search::terms::Tokenizer;
    use crate::search::tokenize::Terms;
    use std::collections::HashMap;

    /// An index of briefings given as (title, body HTML).
    pub fn index_of(docs: &[(&str, &str)]) -> Index {
        let vocabulary = Vocabulary::default();
        let mut tokenizer = Tokenizer::new(&vocabulary);
        let own: Vec<DocTerms> = docs
            .iter()
            .map(|(title, body)| tokenizer.briefing(title, "", body))
            .collect();
        let docs: Vec<Doc> = own
            .iter()
            .map(|own| Doc {
                own,
                tags: Vec::new(),
                tag_length: 0,
            })
            .collect();
        build_index(&vocabulary, &docs)
    }

    /// Ranks briefings for a query the way search.js does: every term must match; the score
    /// is the sum of IDF times stored weight.
    pub fn rank(index: &Index, query: &str) -> Vec<u32> {
        let terms = Terms::default().query_terms(query);
        let mut scores: HashMap<u32, (usize, f64)> = HashMap::new();
        for term in &terms {
            let Some(t) = index.terms.iter().find(|t| &t.term == term) else {
                return Vec::new();
            };
            let idf = idf(index.docs, t.df as usize);
            for (doc, w) in t.postings() {
                let entry = scores.entry(doc).or_default();
                entry.0 += 1;
                entry.1 += idf * f64::from(w);
            }
        }
        let mut hits: Vec<(u32, f64)> = scores
            .into_iter()
            .filter(|(_, (n, _))| *n == terms.len())
            .map(|(doc, (_, s))| (doc, s))
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.into_iter().map(|h| h.0).collect()
    }

    #[test]
    fn postings_are_sorted_and_terms_unique() {
        let index = index_of(&[
            (
                "Sanctions on Russia",
                "<p>New sanctions were announced.</p>",
            ),
            ("Galwan", "<p>The Galwan clash; sanctioned firms.</p>"),
        ]);
        assert_eq!(index.docs, 2);
        assert!(index
            .terms
            .windows(2)
            .all(|w| term_order(&w[0].term, &w[1].term).is_lt()));
        let sanction = index.terms.iter().find(|t| t.term == "sanction").unwrap();
        let ids: Vec<u32> = sanction.postings().iter().map(|p| p.0).collect();
        assert_eq!(ids, [0, 1]);
        assert!(index
            .terms
            .iter()
            .all(|t| t.postings().iter().all(|p| p.1 >= 1)));
        assert!(!index
            .terms
            .iter()
            .any(|t| t.term == "the" || t.term == "on"));
    }

    #[test]
    fn title_matches_outrank_body_matches() {
        let filler = "<p>Officials met to review trade, energy and regional security.</p>";
        let first = format!("{filler}<p>Lavrov attended.</p>");
        let index = index_of(&[
            ("Ministers review trade", &first),
            ("Lavrov visits New Delhi", filler),
            ("Energy talks", filler),
        ]);
        assert_eq!(rank(&index, "lavrov"), [1, 0]);
        assert_eq!(rank(&index, "Lavrov attended"), [0]);
        assert_eq!(rank(&index, "nothing-like-this"), Vec::<u32>::new());
    }

    #[test]
    fn more_occurrences_rank_higher_and_idf_favours_rare_words() {
        let index = index_of(&[
            ("A", "<p>Pipeline talks.</p>"),
            ("B", "<p>Pipeline pipeline pipeline talks.</p>"),
            ("C", "<p>Talks only.</p>"),
        ]);
        assert_eq!(rank(&index, "pipelines"), [1, 0]);
        assert!(idf(3, 1) > idf(3, 3));
    }
}
