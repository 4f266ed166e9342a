//! Schematic maps for the dashboard: the bundled league and banner
//! boundaries (`assets/geo`), projected and simplified once into small SVG
//! paths, and the colour classes of a choropleth. Pure functions; the page
//! only joins them to the roll-up's children.
//!
//! The shapes are old and coarse and have no map review number (审图号):
//! every map drawn from them is labelled as a schematic.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const LEAGUES_GEOJSON: &str = include_str!("../../../assets/geo/nmg_leagues.geojson");
const BANNERS_GEOJSON: &str = include_str!("../../../assets/geo/nmg_banners.geojson");

/// The region whose leagues and banners are bundled.
pub const REGION_CODE: &str = "150000000000";

/// A map fits this box (SVG units); the padding keeps strokes inside.
const MAX_WIDTH: f64 = 800.0;
const MAX_HEIGHT: f64 = 640.0;
const PAD: f64 = 8.0;
/// Label font size, in SVG units.
const FONT: f64 = 17.0;
/// The phone's label font size, in SVG units (see [`Choropleth::phone_font`]).
const PHONE_FONT: f64 = 34.0;
/// Coordinates are kept in tenths of a unit; a point closer than this
/// (0.5 unit) to the previous kept point is dropped.
const MIN_STEP: i64 = 5;
/// Then points within this distance (0.3 unit, in tenths) of the line
/// through their kept neighbours are dropped too.
const TOLERANCE: i64 = 3;
/// Number of shades for non-zero values.
pub const SHADES: u8 = 5;

/// The shapes of one map: a `0 0 width height` box and one path per unit.
#[derive(Debug, Clone, Serialize)]
pub struct MapShapes {
    pub width: f64,
    pub height: f64,
    pub font: f64,
    pub shapes: Vec<Shape>,
}

/// One unit's outline: its 12-digit code, the name in the boundary file,
/// the SVG path data and where a horizontal label fits best.
#[derive(Debug, Clone, Serialize)]
pub struct Shape {
    pub code: String,
    pub name: String,
    pub d: String,
    pub label: LabelSpot,
}

/// The centre of the roomiest horizontal stretch inside the shape, and how
/// wide a label there may be (SVG units).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct LabelSpot {
    pub x: f64,
    pub y: f64,
    pub room: f64,
}

impl MapShapes {
    pub fn get(&self, code: &str) -> Option<&Shape> {
        self.shapes.iter().find(|s| s.code == code)
    }

    /// Total length of the path text, for size checks.
    #[cfg(test)]
    pub fn path_bytes(&self) -> usize {
        self.shapes.iter().map(|s| s.d.len()).sum()
    }
}

/// The region map: one shape per league/city.
pub fn region_map() -> &'static MapShapes {
    static MAP: OnceLock<MapShapes> = OnceLock::new();
    MAP.get_or_init(|| {
        let features = parse(LEAGUES_GEOJSON);
        build(&features.iter().collect::<Vec<_>>())
    })
}

/// A league's map: one shape per banner/county, the box fitted to that
/// league alone. `None` for a code without bundled banners.
pub fn league_map(league_code: &str) -> Option<&'static MapShapes> {
    static MAPS: OnceLock<BTreeMap<String, MapShapes>> = OnceLock::new();
    MAPS.get_or_init(|| {
        let features = parse(BANNERS_GEOJSON);
        let mut by_league: BTreeMap<String, Vec<&Feature>> = BTreeMap::new();
        for f in &features {
            if let Some(parent) = &f.properties.parent_code12 {
                by_league.entry(parent.clone()).or_default().push(f);
            }
        }
        by_league
            .into_iter()
            .map(|(code, fs)| (code, build(&fs)))
            .collect()
    })
    .get(league_code)
}

/// The map for a unit: the region's or a league's, if bundled.
pub fn map_for(code: &str) -> Option<&'static MapShapes> {
    if code == REGION_CODE {
        Some(region_map())
    } else {
        league_map(code)
    }
}

// ---------------------------------------------------------------------------
// GeoJSON reading and projection.

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    code12: String,
    name: String,
    #[serde(default)]
    parent_code12: Option<String>,
}

type LonLat = [f64; 2];

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<LonLat>>),
    MultiPolygon(Vec<Vec<Vec<LonLat>>>),
}

