//! Deterministic generator of realistic briefing archives, for benchmarks (issue 3).
//!
//! ```sh
//! cargo run --release --example generate_archive -- --count 10000 --out /dev/shm/corpus-10k [--seed 1] [--base-url https://example.org/]
//! ```
//!
//! Writes `OUT/site.yaml`, `OUT/content/briefings/_index.md` (for Hugo; chancery skips files that
//! start with `_`) and `OUT/content/briefings/<yyyy-mm-dd>-<slug>.md` briefings whose front matter
//! follows DESIGN.md: a title, a date between 2015 and 2025, a dateline (a capital), 1-4 of 80
//! countries drawn Zipf-like (a few countries carry thousands of briefings at 10,000), 1-3 of 25
//! topics, a summary and a source. Bodies are 500-900 words of analyst prose with `##` headings,
//! a bullet list, a blockquote, emphasis, external links, links to other generated briefings'
//! `.md` files (only files that exist) and, in about 5% of briefings, a fenced JSON or YAML block.
//!
//! The same `--seed` and `--count` give byte-identical output. Only std is used: the PRNG is
//! SplitMix64, so the output does not depend on any crate's version.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea and Flood): tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6A09_E667_F3BC_C909)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift (Lemire); the bias is negligible here.
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// Cumulative Zipf weights (1 / rank^s) for drawing ranked items.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut acc = 0.0;
        let mut cum = Vec::with_capacity(n);
        for rank in 1..=n {
            acc += 1.0 / (rank as f64).powf(s);
            cum.push(acc);
        }
        Zipf(cum)
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let x = rng.unit() * self.0[self.0.len() - 1];
        self.0.partition_point(|&c| c <= x).min(self.0.len() - 1)
    }

    /// `k` distinct ranks, in the order drawn.
    fn draw_distinct(&self, rng: &mut Rng, k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let i = self.draw(rng);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// 80 countries, most written-about first (the Zipf rank), with a capital and a demonym.
/// Names are chancery's canonical names (src/countries/data.rs), so they also read well in Hugo.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("United States", "Washington", "American"),
    ("China", "Beijing", "Chinese"),
    ("Russia", "Moscow", "Russian"),
    ("India", "New Delhi", "Indian"),
    ("United Kingdom", "London", "British"),
    ("France", "Paris", "French"),
    ("Germany", "Berlin", "German"),
    ("Japan", "Tokyo", "Japanese"),
    ("Ukraine", "Kyiv", "Ukrainian"),
    ("Iran", "Tehran", "Iranian"),
    ("Israel", "Jerusalem", "Israeli"),
    ("Pakistan", "Islamabad", "Pakistani"),
    ("Turkey", "Ankara", "Turkish"),
    ("Saudi Arabia", "Riyadh", "Saudi"),
    ("South Korea", "Seoul", "South Korean"),
    ("North Korea", "Pyongyang", "North Korean"),
    ("Brazil", "Brasília", "Brazilian"),
    ("Australia", "Canberra", "Australian"),
    ("Afghanistan", "Kabul", "Afghan"),
    ("Egypt", "Cairo", "Egyptian"),
    ("South Africa", "Pretoria", "South African"),
    ("Nigeria", "Abuja", "Nigerian"),
    ("Indonesia", "Jakarta", "Indonesian"),
    ("Poland", "Warsaw", "Polish"),
    ("Italy", "Rome", "Italian"),
    ("Canada", "Ottawa", "Canadian"),
    ("Mexico", "Mexico City", "Mexican"),
    ("Syria", "Damascus", "Syrian"),
    ("Iraq", "Baghdad", "Iraqi"),
    ("Taiwan", "Taipei", "Taiwanese"),
    ("Vietnam", "Hanoi", "Vietnamese"),
    ("Philippines", "Manila", "Philippine"),
    ("Bangladesh", "Dhaka", "Bangladeshi"),
    ("Sri Lanka", "Colombo", "Sri Lankan"),
    ("Nepal", "Kathmandu", "Nepalese"),
    ("Myanmar", "Naypyidaw", "Myanmar"),
    ("Qatar", "Doha", "Qatari"),
    ("United Arab Emirates", "Abu Dhabi", "Emirati"),
    ("Ethiopia", "Addis Ababa", "Ethiopian"),
    ("Kenya", "Nairobi", "Kenyan"),
    ("Argentina", "Buenos Aires", "Argentine"),
    ("Spain", "Madrid", "Spanish"),
    ("Netherlands", "The Hague", "Dutch"),
    ("Sweden", "Stockholm", "Swedish"),
    ("Finland", "Helsinki", "Finnish"),
    ("Norway", "Oslo", "Norwegian"),
    ("Belarus", "Minsk", "Belarusian"),
    ("Kazakhstan", "Astana", "Kazakh"),
    ("Uzbekistan", "Tashkent", "Uzbek"),
    ("Azerbaijan", "Baku", "Azerbaijani"),
    ("Armenia", "Yerevan", "Armenian"),
    ("Georgia", "Tbilisi", "Georgian"),
    ("Serbia", "Belgrade", "Serbian"),
    ("Hungary", "Budapest", "Hungarian"),
    ("Greece", "Athens", "Greek"),
    ("Venezuela", "Caracas", "Venezuelan"),
    ("Colombia", "Bogotá", "Colombian"),
    ("Chile", "Santiago", "Chilean"),
    ("Peru", "Lima", "Peruvian"),
    ("Cuba", "Havana", "Cuban"),
    ("Libya", "Tripoli", "Libyan"),
    ("Algeria", "Algiers", "Algerian"),
    ("Morocco", "Rabat", "Moroccan"),
    ("Sudan", "Khartoum", "Sudanese"),
    ("Somalia", "Mogadishu", "Somali"),
    ("Mali", "Bamako", "Malian"),
    ("Niger", "Niamey", "Nigerien"),
    ("Ghana", "Accra", "Ghanaian"),
    ("Tanzania", "Dodoma", "Tanzanian"),
    ("Democratic Republic of the Congo", "Kinshasa", "Congolese"),
    ("Malaysia", "Kuala Lumpur", "Malaysian"),
    ("Singapore", "Singapore", "Singaporean"),
    ("Thailand", "Bangkok", "Thai"),
    ("Cambodia", "Phnom Penh", "Cambodian"),
    ("Mongolia", "Ulaanbaatar", "Mongolian"),
    ("New Zealand", "Wellington", "New Zealand"),
    ("Jordan", "Amman", "Jordanian"),
    ("Lebanon", "Beirut", "Lebanese"),
    ("Yemen", "Sanaa", "Yemeni"),
    ("Oman", "Muscat", "Omani"),
];

