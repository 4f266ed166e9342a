//! Small-cell suppression for the de-identified case statistics (issue 6,
//! "consent as data"): in a small village a cell of "2 sexual-harassment
//! cases opened in March" can name the women. Every aggregate that leaves
//! the server — page, API, export — goes through [`SmallCount`], which
//! forgets the exact number of a cell under [`SmallCount::THRESHOLD`].
//!
//! Hiding the small cell alone is not enough: beside a known total, one
//! hidden cell among exact ones comes back by subtraction (total 96, none
//! 94, low `<5` ⇒ 2). Cells that add up to a shown total are therefore
//! protected together, as a group ([`protect`]): complementary cells are
//! hidden too, until no hidden cell can be pinned to one value by any
//! subtraction over the group.

use std::fmt;

use serde::{Serialize, Serializer};

/// A count as it may be shown: exact, or only "fewer than five".
///
/// The exact value of a small cell is not kept, so no later formatting can
/// reveal it. Zero is shown as zero: an empty cell says nothing about a
/// person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmallCount {
    Exact(i64),
    /// Fewer than [`SmallCount::THRESHOLD`] (zero included: a zero is
    /// hidden beside a small cell so the two cannot be told apart).
    Few,
    /// Hidden because the cells beside it could not otherwise be
    /// protected; any number, shown as `x`.
    Withheld,
}

impl SmallCount {
    /// Cells below this (and above zero) are suppressed.
    pub const THRESHOLD: i64 = 5;
    /// How a suppressed cell reads everywhere.
    pub const FEW_TEXT: &'static str = "<5";
    /// How a withheld cell reads everywhere.
    pub const WITHHELD_TEXT: &'static str = "x";

    pub fn of(n: i64) -> SmallCount {
        if n > 0 && n < Self::THRESHOLD {
            SmallCount::Few
        } else {
            SmallCount::Exact(n)
        }
    }

    pub fn is_suppressed(self) -> bool {
        !matches!(self, SmallCount::Exact(_))
    }

    /// The number, when it may be shown.
    pub fn exact(self) -> Option<i64> {
        match self {
            SmallCount::Exact(n) => Some(n),
            SmallCount::Few | SmallCount::Withheld => None,
        }
    }

    /// The text of the cell, the number with thousands separators.
    pub fn text(self) -> String {
        match self {
            SmallCount::Exact(n) => thousands(n),
            SmallCount::Few => Self::FEW_TEXT.to_owned(),
            SmallCount::Withheld => Self::WITHHELD_TEXT.to_owned(),
        }
    }
}

impl From<i64> for SmallCount {
    fn from(n: i64) -> SmallCount {
        SmallCount::of(n)
    }
}

impl fmt::Display for SmallCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SmallCount::Exact(n) => write!(f, "{n}"),
            SmallCount::Few => f.write_str(Self::FEW_TEXT),
            SmallCount::Withheld => f.write_str(Self::WITHHELD_TEXT),
        }
    }
}

crate::schema_component!(SmallCount, "SmallCount", {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Int64,
                )))
                .minimum(Some(0)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([SmallCount::FEW_TEXT, SmallCount::WITHHELD_TEXT])),
        )
        .description(Some(
            "A count; from 1 to 4 it is the string `\"<5\"` (small-cell suppression), so no \
             cell can point at a person. Cells that add up to a shown total are protected \
             together: beside a small cell, zeros may read `\"<5\"` too, and when that cannot \
             protect it, every cell of the group reads `\"x\"` (withheld), so no hidden \
             cell comes back by subtraction.",
        ))
        .into()
});

/// A number in JSON, or the string `"<5"`.
impl Serialize for SmallCount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SmallCount::Exact(n) => s.serialize_i64(*n),
            SmallCount::Few => s.serialize_str(Self::FEW_TEXT),
            SmallCount::Withheld => s.serialize_str(Self::WITHHELD_TEXT),
        }
    }
}

/// The cells of a group that adds up to a shown total (a dimension of the
/// statistics, or a unit's children and its own line), as they may be
/// shown.
///
/// Cells from 1 to 4 are hidden (`<5`). Then, while a reader who knows the
/// total could pin a hidden cell to one value — a single hidden cell, or
/// hidden cells all at the top of their range (two cells `<5` summing to 8
/// are both 4) — zeros are hidden too (`<5` holds for them). When no zero
/// is left to hide, every cell of the group is withheld (`x`). With `k ≥ 2`
/// hidden cells in 0..=4 and their sum `S` known, `1 ≤ S ≤ 4k − 1`, every
/// hidden cell can take at least two values; see the test that tries every
/// subtraction.
pub fn protect(cells: &[i64]) -> Vec<SmallCount> {
    let small = |n: i64| (0..SmallCount::THRESHOLD).contains(&n);
    let mut hidden: Vec<bool> = cells.iter().map(|&n| small(n) && n > 0).collect();
    if !hidden.contains(&true) {
        return cells.iter().map(|&n| SmallCount::Exact(n)).collect();
    }
    let pinned = |hidden: &[bool]| {
        let k = hidden.iter().filter(|h| **h).count() as i64;
        let sum: i64 = cells
            .iter()
            .zip(hidden)
            .filter(|(_, h)| **h)
            .map(|(n, _)| n)
            .sum();
        k < 2 || sum == (SmallCount::THRESHOLD - 1) * k
    };
    while pinned(&hidden) {
        let Some(zero) = (0..cells.len()).find(|&i| !hidden[i] && cells[i] == 0) else {
            return vec![SmallCount::Withheld; cells.len()];
        };
        hidden[zero] = true;
    }
    cells
        .iter()
        .zip(&hidden)
        .map(|(&n, &h)| {
            if h {
                SmallCount::Few
            } else {
                SmallCount::Exact(n)
            }
        })
        .collect()
}

