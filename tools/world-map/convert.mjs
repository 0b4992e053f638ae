// Converts Natural Earth country boundaries (npm `world-atlas`, public domain) into the compact
// shape file chancery draws its world map from: src/render/world.map.
//
// Run once, when the shapes should change (not part of the build):
//
//     cd tools/world-map && npm ci && npm run convert
//
// What it does, and why:
// - Reads countries-110m.json (TopoJSON) and turns each country into GeoJSON rings.
// - Keys each country by ISO 3166-1 alpha-2, the code chancery's gazetteer uses, mapping
//   world-atlas's numeric ids through the numeric codes in src/countries/data.rs. Shapes without
//   an ISO code (Kosovo, N. Cyprus, Somaliland) are kept as plain land, keyed "-".
// - Projects with the Equal Earth projection (an equal-area projection that keeps the
//   continents recognisable), drops Antarctica, and quantises to a whole-unit grid 1000 wide:
//   at that size one unit is about 40 km, finer than the map is ever shown.
// - Removes points that quantisation made duplicate or collinear, and rings smaller than a
//   unit, so the file (and the countries page) stays small.
// - Countries too small for the 110m data (Singapore, Bahrain, Malta...) get a dot at the
//   centre of their largest 50m ring, so a briefing about them still shows on the map.
//
// Output: one line per shape, `<alpha-2> <SVG path data>` or `<alpha-2> @<x>,<y>` for a dot,
// after a header of `#` comments and a `viewbox` line.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const [dataRs, out] = process.argv.slice(2);
if (!dataRs || !out) {
  console.error("usage: node convert.mjs <src/countries/data.rs> <output file>");
  process.exit(2);
}

const WIDTH = 1000;
const SOUTH = -58; // degrees: cut below Tierra del Fuego (Antarctica is dropped anyway)
const MIN_RING_AREA = 1.5; // square units; smaller islands vanish at map size

/** ISO numeric code ("356") to alpha-2 ("IN"), from the gazetteer's generated table. */
function numericToAlpha2(path) {
  const text = readFileSync(path, "utf8");
  const map = new Map();
  const re = /alpha2: "([A-Z]{2})",\s*alpha3: "[A-Z]{3}",\s*numeric: "(\d{3})"/g;
  for (const m of text.matchAll(re)) map.set(m[2], m[1]);
  if (map.size < 240) throw new Error(`${path}: found only ${map.size} ISO codes`);
  return map;
}

/** Equal Earth projection of longitude and latitude in degrees, to unscaled x, y (y up). */
function equalEarth(lon, lat) {
  const [A1, A2, A3, A4] = [1.340264, -0.081106, 0.000893, 0.003796];
  const M = Math.sqrt(3) / 2;
  const lambda = (lon * Math.PI) / 180;
  const theta = Math.asin(M * Math.sin((lat * Math.PI) / 180));
  const t2 = theta * theta;
  const t6 = t2 * t2 * t2;
  const x = (lambda * Math.cos(theta)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [x, y];
}

const [xMax, yMax] = [equalEarth(180, 0)[0], equalEarth(0, 90)[1]];
const scale = WIDTH / (2 * xMax);
const yBottom = equalEarth(0, SOUTH)[1];
const HEIGHT = Math.round((yMax - yBottom) * scale);

/** A point on the map grid, rounded to whole units. */
function project([lon, lat]) {
  const [x, y] = equalEarth(lon, Math.max(lat, SOUTH));
  return [Math.round((x + xMax) * scale), Math.round((yMax - y) * scale)];
}

function area(ring) {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a) / 2;
}

/** The ring on the grid without repeated or collinear points. */
function simplify(ring) {
  const pts = [];
  for (const p of ring.map(project)) {
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) {
    pts.pop();
  }
  let changed = true;
  while (changed && pts.length > 3) {
    changed = false;
    for (let i = 0; i < pts.length && pts.length > 3; i++) {
      const a = pts[(i + pts.length - 1) % pts.length];
      const b = pts[i];
      const c = pts[(i + 1) % pts.length];
      if ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) === 0) {
        pts.splice(i, 1);
        changed = true;
        i--;
      }
    }
  }
  return pts;
}

