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

use super::build::{build_index, Doc, Index, TermPostings, K1, TAG_WEIGHT};
use super::encode::id_list;
use super::shard::{keys, partition};
use super::terms::{TermId, Tokenizer};
use crate::error::Result;
use crate::model::Site;
use crate::urls::{dirs, LinkStyle, Linker};
use rayon::prelude::*;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;

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
#[derive(Debug, Default, Clone)]
pub struct IndexReport {
    /// Files of the index (written or reused).
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: usize,
    /// Term shards among them.
    pub shards: usize,
    /// Distinct terms.
    pub terms: usize,
    /// Files that came out the same as last time and were kept rather than written.
    pub reused: usize,
    /// A hash of every file's bytes, by path: what [`Reuse::hashes`] wants next time.
    pub hashes: HashMap<String, u64>,
}

/// The index files a previous build wrote, so that the ones that come out the same are kept
/// rather than written again (a change to one briefing touches a few term shards, one document
/// file and a few facet lists).
pub struct Reuse<'a> {
    /// The previous [`IndexReport::hashes`].
    pub hashes: &'a HashMap<String, u64>,
    /// Puts the previous file at this output path in place (a hard link into a staging folder;
    /// nothing at all for a server that writes in place); false when it cannot, and then the
    /// file is written.
    pub keep: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Builds the search index of `site` and writes its files into `sink`, keeping the files of
/// `reuse` that would come out the same.
///
/// No body is read or rendered: every briefing's terms were worked out when it was parsed
/// ([`crate::model::Article::search`]), so this costs a pass over the postings, the encoding of
/// the files and a hash of each.
pub fn write_index(
    site: &Site,
    style: LinkStyle,
    sink: Sink,
    reuse: Option<&Reuse>,
) -> Result<IndexReport> {
    let index = site_index(site);
    let counted = Counter::new(sink, reuse);
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

/// The inverted index of `site`'s briefings, in `Site::articles` order.
pub fn site_index(site: &Site) -> Index {
    let vocabulary = &site.vocabulary;
    let mut tokenizer = Tokenizer::new(vocabulary);
    let mut names = |terms: &[crate::model::Term]| -> Vec<(Vec<(TermId, u32)>, u32)> {
        terms
            .iter()
            .map(|t| tokenizer.weighted(&t.name, TAG_WEIGHT))
            .collect()
    };
    let (countries, topics) = (names(&site.countries), names(&site.topics));
    let docs: Vec<Doc> = site
        .articles
        .par_iter()
        .map(|article| {
            let tags = article
                .countries
                .iter()
                .map(|&t| &countries[t])
                .chain(article.topics.iter().map(|&t| &topics[t]));
            let mut pairs: Vec<(TermId, u32)> = Vec::new();
            let mut tag_length = 0;
            for (terms, length) in tags {
                pairs.extend_from_slice(terms);
                tag_length += length;
            }
            pairs.sort_unstable_by_key(|&(id, _)| id);
            pairs.dedup_by(|later, first| {
                let same = later.0 == first.0;
                if same {
                    first.1 += later.1;
                }
                same
            });
            Doc {
                own: &article.search,
                tags: pairs,
                tag_length,
            }
        })
        .collect();
    build_index(vocabulary, &docs)
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
    let bytes = json.as_bytes();
    // Found with memchr: the index's JSON runs to megabytes, nearly all of it with nothing to
    // escape, and a search for any of five chars went a character at a time.
    let mut found: Vec<usize> = memchr::memchr3_iter(b'<', b'>', b'&', bytes)
        .chain(
            memchr::memchr_iter(LINE_SEPARATOR_LEAD, bytes)
                .filter(|&at| line_separator_escape(&bytes[at..]).is_some()),
        )
        .collect();
    if found.is_empty() {
        return json;
    }
    found.sort_unstable();
    let mut out = String::with_capacity(json.len() + 6 * found.len());
    let mut copied = 0;
    for at in found {
        out.push_str(&json[copied..at]);
        let (escape, len) = match bytes[at] {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            _ => (line_separator_escape(&bytes[at..]).expect("found above"), 3),
        };
        out.push_str(escape);
        copied = at + len;
    }
    out.push_str(&json[copied..]);
    out
}

/// The first byte of U+2028 and U+2029 in UTF-8.
const LINE_SEPARATOR_LEAD: u8 = 0xE2;

/// The escape for U+2028 or U+2029 when `bytes` starts with one.
fn line_separator_escape(bytes: &[u8]) -> Option<&'static str> {
    match bytes.get(..3)? {
        [0xE2, 0x80, 0xA8] => Some("\\u2028"),
        [0xE2, 0x80, 0xA9] => Some("\\u2029"),
        _ => None,
    }
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

/// Passes files on to the sink, or keeps the previous ones that are the same, counting them
/// and their bytes and remembering each one's hash.
struct Counter<'a> {
    sink: Sink<'a>,
    reuse: Option<&'a Reuse<'a>>,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicUsize,
    reused: std::sync::atomic::AtomicUsize,
    hashes: Mutex<HashMap<String, u64>>,
}

impl<'a> Counter<'a> {
    fn new(sink: Sink<'a>, reuse: Option<&'a Reuse<'a>>) -> Self {
        Counter {
            sink,
            reuse,
            files: Default::default(),
            bytes: Default::default(),
            reused: Default::default(),
            hashes: Default::default(),
        }
    }

    fn write(&self, path: &str, text: &str) -> Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(text.len(), Relaxed);
        let hash = crate::cache::hash_of(text);
        self.hashes
            .lock()
            .expect("hashes lock")
            .insert(path.to_string(), hash);
        let kept = self
            .reuse
            .is_some_and(|r| r.hashes.get(path) == Some(&hash) && (r.keep)(path));
        if kept {
            self.reused.fetch_add(1, Relaxed);
            Ok(())
        } else {
            (self.sink)(path, text.as_bytes())
        }
    }

    fn report(self) -> IndexReport {
        use std::sync::atomic::Ordering::Relaxed;
        IndexReport {
            files: self.files.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            reused: self.reused.load(Relaxed),
            hashes: self.hashes.into_inner().expect("hashes lock"),
            ..IndexReport::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    /// [`script_safe`] a character at a time: what it must agree with.
    fn script_safe_by_chars(json: &str) -> String {
        let mut out = String::new();
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

    #[test]
    fn script_safe_escapes_what_could_end_a_script() {
        assert_eq!(
            script_safe("\"</script><!-- a&b \u{2028}\u{2029}\u{2027}é\"".to_string()),
            "\"\\u003c/script\\u003e\\u003c!-- a\\u0026b \\u2028\\u2029\u{2027}é\""
        );
    }

    proptest::proptest! {
        #[test]
        fn script_safe_agrees_with_a_character_at_a_time(
            json in proptest::collection::vec(
                proptest::sample::select(vec!['a', '<', '>', '&', '"', '\u{2028}', '\u{2029}', '\u{2027}', '\u{20ac}', 'é']),
                0..40,
            )
            .prop_map(|chars| chars.into_iter().collect::<String>()),
        ) {
            proptest::prop_assert_eq!(script_safe(json.clone()), script_safe_by_chars(&json));
        }
    }
}
