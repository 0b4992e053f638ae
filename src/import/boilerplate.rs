//! The lines a web page or a paste carries that are not the article: comment forms, share
//! buttons, newsletter prompts, "Related posts".
//!
//! Two kinds. A boilerplate line is dropped wherever it is. A cut marker ("Leave a Reply",
//! "12 Comments", "Related posts") starts the page's tail: it and everything after it are
//! dropped, when it comes in the second half of the article (a heading "Comments" near the top
//! is more likely the article's own).

/// Lines dropped wherever they are (compared in lower case, as a prefix of the line).
const LINE_PREFIXES: &[&str] = &[
    "your email address will not be published",
    "required fields are marked",
    "save my name, email, and website",
    "notify me of follow-up comments",
    "notify me of new posts",
    "share this:",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "share on linkedin",
    "share on whatsapp",
    "click to share",
    "click to email",
    "click to print",
    "subscribe to our newsletter",
    "sign up for our newsletter",
    "sign up to our newsletter",
    "sign up for the",
    "get our newsletter",
    "join our mailing list",
    "enter your email",
    "subscribe now",
    "advertisement",
    "follow us on",
    "like this:",
    "like loading",
    "loading...",
    "comments are closed",
    "post navigation",
    "previous post",
    "next post",
    "all rights reserved",
    "copyright ©",
    "©",
    "also read:",
    "read more:",
    "read also:",
    "filed under",
    "posted in",
    "tags:",
    "print this page",
    "email this",
    "skip to content",
    "skip to main content",
    "log in to comment",
    "you must be logged in",
];

/// Whole lines that are share-button or form labels.
const WHOLE_LINES: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "whatsapp",
    "telegram",
    "email",
    "print",
    "pinterest",
    "reddit",
    "share",
    "tweet",
    "name",
    "name*",
    "email*",
    "website",
    "comment",
    "comment*",
    "post comment",
    "submit",
    "reply",
    "menu",
    "search",
    "home",
    "subscribe",
];

/// Lines that start the page's tail.
const CUT_MARKERS: &[&str] = &[
    "leave a reply",
    "leave a comment",
    "comments",
    "related posts",
    "related articles",
    "related stories",
    "related",
    "you may also like",
    "more from",
    "recommended for you",
    "most read",
    "popular posts",
];

/// The plain text of a Markdown block for comparison: markers and link targets removed, lower
/// case, trimmed.
fn plain(block: &str) -> String {
    let mut text = String::with_capacity(block.len());
    let mut in_target = false;
    let mut prev = ' ';
    for c in block.chars() {
        match c {
            '(' if prev == ']' => in_target = true,
            ')' if in_target => in_target = false,
            _ if in_target => {}
            '*' | '_' | '#' | '>' | '[' | ']' | '`' | '\\' => {}
            c => text.extend(c.to_lowercase()),
        }
        prev = c;
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line that is never part of an article.
pub fn is_boilerplate(block: &str) -> bool {
    let text = plain(block);
    let bare = text.trim_matches(|c: char| c.is_ascii_punctuation() && c != '*' && c != '©');
    WHOLE_LINES.contains(&bare)
        || LINE_PREFIXES.iter().any(|p| text.starts_with(p))
        || is_comment_count(bare)
}

/// "12 Comments", "1 comment", "3 Responses".
fn is_comment_count(text: &str) -> bool {
    let mut words = text.split(' ');
    let count = words.next().is_some_and(|n| n.parse::<u32>().is_ok());
    let label = words.next();
    count
        && matches!(
            label,
            Some("comment" | "comments" | "response" | "responses" | "replies" | "thoughts")
        )
}

/// A line that starts the page's tail.
fn is_cut_marker(block: &str) -> bool {
    let text = plain(block);
    let bare = text.trim_end_matches([':', '.', '!']);
    CUT_MARKERS.contains(&bare) || is_comment_count(bare) || bare.starts_with("leave a reply")
}

/// Drops boilerplate blocks and the page's tail.
pub fn clean(blocks: Vec<String>) -> Vec<String> {
    let half = blocks.len() / 2;
    let cut = blocks
        .iter()
        .enumerate()
        .position(|(i, b)| i > 0 && i >= half && is_cut_marker(b))
        .unwrap_or(blocks.len());
    blocks
        .into_iter()
        .take(cut)
        .filter(|b| !is_boilerplate(b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn comment_form_is_cut() {
        let cleaned = clean(blocks(&[
            "First.",
            "Second.",
            "Third.",
            "Leave a Reply",
            "Your email address will not be published.",
        ]));
        assert_eq!(cleaned, ["First.", "Second.", "Third."]);
    }

    #[test]
    fn share_lines_go_anywhere() {
        let cleaned = clean(blocks(&[
            "Share this:",
            "First.",
            "[Twitter](https://x.example/share)",
            "Click to share on Facebook (Opens in new window)",
            "Subscribe to our newsletter for more.",
            "Second.",
        ]));
        assert_eq!(cleaned, ["First.", "Second."]);
    }

    #[test]
    fn early_heading_is_kept() {
        let cleaned = clean(blocks(&["Intro.", "Comments", "a", "b", "c"]));
        assert_eq!(cleaned.len(), 5);
        assert!(is_comment_count("12 comments"));
    }
}
