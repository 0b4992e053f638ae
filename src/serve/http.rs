//! The dev server's HTTP side: files of the served folder, the live-reload script and its
//! event stream.
//!
//! tiny_http parses requests; every request gets a thread of its own, because an event stream
//! stays open for as long as its tab does. A request path is percent-decoded and checked one
//! segment at a time (no `..`, no hidden names) and the file it names, symlinks resolved, must
//! still be inside the served folder. HTML responses get the reload script added; the files on
//! disk never have it, so `chancery build` output never carries it.

use serde::Serialize;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response};

/// Where the server's own files live; no page of a site can be there (hidden names are never
/// written by a build, and `__chancery` is not a slug chancery makes).
pub const PREFIX: &str = "/__chancery/";
const RELOAD_SCRIPT: &str = include_str!("livereload.js");
/// How often an idle event stream is sent a comment, so a closed tab's thread notices and ends.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What open tabs are told: which build they should show, and the error that stops the next.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Status {
    /// Counts successful builds; a tab showing an older one reloads.
    pub build: u64,
    /// The last rebuild's errors, when it failed (the last good site is still served).
    pub error: Option<String>,
}

/// Shared between the rebuild loop and the request threads.
pub struct State {
    /// The served folder, with symlinks resolved.
    root: PathBuf,
    status: Mutex<Status>,
    changed: Condvar,
}

impl State {
    /// State for serving `root` (which must exist).
    pub fn new(root: &Path) -> std::io::Result<Arc<State>> {
        Ok(Arc::new(State {
            root: root.canonicalize()?,
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
        }))
    }

    /// A rebuild succeeded: tabs reload.
    pub fn built(&self) {
        self.update(|status| {
            status.build += 1;
            status.error = None;
        });
    }

    /// A rebuild failed: tabs show `message` over the last good page.
    pub fn failed(&self, message: String) {
        self.update(|status| status.error = Some(message));
    }

    /// The status now.
    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn update(&self, change: impl FnOnce(&mut Status)) {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut status);
        self.changed.notify_all();
    }

    /// Waits until the status differs from `seen`, or `timeout` passes.
    fn wait_change(&self, seen: &Status, timeout: Duration) -> Status {
        let status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        let (status, _) = self
            .changed
            .wait_timeout_while(status, timeout, |now| now == seen)
            .unwrap_or_else(|e| e.into_inner());
        status.clone()
    }
}

/// Answers requests until the server is dropped.
pub fn serve(server: Arc<tiny_http::Server>, state: Arc<State>) {
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || handle(request, &state));
    }
}

fn handle(request: Request, state: &State) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "only GET and HEAD are served"));
        return;
    }
    let (path, query) = split_url(request.url());
    if let Some(own) = path.strip_prefix(PREFIX) {
        return serve_own(request, own, state);
    }
    let response = match resolve(&state.root, &path) {
        Resolved::File(file) => file_response(&file, 200, &state.status()),
        Resolved::Directory => {
            let location = format!(
                "{path}/{}",
                query.map(|q| format!("?{q}")).unwrap_or_default()
            );
            let header = Header::from_bytes("Location", location.as_bytes()).expect("valid header");
            text(301, "moved").with_header(header)
        }
        Resolved::Refused => text(403, "refused: outside the served folder"),
        Resolved::BadRequest => text(400, "bad request path"),
        Resolved::Missing => not_found(&state.root, &state.status()),
    };
    let _ = request.respond(response);
}

/// The server's own files: the reload script, the event stream, the status.
fn serve_own(request: Request, name: &str, state: &State) {
    match name {
        "livereload.js" => {
            let _ = request.respond(bytes(
                200,
                RELOAD_SCRIPT.as_bytes().to_vec(),
                "text/javascript; charset=utf-8",
            ));
        }
        "status" => {
            let json = serde_json::to_vec(&state.status()).expect("status serialises");
            let _ = request.respond(bytes(200, json, "application/json"));
        }
        "events" => event_stream(request, state),
        _ => {
            let _ = request.respond(text(404, "not found"));
        }
    }
}

/// Server-sent events: the status now, then every change, until the tab goes away.
fn event_stream(request: Request, state: &State) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut seen = state.status();
    let mut message = event(&seen);
    loop {
        if writer
            .write_all(message.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
        let now = state.wait_change(&seen, KEEPALIVE);
        message = match now == seen {
            true => ": still here\n\n".to_string(),
            false => event(&now),
        };
        seen = now;
    }
}

fn event(status: &Status) -> String {
    let json = serde_json::to_string(status).expect("status serialises");
    format!("event: status\ndata: {json}\n\n")
}

/// What a request path names in the served folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file to send.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect, so relative links resolve.
    Directory,
    /// Outside the served folder (`..`, a symlink out).
    Refused,
    /// Not a path at all (bad percent-encoding, a NUL, a backslash).
    BadRequest,
    /// Nothing there (or a hidden name).
    Missing,
}

