//! Bad input: every error names the file, line and column, the build fails, and the previous
//! output is left byte for byte as it was.

use crate::common::{briefing, diagnostics, error_for, render, snapshot, Site};
use chancery::error::{Diagnostic, Error};
use chancery::BuildOptions;

const GOOD: &str = "content/briefings/2021-04-06-good.md";

/// An archive with one good briefing, built once, so that a failed build has something to spoil.
fn built_site() -> Site {
    let site = Site::empty();
    site.write(
        GOOD,
        &briefing(
            "title: Good\ndate: 2021-04-06\ncountries: [India]\ntopics: [diplomacy]",
            "Fine.\n",
        ),
    );
    site.build();
    site
}

/// Builds, expecting failure; checks the previous output is untouched. Returns the diagnostics.
fn fails_keeping_output(site: &Site) -> Vec<Diagnostic> {
    let before = snapshot(&site.out());
    assert!(!before.is_empty(), "build a good site first");
    let cache = std::fs::read(chancery::cache::cache_path(&site.out())).ok();
    let error = site.build_err();
    assert!(
        before == snapshot(&site.out()),
        "a failed build changed public/"
    );
    let cache_after = std::fs::read(chancery::cache::cache_path(&site.out())).ok();
    assert!(
        cache == cache_after,
        "a failed build changed the build cache"
    );
    // Nor does it leave a staging folder or a half-written cache (`.tmp`).
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.ends_with(".old") || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    let text = error.to_string();
    assert!(text.contains("build failed"), "{text}");
    diagnostics(&error).to_vec()
}

/// One bad file in a built site: returns its error, checking `path:line:column: error:`.
fn one_error(relative: &str, text: &[u8], line: usize, column: Option<usize>) -> Diagnostic {
    let site = built_site();
    site.write_bytes(relative, text);
    let all = fails_keeping_output(&site);
    let error = error_for(&all, relative).clone();
    assert_eq!(error.line, Some(line), "wrong line:\n{}", render(&all));
    if column.is_some() {
        assert_eq!(error.column, column, "wrong column:\n{}", render(&all));
    }
    let shown = error.to_string();
    let place = match error.column {
        Some(c) => format!("{relative}:{line}:{c}: error: "),
        None => format!("{relative}:{line}: error: "),
    };
    assert!(shown.contains(&place), "`{place}` not in `{shown}`");
    error
}

const BAD: &str = "content/briefings/2021-05-01-bad.md";

#[test]
fn no_front_matter() {
    let e = one_error(BAD, b"Just a body.\n", 1, Some(1));
    assert!(e.message.contains("no front matter"), "{e}");
}

#[test]
fn unterminated_front_matter() {
    let e = one_error(
        BAD,
        b"---\ntitle: A\ndate: 2021-05-01\n\nBody.\n",
        1,
        Some(1),
    );
    assert!(e.message.contains("unterminated front matter"), "{e}");
}

#[test]
fn invalid_yaml() {
    let text = b"---\ntitle: A\ndate: 2021-05-01\ndateline: New Delhi: India\n---\nBody.\n";
    let e = one_error(BAD, text, 4, None);
    assert!(e.message.starts_with("invalid YAML"), "{e}");
    assert!(e.hint.is_some(), "{e}");
}

#[test]
fn list_where_text_belongs() {
    let text = b"---\ndate: 2021-05-01\ntitle: [a, b]\n---\nBody.\n";
    let e = one_error(BAD, text, 3, Some(1));
    assert_eq!(e.message, "`title` must be text, found a list");
}

#[test]
fn missing_title() {
    let e = one_error(BAD, b"---\ndate: 2021-05-01\n---\nBody.\n", 2, None);
    assert!(e.message.contains("missing `title`"), "{e}");
}

#[test]
fn missing_date() {
    let e = one_error(BAD, b"---\ntitle: A\n---\nBody.\n", 2, None);
    assert!(e.message.contains("missing `date`"), "{e}");
}

#[test]
fn impossible_date() {
    let text = b"---\ntitle: A\ncountries: [India]\ndate: 2021-02-30\n---\nBody.\n";
    let e = one_error(BAD, text, 4, Some(1));
    assert!(e.message.contains("2021-02-30"), "{e}");
    assert!(e.message.contains("not a real date"), "{e}");
}

#[test]
fn unknown_country_suggests_the_nearest() {
    let text = b"---\ntitle: A\ndate: 2021-05-01\ncountries: [Russia, Indai]\n---\nBody.\n";
    let e = one_error(BAD, text, 4, Some(21));
    assert!(e.message.contains("`Indai`"), "{e}");
    let hint = e.hint.as_deref().unwrap_or("");
    assert!(hint.contains("`India`"), "{e}");
}

