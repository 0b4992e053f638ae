//! Front matter: splitting a file at its `---` fences, parsing and checking the YAML, and
//! parsing dates. Errors are fine; panics are not.
#![no_main]

use chancery::load::normalise;
use chancery::parse::front_matter;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/briefings/fuzz.md");
    // As the load stage hands files to the parser: no BOM, `\n` line endings.
    let normalised = normalise(text.to_string());
    if let Ok(split) = front_matter::split(&normalised, path) {
        let _ = front_matter::parse(&split, path);
    }
    // Dates: the whole input, and each line of it (a date is usually one short value).
    let _ = front_matter::parse_date(text);
    for line in text.lines().take(8) {
        let _ = front_matter::parse_date(line);
    }
});
