//! The build cache: what the last successful build parsed and wrote, so the next build re-does
//! only what changed.
//!
//! It lives beside the output folder (`.public.chancery-cache`, like the staging folder), never in
//! it, so publishing `public/` does not ship it. It holds:
//! - for every briefing file, keyed by its path under `content/`: its size, modification time and
//!   inode, and everything the build took from it except the body's HTML. A file whose stamp is
//!   unchanged is not read again; its body is rendered only if a page that shows it must be.
//! - for every page, a fingerprint of everything the page shows. A page whose fingerprint is
//!   unchanged is hard-linked from the previous output instead of rendered.
//! - the hash of the templates and static files, and what the build built (counts, and the
//!   paths of the pages that have no fingerprint): a build that finds every file as the cache
//!   knows it, and every output file there, stops right after the walk (see `build`).
//!
//! A draft that is not built gets a short record (stamp, slug, title, warnings): enough to skip
//! reading it next time.
//!
//! The cache is used only when it was made by this version of chancery (this very binary), with the same settings,
//! for the output folder that is there now (the output's marker holds the same build id).
//! Anything else, or `--no-cache`, means a full build; the output is the same either way.

use crate::error::Diagnostic;
use crate::model::{LinkTarget, Source};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Identifies one version of a file without reading it (as git's index and make do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileStamp {
    /// Bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified_ns: i128,
    /// Inode (0 where there is none): an editor that saves by replacing the file changes it.
    pub inode: u64,
}

impl FileStamp {
    /// The stamp of `metadata`.
    pub fn of(metadata: &std::fs::Metadata) -> Self {
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        FileStamp {
            size: metadata.len(),
            modified_ns,
            inode: inode(metadata),
        }
    }
}

#[cfg(unix)]
fn inode(metadata: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(metadata)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// What the build took from one briefing file, minus the body's HTML.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedBriefing {
    /// The file version this describes.
    pub stamp: FileStamp,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Date, RFC 3339.
    pub date: String,
    /// Whether the front matter gave a time.
    pub has_time: bool,
    /// Dateline.
    pub dateline: Option<String>,
    /// Summary (given or from the first paragraph).
    pub summary: String,
    /// Source.
    pub source: Option<Source>,
    /// Draft flag.
    pub draft: bool,
    /// Words in the body.
    pub word_count: usize,
    /// Unknown front-matter keys.
    /// Stored as JSON text: bincode writes no field names, and a JSON value's type is only
    /// known by reading it.
    #[serde(with = "json_text")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Canonical country names.
    pub countries: Vec<String>,
    /// Topics as written.
    pub topics: Vec<String>,
    /// Byte offset of the body.
    pub body_start: usize,
    /// Hash of the body's text.
    pub body_hash: u64,
    /// How each `.md` link was resolved.
    pub links: Vec<(String, LinkTarget)>,
    /// Its search terms, numbered by [`BuildCache::vocabulary`].
    pub search: crate::search::DocTerms,
    /// Warnings the file gave (shown again on every build until fixed).
    pub warnings: Vec<CachedWarning>,
}

/// A warning kept in the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedWarning {
    /// Line.
    pub line: Option<usize>,
    /// Column.
    pub column: Option<usize>,
    /// Message.
    pub message: String,
    /// Hint.
    pub hint: Option<String>,
}

impl CachedWarning {
    /// Keeps a warning.
    pub fn from_diagnostic(d: &Diagnostic) -> Self {
        CachedWarning {
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }

    /// The warning again, for `path`.
    pub fn to_diagnostic(&self, path: &Path) -> Diagnostic {
        Diagnostic {
            severity: crate::error::Severity::Warning,
            path: path.to_path_buf(),
            line: self.line,
            column: self.column,
            message: self.message.clone(),
            hint: self.hint.clone(),
        }
    }
}

/// The whole cache.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildCache {
    /// chancery's version and the settings' hash: a cache from other ones is not used.
    pub key: String,
    /// Hash of the static files' names and versions.
    pub static_files: u64,
    /// When the build that wrote this cache started (nanoseconds since the epoch). A file
    /// modified less than [`RACY_MARGIN_NS`] before it may have changed again within one tick
    /// of the file system's clock with the same size, so it is read again ("racy git").
    pub started_ns: i128,
    /// Hash of the key, the templates and the static files: what pages depend on besides
    /// the content.
    pub settings: u64,
    /// What the build that wrote this cache built.
    pub summary: BuildSummary,
    /// Briefing files by path under `content/`.
    pub briefings: HashMap<String, CachedBriefing>,
    /// Page fingerprints by output path.
    pub pages: HashMap<String, u64>,
    /// The search terms of [`CachedBriefing::search`], by id.
    pub vocabulary: Vec<String>,
    /// The build id written into the output's marker by the build that wrote this cache. (After
    /// the bulk, which a build writes beside rendering: see [`CacheWriter`].)
    pub build_id: String,
    /// A hash of each file of the search index, by output path.
    pub search_files: HashMap<String, u64>,
}

