//! `chancery import`: raw articles in, tagged briefings out.
//!
//! One file is one article. Each goes through the same stages, one module each:
//!
//! ```text
//! read -> extract (text.rs | html.rs) -> clean (boilerplate.rs) -> dateline and date
//!      (dateline.rs) -> tag (tagging.rs, ambiguity.rs, lexicon.rs) -> write (writer.rs)
//! ```
//!
//! Files are prepared in parallel, in chunks, and written one by one in input order, so that
//! duplicates and file names are decided the same way on every run. A file that cannot be read
//! or understood is reported with its reason and the batch goes on.

pub mod ambiguity;
pub mod boilerplate;
pub mod dateline;
pub mod html;
pub mod lexicon;
pub mod report;
pub mod tagging;
pub mod text;
pub mod tokens;
pub mod writer;

use crate::config::SiteConfig;
use crate::countries::Gazetteer;
use crate::error::{Diagnostic, Error, Result};
use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tagging::{Tagger, Tags, Zones};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The archive folder.
    pub root: PathBuf,
    /// Files and folders to import.
    pub paths: Vec<PathBuf>,
    /// Where briefings go; relative to `root`. Default: `content/briefings`.
    pub into: Option<PathBuf>,
    /// Write nothing; report what would be written.
    pub dry_run: bool,
    /// The date of articles that carry none.
    pub date: Option<NaiveDate>,
}

impl ImportOptions {
    /// The folder briefings are written to.
    pub fn into_dir(&self) -> PathBuf {
        let into = self
            .into
            .clone()
            .unwrap_or_else(|| PathBuf::from("content/briefings"));
        if into.is_absolute() {
            into
        } else {
            self.root.join(into)
        }
    }
}

/// What an extractor finds in a file.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// The headline.
    pub title: String,
    /// Metadata lines taken from under the headline ("Published: 6 April 2021").
    pub header: Vec<String>,
    /// Markdown blocks: paragraphs, headings, lists, quotes.
    pub blocks: Vec<String>,
    /// A publication date from the page's metadata.
    pub meta_date: Option<NaiveDate>,
    /// The outlet.
    pub source: Option<SourceInfo>,
}

/// The outlet an article came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Its name.
    pub name: String,
    /// The article's address.
    pub url: Option<String>,
}

/// Where a briefing's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFrom {
    /// The page's metadata (`article:published_time`, JSON-LD, `<time>`).
    Metadata,
    /// The dateline or the opening lines.
    Text,
    /// `--date`.
    Flag,
}

impl DateFrom {
    /// As written under `import.date_from`.
    pub fn label(self) -> &'static str {
        match self {
            DateFrom::Metadata => "page metadata",
            DateFrom::Text => "text",
            DateFrom::Flag => "--date",
        }
    }
}

/// An article ready to be written.
#[derive(Debug, Clone)]
pub struct Briefing {
    /// The file it came from.
    pub source_file: PathBuf,
    /// The headline.
    pub title: String,
    /// The date.
    pub date: NaiveDate,
    /// Where the date came from.
    pub date_from: DateFrom,
    /// Where it was filed.
    pub dateline: Option<String>,
    /// Countries, with evidence.
    pub countries: Tags,
    /// Topics, with evidence.
    pub topics: Tags,
    /// The outlet.
    pub source: Option<SourceInfo>,
    /// The Markdown body.
    pub body: String,
    /// SHA-256 of the normalised headline and body (hex).
    pub hash: String,
}

/// What happened to one input file.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Written (or, with `--dry-run`, would be) to `to`.
    Imported {
        /// The input.
        from: PathBuf,
        /// The briefing.
        to: PathBuf,
        /// The text written (kept for `--dry-run` only).
        preview: Option<String>,
        /// The tagged countries.
        countries: Vec<String>,
    },
    /// The same article was imported before (or earlier in this batch).
    Duplicate {
        /// The input.
        from: PathBuf,
        /// The briefing that holds it.
        of: PathBuf,
    },
    /// Could not be imported.
    Failed {
        /// The input.
        from: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// One outcome per input file, in input order.
    pub outcomes: Vec<Outcome>,
    /// Files inside the given folders that were not .txt, .html, .htm or .md.
    pub ignored: usize,
    /// True for `--dry-run`.
    pub dry_run: bool,
}

