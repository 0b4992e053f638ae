//! The `chancery` binary: exit codes and what it prints.

use crate::common::{briefing, files_under, Site};
use std::path::Path;
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

fn succeeds(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn fails(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "should have failed\nstdout:\n{}",
        text(&output.stdout)
    );
    assert_ne!(output.status.code(), Some(0));
    text(&output.stderr)
}

/// The number written just before `word` in `line` ("3 briefings" -> 3).
fn count_before(line: &str, word: &str) -> usize {
    let at = line
        .find(word)
        .unwrap_or_else(|| panic!("no `{word}` in `{line}`"));
    line[..at]
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number before `{word}` in `{line}`"))
}

#[test]
fn build_prints_one_summary_line() {
    let site = Site::fixture("basic");
    let root = site.root.to_str().unwrap();
    let stdout = succeeds(&chancery(&["build", "--root", root], site.tmp()));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one summary line on stdout:\n{stdout}");
    let line = lines[0];
    assert_eq!(count_before(line, "briefings"), 3, "{line}");
    assert_eq!(count_before(line, "countries"), 2, "{line}");
    assert_eq!(count_before(line, "topics"), 2, "{line}");
    let pages = count_before(line, "pages");
    let html = files_under(&site.out())
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert_eq!(pages, html, "{line}");
    let seconds = line
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[1] == "s")
        .map(|w| w[0].parse::<f64>())
        .unwrap_or_else(|| panic!("no `<seconds> s` in `{line}`"));
    assert!(seconds.unwrap() >= 0.0);
}

#[test]
fn build_counts_are_singular_for_one() {
    let site = Site::empty();
    site.write(
        "content/one.md",
        &briefing(
            "title: One\ndate: 2021-01-01\ncountries: [Chile]\ntopics: [trade]",
            "x\n",
        ),
    );
    let stdout = succeeds(&chancery(&["build"], &site.root));
    assert!(
        stdout.contains("1 briefing, 1 country, 1 topic"),
        "{stdout}"
    );
}

#[test]
fn a_failing_build_exits_non_zero_with_located_errors() {
    let site = Site::empty();
    site.write(
        "content/briefings/bad.md",
        &briefing("title: Bad\ndate: 2021-01-01\ncountries: [Indai]", "x\n"),
    );
    site.write("content/worse.md", "no front matter\n");
    let stderr = fails(&chancery(&["build", "--root", "site"], site.tmp()));
    assert!(
        stderr.contains("site/content/briefings/bad.md:4:13: error: unknown country `Indai`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("site/content/worse.md:1:1: error: "),
        "{stderr}"
    );
    assert!(stderr.contains("India"), "the hint is printed: {stderr}");
    assert!(!site.out().exists());
}

#[test]
fn warnings_and_the_feed_note_go_to_stderr() {
    let site = Site::empty();
    site.write(
        "content/a.md",
        &briefing("title: A\ndate: 2021-01-01\ntopcs: [x]", "x\n"),
    );
    let output = chancery(&["build"], &site.root);
    let stdout = succeeds(&output);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("content/a.md:4:1: warning: "), "{stderr}");
    assert!(stderr.contains("base_url"), "{stderr}");
    assert!(!stdout.contains("warning"), "{stdout}");
}

#[test]
fn init_then_build() {
    let tmp = tempfile::tempdir().unwrap();
    let stdout = succeeds(&chancery(&["init", "archive"], tmp.path()));
    assert!(stdout.contains("site.yaml"), "{stdout}");
    let root = tmp.path().join("archive");
    assert!(root.join("site.yaml").is_file());
    let stdout = succeeds(&chancery(&["build", "--root", "archive"], tmp.path()));
    assert_eq!(count_before(&stdout, "briefing"), 1, "{stdout}");
    assert!(root.join("public/index.html").is_file());
    assert!(root
        .join("public/countries/united-kingdom/index.html")
        .is_file());
}

#[test]
fn init_refuses_an_existing_archive() {
    let site = Site::fixture("basic");
    let before = crate::common::snapshot(&site.root);
    let stderr = fails(&chancery(&["init", "site"], site.tmp()));
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(before == crate::common::snapshot(&site.root));
}

#[test]
fn new_writes_a_briefing_that_builds_and_never_overwrites() {
    // An archive as `init` lays it out (init itself is tested above).
    let site = Site::empty();
    site.write(
        "content/briefings/2021-01-01-first.md",
        &briefing("title: First\ndate: 2021-01-01\ncountries: [India]", "x\n"),
    );
    let (tmp, root) = (site.tmp(), &site.root);
    let args = [
        "new",
        "Some Title",
        "--root",
        "site",
        "--countries",
        "India,Russia",
        "--topics",
        "diplomacy",
    ];
    let today = chrono::Local::now().date_naive();
    let stdout = succeeds(&chancery(&args, tmp));
    let path = root.join(format!("content/briefings/{today}-some-title.md"));
    assert!(
        path.is_file(),
        "{} missing; stdout: {stdout}",
        path.display()
    );
    assert!(stdout.contains("some-title.md"), "{stdout}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("title: Some Title\n"), "{written}");
    assert!(
        written.contains("countries: [India, Russia]\n"),
        "{written}"
    );

    let stdout = succeeds(&chancery(&["build", "--root", "site"], tmp));
    assert_eq!(count_before(&stdout, "briefings"), 2, "{stdout}");
    let page =
        std::fs::read_to_string(root.join("public/briefings/some-title/index.html")).unwrap();
    assert!(page.contains("Some Title"));
    assert!(root.join("public/countries/russia/index.html").is_file());
    assert!(root.join("public/topics/diplomacy/index.html").is_file());

    std::fs::write(&path, "my edits").unwrap();
    let stderr = fails(&chancery(&args, tmp));
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my edits");
}

#[test]
fn new_outside_an_archive_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let stderr = fails(&chancery(&["new", "A title"], tmp.path()));
    assert!(stderr.contains("content"), "{stderr}");
    assert!(files_under(tmp.path()).is_empty());
}

#[test]
fn build_refuses_the_archive_root_and_content_as_output() {
    let site = Site::fixture("basic");
    let before = crate::common::snapshot(&site.root);
    for out in ["site", "site/content", "site/content/public", "."] {
        let stderr = fails(&chancery(
            &["build", "--root", "site", "--out", out],
            site.tmp(),
        ));
        assert!(stderr.contains("refusing"), "--out {out}: {stderr}");
    }
    assert!(before == crate::common::snapshot(&site.root));
}

#[test]
fn build_refuses_the_file_system_root_and_the_home_folder() {
    let site = Site::fixture("basic");
    let root = site.root.to_str().unwrap();
    let stderr = fails(&chancery(
        &["build", "--root", root, "--out", "/"],
        site.tmp(),
    ));
    assert!(stderr.contains("refusing"), "--out /: {stderr}");
    // An empty home folder would pass the "chancery made it or it is empty" rule: it is refused
    // for being the home folder.
    let home = site.tmp().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["build", "--root", root, "--out", home.to_str().unwrap()])
        .env("HOME", &home)
        .output()
        .expect("run chancery");
    let stderr = fails(&output);
    assert!(stderr.contains("home folder"), "{stderr}");
    assert!(
        files_under(&home).is_empty(),
        "nothing written into the home folder"
    );
}
