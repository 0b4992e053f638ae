//! The build cache: a build that reuses the last one's work gives byte-for-byte the output of a
//! full build, after every kind of change; and it really does reuse.

use crate::common::{files_under, Site};
use chancery::BuildOptions;
use std::path::Path;

const BASE_URL: &str = "https://example.org/archive/";

/// Every output file but the marker (which holds the build id), with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .filter(|name| name != ".chancery-output")
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Builds `site` with the cache into its `public/`, and without into a fresh folder; asserts the
/// two outputs are identical, and returns the cached build's report.
fn cached_equals_full(site: &Site, step: &str) -> chancery::BuildReport {
    // Files written within the racy margin are re-read anyway; wait it out so the cache is
    // really exercised.
    std::thread::sleep(std::time::Duration::from_millis(150));
    let mut options = site.options();
    options.base_url = Some(BASE_URL.to_string());
    let cached = site.build_with(&options);
    let full_out = site.tmp().join(format!("full-{}", step.replace(' ', "-")));
    let full = BuildOptions {
        out: Some(full_out.clone()),
        no_cache: true,
        ..options
    };
    let full = site.build_with(&full);
    let warnings =
        |r: &chancery::BuildReport| r.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(
        warnings(&cached),
        warnings(&full),
        "{step}: the same warnings"
    );
    let (a, b) = (tree(&site.out()), tree(&full_out));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{step}: the same files");
    for ((name, cached_bytes), (_, full_bytes)) in a.iter().zip(&b) {
        assert!(
            cached_bytes == full_bytes,
            "{step}: {name} differs between the cached and the full build"
        );
    }
    cached
}

fn edit(site: &Site, relative: &str, from: &str, to: &str) {
    let path = site.root.join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{relative} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const TALKS: &str = "content/briefings/2021-04-06-india-russia-foreign-ministers.md";

#[test]
fn cached_builds_match_full_builds_after_every_kind_of_change() {
    let site = Site::sample();
    let first = cached_equals_full(&site, "first build");
    assert_eq!(first.pages_reused, 0, "nothing to reuse the first time");

    let again = cached_equals_full(&site, "no change");
    assert_eq!(again.files_parsed, 0, "no briefing is read again");
    assert_eq!(again.pages_reused, again.pages, "every page is reused");

    edit(
        &site,
        TALKS,
        "Sergei Lavrov held talks",
        "Sergei Lavrov held long talks",
    );
    let body = cached_equals_full(&site, "body edit");
    assert_eq!(body.files_parsed, 1);
    assert!(
        body.pages_reused > body.pages / 2,
        "{} of {}",
        body.pages_reused,
        body.pages
    );

    edit(&site, TALKS, "title: ", "title: Revised — ");
    cached_equals_full(&site, "title edit");

    edit(&site, TALKS, "countries: [", "countries: [Japan, ");
    cached_equals_full(&site, "countries edit");

    site.write(
        "content/briefings/2024-05-01-new-briefing.md",
        "---\ntitle: A new one\ndate: 2024-05-01\ncountries: [India]\ntopics: [trade]\n---\n\
         See [the talks](2021-04-06-india-russia-foreign-ministers.md).\n",
    );
    cached_equals_full(&site, "added briefing");

    std::fs::rename(
        site.root.join(TALKS),
        site.root
            .join("content/briefings/2021-04-06-lavrov-in-delhi.md"),
    )
    .unwrap();
    cached_equals_full(&site, "renamed briefing (links to it change)");

    std::fs::remove_file(
        site.root
            .join("content/briefings/2024-05-01-new-briefing.md"),
    )
    .unwrap();
    cached_equals_full(&site, "deleted briefing");

    site.write(
        "templates/partials/card.html",
        "<div class=\"card\"><a href=\"{{ a.url }}\">{{ a.title }}</a></div>\n",
    );
    cached_equals_full(&site, "template change");

    edit(&site, "site.yaml", "title: ", "title: Renamed ");
    cached_equals_full(&site, "site.yaml change");

    site.write("static/extra.css", "body { color: red }\n");
    cached_equals_full(&site, "static file added");

    // A static file may stand where a page would be; removing it brings the page back.
    site.write("static/topics/index.html", "<p>hand-made topics page</p>\n");
    cached_equals_full(&site, "static file shadows a page");
    std::fs::remove_file(site.root.join("static/topics/index.html")).unwrap();
    cached_equals_full(&site, "shadowing static file removed");

    // Warnings survive the cache, drafts' included.
    site.write(
        "content/briefings/2024-06-01-draft.md",
        "---\ntitle: Draft\ndate: 2024-06-01\ndraft: true\ncountrys: [India]\n---\nx\n",
    );
    cached_equals_full(&site, "draft with a warning");
    cached_equals_full(&site, "draft with a warning, again");
}

#[test]
fn no_cache_and_a_foreign_output_mean_a_full_build() {
    let site = Site::sample();
    site.build();
    let mut options = site.options();
    options.no_cache = true;
    let report = site.build_with(&options);
    assert_eq!(report.pages_reused, 0);
    assert!(report.files_parsed > 0);
    // Replacing the output behind chancery's back invalidates the cache.
    std::fs::remove_dir_all(site.out()).unwrap();
    let report = site.build();
    assert_eq!(report.pages_reused, 0);
}

#[test]
fn a_deleted_output_file_is_rendered_again() {
    let site = Site::sample();
    site.build();
    std::thread::sleep(std::time::Duration::from_millis(150));
    std::fs::remove_file(site.out().join("countries/india/index.html")).unwrap();
    let report = site.build();
    assert!(site.out().join("countries/india/index.html").is_file());
    assert!(report.pages_reused > 0);
}

/// A country's first page shows its coverage over time and the terms seen with it, counted over
/// all its briefings: changing one that is listed only on a later page must still re-render it.
#[test]
fn a_country_page_follows_briefings_listed_on_later_pages() {
    let site = Site::sample();
    cached_equals_full(&site, "first build");
    // China's oldest briefing, on the second page of its list.
    let old = "content/briefings/2019-08-05-india-jammu-kashmir-article-370.md";
    edit(&site, old, "topics: [", "topics: [sanctions, ");
    cached_equals_full(&site, "topic added to a briefing on page 2");
    edit(&site, old, "date: 2019-08-05", "date: 2019-10-05");
    cached_equals_full(&site, "briefing on page 2 moved to another month");
}
