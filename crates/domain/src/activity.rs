//! An activity as recorded: what was done for women, where, when, for how
//! many. Every rule a form or an API body must meet lives here.

use time::Date;
use time::macros::format_description;

use crate::text::Field;
use crate::{FieldError, Month};

/// The highest participant count a single activity may claim.
pub const MAX_PARTICIPANTS: i64 = 100_000;

/// An activity's fields as typed, before any rule is checked.
#[derive(Debug, Clone, Default)]
pub struct ActivityDraft {
    pub date: String,
    pub type_key: String,
    pub program_key: Option<String>,
    pub title: String,
    pub title_mn: Option<String>,
    pub place: Option<String>,
    pub participants: Option<i64>,
    pub women: Option<i64>,
    pub summary: Option<String>,
}

/// The fields of an activity that passed every rule (dictionary keys are
/// checked against the dictionaries by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub date: Date,
    pub type_key: String,
    pub program_key: Option<String>,
    pub title: String,
    pub title_mn: Option<String>,
    pub place: Option<String>,
    pub participants: i64,
    pub women: i64,
    pub summary: Option<String>,
}

impl ActivityFields {
    pub fn month(&self) -> Month {
        Month::of_date(self.date)
    }

    /// `YYYY-MM-DD`.
    pub fn date_text(&self) -> String {
        format_date(self.date)
    }
}

pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// An activity's text field: the shared rule ([`crate::text`]) with this
/// form's message for a long text.
fn line(field: &'static str) -> Field {
    Field::line(field, 100).too_long(TEXT_LONG)
}

const TEXT_LONG: &str = "err.activity.text_long";

impl ActivityDraft {
    /// Checks every field and reports every violation, so a form can mark
    /// all of them at once. `today` bounds the date from above.
    pub fn validate(&self, today: Date) -> Result<ActivityFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = match parse_date(&self.date) {
            None => {
                errors.push(FieldError::new("date", "err.activity.date_format"));
                None
            }
            Some(d) if d > today => {
                errors.push(FieldError::new("date", "err.activity.date_future"));
                None
            }
            Some(d) if d.year() < 2000 => {
                errors.push(FieldError::new("date", "err.activity.date_old"));
                None
            }
            Some(d) => Some(d),
        };
        let type_key = self.type_key.trim().to_owned();
        if type_key.is_empty() {
            errors.push(FieldError::new("type", "err.activity.type_unknown"));
        }
        let program_key = self
            .program_key
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let title = line("title").required(&self.title, "err.activity.title_required", &mut errors);
        let title_mn = line("title_mn")
            .mongolian()
            .optional(self.title_mn.as_deref(), &mut errors);
        let place = line("place").optional(self.place.as_deref(), &mut errors);
        let summary = Field::text("summary", 2000)
            .too_long(TEXT_LONG)
            .optional(self.summary.as_deref(), &mut errors);
        let participants = match self.participants {
            Some(n) if (0..=MAX_PARTICIPANTS).contains(&n) => Some(n),
            Some(_) => {
                errors.push(FieldError::new(
                    "participants",
                    "err.activity.participants_range",
                ));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "participants",
                    "err.activity.participants_required",
                ));
                None
            }
        };
        let women = match (self.women, participants) {
            (None, _) => Some(0),
            (Some(w), _) if w < 0 => {
                errors.push(FieldError::new("women", "err.activity.women_range"));
                None
            }
            (Some(w), Some(p)) if w > p => {
                errors.push(FieldError::new("women", "err.activity.women_over"));
                None
            }
            (Some(w), _) => Some(w),
        };
        match (date, title, participants, women) {
            (Some(date), Some(title), Some(participants), Some(women)) if errors.is_empty() => {
                Ok(ActivityFields {
                    date,
                    type_key,
                    program_key,
                    title,
                    title_mn,
                    place,
                    participants,
                    women,
                    summary,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn draft() -> ActivityDraft {
        ActivityDraft {
            date: "2026-11-20".into(),
            type_key: "lecture".into(),
            title: "巾帼大宣讲进嘎查".into(),
            participants: Some(40),
            women: Some(31),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_draft() {
        let f = draft().validate(date!(2026 - 11 - 28)).unwrap();
        assert_eq!(f.month().to_string(), "2026-11");
        assert_eq!(f.date_text(), "2026-11-20");
    }

    #[test]
    fn the_mongolian_title_is_in_mongolian_script() {
        let today = date!(2026 - 11 - 28);
        let mut d = draft();
        d.title_mn = Some("ᠰᠤᠷᠭᠠᠯ".into());
        assert_eq!(
            d.validate(today).unwrap().title_mn.as_deref(),
            Some("ᠰᠤᠷᠭᠠᠯ")
        );
        d.title_mn = Some("巾帼大宣讲".into());
        let errs = d.validate(today).unwrap_err();
        assert_eq!(
            (errs[0].field.as_ref(), errs[0].key),
            ("title_mn", "err.text.mongolian")
        );
    }

    #[test]
    fn every_error_is_reported() {
        let d = ActivityDraft {
            date: "2026-12-01".into(),
            type_key: " ".into(),
            title: "".into(),
            participants: Some(10),
            women: Some(11),
            ..Default::default()
        };
        let errs = d.validate(date!(2026 - 11 - 28)).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| (e.field.as_ref(), e.key)).collect();
        assert_eq!(
            fields,
            [
                ("date", "err.activity.date_future"),
                ("type", "err.activity.type_unknown"),
                ("title", "err.activity.title_required"),
                ("women", "err.activity.women_over"),
            ]
        );
        let mut d = draft();
        d.participants = Some(100_001);
        assert_eq!(
            d.validate(date!(2026 - 11 - 28)).unwrap_err()[0].field,
            "participants"
        );
        d.participants = Some(-1);
        assert!(d.validate(date!(2026 - 11 - 28)).is_err());
        let mut d = draft();
        d.date = "1999-12-31".into();
        assert_eq!(
            d.validate(date!(2026 - 11 - 28)).unwrap_err()[0].key,
            "err.activity.date_old"
        );
    }
}
