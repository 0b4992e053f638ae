//! HTML pages: headline, publication date and source from the page's metadata, and the article
//! itself as Markdown, through a real HTML parser (html5ever, via `scraper`).
//!
//! - Headline, in order of trust: `og:title`, the article's `<h1>`, `<title>` (a site name after
//!   " | ", " - " or " — " is cut from the last two).
//! - Date: `article:published_time`, `og:published_time` and their kin in `<meta>`,
//!   `datePublished` in JSON-LD, then the first `<time datetime>`.
//! - Body: the `<article>`, `[itemprop=articleBody]` or `<main>` holding the most paragraph text
//!   (the `<body>` if none), with navigation, headers, footers, asides, forms, scripts, share
//!   bars, comment sections and newsletter boxes removed (by element, ARIA role, and words in
//!   class and id such as `share`, `comments`, `newsletter`). Headings, paragraphs, lists,
//!   quotes, links, emphasis and code become Markdown.

use super::{dateline::parse_iso_prefix, Extracted, SourceInfo};
use chrono::NaiveDate;
use scraper::{node::Element, ElementRef, Html, Node, Selector};
use std::sync::OnceLock;

/// Elements that never hold article text.
const SKIPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "button", "select", "input", "textarea", "label", "figure", "img", "video", "audio", "canvas",
    "template", "object", "embed", "menu", "dialog", "head", "title", "meta", "link",
];

/// ARIA roles of page furniture.
const SKIPPED_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "form",
    "menu",
];

/// Words in a class or id that mark page furniture.
const SKIPPED_CLASS_WORDS: &[&str] = &[
    "share",
    "sharing",
    "sharedaddy",
    "social",
    "comment",
    "comments",
    "respond",
    "reply",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "related",
    "sidebar",
    "widget",
    "advert",
    "advertisement",
    "ads",
    "ad",
    "promo",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "popup",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "masthead",
    "byline",
    "disqus",
    "outbrain",
    "taboola",
    "paywall",
    "recirculation",
    "tags",
    "author",
    "meta",
];

/// The article's headline, date, source and Markdown body.
pub fn extract(html: &str) -> Result<Extracted, String> {
    let doc = Html::parse_document(html);
    let site_name = meta(&doc, &["og:site_name"]);
    let root = content_root(&doc);
    let title = headline(&doc, root, site_name.as_deref())
        .ok_or("no headline: the page has no og:title, <h1> or <title>")?;
    let url = meta(&doc, &["og:url"]).or_else(|| canonical(&doc));
    let converter = Converter {
        base: url.as_deref().and_then(origin),
    };
    let mut blocks = Vec::new();
    converter.children(root, &mut blocks);
    let source = site_name.clone().map(|name| SourceInfo {
        name,
        url: url.clone(),
    });
    Ok(Extracted {
        title,
        header: Vec::new(),
        blocks,
        meta_date: published(&doc, root),
        source,
    })
}

fn selector(css: &'static str) -> Selector {
    Selector::parse(css).expect("static selector")
}

/// The `content` of the first `<meta>` whose `property`, `name` or `itemprop` is one of `keys`.
fn meta(doc: &Html, keys: &[&str]) -> Option<String> {
    static META: OnceLock<Selector> = OnceLock::new();
    let sel = META.get_or_init(|| selector("meta[content]"));
    for key in keys {
        for el in doc.select(sel) {
            let e = el.value();
            let named = ["property", "name", "itemprop"]
                .iter()
                .any(|a| e.attr(a).is_some_and(|v| v.eq_ignore_ascii_case(key)));
            let content = e.attr("content").map(str::trim).unwrap_or("");
            if named && !content.is_empty() {
                return Some(collapse(content));
            }
        }
    }
    None
}

fn canonical(doc: &Html) -> Option<String> {
    static SEL: OnceLock<Selector> = OnceLock::new();
    let sel = SEL.get_or_init(|| selector("link[rel=canonical][href]"));
    doc.select(sel)
        .next()
        .and_then(|l| l.value().attr("href"))
        .filter(|h| h.starts_with("http"))
        .map(str::to_string)
}

/// "https://example.org/world/x" -> "https://example.org", for resolving "/world/y".
fn origin(url: &str) -> Option<String> {
    let scheme_end = url.find("://")? + 3;
    let host_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(url[..host_end].to_string())
}

