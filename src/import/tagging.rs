//! Tags an article with the countries and topics it is about, with the evidence for each.
//!
//! # Countries
//!
//! Every name, alias and demonym the gazetteer accepts is looked for as a phrase of whole words,
//! the longest first ("Papua New Guinea" is not Guinea, "South Sudan" is not Sudan, "Niger" is
//! not in "Nigeria"), and so are capitals used as metonyms ("Moscow said"), a few seats of
//! government ("the Kremlin", "the White House") and seas named after a country ("South China
//! Sea" counts for China). Names are proper nouns: the first word must be capitalised, and
//! acronyms ("US", "UK") must be written in capitals. Words with another common sense are
//! checked in context by [`super::ambiguity`] (Georgia the state, Jordan and Chad the first
//! names, Turkey the bird, Washington the state, bare "Korea" and "Congo").
//!
//! Each surviving mention adds `zone weight × kind weight` to its country's score: the title
//! weighs 3, the lead (the first ~40 words of the body) 2, the rest 1; a name counts 1, a
//! capital or seat of government 0.8, a region inside it (a US state, Gaza) 0.6; a sea named
//! after it ("South China Sea") counts as its name. A country is tagged when its score reaches
//! [`COUNTRY_THRESHOLD`] and it is named at least twice (or once in the title): a passing
//! mention is not what the article is about. At most [`MAX_COUNTRIES`] are tagged, highest
//! score first; the others are kept as evidence of what was seen.
//!
//! # Topics
//!
//! The same zones and weights over the lexicon's triggers ([`super::lexicon`]); a topic is
//! tagged at [`TOPIC_THRESHOLD`], at most [`MAX_TOPICS`].

use super::ambiguity::{self, Verdict};
use super::lexicon::Lexicon;
use super::tokens::{tokenize, Sep, Token};
use crate::countries::{CountryId, Gazetteer};
use std::collections::{HashMap, HashSet};

/// Score a country needs to be tagged.
pub const COUNTRY_THRESHOLD: f64 = 2.5;
/// Most countries tagged on one briefing.
pub const MAX_COUNTRIES: usize = 8;
/// Score a topic needs to be tagged.
pub const TOPIC_THRESHOLD: f64 = 2.0;
/// Most topics tagged on one briefing.
pub const MAX_TOPICS: usize = 6;

/// Where in the article a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The headline.
    Title,
    /// The dateline's place.
    Dateline,
    /// The first paragraphs, up to about 40 words.
    Lead,
    /// Everything else.
    Body,
}

impl Zone {
    fn weight(self) -> f64 {
        match self {
            Zone::Title => 3.0,
            Zone::Lead => 2.0,
            Zone::Dateline | Zone::Body => 1.0,
        }
    }
}

/// What sort of phrase named the country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A name, alias or demonym.
    Name,
    /// A capital, or a seat of government ("Kremlin").
    Capital,
    /// A region inside it ("Texas", "Gaza").
    Region,
}

impl Kind {
    fn weight(self) -> f64 {
        match self {
            Kind::Name => 1.0,
            Kind::Capital => 0.8,
            Kind::Region => 0.6,
        }
    }
}

/// What a phrase points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One country.
    Country(CountryId),
    /// Several; decided by the rest of the article ("Korea", "Congo").
    EitherOf(Vec<CountryId>),
    /// Not a country although it contains a name ("Indian Ocean", "New Mexico").
    Nothing,
}

/// An entry of the phrase table.
#[derive(Debug, Clone)]
struct Entry {
    target: Target,
    kind: Kind,
    /// An acronym ("US", "UAE"): matched only when written in capitals.
    acronym: bool,
}

/// A phrase found in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// The folded phrase ("south china sea").
    pub key: String,
    /// What it points at (after ambiguity rules: a country, or nothing).
    pub target: Target,
    /// Name, capital or sea.
    pub kind: Kind,
    /// Where it was.
    pub zone: Zone,
}

/// Evidence for one tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Canonical country name, or the topic.
    pub name: String,
    /// Weighted score, rounded to one decimal.
    pub score: f64,
    /// How many times it was named.
    pub mentions: usize,
}

/// The result of tagging: what was tagged, and what was seen but not tagged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    /// Tagged, highest score first.
    pub tagged: Vec<Evidence>,
    /// Seen, but below the threshold or past the cap.
    pub also_seen: Vec<Evidence>,
}

impl Tags {
    /// The tagged names.
    pub fn names(&self) -> Vec<String> {
        self.tagged.iter().map(|e| e.name.clone()).collect()
    }
}

