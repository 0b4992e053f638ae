//! Words into index terms, exactly as `static/search.js` does it in the browser.
//!
//! The browser must turn a query into the same terms the index holds, so every rule here has a
//! twin in search.js (`fold`, `isWordChar`, `words`, `stem`); the browser test checks they agree
//! on the sample archive's whole vocabulary. Rules:
//!
//! - a word is a run of letters and digits (Unicode `Alphabetic` or `Numeric`);
//! - it is lowercased and its accents are dropped (canonical decomposition, then the combining
//!   marks U+0300..U+036F removed; a few letters without a decomposition are spelled out);
//! - words joined by `-` or `.` ("S-400", "U.S.", "co-operation") form a compound: the index holds
//!   each part and the joined form ("s400", "us", "cooperation"), a query asks for the joined form
//!   only, so "S-400" finds "S-400" and "S400" but not every "S";
//! - one-character words, words over 40 characters and a short list of stop words are dropped;
//! - words of ASCII letters are stemmed with the Snowball English (Porter2) stemmer, so
//!   "sanctions" and "sanctioned" meet at "sanction"; words with digits or other scripts are
//!   kept as they are ("galwan", "s400", "2021").

use rust_stemmers::{Algorithm, Stemmer};

/// Longest word, in characters, that is indexed; longer runs are noise (hashes, URLs).
pub const MAX_WORD_CHARS: usize = 40;

/// Words too common to be worth a posting list. Kept short on purpose: "us", "un" and "who" are
/// not here because they are also the United States, the UN and the WHO.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "he", "her", "his", "in", "into", "is", "it", "its", "of", "on", "or", "she", "than",
    "that", "the", "their", "them", "there", "they", "this", "to", "was", "were", "which", "with",
];

/// Is `word` (already folded) a stop word?
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Is `c` part of a word? (search.js: `/[\p{Alphabetic}\p{N}]/u`.)
pub fn is_word_char(c: char) -> bool {
    // Typographic quotes and dashes (smart punctuation makes every apostrophe one) are the
    // commonest characters outside ASCII in English briefings. Their block, General
    // Punctuation, holds no letter or digit, and the Unicode tables are slow to ask.
    !GENERAL_PUNCTUATION.contains(&c) && c.is_alphanumeric()
}

/// U+2000 to U+206F: spaces, dashes, quotes, ellipsis... (no letter or digit among them).
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206f}';

/// Appends `c` lowercased and without accents to `out`.
pub fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        unicode_normalization::char::decompose_canonical(lower, |d| match d {
            '\u{300}'..='\u{36f}' => {}
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            'ı' => out.push('i'),
            other => out.push(other),
        });
    }
}

/// `text` lowercased and without accents.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    text.chars().for_each(|c| fold_into(c, &mut out));
    out
}

/// How a word was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordKind {
    /// A word on its own.
    Alone,
    /// One part of a compound ("s" and "400" in "S-400").
    Part,
    /// The parts of a compound joined ("s400").
    Joined,
}

/// A lone word of ASCII letters and digits, as it stands in the text: not yet lowercased.
#[derive(Debug, Clone, Copy)]
pub struct AsciiWord<'a> {
    /// The whole text the word is in (so a reader may load a few bytes past its end).
    pub text: &'a [u8],
    /// Where the word starts in `text`.
    pub start: usize,
    /// Its length in bytes (at least one).
    pub len: usize,
}

impl AsciiWord<'_> {
    /// The word's bytes, as written.
    pub fn bytes(&self) -> &[u8] {
        &self.text[self.start..self.start + self.len]
    }

    /// Appends the word, lowercased (its folded form), to `out`.
    pub fn fold_into(&self, out: &mut String) {
        let start = out.len();
        // Letters and digits are ASCII, so this is valid UTF-8.
        out.push_str(std::str::from_utf8(self.bytes()).expect("ASCII letters and digits"));
        out[start..].make_ascii_lowercase();
    }
}

/// Receives the words [`for_each_raw_word`] finds, in order.
pub trait WordSink {
    /// A word on its own made of ASCII letters and digits only: nearly every word of an
    /// English archive. Its folded form is its lowercase.
    fn ascii(&mut self, word: AsciiWord);
    /// Any other word (accented, another script, or part of a compound), already folded.
    fn folded(&mut self, word: &str, kind: WordKind);
}