/// 25 topics, most common first (drawn with a milder Zipf skew than countries).
const TOPICS: &[&str] = &[
    "diplomacy",
    "defence",
    "trade",
    "energy",
    "sanctions",
    "elections",
    "border disputes",
    "nuclear",
    "terrorism",
    "maritime security",
    "climate",
    "migration",
    "cyber",
    "health",
    "space",
    "arms control",
    "human rights",
    "intelligence",
    "development aid",
    "peacekeeping",
    "food security",
    "technology",
    "finance",
    "infrastructure",
    "humanitarian aid",
];

/// Noun phrases for each topic, used to make sentences stay on subject.
fn topic_nouns(topic: &str) -> &'static [&'static str] {
    match topic {
        "diplomacy" => &[
            "the bilateral dialogue",
            "a joint statement",
            "the next round of talks",
            "consular arrangements",
            "the ministerial meeting",
        ],
        "defence" => &[
            "joint military exercises",
            "the defence co-operation agreement",
            "arms purchases",
            "the deployment of additional troops",
            "a logistics support pact",
        ],
        "trade" => &[
            "tariff reductions",
            "the free trade negotiations",
            "export controls",
            "market access for agricultural goods",
            "the trade deficit",
        ],
        "energy" => &[
            "long-term gas contracts",
            "the oil supply agreement",
            "pipeline capacity",
            "renewable energy investment",
            "refinery expansion",
        ],
        "sanctions" => &[
            "the latest sanctions package",
            "secondary sanctions",
            "asset freezes",
            "the enforcement of export bans",
            "sanctions relief",
        ],
        "elections" => &[
            "the parliamentary elections",
            "the presidential run-off",
            "voter turnout",
            "the electoral commission's ruling",
            "the coalition talks",
        ],
        "border disputes" => &[
            "the disputed frontier",
            "patrolling arrangements along the line of control",
            "the boundary commission",
            "disengagement at friction points",
            "new infrastructure near the border",
        ],
        "nuclear" => &[
            "the enrichment programme",
            "civil nuclear co-operation",
            "the safeguards agreement",
            "inspections by the IAEA",
            "the reactor project",
        ],
        "terrorism" => &[
            "cross-border militancy",
            "counter-terrorism co-operation",
            "terror financing",
            "the designation of militant groups",
            "intelligence sharing on extremist networks",
        ],
        "maritime security" => &[
            "freedom of navigation",
            "naval patrols in contested waters",
            "port access agreements",
            "coast guard co-operation",
            "anti-piracy operations",
        ],
        "climate" => &[
            "emissions targets",
            "climate finance pledges",
            "the loss and damage fund",
            "the phase-down of coal",
            "adaptation funding",
        ],
        "migration" => &[
            "irregular migration routes",
            "the readmission agreement",
            "refugee flows",
            "visa liberalisation",
            "labour mobility schemes",
        ],
        "cyber" => &[
            "state-sponsored intrusions",
            "critical infrastructure protection",
            "a cyber dialogue",
            "ransomware attacks on public services",
            "norms of responsible state behaviour",
        ],
        "health" => &[
            "vaccine supply",
            "pandemic preparedness",
            "the health emergency response",
            "pharmaceutical exports",
            "disease surveillance",
        ],
        "space" => &[
            "satellite launches",
            "the lunar programme",
            "space situational awareness",
            "the joint earth observation mission",
            "commercial launch services",
        ],
        "arms control" => &[
            "the arms control treaty",
            "missile testing moratoriums",
            "verification measures",
            "conventional force limits",
            "the non-proliferation regime",
        ],
        "human rights" => &[
            "the treatment of detainees",
            "press freedom",
            "the rights of minorities",
            "the UN rapporteur's report",
            "restrictions on civil society",
        ],
        "intelligence" => &[
            "intelligence sharing",
            "the expulsion of diplomats accused of spying",
            "surveillance programmes",
            "the intelligence assessment",
            "counter-intelligence operations",
        ],
        "development aid" => &[
            "concessional loans",
            "the development partnership",
            "debt restructuring",
            "infrastructure grants",
            "capacity-building programmes",
        ],
        "peacekeeping" => &[
            "the peacekeeping mandate",
            "troop contributions",
            "the ceasefire monitoring mission",
            "the drawdown of UN forces",
            "protection of civilians",
        ],
        "food security" => &[
            "grain exports",
            "fertiliser supply",
            "food price inflation",
            "the shipping corridor for cereals",
            "emergency food reserves",
        ],
        "technology" => &[
            "semiconductor supply chains",
            "telecommunications networks",
            "critical minerals",
            "technology transfer",
            "artificial intelligence governance",
        ],
        "finance" => &[
            "currency swap lines",
            "the balance of payments",
            "sovereign bond issuance",
            "the IMF programme",
            "central bank reserves",
        ],
        "infrastructure" => &[
            "the rail corridor",
            "port development",
            "the connectivity initiative",
            "power transmission links",
            "highway construction",
        ],
        "humanitarian aid" => &[
            "humanitarian access",
            "relief convoys",
            "the flash appeal",
            "displacement camps",
            "the delivery of medical supplies",
        ],
        _ => &["the talks"],
    }
}

