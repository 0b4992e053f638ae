//! The index as JavaScript files under `search/`, loaded by search.js with `<script>` elements
//! (a page opened from `file://` may not fetch or XHR its neighbours, but may load scripts):
//!
//! ```text
//! search/meta.js          chanceryIndex.meta({...})     manifest: counts, shard keys, facets, links
//! search/terms/<n>.js     chanceryIndex.shard(n, {term: postings, ...})
//! search/docs/<n>.js      chanceryIndex.docs(n, [[title, date, summary, slug, [countries], [topics], year], ...])
//! search/facets/<kind>-<slug>.js   chanceryIndex.facet("country-india", ids)
//! ```
//!
//! Only meta.js is loaded with the page; a query loads the term shards of its words, the facet
//! lists of its filters, and the document files of the results on screen.

use super::build::{build_index, Fields, Index, TermPostings, K1};
use super::encode::id_list;
use super::shard::{keys, partition};
use crate::error::Result;
use crate::model::Site;
use crate::urls::{dirs, LinkStyle, Linker};
use rayon::prelude::*;
use serde_json::json;

/// Receives each file: its path relative to the output root, and its bytes.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync);

/// Bytes of encoded postings per term shard. Small enough that a query's shards stay well under
/// the 1 MB aim at 100,000 briefings; large enough that a small archive has one or two shards.
pub const SHARD_BUDGET: usize = 24 * 1024;
/// Briefings per document file: the results on screen need only their own few files.
pub const DOCS_PER_FILE: usize = 16;
/// The format of the files, checked by search.js.
pub const FORMAT: u32 = 1;

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct IndexReport {
    /// Files written.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: usize,
    /// Term shards among them.
    pub shards: usize,
    /// Distinct terms.
    pub terms: usize,
}

/// Builds the search index of `site` and writes its files into `sink`.
pub fn write_index(site: &Site, style: LinkStyle, sink: Sink) -> Result<IndexReport> {
    let index = build_index(site.articles.len(), |id| article_fields(site, id))?;
    let counted = Counter::new(sink);
    let shard_keys = write_shards(&index, &counted)?;
    write_docs(site, &counted)?;
    write_facets(site, &counted)?;
    let meta = meta(site, style, &index, &shard_keys);
    counted.write("search/meta.js", &call("meta", &[&meta]))?;
    Ok(IndexReport {
        shards: shard_keys.len(),
        terms: index.terms.len(),
        ..counted.report()
    })
}

/// The text of briefing `id`, for the index.
fn article_fields(site: &Site, id: usize) -> Result<Fields<'_>> {
    let article = &site.articles[id];
    let countries = article
        .countries
        .iter()
        .map(|&t| site.countries[t].name.as_str());
    let topics = article.topics.iter().map(|&t| site.topics[t].name.as_str());
    Ok(Fields {
        title: &article.title,
        tags: countries.chain(topics).collect(),
        summary: &article.summary,
        body_html: article.content()?,
    })
}

/// Writes the term shards; returns their manifest keys.
fn write_shards(index: &Index, sink: &Counter) -> Result<Vec<String>> {
    // A term costs its name, its postings and a few bytes of JSON punctuation.
    let sizes: Vec<usize> = index
        .terms
        .iter()
        .map(|t| t.term.len() + t.encoded.len() + 6)
        .collect();
    let shards = partition(&sizes, SHARD_BUDGET);
    let names: Vec<&str> = index.terms.iter().map(|t| t.term.as_str()).collect();
    shards.par_iter().enumerate().try_for_each(|(n, range)| {
        let js = shard_js(n, &index.terms[range.clone()]);
        sink.write(&format!("search/terms/{n}.js"), &js)
    })?;
    Ok(keys(&names, &shards))
}

/// `chanceryIndex.shard(n,{"term":"postings",...});`
fn shard_js(n: usize, terms: &[TermPostings]) -> String {
    let bytes: usize = terms
        .iter()
        .map(|t| t.term.len() + t.encoded.len() + 6)
        .sum();
    let mut js = String::with_capacity(bytes + 40);
    js.push_str(&format!("chanceryIndex.shard({n},{{"));
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            js.push(',');
        }
        js.push_str(&script_safe(
            serde_json::to_string(&t.term).expect("a string serialises"),
        ));
        // Encoded postings use only URL-safe base64 characters: no escaping needed.
        js.push_str(":\"");
        js.push_str(&t.encoded);
        js.push('"');
    }
    js.push_str("});\n");
    js
}

/// Writes the document table, [`DOCS_PER_FILE`] briefings a file.
fn write_docs(site: &Site, sink: &Counter) -> Result<()> {
    let ids: Vec<usize> = (0..site.articles.len()).collect();
    ids.par_chunks(DOCS_PER_FILE)
        .enumerate()
        .try_for_each(|(n, chunk)| {
            let rows: Vec<serde_json::Value> = chunk.iter().map(|&id| doc_row(site, id)).collect();
            let rows = serde_json::Value::from(rows);
            sink.write(&format!("search/docs/{n}.js"), &call("docs", &[&n, &rows]))
        })
}

