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

    // Words no briefing had before, in the body and in a summary: new search terms.
    edit(
        &site,
        TALKS,
        "Sergei Lavrov held long talks",
        "Sergei Lavrov held quetzalcoatlian talks",
    );
    cached_equals_full(&site, "body edit with a new word");
    edit(&site, TALKS, "summary: ", "summary: A zyzzogeton summary. ");
    cached_equals_full(&site, "summary edit with a new word");

    // A topic's name is its most common spelling: respelling it in most of its briefings
    // renames it in the others too, which are not read again but whose search terms change
    // ("Indo Pacific" has no joined "indopacific").
    let indo_pacific = files_with(&site, "Indo-Pacific");
    let respelled: Vec<&String> = indo_pacific
        .iter()
        .skip(1)
        .filter(|path| {
            let path = site.root.join(path);
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(line) = text.lines().find(|l| l.starts_with("topics:")) else {
                return false;
            };
            let fixed = line.replace("Indo-Pacific", "Indo Pacific");
            std::fs::write(&path, text.replacen(line, &fixed, 1)).unwrap();
            fixed != line
        })
        .collect();
    assert!(respelled.len() >= 3, "{respelled:?}");
    cached_equals_full(&site, "topic respelled in most briefings");

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

/// The briefings (paths relative to the root) whose text contains `needle`.
fn files_with(site: &Site, needle: &str) -> Vec<String> {
    files_under(&site.root.join("content"))
        .into_iter()
        .filter(|name| {
            std::fs::read_to_string(site.root.join("content").join(name))
                .unwrap()
                .contains(needle)
        })
        .map(|name| format!("content/{name}"))
        .collect()
}

/// The inode of every file under `search/`, by path.
#[cfg(unix)]
fn search_inodes(site: &Site) -> std::collections::HashMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    files_under(&site.out().join("search"))
        .into_iter()
        .map(|name| {
            let inode = std::fs::metadata(site.out().join("search").join(&name))
                .unwrap()
                .ino();
            (name, inode)
        })
        .collect()
}

/// Editing one briefing's body rewrites only the search files it shows in: the others are the
/// previous build's files, hard-linked.
#[cfg(unix)]
#[test]
fn one_edit_rewrites_only_the_search_files_that_change() {
    let site = Site::sample();
    // Files written within the racy margin of a build are read again by the next.
    std::thread::sleep(std::time::Duration::from_millis(150));
    site.build();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let before = search_inodes(&site);
    edit(
        &site,
        TALKS,
        "Sergei Lavrov held talks",
        "Sergei Lavrov held xylophonic talks",
    );
    let report = site.build();
    assert_eq!(report.files_parsed, 1);
    let after = search_inodes(&site);
    assert_eq!(
        before.keys().collect::<std::collections::BTreeSet<_>>(),
        after.keys().collect(),
        "the same files"
    );
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(name, inode)| before[*name] != **inode)
        .map(|(name, _)| name)
        .collect();
    assert!(
        rewritten.iter().any(|name| name.starts_with("terms/")),
        "the new word's shard is written: {rewritten:?}"
    );
    assert!(
        rewritten.len() * 4 < after.len(),
        "{} of {} search files rewritten: {rewritten:?}",
        rewritten.len(),
        after.len()
    );
    let all_terms: String = files_under(&site.out().join("search/terms"))
        .iter()
        .map(|name| site.read_out(&format!("search/terms/{name}")))
        .collect();
    assert!(all_terms.contains("\"xylophon"), "the new word is indexed");
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
    let mut options = site.options();
    options.base_url = Some(BASE_URL.to_string());
    site.build_with(&options);
    std::thread::sleep(std::time::Duration::from_millis(150));
    // A fingerprinted page, an index page and the sitemap (neither has a fingerprint), and a
    // static file.
    for page in [
        "countries/india/index.html",
        "countries/index.html",
        "sitemap.xml",
        "style.css",
    ] {
        std::fs::remove_file(site.out().join(page)).unwrap();
        let report = site.build_with(&options);
        assert!(site.out().join(page).is_file(), "{page} is back");
        assert!(report.pages_reused > 0);
        assert!(!stopped_early(&report), "{page}: the build went on");
    }
}

