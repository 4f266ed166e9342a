//! The 领头雁 training plan (issue 15 items 3 and 4): a unit (region,
//! league, banner) plans a programme for a year with a target audience and
//! the hours that complete it; its classes have dates, a venue or online,
//! hours, a capacity and places allocated to units below; the units below
//! enrol members of their committees; attendance is taken at the venue.
//!
//! The rules here are pure: what a programme and a class may be, the
//! attendance code's time slot, and when a trainee has completed.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::activity::parse_date;
use crate::text::Field;
use crate::{FieldError, Level};

macro_rules! training_id {
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

training_id!(
    /// Surrogate key of a training programme (领头雁培训计划) for a year.
    ProgrammeId
);
training_id!(
    /// Surrogate key of a class of a training programme.
    ClassId
);
training_id!(
    /// Surrogate key of an enrolment of a committee member in a class.
    EnrolmentId
);
training_id!(
    /// Surrogate key of a material (a file) of a training class.
    MaterialId
);

pub const TITLE_MAX: usize = 100;
pub const PLACE_MAX: usize = 100;
pub const TEACHERS_MAX: usize = 200;
pub const YEARS: (i32, i32) = (2000, 2100);
pub const TARGET_MAX: i64 = 100_000;
pub const PROGRAMME_HOURS_MAX: i64 = 500;
pub const CLASS_HOURS_MAX: i64 = 200;
pub const CAPACITY_MAX: i64 = 2_000;
/// Places allocated to units below in one class.
pub const ALLOCATIONS_MAX: usize = 200;
/// How long one attendance code is shown, in seconds.
pub const SLOT_SECS: i64 = 30;

/// Who a programme is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// 村（社区）妇联主席.
    VillageChairs,
    /// 乡镇（街道）妇联主席.
    TownshipChairs,
    /// 执委.
    ExecutiveMembers,
    /// 新领域妇女组织负责人.
    SectorChairs,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::VillageChairs,
        Audience::TownshipChairs,
        Audience::ExecutiveMembers,
        Audience::SectorChairs,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Audience::VillageChairs => "village_chairs",
            Audience::TownshipChairs => "township_chairs",
            Audience::ExecutiveMembers => "executive_members",
            Audience::SectorChairs => "sector_chairs",
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }
}

/// Where a class is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClassMode {
    /// At a venue (attendance by the code on the class page or the roll).
    Venue,
    Online,
}

impl ClassMode {
    pub const ALL: [ClassMode; 2] = [ClassMode::Venue, ClassMode::Online];

    pub const fn as_str(self) -> &'static str {
        match self {
            ClassMode::Venue => "venue",
            ClassMode::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<ClassMode> {
        ClassMode::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }
}

/// How attendance was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendedVia {
    /// She scanned the class page's code with her phone.
    Scan,
    /// The class keeper ticked her off the roll.
    Roll,
    /// From an offline roll uploaded as a workbook.
    Upload,
}

impl AttendedVia {
    pub const ALL: [AttendedVia; 3] = [AttendedVia::Scan, AttendedVia::Roll, AttendedVia::Upload];

    pub const fn as_str(self) -> &'static str {
        match self {
            AttendedVia::Scan => "scan",
            AttendedVia::Roll => "roll",
            AttendedVia::Upload => "upload",
        }
    }

    pub fn parse(s: &str) -> Option<AttendedVia> {
        AttendedVia::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
    }
}

/// A programme as typed.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeDraft {
    pub title: String,
    /// The title in traditional Mongolian, optional.
    pub title_mn: Option<String>,
    pub year: Option<i64>,
    pub audience: String,
    pub target: Option<i64>,
    pub hours: Option<i64>,
}

/// A checked programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeFields {
    pub title: String,
    /// Printed in the Mongolian column of the certificate.
    pub title_mn: Option<String>,
    pub year: i32,
    pub audience: Audience,
    /// How many people the programme means to train.
    pub target: i64,
    /// Attended class hours that complete the programme.
    pub hours: i64,
}

fn int_in(
    v: Option<i64>,
    field: &'static str,
    (lo, hi): (i64, i64),
    key: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    match v {
        Some(n) if (lo..=hi).contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(field, key));
            None
        }
    }
}

/// Whether a unit of this level may plan a programme: the region, a
/// league or a banner (the townships and villages enrol).
pub fn may_plan(level: Level) -> bool {
    level.get() <= 3
}

