//! The topic lexicon: each topic with the words and phrases that suggest it.
//!
//! A trigger is a phrase matched on folded words (lower case, accents and apostrophes
//! removed), so "Defence Ministry" matches "defence ministry". A trigger ending in `*` matches
//! any word that starts with it ("sanction*" matches "sanctions", "sanctioned"). The default
//! lexicon is written for foreign-affairs briefings; site.yaml's `import: {topics: ...}` can
//! extend or replace it (see [`Lexicon::with_config`]).

use crate::config::ImportTopicsConfig;

/// The default lexicon: (topic, triggers). Triggers are chosen to be specific: a word that is
/// common outside the topic ("space", "order", "power") is only a trigger inside a phrase.
const DEFAULT: &[(&str, &[&str])] = &[
    (
        "diplomacy",
        &[
            "diplomat*",
            "foreign minister*",
            "foreign ministry",
            "foreign secretary",
            "secretary of state",
            "bilateral talks",
            "bilateral relations",
            "summit*",
            "envoy*",
            "ambassador*",
            "embass*",
            "state visit",
            "official visit",
            "talks",
            "negotiat*",
            "joint statement",
            "communique",
            "consulate*",
            "memorandum of understanding",
        ],
    ),
    (
        "defence",
        &[
            "defence",
            "defense",
            "military",
            "armed forces",
            "army",
            "navy",
            "naval",
            "air force",
            "troops",
            "warship*",
            "fighter jet*",
            "missile*",
            "arms deal*",
            "arms sale*",
            "weapon*",
            "defence minister*",
            "defense secretary",
            "drills",
            "military exercise*",
            "joint exercise*",
            "howitzer*",
            "submarine*",
            "drone*",
        ],
    ),
    (
        "trade",
        &[
            "trade",
            "tariff*",
            "export*",
            "imports",
            "importer*",
            "free trade",
            "trade deal*",
            "trade agreement*",
            "wto",
            "customs",
            "trade deficit",
            "trade surplus",
            "supply chain*",
            "market access",
        ],
    ),
    (
        "energy",
        &[
            "energy",
            "oil",
            "gas",
            "lng",
            "pipeline*",
            "crude",
            "opec",
            "refiner*",
            "power grid",
            "electricity",
            "renewable*",
            "solar",
            "wind power",
            "coal",
        ],
    ),
    (
        "nuclear",
        &[
            "nuclear",
            "uranium",
            "enrichment",
            "warhead*",
            "iaea",
            "non proliferation",
            "nonproliferation",
            "npt",
            "reactor*",
            "atomic",
        ],
    ),
    (
        "space",
        &[
            "outer space",
            "space agency",
            "space programme",
            "space program",
            "space station",
            "space sector*",
            "space cooperation",
            "satellite*",
            "rocket launch*",
            "orbit",
            "lunar",
            "astronaut*",
            "nasa",
            "isro",
            "roscosmos",
            "launch vehicle*",
        ],
    ),
    (
        "terrorism",
        &[
            "terror*",
            "militant*",
            "jihad*",
            "insurgen*",
            "extremis*",
            "suicide bomb*",
            "counterterror*",
            "counter terror*",
            "isis",
            "islamic state",
            "al qaeda",
            "al shabaab",
            "boko haram",
            "hamas",
            "hezbollah",
        ],
    ),
    (
        "elections",
        &[
            "election*",
            "elector*",
            "vote*",
            "voting",
            "voters",
            "ballot*",
            "polling",
            "polls",
            "opinion poll*",
            "candidate*",
            "campaign*",
            "referendum*",
            "runoff",
            "parliamentary seats",
        ],
    ),
    (
        "border disputes",
        &[
            "border dispute*",
            "boundary dispute*",
            "territorial dispute*",
            "line of actual control",
            "lac",
            "line of control",
            "border clash*",
            "border tension*",
            "disputed border",
            "disputed territory",
            "border standoff",
            "demarcation",
            "border talks",
        ],
    ),
    (
        "sanctions",
        &[
            "sanction*",
            "embargo*",
            "asset freeze*",
            "export control*",
            "blacklist*",
            "price cap",
            "travel ban*",
        ],
    ),
    (
        "climate",
        &[
            "climate",
            "emission*",
            "carbon",
            "net zero",
            "global warming",
            "cop28",
            "cop29",
            "cop30",
            "paris agreement",
            "greenhouse",
            "decarboni*",
            "climate finance",
        ],
    ),
    (
        "health",
        &[
            "health",
            "pandemic*",
            "epidemic*",
            "vaccin*",
            "covid*",
            "virus",
            "outbreak*",
            "world health organization",
            "disease*",
            "cholera",
            "ebola",
            "malaria",
            "hospital*",
        ],
    ),
    (
        "migration",
        &[
            "migrant*",
            "migration",
            "refugee*",
            "asylum",
            "displaced",
            "deportat*",
            "border crossing*",
            "smuggling of migrants",
            "unhcr",
            "irregular arrivals",
        ],
    ),
    (
        "maritime security",
        &[
            "maritime",
            "coast guard",
            "south china sea",
            "east china sea",
            "freedom of navigation",
            "shipping lane*",
            "strait",
            "piracy",
            "pirates",
            "red sea",
            "sea lanes",
            "naval patrol*",
            "exclusive economic zone",
            "eez",
        ],
    ),
    (
        "cyber",
        &[
            "cyber*",
            "hack*",
            "ransomware",
            "malware",
            "data breach*",
            "phishing",
            "disinformation",
            "critical infrastructure",
        ],
    ),
    (
        "human rights",
        &[
            "human rights",
            "rights groups",
            "political prisoner*",
            "detained activists",
            "torture",
            "freedom of expression",
            "press freedom",
            "crackdown*",
            "dissident*",
            "amnesty international",
            "human rights watch",
            "persecution",
        ],
    ),
    (
        "humanitarian",
        &[
            "humanitarian",
            "aid convoy*",
            "relief",
            "famine",
            "food insecurity",
            "hunger",
            "earthquake*",
            "flood*",
            "cyclone*",
            "wfp",
            "world food programme",
            "aid agencies",
            "civilians",
        ],
    ),
    (
        "economy",
        &[
            "econom*",
            "gdp",
            "inflation",
            "central bank",
            "interest rate*",
            "recession",
            "imf",
            "world bank",
            "debt",
            "investment*",
            "currency",
            "budget",
            "fiscal",
        ],
    ),
    (
        "technology",
        &[
            "technology",
            "technologies",
            "semiconductor*",
            "chip*",
            "artificial intelligence",
            "ai",
            "5g",
            "telecom*",
            "quantum",
            "tech transfer",
            "digital",
        ],
    ),
    (
        "alliances",
        &[
            "nato",
            "alliance*",
            "allies",
            "security pact",
            "defence pact",
            "defense pact",
            "mutual defence",
            "aukus",
            "sco",
            "shanghai cooperation organisation",
            "brics",
            "treaty ally",
            "collective defence",
        ],
    ),
    (
        "conflict",
        &[
            "war",
            "conflict*",
            "ceasefire",
            "cease fire",
            "offensive",
            "shelling",
            "airstrike*",
            "air strike*",
            "fighting",
            "clashes",
            "invasion",
            "frontline",
            "front line",
            "rebels",
            "peace process",
            "peace talks",
            "casualties",
        ],
    ),
    ("Indo-Pacific", &["indo pacific", "indopacific"]),
    ("QUAD", &["quad", "quadrilateral security dialogue"]),
];

