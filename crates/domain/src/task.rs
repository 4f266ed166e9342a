//! Tasks issued down the tree and the reports that come back up.
//!
//! A task carries an optional report form whose fields the issuer defines;
//! every rule for the task itself, for a field definition and for an answer
//! lives here, so the API, the web form and the importer agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use crate::activity::{format_date, parse_date};
use crate::{FieldError, Level, Month};

/// The most fields a report form may have; more is a questionnaire, which
/// this is not meant to be.
pub const MAX_FIELDS: usize = 40;
/// The most units a task may name one by one.
pub const MAX_PICKED_UNITS: usize = 500;

/// What kind of answer a field takes. `integer`: a JSON integer (never negative unless `min`
/// allows it). `decimal`: a finite JSON number. `text`: a string of at most 2000 characters.
/// `bool`: `true` or `false`. `choice`: one of the field's `choices`, as a string. `date`:
/// `YYYY-MM-DD` as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Integer,
    Decimal,
    Text,
    Bool,
    Choice,
    Date,
}

impl FieldType {
    pub const ALL: [FieldType; 6] = [
        FieldType::Integer,
        FieldType::Decimal,
        FieldType::Text,
        FieldType::Bool,
        FieldType::Choice,
        FieldType::Date,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Text => "text",
            FieldType::Bool => "bool",
            FieldType::Choice => "choice",
            FieldType::Date => "date",
        }
    }

    pub fn parse(s: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    pub const fn is_numeric(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Decimal)
    }
}

/// Which number a bound field takes: from the activity ledger, the number of activities, their
/// participants, or the women among them; from the grassroots federations (issue 15), the
/// federations in the reporting unit's subtree, the villages and communities with their own,
/// the complete committees, the committee members, and the village chairs who also sit on the
/// village committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Activities,
    Participants,
    Women,
    Organisations,
    VillageOrganisations,
    CompleteCommittees,
    CommitteeMembers,
    ChairsOnVillageCommittee,
}

impl Metric {
    pub const ALL: [Metric; 8] = [
        Metric::Activities,
        Metric::Participants,
        Metric::Women,
        Metric::Organisations,
        Metric::VillageOrganisations,
        Metric::CompleteCommittees,
        Metric::CommitteeMembers,
        Metric::ChairsOnVillageCommittee,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::Activities => "activities",
            Metric::Participants => "participants",
            Metric::Women => "women",
            Metric::Organisations => "organisations",
            Metric::VillageOrganisations => "village_organisations",
            Metric::CompleteCommittees => "complete_committees",
            Metric::CommitteeMembers => "committee_members",
            Metric::ChairsOnVillageCommittee => "chairs_on_village_committee",
        }
    }

    /// Counted from the activity ledger over the binding's months (the
    /// others are the federations' counts as the report is filled in).
    pub const fn is_ledger(self) -> bool {
        matches!(
            self,
            Metric::Activities | Metric::Participants | Metric::Women
        )
    }

    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == s.trim())
    }
}

/// Binds an `integer` field to what the system counts: the report is pre-filled with the
/// reporting unit's roll-up (its own subtree) of `metric`. A ledger metric counts over the months
/// `from`..`to` (both included), for one activity type or one programme or for all activities, 0
/// where nothing was recorded; a federation metric counts the subtree's federations as the report
/// is filled in (kept on write), the months and `type`/`program` not applying (neither may be
/// given).
/// As input: `metric` must be a known metric, `from` and `to` valid months with `from` not
/// after `to`, and at most one of `type` and `program` may be given (blank counts as absent);
/// `type` and `program` must be keys of the activity-type and programme dictionaries. Any
/// violation answers `422` with field `fields[i].bound_to`. In answers, an absent `type` or
/// `program` is left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"metric": "activities", "from": "2026-10", "to": "2026-12"}))]
pub struct Binding {
    pub metric: Metric,
    /// Key of the activity-type dictionary; counts only activities of that type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_key: Option<String>,
    /// Key of the programme dictionary; counts only activities of that programme.
    #[serde(rename = "program", default, skip_serializing_if = "Option::is_none")]
    pub program_key: Option<String>,
    /// First month of the range.
    pub from: Month,
    /// Last month of the range.
    pub to: Month,
}

