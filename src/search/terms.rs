//! Each briefing's searchable terms, worked out once, when its file is parsed.
//!
//! The index needs, for every briefing, which terms its own text holds and how often (weighted
//! by field), and its weighted length. That is a function of the file alone (title, summary and
//! rendered body; the body's text ignores link targets), so parse works it out while the body's
//! HTML is at hand, in parallel, and the build cache keeps it: a rebuild tokenizes only the files
//! that changed, and writing the index never renders a body. Country and topic names are added
//! when the index is assembled, since a topic's display name depends on the whole site.
//!
//! Terms are numbered by a [`Vocabulary`] shared by the whole build (and saved with the build
//! cache, so cached briefings keep their numbers). A briefing's terms are a [`DocTerms`]: the
//! ids, ascending, each with its weighted count, in the compact text form of
//! [`super::encode`] (about three bytes a term), which is also how the cache stores them.

use super::build::{TEXT_WEIGHT, TITLE_WEIGHT};
use super::encode::{digit_value, push_gap, push_small, read_gap};
use super::text::html_to_text;
use super::tokenize::{for_each_raw_word, is_indexable, AsciiWord, Terms, WordKind, WordSink};
use super::words::WordTable;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A term's number in a [`Vocabulary`].
pub type TermId = u32;

/// Counts are kept up to this: the index stores a weighted count in 6 bits, and adding more
/// (a country's name, say) to a saturated count leaves it saturated.
pub const MAX_COUNT: u32 = 63;

/// Marks a word that is not indexed (stop word, too short or long) in a word cache.
const SKIP: TermId = TermId::MAX;

/// Every term seen, numbered in order of first sight. Shared by the threads of a build: a term
/// is looked up here once per thread's batch of briefings, not once per occurrence.
#[derive(Debug, Default)]
pub struct Vocabulary {
    inner: Mutex<VocabularyInner>,
}

#[derive(Debug, Default)]
struct VocabularyInner {
    ids: HashMap<Box<str>, TermId>,
    terms: Vec<Box<str>>,
}

impl Vocabulary {
    /// A vocabulary holding `terms`, numbered by position (as [`Vocabulary::terms`] lists them).
    pub fn from_terms(terms: Vec<String>) -> Self {
        let terms: Vec<Box<str>> = terms.into_iter().map(String::into_boxed_str).collect();
        let ids = terms
            .iter()
            .enumerate()
            .map(|(id, term)| (term.clone(), id as TermId))
            .collect();
        Vocabulary {
            inner: Mutex::new(VocabularyInner { ids, terms }),
        }
    }

    /// The id of `term`, numbering it if it is new.
    pub fn intern(&self, term: &str) -> TermId {
        let mut inner = self.inner.lock().expect("vocabulary lock");
        if let Some(&id) = inner.ids.get(term) {
            return id;
        }
        let id = inner.terms.len() as TermId;
        inner.ids.insert(term.into(), id);
        inner.terms.push(term.into());
        id
    }

    /// How many terms it holds.
    pub fn len(&self) -> usize {
        self.inner.lock().expect("vocabulary lock").terms.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every term, by id (for the build cache).
    pub fn terms(&self) -> Vec<String> {
        let inner = self.inner.lock().expect("vocabulary lock");
        inner.terms.iter().map(|t| t.to_string()).collect()
    }

    /// Calls `f` with every term, by id, without copying them.
    pub fn with_terms<R>(&self, f: impl FnOnce(&[Box<str>]) -> R) -> R {
        let inner = self.inner.lock().expect("vocabulary lock");
        f(&inner.terms)
    }
}

/// The terms of one briefing's own text (title, summary, body), with counts weighted by field
/// and saturated at [`MAX_COUNT`], and its weighted length (every indexed word's weight).
/// Cloning it is cheap (the article and its cache record share one copy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredTerms", into = "StoredTerms")]
pub struct DocTerms {
    /// Weighted length of the briefing's own text.
    pub length: u32,
    /// Term ids ascending, each as a gap then its count (see [`super::encode`]).
    pub terms: Arc<str>,
}

/// [`DocTerms`] as the build cache stores it.
#[derive(Serialize, Deserialize)]
struct StoredTerms {
    length: u32,
    terms: String,
}

impl From<StoredTerms> for DocTerms {
    fn from(stored: StoredTerms) -> Self {
        DocTerms {
            length: stored.length,
            terms: stored.terms.into(),
        }
    }
}

impl From<DocTerms> for StoredTerms {
    fn from(terms: DocTerms) -> Self {
        StoredTerms {
            length: terms.length,
            terms: terms.terms.to_string(),
        }
    }
}

impl DocTerms {
    /// Builds it from `(term id, weighted count)` pairs sorted by id, each id once.
    pub fn from_counts(counts: &[(TermId, u32)], length: u32) -> Self {
        let mut terms = String::with_capacity(counts.len() * 3);
        let mut previous = None;
        for &(id, count) in counts {
            push_gap(previous, id, &mut terms);
            push_small(count.min(MAX_COUNT) as u8, &mut terms);
            previous = Some(id);
        }
        DocTerms {
            length,
            terms: terms.into(),
        }
    }

