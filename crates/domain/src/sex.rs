use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A person's sex as recorded on the resident ID card and in household
/// registers. Two values, as the card has; the JSON form is `"F"` / `"M"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Sex {
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "M")]
    Male,
}

impl Sex {
    /// Parses the API form `F` / `M` (either case) and the Chinese 女 / 男
    /// that forms and spreadsheets carry.
    pub fn parse(s: &str, field: &'static str) -> Result<Sex, FieldError> {
        match s.trim() {
            "F" | "f" | "女" => Ok(Sex::Female),
            "M" | "m" | "男" => Ok(Sex::Male),
            _ => Err(FieldError::new(field, "err.sex.format")),
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_chinese() {
        assert_eq!(Sex::parse(" f ", "sex"), Ok(Sex::Female));
        assert_eq!(Sex::parse("男", "sex"), Ok(Sex::Male));
        assert_eq!(
            Sex::parse("X", "sex"),
            Err(FieldError::new("sex", "err.sex.format"))
        );
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"F\"");
        assert_eq!(serde_json::from_str::<Sex>("\"M\"").unwrap(), Sex::Male);
    }
}
