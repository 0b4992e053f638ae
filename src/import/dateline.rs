//! Datelines ("New Delhi: –", "MOSCOW (Reuters) -", "WASHINGTON, March 3 —",
//! "BEIJING, 5 April (Xinhua) --") and dates written in text ("March 3, 2021", "3 March 2021",
//! "2021-03-03").
//!
//! A dateline is only taken at the very start of the first paragraph, and only when it looks
//! like one: a place in capitals (wire style), or a place followed by an agency in brackets, a
//! date, or a colon and a dash. A place in ordinary case followed by a bare colon or dash must be
//! a known capital: "Analysis: ..." and "Russia - which ..." are sentences, not datelines.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::OnceLock;

const MONTHS: &str = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

/// A dateline found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// The place, title-cased when it was in capitals ("New Delhi", "Kyiv, Ukraine").
    pub place: String,
    /// A wire agency named in brackets ("Reuters").
    pub agency: Option<String>,
    /// A date written in the dateline.
    pub date: Option<TextDate>,
    /// Bytes of the paragraph the dateline takes, separator and spaces included.
    pub len: usize,
}

/// A date found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextDate {
    /// A whole date.
    Full(NaiveDate),
    /// Month and day without a year ("March 3"): not enough to date a briefing.
    NoYear {
        /// 1-12.
        month: u32,
        /// 1-31.
        day: u32,
    },
}

fn dateline_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let word = r"\p{Lu}[\p{L}.'’\-]*";
        let pattern = format!(
            r"^(?P<place>{word}(?:[ /]{word}){{0,3}}(?:, {word}(?: {word}){{0,2}})?)(?:,? (?P<date>(?:\d{{1,2}} )?{MONTHS}\.?(?: \d{{1,2}})?(?:,? \d{{4}})?))?\s*(?:\((?P<agency>[^)]{{1,40}})\))?\s*(?P<sep>:\s*[-–—]+|:|--|[-–—])\s*"
        );
        Regex::new(&pattern).expect("dateline pattern")
    })
}

/// Words that end in a colon at the start of a paragraph without being places.
const LABELS: &[&str] = &[
    "analysis",
    "background",
    "update",
    "updated",
    "opinion",
    "editorial",
    "note",
    "summary",
    "comment",
    "breaking",
    "exclusive",
    "explainer",
    "watch",
    "read",
    "photos",
    "video",
    "source",
    "date",
    "by",
    "published",
    "posted",
    "related",
    "tags",
    "share",
    "context",
    "correction",
    "editor's note",
    "why it matters",
    "what happened",
    "bottom line",
];

/// The dateline at the start of `paragraph`, if there is one. `is_capital` says whether a
/// place in ordinary case is a known capital.
pub fn detect(paragraph: &str, is_capital: &dyn Fn(&str) -> bool) -> Option<Dateline> {
    let caps = dateline_regex().captures(paragraph)?;
    let place = caps.name("place")?.as_str().trim();
    let sep = caps.name("sep")?.as_str();
    let agency = caps.name("agency").map(|a| a.as_str().trim().to_string());
    let date = caps
        .name("date")
        .and_then(|d| parse_date_phrase(d.as_str()));
    let shouted = is_shouted(place);
    let colon_dash = sep.starts_with(':') && sep.len() > 1;
    let plain_sep = !colon_dash && agency.is_none() && date.is_none();
    if LABELS.contains(&place.to_lowercase().as_str()) {
        return None;
    }
    if !shouted && plain_sep && !is_capital(place) {
        return None;
    }
    // After the dateline the sentence must go on.
    let rest = &paragraph[caps.get(0)?.end()..];
    if rest.trim().is_empty() {
        return None;
    }
    Some(Dateline {
        place: if shouted {
            title_case(place)
        } else {
            place.to_string()
        },
        agency,
        date,
        len: caps.get(0)?.end(),
    })
}

/// The first word in capitals ("NEW DELHI", "WASHINGTON, D.C.").
fn is_shouted(place: &str) -> bool {
    let first = place.split([' ', ',', '/']).next().unwrap_or("");
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// "NEW YORK/GENEVA" -> "New York/Geneva"; initials ("D.C.") stay in capitals.
fn title_case(place: &str) -> String {
    let mut out = String::with_capacity(place.len());
    let mut word_start = true;
    for (i, c) in place.char_indices() {
        let initial = place[i..].chars().nth(1) == Some('.');
        if word_start || initial {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = matches!(c, ' ' | '/' | '-' | '(');
    }
    out
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// "March 3", "5 April", "Oct. 5, 2021", "3 March 2021".
fn parse_date_phrase(text: &str) -> Option<TextDate> {
    let words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let mut month = None;
    let mut day = None;
    let mut year = None;
    for w in words {
        match w.trim_end_matches('.').parse::<u32>() {
            Ok(n) if n >= 1000 => year = Some(n as i32),
            Ok(n) => day = Some(n),
            Err(_) => month = month_number(w),
        }
    }
    let (month, day) = (month?, day?);
    match year {
        Some(year) => NaiveDate::from_ymd_opt(year, month, day).map(TextDate::Full),
        None => (day <= 31).then_some(TextDate::NoYear { month, day }),
    }
}

fn date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let pattern = format!(
            r"\b(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})(?:[T ]|\b)|(?P<mdy>{MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})\b|(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)? {MONTHS}\.?,? \d{{4}})\b)"
        );
        Regex::new(&pattern).expect("date pattern")
    })
}