impl ProgrammeDraft {
    /// Every field checked, all errors together.
    pub fn parse(&self) -> Result<ProgrammeFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = Field::line("title", TITLE_MAX)
            .too_long("err.training.title_long")
            .required(&self.title, "err.training.title_required", &mut errors);
        let title_mn = Field::line("title_mn", TITLE_MAX)
            .too_long("err.training.title_long")
            .mongolian()
            .optional(self.title_mn.as_deref(), &mut errors);
        let year = int_in(
            self.year,
            "year",
            (i64::from(YEARS.0), i64::from(YEARS.1)),
            "err.training.year",
            &mut errors,
        );
        let audience = Audience::parse(&self.audience);
        if audience.is_none() {
            errors.push(FieldError::new("audience", "err.training.audience"));
        }
        let target = int_in(
            self.target,
            "target",
            (1, TARGET_MAX),
            "err.training.target",
            &mut errors,
        );
        let hours = int_in(
            self.hours,
            "hours",
            (1, PROGRAMME_HOURS_MAX),
            "err.training.programme_hours",
            &mut errors,
        );
        match (title, year, audience, target, hours) {
            (Some(title), Some(year), Some(audience), Some(target), Some(hours))
                if errors.is_empty() =>
            {
                Ok(ProgrammeFields {
                    title,
                    title_mn,
                    year: i32::try_from(year).unwrap_or(YEARS.0),
                    audience,
                    target,
                    hours,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Places of a class allocated to a unit below the planner, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = TrainingPlacesInput)]
pub struct PlacesDraft {
    /// Code of a unit below the planning unit.
    #[schema(value_type = crate::UnitCode)]
    pub unit_code: String,
    #[schema(minimum = 1)]
    pub places: Option<i64>,
}

/// A class as typed.
#[derive(Debug, Clone, Default)]
pub struct ClassDraft {
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub mode: String,
    pub place: Option<String>,
    pub hours: Option<i64>,
    pub capacity: Option<i64>,
    pub teachers: Option<String>,
    pub places: Vec<PlacesDraft>,
}

/// A checked class; the allocations' unit codes are checked by the store
/// (they must lie below the planning unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassFields {
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub mode: ClassMode,
    /// The venue; required for a class at a venue.
    pub place: Option<String>,
    pub hours: i64,
    pub capacity: i64,
    pub teachers: Option<String>,
    /// (unit code as typed, places), in the order given.
    pub places: Vec<(String, i64)>,
}

impl ClassDraft {
    /// Every field checked, all errors together; `year` is the
    /// programme's, which the class must start in.
    pub fn parse(&self, year: i32) -> Result<ClassFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = Field::line("title", TITLE_MAX)
            .too_long("err.training.title_long")
            .required(&self.title, "err.training.title_required", &mut errors);
        let starts_on = parse_date(&self.starts_on);
        match starts_on {
            None => errors.push(FieldError::new("starts_on", "err.training.date")),
            Some(d) if d.year() != year => {
                errors.push(FieldError::new("starts_on", "err.training.year_mismatch"));
            }
            Some(_) => {}
        }
        let ends_on = parse_date(&self.ends_on);
        match (starts_on, ends_on) {
            (_, None) => errors.push(FieldError::new("ends_on", "err.training.date")),
            (Some(s), Some(e)) if e < s => {
                errors.push(FieldError::new("ends_on", "err.training.ends_before"));
            }
            (Some(s), Some(e)) if (e - s).whole_days() > 366 => {
                errors.push(FieldError::new("ends_on", "err.training.too_long"));
            }
            _ => {}
        }
        let mode = ClassMode::parse(&self.mode);
        if mode.is_none() {
            errors.push(FieldError::new("mode", "err.training.mode"));
        }
        let place = Field::line("place", PLACE_MAX)
            .too_long("err.training.place_long")
            .optional(self.place.as_deref(), &mut errors);
        if mode == Some(ClassMode::Venue)
            && place.is_none()
            && !errors.iter().any(|e| e.field == "place")
        {
            errors.push(FieldError::new("place", "err.training.place_required"));
        }
        let hours = int_in(
            self.hours,
            "hours",
            (1, CLASS_HOURS_MAX),
            "err.training.class_hours",
            &mut errors,
        );
        let capacity = int_in(
            self.capacity,
            "capacity",
            (1, CAPACITY_MAX),
            "err.training.capacity",
            &mut errors,
        );
        let teachers = Field::line("teachers", TEACHERS_MAX)
            .too_long("err.training.teachers_long")
            .optional(self.teachers.as_deref(), &mut errors);
        let mut places = Vec::new();
        if self.places.len() > ALLOCATIONS_MAX {
            errors.push(FieldError::new("places", "err.training.places_many"));
        }
        for (i, p) in self.places.iter().enumerate() {
            let code = p.unit_code.trim().to_owned();
            if code.is_empty() {
                errors.push(FieldError::named(
                    format!("places[{i}].unit_code"),
                    "err.code.format",
                ));
            } else if places.iter().any(|(c, _)| *c == code) {
                errors.push(FieldError::named(
                    format!("places[{i}].unit_code"),
                    "err.training.places_twice",
                ));
            }
            match p.places {
                Some(n) if (1..=CAPACITY_MAX).contains(&n) => places.push((code, n)),
                _ => errors.push(FieldError::named(
                    format!("places[{i}].places"),
                    "err.training.places_number",
                )),
            }
        }
        if let Some(cap) = capacity
            && places.iter().map(|(_, n)| n).sum::<i64>() > cap
        {
            errors.push(FieldError::new("places", "err.training.places_over"));
        }
        match (title, starts_on, ends_on, mode, hours, capacity) {
            (
                Some(title),
                Some(starts_on),
                Some(ends_on),
                Some(mode),
                Some(hours),
                Some(capacity),
            ) if errors.is_empty() => Ok(ClassFields {
                title,
                starts_on,
                ends_on,
                mode,
                place,
                hours,
                capacity,
                teachers,
                places,
            }),
            _ => Err(errors),
        }
    }
}

/// The attendance code's time slot of a moment (Unix seconds): a new code
/// every [`SLOT_SECS`].
pub const fn slot_of(now: i64) -> i64 {
    now.div_euclid(SLOT_SECS)
}

/// Whether a code of `slot` is still good at `now`: the current slot and
/// the one before, so a code scanned just as the page turns counts.
pub const fn slot_fresh(slot: i64, now: i64) -> bool {
    let cur = slot_of(now);
    slot == cur || slot == cur - 1
}

/// Whether attended hours complete a programme that asks for `required`.
pub const fn completes(hours: i64, required: i64) -> bool {
    hours >= required
}

/// Percent with one decimal; `None` without a whole.
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class() -> ClassDraft {
        ClassDraft {
            title: "第一期".into(),
            starts_on: "2026-05-10".into(),
            ends_on: "2026-05-12".into(),
            mode: "venue".into(),
            place: Some("锡林浩特市党校".into()),
            hours: Some(16),
            capacity: Some(60),
            teachers: None,
            places: vec![PlacesDraft {
                unit_code: "152502200000".into(),
                places: Some(10),
            }],
        }
    }

