//! Fixture sites built through the library, compared with their `expected/` files, plus the
//! behaviour that expected files alone would not pin down (what is absent, report counts).

use crate::common::{assert_matches_expected, files_under, snapshot, Site};
use chancery::BuildOptions;

/// Builds `tests/fixtures/<name>` in a temporary folder and compares it with `expected/`.
fn build_fixture(name: &str) -> (Site, chancery::BuildReport) {
    let site = Site::fixture(name);
    let report = site.build();
    assert_matches_expected(name, &site.out());
    (site, report)
}

/// The sub-folders of `dir` in the output, sorted.
fn subfolders(site: &Site, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.out().join(dir))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Where `needle` is in `haystack`, failing clearly when it is not there.
fn position(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found in:\n{haystack}"))
}

#[test]
fn basic_matches_expected() {
    let (site, report) = build_fixture("basic");
    assert_eq!(
        (report.briefings, report.countries, report.topics),
        (3, 2, 2)
    );
    assert!(!report.feeds_written);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.out, site.out());
    assert!(site.out().join(".chancery-output").is_file());
}

#[test]
fn basic_slugs_come_from_file_names_without_dates_or_from_slug() {
    let (site, _) = build_fixture("basic");
    assert_eq!(
        subfolders(&site, "briefings"),
        ["delhi-notes", "india-us-talks", "washington-dialogue"],
        "file names lose their date; `slug:` replaces the file name; drafts and _index.md are not built"
    );
}

#[test]
fn basic_topics_merge_case_insensitively_and_country_aliases_resolve() {
    let (site, _) = build_fixture("basic");
    // "Defence" and "defence", "Diplomacy" and "diplomacy": one page each.
    assert_eq!(subfolders(&site, "topics"), ["defence", "diplomacy"]);
    // "USA" and "United States" are one country.
    assert_eq!(subfolders(&site, "countries"), ["india", "united-states"]);
    let us = site.read_out("countries/united-states/index.html");
    assert!(us.contains("count=2"), "{us}");
    let defence = site.read_out("topics/defence/index.html");
    assert!(defence.contains("count=2"), "{defence}");
}

#[test]
fn basic_lists_newest_first() {
    let (site, _) = build_fixture("basic");
    let home = site.read_out("index.html");
    let newest = position(&home, "A defence dialogue in Washington");
    let middle = position(&home, "India and the United States hold talks");
    let oldest = position(&home, "Notes from Delhi");
    assert!(newest < middle && middle < oldest, "{home}");
    assert!(!home.contains("unpublished draft"), "{home}");
}

#[test]
fn drafts_are_built_only_when_asked() {
    let site = Site::fixture("basic");
    let report = site.build();
    assert_eq!(report.briefings, 3);
    assert!(!site.out().join("briefings/unpublished").exists());

    let options = BuildOptions {
        drafts: true,
        ..site.options()
    };
    let report = site.build_with(&options);
    assert_eq!(report.briefings, 4);
    let draft = site.read_out("briefings/unpublished/index.html");
    assert!(draft.contains("BRIEFING An unpublished draft"), "{draft}");
    assert!(site
        .read_out("index.html")
        .contains("An unpublished draft | briefings/unpublished/index.html"));
}

#[test]
fn the_same_archive_builds_the_same_bytes() {
    // Two full builds (no cache) into two folders; only the marker's build id may differ.
    let site = Site::fixture("basic");
    let files = |out: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        snapshot(out)
            .into_iter()
            .filter(|(name, _)| name != ".chancery-output")
            .map(|(name, (bytes, _))| (name, bytes))
            .collect()
    };
    let mut options = site.options();
    options.no_cache = true;
    options.base_url = Some("https://example.org/".to_string());
    site.build_with(&options);
    let second = site.tmp().join("second");
    site.build_with(&chancery::BuildOptions {
        out: Some(second.clone()),
        ..options
    });
    let (a, b) = (files(&site.out()), files(&second));
    assert!(!a.is_empty());
    assert!(a == b, "two builds of one archive differ");
}