/// `[title, date, summary, slug, [country ids], [topic ids], year]` for briefing `id`.
fn doc_row(site: &Site, id: usize) -> serde_json::Value {
    let a = &site.articles[id];
    let year = chrono::Datelike::year(&a.date.day());
    json!([
        a.title,
        a.date_display,
        a.summary,
        a.slug,
        a.countries,
        a.topics,
        year
    ])
}

/// Writes one id list per country, topic and year, for filters.
fn write_facets(site: &Site, sink: &Counter) -> Result<()> {
    let mut lists: Vec<(String, Vec<usize>)> = Vec::new();
    for term in &site.countries {
        lists.push((format!("country-{}", term.slug), term.articles.clone()));
    }
    for term in &site.topics {
        lists.push((format!("topic-{}", term.slug), term.articles.clone()));
    }
    for year in &site.years {
        let mut ids: Vec<usize> = year
            .months
            .iter()
            .flat_map(|m| m.articles.clone())
            .collect();
        ids.sort_unstable();
        lists.push((format!("year-{}", year.year), ids));
    }
    lists.par_iter().try_for_each(|(name, ids)| {
        let mut ids = ids.clone();
        ids.sort_unstable();
        let encoded = id_list(ids.into_iter().map(|id| id as u32));
        let path = format!("search/facets/{name}.js");
        sink.write(&path, &call("facet", &[name, &encoded]))
    })
}

/// The manifest.
fn meta(site: &Site, style: LinkStyle, index: &Index, shard_keys: &[String]) -> serde_json::Value {
    let linker = Linker::from_page(style, &dirs::search());
    // A link as the text around a slug, so the browser makes any briefing's or term's link.
    let pattern = |dir: crate::urls::PageDir| -> Vec<String> {
        let link = linker.page(&dir);
        let (before, after) = link.split_once(SLUG_MARK).unwrap_or((&link, ""));
        vec![before.to_string(), after.to_string()]
    };
    let countries: Vec<_> = site
        .countries
        .iter()
        .map(|t| {
            let flag = t.country.as_ref().map_or("", |c| c.flag.as_str());
            json!([t.slug, t.name, flag])
        })
        .collect();
    let topics: Vec<_> = site
        .topics
        .iter()
        .map(|t| json!([t.slug, t.name]))
        .collect();
    json!({
        "format": FORMAT,
        "docs": index.docs,
        "docsPerFile": DOCS_PER_FILE,
        "k1": K1,
        "shards": shard_keys,
        "countries": countries,
        "topics": topics,
        "links": {
            "briefing": pattern(dirs::briefing(SLUG_MARK)),
            "country": pattern(dirs::country(SLUG_MARK)),
            "topic": pattern(dirs::topic(SLUG_MARK)),
        },
    })
}

/// Stands for a slug in link patterns; no slug contains it.
const SLUG_MARK: &str = "SLUG.MARK";

/// `chanceryIndex.<name>(args...);` with JSON arguments.
fn call(name: &str, args: &[&dyn erased::Json]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.json()).collect();
    format!("chanceryIndex.{name}({});\n", args.join(","))
}

/// JSON that is also safe as JavaScript in any `<script>`: `<`, `>` and `&` are written as
/// `\u003c`..., so a title holding `</script>` or `<!--` cannot end or change a script element if
/// the file is ever inlined; U+2028 and U+2029, line ends to older JavaScript, as `\u2028`.
/// JSON has these characters only inside strings, where the escapes mean the same characters.
fn script_safe(json: String) -> String {
    if !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// Serialises any argument of [`call`] (trait objects cannot be `Serialize` directly).
mod erased {
    /// A value written as JSON.
    pub trait Json: Sync {
        /// The JSON text.
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize + Sync> Json for T {
        fn json(&self) -> String {
            super::script_safe(serde_json::to_string(self).expect("index values serialise"))
        }
    }
}

/// Passes files on to the sink, counting them and their bytes.
struct Counter<'a> {
    sink: Sink<'a>,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicUsize,
}

impl<'a> Counter<'a> {
    fn new(sink: Sink<'a>) -> Self {
        Counter {
            sink,
            files: Default::default(),
            bytes: Default::default(),
        }
    }

    fn write(&self, path: &str, text: &str) -> Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(text.len(), Relaxed);
        (self.sink)(path, text.as_bytes())
    }

    fn report(&self) -> IndexReport {
        use std::sync::atomic::Ordering::Relaxed;
        IndexReport {
            files: self.files.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            ..IndexReport::default()
        }
    }
}
