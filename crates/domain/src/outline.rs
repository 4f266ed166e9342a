//! Monitoring the two development outlines (两纲监测, issue 16): the
//! indicator catalogue, plan periods, targets that cascade down and may only
//! be stricter below, the departments' yearly reports with their
//! plausibility rules, ratio-correct aggregation and attainment.
//!
//! Everything here is pure: the store hands in rows, these functions say
//! what is valid and what the figures are.
//!
//! Numbers: a ratio indicator is reported as a numerator and a denominator
//! (whole counts: deaths and live births, women screened and women of the
//! age), its value is `numerator / denominator × scale`. A count is a whole
//! number; a plain value (years of life expectancy) is a decimal. Targets and
//! values are `f64`: they are shown and compared, never summed across units
//! (sums are taken of the whole-number numerators and denominators).

use serde::Serialize;

use crate::text::{clean_line, clean_text};
use crate::{FieldError, Level};

macro_rules! outline_id {
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

pub const NAME_MAX: usize = 200;
pub const GOAL_MAX: usize = 500;
pub const SOURCE_MAX: usize = 200;
pub const FORMULA_MAX: usize = 200;
pub const NOTE_MAX: usize = 1000;
pub const REASON_MAX: usize = 500;
pub const CODE_MAX: usize = 20;
/// A jump from last year above this share (of last year's value) asks for
/// an explanation unless the indicator sets its own threshold.
pub const DEFAULT_JUMP_PERCENT: u32 = 30;
/// A league's own reported value and the aggregate of its banners may
/// differ by this share of the aggregate before the difference is flagged.
pub const DEFAULT_TOLERANCE: f64 = 0.05;

outline_id!(
    /// Surrogate key of one indicator of one plan period's catalogue.
    IndicatorId
);
outline_id!(
    /// Surrogate key of one unit's yearly report for one department.
    OutlineReportId
);

/// Which of the two outlines an indicator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outline {
    /// 妇女发展纲要: eight domains.
    Women,
    /// 儿童发展纲要: seven domains.
    Children,
}

impl Outline {
    pub const ALL: [Outline; 2] = [Outline::Women, Outline::Children];

    pub const fn as_str(self) -> &'static str {
        match self {
            Outline::Women => "women",
            Outline::Children => "children",
        }
    }

    pub fn parse(s: &str) -> Result<Outline, FieldError> {
        match s.trim() {
            "women" | "妇女" => Ok(Outline::Women),
            "children" | "儿童" => Ok(Outline::Children),
            _ => Err(FieldError::new("outline", "err.outline.outline")),
        }
    }

    /// How many domains the outline has (8 women, 7 children).
    pub const fn domains(self) -> u8 {
        match self {
            Outline::Women => 8,
            Outline::Children => 7,
        }
    }
}

/// A domain of an outline, 1-based in the order the outline lists them
/// (妇女与健康 is women 1, 儿童与法律保护 children 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Domain {
    pub outline: Outline,
    pub no: u8,
}

impl Domain {
    pub fn parse(outline: Outline, no: i64) -> Result<Domain, FieldError> {
        if no >= 1 && no <= i64::from(outline.domains()) {
            Ok(Domain {
                outline,
                no: no as u8,
            })
        } else {
            Err(FieldError::new("domain_no", "err.outline.domain"))
        }
    }

    /// The message key of the domain's name (`outline.domain.women.1`).
    pub fn label_key(self) -> String {
        format!("outline.domain.{}.{}", self.outline.as_str(), self.no)
    }
}

/// What an indicator measures and how its value is made.
// Named apart in the OpenAPI document: `UnitKind` there is a unit's kind
// (geo / sector), and two schemas of one name overwrite each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = IndicatorUnitKind)]
pub enum UnitKind {
    /// Numerator / denominator × 100, a proportion (≤ 100).
    Percent,
    /// × 1,000, a proportion (mortality per live births).
    PerMille,
    /// × 100,000, a proportion (maternal mortality).
    Per100k,
    /// × 1,000 children; not a proportion (beds can outnumber… in principle).
    PerThousandChildren,
    /// A whole number, summed up the tree.
    Count,
    /// A plain value such as years of life expectancy: not aggregated, each
    /// unit reports its own.
    Years,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Percent,
        UnitKind::PerMille,
        UnitKind::Per100k,
        UnitKind::PerThousandChildren,
        UnitKind::Count,
        UnitKind::Years,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UnitKind::Percent => "percent",
            UnitKind::PerMille => "per_mille",
            UnitKind::Per100k => "per_100k",
            UnitKind::PerThousandChildren => "per_1000_children",
            UnitKind::Count => "count",
            UnitKind::Years => "years",
        }
    }

    /// The stored key or the sign a spreadsheet (and `goals.csv`) uses.
    pub fn parse(s: &str) -> Result<UnitKind, FieldError> {
        let s = s.trim();
        let by_sign = match s {
            "%" => Some(UnitKind::Percent),
            "‰" => Some(UnitKind::PerMille),
            "per 100,000" | "1/10万" | "/10万" => Some(UnitKind::Per100k),
            "per 1,000 children" | "每千名儿童" => Some(UnitKind::PerThousandChildren),
            "数量" | "个" | "人" | "件" | "所" => Some(UnitKind::Count),
            "岁" | "年" => Some(UnitKind::Years),
            _ => None,
        };
        by_sign
            .or_else(|| UnitKind::ALL.into_iter().find(|k| k.as_str() == s))
            .ok_or(FieldError::new("unit", "err.outline.unit"))
    }

    /// The factor of a ratio (`None` for a count or a plain value).
    pub const fn scale(self) -> Option<f64> {
        match self {
            UnitKind::Percent => Some(100.0),
            UnitKind::PerMille | UnitKind::PerThousandChildren => Some(1_000.0),
            UnitKind::Per100k => Some(100_000.0),
            UnitKind::Count | UnitKind::Years => None,
        }
    }

    pub const fn is_ratio(self) -> bool {
        self.scale().is_some()
    }

    /// The numerator is part of the denominator, so it may not exceed it.
    pub const fn is_proportion(self) -> bool {
        matches!(
            self,
            UnitKind::Percent | UnitKind::PerMille | UnitKind::Per100k
        )
    }

    /// Whether the units' figures add up to their parent's.
    pub const fn aggregates(self) -> bool {
        !matches!(self, UnitKind::Years)
    }
}