impl BuildCache {
    /// The cache for output folder `out`, if there is a usable one for `key`.
    pub fn load(out: &Path, key: &str) -> Option<BuildCache> {
        // The output's marker first: without it (a fresh or removed output folder) the cache
        // cannot be used, and reading it would cost tens of milliseconds at 10,000 briefings.
        let marker = std::fs::read_to_string(out.join(crate::write::MARKER_FILE)).ok()?;
        let bytes = std::fs::read(cache_path(out)).ok()?;
        let cache = Self::from_bytes(&bytes)?;
        let same_output = marker
            .lines()
            .any(|l| l == format!("build {}", cache.build_id));
        (cache.key == key && same_output).then_some(cache)
    }

    /// The cache as the file holds it: [`CACHE_MAGIC`], then the cache in bincode. bincode
    /// reads and writes several times faster than JSON: at 10,000 briefings the JSON was 13 MB
    /// and reading it was a fifth of a rebuild with nothing changed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_serialized(self, &mut bytes)
            .expect("writing to memory fails only on a value bincode cannot hold");
        bytes
    }

    /// A cache from [`BuildCache::to_bytes`]'s bytes; `None` for anything else (another
    /// format, a truncated file): the build is then a full one.
    pub fn from_bytes(bytes: &[u8]) -> Option<BuildCache> {
        let body = bytes.strip_prefix(CACHE_MAGIC)?;
        bincode::deserialize(body).ok()
    }

    /// Removes the cache beside `out`, if any (before a build replaces the output).
    pub fn remove(out: &Path) {
        let _ = std::fs::remove_file(cache_path(out));
    }
}

/// What a build built, for the report of a build that finds nothing changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildSummary {
    /// Briefings built.
    pub briefings: usize,
    /// Countries with pages.
    pub countries: usize,
    /// Topics with pages.
    pub topics: usize,
    /// Pages, feeds and sitemap in the output.
    pub pages: usize,
    /// The output paths of the pages without a fingerprint (the index pages, the sitemap):
    /// with the fingerprinted ones, every file the build wrote besides the static files.
    pub unfingerprinted: Vec<String>,
}

/// The part of a cache a build knows before it writes its output, borrowed from the build: it
/// is serialised as the very bytes of the [`BuildCache`] fields it stands for, without building
/// that cache's maps first. bincode writes a struct as its fields one after another, a map and
/// a sequence of pairs alike (a length, then each key and value), and a boxed string as a
/// string, so these read back as the first fields of a `BuildCache`.
#[derive(Serialize)]
pub struct CacheHead<'a> {
    /// [`BuildCache::key`].
    pub key: &'a str,
    /// [`BuildCache::static_files`].
    pub static_files: u64,
    /// [`BuildCache::started_ns`].
    pub started_ns: i128,
    /// [`BuildCache::settings`].
    pub settings: u64,
    /// [`BuildCache::summary`].
    pub summary: &'a BuildSummary,
    /// [`BuildCache::briefings`], as pairs (each path once).
    pub briefings: &'a [(String, CachedBriefing)],
    /// [`BuildCache::pages`], as pairs (each path once).
    pub pages: &'a [(&'a str, u64)],
}

/// The rest of a cache, known once the output is written.
#[derive(Serialize)]
pub struct CacheTail<'a> {
    /// [`BuildCache::vocabulary`]. (Rendering adds the words of country and topic names, and
    /// holds the vocabulary's lock while it builds the search index: it is not read before.)
    pub vocabulary: &'a [Box<str>],
    /// [`BuildCache::build_id`].
    pub build_id: &'a str,
    /// [`BuildCache::search_files`].
    pub search_files: &'a HashMap<String, u64>,
}

