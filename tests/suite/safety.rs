//! Safety under hostile content, concurrent and killed builds, and bad files (issue 8).

use crate::common::{briefing, diagnostics, files_under, Site};
use chancery::write::MARKER_FILE;
use chancery::BuildOptions;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// Every file of an output with its bytes, but the marker (it holds the build's id).
fn tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    assert!(
        out.join(MARKER_FILE).is_file(),
        "{} has no marker",
        out.display()
    );
    files_under(out)
        .into_iter()
        .filter(|name| name != MARKER_FILE)
        .map(|name| {
            let bytes = std::fs::read(out.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// A site whose every front-matter value and site.yaml name is an attack.
fn hostile_site() -> Site {
    let site = Site::empty();
    let q = |s: &str| serde_json::to_string(s).unwrap();
    site.write(
        "site.yaml",
        &format!(
            "title: {script}\ndescription: {img}\nbase_url: https://example.org/\n\
             entities:\n  - name: {entity}\n    aliases: [{img}]\n\
             topics:\n  {script}:\n    description: {img}\n    aliases: [{alias}]\n\
             extra: {{x: {script}}}\n",
            script = q(SCRIPT),
            img = q(IMG),
            entity = q(&format!("Union {SCRIPT}")),
            alias = q("\"><img src=x onerror=alert(2)>"),
        ),
    );
    let front = format!(
        "title: {script}\ndate: 2021-04-06\ndateline: {img}\nsummary: {summary}\n\
         countries: [India, {img}]\ntopics: [{alias}, diplomacy]\n\
         source: {{name: {script}, url: {url}}}\nnote: {script}",
        // A `javascript:` URL is refused at parse; markup inside a web URL must be escaped.
        url = q(&format!("https://example.org/{SCRIPT}")),
        script = q(SCRIPT),
        img = q(IMG),
        summary = q(&format!("{SCRIPT} {IMG} line\u{2028}separator\u{2029}")),
        alias = q("\"><img src=x onerror=alert(2)>"),
    );
    let body = format!(
        "Text {SCRIPT} and {IMG} and [x](javascript:alert(1)).\n\n<div onclick=\"alert(1)\">\n{SCRIPT}\n</div>\n"
    );
    site.write("content/2021-04-06-evil.md", &briefing(&front, &body));
    let good =
        "title: Good\ndate: 2021-04-07\nsource: {name: Wire, url: \"https://example.com/w\"}";
    site.write("content/2021-04-07-good.md", &briefing(good, "Fine."));
    site
}

/// Every markup tag in `text` (from a real `<` to the next `>`): where an attack would act.
/// Escaped text (`&lt;img onerror=...&gt;`) is not a tag.
fn tags(text: &str) -> Vec<&str> {
    text.match_indices('<')
        .map(|(at, _)| {
            let rest = &text[at..];
            &rest[..rest.find('>').map_or(rest.len(), |end| end + 1)]
        })
        .collect()
}

#[test]
fn hostile_values_reach_every_output_file_escaped() {
    let site = hostile_site();
    site.build();
    let out = site.out();
    let files = files_under(&out);
    for wanted in [
        "atom.xml",
        "sitemap.xml",
        "search/meta.js",
        "search/docs/0.js",
    ] {
        assert!(files.iter().any(|f| f == wanted), "no {wanted}");
    }
    for name in &files {
        // The theme's own script is not content.
        if name == "search.js" {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(out.join(name)).unwrap()).to_lowercase();
        let scripts = text.matches("<script").count();
        let theme_scripts = text.matches("<script src=").count();
        assert_eq!(scripts, theme_scripts, "{name} has an unescaped <script>");
        for tag in tags(&text) {
            // Attribute names: what is left when the quoted values are taken out.
            let names: String = tag.split('"').step_by(2).collect();
            for bad in ["onerror", "onclick"] {
                assert!(!names.contains(bad), "{name} has `{bad}` in a tag: {tag}");
            }
            let value_starts_javascript = tag.split('"').skip(1).step_by(2).any(|v| {
                let v = v.trim_start();
                v.starts_with("javascript:") || v.starts_with("data:")
            });
            assert!(!value_starts_javascript, "{name} has a script URL: {tag}");
        }
        if name.ends_with(".js") {
            assert!(
                !text.contains(['<', '>', '\u{2028}', '\u{2029}']),
                "{name}: {text}"
            );
        }
    }
    let page = site.read_out("briefings/evil/index.html");
    assert!(
        page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{page}"
    );
    assert!(
        page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(
        page.contains("Source: <a href=\"https://example.org/&lt;script&gt;"),
        "a source URL is linked with its markup escaped: {page}"
    );
    let good = site.read_out("briefings/good/index.html");
    assert!(
        good.contains("Source: <a href=\"https://example.com/w\">Wire</a>"),
        "{good}"
    );
    let feed = site.read_out("atom.xml");
    assert!(
        feed.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"),
        "{feed}"
    );
    let docs = site.read_out("search/docs/0.js");
    assert!(
        docs.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
        "{docs}"
    );
    assert!(docs.contains("\\u2028"), "{docs}");
}

#[test]
fn allow_raw_html_trusts_raw_html_and_changes_the_cache_key() {
    let site = Site::empty();
    let body = "<span onmouseover=\"hi()\">x</span>\n\n[y](javascript:alert(1))\n";
    site.write(
        "content/2021-01-01-a.md",
        &briefing("title: A\ndate: 2021-01-01", body),
    );
    site.build();
    assert!(!site
        .read_out("briefings/a/index.html")
        .contains("onmouseover"));
    site.write("site.yaml", "allow_raw_html: true\n");
    let report = site.build();
    assert_eq!(
        report.files_parsed, 1,
        "a new setting must not reuse the cache"
    );
    let page = site.read_out("briefings/a/index.html");
    assert!(
        page.contains("<span onmouseover=\"hi()\">x</span>"),
        "{page}"
    );
    assert!(
        !page.contains("javascript:"),
        "Markdown links stay checked: {page}"
    );
}

#[test]
fn two_builds_at_once_take_turns() {
    let site = Site::sample();
    let options = site.options();
    let builds: Vec<_> = (0..2)
        .map(|_| {
            let options = options.clone();
            std::thread::spawn(move || chancery::build(&options).map(|r| r.pages))
        })
        .collect();
    for build in builds {
        build.join().unwrap().expect("both builds succeed");
    }
    let clean_out = site.tmp().join("clean");
    site.build_with(&BuildOptions {
        out: Some(clean_out.clone()),
        no_cache: true,
        ..site.options()
    });
    assert!(
        tree(&site.out()) == tree(&clean_out),
        "concurrent builds differ from a clean one"
    );
}

/// A deterministic xorshift generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn numbered_briefing(n: usize, revision: usize) -> String {
    let countries = ["India", "Russia", "China", "France", "Brazil"];
    let front = format!(
        "title: Briefing {n} revision {revision}\ndate: 2021-{:02}-{:02}\ncountries: [{}]\ntopics: [topic{}]",
        n % 12 + 1,
        n % 28 + 1,
        countries[n % countries.len()],
        n % 7
    );
    let body = format!("Paragraph {revision} of briefing {n}. The ministers met.\n\n").repeat(20);
    briefing(&front, &body)
}

/// `chancery build` of `root` as a child process, quiet.
fn start_build(root: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_chancery"))
        .args(["build", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_whole_new_one() {
    let site = Site::empty();
    let count = 300;
    for n in 0..count {
        site.write(&format!("content/b{n}.md"), &numbered_briefing(n, 0));
    }
    site.build();
    // How long a build of one changed briefing takes here: kills land anywhere in it, or after.
    site.write("content/b0.md", &numbered_briefing(0, 1));
    let started = Instant::now();
    assert!(start_build(&site.root).wait().unwrap().success());
    let span = started.elapsed().as_millis() as u64 * 5 / 4 + 1;
    let mut previous = tree(&site.out());
    let reference_out = site.tmp().join("reference");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut kept, mut replaced) = (0, 0);
    for round in 2..=16 {
        let n = rng.below(count as u64) as usize;
        site.write(&format!("content/b{n}.md"), &numbered_briefing(n, round));
        let mut child = start_build(&site.root);
        std::thread::sleep(Duration::from_millis(rng.below(span)));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = tree(&site.out());
        if now == previous {
            kept += 1;
            continue;
        }
        site.build_with(&BuildOptions {
            out: Some(reference_out.clone()),
            no_cache: true,
            ..site.options()
        });
        assert!(
            now == tree(&reference_out),
            "round {round}: the output is neither the previous site nor the new one"
        );
        replaced += 1;
        previous = now;
    }
    eprintln!("killed builds ({span} ms): {kept} left the old site, {replaced} finished");
    site.build();
    assert!(site.read_out("index.html").contains("revision"));
}

/// Builds a site holding one file `name` with `bytes`, in a bounded time; the build's result.
fn build_one(name: &str, bytes: &[u8]) -> (Site, chancery::error::Result<chancery::BuildReport>) {
    let site = Site::empty();
    site.write_bytes(&format!("content/{name}"), bytes);
    let started = Instant::now();
    let result = chancery::build(&site.options());
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{name} took {:?}",
        started.elapsed()
    );
    (site, result)
}

/// The one diagnostic about `name` of a failed build.
fn error_about(result: chancery::error::Result<chancery::BuildReport>, name: &str) -> String {
    let error = result.err().unwrap_or_else(|| panic!("{name} built"));
    let found = diagnostics(&error)
        .iter()
        .find(|d| d.path.ends_with(name))
        .unwrap_or_else(|| panic!("no diagnostic names {name}: {error}"));
    found.to_string()
}

#[test]
fn an_empty_file_is_a_clear_error() {
    let (_site, result) = build_one("empty.md", b"");
    let message = error_about(result, "empty.md");
    assert!(message.contains("front matter"), "{message}");
}

#[test]
fn front_matter_without_a_body_builds() {
    let (site, result) = build_one("x.md", b"---\ntitle: x\ndate: 2021-01-01\n---");
    result.unwrap_or_else(|e| panic!("{e}"));
    assert!(site
        .read_out("briefings/x/index.html")
        .contains("<h1>x</h1>"));
}

#[test]
fn a_huge_body_builds_or_fails_clearly() {
    let paragraph =
        "The ministers discussed trade, defence and the Indo-Pacific at length. ".repeat(14);
    let mut text = String::from("---\ntitle: Huge\ndate: 2021-01-01\n---\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&paragraph);
        text.push_str("\n\n");
    }
    let (_site, result) = build_one("huge.md", text.as_bytes());
    if let Err(error) = result {
        assert!(error.to_string().contains("huge.md"), "{error}");
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 10_000;
    let body = format!("{}deep\n\n{}item\n", "> ".repeat(depth), "- ".repeat(depth));
    let text = briefing("title: Deep\ndate: 2021-01-01", &body);
    // Parse and render run on rayon's threads (2 MB stacks); an overflow would abort the suite.
    let (site, result) = build_one("deep.md", text.as_bytes());
    let report = result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.briefings, 1);
    assert!(site
        .read_out("briefings/deep/index.html")
        .contains("<blockquote>"));
}

#[test]
fn an_unreadable_file_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::empty();
    site.write(
        "content/locked.md",
        &briefing("title: L\ndate: 2021-01-01", "x"),
    );
    let path = site.root.join("content/locked.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let result = chancery::build(&site.options());
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("note: running as root, which reads any file; only checking there is no panic");
        return;
    }
    let message = error_about(result, "locked.md");
    assert!(message.contains("cannot read"), "{message}");
}

#[test]
fn a_symlink_loop_is_a_clear_error() {
    let site = Site::empty();
    site.write(
        "content/a/one.md",
        &briefing("title: One\ndate: 2021-01-01", "x"),
    );
    std::os::unix::fs::symlink(site.root.join("content"), site.root.join("content/a/loop"))
        .unwrap();
    let message = error_about(chancery::build(&site.options()), "loop");
    assert!(message.contains("symbolic link loop"), "{message}");
}
