//! Country names with another common sense, decided in context.
//!
//! Two passes. [`check`] looks at the words around one mention: "Michael Jordan" and "Chad
//! Smith" are people, "Atlanta, Georgia" and "Washington state" are US states, "Georgia Tech"
//! and "Washington Post" are not governments, "Turkey dinner" is a meal. [`resolve`] then looks
//! at the whole article: when some mention of an ambiguous word was rejected, or the article
//! shows the other sense (US state names near "Georgia", "Seattle" near "Washington",
//! Thanksgiving near "Turkey"), and nothing else names the country (its capital, its demonym:
//! "Tbilisi", "Jordanian", "Ankara"), every bare mention of the word is dropped. It also decides
//! the words that may mean two countries ("Korea", "Congo", "Dominican"): the one the rest of the
//! article names, or neither.

use super::tagging::{Kind, Mention, Target};
use super::tokens::{Sep, Token};
use crate::countries::{CountryId, Gazetteer};

/// Keep a mention as a country, or reject it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It names the country.
    Keep,
    /// It is something else (a person, a bird).
    Reject,
    /// It is a US state ("Atlanta, Georgia", "Washington state"): a place in the United States.
    UsState,
}

/// Country words that are also first names or surnames.
const NAME_LIKE: &[&str] = &["georgia", "jordan", "chad", "washington", "israel", "sofia"];

/// Capitalised words that may follow a country's name without making it a person's name.
const NOT_SURNAMES: &[&str] = &[
    "president",
    "prime",
    "minister",
    "ministry",
    "ministries",
    "foreign",
    "king",
    "queen",
    "crown",
    "prince",
    "government",
    "army",
    "armed",
    "military",
    "defence",
    "defense",
    "interior",
    "parliament",
    "national",
    "embassy",
    "valley",
    "river",
    "basin",
    "sea",
    "lake",
    "border",
    "police",
    "authorities",
    "officials",
    "security",
    "central",
    "bank",
    "airways",
    "airlines",
    "red",
    "office",
    "senate",
    "house",
    "secretary",
    "general",
    "navy",
    "air",
    "special",
    "high",
    "supreme",
    "court",
    "state",
    "department",
    "embassies",
    "ambassador",
    "delegation",
    "forces",
    "coast",
    "guard",
    "summit",
    "talks",
    "treaty",
    "agreement",
    "accord",
    "protocol",
    "and",
    "or",
    "but",
    "on",
    "in",
    "to",
    "of",
];

/// Words before a country's name that do not make it a surname ("In Jordan", "Lake Chad").
const NOT_GIVEN_NAMES: &[&str] = &[
    "in",
    "on",
    "at",
    "from",
    "to",
    "for",
    "with",
    "by",
    "of",
    "and",
    "or",
    "the",
    "into",
    "across",
    "towards",
    "toward",
    "against",
    "between",
    "about",
    "over",
    "via",
    "near",
    "inside",
    "lake",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "hashemite",
    "kingdom",
    "republic",
    "upper",
    "greater",
    "neighbouring",
    "neighboring",
    "both",
    "while",
    "when",
    "as",
    "if",
    "but",
    "like",
    "unlike",
    "including",
    "visit",
    "visited",
    "visiting",
    "said",
    "says",
    "told",
    "nor",
    "than",
    "after",
    "before",
    "since",
    "under",
];

/// Words that show the US state is meant near "Georgia".
const GEORGIA_STATE_SIGNS: &[&str] = &[
    "atlanta",
    "savannah",
    "alabama",
    "florida",
    "tennessee",
    "carolina",
    "texas",
    "ohio",
    "pennsylvania",
    "arizona",
    "michigan",
    "wisconsin",
    "nevada",
    "virginia",
    "kentucky",
    "fulton",
    "dekalb",
    "gubernatorial",
    "peach",
];

/// Words that show Turkey the bird is meant.
const BIRD_SIGNS: &[&str] = &[
    "thanksgiving",
    "roast",
    "roasted",
    "poultry",
    "stuffing",
    "gravy",
    "gobble",
    "drumstick",
    "turkeys",
    "cranberry",
    "oven",
];

/// Decides one mention from its neighbours. `is_place` says whether a token begins a known
/// country phrase (so "Armenia, Georgia" is a list of countries, not a town and its state).
pub fn check(
    key: &str,
    tokens: &[Token],
    i: usize,
    words: usize,
    is_place: &dyn Fn(&Token) -> bool,
) -> Verdict {
    let prev = i.checked_sub(1).map(|j| &tokens[j]);
    let next = tokens.get(i + words);
    let bird = |t: Option<&Token>, extra: &str| {
        t.is_some_and(|t| BIRD_SIGNS.contains(&t.norm.as_str()) || t.norm == extra)
    };
    match key {
        "georgia" | "washington" if us_state(tokens, i, words, is_place) => Verdict::UsState,
        "turkey" if bird(next, "dinner") || bird(prev, "wild") => Verdict::Reject,
        key if NAME_LIKE.contains(&key) && person(tokens, i, words, is_place) => Verdict::Reject,
        _ => Verdict::Keep,
    }
}

