//! The default theme (issue 4): valid HTML on every kind of page (the Nu HTML Checker), no
//! serious accessibility violation (axe-core in headless Chromium, light and dark), no sideways
//! scrolling at 360 px, the CSS+JS budget, the world map and the country page's profile.
//!
//! The checkers come from npm: `npm ci --prefix tests/js` installs vnu.jar (run with `java`) and
//! axe-core; `.ci/run` does it. Without them these tests fail, saying what to install, unless
//! `CHANCERY_SKIP_THEME_CHECKS` is set (then they say loudly that they skipped).

use crate::browser::{file_url, installed_or_skip, Browser};
use crate::common::{manifest_dir, Site};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One page of every kind the default theme renders, in the sample archive.
const PAGE_KINDS: &[&str] = &[
    "index.html",
    "page/2/index.html",
    "briefings/india-russia-foreign-ministers/index.html",
    "countries/index.html",
    "countries/china/index.html",
    "countries/china/page/2/index.html",
    "topics/index.html",
    "topics/diplomacy/index.html",
    "regions/asia/index.html",
    "archive/index.html",
    "archive/2021/index.html",
    "archive/2021/04/index.html",
    "search/index.html",
    "404.html",
];

/// The pages the issue names for the accessibility check.
const AXE_PAGES: &[&str] = &[
    "index.html",
    "briefings/india-russia-foreign-ministers/index.html",
    "countries/india/index.html",
    "countries/index.html",
    "topics/index.html",
];

/// The theme's CSS and JS, map aside, must stay under this (bytes, before compression).
const CSS_JS_BUDGET: u64 = 60 * 1024;
/// The countries index, map included, must stay under this.
const COUNTRIES_PAGE_BUDGET: u64 = 100 * 1024;

/// A checker that is missing: fail with what to install, or skip loudly when told to.
fn missing(test: &str, what: &str) -> Option<()> {
    if std::env::var_os("CHANCERY_SKIP_THEME_CHECKS").is_some() {
        eprintln!(
            "\n!!!!!!!! {test} SKIPPED (CHANCERY_SKIP_THEME_CHECKS is set): {what} !!!!!!!!\n"
        );
        return None;
    }
    panic!(
        "{test}: {what}. Install the checkers with `npm ci --prefix tests/js` (and Java for vnu: \
         apt-get install default-jre-headless), or set CHANCERY_SKIP_THEME_CHECKS=1 to skip"
    );
}

/// An npm-installed file under `tests/js/node_modules` (or the path in `var`). The first call
/// in a fresh clone installs the locked checkers (`npm ci`, once, into the git-ignored
/// `tests/js/node_modules`: the one thing the tests write into the repository), so the
/// README's `cargo test` works without a separate install step wherever npm is.
fn checker_file(var: &str, relative: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    install_checkers();
    manifest_dir().join("tests/js/node_modules").join(relative)
}

/// The files [`checker_file`] is asked for: when all are there, nothing is installed.
const CHECKER_FILES: &[&str] = &["vnu-jar/build/dist/vnu.jar", "axe-core/axe.min.js"];

/// `npm ci` in `tests/js` when a checker is missing, at most once per test run; a failure is
/// left for the caller's missing-file message. Every caller waits here until the install is
/// over: a test that looked for its file on its own could find it half written by another
/// test's install, and java called a half-written vnu.jar corrupt.
fn install_checkers() {
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        let modules = manifest_dir().join("tests/js/node_modules");
        if CHECKER_FILES
            .iter()
            .all(|file| modules.join(file).is_file())
        {
            return;
        }
        // --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the jar
        // itself is in the package.
        let status = Command::new("npm")
            .args([
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(manifest_dir().join("tests/js"))
            .stdout(std::process::Stdio::null())
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("could not install the theme's checkers with `npm ci --prefix tests/js`");
        }
    });
}

fn sample_built() -> Site {
    let site = Site::sample();
    site.build();
    site
}

