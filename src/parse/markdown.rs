//! Markdown → HTML (pulldown-cmark), with the few changes a briefing archive needs, made as an
//! adapter over the event stream:
//!
//! - headings get stable `id`s (from their text) and an anchor link; footnotes get `fn-` ids. All
//!   ids of a page are unique: generated ones step aside for ids written by hand;
//! - fenced code is highlighted (see `highlight`);
//! - a link to another briefing's `.md` file becomes that briefing's URL;
//! - raw HTML is cleaned (see `sanitize`) unless the site trusts it, and a Markdown link or
//!   image whose URL has an unsafe scheme (`javascript:`, `data:`...) gets `#` instead, always:
//!   trusting raw HTML is a choice about HTML, and such a link in Markdown is a paste gone wrong;
//! - the first paragraph's text and the word count are collected on the way, for summaries and
//!   reading time.

use super::highlight;
use super::sanitize;
use crate::urls::slugify;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

pub use crate::model::LinkTarget;

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct RenderedBody {
    /// The HTML.
    pub html: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    /// Words outside code blocks.
    pub word_count: usize,
    /// `.md` links that lead nowhere: (destination, byte offset in the body).
    pub missing_links: Vec<(String, usize)>,
}

/// What happens to raw HTML written in a body (site.yaml's `allow_raw_html`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawHtml {
    /// Cleaned: scripts, event handlers, unsafe URLs, frames and forms removed.
    #[default]
    Sanitise,
    /// Published as written.
    Trust,
}

impl RawHtml {
    /// `Trust` when `allow` is true.
    pub fn allowed(allow: bool) -> Self {
        match allow {
            true => RawHtml::Trust,
            false => RawHtml::Sanitise,
        }
    }
}

/// The one place the parser's options are chosen.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`, asking `resolve` about every link destination; raw HTML is cleaned.
pub fn render(body: &str, resolve: &dyn Fn(&str) -> LinkTarget) -> RenderedBody {
    render_with(body, resolve, RawHtml::Sanitise)
}

/// Renders `body`, asking `resolve` about every link destination, raw HTML as `raw_html` says.
pub fn render_with(
    body: &str,
    resolve: &dyn Fn(&str) -> LinkTarget,
    raw_html: RawHtml,
) -> RenderedBody {
    let mut adapter = Adapter {
        resolve,
        raw_html,
        html_block: None,
        // Briefings run to about one event per 40 bytes (one per 30 at most): room for them
        // all up front, where growing a doubling at a time copied them seven times over.
        out: Vec::with_capacity(body.len() / 24),
        result: RenderedBody::default(),
        heading: None,
        code: None,
        paragraph: ParagraphState::Before,
        in_word: false,
        headings: Vec::new(),
        footnotes: HashMap::new(),
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        adapter.push(event, range.start);
    }
    adapter.settle_heading_ids();
    let mut result = adapter.result;
    result.html.reserve(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut result.html, adapter.out.into_iter());
    result
}

#[derive(PartialEq)]
enum ParagraphState {
    Before,
    Inside,
    Done,
}

/// A heading being collected until its end, so its id can come from its text.
struct PendingHeading<'a> {
    tag: Tag<'a>,
    text: String,
    events: Vec<Event<'a>>,
}

struct Adapter<'r, 'a> {
    resolve: &'r dyn Fn(&str) -> LinkTarget,
    raw_html: RawHtml,
    /// The raw HTML block being collected (when sanitising): it comes a line at a time, and is
    /// cleaned as a whole so that a tag spanning lines is judged whole.
    html_block: Option<String>,
    out: Vec<Event<'a>>,
    result: RenderedBody,
    heading: Option<PendingHeading<'a>>,
    code: Option<(Option<String>, String)>,
    paragraph: ParagraphState,
    /// Whether the last text seen ended inside a word (words span events: "don’t" is three).
    in_word: bool,
    /// Headings whose ids are settled once the whole body is seen.
    headings: Vec<HeadingSlot>,
    /// Footnote label -> number, in order of first appearance.
    footnotes: HashMap<String, usize>,
}

/// Where a heading's id goes in the output events.
struct HeadingSlot {
    /// Index of the heading's `Start` event.
    start: usize,
    /// Index of its anchor link.
    anchor: usize,
    /// The id written by hand (`{#id}`), or the slug of its text.
    id: String,
    explicit: bool,
}

