//! Markdown rendering (raw HTML sanitised, links resolved) and the raw-HTML sanitiser.
//! Never panics; sanitised output never holds a `<script` tag or a `javascript:` link.
#![no_main]

use chancery::model::LinkTarget;
use chancery::parse::markdown::{self, RawHtml};
use chancery::parse::sanitize;
use libfuzzer_sys::fuzz_target;

/// Panics if `html` holds a script tag, or a tag whose `href`/`src` is a script URL. Only real
/// tags are looked at: in text and attribute values `<` is escaped, so `<` starts a tag.
fn assert_safe(html: &str, what: &str, input: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("<script"),
        "{what}: `<script` in output\ninput: {input:?}\noutput: {html:?}"
    );
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        // One start tag: attributes up to the first `>` outside quotes.
        let mut j = i + 1;
        let mut quote = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            j += 1;
        }
        let tag = &lower[i..j];
        for attr in [" href=\"", " src=\"", " href='", " src='"] {
            let close = attr.chars().last().unwrap();
            let mut rest = tag;
            while let Some(at) = rest.find(attr) {
                rest = &rest[at + attr.len()..];
                let value = &rest[..rest.find(close).unwrap_or(rest.len())];
                // As a browser reads it: leading spaces/controls skipped, tabs and newlines
                // dropped.
                let seen: String = value
                    .trim_start_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect();
                assert!(
                    !seen.starts_with("javascript:") && !seen.starts_with("vbscript:"),
                    "{what}: script URL in `{tag}`\ninput: {input:?}\noutput: {html:?}"
                );
            }
        }
        i = j;
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // No briefing links: every destination kept.
    let kept = markdown::render(text, &|_| LinkTarget::Keep);
    assert_safe(&kept.html, "render (Keep)", text);
    // `.md` links rewritten to a briefing's page, as the build does.
    let rewritten = markdown::render(text, &|dest: &str| {
        if dest.ends_with(".md") {
            LinkTarget::Rewrite("../x/index.html".into())
        } else {
            LinkTarget::Keep
        }
    });
    assert_safe(&rewritten.html, "render (Rewrite)", text);
    // Missing targets, with raw HTML trusted (allow_raw_html: true): must not panic.
    let _ = markdown::render_with(
        text,
        &|dest: &str| {
            if dest.contains(".md") {
                LinkTarget::Missing
            } else {
                LinkTarget::Keep
            }
        },
        RawHtml::Trust,
    );
    let _ = markdown::shorten(&kept.first_paragraph, 280);
    // The sanitiser on its own, with the input as one block of raw HTML.
    let clean = sanitize::sanitise(text);
    assert_safe(&clean, "sanitise", text);
    let _ = sanitize::is_safe_url(text);
});