/// Whether a higher or a lower value is better; both bounds included
/// (以上 / 以下, 民法典第1259条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AtLeast,
    AtMost,
}

impl Direction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
        }
    }

    pub fn parse(s: &str) -> Result<Direction, FieldError> {
        match s.trim() {
            "at_least" | "以上" | "≥" => Ok(Direction::AtLeast),
            "at_most" | "以下" | "≤" => Ok(Direction::AtMost),
            _ => Err(FieldError::new("direction", "err.outline.direction")),
        }
    }

    /// `value` meets `bound`.
    pub fn meets(self, value: f64, bound: f64) -> bool {
        match self {
            Direction::AtLeast => value >= bound,
            Direction::AtMost => value <= bound,
        }
    }

    /// `a` is at least as strict as `b`.
    pub fn at_least_as_strict(self, a: f64, b: f64) -> bool {
        self.meets(a, b)
    }

    /// The stricter of two targets.
    pub fn stricter(self, a: f64, b: f64) -> f64 {
        match self {
            Direction::AtLeast => a.max(b),
            Direction::AtMost => a.min(b),
        }
    }
}

/// A responsible department: a key of the `outline-departments` dictionary
/// (`health` 卫健委, `education` 教育局 …; data, seeded by migration 0026 and
/// edited by the region). Lower-case ASCII, digits and underscores, as
/// every dictionary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Department(String);

