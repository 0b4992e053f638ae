//! The dev server's output: rewritten in place, one file at a time, instead of staged and
//! swapped whole.
//!
//! `chancery build` stages every page and swaps the folder in, which costs a hard link per
//! unchanged page: about a tenth of a second at 10,000 briefings, too slow for a preview that
//! should refresh within one. Here an unchanged page is simply left where it is, and a changed
//! one is written beside its target under a hidden name. Only when the whole rebuild has
//! succeeded are those renamed into place (each rename is atomic, so a request never reads half
//! a page) and the pages the site no longer has removed. A failed rebuild deletes its hidden
//! files and leaves the last good site being served.

use crate::error::{Error, Result};
use crate::theme::StaticFile;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Suffix of a file written but not yet renamed into place. The server never serves a name
/// that starts with a dot, so these are never seen.
const PENDING: &str = ".chancery-new";

/// The files of the served site, by path relative to its root.
pub type FileSet = HashSet<String>;

/// Lists every file under `root` (relative, `/`-separated), skipping hidden names.
pub fn existing_files(root: &Path) -> FileSet {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| relative_name(root, e.path()))
        .collect()
}

fn relative_name(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// One rebuild's writes into the served folder, or into the part of it that `scope` accepts.
pub struct InPlace<'a> {
    out: &'a Path,
    previous: &'a FileSet,
    /// The files this rebuild is responsible for; the others it neither writes nor removes.
    scope: fn(&str) -> bool,
    /// Files written under hidden names, waiting for the commit: (pending, final relative).
    pending: Mutex<Vec<(PathBuf, String)>>,
    /// Files of the previous site kept as they are.
    kept: Mutex<Vec<String>>,
    /// Folders of the previous site kept whole (the search index's data).
    kept_trees: Mutex<Vec<String>>,
}

impl<'a> InPlace<'a> {
    /// A rebuild of the files of `out` that `scope` accepts; `previous` are all its files.
    pub fn new(out: &'a Path, previous: &'a FileSet, scope: fn(&str) -> bool) -> Self {
        InPlace {
            out,
            previous,
            scope,
            pending: Mutex::new(Vec::new()),
            kept: Mutex::new(Vec::new()),
            kept_trees: Mutex::new(Vec::new()),
        }
    }

    /// Writes a file under a hidden name beside its target.
    pub fn write_file(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        if !(self.scope)(relative) {
            return Err(Error::Refused(format!(
                "`{relative}` is not written in this pass of the rebuild"
            )));
        }
        let target = self.target(relative)?;
        let pending = pending_name(&target);
        crate::fs::write(&pending, bytes)?;
        lock(&self.pending).push((pending, relative.to_string()));
        Ok(())
    }

    /// Keeps the previous site's file at `relative`; false if there is none (then the page is
    /// rendered).
    pub fn keep(&self, relative: &str) -> bool {
        let there = self.previous.contains(relative);
        if there {
            lock(&self.kept).push(relative.to_string());
        }
        there
    }

    /// Keeps every file under the previous site's folder `relative`; false if it has none.
    pub fn keep_tree(&self, relative: &str) -> bool {
        let prefix = format!("{relative}/");
        let there = self.previous.iter().any(|f| f.starts_with(&prefix));
        if there {
            lock(&self.kept_trees).push(prefix);
        }
        there
    }

    /// Writes the static files whose bytes differ from the served ones.
    pub fn copy_static(&self, files: &[StaticFile]) -> Result<()> {
        for file in files {
            let name = file.output_path();
            let bytes = match file {
                StaticFile::Default(_, bytes) => std::borrow::Cow::Borrowed(*bytes),
                StaticFile::File(_, source) => std::borrow::Cow::Owned(crate::fs::read(source)?),
            };
            let same = std::fs::read(self.out.join(name)).is_ok_and(|served| served == *bytes);
            if same && self.keep(name) {
                continue;
            }
            self.write_file(name, &bytes)?;
        }
        Ok(())
    }