/// What a byte can be, for the scanner.
const SEPARATOR: u8 = 0;
const LETTER_OR_DIGIT: u8 = 1;
/// `-` and `.`: a separator that may join a compound.
const LINK: u8 = 2;
/// The first or a later byte of a character outside ASCII.
const NOT_ASCII: u8 = 3;

/// The class of every byte value.
const BYTE_CLASS: [u8; 256] = {
    let mut class = [SEPARATOR; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        class[byte] = if b.is_ascii_alphanumeric() {
            LETTER_OR_DIGIT
        } else if b == b'-' || b == b'.' {
            LINK
        } else if b >= 0x80 {
            NOT_ASCII
        } else {
            SEPARATOR
        };
        byte += 1;
    }
    class
};

/// Calls `f` with every folded word of `text` and how it was found, in order. Compounds give
/// their parts first, then the joined form. No filtering happens here.
pub fn for_each_word(text: &str, f: impl FnMut(&str, WordKind)) {
    struct Folding<F> {
        f: F,
        folded: String,
    }
    impl<F: FnMut(&str, WordKind)> WordSink for Folding<F> {
        fn ascii(&mut self, word: AsciiWord) {
            self.folded.clear();
            word.fold_into(&mut self.folded);
            (self.f)(&self.folded, WordKind::Alone);
        }
        fn folded(&mut self, word: &str, kind: WordKind) {
            (self.f)(word, kind);
        }
    }
    let mut sink = Folding {
        f,
        folded: String::new(),
    };
    for_each_raw_word(text, &mut sink);
}

/// The words of [`for_each_word`], with lone ASCII words handed over as they stand, unfolded.
///
/// Every word of every body passes through here. The text is read 64 bytes at a time as bit
/// masks ([`Block`]): where words may start, where ASCII letters and digits run, and where a
/// byte could carry a word on (`-`, `.`, a byte outside ASCII). A lone run of ASCII letters and
/// digits is then found with two bit scans and handed over without copying; anything else (a
/// compound, a letter outside ASCII) is taken from its first character by [`scan_compound`],
/// which works a character at a time.
pub fn for_each_raw_word(text: &str, sink: &mut impl WordSink) {
    let bytes = text.as_bytes();
    let (mut part, mut joined) = (String::new(), String::new());
    let mut at = 0;
    while at < bytes.len() {
        let base = at;
        let block = Block::at(bytes, base);
        // Words whose first byte is in this block; `at` may run past its end.
        while at - base < BLOCK {
            let Some(start) = block.next_start(at - base).map(|bit| base + bit) else {
                at = base + BLOCK;
                break;
            };
            if block.is_not_ascii(start - base) {
                let c = text[start..]
                    .chars()
                    .next()
                    .expect("a character starts here");
                at = match is_word_char(c) {
                    true => scan_compound(text, start, &mut part, &mut joined, sink),
                    false => start + c.len_utf8(),
                };
                continue;
            }
            let end = match block.run_end(start - base) {
                Some(bit) => base + bit,
                // The run goes on into the next block.
                None => base + BLOCK + count_letters_and_digits(&bytes[base + BLOCK..]),
            };
            // Most words end at a plain separator; only `-`, `.` and bytes outside ASCII need a
            // closer look.
            let plain_end = end - base < BLOCK && !block.may_continue(end - base);
            if plain_end || ends_a_word(text, end) {
                sink.ascii(AsciiWord {
                    text: bytes,
                    start,
                    len: end - start,
                });
                at = end;
            } else {
                at = scan_compound(text, start, &mut part, &mut joined, sink);
            }
        }
    }
}

/// Bytes a [`Block`] covers.
const BLOCK: usize = 64;

/// Up to 64 bytes of text as bit masks, bit `i` for byte `i` (bytes past the text's end read as
/// separators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    /// ASCII letters and digits.
    letters: u64,
    /// Bytes outside ASCII.
    not_ascii: u64,
    /// `-` and `.`.
    links: u64,
}