/// "Michael Jordan", "Chad Smith", "George Washington", "Washington Post": a capitalised word
/// directly before or after the name that is neither a place, a title nor a function word.
fn person(tokens: &[Token], i: usize, words: usize, is_place: &dyn Fn(&Token) -> bool) -> bool {
    let name_part = |t: &Token| t.capitalized() && !t.all_caps() && !is_place(t);
    let surname = tokens.get(i + words).is_some_and(|n| {
        n.sep == Sep::Space && name_part(n) && !NOT_SURNAMES.contains(&n.norm.as_str())
    });
    // A sentence's first word is capitalised anyway: there, a verb or adverb ("Visiting
    // Jordan", "Neighbouring Chad") is not a given name.
    let given_name = i.checked_sub(1).map(|j| &tokens[j]).is_some_and(|p| {
        let verb_like = ["ing", "ed", "ly"].iter().any(|end| p.norm.ends_with(end));
        tokens[i].sep == Sep::Space
            && !(p.sentence_start && verb_like)
            && name_part(p)
            && !NOT_GIVEN_NAMES.contains(&p.norm.as_str())
    });
    surname || given_name
}

/// "Atlanta, Georgia", "Washington state", "the state of Georgia", "Georgia, USA".
fn us_state(tokens: &[Token], i: usize, words: usize, is_place: &dyn Fn(&Token) -> bool) -> bool {
    let norm = |j: usize| tokens.get(j).map_or("", |t| t.norm.as_str());
    let town_before = i.checked_sub(1).is_some_and(|j| {
        let p = &tokens[j];
        tokens[i].sep == Sep::Comma && p.capitalized() && !is_place(p)
    });
    let next = norm(i + words);
    let state_after = matches!(next, "state" | "usa" | "us" | "governor" | "county");
    let state_of = i >= 2 && norm(i - 1) == "of" && norm(i - 2) == "state";
    town_before || state_after || state_of
}

/// The article-wide pass: drops (or, for Georgia the US state, moves to the United States)
/// bare ambiguous words the article does not back up, and decides "Korea", "Congo" and
/// "Dominican" from the other mentions. Washington needs no article-wide rule: the state and the
/// capital are both in the United States.
pub fn resolve(mentions: &mut [Mention], tokens: &[&Token], gazetteer: &Gazetteer) {
    let has_word = |signs: &[&str]| tokens.iter().any(|t| signs.contains(&t.norm.as_str()));
    let bird_lowercase = tokens
        .iter()
        .any(|t| t.norm.starts_with("turkey") && !t.capitalized());
    let us = gazetteer
        .by_code("US")
        .map_or(Target::Nothing, Target::Country);
    let rules = [
        ("georgia", "GE", has_word(GEORGIA_STATE_SIGNS), us),
        ("jordan", "JO", false, Target::Nothing),
        ("chad", "TD", false, Target::Nothing),
        (
            "turkey",
            "TR",
            bird_lowercase || has_word(BIRD_SIGNS),
            Target::Nothing,
        ),
    ];
    for (word, code, other_sense, instead) in rules {
        if let Some(id) = gazetteer.by_code(code) {
            drop_unbacked(mentions, word, id, other_sense, &instead);
        }
    }
    decide_pairs(mentions);
}

/// When a mention of `word` was rejected or moved, or the other sense is shown, and no other
/// form names the country `id`, every mention of `word` still pointing at it goes to `instead`.
fn drop_unbacked(
    mentions: &mut [Mention],
    word: &str,
    id: CountryId,
    other_sense: bool,
    instead: &Target,
) {
    let is_word = |m: &Mention| m.key == word;
    let country = Target::Country(id);
    let doubted = mentions.iter().any(|m| is_word(m) && m.target != country);
    let backed = mentions.iter().any(|m| !is_word(m) && m.target == country);
    if (doubted || other_sense) && !backed {
        for m in mentions
            .iter_mut()
            .filter(|m| is_word(m) && m.target == country)
        {
            m.target = instead.clone();
            m.kind = Kind::Region;
        }
    }
}

/// "Korea" is the Korea the article otherwise names, if it names only one; else nothing.
fn decide_pairs(mentions: &mut [Mention]) {
    let named: Vec<CountryId> = mentions
        .iter()
        .filter_map(|m| match m.target {
            Target::Country(id) => Some(id),
            _ => None,
        })
        .collect();
    for m in mentions.iter_mut() {
        if let Target::EitherOf(ids) = &m.target {
            let present: Vec<CountryId> = ids
                .iter()
                .copied()
                .filter(|id| named.contains(id))
                .collect();
            m.target = match present.as_slice() {
                [one] => Target::Country(*one),
                _ => Target::Nothing,
            };
        }
    }
}