impl Department {
    pub fn parse(s: &str) -> Result<Department, FieldError> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Department(s.to_owned()))
        } else {
            Err(FieldError::new("department", "err.outline.department"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A plan period such as 2021–2030: its mid-term assessment year is the
/// fifth (2025), its final one the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PlanPeriod {
    start: i32,
    end: i32,
}

impl PlanPeriod {
    pub fn new(start: i32, end: i32) -> Result<PlanPeriod, FieldError> {
        if (2000..=2100).contains(&start) && end > start && end - start <= 20 {
            Ok(PlanPeriod { start, end })
        } else {
            Err(FieldError::new("period", "err.outline.period"))
        }
    }

    /// `2021-2030`, `2021—2030` or `2021–2030`.
    pub fn parse(s: &str) -> Result<PlanPeriod, FieldError> {
        let bad = || FieldError::new("period", "err.outline.period");
        let s = s.trim();
        let (a, b) = s.split_once(['-', '—', '–']).ok_or_else(bad)?;
        let a = a.trim().parse().map_err(|_| bad())?;
        let b = b.trim().parse().map_err(|_| bad())?;
        PlanPeriod::new(a, b)
    }

    pub const fn start(self) -> i32 {
        self.start
    }

    pub const fn end(self) -> i32 {
        self.end
    }

    /// The mid-term assessment year (2025 for 2021–2030).
    pub const fn midterm(self) -> i32 {
        self.start + (self.end - self.start + 1) / 2 - 1
    }

    pub const fn contains(self, year: i32) -> bool {
        year >= self.start && year <= self.end
    }

    /// Targets are set for the mid-term and the final year only.
    pub fn parse_target_year(self, year: i64) -> Result<i32, FieldError> {
        let y = i32::try_from(year).unwrap_or(0);
        if y == self.midterm() || y == self.end {
            Ok(y)
        } else {
            Err(FieldError::new("year", "err.outline.target_year"))
        }
    }

    /// A reporting year: inside the period, or the baseline year just
    /// before it (2020 for 2021–2030).
    pub fn parse_report_year(self, year: i64) -> Result<i32, FieldError> {
        let y = i32::try_from(year).unwrap_or(0);
        if y >= self.start - 1 && y <= self.end {
            Ok(y)
        } else {
            Err(FieldError::new("year", "err.outline.report_year"))
        }
    }

    pub fn label(self) -> String {
        format!("{}—{}", self.start, self.end)
    }
}

/// An indicator as typed into the catalogue form or read from a row of the
/// import workbook, before any check.
#[derive(Debug, Clone, Default)]
pub struct IndicatorDraft {
    pub code: String,
    pub outline: String,
    pub domain_no: Option<i64>,
    pub goal: String,
    pub name: String,
    pub unit: String,
    pub numerator: String,
    pub denominator: String,
    pub direction: String,
    pub department: String,
    /// Levels that report it, e.g. `1,2,3` (region, league, banner).
    pub levels: String,
    pub sex_disaggregated: bool,
    pub source: String,
    /// A jump from last year above this many percent asks for an
    /// explanation; blank for the default.
    pub jump_percent: Option<i64>,
    /// Marks an invented indicator (the demo's), never shown as official.
    pub demo: bool,
}

/// A checked catalogue entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorSpec {
    /// Unique within the plan period, e.g. `W1.3`.
    pub code: String,
    pub domain: Domain,
    pub goal: String,
    pub name: String,
    pub unit: UnitKind,
    /// What is counted above and below the line, for a ratio; blank for a
    /// count or a plain value.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub direction: Direction,
    pub department: Department,
    pub levels: Vec<Level>,
    pub sex_disaggregated: bool,
    pub source: Option<String>,
    pub jump_percent: u32,
    pub demo: bool,
}

impl IndicatorSpec {
    pub fn reported_at(&self, level: Level) -> bool {
        self.levels.contains(&level)
    }
}

fn line(
    v: &str,
    max: usize,
    field: &'static str,
    long: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match clean_line(v, max) {
        Ok(v) => v,
        Err(e) => {
            errors.push(FieldError::new(field, e.key(long)));
            None
        }
    }
}

/// `1,2,3` or `自治区,盟市,旗县`: levels 1–3 only (townships and villages do
/// not report outline indicators), sorted, at least one.
pub fn parse_levels(s: &str) -> Result<Vec<Level>, FieldError> {
    let bad = || FieldError::new("levels", "err.outline.levels");
    let mut out = Vec::new();
    for part in s
        .split([',', '，', '、', ' '])
        .filter(|p| !p.trim().is_empty())
    {
        let level = match part.trim() {
            "1" | "自治区" | "region" => Level::REGION,
            "2" | "盟市" | "league" => Level::LEAGUE,
            "3" | "旗县" | "banner" => Level::BANNER,
            _ => return Err(bad()),
        };
        out.push(level);
    }
    out.sort();
    out.dedup();
    if out.is_empty() { Err(bad()) } else { Ok(out) }
}

impl TryFrom<IndicatorDraft> for IndicatorSpec {
    type Error = Vec<FieldError>;

    fn try_from(d: IndicatorDraft) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let code = d.code.trim();
        let code_ok = !code.is_empty()
            && code.chars().count() <= CODE_MAX
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !code_ok {
            errors.push(FieldError::new("code", "err.outline.code"));
        }
        let outline = Outline::parse(&d.outline).map_err(|e| errors.push(e)).ok();
        let domain = match (outline, d.domain_no) {
            (Some(o), Some(n)) => Domain::parse(o, n).map_err(|e| errors.push(e)).ok(),
            (Some(_), None) => {
                errors.push(FieldError::new("domain_no", "err.outline.domain"));
                None
            }
            (None, _) => None,
        };
        let goal = line(
            &d.goal,
            GOAL_MAX,
            "goal",
            "err.outline.goal_long",
            &mut errors,
        );
        let name = line(
            &d.name,
            NAME_MAX,
            "name",
            "err.outline.name_long",
            &mut errors,
        );
        if name.is_none() && !errors.iter().any(|e| e.field == "name") {
            errors.push(FieldError::new("name", "err.outline.name_required"));
        }
        let unit = UnitKind::parse(&d.unit).map_err(|e| errors.push(e)).ok();
        let numerator = line(
            &d.numerator,
            FORMULA_MAX,
            "numerator",
            "err.outline.formula_long",
            &mut errors,
        );
        let denominator = line(
            &d.denominator,
            FORMULA_MAX,
            "denominator",
            "err.outline.formula_long",
            &mut errors,
        );
        match unit {
            Some(u) if u.is_ratio() => {
                if numerator.is_none() && !errors.iter().any(|e| e.field == "numerator") {
                    errors.push(FieldError::new("numerator", "err.outline.formula_required"));
                }
                if denominator.is_none() && !errors.iter().any(|e| e.field == "denominator") {
                    errors.push(FieldError::new(
                        "denominator",
                        "err.outline.formula_required",
                    ));
                }
            }
            Some(_) if denominator.is_some() => {
                errors.push(FieldError::new("denominator", "err.outline.no_denominator"));
            }
            _ => {}
        }
        let direction = Direction::parse(&d.direction)
            .map_err(|e| errors.push(e))
            .ok();
        let department = Department::parse(&d.department)
            .map_err(|e| errors.push(e))
            .ok();
        let levels = parse_levels(&d.levels).map_err(|e| errors.push(e)).ok();
        let source = line(
            &d.source,
            SOURCE_MAX,
            "source",
            "err.outline.source_long",
            &mut errors,
        );
        let jump_percent = match d.jump_percent {
            None => Some(DEFAULT_JUMP_PERCENT),
            Some(p) if (1..=1000).contains(&p) => Some(p as u32),
            Some(_) => {
                errors.push(FieldError::new("jump_percent", "err.outline.jump_percent"));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let unit = unit.expect("checked");
        Ok(IndicatorSpec {
            code: code.to_owned(),
            domain: domain.expect("checked"),
            goal: goal.unwrap_or_default(),
            name: name.expect("checked"),
            unit,
            numerator: if unit.is_ratio() { numerator } else { None },
            denominator: if unit.is_ratio() { denominator } else { None },
            direction: direction.expect("checked"),
            department: department.expect("checked"),
            levels: levels.expect("checked"),
            sex_disaggregated: d.sex_disaggregated,
            source,
            jump_percent: jump_percent.expect("checked"),
            demo: d.demo,
        })
    }
}

// ---------------------------------------------------------------- targets

/// A target value: finite, not negative, and at most 100 for a percentage.
pub fn parse_target(unit: UnitKind, value: f64) -> Result<f64, FieldError> {
    let bad = || FieldError::new("value", "err.outline.target_value");
    if !value.is_finite() || value < 0.0 {
        return Err(bad());
    }
    if unit == UnitKind::Percent && value > 100.0 {
        return Err(FieldError::new("value", "err.outline.percent_over"));
    }
    Ok(value)
}

/// A target set at a unit against the one it inherits: equal or stricter,
/// never looser (a league may ask more of itself than the region does).
pub fn check_cascade(
    direction: Direction,
    inherited: Option<f64>,
    own: f64,
) -> Result<(), FieldError> {
    match inherited {
        Some(parent) if !direction.at_least_as_strict(own, parent) => {
            Err(FieldError::new("value", "err.outline.target_looser"))
        }
        _ => Ok(()),
    }
}

/// The target that holds at a unit: the strictest set on the way down from
/// the region (`chain` is region first, the unit last; `None` where a level
/// set nothing). A later tightening above wins over a league's older own
/// target.
pub fn effective_target(direction: Direction, chain: &[Option<f64>]) -> Option<f64> {
    chain
        .iter()
        .flatten()
        .copied()
        .reduce(|a, b| direction.stricter(a, b))
}

// ---------------------------------------------------------------- reports

/// One reported figure: a numerator over a denominator for a ratio, or a
/// value for a count or a plain value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Figure {
    Ratio { numerator: i64, denominator: i64 },
    Value { value: f64 },
}

impl Figure {
    /// The indicator's value: `numerator / denominator × scale` for a ratio.
    pub fn value(self, unit: UnitKind) -> Option<f64> {
        match self {
            Figure::Ratio {
                numerator,
                denominator,
            } => {
                let scale = unit.scale()?;
                (denominator > 0).then(|| numerator as f64 * scale / denominator as f64)
            }
            Figure::Value { value } => Some(value),
        }
    }

    pub fn denominator(self) -> Option<i64> {
        match self {
            Figure::Ratio { denominator, .. } => Some(denominator),
            Figure::Value { .. } => None,
        }
    }
}

/// A figure as typed: numerator and denominator, or a value; blank fields
/// are `None`. `field` prefixes the error fields (`total`, `female`,
/// `male`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FigureDraft {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
}