const OFFICIALS: &[&str] = &[
    "foreign minister",
    "defence minister",
    "prime minister",
    "president",
    "national security adviser",
    "trade minister",
    "foreign secretary",
    "ambassador",
    "deputy foreign minister",
    "energy minister",
];

const REPORT_VERBS: &[&str] = &[
    "said",
    "told reporters",
    "noted",
    "stressed",
    "insisted",
    "acknowledged",
    "argued",
    "warned",
];

const ACTION_VERBS: &[&str] = &[
    "reaffirmed their commitment to",
    "discussed",
    "agreed to review",
    "signalled a shift on",
    "raised concerns about",
    "set out a roadmap for",
    "called for progress on",
    "pledged closer co-ordination on",
    "failed to narrow differences over",
    "announced new measures on",
];

const TIME_PHRASES: &[&str] = &[
    "on Tuesday",
    "earlier this week",
    "over the weekend",
    "after two days of talks",
    "at the end of a three-day visit",
    "on the sidelines of the summit",
    "late on Thursday",
    "in a video call",
    "during a stopover",
    "ahead of the annual dialogue",
];

const CONNECTORS: &[&str] = &[
    "At the same time,",
    "However,",
    "In practice,",
    "For now,",
    "Meanwhile,",
    "Privately,",
    "In the longer run,",
    "By contrast,",
    "Even so,",
    "Crucially,",
];

