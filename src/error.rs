//! Located errors.
//!
//! Bad input is never reported as a bare message: a [`Diagnostic`] carries the file, the line and
//! column where they are known, what was expected, and a hint. A build collects every diagnostic it
//! finds (one per bad file, or more) before it fails, so a user fixes an archive in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot succeed.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem found in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file at fault, as the user would type it (relative to the working directory when possible).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error in `path` with no position yet.
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning in `path` with no position yet.
    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Sets the line and column (both 1-based).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the line only.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:column: error: message` then an indented hint, the shape editors and CI
    /// annotators recognise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A path as a user would type it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.display().to_string();
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => text,
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// One or more input files are bad; every one found is listed.
    Invalid(Vec<Diagnostic>),
    /// The file system refused an operation.
    Io {
        /// What chancery was doing ("reading", "creating", ...).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// chancery declined to act, to protect the user's files.
    Refused(String),
}

impl Error {
    /// Wraps an I/O error with what was being done and to which path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                for diagnostic in diagnostics {
                    writeln!(f, "{diagnostic}")?;
                }
                let files = count_files(diagnostics.iter().filter(|d| d.is_error()));
                write!(
                    f,
                    "build failed: {errors} error{} in {files} file{}; the previous output was left as it was",
                    plural(errors),
                    plural(files)
                )
            }
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "{action} {}: {source}", display_path(path)),
            Error::Refused(reason) => write!(f, "{reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn count_files<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> usize {
    let mut paths: Vec<&Path> = diagnostics.map(|d| d.path.as_path()).collect();
    paths.sort();
    paths.dedup();
    paths.len()
}

/// "s" for counts other than one.
pub fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Line and column (1-based, column in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_reads_like_a_compiler_message() {
        let d = Diagnostic::error("./content/a.md", "unknown country `Indai`")
            .at(4, 13)
            .hint("did you mean `India`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:4:13: error: unknown country `Indai`\n  hint: did you mean `India`?"
        );
    }

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "ab\ncé x";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'x' is at byte 7 (é is two bytes) and character column 4.
        assert_eq!(line_column(text, 7), (2, 4));
    }
}