impl ImportReport {
    /// Failed inputs as diagnostics.
    pub fn failures(&self) -> Vec<Diagnostic> {
        self.outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Failed { from, reason } => Some(Diagnostic::error(from, reason.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Markdown,
    Html,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(Kind::Text),
        "md" | "markdown" => Some(Kind::Markdown),
        "html" | "htm" | "xhtml" => Some(Kind::Html),
        _ => None,
    }
}

/// Everything one import needs that does not change from file to file.
pub struct Importer {
    tagger: Tagger,
    fallback_date: Option<NaiveDate>,
}

impl Importer {
    /// An importer for the archive at `root` (its site.yaml's entities and topic lexicon).
    pub fn for_archive(root: &Path, fallback_date: Option<NaiveDate>) -> Result<Importer> {
        let config = SiteConfig::load(root)?;
        let gazetteer = Gazetteer::with_extras(&config.entities).map_err(|message| {
            Error::Invalid(vec![Diagnostic::error(SiteConfig::path(root), message)])
        })?;
        let lexicon = lexicon::Lexicon::with_config(&config.import.topics);
        Ok(Importer {
            tagger: Tagger::new(gazetteer, lexicon),
            fallback_date,
        })
    }

    /// An importer with the ISO countries and the default lexicon.
    pub fn standard(fallback_date: Option<NaiveDate>) -> Importer {
        Importer {
            tagger: Tagger::new(Gazetteer::iso(), lexicon::Lexicon::default_lexicon()),
            fallback_date,
        }
    }

    /// Reads and prepares one file.
    pub fn prepare_file(&self, path: &Path) -> std::result::Result<Briefing, String> {
        let kind = kind_of(path).ok_or("not a .txt, .html, .htm or .md file, so not imported")?;
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        let text = decode(&bytes)?;
        self.prepare(path, text, kind)
    }

    /// Prepares one article from the text of `.txt` (`html: false, markdown: false`), `.md` or
    /// `.html` input.
    pub fn prepare_text(
        &self,
        path: &Path,
        text: &str,
        html: bool,
        markdown: bool,
    ) -> std::result::Result<Briefing, String> {
        let kind = match (html, markdown) {
            (true, _) => Kind::Html,
            (false, true) => Kind::Markdown,
            (false, false) => Kind::Text,
        };
        self.prepare(path, text, kind)
    }

    fn prepare(
        &self,
        path: &Path,
        text: &str,
        kind: Kind,
    ) -> std::result::Result<Briefing, String> {
        let extracted = match kind {
            Kind::Html => html::extract(text)?,
            Kind::Text => text::extract(text, false)?,
            Kind::Markdown => {
                if text.trim_start().starts_with("---") {
                    return Err("it already has front matter: it is a briefing, not a raw article (copy it into content/ instead)".to_string());
                }
                text::extract(text, true)?
            }
        };
        self.shape(path, extracted)
    }

    /// Cleans, dates and tags an extracted article.
    fn shape(&self, path: &Path, extracted: Extracted) -> std::result::Result<Briefing, String> {
        let Extracted {
            title,
            header,
            blocks,
            meta_date,
            mut source,
        } = extracted;
        let mut blocks = drop_repeated_headline(&title, boilerplate::clean(blocks));
        let found = take_dateline(&mut blocks, &self.tagger);
        let body = blocks.join("\n\n");
        if body.trim().is_empty() {
            return Err("no article text under the headline".to_string());
        }
        let (date, date_from) = self.date(meta_date, found.as_ref(), &header, &blocks)?;
        if source.is_none() {
            source = found
                .as_ref()
                .and_then(|d| d.agency.clone())
                .map(|name| SourceInfo { name, url: None });
        }
        let dateline = found.map(|d| d.place);
        let zones = Zones {
            title: &title,
            dateline: dateline.as_deref(),
            body: &body,
        };
        let (countries, topics) = self.tagger.tag(&zones);
        Ok(Briefing {
            source_file: path.to_path_buf(),
            hash: content_hash(&title, &body),
            title,
            date,
            date_from,
            dateline,
            countries,
            topics,
            source,
            body,
        })
    }

    /// The page's metadata date, else a date in the dateline or the opening lines, else
    /// `--date`, else an error that says what was looked at.
    fn date(
        &self,
        meta_date: Option<NaiveDate>,
        found: Option<&dateline::Dateline>,
        header: &[String],
        blocks: &[String],
    ) -> std::result::Result<(NaiveDate, DateFrom), String> {
        if let Some(date) = meta_date {
            return Ok((date, DateFrom::Metadata));
        }
        let in_dateline = found.and_then(|d| match d.date {
            Some(dateline::TextDate::Full(date)) => Some(date),
            _ => None,
        });
        let opening = blocks.first().map(|b| prefix(b, 300)).unwrap_or("");
        let in_text = in_dateline
            .or_else(|| header.iter().find_map(|h| dateline::find_date(h)))
            .or_else(|| dateline::find_date(opening));
        if let Some(date) = in_text {
            return Ok((date, DateFrom::Text));
        }
        if let Some(date) = self.fallback_date {
            return Ok((date, DateFrom::Flag));
        }
        let partial = match found.and_then(|d| d.date) {
            Some(dateline::TextDate::NoYear { month, day }) => {
                format!(" (the dateline gives month {month}, day {day}, but no year)")
            }
            _ => String::new(),
        };
        Err(format!(
            "no date found{partial}: no publication date in the page's metadata and no full date \
             (such as 6 April 2021) in the dateline or opening lines; pass --date YYYY-MM-DD"
        ))
    }
}

/// At most `max` bytes of `text`, on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// UTF-8 text without a byte-order mark, or why not.
fn decode(bytes: &[u8]) -> std::result::Result<&str, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("a binary file, not text".to_string());
    }
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); convert it to UTF-8 first",
            e.valid_up_to()
        )
    })
}