#[test]
fn output_can_live_outside_the_archive() {
    let site = Site::fixture("basic");
    let out = site.tmp().join("elsewhere/site");
    let options = BuildOptions {
        out: Some(out.clone()),
        ..site.options()
    };
    let report = site.build_with(&options);
    assert_eq!(report.out, out);
    assert!(out.join("briefings/delhi-notes/index.html").is_file());
    assert!(
        !site.out().exists(),
        "nothing written to the default folder"
    );
}

#[test]
fn pagination_matches_expected() {
    let (site, report) = build_fixture("pagination");
    assert_eq!(report.briefings, 5);
    assert!(
        !site.out().join("page/1").exists(),
        "page 1 is the home page"
    );
    assert!(!site.out().join("page/4").exists());
    // Every paginator link leads to a page that exists.
    for page in ["index.html", "page/2/index.html", "page/3/index.html"] {
        let text = site.read_out(page);
        let dir = std::path::Path::new(page).parent().unwrap();
        for line in text.lines() {
            for key in ["first=", "last=", "previous=", "next="] {
                if let Some(link) = line.strip_prefix(key).filter(|l| *l != "-") {
                    assert!(!link.contains("://") && !link.starts_with('/'), "{link}");
                    let target = site.out().join(dir).join(link);
                    assert!(target.is_file(), "{page}: {key}{link} leads nowhere");
                }
            }
        }
    }
}

#[test]
fn base_url_gives_pretty_links_feeds_and_sitemap() {
    let (site, report) = build_fixture("base-url");
    assert!(report.feeds_written);
    let out = site.out();
    for feed in [
        "atom.xml",
        "countries/india/atom.xml",
        "countries/russia/atom.xml",
        "topics/diplomacy/atom.xml",
        "topics/defence/atom.xml",
    ] {
        let xml = site.read_out(feed);
        check_xml(&xml).unwrap_or_else(|e| panic!("{feed} is not well-formed XML: {e}\n{xml}"));
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    }
    let atom = site.read_out("atom.xml");
    let entries: Vec<&str> = atom.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 2, "one entry per briefing:\n{atom}");
    for (entry, slug) in entries.iter().zip(["follow-up", "india-russia"]) {
        let link = format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/briefings/briefings/{slug}/\"/>"
        );
        assert!(entry.contains(&link), "no {link} in\n{entry}");
        assert!(entry.contains(&format!(
            "<id>https://example.org/briefings/briefings/{slug}/</id>"
        )));
    }
    let india_feed = site.read_out("countries/india/atom.xml");
    assert_eq!(india_feed.matches("<entry>").count(), 2);
    assert_eq!(
        site.read_out("countries/russia/atom.xml")
            .matches("<entry>")
            .count(),
        1
    );
    assert_eq!(
        site.read_out("topics/defence/atom.xml")
            .matches("<entry>")
            .count(),
        1
    );

    let sitemap = site.read_out("sitemap.xml");
    check_xml(&sitemap).unwrap_or_else(|e| panic!("sitemap.xml: {e}\n{sitemap}"));
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| &s[..s.find("</loc>").unwrap()])
        .collect();
    assert!(locs
        .iter()
        .all(|l| l.starts_with("https://example.org/briefings/")));
    for page in [
        "https://example.org/briefings/",
        "https://example.org/briefings/briefings/india-russia/",
        "https://example.org/briefings/briefings/follow-up/",
        "https://example.org/briefings/countries/india/",
    ] {
        assert!(locs.contains(&page), "sitemap lacks {page}");
    }
    // Every loc names a page that was built.
    for loc in &locs {
        let relative = loc.trim_start_matches("https://example.org/briefings/");
        assert!(out.join(relative).join("index.html").is_file(), "{loc}");
    }
}

#[test]
fn without_base_url_there_are_no_feeds_or_sitemap() {
    let site = Site::fixture("base-url");
    site.write("site.yaml", "title: No base URL\n");
    let report = site.build();
    assert!(!report.feeds_written);
    let xml: Vec<String> = files_under(&site.out())
        .into_iter()
        .filter(|f| f.ends_with(".xml"))
        .collect();
    assert!(xml.is_empty(), "feeds written without a base_url: {xml:?}");
    let home = site.read_out("index.html");
    assert!(home.contains("feed=-"), "{home}");
    assert!(
        home.contains("* A follow-up briefings/follow-up/index.html"),
        "{home}"
    );
}

