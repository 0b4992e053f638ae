//! Splitting the sorted term list into shards, and finding a term's shard again.
//!
//! Shards are ranges of the sorted terms, cut when a shard's encoded postings reach a byte
//! budget, so every shard costs about the same to load whatever the vocabulary looks like (a
//! fixed prefix or hash would put "co..." and "xy..." in shards of wildly different sizes). A
//! term whose own list is over the budget gets a shard to itself. The manifest lists each
//! shard's first key; a key is the shortest prefix of the shard's first term that sorts after
//! the previous shard's last term, so the manifest stays a few bytes per shard. A term (or a
//! typed prefix) is in the last shard whose key is not greater than it: a binary search, here
//! and in search.js.

use super::build::term_order;
use std::ops::Range;

/// Cuts terms, given their encoded sizes in order, into consecutive ranges of at most `budget`
/// bytes (or one term, when a single term is larger).
pub fn partition(sizes: &[usize], budget: usize) -> Vec<Range<usize>> {
    let mut shards = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, &size) in sizes.iter().enumerate() {
        if i > start && bytes + size > budget {
            shards.push(start..i);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < sizes.len() {
        shards.push(start..sizes.len());
    }
    shards
}

/// The manifest's key of each shard: "" for the first, then the shortest prefix of the
/// shard's first term that sorts after the previous shard's last term.
pub fn keys(terms: &[&str], shards: &[Range<usize>]) -> Vec<String> {
    shards
        .iter()
        .enumerate()
        .map(|(i, range)| match i {
            0 => String::new(),
            _ => shortest_key(terms[range.start - 1], terms[range.start]),
        })
        .collect()
}

/// The shortest prefix of `first` that sorts after `previous` (which sorts before `first`).
fn shortest_key(previous: &str, first: &str) -> String {
    let mut key = String::new();
    for c in first.chars() {
        key.push(c);
        if term_order(&key, previous).is_gt() {
            break;
        }
    }
    key
}

/// The shard that holds `term` (or would): the last whose key is not greater than it.
pub fn shard_of(keys: &[String], term: &str) -> usize {
    keys.partition_point(|key| term_order(key, term).is_le())
        .saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::build::tests::index_of;
    use crate::search::tokenize::Terms;

    #[test]
    fn partition_respects_the_budget_and_keeps_big_terms_alone() {
        assert_eq!(partition(&[3, 3, 3, 10, 1, 1], 6), [0..2, 2..3, 3..4, 4..6]);
        assert_eq!(partition(&[], 6), Vec::<Range<usize>>::new());
        assert_eq!(partition(&[100], 6), vec![(0..1)]);
    }

    #[test]
    fn keys_are_short_and_lead_back_to_each_term() {
        let terms = ["ab", "abc", "abd", "b", "ba", "bz", "c", "zz", "ça", "ž"];
        let sizes = [1; 10];
        let shards = partition(&sizes, 2);
        let keys = keys(&terms, &shards);
        assert_eq!(keys, ["", "abd", "ba", "c", "ç"]);
        for (s, range) in shards.iter().enumerate() {
            for term in &terms[range.clone()] {
                assert_eq!(shard_of(&keys, term), s, "{term}");
            }
        }
    }

    #[test]
    fn every_term_is_in_exactly_one_shard_and_queries_find_it() {
        let index = index_of(&[
            (
                "Sanctions on Russia",
                "<p>New sanctions over the S-400 purchase.</p>",
            ),
            (
                "Galwan valley clash",
                "<p>Troops clashed in the Galwan valley; Lavrov spoke.</p>",
            ),
            (
                "Lavrov in New Delhi",
                "<p>Talks on defence, QUAD and the Indo-Pacific.</p>",
            ),
        ]);
        let terms: Vec<&str> = index.terms.iter().map(|t| t.term.as_str()).collect();
        let shards = partition(&vec![10; terms.len()], 25);
        assert!(shards.len() > 3);
        let covered: Vec<usize> = shards.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(
            covered,
            (0..terms.len()).collect::<Vec<_>>(),
            "each term once, in order"
        );
        let keys = keys(&terms, &shards);
        for query in ["sanctioned", "Galwan", "S-400", "lavrov", "Indo-Pacific"] {
            for term in Terms::default().query_terms(query) {
                let shard = shard_of(&keys, &term);
                assert!(
                    terms[shards[shard].clone()].contains(&term.as_str()),
                    "{query} -> {term} not in shard {shard}"
                );
            }
        }
    }
}
