//! Stage 2, parse: source files → articles.
//!
//! Two parallel passes. The first reads every file's front matter (cheap), which fixes each
//! briefing's slug; the second renders the Markdown, which can then turn a link to another
//! briefing's `.md` file into that briefing's URL. Every problem in every file is collected.
//!
//! A file the build cache knows (same size, time and inode) is not read at all: its record
//! stands in for the front matter, and its body is rendered later only if a page needs it. Its
//! links are resolved again, though, since another file's slug may have changed; if any link
//! now leads elsewhere, the file is parsed afresh.

pub mod front_matter;
pub mod highlight;
pub mod markdown;
pub mod sanitize;

use crate::cache::{hash_of, BuildCache, CachedBriefing, CachedWarning};
use crate::countries::{CountryId, Gazetteer};
use crate::error::{line_column, Diagnostic};
use crate::load::{SourceEntry, SourceFile};
use crate::model::{Article, BriefingDate};
use crate::search::{Tokenizer, Vocabulary};
use crate::urls::{slugify, LinkStyle};
use front_matter::FrontMatter;
use markdown::LinkTarget;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

/// A briefing as parse leaves it: the article, and the topic names that `index` resolves.
#[derive(Debug, Clone)]
pub struct ParsedBriefing {
    /// The article (its `countries`, `topics` and `related` are filled in by `index`).
    pub article: Article,
    /// Its countries, resolved.
    pub country_ids: Vec<CountryId>,
    /// Its topics, as written.
    pub topic_names: Vec<String>,
}

/// What the parse stage produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Every good briefing that is to be built (drafts only with `--drafts`).
    pub briefings: Vec<ParsedBriefing>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// What the next build's cache should know about each built briefing.
    pub records: Vec<(String, CachedBriefing)>,
    /// How many files were read and parsed (the others came from the cache).
    pub files_parsed: usize,
    /// Numbers the briefings' search terms: the cache's vocabulary, with the new terms of the
    /// files read now.
    pub vocabulary: crate::search::Vocabulary,
}

/// How to parse.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Build drafts too.
    pub drafts: bool,
    /// The link style, for links between briefings.
    pub link_style: LinkStyle,
    /// Raw HTML in bodies: cleaned, or trusted (site.yaml's `allow_raw_html`).
    pub raw_html: markdown::RawHtml,
    /// Keep each body's HTML in memory (else pages render it again from the file: see
    /// `crate::LARGE_ARCHIVE`), and each file's text between parse's two passes (else the
    /// second pass reads the file again: at 100,000 briefings the texts are half a gigabyte).
    pub keep_html: bool,
    /// Tokenise each body for the search index (off when site.yaml disables search).
    pub search_index: bool,
}

/// A briefing whose front matter is known, waiting for its body.
struct Head {
    entry: SourceEntry,
    slug: String,
    draft: bool,
    country_ids: Vec<CountryId>,
    kind: HeadKind,
}

enum HeadKind {
    /// Read and parsed now. It owns the file's text, so the text is freed as soon as its body
    /// is rendered, or only a hash of the front matter, so the second pass can read the file
    /// again and know it is the one parsed.
    Fresh {
        text: Text,
        front: FrontMatter,
        body_start: usize,
        body_first_line: usize,
        warnings: Vec<Diagnostic>,
    },
    /// Known to the build cache; not read.
    Cached(CachedBriefing),
}

/// A fresh file's text between the passes.
enum Text {
    /// Kept.
    Kept(String),
    /// Dropped; the hash of everything before the body.
    Dropped { head_hash: u64 },
}

/// At most this many files are parsed as one piece of parallel work. Rayon splits work only
/// when a thread is idle and a piece is waiting; without a cap the last pieces were thousands
/// of files long and one thread parsed alone for a tenth of a second at the end.
const BATCH: usize = 32;