impl Geometry {
    fn polygons(&self) -> Vec<&[Vec<LonLat>]> {
        match self {
            Geometry::Polygon(p) => vec![p.as_slice()],
            Geometry::MultiPolygon(ps) => ps.iter().map(Vec::as_slice).collect(),
        }
    }

    fn points(&self) -> impl Iterator<Item = &LonLat> {
        self.polygons().into_iter().flat_map(|p| p.iter().flatten())
    }
}

fn parse(text: &str) -> Vec<Feature> {
    // The files are compiled in and checked by the tests.
    serde_json::from_str::<Collection>(text)
        .expect("bundled GeoJSON parses")
        .features
}

/// A point in tenths of an SVG unit.
type Pt = (i64, i64);
/// A closed ring: the last point repeats the first.
type Ring = Vec<Pt>;

/// Projects the features into one box (equirectangular, x scaled by the
/// cosine of the mean latitude), simplifies and writes the paths.
fn build(features: &[&Feature]) -> MapShapes {
    let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in features.iter().flat_map(|f| f.geometry.points()) {
        w = w.min(p[0]);
        e = e.max(p[0]);
        s = s.min(p[1]);
        n = n.max(p[1]);
    }
    let kx = ((s + n) / 2.0).to_radians().cos();
    let (span_x, span_y) = (((e - w) * kx).max(1e-9), (n - s).max(1e-9));
    let scale = ((MAX_WIDTH - 2.0 * PAD) / span_x).min((MAX_HEIGHT - 2.0 * PAD) / span_y);
    let width = (span_x * scale + 2.0 * PAD).ceil();
    let height = (span_y * scale + 2.0 * PAD).ceil();
    let project = |p: &LonLat| -> Pt {
        (
            (((p[0] - w) * kx * scale + PAD) * 10.0).round() as i64,
            (((n - p[1]) * scale + PAD) * 10.0).round() as i64,
        )
    };
    // Larger shapes first: where old boundaries overlap (a city still
    // inside its former banner's outline), the smaller one stays visible.
    let mut sized: Vec<(f64, Shape)> = features
        .iter()
        .filter_map(|f| {
            let polygons: Vec<Vec<Ring>> = f
                .geometry
                .polygons()
                .into_iter()
                .filter_map(|poly| {
                    let mut rings = poly.iter();
                    let outer = simplify(rings.next()?.iter().map(project))?;
                    let mut out = vec![outer];
                    out.extend(rings.filter_map(|r| simplify(r.iter().map(project))));
                    Some(out)
                })
                .collect();
            let largest = polygons
                .iter()
                .max_by(|a, b| area(&a[0]).total_cmp(&area(&b[0])))?;
            let size: f64 = polygons.iter().map(|p| area(&p[0])).sum();
            let shape = Shape {
                code: f.properties.code12.clone(),
                name: f.properties.name.clone(),
                label: label_spot(largest),
                d: path(&polygons),
            };
            Some((size, shape))
        })
        .collect();
    sized.sort_by(|a, b| b.0.total_cmp(&a.0));
    let shapes = sized.into_iter().map(|(_, s)| s).collect();
    MapShapes {
        width,
        height,
        font: FONT,
        shapes,
    }
}

fn dist2(a: Pt, b: Pt) -> i64 {
    (a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)
}

/// Drops points closer than [`MIN_STEP`] to the previous kept one, closes
/// the ring and drops points that barely bend it ([`TOLERANCE`]). `None`
/// when fewer than four points (a closed triangle) remain: the ring is too
/// small or too thin to see.
fn simplify(points: impl Iterator<Item = Pt>) -> Option<Ring> {
    let mut out: Ring = Vec::new();
    for p in points {
        match out.last() {
            Some(&last) if dist2(p, last) < MIN_STEP * MIN_STEP => {}
            _ => out.push(p),
        }
    }
    let first = *out.first()?;
    while out.len() > 1 && dist2(*out.last()?, first) < MIN_STEP * MIN_STEP {
        out.pop();
    }
    out.push(first);
    let mut keep = vec![false; out.len()];
    keep[0] = true;
    keep[out.len() - 1] = true;
    douglas_peucker(&out, &mut keep);
    let out: Ring = out
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect();
    (out.len() >= 4).then_some(out)
}

