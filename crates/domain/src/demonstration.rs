//! Demonstration sites (三级示范, issue 15 item 5): the region, a league or
//! a banner designates a grassroots federation (module `organisations`) or
//! a Women's Home (module `homes`) of its subtree as a demonstration of its
//! level for a period, evaluates it once a year against a score sheet it
//! defines with the designation (items and weights that total 100), and may
//! revoke it with a reason.
//!
//! Scores: each item is scored from 0 to its weight (whole points), so the
//! total of an evaluation is the plain sum, out of 100.
//!
//! The rules here are pure; the store applies them inside its transactions.

use serde::Serialize;
use time::Date;

use crate::activity::parse_date;
use crate::text::Field;
use crate::{FieldError, Level};

macro_rules! demo_id {
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

demo_id!(
    /// Surrogate key of a demonstration designation (示范点).
    DemonstrationId
);
demo_id!(
    /// Surrogate key of a yearly evaluation of a demonstration.
    EvaluationId
);

pub const REASON_MAX: usize = 1000;
pub const REVOKE_REASON_MAX: usize = 500;
pub const ITEM_LABEL_MAX: usize = 50;
pub const NOTE_MAX: usize = 500;
/// More items than a score sheet could plausibly hold is scripted input.
pub const ITEMS_MAX: usize = 20;
/// The weights of a score sheet add up to this; the total of an
/// evaluation is out of it.
pub const WEIGHT_TOTAL: i64 = 100;
/// Longest designation period in years.
pub const PERIOD_MAX_YEARS: i64 = 10;

/// What is designated: a grassroots federation or a Women's Home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DemonstrationSiteKind)]
pub enum SiteKind {
    Organisation,
    Home,
}

impl SiteKind {
    pub const ALL: [SiteKind; 2] = [SiteKind::Organisation, SiteKind::Home];

    pub const fn as_str(self) -> &'static str {
        match self {
            SiteKind::Organisation => "organisation",
            SiteKind::Home => "home",
        }
    }

    pub fn parse(s: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A designation's stored state: standing, or revoked (final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Active,
    Revoked,
}

impl Standing {
    pub const fn as_str(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Standing> {
        [Standing::Active, Standing::Revoked]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
}

/// What a reader sees: in force, past its period (expired), or revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DemonstrationStatus)]
pub enum Status {
    /// Not revoked and its period not over.
    Active,
    /// Not revoked, its period over.
    Expired,
    Revoked,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Active, Status::Expired, Status::Revoked];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The status on `today` of a designation in `standing` ending on `to`.
    pub fn of(standing: Standing, to: Date, today: Date) -> Status {
        match standing {
            Standing::Revoked => Status::Revoked,
            Standing::Active if to < today => Status::Expired,
            Standing::Active => Status::Active,
        }
    }
}

/// Only the region, a league or a banner designates; the level of the
/// demonstration is the designating unit's.
pub fn may_designate(level: Level) -> bool {
    level <= Level::BANNER
}

/// The name of a demonstration level (`region`, `league`, `banner`), for
/// message keys; `None` below a banner.
pub fn level_name(level: Level) -> Option<&'static str> {
    match level.get() {
        1 => Some("region"),
        2 => Some("league"),
        3 => Some("banner"),
        _ => None,
    }
}

/// A score-sheet item as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemDraft {
    pub label: String,
    pub weight: Option<i64>,
}

/// A checked score-sheet item: a label and a positive weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreItem {
    pub label: String,
    pub weight: i64,
}

/// A designation as typed into a form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct DesignationDraft {
    pub period_from: String,
    pub period_to: String,
    pub reason: String,
    pub items: Vec<ItemDraft>,
}

/// A designation's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignationFields {
    pub from: Date,
    pub to: Date,
    pub reason: String,
    pub items: Vec<ScoreItem>,
}

