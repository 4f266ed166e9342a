//! Women's Homes (妇女之家): the places a federation keeps open for women,
//! registered by the unit they belong to (a village, a township, or a
//! sector organisation such as an enterprise's women's federation).
//!
//! A home's phone is the home's own public number, shown on the public help
//! page, so unlike a person's phone it is stored and shown in full.

use serde::Serialize;

use crate::text::Field;
use crate::{FieldError, Phone};

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;
pub const HOURS_MAX: usize = 100;
/// More keys than the dictionary could plausibly hold is scripted input.
pub const FACILITIES_MAX: usize = 30;

/// The box coordinates must fall in: it covers Inner Mongolia (about
/// 37°24′–53°23′ N, 97°12′–126°04′ E) with a small margin, so a swapped
/// latitude and longitude, a sign error or a point in the sea is refused.
pub const LAT_RANGE: (f64, f64) = (37.0, 54.0);
pub const LON_RANGE: (f64, f64) = (97.0, 127.0);

/// Whether a home is open to visitors. Only `active` homes count as homes and as coverage, and
/// only they appear on the public help page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HomeStatus {
    Active,
    /// Temporarily not open (renovation, no staff); not counted as coverage.
    Suspended,
    Closed,
}

impl HomeStatus {
    pub const ALL: [HomeStatus; 3] = [
        HomeStatus::Active,
        HomeStatus::Suspended,
        HomeStatus::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            HomeStatus::Active => "active",
            HomeStatus::Suspended => "suspended",
            HomeStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<HomeStatus> {
        HomeStatus::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Only active homes count in the roll-ups and the public list.
    pub const fn is_active(self) -> bool {
        matches!(self, HomeStatus::Active)
    }
}

/// A point in WGS 84, kept as micro-degrees so it is stored as integers and
/// compares exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Coordinates {
    lat_e6: i64,
    lon_e6: i64,
}

impl Coordinates {
    /// Both degrees inside the plausible box; each out-of-range value is its
    /// own field error.
    pub fn parse(lat: f64, lon: f64) -> Result<Coordinates, Vec<FieldError>> {
        let mut errors = Vec::new();
        let inside = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && (lo..=hi).contains(&v);
        if !inside(lat, LAT_RANGE) {
            errors.push(FieldError::new("lat", "err.home.lat_range"));
        }
        if !inside(lon, LON_RANGE) {
            errors.push(FieldError::new("lon", "err.home.lon_range"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Coordinates {
            lat_e6: (lat * 1e6).round() as i64,
            lon_e6: (lon * 1e6).round() as i64,
        })
    }

    /// From stored micro-degrees (already checked on the way in).
    pub const fn from_e6(lat_e6: i64, lon_e6: i64) -> Coordinates {
        Coordinates { lat_e6, lon_e6 }
    }

    pub const fn lat_e6(self) -> i64 {
        self.lat_e6
    }

    pub const fn lon_e6(self) -> i64 {
        self.lon_e6
    }

    pub fn lat(self) -> f64 {
        self.lat_e6 as f64 / 1e6
    }

    pub fn lon(self) -> f64 {
        self.lon_e6 as f64 / 1e6
    }
}

/// A home as typed into a form or sent to the API, before any check.
#[derive(Debug, Clone, Default)]
pub struct HomeDraft {
    pub name: String,
    /// The name in traditional Mongolian, optional.
    pub name_mn: Option<String>,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub hours: Option<String>,
    pub phone: Option<String>,
    pub facilities: Vec<String>,
    /// `None` is a new home's default: active.
    pub status: Option<String>,
}

/// A home's checked fields. Facility keys are well-formed and unique; the
/// caller checks them against the `home_facility` dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeFields {
    pub name: String,
    /// Shown with the Chinese name on the Mongolian help page.
    pub name_mn: Option<String>,
    pub address: String,
    pub coords: Option<Coordinates>,
    pub hours: Option<String>,
    pub phone: Option<Phone>,
    pub facilities: Vec<String>,
    pub status: HomeStatus,
}

/// A required text field, with this module's own message keys.
fn required(
    s: &str,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    Field::line(field, max)
        .too_long("err.home.too_long")
        .required(s, "err.home.required", errors)
}

/// A dictionary key as stored: lowercase ASCII letters, digits and `_`.
fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl HomeDraft {
    /// Checks every field, reporting all problems at once.
    pub fn validate(&self) -> Result<HomeFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required(&self.name, "name", NAME_MAX, &mut errors);
        let name_mn = Field::line("name_mn", NAME_MAX)
            .too_long("err.home.too_long")
            .mongolian()
            .optional(self.name_mn.as_deref(), &mut errors);
        let address = required(&self.address, "address", ADDRESS_MAX, &mut errors);
        let coords = match (self.lat, self.lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => Coordinates::parse(lat, lon)
                .map_err(|e| errors.extend(e))
                .ok(),
            (None, Some(_)) => {
                errors.push(FieldError::new("lat", "err.home.coords_pair"));
                None
            }
            (Some(_), None) => {
                errors.push(FieldError::new("lon", "err.home.coords_pair"));
                None
            }
        };
        let hours = Field::line("hours", HOURS_MAX)
            .too_long("err.home.too_long")
            .optional(self.hours.as_deref(), &mut errors);
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => Phone::parse(p).map_err(|e| errors.push(e)).ok(),
        };
        let mut facilities: Vec<String> = Vec::new();
        for f in &self.facilities {
            let f = f.trim();
            if f.is_empty() {
                continue;
            }
            if !is_key(f) {
                errors.push(FieldError::new("facilities", "err.home.facility_unknown"));
                break;
            }
            if !facilities.iter().any(|x| x == f) {
                facilities.push(f.to_owned());
            }
        }
        if facilities.len() > FACILITIES_MAX {
            errors.push(FieldError::new("facilities", "err.home.facility_unknown"));
        }
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => Some(HomeStatus::Active),
            Some(s) => HomeStatus::parse(s).or_else(|| {
                errors.push(FieldError::new("status", "err.home.status"));
                None
            }),
        };
        match (name, address, status) {
            (Some(name), Some(address), Some(status)) if errors.is_empty() => Ok(HomeFields {
                name,
                name_mn,
                address,
                coords,
                hours,
                phone,
                facilities,
                status,
            }),
            _ => Err(errors),
        }
    }
}

