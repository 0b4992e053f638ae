//! The inverted index: every term with the briefings that hold it, weighted for BM25.
//!
//! Briefings are indexed in parallel in chunks; each chunk keeps its own small vocabulary (so a
//! word is folded and stemmed once per chunk, not once per occurrence) and its postings as
//! packed `u32`s. Chunks are merged in order, so every list comes out sorted by briefing id,
//! which is also newest-first order. Nothing here allocates per occurrence.
//!
//! Ranking is BM25 with field weights (a BM25F simplification): a word in the title counts
//! [`TITLE_WEIGHT`] times, in a country or topic name [`TAG_WEIGHT`] times, in the summary or
//! body once, and the weighted count is saturated against the weighted document length. The
//! part of the score that depends on the briefing, `tf / (tf + k1 (1 - b + b len / avglen))`, is
//! worked out here and stored in 6 bits per posting; the browser multiplies it by the term's
//! IDF, which needs only the list's length. So the client ranks by true BM25 (to within 1/63)
//! without a table of document lengths.

use super::encode::{push_gap, push_small};
use super::text::html_to_text;
use super::tokenize::{for_each_word, is_indexable, Terms};
use crate::error::Result;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;

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

/// Briefings per indexing job: big enough that a chunk's vocabulary is reused many times.
const CHUNK: usize = 256;
/// A posting is `doc << 6 | weighted tf`; the weighted tf saturates long before 63.
const TF_BITS: u32 = 6;
const TF_MASK: u32 = (1 << TF_BITS) - 1;
/// Marks a word that is not indexed (stop word, too short or long), so it is not looked at again.
const SKIP: u32 = u32::MAX;

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

/// The text of one briefing, field by field.
#[derive(Debug, Clone, Default)]
pub struct Fields<'a> {
    /// The title.
    pub title: &'a str,
    /// Its countries' and topics' names.
    pub tags: Vec<&'a str>,
    /// The summary.
    pub summary: &'a str,
    /// The body, as HTML (rendered for the index when parse did not keep it).
    pub body_html: std::borrow::Cow<'a, str>,
}

/// Builds the index of briefings `0..docs`, whose text `fields` gives.
pub fn build_index<'a>(
    docs: usize,
    fields: impl Fn(usize) -> Result<Fields<'a>> + Sync,
) -> Result<Index> {
    let ids: Vec<usize> = (0..docs).collect();
    let chunks: Vec<ChunkIndex> = ids
        .par_chunks(CHUNK)
        .map(|chunk| ChunkIndex::build(chunk, &fields))
        .collect::<Result<_>>()?;
    let (vocabulary, lengths) = merge(chunks);
    let docs = lengths.len() as u32;
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / f64::from(docs.max(1));
    let mut terms: Vec<TermPostings> = vocabulary
        .into_par_iter()
        .map(|(term, packed)| TermPostings {
            df: packed.len() as u32,
            encoded: weigh(&packed, &lengths, average),
            term,
        })
        .collect();
    terms.par_sort_unstable_by(|a, b| term_order(&a.term, &b.term));
    Ok(Index { docs, terms })
}

/// Packed postings encoded with each one's stored weight: BM25's document-dependent factor,
/// in 1..=63.
fn weigh(packed: &[u32], lengths: &[u32], average: f64) -> String {
    let mut out = String::with_capacity(packed.len() * 2);
    let mut previous = None;
    for &p in packed {
        let (doc, tf) = (p >> TF_BITS, f64::from(p & TF_MASK));
        let norm = K1 * (1.0 - B + B * f64::from(lengths[doc as usize]) / average.max(1.0));
        let weight = (tf / (tf + norm) * f64::from(MAX_WEIGHT)).round() as u8;
        push_gap(previous, doc, &mut out);
        push_small(weight.clamp(1, MAX_WEIGHT), &mut out);
        previous = Some(doc);
    }
    out
}

/// The chunks' vocabularies as one, with each term's packed postings in id order, and every
/// briefing's weighted length.
fn merge(chunks: Vec<ChunkIndex>) -> (Vec<(String, Vec<u32>)>, Vec<u32>) {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut lists: Vec<(String, Vec<u32>)> = Vec::new();
    let mut lengths = Vec::new();
    for chunk in chunks {
        let mut postings = chunk.postings;
        for (term, local) in chunk.terms {
            let list = std::mem::take(&mut postings[local as usize]);
            match ids.get(&term) {
                Some(&id) => lists[id].1.extend_from_slice(&list),
                None => {
                    ids.insert(term.clone(), lists.len());
                    lists.push((term, list));
                }
            }
        }
        lengths.extend(chunk.lengths);
    }
    (lists, lengths)
}

/// The index of a run of consecutive briefings.
struct ChunkIndex {
    /// Term -> local id.
    terms: HashMap<String, u32>,
    /// Folded word -> local term id, or [`SKIP`].
    words: HashMap<String, u32>,
    /// By local term id: packed postings, by briefing.
    postings: Vec<Vec<u32>>,
    /// Weighted length of each briefing of the chunk.
    lengths: Vec<u32>,
    stems: Terms,
}

impl ChunkIndex {
    fn build<'a>(
        ids: &[usize],
        fields: &(impl Fn(usize) -> Result<Fields<'a>> + Sync),
    ) -> Result<ChunkIndex> {
        let mut chunk = ChunkIndex {
            terms: HashMap::new(),
            words: HashMap::new(),
            postings: Vec::new(),
            lengths: Vec::with_capacity(ids.len()),
            stems: Terms::default(),
        };
        let mut body = String::new();
        for &id in ids {
            let (doc, fields) = (id as u32, fields(id)?);
            chunk.lengths.push(0);
            chunk.add(doc, fields.title, TITLE_WEIGHT);
            for tag in &fields.tags {
                chunk.add(doc, tag, TAG_WEIGHT);
            }
            chunk.add(doc, fields.summary, TEXT_WEIGHT);
            body.clear();
            html_to_text(&fields.body_html, &mut body);
            chunk.add(doc, &body, TEXT_WEIGHT);
        }
        Ok(chunk)
    }

    /// Counts every term of `text` for briefing `doc`, `weight` times each.
    fn add(&mut self, doc: u32, text: &str, weight: u32) {
        let mut added = 0;
        for_each_word(text, |word, _| {
            let term = self.term_id(word);
            if term == SKIP {
                return;
            }
            added += weight;
            let list = &mut self.postings[term as usize];
            match list.last_mut() {
                Some(last) if *last >> TF_BITS == doc => {
                    let tf = (*last & TF_MASK) + weight;
                    *last = doc << TF_BITS | tf.min(TF_MASK);
                }
                _ => list.push(doc << TF_BITS | weight.min(TF_MASK)),
            }
        });
        *self.lengths.last_mut().expect("a briefing is open") += added;
    }

    /// The local id of the term for `word`, folding and stemming each word once per chunk.
    fn term_id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.words.get(word) {
            return id;
        }
        let id = if is_indexable(word) {
            let term = self.stems.term(word);
            let next = self.postings.len() as u32;
            let id = *self.terms.entry(term).or_insert(next);
            if id == next {
                self.postings.push(Vec::new());
            }
            id
        } else {
            SKIP
        };
        self.words.insert(word.to_string(), id);
        id
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An index of briefings given as (title, body HTML).
    pub fn index_of(docs: &[(&str, &str)]) -> Index {
        build_index(docs.len(), |i| {
            Ok(Fields {
                title: docs[i].0,
                body_html: docs[i].1.into(),
                ..Fields::default()
            })
        })
        .unwrap()
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
