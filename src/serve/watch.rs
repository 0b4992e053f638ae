//! Watching the archive: file-system events become [`Changes`], a burst of them one batch.
//!
//! notify uses the platform's own events (inotify on Linux), so an idle server sleeps in a
//! blocking read and costs no CPU. Events for reads are ignored: the build itself opens every
//! file it parses and must not wake the watcher again.

use super::session::Changes;
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the archive must stay quiet before a batch is rebuilt: an editor saving several
/// files, or writing a file and then renaming it, does so within a few milliseconds.
pub const QUIET: Duration = Duration::from_millis(25);
/// The longest a batch waits for quiet (a long copy still gets previews along the way).
const LONGEST_BATCH: Duration = Duration::from_millis(1000);

/// What the archive's files are to a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Under `content/`.
    Content,
    /// Under `templates/`.
    Template,
    /// Under `static/`.
    Static,
    /// `site.yaml`.
    Config,
}

/// Watches an archive's `content/`, `templates/`, `static/` and `site.yaml`.
pub struct ArchiveWatcher {
    root: PathBuf,
    events: Receiver<notify::Result<notify::Event>>,
    /// Kept alive for its events; also given folders made later.
    watcher: notify::RecommendedWatcher,
}

impl ArchiveWatcher {
    /// Starts watching the archive at `root` (the root itself non-recursively, for site.yaml
    /// and for `templates/` or `static/` made later; those folders recursively).
    pub fn start(root: &Path) -> notify::Result<ArchiveWatcher> {
        let root = root.canonicalize().map_err(notify::Error::io)?;
        let (sender, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for folder in ["content", "templates", "static"] {
            let path = root.join(folder);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(ArchiveWatcher {
            root,
            events,
            watcher,
        })
    }

    /// Blocks until something relevant changes, then gathers the burst it is part of. `None`
    /// when the watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Changes> {
        let mut batch = loop {
            let event = self.events.recv().ok()?;
            if let Some(changes) = self.classify(event) {
                break changes;
            }
        };
        let started = Instant::now();
        let mut last = Instant::now();
        while last.elapsed() < QUIET && started.elapsed() < LONGEST_BATCH {
            match self.events.recv_timeout(QUIET - last.elapsed().min(QUIET)) {
                Ok(event) => {
                    if let Some(changes) = self.classify(event) {
                        batch.merge(changes);
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Some(batch),
            }
        }
        Some(batch)
    }

    /// What an event means for the build, if anything.
    fn classify(&mut self, event: notify::Result<notify::Event>) -> Option<Changes> {
        let event = match event {
            Ok(event) => event,
            // The watcher lost track (e.g. an event queue overflow): assume everything changed.
            Err(_) => return Some(Changes::all()),
        };
        if event.need_rescan() {
            return Some(Changes::all());
        }
        if !is_change(&event.kind) {
            return None;
        }
        let mut changes = None::<Changes>;
        for path in &event.paths {
            let Some(kind) = kind_of(&self.root, path) else {
                continue;
            };
            if matches!(kind, Kind::Template | Kind::Static | Kind::Content) && path.is_dir() {
                // A folder made later (or moved in) is watched from now on; recursive watches
                // on Linux add subfolders themselves, but not the top folders.
                let _ = self.watcher.watch(path, RecursiveMode::Recursive);
            }
            let flags = changes.get_or_insert_with(Changes::default);
            match kind {
                Kind::Content => flags.content.push(path.clone()),
                Kind::Template => flags.templates = true,
                Kind::Static => flags.statics = true,
                Kind::Config => flags.config = true,
            }
        }
        changes
    }
}

/// Creations, writes, removals and renames; not reads or metadata-only changes such as atime.
fn is_change(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any | EventKind::Other => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
    }
}

/// What `path` is to the archive at `root`; `None` for anything a build does not read
/// (other files at the root, editors' hidden swap files).
pub fn kind_of(root: &Path, path: &Path) -> Option<Kind> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    let name = relative.file_name()?.to_string_lossy();
    if name.starts_with('.') || name.ends_with('~') {
        return None;
    }
    match first.as_ref() {
        "content" => Some(Kind::Content),
        "templates" => Some(Kind::Template),
        "static" => Some(Kind::Static),
        "site.yaml" if relative.components().count() == 1 => Some(Kind::Config),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_by_their_folder() {
        let root = Path::new("/a");
        let kind = |p: &str| kind_of(root, Path::new(p));
        assert_eq!(kind("/a/content/briefings/x.md"), Some(Kind::Content));
        assert_eq!(kind("/a/content"), Some(Kind::Content));
        assert_eq!(kind("/a/templates/base.html"), Some(Kind::Template));
        assert_eq!(kind("/a/static/style.css"), Some(Kind::Static));
        assert_eq!(kind("/a/site.yaml"), Some(Kind::Config));
        assert_eq!(kind("/a/README.md"), None);
        assert_eq!(kind("/a/public/index.html"), None);
        assert_eq!(kind("/a/content/.x.md.swp"), None);
        assert_eq!(kind("/a/content/x.md~"), None);
        assert_eq!(kind("/elsewhere/content/x.md"), None);
    }
}
