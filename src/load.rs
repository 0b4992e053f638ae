//! Stage 1, load: find every briefing under `content/`.
//!
//! The walk is sorted by file name, so every later stage sees files in the same order on every
//! machine. It notes each file's stamp (size, time, inode) but does not read it: `parse` reads,
//! in parallel, only the files the build cache does not already know. Nothing is dropped
//! silently: an unreadable file, a file that is not UTF-8 or a walk error (a symlink loop, a
//! folder without permission) becomes a diagnostic.

use crate::cache::FileStamp;
use crate::error::{line_column, Diagnostic};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The folder of briefings inside an archive.
pub const CONTENT_DIR: &str = "content";

/// One briefing file, read and normalised (no BOM, `\n` line endings).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user would see it (archive root joined with the file's place).
    pub path: PathBuf,
    /// The path relative to `content/`, with `/` separators: `briefings/2021-04-06-talks.md`.
    pub relative: String,
    /// The file's text.
    pub text: String,
}

/// A briefing file found by the walk, not yet read.
#[derive(Debug, Clone)]
pub struct SourceEntry {
    /// The path as the user would see it.
    pub path: PathBuf,
    /// The path relative to `content/`, with `/` separators.
    pub relative: String,
    /// Size, time and inode, to recognise a file the build cache knows.
    pub stamp: FileStamp,
}

impl SourceEntry {
    /// Reads and normalises the file.
    pub fn read(&self) -> Result<SourceFile, Diagnostic> {
        let bytes = read_sized(&self.path, self.stamp.size)
            .map_err(|e| Diagnostic::error(&self.path, format!("cannot read: {e}")))?;
        let text = decode_utf8(&self.path, bytes)?;
        Ok(SourceFile {
            path: self.path.clone(),
            relative: self.relative.clone(),
            text: normalise(text),
        })
    }
}

/// Reads a whole file whose size the walk saw, in one `read` when it has not changed since.
///
/// `std::fs::read` asks the file's size again and reads until a read returns nothing: two calls
/// more per briefing than needed. A read into room for one byte more than the expected size
/// that comes back short has met the end of a regular file; a file that grew meanwhile fills
/// the room and the rest is read as usual.
fn read_sized(path: &Path, expected: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{ErrorKind, Read};
    let mut file = std::fs::File::open(path)?;
    let room = usize::try_from(expected).unwrap_or(0).saturating_add(1);
    let mut bytes = vec![0; room];
    let mut filled = 0;
    loop {
        match file.read(&mut bytes[filled..]) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
            Ok(0) => break,
            Ok(n) => filled += n,
        }
        // The expected size, with room to spare: the end. (Another read would return nothing.)
        if filled as u64 == expected {
            break;
        }
        if filled == room {
            // It grew: read the rest.
            file.read_to_end(&mut bytes)?;
            return Ok(bytes);
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// What the load stage found.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// Briefing files, in sorted walk order.
    pub entries: Vec<SourceEntry>,
    /// Files that could not be read, and walk errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks `<root>/content` and lists every briefing in it, with its stamp (nothing is read yet).
pub fn load_content(root: &Path) -> Loaded {
    let content = root.join(CONTENT_DIR);
    let mut loaded = Loaded::default();
    if !content.is_dir() {
        loaded.diagnostics.push(
            Diagnostic::error(&content, "no content folder").hint(
                "an archive keeps its briefings in `content/`; `chancery init DIR` makes one",
            ),
        );
        return loaded;
    }
    let (entries, walk_errors) = briefing_entries(&content);
    loaded.entries = entries;
    loaded.diagnostics = walk_errors;
    loaded
}

/// The `.md` files under `content`, sorted, skipping names that start with `_` or `.`.
fn briefing_entries(content: &Path) -> (Vec<SourceEntry>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // Not sorted by walkdir: its comparisons take every path apart again, a fifth of the
    // walk at 10,000 files. The list is sorted below, into the same order.
    let walk = WalkDir::new(content)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_name(entry.file_name()));
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                files.push(entry)
            }
            Ok(_) => {}
            Err(error) => errors.push(walk_diagnostic(content, &error)),
        }
    }
    // Reading each file's stamp is a system call apiece: done in parallel, order kept.
    let stamped: Vec<Result<SourceEntry, walkdir::Error>> = files
        .into_par_iter()
        .map(|entry| {
            let metadata = entry.metadata()?;
            Ok(SourceEntry {
                relative: relative_path(content, entry.path()),
                stamp: FileStamp::of(&metadata),
                path: entry.into_path(),
            })
        })
        .collect();
    let mut paths = Vec::with_capacity(stamped.len());
    for entry in stamped {
        match entry {
            Ok(entry) => paths.push(entry),
            Err(error) => errors.push(walk_diagnostic(content, &error)),
        }
    }
    // A walk with each folder's names sorted, folder by folder: the order of the paths'
    // segments, compared one by one.
    // Comparing bytes with `/` below every other byte is that order, since no name holds one.
    paths.par_sort_unstable_by(|a, b| segments_cmp(&a.relative, &b.relative));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (paths, errors)
}

