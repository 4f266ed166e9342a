//! The month range of a list, roll-up or dashboard.

use jinguo_domain::{FieldError, Month};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// An inclusive range of months, at most ten years long.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    /// `from`/`to` as `YYYY-MM`; missing ones default to January of this
    /// year and this month.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: time::Date) -> AppResult<Period> {
        let this_month = Month::of_date(today);
        let pick =
            |v: Option<&str>, field, default| match v.map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => Month::parse(s, field).map_err(AppError::from),
                None => Ok(default),
            };
        let to = pick(to, "to", this_month)?;
        let from = pick(from, "from", Month::new(to.year(), 1).unwrap_or(to))?;
        if from > to {
            return Err(FieldError::new("from", "err.period.order").into());
        }
        if from < to.minus(119) {
            return Err(FieldError::new("from", "err.period.long").into());
        }
        Ok(Period { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn defaults_and_rules() {
        let p = Period::parse(None, None, date!(2026 - 11 - 28)).unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2026-01".into(), "2026-11".into())
        );
        let p = Period::parse(None, Some("2025-06"), date!(2026 - 11 - 28)).unwrap();
        assert_eq!(p.from.to_string(), "2025-01");
        assert!(Period::parse(Some("2026-05"), Some("2026-04"), date!(2026 - 11 - 28)).is_err());
        assert!(Period::parse(Some("2000-01"), Some("2026-04"), date!(2026 - 11 - 28)).is_err());
        assert!(Period::parse(Some("2026-13"), None, date!(2026 - 11 - 28)).is_err());
    }
}
