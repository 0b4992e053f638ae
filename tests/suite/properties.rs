//! Property test: whatever a briefing holds, the build answers Ok or Err and never panics.

use crate::common::Site;
use proptest::prelude::*;

/// Text that stresses YAML and Markdown: any characters (control characters included) mixed
/// with the fragments that carry meaning to either.
fn nasty_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => Just("---".to_string()),
        1 => Just(": ".to_string()),
        1 => Just("\"".to_string()),
        1 => Just("'".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("[a, b]".to_string()),
        1 => Just("{x: 1}".to_string()),
        1 => Just("&anchor *anchor !!tag ".to_string()),
        1 => Just("<script>alert(1)</script>".to_string()),
        1 => Just("[link](other.md#x)".to_string()),
        1 => Just("![img](../../x.png)".to_string()),
        1 => Just("```rust\nfn main() {}\n```\n".to_string()),
        1 => Just("# Heading\n".to_string()),
        1 => Just("| a | b |\n|---|---|\n".to_string()),
        1 => Just("\u{0}\u{feff}\r\u{2028}".to_string()),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

/// A front matter value: written raw (as YAML sees it), quoted, a list or a number.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        nasty_text(),
        nasty_text().prop_map(|t| serde_json::to_string(&t).unwrap()),
        proptest::collection::vec(nasty_text(), 0..4)
            .prop_map(|items| serde_json::to_string(&items).unwrap()),
        any::<f64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("2021-04-06".to_string()),
        Just("[India, Russia]".to_string()),
    ]
}

const KEYS: [&str; 11] = [
    "title",
    "date",
    "dateline",
    "countries",
    "topics",
    "summary",
    "source",
    "slug",
    "draft",
    "analyst",
    "countrys",
];

fn front_matter() -> impl Strategy<Value = String> {
    proptest::collection::vec((proptest::sample::select(KEYS.to_vec()), value()), 0..8).prop_map(
        |fields| {
            let mut text = String::from("title: Fixed\ndate: 2021-04-06\n");
            for (key, value) in fields {
                text.push_str(&format!("{key}: {value}\n"));
            }
            text
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn build_never_panics(front in front_matter(), body in nasty_text(), name in "[a-z0-9_.-]{1,12}") {
        let site = Site::empty();
        site.write(
            "content/good.md",
            "---\ntitle: Good\ndate: 2021-01-01\ncountries: [India]\n---\nSee [x](other.md).\n",
        );
        site.write(&format!("content/{name}.md"), &format!("---\n{front}---\n{body}"));
        // Ok or Err are both fine; a panic fails the test.
        let _ = chancery::build(&site.options());
        let _ = chancery::check::check(&chancery::check::CheckOptions::new(&site.root));
    }
}
