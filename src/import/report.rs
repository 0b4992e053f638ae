//! What `chancery import` prints: a progress bar on stderr while a batch runs, and a closing
//! table on stdout (imported, skipped as duplicates, failed with the reason).

use super::{ImportReport, Outcome};
use crate::error::{display_path, plural};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};

/// Batches smaller than this get no progress bar.
const PROGRESS_FROM: usize = 50;

/// A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise (logs
/// and CI stay readable).
#[derive(Debug)]
pub struct Progress {
    terminal: bool,
    last_tenth: usize,
}

impl Progress {
    /// A progress bar for this process's stderr.
    pub fn stderr() -> Progress {
        Progress {
            terminal: std::io::stderr().is_terminal(),
            last_tenth: 0,
        }
    }

    /// Shows `done` of `total`.
    pub fn update(&mut self, done: usize, total: usize) {
        if total < PROGRESS_FROM {
            return;
        }
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let filled = done * 30 / total;
            let _ = write!(
                err,
                "\rimporting [{}{}] {done}/{total}",
                "#".repeat(filled),
                "-".repeat(30 - filled)
            );
            if done == total {
                let _ = writeln!(err);
            }
        } else {
            let tenth = done * 10 / total;
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                let _ = writeln!(err, "importing: {done}/{total} files");
            }
        }
    }
}

/// The closing table: a row per file, then one line of counts.
pub fn table(report: &ImportReport) -> String {
    let mut out = String::new();
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    for outcome in &report.outcomes {
        let _ = match outcome {
            Outcome::Imported {
                from,
                to,
                countries,
                ..
            } => writeln!(
                out,
                "{verb:<12}  {} -> {}  [{}]",
                display_path(from),
                display_path(to),
                countries.join(", ")
            ),
            Outcome::Duplicate { from, of } => writeln!(
                out,
                "{:<12}  {} (already imported as {})",
                "duplicate",
                display_path(from),
                display_path(of)
            ),
            Outcome::Failed { from, reason } => {
                writeln!(out, "{:<12}  {}: {reason}", "failed", display_path(from))
            }
        };
    }
    let _ = writeln!(out, "{}", summary(report));
    out
}

/// "Imported 3 briefings, skipped 1 duplicate, 1 failed."
pub fn summary(report: &ImportReport) -> String {
    let count = |f: fn(&Outcome) -> bool| report.outcomes.iter().filter(|o| f(o)).count();
    let imported = count(|o| matches!(o, Outcome::Imported { .. }));
    let duplicates = count(|o| matches!(o, Outcome::Duplicate { .. }));
    let failed = count(|o| matches!(o, Outcome::Failed { .. }));
    let verb = if report.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    let mut line = format!(
        "{verb} {imported} briefing{}, skipped {duplicates} duplicate{}, {failed} failed",
        plural(imported),
        plural(duplicates)
    );
    if report.ignored > 0 {
        let _ = write!(
            line,
            " ({} other file{} ignored)",
            report.ignored,
            plural(report.ignored)
        );
    }
    if report.dry_run {
        line.push_str("; --dry-run: nothing was written");
    }
    line.push('.');
    line
}

/// For `--dry-run`: each briefing's path and front matter.
pub fn previews(report: &ImportReport) -> String {
    let mut out = String::new();
    for outcome in &report.outcomes {
        if let Outcome::Imported {
            to,
            preview: Some(text),
            ..
        } = outcome
        {
            let _ = writeln!(out, "would write {}:\n{text}", display_path(to));
        }
    }
    out
}