fn whole(v: f64) -> Option<i64> {
    (v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// The plausibility rules of one figure: denominators above zero, no
/// numerator above its denominator for a proportion, a percentage at most
/// 100, counts whole and not negative.
pub fn parse_figure(
    unit: UnitKind,
    draft: FigureDraft,
    prefix: &str,
) -> Result<Figure, Vec<FieldError>> {
    let f = |name: &str| format!("{prefix}.{name}");
    let mut errors = Vec::new();
    if unit.is_ratio() {
        let num = match draft.numerator {
            None => {
                errors.push(FieldError::named(f("numerator"), "err.outline.required"));
                None
            }
            Some(v) => match whole(v) {
                Some(n) if n >= 0 => Some(n),
                _ => {
                    errors.push(FieldError::named(f("numerator"), "err.outline.whole"));
                    None
                }
            },
        };
        let den = match draft.denominator {
            None => {
                errors.push(FieldError::named(f("denominator"), "err.outline.required"));
                None
            }
            Some(v) => match whole(v) {
                Some(n) if n > 0 => Some(n),
                _ => {
                    errors.push(FieldError::named(
                        f("denominator"),
                        "err.outline.denominator_positive",
                    ));
                    None
                }
            },
        };
        if let (Some(n), Some(d)) = (num, den) {
            if unit.is_proportion() && n > d {
                errors.push(FieldError::named(
                    f("numerator"),
                    "err.outline.numerator_over",
                ));
            } else {
                return Ok(Figure::Ratio {
                    numerator: n,
                    denominator: d,
                });
            }
        }
        return Err(errors);
    }
    match draft.value {
        None => errors.push(FieldError::named(f("value"), "err.outline.required")),
        Some(v) if !v.is_finite() || v < 0.0 => {
            errors.push(FieldError::named(f("value"), "err.outline.negative"))
        }
        Some(v) if unit == UnitKind::Count && whole(v).is_none() => {
            errors.push(FieldError::named(f("value"), "err.outline.whole"))
        }
        Some(v) if unit == UnitKind::Years && v > 150.0 => {
            errors.push(FieldError::named(f("value"), "err.outline.value_range"))
        }
        Some(v) => return Ok(Figure::Value { value: v }),
    }
    Err(errors)
}

/// One indicator's entry of a report: the total, and by sex where the
/// indicator is sex-disaggregated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub total: Figure,
    pub female: Option<Figure>,
    pub male: Option<Figure>,
}

/// An entry as typed, before any check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryDraft {
    pub total: FigureDraft,
    pub female: FigureDraft,
    pub male: FigureDraft,
    pub source: String,
    pub note: String,
    /// Why the value moved more than the threshold since last year.
    pub explanation: String,
}

/// A checked entry with its source, note and explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedEntry {
    pub entry: Entry,
    pub source: Option<String>,
    pub note: Option<String>,
    pub explanation: Option<String>,
}

fn add(a: Figure, b: Figure) -> Option<Figure> {
    match (a, b) {
        (
            Figure::Ratio {
                numerator: n1,
                denominator: d1,
            },
            Figure::Ratio {
                numerator: n2,
                denominator: d2,
            },
        ) => Some(Figure::Ratio {
            numerator: n1 + n2,
            denominator: d1 + d2,
        }),
        (Figure::Value { value: a }, Figure::Value { value: b }) => {
            Some(Figure::Value { value: a + b })
        }
        _ => None,
    }
}

/// Whether a change from `previous` to `current` is over the threshold, in
/// percent of the previous value (from zero, any change is a jump).
pub fn is_jump(previous: f64, current: f64, threshold_percent: u32) -> bool {
    if previous == 0.0 {
        return current != 0.0;
    }
    ((current - previous) / previous).abs() * 100.0 > f64::from(threshold_percent)
}

/// Checks one indicator's entry. For a sex-disaggregated ratio or count the
/// female and male figures are typed and the total is their sum; for a
/// plain value (years) the total is typed and the sexes beside it. A value
/// that moved more than the indicator's threshold since `previous` (last
/// year's value) needs an explanation.
pub fn check_entry(
    spec: &IndicatorSpec,
    draft: &EntryDraft,
    previous: Option<f64>,
) -> Result<CheckedEntry, Vec<FieldError>> {
    let mut errors = Vec::new();
    let unit = spec.unit;
    let take = |d: FigureDraft, p: &str, errors: &mut Vec<FieldError>| {
        parse_figure(unit, d, p).map_err(|e| errors.extend(e)).ok()
    };
    let entry = if spec.sex_disaggregated {
        let female = take(draft.female, "female", &mut errors);
        let male = take(draft.male, "male", &mut errors);
        if unit.aggregates() {
            match (female, male) {
                (Some(f), Some(m)) => add(f, m).map(|total| Entry {
                    total,
                    female: Some(f),
                    male: Some(m),
                }),
                _ => None,
            }
        } else {
            let total = take(draft.total, "total", &mut errors);
            match (total, female, male) {
                (Some(t), Some(f), Some(m)) => Some(Entry {
                    total: t,
                    female: Some(f),
                    male: Some(m),
                }),
                _ => None,
            }
        }
    } else {
        take(draft.total, "total", &mut errors).map(|total| Entry {
            total,
            female: None,
            male: None,
        })
    };
    let source = line(
        &draft.source,
        SOURCE_MAX,
        "source",
        "err.outline.source_long",
        &mut errors,
    );
    let note = match clean_text(&draft.note, NOTE_MAX) {
        Ok(v) => v,
        Err(e) => {
            errors.push(FieldError::new("note", e.key("err.outline.note_long")));
            None
        }
    };
    let explanation = match clean_text(&draft.explanation, NOTE_MAX) {
        Ok(v) => v,
        Err(e) => {
            errors.push(FieldError::new(
                "explanation",
                e.key("err.outline.note_long"),
            ));
            None
        }
    };
    if let (Some(e), Some(prev)) = (entry, previous)
        && let Some(v) = e.total.value(unit)
        && is_jump(prev, v, spec.jump_percent)
        && explanation.is_none()
        && !errors.iter().any(|e| e.field == "explanation")
    {
        errors.push(FieldError::new(
            "explanation",
            "err.outline.jump_unexplained",
        ));
    }
    match entry {
        Some(entry) if errors.is_empty() => Ok(CheckedEntry {
            entry,
            source,
            note,
            explanation,
        }),
        _ => Err(errors),
    }
}

/// A reason to return a report: one line, required.
pub fn parse_reason(s: &str) -> Result<String, FieldError> {
    match clean_line(s, REASON_MAX) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(FieldError::new("reason", "err.outline.reason_required")),
        Err(e) => Err(FieldError::new("reason", e.key("err.outline.reason_long"))),
    }
}