/// A report-form field as stored, after the rules passed. Optional members are left out when
/// empty. Stored as JSON with the task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = FieldDefinition)]
pub struct FieldDef {
    /// Key by which answers are given.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,31}$")]
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub required: bool,
    /// The options of a `choice` field; left out for other types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false, min_items = 2, max_items = 50)]
    pub choices: Vec<String>,
    /// Smallest answer allowed, if any (numeric fields only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub min: Option<f64>,
    /// Largest answer allowed, if any (numeric fields only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub max: Option<f64>,
    /// The ledger binding, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub bound_to: Option<Binding>,
}

/// A report-form field as the issuer (or a forwarding unit) defines it. Every rule is checked
/// and all violations are reported together, each as `422` with field `fields[i].part`, `i`
/// counting from 0. A form has at most 40 fields (otherwise `422` with field `fields`). Members
/// of the wrong JSON type answer `400`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = FieldDefinitionInput)]
pub struct FieldDraft {
    /// Stable key of the field, by which answers are given: a lowercase ASCII letter, then
    /// lowercase letters, digits or `_`, at most 32 characters, trimmed (`fields[i].key`). It
    /// must be unique within the task, fields added by forwarding units included
    /// (`fields[i].key`, taken).
    #[serde(default)]
    #[schema(required = true, pattern = "^[a-z][a-z0-9_]{0,31}$", example = "songs")]
    pub key: String,
    /// What the form shows, required, at most 100 characters after trimming
    /// (`fields[i].label`).
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub label: String,
    /// One of the `FieldType` values; anything else answers `422` with `fields[i].type` and the
    /// rest of that field is not checked.
    #[serde(rename = "type", default)]
    #[schema(required = true, example = "integer")]
    pub ty: String,
    /// Whether a report can be submitted only with an answer for this field.
    #[serde(default)]
    #[schema(default = false)]
    pub required: bool,
    /// For `choice` fields only (ignored otherwise): 2–50 distinct options after trimming;
    /// blank and repeated options are dropped, an option longer than 50 characters is an error
    /// (`fields[i].choices`).
    #[serde(default)]
    pub choices: Option<Vec<String>>,
    /// For `integer` and `decimal` fields only (ignored otherwise): the smallest answer
    /// allowed. Must be finite, not above `max`, and whole for `integer` fields (otherwise
    /// `422` with `fields[i].max`).
    #[serde(default)]
    pub min: Option<f64>,
    /// For `integer` and `decimal` fields only (ignored otherwise): the largest answer allowed;
    /// same rules as `min` (`fields[i].max`).
    #[serde(default)]
    pub max: Option<f64>,
    /// Pre-fill from the activity ledger; only for `integer` fields (otherwise `422` with
    /// `fields[i].bound_to`).
    #[serde(default)]
    #[schema(value_type = Option<Binding>)]
    pub bound_to: Option<BindingDraft>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BindingDraft {
    #[serde(default)]
    pub metric: String,
    #[serde(rename = "type", default)]
    pub type_key: Option<String>,
    #[serde(rename = "program", default)]
    pub program_key: Option<String>,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// Who a task goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// Every active geographic unit at this level under the issuer.
    Level(Level),
    /// These units (codes as typed; the caller resolves them in scope).
    Units(Vec<String>),
}

/// A task as typed, before any rule is checked.
#[derive(Debug, Clone, Default)]
pub struct TaskDraft {
    pub title: String,
    pub description: String,
    pub deadline: String,
    pub target_level: Option<i64>,
    pub target_units: Vec<String>,
    pub fields: Vec<FieldDraft>,
}

/// A task that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    pub title: String,
    pub description: String,
    pub deadline: Date,
    pub targets: Targets,
    pub fields: Vec<FieldDef>,
}

fn is_key(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 32
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// This module's free text: the shared rule ([`crate::text`]), with the
/// task form's own message for a long text.
fn clean_text(s: &str, max: usize) -> Result<Option<String>, &'static str> {
    crate::text::clean_text(s, max).map_err(|e| e.key(TEXT_LONG))
}

/// [`clean_text`] for one line (titles, labels, choices, reasons).
fn clean_line(s: &str, max: usize) -> Result<Option<String>, &'static str> {
    crate::text::clean_line(s, max).map_err(|e| e.key(TEXT_LONG))
}

const TEXT_LONG: &str = "err.task.text_long";

/// A report's note: paragraphs, at most 2,000 characters.
pub fn parse_note(s: Option<&str>) -> Result<Option<String>, FieldError> {
    crate::text::Field::text("note", 2000)
        .too_long(TEXT_LONG)
        .check_optional(s)
}

