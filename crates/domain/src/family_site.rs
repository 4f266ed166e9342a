//! Family-education services (家庭教育指导服务): the service sites a
//! federation registers (家长学校, 家庭教育指导服务站/点, 儿童之家) and the
//! volunteer counsellors (指导师) who serve them.
//!
//! A site counts as coverage exactly like a Women's Home: only an active
//! site at a geographic village (or community) covers it, so the status
//! is the homes' own [`HomeStatus`] under another name.

use serde::Serialize;
use time::Date;

use crate::FieldError;
use crate::activity::parse_date;
use crate::text::Field;

pub use crate::home::HomeStatus as SiteStatus;

macro_rules! site_id {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        $crate::schema_component!(
            $name,
            stringify!($name),
            $crate::schema::int64_from(concat!($($doc),*).trim(), 1)
        );

        impl $name {
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }
            pub const fn get(self) -> i64 {
                self.0
            }
        }
    };
}

site_id!(
    /// Surrogate key of a family-education service site.
    FamilySiteId
);
site_id!(
    /// Surrogate key of a volunteer family-education counsellor (指导师).
    CounsellorId
);

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;
pub const PERSON_NAME_MAX: usize = 50;
pub const QUALIFICATION_MAX: usize = 100;
/// More sites than one counsellor could serve is scripted input.
pub const SITES_MAX: usize = 20;

/// The kinds of site the federation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// 家长学校.
    ParentSchool,
    /// 家庭教育指导服务站 (a banner's or a township's).
    GuidanceStation,
    /// 家庭教育指导服务点 (a village's or a community's).
    GuidancePoint,
    /// 儿童之家.
    ChildrenHome,
}

impl SiteKind {
    pub const ALL: [SiteKind; 4] = [
        SiteKind::ParentSchool,
        SiteKind::GuidanceStation,
        SiteKind::GuidancePoint,
        SiteKind::ChildrenHome,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SiteKind::ParentSchool => "parent_school",
            SiteKind::GuidanceStation => "guidance_station",
            SiteKind::GuidancePoint => "guidance_point",
            SiteKind::ChildrenHome => "children_home",
        }
    }

    pub fn parse(s: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

/// A site as typed into a form or sent to the API, before any check.
#[derive(Debug, Clone, Default)]
pub struct SiteDraft {
    pub kind: String,
    pub name: String,
    pub address: String,
    /// `None` is a new site's default: active.
    pub status: Option<String>,
    /// `YYYY-MM-DD`, optional.
    pub established_on: Option<String>,
}

/// A site's checked fields.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteFields {
    pub kind: SiteKind,
    pub name: String,
    pub address: String,
    pub status: SiteStatus,
    pub established_on: Option<Date>,
}

fn required(
    s: &str,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    Field::line(field, max)
        .too_long("err.fsite.too_long")
        .required(s, "err.fsite.required", errors)
}