    fn fields(r: Result<ClassFields, Vec<FieldError>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field.to_string())
            .collect()
    }

    #[test]
    fn a_class_ending_before_it_starts_is_refused() {
        assert!(class().parse(2026).is_ok());
        let mut c = class();
        c.ends_on = "2026-05-09".into();
        assert_eq!(fields(c.parse(2026)), ["ends_on"]);
        assert_eq!(fields(class().parse(2025)), ["starts_on"]);
    }

    #[test]
    fn a_venue_needs_a_place_and_places_fit_the_capacity() {
        let mut c = class();
        c.place = Some("  ".into());
        c.places[0].places = Some(61);
        let f = fields(c.parse(2026));
        assert!(f.contains(&"place".to_owned()), "{f:?}");
        assert!(f.contains(&"places".to_owned()), "{f:?}");
        let mut c = class();
        c.mode = "online".into();
        c.place = None;
        assert!(c.parse(2026).is_ok());
        let mut c = class();
        c.places.push(c.places[0].clone());
        assert_eq!(fields(c.parse(2026)), ["places[1].unit_code"]);
    }

    #[test]
    fn programme_fields_are_checked_together() {
        let d = ProgrammeDraft {
            title: String::new(),
            title_mn: Some("领头雁".into()),
            year: Some(1999),
            audience: "everyone".into(),
            target: Some(0),
            hours: Some(501),
        };
        let e = d.parse().unwrap_err();
        assert_eq!(e.len(), 6);
        assert!(
            e.iter()
                .any(|e| e.field == "title_mn" && e.key == "err.text.mongolian")
        );
        let d = ProgrammeDraft {
            title: "领头雁".into(),
            title_mn: None,
            year: Some(2026),
            audience: "village_chairs".into(),
            target: Some(100),
            hours: Some(24),
        };
        assert_eq!(d.parse().unwrap().audience, Audience::VillageChairs);
    }

    #[test]
    fn a_code_is_good_for_its_slot_and_the_one_before() {
        let now = 1_000_000_015;
        let s = slot_of(now);
        assert!(slot_fresh(s, now));
        assert!(slot_fresh(s, now + SLOT_SECS));
        assert!(!slot_fresh(s, now + 2 * SLOT_SECS));
        assert!(!slot_fresh(s + 1, now));
        assert!(completes(16, 16) && !completes(15, 16));
    }
}