/// Whether the build stopped as soon as it saw that nothing had changed.
fn stopped_early(report: &chancery::BuildReport) -> bool {
    let stages: Vec<&str> = report.timings.iter().map(|(stage, _)| *stage).collect();
    match stages.as_slice() {
        ["config+load", "up to date"] => true,
        [.., "cache"] => false,
        other => panic!("unexpected stages {other:?}"),
    }
}

/// With nothing changed, a build stops after reading the cache and walking the files: it
/// reports what the last build built, warnings included. Any change to what a build reads
/// takes the usual way (where the cache still spares the unchanged work).
#[test]
fn a_build_with_nothing_changed_stops_before_parsing() {
    let site = Site::sample();
    site.write(
        "content/briefings/2024-06-01-typo.md",
        "---\ntitle: Typo\ndate: 2024-06-01\ncountrys: [India]\n---\nx\n",
    );
    // Files written within the racy margin of a build are read again by the next.
    std::thread::sleep(std::time::Duration::from_millis(150));
    let first = site.build();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let again = site.build();
    assert!(stopped_early(&again));
    let counts = |r: &chancery::BuildReport| (r.briefings, r.countries, r.topics, r.pages);
    assert_eq!(counts(&again), counts(&first));
    assert_eq!(again.static_files, first.static_files);
    assert_eq!((again.files_parsed, again.pages_reused), (0, again.pages));
    let warnings =
        |r: &chancery::BuildReport| r.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(warnings(&again), warnings(&first));
    assert!(warnings(&again).iter().any(|w| w.contains("countrys")));

    site.write("templates/partials/card.html", "<div>{{ a.title }}</div>\n");
    assert!(!stopped_early(&site.build()), "a template changed");
    std::thread::sleep(std::time::Duration::from_millis(150));
    site.write("static/extra.css", "body { color: red }\n");
    assert!(!stopped_early(&site.build()), "a static file was added");
    std::thread::sleep(std::time::Duration::from_millis(150));
    edit(&site, TALKS, "title: ", "title: Revised — ");
    assert!(!stopped_early(&site.build()), "a briefing changed");
    std::thread::sleep(std::time::Duration::from_millis(150));
    std::fs::remove_file(site.root.join("content/briefings/2024-06-01-typo.md")).unwrap();
    assert!(!stopped_early(&site.build()), "a briefing was removed");
    std::thread::sleep(std::time::Duration::from_millis(150));
    assert!(stopped_early(&site.build()), "nothing changed since");
    let mut drafts = site.options();
    drafts.drafts = true;
    assert!(!stopped_early(&site.build_with(&drafts)), "other options");
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

/// The cache file (bincode, `extra` as JSON text) reads back as the cache that was saved,
/// briefings with every kind of field included, and it is what the next build uses.
#[test]
fn the_saved_cache_reads_back_as_it_was() {
    let site = Site::fixture("basic");
    for n in 0..600 {
        let front = format!(
            "title: Note {n}\ndate: 2024-01-{:02}\ncountries: [France]",
            n % 28 + 1
        );
        site.write(
            &format!("content/notes/note-{n}.md"),
            &crate::common::briefing(&front, "Text."),
        );
    }
    let front = "title: Extra\ndate: 2024-02-01\ncountries: [France]\n\
                 source: {name: Wire, url: https://example.org/w}\n\
                 extra: {score: 3, tags: [a, b], nested: {x: 1.5, y: null}}";
    site.write(
        "content/notes/extra.md",
        &crate::common::briefing(front, "See [one](note-1.md) and [none](nowhere.md)."),
    );
    // Files written just before a build are read again by the next (see RACY_MARGIN_NS).
    std::thread::sleep(std::time::Duration::from_millis(150));
    site.build();
    let bytes = std::fs::read(chancery::cache::cache_path(&site.out())).unwrap();
    let cache = chancery::cache::BuildCache::from_bytes(&bytes).expect("the cache reads back");
    assert!(cache.briefings.len() > 600, "{}", cache.briefings.len());
    assert!(!cache.pages.is_empty() && !cache.vocabulary.is_empty());
    let extra = &cache.briefings["notes/extra.md"];
    assert_eq!(
        serde_json::Value::Object(extra.extra.clone()),
        serde_json::json!({"extra": {"score": 3, "tags": ["a", "b"], "nested": {"x": 1.5, "y": null}}})
    );
    assert_eq!(extra.source.as_ref().map(|s| s.name.as_str()), Some("Wire"));
    assert_eq!(extra.links.len(), 2, "{:?}", extra.links);
    // Saved again and read back, it is the same cache.
    let again = chancery::cache::BuildCache::from_bytes(&cache.to_bytes()).unwrap();
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&cache).unwrap()
    );
    // Written from borrowed parts, as a build saves it, it reads back as the same cache.
    let briefings: Vec<(String, chancery::cache::CachedBriefing)> = cache
        .briefings
        .iter()
        .map(|(path, record)| (path.clone(), record.clone()))
        .collect();
    let pages: Vec<(&str, u64)> = cache.pages.iter().map(|(p, f)| (p.as_str(), *f)).collect();
    let vocabulary: Vec<Box<str>> = cache.vocabulary.iter().map(|t| t.as_str().into()).collect();
    let head = chancery::cache::CacheHead {
        key: &cache.key,
        static_files: cache.static_files,
        started_ns: cache.started_ns,
        settings: cache.settings,
        summary: &cache.summary,
        briefings: &briefings,
        pages: &pages,
    };
    let borrowed = head.to_bytes(&chancery::cache::CacheTail {
        vocabulary: &vocabulary,
        build_id: &cache.build_id,
        search_files: &cache.search_files,
    });
    // The same bytes as the cache itself writes.
    assert_eq!(borrowed, cache.to_bytes());
    let from_parts = chancery::cache::BuildCache::from_bytes(&borrowed).unwrap();
    assert_eq!(
        serde_json::to_value(&from_parts).unwrap(),
        serde_json::to_value(&cache).unwrap()
    );
    // Anything else in its place (an older JSON cache, a cut-off file) means a full build.
    assert!(chancery::cache::BuildCache::from_bytes(&bytes[..bytes.len() / 2]).is_none());
    assert!(chancery::cache::BuildCache::from_bytes(b"{\"key\": \"x\"}").is_none());
    assert_eq!(site.build().files_parsed, 0, "the next build uses it");
}

/// Turning optional parts off and on again (site.yaml's `disable:`) gives what a full build
/// gives each time: in particular a cache written without the search index (whose briefings
/// were not tokenised) does not leave the index empty once search is back.
#[test]
fn disabling_and_enabling_parts_matches_full_builds() {
    let site = Site::sample();
    cached_equals_full(&site, "every part");
    let yaml = site.disable("regions, archive, search, term_feeds");
    cached_equals_full(&site, "parts disabled");
    assert!(!site.out().join("search").exists());
    assert!(!site.out().join("regions").exists());
    let mut options = site.options();
    options.base_url = Some(BASE_URL.to_string());
    std::thread::sleep(std::time::Duration::from_millis(150));
    let again = site.build_with(&options);
    assert!(stopped_early(&again), "nothing changed, search disabled");

    site.write("site.yaml", &yaml);
    cached_equals_full(&site, "parts enabled again");
    let terms = std::fs::read_dir(site.out().join("search/terms")).unwrap();
    assert!(terms.count() > 0, "the index has its terms again");
}
