//! De-identified case statistics (issue 6 items 5 and 6), shared by the
//! API, the page and the export.
//!
//! Every logged-in user in scope may see them, cadres without case rights
//! included, so they must not identify anyone: the store counts only
//! consenting cases, and here every cell goes through [`SmallCount`]
//! (under five shows as "<5") and a median is shown only with five cases
//! behind it. Nothing in this module sees a case row.

use jinguo_domain::case::{CaseSource, CaseStatus, OrderKind, Outcome, RiskLevel};
use jinguo_domain::case_stats::{SmallCount, protect, shown_median};
use jinguo_domain::{FieldError, Level, Month, UnitCode};
use jinguo_store::model::{CaseStats, Unit};
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};
use crate::i18n::{Catalogue, Lang};
use crate::period::Period;
use crate::state::AppState;
use crate::xlsx::bilingual::{Heading, write_header_row};
use crate::xlsx::{number_format, safe_text, sheet_name};

/// The case types seeded by migration 0009, in their order; types added to
/// the dictionary later follow in key order when they have cases.
pub const SEEDED_TYPES: [&str; 7] = [
    "domestic_violence",
    "marriage_family",
    "property_inheritance",
    "employment_labour",
    "sexual_harassment",
    "child_protection",
    "other",
];

/// One line of a dimension: its key and its suppressed count.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub key: String,
    pub count: SmallCount,
}

/// A child unit's line.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CaseStatsChild)]
pub struct ChildLine {
    pub code: UnitCode,
    /// Name of the unit (Chinese).
    pub name: String,
    pub level: Level,
    pub count: SmallCount,
}

/// Records of personal safety protection orders (人身安全保护令) by status, and police warning
/// letters (告诫书) issued.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(as = CaseStatsOrders)]
pub struct Orders {
    pub protection_applied: SmallCount,
    pub protection_granted: SmallCount,
    pub protection_refused: SmallCount,
    pub protection_expired: SmallCount,
    pub warning_letters: SmallCount,
}

/// The statistics as they may leave the server: no exact cell under five.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub total: SmallCount,
    pub by_type: Vec<Line>,
    pub by_source: Vec<Line>,
    pub by_risk: Vec<Line>,
    pub by_status: Vec<Line>,
    pub by_outcome: Vec<Line>,
    pub contacted: SmallCount,
    pub median_days_first_contact: Option<i64>,
    pub closed: SmallCount,
    pub median_days_closure: Option<i64>,
    pub orders: Orders,
    pub children: Vec<ChildLine>,
    /// Exact counts beneath the unit itself (cases owned by the unit, not
    /// by a child), so the children and this line add up to the total.
    pub own: SmallCount,
}

/// Every key of a closed list, zeros included (a missing line would say
/// as much as a zero), then any other key the counters hold; the lines add
/// up to a shown total, so they are protected together ([`protect`]).
fn lines<'a>(
    keys: impl IntoIterator<Item = &'a str>,
    counts: &std::collections::BTreeMap<String, i64>,
) -> Vec<Line> {
    let mut raw: Vec<(String, i64)> = Vec::new();
    for k in keys {
        raw.push((k.to_owned(), counts.get(k).copied().unwrap_or(0)));
    }
    for (k, n) in counts {
        if !raw.iter().any(|(key, _)| key == k) {
            raw.push((k.clone(), *n));
        }
    }
    let shown = protect(&raw.iter().map(|(_, n)| *n).collect::<Vec<_>>());
    raw.into_iter()
        .zip(shown)
        .map(|((key, _), count)| Line { key, count })
        .collect()
}