    /// Calls `f` with each `(term id, weighted count)`, ids ascending.
    pub fn for_each(&self, mut f: impl FnMut(TermId, u32)) {
        let bytes = self.terms.as_bytes();
        let (mut i, mut previous) = (0, -1i64);
        while i < bytes.len() {
            let id = previous + 1 + i64::from(read_gap(bytes, &mut i));
            previous = id;
            let count = digit_value(bytes[i]);
            i += 1;
            f(id as TermId, count);
        }
    }

    /// The pairs, decoded.
    pub fn counts(&self) -> Vec<(TermId, u32)> {
        let mut out = Vec::new();
        self.for_each(|id, count| out.push((id, count)));
        out
    }
}

/// Turns text into term ids for one thread's run of briefings, remembering each folded word's
/// term so a word is stemmed and looked up once per run, not once per occurrence.
pub struct Tokenizer<'v> {
    vocabulary: &'v Vocabulary,
    stems: Terms,
    /// Folded word -> term id, or [`SKIP`]. Looked up for every word of every body.
    words: WordTable,
    /// Weighted count of each term in the text at hand, at its id plus one (zero when absent);
    /// only the entries in `touched` are non-zero, so clearing is cheap. Slot 0 (where [`SKIP`]
    /// lands, adding one) takes the words that are not indexed and is never read.
    counts: Vec<u32>,
    /// The ids with a non-zero count, in order of first sight.
    touched: Vec<TermId>,
    /// Puts `touched` in order.
    order: IdOrder,
    /// Scratch: a body's text, and a new word's folded form.
    body: String,
    folded: String,
}

impl<'v> Tokenizer<'v> {
    /// A tokenizer numbering terms in `vocabulary`.
    pub fn new(vocabulary: &'v Vocabulary) -> Self {
        Tokenizer {
            vocabulary,
            stems: Terms::default(),
            words: WordTable::default(),
            counts: Vec::new(),
            touched: Vec::new(),
            order: IdOrder::default(),
            body: String::new(),
            folded: String::new(),
        }
    }

    /// The terms of a briefing with this title, summary and body HTML.
    pub fn briefing(&mut self, title: &str, summary: &str, body_html: &str) -> DocTerms {
        let mut length = self.add(title, TITLE_WEIGHT);
        length += self.add(summary, TEXT_WEIGHT);
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        html_to_text(body_html, &mut body);
        length += self.add(&body, TEXT_WEIGHT);
        self.body = body;
        DocTerms::from_counts(&self.summed(), length)
    }

    /// The terms of `text` counted `weight` times each, as sorted `(term id, weighted count)`
    /// pairs (unsaturated), and the weighted length they add.
    pub fn weighted(&mut self, text: &str, weight: u32) -> (Vec<(TermId, u32)>, u32) {
        let length = self.add(text, weight);
        (self.summed(), length)
    }

    /// Counts every indexed word of `text`; returns the weight added.
    fn add(&mut self, text: &str, weight: u32) -> u32 {
        let mut counter = Counter {
            tokenizer: self,
            weight,
            added: 0,
        };
        for_each_raw_word(text, &mut counter);
        counter.added
    }

    /// The counted terms sorted by id, with their weighted counts; leaves the counts empty.
    fn summed(&mut self) -> Vec<(TermId, u32)> {
        self.order.sort(&mut self.touched);
        let counts = &mut self.counts;
        if let Some(not_indexed) = counts.first_mut() {
            *not_indexed = 0;
        }
        self.touched
            .drain(..)
            .map(|id| (id, std::mem::take(&mut counts[id as usize + 1])))
            .collect()
    }
}

/// Sorts runs of distinct term ids through a two-level bitmap: a bit for every id, and a bit
/// for every 64-bit word of those that is not zero. A briefing's few hundred ids are sorted
/// in about a third of the instructions `sort_unstable` takes, whose comparisons branch
/// unpredictably (term ids are numbered in order of first sight, so they come in any order).
#[derive(Default)]
struct IdOrder {
    /// Bit `id % 64` of word `id / 64` is set for each id being sorted.
    bits: Vec<u64>,
    /// Bit `w % 64` of word `w / 64` is set when `bits[w]` is not zero.
    words: Vec<u64>,
}

impl IdOrder {
    /// Sorts `ids`, which must be distinct, ascending. Leaves the bitmaps empty.
    fn sort(&mut self, ids: &mut Vec<TermId>) {
        for &id in ids.iter() {
            let word = id as usize / 64;
            if word >= self.bits.len() {
                // Grown in steps, so a growing vocabulary resizes these a few times only.
                self.bits.resize(word + 1024, 0);
                self.words.resize(self.bits.len().div_ceil(64), 0);
            }
            self.bits[word] |= 1 << (id % 64);
            self.words[word / 64] |= 1 << (word % 64);
        }
        ids.clear();
        for (w, summary) in self.words.iter_mut().enumerate() {
            let mut nonzero = std::mem::take(summary);
            while nonzero != 0 {
                let word = w * 64 + nonzero.trailing_zeros() as usize;
                nonzero &= nonzero - 1;
                let mut set = std::mem::take(&mut self.bits[word]);
                while set != 0 {
                    ids.push((word * 64) as TermId + set.trailing_zeros());
                    set &= set - 1;
                }
            }
        }
    }
}