#[test]
fn base_url_option_turns_on_feeds() {
    let site = Site::fixture("basic");
    let options = BuildOptions {
        base_url: Some("https://mirror.example/x".to_string()),
        ..site.options()
    };
    let report = site.build_with(&options);
    assert!(report.feeds_written);
    let atom = site.read_out("atom.xml");
    assert!(
        atom.contains("<id>https://mirror.example/x/atom.xml</id>"),
        "{atom}"
    );
    assert_eq!(atom.matches("<entry>").count(), 3);
    assert!(site.out().join("topics/defence/atom.xml").is_file());
    assert!(site
        .read_out("index.html")
        .contains("briefings/washington-dialogue/ |"));
}

#[test]
fn md_links_become_briefing_urls() {
    let (_, report) = build_fixture("md-links");
    let warnings: Vec<_> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(report.warnings.len(), 1, "{warnings:#?}");
    let warning = &report.warnings[0];
    assert!(!warning.is_error());
    assert!(
        warning
            .path
            .ends_with("content/briefings/2021-04-06-talks.md"),
        "{warning}"
    );
    assert_eq!(
        (warning.line, warning.column),
        (Some(9), Some(3)),
        "{warning}"
    );
    assert!(warning.message.contains("2020-01-01-gone.md"), "{warning}");
}