/// One trigger, split into folded words.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// The folded words.
    pub words: Vec<String>,
    /// The last word is a prefix (`sanction*`).
    pub prefix: bool,
}

/// Topics and their triggers.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// (topic name as written in briefings, triggers).
    pub topics: Vec<(String, Vec<Trigger>)>,
}

impl Lexicon {
    /// The default lexicon.
    pub fn default_lexicon() -> Lexicon {
        let mut lexicon = Lexicon { topics: Vec::new() };
        for (topic, triggers) in DEFAULT {
            lexicon.add(topic, triggers.iter().copied());
        }
        lexicon
    }

    /// The default lexicon changed by site.yaml's `import: {topics: ...}`: with `replace: true`
    /// only the topics under `extend` are used; otherwise they are added to the defaults (a
    /// topic already in the lexicon, compared ignoring case, gains the triggers).
    pub fn with_config(config: &ImportTopicsConfig) -> Lexicon {
        let mut lexicon = if config.replace {
            Lexicon { topics: Vec::new() }
        } else {
            Lexicon::default_lexicon()
        };
        for (topic, triggers) in &config.extend {
            lexicon.add(topic, triggers.iter().map(String::as_str));
        }
        lexicon
    }

    fn add<'a>(&mut self, topic: &str, triggers: impl Iterator<Item = &'a str>) {
        let parsed: Vec<Trigger> = triggers.filter_map(parse_trigger).collect();
        match self
            .topics
            .iter_mut()
            .find(|(name, _)| name.eq_ignore_ascii_case(topic))
        {
            Some((_, existing)) => existing.extend(parsed),
            None => self.topics.push((topic.to_string(), parsed)),
        }
    }
}

/// "sanction*" -> words ["sanction"], prefix. Empty triggers are dropped.
fn parse_trigger(text: &str) -> Option<Trigger> {
    let text = text.trim();
    let (body, prefix) = match text.strip_suffix('*') {
        Some(body) => (body, true),
        None => (text, false),
    };
    let words = super::tokens::fold_phrase(body);
    (!words.is_empty()).then_some(Trigger { words, prefix })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn default_covers_the_agreed_topics() {
        let lexicon = Lexicon::default_lexicon();
        for topic in [
            "diplomacy",
            "defence",
            "nuclear",
            "space",
            "Indo-Pacific",
            "QUAD",
        ] {
            assert!(lexicon.topics.iter().any(|(t, _)| t == topic), "{topic}");
        }
        assert!(lexicon.topics.iter().all(|(_, t)| !t.is_empty()));
    }

    #[test]
    fn config_extends_or_replaces() {
        let mut extend = BTreeMap::new();
        extend.insert("semiconductors".to_string(), vec!["foundr*".to_string()]);
        extend.insert("Defence".to_string(), vec!["frigate*".to_string()]);
        let config = ImportTopicsConfig {
            replace: false,
            extend: extend.clone(),
        };
        let lexicon = Lexicon::with_config(&config);
        let defence = &lexicon
            .topics
            .iter()
            .find(|(t, _)| t == "defence")
            .unwrap()
            .1;
        assert!(defence.iter().any(|t| t.words == ["frigate"] && t.prefix));
        assert!(lexicon.topics.iter().any(|(t, _)| t == "semiconductors"));
        let replaced = Lexicon::with_config(&ImportTopicsConfig {
            replace: true,
            extend,
        });
        assert_eq!(replaced.topics.len(), 2);
    }
}
