use std::fmt;

use serde::{Serialize, Serializer};

use crate::{FieldError, Level};

/// Whether a unit is a division of the map or an organisation in a new sector
/// (enterprise, social organisation, delivery platform …) hung under one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Geo,
    Sector,
}

impl UnitKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            UnitKind::Geo => "geo",
            UnitKind::Sector => "sector",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "geo" => Some(UnitKind::Geo),
            "sector" => Some(UnitKind::Sector),
            _ => None,
        }
    }
}

/// The key of a unit.
///
/// Geographic units use the 12-digit statistical division code. Sector
/// organisations have no official code, so they get their parent's code plus
/// `-S` and a serial (`152502000000-S01`): unique, stable, and it tells at a
/// glance where the organisation hangs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        let (geo, sector) = match s.split_once("-S") {
            Some((g, n)) => (g, Some(n)),
            None => (s, None),
        };
        if geo.len() != 12 || !geo.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new("code", "err.code.format"));
        }
        if let Some(n) = sector
            && (n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(FieldError::new("code", "err.code.format"));
        }
        Ok(UnitCode(s.to_owned()))
    }

    /// Code of the `serial`-th sector organisation under `parent`; `None`
    /// past [`UnitCode::MAX_SECTOR_SERIAL`], whose code [`UnitCode::parse`]
    /// (and the OpenAPI pattern) would refuse: a unit stored under such a
    /// code could never be read back.
    pub fn sector(parent: &UnitCode, serial: u32) -> Option<Self> {
        (serial <= Self::MAX_SECTOR_SERIAL)
            .then(|| UnitCode(format!("{}-S{serial:02}", parent.geo_part())))
    }

    /// The most sector organisations one unit can hold: a serial has at
    /// most four digits.
    pub const MAX_SECTOR_SERIAL: u32 = 9_999;

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> UnitKind {
        if self.0.contains("-S") {
            UnitKind::Sector
        } else {
            UnitKind::Geo
        }
    }

    fn geo_part(&self) -> &str {
        &self.0[..12]
    }

    /// The level a geographic division code denotes by its zero-padding:
    /// `15` region, `1525` league, `152502` banner, `152502200` township,
    /// otherwise village. Used to cross-check imported rows.
    pub fn implied_level(&self) -> Option<Level> {
        if self.kind() == UnitKind::Sector {
            return None;
        }
        let g = self.geo_part().as_bytes();
        let zeros = |r: std::ops::Range<usize>| g[r].iter().all(|&b| b == b'0');
        let n = if zeros(2..12) {
            1
        } else if zeros(4..12) {
            2
        } else if zeros(6..12) {
            3
        } else if zeros(9..12) {
            4
        } else {
            5
        };
        Level::new(n).ok()
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::schema_component!(
    UnitCode,
    "UnitCode",
    crate::schema::pattern_string(
        "Key of a unit. Geographic units: the 12-digit statistical division code. Sector \
         organisations: the parent's 12-digit code, `-S` and a serial of 2–4 digits.",
        "^[0-9]{12}(-S[0-9]{2,4})?$",
    )
);

impl Serialize for UnitCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geo_codes() {
        let c = UnitCode::parse("152502200200").unwrap();
        assert_eq!(c.kind(), UnitKind::Geo);
        assert_eq!(c.implied_level(), Some(Level::VILLAGE));
        assert_eq!(
            UnitCode::parse("150000000000").unwrap().implied_level(),
            Some(Level::REGION)
        );
        assert_eq!(
            UnitCode::parse("152502200000").unwrap().implied_level(),
            Some(Level::TOWNSHIP)
        );
        assert!(UnitCode::parse("15250220020").is_err());
        assert!(UnitCode::parse("15250220020x").is_err());
        assert!(UnitCode::parse("").is_err());
    }

    #[test]
    fn sector_codes() {
        let p = UnitCode::parse("152502000000").unwrap();
        let s = UnitCode::sector(&p, 3).unwrap();
        assert_eq!(s.as_str(), "152502000000-S03");
        // Found by the property tests (issue 19 item 8): the 10,000th
        // sector organisation got a five-digit serial that `parse` refuses,
        // so the stored unit could not be read back.
        let last = UnitCode::sector(&p, UnitCode::MAX_SECTOR_SERIAL).unwrap();
        assert_eq!(UnitCode::parse(last.as_str()), Ok(last));
        assert_eq!(UnitCode::sector(&p, UnitCode::MAX_SECTOR_SERIAL + 1), None);
        assert_eq!(
            UnitCode::parse(s.as_str()).unwrap().kind(),
            UnitKind::Sector
        );
        assert!(UnitCode::parse("152502000000-S").is_err());
        assert!(UnitCode::parse("152502000000-Sx1").is_err());
    }
}
