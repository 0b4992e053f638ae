//! The YAML front matter of a briefing: split it from the body, then check it against the schema.
//!
//! The YAML is first read into a generic value (so a syntax error is reported with its position),
//! then each known key is checked by hand: a wrong type gets a message that names the key, the line
//! and what was expected, rather than serde's "invalid type: sequence, expected a string". Unknown
//! keys are kept for templates (`page.extra`); one that is a typo of a known key is a warning.
//! serde_yaml is used here and in config.rs only, so it can be swapped out in one place.

mod simple;

use crate::error::Diagnostic;
use crate::model::{BriefingDate, Source};
use chrono::{DateTime, NaiveDate};
use serde_yaml::Value;
use std::path::Path;

/// The keys the schema knows.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "dateline",
    "countries",
    "topics",
    "summary",
    "source",
    "slug",
    "draft",
];

const DATE_HINT: &str = "dates are YYYY-MM-DD (2021-04-06) or RFC 3339 (2021-04-06T09:30:00+05:30)";

/// Where `item` of the list `key` is written in a briefing's (normalised) `text`: its line and
/// column, or the key's when the item is not found as a whole word; `None` if the text has no
/// front matter.
pub fn item_position(text: &str, path: &Path, key: &str, item: &str) -> Option<(usize, usize)> {
    Some(split(text, path).ok()?.item_position(key, item))
}

/// A file cut into front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The file line of the YAML's first line.
    pub yaml_first_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// The file line of the body's first line.
    pub body_first_line: usize,
}

/// The checked front matter of one briefing.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    /// `title:`
    pub title: String,
    /// `date:`
    pub date: BriefingDate,
    /// `dateline:`
    pub dateline: Option<String>,
    /// `countries:`, as written (resolved against the gazetteer later; [`item_position`]
    /// finds where one is written).
    pub countries: Vec<String>,
    /// `topics:`, as written.
    pub topics: Vec<String>,
    /// `summary:`
    pub summary: Option<String>,
    /// `source:`
    pub source: Option<Source>,
    /// `slug:`
    pub slug: Option<String>,
    /// `draft:`
    pub draft: bool,
    /// Keys the schema does not know, for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `text`'s lines with their `\n`, as `str::split_inclusive('\n')` gives them, found with
/// `memchr`. `str`'s own search for a character went a word at a time, at about two hundred
/// instructions a front-matter line; every file's front matter is cut into lines here and again
/// by the simple reader.
pub(crate) fn lines_with_ends(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().map_or(text.len(), |at| at + 1);
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// `text`'s lines without their endings, as `str::lines` gives them (a `\r` goes only before a
/// `\n`), through [`lines_with_ends`].
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_with_ends(text).map(|line| match line.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => line,
    })
}

/// Cuts `text` (already free of BOM and CR) at its `---` fences.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let mut lines = lines_with_ends(text);
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        let found = if text.trim().is_empty() {
            "the file is empty".to_string()
        } else {
            format!("found `{}`", truncate(first.trim_end(), 40))
        };
        return Err(Diagnostic::error(
            path,
            format!("no front matter: a briefing starts with a `---` line ({found})"),
        )
        .at(1, 1)
        .hint("begin the file with `---`, then `title:` and `date:` lines, then `---`"));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_number = 1;
    for line in lines {
        line_number += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[offset + line.len()..],
                body_first_line: line_number + 1,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(path, "unterminated front matter: no closing `---` line")
            .at(1, 1)
            .hint("end the front matter with a line holding only `---`, before the body"),
    )
}

