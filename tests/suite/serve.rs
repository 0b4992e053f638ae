//! `chancery serve`: the real binary on a free port, edited under it.
//!
//! Every wait is bounded ([`TIMEOUT`]) and polls; nothing asserts how fast a rebuild is. The
//! served folder goes under the test's own temporary folder (`TMPDIR`), so its files can be
//! looked at: a page that was not re-rendered keeps its inode and modification time.

use crate::common::{briefing, Site};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `chancery serve`, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    port: u16,
    /// Every line it printed on stdout so far.
    lines: Arc<Mutex<Vec<String>>>,
    /// Its temporary folder, which holds the served folder.
    tmpdir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(site: &Site) -> Server {
        let tmpdir = site.tmp().join("serve-tmp");
        std::fs::create_dir_all(&tmpdir).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_chancery"))
            .args(["serve", "--port", "0", "--root"])
            .arg(&site.root)
            .env("TMPDIR", &tmpdir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chancery serve starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().unwrap();
        let shared = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                shared.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
            port: 0,
            lines,
            tmpdir,
        };
        let line = server.wait_line(|l| l.starts_with("Serving "));
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap();
        server.base = url.trim_end_matches('/').to_string();
        server.port = url
            .rsplit(':')
            .next()
            .unwrap()
            .trim_end_matches('/')
            .parse()
            .unwrap();
        server
    }

    /// Waits for a printed line that `matches`, and returns it.
    fn wait_line(&self, matches: impl Fn(&str) -> bool) -> String {
        let found = wait_for("a line from chancery serve", || {
            self.lines
                .lock()
                .unwrap()
                .iter()
                .find(|l| matches(l))
                .cloned()
        });
        found
    }

    /// How many builds it has reported.
    fn builds(&self) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("Built in"))
            .count()
    }

    /// The folder it serves.
    fn folder(&self) -> PathBuf {
        let mut found = std::fs::read_dir(&self.tmpdir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("chancery-serve-")
            });
        found.next().expect("a served folder under TMPDIR")
    }

    fn get(&self, path: &str) -> Reply {
        raw_get(self.port, path)
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__chancery/status").body).unwrap()
    }

    /// Waits until `path` is served with `code` and a body for which `check` holds.
    fn wait_page(&self, path: &str, code: u16, check: impl Fn(&str) -> bool) -> Reply {
        wait_for(&format!("{path} to be served with {code}"), || {
            let reply = self.get(path);
            (reply.code == code && check(&reply.body)).then_some(reply)
        })
    }
}

/// An HTTP reply.
struct Reply {
    code: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// GET over a bare socket: the path goes out exactly as written (an HTTP client library would
/// resolve `..` itself before sending).
fn raw_get(port: u16, path: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        code,
        headers: head.to_string(),
        body: body.to_string(),
    }
}

fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A file's identity and modification time: equal only if it was not written again.
fn stamp(path: &Path) -> (u64, i64, i64) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (m.ino(), m.mtime(), m.mtime_nsec())
}

/// Four briefings that share nothing but the archive: editing one must not touch another's
/// country, topic, region or month.
fn four_briefings() -> Site {
    let site = Site::empty();
    let items = [
        (
            "2021-01-05-india-talks",
            "India talks",
            "2021-01-05",
            "India",
            "diplomacy",
        ),
        (
            "2021-02-05-france-trade",
            "France trade",
            "2021-02-05",
            "France",
            "trade",
        ),
        (
            "2021-03-05-brazil-energy",
            "Brazil energy",
            "2021-03-05",
            "Brazil",
            "energy",
        ),
        (
            "2023-08-05-japan-defence",
            "Japan defence",
            "2023-08-05",
            "Japan",
            "defence",
        ),
    ];
    for (file, title, date, country, topic) in items {
        let front =
            format!("title: {title}\ndate: {date}\ncountries: [{country}]\ntopics: [{topic}]");
        site.write(
            &format!("content/{file}.md"),
            &briefing(&front, "Body text.\n"),
        );
        // An hour old: a file changed just before a build is read again by the next one
        // (its timestamp cannot prove it unchanged), which would blur what a rebuild parsed.
        let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        let file = std::fs::File::options()
            .write(true)
            .open(site.root.join(format!("content/{file}.md")))
            .unwrap();
        file.set_modified(an_hour_ago).unwrap();
    }
    site
}