/// The text of an article, cut into zones.
#[derive(Debug, Clone, Copy)]
pub struct Zones<'a> {
    /// The headline.
    pub title: &'a str,
    /// The dateline's place, if any.
    pub dateline: Option<&'a str>,
    /// The body (Markdown), paragraphs separated by blank lines.
    pub body: &'a str,
}

/// Seats of government and other metonyms, with the ISO code of their country.
const SEATS: &[(&str, &str)] = &[
    ("Kremlin", "RU"),
    ("White House", "US"),
    ("Pentagon", "US"),
    ("Capitol Hill", "US"),
    ("State Department", "US"),
    ("Foggy Bottom", "US"),
    ("Downing Street", "GB"),
    ("Whitehall", "GB"),
    ("Westminster", "GB"),
    ("Élysée", "FR"),
    ("Elysee Palace", "FR"),
    ("Quai d'Orsay", "FR"),
    ("Zhongnanhai", "CN"),
    ("South Block", "IN"),
    ("Delhi", "IN"),
    ("Blue House", "KR"),
    ("Knesset", "IL"),
    ("Bundestag", "DE"),
    ("Chancellery", "DE"),
    ("Duma", "RU"),
    ("Rawalpindi", "PK"),
    ("Mexico City", "MX"),
    ("Kyiv", "UA"),
    ("Kiev", "UA"),
];