/// Parses and checks the YAML of `split`. Returns the front matter when it is usable, and every
/// problem found (errors and warnings) either way.
pub fn parse(split: &Split, path: &Path) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let checker = Checker {
        path,
        split,
        problems: Vec::new(),
    };
    if split.yaml.trim().is_empty() {
        return checker.check(std::iter::empty::<(Result<&str, Value>, Value)>());
    }
    // The usual front matter, read by the fast path: its keys are borrowed, not copied.
    if let Some(pairs) = simple::parse(split.yaml) {
        return checker.check(pairs.into_iter().map(|(key, value)| (Ok(key), value)));
    }
    let mapping = match serde_yaml::from_str(split.yaml) {
        Ok(Value::Mapping(mapping)) => mapping,
        Ok(_) => {
            let d = Diagnostic::error(path, "front matter must be `key: value` lines")
                .at(split.yaml_first_line, 1)
                .hint("e.g. `title: ...` and `date: 2021-04-06`");
            return (None, vec![d]);
        }
        Err(error) => return (None, vec![yaml_error(split, path, &error)]),
    };
    let text_keys = mapping.into_iter().map(|(key, value)| match key {
        Value::String(key) => (Ok(key), value),
        other => (Err(other), value),
    });
    checker.check(text_keys)
}

impl Split<'_> {
    /// Where `key` is written: the first top-level line that names it. (Looked up when a key's
    /// value is placed or reported; a front matter is a few lines.)
    fn key_position(&self, key: &str) -> (usize, usize) {
        let lines = self.yaml.lines().enumerate();
        lines
            .filter(|(_, line)| starts_top_level_key(line))
            .find(|(_, line)| written_key(line) == Some(key))
            .map_or((self.yaml_first_line, 1), |(index, _)| {
                (index + self.yaml_first_line, 1)
            })
    }

    /// Where an item of a list key is written: searched from the key's line to the next key.
    fn item_position(&self, key: &str, item: &str) -> (usize, usize) {
        let (key_line, key_column) = self.key_position(key);
        let first = key_line - self.yaml_first_line;
        for (index, line) in self.yaml.lines().enumerate().skip(first) {
            if index > first && starts_top_level_key(line) {
                break;
            }
            let search_from = if index == first {
                line.find(':').map_or(0, |i| i + 1)
            } else {
                0
            };
            if let Some(found) = find_whole_item(&line[search_from..], item) {
                let column = line[..search_from + found].chars().count() + 1;
                return (index + self.yaml_first_line, column);
            }
        }
        (key_line, key_column)
    }
}

