//! Fenced code → HTML with CSS classes (syntect). The colours live in the theme's `syntax.css`.
//!
//! syntect's syntax set takes tens of milliseconds to load, and most briefings have no code, so
//! it is loaded once, lazily, by the first code block of the build.

use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Every highlighted token's class starts with this, so theme CSS cannot collide with it.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A whole `<pre>` block for `code`, highlighted when `lang` names a known syntax.
pub fn code_block(lang: Option<&str>, code: &str) -> String {
    let lang = lang.map(clean_language).filter(|l| !l.is_empty());
    let class = lang
        .as_deref()
        .map_or(String::new(), |l| format!(" class=\"language-{l}\""));
    let body = lang
        .as_deref()
        .and_then(|l| highlight(l, code))
        .unwrap_or_else(|| escape_html(code));
    format!("<pre class=\"code\"><code{class}>{body}</code></pre>\n")
}

fn highlight(lang: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// A language tag safe to put in a class attribute.
fn clean_language(lang: &str) -> String {
    lang.split(|c: char| c == ',' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#'))
        .collect()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = code_block(Some("json"), "{\"a\": 1}\n");
        assert!(html.starts_with("<pre class=\"code\"><code class=\"language-json\">"));
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block(Some("nosuchlang"), "<b>\n");
        assert_eq!(
            html,
            "<pre class=\"code\"><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn hostile_language_tag_is_cleaned() {
        let html = code_block(Some("\"><script>"), "x");
        assert!(!html.contains("<script>"));
    }

    /// static/syntax.css is generated from syntect's themes; `CHANCERY_BLESS=1 cargo test`
    /// rewrites it after a syntect upgrade.
    #[test]
    fn syntax_css_matches_syntect_themes() {
        let css = crate::theme::generate_syntax_css();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/syntax.css");
        if std::env::var_os("CHANCERY_BLESS").is_some() {
            std::fs::write(&path, &css).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == css,
            "static/syntax.css is stale: run CHANCERY_BLESS=1 cargo test"
        );
    }
}