/// Marks the points of `line` to keep so that no dropped point lies more
/// than [`TOLERANCE`] from the simplified line (Ramer–Douglas–Peucker).
/// The ends are kept by the caller; a closed ring's ends coincide, so the
/// first split is at the point farthest from the start.
fn douglas_peucker(line: &[Pt], keep: &mut [bool]) {
    let mut stack = vec![(0, line.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (far, d2) = (a + 1..b)
            .map(|i| (i, seg_dist2(line[i], line[a], line[b])))
            .fold((a, 0.0), |m, x| if x.1 > m.1 { x } else { m });
        if d2 > (TOLERANCE * TOLERANCE) as f64 {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
}

/// Squared distance from `p` to the segment `a`–`b`.
fn seg_dist2(p: Pt, a: Pt, b: Pt) -> f64 {
    let (px, py) = ((p.0 - a.0) as f64, (p.1 - a.1) as f64);
    let (bx, by) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len2 = bx * bx + by * by;
    let t = if len2 == 0.0 {
        0.0
    } else {
        ((px * bx + py * by) / len2).clamp(0.0, 1.0)
    };
    (px - t * bx).powi(2) + (py - t * by).powi(2)
}

/// Twice the absolute area of a ring, in square tenths.
fn area(ring: &[Pt]) -> f64 {
    ring.windows(2)
        .map(|w| (w[0].0 * w[1].1 - w[1].0 * w[0].1) as f64)
        .sum::<f64>()
        .abs()
}

/// Path data: an absolute move to each ring's start, relative lines after
/// it, `z` to close. Numbers have at most one decimal and no leading zero.
fn path(polygons: &[Vec<Ring>]) -> String {
    let mut d = String::new();
    for ring in polygons.iter().flatten() {
        d.push('M');
        num(&mut d, ring[0].0, false);
        num(&mut d, ring[0].1, true);
        d.push('l');
        let mut first = true;
        for w in ring[..ring.len() - 1].windows(2) {
            num(&mut d, w[1].0 - w[0].0, !first);
            num(&mut d, w[1].1 - w[0].1, true);
            first = false;
        }
        d.push('z');
    }
    d
}

/// Writes tenths as a decimal: 123 → `12.3`, 5 → `.5`, -20 → `-2`. A space
/// separates it from the previous number unless its minus sign does.
fn num(d: &mut String, tenths: i64, separate: bool) {
    if tenths < 0 {
        d.push('-');
    } else if separate {
        d.push(' ');
    }
    let (int, frac) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
    match (int, frac) {
        (i, 0) => {
            let _ = write!(d, "{i}");
        }
        (0, f) => {
            let _ = write!(d, ".{f}");
        }
        (i, f) => {
            let _ = write!(d, "{i}.{f}");
        }
    }
}

/// Where a horizontal label fits best in a polygon (outer ring and holes):
/// scans rows across it, takes each inside stretch's midpoint and scores it
/// by its width, limited by four times the vertical thickness there.
fn label_spot(polygon: &[Ring]) -> LabelSpot {
    let rings: Vec<Vec<(f64, f64)>> = polygon
        .iter()
        .map(|r| {
            r.iter()
                .map(|&(x, y)| (x as f64 / 10.0, y as f64 / 10.0))
                .collect()
        })
        .collect();
    let (top, bottom) = rings[0]
        .iter()
        .fold((f64::MAX, f64::MIN), |(t, b), p| (t.min(p.1), b.max(p.1)));
    // Crossings of the rings with a line x = c (vertical) or y = c.
    let crossings = |c: f64, vertical: bool| -> Vec<f64> {
        let mut out = Vec::new();
        for ring in &rings {
            for w in ring.windows(2) {
                let (a, b) = if vertical {
                    ((w[0].1, w[0].0), (w[1].1, w[1].0))
                } else {
                    (w[0], w[1])
                };
                if (a.1 <= c) != (b.1 <= c) {
                    out.push(a.0 + (c - a.1) * (b.0 - a.0) / (b.1 - a.1));
                }
            }
        }
        out.sort_by(f64::total_cmp);
        out
    };
    let mut best = LabelSpot {
        x: rings[0][0].0,
        y: rings[0][0].1,
        room: 0.0,
    };
    let mut best_score = 0.0;
    const ROWS: usize = 24;
    for i in 1..ROWS {
        let t = i as f64 / ROWS as f64;
        let y = top + (bottom - top) * t;
        for pair in crossings(y, false).chunks_exact(2) {
            let x = (pair[0] + pair[1]) / 2.0;
            let ys = crossings(x, true);
            let thickness = ys
                .chunks_exact(2)
                .find(|p| p[0] <= y && y <= p[1])
                .map_or(0.0, |p| 2.0 * (y - p[0]).min(p[1] - y));
            let room = (pair[1] - pair[0]).min(4.0 * thickness);
            // Of two equally roomy rows, the one nearer the middle wins.
            let score = room * (1.0 - 0.3 * (t - 0.5).abs());
            if score > best_score {
                best_score = score;
                best = LabelSpot { x, y, room };
            }
        }
    }
    best.x = (best.x * 10.0).round() / 10.0;
    best.y = (best.y * 10.0).round() / 10.0;
    best.room = (best.room * 10.0).round() / 10.0;
    best
}

// ---------------------------------------------------------------------------
// Colouring.

/// Colour classes for counts: 0 for zero (grey), 1–5 for non-zero values
/// split at quantiles. With fewer distinct values than shades there are
/// fewer classes, spread so the largest is always the darkest shade.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    /// Upper bound of each non-zero class, ascending.
    uppers: Vec<i64>,
}

/// One legend entry: the shade and the inclusive range of counts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LegendEntry {
    pub class: u8,
    pub lo: i64,
    pub hi: i64,
}

impl Classes {
    pub fn new(values: &[i64]) -> Classes {
        let mut v: Vec<i64> = values.iter().copied().filter(|&x| x > 0).collect();
        v.sort_unstable();
        let mut uppers: Vec<i64> = (1..=SHADES as usize)
            .filter(|_| !v.is_empty())
            .map(|k| v[(k * v.len()).div_ceil(SHADES as usize) - 1])
            .collect();
        uppers.dedup();
        Classes { uppers }
    }

    fn shade(&self, i: usize) -> u8 {
        ((i + 1) * SHADES as usize).div_ceil(self.uppers.len()) as u8
    }

    /// The class of a count: 0 for zero or less, else 1–5.
    pub fn class_of(&self, value: i64) -> u8 {
        if value <= 0 || self.uppers.is_empty() {
            return 0;
        }
        let i = self
            .uppers
            .iter()
            .position(|&u| value <= u)
            .unwrap_or(self.uppers.len() - 1);
        self.shade(i)
    }

    /// The non-zero classes with contiguous ranges from 1 to the largest
    /// value, for the legend.
    pub fn legend(&self) -> Vec<LegendEntry> {
        let mut lo = 1;
        self.uppers
            .iter()
            .enumerate()
            .map(|(i, &hi)| {
                let e = LegendEntry {
                    class: self.shade(i),
                    lo,
                    hi,
                };
                lo = hi + 1;
                e
            })
            .collect()
    }
}

/// One unit on a drawn map. `count` is `None` for a shape whose unit is
/// not among the children (drawn plain, without a link).
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub count: Option<i64>,
    pub class: u8,
    pub d: String,
    /// Where its name (and count) is written, clear of every other label.
    pub label: crate::map_labels::Placed,
    /// Where its name is written on a phone, in the larger phone font.
    pub phone_label: crate::map_labels::Placed,
}

