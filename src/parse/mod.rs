//! Stage 2, parse: source files → articles.
//!
//! Two parallel passes. The first reads every file's front matter (cheap), which fixes each
//! briefing's slug; the second renders the Markdown, which can then turn a link to another
//! briefing's `.md` file into that briefing's URL. Every problem in every file is collected.

pub mod front_matter;
pub mod highlight;
pub mod markdown;

use crate::countries::{CountryId, Gazetteer};
use crate::error::{line_column, Diagnostic};
use crate::load::SourceFile;
use crate::model::Article;
use crate::urls::{slugify, LinkStyle};
use front_matter::{FrontMatter, Located};
use markdown::LinkTarget;
use rayon::prelude::*;
use std::collections::HashMap;

/// A briefing as parse leaves it: the article, and the topic names that `index` resolves.
#[derive(Debug, Clone)]
pub struct ParsedBriefing {
    /// The article (its `countries`, `topics` and `related` are filled in by `index`).
    pub article: Article,
    /// Its countries, resolved.
    pub country_ids: Vec<CountryId>,
    /// Its topics, as written.
    pub topic_names: Vec<Located<String>>,
}

/// What the parse stage produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Every good briefing that is to be built (drafts only with `--drafts`).
    pub briefings: Vec<ParsedBriefing>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// How to parse.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Build drafts too.
    pub drafts: bool,
    /// The link style, for links between briefings.
    pub link_style: LinkStyle,
}

/// A file whose front matter is good, waiting for its body to be rendered. It owns the file's
/// text, so that the text is freed as soon as its body is rendered (at 100,000 briefings the
/// sources alone are half a gigabyte).
struct Head {
    file: SourceFile,
    front: FrontMatter,
    /// Byte offset of the body in `file.text`.
    body_start: usize,
    body_first_line: usize,
    slug: String,
    country_ids: Vec<CountryId>,
}

/// Parses every file.
pub fn parse_all(files: Vec<SourceFile>, gazetteer: &Gazetteer, options: ParseOptions) -> Parsed {
    let mut parsed = Parsed::default();
    let heads: Vec<(Option<Head>, Vec<Diagnostic>)> = files
        .into_par_iter()
        .map(|file| parse_head(file, gazetteer))
        .collect();
    let mut good = Vec::with_capacity(heads.len());
    for (head, diagnostics) in heads {
        parsed.diagnostics.extend(diagnostics);
        good.extend(head);
    }
    parsed.diagnostics.extend(duplicate_slugs(&good));
    good.retain(|head| options.drafts || !head.front.draft);
    let slugs: HashMap<String, String> = good
        .iter()
        .map(|h| (h.file.relative.clone(), h.slug.clone()))
        .collect();
    let bodies: Vec<(ParsedBriefing, Vec<Diagnostic>)> = good
        .into_par_iter()
        .map(|head| render_body(head, &slugs, options.link_style))
        .collect();
    for (briefing, diagnostics) in bodies {
        parsed.diagnostics.extend(diagnostics);
        parsed.briefings.push(briefing);
    }
    parsed
}

/// Front matter, slug and countries of one file.
fn parse_head(file: SourceFile, gazetteer: &Gazetteer) -> (Option<Head>, Vec<Diagnostic>) {
    let split = match front_matter::split(&file.text, &file.path) {
        Ok(split) => split,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let (front, mut diagnostics) = front_matter::parse(&split, &file.path);
    let country_ids = resolve_countries(&file, front.as_ref(), gazetteer, &mut diagnostics);
    let slug = front
        .as_ref()
        .and_then(|f| slug_for(&file, f, &mut diagnostics));
    let body_start = file.text.len() - split.body.len();
    let body_first_line = split.body_first_line;
    let ok = !diagnostics.iter().any(Diagnostic::is_error);
    let head = match (front, slug) {
        (Some(front), Some(slug)) if ok => Some(Head {
            file,
            front,
            body_start,
            body_first_line,
            slug,
            country_ids,
        }),
        _ => None,
    };
    (head, diagnostics)
}

fn resolve_countries(
    file: &SourceFile,
    front: Option<&FrontMatter>,
    gazetteer: &Gazetteer,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<CountryId> {
    let mut ids = Vec::new();
    for name in front.map_or(&[][..], |f| &f.countries) {
        match gazetteer.lookup(&name.value) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(unknown) => {
                let hint = match (&unknown.suggestion, unknown.ambiguous.is_empty()) {
                    (_, false) => "write the country's full name".to_string(),
                    (Some(near), true) => format!("did you mean `{near}`? Countries are names, ISO codes or demonyms; site.yaml `entities:` adds others"),
                    (None, true) => "countries are names, ISO codes or demonyms; site.yaml `entities:` adds others (e.g. European Union)".to_string(),
                };
                diagnostics.push(
                    Diagnostic::error(&file.path, unknown.to_string())
                        .at(name.line, name.column)
                        .hint(hint),
                );
            }
        }
    }
    ids
}

/// The slug: `slug:` if given (it must already be a clean slug), else the file name without a
/// leading date.
fn slug_for(
    file: &SourceFile,
    front: &FrontMatter,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if let Some(given) = &front.slug {
        let clean = slugify(given);
        if clean != *given || clean.is_empty() {
            let line = file
                .text
                .lines()
                .position(|l| l.starts_with("slug:"))
                .map_or(1, |i| i + 1);
            let hint = if clean.is_empty() {
                "use lowercase letters, digits and hyphens".to_string()
            } else {
                format!("use lowercase letters, digits and hyphens, e.g. `slug: {clean}`")
            };
            diagnostics.push(
                Diagnostic::error(&file.path, format!("`slug: {given}` is not a valid slug"))
                    .at(line, 1)
                    .hint(hint),
            );
            return None;
        }
        return Some(clean);
    }
    let stem = file
        .relative
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".md");
    let slug = slugify(strip_date_prefix(stem));
    if slug.is_empty() {
        diagnostics.push(
            Diagnostic::error(&file.path, "the file name gives no slug")
                .hint("rename the file to something like `2021-04-06-india-russia-talks.md`, or add `slug:`"),
        );
        return None;
    }
    Some(slug)
}

