//! Helpers shared by every module: temporary sites, fixtures, snapshots, expected files.

use chancery::error::{Diagnostic, Error};
use chancery::{BuildOptions, BuildReport};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The repository (for the sample archive and the fixtures; only ever read).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>` in the repository.
pub fn fixture_path(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(name)
}

/// An archive in a temporary folder: `<tmp>/site`, with room beside it for other folders.
pub struct Site {
    tmp: tempfile::TempDir,
    /// The archive root.
    pub root: PathBuf,
}

impl Site {
    /// An archive with an empty `content/`.
    pub fn empty() -> Site {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        Site { tmp, root }
    }

    /// A copy of `tests/fixtures/<name>` without its `expected/` folder.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        let from = fixture_path(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        copy_dir(&from, &site.root, &["expected"]);
        site
    }

    /// A copy of the repository's sample archive (`content/` and `site.yaml`).
    pub fn sample() -> Site {
        let site = Site::empty();
        copy_dir(
            &manifest_dir().join("content"),
            &site.root.join("content"),
            &[],
        );
        std::fs::copy(
            manifest_dir().join("site.yaml"),
            site.root.join("site.yaml"),
        )
        .unwrap();
        site
    }

    /// The temporary folder that holds the archive.
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `text` to `relative` (to the archive root), making folders as needed.
    pub fn write(&self, relative: &str, text: &str) {
        self.write_bytes(relative, text.as_bytes());
    }

    /// Writes `bytes` to `relative` (to the archive root), making folders as needed.
    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Appends `disable: [<parts>]` to site.yaml; returns site.yaml as it was.
    pub fn disable(&self, parts: &str) -> String {
        let yaml = std::fs::read_to_string(self.root.join("site.yaml")).unwrap_or_default();
        self.write("site.yaml", &format!("{yaml}\ndisable: [{parts}]\n"));
        yaml
    }

    /// Default build options for this archive.
    pub fn options(&self) -> BuildOptions {
        BuildOptions::new(&self.root)
    }

    /// The default output folder.
    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Builds with `options`, panicking with the error's full text on failure.
    pub fn build_with(&self, options: &BuildOptions) -> BuildReport {
        chancery::build(options).unwrap_or_else(|e| panic!("build failed:\n{e}"))
    }

    /// Builds with the default options.
    pub fn build(&self) -> BuildReport {
        self.build_with(&self.options())
    }

    /// Builds with the default options, expecting a failure.
    pub fn build_err(&self) -> Error {
        match chancery::build(&self.options()) {
            Ok(report) => panic!(
                "the build succeeded but should have failed ({} briefings)",
                report.briefings
            ),
            Err(error) => error,
        }
    }

    /// A file of the default output, as text.
    pub fn read_out(&self, relative: &str) -> String {
        let path = self.out().join(relative);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}

/// A briefing file: front matter lines (without fences) and a body.
pub fn briefing(front_matter: &str, body: &str) -> String {
    format!("---\n{front_matter}\n---\n{body}")
}

/// Copies the folder `from` into `to`, skipping top-level entries named in `skip`.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target, &[]);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).unwrap();
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut files = Vec::new();
    if dir.is_dir() {
        walk(dir, dir, &mut files);
    }
    files.sort();
    files
}

/// Every file under `dir` with its bytes and modification time, to prove a folder untouched.
pub fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    files_under(dir)
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let bytes = std::fs::read(&path).unwrap();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            (name, (bytes, modified))
        })
        .collect()
}

/// The diagnostics of a failed build (panics for other kinds of error).
pub fn diagnostics(error: &Error) -> &[Diagnostic] {
    match error {
        Error::Invalid(diagnostics) => diagnostics,
        other => panic!("expected located diagnostics, got: {other}"),
    }
}

/// The one error diagnostic about the file whose path ends with `file`.
pub fn error_for<'a>(diagnostics: &'a [Diagnostic], file: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() && d.path.ends_with(file))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one error about {file}, got:\n{}",
        render(diagnostics)
    );
    found[0]
}

/// Diagnostics one per line, for failure messages.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

/// Compares every file under `tests/fixtures/<fixture>/expected/` with the same file of `out`,
/// byte for byte. With `UPDATE_EXPECTED=1` the expected files are rewritten from `out` instead
/// (to add a file to a fixture, create it empty and run once with `UPDATE_EXPECTED=1`).
pub fn assert_matches_expected(fixture: &str, out: &Path) {
    let expected_dir = fixture_path(fixture).join("expected");
    let names = files_under(&expected_dir);
    assert!(
        !names.is_empty(),
        "{} holds no expected files",
        expected_dir.display()
    );
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v != "0" && !v.is_empty());
    let mut failures = String::new();
    for name in &names {
        let expected_path = expected_dir.join(name);
        let Ok(actual) = std::fs::read(out.join(name)) else {
            let _ = writeln!(failures, "\n{name}: the build did not write this file");
            continue;
        };
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read(&expected_path).unwrap();
        if expected != actual {
            let _ = writeln!(
                failures,
                "\n{name}: differs from {}\n{}",
                expected_path.display(),
                line_diff(&expected, &actual)
            );
        }
    }
    assert!(
        failures.is_empty(),
        "fixture `{fixture}`: built files differ from expected/ (run with UPDATE_EXPECTED=1 to accept the new output):{failures}"
    );
}

/// The lines that differ, `-` expected and `+` actual, with line numbers.
fn line_diff(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let (e, a): (Vec<&str>, Vec<&str>) = (
        expected.split_inclusive('\n').collect(),
        actual.split_inclusive('\n').collect(),
    );
    let mut diff = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (left, right) = (e.get(i), a.get(i));
        if left != right {
            if shown == 20 {
                diff.push_str("  ... (more lines differ)\n");
                break;
            }
            shown += 1;
            let _ = writeln!(diff, "  line {}:", i + 1);
            let _ = writeln!(diff, "  - {:?}", left.copied().unwrap_or("<no line>"));
            let _ = writeln!(diff, "  + {:?}", right.copied().unwrap_or("<no line>"));
        }
    }
    diff
}
