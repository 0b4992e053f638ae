//! The countries page's world map: inline SVG drawn at build time, each country shaded by how
//! many briefings it has and linking to its page.
//!
//! The shapes are Natural Earth's 1:110m boundaries (public domain), converted once by
//! `tools/world-map/convert.mjs` into `world.map`: already projected (Equal Earth), quantised to
//! a whole-unit grid and keyed by ISO 3166-1 alpha-2 code. Countries too small for that scale
//! are a dot. Drawing is string assembly: no geometry happens at build time.
//!
//! Land without briefings is one `<path>` (one element for the whole background keeps the page
//! small); each country with briefings is an `<a>` with a `<title>` (its accessible name and
//! tooltip) around its shape, in one of [`SHADES`] classes that the stylesheet colours.

use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The shape file, compiled in.
const WORLD: &str = include_str!("world.map");

/// How many shades of colour the map uses for counts (classes `m1` to `m5`).
pub const SHADES: usize = 5;

/// Radius of the dot drawn for a country too small to show, in map units.
const DOT_RADIUS: u32 = 4;

/// A country to shade on the map.
#[derive(Debug, Clone)]
pub struct MapCountry<'a> {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Link to its page.
    pub url: &'a str,
    /// Its number of briefings.
    pub count: usize,
}

/// `map` on the countries index.
#[derive(Debug, Serialize)]
pub struct WorldMap {
    /// The map as inline SVG (use `{{ map.svg | safe }}`); empty when no country has a shape.
    pub svg: String,
    /// What each shade means, lightest first: only the shades in use.
    pub legend: Vec<LegendStep>,
}

/// One shade of the legend.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct LegendStep {
    /// The class that colours it (`m1`...).
    pub class: String,
    /// "1", "2–3", "40+"...
    pub label: String,
}

/// A shape of the file: a path or a dot.
enum Shape {
    Path(&'static str),
    Dot(u32, u32),
}

/// The parsed shape file: its viewBox and shapes by code ("-" for land without a code).
struct World {
    view_box: &'static str,
    shapes: Vec<(&'static str, Shape)>,
}

fn world() -> &'static World {
    static WORLD_SHAPES: OnceLock<World> = OnceLock::new();
    WORLD_SHAPES.get_or_init(|| parse(WORLD))
}

/// Reads the shape file. It is generated and compiled in, so a malformed line is a bug, caught
/// by the tests; such a line is skipped rather than failing a user's build.
fn parse(text: &'static str) -> World {
    let mut world = World {
        view_box: "0 0 1000 500",
        shapes: Vec::new(),
    };
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, rest)) = line.split_once(' ') else {
            continue;
        };
        if key == "viewbox" {
            world.view_box = rest;
        } else if let Some(at) = rest.strip_prefix('@') {
            let dot = at
                .split_once(',')
                .and_then(|(x, y)| Some(Shape::Dot(x.parse().ok()?, y.parse().ok()?)));
            world.shapes.extend(dot.map(|d| (key, d)));
        } else {
            world.shapes.push((key, Shape::Path(rest)));
        }
    }
    world
}

impl WorldMap {
    /// The map with `countries` shaded; countries without a shape (extra entities such as the
    /// European Union) are left off it, as they are in the list beside it.
    pub fn new(countries: &[MapCountry]) -> WorldMap {
        let max = countries.iter().map(|c| c.count).max().unwrap_or(0);
        let by_code: HashMap<&str, &MapCountry> = countries.iter().map(|c| (c.code, c)).collect();
        let world = world();
        let mut land = String::new();
        let mut shaded = String::new();
        let mut used = [false; SHADES];
        for (code, shape) in &world.shapes {
            match (by_code.get(code), shape) {
                (Some(country), shape) => {
                    let shade = shade(country.count, max);
                    used[shade - 1] = true;
                    draw_country(&mut shaded, country, shape, shade);
                }
                (None, Shape::Path(d)) => land.push_str(d),
                (None, Shape::Dot(..)) => {}
            }
        }
        if shaded.is_empty() && land.is_empty() {
            return WorldMap {
                svg: String::new(),
                legend: Vec::new(),
            };
        }
        let svg = format!(
            r#"<svg class="world-map" viewBox="{}" role="group" aria-label="World map: countries shaded by number of briefings"><path class="land" d="{land}"/>{shaded}</svg>"#,
            world.view_box
        );
        WorldMap {
            svg,
            legend: legend(max, &used),
        }
    }
}

