//! Small-cell suppression for the de-identified case statistics (issue 6,
//! "consent as data"): in a small village a cell of "2 sexual-harassment
//! cases opened in March" can name the women. Every aggregate that leaves
//! the server — page, API, export — goes through [`SmallCount`], which
//! forgets the exact number of a cell under [`SmallCount::THRESHOLD`].

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
    /// At least one and fewer than [`SmallCount::THRESHOLD`].
    Few,
}

impl SmallCount {
    /// Cells below this (and above zero) are suppressed.
    pub const THRESHOLD: i64 = 5;
    /// How a suppressed cell reads everywhere.
    pub const FEW_TEXT: &'static str = "<5";

    pub fn of(n: i64) -> SmallCount {
        if n > 0 && n < Self::THRESHOLD {
            SmallCount::Few
        } else {
            SmallCount::Exact(n)
        }
    }

    pub fn is_suppressed(self) -> bool {
        self == SmallCount::Few
    }

    /// The number, when it may be shown.
    pub fn exact(self) -> Option<i64> {
        match self {
            SmallCount::Exact(n) => Some(n),
            SmallCount::Few => None,
        }
    }

    /// The text of the cell, the number with thousands separators.
    pub fn text(self) -> String {
        match self {
            SmallCount::Exact(n) => thousands(n),
            SmallCount::Few => Self::FEW_TEXT.to_owned(),
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
                .enum_values(Some([SmallCount::FEW_TEXT])),
        )
        .description(Some(
            "A count; from 1 to 4 it is the string `\"<5\"` (small-cell suppression), so no \
             cell can point at a person.",
        ))
        .into()
});

/// A number in JSON, or the string `"<5"`.
impl Serialize for SmallCount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SmallCount::Exact(n) => s.serialize_i64(*n),
            SmallCount::Few => s.serialize_str(Self::FEW_TEXT),
        }
    }
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

    #[test]
    fn medians_need_five_cases_behind_them() {
        assert_eq!(shown_median(Some(3), 4), None);
        assert_eq!(shown_median(Some(3), 5), Some(3));
        assert_eq!(shown_median(None, 9), None);
    }
}