/// Maps a decoded-later request path (`/countries/india/`) to a file under `root` (which has
/// its symlinks resolved).
pub fn resolve(root: &Path, raw_path: &str) -> Resolved {
    let Some(decoded) = percent_decode(raw_path) else {
        return Resolved::BadRequest;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Resolved::BadRequest;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." {
            return Resolved::Refused;
        }
        if segment.starts_with('.') {
            return Resolved::Missing;
        }
        // A segment such as `C:` would replace the path on Windows; only plain names pass.
        let plain = Path::new(segment)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Resolved::Refused;
        }
        path.push(segment);
    }
    let Ok(real) = path.canonicalize() else {
        return Resolved::Missing;
    };
    if !real.starts_with(root) {
        return Resolved::Refused;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Directory;
        }
        let index = real.join("index.html");
        return match index.is_file() {
            true => Resolved::File(index),
            false => Resolved::Missing,
        };
    }
    match real.is_file() {
        true => Resolved::File(real),
        false => Resolved::Missing,
    }
}

/// The path and query of a request target.
fn split_url(url: &str) -> (String, Option<&str>) {
    let url = url.split('#').next().unwrap_or("");
    match url.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query)),
        None => (url.to_string(), None),
    }
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn file_response(file: &Path, code: u16, status: &Status) -> Response<std::io::Cursor<Vec<u8>>> {
    let Ok(body) = std::fs::read(file) else {
        // Removed between the check and the read (a rebuild deleted it).
        return text(404, "not found");
    };
    let content_type = content_type(file);
    let body = match content_type.starts_with("text/html") {
        true => inject_reload(body, status.build, code == 404),
        false => body,
    };
    bytes(code, body, content_type)
}

/// The site's 404.html (status 404), or a plain message when the site has none.
fn not_found(root: &Path, status: &Status) -> Response<std::io::Cursor<Vec<u8>>> {
    let page = root.join("404.html");
    match page.is_file() {
        true => file_response(&page, 404, status),
        false => text(404, "not found"),
    }
}

/// Adds the reload script before `</body>`. The 404 page also gets `<base href="/">`: it is
/// written for the site's root, but shown at any missing path, where its relative links would
/// point nowhere.
fn inject_reload(body: Vec<u8>, build: u64, at_root: bool) -> Vec<u8> {
    let Ok(mut html) = String::from_utf8(body) else {
        return Vec::new();
    };
    let script = format!(r#"<script src="{PREFIX}livereload.js" data-build="{build}"></script>"#);
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &script),
        None => html.push_str(&script),
    }
    if at_root {
        if let Some(at) = html.find("<head>") {
            html.insert_str(at + "<head>".len(), r#"<base href="/">"#);
        }
    }
    html.into_bytes()
}

/// The Content-Type for a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn bytes(code: u16, body: Vec<u8>, content_type: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let header = |name: &str, value: &str| Header::from_bytes(name, value).expect("valid header");
    Response::from_data(body)
        .with_status_code(code)
        .with_header(header("Content-Type", content_type))
        // A preview must never show a page from the browser's cache after a rebuild.
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn text(code: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    bytes(
        code,
        format!("{message}\n").into_bytes(),
        "text/plain; charset=utf-8",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("countries/india")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("countries/india/index.html"), "india").unwrap();
        std::fs::write(site.join(".chancery-output"), "marker").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let root = site.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn files_folders_and_missing_pages() {
        let (_dir, root) = served();
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/countries/india/"),
            Resolved::File(root.join("countries/india/index.html"))
        );
        assert_eq!(resolve(&root, "/countries/india"), Resolved::Directory);
        assert_eq!(
            resolve(&root, "/countries/%69ndia/index.html"),
            Resolved::File(root.join("countries/india/index.html"))
        );
        assert_eq!(resolve(&root, "/nothing/"), Resolved::Missing);
        assert_eq!(
            resolve(&root, "/countries/"),
            Resolved::Missing,
            "a folder without index.html"
        );
    }

    #[test]
    fn escapes_are_refused() {
        let (_dir, root) = served();
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/countries/%2E%2E/%2E%2E/secret.txt",
            "/./index.html",
        ] {
            assert_eq!(resolve(&root, path), Resolved::Refused, "{path}");
        }
        assert_eq!(resolve(&root, "/%2"), Resolved::BadRequest);
        assert_eq!(resolve(&root, "/a%00b"), Resolved::BadRequest);
        assert_eq!(resolve(&root, "/..%5csecret.txt"), Resolved::BadRequest);
        assert_eq!(
            resolve(&root, "/.chancery-output"),
            Resolved::Missing,
            "hidden names are never served"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_folder_are_refused() {
        let (dir, root) = served();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        assert_eq!(resolve(&root, "/link.txt"), Resolved::Refused);
        assert_eq!(resolve(&root, "/up/secret.txt"), Resolved::Refused);
    }

    #[test]
    fn reload_script_goes_before_the_body_ends() {
        let html = inject_reload(
            b"<html><head></head><body>x</body></html>".to_vec(),
            7,
            false,
        );
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.ends_with(
                r#"x<script src="/__chancery/livereload.js" data-build="7"></script></body></html>"#
            ),
            "{html}"
        );
        let html = String::from_utf8(inject_reload(
            b"<html><head></head><body></body></html>".to_vec(),
            1,
            true,
        ))
        .unwrap();
        assert!(html.starts_with(r#"<html><head><base href="/">"#), "{html}");
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type(Path::new("a/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("countries/india/atom.xml")),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("sitemap.xml")),
            "application/xml; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("style.css")),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("search/meta.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("logo.SVG")), "image/svg+xml");
        assert_eq!(
            content_type(Path::new("data.bin")),
            "application/octet-stream"
        );
    }
}
