//! Full-text search that works offline: an index built here at build time, split into shards,
//! and a client (`static/search.js`) that loads only the shards a query needs.
//!
//! - [`tokenize`]: text to terms (folding, compounds, stop words, Porter2 stemming), the same
//!   rules as search.js;
//! - [`terms`]: each briefing's terms, worked out at parse and kept by the build cache, and the
//!   vocabulary that numbers them;
//! - [`text`]: a rendered body's HTML to plain text;
//! - [`build`]: the inverted index, with BM25 weights;
//! - [`encode`]: the compact text form of posting lists;
//! - [`shard`]: splitting terms into shards and finding a term's shard;
//! - [`write`]: the JavaScript files under `search/`, written only where they changed.
//!
//! ## Keeping the index up to date
//!
//! Nothing here renders or tokenizes a body when the index is written. The work is split so
//! that a rebuild, or a long-running process such as `chancery serve`, redoes only what changed:
//!
//! 1. **Per briefing, at parse** ([`terms::Tokenizer::briefing`]): the terms of its title,
//!    summary and body HTML become a [`DocTerms`] (term ids with weighted counts, and the
//!    weighted length), numbered by the build's [`Vocabulary`]. Parse does this in parallel for
//!    the files it reads; a file the build cache knows brings its `DocTerms` from the cache
//!    (with the vocabulary that numbers them). A process that keeps its `Site` in memory keeps
//!    them in its articles ([`crate::model::Article::search`]) and re-parses only changed files
//!    with the same vocabulary ([`crate::model::Site::vocabulary`]).
//! 2. **Per build** ([`write_index`]): one pass over every briefing's `DocTerms` in site order
//!    (plus its countries' and topics' names) gives the posting lists with their BM25 weights
//!    (which depend on the average length, so on every briefing); then the files are encoded
//!    and hashed, and only files whose bytes differ from the previous [`IndexReport::hashes`]
//!    are handed to the sink ([`Reuse`]). At 10,000 briefings this is tens of milliseconds.
//!
//! The search page itself (`search/index.html`, template `search.html`) is an ordinary page of
//! the render stage; [`SearchPage`] is what its template sees.

pub mod build;
pub mod encode;
pub mod shard;
pub mod terms;
pub mod text;
pub mod tokenize;
pub mod words;
pub mod write;

pub use terms::{DocTerms, Tokenizer, Vocabulary};
pub use write::{site_index, write_index, IndexReport, Reuse};

use crate::model::Site;
use crate::urls::Linker;
use serde::Serialize;

/// `search` on the search page: the client script and the filters' choices.
#[derive(Debug, Serialize)]
pub struct SearchPage<'a> {
    /// The client script (`search.js` at the site root), relative to the page.
    pub script: String,
    /// The folder of the index files, relative to the page (they sit beside it).
    pub index: &'static str,
    /// Countries with briefings: `slug`, `name`, `flag`, `count`.
    pub countries: Vec<FilterChoice<'a>>,
    /// Topics with briefings: `slug`, `name`, `count`.
    pub topics: Vec<FilterChoice<'a>>,
    /// Years with briefings, newest first: `slug` and `name` are the year.
    pub years: Vec<FilterChoice<'a>>,
}

/// One choice of a filter.
#[derive(Debug, Serialize)]
pub struct FilterChoice<'a> {
    /// The value in the URL (`country=india`).
    pub slug: std::borrow::Cow<'a, str>,
    /// What the reader sees.
    pub name: std::borrow::Cow<'a, str>,
    /// A country's flag.
    pub flag: Option<&'a str>,
    /// Briefings with it.
    pub count: usize,
}

impl<'a> SearchPage<'a> {
    /// The search page's view; `linker` links from the search page.
    pub fn new(site: &'a Site, linker: &Linker) -> Self {
        let term = |t: &'a crate::model::Term, flag: Option<&'a str>| FilterChoice {
            slug: t.slug.as_str().into(),
            name: t.name.as_str().into(),
            flag,
            count: t.articles.len(),
        };
        SearchPage {
            script: linker.file("search.js"),
            index: "./",
            countries: site
                .countries
                .iter()
                .map(|t| {
                    term(
                        t,
                        t.country
                            .as_ref()
                            .map(|c| c.flag.as_str())
                            .filter(|f| !f.is_empty()),
                    )
                })
                .collect(),
            topics: site.topics.iter().map(|t| term(t, None)).collect(),
            years: site
                .years
                .iter()
                .map(|y| FilterChoice {
                    slug: y.year.to_string().into(),
                    name: y.year.to_string().into(),
                    flag: None,
                    count: y.count(),
                })
                .collect(),
        }
    }
}