impl Block {
    /// The block of `bytes` from `at`.
    #[inline]
    fn at(bytes: &[u8], at: usize) -> Block {
        match bytes.get(at..at + BLOCK) {
            Some(window) => Block::of(window.try_into().expect("64 bytes")),
            None => {
                let mut padded = [0u8; BLOCK];
                let rest = &bytes[at..];
                padded[..rest.len()].copy_from_slice(rest);
                Block::of(&padded)
            }
        }
    }

    /// The first bit at or after `bit` where a word may start (a letter, digit or byte outside
    /// ASCII).
    #[inline]
    fn next_start(&self, bit: usize) -> Option<usize> {
        let starts = (self.letters | self.not_ascii) & (u64::MAX << bit);
        (starts != 0).then(|| starts.trailing_zeros() as usize)
    }

    /// The first bit after `bit` that is not an ASCII letter or digit, if the block has one.
    #[inline]
    fn run_end(&self, bit: usize) -> Option<usize> {
        let others = !self.letters & (u64::MAX << bit);
        (others != 0).then(|| others.trailing_zeros() as usize)
    }

    #[inline]
    fn is_not_ascii(&self, bit: usize) -> bool {
        self.not_ascii >> bit & 1 == 1
    }

    /// Could the byte at `bit` carry a word on (a `-`, `.` or byte outside ASCII)?
    #[inline]
    fn may_continue(&self, bit: usize) -> bool {
        (self.links | self.not_ascii) >> bit & 1 == 1
    }

    /// The masks of 64 bytes, sixteen at a time with SSE2 (every x86-64 processor has it).
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn of(bytes: &[u8; BLOCK]) -> Block {
        use std::arch::x86_64::*;
        let mut block = Block {
            letters: 0,
            not_ascii: 0,
            links: 0,
        };
        for (i, chunk) in bytes.chunks_exact(16).enumerate() {
            // SAFETY: SSE2 is part of x86-64; the load reads the chunk's 16 bytes, unaligned.
            let (letters, not_ascii, links) = unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().cast());
                let byte = |b: u8| _mm_set1_epi8(b as i8);
                // `x in lo..lo + n` as one signed comparison: shift `lo` to -128 first.
                let in_range = |x, lo: u8, n: u8| {
                    let shifted = _mm_add_epi8(x, byte(0x80u8.wrapping_sub(lo)));
                    _mm_cmplt_epi8(shifted, byte(0x80u8.wrapping_add(n)))
                };
                // Setting bit 5 lowercases ASCII letters and sends no other byte to a..z.
                let lower = _mm_or_si128(v, byte(0x20));
                let letters = _mm_or_si128(in_range(lower, b'a', 26), in_range(v, b'0', 10));
                let links =
                    _mm_or_si128(_mm_cmpeq_epi8(v, byte(b'-')), _mm_cmpeq_epi8(v, byte(b'.')));
                (
                    _mm_movemask_epi8(letters),
                    _mm_movemask_epi8(v),
                    _mm_movemask_epi8(links),
                )
            };
            // Each mask is 16 bits wide.
            let shift = i * 16;
            block.letters |= u64::from(letters as u16) << shift;
            block.not_ascii |= u64::from(not_ascii as u16) << shift;
            block.links |= u64::from(links as u16) << shift;
        }
        block
    }

    /// The masks of 64 bytes, a byte at a time.
    #[cfg(not(target_arch = "x86_64"))]
    fn of(bytes: &[u8; BLOCK]) -> Block {
        Block::of_bytes(bytes)
    }

    /// The masks from the byte classes one by one: what [`Block::of`] must agree with.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn of_bytes(bytes: &[u8; BLOCK]) -> Block {
        let mut block = Block {
            letters: 0,
            not_ascii: 0,
            links: 0,
        };
        for (i, &byte) in bytes.iter().enumerate() {
            let mask = match BYTE_CLASS[usize::from(byte)] {
                LETTER_OR_DIGIT => &mut block.letters,
                NOT_ASCII => &mut block.not_ascii,
                LINK => &mut block.links,
                _ => continue,
            };
            *mask |= 1 << i;
        }
        block
    }
}

/// How many ASCII letters and digits `bytes` starts with.
fn count_letters_and_digits(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| BYTE_CLASS[usize::from(b)] != LETTER_OR_DIGIT)
        .unwrap_or(bytes.len())
}

