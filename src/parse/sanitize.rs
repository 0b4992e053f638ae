//! Raw HTML in briefings, made safe to publish (unless site.yaml's `allow_raw_html` trusts it).
//!
//! Briefings are often pasted from the open web, so raw HTML goes through ammonia's allow-list:
//! scripts, styles, `on*` attributes, iframes, objects, embeds, forms and inputs are removed, and
//! URLs keep only safe schemes (http, https, mailto and the like; never `javascript:`, `data:` or
//! `vbscript:`). Formatting survives: `<sup>`, `<abbr title>`, `<kbd>`, `<details>`, tables,
//! images, links.
//!
//! ammonia cleans a whole fragment as a tree, closing what is left open and dropping end tags
//! with no start. Raw HTML in Markdown comes in pieces, though: an HTML block may open a
//! `<details>` whose contents are Markdown and whose `</details>` is a later block, and inline
//! HTML arrives one tag at a time. [`sanitise`] therefore cleans each piece with ammonia and then
//! undoes only those two repairs, for allowed elements: an end tag ammonia added at the very end
//! is taken off again, and an end tag ammonia dropped is put back bare. Neither can bring back
//! anything ammonia removed: a bare `</sup>` or an unclosed `<details>` cannot run a script, and
//! no allowed element changes how the text after it is parsed (none is `<script>`, `<style>`,
//! `<textarea>` or `<title>`).

use std::collections::HashSet;
use std::sync::LazyLock;

/// ammonia's defaults: the allow-list is theirs, maintained with the browsers in mind.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::default);

/// Elements that survive cleaning.
static ALLOWED_TAGS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| CLEANER.clone_tags());

/// URL schemes that survive cleaning (relative URLs always do).
static ALLOWED_SCHEMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| CLEANER.clone_url_schemes());

/// A piece of raw HTML (a whole HTML block, or one inline tag), cleaned.
pub fn sanitise(raw: &str) -> String {
    let cleaned = CLEANER.clean(raw).to_string();
    rebalance(raw, cleaned)
}

/// Whether a link or image destination written in Markdown may be published: relative, or with
/// a scheme raw HTML may use too.
pub fn is_safe_url(url: &str) -> bool {
    // Browsers skip leading spaces and control characters, and tabs and newlines anywhere:
    // "java\tscript:" is `javascript:` to them.
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match scheme(&url) {
        Some(scheme) => ALLOWED_SCHEMES.contains(scheme.to_ascii_lowercase().as_str()),
        None => true,
    }
}

/// The scheme of `url`, if it has one (`https` of `https://x`; none for `a/b:c` or `#x`).
fn scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    let candidate = &url[..end];
    let valid = url[end..].starts_with(':')
        && candidate.starts_with(|c: char| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(candidate)
}

/// Undoes ammonia's balancing of a piece that is part of a larger whole (see the module docs).
fn rebalance(raw: &str, mut cleaned: String) -> String {
    let counts = |html: &str| -> Vec<usize> {
        let lower = html.to_ascii_lowercase();
        let tags = ALLOWED_TAGS.iter();
        tags.map(|tag| count_end_tags(&lower, tag)).collect()
    };
    let written = counts(raw);
    let mut kept = counts(&cleaned);
    // End tags ammonia added close what the piece left open; they come last, innermost first.
    while let Some(tag) = last_end_tag(&cleaned) {
        let Some(i) = ALLOWED_TAGS.iter().position(|t| *t == tag) else {
            break;
        };
        if kept[i] <= written[i] {
            break;
        }
        let trimmed = cleaned.trim_end().len();
        cleaned.replace_range(trimmed - tag.len() - 3..trimmed, "");
        kept[i] -= 1;
    }
    let mut dropped: Vec<&str> = ALLOWED_TAGS
        .iter()
        .zip(written.iter().zip(&kept))
        .flat_map(|(tag, (w, k))| std::iter::repeat_n(*tag, w.saturating_sub(*k)))
        .collect();
    if dropped.is_empty() {
        return cleaned;
    }
    dropped.sort_unstable();
    let bare: String = dropped.iter().map(|tag| format!("</{tag}>")).collect();
    // A stray end tag usually starts its piece (`</details>` on a line of its own).
    match raw.trim_start().starts_with("</") {
        true => bare + &cleaned,
        false => cleaned + &bare,
    }
}

