//! The compact text form of posting lists, decoded by search.js.
//!
//! Lists live inside JavaScript string literals, so they use the 64 URL-safe base64 characters,
//! which need no escaping. A number is written in 5-bit groups, least significant first; each
//! character carries one group in its low 5 bits, and bit 5 (32) says "more groups follow".
//! Document ids are written as gaps (`id - previous - 1`, starting from -1), so the dense lists
//! of common words are mostly one character per id.

/// The alphabet: a character's position is its value.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` as a variable-length number.
pub fn push_varint(mut n: u32, out: &mut String) {
    loop {
        let group = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(ALPHABET[group] as char);
            return;
        }
        out.push(ALPHABET[group | 32] as char);
    }
}

/// Appends one 6-bit value (0..=63) as one character.
pub fn push_small(n: u8, out: &mut String) {
    out.push(ALPHABET[usize::from(n & 63)] as char);
}

/// Appends the gap from `previous` (or from the start when `None`) to `id`.
pub fn push_gap(previous: Option<u32>, id: u32, out: &mut String) {
    let gap = match previous {
        Some(p) => id - p - 1,
        None => id,
    };
    push_varint(gap, out);
}

/// A sorted list of ids as gaps.
pub fn id_list(ids: impl IntoIterator<Item = u32>) -> String {
    let mut out = String::new();
    let mut previous = None;
    for id in ids {
        push_gap(previous, id, &mut out);
        previous = Some(id);
    }
    out
}

/// The value of one alphabet byte (0 for bytes outside it, which the index never holds).
pub fn digit_value(byte: u8) -> u32 {
    VALUE[usize::from(byte)]
}

/// Each alphabet byte's value, by byte.
const VALUE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u32;
        i += 1;
    }
    table
};

/// Reads the gap that [`push_gap`] wrote at `bytes[*at..]` (five bits a digit, low first; the
/// sixth bit says another digit follows) and moves `at` past it.
pub fn read_gap(bytes: &[u8], at: &mut usize) -> u32 {
    let (mut n, mut shift) = (0u32, 0);
    loop {
        let v = digit_value(bytes[*at]);
        *at += 1;
        n |= (v & 31) << shift;
        shift += 5;
        if v & 32 == 0 {
            return n;
        }
    }
}

/// Reads what [`id_list`] or a posting list wrote: `(id, weight)` pairs when `weights`, ids
/// alone otherwise (weight 0). The browser has its own decoder; this one is for tests.
pub fn decode(text: &str, weights: bool) -> Vec<(u32, u8)> {
    assert!(text.bytes().all(|c| ALPHABET.contains(&c)), "alphabet");
    let bytes = text.as_bytes();
    let (mut i, mut previous, mut out) = (0, -1i64, Vec::new());
    while i < bytes.len() {
        let id = previous + 1 + i64::from(read_gap(bytes, &mut i));
        previous = id;
        let weight = if weights {
            i += 1;
            digit_value(bytes[i - 1]) as u8
        } else {
            0
        };
        out.push((id as u32, weight));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let ids = [0u32, 1, 2, 40, 1000, 1001, 70_000, 3_000_000];
        let text = id_list(ids);
        assert!(text.bytes().all(|b| ALPHABET.contains(&b)));
        let back: Vec<u32> = decode(&text, false).into_iter().map(|p| p.0).collect();
        assert_eq!(back, ids);
        // Dense lists cost one character per id.
        assert_eq!(id_list(0..100).len(), 100);
    }

    #[test]
    fn postings_carry_weights() {
        let mut text = String::new();
        push_gap(None, 5, &mut text);
        push_small(63, &mut text);
        push_gap(Some(5), 900, &mut text);
        push_small(1, &mut text);
        assert_eq!(decode(&text, true), [(5, 63), (900, 1)]);
    }
}
