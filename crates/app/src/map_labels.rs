//! Labels of the schematic map that never overlap: every area is named
//! (small ones like 乌海 too, whose name spills over its neighbours with a
//! white halo), the roomiest first, each moved up or down, then sideways,
//! until it clears the labels already placed.

use serde::Serialize;

/// A label to place: where it would sit best, how many characters wide
/// its longest line is and how many lines it has.
pub struct Want {
    pub x: f64,
    pub y: f64,
    /// Room for a label at the spot (wider shapes are placed first).
    pub room: f64,
    pub chars: usize,
    pub lines: usize,
}

/// A placed label: the centre of its first line's baseline box.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy)]
struct BoxF {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl BoxF {
    fn overlap(&self, o: &BoxF) -> f64 {
        let w = (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0.0);
        let h = (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0);
        w * h
    }
}

/// Places every label in a `width` × `height` box with `font`-unit text;
/// answers in the order asked.
pub fn place(wants: &[Want], font: f64, width: f64, height: f64) -> Vec<Placed> {
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by(|&a, &b| wants[b].room.total_cmp(&wants[a].room).then(a.cmp(&b)));
    let line = font * 1.2;
    let mut placed: Vec<BoxF> = Vec::new();
    let mut out = vec![Placed { x: 0.0, y: 0.0 }; wants.len()];
    for i in order {
        let w = &wants[i];
        let half_w = w.chars as f64 * font / 2.0 + 2.0;
        let h = w.lines as f64 * line;
        let boxed = |x: f64, y: f64| {
            // Kept inside the map.
            let x = x.clamp(half_w, (width - half_w).max(half_w));
            let y = y.clamp(h / 2.0, (height - h / 2.0).max(h / 2.0));
            (
                x,
                y,
                BoxF {
                    x0: x - half_w,
                    y0: y - h / 2.0,
                    x1: x + half_w,
                    y1: y + h / 2.0,
                },
            )
        };
        let mut best: Option<(f64, f64, BoxF, f64)> = None;
        'search: for step in 0..=4 {
            let dy = step as f64 * line;
            for (sx, sy) in [
                (0.0, dy),
                (0.0, -dy),
                (half_w, dy),
                (-half_w, dy),
                (half_w, -dy),
                (-half_w, -dy),
            ] {
                let (x, y, b) = boxed(w.x + sx, w.y + sy);
                let cost: f64 = placed.iter().map(|p| p.overlap(&b)).sum();
                if best.as_ref().is_none_or(|(_, _, _, c)| cost < *c) {
                    best = Some((x, y, b, cost));
                }
                if cost == 0.0 {
                    break 'search;
                }
            }
        }
        let (x, y, b, _) = best.expect("at least one candidate");
        placed.push(b);
        out[i] = Placed {
            x: (x * 10.0).round() / 10.0,
            y: (y * 10.0).round() / 10.0,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(x: f64, y: f64, room: f64) -> Want {
        Want {
            x,
            y,
            room,
            chars: 3,
            lines: 2,
        }
    }

    #[test]
    fn crowded_labels_move_apart_and_stay_inside() {
        // Three small areas on one spot, one near the edge.
        let wants = [
            want(100.0, 100.0, 10.0),
            want(101.0, 100.0, 5.0),
            want(99.0, 101.0, 1.0),
            want(2.0, 2.0, 50.0),
        ];
        let font = 17.0;
        let p = place(&wants, font, 400.0, 300.0);
        let boxes: Vec<BoxF> = p
            .iter()
            .map(|q| BoxF {
                x0: q.x - 3.0 * font / 2.0 - 2.0,
                y0: q.y - font * 1.2,
                x1: q.x + 3.0 * font / 2.0 + 2.0,
                y1: q.y + font * 1.2,
            })
            .collect();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                assert_eq!(
                    boxes[i].overlap(&boxes[j]),
                    0.0,
                    "{i} and {j} overlap: {p:?}"
                );
            }
        }
        assert!(
            p[3].x >= 3.0 * font / 2.0 && p[3].y >= font * 1.2,
            "inside: {:?}",
            p[3]
        );
        // The roomiest keeps its spot.
        assert_eq!(p[0], Placed { x: 100.0, y: 100.0 });
    }
}