/// og:title, then the article's <h1>, then <title>.
fn headline(doc: &Html, root: ElementRef, site_name: Option<&str>) -> Option<String> {
    static H1: OnceLock<Selector> = OnceLock::new();
    static TITLE: OnceLock<Selector> = OnceLock::new();
    let h1 = H1.get_or_init(|| selector("h1"));
    let title = TITLE.get_or_init(|| selector("title"));
    let text_of = |el: ElementRef| collapse(&el.text().collect::<String>());
    let candidates = [
        meta(doc, &["og:title", "twitter:title"]).map(|t| strip_site_name(&t, site_name)),
        root.select(h1)
            .next()
            .or_else(|| doc.select(h1).next())
            .map(text_of),
        doc.select(title)
            .next()
            .map(|t| strip_site_name(&text_of(t), site_name)),
    ];
    candidates.into_iter().flatten().find(|t| !t.is_empty())
}

/// "Talks end | Example Times" -> "Talks end". The last part is cut when it is the site's name
/// or short (five words or fewer) while the rest is longer.
fn strip_site_name(title: &str, site_name: Option<&str>) -> String {
    for sep in [" | ", " - ", " — ", " – ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let is_site = site_name.is_some_and(|s| s.eq_ignore_ascii_case(tail.trim()))
                || tail.split_whitespace().count() <= 5
                    && head.split_whitespace().count() > tail.split_whitespace().count();
            if is_site {
                return strip_site_name(head.trim(), site_name);
            }
        }
    }
    title.trim().to_string()
}

/// The element holding the article: the candidate with the most paragraph text.
fn content_root(doc: &Html) -> ElementRef<'_> {
    static CANDIDATES: OnceLock<Selector> = OnceLock::new();
    static P: OnceLock<Selector> = OnceLock::new();
    static BODY: OnceLock<Selector> = OnceLock::new();
    let candidates = CANDIDATES.get_or_init(|| {
        selector("article, [itemprop=articleBody], main, [role=main], .entry-content, .post-content, .article-body")
    });
    let p = P.get_or_init(|| selector("p"));
    let text_len = |el: ElementRef| -> usize {
        el.select(p)
            .map(|p| p.text().map(str::len).sum::<usize>())
            .sum()
    };
    doc.select(candidates)
        .map(|el| (text_len(el), el))
        .filter(|(len, _)| *len > 0)
        .max_by_key(|(len, _)| *len)
        .map(|(_, el)| el)
        .or_else(|| doc.select(BODY.get_or_init(|| selector("body"))).next())
        .unwrap_or_else(|| doc.root_element())
}

/// The publication date from metadata, JSON-LD or a `<time>` element.
fn published(doc: &Html, root: ElementRef) -> Option<NaiveDate> {
    let keys = [
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "datePublished",
        "date",
        "pubdate",
        "publish-date",
        "dc.date",
        "dcterms.date",
        "parsely-pub-date",
    ];
    if let Some(date) = meta(doc, &keys).and_then(|d| parse_iso_prefix(&d)) {
        return Some(date);
    }
    static LD: OnceLock<Selector> = OnceLock::new();
    let ld = LD.get_or_init(|| selector(r#"script[type="application/ld+json"]"#));
    for script in doc.select(ld) {
        let text: String = script.text().collect();
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(date) = find_json_date(&value) {
                return Some(date);
            }
        }
    }
    static TIME: OnceLock<Selector> = OnceLock::new();
    let time = TIME.get_or_init(|| selector("time[datetime]"));
    root.select(time)
        .chain(doc.select(time))
        .find_map(|t| t.value().attr("datetime").and_then(parse_iso_prefix))
}

/// `datePublished` anywhere in a JSON-LD value (objects, arrays, `@graph`).
fn find_json_date(value: &serde_json::Value) -> Option<NaiveDate> {
    match value {
        serde_json::Value::Object(map) => map
            .get("datePublished")
            .and_then(|d| d.as_str())
            .and_then(parse_iso_prefix)
            .or_else(|| map.values().find_map(find_json_date)),
        serde_json::Value::Array(items) => items.iter().find_map(find_json_date),
        _ => None,
    }
}

/// Whether an element is page furniture rather than article.
fn is_skipped(e: &Element) -> bool {
    if SKIPPED_ELEMENTS.contains(&e.name()) || e.attr("hidden").is_some() {
        return true;
    }
    if e.attr("aria-hidden") == Some("true")
        || e.attr("role").is_some_and(|r| SKIPPED_ROLES.contains(&r))
    {
        return true;
    }
    let words = e
        .attr("class")
        .into_iter()
        .chain(e.attr("id"))
        .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
        .map(str::to_ascii_lowercase);
    // Paragraphs are kept whatever their class: only containers are furniture.
    e.name() != "p"
        && words
            .into_iter()
            .any(|w| SKIPPED_CLASS_WORDS.contains(&w.as_str()))
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "dl"
            | "dt"
            | "dd"
            | "hr"
            | "center"
            | "address"
            | "details"
            | "summary"
            | "tbody"
            | "thead"
    )
}

