//! Accounts in bulk from a workbook (issue 14 item 8): the form, the
//! template, and the all-or-nothing upload whose result page offers the
//! initial passwords once.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{MethodRouter, post};
use base64::Engine;
use minijinja::context;
use serde::Serialize;

use super::ledger_io::read_upload;
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::people_import::{self, Checked};
use crate::render::WebResult;
use crate::state::AppState;
use crate::xlsx::download;
use crate::xlsx::import::{MAX_FILE_BYTES, Refusal};
use crate::xlsx::people;

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("spreadsheet: {e}"))
}

/// Problems shown on the page.
const SHOWN_PROBLEMS: usize = 200;

#[derive(Serialize)]
struct ProblemView {
    row: String,
    column: String,
    reason: String,
}

#[derive(Serialize)]
struct Created {
    username: String,
    display_name: String,
    password: String,
}

/// The page: steps and form, with a refusal's problems or the accounts
/// just created.
fn page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    refusal: Option<&Refusal>,
    created: Option<(Vec<Created>, String)>,
) -> WebResult {
    let cat = state.catalogue;
    let n = |k: &str, n: usize| cat.get(lang, k).replace("{n}", &n.to_string());
    let read = refusal.and_then(|r| r.at.as_ref()).map(|at| {
        cat.get(lang, "imp.read")
            .replace("{sheet}", &at.name)
            .replace("{row}", &at.header_row.to_string())
    });
    let problems = refusal.map(|r| &r.problems[..]).unwrap_or_default();
    let (rejected, problems) = match problems {
        [p] if p.row.is_none() => (Some(p.reason(cat, lang)), &[][..]),
        [] => (None, problems),
        _ => (Some(n("people.import.rejected", problems.len())), problems),
    };
    let shown: Vec<ProblemView> = problems
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(|p| ProblemView {
            row: p.row_text(),
            column: p.column_text(cat, lang),
            reason: p.reason(cat, lang),
        })
        .collect();
    let done = created
        .as_ref()
        .map(|(c, _)| n("people.import.done", c.len()));
    let (created, passwords) = created.unzip();
    let mut resp = state.templates.render(
        "people_import.html",
        lang,
        Some(actor),
        context! {
            read, rejected, problems => shown, done, created, passwords,
            limit => n("people.import.step3", people::MAX_ROWS)
                .replace("{mb}", &(MAX_FILE_BYTES / 1024 / 1024).to_string()),
        },
    );
    if rejected.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    // The one page that shows initial passwords is never kept by a cache.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// `GET /users/import`: the steps, the template and the upload form.
pub async fn import_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
) -> WebResult {
    page(&state, &actor, lang, None, None)
}

/// `GET /users/import/template.xlsx`.
pub async fn import_template(
    State(state): State<AppState>,
    WebActor(_actor): WebActor,
    lang: Lang,
) -> WebResult {
    let cat = state.catalogue;
    let bytes = people::template(cat, lang).map_err(internal)?;
    Ok(download(
        bytes,
        "jinguo-users-template.xlsx",
        &format!("{}.xlsx", cat.get(lang, "people.template.file")),
    ))
}

/// The route of the upload, with a body limit large enough for a file.
pub fn import_route() -> MethodRouter<AppState> {
    post(import_upload).layer(DefaultBodyLimit::max(crate::auth::csrf::MAX_UPLOAD_BODY))
}

/// `POST /users/import` (multipart): checks every row; creates all the
/// accounts in one transaction or none, and shows the initial passwords
/// once, on this page only — as a table and as a workbook embedded in the
/// page (never stored on the server, never logged).
pub async fn import_upload(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    form: Multipart,
) -> WebResult {
    let bytes = match read_upload(form).await {
        Ok(b) => b,
        Err(p) => return page(&state, &actor, lang, Some(&p.into()), None),
    };
    let read = tokio::task::spawn_blocking(move || people::read(&bytes))
        .await
        .map_err(internal)?;
    let sheet = match read {
        Ok(s) => s,
        Err(refusal) => return page(&state, &actor, lang, Some(&refusal), None),
    };
    match people_import::check(&state, &actor, &sheet).await? {
        Checked::Rejected(problems) => {
            let refusal = Refusal {
                problems,
                at: Some(sheet.at.clone()),
            };
            page(&state, &actor, lang, Some(&refusal), None)
        }
        Checked::Ready(ready) => {
            let made = people_import::commit(&state, &actor, ip, ready).await?;
            let xlsx = people::passwords(&made, state.catalogue, lang).map_err(internal)?;
            let href = format!(
                "data:{};base64,{}",
                crate::xlsx::MIME,
                base64::engine::general_purpose::STANDARD.encode(xlsx)
            );
            let created = made
                .into_iter()
                .map(|(username, display_name, password)| Created {
                    username,
                    display_name,
                    password,
                })
                .collect();
            page(&state, &actor, lang, None, Some((created, href)))
        }
    }
}