fn draw_country(out: &mut String, country: &MapCountry, shape: &Shape, shade: usize) {
    let title = format!(
        "{}: {} briefing{}",
        country.name,
        country.count,
        if country.count == 1 { "" } else { "s" }
    );
    let _ = write!(
        out,
        r#"<a href="{}" class="m{shade}"><title>{}</title>"#,
        escape(country.url),
        escape(&title)
    );
    let _ = match shape {
        Shape::Path(d) => write!(out, r#"<path d="{d}"/>"#),
        Shape::Dot(x, y) => write!(
            out,
            r#"<circle class="dot" cx="{x}" cy="{y}" r="{DOT_RADIUS}"/>"#
        ),
    };
    out.push_str("</a>");
}

/// The shade (1 to [`SHADES`]) of `count` briefings when the most any country has is `max`:
/// on a logarithmic scale from one briefing (the lightest) to `max` (the darkest), since a few
/// countries (the archive's own, the great powers) have many times the briefings of the rest.
pub fn shade(count: usize, max: usize) -> usize {
    if count <= 1 || max <= 1 {
        return 1;
    }
    let ratio = (count.min(max) as f64).ln() / (max as f64).ln();
    (1 + (ratio * SHADES as f64).floor() as usize).min(SHADES)
}

/// The legend: for each shade in use, the counts it stands for.
fn legend(max: usize, used: &[bool; SHADES]) -> Vec<LegendStep> {
    let mut ranges: Vec<(usize, usize)> = vec![(0, 0); SHADES];
    for count in 1..=max {
        let range = &mut ranges[shade(count, max) - 1];
        if range.0 == 0 {
            range.0 = count;
        }
        range.1 = count;
    }
    ranges
        .iter()
        .enumerate()
        .filter(|(i, r)| used[*i] && r.0 > 0)
        .map(|(i, &(low, high))| LegendStep {
            class: format!("m{}", i + 1),
            label: if low == high {
                low.to_string()
            } else {
                format!("{low}–{high}")
            },
        })
        .collect()
}

/// Escapes text for an SVG attribute or text node.
use crate::parse::highlight::escape_html as escape;

#[cfg(test)]
mod tests {
    use super::*;

    fn country<'a>(code: &'a str, count: usize) -> MapCountry<'a> {
        MapCountry {
            code,
            name: "Name & Co",
            url: "countries/x/index.html",
            count,
        }
    }

    #[test]
    fn the_shape_file_parses_and_has_the_big_countries() {
        let world = world();
        assert!(world.view_box.starts_with("0 0 1000 "));
        for code in ["IN", "CN", "US", "RU", "BR", "AU", "FR", "ZA"] {
            assert!(
                world
                    .shapes
                    .iter()
                    .any(|(c, s)| *c == code && matches!(s, Shape::Path(_))),
                "{code} has a shape"
            );
        }
        assert!(world
            .shapes
            .iter()
            .any(|(c, s)| *c == "SG" && matches!(s, Shape::Dot(..))));
        assert!(
            !world.shapes.iter().any(|(c, _)| *c == "AQ"),
            "no Antarctica"
        );
    }

    #[test]
    fn countries_link_to_their_pages_with_a_name_and_the_rest_is_land() {
        let map = WorldMap::new(&[country("IN", 12), country("SG", 1)]);
        assert_eq!(map.svg.matches("<a ").count(), 2);
        assert!(map.svg.contains(r#"<a href="countries/x/index.html" class="m5"><title>Name &amp; Co: 12 briefings</title><path d="M"#));
        assert!(map
            .svg
            .contains("<title>Name &amp; Co: 1 briefing</title><circle"));
        assert_eq!(map.svg.matches(r#"class="land""#).count(), 1);
    }

    #[test]
    fn shades_follow_a_log_scale_and_the_legend_covers_every_count() {
        assert_eq!(shade(1, 1), 1);
        assert_eq!(shade(100, 100), SHADES);
        assert!(shade(10, 100) < shade(50, 100));
        let all = [true; SHADES];
        let steps = legend(100, &all);
        assert!(steps[0].label.starts_with("1"));
        assert_eq!(steps.len(), SHADES);
        assert!(steps.last().unwrap().label.ends_with("–100"));
        assert!(legend(1, &all).len() == 1);
    }

    #[test]
    fn a_site_without_mapped_countries_has_no_map() {
        assert!(
            !WorldMap::new(&[]).svg.is_empty(),
            "the land is still drawn"
        );
        assert!(WorldMap::new(&[]).legend.is_empty());
    }
}