/// HTML to Markdown blocks.
struct Converter {
    /// Scheme and host of the page, to make site-relative links absolute.
    base: Option<String>,
}

impl Converter {
    /// The blocks of an element's children: loose inline content becomes paragraphs.
    fn children(&self, el: ElementRef, out: &mut Vec<String>) {
        let mut paragraph = String::new();
        for child in el.children() {
            match child.value() {
                Node::Text(text) => paragraph.push_str(&escape(text)),
                Node::Element(e) if is_skipped(e) => {}
                Node::Element(e) if is_block(e.name()) => {
                    push_paragraph(&mut paragraph, out);
                    if let Some(child) = ElementRef::wrap(child) {
                        self.block(child, out);
                    }
                }
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.inline(child, &mut paragraph);
                    }
                }
                _ => {}
            }
        }
        push_paragraph(&mut paragraph, out);
    }

    fn block(&self, el: ElementRef, out: &mut Vec<String>) {
        match el.value().name() {
            "p" | "dt" | "dd" | "address" | "summary" => {
                let mut text = String::new();
                self.inline_children(el, &mut text);
                push_paragraph(&mut text, out);
            }
            name @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => {
                // The page's <h1> is the headline; headings inside the body start at level 2.
                let level = name[1..].parse::<usize>().unwrap_or(2).clamp(2, 4);
                let mut text = String::new();
                self.inline_children(el, &mut text);
                let text = tidy(&text);
                if !text.is_empty() {
                    out.push(format!("{} {text}", "#".repeat(level)));
                }
            }
            list @ ("ul" | "ol") => self.list(el, list == "ol", out),
            "blockquote" => {
                let mut inner = Vec::new();
                self.children(el, &mut inner);
                if !inner.is_empty() {
                    out.push(prefix_lines(&inner.join("\n\n"), "> ", "> "));
                }
            }
            "pre" => {
                let code: String = el.text().collect();
                let code = code.trim_matches('\n');
                if !code.trim().is_empty() {
                    out.push(format!("```\n{code}\n```"));
                }
            }
            "tr" => {
                let cells: Vec<String> = el
                    .child_elements()
                    .map(|cell| {
                        let mut text = String::new();
                        self.inline_children(cell, &mut text);
                        tidy(&text)
                    })
                    .filter(|c| !c.is_empty())
                    .collect();
                if !cells.is_empty() {
                    out.push(cells.join(" | "));
                }
            }
            "hr" => {}
            _ => self.children(el, out),
        }
    }

    fn list(&self, el: ElementRef, ordered: bool, out: &mut Vec<String>) {
        let mut items = Vec::new();
        for (n, li) in el
            .child_elements()
            .filter(|c| c.value().name() == "li" && !is_skipped(c.value()))
            .enumerate()
        {
            let mut inner = Vec::new();
            self.children(li, &mut inner);
            if inner.is_empty() {
                continue;
            }
            let marker = if ordered {
                format!("{}. ", n + 1)
            } else {
                "- ".to_string()
            };
            let indent = " ".repeat(marker.len());
            items.push(prefix_lines(&inner.join("\n\n"), &marker, &indent));
        }
        if !items.is_empty() {
            out.push(items.join("\n"));
        }
    }

    fn inline_children(&self, el: ElementRef, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(text) => out.push_str(&escape(text)),
                Node::Element(e) if is_skipped(e) => {}
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.inline(child, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn inline(&self, el: ElementRef, out: &mut String) {
        let mut inner = String::new();
        self.inline_children(el, &mut inner);
        match el.value().name() {
            "strong" | "b" => wrap(out, &inner, "**"),
            "em" | "i" | "cite" => wrap(out, &inner, "*"),
            "code" | "kbd" | "samp" => wrap(out, &inner, "`"),
            "br" => out.push(' '),
            "a" => match el.value().attr("href").and_then(|h| self.link(h)) {
                Some(href) if !inner.trim().is_empty() => {
                    out.push_str(&format!("[{}]({href})", inner.trim()));
                }
                _ => out.push_str(&inner),
            },
            _ => out.push_str(&inner),
        }
    }

    /// An absolute http(s) URL for `href`, or none (anchors, scripts, mail links).
    fn link(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.starts_with("http://") || href.starts_with("https://") {
            return Some(href.replace(' ', "%20").replace(')', "%29"));
        }
        match (&self.base, href.strip_prefix('/')) {
            (Some(base), Some(path)) if !path.starts_with('/') => Some(format!("{base}/{path}")),
            _ => None,
        }
    }
}

/// Puts `marker` around the trimmed text, keeping the outer spaces.
fn wrap(out: &mut String, inner: &str, marker: &str) {
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        out.push_str(inner);
        return;
    }
    if inner.starts_with(char::is_whitespace) {
        out.push(' ');
    }
    out.push_str(marker);
    out.push_str(trimmed);
    out.push_str(marker);
    if inner.ends_with(char::is_whitespace) {
        out.push(' ');
    }
}

