//! A fast path for the front matter nearly every briefing has: one `key: value` per line, where a
//! value is a plain scalar, a flow list `[a, b]` or a flow mapping `{name: x, url: y}`.
//!
//! The general YAML parser costs more than rendering the briefing's Markdown, and at 100,000
//! briefings that is seconds. This reader accepts only a subset whose meaning is unambiguous and
//! returns `None` for anything else (quotes, block lists, multi-line values, anchors, tags,
//! comments after values, numbers, YAML's special words): those go to the YAML parser, which also
//! produces every error message. A property test checks that whatever this reader accepts, the
//! YAML parser reads to the same value.

use serde_yaml::{Mapping, Value};

/// `line` cut at its first `": "`, as `str::split_once(": ")` cuts it, with `memchr` finding
/// the colons (a two-byte pattern set up a substring searcher for every line).
fn split_key(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let at = memchr::memchr_iter(b':', bytes).find(|&at| bytes.get(at + 1) == Some(&b' '))?;
    Some((&line[..at], &line[at + 2..]))
}

/// The `(key, value)` pairs of `text`, in order, if it is in the simple subset; `None` means
/// "ask the YAML parser". Pairs, not a `Mapping`: the checker takes them one by one, and a
/// mapping hashed (and copied) every key of every file first.
pub fn parse(text: &str) -> Option<Vec<(&str, Value)>> {
    let mut pairs: Vec<(&str, Value)> = Vec::with_capacity(12);
    for line in super::lines(text) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = split_key(line)?;
        if !is_simple_key(key) {
            return None;
        }
        // A front matter has a handful of keys: looking back finds a repeat.
        if pairs.iter().any(|(seen, _)| *seen == key) {
            return None; // the YAML parser reports duplicates
        }
        pairs.push((key, value_of(value.trim())?));
    }
    Some(pairs)
}

fn value_of(text: &str) -> Option<Value> {
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        if inner.trim().is_empty() {
            return Some(Value::Sequence(Vec::new()));
        }
        let items = inner
            .split(',')
            .map(|item| flow_scalar(item.trim()))
            .collect::<Option<Vec<_>>>()?;
        return Some(Value::Sequence(items));
    }
    if let Some(inner) = text.strip_prefix('{') {
        let inner = inner.strip_suffix('}')?;
        let mut mapping = Mapping::new();
        for entry in inner.split(',') {
            let (key, value) = entry.trim().split_once(": ")?;
            if !is_simple_key(key) {
                return None;
            }
            let key = Value::String(key.to_string());
            if mapping.insert(key, flow_scalar(value.trim())?).is_some() {
                return None;
            }
        }
        return Some(Value::Mapping(mapping));
    }
    plain_scalar(text)
}

/// A scalar inside `[...]` or `{...}`, where `[ ] { } ,` may not appear.
fn flow_scalar(text: &str) -> Option<Value> {
    if text.contains(['[', ']', '{', '}']) {
        return None;
    }
    plain_scalar(text)
}

/// A plain (unquoted) scalar that YAML reads as this very string, or as `true`/`false`.
fn plain_scalar(text: &str) -> Option<Value> {
    let first = text.chars().next()?;
    let starts_with_indicator = matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | '.'
            | '+'
            | '~'
    );
    if starts_with_indicator || has_indicator_inside(text) || text != text.trim() {
        return None;
    }
    match text {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    if is_special_word(text) {
        return None;
    }
    if first.is_ascii_digit() && !is_date(text) {
        return None; // numbers (and strings that might be) go to the YAML parser
    }
    Some(Value::String(text.to_string()))
}

/// Does `text` hold `: `, ` #`, a tab, a backslash or a control character, or end with `:`?
/// One pass over the bytes: every value of every briefing's front matter is checked.
fn has_indicator_inside(text: &str) -> bool {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    bytes.last() == Some(&b':')
        || bytes.iter().enumerate().any(|(i, &b)| match b {
            b':' => at(i + 1) == Some(b' '),
            b' ' => at(i + 1) == Some(b'#'),
            b'\t' | b'\\' | 0x7f => true,
            // C0 controls, and C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F).
            0x00..=0x1f => true,
            0xc2 => at(i + 1).is_some_and(|next| (0x80..=0x9f).contains(&next)),
            _ => false,
        })
}

/// `YYYY-MM-DD`, optionally followed by `T` and a time: text to YAML, never a number.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let day = bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    day && (bytes.len() == 10 || bytes[10] == b'T')
}