fn date_field(s: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Date> {
    if s.trim().is_empty() {
        errors.push(FieldError::new(field, "err.demo.required"));
        return None;
    }
    let d = parse_date(s);
    if d.is_none() {
        errors.push(FieldError::new(field, "err.demo.date"));
    }
    d
}

impl DesignationDraft {
    /// Checks every field, reporting all problems at once. Item fields are
    /// named `items[i].label` / `items[i].weight`; a sheet whose weights
    /// do not total 100 is an error on `items`.
    pub fn validate(&self) -> Result<DesignationFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let from = date_field(&self.period_from, "period_from", &mut errors);
        let to = date_field(&self.period_to, "period_to", &mut errors);
        if let (Some(f), Some(t)) = (from, to) {
            if t <= f {
                errors.push(FieldError::new("period_to", "err.demo.period_order"));
            } else if (t - f).whole_days() > PERIOD_MAX_YEARS * 366 {
                errors.push(FieldError::new("period_to", "err.demo.period_long"));
            }
        }
        let reason = Field::text("reason", REASON_MAX)
            .too_long("err.demo.too_long")
            .required(&self.reason, "err.demo.required", &mut errors);
        let items = check_items(&self.items, &mut errors);
        match (from, to, reason, items) {
            (Some(from), Some(to), Some(reason), Some(items)) if errors.is_empty() => {
                Ok(DesignationFields {
                    from,
                    to,
                    reason,
                    items,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The score sheet: rows left wholly blank are dropped (a form offers
/// spare rows); each kept row has a label and a weight of 1–100; labels
/// are unique; the weights total exactly 100.
fn check_items(drafts: &[ItemDraft], errors: &mut Vec<FieldError>) -> Option<Vec<ScoreItem>> {
    let before = errors.len();
    let rows: Vec<(usize, &ItemDraft)> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.label.trim().is_empty() || d.weight.is_some())
        .collect();
    if rows.is_empty() {
        errors.push(FieldError::new("items", "err.demo.items_missing"));
        return None;
    }
    if rows.len() > ITEMS_MAX {
        errors.push(FieldError::new("items", "err.demo.items_many"));
        return None;
    }
    let mut items = Vec::new();
    for (i, d) in rows {
        let label = Field::line(format!("items[{i}].label"), ITEM_LABEL_MAX)
            .too_long("err.demo.too_long")
            .required(&d.label, "err.demo.required", errors);
        let weight = match d.weight {
            Some(w) if (1..=WEIGHT_TOTAL).contains(&w) => Some(w),
            Some(_) => {
                errors.push(FieldError::named(
                    format!("items[{i}].weight"),
                    "err.demo.weight",
                ));
                None
            }
            None => {
                errors.push(FieldError::named(
                    format!("items[{i}].weight"),
                    "err.demo.required",
                ));
                None
            }
        };
        if let Some(l) = &label
            && items.iter().any(|x: &ScoreItem| &x.label == l)
        {
            errors.push(FieldError::named(
                format!("items[{i}].label"),
                "err.demo.item_twice",
            ));
        }
        if let (Some(label), Some(weight)) = (label, weight) {
            items.push(ScoreItem { label, weight });
        }
    }
    if errors.len() > before {
        return None;
    }
    if items.iter().map(|x| x.weight).sum::<i64>() != WEIGHT_TOTAL {
        errors.push(FieldError::new("items", "err.demo.weights_total"));
        return None;
    }
    Some(items)
}

/// A revocation's reason: one paragraph, required.
pub fn parse_revoke_reason(s: &str) -> Result<String, FieldError> {
    Field::text("reason", REVOKE_REASON_MAX)
        .too_long("err.demo.too_long")
        .check_required(s, "err.demo.required")
}

/// An evaluation as typed: the year and one score per item, in the sheet's
/// order.
#[derive(Debug, Clone, Default)]
pub struct EvaluationDraft {
    pub year: Option<i64>,
    pub scores: Vec<Option<i64>>,
    pub note: Option<String>,
}

/// A checked evaluation: scores in the sheet's order, and their total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationFields {
    pub year: i32,
    pub scores: Vec<i64>,
    pub total: i64,
    pub note: Option<String>,
}

impl EvaluationDraft {
    /// Checks the evaluation against the designation's sheet and period:
    /// the year lies within the period and is not in the future; there is
    /// one score per item, each from 0 to the item's weight.
    pub fn validate(
        &self,
        items: &[ScoreItem],
        from: Date,
        to: Date,
        today: Date,
    ) -> Result<EvaluationFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let year = match self.year {
            None => {
                errors.push(FieldError::new("year", "err.demo.required"));
                None
            }
            Some(y) if y < i64::from(from.year()) || y > i64::from(to.year()) => {
                errors.push(FieldError::new("year", "err.demo.year_period"));
                None
            }
            Some(y) if y > i64::from(today.year()) => {
                errors.push(FieldError::new("year", "err.demo.year_future"));
                None
            }
            Some(y) => i32::try_from(y).ok(),
        };
        if self.scores.len() != items.len() {
            errors.push(FieldError::new("scores", "err.demo.scores_count"));
        }
        let mut scores = Vec::new();
        for (i, (s, item)) in self.scores.iter().zip(items).enumerate() {
            match s {
                None => errors.push(FieldError::named(
                    format!("scores[{i}]"),
                    "err.demo.required",
                )),
                Some(v) if (0..=item.weight).contains(v) => scores.push(*v),
                Some(_) => errors.push(FieldError::named(
                    format!("scores[{i}]"),
                    "err.demo.score_range",
                )),
            }
        }
        let note = Field::text("note", NOTE_MAX)
            .too_long("err.demo.too_long")
            .optional(self.note.as_deref(), &mut errors);
        match year {
            Some(year) if errors.is_empty() => Ok(EvaluationFields {
                year,
                total: scores.iter().sum(),
                scores,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// Why the store refused a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The site has a standing designation of this level whose period
    /// overlaps the new one.
    SiteTaken,
    /// Only the designating unit (or one above it) evaluates and revokes.
    NotDesignator,
    Revoked,
    /// The designation has an evaluation for that year.
    YearTaken,
    /// Only the region, a league or a banner designates.
    LevelTooLow,
    /// A closed or suspended Women's Home is no demonstration.
    SiteInactive,
}

impl Refusal {
    pub const fn key(self) -> &'static str {
        match self {
            Refusal::SiteTaken => "err.demo.site_taken",
            Refusal::NotDesignator => "err.demo.not_designator",
            Refusal::Revoked => "err.demo.revoked",
            Refusal::YearTaken => "err.demo.year_taken",
            Refusal::LevelTooLow => "err.demo.level",
            Refusal::SiteInactive => "err.demo.site_inactive",
        }
    }

    pub const fn field(self) -> &'static str {
        match self {
            Refusal::SiteTaken | Refusal::SiteInactive => "site_id",
            Refusal::NotDesignator | Refusal::Revoked => "demonstration",
            Refusal::YearTaken => "year",
            Refusal::LevelTooLow => "unit_code",
        }
    }

    pub const ALL: [Refusal; 6] = [
        Refusal::SiteTaken,
        Refusal::NotDesignator,
        Refusal::Revoked,
        Refusal::YearTaken,
        Refusal::LevelTooLow,
        Refusal::SiteInactive,
    ];
}

/// Whether two periods share a day.
pub fn overlaps(a: (Date, Date), b: (Date, Date)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn item(label: &str, weight: i64) -> ItemDraft {
        ItemDraft {
            label: label.into(),
            weight: Some(weight),
        }
    }

    fn draft() -> DesignationDraft {
        DesignationDraft {
            period_from: "2025-01-01".into(),
            period_to: "2027-12-31".into(),
            reason: "组织健全，活动经常，群众满意。".into(),
            items: vec![
                item("组织建设", 30),
                item("阵地建设", 30),
                item("活动开展", 40),
                ItemDraft::default(),
            ],
        }
    }

    fn keys(r: Vec<FieldError>) -> Vec<String> {
        r.into_iter()
            .map(|e| format!("{}={}", e.field, e.key))
            .collect()
    }

    #[test]
    fn a_designation_parses_and_blank_rows_are_dropped() {
        let f = draft().validate().unwrap();
        assert_eq!(f.items.len(), 3);
        assert_eq!(f.items.iter().map(|i| i.weight).sum::<i64>(), 100);
        assert_eq!(f.from, date!(2025 - 01 - 01));
    }

    #[test]
    fn every_problem_at_once() {
        let d = DesignationDraft {
            period_from: "2026-05-01".into(),
            period_to: "2026-04-30".into(),
            reason: "  ".into(),
            items: vec![item("组织建设", 0), item("", 50), item("活动", 150)],
        };
        assert_eq!(
            keys(d.validate().unwrap_err()),
            vec![
                "period_to=err.demo.period_order",
                "reason=err.demo.required",
                "items[0].weight=err.demo.weight",
                "items[1].label=err.demo.required",
                "items[2].weight=err.demo.weight",
            ]
        );
        let d = DesignationDraft {
            period_from: "2026-13-01".into(),
            period_to: String::new(),
            ..draft()
        };
        assert_eq!(
            keys(d.validate().unwrap_err()),
            vec!["period_from=err.demo.date", "period_to=err.demo.required"]
        );
    }

    #[test]
    fn weights_must_total_100_and_labels_be_unique() {
        let d = DesignationDraft {
            items: vec![item("组织建设", 30), item("活动开展", 60)],
            ..draft()
        };
        assert_eq!(
            keys(d.validate().unwrap_err()),
            vec!["items=err.demo.weights_total"]
        );
        let d = DesignationDraft {
            items: vec![item("组织建设", 50), item("组织建设", 50)],
            ..draft()
        };
        assert_eq!(
            keys(d.validate().unwrap_err()),
            vec!["items[1].label=err.demo.item_twice"]
        );
        let d = DesignationDraft {
            items: vec![ItemDraft::default()],
            ..draft()
        };
        assert_eq!(
            keys(d.validate().unwrap_err()),
            vec!["items=err.demo.items_missing"]
        );
        let d = DesignationDraft {
            items: (0..21).map(|i| item(&format!("项{i}"), 1)).collect(),
            ..draft()
        };
        assert_eq!(
            keys(d.validate().unwrap_err()),
            vec!["items=err.demo.items_many"]
        );
    }

    #[test]
    fn evaluations_score_each_item_up_to_its_weight() {
        let sheet = draft().validate().unwrap();
        let (from, to, today) = (sheet.from, sheet.to, date!(2026 - 06 - 01));
        let ok = EvaluationDraft {
            year: Some(2025),
            scores: vec![Some(28), Some(30), Some(0)],
            note: None,
        }
        .validate(&sheet.items, from, to, today)
        .unwrap();
        assert_eq!((ok.year, ok.total), (2025, 58));
        let bad = EvaluationDraft {
            year: Some(2027),
            scores: vec![Some(31), None, Some(-1)],
            note: None,
        }
        .validate(&sheet.items, from, to, today)
        .unwrap_err();
        assert_eq!(
            keys(bad),
            vec![
                "year=err.demo.year_future",
                "scores[0]=err.demo.score_range",
                "scores[1]=err.demo.required",
                "scores[2]=err.demo.score_range",
            ]
        );
        let short = EvaluationDraft {
            year: Some(2024),
            scores: vec![Some(1)],
            note: None,
        }
        .validate(&sheet.items, from, to, today)
        .unwrap_err();
        assert_eq!(
            keys(short),
            vec!["year=err.demo.year_period", "scores=err.demo.scores_count"]
        );
    }

    #[test]
    fn statuses_levels_and_overlaps() {
        let to = date!(2026 - 12 - 31);
        assert_eq!(
            Status::of(Standing::Active, to, date!(2026 - 12 - 31)),
            Status::Active
        );
        assert_eq!(
            Status::of(Standing::Active, to, date!(2027 - 01 - 01)),
            Status::Expired
        );
        assert_eq!(
            Status::of(Standing::Revoked, to, date!(2026 - 01 - 01)),
            Status::Revoked
        );
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for k in SiteKind::ALL {
            assert_eq!(SiteKind::parse(k.as_str()), Some(k));
        }
        assert!(may_designate(Level::BANNER) && !may_designate(Level::TOWNSHIP));
        assert_eq!(level_name(Level::LEAGUE), Some("league"));
        let a = (date!(2025 - 01 - 01), date!(2025 - 12 - 31));
        assert!(overlaps(a, (date!(2025 - 12 - 31), date!(2026 - 06 - 30))));
        assert!(!overlaps(a, (date!(2026 - 01 - 01), date!(2026 - 06 - 30))));
        assert!(parse_revoke_reason(" ").is_err());
        assert_eq!(parse_revoke_reason(" 整改不到位 ").unwrap(), "整改不到位");
    }
}