#[test]
fn unknown_country_in_a_block_list() {
    let text = b"---\ntitle: A\ndate: 2021-05-01\ncountries:\n  - India\n  - Rusia\n---\nBody.\n";
    let e = one_error(BAD, text, 6, Some(5));
    assert!(e.hint.as_deref().unwrap_or("").contains("`Russia`"), "{e}");
}

#[test]
fn a_topic_without_letters_is_located_in_its_list() {
    // Found when topics are gathered, after parse: the file is read again to place it. The
    // line starts with a BOM and CRLFs, which the position must not count.
    let text = "\u{feff}---\r\ntitle: A\r\ndate: 2021-05-01\r\ntopics:\r\n  - energy\r\n  - \"§§\"\r\n---\r\nBody.\r\n";
    let e = one_error(BAD, text.as_bytes(), 6, Some(6));
    assert!(e.message.contains("no letters or digits"), "{e}");
}

#[test]
fn duplicate_slugs_name_both_files() {
    let site = built_site();
    let first = "content/briefings/2021-05-01-talks.md";
    let second = "content/analysis/2021-06-01-talks.md";
    site.write(first, &briefing("title: A\ndate: 2021-05-01", "A.\n"));
    site.write(second, &briefing("title: B\ndate: 2021-06-01", "B.\n"));
    let all = fails_keeping_output(&site);
    let text = render(&all);
    for (this, other) in [(first, second), (second, first)] {
        let e = error_for(&all, this);
        assert!(e.message.contains("`talks`"), "{text}");
        assert!(
            e.message.contains(other),
            "{this} does not name {other}:\n{text}"
        );
    }
}

#[test]
fn slug_clash_through_slug_key() {
    let site = built_site();
    let other = "content/briefings/2021-05-01-other.md";
    site.write(
        other,
        &briefing("title: B\ndate: 2021-05-01\nslug: good", "B.\n"),
    );
    let all = fails_keeping_output(&site);
    assert!(error_for(&all, other).message.contains("`good`"));
    assert!(error_for(&all, GOOD)
        .message
        .contains("2021-05-01-other.md"));
}

#[test]
fn not_utf8() {
    let e = one_error(
        BAD,
        b"---\ntitle: Caf\xe9 talks\ndate: 2021-05-01\n---\n",
        2,
        Some(11),
    );
    assert!(e.message.contains("UTF-8"), "{e}");
}

#[test]
fn every_bad_file_is_reported_in_one_build() {
    let site = built_site();
    let bad = [
        ("content/a.md", "No front matter.\n".to_string()),
        (
            "content/b/c.md",
            briefing("title: C\ndate: 2021-13-01", "C.\n"),
        ),
        (
            "content/d.md",
            briefing("title: D\ndate: 2021-01-01\ncountries: [Narnia]", "D.\n"),
        ),
        ("content/e.md", briefing("date: 2021-01-01", "E.\n")),
    ];
    for (path, text) in &bad {
        site.write(path, text);
    }
    let all = fails_keeping_output(&site);
    for (path, _) in &bad {
        error_for(&all, path);
    }
    let error = site.build_err().to_string();
    assert!(error.contains("4 errors in 4 files"), "{error}");
}

#[test]
fn a_typo_of_a_known_key_is_a_warning() {
    let site = built_site();
    let path = "content/briefings/2021-05-01-typo.md";
    site.write(
        path,
        &briefing(
            "title: Typo\ndate: 2021-05-01\ncountrys: [India]\ntopcs: [trade]",
            "Body.\n",
        ),
    );
    let report = site.build();
    assert_eq!(report.briefings, 2);
    let warnings: Vec<&Diagnostic> = report.warnings.iter().collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for (warning, (line, known)) in warnings.iter().zip([(4, "countries"), (5, "topics")]) {
        assert!(!warning.is_error());
        assert!(warning.path.ends_with(path), "{warning}");
        assert_eq!(warning.line, Some(line), "{warning}");
        assert!(warning.message.contains(&format!("`{known}`")), "{warning}");
        assert!(warning
            .to_string()
            .contains(&format!("{path}:{line}:1: warning: ")));
    }
    // The misspelt key is kept, not applied.
    assert!(!site.read_out("countries/india/index.html").contains("Typo"));
    assert!(!site.out().join("topics/trade").exists());
}