impl SiteDraft {
    /// Checks every field, reporting all problems at once. `today` bounds
    /// the founding date: a site is not established in the future.
    pub fn validate(&self, today: Date) -> Result<SiteFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = SiteKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "err.fsite.kind"));
        }
        let name = required(&self.name, "name", NAME_MAX, &mut errors);
        let address = required(&self.address, "address", ADDRESS_MAX, &mut errors);
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => Some(SiteStatus::Active),
            Some(s) => SiteStatus::parse(s).or_else(|| {
                errors.push(FieldError::new("status", "err.fsite.status"));
                None
            }),
        };
        let established_on = match self.established_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match parse_date(s) {
                Some(d) if d <= today && d.year() >= 1949 => Some(d),
                Some(_) => {
                    errors.push(FieldError::new("established_on", "err.fsite.date_range"));
                    None
                }
                None => {
                    errors.push(FieldError::new("established_on", "err.fsite.date"));
                    None
                }
            },
        };
        match (kind, name, address, status) {
            (Some(kind), Some(name), Some(address), Some(status)) if errors.is_empty() => {
                Ok(SiteFields {
                    kind,
                    name,
                    address,
                    status,
                    established_on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A counsellor as typed, before any check. `sites` are ids as given;
/// the caller checks that each is a site it may see.
#[derive(Debug, Clone, Default)]
pub struct CounsellorDraft {
    pub name: String,
    pub qualification: String,
    pub sites: Vec<i64>,
}

/// A counsellor's checked fields; the name is sealed when stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CounsellorFields {
    pub name: String,
    pub qualification: Option<String>,
    pub sites: Vec<FamilySiteId>,
}

impl CounsellorDraft {
    pub fn validate(&self) -> Result<CounsellorFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required(&self.name, "name", PERSON_NAME_MAX, &mut errors);
        let qualification = Field::line("qualification", QUALIFICATION_MAX)
            .too_long("err.fsite.too_long")
            .optional(Some(self.qualification.as_str()), &mut errors);
        let mut sites: Vec<FamilySiteId> = Vec::new();
        for &s in &self.sites {
            if s <= 0 {
                errors.push(FieldError::new("sites", "err.fsite.site_unknown"));
                break;
            }
            if !sites.iter().any(|x| x.get() == s) {
                sites.push(FamilySiteId::new(s));
            }
        }
        if sites.len() > SITES_MAX {
            errors.push(FieldError::new("sites", "err.fsite.too_many_sites"));
        }
        match name {
            Some(name) if errors.is_empty() => Ok(CounsellorFields {
                name,
                qualification,
                sites,
            }),
            _ => Err(errors),
        }
    }
}

/// The activity types that are family-education guidance sessions
/// (送家教, 家庭教育指导): a session recorded at a site takes one of them.
pub const SESSION_TYPES: [&str; 2] = ["family_education", "send_family_edu"];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    fn draft() -> SiteDraft {
        SiteDraft {
            kind: "parent_school".into(),
            name: " 伊利勒特嘎查家长学校 ".into(),
            address: "嘎查党群服务中心".into(),
            status: None,
            established_on: Some("2024-03-08".into()),
        }
    }

    fn keys(r: Result<SiteFields, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err()
            .into_iter()
            .map(|e| format!("{}={}", e.field, e.key))
            .collect()
    }

    #[test]
    fn a_plausible_site_parses() {
        let f = draft().validate(TODAY).unwrap();
        assert_eq!(f.name, "伊利勒特嘎查家长学校");
        assert_eq!(f.kind, SiteKind::ParentSchool);
        assert_eq!(f.status, SiteStatus::Active);
        assert_eq!(f.established_on, Some(date!(2024 - 03 - 08)));
    }

    #[test]
    fn every_problem_at_once() {
        let d = SiteDraft {
            kind: "school".into(),
            name: " ".into(),
            address: "地".repeat(ADDRESS_MAX + 1),
            status: Some("open".into()),
            established_on: Some("2027-01-01".into()),
        };
        assert_eq!(
            keys(d.validate(TODAY)),
            vec![
                "kind=err.fsite.kind",
                "name=err.fsite.required",
                "address=err.fsite.too_long",
                "status=err.fsite.status",
                "established_on=err.fsite.date_range",
            ]
        );
        let d = SiteDraft {
            established_on: Some("3月8日".into()),
            ..draft()
        };
        assert_eq!(
            keys(d.validate(TODAY)),
            vec!["established_on=err.fsite.date"]
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in SiteKind::ALL {
            assert_eq!(SiteKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(SiteKind::parse("nursery"), None);
    }

    #[test]
    fn counsellors_need_a_name_and_known_site_ids() {
        let ok = CounsellorDraft {
            name: " 萨仁 ".into(),
            qualification: "家庭教育指导师（中级）".into(),
            sites: vec![3, 3, 5],
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name, "萨仁");
        assert_eq!(ok.sites, vec![FamilySiteId::new(3), FamilySiteId::new(5)]);
        let bad = CounsellorDraft {
            name: "".into(),
            qualification: "资".repeat(QUALIFICATION_MAX + 1),
            sites: vec![0],
        }
        .validate()
        .unwrap_err();
        let got: Vec<_> = bad
            .iter()
            .map(|e| format!("{}={}", e.field, e.key))
            .collect();
        assert_eq!(
            got,
            vec![
                "name=err.fsite.required",
                "qualification=err.fsite.too_long",
                "sites=err.fsite.site_unknown"
            ]
        );
    }
}