/// Suppresses every cell of `s`, a unit's statistics whose children are
/// at `children_level`: child lines are shown only down to `deepest`, the
/// configured deepest level (see [`Config::case_stats_deepest_level`]).
///
/// [`Config::case_stats_deepest_level`]: crate::config::Config::case_stats_deepest_level
pub fn suppress(s: &CaseStats, children_shown: bool) -> Shown {
    let by_status = lines(CaseStatus::ALL.iter().map(|x| x.as_str()), &s.by_status);
    // `closed` is the status line's cell, hidden or not alike: a zero
    // hidden there must not read as zero here.
    let closed = by_status
        .iter()
        .find(|l| l.key == CaseStatus::Closed.as_str())
        .map_or(SmallCount::of(s.closed), |l| l.count);
    // The unit's own cases and each child's add up to the total.
    let below: i64 = s.children.iter().map(|(_, n)| n).sum();
    let (own, children) = if children_shown {
        let mut cells: Vec<i64> = vec![s.total - below];
        cells.extend(s.children.iter().map(|(_, n)| *n));
        let shown = protect(&cells);
        let children = s
            .children
            .iter()
            .zip(&shown[1..])
            .map(|((u, _), count)| ChildLine {
                code: u.code.clone(),
                name: u.name.clone(),
                level: u.level,
                count: *count,
            })
            .collect();
        (shown[0], children)
    } else {
        (SmallCount::of(s.total), Vec::new())
    };
    Shown {
        total: SmallCount::of(s.total),
        by_type: lines(SEEDED_TYPES, &s.by_type),
        by_source: lines(CaseSource::ALL.iter().map(|x| x.as_str()), &s.by_source),
        by_risk: lines(
            RiskLevel::ALL
                .iter()
                .map(|x| x.as_str())
                .chain(std::iter::once("none")),
            &s.by_risk,
        ),
        by_status,
        by_outcome: lines(Outcome::ALL.iter().map(|x| x.as_str()), &s.by_outcome),
        contacted: SmallCount::of(s.contacted),
        median_days_first_contact: shown_median(s.median_days_first_contact, s.contacted),
        closed,
        median_days_closure: shown_median(s.median_days_closure, s.closed),
        orders: Orders {
            protection_applied: SmallCount::of(s.orders.protection_applied),
            protection_granted: SmallCount::of(s.orders.protection_granted),
            protection_refused: SmallCount::of(s.orders.protection_refused),
            protection_expired: SmallCount::of(s.orders.protection_expired),
            warning_letters: SmallCount::of(s.orders.warning_letters),
        },
        children,
        own,
    }
}

/// Whether statistics of `unit` may be shown at all: not below the
/// configured deepest level (the banner by default).
pub fn shown_at(state: &AppState, unit: &Unit) -> bool {
    unit.level <= state.config.case_stats_deepest_level
}

/// The refusal for a unit below the deepest level (`422`, field `code`).
pub fn below_level() -> AppError {
    FieldError::new("code", "err.cstats.below_level").into()
}

/// The statistics of a unit in the actor's scope: `NotFound` outside it,
/// [`below_level`] beneath the deepest level shown.
pub async fn load(
    state: &AppState,
    scope: jinguo_store::Scope,
    unit: &Unit,
    period: Period,
) -> AppResult<Shown> {
    if !shown_at(state, unit) {
        return Err(below_level());
    }
    let s = state
        .store
        .case_stats(scope, unit, period.from, period.to)
        .await?;
    let children_shown = unit
        .level
        .child()
        .is_some_and(|l| l <= state.config.case_stats_deepest_level);
    Ok(suppress(&s, children_shown))
}

