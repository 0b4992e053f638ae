//! Writing briefings: what the archive already holds (content hashes of earlier imports, slugs
//! in use), a free file name for each new briefing, and its front matter.
//!
//! Never overwrites. A briefing's slug comes from its file name without the date, and two
//! briefings with one slug break the build, so a new file's slug must be free across the whole
//! archive, not only its file name: when `<date>-<slug>.md` or the slug is taken, `-2`, `-3`...
//! is added to the slug.

use super::tagging::{Evidence, Tags};
use super::Briefing;
use crate::error::display_path;
use crate::parse::front_matter::quote_scalar;
use crate::urls::slugify;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Longest slug made from a title, in bytes (cut at a hyphen).
const MAX_SLUG: usize = 72;

/// Most "seen but not tagged" entries written as evidence.
const MAX_NOT_TAGGED: usize = 5;

/// What the archive already holds.
#[derive(Debug, Default)]
pub struct Archive {
    /// Content hash of an earlier import -> its file.
    hashes: HashMap<String, PathBuf>,
    /// Slugs in use.
    slugs: HashSet<String>,
    /// Where new briefings go.
    into: PathBuf,
}

fn hash_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"\bhash:\s*["']?([0-9a-f]{64})"#).expect("hash pattern"))
}

fn slug_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?m)^slug:\s*["']?([a-z0-9-]+)"#).expect("slug pattern"))
}

impl Archive {
    /// Reads the front matter of every briefing under `dirs` (the archive's `content/` and the
    /// target folder), for `import.hash` and slugs. Unreadable files are skipped: the build
    /// reports those.
    pub fn scan(dirs: &[PathBuf], into: &Path) -> Archive {
        let mut archive = Archive {
            into: into.to_path_buf(),
            ..Archive::default()
        };
        let mut seen = HashSet::new();
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let walk = walkdir::WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
            for entry in walk.flatten() {
                let path = entry.path();
                let is_md = path.extension().is_some_and(|e| e == "md");
                let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
                if entry.file_type().is_file() && is_md && seen.insert(canonical) {
                    archive.add_existing(path);
                }
            }
        }
        archive
    }

    fn add_existing(&mut self, path: &Path) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let front = front_matter_of(&text);
        if let Some(caps) = hash_regex().captures(front) {
            self.hashes
                .entry(caps[1].to_string())
                .or_insert_with(|| path.to_path_buf());
        }
        let slug = match slug_regex().captures(front) {
            Some(caps) => caps[1].to_string(),
            None => slug_of_file(path),
        };
        self.slugs.insert(slug);
    }

    /// The file an article with this hash was imported to, if it was.
    pub fn duplicate_of(&self, hash: &str) -> Option<&Path> {
        self.hashes.get(hash).map(PathBuf::as_path)
    }

    /// Picks a free path for a briefing and records it (and its hash) as taken.
    pub fn claim(&mut self, briefing: &Briefing) -> PathBuf {
        let base = title_slug(&briefing.title);
        let mut n = 1;
        loop {
            let slug = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let path = self.into.join(format!("{}-{slug}.md", briefing.date));
            if !self.slugs.contains(&slug) && !path.exists() {
                self.slugs.insert(slug);
                self.hashes.insert(briefing.hash.clone(), path.clone());
                return path;
            }
            n += 1;
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(['.', '_']))
}

/// The text between the opening and closing `---` (empty when there is no front matter).
fn front_matter_of(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return "";
    };
    let end = rest
        .match_indices("\n---")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The slug a file name gives: without `.md` and a leading `YYYY-MM-DD-`.
fn slug_of_file(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    crate::parse::file_slug(&stem)
}

/// The title's slug, cut at a hyphen to [`MAX_SLUG`] bytes.
pub fn title_slug(title: &str) -> String {
    let slug = slugify(title);
    let slug = if slug.len() <= MAX_SLUG {
        slug
    } else {
        let cut = slug[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        slug[..cut].to_string()
    };
    if slug.is_empty() {
        "briefing".to_string()
    } else {
        slug
    }
}

/// The whole file: front matter and body.
pub fn render(briefing: &Briefing) -> String {
    let mut text = front_matter(briefing);
    text.push_str(&briefing.body);
    text.push('\n');
    text
}

/// The front matter, fences included.
pub fn front_matter(b: &Briefing) -> String {
    let mut y = String::with_capacity(1024);
    y.push_str("---\n");
    let _ = writeln!(y, "title: {}", quote_scalar(&b.title));
    let _ = writeln!(y, "date: {}", b.date);
    if let Some(place) = &b.dateline {
        let _ = writeln!(y, "dateline: {}", quote_scalar(place));
    }
    let _ = writeln!(y, "countries: [{}]", list(&b.countries.names()));
    let _ = writeln!(y, "topics: [{}]", list(&b.topics.names()));
    if let Some(source) = &b.source {
        match &source.url {
            Some(url) => {
                let _ = writeln!(
                    y,
                    "source: {{name: {}, url: {}}}",
                    quote_scalar(&source.name),
                    quote_scalar(url)
                );
            }
            None => {
                let _ = writeln!(y, "source: {}", quote_scalar(&source.name));
            }
        }
    }
    y.push_str("import:\n");
    let _ = writeln!(y, "  hash: {}", b.hash);
    let _ = writeln!(
        y,
        "  source_file: {}",
        quote_scalar(&display_path(&b.source_file))
    );
    let _ = writeln!(y, "  date_from: {}", quote_scalar(b.date_from.label()));
    evidence_map(&mut y, "countries", &b.countries.tagged);
    evidence_map(&mut y, "countries_not_tagged", &not_tagged(&b.countries));
    evidence_map(&mut y, "topics", &b.topics.tagged);
    y.push_str("---\n");
    y
}

fn not_tagged(tags: &Tags) -> Vec<Evidence> {
    tags.also_seen
        .iter()
        .take(MAX_NOT_TAGGED)
        .cloned()
        .collect()
}

fn evidence_map(y: &mut String, key: &str, items: &[Evidence]) {
    if items.is_empty() {
        let _ = writeln!(y, "  {key}: {{}}");
        return;
    }
    let _ = writeln!(y, "  {key}:");
    for e in items {
        let _ = writeln!(
            y,
            "    {}: {{score: {:.1}, mentions: {}}}",
            quote_scalar(&e.name),
            e.score,
            e.mentions
        );
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| quote_scalar(i))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_scalar("India"), "India");
        assert_eq!(quote_scalar("Indo-Pacific"), "Indo-Pacific");
        assert_eq!(quote_scalar("Talks: day two"), "\"Talks: day two\"");
        assert_eq!(quote_scalar("yes"), "\"yes\"");
        assert_eq!(quote_scalar("2021"), "\"2021\"");
        assert_eq!(quote_scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug_of_file(Path::new("a/2021-04-06-talks.md")), "talks");
        assert_eq!(slug_of_file(Path::new("a/notes.md")), "notes");
        let long = "word ".repeat(40);
        assert!(title_slug(&long).len() <= MAX_SLUG);
        assert_eq!(title_slug("!!!"), "briefing");
    }

    #[test]
    fn front_matter_block() {
        assert_eq!(front_matter_of("---\na: 1\n---\nbody"), "a: 1\n");
        assert_eq!(front_matter_of("no front matter"), "");
    }
}
