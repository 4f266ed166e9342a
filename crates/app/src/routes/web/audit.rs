use axum::extract::{Query, State};
use axum::response::Response;
use jinguo_domain::FieldError;
use jinguo_store::model::{AuditEntry, AuditFilter, DictKind, Page, Unit};
use minijinja::context;
use serde::Deserialize;

use super::unit_of;
use crate::activities::labels;
use crate::audit_view::{AuditParams, Part, describe};
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::render::WebResult;
use crate::state::AppState;
use crate::xlsx::export::{Table, TableRow};

#[derive(Deserialize)]
pub struct AuditQuery {
    unit: Option<String>,
    /// Keyset paging: entries older than this id. Only links carry it, so
    /// a malformed one is no page (404), as on the other lists.
    before: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl AuditQuery {
    fn params(&self) -> AuditParams {
        AuditParams {
            actor: self.actor.clone(),
            action: self.action.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// Entries per page.
const PAGE: i64 = 50;

/// Entries in one export: a busy league's quarter.
const EXPORT_MAX: i64 = 20_000;

/// The unit, the parsed filters (or the field errors to show beside them).
async fn read(
    state: &AppState,
    actor: &Actor,
    q: &AuditQuery,
) -> Result<(Unit, Result<AuditFilter, Vec<FieldError>>), AppError> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    Ok((unit, q.params().parse(state.config.utc_offset_hours)))
}

async fn entries(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEntry>, AppError> {
    let scope = actor.scope().narrow(unit).ok_or(AppError::NotFound)?;
    Ok(state
        .store
        .audit_in_scope(scope, filter, Page::new(limit, 0))
        .await?)
}

/// `GET /audit`: the audit log of a unit of the auditor's subtree,
/// filtered by who, what and when, newest first, readable.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let (rows, errors) = match filter {
        Ok(mut f) => {
            f.before = before;
            (entries(&state, &actor, &unit, &f, PAGE + 1).await?, vec![])
        }
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PAGE;
    let rows: Vec<_> = rows.into_iter().take(PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|e| e.id)).flatten();
    let categories = labels(&state, DictKind::NEED_CATEGORY, lang).await?;
    let entries: Vec<_> = rows
        .iter()
        .map(|e| context! { e, parts => readable(describe(&e.detail), &categories) })
        .collect();
    let actions = actions(&state, lang);
    let errors: std::collections::BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    Ok(state.templates.render(
        "audit.html",
        lang,
        Some(&actor),
        context! {
            unit, entries, next, actions, errors,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => q.params(), query => q.params().query(),
            first_page => before.is_none(),
        },
    ))
}

/// Category keys shown by their dictionary label.
fn readable(
    parts: Vec<Part>,
    categories: &std::collections::BTreeMap<String, String>,
) -> Vec<Part> {
    parts
        .into_iter()
        .map(|p| match (p.label, categories.get(&p.value)) {
            (Some("audit.key.category"), Some(label)) => Part {
                value: label.clone(),
                ..p
            },
            _ => p,
        })
        .collect()
}

/// Every action the catalogue names, by its label, for the filter.
fn actions(state: &AppState, lang: Lang) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = state
        .catalogue
        .keys(Lang::Zh)
        .filter_map(|k| k.strip_prefix("audit.actions."))
        .map(|a| {
            (
                a.to_owned(),
                state
                    .catalogue
                    .get(lang, &format!("audit.actions.{a}"))
                    .to_owned(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// `GET /audit/export.xlsx`: the same filtered log as a workbook.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = entries(&state, &actor, &unit, &filter, EXPORT_MAX).await?;
    let categories = labels(&state, DictKind::NEED_CATEGORY, lang).await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let offset = state.config.utc_offset_hours;
    let table = Table {
        name: t("audit.title"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "audit.at",
                "audit.actor",
                "audit.action",
                "audit.unit",
                "audit.detail",
                "audit.ip",
            ],
        ),
        widths: vec![20.0, 14.0, 18.0, 18.0, 40.0, 16.0],
        rows: rows
            .iter()
            .map(|e| TableRow {
                texts: vec![
                    crate::render::datetime(e.at, offset, lang),
                    e.actor_name.clone().unwrap_or_default(),
                    t(&format!("audit.actions.{}", e.action)),
                    e.unit_name.clone(),
                    readable(describe(&e.detail), &categories)
                        .iter()
                        .map(|p| match p.label {
                            Some(l) => format!("{} {}", t(l), p.value),
                            None => p.value.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(" · "),
                    e.ip.clone().unwrap_or_default(),
                ],
                numbers: vec![],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("audit.title"), "audit", table)
}