/// A reason (for returning a report, for changing a pre-filled number):
/// one line, at most 500 characters, `None` when blank.
pub fn parse_reason(field: String, s: &str) -> Result<Option<String>, FieldError> {
    crate::text::Field::line(field, 500)
        .too_long(TEXT_LONG)
        .check_optional(Some(s))
}

impl TaskDraft {
    /// Checks every rule that needs no database and reports every
    /// violation. `issuer` is the issuing unit's level: targets lie below it.
    /// `taken` are keys already in use (when a forwarding unit adds fields).
    pub fn validate(&self, today: Date, issuer: Level) -> Result<TaskSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = match clean_line(&self.title, 200) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new("title", "err.task.title_required"));
                None
            }
            Err(k) => {
                errors.push(FieldError::new("title", k));
                None
            }
        };
        let description = match clean_text(&self.description, 5000) {
            Ok(d) => d.unwrap_or_default(),
            Err(k) => {
                errors.push(FieldError::new("description", k));
                String::new()
            }
        };
        let deadline = match parse_date(&self.deadline) {
            None => {
                errors.push(FieldError::new("deadline", "err.task.deadline_format"));
                None
            }
            Some(d) if d < today => {
                errors.push(FieldError::new("deadline", "err.task.deadline_past"));
                None
            }
            Some(d) if d.year() > today.year() + 5 => {
                errors.push(FieldError::new("deadline", "err.task.deadline_far"));
                None
            }
            Some(d) => Some(d),
        };
        let targets = parse_targets(self.target_level, &self.target_units, issuer, &mut errors);
        let fields = validate_fields(&self.fields, &[], &mut errors);
        match (title, deadline, targets) {
            (Some(title), Some(deadline), Some(targets)) if errors.is_empty() => Ok(TaskSpec {
                title,
                description,
                deadline,
                targets,
                fields,
            }),
            _ => Err(errors),
        }
    }
}

/// Targets: a level strictly below `below`, or a non-empty list of codes.
pub fn parse_targets(
    level: Option<i64>,
    units: &[String],
    below: Level,
    errors: &mut Vec<FieldError>,
) -> Option<Targets> {
    let units: Vec<String> = units
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    match (level, units.is_empty()) {
        (Some(n), true) => match u8::try_from(n).ok().and_then(|n| Level::new(n).ok()) {
            Some(l) if l > below => Some(Targets::Level(l)),
            _ => {
                errors.push(FieldError::new("target_level", "err.task.target_level"));
                None
            }
        },
        (None, false) if units.len() <= MAX_PICKED_UNITS => Some(Targets::Units(units)),
        (None, false) => {
            errors.push(FieldError::new("target_units", "err.task.too_many_units"));
            None
        }
        (Some(_), false) => {
            errors.push(FieldError::new("target_units", "err.task.targets_both"));
            None
        }
        (None, true) => {
            errors.push(FieldError::new("target_units", "err.task.targets_required"));
            None
        }
    }
}