#[test]
fn every_page_kind_passes_the_nu_html_checker() {
    let test = "every_page_kind_passes_the_nu_html_checker";
    let jar = checker_file("VNU_JAR", "vnu-jar/build/dist/vnu.jar");
    if !jar.is_file() {
        return missing(test, &format!("no vnu.jar at {}", jar.display())).unwrap_or(());
    }
    let java_works = Command::new("java").arg("-version").output().is_ok();
    if !java_works {
        return missing(test, "`java` is not installed").unwrap_or(());
    }
    let site = sample_built();
    // With a base URL too: canonical links, feed links and the 404 page's absolute links.
    let pretty = Site::sample();
    let options = chancery::BuildOptions {
        base_url: Some("https://example.org/briefings/".to_string()),
        ..pretty.options()
    };
    pretty.build_with(&options);
    let mut files: Vec<PathBuf> = PAGE_KINDS.iter().map(|p| site.out().join(p)).collect();
    files.extend(
        ["404.html", "countries/india/index.html", "index.html"]
            .iter()
            .map(|p| pretty.out().join(p)),
    );
    for file in &files {
        assert!(file.is_file(), "the build wrote {}", file.display());
    }
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json"])
        .args(&files)
        .output()
        .expect("java runs vnu.jar");
    let report: Value = serde_json::from_slice(&output.stderr)
        .or_else(|_| serde_json::from_slice(&output.stdout))
        .unwrap_or_else(|e| {
            panic!(
                "vnu gave no JSON ({e}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .expect("vnu's messages")
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            format!(
                "{}:{}: {} [{}]",
                m["url"].as_str().unwrap_or("?"),
                m["lastLine"],
                m["message"].as_str().unwrap_or("?"),
                m["extract"].as_str().unwrap_or("").trim()
            )
        })
        .collect();
    assert!(errors.is_empty(), "vnu errors:\n{}", errors.join("\n"));
}

/// Runs axe-core on the open page; returns its serious and critical violations, summarised.
fn axe_violations(browser: &Browser, axe_source: &str) -> Vec<Value> {
    browser.run(axe_source, json!([]));
    let script = "return axe.run(document, {resultTypes: ['violations']}).then(r => \
        r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => \
        ({id: v.id, impact: v.impact, help: v.help, \
          nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)})))";
    let result = browser.run(script, json!([]));
    result
        .as_array()
        .unwrap_or_else(|| panic!("axe-core ran and gave a list: {result}"))
        .clone()
}

/// Sets the colour scheme the page's CSS sees (`prefers-color-scheme`).
fn emulate_scheme(browser: &Browser, scheme: &str) {
    browser.cdp(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
    );
}

#[test]
fn axe_finds_no_serious_violations_in_light_or_dark() {
    let test = "axe_finds_no_serious_violations_in_light_or_dark";
    let axe = checker_file("AXE_CORE_JS", "axe-core/axe.min.js");
    if !axe.is_file() {
        return missing(test, &format!("no axe-core at {}", axe.display())).unwrap_or(());
    }
    let Some(installed) = installed_or_skip(test) else {
        return;
    };
    let axe_source = std::fs::read_to_string(&axe).expect("axe-core reads");
    let site = sample_built();
    let browser = Browser::start(&installed);
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        for page in AXE_PAGES {
            browser.open(&file_url(&site.out().join(page)));
            emulate_scheme(&browser, scheme);
            let dark = browser.run(
                "return matchMedia('(prefers-color-scheme: dark)').matches",
                json!([]),
            );
            assert_eq!(dark, json!(scheme == "dark"), "the {scheme} scheme applies");
            for violation in axe_violations(&browser, &axe_source) {
                found.push(format!("{page} ({scheme}): {violation:#}"));
            }
        }
    }
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
}

#[test]
fn no_page_scrolls_sideways_at_360_px() {
    let test = "no_page_scrolls_sideways_at_360_px";
    let Some(installed) = installed_or_skip(test) else {
        return;
    };
    let site = sample_built();
    let browser = Browser::start(&installed);
    browser.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": true}),
    );
    let mut wide = Vec::new();
    for page in PAGE_KINDS {
        browser.open(&file_url(&site.out().join(page)));
        let width = browser.run("return document.documentElement.scrollWidth", json!([]));
        if width.as_u64().is_none_or(|w| w > 360) {
            wide.push(format!("{page}: {width} px wide"));
        }
    }
    assert!(
        wide.is_empty(),
        "pages wider than the screen:\n{}",
        wide.join("\n")
    );
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .len()
}