impl<'a> Adapter<'_, 'a> {
    fn push(&mut self, event: Event<'a>, offset: usize) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(text) => code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.finish_code(),
                _ => {}
            }
            return;
        }
        if let Some(block) = &mut self.html_block {
            match event {
                Event::Html(chunk) => block.push_str(&chunk),
                Event::End(TagEnd::HtmlBlock) => self.finish_html_block(event),
                _ => {}
            }
            return;
        }
        if matches!(event, Event::Start(_) | Event::End(_)) && !is_inline(&event) {
            self.in_word = false;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) if !info.is_empty() => Some(info.to_string()),
                    _ => None,
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading { .. }) => {
                let Event::Start(tag) = event else {
                    unreachable!()
                };
                self.heading = Some(PendingHeading {
                    tag,
                    text: String::new(),
                    events: Vec::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.finish_heading(event),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = safe_destination(self.rewrite_link(dest_url, offset));
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.emit(Event::Start(Tag::Image {
                link_type,
                dest_url: safe_destination(dest_url),
                title,
                id,
            })),
            Event::Start(Tag::HtmlBlock) if self.raw_html == RawHtml::Sanitise => {
                self.html_block = Some(String::new());
                self.emit(event);
            }
            // Inline HTML comes one tag (or comment) an event: each is cleaned on its own, and
            // `sanitize` keeps an allowed tag open or closed as written.
            Event::Html(raw) | Event::InlineHtml(raw) if self.raw_html == RawHtml::Sanitise => {
                self.emit(Event::InlineHtml(sanitize::sanitise(&raw).into()));
            }
            Event::Start(Tag::Paragraph) if self.paragraph == ParagraphState::Before => {
                self.paragraph = ParagraphState::Inside;
                self.emit(event);
            }
            Event::End(TagEnd::Paragraph) if self.paragraph == ParagraphState::Inside => {
                self.paragraph = ParagraphState::Done;
                self.emit(event);
            }
            Event::FootnoteReference(label) => {
                let (id, number) = self.footnote(&label);
                let html = format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{id}\">{number}</a></sup>"
                );
                self.emit(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (id, number) = self.footnote(&label);
                let html = format!(
                    "<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\">{number}</sup>"
                );
                self.emit(Event::Html(html.into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                self.note_text(text);
                self.emit(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.note_text(" ");
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    fn emit(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some(heading) => heading.events.push(event),
            None => self.out.push(event),
        }
    }

    fn note_text(&mut self, text: &str) {
        let (words, in_word) = count_words(text.as_bytes(), self.in_word);
        self.result.word_count += words;
        self.in_word = in_word;
        if self.paragraph == ParagraphState::Inside {
            self.result.first_paragraph.push_str(text);
        }
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        }
    }

    fn rewrite_link(&mut self, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        match (self.resolve)(&dest) {
            LinkTarget::Keep => dest,
            LinkTarget::Rewrite(url) => url.into(),
            LinkTarget::Missing => {
                self.result.missing_links.push((dest.to_string(), offset));
                dest
            }
        }
    }

    fn finish_html_block(&mut self, end: Event<'a>) {
        let raw = self.html_block.take().unwrap_or_default();
        self.emit(Event::Html(sanitize::sanitise(&raw).into()));
        self.emit(end);
    }

    fn finish_code(&mut self) {
        let (lang, code) = self.code.take().unwrap_or_default();
        let html = highlight::code_block(lang.as_deref(), &code);
        self.emit(Event::Html(html.into()));
    }

    fn finish_heading(&mut self, end: Event<'a>) {
        let Some(heading) = self.heading.take() else {
            return self.emit(end);
        };
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = heading.tag
        else {
            unreachable!("only headings are pending")
        };
        let (id, explicit) = match id {
            Some(id) => (id.to_string(), true),
            None => (slugify(&heading.text), false),
        };
        let start = self.out.len();
        self.out.push(Event::Start(Tag::Heading {
            level,
            id: None,
            classes,
            attrs,
        }));
        self.out.extend(heading.events);
        let anchor = self.out.len();
        self.out.push(Event::InlineHtml("".into()));
        self.out.push(end);
        self.headings.push(HeadingSlot {
            start,
            anchor,
            id,
            explicit,
        });
    }

    /// Gives every heading its final id: ids written by hand and footnote ids are kept; a
    /// generated id that is taken (or empty) becomes `base-2`, `base-3`...
    fn settle_heading_ids(&mut self) {
        let mut taken: HashSet<String> = self
            .headings
            .iter()
            .filter(|h| h.explicit)
            .map(|h| h.id.clone())
            .chain(self.footnotes.keys().map(|label| footnote_id(label)))
            .collect();
        for slot in &self.headings {
            let id = if slot.explicit {
                slot.id.clone()
            } else {
                let base = if slot.id.is_empty() {
                    "section"
                } else {
                    slot.id.as_str()
                };
                let mut candidate = base.to_string();
                let mut n = 1;
                while !taken.insert(candidate.clone()) {
                    n += 1;
                    candidate = format!("{base}-{n}");
                }
                candidate
            };
            if let Event::Start(Tag::Heading { id: slot_id, .. }) = &mut self.out[slot.start] {
                *slot_id = Some(id.clone().into());
            }
            let anchor = format!(
                "<a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a>",
                highlight::escape_html(&id)
            );
            self.out[slot.anchor] = Event::InlineHtml(anchor.into());
        }
    }

    /// The id and number of a footnote, numbered by first appearance.
    fn footnote(&mut self, label: &str) -> (String, usize) {
        let next = self.footnotes.len() + 1;
        let number = *self.footnotes.entry(label.to_string()).or_insert(next);
        (footnote_id(label), number)
    }
}

/// Inline tags do not end a word: "*re*sume" is one word.
fn is_inline(event: &Event) -> bool {
    matches!(
        event,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

/// A Markdown link's or image's destination, or `#` when its scheme is unsafe.
fn safe_destination(dest: CowStr<'_>) -> CowStr<'_> {
    match sanitize::is_safe_url(&dest) {
        true => dest,
        false => "#".into(),
    }
}

/// `fn-<label>`, safe in an attribute.
fn footnote_id(label: &str) -> String {
    format!("fn-{}", highlight::escape_html(label))
}

/// Plain text cut to about `max` characters at a word boundary, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// Counts the words that start in `text` (a word is a run of bytes that are not ASCII
/// whitespace), given whether one was running before it; returns the count and whether one
/// runs at its end. Every byte of every body passes through here: sixteen at a time as a bit
/// mask, read straight from the text, and the last few one by one. (Text events average about
/// 85 bytes; padding each 64-byte piece into a buffer first cost three times as much.)
fn count_words(text: &[u8], mut in_word: bool) -> (usize, bool) {
    let mut count = 0;
    let mut blocks = text.chunks_exact(16);
    for block in &mut blocks {
        let words = !u32::from(whitespace_mask(block.try_into().expect("sixteen bytes"))) & 0xffff;
        // A word starts where a byte of one follows a space (or the text before it).
        let before = words << 1 | u32::from(in_word);
        count += (words & !before).count_ones() as usize;
        in_word = words >> 15 == 1;
    }
    for byte in blocks.remainder() {
        let word = !byte.is_ascii_whitespace();
        count += usize::from(word && !in_word);
        in_word = word;
    }
    (count, in_word)
}

/// Bit `i` set when byte `i` of `block` is ASCII whitespace, as `u8::is_ascii_whitespace` has it.
#[cfg(target_arch = "x86_64")]
fn whitespace_mask(block: &[u8; 16]) -> u16 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the load reads the sixteen bytes, unaligned.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let tab_newline = _mm_or_si128(is(b'\t'), is(b'\n'));
        let feed_return = _mm_or_si128(is(b'\x0c'), is(b'\r'));
        let space = _mm_or_si128(is(b' '), _mm_or_si128(tab_newline, feed_return));
        _mm_movemask_epi8(space) as u16
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn whitespace_mask(block: &[u8; 16]) -> u16 {
    whitespace_mask_bytes(block)
}

/// [`whitespace_mask`] a byte at a time: what it must agree with.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn whitespace_mask_bytes(block: &[u8; 16]) -> u16 {
    let mut mask = 0;
    for (i, byte) in block.iter().enumerate() {
        if byte.is_ascii_whitespace() {
            mask |= 1 << i;
        }
    }
    mask
}

#[cfg(test)]
mod tests {

    /// Words counted a byte at a time: the definition [`count_words`] must agree with.
    fn count_words_by_bytes(text: &[u8], mut in_word: bool) -> (usize, bool) {
        let mut count = 0;
        for byte in text {
            let space = byte.is_ascii_whitespace();
            if !space && !in_word {
                count += 1;
            }
            in_word = !space;
        }
        (count, in_word)
    }

    proptest::proptest! {
        #[test]
        fn words_are_counted_as_a_byte_at_a_time_would(
            text in proptest::collection::vec(
                proptest::sample::select(b"ab \t\n\x0b\x0c\r\xc3\xa9.".to_vec()),
                0..300,
            ),
            in_word: bool,
        ) {
            proptest::prop_assert_eq!(count_words(&text, in_word), count_words_by_bytes(&text, in_word));
            for block in text.chunks_exact(16) {
                let block = block.try_into().unwrap();
                proptest::prop_assert_eq!(whitespace_mask(block), whitespace_mask_bytes(block));
            }
        }
    }

    use super::*;

    fn keep(_: &str) -> LinkTarget {
        LinkTarget::Keep
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let out = render("## Background\n\n## Background\n", &keep);
        assert!(out
            .html
            .contains("<h2 id=\"background\">Background<a class=\"anchor\" href=\"#background\""));
        assert!(out.html.contains("<h2 id=\"background-2\">"));
    }

    #[test]
    fn extensions_are_on() {
        let out = render(
            "| a |\n|---|\n| 1 |\n\n~~x~~ \"q\" note[^1]\n\n[^1]: f\n",
            &keep,
        );
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("<del>x</del>"));
        assert!(out.html.contains("“q”"));
        assert!(out
            .html
            .contains("<div class=\"footnote-definition\" id=\"fn-1\">"));
        assert!(out.html.contains("<a href=\"#fn-1\">1</a>"));
    }

    #[test]
    fn generated_ids_step_aside_for_written_ones() {
        let out = render(
            "## Outlook\n\n## Summary {#outlook}\n\n## 1\n\nx[^1]\n\n[^1]: n\n",
            &keep,
        );
        assert!(
            out.html.contains("<h2 id=\"outlook-2\">Outlook"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<h2 id=\"outlook\">Summary"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<h2 id=\"1\">1"), "{}", out.html);
        assert!(out.html.contains("id=\"fn-1\""), "{}", out.html);
    }

    #[test]
    fn briefing_links_are_rewritten_and_missing_ones_reported() {
        let resolve = |dest: &str| match dest {
            "a.md" => LinkTarget::Rewrite("../a/index.html".into()),
            "b.md" => LinkTarget::Missing,
            _ => LinkTarget::Keep,
        };
        let out = render(
            "See [a](a.md), [b](b.md) and [c](https://x.org).\n",
            &resolve,
        );
        assert!(out.html.contains("href=\"../a/index.html\""));
        assert!(out.html.contains("href=\"https://x.org\""));
        assert_eq!(out.missing_links, vec![("b.md".to_string(), 15)]);
    }

    #[test]
    fn first_paragraph_and_word_count() {
        let out = render(
            "# T\n\nOne *two*\nthree.\n\nFour five.\n\n```\nnot counted\n```\n",
            &keep,
        );
        assert_eq!(out.first_paragraph, "One two three.");
        assert_eq!(out.word_count, 6);
    }

    #[test]
    fn words_span_smart_quotes_and_emphasis() {
        let out = render("Don't *re*sume, \"they\" said.\n\n# Next\n", &keep);
        assert_eq!(out.word_count, 5);
    }

    #[test]
    fn raw_html_is_cleaned_but_our_own_html_is_not() {
        let body = "<div onclick=\"x()\">\n<script>alert(1)</script>\n<b>bold</b>\n</div>\n\n\
                    A<sup>2</sup> <img src=x onerror=alert(1)> <kbd>K</kbd><br>\n\n\
                    <details>\n<summary>More</summary>\n\n*Inside*\n\n</details>\n\n\
                    ## Head\n\nNote[^1]\n\n[^1]: f\n\n```rust\nfn main() {}\n```\n";
        let html = render(body, &keep).html;
        for gone in ["onclick", "<script", "alert(1)", "onerror"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        for kept in [
            "<div>\n\n<b>bold</b>\n</div>",
            "A<sup>2</sup> <img src=\"x\"> <kbd>K</kbd><br>",
            "<details>\n<summary>More</summary>\n<p><em>Inside</em></p>\n</details>",
            "<a class=\"anchor\" href=\"#head\"",
            "<div class=\"footnote-definition\" id=\"fn-1\">",
            "<sup class=\"footnote-reference\">",
            "<span class=",
        ] {
            assert!(html.contains(kept), "{kept:?} missing from {html}");
        }
    }

    #[test]
    fn trusted_raw_html_is_kept_as_written() {
        let body = "<div onclick=\"x()\">a</div>\n\nA <span onmouseover=\"y()\">b</span>\n";
        let html = render_with(body, &keep, RawHtml::Trust).html;
        assert!(html.contains("<div onclick=\"x()\">a</div>"), "{html}");
        assert!(
            html.contains("<span onmouseover=\"y()\">b</span>"),
            "{html}"
        );
    }

    #[test]
    fn unsafe_markdown_urls_become_a_hash() {
        let body =
            "[a](javascript:alert(1)) [b](JAVASCRIPT&colon;x) ![c](data:image/png;base64,AA) \
                    [d](<vbscript:x>) [e](https://x.org) [f](other.html#s)\n";
        for raw_html in [RawHtml::Sanitise, RawHtml::Trust] {
            let html = render_with(body, &keep, raw_html).html;
            for gone in ["javascript", "JAVASCRIPT", "data:", "vbscript"] {
                assert!(!html.contains(gone), "{gone} in {html}");
            }
            assert_eq!(html.matches("href=\"#\"").count(), 3, "{html}");
            assert!(html.contains("<img src=\"#\" alt=\"c\""), "{html}");
            assert!(html.contains("href=\"https://x.org\""), "{html}");
            assert!(html.contains("href=\"other.html#s\""), "{html}");
        }
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("alpha beta gamma", 12), "alpha beta…");
        assert_eq!(shorten("short", 12), "short");
    }
}
