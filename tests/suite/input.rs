//! Front matter that could reach the disk or a link: slugs and source URLs are checked at parse.

use crate::common::{briefing, diagnostics, error_for, Site};

fn slug_error(slug_line: &str) -> String {
    let site = Site::empty();
    site.write(
        "content/a.md",
        &briefing(
            &format!("title: A\ndate: 2021-01-01\n{slug_line}"),
            "Body.\n",
        ),
    );
    let error = site.build_err();
    let diagnostic = error_for(diagnostics(&error), "a.md");
    assert_eq!(diagnostic.line, Some(4), "{diagnostic}");
    diagnostic.to_string()
}

#[test]
fn slugs_that_could_leave_their_folder_are_rejected() {
    let parent = slug_error("slug: ../../etc");
    assert!(
        parent.contains("`slug: ../../etc` is not a valid slug"),
        "{parent}"
    );
    assert!(parent.contains("e.g. `slug: etc`"), "{parent}");
    let nul = slug_error("slug: \"a\\u0000b\"");
    assert!(nul.contains("`slug: a\\0b` is not a valid slug"), "{nul:?}");
    let hidden = slug_error("slug: .hidden");
    assert!(
        hidden.contains("`slug: .hidden` is not a valid slug"),
        "{hidden}"
    );
    let reserved = slug_error("slug: nul");
    assert!(
        reserved.contains("slug `nul` is a reserved device name on Windows"),
        "{reserved}"
    );
}

#[test]
fn reserved_device_names_are_rejected_as_file_names() {
    let site = Site::empty();
    for name in ["con", "NUL", "com1", "2021-01-01-lpt9"] {
        site.write(
            &format!("content/{name}.md"),
            &briefing("title: A\ndate: 2021-01-01", "Body.\n"),
        );
    }
    site.write(
        "content/console.md",
        &briefing("title: B\ndate: 2021-01-01", "Body.\n"),
    );
    let error = site.build_err();
    let found = diagnostics(&error);
    for name in ["con.md", "NUL.md", "com1.md", "2021-01-01-lpt9.md"] {
        let d = error_for(found, name);
        assert!(d.message.contains("reserved device name"), "{d}");
        assert!(
            d.hint.as_deref().unwrap().contains("rename the file"),
            "{d}"
        );
    }
    assert!(!found.iter().any(|d| d.path.ends_with("console.md")));
}

#[test]
fn source_url_must_be_an_absolute_web_address() {
    let site = Site::empty();
    site.write(
        "content/a.md",
        &briefing(
            "title: A\ndate: 2021-01-01\nsource: {name: Wire, url: \"javascript:alert(1)\"}",
            "Body.\n",
        ),
    );
    let error = site.build_err();
    let d = error_for(diagnostics(&error), "a.md");
    assert_eq!(d.line, Some(4), "{d}");
    assert!(
        d.message
            .contains("`source.url` must be an absolute http(s) URL, found `javascript:alert(1)`"),
        "{d}"
    );
}