#[test]
fn md_links_are_pretty_with_a_base_url() {
    let site = Site::fixture("md-links");
    let options = BuildOptions {
        base_url: Some("https://example.org/".to_string()),
        ..site.options()
    };
    site.build_with(&options);
    let talks = site.read_out("briefings/talks/index.html");
    assert!(
        talks.contains(r#"<a href="../follow-up/">follow-up</a>"#),
        "{talks}"
    );
    assert!(
        talks.contains(r#"<a href="../meaning/#outlook">analysis</a>"#),
        "{talks}"
    );
}

#[test]
fn markdown_extensions_render() {
    let (site, _) = build_fixture("markdown");
    let html = site.read_out("briefings/formatting/index.html");
    for needle in [
        "<table>",
        r#"<th style="text-align: right">Votes</th>"#,
        "<del>struck</del>",
        "“Quoted”",
        "‘single’",
        "…",
        r#"<h2 id="key-points">"#,
        r#"<h2 id="key-points-2">"#,
        r#"class="footnote-reference""#,
        r#"class="footnote-definition""#,
        r#"<code class="language-json">"#,
        r#"<span class="hl-constant hl-numeric hl-json">12</span>"#,
    ] {
        assert!(html.contains(needle), "no `{needle}` in\n{html}");
    }
    assert!(
        !html.contains("style=\"color"),
        "highlighting uses classes, not inline colours"
    );
}

#[test]
fn crlf_and_bom_build() {
    let source = std::fs::read(crate::common::fixture_path(
        "crlf-bom/content/2021-04-06-windows.md",
    ))
    .unwrap();
    assert!(
        source.starts_with(b"\xEF\xBB\xBF---\r\n"),
        "the fixture lost its BOM or CRLF"
    );
    assert!(!source.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
    let (site, report) = build_fixture("crlf-bom");
    assert_eq!(
        (report.briefings, report.countries, report.topics),
        (1, 2, 1)
    );
    let html = site.read_out("briefings/windows/index.html");
    assert!(
        !html.contains('\r') && !html.contains('\u{feff}'),
        "{html:?}"
    );
}

#[test]
fn archive_and_region_pages() {
    let (site, _) = build_fixture("archive");
    assert_eq!(subfolders(&site, "archive"), ["2019", "2021"]);
    assert_eq!(subfolders(&site, "archive/2021"), ["04", "11"]);
    assert_eq!(subfolders(&site, "archive/2019"), ["12"]);
    assert!(site.out().join("archive/index.html").is_file());
    for region in [
        "asia",
        "southern-asia",
        "europe",
        "northern-europe",
        "oceania",
        "australia-and-new-zealand",
    ] {
        let page = format!("regions/{region}/index.html");
        assert!(site.out().join(&page).is_file(), "no {page}");
    }
}

/// A briefing's breadcrumbs are made once for its month and shared by that month's briefing
/// pages: each page names its own month and year, and the links lead to them from the page.
#[test]
fn briefing_breadcrumbs_lead_to_the_briefings_own_month() {
    let (site, _) = build_fixture("archive");
    for (slug, year, month, name) in [
        ("new-year-eve", "2019", "12", "December"),
        ("talks", "2021", "04", "April"),
        ("visit", "2021", "04", "April"),
        ("summit", "2021", "11", "November"),
    ] {
        let html = site.read_out(&format!("briefings/{slug}/index.html"));
        let start = html.find("class=\"breadcrumbs\"").expect("breadcrumbs");
        let crumbs = &html[start..start + html[start..].find("</nav>").unwrap()];
        let expected = format!(
            "<a href=\"../../archive/index.html\">Archive</a> › \
             <a href=\"../../archive/{year}/index.html\">{year}</a> › \
             <a href=\"../../archive/{year}/{month}/index.html\">{name}</a>"
        );
        assert!(crumbs.contains(&expected), "{slug}: {crumbs}");
        let month_page = site
            .out()
            .join(format!("archive/{year}/{month}/index.html"));
        assert!(month_page.is_file(), "{slug}: no {}", month_page.display());
    }
}

/// `disable:` in site.yaml leaves out region pages, the archive, search and the per-term feeds,
/// and every link to them: the site that remains has no broken link, and names regions as text.
#[test]
fn disabled_parts_are_neither_built_nor_linked() {
    let site = Site::sample();
    site.disable("regions, archive, search, term_feeds");
    let mut options = site.options();
    options.base_url = Some("https://example.org/".to_string());
    let report = site.build_with(&options);
    for gone in ["regions", "archive", "search"] {
        assert!(!site.out().join(gone).exists(), "{gone}/ was built");
    }
    assert!(
        site.out().join("atom.xml").is_file(),
        "the site's own feed stays"
    );
    let files = files_under(&site.out());
    let feeds: Vec<_> = files.iter().filter(|f| f.ends_with("atom.xml")).collect();
    assert_eq!(feeds, ["atom.xml"]);
    let pages = files.iter().filter(|f| f.ends_with(".html")).count();
    assert_eq!(
        report.pages,
        pages + feeds.len() + 1,
        "pages, the feed and the sitemap"
    );
    for file in files
        .iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".xml"))
    {
        let text = site.read_out(file);
        for gone in ["regions/", "archive/", "search/"] {
            assert!(!text.contains(gone), "{file} still links {gone}");
        }
        for (at, _) in text.match_indices("atom.xml") {
            let link = &text[text[..at].rfind('"').unwrap_or(0)..at];
            assert!(
                !link.contains("countries/") && !link.contains("topics/"),
                "{file}: {link}"
            );
        }
    }
    let india = site.read_out("countries/india/index.html");
    assert!(india.contains(" · in Asia (Southern Asia)"), "{india}");
    let countries = site.read_out("countries/index.html");
    assert!(
        countries.contains("<h2>Asia <span class=\"count\">"),
        "{countries}"
    );
    let briefing = site.read_out("briefings/india-russia-foreign-ministers/index.html");
    assert!(briefing.contains(
        "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\"><a href=\"../../\">Home</a></nav>"
    ));

    let mut check = chancery::check::CheckOptions::new(&site.root);
    check.base_url = options.base_url.clone();
    let checked = chancery::check::check(&check).unwrap();
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    assert_eq!(checked.pages, pages);
}

/// A small well-formedness check: tags nest and close, attributes are quoted, entities are known.
fn check_xml(xml: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml.trim_start();
    if !rest.starts_with("<?xml") {
        return Err("no XML declaration".into());
    }
    let mut roots = 0;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt])?;
        rest = &rest[lt..];
        if let Some(body) = rest.strip_prefix("<?") {
            let end = body.find("?>").ok_or("unclosed <?")?;
            rest = &body[end + 2..];
        } else if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").ok_or("unclosed comment")?;
            rest = &body[end + 3..];
        } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").ok_or("unclosed CDATA")?;
            rest = &body[end + 3..];
        } else {
            let gt = rest.find('>').ok_or("unclosed tag")?;
            let tag = &rest[1..gt];
            rest = &rest[gt + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(open) if open == name.trim() => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else {
                let self_closing = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let name = tag.split_whitespace().next().ok_or("empty tag")?;
                check_attributes(&tag[name.len()..])?;
                if stack.is_empty() {
                    roots += 1;
                }
                if !self_closing {
                    stack.push(name);
                }
            }
        }
    }
    check_text(rest)?;
    match (stack.last(), roots) {
        (Some(open), _) => Err(format!("<{open}> never closed")),
        (None, 1) => Ok(()),
        (None, n) => Err(format!("{n} root elements")),
    }
}