/// Facility keys as stored: comma-separated, in the order given.
pub fn facilities_text(keys: &[String]) -> String {
    keys.join(",")
}

pub fn facilities_from_text(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> HomeDraft {
        HomeDraft {
            name: " 伊勒勒特嘎查妇女之家 ".into(),
            name_mn: None,
            address: "伊勒勒特嘎查党群服务中心二楼".into(),
            lat: Some(43.9333),
            lon: Some(116.0833),
            hours: Some("周一至周五 9:00-17:00".into()),
            phone: Some("0479-8221234".into()),
            facilities: vec![
                "activity_room".into(),
                "reading_corner".into(),
                "activity_room".into(),
            ],
            status: None,
        }
    }

    fn keys(r: Result<HomeFields, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err()
            .into_iter()
            .map(|e| format!("{}={}", e.field, e.key))
            .collect()
    }

    #[test]
    fn the_mongolian_name_is_optional_and_mongolian() {
        let mut d = draft();
        d.name_mn = Some(" ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠭᠡᠷ ".into());
        assert_eq!(
            d.validate().unwrap().name_mn.as_deref(),
            Some("ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠭᠡᠷ")
        );
        d.name_mn = Some("妇女之家".into());
        let e = d.validate().unwrap_err();
        assert_eq!(
            (e[0].field.as_ref(), e[0].key),
            ("name_mn", "err.text.mongolian")
        );
    }

    #[test]
    fn a_plausible_home_parses() {
        let f = draft().validate().unwrap();
        assert_eq!(f.name, "伊勒勒特嘎查妇女之家");
        assert_eq!(f.status, HomeStatus::Active);
        let c = f.coords.unwrap();
        assert_eq!((c.lat_e6(), c.lon_e6()), (43_933_300, 116_083_300));
        assert_eq!(f.phone.unwrap().as_str(), "0479-8221234");
        assert_eq!(f.facilities, vec!["activity_room", "reading_corner"]);
    }

    #[test]
    fn coordinates_outside_inner_mongolia_are_refused() {
        for (lat, lon, want) in [
            (
                116.08,
                43.93,
                vec!["lat=err.home.lat_range", "lon=err.home.lon_range"],
            ),
            (31.2, 121.5, vec!["lat=err.home.lat_range"]),
            (45.0, 90.0, vec!["lon=err.home.lon_range"]),
            (f64::NAN, 110.0, vec!["lat=err.home.lat_range"]),
        ] {
            let d = HomeDraft {
                lat: Some(lat),
                lon: Some(lon),
                ..draft()
            };
            assert_eq!(keys(d.validate()), want, "{lat},{lon}");
        }
        let half = HomeDraft {
            lon: None,
            ..draft()
        };
        assert_eq!(keys(half.validate()), vec!["lon=err.home.coords_pair"]);
    }

    #[test]
    fn every_problem_at_once() {
        let d = HomeDraft {
            name: "  ".into(),
            address: "地".repeat(ADDRESS_MAX + 1),
            hours: Some("时".repeat(HOURS_MAX + 1)),
            phone: Some("12345".into()),
            facilities: vec!["Activity Room".into()],
            status: Some("open".into()),
            ..draft()
        };
        assert_eq!(
            keys(d.validate()),
            vec![
                "name=err.home.required",
                "address=err.home.too_long",
                "hours=err.home.too_long",
                "phone=err.phone.format",
                "facilities=err.home.facility_unknown",
                "status=err.home.status",
            ]
        );
    }

    #[test]
    fn statuses_and_facility_text_round_trip() {
        for s in HomeStatus::ALL {
            assert_eq!(HomeStatus::parse(s.as_str()), Some(s));
        }
        let keys = vec!["a".to_owned(), "b_c".to_owned()];
        assert_eq!(facilities_from_text(&facilities_text(&keys)), keys);
        assert!(facilities_from_text("").is_empty());
    }
}
