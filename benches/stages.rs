//! Criterion benchmarks for the hot stages: front matter, Markdown, search terms, one page
//! render.
//! They guard against regressions; whole-build speed is measured by `bench/run.sh`.
//!
//! Run: `cargo bench --bench stages`.

use chancery::countries::Gazetteer;
use chancery::parse::front_matter;
use chancery::parse::markdown::{self, LinkTarget};
use chancery::parse::{parse_all, ParseOptions};
use chancery::render::{templates, Page, RenderOptions, Renderer};
use chancery::search::{Tokenizer, Vocabulary};
use chancery::urls::LinkStyle;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn sample_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample_briefing() -> String {
    let path = sample_root().join("content/briefings/2021-04-06-india-russia-foreign-ministers.md");
    std::fs::read_to_string(path).expect("the sample archive has the India-Russia briefing")
}

fn bench_front_matter(c: &mut Criterion) {
    let text = sample_briefing();
    let path = Path::new("bench.md");
    let mut group = c.benchmark_group("front_matter");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("split_and_parse", |b| {
        b.iter(|| {
            let split = front_matter::split(black_box(&text), path).unwrap();
            front_matter::parse(&split, path)
        })
    });
    group.finish();
}

/// The sample briefing's Markdown body, without its front matter.
fn sample_body() -> String {
    let text = sample_briefing();
    let split = front_matter::split(&text, Path::new("b.md")).unwrap();
    split.body.to_string()
}

fn bench_markdown(c: &mut Criterion) {
    let body = sample_body();
    let keep = |_: &str| LinkTarget::Keep;
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("render_body", |b| {
        b.iter(|| markdown::render(black_box(&body), &keep))
    });
    group.finish();
}

fn bench_search_terms(c: &mut Criterion) {
    let html = markdown::render(&sample_body(), &|_: &str| LinkTarget::Keep).html;
    // One tokenizer for every iteration, as a parse thread keeps one for its briefings: its
    // word cache is warm after the first, as it is for nearly every briefing of a build.
    let vocabulary = Vocabulary::default();
    let mut tokenizer = Tokenizer::new(&vocabulary);
    let mut group = c.benchmark_group("search_terms");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("briefing", |b| {
        b.iter(|| tokenizer.briefing("India and Russia", "Talks in Moscow.", black_box(&html)))
    });
    group.finish();
}

fn bench_render_page(c: &mut Criterion) {
    let root = sample_root();
    let config = chancery::config::SiteConfig::load(&root).unwrap();
    let gazetteer = Gazetteer::with_extras(&config.entities).unwrap();
    let loaded = chancery::load::load_content(&root);
    let options = ParseOptions {
        drafts: false,
        link_style: LinkStyle::Explicit,
        keep_html: true,
        search_index: true,
        raw_html: Default::default(),
    };
    let parsed = parse_all(loaded.entries, &gazetteer, options, None);
    let (site, _) =
        chancery::index::build_site(config, &gazetteer, parsed.briefings, parsed.vocabulary);
    let sources = chancery::theme::templates(&root).unwrap();
    let tera = templates::compile(&sources).unwrap();
    let options = RenderOptions {
        link_style: LinkStyle::Explicit,
        search_index: true,
        ends_process: false,
    };
    let renderer = Renderer::new(&site, &tera, &sources, options);
    let mut group = c.benchmark_group("render_page");
    group.bench_function("briefing", |b| {
        b.iter(|| renderer.render_page(black_box(&Page::Briefing(0))).unwrap())
    });
    group.bench_function("home", |b| {
        b.iter(|| renderer.render_page(black_box(&Page::Home(1))).unwrap())
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_front_matter,
    bench_markdown,
    bench_search_terms,
    bench_render_page
);
criterion_main!(benches);
