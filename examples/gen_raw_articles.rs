//! Deterministic generator of raw articles for measuring `chancery import` (issue 6).
//!
//! ```sh
//! cargo run --release --example gen_raw_articles -- --count 10000 --out /dev/shm/raw-10k [--seed 1]
//! ```
//!
//! Writes `OUT/NNNNN.txt` (wire copy with a "CITY (Agency) -" dateline and a trailing comment
//! form) and, for every third article, `OUT/NNNNN.html` (a newspaper page with navigation, a
//! share bar, comments, a newsletter box and `article:published_time`). Each article is 300-700
//! words about two to four countries drawn from a list of 40, with capitals, demonyms and
//! topic words mixed in. The same `--seed` and `--count` give byte-identical output; only std is
//! used (SplitMix64).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// SplitMix64: tiny, fast, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// (name, demonym, capital).
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("India", "Indian", "New Delhi"),
    ("Russia", "Russian", "Moscow"),
    ("China", "Chinese", "Beijing"),
    ("United States", "American", "Washington"),
    ("Japan", "Japanese", "Tokyo"),
    ("France", "French", "Paris"),
    ("Germany", "German", "Berlin"),
    ("Brazil", "Brazilian", "Brasília"),
    ("Nigeria", "Nigerian", "Abuja"),
    ("Kenya", "Kenyan", "Nairobi"),
    ("Egypt", "Egyptian", "Cairo"),
    ("Turkey", "Turkish", "Ankara"),
    ("Iran", "Iranian", "Tehran"),
    ("Israel", "Israeli", "Jerusalem"),
    ("Pakistan", "Pakistani", "Islamabad"),
    ("Bangladesh", "Bangladeshi", "Dhaka"),
    ("Indonesia", "Indonesian", "Jakarta"),
    ("Vietnam", "Vietnamese", "Hanoi"),
    ("Philippines", "Filipino", "Manila"),
    ("Australia", "Australian", "Canberra"),
    ("Mexico", "Mexican", "Mexico City"),
    ("Argentina", "Argentine", "Buenos Aires"),
    ("Ukraine", "Ukrainian", "Kyiv"),
    ("Poland", "Polish", "Warsaw"),
    ("Saudi Arabia", "Saudi", "Riyadh"),
    ("Ethiopia", "Ethiopian", "Addis Ababa"),
    ("South Africa", "South African", "Pretoria"),
    ("Canada", "Canadian", "Ottawa"),
    ("Sri Lanka", "Sri Lankan", "Colombo"),
    ("Nepal", "Nepali", "Kathmandu"),
    ("Kazakhstan", "Kazakh", "Astana"),
    ("Georgia", "Georgian", "Tbilisi"),
    ("Jordan", "Jordanian", "Amman"),
    ("Chad", "Chadian", "N'Djamena"),
    ("Ghana", "Ghanaian", "Accra"),
    ("Peru", "Peruvian", "Lima"),
    ("Thailand", "Thai", "Bangkok"),
    ("Malaysia", "Malaysian", "Kuala Lumpur"),
    ("Norway", "Norwegian", "Oslo"),
    ("Italy", "Italian", "Rome"),
];

const AGENCIES: &[&str] = &[
    "Meridian Wire",
    "Harbor Press",
    "Continental Wire",
    "Atlas News",
];
const TOPICS: &[&str] = &[
    "trade talks",
    "defence cooperation",
    "sanctions",
    "energy supplies",
    "a border dispute",
    "nuclear safety",
    "climate finance",
    "migration",
    "maritime security",
    "cyber attacks",
    "humanitarian aid",
    "elections",
    "debt relief",
    "space cooperation",
    "counter-terrorism",
];
const FILLER: &[&str] = &[
    "Officials said the discussions were constructive and would continue at a technical level.",
    "Analysts noted that the meeting came after months of strained relations.",
    "The ministers also reviewed progress on infrastructure projects agreed last year.",
    "Diplomats cautioned that differences remained on several issues.",
    "Business groups welcomed the announcement but asked for more detail.",
    "A joint statement is expected later in the week.",
    "Opposition lawmakers criticised the government for a lack of transparency.",
    "The two sides agreed to set up a working group to report within six months.",
];