/// Where a unit's yearly report for one department stands; the office of
/// the unit above (or the unit's own office at the region) checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutlineReportStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl OutlineReportStatus {
    pub const ALL: [OutlineReportStatus; 4] = [
        OutlineReportStatus::Draft,
        OutlineReportStatus::Submitted,
        OutlineReportStatus::Returned,
        OutlineReportStatus::Approved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            OutlineReportStatus::Draft => "draft",
            OutlineReportStatus::Submitted => "submitted",
            OutlineReportStatus::Returned => "returned",
            OutlineReportStatus::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<OutlineReportStatus> {
        OutlineReportStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    /// The department may still change the figures.
    pub const fn is_editable(self) -> bool {
        matches!(
            self,
            OutlineReportStatus::Draft | OutlineReportStatus::Returned
        )
    }
}

// ------------------------------------------------------------ aggregation

/// What one unit below contributes to its parent's figure for a year: its
/// own figure (its approved report, or its own aggregate when it has
/// none), or nothing; `last_denominator` is the denominator it reported
/// most recently before, to estimate the share a missing unit leaves out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    pub figure: Option<Figure>,
    pub last_denominator: Option<i64>,
}

/// A parent's figure made from its units below.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Aggregate {
    /// Σ numerators / Σ denominators × scale for a ratio, Σ values for a
    /// count; `None` when nobody below reported.
    pub value: Option<f64>,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub units_reported: u32,
    pub units_expected: u32,
    /// For a ratio: the reported denominator over the reported one plus
    /// the last known denominators of the units that did not report (1.0
    /// when all reported); `None` when a missing unit never reported, so
    /// no share can be estimated, or for a count.
    pub denominator_coverage: Option<f64>,
}

/// Ratio-correct aggregation: Σ numerators / Σ denominators, never the
/// mean of the units' percentages. A plain value (years) does not
/// aggregate and gives `None`.
pub fn aggregate(unit: UnitKind, below: &[Contribution]) -> Option<Aggregate> {
    if !unit.aggregates() {
        return None;
    }
    let expected = below.len() as u32;
    let reported: Vec<Figure> = below.iter().filter_map(|c| c.figure).collect();
    let units_reported = reported.len() as u32;
    if unit.is_ratio() {
        let (mut num, mut den) = (0i64, 0i64);
        for f in &reported {
            if let Figure::Ratio {
                numerator,
                denominator,
            } = *f
            {
                num += numerator;
                den += denominator;
            }
        }
        let missing: Option<i64> = below
            .iter()
            .filter(|c| c.figure.is_none())
            .map(|c| c.last_denominator)
            .sum();
        let coverage = missing.and_then(|m| {
            let all = den + m;
            (all > 0).then(|| den as f64 / all as f64)
        });
        let value = if units_reported > 0 {
            Figure::Ratio {
                numerator: num,
                denominator: den,
            }
            .value(unit)
        } else {
            None
        };
        Some(Aggregate {
            value,
            numerator: (units_reported > 0).then_some(num),
            denominator: (units_reported > 0).then_some(den),
            units_reported,
            units_expected: expected,
            denominator_coverage: coverage,
        })
    } else {
        let sum: f64 = reported.iter().filter_map(|f| f.value(unit)).sum();
        Some(Aggregate {
            value: (units_reported > 0).then_some(sum),
            numerator: None,
            denominator: None,
            units_reported,
            units_expected: expected,
            denominator_coverage: None,
        })
    }
}

/// A unit's own reported value differs from the aggregate of its units
/// below by more than `tolerance` (a share of the aggregate).
pub fn differs(own: f64, aggregate: f64, tolerance: f64) -> bool {
    if aggregate == 0.0 {
        return own != 0.0;
    }
    ((own - aggregate) / aggregate).abs() > tolerance
}

// ---------------------------------------------------------- kept roll-ups

/// What is kept on write for one indicator, unit and year (design 3: the
/// pages read these instead of rolling raw values up per request): the
/// figure the unit stands for — its own approved report, else the
/// ratio-correct aggregate of its reporting units below — with the same by
/// sex, and the aggregate itself (kept beside an own report too, for the
/// tolerance flag).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rollup {
    /// The unit has an approved report of its own.
    pub own: bool,
    pub total: Option<Figure>,
    pub female: Option<Figure>,
    pub male: Option<Figure>,
    pub aggregate: Option<Aggregate>,
}

/// One reporting unit below, as [`roll_up`] needs it: its kept roll-up for
/// the year (`None` when nothing is kept) and the total it stood for the
/// year before (for the coverage of a unit that did not report).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Below {
    pub now: Option<Rollup>,
    pub last_year: Option<Figure>,
}

fn figure_of(a: &Aggregate) -> Option<Figure> {
    match (a.numerator, a.denominator, a.value) {
        (Some(numerator), Some(denominator), _) => Some(Figure::Ratio {
            numerator,
            denominator,
        }),
        (None, None, Some(value)) => Some(Figure::Value { value }),
        _ => None,
    }
}

impl Rollup {
    /// What stands for a unit nothing is kept for: no figure, and (for an
    /// indicator that aggregates, at a unit with `below` reporting units)
    /// an aggregate that says nobody reported and no share can be
    /// estimated. Exactly what [`roll_up`] gives when neither the unit nor
    /// any unit below had a figure this year or the year before.
    pub fn nothing(unit: UnitKind, below: u32) -> Rollup {
        Rollup {
            own: false,
            total: None,
            female: None,
            male: None,
            aggregate: (unit.aggregates() && below > 0).then_some(Aggregate {
                value: None,
                numerator: None,
                denominator: None,
                units_reported: 0,
                units_expected: below,
                denominator_coverage: None,
            }),
        }
    }

    /// Whether the roll-up says more than [`Rollup::nothing`], so it has
    /// to be kept.
    pub fn is_kept(&self) -> bool {
        self.own
            || self.total.is_some()
            || self.female.is_some()
            || self.male.is_some()
            || self
                .aggregate
                .is_some_and(|a| a.units_reported > 0 || a.denominator_coverage.is_some())
    }
}