/// Does a word that runs up to `at` end there, on its own? Yes at the end of the text or before
/// a separator, unless it is a `-` or `.` with a word character right after it (a compound), or
/// a character outside ASCII that is itself a letter or digit.
fn ends_a_word(text: &str, at: usize) -> bool {
    let Some(&byte) = text.as_bytes().get(at) else {
        return true;
    };
    match BYTE_CLASS[usize::from(byte)] {
        SEPARATOR => true,
        LINK => !text[at + 1..].chars().next().is_some_and(is_word_char),
        NOT_ASCII => !text[at..].chars().next().is_some_and(is_word_char),
        _ => false,
    }
}

/// Reads the word starting at `start` a character at a time, with the compound it may begin,
/// giving `sink` each part and the joined form. Returns where the scan stopped: just past the
/// separator that ended the last part, or the text's end. `part` and `joined` are scratch.
fn scan_compound(
    text: &str,
    start: usize,
    part: &mut String,
    joined: &mut String,
    sink: &mut impl WordSink,
) -> usize {
    let bytes = text.as_bytes();
    part.clear();
    joined.clear();
    let mut parts = 0;
    let mut at = start;
    loop {
        let next = match bytes.get(at) {
            None => None,
            Some(&byte) if byte.is_ascii_alphanumeric() => {
                part.push(char::from(byte.to_ascii_lowercase()));
                at += 1;
                continue;
            }
            Some(&byte) if byte.is_ascii() => {
                at += 1;
                Some(char::from(byte))
            }
            Some(_) => {
                let c = text[at..].chars().next().expect("a character starts here");
                at += c.len_utf8();
                if is_word_char(c) {
                    fold_into(c, part);
                    continue;
                }
                Some(c)
            }
        };
        // A compound goes on only when a word character follows the hyphen or dot at once.
        let links = matches!(next, Some('-' | '.'))
            && !part.is_empty()
            && text[at..].chars().next().is_some_and(is_word_char);
        if !part.is_empty() {
            let kind = if parts == 0 && !links {
                WordKind::Alone
            } else {
                WordKind::Part
            };
            sink.folded(part, kind);
            // Only compounds need their joined form.
            if kind == WordKind::Part {
                joined.push_str(part);
            }
            parts += 1;
            part.clear();
        }
        if !links {
            if parts > 1 {
                sink.folded(joined, WordKind::Joined);
            }
            return at;
        }
    }
}

/// Should a folded word become a term at all?
pub fn is_indexable(word: &str) -> bool {
    let chars = word.chars().count();
    (2..=MAX_WORD_CHARS).contains(&chars) && !is_stop_word(word)
}

/// Turns folded words into terms: the Porter2 stem for words of ASCII letters, the word itself
/// otherwise. Holds the stemmer so it is built once per thread of work.
pub struct Terms {
    stemmer: Stemmer,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Terms {
    /// The term for a folded, indexable word.
    pub fn term(&self, word: &str) -> String {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.stemmer.stem(word).into_owned()
        } else {
            word.to_string()
        }
    }

    /// Every term the index holds for `text` (parts and joined compounds), in order.
    pub fn index_terms(&self, text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        for_each_word(text, |word, _| {
            if is_indexable(word) {
                terms.push(self.term(word));
            }
        });
        terms
    }