const ANALYST_CLAUSES: &[&str] = &[
    "which analysts see as a test of the relationship",
    "a step that officials described as overdue",
    "although the details remain to be negotiated",
    "reflecting pressure from domestic constituencies",
    "in a region where trust remains thin",
    "with implications for neighbouring states",
    "as both sides hedge against a more uncertain environment",
    "despite scepticism in parts of the bureaucracy",
    "according to people familiar with the discussions",
    "which could reshape the regional balance",
];

const ASSESSMENTS: &[&str] = &[
    "The outcome is more incremental than the rhetoric suggests.",
    "Neither side wants the relationship to be defined by this single issue.",
    "Much will depend on implementation, which has lagged in the past.",
    "The episode illustrates how quickly regional calculations can shift.",
    "Markets reacted calmly, suggesting the move had largely been priced in.",
    "Opposition parties are likely to contest the terms in parliament.",
    "The announcement leaves several sensitive questions deliberately vague.",
    "Observers will watch whether follow-up meetings are held on schedule.",
    "Past agreements of this kind have often stalled at the technical level.",
    "The timing appears designed to strengthen negotiating positions before the next summit.",
];

const HEADINGS_BACKGROUND: &[&str] = &["Background", "Context", "How we got here", "The backdrop"];
const HEADINGS_POINTS: &[&str] = &[
    "Key points",
    "What was agreed",
    "Main elements",
    "What changed",
];
const HEADINGS_REACTIONS: &[&str] = &[
    "Reactions",
    "Regional reactions",
    "International response",
    "Who said what",
];
const HEADINGS_ASSESSMENT: &[&str] = &["Assessment", "Outlook", "What to watch", "Analysis"];

const TITLE_TEMPLATES: &[&str] = &[
    "{A} and {B} hold talks on {t}",
    "{A} signals shift on {t} ahead of summit",
    "{A} and {B} agree framework on {t}",
    "{cap} weighs options on {t} after talks with {B}",
    "{A} raises concerns over {t} with {B}",
    "{dA} officials visit {capB} for dialogue on {t}",
    "{A} announces new measures on {t}",
    "Talks between {A} and {B} end without agreement on {t}",
    "{A} and {B} step up co-operation on {t}",
    "{dA} leader sets out priorities on {t}",
];

const EXTERNAL_PATHS: &[&str] = &[
    "reports/annual-review",
    "statements/joint-communique",
    "data/trade-statistics",
    "transcripts/press-briefing",
    "analysis/regional-outlook",
    "documents/treaty-text",
];

// ---------------------------------------------------------------------------------------------
// Briefings
// ---------------------------------------------------------------------------------------------