/// `loaded` brought up to date after the files at `changed` (absolute paths under
/// `<root>/content`, as a file watcher reports them) were written, made or removed, without
/// walking the whole folder again. `None` when only a walk can tell: a folder or symbolic link
/// among them, a path outside `content/`, or a previous walk that met errors.
pub fn refresh(root: &Path, loaded: &Loaded, changed: &[PathBuf]) -> Option<Loaded> {
    if !loaded.diagnostics.is_empty() {
        return None;
    }
    let content = root.join(CONTENT_DIR);
    let mut entries = loaded.entries.clone();
    for path in changed {
        let relative = path.strip_prefix(&content).ok()?;
        if relative.as_os_str().is_empty() {
            return None;
        }
        if relative
            .components()
            .any(|c| is_skipped_name(c.as_os_str()))
        {
            // Never a briefing, nor inside a folder that holds any.
            continue;
        }
        let relative = relative_path(&content, path);
        let at = entries.binary_search_by(|e| walk_order(&e.relative, &relative));
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => {
                if !is_markdown(path) {
                    continue;
                }
                let entry = SourceEntry {
                    path: path.clone(),
                    relative,
                    stamp: FileStamp::of(&meta),
                };
                match at {
                    Ok(i) => entries[i] = entry,
                    Err(i) => entries.insert(i, entry),
                }
            }
            Ok(_) => return None,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                // A removed file, or a removed folder with everything under it.
                let inside = format!("{relative}/");
                entries.retain(|e| e.relative != relative && !e.relative.starts_with(&inside));
            }
            Err(_) => return None,
        }
    }
    Some(Loaded {
        entries,
        diagnostics: Vec::new(),
    })
}

/// The order of a sorted walk: folder by folder, names compared within each.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

fn walk_diagnostic(content: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(content).to_path_buf();
    if let Some(ancestor) = error.loop_ancestor() {
        return Diagnostic::error(
            &path,
            format!(
                "symbolic link loop: this leads back to {}",
                ancestor.display()
            ),
        )
        .hint("remove the link, or point it outside its own folder");
    }
    let reason = error
        .io_error()
        .map_or_else(|| error.to_string(), |e| e.to_string());
    Diagnostic::error(&path, format!("cannot read: {reason}"))
}

/// Names chancery never treats as briefings: `_index.md` (Hugo, Zola), dotfiles, editor backups.
fn is_skipped_name(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('_') || name.starts_with('.')
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "md")
}

/// Orders `/`-separated paths as their bytes with `/` made the lowest byte.
///
/// Paths in one folder share a long prefix (`briefings/2021-04-...`), and comparing them a
/// mapped byte at a time was most of the sort: the first difference is found eight bytes at a
/// time, and only the two bytes there are mapped.
fn segments_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let rank = |byte: u8| if byte == b'/' { 0 } else { byte };
    match first_difference(a, b) {
        Some(at) => rank(a[at]).cmp(&rank(b[at])),
        None => a.len().cmp(&b.len()),
    }
}

/// Where `a` and `b` first differ, within the shorter of them.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let len = a.len().min(b.len());
    let word = |bytes: &[u8], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
    };
    let mut at = 0;
    while at + 8 <= len {
        let differ = word(a, at) ^ word(b, at);
        if differ != 0 {
            // Little-endian: the lowest set bit is in the first differing byte.
            return Some(at + differ.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    (at..len).find(|&i| a[i] != b[i])
}

/// `path` relative to `content`, with `/` separators.
fn relative_path(content: &Path, path: &Path) -> String {
    // The common case, a UTF-8 path under `content` on a `/` system, without taking it apart.
    if let (Some(path), Some(content)) = (path.to_str(), content.to_str()) {
        if let Some(rest) = path.strip_prefix(content).and_then(|r| r.strip_prefix('/')) {
            if std::path::MAIN_SEPARATOR == '/' && !rest.contains("//") && !rest.contains("/./") {
                return rest.to_string();
            }
        }
    }
    path.strip_prefix(content)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// UTF-8 or a diagnostic pointing at the first bad byte.
pub fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|error| {
        let valid_up_to = error.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&error.as_bytes()[..valid_up_to]).unwrap_or_default();
        let (line, column) = line_column(valid, valid.len());
        Diagnostic::error(
            path,
            format!(
                "not UTF-8 text (byte 0x{:02X} at offset {valid_up_to})",
                error.as_bytes()[valid_up_to]
            ),
        )
        .at(line, column)
        .hint("save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)")
    })
}