impl CacheHead<'_> {
    /// The whole cache file's bytes, with `tail`.
    pub fn to_bytes(&self, tail: &CacheTail) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_serialized(&(self, tail), &mut bytes)
            .expect("writing to memory fails only on a value bincode cannot hold");
        bytes
    }
}

/// A cache being saved: a temporary file beside the output holding its [`CacheHead`]. A full
/// build writes it beside rendering (at its end it was a serial ten milliseconds at 10,000
/// briefings), streamed (at 100,000 briefings the cache is over a hundred megabytes). Dropped
/// unfinished, as when the build fails, the file goes.
pub struct CacheWriter {
    file: Option<std::io::BufWriter<std::fs::File>>,
    temporary: PathBuf,
    path: PathBuf,
}

impl CacheWriter {
    /// Starts the cache beside `out` with `head`.
    pub fn start(out: &Path, head: &CacheHead) -> crate::error::Result<CacheWriter> {
        let temporary = crate::write::sibling(out, "chancery-cache.tmp");
        let error = |e| crate::error::Error::io("write", &temporary, e);
        // Beside rendering, this may come before the output's own folder is made.
        if let Some(parent) = temporary.parent() {
            std::fs::create_dir_all(parent).map_err(error)?;
        }
        let file = std::fs::File::create(&temporary).map_err(error)?;
        let mut writer = CacheWriter {
            file: Some(std::io::BufWriter::with_capacity(1 << 16, file)),
            temporary,
            path: cache_path(out),
        };
        writer.write(|file| write_serialized(head, file))?;
        Ok(writer)
    }

    /// Writes `tail` and puts the cache in place.
    pub fn finish(mut self, tail: &CacheTail) -> crate::error::Result<()> {
        self.write(|file| {
            write_bincode(tail, file)?;
            std::io::Write::flush(file)
        })?;
        drop(self.file.take());
        crate::fs::rename(&self.temporary, &self.path)
    }

    fn write(
        &mut self,
        f: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> crate::error::Result<()> {
        let file = self
            .file
            .as_mut()
            .expect("an unfinished cache has its file");
        f(file).map_err(|e| crate::error::Error::io("write", &self.temporary, e))
    }
}

impl Drop for CacheWriter {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// A cache as the file holds it: [`CACHE_MAGIC`], then the cache in bincode.
fn write_serialized(cache: &impl Serialize, out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all(CACHE_MAGIC)?;
    write_bincode(cache, out)
}

/// `value` in bincode, written to `out`.
fn write_bincode(value: &impl Serialize, out: &mut impl std::io::Write) -> std::io::Result<()> {
    bincode::serialize_into(out, value).map_err(|e| match *e {
        bincode::ErrorKind::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    })
}

/// The first bytes of a cache file, naming its format (a cache in another one is not read).
pub const CACHE_MAGIC: &[u8] = b"chancery-cache bincode 3\n";

/// `extra` as JSON text inside the bincode cache.
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    type Extra = serde_json::Map<String, serde_json::Value>;

    pub fn serialize<S: Serializer>(extra: &Extra, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(extra).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Extra, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// See [`BuildCache::started_ns`]: wider than any file system's timestamp granularity.
pub const RACY_MARGIN_NS: i128 = 100_000_000;

/// Now, in nanoseconds since the epoch.
pub fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

impl BuildCache {
    /// Whether a file with `stamp` can be trusted to be the one this cache describes.
    pub fn trusts(&self, recorded: &FileStamp, now: &FileStamp) -> bool {
        recorded == now && recorded.modified_ns < self.started_ns - RACY_MARGIN_NS
    }
}

/// `.<name>.chancery-cache` beside the output.
pub fn cache_path(out: &Path) -> PathBuf {
    crate::write::sibling(out, "chancery-cache")
}

/// The hasher of [`hash_of`] and of page fingerprints: XXH3, 64 bits, the same on every run
/// and machine. A build hashes every body (tens of megabytes at 10,000 briefings), and XXH3 does
/// that many times faster than std's SipHash, whose strength, resisting inputs crafted to
/// collide, buys nothing here: a hash only decides whether a file of the user's own archive
/// changed or a page is rendered again. (XXH3 passes SMHasher; two different inputs share a
/// 64-bit hash about as rarely as with SipHash.)
pub type StableHasher = xxhash_rust::xxh3::Xxh3Default;

/// A stable 64-bit hash (the same on every run of one chancery binary).
pub fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = StableHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