struct Meta {
    file_name: String,
    date: (u32, u32, u32),
    title: String,
    countries: Vec<usize>,
    topics: Vec<usize>,
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn random_date(rng: &mut Rng) -> (u32, u32, u32) {
    let y = 2015 + rng.below(11) as u32;
    let m = 1 + rng.below(12) as u32;
    let d = 1 + rng.below(days_in_month(y, m) as usize) as u32;
    (y, m, d)
}

fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

fn make_meta(rng: &mut Rng, countries: &Zipf, topics: &Zipf, used: &mut HashSet<String>) -> Meta {
    let date = random_date(rng);
    let nc = [1, 2, 2, 2, 3, 3, 4][rng.below(7)];
    let nt = [1, 1, 2, 2, 3][rng.below(5)];
    let cs = countries.draw_distinct(rng, nc);
    let ts = topics.draw_distinct(rng, nt);
    let a = COUNTRIES[cs[0]];
    // A second party for the title: another tagged country, or a related one.
    let b = if cs.len() > 1 {
        COUNTRIES[cs[1]]
    } else {
        COUNTRIES[(cs[0] + 1 + rng.below(10)) % COUNTRIES.len()]
    };
    let title = TITLE_TEMPLATES[rng.below(TITLE_TEMPLATES.len())]
        .replace("{A}", a.0)
        .replace("{B}", b.0)
        .replace("{dA}", a.2)
        .replace("{cap}", a.1)
        .replace("{capB}", b.1)
        .replace("{t}", TOPICS[ts[0]]);
    let base = slugify(&title);
    let mut slug = base.clone();
    let mut n = 2;
    while !used.insert(slug.clone()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    let file_name = format!("{:04}-{:02}-{:02}-{slug}.md", date.0, date.1, date.2);
    Meta {
        file_name,
        date,
        title,
        countries: cs,
        topics: ts,
    }
}

/// Prose writer for one briefing: sentences on the briefing's countries and topics.
struct Writer<'a> {
    rng: &'a mut Rng,
    meta: &'a Meta,
    /// The previous sentence's shape, so that two in a row differ.
    last: usize,
}

impl Writer<'_> {
    fn country(&mut self) -> (&'static str, &'static str, &'static str) {
        COUNTRIES[self.meta.countries[self.rng.below(self.meta.countries.len())]]
    }