/** SVG path data for rings: absolute start, relative steps, shortest number spacing. */
function pathData(rings) {
  let d = "";
  for (const ring of rings) {
    d += `M${ring[0][0]} ${ring[0][1]}l`;
    let prev = ring[0];
    let first = true;
    for (const p of ring.slice(1)) {
      const [dx, dy] = [p[0] - prev[0], p[1] - prev[1]];
      d += (first || dx < 0 ? "" : " ") + dx + (dy < 0 ? "" : " ") + dy;
      first = false;
      prev = p;
    }
    d += "z";
  }
  return d;
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates.flatMap(splitAtAntimeridian);
  if (geometry.type === "MultiPolygon") {
    return geometry.coordinates.flat().flatMap(splitAtAntimeridian);
  }
  return [];
}

/**
 * A ring that crosses the antimeridian (Russia's Chukotka, Fiji) jumps from +180 to -180 and
 * would be drawn as a band across the whole map. Unwrap its longitudes so it is continuous,
 * then draw it twice, clamped to each side of the map; the copy that lies wholly off the map
 * collapses onto the edge and is dropped by the area filter.
 */
function splitAtAntimeridian(ring) {
  let shift = 0;
  const unwrapped = ring.map(([lon, lat], i) => {
    if (i > 0) {
      const prev = ring[i - 1][0];
      if (lon - prev > 180) shift -= 360;
      if (prev - lon > 180) shift += 360;
    }
    return [lon + shift, lat];
  });
  if (unwrapped.every(([lon]) => lon >= -180 && lon <= 180)) return [ring];
  // A copy mostly off the map would leave a sliver along the curved edge: keep a copy only
  // when at least a quarter of its points are on the map.
  const onMap = (offset) =>
    unwrapped.filter(([lon]) => lon + offset > -180 && lon + offset < 180).length;
  const clamp = (offset) =>
    unwrapped.map(([lon, lat]) => [Math.min(180, Math.max(-180, lon + offset)), lat]);
  return [0, 360, -360].filter((o) => onMap(o) * 4 >= ring.length).map(clamp);
}

const codes = numericToAlpha2(dataRs);
const load = (name) => {
  const topo = JSON.parse(readFileSync(require.resolve(`world-atlas/${name}`), "utf8"));
  return feature(topo, topo.objects.countries).features;
};

const lines = [];
const drawn = new Set();
for (const f of load("countries-110m.json")) {
  const code = codes.get(f.id) ?? "-";
  if (code === "AQ") continue;
  const shapes = rings(f.geometry)
    .map(simplify)
    .filter((r) => r.length >= 3 && area(r) >= MIN_RING_AREA);
  if (shapes.length === 0) continue;
  drawn.add(code);
  lines.push(`${code} ${pathData(shapes)}`);
}
for (const f of load("countries-50m.json")) {
  const code = codes.get(f.id);
  if (!code || drawn.has(code) || code === "AQ") continue;
  const largest = rings(f.geometry).sort((a, b) => area(b) - area(a))[0];
  if (!largest) continue;
  const pts = largest.map(project);
  const cx = Math.round(pts.reduce((s, p) => s + p[0], 0) / pts.length);
  const cy = Math.round(pts.reduce((s, p) => s + p[1], 0) / pts.length);
  drawn.add(code);
  lines.push(`${code} @${cx},${cy}`);
}
lines.sort();

const header = [
  "# World map shapes for chancery's countries page. Generated by tools/world-map/convert.mjs;",
  "# do not edit by hand. Source: Natural Earth 1:110m (and 1:50m for dots) via npm world-atlas",
  "# 2.0.2, public domain. Equal Earth projection, Antarctica dropped, whole-unit grid.",
  "# Each line: ISO 3166-1 alpha-2 (or - for land without a code), then SVG path data or @x,y.",
  `viewbox 0 0 ${WIDTH} ${HEIGHT}`,
];
writeFileSync(out, header.concat(lines).join("\n") + "\n");
console.log(`${out}: ${lines.length} shapes, ${WIDTH}x${HEIGHT}`);