/// Rolls one indicator up at one unit for one year from the unit's own
/// approved entry and what is kept for its reporting units below (those of
/// the levels that report the indicator). The total is the own figure,
/// else Σ numerators / Σ denominators (Σ values for a count) of the units
/// below; the split by sex is the own report's, else added up the same way
/// from the units below; the aggregate is made whether or not the unit
/// reported itself.
pub fn roll_up(unit: UnitKind, own: Option<Entry>, below: &[Below]) -> Rollup {
    let agg = if below.is_empty() {
        None
    } else {
        let contributions: Vec<Contribution> = below
            .iter()
            .map(|b| Contribution {
                figure: b.now.and_then(|r| r.total),
                last_denominator: b.last_year.and_then(Figure::denominator),
            })
            .collect();
        aggregate(unit, &contributions)
    };
    let by_sex = |female: bool| -> Option<Figure> {
        if below.is_empty() {
            return None;
        }
        let contributions: Vec<Contribution> = below
            .iter()
            .map(|b| Contribution {
                figure: b.now.and_then(|r| if female { r.female } else { r.male }),
                last_denominator: None,
            })
            .collect();
        aggregate(unit, &contributions).as_ref().and_then(figure_of)
    };
    match own {
        Some(e) => Rollup {
            own: true,
            total: Some(e.total),
            female: e.female,
            male: e.male,
            aggregate: agg,
        },
        None => Rollup {
            own: false,
            total: agg.as_ref().and_then(figure_of),
            female: by_sex(true),
            male: by_sex(false),
            aggregate: agg,
        },
    }
}

// ------------------------------------------------------------- attainment

/// Where an indicator stands at a unit in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Attainment {
    /// The target is met already.
    Attained,
    /// Not yet, but at or ahead of the straight line from the baseline to
    /// the target.
    OnTrack,
    /// Behind that line.
    OffTrack,
    /// No value this year, or no target.
    NoData,
}

impl Attainment {
    pub const fn as_str(self) -> &'static str {
        match self {
            Attainment::Attained => "attained",
            Attainment::OnTrack => "on_track",
            Attainment::OffTrack => "off_track",
            Attainment::NoData => "no_data",
        }
    }
}

/// The value the straight line from `(baseline_year, baseline)` to
/// `(target_year, target)` expects in `year` (the target itself from the
/// target year on).
pub fn expected_on_path(
    baseline_year: i32,
    baseline: f64,
    target_year: i32,
    target: f64,
    year: i32,
) -> f64 {
    if year >= target_year || target_year <= baseline_year {
        return target;
    }
    if year <= baseline_year {
        return baseline;
    }
    let share = f64::from(year - baseline_year) / f64::from(target_year - baseline_year);
    baseline + (target - baseline) * share
}

/// Attained when the value meets the target; otherwise on track when it
/// meets the linear path's value for the year, off track when it does not.
/// Without a baseline the path cannot be drawn, so what is not attained is
/// off track.
pub fn attainment(
    direction: Direction,
    value: Option<f64>,
    target: Option<(i32, f64)>,
    baseline: Option<(i32, f64)>,
    year: i32,
) -> Attainment {
    let (Some(v), Some((target_year, t))) = (value, target) else {
        return Attainment::NoData;
    };
    if direction.meets(v, t) {
        return Attainment::Attained;
    }
    match baseline {
        Some((by, b)) => {
            let expected = expected_on_path(by, b, target_year, t, year);
            if direction.meets(v, expected) {
                Attainment::OnTrack
            } else {
                Attainment::OffTrack
            }
        }
        None => Attainment::OffTrack,
    }
}

/// "9 of 11 attained" for a domain: how many indicators are attained, on
/// track, off track and without data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DomainSummary {
    pub attained: u32,
    pub on_track: u32,
    pub off_track: u32,
    pub no_data: u32,
}

impl DomainSummary {
    pub fn add(&mut self, a: Attainment) {
        match a {
            Attainment::Attained => self.attained += 1,
            Attainment::OnTrack => self.on_track += 1,
            Attainment::OffTrack => self.off_track += 1,
            Attainment::NoData => self.no_data += 1,
        }
    }

