//! Chart geometry for server-rendered SVG: no script, nothing fetched,
//! works on an intranet and under a strict content policy.

use serde::Serialize;

/// One horizontal bar: its label, value and width in chart units (0–100).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub width: f64,
}

/// Bars scaled so the largest value spans the full width, largest first
/// (ties keep their order), as an office reads a ranking.
pub fn bars(rows: impl IntoIterator<Item = (String, i64)>) -> Vec<Bar> {
    let mut rows: Vec<(String, i64)> = rows.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    rows.into_iter()
        .map(|(label, value)| Bar {
            width: (value.max(0) as f64 / max * 100.0 * 10.0).round() / 10.0,
            label,
            value,
        })
        .collect()
}

/// A trend line in a `width` × `height` box: the polyline's points and
/// the labelled dots.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub width: u32,
    pub height: u32,
    pub points: String,
    pub dots: Vec<Dot>,
    pub max: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub value: i64,
}

pub fn line(rows: &[(String, i64)], width: u32, height: u32) -> Line {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = rows.len().max(2) - 1;
    // Room above the top dot for its value.
    let (pad_x, pad_top, pad_bottom) = (24.0, 18.0, 22.0);
    let plot_w = f64::from(width) - 2.0 * pad_x;
    let plot_h = f64::from(height) - pad_top - pad_bottom;
    let dots: Vec<Dot> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, v))| Dot {
            x: ((pad_x + plot_w * i as f64 / n as f64) * 10.0).round() / 10.0,
            y: ((pad_top + plot_h * (1.0 - *v as f64 / max as f64)) * 10.0).round() / 10.0,
            label: label.clone(),
            value: *v,
        })
        .collect();
    let points = dots
        .iter()
        .map(|d| format!("{},{}", d.x, d.y))
        .collect::<Vec<_>>()
        .join(" ");
    Line {
        width,
        height,
        points,
        dots,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest() {
        let b = bars([("a".into(), 5), ("b".into(), 10), ("c".into(), 0)]);
        assert_eq!(
            b.iter()
                .map(|b| (b.label.as_str(), b.width))
                .collect::<Vec<_>>(),
            [("b", 100.0), ("a", 50.0), ("c", 0.0)]
        );
        assert!(bars(Vec::<(String, i64)>::new()).is_empty());
    }

    #[test]
    fn line_spans_the_box() {
        let l = line(&[("1".into(), 0), ("2".into(), 10)], 300, 120);
        assert_eq!(l.dots[0].x, 24.0);
        assert_eq!(l.dots[1].x, 276.0);
        assert_eq!(l.dots[1].y, 18.0);
        assert_eq!(l.dots[0].y, 98.0);
        assert_eq!(l.points, "24,98 276,18");
    }
}