/// Checks field definitions; `taken` keys (fields the task already has)
/// may not be reused. Errors name `fields[i].part`.
pub fn validate_fields(
    drafts: &[FieldDraft],
    taken: &[String],
    errors: &mut Vec<FieldError>,
) -> Vec<FieldDef> {
    if drafts.len() > MAX_FIELDS {
        errors.push(FieldError::new("fields", "err.task.too_many_fields"));
        return Vec::new();
    }
    let mut out: Vec<FieldDef> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        let at = |part: &str| format!("fields[{i}].{part}");
        let before = errors.len();
        let key = d.key.trim().to_owned();
        if !is_key(&key) {
            errors.push(FieldError::named(at("key"), "err.task.field_key"));
        } else if taken.contains(&key) || out.iter().any(|f| f.key == key) {
            errors.push(FieldError::named(at("key"), "err.task.field_key_taken"));
        }
        let label = match clean_line(&d.label, 100) {
            Ok(Some(l)) => l,
            Ok(None) => {
                errors.push(FieldError::named(at("label"), "err.task.field_label"));
                String::new()
            }
            Err(k) => {
                errors.push(FieldError::named(at("label"), k));
                String::new()
            }
        };
        let Some(ty) = FieldType::parse(&d.ty) else {
            errors.push(FieldError::named(at("type"), "err.task.field_type"));
            continue;
        };
        let mut choices: Vec<String> = Vec::new();
        if ty == FieldType::Choice {
            for c in d.choices.iter().flatten() {
                match clean_line(c, 50) {
                    Ok(Some(c)) if !choices.contains(&c) => choices.push(c),
                    Ok(_) => {}
                    Err(k) => errors.push(FieldError::named(at("choices"), k)),
                }
            }
            if choices.len() < 2 || choices.len() > 50 {
                errors.push(FieldError::named(at("choices"), "err.task.field_choices"));
            }
        }
        let (min, max) = if ty.is_numeric() {
            (d.min, d.max)
        } else {
            (None, None)
        };
        let whole = |v: Option<f64>| v.is_none_or(|v| ty != FieldType::Integer || v.fract() == 0.0);
        if min.zip(max).is_some_and(|(a, b)| a > b)
            || [min, max]
                .iter()
                .flatten()
                .any(|v| !v.is_finite() || v.abs() > ANSWER_LIMIT)
            || !whole(min)
            || !whole(max)
        {
            errors.push(FieldError::named(at("max"), "err.task.field_range"));
        }
        let bound_to = match &d.bound_to {
            None => None,
            Some(_) if ty != FieldType::Integer => {
                errors.push(FieldError::named(at("bound_to"), "err.task.bound_integer"));
                None
            }
            Some(b) => {
                let metric = Metric::parse(&b.metric);
                let from = Month::parse(&b.from, "from").ok();
                let to = Month::parse(&b.to, "to").ok();
                // The ledger counts by type and by programme, never both at once.
                let both = [&b.type_key, &b.program_key]
                    .iter()
                    .all(|k| k.as_deref().is_some_and(|k| !k.trim().is_empty()));
                // A federation count has no activity type or programme.
                let keyed = [&b.type_key, &b.program_key]
                    .iter()
                    .any(|k| k.as_deref().is_some_and(|k| !k.trim().is_empty()));
                match (metric, from, to) {
                    (Some(metric), Some(from), Some(to))
                        if from <= to && !both && (metric.is_ledger() || !keyed) =>
                    {
                        Some(Binding {
                            metric,
                            type_key: b
                                .type_key
                                .as_deref()
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_owned),
                            program_key: b
                                .program_key
                                .as_deref()
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_owned),
                            from,
                            to,
                        })
                    }
                    _ => {
                        errors.push(FieldError::named(at("bound_to"), "err.task.binding"));
                        None
                    }
                }
            }
        };
        if errors.len() == before {
            out.push(FieldDef {
                key,
                label,
                ty,
                required: d.required,
                choices,
                min,
                max,
                bound_to,
            });
        }
    }
    out
}

crate::schema_component!(
    Answer,
    "AnswerValue",
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            utoipa::openapi::schema::Type::Integer,
            utoipa::openapi::schema::Type::Number,
            utoipa::openapi::schema::Type::String,
            utoipa::openapi::schema::Type::Boolean,
        ]))
        .description(Some(
            "One answer, typed by its field (see `FieldType`): a number for `integer` and \
             `decimal`, `true`/`false` for `bool`, a string for `text`, `choice` and `date` \
             (`YYYY-MM-DD`).",
        ))
        .into()
);

/// One answer, typed by its field; its JSON is [`Answer::to_json`].
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Int(i64),
    Dec(f64),
    /// Free text or the chosen option.
    Text(String),
    Bool(bool),
    Date(Date),
}

impl Answer {
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Int(n) => Value::from(*n),
            Answer::Dec(x) => Value::from(*x),
            Answer::Text(s) => Value::from(s.as_str()),
            Answer::Bool(b) => Value::from(*b),
            Answer::Date(d) => Value::from(format_date(*d)),
        }
    }

    /// The value as a number, for sums and means.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Answer::Int(n) => Some(*n as f64),
            Answer::Dec(x) => Some(*x),
            _ => None,
        }
    }

    /// The value as a person reads it in a table or a form input.
    pub fn display(&self) -> String {
        match self {
            Answer::Int(n) => n.to_string(),
            Answer::Dec(x) => x.to_string(),
            Answer::Text(s) => s.clone(),
            Answer::Bool(true) => "true".into(),
            Answer::Bool(false) => "false".into(),
            Answer::Date(d) => format_date(*d),
        }
    }
}

