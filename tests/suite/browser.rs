//! A small WebDriver client for headless Chromium, for the search page's browser tests.
//!
//! chromedriver speaks WebDriver (JSON over HTTP) on a local port; `ureq` and `serde_json` are
//! all it takes, with no async runtime. [`Browser::start`] starts chromedriver on a free port and
//! opens one headless Chromium session; dropping the [`Browser`] closes both, also when a test
//! panics.

use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The longest any wait lasts.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// WebDriver's key for an element reference in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where Chromium and chromedriver are, if both are installed.
pub struct Installed {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Finds Chromium and chromedriver (`CHROMIUM`, `CHROMEDRIVER` override the usual paths).
pub fn installed() -> Option<Installed> {
    let find = |var: &str, candidates: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(var) {
            return Some(PathBuf::from(path)).filter(|p| p.is_file());
        }
        candidates.iter().map(PathBuf::from).find(|p| p.is_file())
    };
    Some(Installed {
        // Debian's /usr/bin/chromium is a shell wrapper; chromedriver is happiest with the binary.
        chromium: find(
            "CHROMIUM",
            &[
                "/usr/lib/chromium/chromium",
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
            ],
        )?,
        chromedriver: find(
            "CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        )?,
    })
}

/// Chromium and chromedriver for a test, or `None` (after saying so) when they are missing and
/// this is not CI. On CI (`CI` set) a missing browser fails the test: `.ci/run` installs it.
pub fn installed_or_skip(test: &str) -> Option<Installed> {
    if let Some(found) = installed() {
        return Some(found);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: chromium and chromedriver are required on CI (.ci/run installs them: apt-get install -y chromium chromium-driver)"
        );
    }
    eprintln!("\n!!!!!!!! {test} skipped: install chromium chromium-driver to run it !!!!!!!!\n");
    None
}

/// A chromedriver process with one headless Chromium session.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Closing the session ends Chromium; then chromedriver itself goes.
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session))
            .timeout(Duration::from_secs(5))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    pub fn start(installed: &Installed) -> Browser {
        let port = free_port();
        let driver = Command::new(&installed.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            _profile: profile,
        };
        wait_for("chromedriver to listen", || {
            ureq::get(&format!("{}/status", browser.base))
                .timeout(Duration::from_secs(1))
                .call()
                .ok()
                .and_then(|r| r.into_json::<Value>().ok())
                .filter(|v| v["value"]["ready"] == json!(true))
        });
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--window-size=1200,900",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!(
            "--user-data-dir={}",
            browser._profile.path().display()
        ));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": installed.chromium, "args": args},
        }}});
        let session = browser.post("/session", capabilities);
        browser.session = session["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        browser
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{}", self.base, path);
        match ureq::post(&url).timeout(TIMEOUT * 3).send_json(body) {
            Ok(response) => response.into_json::<Value>().expect("JSON")["value"].take(),
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                panic!("WebDriver {path} failed ({code}): {text}")
            }
            Err(error) => panic!("WebDriver {path}: {error}"),
        }
    }

    fn session_post(&self, path: &str, body: Value) -> Value {
        self.post(&format!("/session/{}{}", self.session, path), body)
    }

    /// Opens `url` and waits for it to load.
    pub fn open(&self, url: &str) {
        self.session_post("/url", json!({ "url": url }));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn run(&self, script: &str, args: Value) -> Value {
        self.session_post("/execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs a Chrome DevTools Protocol command (`Emulation.setEmulatedMedia`...) in the session.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.session_post("/goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
    }

    /// The first element matching the CSS `selector`.
    pub fn find(&self, selector: &str) -> String {
        let found = self.session_post(
            "/element",
            json!({"using": "css selector", "value": selector}),
        );
        found[ELEMENT].as_str().expect("an element").to_string()
    }

    /// Types `text` into an element (WebDriver key codes such as [`ARROW_DOWN`] included).
    pub fn type_into(&self, element: &str, text: &str) {
        self.session_post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Clicks an element.
    pub fn click(&self, element: &str) {
        self.session_post(&format!("/element/{element}/click"), json!({}));
    }

    /// Polls `script` until it returns something other than null or false (up to [`TIMEOUT`]).
    pub fn wait_until(&self, what: &str, script: &str, args: Value) -> Value {
        wait_for(what, || {
            let value = self.run(script, args.clone());
            (!value.is_null() && value != json!(false)).then_some(value)
        })
    }
}

/// WebDriver's code for the down-arrow key.
pub const ARROW_DOWN: &str = "\u{E015}";
/// WebDriver's code for the Enter key.
pub const ENTER: &str = "\u{E007}";

/// Polls `check` every 50 ms until it gives a value, failing after [`TIMEOUT`].
pub fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The `file://` URL of a path.
pub fn file_url(path: &std::path::Path) -> String {
    let path = path.canonicalize().expect("the path exists");
    format!("file://{}", path.display())
}

/// A static file server on a local port, for measurements that need HTTP (resource sizes).
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

/// Serves the files under `root` from a background thread until the test process ends.
pub fn serve(root: &std::path::Path) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(&root, stream));
        }
    });
    Server { url }
}

fn answer(root: &std::path::Path, mut stream: std::net::TcpStream) {
    use std::io::{BufRead, BufReader, Write};
    let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file.push("index.html");
    }
    let inside = !path.split('/').any(|s| s == "..");
    let (status, body) = match std::fs::read(&file) {
        Ok(bytes) if inside => ("200 OK", bytes),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}
