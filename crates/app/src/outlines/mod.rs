//! Monitoring the two development outlines (两纲监测, issue 16): the
//! indicator catalogue, targets that cascade down and may only be stricter
//! below, departments' yearly reports checked by the office, and the
//! ratio-correct figures and attainment of every reporting unit.
//!
//! Shared by the API and the pages: parse (the rules are in
//! `jinguo_domain::outline`) → store (which checks who may touch what and
//! writes each step with its audit entry) → the figures ([`figures`]).

pub mod api;
mod demo;
pub mod figures;
pub mod import;
pub mod office;
mod page_cache;
mod routes;
pub mod web;
pub mod workbook;

use std::collections::HashMap;
use std::sync::Arc;

pub use page_cache::PageCache;

use jinguo_domain::outline::{
    CheckedEntry, Department, EntryDraft, IndicatorDraft, IndicatorId, IndicatorSpec, PlanPeriod,
    check_entry, parse_reason, parse_target,
};
use jinguo_domain::{Capability, FieldError, UnitId};
use jinguo_store::StoreError;
use jinguo_store::model::Unit;
use jinguo_store::outlines::{DEPARTMENTS, Decision, Indicator, NewTarget, Report, Who};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, now};

/// The module's routes, menu entries, dictionary and demo.
pub const MODULE: crate::routes::Module = crate::routes::Module {
    routes: routes::routes,
    menu: &[
        crate::routes::MenuItem {
            group: "work",
            nav: "outlines",
            label: "outline.menu",
            href: "/outlines",
            cap: Some(Capability::ReadFigures),
        },
        crate::routes::MenuItem {
            group: "work",
            nav: "outline-report",
            label: "outline.menu_report",
            href: "/outlines/report",
            cap: Some(Capability::ReportIndicators),
        },
        crate::routes::MenuItem {
            group: "work",
            nav: "outline-review",
            label: "outline.menu_review",
            href: "/outlines/review",
            cap: Some(Capability::ManageOutlines),
        },
    ],
    dictionaries: &[DEPARTMENTS],
    demo: Some(|store| Box::pin(demo::fill(store))),
};

/// The plan period being monitored: the 2021–2030 outlines.
pub fn period() -> PlanPeriod {
    PlanPeriod::new(2021, 2030).expect("a valid period")
}

/// Who writes, for the audit entry the store writes with the change.
pub fn who(actor: &Actor, ip: Option<String>) -> Who {
    Who {
        user: Some((actor.user.id, actor.user.username.as_str().to_owned())),
        ip,
    }
}

/// A reporting year of the period (the baseline year included).
pub fn parse_year(year: i64) -> AppResult<i32> {
    period().parse_report_year(year).map_err(AppError::Invalid)
}

/// A unit of the actor's subtree by code; 404 outside it.
pub async fn unit_in_scope(state: &AppState, actor: &Actor, code: &str) -> AppResult<Unit> {
    let code = crate::routes::api::parse_code(code)?;
    Ok(state.store.unit_in_scope(actor.scope(), &code).await?)
}

/// The department of a department reporter; a field error when none has
/// been assigned to her account yet.
pub async fn department_of(state: &AppState, actor: &Actor) -> AppResult<Department> {
    state
        .store
        .reporter_department(actor.scope())
        .await?
        .ok_or(AppError::Invalid(FieldError::new(
            "department",
            "err.outline.no_department",
        )))
}

/// Assigns a department reporter's department: a key of the departments'
/// dictionary (`422` on `department` otherwise; on `roles` when the account
/// is not a department reporter). Audited by the store.
pub async fn assign_department(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    user: jinguo_domain::UserId,
    department: &str,
) -> AppResult<()> {
    let known = state.store.dictionary(DEPARTMENTS).await?;
    let department = Department::parse(department)
        .ok()
        .filter(|d| known.iter().any(|e| e.key == d.as_str() && e.active))
        .ok_or(AppError::Invalid(FieldError::new(
            "department",
            "err.outline.department",
        )))?;
    state
        .store
        .set_reporter_department(actor.scope(), user, &department, &who(actor, ip), now())
        .await?;
    Ok(())
}