/// A median in days, shown only when at least [`SmallCount::THRESHOLD`]
/// cases lie behind it: the median of two closures is one woman's date.
pub fn shown_median(median: Option<i64>, behind: i64) -> Option<i64> {
    median.filter(|_| behind >= SmallCount::THRESHOLD)
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_under_five_are_suppressed() {
        assert_eq!(SmallCount::of(0), SmallCount::Exact(0));
        for n in 1..5 {
            assert_eq!(SmallCount::of(n), SmallCount::Few, "{n}");
            assert!(SmallCount::of(n).is_suppressed());
            assert_eq!(SmallCount::of(n).exact(), None);
        }
        assert_eq!(SmallCount::of(5), SmallCount::Exact(5));
        assert_eq!(SmallCount::of(1234).exact(), Some(1234));
        assert!(!SmallCount::of(0).is_suppressed());
    }

    #[test]
    fn serialises_to_a_number_or_the_string() {
        let v = serde_json::to_value([SmallCount::of(0), SmallCount::of(3), SmallCount::of(7)])
            .unwrap();
        assert_eq!(v, serde_json::json!([0, "<5", 7]));
        assert_eq!(SmallCount::of(4).to_string(), "<5");
        assert_eq!(SmallCount::of(12).to_string(), "12");
    }

    #[test]
    fn text_has_thousands_separators() {
        assert_eq!(SmallCount::of(1_234_567).text(), "1,234,567");
        assert_eq!(SmallCount::of(999).text(), "999");
        assert_eq!(SmallCount::of(2).text(), "<5");
        assert_eq!(SmallCount::of(0).text(), "0");
    }

    /// Every value each hidden cell can take, for a reader who knows the
    /// group's total and the exact cells and reads `<5` as 0..=4 and `x` as
    /// anything up to the total.
    fn candidates(shown: &[SmallCount], total: i64) -> Vec<Vec<i64>> {
        let range = |c: SmallCount| match c {
            SmallCount::Exact(n) => (n, n),
            SmallCount::Few => (0, SmallCount::THRESHOLD - 1),
            SmallCount::Withheld => (0, total),
        };
        let rest = total - shown.iter().filter_map(|c| c.exact()).sum::<i64>();
        shown
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_suppressed())
            .map(|(i, &c)| {
                let (lo, hi) = range(c);
                let others = shown
                    .iter()
                    .enumerate()
                    .filter(|(j, o)| *j != i && o.is_suppressed())
                    .fold((0, 0), |(a, b), (_, &o)| (a + range(o).0, b + range(o).1));
                // The hidden cells add up to `rest`: this one is `rest`
                // minus what the others can hold.
                (lo.max(rest - others.1)..=hi.min(rest - others.0)).collect()
            })
            .collect()
    }

    #[test]
    fn no_subtraction_recovers_a_hidden_cell() {
        // Every group of two to five cells from 0 to 7: rows and columns of
        // the statistics are such groups.
        let values: Vec<i64> = (0..=7).collect();
        let mut last: Vec<Vec<i64>> = values
            .iter()
            .flat_map(|&a| values.iter().map(move |&b| vec![a, b]))
            .collect();
        let mut groups = last.clone();
        for _ in 2..5 {
            let longer: Vec<Vec<i64>> = last
                .iter()
                .flat_map(|g| {
                    values.iter().map(move |&v| {
                        let mut g = g.clone();
                        g.push(v);
                        g
                    })
                })
                .collect();
            groups.extend(longer.iter().cloned());
            last = longer;
        }
        for cells in groups {
            let total: i64 = cells.iter().sum();
            let shown = protect(&cells);
            assert_eq!(shown.len(), cells.len());
            for (c, &n) in shown.iter().zip(&cells) {
                match c {
                    SmallCount::Exact(m) => assert_eq!(*m, n),
                    SmallCount::Few => assert!(n < SmallCount::THRESHOLD, "{cells:?}"),
                    SmallCount::Withheld => {}
                }
                assert!(
                    !(1..SmallCount::THRESHOLD).contains(&n) || c.is_suppressed(),
                    "{cells:?} shows a small cell"
                );
            }
            for (values, (c, &n)) in candidates(&shown, total)
                .iter()
                .zip(shown.iter().zip(&cells).filter(|(c, _)| c.is_suppressed()))
            {
                assert!(values.contains(&n), "{cells:?}: {c:?} cannot be {n}");
                assert!(values.len() >= 2, "{cells:?} → {shown:?}: {n} recovered");
            }
        }
    }

    #[test]
    fn the_probe_s_subtraction_no_longer_works() {
        // total 96, none 94, low 2, medium/high/critical 0.
        let shown = protect(&[94, 2, 0, 0, 0]);
        assert_eq!(shown[0], SmallCount::Exact(94));
        assert_eq!(shown[1], SmallCount::Few);
        assert_eq!(shown[2], SmallCount::Few);
        assert_eq!(
            protect(&[5, 9]),
            [SmallCount::Exact(5), SmallCount::Exact(9)]
        );
        // One small cell and no zero to hide beside it: all withheld.
        assert_eq!(protect(&[9, 3]), [SmallCount::Withheld; 2]);
        // Two cells of 4 would read as 4 and 4.
        assert_eq!(protect(&[9, 4, 4, 0])[3], SmallCount::Few);
        assert_eq!(SmallCount::Withheld.to_string(), "x");
    }

    #[test]
    fn medians_need_five_cases_behind_them() {
        assert_eq!(shown_median(Some(3), 4), None);
        assert_eq!(shown_median(Some(3), 5), Some(3));
        assert_eq!(shown_median(None, 9), None);
    }
}