/// The API's answer: dimensions as objects keyed by the API's keys.
/// The statistics as the API answers them.
#[derive(Serialize, ToSchema)]
#[schema(as = CaseStats)]
pub struct CaseStatsView {
    unit: crate::routes::api::units::UnitPathStep,
    from: Month,
    to: Month,
    /// Counts from 1 to this minus one read `"<5"`.
    #[schema(minimum = 5, maximum = 5)]
    suppressed_below: i64,
    total: SmallCount,
    /// By case-type key: every seeded type, then any other type with cases.
    #[serde(serialize_with = "as_map")]
    #[schema(value_type = std::collections::BTreeMap<String, SmallCount>)]
    by_type: Vec<Line>,
    /// By source key (`hotline`, `walk_in`, `public_page`, `home_visit`, `agency_referral`,
    /// `other`), zeros included.
    #[serde(serialize_with = "as_map")]
    #[schema(value_type = std::collections::BTreeMap<String, SmallCount>)]
    by_source: Vec<Line>,
    /// By current risk level (`low`, `medium`, `high`, `critical`) and `none` for cases not yet
    /// assessed, zeros included.
    #[serde(serialize_with = "as_map")]
    #[schema(value_type = std::collections::BTreeMap<String, SmallCount>)]
    by_risk: Vec<Line>,
    /// By current status (`open`, `assessed`, `in_service`, `closure_pending`, `closed`), zeros
    /// included.
    #[serde(serialize_with = "as_map")]
    #[schema(value_type = std::collections::BTreeMap<String, SmallCount>)]
    by_status: Vec<Line>,
    /// Closed cases by outcome (`resolved`, `referred_out`, `client_withdrew`, `lost_contact`,
    /// `other`), zeros included.
    #[serde(serialize_with = "as_map")]
    #[schema(value_type = std::collections::BTreeMap<String, SmallCount>)]
    by_outcome: Vec<Line>,
    first_contact: CaseStatsDuration,
    closure: CaseStatsDuration,
    orders: Orders,
    own: SmallCount,
    /// Active direct children, by code.
    children: Vec<ChildLine>,
}

/// How many cases took a step, and the median days they took.
#[derive(Serialize, ToSchema)]
pub struct CaseStatsDuration {
    cases: SmallCount,
    /// Median whole days (the lower median, clamped to 0..366); `null` when fewer than 5 cases
    /// lie behind it.
    median_days: Option<i64>,
}

/// A dimension's lines as one object, key → count, in the lines' order.
fn as_map<S: Serializer>(lines: &[Line], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(lines.iter().map(|l| (&l.key, l.count)))
}

/// The answer of `GET /api/v1/units/{code}/case-stats`.
pub fn view(unit: &Unit, from: Month, to: Month, s: &Shown) -> CaseStatsView {
    CaseStatsView {
        unit: crate::routes::api::units::UnitPathStep::of(unit),
        from,
        to,
        suppressed_below: SmallCount::THRESHOLD,
        total: s.total,
        by_type: s.by_type.clone(),
        by_source: s.by_source.clone(),
        by_risk: s.by_risk.clone(),
        by_status: s.by_status.clone(),
        by_outcome: s.by_outcome.clone(),
        first_contact: CaseStatsDuration {
            cases: s.contacted,
            median_days: s.median_days_first_contact,
        },
        closure: CaseStatsDuration {
            cases: s.closed,
            median_days: s.median_days_closure,
        },
        orders: s.orders,
        own: s.own,
        children: s.children.clone(),
    }
}

/// The label of `key` in dimension `dim` (`cstats.<dim>.<key>`), or the
/// key itself for one the catalogue does not know (a new case type).
pub fn label(cat: &Catalogue, lang: Lang, dim: &str, key: &str) -> String {
    let k = format!("cstats.{dim}.{key}");
    if cat.has(lang, &k) {
        cat.get(lang, &k).to_owned()
    } else {
        key.to_owned()
    }
}