/// Drops a byte-order mark and turns CRLF into LF, so positions and splitting see one form.
pub fn normalise(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    // `memchr` scans with vector instructions; `str::contains(char)` went a byte or a word at a
    // time, about one instruction a byte over every file of the archive.
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// Asks the kernel not to back this process's memory with transparent huge pages.
///
/// On the virtual machine this was measured on, memory first touched after a few seconds
/// idle is far dearer in huge pages than in small ones, it seems because the host takes freed
/// 2 MiB blocks back and is slow to back them again (about 3 ms per MB, against 0.5 ms per MB
/// for 4 KiB pages, idle or not; a 200 MB `mmap` touched by a small C program). Memory touched
/// within a second or two of being freed is quick either way, which is why builds run back to
/// back favour huge pages. At 10,000 briefings, each build after 8 s idle, 10 alternating runs:
/// 0.81 s with this against 0.98 s without, system time 0.44 against 0.74 s. It is a property of
/// the whole process (and of processes it starts), set once; elsewhere than Linux it does
/// nothing.
pub fn avoid_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast comparison orders paths as comparing the mapped bytes one by one does.
        #[test]
        fn segments_cmp_is_the_mapped_byte_order(a in "[a-c/._-]{0,20}", b in "[a-c/._-]{0,20}") {
            let mapped = |path: &str| -> Vec<u8> {
                path.bytes().map(|byte| if byte == b'/' { 0 } else { byte }).collect()
            };
            proptest::prop_assert_eq!(segments_cmp(&a, &b), mapped(&a).cmp(&mapped(&b)));
            let long_a = format!("briefings/2021-04-06-{a}");
            let long_b = format!("briefings/2021-04-06-{b}");
            proptest::prop_assert_eq!(
                segments_cmp(&long_a, &long_b),
                mapped(&long_a).cmp(&mapped(&long_b))
            );
        }
    }

    #[test]
    fn a_file_reads_whole_whatever_size_the_walk_saw() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.md");
        let text = "x".repeat(5000);
        std::fs::write(&path, &text).unwrap();
        // As seen, grown since (seen smaller), shrunk since (seen larger), and empty.
        for seen in [5000, 0, 1, 4999, 5001, 90_000] {
            assert_eq!(
                read_sized(&path, seen).unwrap(),
                text.as_bytes(),
                "seen {seen}"
            );
        }
        std::fs::write(&path, "").unwrap();
        assert_eq!(read_sized(&path, 0).unwrap(), b"");
        assert_eq!(read_sized(&path, 10).unwrap(), b"");
    }

    fn relatives(loaded: &Loaded) -> Vec<(String, u64)> {
        loaded
            .entries
            .iter()
            .map(|e| (e.relative.clone(), e.stamp.size))
            .collect()
    }

    #[test]
    fn files_come_in_walk_order_folder_by_folder() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        for name in [
            "b.md",
            "a-b.md",
            "a/z.md",
            "a/b/c.md",
            "_drafts/x.md",
            "a/.hidden.md",
        ] {
            let path = content.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "---\ntitle: t\n---\n").unwrap();
        }
        let loaded = load_content(dir.path());
        let names: Vec<&str> = loaded.entries.iter().map(|e| e.relative.as_str()).collect();
        assert_eq!(names, ["a/b/c.md", "a/z.md", "a-b.md", "b.md"]);
    }

    #[test]
    fn refresh_agrees_with_a_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |name: &str, text: &str| {
            let path = root.join("content").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        write("a/b.md", "1");
        write("a-c.md", "1");
        write("z.md", "1");
        let before = load_content(root);
        let changed = vec![
            write("a/a.md", "new"),
            write("a-c.md", "longer"),
            write("_index.md", "skipped"),
            write("notes.txt", "not markdown"),
            root.join("content/z.md"),
        ];
        std::fs::remove_file(root.join("content/z.md")).unwrap();
        let refreshed = refresh(root, &before, &changed).expect("files only");
        let walked = load_content(root);
        assert_eq!(relatives(&refreshed), relatives(&walked));
        assert_eq!(
            relatives(&walked)[0].0,
            "a/a.md",
            "walk order, folder by folder"
        );
        // A folder among the changes needs a walk.
        assert!(refresh(root, &walked, &[root.join("content/a")]).is_none());
        // A removed folder takes its briefings with it.
        std::fs::remove_dir_all(root.join("content/a")).unwrap();
        let refreshed = refresh(root, &walked, &[root.join("content/a")]).unwrap();
        assert_eq!(relatives(&refreshed), relatives(&load_content(root)));
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(
            normalise("\u{feff}---\r\na: 1\r\n".to_string()),
            "---\na: 1\n"
        );
    }

    #[test]
    fn invalid_utf8_points_at_the_line() {
        let error = decode_utf8(Path::new("x.md"), b"---\ntitle: caf\xe9\n".to_vec()).unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(11)));
        assert!(error.message.contains("0xE9"));
    }

    #[test]
    fn skipped_names() {
        assert!(is_skipped_name("_index.md".as_ref()));
        assert!(is_skipped_name(".draft.md".as_ref()));
        assert!(!is_skipped_name("2021-04-06-talks.md".as_ref()));
    }
}