#[test]
fn a_template_syntax_error_names_the_template_and_line() {
    let site = built_site();
    site.write(
        "templates/country.html",
        "<h1>{{ term.name }}</h1>\n<ul>\n{% for a in articles %}<li>{{ a.title }}</li>\n</ul>\n",
    );
    let all = fails_keeping_output(&site);
    let e = error_for(&all, "templates/country.html");
    assert!(e.message.contains("template"), "{e}");
    assert!(
        matches!(e.line, Some(3..=5)),
        "the unclosed `for` is on line 3; reported at {:?}:\n{e}",
        e.line
    );
}

#[test]
fn a_template_syntax_error_is_located_exactly() {
    let site = built_site();
    site.write(
        "templates/index.html",
        "<h1>Home</h1>\n<p>{{ site.title }}</p>\n<p>{{ site.title | }}</p>\n",
    );
    let all = fails_keeping_output(&site);
    let e = error_for(&all, "templates/index.html");
    assert_eq!(e.line, Some(3), "{e}");
}

#[test]
fn a_template_rendering_error_names_the_template() {
    let site = built_site();
    site.write(
        "templates/briefing.html",
        "<h1>{{ page.title }}</h1>\n{{ page.no_such_field.deeper }}\n",
    );
    let all = fails_keeping_output(&site);
    let e = error_for(&all, "templates/briefing.html");
    assert_eq!(e.line, Some(2), "{e}");
}

fn refused(error: Error) -> String {
    match error {
        Error::Refused(reason) => reason,
        other => panic!("expected a refusal, got: {other}"),
    }
}

#[test]
fn a_folder_chancery_did_not_make_is_refused() {
    let site = built_site();
    let out = site.tmp().join("thesis");
    std::fs::create_dir_all(out.join("chapters")).unwrap();
    std::fs::write(out.join("chapters/one.docx"), b"years of work").unwrap();
    let before = snapshot(&out);
    let options = BuildOptions {
        out: Some(out.clone()),
        ..site.options()
    };
    let reason = refused(chancery::build(&options).unwrap_err());
    assert!(reason.contains(".chancery-output"), "{reason}");
    assert!(before == snapshot(&out), "the folder was touched");
    let siblings: Vec<_> = std::fs::read_dir(site.tmp())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        siblings.iter().all(|n| !n.contains("staging")),
        "{siblings:?}"
    );
}

#[test]
fn an_empty_folder_is_accepted() {
    let site = built_site();
    let out = site.tmp().join("empty");
    std::fs::create_dir_all(&out).unwrap();
    let options = BuildOptions {
        out: Some(out.clone()),
        ..site.options()
    };
    site.build_with(&options);
    assert!(out.join(".chancery-output").is_file());
    assert!(out.join("briefings/good/index.html").is_file());
}

#[test]
fn the_archive_root_is_refused_as_output() {
    let site = built_site();
    let before = snapshot(&site.root);
    let options = BuildOptions {
        out: Some(site.root.clone()),
        ..site.options()
    };
    let reason = refused(chancery::build(&options).unwrap_err());
    assert!(reason.contains("archive"), "{reason}");
    assert!(before == snapshot(&site.root));
    // Nor a folder that holds it.
    let options = BuildOptions {
        out: Some(site.tmp().to_path_buf()),
        ..site.options()
    };
    refused(chancery::build(&options).unwrap_err());
    assert!(before == snapshot(&site.root));
}

#[test]
fn output_inside_content_is_refused() {
    let site = built_site();
    let before = snapshot(&site.root);
    for inside in ["content/public", "content", "templates/out"] {
        let options = BuildOptions {
            out: Some(site.root.join(inside)),
            ..site.options()
        };
        let reason = refused(chancery::build(&options).unwrap_err());
        assert!(reason.contains("refusing"), "{inside}: {reason}");
        assert!(before == snapshot(&site.root), "{inside}: files changed");
    }
}

#[test]
fn unknown_country_column_when_a_known_name_contains_it() {
    let text = b"---\ntitle: A\ndate: 2021-05-01\ncountries: [Germany, Germ]\n---\nBody.\n";
    let e = one_error(BAD, text, 4, Some(22));
    assert!(e.message.contains("`Germ`"), "{e}");
}

#[test]
fn an_unknown_site_yaml_key_is_located() {
    let site = built_site();
    site.write("site.yaml", "title: A\npaginat: 3\n");
    let all = fails_keeping_output(&site);
    let e = error_for(&all, "site.yaml");
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.message.contains("paginat"), "{e}");
}