    /// Renames every written file into place and removes the previous site's files in scope
    /// that this one does not have. Returns the site's files now.
    pub fn commit(self) -> Result<FileSet> {
        let pending = self.pending.into_inner().unwrap_or_else(|e| e.into_inner());
        let kept_trees = self
            .kept_trees
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let mut files: FileSet = self
            .kept
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let scope = self.scope;
        files.extend(
            self.previous
                .iter()
                .filter(|f| !scope(f) || kept_trees.iter().any(|prefix| f.starts_with(prefix)))
                .cloned(),
        );
        for (from, relative) in pending {
            crate::fs::rename(&from, &self.out.join(&relative))?;
            files.insert(relative);
        }
        for gone in self.previous.difference(&files) {
            let path = self.out.join(gone);
            let _ = std::fs::remove_file(&path);
            remove_empty_parents(self.out, &path);
        }
        Ok(files)
    }

    /// Deletes every file written so far; the served site stays as it was.
    pub fn abandon(self) {
        let pending = self.pending.into_inner().unwrap_or_else(|e| e.into_inner());
        for (path, _) in pending {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The final path of `relative`, its folder made; refuses a path that leaves the output.
    fn target(&self, relative: &str) -> Result<PathBuf> {
        let safe = Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(Error::Refused(format!(
                "refusing to write `{relative}`: output paths stay inside the output folder"
            )));
        }
        let target = self.out.join(relative);
        if let Some(parent) = target.parent() {
            crate::fs::create_dir_all(parent)?;
        }
        Ok(target)
    }
}

/// `dir/.name.chancery-new` for `dir/name`.
fn pending_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}{PENDING}"))
}

/// Removes the folders above `path` that are now empty, up to (not including) `root`.
fn remove_empty_parents(root: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current == root || !current.starts_with(root) || std::fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn commit_replaces_written_keeps_kept_and_removes_the_rest() {
        let dir = site(&[
            ("index.html", "old home"),
            ("a/index.html", "a"),
            ("gone/deep/index.html", "gone"),
            ("search/terms/0.js", "t0"),
        ]);
        let previous = existing_files(dir.path());
        let output = InPlace::new(dir.path(), &previous, |_| true);
        output.write_file("index.html", b"new home").unwrap();
        output.write_file("b/index.html", b"b").unwrap();
        assert!(output.keep("a/index.html"));
        assert!(!output.keep("c/index.html"));
        assert!(output.keep_tree("search/terms"));
        // Nothing is visible before the commit.
        assert_eq!(
            std::fs::read_to_string(dir.path().join("index.html")).unwrap(),
            "old home"
        );
        assert!(!dir.path().join("b/index.html").exists());
        let files = output.commit().unwrap();
        let mut names: Vec<_> = files.into_iter().collect();
        names.sort();
        assert_eq!(
            names,
            [
                "a/index.html",
                "b/index.html",
                "index.html",
                "search/terms/0.js"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("index.html")).unwrap(),
            "new home"
        );
        assert!(
            !dir.path().join("gone").exists(),
            "emptied folders are removed"
        );
        assert_eq!(
            existing_files(dir.path()).len(),
            4,
            "no hidden file is left"
        );
    }

    #[test]
    fn a_pass_touches_only_its_scope() {
        let dir = site(&[
            ("index.html", "home"),
            ("search/docs/0.js", "d0"),
            ("search/docs/1.js", "d1"),
        ]);
        let previous = existing_files(dir.path());
        let search = |path: &str| path.starts_with("search/");
        let output = InPlace::new(dir.path(), &previous, search);
        assert!(output.write_file("index.html", b"x").is_err());
        output.write_file("search/docs/0.js", b"new d0").unwrap();
        let files = output.commit().unwrap();
        assert!(files.contains("index.html"), "out of scope, so kept");
        assert!(dir.path().join("index.html").exists());
        assert!(
            !dir.path().join("search/docs/1.js").exists(),
            "in scope and not written"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("search/docs/0.js")).unwrap(),
            "new d0"
        );
    }

    #[test]
    fn abandon_leaves_the_site_as_it_was() {
        let dir = site(&[("index.html", "old")]);
        let previous = existing_files(dir.path());
        let output = InPlace::new(dir.path(), &previous, |_| true);
        output.write_file("index.html", b"new").unwrap();
        output.abandon();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("index.html")).unwrap(),
            "old"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "the pending file is gone: {names:?}");
    }

    #[test]
    fn paths_outside_the_output_are_refused() {
        let dir = site(&[]);
        let previous = FileSet::new();
        let output = InPlace::new(dir.path(), &previous, |_| true);
        assert!(output.write_file("../escape.html", b"x").is_err());
        assert!(output.write_file("/etc/passwd", b"x").is_err());
    }
}
