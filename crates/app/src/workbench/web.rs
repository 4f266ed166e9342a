//! The workbench pages: `/` (her to-do home) and the quiet-village list.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use jinguo_domain::UnitCode;
use jinguo_store::model::DictKind;
use minijinja::context;
use serde::Deserialize;

use crate::activities::labels;
use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::render::WebResult;
use crate::routes::web::page_code;
use crate::state::AppState;
use crate::xlsx::download;
use crate::xlsx::export::{Table, TableRow, write_tables};

/// `GET /`: the workbench of her own unit.
pub async fn home(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
) -> WebResult {
    let wb = super::gather(&state, &actor).await?;
    let categories = match wb.needs_due {
        Some(_) => labels(&state, DictKind::NEED_CATEGORY, lang).await?,
        None => Default::default(),
    };
    let clear = wb.is_clear();
    let today = jinguo_domain::activity::format_date(crate::state::today(&state.config));
    Ok(state.templates.render(
        "workbench/home.html",
        lang,
        Some(&actor),
        context! { wb, clear, categories, today, unit => &actor.unit },
    ))
}

#[derive(Deserialize)]
pub struct QuietQuery {
    /// The last code of the previous page (keyset paging).
    after: Option<String>,
}

/// Lines per page of the quiet-village list.
const QUIET_PAGE: i64 = 100;

/// Rows of the quiet-village workbook: every quiet village of a league
/// fits, and the region's 14,592 too.
const QUIET_EXPORT_MAX: i64 = 20_000;

/// `GET /quiet/{code}`: the villages of a unit's subtree with no activity
/// in the last three months, with their township and banner and the month
/// of their last activity.
pub async fn quiet(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<QuietQuery>,
) -> WebResult {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    // A malformed cursor is a page that does not exist.
    let after = match q.after.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(UnitCode::parse(s).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let (since, list) =
        super::quiet_villages(&state, &actor, &unit, after.as_ref(), QUIET_PAGE + 1).await?;
    let has_next = list.items.len() as i64 > QUIET_PAGE;
    let rows: Vec<_> = list.items.into_iter().take(QUIET_PAGE as usize).collect();
    let next = has_next
        .then(|| rows.last().map(|r| r.unit.code.clone()))
        .flatten();
    Ok(state.templates.render(
        "workbench/quiet.html",
        lang,
        Some(&actor),
        context! {
            unit, rows, next, total => list.total, since => since.to_string(),
            first_page => after.is_none(),
        },
    ))
}

/// `GET /quiet/{code}/export.xlsx`: the same list as a workbook.
pub async fn quiet_export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let unit = state
        .unit_in_scope(actor.scope(), &page_code(&code)?)
        .await?;
    let (since, list) =
        super::quiet_villages(&state, &actor, &unit, None, QUIET_EXPORT_MAX).await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let never = t("wb.quiet.never");
    let rows = list
        .items
        .iter()
        .map(|v| TableRow {
            texts: vec![
                v.unit.code.as_str().to_owned(),
                v.unit.name.clone(),
                v.path.first().cloned().unwrap_or_default(),
                v.path.get(1).cloned().unwrap_or_default(),
                v.last_month.clone().unwrap_or_else(|| never.clone()),
            ],
            numbers: vec![],
            total: false,
        })
        .collect();
    let title = format!("{} · {}", unit.name, t("wb.quiet.title"));
    let table = Table {
        name: t("wb.quiet.title"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "wb.quiet.col.code",
                "wb.quiet.col.village",
                "wb.quiet.col.township",
                "wb.quiet.col.banner",
                "wb.quiet.col.last",
            ],
        ),
        widths: vec![16.0, 20.0, 18.0, 18.0, 14.0],
        rows,
    };
    let bytes = write_tables(&title, &[table])
        .map_err(|e| AppError::Internal(anyhow::anyhow!("quiet villages workbook: {e}")))?;
    Ok(download(
        bytes,
        &format!("quiet-villages-{}-since-{since}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}
