//! A tokenizer's word cache: folded word -> term id, looked up for every word of every body.
//!
//! A `HashMap<String, _>` keeps each key behind a pointer, so every lookup of a word already
//! seen hashes it byte by byte, loads the key from elsewhere in the heap and compares it with
//! `memcmp`: about a tenth of a build's instructions at 10,000 briefings. Words of up to
//! [`INLINE`] bytes (nearly all) are instead kept inline as three machine words, so a lookup is
//! one hash of those words and, in the usual case, one slot read and three comparisons. Longer
//! words go to an ordinary map.

use super::terms::TermId;
use super::tokenize::AsciiWord;
use std::collections::HashMap;

/// Longest word kept inline, in bytes.
const INLINE: usize = 24;

/// A word as three little-endian machine words, zero-padded. No word holds a zero byte (words
/// are letters and digits), so the padding cannot be mistaken for part of a word and the length
/// need not be kept; a key of zeros is no word's.
type Key = [u64; 3];

/// One slot of the open-addressed table; a key of zeros marks it empty. Thirty-two bytes and
/// aligned to them, so a slot never straddles two cache lines (the table is read for every word
/// of every body, and at forty bytes a slot in three straddled two).
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    key: Key,
    id: TermId,
}

/// Folded word -> term id.
#[derive(Default)]
pub struct WordTable {
    /// Power-of-two many slots, at most half full; probed linearly.
    slots: Vec<Slot>,
    used: usize,
    /// Words longer than [`INLINE`] bytes: rare enough for an ordinary map.
    long: HashMap<String, TermId>,
}

impl WordTable {
    /// The id recorded for `word`.
    pub fn get(&self, word: &str) -> Option<TermId> {
        match key_of(word) {
            Some(key) => self.get_key(&key),
            None => self.long.get(word).copied(),
        }
    }

    /// The id recorded for the folded form (the lowercase) of `word`.
    #[inline]
    pub fn get_ascii(&self, word: AsciiWord) -> Option<TermId> {
        match ascii_key(word) {
            Some(key) => self.get_key(&key),
            None => {
                let mut folded = String::with_capacity(word.len);
                word.fold_into(&mut folded);
                self.long.get(&folded).copied()
            }
        }
    }

    #[inline]
    fn get_key(&self, key: &Key) -> Option<TermId> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = slot_of(key, mask);
        loop {
            let slot = &self.slots[at];
            if same_key(&slot.key, key) {
                return Some(slot.id);
            }
            if slot.key[0] == 0 {
                return None;
            }
            at = (at + 1) & mask;
        }
    }

    /// Records `id` for `word`, which is not recorded yet.
    pub fn insert(&mut self, word: &str, id: TermId) {
        let Some(key) = key_of(word) else {
            self.long.insert(word.to_string(), id);
            return;
        };
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.place(Slot { key, id });
        self.used += 1;
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(&slot.key, mask);
        while self.slots[at].key[0] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for slot in old.into_iter().filter(|slot| slot.key[0] != 0) {
            self.place(slot);
        }
    }
}

/// `word` as a [`Key`], or `None` if it is empty (its key would look like an empty slot's) or
/// longer than [`INLINE`] bytes.
fn key_of(word: &str) -> Option<Key> {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > INLINE {
        return None;
    }
    let mut key = [0u64; 3];
    let mut chunks = bytes.chunks_exact(8);
    for (word, chunk) in key.iter_mut().zip(&mut chunks) {
        *word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
    }
    // The last bytes one by one: a variable-length copy would call memcpy.
    if bytes.len() < INLINE {
        key[bytes.len() / 8] = chunks
            .remainder()
            .iter()
            .rev()
            .fold(0, |tail, &byte| tail << 8 | u64::from(byte));
    }
    Some(key)
}

/// For each word length up to [`INLINE`], the mask that keeps a key's first that many bytes.
const KEPT_BYTES: [Key; INLINE + 1] = {
    let mut masks = [[0u64; 3]; INLINE + 1];
    let mut len = 0;
    while len <= INLINE {
        let mut byte = 0;
        while byte < len {
            masks[len][byte / 8] |= 0xff << (byte % 8 * 8);
            byte += 1;
        }
        len += 1;
    }
    masks
};