#[test]
fn the_themes_css_and_js_stay_within_budget() {
    let site = sample_built();
    let mut total = 0;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(site.out()).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str());
        if matches!(ext, Some("css" | "js")) {
            total += size(&path);
            files.push(format!("{} {}", path.display(), size(&path)));
        }
    }
    assert!(
        files.len() >= 3,
        "style.css, syntax.css, search.js: {files:?}"
    );
    assert!(
        total < CSS_JS_BUDGET,
        "CSS+JS is {total} bytes, over {CSS_JS_BUDGET}: {files:#?}"
    );
    let countries = size(&site.out().join("countries/index.html"));
    assert!(
        countries < COUNTRIES_PAGE_BUDGET,
        "countries/index.html is {countries} bytes"
    );
}

#[test]
fn the_world_map_links_each_mapped_country_shaded_by_count() {
    let site = sample_built();
    let page = site.read_out("countries/index.html");
    let svg_start = page.find("<svg class=\"world-map\"").expect("a world map");
    let svg = &page[svg_start..page[svg_start..].find("</svg>").unwrap() + svg_start];
    // India (10) and China (13, the most) are drawn and link to their pages; the European Union
    // has no shape and is only in the list.
    assert!(
        svg.contains(r#"<a href="../countries/india/index.html" class="m5"><title>India: 10 briefings</title><path d="M"#),
        "{}",
        &svg[..2000.min(svg.len())]
    );
    assert!(svg.contains(
        r#"<a href="../countries/china/index.html" class="m5"><title>China: 13 briefings</title>"#
    ));
    assert!(!svg.contains("european-union"));
    assert!(page.contains(r#"href="../countries/european-union/index.html""#));
    // Small countries are dots (Bahrain and Singapore are too small for 1:110m shapes).
    assert!(svg.contains("<title>Bahrain: 1 briefing</title><circle"));
    // The legend explains the shades in use, lightest first.
    assert!(page.contains(r#"<span class="swatch m1"></span>1</span> <span class="legend-step"><span class="swatch m2"></span>2</span>"#), "{page}");
    // Every country in the list links to its region, and region pages exist.
    assert!(page.contains(r#"<section class="region-group" id="asia">"#));
    assert!(page.contains(r#"href="../regions/asia/index.html""#));
}

#[test]
fn a_country_page_shows_coverage_and_what_it_is_seen_with() {
    let site = sample_built();
    let india = site.read_out("countries/india/index.html");
    assert!(
        india.contains(r#"<div class="coverage-chart"><svg"#),
        "{india}"
    );
    assert!(india.contains("aria-label=\"Briefings on India per month, "));
    // Every one of India's briefings is a bar's worth, not only those on the page.
    let bars: usize = india
        .match_indices("</title></rect>")
        .map(|(at, _)| {
            let title = &india[india[..at].rfind("<title>").unwrap() + 7..at];
            title.rsplit(": ").next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(bars, 10);
    assert!(india.contains("Countries in the same briefings"));
    assert!(india.contains(r#"href="../../countries/china/index.html">"#));
    assert!(
        india.contains(r#"China <span class="n">9</span>"#),
        "{india}"
    );
    assert!(india.contains(r#"diplomacy <span class="n">5</span>"#));
    // Its region and subregion link to their pages.
    assert!(india.contains(r#"<a href="../../regions/asia/index.html">Asia</a>"#));
    assert!(india.contains(r#"<a href="../../regions/southern-asia/index.html">Southern Asia</a>"#));
    // The profile is on the first page only.
    let china_2 = site.read_out("countries/china/page/2/index.html");
    assert!(!china_2.contains("coverage-chart"));
    assert!(china_2.contains("Page 2 of 2"));
    // Topic pages have one too, with their description.
    let topic = site.read_out("topics/diplomacy/index.html");
    assert!(topic.contains("coverage-chart") && topic.contains(r#"class="description""#));
}

#[test]
fn briefing_pages_show_what_a_reader_needs() {
    let site = sample_built();
    let page = site.read_out("briefings/india-russia-foreign-ministers/index.html");
    for needle in [
        r#"<nav class="breadcrumbs""#,
        r#"<time datetime="2021-04-06"#,
        "New Delhi",
        "min read",
        r#"class="chip chip-country" href="../../countries/india/index.html"><span class="flag" aria-hidden="true">🇮🇳</span>"#,
        r#"class="chip chip-topic" href="../../topics/diplomacy/index.html""#,
        "Related briefings",
        r#"rel="prev""#,
        r#"rel="next""#,
    ] {
        assert!(page.contains(needle), "no {needle} in {page}");
    }
}