fn check_attributes(mut attributes: &str) -> Result<(), String> {
    loop {
        attributes = attributes.trim_start();
        if attributes.is_empty() {
            return Ok(());
        }
        let eq = attributes.find('=').ok_or("attribute without value")?;
        let after = &attributes[eq + 1..];
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'');
        let quote = quote.ok_or_else(|| format!("unquoted attribute in `{attributes}`"))?;
        let end = after[1..].find(quote).ok_or("unclosed attribute value")?;
        let value = &after[1..end + 1];
        if value.contains('<') {
            return Err(format!("`<` in attribute `{value}`"));
        }
        check_text(value)?;
        attributes = &after[end + 2..];
    }
}

fn check_text(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let entity = &rest[amp + 1..];
        let end = entity.find(';').ok_or("`&` without `;`")?;
        let name = &entity[..end];
        let known = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !known {
            return Err(format!("unknown entity `&{name};`"));
        }
        rest = &entity[end + 1..];
    }
    if text.contains('>') && text.contains("]]>") {
        return Err("`]]>` in text".into());
    }
    Ok(())
}

#[test]
fn the_xml_check_can_fail() {
    assert!(check_xml("<?xml version=\"1.0\"?><a><b></a>").is_err());
    assert!(check_xml("<?xml version=\"1.0\"?><a>&nbsp;</a>").is_err());
    assert!(check_xml("<?xml version=\"1.0\"?><a x=1/>").is_err());
    assert!(check_xml("<?xml version=\"1.0\"?><a x=\"1\"/>").is_ok());
}

#[test]
fn country_names_codes_aliases_and_demonyms_are_one_country() {
    let site = Site::empty();
    site.write(
        "content/a.md",
        &crate::common::briefing(
            "title: A\ndate: 2021-01-01\ncountries: [U.S., American, United States of America, USA, US]",
            "x\n",
        ),
    );
    site.write(
        "content/b.md",
        &crate::common::briefing(
            "title: B\ndate: 2021-01-02\ncountries: [united states]",
            "x\n",
        ),
    );
    let report = site.build();
    assert_eq!(report.countries, 1);
    assert_eq!(subfolders(&site, "countries"), ["united-states"]);
}

#[test]
fn topic_aliases_from_site_yaml_merge() {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "topics:\n  defence:\n    description: Armed forces.\n    aliases: [defense, military]\n",
    );
    site.write(
        "content/a.md",
        &crate::common::briefing("title: A\ndate: 2021-01-01\ntopics: [Defense]", "x\n"),
    );
    site.write(
        "content/b.md",
        &crate::common::briefing(
            "title: B\ndate: 2021-01-02\ntopics: [military, DEFENCE]",
            "x\n",
        ),
    );
    let report = site.build();
    assert_eq!(report.topics, 1);
    assert_eq!(subfolders(&site, "topics"), ["defence"]);
    let page = site.read_out("topics/defence/index.html");
    assert!(page.contains("Armed forces."), "the description is shown");
    assert!(page.contains(">A<") && page.contains(">B<"), "{page}");
}

#[test]
fn a_rebuild_drops_pages_of_deleted_briefings() {
    let site = Site::fixture("basic");
    site.build();
    assert!(site
        .out()
        .join("briefings/delhi-notes/index.html")
        .is_file());
    std::fs::remove_file(site.root.join("content/notes/2020-01-15-delhi-notes.md")).unwrap();
    std::fs::write(site.out().join("stray.txt"), b"left by hand").unwrap();
    let report = site.build();
    assert_eq!(report.briefings, 2);
    assert!(!site.out().join("briefings/delhi-notes").exists());
    assert!(!site.out().join("archive/2020").exists());
    assert!(
        !site.out().join("stray.txt").exists(),
        "the output is replaced whole"
    );
}