/// Parses every file, using `cache` for the files it knows. The records and vocabulary it uses
/// are taken out of `cache`, not copied: each record goes on into this build's next cache.
pub fn parse_all(
    entries: Vec<SourceEntry>,
    gazetteer: &Gazetteer,
    options: ParseOptions,
    mut cache: Option<&mut BuildCache>,
) -> Parsed {
    let mut parsed = Parsed::default();
    // Each file's record, taken out of the cache in one pass (copying them was a tenth of a
    // rebuild with nothing changed, counting the memory the copies took).
    let records: Vec<Option<CachedBriefing>> = match cache.as_deref_mut() {
        Some(cache) => entries
            .iter()
            .map(|entry| cache.briefings.remove(&entry.relative))
            .collect(),
        None => entries.iter().map(|_| None).collect(),
    };
    let trusted = |record: &CachedBriefing, entry: &SourceEntry| {
        cache
            .as_deref()
            .is_some_and(|cache| cache.trusts(&record.stamp, &entry.stamp))
    };
    let mut heads: Vec<(Option<Head>, Vec<Diagnostic>)> = entries
        .into_par_iter()
        .zip(records)
        .with_max_len(BATCH)
        .map(|(entry, record)| {
            let record = record.filter(|record| trusted(record, &entry));
            match cached_head(entry, record, gazetteer) {
                Ok(head) => (Some(head), Vec::new()),
                Err(entry) => fresh_head(entry, gazetteer, options.keep_html),
            }
        })
        .collect();
    let built = |head: &Head| options.drafts || !head.draft;
    // The slug clashes (drafts count) and the slugs links resolve to are worked out side by
    // side: each is a few milliseconds of one thread at 10,000 briefings.
    // Both maps are sized up front: grown a doubling at a time, each was rehashed a dozen
    // times into memory first touched.
    let (clashes, slugs) = rayon::join(
        || {
            duplicate_slugs(
                heads.iter().filter_map(|(head, _)| head.as_ref()),
                heads.len(),
            )
        },
        || {
            let mut slugs = HashMap::with_capacity(heads.len());
            let heads = heads.iter().filter_map(|(head, _)| head.as_ref());
            for head in heads.filter(|head| built(head)) {
                slugs.insert(head.entry.relative.clone(), head.slug.clone());
            }
            slugs
        },
    );
    // The heads stay where they are until the second pass takes them: moving ten thousand of
    // them into a new vector, one thread alone, was 10-20 ms of every build. Only their
    // diagnostics and the drafts left out (few) are taken here.
    let mut drafts = Vec::new();
    for (head, diagnostics) in &mut heads {
        parsed.diagnostics.append(diagnostics);
        if head.as_ref().is_some_and(|head| !built(head)) {
            drafts.extend(head.take());
        }
    }
    parsed.diagnostics.extend(clashes);
    let fresh = |h: &&Head| matches!(h.kind, HeadKind::Fresh { .. });
    let built_heads = heads.iter().filter_map(|(head, _)| head.as_ref());
    parsed.files_parsed = built_heads.chain(&drafts).filter(fresh).count();
    // Drafts left out are remembered too, so the next build need not read them; a draft the
    // cache stood in for shows its warnings again.
    for draft in &drafts {
        if let HeadKind::Cached(record) = &draft.kind {
            let warnings = record
                .warnings
                .iter()
                .map(|w| w.to_diagnostic(&draft.entry.path));
            parsed.diagnostics.extend(warnings);
        }
    }
    parsed
        .records
        .extend(drafts.iter().filter_map(|h| draft_record(h, gazetteer)));
    parsed.vocabulary = cache.map_or_else(Vocabulary::default, |c| {
        Vocabulary::from_terms(std::mem::take(&mut c.vocabulary))
    });
    // One tokenizer (and its word cache) per thread, not per batch: a fresh cache stems and
    // numbers every word again. Each thread takes only its own, so the locks never wait.
    let tokenizers: Vec<Mutex<Tokenizer>> = (0..rayon::current_num_threads().max(1))
        .map(|_| Mutex::new(Tokenizer::new(&parsed.vocabulary)))
        .collect();
    let mut bodies: Vec<Option<Body>> = heads
        .into_par_iter()
        .with_max_len(BATCH)
        .map(|(head, _)| {
            let head = head?;
            let thread = rayon::current_thread_index().unwrap_or(0) % tokenizers.len();
            let mut tokenizer = tokenizers[thread].lock().expect("a tokenizer lock");
            let mut body = body(head, &slugs, options, gazetteer, &mut tokenizer)?;
            // Named here, in parallel, not in the serial loop below.
            let countries = body.briefing.country_ids.iter();
            body.record.countries = countries
                .map(|&id| gazetteer.get(id).name.clone())
                .collect();
            Some(body)
        })
        .collect();
    drop(tokenizers);
    for body in bodies.iter_mut().flatten() {
        parsed.diagnostics.append(&mut body.diagnostics);
    }
    // Split into records and briefings in parallel: the two vectors are a dozen megabytes at
    // 10,000 briefings, and one thread filling them was most of the time between parse and
    // index.
    bodies.retain(Option::is_some);
    let (records, briefings): (Vec<_>, Vec<_>) = bodies
        .into_par_iter()
        .map(|body| {
            let body = body.expect("only bodies are left");
            let relative = body.briefing.article.relative.clone();
            ((relative, body.record), body.briefing)
        })
        .unzip();
    parsed.records.extend(records);
    parsed.briefings = briefings;
    parsed
}