/// Checks one mapping key by key, collecting problems.
struct Checker<'a> {
    path: &'a Path,
    split: &'a Split<'a>,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Checks the front matter's `(key, value)` pairs, in order; a key that is not text comes
    /// as `Err` with what it is.
    fn check<K: AsRef<str> + Into<String>>(
        mut self,
        pairs: impl IntoIterator<Item = (Result<K, Value>, Value)>,
    ) -> (Option<FrontMatter>, Vec<Diagnostic>) {
        let mut fields = KnownFields::default();
        let mut extra = serde_json::Map::new();
        for (key, value) in pairs {
            let key = match key {
                Ok(key) => key,
                Err(other) => {
                    self.error_at_start(format!("keys must be text, found {}", kind(&other)));
                    continue;
                }
            };
            if let Some(slot) = fields.slot(key.as_ref()) {
                *slot = Some(value);
            } else {
                self.warn_if_typo(key.as_ref());
                extra.insert(key.into(), serde_json::to_value(&value).unwrap_or_default());
            }
        }
        let title = self.required_text(&mut fields, "title");
        let date = self.date(fields.remove("date"));
        let front_matter = FrontMatter {
            dateline: self.optional_text(&mut fields, "dateline"),
            countries: self.list(fields.remove("countries"), "countries"),
            topics: self.list(fields.remove("topics"), "topics"),
            summary: self.optional_text(&mut fields, "summary"),
            source: self.source(fields.remove("source")),
            slug: self.optional_text(&mut fields, "slug"),
            draft: self.draft(fields.remove("draft")),
            extra,
            title: title.unwrap_or_default(),
            date: date.unwrap_or(BriefingDate::placeholder()),
        };
        let ok = !self.problems.iter().any(Diagnostic::is_error);
        (ok.then_some(front_matter), self.problems)
    }

    fn error(&mut self, key: &str, message: String, hint: &str) {
        let (line, column) = self.split.key_position(key);
        let mut d = Diagnostic::error(self.path, message).at(line, column);
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.problems.push(d);
    }

    fn error_at_start(&mut self, message: String) {
        let d = Diagnostic::error(self.path, message).at(self.split.yaml_first_line, 1);
        self.problems.push(d);
    }

    fn warn_if_typo(&mut self, key: &str) {
        let nearest = KNOWN_KEYS
            .iter()
            .map(|known| {
                (
                    strsim::damerau_levenshtein(&key.to_lowercase(), known),
                    known,
                )
            })
            .min();
        if let Some((distance, known)) = nearest {
            if distance <= 2 && key.len() >= 4 || key.eq_ignore_ascii_case(known) {
                let (line, column) = self.split.key_position(key);
                self.problems.push(
                    Diagnostic::warning(
                        self.path,
                        format!("unknown key `{key}`: did you mean `{known}`?"),
                    )
                    .at(line, column)
                    .hint(format!(
                        "it is kept in `page.extra`; rename it to `{known}` if that was meant"
                    )),
                );
            }
        }
    }

    fn required_text(&mut self, fields: &mut KnownFields, key: &str) -> Option<String> {
        match fields.remove(key) {
            None | Some(Value::Null) => {
                self.error_at_start(format!("missing `{key}`: every briefing needs one"));
                if let Some(d) = self.problems.last_mut() {
                    d.hint = Some(format!("add a line `{key}: ...` to the front matter"));
                }
                None
            }
            Some(value) => self.text(value, key).filter(|text| {
                let empty = text.trim().is_empty();
                if empty {
                    self.error(key, format!("`{key}` is empty"), "");
                }
                !empty
            }),
        }
    }

    fn optional_text(&mut self, fields: &mut KnownFields, key: &str) -> Option<String> {
        match fields.remove(key) {
            None | Some(Value::Null) => None,
            Some(value) => self.text(value, key),
        }
    }

    fn text(&mut self, value: Value, key: &str) -> Option<String> {
        match scalar_text(&value) {
            Some(text) => Some(text),
            None => {
                let message = format!("`{key}` must be text, found {}", kind(&value));
                self.error(key, message, "write it on one line: `key: some text`");
                None
            }
        }
    }

    fn date(&mut self, value: Option<Value>) -> Option<BriefingDate> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            self.error_at_start("missing `date`: every briefing needs one".to_string());
            if let Some(d) = self.problems.last_mut() {
                d.hint = Some(format!("add a line `date: 2021-04-06`; {DATE_HINT}"));
            }
            return None;
        };
        let Some(text) = value.as_str() else {
            let message = format!("`date` must be a date, found {}", kind(&value));
            self.error("date", message, DATE_HINT);
            return None;
        };
        match parse_date(text) {
            Ok(date) => Some(date),
            Err(message) => {
                self.error("date", message, DATE_HINT);
                None
            }
        }
    }

    /// A list's items, trimmed. They are not located here: only a problem found later (an
    /// unknown country) needs a position, and [`item_position`] finds it then; locating every
    /// item of every file took 2.5% of a build's instructions.
    fn list(&mut self, value: Option<Value>, key: &str) -> Vec<String> {
        let items = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(Value::String(one)) => vec![Value::String(one)],
            Some(other) => {
                let message = format!("`{key}` must be a list, found {}", kind(&other));
                self.error(key, message, &format!("e.g. `{key}: [India, Russia]`"));
                return Vec::new();
            }
        };
        let mut texts = Vec::with_capacity(items.len());
        for item in items {
            match scalar_text(&item).filter(|t| !t.trim().is_empty()) {
                Some(text) => texts.push(match text.trim() {
                    trimmed if trimmed.len() == text.len() => text,
                    trimmed => trimmed.to_string(),
                }),
                None => {
                    let message = format!("`{key}` items must be names, found {}", kind(&item));
                    self.error(key, message, &format!("e.g. `{key}: [India, Russia]`"));
                }
            }
        }
        texts
    }

    fn source(&mut self, value: Option<Value>) -> Option<Source> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::Mapping(map)) => self.source_mapping(map),
            Some(value) => match scalar_text(&value) {
                Some(name) => Some(Source { name, url: None }),
                None => {
                    let message = format!(
                        "`source` must be a name or {{name, url}}, found {}",
                        kind(&value)
                    );
                    self.error(
                        "source",
                        message,
                        "e.g. `source: {name: Reuters, url: https://...}`",
                    );
                    None
                }
            },
        }
    }

    fn source_mapping(&mut self, map: serde_yaml::Mapping) -> Option<Source> {
        let mut name = None;
        let mut url = None;
        for (key, value) in map {
            match (key.as_str(), scalar_text(&value)) {
                (Some("name"), Some(text)) => name = Some(text),
                (Some("url"), Some(text)) => url = Some(text),
                (Some(other), _) if other != "name" && other != "url" => {
                    let message = format!("`source` has an unknown key `{other}`");
                    self.error("source", message, "`source` takes `name` and `url`");
                }
                _ => {
                    let message = "`source.name` and `source.url` must be text".to_string();
                    self.error("source", message, "");
                }
            }
        }
        if name.is_none() {
            let hint = "e.g. `source: {name: Reuters, url: https://...}`";
            self.error("source", "`source` needs a `name`".to_string(), hint);
        }
        // The URL becomes a link on the page: a relative or `javascript:` one would be wrong
        // or hostile there.
        if let Some(bad) = url.as_deref().filter(|u| !is_web_url(u)) {
            let message = format!(
                "`source.url` must be an absolute http(s) URL, found `{}`",
                truncate(&bad.escape_debug().to_string(), 80)
            );
            let hint = "write the full address, e.g. `url: https://www.reuters.com/...`";
            self.error("source", message, hint);
            return None;
        }
        name.map(|name| Source { name, url })
    }

    fn draft(&mut self, value: Option<Value>) -> bool {
        match value {
            None | Some(Value::Null) => false,
            Some(Value::Bool(draft)) => draft,
            Some(other) => {
                let message = format!("`draft` must be true or false, found {}", kind(&other));
                self.error("draft", message, "");
                false
            }
        }
    }
}