/// Drops a heading or short line at the top that repeats the headline's words (the page's
/// own `<h1>`, or a kicker such as "Bilateral talks" under "Bilateral talks held between...").
fn drop_repeated_headline(title: &str, mut blocks: Vec<String>) -> Vec<String> {
    let title_words: Vec<String> = words(title);
    while let Some(first) = blocks.first() {
        let first_words = words(first);
        let short = first_words.len() <= 12 && !first.trim_end().ends_with(['.', '?', '!']);
        let repeats = !first_words.is_empty()
            && first_words.iter().all(|w| title_words.contains(w))
            && (short || first_words == title_words);
        if !repeats {
            break;
        }
        blocks.remove(0);
    }
    blocks
}

/// Lower-case words, for comparing lines.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Finds and removes the dateline at the start of the first paragraph.
fn take_dateline(blocks: &mut Vec<String>, tagger: &Tagger) -> Option<dateline::Dateline> {
    let first = blocks.first()?;
    if first.starts_with('#') {
        return None;
    }
    let is_capital = |place: &str| tagger.is_capital(place);
    let found = dateline::detect(first, &is_capital)?;
    let rest = first[found.len..].trim_start().to_string();
    if rest.is_empty() {
        blocks.remove(0);
    } else {
        blocks[0] = upper_first(&rest);
    }
    Some(found)
}

/// "saying that" -> "Saying that" (a dateline may leave the sentence in lower case).
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// SHA-256 of the headline and body with case, punctuation, markup and spacing removed, so that
/// the same article pasted twice or saved with other line endings is recognised.
pub fn content_hash(title: &str, body: &str) -> String {
    let mut hasher = Sha256::new();
    for word in words(title).iter().chain(words(body).iter()) {
        hasher.update(word.as_bytes());
        hasher.update(b" ");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The input files under `paths` (folders walked recursively, sorted by name; hidden files
/// skipped), the paths that do not exist as failures, and how many files in folders were of
/// another type.
fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Outcome>, usize) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut ignored = 0;
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            let walk = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walk {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        if kind_of(e.path()).is_some() {
                            files.push(e.into_path());
                        } else {
                            ignored += 1;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => failures.push(Outcome::Failed {
                        from: e.path().unwrap_or(path).to_path_buf(),
                        reason: format!("cannot read folder: {e}"),
                    }),
                }
            }
        } else {
            failures.push(Outcome::Failed {
                from: path.clone(),
                reason: "no such file or folder".to_string(),
            });
        }
    }
    (files, failures, ignored)
}

/// Imports `options.paths` into the archive. `progress(done, total)` is called after each chunk.
/// Errors only for the archive itself (its site.yaml); a bad input file is an
/// [`Outcome::Failed`] and the batch goes on.
pub fn import(
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport> {
    let importer = Importer::for_archive(&options.root, options.date)?;
    let into = options.into_dir();
    let (files, mut outcomes, ignored) = collect_inputs(&options.paths);
    let mut archive = writer::Archive::scan(&[options.root.join("content"), into.clone()], &into);
    let total = files.len();
    let chunk = (total / 20).clamp(16, 256);
    let mut done = 0;
    for batch in files.chunks(chunk) {
        let prepared: Vec<_> = batch
            .par_iter()
            .map(|path| importer.prepare_file(path))
            .collect();
        for (path, result) in batch.iter().zip(prepared) {
            outcomes.push(settle(path, result, &mut archive, options.dry_run)?);
        }
        done += batch.len();
        progress(done, total);
    }
    Ok(ImportReport {
        outcomes,
        ignored,
        dry_run: options.dry_run,
    })
}

/// Decides what happens to one prepared file: duplicate, written, or failed.
fn settle(
    path: &Path,
    prepared: std::result::Result<Briefing, String>,
    archive: &mut writer::Archive,
    dry_run: bool,
) -> Result<Outcome> {
    let briefing = match prepared {
        Ok(b) => b,
        Err(reason) => {
            return Ok(Outcome::Failed {
                from: path.to_path_buf(),
                reason,
            })
        }
    };
    if let Some(of) = archive.duplicate_of(&briefing.hash) {
        return Ok(Outcome::Duplicate {
            from: path.to_path_buf(),
            of: of.to_path_buf(),
        });
    }
    let to = archive.claim(&briefing);
    let preview = if dry_run {
        Some(writer::front_matter(&briefing))
    } else {
        write_new(&to, writer::render(&briefing).as_bytes())?;
        None
    };
    Ok(Outcome::Imported {
        from: path.to_path_buf(),
        to,
        preview,
        countries: briefing.countries.names(),
    })
}

/// Writes a file that must not exist yet (`create_new`: a file that appeared since the scan is
/// not overwritten).
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("cannot create", path, e))?;
    file.write_all(bytes)
        .map_err(|e| Error::io("cannot write", path, e))
}