#[test]
fn archive_static_files_replace_and_extend_the_defaults() {
    let site = Site::fixture("basic");
    site.write("static/style.css", "body { color: teal }\n");
    site.write("static/img/logo.svg", "<svg/>\n");
    let report = site.build();
    assert_eq!(site.read_out("style.css"), "body { color: teal }\n");
    assert_eq!(site.read_out("img/logo.svg"), "<svg/>\n");
    assert!(
        site.out().join("syntax.css").is_file(),
        "other defaults stay"
    );
    // style.css (replaced), syntax.css and search.js (defaults), img/logo.svg (added).
    assert_eq!(report.static_files, 4);
}

#[test]
fn feed_limit_caps_entries() {
    let site = Site::fixture("pagination");
    site.write(
        "site.yaml",
        "paginate: 2\nfeed_limit: 3\nbase_url: https://example.org/\n",
    );
    site.build();
    let atom = site.read_out("atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 3, "{atom}");
    assert!(atom.contains("<title>Briefing 5</title>") && !atom.contains("Briefing 2<"));
}

/// Every `id="..."` on the page, with the ones that occur more than once.
fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for part in html.split(" id=\"").skip(1) {
        *seen.entry(&part[..part.find('"').unwrap()]).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id.to_string())
        .collect()
}

#[test]
fn heading_ids_stay_unique_with_explicit_ids() {
    let site = Site::fixture("markdown");
    site.write(
        "content/2021-04-06-formatting.md",
        &crate::common::briefing(
            "title: Ids\ndate: 2021-04-06",
            "## Outlook {#outlook}\n\n## Outlook\n\n## Other {#outlook-2}\n\n## Outlook\n",
        ),
    );
    site.build();
    let html = site.read_out("briefings/formatting/index.html");
    assert_eq!(html.matches("<h2 id=").count(), 4, "{html}");
    assert!(
        duplicate_ids(&html).is_empty(),
        "duplicate ids {:?} in\n{html}",
        duplicate_ids(&html)
    );
}

#[test]
fn footnote_ids_do_not_collide_with_heading_ids() {
    let site = Site::fixture("markdown");
    site.write(
        "content/2021-04-06-formatting.md",
        &crate::common::briefing(
            "title: Ids\ndate: 2021-04-06",
            "## 1\n\nA claim.[^1]\n\n[^1]: The source.\n",
        ),
    );
    site.build();
    let html = site.read_out("briefings/formatting/index.html");
    assert!(html.contains("footnote-definition"), "{html}");
    assert!(
        duplicate_ids(&html).is_empty(),
        "duplicate ids {:?} in\n{html}",
        duplicate_ids(&html)
    );
}

/// List pages get each card, and briefing pages their `page`, as values built by hand (views.rs,
/// for speed); they must be what serialising the views gives, at every page depth and for both
/// link styles, or templates that use `a.title`, `a.countries` and so on would see something
/// else than the README promises.
#[test]
fn card_and_page_values_match_the_serialised_views() {
    use chancery::countries::Gazetteer;
    use chancery::parse::{parse_all, ParseOptions};
    use chancery::render::views::{CardCache, Views};
    use chancery::urls::{dirs, LinkStyle, PageDir};

    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = chancery::config::SiteConfig::load(&root).unwrap();
    let gazetteer = Gazetteer::with_extras(&config.entities).unwrap();
    let sources = chancery::theme::templates(&root).unwrap();
    let tera = chancery::render::templates::compile(&sources).unwrap();
    for style in [LinkStyle::Pretty, LinkStyle::Explicit] {
        let options = ParseOptions {
            drafts: true,
            link_style: style,
            keep_html: true,
            search_index: true,
            raw_html: Default::default(),
        };
        let loaded = chancery::load::load_content(&root);
        let parsed = parse_all(loaded.entries, &gazetteer, options, None);
        let (site, _) = chancery::index::build_site(
            config.clone(),
            &gazetteer,
            parsed.briefings,
            parsed.vocabulary,
        );
        assert!(site.articles.len() > 10, "the sample archive has briefings");
        let cards = CardCache::new(&site, style, &tera, tera::Value::from("site"));
        let pages = [
            PageDir::root(),
            dirs::briefing("x"),
            dirs::country("india").paginated(3),
            PageDir::of(&["a", "b", "c", "d", "e", "f", "g"]),
        ];
        for dir in &pages {
            let views = Views::new(&site, style, dir, Some(&cards));
            for id in 0..site.articles.len() {
                let expected = views.serialised_card_value(id).unwrap();
                // Built, then taken from the cache.
                assert_eq!(views.card_value(id).unwrap(), expected, "{dir:?} {id}");
                assert_eq!(views.card_value(id).unwrap(), expected, "{dir:?} {id}");
                // Shared values carry the root mark in their links (put_root replaces it in the
                // rendered page).
                let article = cards.marked().article(id, "<p>body</p>");
                let article = tera::Value::from_serializable(&article);
                let value = views.article_value(id, "<p>body</p>").unwrap();
                assert_eq!(value, article, "{dir:?} {id}");
            }
        }
    }
}