impl FieldDef {
    /// Parses a JSON answer; `null` is no answer.
    pub fn parse_json(&self, v: &Value) -> Result<Option<Answer>, &'static str> {
        match (self.ty, v) {
            (_, Value::Null) => Ok(None),
            (FieldType::Integer, Value::Number(n)) => match n.as_i64() {
                Some(n) => self.in_range(Answer::Int(n)),
                None => Err("err.task.answer_integer"),
            },
            (FieldType::Decimal, Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() => self.in_range(Answer::Dec(x)),
                _ => Err("err.task.answer_decimal"),
            },
            (FieldType::Bool, Value::Bool(b)) => Ok(Some(Answer::Bool(*b))),
            (FieldType::Text | FieldType::Choice | FieldType::Date, Value::String(s)) => {
                self.parse_text(s)
            }
            (ty, _) => Err(type_error(ty)),
        }
    }

    /// Parses an answer typed into a form input; blank is no answer.
    pub fn parse_text(&self, s: &str) -> Result<Option<Answer>, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        match self.ty {
            FieldType::Integer => match s.parse::<i64>() {
                Ok(n) => self.in_range(Answer::Int(n)),
                Err(_) => Err("err.task.answer_integer"),
            },
            FieldType::Decimal => match s.parse::<f64>() {
                Ok(x) if x.is_finite() => self.in_range(Answer::Dec(x)),
                _ => Err("err.task.answer_decimal"),
            },
            FieldType::Bool => match s {
                "true" | "1" | "yes" | "是" => Ok(Some(Answer::Bool(true))),
                "false" | "0" | "no" | "否" => Ok(Some(Answer::Bool(false))),
                _ => Err("err.task.answer_bool"),
            },
            FieldType::Choice if self.choices.iter().any(|c| c == s) => {
                Ok(Some(Answer::Text(s.to_owned())))
            }
            FieldType::Choice => Err("err.task.answer_choice"),
            FieldType::Date => parse_date(s)
                .map(|d| Some(Answer::Date(d)))
                .ok_or("err.task.answer_date"),
            FieldType::Text => match clean_text(s, 2000)? {
                Some(t) => Ok(Some(Answer::Text(t))),
                None => Ok(None),
            },
        }
    }

    fn in_range(&self, a: Answer) -> Result<Option<Answer>, &'static str> {
        let x = a.as_f64().unwrap_or_default();
        if self.min.is_some_and(|m| x < m)
            || self.max.is_some_and(|m| x > m)
            || x.abs() > ANSWER_LIMIT
        {
            return Err("err.task.answer_range");
        }
        // Counts of people and activities are never negative.
        if self.min.is_none() && self.ty == FieldType::Integer && x < 0.0 {
            return Err("err.task.answer_range");
        }
        Ok(Some(a))
    }
}

fn type_error(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Integer => "err.task.answer_integer",
        FieldType::Decimal => "err.task.answer_decimal",
        FieldType::Bool => "err.task.answer_bool",
        FieldType::Choice => "err.task.answer_choice",
        FieldType::Date => "err.task.answer_date",
        FieldType::Text => "err.task.answer_text",
    }
}

/// The largest number an answer (or a field's bound) may hold when the
/// field sets no tighter bound: a trillion. Summed over every village of
/// the region, totals stay far inside both `i64` and the integers an `f64`
/// holds exactly, so no roll-up overflows or rounds.
pub const ANSWER_LIMIT: f64 = 1e12;

/// Answers by field key.
pub type Answers = BTreeMap<String, Answer>;

