//! `chancery serve`: a live preview. Builds the archive into a folder of its own, serves it over
//! HTTP, watches the archive and rebuilds what a change touches, then tells open tabs to reload.
//!
//! Three threads: the rebuild loop (this module), the HTTP server ([`http`]) and notify's own
//! watcher thread ([`watch`]). The loop is the only writer of the served folder; requests only
//! read it, and every file is replaced by a rename, so a request sees a whole old or a whole new
//! file.

pub mod http;
pub mod output;
pub mod session;
pub mod watch;

use crate::error::{display_path, plural, Error, Result};
use session::{Changes, Session, SessionOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The archive.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: std::net::IpAddr,
    /// Port (0: any free one).
    pub port: u16,
    /// Build drafts too.
    pub drafts: bool,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// Report how long each stage of every rebuild took.
    pub timings: bool,
}

/// What the serve loop reports, one line or block at a time (the CLI prints them).
pub trait Reporter {
    /// Something to tell the user.
    fn info(&self, line: &str);
    /// A rebuild failed.
    fn error(&self, text: &str);
}

/// Serves the archive until the process is stopped.
pub fn run(options: &ServeOptions, reporter: &dyn Reporter) -> Result<()> {
    // Every rebuild allocates and frees a hundred megabytes or more, like a build (see there).
    crate::load::avoid_huge_pages();
    let address = SocketAddr::new(options.bind, options.port);
    let server = tiny_http::Server::http(address)
        .map_err(|e| Error::Refused(format!("cannot listen on {address}: {e}")))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::Refused("the server has no IP address".to_string()))?;
    let url = format!("http://{address}/");
    let root = options
        .root
        .canonicalize()
        .map_err(|e| Error::io("cannot open", &options.root, e))?;
    if !root.join("content").is_dir() {
        return Err(Error::Refused(format!(
            "{} has no content/ folder: is it an archive? (`chancery init DIR` makes one)",
            display_path(&options.root)
        )));
    }
    let out = served_folder(&root, options.drafts);
    let mut session = Session::open(SessionOptions {
        root: root.clone(),
        out: out.clone(),
        base_url: Some(url.clone()),
        drafts: options.drafts,
    })?;
    // Watch before the first build, so a save during it is not missed.
    let mut watcher = watch::ArchiveWatcher::start(&root)
        .map_err(|e| Error::Refused(format!("cannot watch {}: {e}", display_path(&root))))?;
    let state = http::State::new(&out).map_err(|e| Error::io("cannot open", &out, e))?;
    reporter.info("Building...");
    rebuild(
        &mut session,
        &Changes::all(),
        &state,
        reporter,
        options.timings,
    );
    let server = Arc::new(server);
    {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        std::thread::spawn(move || http::serve(server, state));
    }
    reporter.info(&format!(
        "Serving {} at {url} (press Ctrl+C to stop)",
        display_path(&options.root)
    ));
    if options.open {
        open_browser(&url, reporter);
    }
    while let Some(changes) = watcher.next_batch() {
        rebuild(&mut session, &changes, &state, reporter, options.timings);
    }
    Err(Error::Refused("the file watcher stopped".to_string()))
}

/// One rebuild: the served folder and open tabs follow it.
fn rebuild(
    session: &mut Session,
    changes: &Changes,
    state: &http::State,
    reporter: &dyn Reporter,
    timings: bool,
) {
    let mut pages_ready = |report: &crate::BuildReport| {
        state.built();
        for warning in &report.warnings {
            reporter.error(&warning.to_string());
        }
        let written = report.pages - report.pages_reused;
        reporter.info(&format!(
            "Built in {:.0} ms: {written} page{} written, {} unchanged; {} file{} parsed",
            report.seconds * 1000.0,
            plural(written),
            report.pages_reused,
            report.files_parsed,
            plural(report.files_parsed),
        ));
    };
    match session.rebuild(changes, &mut pages_ready) {
        Ok(report) if timings => {
            for (stage, seconds) in &report.timings {
                reporter.info(&format!("{stage:>14}: {:8.1} ms", seconds * 1000.0));
            }
        }
        Ok(_) => {}
        Err(error) => {
            let text = failure_text(&error);
            reporter.error(&text);
            state.failed(text);
        }
    }
}

/// The errors of a failed rebuild, and what is being served meanwhile.
fn failure_text(error: &Error) -> String {
    match error {
        Error::Invalid(diagnostics) => {
            let mut text: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            text.push_str(&format!(
                "rebuild failed: {errors} error{}; still serving the last good site",
                plural(errors)
            ));
            text
        }
        other => format!("{other}\nrebuild failed; still serving the last good site"),
    }
}

/// The folder a session serves: the system's temporary folder, one per archive (and drafts
/// setting), so a served preview never touches `public/`.
fn served_folder(root: &Path, drafts: bool) -> PathBuf {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(root.as_os_str().as_encoded_bytes());
    hasher.update([u8::from(drafts)]);
    let key: String = hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::env::temp_dir().join(format!("chancery-serve-{key}"))
}

/// Opens `url` with the desktop's own opener.
fn open_browser(url: &str, reporter: &dyn Reporter) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        reporter.info(&format!("could not start {program}; open {url} yourself"));
    }
}