/// How many `</tag>` (maybe with spaces before `>`) are in `lower`, already lower-cased.
fn count_end_tags(lower: &str, tag: &str) -> usize {
    let opening = format!("</{tag}");
    lower
        .match_indices(&opening)
        .filter(|(at, _)| {
            let rest = &lower[at + opening.len()..];
            rest.starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
        })
        .count()
}

/// The name of the end tag `</name>` that ends `html` (ignoring trailing whitespace), if any.
/// ammonia's output is serialised by html5ever, so its end tags have exactly this form.
fn last_end_tag(html: &str) -> Option<&str> {
    let body = html.trim_end().strip_suffix('>')?;
    let (_, name) = body.rsplit_once("</")?;
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric());
    plain.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_html_is_removed() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<img src=\"data:text/html;base64,PHNjcmlwdD4=\">",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<form action=\"https://evil.example\"><input name=\"p\"></form>",
            "<div onclick=\"alert(1)\" style=\"x\">t</div>",
            "<svg><script>alert(1)</script></svg>",
        ];
        for case in cases {
            let clean = sanitise(case).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "vbscript:",
                "data:",
                "<iframe",
                "<object",
                "<embed",
                "<form",
                "<input",
                "alert(1)</",
            ] {
                assert!(!clean.contains(bad), "{case} -> {clean}");
            }
        }
    }

    #[test]
    fn formatting_survives() {
        let html = "<p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title=\"Quadrilateral Security Dialogue\">QUAD</abbr><br><kbd>Ctrl</kbd></p>\n\
                    <table><tr><td>1</td></tr></table>\n\
                    <img src=\"https://example.org/map.png\" alt=\"map\">\n\
                    <a href=\"https://example.org\">x</a> <a href=\"mailto:desk@example.org\">m</a> <a href=\"../a/\">r</a>\n";
        let clean = sanitise(html);
        for kept in [
            "<sub>2</sub>",
            "<sup>2</sup>",
            "<abbr title=\"Quadrilateral Security Dialogue\">QUAD</abbr>",
            "<br>",
            "<kbd>Ctrl</kbd>",
            "<td>1</td>",
            "src=\"https://example.org/map.png\"",
            "href=\"https://example.org\"",
            "href=\"mailto:desk@example.org\"",
            "href=\"../a/\"",
        ] {
            assert!(clean.contains(kept), "{kept} missing from {clean}");
        }
    }

    #[test]
    fn pieces_of_a_larger_whole_stay_open_or_closed() {
        assert_eq!(
            sanitise("<details>\n<summary>More</summary>\n"),
            "<details>\n<summary>More</summary>\n"
        );
        assert_eq!(sanitise("</details>\n"), "</details>\n");
        assert_eq!(sanitise("<sup>"), "<sup>");
        assert_eq!(sanitise("</sup>"), "</sup>");
        assert_eq!(sanitise("<sup onclick=\"x()\">"), "<sup>");
        assert_eq!(sanitise("</script>"), "");
        assert_eq!(sanitise("<b>closed</b>"), "<b>closed</b>");
    }

    #[test]
    fn markdown_urls_need_a_safe_scheme() {
        for safe in [
            "https://x.org",
            "mailto:a@b.org",
            "../a/",
            "#fn-1",
            "a/b:c",
            "x.md",
        ] {
            assert!(is_safe_url(safe), "{safe}");
        }
        for unsafe_url in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(unsafe_url), "{unsafe_url:?}");
        }
    }
}