/// The key of `word`'s folded form, made straight from the text: three eight-byte loads, each
/// lowercased by setting bit 5 of every byte (right for ASCII letters, a no-op for digits) and
/// cut at the word's end. `None` if it is longer than [`INLINE`] bytes.
fn ascii_key(word: AsciiWord) -> Option<Key> {
    if word.len > INLINE {
        return None;
    }
    let mut padded = [0u8; INLINE];
    let window = match word.text.get(word.start..word.start + INLINE) {
        Some(window) => window,
        // Near the text's end: copy what is there.
        None => {
            padded[..word.len].copy_from_slice(word.bytes());
            &padded
        }
    };
    let kept = &KEPT_BYTES[word.len];
    let mut key = [0u64; 3];
    for (i, slot) in key.iter_mut().enumerate() {
        let loaded = u64::from_le_bytes(window[i * 8..i * 8 + 8].try_into().expect("eight bytes"));
        *slot = (loaded | 0x2020_2020_2020_2020) & kept[i];
    }
    Some(key)
}

/// Whether two keys are equal, compared a machine word at a time in registers. (`==` on the
/// arrays compiled to 16-byte loads of the key just built on the stack by 8-byte stores, which
/// the processor cannot forward: a stall on every word of every body, a third of the
/// tokenizer's time.)
#[inline(always)]
fn same_key(a: &Key, b: &Key) -> bool {
    ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2])) == 0
}

/// The first slot to probe for `key` in a table of `mask + 1` slots.
fn slot_of(key: &Key, mask: usize) -> usize {
    // The three words folded together by rotations (independent of one another, so they run
    // side by side), then one multiply; its high bits are the well-mixed ones.
    let folded = key[0] ^ key[1].rotate_left(19) ^ key[2].rotate_left(37);
    let hash = folded.wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    (hash >> 32) as usize & mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenize::{for_each_raw_word, WordKind, WordSink};

    /// Where each lone ASCII word starts and how long it is.
    struct Spans(Vec<(usize, usize)>);

    impl WordSink for Spans {
        fn ascii(&mut self, word: AsciiWord) {
            self.0.push((word.start, word.len));
        }
        fn folded(&mut self, _: &str, _: WordKind) {
            unreachable!("only ASCII words here")
        }
    }

    #[test]
    fn finds_what_it_was_given_and_nothing_else() {
        let mut table = WordTable::default();
        let long = "x".repeat(INLINE + 5);
        let words: Vec<String> = (0..5000)
            .map(|i| format!("w{i}"))
            .chain(
                [
                    "a",
                    "ab",
                    "abcdefgh",
                    "abcdefghi",
                    "é",
                    &"y".repeat(INLINE),
                    &long,
                ]
                .map(String::from),
            )
            .collect();
        for (id, word) in words.iter().enumerate() {
            assert_eq!(table.get(word), None, "{word}");
            table.insert(word, id as TermId);
        }
        for (id, word) in words.iter().enumerate() {
            assert_eq!(table.get(word), Some(id as TermId), "{word}");
        }
        for absent in [
            "",
            "w5000",
            "abcdefg",
            "abcdefghij",
            "e",
            &"y".repeat(INLINE - 1),
            "xx",
        ] {
            assert_eq!(table.get(absent), None, "{absent}");
        }
    }

    proptest::proptest! {
        /// A word read straight from the text finds what its folded form was recorded under,
        /// wherever it stands (the last bytes of a text are read another way) and however long.
        #[test]
        fn ascii_words_find_their_folded_form(text in "([a-zA-Z0-9]{1,40}[ ,;]){1,12}") {
            let mut table = WordTable::default();
            let mut spans = Spans(Vec::new());
            for_each_raw_word(&text, &mut spans);
            let words: Vec<AsciiWord> = spans
                .0
                .into_iter()
                .map(|(start, len)| AsciiWord { text: text.as_bytes(), start, len })
                .collect();
            let folded: Vec<String> = words
                .iter()
                .map(|word| {
                    let mut out = String::new();
                    word.fold_into(&mut out);
                    out
                })
                .collect();
            for (id, word) in folded.iter().enumerate() {
                if table.get(word).is_none() {
                    table.insert(word, id as TermId);
                }
            }
            for (word, folded) in words.iter().zip(&folded) {
                proptest::prop_assert_eq!(table.get_ascii(*word), table.get(folded));
                proptest::prop_assert!(table.get(folded).is_some());
            }
            proptest::prop_assert_eq!(
                table.get_ascii(AsciiWord { text: b"Absent", start: 0, len: 6 }),
                None
            );
        }
    }
}