/// `http://host...` or `https://host...`, with a host and no spaces or control characters.
fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Byte offset of `item` in `line` where it stands as a whole list item: "Germ" is not found
/// inside "Germany".
fn find_whole_item(line: &str, item: &str) -> Option<usize> {
    let is_edge = |c: Option<char>| {
        c.is_none_or(|c| matches!(c, '[' | ']' | ',' | '-' | '"' | '\'' | '#') || c.is_whitespace())
    };
    line.match_indices(item).map(|(at, _)| at).find(|&at| {
        is_edge(line[..at].chars().next_back()) && is_edge(line[at + item.len()..].chars().next())
    })
}

/// A YAML scalar for writing front matter: plain when it is clearly safe (letters, digits,
/// spaces and a few marks, not a YAML keyword or number), otherwise double-quoted with JSON
/// escapes (JSON strings are valid YAML).
pub fn quote_scalar(text: &str) -> String {
    let safe_chars = text
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/'));
    let first_ok = text.chars().next().is_some_and(char::is_alphanumeric);
    let keyword = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "y" | "n"
    );
    let numeric = text.parse::<f64>().is_ok() || text.starts_with(|c: char| c.is_ascii_digit());
    if safe_chars && first_ok && !keyword && !numeric && !text.ends_with(' ') {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

/// Parses a front-matter date: `YYYY-MM-DD` or RFC 3339.
pub fn parse_date(text: &str) -> Result<BriefingDate, String> {
    let text = text.trim();
    if text.len() == 10 {
        return match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Ok(BriefingDate::from_day(day)),
            Err(_) if looks_like_day(text) => Err(format!("`{text}` is not a real date")),
            Err(_) => Err(format!("`{text}` is not a date")),
        };
    }
    DateTime::parse_from_rfc3339(text)
        .map(BriefingDate::from_time)
        .map_err(|e| format!("`{text}` is not a date ({e})"))
}