fn article(rng: &mut Rng, n: usize) -> (String, String, String, String) {
    let k = 2 + rng.below(3);
    let mut picked: Vec<&(&str, &str, &str)> = Vec::new();
    while picked.len() < k {
        let c = rng.pick(COUNTRIES);
        if !picked.iter().any(|p| p.0 == c.0) {
            picked.push(c);
        }
    }
    let topic = rng.pick(TOPICS);
    let (a, b) = (picked[0], picked[1]);
    let title = format!("{} and {} hold talks on {topic} (report {n})", a.0, b.0);
    let year = 2015 + rng.below(10);
    let month = rng.below(12);
    let day = 1 + rng.below(28);
    let date = format!(
        "{} {}, {year}",
        chancery::model::month_name(month as u32 + 1),
        day
    );
    let iso = format!("{year}-{:02}-{day:02}", month + 1);
    let mut body = String::new();
    let _ = write!(
        body,
        "{} ({}) - {} and {} officials met on {date} to discuss {topic}, the {} foreign ministry said.",
        a.2.to_uppercase(),
        rng.pick(AGENCIES),
        a.1,
        b.1,
        a.1
    );
    let paragraphs = 4 + rng.below(6);
    for _ in 0..paragraphs {
        body.push_str("\n\n");
        let c = rng.pick(&picked);
        let _ = write!(
            body,
            "{} said {} would press ahead on {topic}. {} {} {}",
            c.2,
            c.0,
            rng.pick(FILLER),
            rng.pick(FILLER),
            rng.pick(FILLER)
        );
        if rng.below(3) == 0 {
            let passing = rng.pick(COUNTRIES);
            let _ = write!(body, " {} was not represented.", passing.0);
        }
    }
    (title, body, date, iso)
}

fn as_text(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n\nShare this:\n\nLeave a Reply\n\nYour email address will not be published.\n")
}

fn as_html(title: &str, body: &str, iso: &str) -> String {
    let paragraphs: String = body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><title>{title} | Example Daily</title>\
         <meta property=\"article:published_time\" content=\"{iso}T08:00:00Z\"></head><body>\
         <header><nav><a href=\"/\">Home</a><a href=\"/world\">World</a></nav></header>\
         <article><h1>{title}</h1><div class=\"share-bar\"><a href=\"#\">Facebook</a></div>\n{paragraphs}</article>\
         <section id=\"comments\"><h3>2 Comments</h3><p>First!</p></section>\
         <div class=\"newsletter\"><p>Subscribe to our newsletter</p></div><footer>© Example Daily</footer>\
         </body></html>\n"
    )
}

fn main() -> ExitCode {
    let mut count = 1000usize;
    let mut out = PathBuf::from("raw-articles");
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--count", Some(v)) => count = v.parse().unwrap_or(count),
            ("--out", Some(v)) => out = PathBuf::from(v),
            ("--seed", Some(v)) => seed = v.parse().unwrap_or(seed),
            _ => {
                eprintln!("usage: gen_raw_articles --count N --out DIR [--seed S]");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("cannot create {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut rng = Rng(seed);
    for n in 0..count {
        let (title, body, _date, iso) = article(&mut rng, n);
        let (name, text) = if n % 3 == 2 {
            (format!("{n:05}.html"), as_html(&title, &body, &iso))
        } else {
            (format!("{n:05}.txt"), as_text(&title, &body))
        };
        if let Err(e) = std::fs::write(out.join(&name), text) {
            eprintln!("cannot write {name}: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {count} raw articles to {}", out.display());
    ExitCode::SUCCESS
}