#[test]
fn an_edit_rerenders_the_pages_that_show_it_and_no_others() {
    let site = four_briefings();
    let server = Server::start(&site);
    let folder = server.folder();
    let untouched = [
        "briefings/japan-defence/index.html",
        "countries/japan/index.html",
        "topics/defence/index.html",
        "archive/2023/08/index.html",
        "regions/eastern-asia/index.html",
    ];
    let before: Vec<_> = untouched.iter().map(|p| stamp(&folder.join(p))).collect();
    let builds = server.builds();
    site.write(
        "content/2021-01-05-india-talks.md",
        &briefing(
            "title: India talks renamed\ndate: 2021-01-05\ncountries: [India]\ntopics: [diplomacy]",
            "Body text.\n",
        ),
    );
    for page in [
        "/briefings/india-talks/",
        "/",
        "/countries/india/",
        "/topics/diplomacy/",
        "/archive/2021/01/",
    ] {
        server.wait_page(page, 200, |b| b.contains("India talks renamed"));
    }
    wait_for("the rebuild to finish", || {
        (server.builds() > builds).then_some(())
    });
    let after: Vec<_> = untouched.iter().map(|p| stamp(&folder.join(p))).collect();
    assert_eq!(
        before, after,
        "pages that do not show the briefing were not written again"
    );
    // One save, one rebuild (two if a loaded machine paused the write past the quiet period).
    assert!(
        server.builds() - builds <= 2,
        "{} rebuilds for one save",
        server.builds() - builds
    );
    let report = server.wait_line(|l| l.starts_with("Built in") && l.contains("1 file parsed"));
    assert!(!report.contains(" 0 unchanged"), "{report}");
    // The reload script is added when the page is served, never written into the files.
    let served = server.get("/briefings/india-talks/");
    assert!(served.body.contains("/__chancery/livereload.js"));
    let on_disk = std::fs::read_to_string(folder.join("briefings/india-talks/index.html")).unwrap();
    assert!(!on_disk.contains("__chancery"));
}