    fn topic(&mut self) -> &'static str {
        TOPICS[self.meta.topics[self.rng.below(self.meta.topics.len())]]
    }

    fn noun(&mut self) -> &'static str {
        let t = self.topic();
        self.rng.pick(topic_nouns(t))
    }

    fn emph(&mut self, s: &str) -> String {
        match self.rng.below(10) {
            0 => format!("*{s}*"),
            1 => format!("**{s}**"),
            _ => s.to_string(),
        }
    }

    /// Another country than `c`: one of the briefing's own, else a neighbour in the ranking.
    fn other_than(&mut self, c: &str) -> (&'static str, &'static str, &'static str) {
        let own: Vec<usize> = self
            .meta
            .countries
            .iter()
            .copied()
            .filter(|&i| COUNTRIES[i].0 != c)
            .collect();
        if own.is_empty() {
            let base = self.meta.countries[0];
            COUNTRIES[(base + 1 + self.rng.below(12)) % COUNTRIES.len()]
        } else {
            COUNTRIES[own[self.rng.below(own.len())]]
        }
    }

    fn sentence(&mut self) -> String {
        // Never the same sentence shape twice in a row.
        let mut kind = self.rng.below(12);
        if kind == self.last {
            kind = (kind + 1 + self.rng.below(11)) % 12;
        }
        self.last = kind;
        let c = self.country();
        let other = self.other_than(c.0);
        let n = self.noun();
        let n2 = self.noun();
        let (o, v, rv) = (
            self.rng.pick(OFFICIALS),
            self.rng.pick(ACTION_VERBS),
            self.rng.pick(REPORT_VERBS),
        );
        let (tp, cl, cn) = (
            self.rng.pick(TIME_PHRASES),
            self.rng.pick(ANALYST_CLAUSES),
            self.rng.pick(CONNECTORS),
        );
        let ne = self.emph(n);
        let year = self.meta.date.0;
        match kind {
            0 => format!(
                "{}'s {o} and the {} {o2} {v} {ne} {tp}.",
                c.0,
                other.2,
                o2 = self.rng.pick(OFFICIALS)
            ),
            1 => format!("Officials in {} are focused on {n}, {cl}.", c.1),
            2 => format!("{cn} the debate over {n} is closely tied to {n2}, {cl}."),
            3 => format!("The {} {o} {rv} that progress on {ne} would take time.", c.2),
            4 => self.rng.pick(ASSESSMENTS).to_string(),
            5 => format!(
                "Diplomats from {} and {} met {tp} to discuss {ne} and related issues.",
                c.0, other.0
            ),
            6 => format!(
                "Figures cited by {} officials put the change at roughly {} per cent, though its effect on {n} is hard to measure.",
                c.2,
                5 + self.rng.below(60)
            ),
            7 => format!(
                "{cn} {} has linked {n} to {n2} since at least {}, {cl}.",
                c.1,
                year - 1 - self.rng.below(4) as u32
            ),
            8 => format!(
                "\"Our position on {n} has not changed,\" the {} {o} {rv}, adding that {} had been informed in advance.",
                c.2, other.1
            ),
            9 => format!(
                "A senior {} official, speaking on condition of anonymity, described {n} as *the central question* for {}.",
                c.2,
                year + 1
            ),
            10 => format!(
                "{} and {} have taken different approaches to {n}, and a joint working group on {n2} is expected to report {tp2}.",
                c.0,
                other.0,
                tp2 = self.rng.pick(&["within six months", "by the end of the year", "before the next summit", "in the spring"])
            ),
            _ => format!(
                "The {} embassy in {} {rv} that {n} featured prominently in the {o}'s briefing {tp}.",
                other.2, c.1
            ),
        }
    }

    /// A paragraph of `lo..=hi` sentences.
    fn paragraph(&mut self, lo: usize, hi: usize) -> String {
        let sentences = self.rng.range(lo, hi);
        let mut p = String::new();
        for i in 0..sentences {
            if i > 0 {
                p.push(' ');
            }
            p.push_str(&self.sentence());
        }
        p
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn yaml_list(items: impl Iterator<Item = &'static str>) -> String {
    let v: Vec<&str> = items.collect();
    format!("[{}]", v.join(", "))
}

fn render(rng: &mut Rng, metas: &[Meta], idx: usize) -> String {
    let meta = &metas[idx];
    let mut w = Writer {
        rng,
        meta,
        last: usize::MAX,
    };
    let target = w.rng.range(500, 900);
    let first = COUNTRIES[meta.countries[0]];

    let summary = {
        let n = w.noun();
        let cl = w.rng.pick(ANALYST_CLAUSES);
        let mut s = format!("{} moved on {n}, {cl}.", first.0);
        if w.rng.chance(0.5) {
            s.push(' ');
            s.push_str(w.rng.pick(ASSESSMENTS));
        }
        s
    };

    let mut out = String::with_capacity(6 * 1024);
    let (y, m, d) = meta.date;
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", meta.title);
    let _ = writeln!(out, "date: {y:04}-{m:02}-{d:02}");
    let _ = writeln!(out, "dateline: {}", first.1);
    let _ = writeln!(
        out,
        "countries: {}",
        yaml_list(meta.countries.iter().map(|&i| COUNTRIES[i].0))
    );
    let _ = writeln!(
        out,
        "topics: {}",
        yaml_list(meta.topics.iter().map(|&i| TOPICS[i]))
    );
    let _ = writeln!(out, "summary: {summary}");
    out.push_str("source: {name: chancery generator}\n");
    out.push_str("---\n\n");

    let mut body = String::with_capacity(6 * 1024);
    // Lead, with the dateline as in the wire copy the archive is made of.
    let lead = w.paragraph(3, 3);
    let _ = write!(body, "{}: {lead}\n\n", first.1);
    let p = w.paragraph(2, 4);
    let _ = write!(body, "{p}\n\n");

    let _ = write!(body, "## {}\n\n", w.rng.pick(HEADINGS_BACKGROUND));
    for _ in 0..2 {
        let p = w.paragraph(3, 5);
        let _ = write!(body, "{p}\n\n");
    }

    let _ = write!(body, "## {}\n\n", w.rng.pick(HEADINGS_POINTS));
    for _ in 0..w.rng.range(3, 5) {
        let c = w.country();
        let (n, cl) = (w.noun(), w.rng.pick(ANALYST_CLAUSES));
        let verb = w.rng.pick(&[
            "pressed for movement on",
            "sought guarantees on",
            "offered concessions on",
            "held firm on",
            "proposed a review of",
        ]);
        let _ = writeln!(body, "- **{}** {verb} {n}, {cl}.", c.0);
    }
    body.push('\n');

    let quote = {
        let c = w.country();
        let (o, n) = (w.rng.pick(OFFICIALS), w.noun());
        let s = w.sentence();
        format!("> \"We are prepared to move forward on {n}, but not at any price.\" {s}\n>\n> — the {} {o}\n\n", c.2)
    };
    body.push_str(&quote);

    let _ = write!(body, "## {}\n\n", w.rng.pick(HEADINGS_REACTIONS));
    {
        let p = w.paragraph(2, 4);
        let ext = w.rng.pick(EXTERNAL_PATHS);
        let c = w.country();
        let _ = write!(
            body,
            "{p} The full text is in the [{} statement](https://example.org/{ext}/{y}-{m:02}).",
            c.2,
            ext = ext
        );
        if metas.len() > 1 && w.rng.chance(0.4) {
            let mut j = w.rng.below(metas.len() - 1);
            if j >= idx {
                j += 1;
            }
            let _ = write!(
                body,
                " See also [a related briefing]({}).",
                metas[j].file_name
            );
        }
        body.push_str("\n\n");
    }

    if w.rng.chance(0.05) {
        let c = w.country();
        let t = w.topic();
        let figure = 10 + w.rng.below(990);
        if w.rng.chance(0.5) {
            let _ = write!(
                body,
                "The figures released with the statement:\n\n```json\n{{\n  \"country\": \"{}\",\n  \"topic\": \"{t}\",\n  \"year\": {y},\n  \"value_musd\": {figure},\n  \"confirmed\": true\n}}\n```\n\n",
                c.0
            );
        } else {
            let _ = write!(
                body,
                "The agreed timetable, as circulated to delegations:\n\n```yaml\nmeeting:\n  host: {}\n  topic: {t}\n  rounds: {}\n  next: {y}-{m:02}-{d:02}\n```\n\n",
                c.1,
                1 + figure % 5
            );
        }
    }

    let _ = write!(body, "## {}\n\n", w.rng.pick(HEADINGS_ASSESSMENT));
    loop {
        let p = w.paragraph(3, 5);
        let _ = write!(body, "{p}\n\n");
        if words(&body) >= target {
            break;
        }
    }
    out.push_str(body.trim_end());
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

struct Args {
    count: usize,
    out: PathBuf,
    seed: u64,
    base_url: Option<String>,
}

const USAGE: &str = "usage: generate_archive --count N --out DIR [--seed S] [--base-url URL]";

fn parse_args() -> Result<Args, String> {
    let mut count = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut base_url = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--count" => {
                count = Some(
                    val("--count")?
                        .parse()
                        .map_err(|e| format!("--count: {e}"))?,
                )
            }
            "--out" => out = Some(PathBuf::from(val("--out")?)),
            "--seed" => seed = val("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--base-url" => base_url = Some(val("--base-url")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        count: count.ok_or("--count is required")?,
        out: out.ok_or("--out is required")?,
        seed,
        base_url,
    })
}

fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(text.as_bytes())
}