/// Words some YAML version reads as null, booleans or special numbers.
fn is_special_word(text: &str) -> bool {
    const WORDS: [&str; 11] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    text.len() <= 5 && WORDS.iter().any(|word| word.eq_ignore_ascii_case(text))
}

fn is_simple_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !is_special_word(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn keys_are_cut_as_split_once_cuts_them(
            line in proptest::collection::vec(proptest::sample::select(b"a: ".to_vec()), 0..12)
                .prop_map(|bytes| String::from_utf8(bytes).unwrap()),
        ) {
            proptest::prop_assert_eq!(split_key(&line), line.split_once(": "));
        }
    }

    fn yaml(text: &str) -> Option<Value> {
        serde_yaml::from_str(text).ok()
    }

    /// The fast path's pairs as the mapping the YAML parser gives.
    fn as_mapping(pairs: Vec<(&str, Value)>) -> Value {
        let pairs = pairs.into_iter();
        Value::Mapping(pairs.map(|(k, v)| (Value::String(k.into()), v)).collect())
    }

    #[test]
    fn reads_the_usual_front_matter() {
        let text = "title: Lavrov visits New Delhi\ndate: 2021-04-06\ncountries: [India, Russia]\n\
                    source: {name: Wire, url: https://example.org/a?b=c}\ndraft: false\n";
        let pairs = parse(text).expect("simple");
        assert_eq!(Some(as_mapping(pairs)), yaml(text));
    }

    #[test]
    fn leaves_the_rest_to_the_yaml_parser() {
        for text in [
            "title: \"Quoted: yes\"\n",
            "countries:\n  - India\n",
            "title: a # comment\n",
            "title: 1984\n",
            "draft: yes\n",
            "title: &a x\n",
            "title: x\ntitle: y\n",
            "title: [a, [b]]\n",
            "title: >\n  folded\n",
            "null: x\n",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_byte_scan_finds_the_indicators_the_string_searches_find() {
        let by_searches = |text: &str| {
            text.contains(": ")
                || text.contains(" #")
                || text.ends_with(':')
                || text.contains(['\t', '\\'])
                || text.chars().any(char::is_control)
        };
        for text in [
            "a: b",
            "a:b",
            "a #b",
            "a#b",
            "ends:",
            "tab\there",
            "back\\slash",
            "bell\u{7}",
            "del\u{7f}",
            "nel\u{85}",
            "c1\u{9f}",
            "nbsp\u{a0}",
            "Â",
            "é",
            "plain",
            "",
            ":",
        ] {
            assert_eq!(has_indicator_inside(text), by_searches(text), "{text:?}");
        }
    }

    /// Whatever the fast path accepts, the YAML parser reads the same way.
    #[test]
    fn agrees_with_the_yaml_parser_on_generated_front_matter() {
        let atoms = [
            "India",
            "United States",
            "Côte d'Ivoire",
            "C#",
            "a:b",
            "https://x.org/a,b",
            "x-y",
            "2021-04-06",
            "2021-04-06T09:30:00+05:30",
            "2021-02-30",
            "true",
            "false",
            "True",
            "on",
            "12",
            "1e3",
            "0x1F",
            ".5",
            "-1",
            "~",
            "null",
            "N/A",
            "50% off",
            "it's",
            "a  b",
            "#tag",
            "@x",
            "!x",
            "*x",
            "&x",
            "Q&A",
            "a #b",
            "a# b",
            "ends:",
            "é",
            "",
            " x",
            "x ",
            "a: b",
            "[a",
            "a]",
            "{a}",
            "a,b",
            "🇮🇳",
            "Sweden's bid",
            "yes",
            "Y",
            "no",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for key in ["title", "date", "countries", "source"]
                .iter()
                .take(1 + next(4))
            {
                let value = match next(3) {
                    0 => atoms[next(atoms.len())].to_string(),
                    1 => format!(
                        "[{}, {}]",
                        atoms[next(atoms.len())],
                        atoms[next(atoms.len())]
                    ),
                    _ => format!(
                        "{{name: {}, url: {}}}",
                        atoms[next(atoms.len())],
                        atoms[next(atoms.len())]
                    ),
                };
                text.push_str(&format!("{key}: {value}\n"));
            }
            if let Some(fast) = parse(&text) {
                accepted += 1;
                assert_eq!(Some(as_mapping(fast)), yaml(&text), "{text}");
            }
        }
        assert!(
            accepted > 1_000,
            "the generator should exercise the fast path ({accepted})"
        );
    }
}