    pub fn total(&self) -> u32 {
        self.attained + self.on_track + self.off_track + self.no_data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(unit: &str, disaggregated: bool) -> IndicatorSpec {
        let ratio = !matches!(unit, "count" | "years");
        IndicatorSpec::try_from(IndicatorDraft {
            code: "W1.1".into(),
            outline: "women".into(),
            domain_no: Some(1),
            goal: "孕产妇死亡率下降到12/10万以下".into(),
            name: "孕产妇死亡率".into(),
            unit: unit.into(),
            numerator: if ratio {
                "孕产妇死亡人数".into()
            } else {
                String::new()
            },
            denominator: if ratio {
                "活产数".into()
            } else {
                String::new()
            },
            direction: "at_most".into(),
            department: "health".into(),
            levels: "1,2,3".into(),
            sex_disaggregated: disaggregated,
            source: "妇幼卫生监测".into(),
            jump_percent: None,
            demo: false,
        })
        .unwrap()
    }

    fn ratio(n: i64, d: i64) -> Figure {
        Figure::Ratio {
            numerator: n,
            denominator: d,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_catalogue_entry_checks_every_field() {
        let s = spec("per 100,000", false);
        assert_eq!(s.unit, UnitKind::Per100k);
        assert_eq!(s.direction, Direction::AtMost);
        assert_eq!(s.levels, vec![Level::REGION, Level::LEAGUE, Level::BANNER]);
        assert_eq!(s.jump_percent, DEFAULT_JUMP_PERCENT);

        let errors = IndicatorSpec::try_from(IndicatorDraft {
            code: "W 1".into(),
            outline: "men".into(),
            unit: "%".into(),
            direction: "more".into(),
            department: "卫健委".into(),
            levels: "4".into(),
            jump_percent: Some(0),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "code",
                "outline",
                "name",
                "numerator",
                "denominator",
                "direction",
                "department",
                "levels",
                "jump_percent"
            ]
        );
        // A count has no denominator.
        let errors = IndicatorSpec::try_from(IndicatorDraft {
            code: "C1".into(),
            outline: "children".into(),
            domain_no: Some(8),
            name: "x".into(),
            unit: "count".into(),
            denominator: "y".into(),
            direction: "at_least".into(),
            department: "education".into(),
            levels: "旗县".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["domain_no", "denominator"]);
    }

    #[test]
    fn plan_periods_know_their_assessment_years() {
        let p = PlanPeriod::parse("2021—2030").unwrap();
        assert_eq!((p.start(), p.end(), p.midterm()), (2021, 2030, 2025));
        assert_eq!(p.parse_target_year(2025), Ok(2025));
        assert_eq!(p.parse_target_year(2030), Ok(2030));
        assert!(p.parse_target_year(2027).is_err());
        assert_eq!(p.parse_report_year(2020), Ok(2020));
        assert!(p.parse_report_year(2019).is_err());
        assert!(p.parse_report_year(2031).is_err());
        assert!(PlanPeriod::parse("2030-2021").is_err());
        assert_eq!(p.label(), "2021—2030");
    }

    #[test]
    fn targets_may_be_stricter_below_never_looser() {
        // at most 12 per 100,000 at the region: a league may set 10, not 14.
        assert!(check_cascade(Direction::AtMost, Some(12.0), 10.0).is_ok());
        assert!(check_cascade(Direction::AtMost, Some(12.0), 12.0).is_ok());
        assert_eq!(
            check_cascade(Direction::AtMost, Some(12.0), 14.0)
                .unwrap_err()
                .key,
            "err.outline.target_looser"
        );
        // at least 70 %: 75 is stricter, 65 looser.
        assert!(check_cascade(Direction::AtLeast, Some(70.0), 75.0).is_ok());
        assert!(check_cascade(Direction::AtLeast, Some(70.0), 65.0).is_err());
        assert!(check_cascade(Direction::AtLeast, None, 1.0).is_ok());
        // Inherited: the strictest on the way down.
        assert_eq!(
            effective_target(Direction::AtMost, &[Some(12.0), None, Some(10.0)]),
            Some(10.0)
        );
        assert_eq!(
            effective_target(Direction::AtMost, &[Some(9.0), Some(10.0)]),
            Some(9.0)
        );
        assert_eq!(effective_target(Direction::AtLeast, &[None, None]), None);
        assert!(parse_target(UnitKind::Percent, 101.0).is_err());
        assert!(parse_target(UnitKind::Per100k, -1.0).is_err());
        assert_eq!(parse_target(UnitKind::Per100k, 120.0), Ok(120.0));
    }

    #[test]
    fn figures_follow_the_plausibility_rules() {
        let d = |n: f64, den: f64| FigureDraft {
            numerator: Some(n),
            denominator: Some(den),
            value: None,
        };
        let keys = |r: Result<Figure, Vec<FieldError>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.field.into_owned(), e.key))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            parse_figure(UnitKind::Per100k, d(3.0, 25_000.0), "total"),
            Ok(ratio(3, 25_000))
        );
        assert_eq!(
            keys(parse_figure(UnitKind::Percent, d(5.0, 0.0), "total")),
            [(
                "total.denominator".to_owned(),
                "err.outline.denominator_positive"
            )]
        );
        assert_eq!(
            keys(parse_figure(UnitKind::Percent, d(11.0, 10.0), "female")),
            [("female.numerator".to_owned(), "err.outline.numerator_over")]
        );
        // Beds per 1,000 children are not a proportion.
        assert!(parse_figure(UnitKind::PerThousandChildren, d(11.0, 10.0), "total").is_ok());
        assert_eq!(
            keys(parse_figure(UnitKind::PerMille, d(-1.0, 10.0), "total")),
            [("total.numerator".to_owned(), "err.outline.whole")]
        );
        let v = |x: f64| FigureDraft {
            value: Some(x),
            ..Default::default()
        };
        assert_eq!(
            keys(parse_figure(UnitKind::Count, v(-3.0), "total")),
            [("total.value".to_owned(), "err.outline.negative")]
        );
        assert_eq!(
            keys(parse_figure(UnitKind::Count, v(2.5), "total")),
            [("total.value".to_owned(), "err.outline.whole")]
        );
        assert_eq!(
            parse_figure(UnitKind::Years, v(78.6), "total"),
            Ok(Figure::Value { value: 78.6 })
        );
        assert_eq!(
            keys(parse_figure(UnitKind::Count, FigureDraft::default(), "t")),
            [("t.value".to_owned(), "err.outline.required")]
        );
    }

    #[test]
    fn an_entry_sums_the_sexes_and_asks_why_it_jumped() {
        let s = spec("%", true);
        let fd = |n: f64, d: f64| FigureDraft {
            numerator: Some(n),
            denominator: Some(d),
            value: None,
        };
        let draft = EntryDraft {
            female: fd(30.0, 100.0),
            male: fd(10.0, 100.0),
            ..Default::default()
        };
        // 40 / 200 = 20 %; last year 20 % → no jump.
        let e = check_entry(&s, &draft, Some(20.0)).unwrap();
        assert_eq!(e.entry.total, ratio(40, 200));
        assert!(close(e.entry.total.value(UnitKind::Percent).unwrap(), 20.0));
        // Last year 10 %: a 100 % rise over the 30 % threshold.
        let errors = check_entry(&s, &draft, Some(10.0)).unwrap_err();
        assert_eq!(errors[0].field, "explanation");
        assert_eq!(errors[0].key, "err.outline.jump_unexplained");
        let explained = EntryDraft {
            explanation: "新建筛查点两处".into(),
            ..draft.clone()
        };
        assert!(check_entry(&s, &explained, Some(10.0)).is_ok());
        // 15.5 → 20 is a 29 % rise: under the threshold.
        assert!(check_entry(&s, &draft, Some(15.5)).is_ok());
        assert!(!is_jump(0.0, 0.0, 30));
        assert!(is_jump(0.0, 1.0, 30));
    }

    #[test]
    fn aggregation_is_ratio_correct_and_says_its_coverage() {
        // Three leagues report maternal deaths over live births:
        //   A 2 / 10,000 (20 per 100,000), B 1 / 40,000 (2.5), C 3 / 50,000 (6).
        // The mean of the rates would be 9.5; the region's rate is
        // 6 / 100,000 = 6.0 per 100,000.
        let below = [
            Contribution {
                figure: Some(ratio(2, 10_000)),
                last_denominator: None,
            },
            Contribution {
                figure: Some(ratio(1, 40_000)),
                last_denominator: None,
            },
            Contribution {
                figure: Some(ratio(3, 50_000)),
                last_denominator: None,
            },
        ];
        let a = aggregate(UnitKind::Per100k, &below).unwrap();
        assert!(close(a.value.unwrap(), 6.0));
        assert_eq!((a.numerator, a.denominator), (Some(6), Some(100_000)));
        assert_eq!((a.units_reported, a.units_expected), (3, 3));
        assert!(close(a.denominator_coverage.unwrap(), 1.0));

        // D did not report; last year it had 25,000 live births. The value
        // is still 6 / 100,000 = 6.0 and covers 100,000 / 125,000 = 80 %.
        let mut with_missing = below.to_vec();
        with_missing.push(Contribution {
            figure: None,
            last_denominator: Some(25_000),
        });
        let a = aggregate(UnitKind::Per100k, &with_missing).unwrap();
        assert!(close(a.value.unwrap(), 6.0));
        assert_eq!((a.units_reported, a.units_expected), (3, 4));
        assert!(close(a.denominator_coverage.unwrap(), 0.8));

        // A missing unit that never reported: no estimate of the share.
        with_missing.push(Contribution {
            figure: None,
            last_denominator: None,
        });
        let a = aggregate(UnitKind::Per100k, &with_missing).unwrap();
        assert_eq!(a.denominator_coverage, None);
        assert_eq!((a.units_reported, a.units_expected), (3, 5));

        // Counts add up; a plain value does not aggregate.
        let counts = [
            Contribution {
                figure: Some(Figure::Value { value: 4.0 }),
                last_denominator: None,
            },
            Contribution {
                figure: None,
                last_denominator: None,
            },
            Contribution {
                figure: Some(Figure::Value { value: 7.0 }),
                last_denominator: None,
            },
        ];
        let a = aggregate(UnitKind::Count, &counts).unwrap();
        assert_eq!(a.value, Some(11.0));
        assert_eq!((a.units_reported, a.units_expected), (2, 3));
        assert_eq!(aggregate(UnitKind::Years, &counts), None);
        // Nobody reported.
        let none = aggregate(
            UnitKind::Percent,
            &[Contribution {
                figure: None,
                last_denominator: Some(10),
            }],
        )
        .unwrap();
        assert_eq!(none.value, None);
        assert!(close(none.denominator_coverage.unwrap(), 0.0));
    }

    #[test]
    fn a_roll_up_keeps_the_own_figure_beside_the_aggregate() {
        let kept = |n, d| Rollup {
            own: true,
            total: Some(ratio(n, d)),
            female: None,
            male: None,
            aggregate: None,
        };
        // Two units below: 1 / 10,000 now, and one that did not report
        // now but had 30,000 live births last year.
        let below = [
            Below {
                now: Some(kept(1, 10_000)),
                last_year: None,
            },
            Below {
                now: None,
                last_year: Some(ratio(0, 30_000)),
            },
        ];
        let r = roll_up(UnitKind::Per100k, None, &below);
        assert_eq!(r.total, Some(ratio(1, 10_000)));
        let a = r.aggregate.unwrap();
        assert_eq!((a.units_reported, a.units_expected), (1, 2));
        assert!(close(a.denominator_coverage.unwrap(), 0.25));
        // An own report stands for the unit; the aggregate stays beside it.
        let own = Entry {
            total: ratio(3, 10_000),
            female: None,
            male: None,
        };
        let r = roll_up(UnitKind::Per100k, Some(own), &below);
        assert!(r.own && r.is_kept());
        assert_eq!(r.total, Some(ratio(3, 10_000)));
        assert_eq!(r.aggregate, Some(a));
        // Nothing here or below, this year or last: what is not kept.
        let empty = [Below {
            now: None,
            last_year: None,
        }; 3];
        let r = roll_up(UnitKind::Percent, None, &empty);
        assert!(!r.is_kept());
        assert_eq!(r, Rollup::nothing(UnitKind::Percent, 3));
        assert_eq!(
            roll_up(UnitKind::Years, None, &empty),
            Rollup::nothing(UnitKind::Years, 3)
        );
        assert_eq!(
            roll_up(UnitKind::Count, None, &[]),
            Rollup::nothing(UnitKind::Count, 0)
        );
    }

    #[test]
    fn own_and_aggregate_values_are_compared_with_a_tolerance() {
        assert!(!differs(6.2, 6.0, DEFAULT_TOLERANCE)); // 3.3 %
        assert!(differs(6.4, 6.0, DEFAULT_TOLERANCE)); // 6.7 %
        assert!(differs(1.0, 0.0, DEFAULT_TOLERANCE));
    }

    #[test]
    fn attainment_follows_the_linear_path() {
        // At most 12 by 2030 from 20 in 2020: the path expects 16 in 2025.
        assert!(close(expected_on_path(2020, 20.0, 2030, 12.0, 2025), 16.0));
        let at = |v: Option<f64>, y| {
            attainment(
                Direction::AtMost,
                v,
                Some((2030, 12.0)),
                Some((2020, 20.0)),
                y,
            )
        };
        assert_eq!(at(Some(11.5), 2023), Attainment::Attained);
        assert_eq!(at(Some(12.0), 2023), Attainment::Attained);
        assert_eq!(at(Some(15.0), 2025), Attainment::OnTrack);
        assert_eq!(at(Some(16.0), 2025), Attainment::OnTrack);
        assert_eq!(at(Some(17.0), 2025), Attainment::OffTrack);
        assert_eq!(at(None, 2025), Attainment::NoData);
        // At least 70 % from 40 % in 2020: the path expects 58 % in 2026.
        let up = |v| {
            attainment(
                Direction::AtLeast,
                Some(v),
                Some((2030, 70.0)),
                Some((2020, 40.0)),
                2026,
            )
        };
        assert_eq!(up(60.0), Attainment::OnTrack);
        assert_eq!(up(57.0), Attainment::OffTrack);
        assert_eq!(
            attainment(Direction::AtLeast, Some(1.0), None, None, 2026),
            Attainment::NoData
        );
        assert_eq!(
            attainment(Direction::AtLeast, Some(1.0), Some((2030, 2.0)), None, 2026),
            Attainment::OffTrack
        );
        let mut s = DomainSummary::default();
        for a in [
            Attainment::Attained,
            Attainment::Attained,
            Attainment::OffTrack,
            Attainment::NoData,
        ] {
            s.add(a);
        }
        assert_eq!((s.attained, s.total()), (2, 4));
    }
}