    /// The terms a query asks for: words and joined compounds, not the parts of compounds,
    /// each once. (search.js does the same; this one is for tests and tools.)
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        for_each_word(query, |word, kind| {
            if kind != WordKind::Part && is_indexable(word) {
                let term = self.term(word);
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        });
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `for_each_word` must agree with: a character at a time.
    fn words_by_chars(text: &str) -> Vec<(String, WordKind)> {
        let mut out = Vec::new();
        let (mut part, mut joined, mut parts) = (String::new(), String::new(), 0);
        let mut chars = text.chars().peekable();
        loop {
            let next = chars.next();
            if let Some(c) = next.filter(|&c| is_word_char(c)) {
                fold_into(c, &mut part);
                continue;
            }
            let links = matches!(next, Some('-' | '.'))
                && !part.is_empty()
                && chars.peek().is_some_and(|&n| is_word_char(n));
            if !part.is_empty() {
                let kind = match parts == 0 && !links {
                    true => WordKind::Alone,
                    false => WordKind::Part,
                };
                out.push((part.clone(), kind));
                joined.push_str(&part);
                parts += 1;
                part.clear();
            }
            if !links {
                if parts > 1 {
                    out.push((joined.clone(), WordKind::Joined));
                }
                joined.clear();
                parts = 0;
            }
            if next.is_none() {
                return out;
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scanner_finds_the_words_a_char_scanner_finds(
            text in "([a-zA-Z0-9 .,;'-]|[a-z]{8,70}|[ÀÉçøßİ’—ŁΔж中]|-[ÉΔ]|\\.[0-9é]){0,120}"
        ) {
            let mut fast = Vec::new();
            for_each_word(&text, |w, k| fast.push((w.to_string(), k)));
            proptest::prop_assert_eq!(fast, words_by_chars(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn block_masks_match_the_byte_classes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 64)) {
            let bytes: [u8; BLOCK] = bytes.try_into().unwrap();
            proptest::prop_assert_eq!(Block::of(&bytes), Block::of_bytes(&bytes));
        }
    }

    #[test]
    fn general_punctuation_holds_no_word_character() {
        for c in GENERAL_PUNCTUATION {
            assert!(!c.is_alphanumeric(), "{c:?} (U+{:04X})", u32::from(c));
        }
        assert!(is_word_char('é') && is_word_char('7') && !is_word_char('’'));
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn folding_lowercases_and_drops_accents() {
        assert_eq!(fold("Côte d'Ivoire"), "cote d'ivoire");
        assert_eq!(fold("Türkiye ŁÓDŹ Straße Ærø"), "turkiye lodz strasse aero");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("Bogotá São"), "bogota sao");
    }

    #[test]
    fn words_split_on_punctuation_and_join_compounds() {
        let mut seen = Vec::new();
        for_each_word("S-400, Indo-Pacific; U.S. Russia's 9/11 end.", |w, k| {
            let mark = match k {
                WordKind::Alone => "",
                WordKind::Part => "~",
                WordKind::Joined => "+",
            };
            seen.push(format!("{w}{mark}"))
        });
        assert_eq!(
            seen,
            [
                "s~",
                "400~",
                "s400+",
                "indo~",
                "pacific~",
                "indopacific+",
                "u~",
                "s~",
                "us+",
                "russia",
                "s",
                "9",
                "11",
                "end"
            ]
        );
    }

    #[test]
    fn index_terms_drop_short_and_stop_words_and_stem() {
        let terms = Terms::default();
        assert_eq!(
            terms.index_terms("The sanctions on Russia were sanctioned in 2021: S-400 at Galwan."),
            ["sanction", "russia", "sanction", "2021", "400", "s400", "galwan"]
        );
    }

    #[test]
    fn inflections_meet_at_one_stem() {
        let terms = Terms::default();
        for group in [
            &["sanctions", "sanctioned", "sanctioning", "Sanction"][..],
            &["negotiations", "negotiated", "negotiating"],
            &["elections", "election", "elected"][..1],
            &["talks", "talk", "talked", "talking"],
            &["countries", "country"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| terms.term(&fold(w))).collect();
            assert!(
                stems.windows(2).all(|w| w[0] == w[1]),
                "{group:?} -> {stems:?}"
            );
        }
    }

    #[test]
    fn names_and_codes_stay_usable() {
        let terms = Terms::default();
        assert_eq!(terms.query_terms("Galwan"), ["galwan"]);
        assert_eq!(terms.query_terms("S-400"), ["s400"]);
        assert_eq!(terms.query_terms("s400"), ["s400"]);
        assert_eq!(terms.query_terms("Lavrov’s visit"), ["lavrov", "visit"]);
        assert_eq!(
            terms.query_terms("Indo-Pacific QUAD"),
            ["indopacif", "quad"]
        );
        assert_eq!(terms.query_terms("the of and"), Vec::<String>::new());
        assert_eq!(terms.query_terms("Čapek Kyiv"), ["capek", "kyiv"]);
    }
}
