//! `chancery import`: the seed article, HTML pages, ambiguous country names, duplicates,
//! `--dry-run`, dates, failures, and country-tagging precision and recall on the labelled set
//! in `tests/fixtures/import/`.

use crate::common::{files_under, fixture_path, manifest_dir, Site};
use chancery::import::{Briefing, Importer};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn chancery(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run chancery")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Prepares an inline article (no file needed) with a fallback date.
fn prepare(name: &str, body: &str) -> Briefing {
    let importer = Importer::standard(Some(date("2024-01-01")));
    let html = name.ends_with(".html");
    importer
        .prepare_text(Path::new(name), body, html, name.ends_with(".md"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn countries(name: &str, body: &str) -> Vec<String> {
    prepare(name, body).countries.names()
}

fn assert_tagged(tags: &[String], want: &[&str], not: &[&str]) {
    for w in want {
        assert!(
            tags.iter().any(|t| t == w),
            "{w} should be tagged: {tags:?}"
        );
    }
    for n in not {
        assert!(
            !tags.iter().any(|t| t == n),
            "{n} should not be tagged: {tags:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The seed article

fn seed_path() -> Option<PathBuf> {
    let path = manifest_dir().join("../shared/seeds/000_3211f8be72139ffe.txt");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "note: {} is absent; the seed test is skipped",
            path.display()
        );
        None
    }
}

#[test]
fn seed_article_becomes_a_tagged_briefing_that_builds() {
    let Some(seed) = seed_path() else { return };
    let site = Site::empty();
    let out = chancery(
        &[
            "import",
            seed.to_str().unwrap(),
            "--root",
            site.root.to_str().unwrap(),
            "--date",
            "2021-04-06",
        ],
        site.tmp(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = files_under(&site.root.join("content/briefings"));
    assert_eq!(
        files,
        ["2021-04-06-bilateral-talks-held-between-the-foreign-ministers-of-india-and-russia.md"]
    );
    let written =
        std::fs::read_to_string(site.root.join("content/briefings").join(&files[0])).unwrap();
    assert!(written.starts_with(
        "---\ntitle: Bilateral talks held between the Foreign Ministers of India and Russia\ndate: 2021-04-06\ndateline: New Delhi\n"
    ), "{written}");
    let body = written.split("\n---\n").nth(1).unwrap();
    assert!(
        body.starts_with("Saying that Russia will not"),
        "dateline removed: {body:.80}"
    );
    assert!(
        !body.contains("Bilateral talks\n"),
        "repeated sub-heading dropped"
    );
    for gone in ["Leave a Reply", "Your email address", "New Delhi: –"] {
        assert!(!body.contains(gone), "`{gone}` should be gone");
    }
    let countries_line = written
        .lines()
        .find(|l| l.starts_with("countries:"))
        .unwrap();
    for c in ["India", "Russia", "China", "United States"] {
        assert!(countries_line.contains(c), "{countries_line}");
    }
    // Afghanistan and Myanmar are named twice each in passing: evidence, not tags.
    assert!(!countries_line.contains("Afghanistan") && !countries_line.contains("Myanmar"));
    assert!(written.contains("countries_not_tagged:\n    Afghanistan: {score: 2.0, mentions: 2}"));
    let topics_line = written.lines().find(|l| l.starts_with("topics:")).unwrap();
    for t in ["diplomacy", "defence", "Indo-Pacific", "QUAD"] {
        assert!(topics_line.contains(t), "{topics_line}");
    }
    // The briefing builds without a warning.
    let report = site.build();
    assert_eq!(report.briefings, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

// ---------------------------------------------------------------------------------------------
// HTML pages

#[test]
fn html_page_loses_navigation_comments_and_newsletter() {
    let path = fixture_path("import/labelled/05-html-newspaper-georgia.html");
    let b = Importer::standard(None).prepare_file(&path).unwrap();
    assert_eq!(b.title, "Tbilisi protests grow over foreign agents bill");
    assert_eq!(b.date, date("2024-05-01"));
    assert_eq!(b.source.as_ref().unwrap().name, "The Caspian Ledger");
    assert!(b.body.starts_with("Tens of thousands"), "{}", b.body);
    assert!(b
        .body
        .contains("> \"This is a choice between Europe and the past,\" one protester said."));
    for gone in [
        "World",
        "Facebook",
        "Copy link",
        "Related stories",
        "Comments",
        "Great reporting",
        "Leave a Reply",
        "Your email",
        "Subscribe",
        "Caucasus briefing",
        "©",
        "analytics",
        "Staff Reporter",
    ] {
        assert!(
            !b.body.contains(gone),
            "`{gone}` should be gone:\n{}",
            b.body
        );
    }
    assert_eq!(b.countries.names(), ["Georgia"]);
}

#[test]
fn html_headline_order_and_markdown() {
    let page = r#"<html><head><title>Talks resume in Geneva | Example Times</title></head><body>
        <nav><a href="/">Home</a></nav>
        <article><h1>Talks resume in Geneva</h1>
        <p>GENEVA (Example Wire) - Diplomats from <em>Iran</em> and the <strong>United States</strong> met on 3 March 2024.</p>
        <ol><li>Iran wants sanctions relief.</li><li>The US wants limits on enrichment.</li></ol>
        <p>Read the <a href="https://example.org/text">text</a>. Iran and the US will meet again.</p>
        </article></body></html>"#;
    let b = prepare("page.html", page);
    assert_eq!(b.title, "Talks resume in Geneva");
    assert_eq!(b.dateline.as_deref(), Some("Geneva"));
    assert_eq!(b.date, date("2024-03-03"));
    assert_eq!(
        b.body,
        "Diplomats from *Iran* and the **United States** met on 3 March 2024.\n\n\
         1. Iran wants sanctions relief.\n2. The US wants limits on enrichment.\n\n\
         Read the [text](https://example.org/text). Iran and the US will meet again."
    );
    assert_tagged(
        &b.countries.names(),
        &["Iran", "United States"],
        &["Switzerland"],
    );
}

// ---------------------------------------------------------------------------------------------
// Ambiguous country names

#[test]
fn georgia_the_state_and_the_country() {
    let state = "Georgia counts ballots again\n\nATLANTA, Nov. 6, 2020 (Wire) - Officials in Atlanta, Georgia, began a recount. Georgia law allows it when the margin is small. Florida and Alabama finished earlier.\n";
    assert_tagged(&countries("a.txt", state), &["United States"], &["Georgia"]);
    let country = "Georgia and the EU\n\nTBILISI (Wire) - Georgia applied to join the EU. Georgian officials in Tbilisi said Georgia would press on.\n";
    assert_tagged(
        &countries("b.txt", country),
        &["Georgia"],
        &["United States"],
    );
}

#[test]
fn jordan_the_kingdom_and_the_person() {
    let person = "Auction record\n\nMichael Jordan's shoes sold for a record. Jordan wore them in 1985. Jordan's agent said nothing.\n";
    assert_tagged(&countries("a.txt", person), &[], &["Jordan"]);
    let kingdom = "Aid conference\n\nAMMAN (Wire) - Jordan hosted talks on aid. Jordanian officials said Jordan would press donors.\n";
    assert_tagged(&countries("b.txt", kingdom), &["Jordan"], &[]);
}

#[test]
fn chad_the_country_and_the_name() {
    let person = "Founder steps down\n\nChad Whitmore said he would leave. Chad built the firm from a garage. Chad thanked staff.\n";
    assert_tagged(&countries("a.txt", person), &[], &["Chad"]);
    let country = "Vote in Chad\n\nN'DJAMENA (Wire) - Voters in Chad went to the polls. Chadian groups said Chad's election body was not independent.\n";
    assert_tagged(&countries("b.txt", country), &["Chad"], &[]);
}

#[test]
fn turkey_the_bird_and_the_country() {
    let bird = "Turkey prices fall before Thanksgiving\n\nTurkey prices fell. A roast turkey costs less this year, and turkeys are plentiful.\n";
    assert_tagged(&countries("a.txt", bird), &[], &["Turkey"]);
    let country = "Turkey approves Sweden's bid\n\nANKARA (Wire) - Turkey's parliament approved the bid. Turkish officials said Turkey had its guarantees.\n";
    assert_tagged(&countries("b.txt", country), &["Turkey"], &[]);
}

#[test]
fn washington_the_state_the_capital_and_the_man() {
    let capital = "Washington and Beijing talk\n\nWashington and Beijing agreed to talk. Washington said the talks would go on, and Beijing agreed.\n";
    assert_tagged(
        &countries("a.txt", capital),
        &["United States", "China"],
        &[],
    );
    let person = "A statue restored\n\nA statue of George Washington was restored in the park. Workers cleaned George Washington's face. The Washington Post reported it.\n";
    assert_tagged(&countries("b.txt", person), &[], &["United States"]);
    let state = prepare(
        "c.txt",
        "Smoke closes schools\n\nSchools in Seattle, Washington closed. Washington state officials said Oregon sent help.\n",
    );
    let us = state
        .countries
        .tagged
        .iter()
        .chain(&state.countries.also_seen)
        .find(|e| e.name == "United States");
    assert!(
        us.is_some(),
        "Washington the state is still in the United States"
    );
}

#[test]
fn names_inside_longer_names() {
    let guinea = "Pacific talks\n\nPapua New Guinea and Equatorial Guinea met. Papua New Guinea and Equatorial Guinea signed, with Guinea-Bissau watching Guinea-Bissau's press.\n";
    assert_tagged(
        &countries("a.txt", guinea),
        &["Papua New Guinea", "Equatorial Guinea"],
        &["Guinea"],
    );
    let niger = "Nigeria votes\n\nNigeria held elections. Nigerian voters and the Niger Delta region turned out; Nigeria counted.\n";
    assert_tagged(&countries("b.txt", niger), &["Nigeria"], &["Niger"]);
    let dominica =
        "Storm pact\n\nThe Dominican Republic signed a pact. The Dominican Republic will help.\n";
    assert_tagged(
        &countries("c.txt", dominica),
        &["Dominican Republic"],
        &["Dominica"],
    );
    let sudan = "Juba talks\n\nSouth Sudan delayed its vote. South Sudan's leaders met in Juba.\n";
    assert_tagged(&countries("d.txt", sudan), &["South Sudan"], &["Sudan"]);
    let sea = "Shoal incident in the South China Sea\n\nThe Philippines protested. Ships in the South China Sea collided near the Philippines coast, in the South China Sea.\n";
    assert_tagged(&countries("e.txt", sea), &["Philippines", "China"], &[]);
}

#[test]
fn korea_and_congo_need_context() {
    let south = "Chip exports\n\nSouth Korea's exports rose. Korea depends on chips, and Korean firms in Seoul expect more.\n";
    assert_tagged(
        &countries("a.txt", south),
        &["South Korea"],
        &["North Korea"],
    );
    let bare = "Peninsula\n\nKorea was divided in 1945. Korea's history is long. Korean culture is rich.\n";
    assert_tagged(
        &countries("b.txt", bare),
        &[],
        &["South Korea", "North Korea"],
    );
    let drc = "Goma\n\nCongo accused Rwanda. Kinshasa said Congo's army held Goma, and Rwanda denied it.\n";
    assert_tagged(
        &countries("c.txt", drc),
        &["Democratic Republic of the Congo", "Rwanda"],
        &["Republic of the Congo"],
    );
}

#[test]
fn passing_mentions_are_evidence_not_tags() {
    let b = prepare(
        "a.txt",
        "Sri Lanka signs debt deal\n\nSri Lanka signed a deal with creditors. Sri Lanka's president welcomed it. Japan co-chairs the committee.\n",
    );
    assert_eq!(b.countries.names(), ["Sri Lanka"]);
    assert!(b
        .countries
        .also_seen
        .iter()
        .any(|e| e.name == "Japan" && e.mentions == 1));
}

// ---------------------------------------------------------------------------------------------
// Duplicates, names, --dry-run, dates, failures

fn raw_site() -> (Site, PathBuf) {
    let site = Site::empty();
    let raw = site.tmp().join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    (site, raw)
}

const ARTICLE: &str = "Kenya sends police to Haiti\n\nNAIROBI, June 25, 2024 (Wire) - Kenya sent police to Haiti. Haiti's gangs control the capital, Kenya said.\n";

#[test]
fn duplicates_are_skipped_and_names_never_collide() {
    let (site, raw) = raw_site();
    std::fs::write(raw.join("a.txt"), ARTICLE).unwrap();
    // The same article with other spacing and line endings: a duplicate.
    std::fs::write(
        raw.join("b.txt"),
        ARTICLE.replace('\n', "\r\n").replace(". ", ".  "),
    )
    .unwrap();
    // Same headline and date, different text: a new briefing with a free slug.
    std::fs::write(raw.join("c.txt"), ARTICLE.replace("gangs", "armed gangs")).unwrap();
    let root = site.root.to_str().unwrap();
    let out = chancery(&["import", "raw", "--root", root], site.tmp());
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("Imported 2 briefings, skipped 1 duplicate, 0 failed."),
        "{stdout}"
    );
    assert!(
        stdout.contains("duplicate     raw/b.txt (already imported as"),
        "{stdout}"
    );
    let files = files_under(&site.root.join("content/briefings"));
    assert_eq!(
        files,
        [
            "2024-06-25-kenya-sends-police-to-haiti-2.md",
            "2024-06-25-kenya-sends-police-to-haiti.md"
        ]
    );
    // Run again: everything is already there.
    let before = crate::common::snapshot(&site.root);
    let again = chancery(&["import", "raw", "--root", root], site.tmp());
    assert!(text(&again.stdout).contains("Imported 0 briefings, skipped 3 duplicates"));
    assert_eq!(before, crate::common::snapshot(&site.root));
    // Both build together (their slugs differ).
    assert_eq!(site.build().briefings, 2);
}

#[test]
fn dry_run_writes_nothing_and_shows_the_front_matter() {
    let (site, raw) = raw_site();
    std::fs::write(raw.join("a.txt"), ARTICLE).unwrap();
    let before = crate::common::snapshot(&site.root);
    let out = chancery(
        &[
            "import",
            "raw/a.txt",
            "--root",
            site.root.to_str().unwrap(),
            "--dry-run",
        ],
        site.tmp(),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("would write "), "{stdout}");
    assert!(stdout.contains("content/briefings/2024-06-25-kenya-sends-police-to-haiti.md:\n---\ntitle: Kenya sends police to Haiti\n"), "{stdout}");
    assert!(
        stdout.contains("countries: [Kenya, Haiti]")
            || stdout.contains("countries: [Haiti, Kenya]"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing was written"), "{stdout}");
    assert_eq!(before, crate::common::snapshot(&site.root));
}

#[test]
fn date_falls_back_to_the_flag_and_is_never_guessed() {
    let (site, raw) = raw_site();
    std::fs::write(
        raw.join("undated.txt"),
        "Talks in Delhi\n\nIndia and Russia met. India and Russia agreed.\n",
    )
    .unwrap();
    std::fs::write(raw.join("noyear.txt"), "Talks\n\nWASHINGTON, March 3 (Wire) - The United States and Mexico met. The United States said so.\n").unwrap();
    let root = site.root.to_str().unwrap();
    let out = chancery(&["import", "raw", "--root", root], site.tmp());
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("raw/undated.txt: error: no date found"),
        "{stderr}"
    );
    assert!(stderr.contains("pass --date YYYY-MM-DD"), "{stderr}");
    assert!(
        stderr.contains(
            "raw/noyear.txt: error: no date found (the dateline gives month 3, day 3, but no year)"
        ),
        "{stderr}"
    );
    assert!(files_under(&site.root.join("content")).is_empty());
    let out = chancery(
        &["import", "raw", "--root", root, "--date", "2024-02-01"],
        site.tmp(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = files_under(&site.root.join("content/briefings"));
    assert_eq!(
        files,
        ["2024-02-01-talks-in-delhi.md", "2024-02-01-talks.md"]
    );
    let written =
        std::fs::read_to_string(site.root.join("content/briefings/2024-02-01-talks.md")).unwrap();
    assert!(written.contains("date_from: \"--date\""), "{written}");
    assert!(written.contains("dateline: Washington\n"), "{written}");
}

#[test]
fn a_bad_file_does_not_stop_the_batch() {
    let (site, raw) = raw_site();
    std::fs::write(raw.join("a-good.txt"), ARTICLE).unwrap();
    std::fs::write(raw.join("b-latin1.txt"), b"Caf\xe9 talks\n\nText.\n").unwrap();
    std::fs::write(
        raw.join("c-briefing.md"),
        "---\ntitle: X\ndate: 2024-01-01\n---\nBody\n",
    )
    .unwrap();
    std::fs::write(raw.join("d-empty.html"), "").unwrap();
    std::fs::write(raw.join("e-image.png"), b"\x89PNG").unwrap();
    std::fs::write(
        raw.join("z-good.md"),
        ARTICLE.replace("Kenya sends", "Kenya dispatches"),
    )
    .unwrap();
    let root = site.root.to_str().unwrap();
    let out = chancery(
        &["import", "raw", "missing.txt", "--root", root],
        site.tmp(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stdout.contains(
            "Imported 2 briefings, skipped 0 duplicates, 4 failed (1 other file ignored)."
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("raw/b-latin1.txt: error: not UTF-8 text"),
        "{stderr}"
    );
    assert!(
        stderr.contains("raw/c-briefing.md: error: it already has front matter"),
        "{stderr}"
    );
    assert!(
        stderr.contains("raw/d-empty.html: error: no headline"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing.txt: error: no such file or folder"),
        "{stderr}"
    );
    assert!(stderr.contains("4 files failed"), "{stderr}");
    assert_eq!(files_under(&site.root.join("content/briefings")).len(), 2);
}

#[test]
fn site_yaml_extends_the_topic_lexicon() {
    let (site, raw) = raw_site();
    site.write(
        "site.yaml",
        "import:\n  topics:\n    extend:\n      semiconductors: [chipmaker*, foundr*]\n",
    );
    std::fs::write(
        raw.join("a.txt"),
        "Foundry plans\n\nTAIPEI, May 2, 2024 (Wire) - Taiwan's chipmakers plan a new foundry. Taiwan said the foundry opens in 2026.\n",
    )
    .unwrap();
    let out = chancery(
        &["import", "raw", "--root", site.root.to_str().unwrap()],
        site.tmp(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = &files_under(&site.root.join("content/briefings"))[0];
    let written = std::fs::read_to_string(site.root.join("content/briefings").join(file)).unwrap();
    assert!(written.contains("topics: [semiconductors"), "{written}");
}

// ---------------------------------------------------------------------------------------------
// The labelled set

/// (file, expected countries) from `tests/fixtures/import/labels.tsv`.
fn labels() -> Vec<(String, BTreeSet<String>)> {
    let text = std::fs::read_to_string(fixture_path("import/labels.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut cols = line.split('\t');
            let file = cols.next().unwrap().to_string();
            let countries = cols
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            (file, countries)
        })
        .collect()
}

#[test]
fn labelled_set_precision_and_recall() {
    let labels = labels();
    let dir = fixture_path("import/labelled");
    let on_disk = files_under(&dir);
    assert!(labels.len() >= 40, "at least 40 labelled articles");
    assert_eq!(
        on_disk.len(),
        labels.len(),
        "every article has a label and every label an article"
    );
    let importer = Importer::standard(None);
    let gazetteer = chancery::countries::Gazetteer::iso();
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut misses = String::new();
    for (file, want) in &labels {
        for c in want {
            assert!(
                gazetteer.lookup(c).is_ok(),
                "{file}: label `{c}` is not a canonical country"
            );
        }
        let briefing = importer
            .prepare_file(&dir.join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: BTreeSet<String> = briefing.countries.names().into_iter().collect();
        tp += got.intersection(want).count();
        let extra: Vec<_> = got.difference(want).collect();
        let missed: Vec<_> = want.difference(&got).collect();
        fp += extra.len();
        fn_ += missed.len();
        if !extra.is_empty() || !missed.is_empty() {
            misses.push_str(&format!("  {file}: extra {extra:?}, missed {missed:?}\n"));
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    eprintln!(
        "labelled set: {} articles, precision {precision:.3}, recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_})\n{misses}",
        labels.len()
    );
    assert!(precision >= 0.9, "precision {precision:.3}\n{misses}");
    assert!(recall >= 0.9, "recall {recall:.3}\n{misses}");
}