/// A department key as a path names it; 404 for a malformed one (a
/// department without a report reads like a report that does not exist).
pub fn path_department(key: &str) -> AppResult<Department> {
    Department::parse(key).map_err(|_| AppError::NotFound)
}

/// The indicators a department reports at a unit's level.
pub async fn indicators_for(
    state: &AppState,
    department: &Department,
    unit: &Unit,
) -> AppResult<Vec<Indicator>> {
    Ok(state
        .store
        .indicators(period(), Some(department))
        .await?
        .into_iter()
        .filter(|i| i.spec.reported_at(unit.level))
        .collect())
}

/// Last year's value of each indicator in the department's report, for
/// the jump rule.
async fn previous_values(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    year: i32,
    department: &Department,
    indicators: &[Indicator],
) -> AppResult<HashMap<IndicatorId, f64>> {
    let Some(prev) = state
        .store
        .outline_report(actor.scope(), unit, year - 1, department)
        .await?
    else {
        return Ok(HashMap::new());
    };
    Ok(prev
        .values
        .iter()
        .filter_map(|v| {
            let ind = indicators.iter().find(|i| i.id == v.indicator)?;
            Some((v.indicator, v.entry.total.value(ind.spec.unit)?))
        })
        .collect())
}

/// The form or the API body of a report: one entry per indicator.
pub struct EntryInput {
    pub indicator_id: i64,
    pub draft: EntryDraft,
}