/// "2021-02-30": the right shape, an impossible day.
fn looks_like_day(text: &str) -> bool {
    text.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    })
}

/// Text of a scalar: strings as they are, numbers and booleans as written.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// What kind of YAML value this is, in a user's words.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping (key: value pairs)",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The key a top-level line names, unquoted.
fn written_key(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    Some(line[..colon].trim().trim_matches(|c| c == '"' || c == '\''))
}

/// The values of the keys the schema knows, in [`KNOWN_KEYS`] order, each taken once.
#[derive(Default)]
struct KnownFields([Option<Value>; KNOWN_KEYS.len()]);

impl KnownFields {
    /// The place for `key`'s value, if the schema knows it.
    fn slot(&mut self, key: &str) -> Option<&mut Option<Value>> {
        let index = KNOWN_KEYS.iter().position(|known| *known == key)?;
        Some(&mut self.0[index])
    }

    /// `key`'s value (a known key), taken out.
    fn remove(&mut self, key: &str) -> Option<Value> {
        self.slot(key).and_then(Option::take)
    }
}

fn starts_top_level_key(line: &str) -> bool {
    let first = line.chars().next();
    matches!(first, Some(c) if !c.is_whitespace() && c != '#' && c != '-') && line.contains(':')
}

fn yaml_error(split: &Split, path: &Path, error: &serde_yaml::Error) -> Diagnostic {
    let message = crate::config::strip_location(&error.to_string());
    let d = Diagnostic::error(path, format!("invalid YAML in front matter: {message}")).hint(
        "check quoting and indentation; a value holding `: ` or starting with `[` needs quotes",
    );
    match error.location() {
        Some(location) => {
            // An unclosed list or quote is found only at the end of the YAML; point at its last
            // line rather than at the closing fence.
            let last_yaml_line = split.yaml_first_line + split.yaml.lines().count().max(1) - 1;
            let line = (location.line() + split.yaml_first_line - 1).min(last_yaml_line);
            d.at(line, location.column())
        }
        None => d.at(split.yaml_first_line, 1),
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((index, _)) => format!("{}…", &text[..index]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn lines_are_cut_as_str_cuts_them(
            text in proptest::collection::vec(proptest::sample::select(b"ab:\n\r".to_vec()), 0..40)
                .prop_map(|bytes| String::from_utf8(bytes).unwrap()),
        ) {
            proptest::prop_assert_eq!(
                lines_with_ends(&text).collect::<Vec<_>>(),
                text.split_inclusive('\n').collect::<Vec<_>>()
            );
            proptest::prop_assert_eq!(
                lines(&text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>()
            );
        }
    }

    fn parse_text(text: &str) -> (Option<FrontMatter>, Vec<Diagnostic>) {
        let path = Path::new("t.md");
        let split = split(text, path).unwrap();
        parse(&split, path)
    }

    #[test]
    fn splits_at_fences() {
        let s = split("---\ntitle: A\n---\nBody\n", Path::new("t.md")).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn reads_every_field() {
        let (fm, problems) = parse_text(
            "---\ntitle: Talks\ndate: 2021-04-06\ndateline: New Delhi\ncountries: [India, Russia]\n\
             topics:\n  - diplomacy\n  - QUAD\nsource: {name: Wire, url: https://example.org}\n\
             analyst: J. Doe\n---\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        assert_eq!(fm.title, "Talks");
        assert_eq!(fm.date.day().to_string(), "2021-04-06");
        assert_eq!(fm.countries, ["India", "Russia"]);
        assert_eq!(fm.topics, ["diplomacy", "QUAD"]);
        assert_eq!(
            fm.source.unwrap().url.as_deref(),
            Some("https://example.org")
        );
        assert_eq!(fm.extra["analyst"], "J. Doe");
    }

    #[test]
    fn list_items_are_located_on_demand() {
        let text = "---\ntitle: Talks\ndate: 2021-04-06\ncountries: [India, Russia]\n\
                    topics:\n  - diplomacy\n  - QUAD\n---\nBody\n";
        let at = |key, item| item_position(text, Path::new("t.md"), key, item);
        assert_eq!(at("countries", "Russia"), Some((4, 20)));
        assert_eq!(at("topics", "QUAD"), Some((7, 5)));
        // An item not written as a whole word: the key's line.
        assert_eq!(at("topics", "QUA"), Some((5, 1)));
        assert_eq!(
            item_position("no front matter", Path::new("t.md"), "topics", "x"),
            None
        );
    }

    #[test]
    fn items_are_located_as_whole_words() {
        let (_, _) = parse_text("---\ntitle: A\ndate: 2021-01-01\n---\n");
        assert_eq!(
            find_whole_item("countries: [Germany, Germ]", "Germ"),
            Some(21)
        );
        assert_eq!(find_whole_item("  - \"Germ\"", "Germ"), Some(5));
    }

    #[test]
    fn rfc3339_dates_keep_their_time() {
        let date = parse_date("2022-02-24T05:00:00+03:00").unwrap();
        assert!(date.has_time);
        assert_eq!(date.day().to_string(), "2022-02-24");
    }

    #[test]
    fn impossible_date_is_named() {
        let (_, problems) = parse_text("---\ntitle: A\ndate: 2021-02-30\n---\n");
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("not a real date"));
    }

    #[test]
    fn list_where_text_belongs() {
        let (fm, problems) = parse_text("---\ntitle: [a, b]\ndate: 2021-01-01\n---\n");
        assert!(fm.is_none());
        assert_eq!(problems[0].line, Some(2));
        assert_eq!(problems[0].message, "`title` must be text, found a list");
    }

    #[test]
    fn keys_that_are_not_text_are_refused() {
        // Not the fast path's subset: the YAML parser reads `1` as a number.
        let (fm, problems) = parse_text("---\ntitle: A\ndate: 2021-01-01\n1: x\n---\n");
        assert!(fm.is_none());
        assert!(
            problems[0].message.starts_with("keys must be text"),
            "{problems:?}"
        );
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn typo_of_a_known_key_warns() {
        let (fm, problems) =
            parse_text("---\ntitle: A\ndate: 2021-01-01\ncountrys: [India]\n---\n");
        assert!(fm.is_some());
        assert!(!problems[0].is_error());
        assert_eq!(problems[0].line, Some(4));
        assert!(problems[0].message.contains("did you mean `countries`"));
    }

    #[test]
    fn yaml_syntax_error_is_located_in_the_file() {
        let (_, problems) = parse_text("---\ntitle: A\ndate: 2021-01-01\ncountries: [India\n---\n");
        assert!(
            problems[0].message.starts_with("invalid YAML"),
            "{}",
            problems[0]
        );
        assert!(problems[0].line.unwrap() >= 4, "{}", problems[0]);
    }

    #[test]
    fn source_url_must_be_absolute_http() {
        for bad in [
            "www.example.org",
            "/news/1",
            "javascript:alert(1)",
            "https://",
            "ftp://x",
        ] {
            let text = format!(
                "---\ntitle: A\ndate: 2021-01-01\nsource: {{name: Wire, url: \"{bad}\"}}\n---\n"
            );
            let (fm, problems) = parse_text(&text);
            assert!(fm.is_none(), "{bad}");
            assert_eq!(problems[0].line, Some(4), "{bad}");
            assert!(problems[0].message.contains("absolute http(s) URL"));
            assert!(problems[0].hint.is_some());
        }
        assert!(is_web_url("HTTP://example.org/a?b#c"));
    }

    #[test]
    fn missing_title_and_date_are_both_reported() {
        let (_, problems) = parse_text("---\ndateline: Paris\n---\n");
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "missing `title`: every briefing needs one",
                "missing `date`: every briefing needs one"
            ]
        );
    }
}
