//! The sample archive, built and crawled: every relative link and source leads to a file.

use crate::common::{files_under, Site};
use chancery::BuildOptions;
use std::path::{Component, Path, PathBuf};

/// The values of every `href="..."` and `src="..."` attribute in `html`.
fn attribute_values(html: &str) -> Vec<String> {
    let mut values = Vec::new();
    for attribute in ["href=", "src="] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            let before = rest[..at].chars().last();
            rest = &rest[at + attribute.len()..];
            // `data-src=` and the like are not links.
            if before.is_some_and(|c| !c.is_whitespace()) {
                continue;
            }
            let Some(quote) = rest.chars().next().filter(|q| *q == '"' || *q == '\'') else {
                continue;
            };
            let end = rest[1..].find(quote).expect("closing quote");
            values.push(rest[1..end + 1].replace("&amp;", "&"));
            rest = &rest[end + 1..];
        }
    }
    values
}

/// True for links that leave the site or stay on the page.
fn is_external(link: &str) -> bool {
    let scheme = link.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    scheme || link.starts_with("//") || link.starts_with('#') || link.is_empty()
}

/// `link` seen from the page `page` (relative to `out`), as a file on disk, if it stays inside.
fn resolve(out: &Path, page: &str, link: &str) -> Option<PathBuf> {
    let link = link.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in link.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut path = out.to_path_buf();
    path.extend(&parts);
    if link.ends_with('/') || link.is_empty() {
        path.push("index.html");
    }
    debug_assert!(path.components().all(|c| c != Component::ParentDir));
    Some(path)
}

/// Every broken relative link of the site in `out`, as `page -> link`. Checks `check` on each
/// relative link too.
fn crawl(out: &Path, check: &dyn Fn(&str, &str)) -> (Vec<String>, usize) {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in files_under(out).iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        for link in attribute_values(&html) {
            if is_external(&link) {
                continue;
            }
            check(page, &link);
            checked += 1;
            match resolve(out, page, &link) {
                Some(target) if target.is_file() => {}
                _ => broken.push(format!("{page} -> {link}")),
            }
        }
    }
    (broken, checked)
}

#[test]
fn the_scanner_finds_links() {
    let html = r#"<a href="a/index.html">x</a><img src='i.png'><div data-src="no"></div><a class="x" href="https://e.org/">"#;
    assert_eq!(
        attribute_values(html),
        ["a/index.html", "https://e.org/", "i.png"]
    );
    assert!(is_external("mailto:x@y.org") && is_external("#top") && is_external("//cdn/x"));
    assert!(!is_external("../a/index.html"));
    let out = Path::new("/o");
    assert_eq!(
        resolve(out, "a/b/index.html", "../../c/#f"),
        Some(PathBuf::from("/o/c/index.html"))
    );
    assert_eq!(resolve(out, "index.html", "../x"), None);
}

#[test]
fn sample_links_without_base_url_name_index_html() {
    let site = Site::sample();
    let out = site.tmp().join("out");
    let options = BuildOptions {
        out: Some(out.clone()),
        base_url: None,
        ..site.options()
    };
    let report = site.build_with(&options);
    assert!(!report.feeds_written);
    let (broken, checked) = crawl(&out, &|page, link| {
        assert!(
            !link.split(['#', '?']).next().unwrap().ends_with('/'),
            "{page}: `{link}` needs an explicit index.html for file://"
        );
        assert!(!link.starts_with('/'), "{page}: `{link}` is not relative");
    });
    assert!(checked > 1000, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn sample_links_with_base_url_are_pretty() {
    let site = Site::sample();
    let out = site.tmp().join("out");
    let options = BuildOptions {
        out: Some(out.clone()),
        base_url: Some("https://example.org/briefings/".to_string()),
        ..site.options()
    };
    let report = site.build_with(&options);
    assert!(report.feeds_written);
    let (broken, checked) = crawl(&out, &|page, link| {
        let path = link.split(['#', '?']).next().unwrap();
        assert!(
            !path.ends_with("index.html"),
            "{page}: `{link}` should be pretty with a base_url"
        );
        assert!(!link.starts_with('/'), "{page}: `{link}` is not relative");
    });
    assert!(checked > 1000, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // The absolute links (404 page, feeds) stay on the base URL and lead to files too.
    let absolute = std::fs::read_to_string(out.join("404.html")).unwrap();
    for link in attribute_values(&absolute) {
        if let Some(path) = link.strip_prefix("https://example.org/briefings/") {
            let target = resolve(
                &out,
                "index.html",
                if path.is_empty() { "./" } else { path },
            );
            assert!(target.is_some_and(|t| t.is_file()), "404.html -> {link}");
        }
    }
}

#[test]
fn sample_archive_shape() {
    let site = Site::sample();
    let report = site.build();
    let out = site.out();
    let count = |dir: &str| {
        std::fs::read_dir(out.join(dir))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_type().unwrap().is_dir())
            .count()
    };
    assert!(report.briefings >= 16, "{} briefings", report.briefings);
    assert_eq!(count("briefings"), report.briefings);
    assert!(report.countries >= 12, "{} countries", report.countries);
    assert_eq!(count("countries"), report.countries);
    assert!(count("regions") >= 4, "{} regions", count("regions"));
    assert!(report.topics >= 10, "{} topics", report.topics);
    assert_eq!(count("topics"), report.topics);
    assert!(count("archive") >= 4, "{} years", count("archive"));
    assert!(out.join("page/2/index.html").is_file());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let page = "briefings/india-russia-foreign-ministers/index.html";
    let html = site.read_out(page);
    let links = attribute_values(&html);
    for country in ["india", "russia", "china", "united-states"] {
        let link = format!("../../countries/{country}/index.html");
        assert!(links.contains(&link), "{page} does not link to {link}");
    }
}