/// The order lines with their catalogue keys, in the order pages show them.
pub fn order_lines(o: &Orders) -> [(&'static str, SmallCount); 5] {
    [
        ("cstats.orders.protection_applied", o.protection_applied),
        ("cstats.orders.protection_granted", o.protection_granted),
        ("cstats.orders.protection_refused", o.protection_refused),
        ("cstats.orders.protection_expired", o.protection_expired),
        ("cstats.orders.warning_letters", o.warning_letters),
    ]
}

/// The order kinds the statistics know, so a new kind fails to compile
/// here rather than go uncounted silently.
const _KINDS: [OrderKind; 2] = [OrderKind::ProtectionOrder, OrderKind::WarningLetter];

/// A cell of the export.
#[derive(Debug, Clone)]
pub enum XCell {
    Text(String),
    Count(SmallCount),
    /// A median in days; empty when not shown.
    Days(Option<i64>),
}

/// One sheet of the export.
#[derive(Debug, Clone)]
pub struct XSheet {
    pub name: String,
    /// Mongolian and Chinese, whatever the reader's language.
    pub headers: Vec<Heading>,
    pub rows: Vec<Vec<XCell>>,
}

/// Writes the sheets. Every text passes [`safe_text`] (a unit name or a
/// label starting with `=`, `+`, `-` or `@` stays text); a suppressed cell
/// is the text "<5", never its number.
pub fn write_workbook(title: &str, sheets: &[XSheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(safe_text(title).as_ref()));
    let num = number_format();
    let right = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&s.name))?;
        ws.set_column_width(0, 28)?;
        ws.set_column_width(1, 24)?;
        ws.set_freeze_panes(1, 0)?;
        write_header_row(ws, 0, &s.headers)?;
        for (i, row) in s.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    XCell::Text(t) => {
                        ws.write_string(r, c, safe_text(t))?;
                    }
                    XCell::Count(SmallCount::Exact(n)) | XCell::Days(Some(n)) => {
                        ws.write_number_with_format(r, c, *n as f64, &num)?;
                    }
                    XCell::Count(hidden) => {
                        ws.write_string_with_format(r, c, hidden.text(), &right)?;
                    }
                    XCell::Days(None) => {}
                }
            }
        }
    }
    wb.save_to_buffer()
}

/// The export's sheets: overview, child units, then one per dimension.
pub fn sheets(cat: &Catalogue, lang: Lang, unit: &Unit, s: &Shown) -> Vec<XSheet> {
    let t = |k: &str| cat.get(lang, k).to_owned();
    let h = |k: &str| Heading::of(cat, k);
    let count_head = h("cstats.cases");
    let mut overview = vec![
        vec![XCell::Text(t("cstats.total")), XCell::Count(s.total)],
        vec![
            XCell::Text(t("cstats.contacted")),
            XCell::Count(s.contacted),
        ],
        vec![
            XCell::Text(t("cstats.median_first_contact")),
            XCell::Days(s.median_days_first_contact),
        ],
        vec![XCell::Text(t("cstats.closed")), XCell::Count(s.closed)],
        vec![
            XCell::Text(t("cstats.median_closure")),
            XCell::Days(s.median_days_closure),
        ],
    ];
    for (k, n) in order_lines(&s.orders) {
        overview.push(vec![XCell::Text(t(k)), XCell::Count(n)]);
    }
    let mut children: Vec<Vec<XCell>> = s
        .children
        .iter()
        .map(|c| {
            vec![
                XCell::Text(c.code.to_string()),
                XCell::Text(c.name.clone()),
                XCell::Count(c.count),
            ]
        })
        .collect();
    if s.own != SmallCount::Exact(0) {
        children.push(vec![
            XCell::Text(unit.code.to_string()),
            XCell::Text(t("cstats.own")),
            XCell::Count(s.own),
        ]);
    }
    children.push(vec![
        XCell::Text(t("cstats.total")),
        XCell::Text(unit.name.clone()),
        XCell::Count(s.total),
    ]);
    let mut out = vec![
        XSheet {
            name: t("cstats.overview"),
            headers: vec![h("cstats.item"), count_head.clone()],
            rows: overview,
        },
        XSheet {
            name: t("cstats.children"),
            headers: vec![h("cstats.code"), h("unit.name"), count_head.clone()],
            rows: children,
        },
    ];
    for (dim, ls) in dims(s) {
        out.push(XSheet {
            name: t(&format!("cstats.by_{dim}")),
            headers: vec![h(&format!("cstats.dim_{dim}")), count_head.clone()],
            rows: ls
                .iter()
                .map(|l| {
                    vec![
                        XCell::Text(label(cat, lang, dim, &l.key)),
                        XCell::Count(l.count),
                    ]
                })
                .collect(),
        });
    }
    out
}

