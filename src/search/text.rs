//! The words of a rendered briefing body: HTML to plain text, cheaply.
//!
//! The body is pulldown-cmark's and syntect's output, so it is well formed: tags are skipped,
//! the few entities they write are decoded, and block ends become spaces so words in adjacent
//! paragraphs or table cells do not run together.

/// The text of `html`, tags removed and entities decoded, appended to `out`.
pub fn html_to_text(html: &str, out: &mut String) {
    let mut rest = html;
    // memchr2 scans many bytes at a time; every body's HTML passes through here.
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            // A tag: its text never counts. A space keeps "a</p><p>b" two words.
            match memchr::memchr(b'>', rest.as_bytes()) {
                Some(end) => {
                    out.push(' ');
                    rest = &rest[end + 1..];
                }
                None => return,
            }
        } else {
            let (decoded, used) = entity(rest);
            out.push(decoded);
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
}

/// The character an entity at the start of `text` stands for, and its length in bytes. An
/// unknown or broken entity is a space (a separator), one byte long.
fn entity(text: &str) -> (char, usize) {
    let window = &text.as_bytes()[..text.len().min(12)];
    let Some(end) = window.iter().position(|&b| b == b';') else {
        return (' ', 1);
    };
    let name = &text[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => numeric_entity(name),
    };
    match decoded {
        Some(c) => (c, end + 1),
        None => (' ', 1),
    }
}

/// `#39` or `#x27` as a character.
fn numeric_entity(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        let mut out = String::new();
        html_to_text(html, &mut out);
        out
    }

    #[test]
    fn tags_go_and_entities_are_decoded() {
        assert_eq!(
            text("<p>India&amp;Russia</p><p>S&#45;400 &quot;deal&quot; &#x27;x&#39;</p>"),
            " India&Russia  S-400 \"deal\" 'x' "
        );
        assert_eq!(text("a &bogus b & c <b"), "a  bogus b   c ");
    }
}