/// The head of a file from the cache's `record` of this version of it, unread; the entry back
/// if there is none (or a country it names is no longer known), for the file to be read.
fn cached_head(
    entry: SourceEntry,
    record: Option<CachedBriefing>,
    gazetteer: &Gazetteer,
) -> Result<Head, SourceEntry> {
    let Some(record) = record else {
        return Err(entry);
    };
    let country_ids = record
        .countries
        .iter()
        .map(|name| gazetteer.lookup(name).ok())
        .collect::<Option<Vec<_>>>();
    let Some(country_ids) = country_ids else {
        return Err(entry);
    };
    Ok(Head {
        entry,
        slug: record.slug.clone(),
        draft: record.draft,
        country_ids,
        kind: HeadKind::Cached(record),
    })
}

/// Reads a file and parses its front matter, slug and countries.
fn fresh_head(
    entry: SourceEntry,
    gazetteer: &Gazetteer,
    keep_text: bool,
) -> (Option<Head>, Vec<Diagnostic>) {
    let file = match entry.read() {
        Ok(file) => file,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
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
            entry,
            slug,
            draft: front.draft,
            country_ids,
            kind: HeadKind::Fresh {
                text: match keep_text {
                    true => Text::Kept(file.text),
                    false => Text::Dropped {
                        head_hash: hash_of(&file.text[..body_start]),
                    },
                },
                front,
                body_start,
                body_first_line,
                warnings: diagnostics.clone(),
            },
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
        match gazetteer.lookup(name) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(unknown) => {
                let hint = match (&unknown.suggestion, unknown.ambiguous.is_empty()) {
                    (_, false) => "write the country's full name".to_string(),
                    (Some(near), true) => format!("did you mean `{near}`? Countries are names, ISO codes or demonyms; site.yaml `entities:` adds others"),
                    (None, true) => "countries are names, ISO codes or demonyms; site.yaml `entities:` adds others (e.g. European Union)".to_string(),
                };
                let (line, column) =
                    front_matter::item_position(&file.text, &file.path, "countries", name)
                        .unwrap_or((1, 1));
                diagnostics.push(
                    Diagnostic::error(&file.path, unknown.to_string())
                        .at(line, column)
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
        let line = file
            .text
            .lines()
            .position(|l| l.starts_with("slug:"))
            .map_or(1, |i| i + 1);
        let clean = slugify(given);
        if clean != *given || clean.is_empty() {
            let hint = if clean.is_empty() {
                "use lowercase letters, digits and hyphens".to_string()
            } else {
                format!("use lowercase letters, digits and hyphens, e.g. `slug: {clean}`")
            };
            // Escaped, so a NUL or newline in the slug shows rather than garbles the message.
            let shown = given.escape_debug();
            diagnostics.push(
                Diagnostic::error(&file.path, format!("`slug: {shown}` is not a valid slug"))
                    .at(line, 1)
                    .hint(hint),
            );
            return None;
        }
        return reject_reserved(file, clean, line, "choose another `slug:`", diagnostics);
    }
    let stem = file
        .relative
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".md");
    let slug = file_slug(stem);
    if slug.is_empty() {
        diagnostics.push(
            Diagnostic::error(&file.path, "the file name gives no slug")
                .hint("rename the file to something like `2021-04-06-india-russia-talks.md`, or add `slug:`"),
        );
        return None;
    }
    reject_reserved(
        file,
        slug,
        1,
        "rename the file, or add `slug:`",
        diagnostics,
    )
}

/// Windows' reserved device names: a folder `briefings/con/` cannot be made there, so a site
/// built with one could not be copied to or served from Windows.
const RESERVED_SLUGS: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The slug, unless it is a reserved device name (then an error at `line`).
fn reject_reserved(
    file: &SourceFile,
    slug: String,
    line: usize,
    hint: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if !RESERVED_SLUGS.contains(&slug.as_str()) {
        return Some(slug);
    }
    let message = format!("slug `{slug}` is a reserved device name on Windows");
    diagnostics.push(
        Diagnostic::error(&file.path, message)
            .at_line(line)
            .hint(format!(
                "{hint} (CON, PRN, AUX, NUL, COM1-9 and LPT1-9 are reserved)"
            )),
    );
    None
}

/// The slug a briefing's file name gives (without `slug:`): the stem without a leading date.
pub fn file_slug(stem: &str) -> String {
    slugify(strip_date_prefix(stem))
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

/// Two briefings with one slug would write one page: an error on each, naming the others.
fn duplicate_slugs<'h>(
    heads: impl Iterator<Item = &'h Head> + Clone,
    how_many: usize,
) -> Vec<Diagnostic> {
    // Counted first: a clash is rare, and a list per slug was ten thousand allocations.
    let mut count: HashMap<&str, u32> = HashMap::with_capacity(how_many);
    let mut any_clash = false;
    for head in heads.clone() {
        let seen = count.entry(&head.slug).or_default();
        *seen += 1;
        any_clash |= *seen > 1;
    }
    // Without a clash, no need to look at every head again.
    if !any_clash {
        return Vec::new();
    }
    let clashing: Vec<&Head> = heads.filter(|h| count[h.slug.as_str()] > 1).collect();
    let mut diagnostics = Vec::new();
    for head in &clashing {
        let others: Vec<String> = clashing
            .iter()
            .filter(|o| o.slug == head.slug && o.entry.path != head.entry.path)
            .map(|o| crate::error::display_path(&o.entry.path))
            .collect();
        diagnostics.push(
            Diagnostic::error(
                &head.entry.path,
                format!("slug `{}` is also used by {}", head.slug, others.join(", ")),
            )
            .at_line(1)
            .hint("rename one of the files, or give one a different `slug:`"),
        );
    }
    diagnostics
}

/// The cache record of a draft that is not built: enough to recognise and skip it.
fn draft_record(head: &Head, gazetteer: &Gazetteer) -> Option<(String, CachedBriefing)> {
    let HeadKind::Fresh {
        front, warnings, ..
    } = &head.kind
    else {
        let HeadKind::Cached(record) = &head.kind else {
            return None;
        };
        return Some((head.entry.relative.clone(), record.clone()));
    };
    let record = CachedBriefing {
        stamp: head.entry.stamp,
        slug: head.slug.clone(),
        title: front.title.clone(),
        date: front.date.rfc3339(),
        has_time: front.date.has_time,
        dateline: None,
        summary: String::new(),
        source: None,
        draft: true,
        word_count: 0,
        extra: Default::default(),
        countries: head
            .country_ids
            .iter()
            .map(|&id| gazetteer.get(id).name.clone())
            .collect(),
        topics: Vec::new(),
        body_start: 0,
        body_hash: 0,
        links: Vec::new(),
        search: Default::default(),
        warnings: warnings
            .iter()
            .map(CachedWarning::from_diagnostic)
            .collect(),
    };
    Some((head.entry.relative.clone(), record))
}

/// A briefing with its body dealt with.
struct Body {
    briefing: ParsedBriefing,
    diagnostics: Vec<Diagnostic>,
    record: CachedBriefing,
}

/// Renders a fresh body, or checks that a cached one's links still lead where they did (and
/// parses the file afresh if not). `None` only if a cached file vanished or changed meanwhile.
fn body(
    head: Head,
    slugs: &HashMap<String, String>,
    options: ParseOptions,
    gazetteer: &Gazetteer,
    tokenizer: &mut Tokenizer,
) -> Option<Body> {
    let style = options.link_style;
    let Head {
        entry,
        slug,
        country_ids,
        kind,
        ..
    } = head;
    match kind {
        HeadKind::Cached(record) => {
            let unchanged = record
                .links
                .iter()
                .all(|(dest, target)| resolve_link(&entry.relative, dest, slugs, style) == *target);
            if unchanged {
                return Some(from_record(entry, record, country_ids, options.raw_html));
            }
            // Read again because a link changed: the front matter's warnings were not shown in
            // the first pass (the cache stood in), so show them now.
            match fresh_head(entry, gazetteer, true) {
                (Some(head), front_warnings) => {
                    let mut body = body(head, slugs, options, gazetteer, tokenizer)?;
                    body.diagnostics.splice(0..0, front_warnings);
                    Some(body)
                }
                _ => None,
            }
        }
        HeadKind::Fresh {
            text,
            front,
            body_start,
            body_first_line,
            warnings,
        } => {
            let text = match text {
                Text::Kept(text) => text,
                Text::Dropped { head_hash } => match read_again(&entry, body_start, head_hash) {
                    Some(text) => text,
                    // Changed since the first pass: parse it afresh, as it is now.
                    None => {
                        let (head, front_warnings) = fresh_head(entry, gazetteer, true);
                        let mut body = body(head?, slugs, options, gazetteer, tokenizer)?;
                        body.diagnostics.splice(0..0, front_warnings);
                        return Some(body);
                    }
                },
            };
            let fresh = FreshBody {
                entry,
                slug,
                country_ids,
                text,
                front,
                body_start,
                body_first_line,
                warnings,
                raw_html: options.raw_html,
                search_index: options.search_index,
            };
            Some(fresh.render(slugs, style, options.keep_html, tokenizer))
        }
    }
}

/// The text of a file the first pass read, if it still has the front matter it had then.
fn read_again(entry: &SourceEntry, body_start: usize, head_hash: u64) -> Option<String> {
    let text = entry.read().ok()?.text;
    let head = text.get(..body_start)?;
    (hash_of(head) == head_hash).then_some(text)
}

/// The parts of a fresh head that rendering needs.
struct FreshBody {
    entry: SourceEntry,
    slug: String,
    country_ids: Vec<CountryId>,
    text: String,
    front: FrontMatter,
    body_start: usize,
    body_first_line: usize,
    warnings: Vec<Diagnostic>,
    raw_html: markdown::RawHtml,
    /// [`ParseOptions::search_index`].
    search_index: bool,
}

impl FreshBody {
    /// Renders the Markdown and assembles the article and its cache record.
    fn render(
        self,
        slugs: &HashMap<String, String>,
        style: LinkStyle,
        keep_html: bool,
        tokenizer: &mut Tokenizer,
    ) -> Body {
        let text = &self.text[self.body_start..];
        let links = RefCell::new(Vec::new());
        let resolve = |dest: &str| {
            let target = resolve_link(&self.entry.relative, dest, slugs, style);
            if target != LinkTarget::Keep {
                links.borrow_mut().push((dest.to_string(), target.clone()));
            }
            target
        };
        let rendered = markdown::render_with(text, &resolve, self.raw_html);
        let path = &self.entry.path;
        let link_warnings = rendered.missing_links.iter().map(|(dest, offset)| {
            let (line, column) = line_column(text, *offset);
            Diagnostic::warning(path, format!("link to `{dest}`: no such briefing"))
                .at(line + self.body_first_line - 1, column)
                .hint("links to other briefings name their file, relative to this one")
        });
        // The front matter's warnings were shown by the first pass; the record keeps them all.
        let diagnostics: Vec<Diagnostic> = link_warnings.collect();
        let mut kept = self.warnings;
        kept.extend(diagnostics.iter().cloned());
        let front = self.front;
        let summary = front
            .summary
            .unwrap_or_else(|| markdown::shorten(&rendered.first_paragraph, 280));
        let search = match self.search_index {
            true => tokenizer.briefing(&front.title, &summary, &rendered.html),
            false => crate::search::DocTerms::default(),
        };
        let article = Article {
            path: self.entry.path.clone(),
            relative: self.entry.relative.clone(),
            slug: self.slug,
            title: front.title,
            date: front.date,
            date_display: front.date.display(),
            date_iso: front.date.rfc3339(),
            dateline: front.dateline,
            summary,
            source: front.source,
            draft: front.draft,
            // Copied into a block of its own size: `render_with` reserves half as much again
            // as the Markdown, and every kept body lives until its page is written. The spare
            // room was a tenth of a 10k build's peak memory, and memory first touched is dear.
            rendered: keep_html.then(|| rendered.html.as_str().to_owned()),
            body_start: self.body_start,
            links: links.into_inner(),
            body_hash: hash_of(text),
            raw_html: self.raw_html,
            word_count: rendered.word_count,
            search,
            extra: front.extra,
            countries: Vec::new(),
            topics: Vec::new(),
            related: Vec::new(),
        };
        let record = CachedBriefing {
            stamp: self.entry.stamp,
            slug: article.slug.clone(),
            title: article.title.clone(),
            date: article.date_iso.clone(),
            has_time: article.date.has_time,
            dateline: article.dateline.clone(),
            summary: article.summary.clone(),
            source: article.source.clone(),
            draft: article.draft,
            word_count: article.word_count,
            extra: article.extra.clone(),
            countries: Vec::new(),
            topics: front.topics.clone(),
            body_start: article.body_start,
            body_hash: article.body_hash,
            links: article.links.clone(),
            search: article.search.clone(),
            warnings: kept.iter().map(CachedWarning::from_diagnostic).collect(),
        };
        let briefing = ParsedBriefing {
            article,
            country_ids: self.country_ids,
            topic_names: front.topics,
        };
        Body {
            briefing,
            diagnostics,
            record,
        }
    }
}

/// A briefing from its cache record; its body is rendered when a page needs it.
fn from_record(
    entry: SourceEntry,
    record: CachedBriefing,
    country_ids: Vec<CountryId>,
    raw_html: markdown::RawHtml,
) -> Body {
    let date = chrono::DateTime::parse_from_rfc3339(&record.date)
        .map(|at| BriefingDate {
            at,
            has_time: record.has_time,
        })
        .unwrap_or_else(|_| BriefingDate::placeholder());
    let article = Article {
        path: entry.path.clone(),
        relative: entry.relative.clone(),
        slug: record.slug.clone(),
        title: record.title.clone(),
        date,
        date_display: date.display(),
        date_iso: record.date.clone(),
        dateline: record.dateline.clone(),
        summary: record.summary.clone(),
        source: record.source.clone(),
        draft: record.draft,
        rendered: None,
        body_start: record.body_start,
        links: record.links.clone(),
        body_hash: record.body_hash,
        raw_html,
        word_count: record.word_count,
        search: record.search.clone(),
        extra: record.extra.clone(),
        countries: Vec::new(),
        topics: Vec::new(),
        related: Vec::new(),
    };
    let topic_names = record.topics.clone();
    let diagnostics = record
        .warnings
        .iter()
        .map(|w| w.to_diagnostic(&entry.path))
        .collect();
    Body {
        briefing: ParsedBriefing {
            article,
            country_ids,
            topic_names,
        },
        diagnostics,
        record,
    }
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
/// Where `item` of the list `key` is written in the briefing file at `path`, read again: for
/// reporting a problem found after parse (a topic that makes no slug).
pub fn list_item_position(path: &std::path::Path, key: &str, item: &str) -> (usize, usize) {
    let text = std::fs::read(path)
        .ok()
        .and_then(|bytes| crate::load::decode_utf8(path, bytes).ok())
        .map(crate::load::normalise);
    text.and_then(|text| front_matter::item_position(&text, path, key, item))
        .unwrap_or((1, 1))
}

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

    #[test]
    fn dropping_texts_between_passes_parses_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let gazetteer =
            Gazetteer::with_extras(&crate::config::SiteConfig::load(root).unwrap().entities)
                .unwrap();
        let parse = |keep_html| {
            let options = ParseOptions {
                drafts: true,
                link_style: LinkStyle::Explicit,
                raw_html: markdown::RawHtml::Sanitise,
                keep_html,
                search_index: true,
            };
            let parsed = parse_all(
                crate::load::load_content(root).entries,
                &gazetteer,
                options,
                None,
            );
            let terms = parsed.vocabulary.terms();
            let mut seen: Vec<_> = parsed
                .briefings
                .iter()
                .map(|b| {
                    let a = &b.article;
                    // Ids depend on which thread met a term first; the terms do not.
                    let mut words: Vec<(String, u32)> = a
                        .search
                        .counts()
                        .into_iter()
                        .map(|(id, n)| (terms[id as usize].clone(), n))
                        .collect();
                    words.sort();
                    (a.slug.clone(), a.title.clone(), a.summary.clone(), words)
                })
                .collect();
            seen.sort();
            (seen, parsed.diagnostics.len())
        };
        let (kept, dropped) = (parse(true), parse(false));
        assert!(kept.0.len() > 10);
        assert_eq!(kept, dropped);
    }

    #[test]
    fn a_file_changed_between_passes_is_not_taken_for_the_one_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "---\ntitle: A\n---\nBody\n").unwrap();
        let entry = SourceEntry {
            path: path.clone(),
            relative: "a.md".into(),
            stamp: crate::cache::FileStamp::of(&std::fs::metadata(&path).unwrap()),
        };
        let head = "---\ntitle: A\n---\n";
        let hash = hash_of(head);
        assert!(read_again(&entry, head.len(), hash).is_some());
        std::fs::write(&path, "---\ntitle: B\n---\nBody\n").unwrap();
        assert!(read_again(&entry, head.len(), hash).is_none());
    }
}