/// Cards are built once for every page depth, their links marked where the path to the root
/// goes, and each page puts its own root in as it is rendered: a template that prints a card's
/// fields itself (not `a.html`) gets links that work from its page, and no mark is left.
#[test]
fn card_links_printed_by_a_template_lead_from_their_page() {
    let site = Site::sample();
    site.write(
        "templates/country.html",
        "{% for a in articles %}<a href=\"{{ a.url }}\">{{ a.title | upper }}</a>\
         {% for c in a.countries %}<a href=\"{{ c.url }}\">{{ c.name }}</a>{% endfor %}\
         {% for t in a.topics %}<a href=\"{{ t.url | safe | upper }}\">{{ t.name }}</a>{% endfor %}\n\
         {% endfor %}",
    );
    site.write(
        "templates/briefing.html",
        "<a href=\"{{ page.url }}\">self</a>{% for c in page.countries %}<a href=\"{{ c.url }}\">c</a>{% endfor %}\
         {% for r in related %}<a href=\"{{ r.url }}\">r</a>{% endfor %}\
         {% if older %}<a href=\"{{ older.url }}\">o</a>{% endif %}\n",
    );
    // A region's value and `nav` are shared by its pages too (made once, not per page).
    site.write(
        "templates/region.html",
        "<a href=\"{{ region.url }}\">r</a>{% if region.parent %}<a href=\"{{ region.parent.url }}\">p</a>{% endif %}\
         {% for c in region.countries %}<a href=\"{{ c.url }}\">{{ c.name }}</a>{% endfor %}\
         <a href=\"{{ nav.countries }}\">n</a><a href=\"{{ nav.topics }}\">t</a>\n",
    );
    site.build();
    let expect_root = |page: &str, root: &str| {
        let html = site.read_out(page);
        // Topic links went through `upper` (the mark has no letters to change).
        let html = html.to_lowercase();
        let hrefs: Vec<&str> = html
            .split("href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert!(hrefs.len() > 3, "{page}: {html}");
        for href in hrefs {
            let inside = href
                .strip_prefix(root)
                .unwrap_or_else(|| panic!("{page}: {href}"));
            assert!(
                ["briefings/", "countries/", "topics/", "regions/"]
                    .iter()
                    .any(|p| inside.starts_with(p)),
                "{page}: {href}"
            );
            // Without a base URL, links name the file (`.../index.html`).
            let file = site.out().join(inside);
            let file = match inside.ends_with(".html") {
                true => file,
                false => file.join("index.html"),
            };
            assert!(file.is_file(), "{page}: {href}");
        }
    };
    expect_root("countries/china/index.html", "../../");
    expect_root("countries/china/page/2/index.html", "../../../../");
    expect_root(
        "briefings/india-russia-foreign-ministers/index.html",
        "../../",
    );
    expect_root("regions/eastern-asia/index.html", "../../");
    expect_root("regions/eastern-asia/page/2/index.html", "../../../../");
    for file in files_under(&site.out()) {
        let bytes = std::fs::read(site.out().join(&file)).unwrap();
        assert!(!bytes.contains(&1), "{file} holds a root mark");
    }
}