/// Checks a set of JSON answers against the fields: unknown keys and wrong
/// types are errors named by the key.
pub fn parse_answers(
    fields: &[FieldDef],
    values: &serde_json::Map<String, Value>,
) -> Result<Answers, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Answers::new();
    for (key, v) in values {
        match fields.iter().find(|f| &f.key == key) {
            None => errors.push(FieldError::named(key.clone(), "err.task.answer_unknown")),
            Some(f) => match f.parse_json(v) {
                Ok(Some(a)) => {
                    out.insert(key.clone(), a);
                }
                Ok(None) => {}
                Err(k) => errors.push(FieldError::named(key.clone(), k)),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads stored answers back; values that no longer fit are dropped.
pub fn answers_from_json(fields: &[FieldDef], v: &Value) -> Answers {
    let mut out = Answers::new();
    if let Value::Object(map) = v {
        for f in fields {
            if let Some(Ok(Some(a))) = map.get(&f.key).map(|v| f.parse_json(v)) {
                out.insert(f.key.clone(), a);
            }
        }
    }
    out
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

pub fn answers_to_json(a: &Answers) -> Value {
    Value::Object(a.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
}

/// Required fields without an answer, as errors; a report cannot be
/// submitted with any.
pub fn missing_required(fields: &[FieldDef], answers: &Answers) -> Vec<FieldError> {
    fields
        .iter()
        .filter(|f| f.required && !answers.contains_key(&f.key))
        .map(|f| FieldError::named(f.key.clone(), "err.task.answer_required"))
        .collect()
}

/// Where a unit's report stands. `not_started`: nothing saved yet. `in_progress`: an answer
/// has been saved, or the unit forwarded the task. `submitted`: handed in, waiting for review;
/// locked. `returned`: sent back with a reason; open again for changes and a new submission.
/// `approved`: accepted by a unit above; locked for good. `not_started`, `in_progress` and
/// `returned` are open (the answer may change); `submitted` and `approved` count as handed in
/// for progress and totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotStarted,
    InProgress,
    Submitted,
    Returned,
    Approved,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::NotStarted,
        ReportStatus::InProgress,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Approved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "not_started",
            ReportStatus::InProgress => "in_progress",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The reporter may still change her answer (and submit it).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            ReportStatus::NotStarted | ReportStatus::InProgress | ReportStatus::Returned
        )
    }

    /// Counts as handed in for progress and totals.
    pub const fn is_complete(self) -> bool {
        matches!(self, ReportStatus::Submitted | ReportStatus::Approved)
    }

    /// The status of a group of reports, as a parent's progress table shows
    /// a child's subtree: the least advanced state wins, except that a
    /// returned report anywhere shows as returned.
    pub fn summarise(counts: &BTreeMap<ReportStatus, i64>) -> ReportStatus {
        let n = |s| counts.get(&s).copied().unwrap_or(0);
        let total: i64 = counts.values().sum();
        if n(ReportStatus::Returned) > 0 {
            ReportStatus::Returned
        } else if total == 0 || n(ReportStatus::NotStarted) == total {
            ReportStatus::NotStarted
        } else if n(ReportStatus::Approved) == total {
            ReportStatus::Approved
        } else if n(ReportStatus::Submitted) + n(ReportStatus::Approved) == total {
            ReportStatus::Submitted
        } else {
            ReportStatus::InProgress
        }
    }
}

/// `deadline` as stored and shown.
pub fn deadline_text(d: Date) -> String {
    format_date(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn draft() -> TaskDraft {
        TaskDraft {
            title: "2026年第四季度十送活动统计".into(),
            description: "请各嘎查填报".into(),
            deadline: "2026-12-20".into(),
            target_level: Some(5),
            target_units: vec![],
            fields: vec![
                serde_json::from_value(json!({"key": "songs", "label": "十送活动次数",
                    "type": "integer", "required": true,
                    "bound_to": {"metric": "activities", "from": "2026-10", "to": "2026-12"}}))
                .unwrap(),
                serde_json::from_value(json!({"key": "homes", "label": "妇女之家是否开放",
                    "type": "bool", "required": false}))
                .unwrap(),
            ],
        }
    }

    const TODAY: Date = date!(2026 - 11 - 28);

    #[test]
    fn a_good_task_passes() {
        let spec = draft().validate(TODAY, Level::REGION).unwrap();
        assert_eq!(spec.targets, Targets::Level(Level::new(5).unwrap()));
        assert_eq!(spec.fields.len(), 2);
        assert_eq!(
            spec.fields[0].bound_to.as_ref().unwrap().metric,
            Metric::Activities
        );
    }

    #[test]
    fn every_bad_part_is_reported() {
        let mut d = draft();
        d.title = " ".into();
        d.deadline = "2026-11-27".into();
        d.target_level = Some(1);
        d.fields[1].key = "songs".into();
        d.fields.push(FieldDraft {
            key: "pick".into(),
            label: "类型".into(),
            ty: "choice".into(),
            choices: Some(vec!["A".into()]),
            ..Default::default()
        });
        let errs = d.validate(TODAY, Level::REGION).unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_ref(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("title", "err.task.title_required"),
                ("deadline", "err.task.deadline_past"),
                ("target_level", "err.task.target_level"),
                ("fields[1].key", "err.task.field_key_taken"),
                ("fields[2].choices", "err.task.field_choices"),
            ]
        );
    }

    #[test]
    fn targets_need_exactly_one_form() {
        let mut e = Vec::new();
        assert!(parse_targets(None, &[], Level::REGION, &mut e).is_none());
        assert!(parse_targets(Some(3), &["150000000000".into()], Level::REGION, &mut e).is_none());
        let banner = Level::new(3).unwrap();
        assert!(parse_targets(Some(3), &[], banner, &mut e).is_none());
        assert_eq!(e.len(), 3);
        assert!(parse_targets(Some(4), &[], banner, &mut e).is_some());
    }

    #[test]
    fn answers_are_typed_and_ranged() {
        let mut d = draft();
        d.fields.push(
            serde_json::from_value(json!({"key": "share", "label": "占比", "type": "decimal",
                "required": false, "min": 0, "max": 1}))
            .unwrap(),
        );
        let spec = d.validate(TODAY, Level::REGION).unwrap();
        let ok = parse_answers(
            &spec.fields,
            json!({"songs": 3, "homes": true, "share": 0.5})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ok["songs"], Answer::Int(3));
        let errs = parse_answers(
            &spec.fields,
            json!({"songs": "three", "homes": 1, "share": 2, "other": 1})
                .as_object()
                .unwrap(),
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_ref(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("homes", "err.task.answer_bool"),
                ("other", "err.task.answer_unknown"),
                ("share", "err.task.answer_range"),
                ("songs", "err.task.answer_integer"),
            ]
        );
        assert_eq!(
            spec.fields[0].parse_text("-1"),
            Err("err.task.answer_range")
        );
        assert_eq!(missing_required(&spec.fields, &Answers::new()).len(), 1);
    }

    #[test]
    fn numbers_without_a_max_stay_summable() {
        let mut d = draft();
        d.fields.push(
            serde_json::from_value(json!({"key": "yuan", "label": "金额", "type": "decimal",
                "required": false}))
            .unwrap(),
        );
        let spec = d.validate(TODAY, Level::REGION).unwrap();
        let songs = &spec.fields[0];
        assert_eq!(songs.ty, FieldType::Integer);
        assert_eq!(songs.max, None);
        let yuan = spec.fields.last().unwrap();
        for s in [i64::MAX.to_string(), "1000000000001".into()] {
            assert_eq!(songs.parse_text(&s), Err("err.task.answer_range"), "{s}");
        }
        assert_eq!(
            songs.parse_text("1000000000000"),
            Ok(Some(Answer::Int(1_000_000_000_000)))
        );
        for s in ["1.79e308", "-1.79e308", "1e13"] {
            assert_eq!(yuan.parse_text(s), Err("err.task.answer_range"), "{s}");
        }
        let big = parse_answers(&spec.fields, json!({"yuan": 1.79e308}).as_object().unwrap());
        assert_eq!(big.unwrap_err()[0].key, "err.task.answer_range");
        // A bound beyond the limit is refused in the definition itself.
        let mut d = draft();
        d.fields.push(
            serde_json::from_value(json!({"key": "huge", "label": "大", "type": "integer",
                "required": false, "max": 1e300}))
            .unwrap(),
        );
        let errs = d.validate(TODAY, Level::REGION).unwrap_err();
        assert_eq!(errs[0].key, "err.task.field_range");
    }

    #[test]
    fn definitions_round_trip_through_json() {
        let spec = draft().validate(TODAY, Level::REGION).unwrap();
        let text = serde_json::to_string(&spec.fields).unwrap();
        let back: Vec<FieldDef> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, spec.fields);
        let a = parse_answers(&back, json!({"songs": 7}).as_object().unwrap()).unwrap();
        assert_eq!(answers_from_json(&back, &answers_to_json(&a)), a);
    }

    #[test]
    fn group_status_shows_the_least_advanced() {
        use ReportStatus::*;
        let s = |pairs: &[(ReportStatus, i64)]| {
            ReportStatus::summarise(&pairs.iter().copied().collect())
        };
        assert_eq!(s(&[(NotStarted, 3)]), NotStarted);
        assert_eq!(s(&[(NotStarted, 2), (Submitted, 1)]), InProgress);
        assert_eq!(s(&[(Approved, 2), (Submitted, 1)]), Submitted);
        assert_eq!(s(&[(Approved, 3)]), Approved);
        assert_eq!(s(&[(Approved, 3), (Returned, 1)]), Returned);
    }
}
