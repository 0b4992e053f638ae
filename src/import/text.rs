//! Plain text and front-matter-less Markdown: headline, metadata lines, paragraphs.
//!
//! The headline is the first non-empty line. Short lines just under it that carry metadata
//! ("By Jane Doe", "Published: 6 April 2021", "Source: Example Wire") are taken out of the body
//! and kept for the date and source. Paragraphs are separated by blank lines; a paste with no
//! blank line at all has one paragraph per line. Lines of a hard-wrapped paragraph are joined.

use super::{Extracted, SourceInfo};

/// Longest headline accepted: a longer first line is a paragraph, and the article has none.
const MAX_TITLE_CHARS: usize = 250;

/// Extracts an article from text. `markdown` keeps the text's own Markdown (and reads a
/// leading `# ` as the headline's marker); otherwise Markdown's special characters are escaped.
pub fn extract(text: &str, markdown: bool) -> Result<Extracted, String> {
    let mut lines = text.lines().map(str::trim_end);
    let title_line = lines
        .by_ref()
        .find(|l| !l.trim().is_empty())
        .ok_or("the file has no text")?;
    let title = clean_title(title_line, markdown);
    if title.is_empty() {
        return Err("the first line is not a headline (no letters)".to_string());
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(format!(
            "no headline: the first line is a paragraph of {} characters; put the headline on the first line",
            title.chars().count()
        ));
    }
    let rest: Vec<&str> = lines.collect();
    let mut paragraphs = paragraphs(&rest, markdown);
    let mut extracted = Extracted {
        title,
        ..Extracted::default()
    };
    take_metadata(&mut paragraphs, &mut extracted);
    take_trailing_dates(&mut paragraphs, &mut extracted);
    extracted.blocks = paragraphs
        .into_iter()
        .map(|p| if markdown { p } else { escape(&p) })
        .collect();
    Ok(extracted)
}

/// "# Talks in Delhi" -> "Talks in Delhi"; "Headline: X" -> "X".
fn clean_title(line: &str, markdown: bool) -> String {
    let mut title = line.trim();
    if markdown {
        title = title.trim_start_matches('#').trim();
    }
    for label in ["Headline:", "Title:", "HEADLINE:", "TITLE:"] {
        if let Some(rest) = title.strip_prefix(label) {
            title = rest.trim();
        }
    }
    let title = title.trim_matches(|c: char| c == '*' || c == '_' && markdown);
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Groups lines into paragraphs.
fn paragraphs(lines: &[&str], markdown: bool) -> Vec<String> {
    let content: Vec<&&str> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
    let first = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let last = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);
    let has_blank_inside = lines
        .get(first..=last)
        .is_some_and(|inner| inner.iter().any(|l| l.trim().is_empty()));
    if !markdown && !has_blank_inside && content.len() >= 3 {
        // A paste with no blank lines: one paragraph per line.
        return content.iter().map(|l| l.trim().to_string()).collect();
    }
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            flush(&mut current, &mut out, markdown);
        } else {
            current.push(line);
        }
    }
    flush(&mut current, &mut out, markdown);
    out
}

fn flush(current: &mut Vec<&str>, out: &mut Vec<String>, markdown: bool) {
    if current.is_empty() {
        return;
    }
    let joined = if markdown {
        current.join("\n")
    } else {
        let words: Vec<&str> = current.iter().flat_map(|l| l.split_whitespace()).collect();
        words.join(" ")
    };
    out.push(joined);
    current.clear();
}

/// Labels of metadata lines at the top of a paste, lower case.
const METADATA: &[&str] = &[
    "by ",
    "by:",
    "date:",
    "dated:",
    "published",
    "posted",
    "updated",
    "source:",
    "author:",
    "filed:",
    "written by",
];

/// Takes metadata lines from the first few paragraphs: they give the date and the source.
fn take_metadata(paragraphs: &mut Vec<String>, extracted: &mut Extracted) {
    let mut i = 0;
    while i < paragraphs.len().min(4) {
        let p = &paragraphs[i];
        let lower = p.to_lowercase();
        let is_metadata = p.chars().count() <= 120 && METADATA.iter().any(|m| lower.starts_with(m));
        if !is_metadata {
            i += 1;
            continue;
        }
        let p = paragraphs.remove(i);
        if lower.starts_with("source:") {
            let name = p["source:".len()..].trim().to_string();
            if !name.is_empty() {
                extracted.source = Some(SourceInfo { name, url: None });
            }
        } else {
            extracted.header.push(p);
        }
    }
}

/// Takes short closing lines that carry a date ("Published 14 March 2024", a press release's
/// "New Delhi 9 May 2024") from the end of the body: they date the article and are not part of it.
fn take_trailing_dates(paragraphs: &mut Vec<String>, extracted: &mut Extracted) {
    for _ in 0..2 {
        let Some(last) = paragraphs.last() else {
            return;
        };
        let short = last.chars().count() <= 60 && paragraphs.len() > 1;
        if !short || super::dateline::find_date(last).is_none() {
            return;
        }
        let line = paragraphs.pop().unwrap_or_default();
        extracted.header.push(line);
    }
}

/// Escapes what Markdown would read as markup in a paragraph of plain text.
pub fn escape(text: &str) -> String {
    protect_start(escape_inline(text))
}

/// Escapes Markdown's inline markup characters.
pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '<' | '[' | ']' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph starting with `#`, `>`, `-`, `+` or `1.` would become a heading, a quote or a
/// list: escape its first character.
pub fn protect_start(mut text: String) -> String {
    let list_number = {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && text[digits..].starts_with(['.', ')'])
    };
    let marker = text.starts_with(['#', '>']) || text.starts_with("- ") || text.starts_with("+ ");
    if list_number {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        text.insert(digits, '\\');
    } else if marker {
        text.insert(0, '\\');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_metadata_and_paragraphs() {
        let text = "Talks in Delhi  \n\nBy A. Writer\nPublished: 6 April 2021\n\nFirst line\nwrapped.\n\nSecond *para*.\n";
        let e = extract(text, false).unwrap();
        assert_eq!(e.title, "Talks in Delhi");
        assert_eq!(e.header, ["By A. Writer Published: 6 April 2021"]);
        assert_eq!(e.blocks, ["First line wrapped.", "Second \\*para\\*."]);
    }

    #[test]
    fn one_paragraph_per_line_without_blank_lines() {
        let e = extract("Title\nOne.\nTwo.\nThree.\n", false).unwrap();
        assert_eq!(e.blocks, ["One.", "Two.", "Three."]);
    }

    #[test]
    fn markdown_keeps_markup() {
        let e = extract("# Title\n\n- a\n- b\n\nSource: Example Wire\n", true).unwrap();
        assert_eq!(e.title, "Title");
        assert_eq!(e.blocks, ["- a\n- b"]);
        assert_eq!(e.source.unwrap().name, "Example Wire");
    }

    #[test]
    fn bad_inputs_say_why() {
        assert!(extract("\n\n  \n", false).unwrap_err().contains("no text"));
        let long = "word ".repeat(80);
        assert!(extract(&long, false).unwrap_err().contains("headline"));
    }
}