/// The first whole date written in `text` (ISO, "March 3, 2021" or "3 March 2021").
pub fn find_date(text: &str) -> Option<NaiveDate> {
    for caps in date_regex().captures_iter(text) {
        let found = if let Some(iso) = caps.name("iso") {
            NaiveDate::parse_from_str(iso.as_str(), "%Y-%m-%d").ok()
        } else {
            let cleaned: String = caps
                .get(0)?
                .as_str()
                .split(' ')
                .map(strip_ordinal)
                .collect::<Vec<_>>()
                .join(" ");
            match parse_date_phrase(&cleaned) {
                Some(TextDate::Full(date)) => Some(date),
                _ => None,
            }
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// "3rd" -> "3", "3rd," -> "3,"; other words unchanged.
fn strip_ordinal(word: &str) -> &str {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < word.len() && !word[digits..].starts_with(',') {
        &word[..digits]
    } else {
        word
    }
}

/// A date at the start of an HTML attribute or JSON-LD value ("2021-04-06T09:30:00+05:30").
pub fn parse_iso_prefix(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capital(place: &str) -> bool {
        matches!(place, "New Delhi" | "Tokyo")
    }

    fn place(text: &str) -> Option<String> {
        detect(text, &capital).map(|d| d.place)
    }

    #[test]
    fn wire_and_newspaper_datelines() {
        let d = detect("New Delhi: – Saying that Russia", &capital).unwrap();
        assert_eq!(d.place, "New Delhi");
        assert_eq!(&"New Delhi: – Saying that"[d.len..], "Saying that");
        let d = detect("MOSCOW (Reuters) - Russia said", &capital).unwrap();
        assert_eq!(
            (d.place.as_str(), d.agency.as_deref()),
            ("Moscow", Some("Reuters"))
        );
        let d = detect("WASHINGTON, March 3 — The talks", &capital).unwrap();
        assert_eq!(d.place, "Washington");
        assert_eq!(d.date, Some(TextDate::NoYear { month: 3, day: 3 }));
        let d = detect("BEIJING, 5 April (Xinhua) -- China said", &capital).unwrap();
        assert_eq!(
            (d.place.as_str(), d.agency.as_deref()),
            ("Beijing", Some("Xinhua"))
        );
        assert_eq!(
            place("NEW YORK/GENEVA (Reuters) - The UN"),
            Some("New York/Geneva".into())
        );
        assert_eq!(
            place("KYIV, Ukraine (AP) — Ukraine's"),
            Some("Kyiv, Ukraine".into())
        );
        assert_eq!(
            place("WASHINGTON, D.C. — Officials"),
            Some("Washington, D.C.".into())
        );
        let d = detect("LONDON, March 3, 2021 (AP) — X", &capital).unwrap();
        let want = NaiveDate::from_ymd_opt(2021, 3, 3).unwrap();
        assert_eq!(d.date, Some(TextDate::Full(want)));
        assert_eq!(place("Tokyo - Japan's government"), Some("Tokyo".into()));
    }

    #[test]
    fn sentences_are_not_datelines() {
        assert_eq!(place("Analysis: The talks"), None);
        assert_eq!(place("Russia - which has"), None);
        assert_eq!(place("The talks went on."), None);
        assert_eq!(place("Ministers met in Geneva - again."), None);
    }

    #[test]
    fn dates_in_text() {
        let want = NaiveDate::from_ymd_opt(2021, 3, 3);
        assert_eq!(find_date("Published March 3, 2021 by"), want);
        assert_eq!(find_date("on 3 March 2021."), want);
        assert_eq!(find_date("3rd March, 2021"), want);
        assert_eq!(find_date("Posted 2021-03-03T10:00"), want);
        assert_eq!(find_date("Mar. 3, 2021"), want);
        assert_eq!(find_date("in March 2021"), None);
        assert_eq!(find_date("2021-02-30"), None);
        assert_eq!(
            parse_iso_prefix("2021-04-06T09:30:00+05:30"),
            NaiveDate::from_ymd_opt(2021, 4, 6)
        );
    }
}