#[test]
fn adding_renaming_and_deleting_briefings_update_every_list() {
    let site = four_briefings();
    let server = Server::start(&site);
    assert_eq!(server.get("/countries/kenya/").code, 404);
    // Added, with a country no briefing had.
    site.write(
        "content/2024-01-09-kenya-vote.md",
        &briefing(
            "title: Kenya vote\ndate: 2024-01-09\ncountries: [Kenya]\ntopics: [elections]",
            "Text.\n",
        ),
    );
    // Every wait polls: a rebuild renames its pages into place one by one, and a request may
    // come between two of them.
    server.wait_page("/briefings/kenya-vote/", 200, |b| b.contains("Kenya vote"));
    server.wait_page("/countries/kenya/", 200, |b| b.contains("Kenya vote"));
    server.wait_page("/countries/", 200, |b| b.contains("Kenya"));
    server.wait_page("/topics/elections/", 200, |b| b.contains("Kenya vote"));
    server.wait_page("/", 200, |b| b.contains("Kenya vote"));
    // Renamed: the old address goes, the new one comes.
    std::fs::rename(
        site.root.join("content/2024-01-09-kenya-vote.md"),
        site.root.join("content/2024-01-09-kenya-election.md"),
    )
    .unwrap();
    server.wait_page("/briefings/kenya-election/", 200, |b| {
        b.contains("Kenya vote")
    });
    server.wait_page("/briefings/kenya-vote/", 404, |_| true);
    let folder = server.folder();
    wait_for("the old page's folder to be removed", || {
        (!folder.join("briefings/kenya-vote").exists()).then_some(())
    });
    // Its country changed: it leaves one list and joins another.
    site.write(
        "content/2024-01-09-kenya-election.md",
        &briefing(
            "title: Kenya vote\ndate: 2024-01-09\ncountries: [Japan]\ntopics: [elections]",
            "Text.\n",
        ),
    );
    server.wait_page("/countries/japan/", 200, |b| b.contains("Kenya vote"));
    // A country with no briefings left has no page.
    server.wait_page("/countries/kenya/", 404, |_| true);
    // Deleted.
    std::fs::remove_file(site.root.join("content/2024-01-09-kenya-election.md")).unwrap();
    server.wait_page("/briefings/kenya-election/", 404, |_| true);
    server.wait_page("/", 200, |b| !b.contains("Kenya vote"));
    server.wait_page("/topics/", 200, |b| !b.contains("elections"));
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_file_and_line() {
    let site = four_briefings();
    let server = Server::start(&site);
    let good = server.get("/briefings/france-trade/").body;
    let build = server.status()["build"].as_u64().unwrap();
    site.write(
        "content/2021-02-05-france-trade.md",
        "---\ntitle: France trade\ndate: [oops\n---\nBody.\n",
    );
    let status = wait_for("the error to be reported", || {
        let status = server.status();
        status["error"].is_string().then_some(status)
    });
    let error = status["error"].as_str().unwrap();
    assert!(
        error.contains("2021-02-05-france-trade.md:3"),
        "file and line: {error}"
    );
    assert_eq!(status["build"].as_u64().unwrap(), build, "no new build");
    assert_eq!(
        server.get("/briefings/france-trade/").body,
        good,
        "the last good page is served"
    );
    // A template error is reported the same way, with the template's name.
    site.write("templates/briefing.html", "{% extends \"base.html\" %}{% block content %}{{ page.title | nope }}{% endblock content %}");
    site.write(
        "content/2021-02-05-france-trade.md",
        &briefing(
            "title: France trade fixed\ndate: 2021-02-05\ncountries: [France]\ntopics: [trade]",
            "Body.\n",
        ),
    );
    let status = wait_for("the template error", || {
        let status = server.status();
        let error = status["error"].as_str().unwrap_or("").to_string();
        error.contains("briefing.html").then_some(status)
    });
    assert_eq!(status["build"].as_u64().unwrap(), build);
    std::fs::remove_file(site.root.join("templates/briefing.html")).unwrap();
    server.wait_page("/briefings/france-trade/", 200, |b| {
        b.contains("France trade fixed")
    });
    // Fixing the files clears the error (the pages are in place just before tabs are told).
    let status = wait_for("the error to clear", || {
        let status = server.status();
        status["error"].is_null().then_some(status)
    });
    assert!(status["build"].as_u64().unwrap() > build);
    // Only the fixed file was read again: failed rebuilds left the cache whole.
    let built = wait_for("the rebuild's summary line", || {
        let lines = server.lines.lock().unwrap();
        let built: Vec<&String> = lines.iter().filter(|l| l.starts_with("Built in")).collect();
        (built.len() >= 2).then(|| built[built.len() - 1].clone())
    });
    assert!(built.contains("1 file parsed"), "{built}");
}

#[test]
fn templates_and_static_files_change_without_reparsing() {
    let site = four_briefings();
    let server = Server::start(&site);
    let builds = server.builds();
    let base =
        std::fs::read_to_string(crate::common::manifest_dir().join("templates/base.html")).unwrap();
    site.write(
        "templates/base.html",
        &base.replace("</footer>", "<p>Template marker</p></footer>"),
    );
    server.wait_page("/topics/trade/", 200, |b| b.contains("Template marker"));
    wait_for("the rebuild to finish", || {
        (server.builds() > builds).then_some(())
    });
    let line = server.wait_line(|l| l.starts_with("Built in") && l.contains("0 files parsed"));
    assert!(
        line.contains(" 0 unchanged"),
        "every page shows the footer: {line}"
    );
    assert!(server.builds() - builds <= 2);
    site.write("static/extra.css", "body { color: red }");
    let reply = server.wait_page("/extra.css", 200, |b| b.contains("color: red"));
    assert_eq!(
        reply.header("content-type"),
        Some("text/css; charset=utf-8")
    );
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let site = four_briefings();
    let server = Server::start(&site);
    let builds = server.builds();
    for n in 0..10 {
        let front = format!(
            "title: Burst {n}\ndate: 2022-05-{:02}\ncountries: [Chile]",
            n + 1
        );
        site.write(
            &format!("content/burst-{n}.md"),
            &briefing(&front, "Text.\n"),
        );
    }
    server.wait_page("/countries/chile/", 200, |b| {
        (0..10).all(|n| b.contains(&format!("Burst {n}")))
    });
    std::thread::sleep(Duration::from_millis(300));
    let rebuilds = server.builds() - builds;
    // Ten files written back to back; the watcher waits for quiet before it rebuilds. (Two
    // are allowed: a loaded machine may pause the writer longer than the quiet period.)
    assert!(
        (1..=2).contains(&rebuilds),
        "{rebuilds} rebuilds for one burst of ten saves"
    );
}

#[test]
fn requests_outside_the_site_are_refused_and_types_are_right() {
    let site = four_briefings();
    site.write("secret.txt", "secret");
    let server = Server::start(&site);
    let folder = server.folder();
    std::os::unix::fs::symlink(site.root.join("secret.txt"), folder.join("leak.txt")).unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/briefings/%2E%2E/../secret.txt",
        "/leak.txt",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.code, 403, "{path}");
        assert!(!reply.body.contains("secret"), "{path}");
    }
    assert_eq!(
        server.get("/.chancery-output").code,
        404,
        "hidden files are not served"
    );
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.code, 404);
    assert!(
        missing.body.contains("<base href=\"/\">"),
        "the 404 page's links resolve from the root"
    );
    let redirect = server.get("/countries/india");
    assert_eq!(redirect.code, 301);
    assert_eq!(redirect.header("location"), Some("/countries/india/"));
    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/search/meta.js", "text/javascript; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
    ] {
        let reply = server.get(path);
        assert_eq!(
            (reply.code, reply.header("content-type")),
            (200, Some(kind)),
            "{path}"
        );
    }
}

#[test]
fn open_tabs_hear_of_each_build_and_error() {
    let site = four_briefings();
    let server = Server::start(&site);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "GET /__chancery/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    let mut next_status = || loop {
        let mut line = String::new();
        assert!(events.read_line(&mut line).unwrap() > 0, "the stream ended");
        if let Some(json) = line.strip_prefix("data: ") {
            return serde_json::from_str::<serde_json::Value>(json).unwrap();
        }
    };
    let first = next_status();
    let build = first["build"].as_u64().unwrap();
    site.write(
        "content/2021-03-05-brazil-energy.md",
        "---\ntitle: [\n---\n",
    );
    let failed = next_status();
    assert!(failed["error"]
        .as_str()
        .unwrap()
        .contains("brazil-energy.md"));
    site.write(
        "content/2021-03-05-brazil-energy.md",
        &briefing(
            "title: Brazil energy\ndate: 2021-03-05\ncountries: [Brazil]",
            "Fixed.\n",
        ),
    );
    let fixed = next_status();
    assert_eq!(fixed["build"].as_u64().unwrap(), build + 1);
    assert!(fixed["error"].is_null());
}