/// Checks every entry against its indicator's rules and last year's
/// value; field errors name `entries[i].…`. Nothing is saved when one is
/// wrong.
pub fn check_entries(
    indicators: &[Indicator],
    previous: &HashMap<IndicatorId, f64>,
    inputs: &[EntryInput],
) -> Result<Vec<(IndicatorId, CheckedEntry)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, input) in inputs.iter().enumerate() {
        let Some(ind) = indicators.iter().find(|x| x.id.get() == input.indicator_id) else {
            errors.push(FieldError::named(
                format!("entries[{i}].indicator_id"),
                "err.outline.not_your_indicator",
            ));
            continue;
        };
        if !seen.insert(ind.id) {
            errors.push(FieldError::named(
                format!("entries[{i}].indicator_id"),
                "err.outline.duplicate",
            ));
            continue;
        }
        match check_entry(&ind.spec, &input.draft, previous.get(&ind.id).copied()) {
            Ok(e) => out.push((ind.id, e)),
            Err(es) => errors.extend(
                es.into_iter()
                    .map(|e| FieldError::named(format!("entries[{i}].{}", e.field), e.key)),
            ),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Saves a department reporter's figures for her own unit.
pub async fn save_outline_report(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    year: i64,
    code: &str,
    inputs: &[EntryInput],
) -> AppResult<Report> {
    let year = parse_year(year)?;
    let unit = unit_in_scope(state, actor, code).await?;
    if unit.id != actor.unit.id {
        return Err(AppError::NotFound);
    }
    let department = department_of(state, actor).await?;
    let indicators = indicators_for(state, &department, &unit).await?;
    let previous = previous_values(state, actor, &unit, year, &department, &indicators).await?;
    let entries = check_entries(&indicators, &previous, inputs).map_err(AppError::InvalidFields)?;
    if entries.is_empty() {
        return Err(AppError::Invalid(FieldError::new(
            "entries",
            "err.outline.entries_empty",
        )));
    }
    Ok(state
        .store
        .save_outline_report(
            actor.scope(),
            &unit,
            period(),
            year,
            &department,
            &entries,
            &who(actor, ip),
            now(),
        )
        .await?)
}

/// Hands the reporter's report in.
pub async fn submit_outline_report(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    year: i64,
    code: &str,
) -> AppResult<Report> {
    let year = parse_year(year)?;
    let unit = unit_in_scope(state, actor, code).await?;
    if unit.id != actor.unit.id {
        return Err(AppError::NotFound);
    }
    let department = department_of(state, actor).await?;
    Ok(state
        .store
        .submit_outline_report(
            actor.scope(),
            &unit,
            year,
            &department,
            &who(actor, ip),
            now(),
        )
        .await?)
}

/// The office approves a submitted report or returns it with a reason.
pub async fn review_outline_report(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    year: i64,
    code: &str,
    department: &str,
    reason: Option<&str>,
) -> AppResult<Report> {
    let year = parse_year(year)?;
    let unit = unit_in_scope(state, actor, code).await?;
    let department = path_department(department)?;
    let decision = match reason {
        None => Decision::Approve,
        Some(r) => Decision::Return(parse_reason(r).map_err(AppError::Invalid)?),
    };
    let report = state
        .store
        .review_outline_report(
            actor.scope(),
            &unit,
            year,
            &department,
            decision,
            &who(actor, ip),
            now(),
        )
        .await;
    match report {
        // Nothing to check: read like a report that does not exist.
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        r => Ok(r?),
    }
}

/// Sets a unit's own target (stricter than what it inherits, never
/// looser).
pub async fn set_target(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    code: &str,
    indicator: i64,
    year: i64,
    value: f64,
) -> AppResult<()> {
    let unit = unit_in_scope(state, actor, code).await?;
    let p = period();
    let mut errors = Vec::new();
    let year = p.parse_target_year(year).map_err(|e| errors.push(e)).ok();
    let ind = state
        .store
        .indicators(p, None)
        .await?
        .into_iter()
        .find(|i| i.id.get() == indicator);
    let value = match &ind {
        None => {
            errors.push(FieldError::new(
                "indicator_id",
                "err.outline.indicator_unknown",
            ));
            None
        }
        Some(i) => parse_target(i.spec.unit, value)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    let (Some(ind), Some(year), Some(value)) = (ind, year, value) else {
        unreachable!("errors were returned above")
    };
    if unit.level > jinguo_domain::Level::BANNER {
        return Err(AppError::Invalid(FieldError::new(
            "unit_code",
            "err.outline.unit_level",
        )));
    }
    state
        .store
        .set_target(
            actor.scope(),
            NewTarget {
                indicator: ind.id,
                unit: unit.id,
                year,
                value,
                official: false,
            },
            &who(actor, ip),
            now(),
        )
        .await?;
    Ok(())
}

/// A target of one indicator and assessment year as it holds at a unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetHeld {
    pub indicator: IndicatorId,
    /// The mid-term (2025) or final (2030) year.
    pub year: i32,
    /// Set at the unit itself.
    pub own: Option<f64>,
    /// The strictest set above it.
    pub inherited: Option<f64>,
    /// What holds: the stricter of the two.
    pub effective: Option<f64>,
    /// Taken from a published outline.
    pub official: bool,
}

/// For each indicator and assessment year with a target at or above a
/// unit: its own, the strictest inherited, and the one that holds.
pub async fn targets_held(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
) -> AppResult<Vec<TargetHeld>> {
    let p = period();
    let rows = state.store.targets_for(actor.scope(), unit, p).await?;
    let indicators = state.store.indicators(p, None).await?;
    let mut targets = Vec::new();
    for ind in &indicators {
        for year in [p.midterm(), p.end()] {
            let at = |pred: &dyn Fn(&jinguo_store::outlines::TargetRow) -> bool| {
                rows.iter()
                    .filter(|t| t.indicator == ind.id && t.year == year && pred(t))
                    .map(|t| t.value)
                    .reduce(|a, b| ind.spec.direction.stricter(a, b))
            };
            let own = at(&|t| t.unit == unit.id);
            let inherited = at(&|t| t.level < unit.level && unit.ancestors.contains(&Some(t.unit)));
            if own.is_none() && inherited.is_none() {
                continue;
            }
            let effective =
                jinguo_domain::outline::effective_target(ind.spec.direction, &[inherited, own]);
            let official = rows.iter().any(|t| {
                t.indicator == ind.id
                    && t.year == year
                    && t.official
                    && Some(t.value) == effective
                    && (t.unit == unit.id || unit.ancestors.contains(&Some(t.unit)))
            });
            targets.push(TargetHeld {
                indicator: ind.id,
                year,
                own,
                inherited,
                effective,
                official,
            });
        }
    }
    Ok(targets)
}

/// Checks catalogue rows (typed, imported or sent), all or nothing: field
/// errors name `indicators[i].…` (the workbook's rows say which row).
pub async fn check_catalogue(
    state: &AppState,
    drafts: Vec<IndicatorDraft>,
) -> Result<Vec<IndicatorSpec>, Vec<(usize, FieldError)>> {
    let entries = state
        .store
        .dictionary(DEPARTMENTS)
        .await
        .unwrap_or_default();
    let known: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
    let mut errors = Vec::new();
    let mut specs = Vec::new();
    let mut codes = std::collections::HashSet::new();
    for (i, mut d) in drafts.into_iter().enumerate() {
        // A workbook may name the department by its label (卫生健康委员会).
        let dep = d.department.trim();
        if let Some(e) = entries.iter().find(|e| {
            e.label_zh == dep
                || e.label_en.as_deref() == Some(dep)
                || e.label_mn.as_deref() == Some(dep)
        }) {
            d.department = e.key.clone();
        }
        match IndicatorSpec::try_from(d) {
            Ok(s) => {
                if !known.iter().any(|k| k == s.department.as_str()) {
                    errors.push((i, FieldError::new("department", "err.outline.department")));
                } else if !codes.insert(s.code.clone()) {
                    errors.push((i, FieldError::new("code", "err.outline.duplicate")));
                } else {
                    specs.push(s);
                }
            }
            Err(es) => errors.extend(es.into_iter().map(|e| (i, e))),
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

/// Saves catalogue rows at the region, all or nothing.
pub async fn save_catalogue(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    specs: &[IndicatorSpec],
) -> AppResult<Vec<IndicatorId>> {
    if specs.is_empty() {
        return Err(AppError::Invalid(FieldError::new(
            "indicators",
            "err.outline.entries_empty",
        )));
    }
    Ok(state
        .store
        .save_indicators(actor.scope(), period(), specs, &who(actor, ip), now())
        .await?)
}

/// The figures of a unit for a year, from the roll-ups kept on write (see
/// [`figures::from_kept`]).
pub async fn figures(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    year: i32,
) -> AppResult<Arc<figures::Figures>> {
    // Read before the data, so a page is never kept under a version older
    // than what it shows (see `page_cache`).
    let version = state.store.outline_version().await?;
    if let Some(f) = state.outline_pages.get(unit.id, year, version) {
        return Ok(f);
    }
    let p = period();
    let scope = actor.scope();
    let indicators = state.store.indicators(p, None).await?;
    let units = state.store.reporting_units(scope, unit).await?;
    let kept = state
        .store
        .outline_page_rollups(scope, unit, year, &figures::earlier_years(p, year))
        .await?;
    let targets = state.store.targets_for(scope, unit, p).await?;
    let above: Vec<UnitId> = unit
        .ancestors
        .iter()
        .flatten()
        .copied()
        .filter(|a| *a != unit.id)
        .collect();
    let unit_ref = jinguo_store::model::UnitRef {
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: unit.level,
    };
    let f = Arc::new(figures::from_kept(
        unit_ref,
        &above,
        p,
        year,
        &indicators,
        units,
        kept,
        targets,
    ));
    state.outline_pages.put(unit.id, year, version, f.clone());
    Ok(f)
}

/// The year the pages open on: last year (this year's figures come in
/// the next spring), within the period.
pub fn default_year(state: &AppState) -> i32 {
    let y = crate::state::today(&state.config).year() - 1;
    y.clamp(period().start() - 1, period().end())
}

/// The indicators of a unit's level that no department has handed in for
/// a year, by department (the dictionary's key order): a department's
/// indicators count as reported once its report there is submitted or
/// approved; a draft or a returned report is still outstanding.
pub async fn unreported(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    year: i32,
) -> AppResult<Vec<(Department, Vec<Indicator>)>> {
    use jinguo_domain::outline::OutlineReportStatus as S;
    let heads = state
        .store
        .outline_reports_under(actor.scope(), unit, year, None)
        .await?;
    let handed_in: Vec<&Department> = heads
        .iter()
        .filter(|h| h.unit.id == unit.id && matches!(h.status, S::Submitted | S::Approved))
        .map(|h| &h.department)
        .collect();
    let mut out: Vec<(Department, Vec<Indicator>)> = Vec::new();
    for ind in state.store.indicators(period(), None).await? {
        if !ind.spec.reported_at(unit.level) || handed_in.contains(&&ind.spec.department) {
            continue;
        }
        match out.iter_mut().find(|(d, _)| *d == ind.spec.department) {
            Some((_, list)) => list.push(ind),
            None => out.push((ind.spec.department.clone(), vec![ind])),
        }
    }
    out.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    Ok(out)
}

/// Reminds the reporters of the departments that have not reported a
/// unit's indicators for a year (see [`unreported`]): one notice per
/// reporter account at the unit; audited. Answers how many were reminded.
pub async fn remind_unreported(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    unit: &Unit,
    year: i32,
) -> AppResult<u32> {
    let departments: Vec<Department> = unreported(state, actor, unit, year)
        .await?
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    if departments.is_empty() {
        return Ok(0);
    }
    Ok(state
        .store
        .send_outline_reminders(
            actor.scope(),
            unit,
            year,
            &departments,
            &who(actor, ip),
            now(),
        )
        .await?)
}

/// A monitoring workbook of a unit, as a download (the pages' and the
/// API's): the annual report for a year, or an assessment (its year).
pub async fn workbook_download(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    year: i32,
    book: workbook::Book,
    lang: crate::i18n::Lang,
) -> AppResult<axum::response::Response> {
    let year = match book {
        workbook::Book::Annual => year,
        workbook::Book::Assessment(a) => a.year(period()),
    };
    let f = figures(state, actor, unit, year).await?;
    let cat = state.catalogue;
    let title = workbook::title(cat, lang, &f, book);
    let bytes = tokio::task::spawn_blocking(move || workbook::write(cat, lang, &f, book))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("outline workbook: {e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("outline workbook: {e}")))?;
    let name = match book {
        workbook::Book::Annual => format!("outlines-{}-{year}.xlsx", unit.code),
        workbook::Book::Assessment(a) => {
            format!("outlines-{}-{}-{year}.xlsx", unit.code, a.as_str())
        }
    };
    Ok(crate::xlsx::download(
        bytes,
        &name,
        &format!("{title}.xlsx"),
    ))
}

/// The outline reminders addressed to the actor, as the notices page lists
/// them (year, department's label, when, unread), and the newest id.
pub async fn reminder_views(
    state: &AppState,
    actor: &Actor,
    lang: crate::i18n::Lang,
) -> AppResult<(Vec<minijinja::Value>, Option<i64>)> {
    let list = state
        .store
        .outline_reminders(actor.user.id, actor.unit.id, 20)
        .await?;
    if list.is_empty() {
        return Ok((Vec::new(), None));
    }
    let labels = crate::activities::labels(state, DEPARTMENTS, lang).await?;
    let newest = list.iter().map(|r| r.id).max();
    let views = list
        .iter()
        .map(|r| {
            minijinja::context! {
                year => r.year, created_at => r.created_at, unread => r.unread,
                department => labels.get(r.department.as_str()).cloned()
                    .unwrap_or_else(|| r.department.as_str().to_owned()),
            }
        })
        .collect();
    Ok((views, newest))
}