/// Regions inside a country and seas named after one, which still point at it.
const REGIONS: &[(&str, &str)] = &[
    ("Gaza", "PS"),
    ("Gaza Strip", "PS"),
    ("West Bank", "PS"),
    ("Ramallah", "PS"),
    ("Northern Ireland", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Niger Delta", "NG"),
    ("Sea of Japan", "JP"),
    ("Gulf of Mexico", "MX"),
    ("Lake Chad", "TD"),
];

/// US states (Georgia and Washington are decided in context by [`super::ambiguity`]).
const US_STATES: &[&str] = &[
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
];

/// Seas named after a country: an article about the South China Sea is about China.
const SEAS: &[(&str, &str)] = &[("South China Sea", "CN"), ("East China Sea", "CN")];

/// Phrases that contain a country's name but are not about it.
const NOT_COUNTRIES: &[&str] = &[
    "Indian Ocean",
    "American Indian",
    "American Indians",
    "Native American",
    "Native Americans",
    "Latin America",
    "Latin American",
    "South America",
    "South American",
    "North America",
    "North American",
    "Central America",
    "Central American",
    "Americas",
    "New Guinea",
    "Gulf of Guinea",
    "Guinea pig",
    "Guinea pigs",
    "Guinea fowl",
    "British Columbia",
    "Niger River",
    "Turkey Day",
    "Wild Turkey",
    "Persian Gulf",
    "Arabian Sea",
    "French fries",
    "Dutch auction",
    "Georgia Tech",
];

/// Capitals that are also common words or names of other places: not used as metonyms.
const CAPITALS_NOT_USED: &[&str] = &[
    "Male",
    "Malé",
    "The Valley",
    "Victoria",
    "Hamilton",
    "Kingston",
    "Georgetown",
    "Douglas",
    "Stanley",
    "Jamestown",
    "Plymouth",
    "Kingstown",
    "West Island",
    "Saint John's",
    "Saint Helier",
    "Saint Peter Port",
    "Avarua",
    "Road Town",
    "Marigot",
    "Gustavia",
    "Adamstown",
    "Alofi",
    "Flying Fish Cove",
    "King Edward Point",
    "Cockburn Town",
    "Charlotte Amalie",
    "Philipsburg",
    "Oranjestad",
    "Willemstad",
    "Kralendijk",
    "Mariehamn",
    "Longyearbyen",
    "Saint-Pierre",
    "Saint-Denis",
    "Basse-Terre",
    "Fort-de-France",
    "Cayenne",
    "Mamoudzou",
    "Sucre",
];

/// Countries and their evidence in one pass over an article.
#[derive(Debug, Clone)]
pub struct Tagger {
    gazetteer: Gazetteer,
    /// Folded phrase (words joined by one space) -> what it names.
    phrases: HashMap<String, Entry>,
    /// First words of every phrase, to skip the rest quickly.
    first_words: HashSet<String>,
    /// Longest phrase, in words.
    max_words: usize,
    /// Folded capitals, for telling a dateline from a sentence.
    capitals: HashSet<String>,
    lexicon: Lexicon,
    /// Folded first word of a trigger -> (topic index, trigger index).
    trigger_starts: HashMap<String, Vec<(usize, usize)>>,
    /// Triggers whose only word is a prefix (`sanction*`): (prefix, topic index).
    prefixes: Vec<(String, usize)>,
}

impl Tagger {
    /// A tagger for the countries of `gazetteer` and the topics of `lexicon`.
    pub fn new(gazetteer: Gazetteer, lexicon: Lexicon) -> Tagger {
        let mut tagger = Tagger {
            gazetteer,
            phrases: HashMap::new(),
            first_words: HashSet::new(),
            max_words: 1,
            capitals: HashSet::new(),
            lexicon,
            trigger_starts: HashMap::new(),
            prefixes: Vec::new(),
        };
        tagger.add_country_phrases();
        tagger.index_triggers();
        tagger
    }

    fn add_phrase(&mut self, phrase: &str, entry: Entry, replace: bool) {
        let words = super::tokens::fold_phrase(phrase);
        let Some(first) = words.first() else { return };
        let key = words.join(" ");
        if !replace && self.phrases.contains_key(&key) {
            return;
        }
        self.first_words.insert(first.clone());
        self.max_words = self.max_words.max(words.len());
        self.phrases.insert(key, entry);
    }

    fn add_country_phrases(&mut self) {
        let g = self.gazetteer.clone();
        let entry = |target, kind, acronym| Entry {
            target,
            kind,
            acronym,
        };
        for (surface, id) in g.surface_forms() {
            let letters: String = surface.chars().filter(|c| c.is_alphabetic()).collect();
            let acronym = letters.len() <= 4 && letters.chars().all(char::is_uppercase);
            self.add_phrase(
                surface,
                entry(Target::Country(id), Kind::Name, acronym),
                false,
            );
        }
        for (id, _) in g.iter() {
            for capital in g.capitals(id) {
                self.capitals
                    .insert(super::tokens::fold_phrase(capital).join(" "));
                if !CAPITALS_NOT_USED.contains(capital) {
                    self.add_phrase(
                        capital,
                        entry(Target::Country(id), Kind::Capital, false),
                        false,
                    );
                }
            }
        }
        let by_code = |code: &str| g.by_code(code).map(Target::Country);
        for (phrase, code) in SEATS {
            if let Some(target) = by_code(code) {
                self.add_phrase(phrase, entry(target, Kind::Capital, false), false);
            }
        }
        for (phrase, code) in SEAS {
            if let Some(target) = by_code(code) {
                self.add_phrase(phrase, entry(target, Kind::Name, false), true);
            }
        }
        let us_states = US_STATES.iter().map(|state| (*state, "US"));
        for (phrase, code) in REGIONS.iter().copied().chain(us_states) {
            if let Some(target) = by_code(code) {
                self.add_phrase(phrase, entry(target, Kind::Region, false), true);
            }
        }
        for phrase in NOT_COUNTRIES {
            self.add_phrase(phrase, entry(Target::Nothing, Kind::Name, false), true);
        }
        // Forms the gazetteer refuses as ambiguous, or gives to one side by convention
        // ("Congo"), are decided by the rest of the article.
        let pairs: &[(&[&str], [&str; 2])] = &[
            (&["Korea", "Korean", "Koreans"], ["KR", "KP"]),
            (&["Congo", "Congolese"], ["CD", "CG"]),
            (&["Dominican", "Dominicans"], ["DO", "DM"]),
        ];
        for (phrases, codes) in pairs {
            let ids: Vec<CountryId> = codes.iter().filter_map(|c| g.by_code(c)).collect();
            for phrase in *phrases {
                let target = Target::EitherOf(ids.clone());
                self.add_phrase(phrase, entry(target, Kind::Name, false), true);
            }
        }
    }

    fn index_triggers(&mut self) {
        for (t, (_, triggers)) in self.lexicon.topics.iter().enumerate() {
            for (i, trigger) in triggers.iter().enumerate() {
                if trigger.prefix && trigger.words.len() == 1 {
                    self.prefixes.push((trigger.words[0].clone(), t));
                } else {
                    self.trigger_starts
                        .entry(trigger.words[0].clone())
                        .or_default()
                        .push((t, i));
                }
            }
        }
    }

    /// The United States, which a US state's name points at.
    fn united_states(&self) -> Target {
        self.gazetteer
            .by_code("US")
            .map_or(Target::Nothing, Target::Country)
    }

    /// Whether `place` is a known capital ("New Delhi", "MOSCOW").
    pub fn is_capital(&self, place: &str) -> bool {
        self.capitals
            .contains(&super::tokens::fold_phrase(place).join(" "))
    }

    /// The gazetteer the tagger names countries from.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Tags the countries and topics of an article.
    pub fn tag(&self, zones: &Zones) -> (Tags, Tags) {
        let (lead, body) = split_lead(zones.body);
        let texts = [
            (zones.title, Zone::Title),
            (zones.dateline.unwrap_or(""), Zone::Dateline),
            (lead, Zone::Lead),
            (body, Zone::Body),
        ];
        let tokenized: Vec<(Vec<Token>, Zone)> = texts
            .iter()
            .map(|&(text, zone)| (tokenize(text), zone))
            .collect();
        let mut mentions = Vec::new();
        for (tokens, zone) in &tokenized {
            self.find_countries(tokens, *zone, &mut mentions);
        }
        let all_tokens: Vec<&Token> = tokenized.iter().flat_map(|(t, _)| t).collect();
        ambiguity::resolve(&mut mentions, &all_tokens, &self.gazetteer);
        let countries = self.score_countries(&mentions);
        let topics = self.score_topics(&tokenized);
        (countries, topics)
    }

    /// Finds every country phrase in one zone, longest match first.
    fn find_countries(&self, tokens: &[Token], zone: Zone, out: &mut Vec<Mention>) {
        let mut i = 0;
        while i < tokens.len() {
            match self.match_at(tokens, i) {
                Some((words, entry, key)) => {
                    let is_place = |t: &Token| self.phrases.contains_key(&t.norm);
                    let verdict = ambiguity::check(&key, tokens, i, words, &is_place);
                    let (target, kind) = match verdict {
                        Verdict::Keep => (entry.target.clone(), entry.kind),
                        Verdict::Reject => (Target::Nothing, entry.kind),
                        Verdict::UsState => (self.united_states(), Kind::Region),
                    };
                    out.push(Mention {
                        key,
                        target,
                        kind,
                        zone,
                    });
                    i += words;
                }
                None => i += 1,
            }
        }
    }

    /// The longest phrase starting at token `i`: (words, entry, folded phrase).
    fn match_at(&self, tokens: &[Token], i: usize) -> Option<(usize, &Entry, String)> {
        let first = &tokens[i];
        if !first.capitalized() {
            return None;
        }
        let plural_stem = plural_stem(&first.norm);
        if !self.first_words.contains(&first.norm) {
            // "Americans", "Israelis": a demonym's plural.
            let stem = plural_stem?;
            let entry = self.phrases.get(stem)?;
            return Some((1, entry, stem.to_string()));
        }
        let mut key = String::with_capacity(32);
        let mut best = None;
        let end = tokens.len().min(i + self.max_words);
        for (n, token) in tokens[i..end].iter().enumerate() {
            if n > 0 {
                if !matches!(token.sep, Sep::Space | Sep::Joiner | Sep::Comma) {
                    break;
                }
                key.push(' ');
            }
            key.push_str(&token.norm);
            if let Some(entry) = self.phrases.get(&key) {
                if !entry.acronym || is_acronym_use(tokens, i) {
                    best = Some((n + 1, entry, key.clone()));
                }
            }
        }
        best
    }

    fn score_countries(&self, mentions: &[Mention]) -> Tags {
        let mut scores: HashMap<CountryId, (f64, usize, bool)> = HashMap::new();
        for m in mentions {
            if let Target::Country(id) = m.target {
                let s = scores.entry(id).or_default();
                s.0 += m.zone.weight() * m.kind.weight();
                s.1 += 1;
                s.2 |= m.zone == Zone::Title;
            }
        }
        let scored = scores
            .into_iter()
            .map(|(id, (score, mentions, in_title))| {
                let name = self.gazetteer.get(id).name.clone();
                let tag = score >= COUNTRY_THRESHOLD && (mentions >= 2 || in_title);
                (evidence(name, score, mentions), tag)
            })
            .collect();
        select(scored, MAX_COUNTRIES)
    }

    fn score_topics(&self, tokenized: &[(Vec<Token>, Zone)]) -> Tags {
        let n = self.lexicon.topics.len();
        let mut scores = vec![(0.0, 0usize, false); n];
        for (tokens, zone) in tokenized {
            for i in 0..tokens.len() {
                for topic in self.topics_at(tokens, i) {
                    let s = &mut scores[topic];
                    s.0 += zone.weight();
                    s.1 += 1;
                    s.2 |= *zone == Zone::Title;
                }
            }
        }
        let scored = scores
            .into_iter()
            .enumerate()
            .filter(|(_, (_, count, _))| *count > 0)
            .map(|(t, (score, count, in_title))| {
                let name = self.lexicon.topics[t].0.clone();
                let tag = score >= TOPIC_THRESHOLD && (count >= 2 || in_title);
                (evidence(name, score, count), tag)
            })
            .collect();
        select(scored, MAX_TOPICS)
    }

    /// Topics with a trigger starting at token `i` (each topic once).
    fn topics_at(&self, tokens: &[Token], i: usize) -> Vec<usize> {
        let word = &tokens[i].norm;
        let mut found: Vec<usize> = self
            .prefixes
            .iter()
            .filter(|(prefix, _)| word.starts_with(prefix.as_str()))
            .map(|&(_, t)| t)
            .collect();
        if let Some(starts) = self.trigger_starts.get(word) {
            for &(t, k) in starts {
                let trigger = &self.lexicon.topics[t].1[k];
                if trigger_matches(&trigger.words, trigger.prefix, &tokens[i..]) {
                    found.push(t);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Whether a trigger's words match the start of `tokens` (no sentence break inside).
fn trigger_matches(words: &[String], prefix: bool, tokens: &[Token]) -> bool {
    if tokens.len() < words.len() {
        return false;
    }
    words.iter().zip(tokens).enumerate().all(|(n, (w, t))| {
        let joined = n == 0 || t.sep != Sep::Hard;
        let last = n + 1 == words.len();
        joined
            && if last && prefix {
                t.norm.starts_with(w.as_str())
            } else {
                t.norm == *w
            }
    })
}

/// "americans" -> "american", "israelis" -> "israeli": the stem of a demonym's plural.
fn plural_stem(word: &str) -> Option<&str> {
    let stem = word.strip_suffix('s')?;
    (stem.ends_with("an") || stem.ends_with('i')).then_some(stem)
}

/// An acronym counts when written in capitals and not inside a line in capitals ("TALKS WITH
/// US" is not the United States).
fn is_acronym_use(tokens: &[Token], i: usize) -> bool {
    let shouting = |j: Option<&Token>| j.is_some_and(|t| t.all_caps() && t.raw.len() > 3);
    tokens[i].all_caps()
        && !(shouting(i.checked_sub(1).and_then(|j| tokens.get(j))) && shouting(tokens.get(i + 1)))
}

/// The lead (paragraphs up to about 40 words) and the rest of a body.
fn split_lead(body: &str) -> (&str, &str) {
    let mut words = 0;
    let mut offset = 0;
    for paragraph in body.split_inclusive("\n\n") {
        words += paragraph.split_whitespace().count();
        offset += paragraph.len();
        if words >= 40 {
            break;
        }
    }
    body.split_at(offset)
}

fn evidence(name: String, score: f64, mentions: usize) -> Evidence {
    Evidence {
        name,
        score: (score * 10.0).round() / 10.0,
        mentions,
    }
}

/// Sorts by score (then name), keeps at most `cap` of those that passed.
fn select(mut scored: Vec<(Evidence, bool)>, cap: usize) -> Tags {
    scored.sort_by(|(a, _), (b, _)| {
        b.score
            .total_cmp(&a.score)
            .then(b.mentions.cmp(&a.mentions))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut tags = Tags::default();
    for (evidence, pass) in scored {
        if pass && tags.tagged.len() < cap {
            tags.tagged.push(evidence);
        } else {
            tags.also_seen.push(evidence);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagger() -> Tagger {
        Tagger::new(Gazetteer::iso(), Lexicon::default_lexicon())
    }

    fn countries(title: &str, body: &str) -> Vec<String> {
        let zones = Zones {
            title,
            dateline: None,
            body,
        };
        tagger().tag(&zones).0.names()
    }

    #[test]
    fn longest_phrase_wins() {
        let body = "Papua New Guinea and Equatorial Guinea met Guinea-Bissau. Papua New Guinea, \
                    Equatorial Guinea and Guinea-Bissau signed.";
        let tags = countries("Pacific and African talks", body);
        assert!(tags.contains(&"Papua New Guinea".to_string()), "{tags:?}");
        assert!(!tags.contains(&"Guinea".to_string()), "{tags:?}");
    }

    #[test]
    fn acronyms_need_capitals() {
        let t = tagger();
        let zones = Zones {
            title: "Talks",
            dateline: None,
            body: "The US and the UK met. Let us talk to us about the US.",
        };
        let (c, _) = t.tag(&zones);
        assert_eq!(c.tagged[0].name, "United States");
        assert_eq!(c.tagged[0].mentions, 2);
    }

    #[test]
    fn topics_from_triggers() {
        let zones = Zones {
            title: "Sanctions tightened on oil exports",
            dateline: None,
            body: "New sanctions target crude shipments. The embargo widens.",
        };
        let (_, topics) = tagger().tag(&zones);
        assert!(topics.names().contains(&"sanctions".to_string()));
    }
}
