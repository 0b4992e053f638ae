//! `chancery import`: raw articles (HTML, plain text, Markdown) turned into briefings.
//! Errors ("no article text", "no date") are fine; panics are not.
#![no_main]

use chancery::import::Importer;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::LazyLock;

/// Built once: the ISO gazetteer and default lexicon, with a fallback date so that undated
/// inputs get past dating into tagging and writing.
static IMPORTER: LazyLock<Importer> =
    LazyLock::new(|| Importer::standard(chrono::NaiveDate::from_ymd_opt(2024, 1, 15)));

fuzz_target!(|data: &[u8]| {
    // As `Importer::prepare_file` decodes a file: BOM dropped, NUL means binary, UTF-8 only.
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if data.contains(&0) {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let importer = &*IMPORTER;
    let _ = importer.prepare_text(Path::new("raw/fuzz.html"), text, true, false);
    let _ = importer.prepare_text(Path::new("raw/fuzz.txt"), text, false, false);
    let _ = importer.prepare_text(Path::new("raw/fuzz.md"), text, false, true);
});
