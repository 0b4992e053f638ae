//! `chancery check`: broken links, missing images, unreachable briefings, external links.

use crate::common::{briefing, files_under, Site};
use chancery::check::{check, CheckOptions, CheckReport};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

fn chancery_check(root: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chancery"))
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .expect("run chancery")
}

fn check_site(site: &Site) -> CheckReport {
    check(&CheckOptions::new(&site.root)).unwrap_or_else(|e| panic!("check failed:\n{e}"))
}

fn problems(report: &CheckReport) -> String {
    report.problems.iter().map(|p| format!("{p}\n")).collect()
}

/// One small briefing with `body`, at `content/briefings/2021-04-06-talks.md`.
fn site_with_body(body: &str) -> Site {
    let site = Site::empty();
    site.write(
        "content/briefings/2021-04-06-talks.md",
        &briefing("title: Talks\ndate: 2021-04-06\ncountries: [India]", body),
    );
    site
}

#[test]
fn sample_archive_checks_clean_and_writes_nothing() {
    let site = Site::sample();
    let before = files_under(site.tmp());
    let output = chancery_check(&site.root, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("nothing broken"), "{stdout}");
    assert_eq!(files_under(site.tmp()), before, "check changed the disk");
    let pretty = check(&CheckOptions {
        base_url: Some("https://example.org/briefings/".into()),
        ..CheckOptions::new(&site.root)
    })
    .unwrap();
    assert!(pretty.problems.is_empty(), "{}", problems(&pretty));
}

#[test]
fn template_with_a_broken_link_fails_the_check() {
    let site = site_with_body("Body.\n");
    site.write(
        "templates/404.html",
        "<a href=\"missing/index.html\">x</a><a href=\"{{ nav.home }}#nowhere\">y</a>",
    );
    let output = chancery_check(&site.root, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("404.html: error: broken link `missing/index.html` (no such page or file)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`index.html#nowhere` (no such heading"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 problems"), "{stderr}");
}

#[test]
fn missing_image_is_reported_in_the_briefing_at_its_line() {
    let site = site_with_body("First.\n\n![Map](map.png)\n");
    site.write("static/present.png", "png");
    let report = check_site(&site);
    let text = problems(&report);
    assert_eq!(report.problems.len(), 1, "{text}");
    let problem = &report.problems[0];
    assert!(problem.path.ends_with("2021-04-06-talks.md"), "{text}");
    assert_eq!(problem.line, Some(8), "{text}"); // file lines: 5 of front matter first
    assert!(
        problem.message.contains("missing image or file `map.png`"),
        "{text}"
    );
    // The same image in the site's static files is found.
    let fixed = site_with_body("![Map](../../present.png)\n");
    fixed.write("static/present.png", "png");
    let report = check_site(&fixed);
    assert!(report.problems.is_empty(), "{}", problems(&report));
}

#[test]
fn link_to_a_missing_briefing_file_is_reported() {
    let site = site_with_body("See [the talks](gone.md).\n");
    let report = check_site(&site);
    let text = problems(&report);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message == "link to `gone.md`: no such briefing" && p.is_error()),
        "{text}"
    );
    let output = chancery_check(&site.root, &[]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn briefing_that_no_page_lists_is_reported() {
    let site = site_with_body("Body.\n");
    // The briefing's only lists: the home page, its country and region, its year and month.
    for template in [
        "index.html",
        "country.html",
        "region.html",
        "archive_year.html",
        "archive_month.html",
    ] {
        site.write(&format!("templates/{template}"), "nothing listed");
    }
    let report = check_site(&site);
    let text = problems(&report);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.path.ends_with("2021-04-06-talks.md")
                && p.message == "no page links to this briefing"),
        "{text}"
    );
}

/// A web server on 127.0.0.1 that answers 200 for `/ok` and 404 for anything else; refuses
/// HEAD on `/get-only` with 405, as some servers do.
fn local_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 2048];
            let read = stream.read(&mut request).unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..read]);
            let mut words = request.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let status = match (method, path) {
                (_, "/ok") | ("GET", "/get-only") => "200 OK",
                ("HEAD", "/get-only") => "405 Method Not Allowed",
                _ => "404 Not Found",
            };
            let response =
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}")
}

#[test]
fn external_links_are_checked_against_a_local_server() {
    let server = local_server();
    let site = site_with_body(&format!(
        "[good]({server}/ok) and [gone]({server}/gone) and [get]({server}/get-only)\n"
    ));
    let offline = check_site(&site);
    assert!(offline.problems.is_empty(), "{}", problems(&offline));
    let report = check(&CheckOptions {
        external: true,
        jobs: 2,
        timeout: std::time::Duration::from_secs(5),
        ..CheckOptions::new(&site.root)
    })
    .unwrap();
    let text = problems(&report);
    assert_eq!(report.problems.len(), 1, "{text}");
    assert!(
        text.contains(&format!(
            "broken external link `{server}/gone` (status 404)"
        )),
        "{text}"
    );
    assert_eq!(report.external_links, 3);
    let output = chancery_check(&site.root, &["--external", "--jobs", "2", "--timeout", "5"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("2021-04-06-talks.md:6: error: broken external link"),
        "{stdout}"
    );
}
