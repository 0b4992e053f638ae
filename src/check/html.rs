//! A small HTML reader for `check`: the `href` and `src` attributes of every tag, and every
//! `id`. Not a full parser: chancery's own pages are well formed, and a template's odd markup
//! at worst hides a link from the check, never makes one up.

use std::collections::HashSet;

/// Which attribute a link came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    /// `href`: a link.
    Href,
    /// `src`: an image, script or frame the page loads.
    Src,
}

/// One link of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The attribute it came from.
    pub attribute: Attribute,
    /// The URL, entities decoded.
    pub url: String,
    /// The attribute's value as written (to find it again in a source file).
    pub raw: String,
}

/// A page's links and element ids.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Every `href` and `src`, in order.
    pub links: Vec<Link>,
    /// Every `id` (and `<a name>`), the targets of `#fragment`s.
    pub ids: HashSet<String>,
}

/// Reads the tags of `html`, skipping comments and the insides of `<script>` and `<style>`
/// (whose text may hold `href=` in strings that are not links).
pub fn scan(html: &str) -> Scanned {
    let mut scanned = Scanned::default();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let (tag, after) = split_tag(rest);
        let name = tag_name(tag);
        read_attributes(tag, &mut scanned);
        rest = after;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = find_ignore_case(rest, &close).map_or("", |end| &rest[end..]);
        }
    }
    scanned
}

/// The tag starting at `text[0] == '<'` (up to its `>`, quotes respected) and what follows.
fn split_tag(text: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if q == c => quote = None,
            (None, '>') => return (&text[1..i], &text[i + 1..]),
            _ => {}
        }
    }
    (&text[1..], "")
}

fn tag_name(tag: &str) -> String {
    tag.split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn read_attributes(tag: &str, scanned: &mut Scanned) {
    let anchor = tag_name(tag) == "a";
    for (name, value) in attributes(tag) {
        let attribute = match name.as_str() {
            "href" => Attribute::Href,
            "src" => Attribute::Src,
            "id" => {
                scanned.ids.insert(decode_entities(value));
                continue;
            }
            "name" if anchor => {
                scanned.ids.insert(decode_entities(value));
                continue;
            }
            _ => continue,
        };
        scanned.links.push(Link {
            attribute,
            url: decode_entities(value).trim().to_string(),
            raw: value.to_string(),
        });
    }
}

/// `name=value` pairs of a tag (the tag's own name is skipped); names lowercased.
fn attributes(tag: &str) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    let start = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let mut rest = &tag[start..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if name_end == 0 {
            return found;
        }
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let Some(after_equals) = rest.strip_prefix('=') else {
            continue; // an attribute without a value
        };
        let (value, after) = attribute_value(after_equals.trim_start());
        found.push((name, value));
        rest = after;
    }
}

/// A quoted or bare attribute value, and the text after it.
fn attribute_value(text: &str) -> (&str, &str) {
    match text.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = &text[1..];
            match inner.find(q) {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => (inner, ""),
            }
        }
        _ => {
            let end = text.find(char::is_whitespace).unwrap_or(text.len());
            (&text[..end], &text[end..])
        }
    }
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Decodes the entities a renderer writes in attributes: named basics and numeric ones.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let c = entity(&rest[1..end])?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let number = |digits: &str, radix| u32::from_str_radix(digits, radix).ok();
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => match name.strip_prefix('#')? {
            hex if hex.starts_with(['x', 'X']) => char::from_u32(number(&hex[1..], 16)?),
            decimal => char::from_u32(number(decimal, 10)?),
        },
    }
}

/// `%20` -> ` `: file names in URLs are percent-encoded. Bad escapes stay as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a URL starts with a scheme (`https:`, `mailto:`...).
pub fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(colon) => {
            let scheme = &url[..colon];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// An `http://` or `https://` URL.
pub fn is_external(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_ids_outside_scripts_and_comments() {
        let page = r#"<a href="a.html?x=1&amp;y=2" id=top>x</a><!-- <a href="no"> -->
            <script>var s = '<a href="not-a-link">';</script>
            <IMG SRC='img/p%20q.png' alt="a > b"><h2 id="talks">T</h2><a name=old></a>"#;
        let scanned = scan(page);
        let urls: Vec<&str> = scanned.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["a.html?x=1&y=2", "img/p%20q.png"]);
        assert_eq!(scanned.links[1].attribute, Attribute::Src);
        assert!(["top", "talks", "old"]
            .iter()
            .all(|id| scanned.ids.contains(*id)));
    }

    #[test]
    fn decodes() {
        assert_eq!(decode_entities("a&#39;b&#x26;c&bogus"), "a'b&c&bogus");
        assert_eq!(percent_decode("p%20q%zz"), "p q%zz");
        assert!(has_scheme("mailto:x") && !has_scheme("a/b:c") && !has_scheme("x.html"));
        assert!(is_external("HTTPS://x") && !is_external("httpx"));
    }
}
