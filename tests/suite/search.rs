//! Search (issue 5): the files a build writes, and the search page driven in headless Chromium
//! from `file://`, as a reader would use it.

use crate::browser::{file_url, installed_or_skip, Browser, ARROW_DOWN, ENTER};
use crate::common::{files_under, Site};
use chancery::search::tokenize::{for_each_word, Terms};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

const LAVROV_FIRST: &str = "india-russia-foreign-ministers";

#[test]
fn every_build_writes_the_search_page_and_its_index() {
    let site = Site::sample();
    let report = site.build();
    let files = files_under(&site.out());
    let has = |f: &str| files.iter().any(|x| x == f);
    assert!(has("search/index.html") && has("search/meta.js") && has("search.js"));
    assert!(has("search/terms/0.js") && has("search/docs/0.js"));
    assert!(has("search/facets/country-india.js") && has("search/facets/year-2021.js"));
    // Index files are data, not pages: the summary's page count is the HTML files.
    let html = files.iter().filter(|f| f.ends_with(".html")).count();
    assert_eq!(report.pages, html);

    let page = site.read_out("search/index.html");
    assert!(
        page.contains(r#"<script src="../search.js" data-index="./">"#),
        "{page}"
    );
    assert!(
        page.contains("<noscript>"),
        "a message for readers without JavaScript"
    );
    assert!(page.contains(r#"<option value="india">"#), "{page}");
    // Every page's header searches, with or without JavaScript.
    let home = site.read_out("index.html");
    assert!(home.contains(r#"action="search/index.html""#), "{home}");
    let briefing = site.read_out(&format!("briefings/{LAVROV_FIRST}/index.html"));
    assert!(briefing.contains(r#"action="../../search/index.html""#));
    let meta = site.read_out("search/meta.js");
    assert!(meta.starts_with("chanceryIndex.meta({"), "{meta}");
    assert!(
        meta.contains(r#""briefing":["../briefings/","/index.html"]"#),
        "{meta}"
    );
}

#[test]
fn with_a_base_url_search_links_are_pretty_and_not_in_the_sitemap() {
    let site = Site::sample();
    let options = chancery::BuildOptions {
        base_url: Some("https://example.org/briefings/".to_string()),
        ..site.options()
    };
    site.build_with(&options);
    let meta = site.read_out("search/meta.js");
    assert!(
        meta.contains(r#""briefing":["../briefings/","/"]"#),
        "{meta}"
    );
    assert!(site.read_out("index.html").contains(r#"action="search/""#));
    assert!(!site.read_out("sitemap.xml").contains("/search/"));
}

/// Every word of ASCII letters in the sample archive's Markdown, plus words that exercise each
/// rule of the stemmer.
fn vocabulary(content: &Path) -> Vec<String> {
    let mut words = BTreeSet::new();
    for file in files_under(content) {
        let text = std::fs::read_to_string(content.join(file)).unwrap();
        for_each_word(&text, |word, _| {
            if word.len() > 2 && word.bytes().all(|b| b.is_ascii_lowercase()) {
                words.insert(word.to_string());
            }
        });
    }
    let tricky = "generate generously communication arsenal skies skis dying lying tying idly gently \
        ugly early only singly sky news howe atlas cosmos bias andes inning outing canning herring \
        earring proceed exceed succeed cries ties gaps gas kiwis caresses hoping hopping controlling \
        agreed bleed feed relational conditional rational valency hesitancy digitizer conformably \
        radically differently vileness analogous vietnamization predication operator feudalism \
        decisiveness hopefulness callousness formality sensitivity sensibility fearlessly \
        triplicate formative formalize electricity electrical hopeful goodness revival allowance \
        inference airliner gyroscopic adjustable defensible irritant replacement adjustment \
        dependent adoption communism activate angularity homologous effective bowdlerize \
        probate rate cease controll rolling yelling sayings yoyo toy enjoying theirs exceedingly";
    words.extend(tricky.split_whitespace().map(str::to_string));
    words.into_iter().collect()
}

#[test]
fn search_page_in_headless_chromium() {
    let Some(installed) = installed_or_skip("search_page_in_headless_chromium") else {
        return;
    };
    let site = Site::sample();
    site.build();
    let page = site.out().join("search/index.html");
    let browser = Browser::start(&installed);
    let url = file_url(&page);

    browser.open(&url);
    wait_ready(&browser);
    stems_agree_with_rust(&browser, &site.root.join("content"));

    // Typing gives results as you type, the India–Russia briefing first.
    let q = browser.find("#search-q");
    browser.type_into(&q, "Lavrov");
    let all = wait_results(&browser, "Lavrov", "");
    assert_eq!(all.0[0], LAVROV_FIRST, "{all:?}");
    assert!(all.1 > 1, "Lavrov is in several briefings: {all:?}");
    let marked = browser.run(
        "return document.querySelector('.search-result mark').textContent",
        json!([]),
    );
    assert_eq!(marked, json!("Lavrov"), "matched words are highlighted");

    // A country filter narrows the list, and the address keeps query and filter.
    let russia = browser.find("#search-country option[value='russia']");
    browser.click(&russia);
    let narrowed = wait_results(&browser, "Lavrov", "russia");
    assert!(
        narrowed.1 < all.1 && narrowed.1 >= 1,
        "{all:?} -> {narrowed:?}"
    );
    assert_eq!(narrowed.0[0], LAVROV_FIRST);
    let address = browser.run("return location.search", json!([]));
    assert_eq!(address, json!("?q=Lavrov&country=russia"));

    // The same search opened from its address runs on load, filter included.
    browser.open(&format!("{url}?q=Lavrov"));
    let direct = wait_results(&browser, "Lavrov", "");
    assert_eq!(direct.0[0], LAVROV_FIRST);
    assert_eq!(direct.1, all.1);
    browser.open(&format!("{url}?q=Lavrov&country=russia"));
    assert_eq!(wait_results(&browser, "Lavrov", "russia"), narrowed);

    // Inflections, accents and codes: "sanctioned" finds sanctions; "Chandrayaan-3" (the
    // sample's "S-400") and "Galwan" work, whatever the case and accents.
    for (query, expected) in [
        ("sanctioned", None),
        ("chandrayaan3", Some("chandrayaan-3-lunar-landing")),
        ("Chandrayaan-3", Some("chandrayaan-3-lunar-landing")),
        ("GALWÁN", Some("galwan-valley-clash")),
    ] {
        browser.open(&format!("{url}?q={}", urlencode(query)));
        let found = wait_results(&browser, query, "");
        assert!(found.1 >= 1, "{query}: no results");
        if let Some(slug) = expected {
            assert_eq!(found.0[0], slug, "{query}");
        }
    }

    // Keyboard: arrow down from the box to the first result, Enter opens it.
    browser.open(&format!("{url}?q=Lavrov"));
    wait_results(&browser, "Lavrov", "");
    let q = browser.find("#search-q");
    browser.type_into(&q, ARROW_DOWN);
    let focused = browser.run("return document.activeElement.id", json!([]));
    assert_eq!(focused, json!("search-result-0"));
    let first = browser.find("#search-result-0");
    browser.type_into(&first, ENTER);
    browser.wait_until(
        "the briefing to open",
        "return location.pathname.endsWith(arguments[0])",
        json!([format!("briefings/{LAVROV_FIRST}/index.html")]),
    );

    // The header's box on any page leads to the search page with the query.
    browser.open(&file_url(&site.out().join("index.html")));
    let header = browser.find(".site-search input");
    browser.type_into(&header, &format!("Galwan{ENTER}"));
    let from_header = wait_results(&browser, "Galwan", "");
    assert_eq!(from_header.0[0], "galwan-valley-clash");
}

/// Waits for the search page to load its manifest.
fn wait_ready(browser: &Browser) {
    browser.wait_until(
        "the search index to load",
        "return document.documentElement.classList.contains('search-ready')",
        json!([]),
    );
}

/// Waits until the page shows the results of `query` with `country`; returns the slugs shown
/// and the number of results.
fn wait_results(browser: &Browser, query: &str, country: &str) -> (Vec<String>, u64) {
    let script = "var last = window.chanceryIndex && chanceryIndex.last;
        if (!last || last.query !== arguments[0] || last.filters.country !== arguments[1]) return null;
        var slugs = Array.from(document.querySelectorAll('.search-result')).map(function (li) {
            return li.dataset.slug; });
        return [slugs, last.count];";
    let value = browser.wait_until(
        &format!("results for {query:?} in {country:?}"),
        script,
        json!([query, country]),
    );
    let slugs = value[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    (slugs, value[1].as_u64().unwrap())
}

/// The browser's stemmer and query parser give the index's terms for a whole vocabulary.
fn stems_agree_with_rust(browser: &Browser, content: &Path) {
    let terms = Terms::default();
    let words = vocabulary(content);
    assert!(words.len() > 1500, "{} words", words.len());
    let js = browser.run(
        "return arguments[0].map(function (w) { return chanceryIndex.stem(w); })",
        json!([words]),
    );
    let mismatches: Vec<String> = words
        .iter()
        .zip(js.as_array().unwrap())
        .filter(|(w, s)| terms.term(w) != s.as_str().unwrap())
        .map(|(w, s)| format!("{w}: rust {} js {s}", terms.term(w)))
        .collect();
    assert!(
        mismatches.is_empty(),
        "stems differ:\n{}",
        mismatches.join("\n")
    );
    let queries = [
        "S-400 deal",
        "Côte d'Ivoire",
        "Indo-Pacific QUAD",
        "U.S. sanctions",
        "Lavrov’s talks 2021",
        "the of and",
        "Straße ŁÓDŹ İstanbul Ærø",
        "co-operation, 9/11; e.g. x",
    ];
    for query in queries {
        let js = browser.run("return chanceryIndex.terms(arguments[0])", json!([query]));
        let rust: Vec<Value> = terms
            .query_terms(query)
            .into_iter()
            .map(Value::from)
            .collect();
        assert_eq!(js, Value::from(rust), "query {query:?}");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Measures a built archive (issue 5's figures). Not part of `cargo test`:
///
/// ```sh
/// CHANCERY_MEASURE_SITE=/dev/shm/out-10k cargo test --release --test tests measure_search -- --ignored --nocapture
/// ```
///
/// Serves the folder on a local port (so the browser reports bytes), then for each query opens
/// the search page afresh, types the query key by key, and prints the time from the last
/// keystroke to results on screen, the slowest keystroke, and the bytes the query loaded.
#[test]
#[ignore]
fn measure_search() {
    let Some(site) = std::env::var_os("CHANCERY_MEASURE_SITE") else {
        eprintln!("set CHANCERY_MEASURE_SITE to a built archive");
        return;
    };
    let installed = installed_or_skip("measure_search").expect("chromium");
    let server = crate::browser::serve(Path::new(&site));
    let browser = Browser::start(&installed);
    let queries = std::env::var("CHANCERY_MEASURE_QUERIES").unwrap_or_else(|_| {
        "sanctions|Kazakhstan pipeline|foreign minister|humanitarian access|S-400|elect".into()
    });
    let page = format!("{}/search/index.html", server.url);
    println!("query | results | last keystroke ms | slowest keystroke ms | first-query bytes | page-load bytes");
    for query in queries.split('|') {
        browser.open(&page);
        wait_ready(&browser);
        let loaded: f64 = resource_bytes(&browser, true).iter().sum();
        browser.run(
            "performance.clearResourceTimings(); chanceryIndex.history = [];",
            json!([]),
        );
        let q = browser.find("#search-q");
        for c in query.chars() {
            browser.type_into(&q, &c.to_string());
        }
        let (_, count) = wait_results(&browser, query, "");
        let times = browser.run(
            "return chanceryIndex.history.map(function (h) { return h.ms; })",
            json!([]),
        );
        let times: Vec<f64> = times
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        let last = times.last().copied().unwrap_or(f64::NAN);
        let slowest = times.iter().copied().fold(0.0, f64::max);
        let bytes: f64 = resource_bytes(&browser, false).iter().sum();
        println!("{query} | {count} | {last:.1} | {slowest:.1} | {bytes:.0} | {loaded:.0}");
    }
}

/// Bytes of every resource the page has loaded since timings were last cleared, and of the
/// page itself with `page`.
fn resource_bytes(browser: &Browser, page: bool) -> Vec<f64> {
    let sizes = browser.run(
        "var kinds = arguments[0] ? ['resource', 'navigation'] : ['resource'];
        return [].concat.apply([], kinds.map(function (k) {
            return performance.getEntriesByType(k).map(function (e) { return e.encodedBodySize; });
        }));",
        json!([page]),
    );
    sizes
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(0.0))
        .collect()
}