/// "2021-04-06-india-russia" -> "india-russia", as Jekyll and Zola do; a bare date stays.
fn strip_date_prefix(stem: &str) -> &str {
    let bytes = stem.as_bytes();
    let dated = bytes.len() > 11
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
        && matches!(bytes[10], b'-' | b'_');
    if dated {
        &stem[11..]
    } else {
        stem
    }
}

/// Two briefings with one slug would write one page: an error on each, naming the other.
fn duplicate_slugs(heads: &[Head]) -> Vec<Diagnostic> {
    let mut by_slug: HashMap<&str, Vec<&Head>> = HashMap::new();
    for head in heads {
        by_slug.entry(&head.slug).or_default().push(head);
    }
    let mut diagnostics = Vec::new();
    for head in heads {
        let same = &by_slug[head.slug.as_str()];
        if same.len() > 1 {
            let others: Vec<String> = same
                .iter()
                .filter(|o| o.file.path != head.file.path)
                .map(|o| crate::error::display_path(&o.file.path))
                .collect();
            diagnostics.push(
                Diagnostic::error(
                    &head.file.path,
                    format!("slug `{}` is also used by {}", head.slug, others.join(", ")),
                )
                .at_line(1)
                .hint("rename one of the files, or give one a different `slug:`"),
            );
        }
    }
    diagnostics
}

/// Renders one body and assembles the article.
fn render_body(
    head: Head,
    slugs: &HashMap<String, String>,
    style: LinkStyle,
) -> (ParsedBriefing, Vec<Diagnostic>) {
    let Head {
        file,
        front,
        body_start,
        body_first_line,
        slug,
        country_ids,
    } = head;
    let text = &file.text[body_start..];
    let resolve = |dest: &str| resolve_link(&file.relative, dest, slugs, style);
    let body = markdown::render(text, &resolve);
    let diagnostics = body
        .missing_links
        .iter()
        .map(|(dest, offset)| {
            let (line, column) = line_column(text, *offset);
            Diagnostic::warning(&file.path, format!("link to `{dest}`: no such briefing"))
                .at(line + body_first_line - 1, column)
                .hint("links to other briefings name their file, relative to this one")
        })
        .collect();
    let summary = front
        .summary
        .unwrap_or_else(|| markdown::shorten(&body.first_paragraph, 280));
    let article = Article {
        path: file.path,
        relative: file.relative,
        slug,
        title: front.title,
        date: front.date,
        date_display: front.date.display(),
        date_iso: front.date.rfc3339(),
        dateline: front.dateline,
        summary,
        source: front.source,
        draft: front.draft,
        content: body.html,
        word_count: body.word_count,
        extra: front.extra,
        countries: Vec::new(),
        topics: Vec::new(),
        related: Vec::new(),
    };
    let briefing = ParsedBriefing {
        article,
        country_ids,
        topic_names: front.topics,
    };
    (briefing, diagnostics)
}

/// Where a link in the briefing at `from` (relative to content/) leads.
fn resolve_link(
    from: &str,
    dest: &str,
    slugs: &HashMap<String, String>,
    style: LinkStyle,
) -> LinkTarget {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let is_local = !path.contains("://") && !path.starts_with('/') && !path.starts_with("mailto:");
    if !is_local || !path.ends_with(".md") {
        return LinkTarget::Keep;
    }
    let Some(target) = join_relative(from, path) else {
        return LinkTarget::Missing;
    };
    match slugs.get(target.as_str()) {
        Some(slug) => {
            let page = match style {
                LinkStyle::Explicit => format!("../{slug}/index.html"),
                LinkStyle::Pretty => format!("../{slug}/"),
            };
            LinkTarget::Rewrite(match fragment {
                Some(fragment) => format!("{page}#{fragment}"),
                None => page,
            })
        }
        None => LinkTarget::Missing,
    }
}

/// `path` relative to the folder of `from`, normalised; None if it climbs out of content/.
fn join_relative(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefix_is_dropped_from_slugs() {
        assert_eq!(strip_date_prefix("2021-04-06-india-russia"), "india-russia");
        assert_eq!(strip_date_prefix("2021-04-06"), "2021-04-06");
        assert_eq!(strip_date_prefix("notes-2021"), "notes-2021");
    }

    #[test]
    fn links_resolve_relative_to_the_file() {
        let slugs: HashMap<String, String> = [("a/x.md", "x"), ("b/y.md", "y")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let style = LinkStyle::Explicit;
        assert_eq!(
            resolve_link("a/z.md", "x.md#talks", &slugs, style),
            LinkTarget::Rewrite("../x/index.html#talks".into())
        );
        assert_eq!(
            resolve_link("a/z.md", "../b/y.md", &slugs, LinkStyle::Pretty),
            LinkTarget::Rewrite("../y/".into())
        );
        assert_eq!(
            resolve_link("a/z.md", "gone.md", &slugs, style),
            LinkTarget::Missing
        );
        assert_eq!(
            resolve_link("a/z.md", "https://x.org/a.md", &slugs, style),
            LinkTarget::Keep
        );
        assert_eq!(
            resolve_link("z.md", "../../etc.md", &slugs, style),
            LinkTarget::Missing
        );
    }
}