/// Prefixes the first line with `first` and the others with `rest` (blank lines stay blank
/// unless the prefix is a quote marker).
fn prefix_lines(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let prefix = if i == 0 { first } else { rest };
        if line.is_empty() {
            out.push_str(prefix.trim_end());
        } else {
            out.push_str(prefix);
            out.push_str(line);
        }
    }
    out
}

fn push_paragraph(paragraph: &mut String, out: &mut Vec<String>) {
    let text = tidy(paragraph);
    if !text.is_empty() {
        out.push(super::text::protect_start(text));
    }
    paragraph.clear();
}

/// One space between words, none at the ends.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collapse(text: &str) -> String {
    tidy(text)
}

/// Escapes what Markdown would read as markup in text from the page.
fn escape(text: &str) -> String {
    super::text::escape_inline(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_order_of_trust() {
        let page = r#"<html><head><title>From title | Site</title>
            <meta property="og:title" content="From og"></head>
            <body><article><h1>From h1</h1><p>Text.</p></article></body></html>"#;
        assert_eq!(extract(page).unwrap().title, "From og");
        let page = r#"<html><head><title>From the title tag | Example Times</title></head>
            <body><article><h1>From h1</h1><p>Text.</p></article></body></html>"#;
        assert_eq!(extract(page).unwrap().title, "From h1");
        let page = r#"<html><head><title>Ministers meet in Delhi | Example Times</title></head>
            <body><p>Text.</p></body></html>"#;
        assert_eq!(extract(page).unwrap().title, "Ministers meet in Delhi");
    }

    #[test]
    fn furniture_is_dropped_and_markup_kept() {
        let page = r#"<html><body>
            <nav><a href="/">Home</a></nav>
            <article>
              <h1>Head</h1>
              <div class="share-bar"><a href="https://x.example">Share on X</a></div>
              <p>One <strong>bold</strong> and <em>soft</em> <a href="/world/x">link</a>.</p>
              <h2>Section</h2>
              <ul><li>first</li><li>second</li></ul>
              <blockquote><p>Quoted.</p></blockquote>
              <section id="comments"><h3>2 Comments</h3><p>Nice post</p></section>
            </article>
            <footer>© Example</footer></body></html>"#;
        let page = page.replace(
            "<html>",
            r#"<html><head><meta property="og:url" content="https://news.example/a/b"></head>"#,
        );
        let e = extract(&page).unwrap();
        assert_eq!(
            e.blocks,
            [
                "## Head",
                "One **bold** and *soft* [link](https://news.example/world/x).",
                "## Section",
                "- first\n- second",
                "> Quoted.",
            ]
        );
    }

    #[test]
    fn dates_from_metadata() {
        let page = r#"<html><head><script type="application/ld+json">
            {"@graph": [{"@type": "NewsArticle", "datePublished": "2021-04-06T10:00:00Z"}]}
            </script></head><body><h1>H</h1><p>x</p></body></html>"#;
        assert_eq!(
            extract(page).unwrap().meta_date,
            NaiveDate::from_ymd_opt(2021, 4, 6)
        );
        let page = r#"<html><head><meta property="article:published_time" content="2020-01-02"></head>
            <body><h1>H</h1><time datetime="2019-01-01">x</time></body></html>"#;
        assert_eq!(
            extract(page).unwrap().meta_date,
            NaiveDate::from_ymd_opt(2020, 1, 2)
        );
    }
}