/// Counts one text's words into a [`Tokenizer`]'s counts, each `weight` times.
struct Counter<'t, 'v> {
    tokenizer: &'t mut Tokenizer<'v>,
    weight: u32,
    added: u32,
}

impl Counter<'_, '_> {
    /// The id of a folded word this tokenizer has not met: stemmed, numbered and remembered.
    fn new_word(&mut self, word: &str) -> TermId {
        let tokenizer = &mut *self.tokenizer;
        let id = if is_indexable(word) {
            tokenizer.vocabulary.intern(&tokenizer.stems.term(word))
        } else {
            SKIP
        };
        tokenizer.words.insert(word, id);
        id
    }

    /// Every word of every body comes here, and whether a word is indexed (stop words are a
    /// third of English text) or new to the text is a coin toss the processor cannot predict:
    /// so neither decides a branch. A word not indexed counts into slot 0, which is never read.
    #[inline(always)]
    fn count(&mut self, id: TermId) {
        let Tokenizer {
            counts, touched, ..
        } = &mut *self.tokenizer;
        let slot = id.wrapping_add(1) as usize;
        if slot >= counts.len() {
            counts.resize(slot + 1024, 0);
        }
        let indexed = slot != 0;
        let first = indexed & (counts[slot] == 0);
        // Pushed always, kept only when first: the same path for every word.
        let kept = touched.len() + usize::from(first);
        touched.push(id);
        touched.truncate(kept);
        counts[slot] += self.weight;
        self.added += self.weight * u32::from(indexed);
    }
}

impl WordSink for Counter<'_, '_> {
    // Every word of every body comes here: inlined into the scanner's loop.
    #[inline(always)]
    fn ascii(&mut self, word: AsciiWord) {
        let id = match self.tokenizer.words.get_ascii(word) {
            Some(id) => id,
            None => {
                let mut folded = std::mem::take(&mut self.tokenizer.folded);
                folded.clear();
                word.fold_into(&mut folded);
                let id = self.new_word(&folded);
                self.tokenizer.folded = folded;
                id
            }
        };
        self.count(id);
    }

    fn folded(&mut self, word: &str, _: WordKind) {
        let id = match self.tokenizer.words.get(word) {
            Some(id) => id,
            None => self.new_word(word),
        };
        self.count(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_terms_round_trip_and_saturate() {
        let terms = DocTerms::from_counts(&[(0, 1), (7, 63), (40_000, 200)], 12);
        assert_eq!(terms.counts(), [(0, 1), (7, 63), (40_000, 63)]);
        assert_eq!(terms.length, 12);
        assert_eq!(DocTerms::default().counts(), []);
    }

    proptest::proptest! {
        #[test]
        fn id_order_sorts_as_sort_does(
            runs in proptest::collection::vec(
                proptest::collection::hash_set(0u32..200_000, 0..500), 1..4),
        ) {
            // One sorter for every run, as a tokenizer keeps one for its briefings.
            let mut order = IdOrder::default();
            for run in runs {
                let mut ids: Vec<TermId> = run.into_iter().collect();
                let mut expected = ids.clone();
                expected.sort_unstable();
                order.sort(&mut ids);
                proptest::prop_assert_eq!(ids, expected);
            }
        }
    }

    #[test]
    fn briefings_count_words_by_field() {
        let vocabulary = Vocabulary::default();
        let mut tokenizer = Tokenizer::new(&vocabulary);
        let terms = tokenizer.briefing(
            "Sanctions on Russia",
            "New sanctions.",
            "<p>The sanctioned firms &amp; Russia</p>",
        );
        let by_term: HashMap<String, u32> = vocabulary.with_terms(|names| {
            terms
                .counts()
                .into_iter()
                .map(|(id, count)| (names[id as usize].to_string(), count))
                .collect()
        });
        // "sanction": 3 (title) + 1 (summary) + 1 (body); "russia": 3 + 1.
        assert_eq!(by_term["sanction"], 5);
        assert_eq!(by_term["russia"], 4);
        assert_eq!(by_term["firm"], 1);
        assert!(!by_term.contains_key("the") && !by_term.contains_key("on"));
        // Title 3 + 3, summary 1 + 1, body 1 + 1 + 1.
        assert_eq!(terms.length, 11);
        // The same words again reuse their ids.
        let again = tokenizer.briefing("Russia", "", "");
        assert_eq!(again.counts(), [(vocabulary.intern("russia"), 3)]);
    }
}