/// The dimensions in display order, with the catalogue's name of each.
pub fn dims(s: &Shown) -> [(&'static str, &[Line]); 5] {
    [
        ("type", &s.by_type),
        ("source", &s.by_source),
        ("risk", &s.by_risk),
        ("status", &s.by_status),
        ("outcome", &s.by_outcome),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jinguo_store::model::CaseOrderCounts;

    fn stats() -> CaseStats {
        CaseStats {
            total: 12,
            by_type: [("domestic_violence".to_owned(), 9), ("other".to_owned(), 3)].into(),
            by_risk: [("none".to_owned(), 12)].into(),
            contacted: 4,
            median_days_first_contact: Some(2),
            closed: 6,
            median_days_closure: Some(40),
            orders: CaseOrderCounts {
                protection_granted: 1,
                ..CaseOrderCounts::default()
            },
            ..CaseStats::default()
        }
    }

    #[test]
    fn every_cell_under_five_is_suppressed() {
        let s = suppress(&stats(), true);
        assert_eq!(s.total, SmallCount::Exact(12));
        let dv = s.by_type.iter().find(|l| l.key == "other").unwrap();
        assert_eq!(dv.count, SmallCount::Few);
        assert_eq!(s.orders.protection_granted, SmallCount::Few);
        assert_eq!(s.orders.protection_applied, SmallCount::Exact(0));
        // Four contacts: the count and its median are hidden.
        assert_eq!(s.contacted, SmallCount::Few);
        assert_eq!(s.median_days_first_contact, None);
        assert_eq!(s.median_days_closure, Some(40));
        // Closed lists list every key, zeros included.
        assert_eq!(s.by_source.len(), CaseSource::ALL.len());
        assert_eq!(s.by_risk.len(), RiskLevel::ALL.len() + 1);
    }

    #[test]
    fn the_json_never_holds_a_small_number() {
        let s = suppress(&stats(), true);
        let v = serde_json::to_value(&s).unwrap().to_string();
        assert!(v.contains("\"<5\""));
        for n in 1..5 {
            for end in [",", "}"] {
                assert!(!v.contains(&format!("\"count\":{n}{end}")), "{v}");
            }
        }
    }

    #[test]
    fn the_workbook_neutralises_formulas() {
        let sheets = vec![XSheet {
            name: "x".into(),
            headers: vec![
                Heading::plain("=HYPERLINK(\"http://x\")"),
                Heading::of(crate::i18n_global(), "cstats.cases"),
            ],
            rows: vec![vec![
                XCell::Text("@SUM(A1)".into()),
                XCell::Count(SmallCount::of(2)),
                XCell::Days(None),
            ]],
        }];
        let bytes = write_workbook("+t", &sheets).unwrap();
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("x").unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("'=HYPERLINK(\"http://x\")".into()))
        );
        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::String("'@SUM(A1)".into()))
        );
        assert_eq!(range.get_value((1, 1)), Some(&Data::String("<5".into())));
        // A catalogue header: its Mongolian line, then its Chinese.
        let Some(Data::String(h)) = range.get_value((0, 1)) else {
            panic!("a header");
        };
        let cat = crate::i18n_global();
        assert_eq!(
            h,
            &format!(
                "{}\n{}",
                cat.get(Lang::Mn, "cstats.cases"),
                cat.get(Lang::Zh, "cstats.cases")
            )
        );
        assert!(h.starts_with(crate::xlsx::bilingual::is_mongolian));
    }
}