fn generate(args: &Args) -> std::io::Result<()> {
    assert_eq!(COUNTRIES.len(), 80);
    assert_eq!(TOPICS.len(), 25);
    let dir = args.out.join("content").join("briefings");
    if dir.exists() {
        // Start clean so a smaller count never leaves stale briefings behind.
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;

    let mut site = String::from("title: Generated Briefing Archive\npaginate: 20\n");
    if let Some(url) = &args.base_url {
        let _ = writeln!(site, "base_url: {url}");
    }
    write_file(&args.out.join("site.yaml"), &site)?;
    write_file(&dir.join("_index.md"), "---\ntitle: Briefings\n---\n")?;

    let mut rng = Rng::new(args.seed);
    let countries = Zipf::new(COUNTRIES.len(), 1.0);
    let topics = Zipf::new(TOPICS.len(), 0.6);
    let mut used = HashSet::new();
    let metas: Vec<Meta> = (0..args.count)
        .map(|_| make_meta(&mut rng, &countries, &topics, &mut used))
        .collect();
    for (i, meta) in metas.iter().enumerate() {
        let text = render(&mut rng, &metas, i);
        write_file(&dir.join(&meta.file_name), &text)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("generate_archive: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => {
            eprintln!(
                "generated {} briefing{} in {}",
                args.count,
                if args.count == 1 { "" } else { "s" },
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("generate_archive: {}: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
}