/// A child without a shape (the development zones) and its count.
#[derive(Debug, Clone, Serialize)]
pub struct Unshaped {
    pub code: String,
    pub name: String,
    pub count: i64,
}

/// A ready choropleth: the box, the areas, the legend and the children
/// that could not be drawn.
#[derive(Debug, Clone, Serialize)]
pub struct Choropleth {
    pub width: f64,
    pub height: f64,
    pub font: f64,
    /// The font of the phone's labels: the map is drawn at under half its
    /// size there, so its names need twice the units to stay readable.
    pub phone_font: f64,
    pub areas: Vec<Area>,
    pub legend: Vec<LegendEntry>,
    pub unshaped: Vec<Unshaped>,
}

/// Joins the children `(code, name, count)` to the shapes and colours
/// them. `None` when no child has a shape (another region's tree).
pub fn choropleth(shapes: &MapShapes, children: &[(String, String, i64)]) -> Option<Choropleth> {
    let drawn: Vec<&(String, String, i64)> = children
        .iter()
        .filter(|c| shapes.get(&c.0).is_some())
        .collect();
    if drawn.is_empty() {
        return None;
    }
    let classes = Classes::new(&drawn.iter().map(|c| c.2).collect::<Vec<_>>());
    // Each shape, the child it draws (if any) and the name it shows.
    type Named<'a> = (&'a Shape, Option<&'a &'a (String, String, i64)>, String);
    let named: Vec<Named> = shapes
        .shapes
        .iter()
        .map(|s| {
            let child = drawn.iter().find(|c| c.0 == s.code);
            let name = child.map_or(s.name.clone(), |c| c.1.clone());
            (s, child, name)
        })
        .collect();
    let phone_font = PHONE_FONT;
    let wants = |font_lines: usize| -> Vec<crate::map_labels::Want> {
        named
            .iter()
            .map(|(s, child, name)| {
                // A count's digits are about half a character wide.
                let digits = child.map_or(0, |c| c.2.to_string().len().div_ceil(2) + 1);
                crate::map_labels::Want {
                    x: s.label.x,
                    y: s.label.y,
                    room: s.label.room,
                    chars: name
                        .chars()
                        .count()
                        .max(if font_lines > 1 { digits } else { 0 }),
                    lines: if child.is_some() { font_lines } else { 1 },
                }
            })
            .collect()
    };
    let desktop = crate::map_labels::place(&wants(2), shapes.font, shapes.width, shapes.height);
    let phone = crate::map_labels::place(&wants(1), phone_font, shapes.width, shapes.height);
    let areas = named
        .into_iter()
        .zip(desktop.into_iter().zip(phone))
        .map(|((s, child, name), (label, phone_label))| {
            // From the centre of the label's box to its first baseline.
            let lines = if child.is_some() { 2.0 } else { 1.0 };
            let first =
                |p: crate::map_labels::Placed, font: f64, lines: f64| crate::map_labels::Placed {
                    x: p.x,
                    y: ((p.y - (lines - 1.0) * 0.6 * font + 0.35 * font) * 10.0).round() / 10.0,
                };
            Area {
                code: s.code.clone(),
                count: child.map(|c| c.2),
                class: child.map_or(0, |c| classes.class_of(c.2)),
                d: s.d.clone(),
                label: first(label, shapes.font, lines),
                phone_label: first(phone_label, phone_font, 1.0),
                name,
            }
        })
        .collect();
    let mut legend = Vec::new();
    if drawn.iter().any(|c| c.2 <= 0) {
        legend.push(LegendEntry {
            class: 0,
            lo: 0,
            hi: 0,
        });
    }
    legend.extend(classes.legend());
    Some(Choropleth {
        width: shapes.width,
        height: shapes.height,
        font: shapes.font,
        phone_font,
        areas,
        legend,
        unshaped: children
            .iter()
            .filter(|c| shapes.get(&c.0).is_none())
            .map(|c| Unshaped {
                code: c.0.clone(),
                name: c.1.clone(),
                count: c.2,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAGUES: [&str; 12] = [
        "150100000000",
        "150200000000",
        "150300000000",
        "150400000000",
        "150500000000",
        "150600000000",
        "150700000000",
        "150800000000",
        "150900000000",
        "152200000000",
        "152500000000",
        "152900000000",
    ];

    /// Walks a path (absolute `M`, relative `l`, `z`) and returns its
    /// points in SVG units.
    fn points(d: &str) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for sub in d.split('M').filter(|s| !s.is_empty()) {
            let sub = sub.strip_suffix('z').expect("ring closed with z");
            let (start, rest) = sub.split_once('l').expect("relative lines");
            let nums = |s: &str| -> Vec<f64> {
                s.replace('-', " -")
                    .split_whitespace()
                    .map(|n| n.parse::<f64>().expect("number"))
                    .collect()
            };
            let s = nums(start);
            let (mut x, mut y) = (s[0], s[1]);
            out.push((x, y));
            for pair in nums(rest).chunks_exact(2) {
                x += pair[0];
                y += pair[1];
                out.push((x, y));
            }
        }
        out
    }

    fn check_paths(m: &MapShapes) {
        assert!(m.width > 100.0 && m.width <= MAX_WIDTH);
        assert!(m.height > 100.0 && m.height <= MAX_HEIGHT);
        for s in &m.shapes {
            assert!(s.d.starts_with('M'), "{} path starts with M", s.code);
            let pts = points(&s.d);
            assert!(pts.len() >= 3, "{} has a ring", s.code);
            for (x, y) in pts {
                assert!(
                    (-0.05..=m.width + 0.05).contains(&x) && (-0.05..=m.height + 0.05).contains(&y),
                    "{} point ({x}, {y}) outside the box",
                    s.code
                );
            }
            let l = s.label;
            assert!(l.room > 0.0, "{} has room for a label", s.code);
            assert!(l.x > 0.0 && l.x < m.width && l.y > 0.0 && l.y < m.height);
        }
    }

    #[test]
    fn all_twelve_leagues_have_shapes() {
        let m = region_map();
        assert_eq!(m.shapes.len(), 12);
        for code in LEAGUES {
            assert!(m.get(code).is_some(), "{code} has a shape");
        }
        check_paths(m);
        // Inner Mongolia lies wide: the box is wider than tall.
        assert!(m.width > m.height);
        assert!(std::ptr::eq(map_for(REGION_CODE).unwrap(), m));
    }

    #[test]
    fn banners_are_found_under_their_leagues() {
        let mut total = 0;
        for code in LEAGUES {
            let m = league_map(code).unwrap_or_else(|| panic!("{code} has banners"));
            assert!(!m.shapes.is_empty());
            for s in &m.shapes {
                assert_eq!(s.code.len(), 12);
                assert_eq!(&s.code[..4], &code[..4], "{} under {code}", s.code);
                assert_ne!(s.code, code);
            }
            check_paths(m);
            total += m.shapes.len();
        }
        assert_eq!(total, 103);
        assert!(league_map("152502000000").is_none());
        assert!(league_map(REGION_CODE).is_none());
        assert!(map_for("140000000000").is_none());
        // Xilingol: twelve banners, its development zone has no shape.
        let x = league_map("152500000000").unwrap();
        assert_eq!(x.shapes.len(), 12);
        assert!(x.get("152502000000").is_some());
        assert!(x.get("152571000000").is_none());
        // Erenhot lies inside the old outlines of both Sonid banners: it is
        // drawn after them, so it stays visible.
        let at = |code: &str| x.shapes.iter().position(|s| s.code == code).unwrap();
        assert!(at("152501000000") > at("152523000000"));
        assert!(at("152501000000") > at("152524000000"));
    }

    #[test]
    fn simplified_paths_are_small() {
        let region = region_map().path_bytes();
        assert!(
            region * 20 < LEAGUES_GEOJSON.len(),
            "region paths {region} bytes"
        );
        let banners: usize = LEAGUES
            .iter()
            .map(|c| league_map(c).unwrap().path_bytes())
            .sum();
        assert!(
            banners * 15 < BANNERS_GEOJSON.len(),
            "banner paths {banners} bytes"
        );
        println!(
            "leagues: {} bytes of GeoJSON, {region} of path text; banners: {} bytes of GeoJSON, {banners} of path text",
            LEAGUES_GEOJSON.len(),
            BANNERS_GEOJSON.len()
        );
        for code in LEAGUES {
            for s in &league_map(code).unwrap().shapes {
                assert!(s.d.len() < 20_000, "{} path {} bytes", s.code, s.d.len());
            }
        }
    }

    #[test]
    fn simplify_keeps_rings_closed() {
        let ring = [
            (0, 0),
            (1, 0),
            (100, 0),
            (100, 2),
            (100, 100),
            (0, 100),
            (0, 0),
        ];
        let r = simplify(ring.into_iter()).unwrap();
        assert_eq!(r, vec![(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)]);
        // Too small to see: gone.
        assert_eq!(simplify([(0, 0), (2, 0), (2, 2), (0, 0)].into_iter()), None);
        assert_eq!(simplify(std::iter::empty()), None);
    }

    #[test]
    fn path_text_is_compact() {
        let ring = vec![(105, 20), (110, 20), (110, 25), (105, 20)];
        assert_eq!(path(&[vec![ring]]), "M10.5 2l.5 0 0 .5z");
        let mut d = String::new();
        num(&mut d, -23, true);
        num(&mut d, 40, true);
        num(&mut d, -5, true);
        assert_eq!(d, "-2.3 4-.5");
    }

    #[test]
    fn polygons_and_multipolygons_are_read() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code12":"1","name":"a"},"geometry":{"type":"Polygon",
            "coordinates":[[[100,40],[101,40],[101,41],[100,41],[100,40]]]}},
          {"type":"Feature","properties":{"code12":"2","name":"b","parent_code12":"9"},"geometry":{"type":"MultiPolygon",
            "coordinates":[[[[102,40],[103,40],[103,41],[102,40]]],[[[104,40],[105,40],[105,41],[104,40]]]]}}]}"#;
        let fs = parse(text);
        let m = build(&fs.iter().collect::<Vec<_>>());
        assert_eq!(m.shapes.len(), 2);
        assert_eq!(m.get("2").unwrap().d.matches('M').count(), 2);
        check_paths(&m);
        // The square's label sits in its middle.
        let l = m.get("1").unwrap().label;
        assert!((l.y - m.height / 2.0).abs() < m.height / 10.0);
    }

    #[test]
    fn colouring_is_monotonic() {
        let values: Vec<i64> = vec![0, 5, 12, 12, 40, 300, 301, 2_000, 7, 0, 90, 15_000];
        let c = Classes::new(&values);
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let classes: Vec<u8> = sorted.iter().map(|&v| c.class_of(v)).collect();
        assert!(classes.windows(2).all(|w| w[0] <= w[1]), "{classes:?}");
        assert_eq!(c.class_of(0), 0);
        assert_eq!(c.class_of(15_000), SHADES);
        assert_eq!(c.class_of(1), 1);
        // Legend ranges are contiguous, cover every value and match the classes.
        let legend = c.legend();
        assert_eq!(legend.len(), 5);
        assert_eq!(legend[0].lo, 1);
        assert_eq!(legend.last().unwrap().hi, 15_000);
        for w in legend.windows(2) {
            assert_eq!(w[1].lo, w[0].hi + 1);
            assert!(w[0].class < w[1].class);
        }
        for e in &legend {
            assert_eq!(c.class_of(e.lo), e.class);
            assert_eq!(c.class_of(e.hi), e.class);
        }
    }

    #[test]
    fn few_values_make_few_classes() {
        assert_eq!(Classes::new(&[0, 0]).legend(), vec![]);
        assert_eq!(Classes::new(&[0, 0]).class_of(3), 0);
        let one = Classes::new(&[4, 4, 0]);
        assert_eq!(one.class_of(4), SHADES);
        assert_eq!(
            one.legend(),
            vec![LegendEntry {
                class: 5,
                lo: 1,
                hi: 4
            }]
        );
        let two = Classes::new(&[1, 9]);
        assert_eq!((two.class_of(1), two.class_of(9)), (3, 5));
    }

    #[test]
    fn choropleth_joins_children() {
        let m = league_map("152500000000").unwrap();
        let mut children: Vec<(String, String, i64)> = m
            .shapes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), format!("{}·", s.name), i as i64 * 10))
            .collect();
        children.push(("152571000000".into(), "乌拉盖管理区管委会".into(), 7));
        let c = choropleth(m, &children).unwrap();
        assert_eq!(c.areas.len(), 12);
        assert!(c.areas.iter().all(|a| a.name.ends_with('·')));
        assert_eq!(c.unshaped.len(), 1);
        assert_eq!(c.unshaped[0].count, 7);
        assert_eq!(c.legend[0].class, 0, "one banner has no activity");
        assert!(
            c.areas
                .iter()
                .all(|a| a.label.x > 0.0 && a.phone_label.y > 0.0)
        );
        let darkest = c.areas.iter().max_by_key(|a| a.count).unwrap();
        assert_eq!(darkest.class, SHADES);
        // Another region's tree: nothing to draw.
        assert!(choropleth(m, &[("140100000000".into(), "x".into(), 3)]).is_none());
    }
}
