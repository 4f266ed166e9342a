use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::FieldError;

/// A calendar month, the grain of every roll-up counter. Stored as the
/// integer `yyyymm` so ranges are plain integer comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(i64);

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Month> {
        ((2000..=2100).contains(&year) && (1..=12).contains(&month))
            .then(|| Month(i64::from(year) * 100 + i64::from(month)))
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str, field: &'static str) -> Result<Month, FieldError> {
        let bad = || FieldError::new(field, "err.month.format");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        // Digits only: `str::parse` would also take a sign (`2026-+1`).
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
            return Err(bad());
        }
        Month::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }

    pub fn of_date(d: time::Date) -> Month {
        Month(i64::from(d.year()) * 100 + i64::from(u8::from(d.month())))
    }

    pub fn from_yyyymm(n: i64) -> Option<Month> {
        Month::new(i32::try_from(n / 100).ok()?, u8::try_from(n % 100).ok()?)
    }

    pub const fn yyyymm(self) -> i64 {
        self.0
    }

    pub fn year(self) -> i32 {
        (self.0 / 100) as i32
    }

    pub fn month(self) -> u8 {
        (self.0 % 100) as u8
    }

    /// The month `n` months before this one.
    pub fn minus(self, n: u32) -> Month {
        let total = i64::from(self.year()) * 12 + i64::from(self.month()) - 1 - i64::from(n);
        Month(total.div_euclid(12) * 100 + total.rem_euclid(12) + 1)
    }

    /// The month `n` months after this one.
    pub fn succ_n(self, n: u32) -> Month {
        let total = i64::from(self.year()) * 12 + i64::from(self.month()) - 1 + i64::from(n);
        Month(total.div_euclid(12) * 100 + total.rem_euclid(12) + 1)
    }

    /// The next month.
    pub fn succ(self) -> Month {
        let total = i64::from(self.year()) * 12 + i64::from(self.month());
        Month(total.div_euclid(12) * 100 + total.rem_euclid(12) + 1)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

crate::schema_component!(
    Month,
    "Month",
    crate::schema::pattern_string(
        "A calendar month, `YYYY-MM`, years 2000–2100.",
        "^[0-9]{4}-(0[1-9]|1[0-2])$",
    )
);

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s, "month").map_err(|_| serde::de::Error::custom("expected YYYY-MM"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let m = Month::parse("2026-03", "from").unwrap();
        assert_eq!(m.yyyymm(), 202603);
        assert_eq!(m.to_string(), "2026-03");
        assert_eq!(m.minus(3).to_string(), "2025-12");
        assert_eq!(m.minus(0), m);
        assert_eq!(m.succ_n(10).to_string(), "2027-01");
        assert_eq!(
            Month::parse("2025-12", "x").unwrap().succ().to_string(),
            "2026-01"
        );
        // `2026-+1` and `+202-01`: a sign is no digit (found by the property
        // tests of issue 19 item 8; `2026-+1` used to read as January).
        for bad in [
            "2026-13", "2026-3", "26-03", "1999-12", "x", "", "2026-+1", "+202-01",
        ] {
            assert!(Month::parse(bad, "from").is_err(), "{bad}");
        }
    }
}
