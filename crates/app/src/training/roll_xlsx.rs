//! The offline roll: a workbook of the class's enrolments to tick at the
//! venue without signal (`是` in the attendance column), uploaded back.
//! All or nothing: every row is checked first (an enrolment of this class,
//! a yes or no), every problem is reported with its Excel row, and one bad
//! row records nobody.

use std::io::Cursor;

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use calamine::{Data, Reader, Xlsx};
use jinguo_domain::FieldError;
use jinguo_domain::training::{AttendedVia, ClassId, EnrolmentId};
use minijinja::context;
use rust_xlsxwriter::Workbook;

use crate::auth::WebActor;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::render::WebResult;
use crate::state::AppState;
use crate::training::{self, parse_id};
use crate::xlsx::bilingual::{Heading, without_mongolian, write_header_row};
use crate::xlsx::{download, safe_text};

/// Largest roll accepted (a class holds at most 2,000).
pub const MAX_BYTES: usize = 1024 * 1024;
const MAX_UNPACKED: u64 = 32 * 1024 * 1024;
/// The columns: enrolment number, name, unit, attended; the Chinese is what
/// the upload matches (the Mongolian line above it is ignored).
const HEADERS: [&str; 4] = ["报名编号", "姓名", "单位", "出勤"];
/// The same columns as catalogue keys, for the Mongolian line.
const HEADER_KEYS: [&str; 4] = [
    "training.roll_col.number",
    "training.roll_col.name",
    "training.roll_col.unit",
    "training.roll_col.attended",
];

/// The upload's body limit, for the route table.
pub fn body() -> (usize, FieldError) {
    (
        MAX_BYTES + 64 * 1024,
        FieldError::new("file", "imp.err.too_large"),
    )
}

/// `GET /training/classes/{id}/roll.xlsx`: the roll to take offline.
pub async fn template(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let roll = state.store.enrolments_of(&c).await?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("roll: {e}"));
    write_header_row(ws, 0, &headers(state.catalogue)).map_err(fail)?;
    ws.set_column_width(1, 16).map_err(fail)?;
    ws.set_column_width(2, 24).map_err(fail)?;
    for (r, e) in roll.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_number(r, 0, e.id.get() as f64).map_err(fail)?;
        ws.write_string(r, 1, safe_text(&e.name)).map_err(fail)?;
        ws.write_string(r, 2, safe_text(&e.unit.name))
            .map_err(fail)?;
        if e.attended_at.is_some() {
            ws.write_string(r, 3, "是").map_err(fail)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(fail)?;
    Ok(download(
        bytes,
        &format!("training-roll-{}.xlsx", c.id.get()),
        &format!("{} · 签到表.xlsx", c.title),
    ))
}

/// The roll's header row: Mongolian above the Chinese the upload reads.
fn headers(cat: &crate::i18n::Catalogue) -> Vec<Heading> {
    HEADER_KEYS
        .iter()
        .zip(HEADERS)
        .map(|(key, zh)| Heading::matching(cat, key, zh))
        .collect()
}

/// One problem of the file (row 0) or of a row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub row: u32,
    pub key: &'static str,
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string().trim().to_owned(),
    }
}

/// The rows marked attended: (Excel row, enrolment id as written).
pub fn read(bytes: &[u8]) -> Result<Vec<(u32, i64)>, Vec<Problem>> {
    let file = |key| vec![Problem { row: 0, key }];
    crate::xlsx::import::guarded(
        || file("imp.err.not_xlsx"),
        || {
            if !crate::xlsx::import::looks_like_xlsx(bytes) {
                return Err(file("imp.err.not_xlsx"));
            }
            if bytes.len() > MAX_BYTES
                || crate::xlsx::import::check_unpacked_size(bytes, MAX_UNPACKED).is_err()
            {
                return Err(file("imp.err.too_large"));
            }
            let Ok(mut wb) = Xlsx::new(Cursor::new(bytes)) else {
                return Err(file("imp.err.not_xlsx"));
            };
            let Some(name) = wb.sheet_names().first().cloned() else {
                return Err(file("imp.err.no_sheet"));
            };
            let Ok(range) = wb.worksheet_range(&name) else {
                return Err(file("imp.err.not_xlsx"));
            };
            let first_row = range.start().map_or(0, |(r, _)| r) + 1;
            let mut rows = range.rows();
            let header: Vec<String> = rows
                .next()
                .map(|h| {
                    h.iter()
                        .map(|d| without_mongolian(&text(d)).trim().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let (Some(id_col), Some(att_col)) = (
                header.iter().position(|h| h == HEADERS[0]),
                header.iter().position(|h| h == HEADERS[3]),
            ) else {
                return Err(file("err.training.roll_columns"));
            };
            let mut out = Vec::new();
            let mut problems = Vec::new();
            for (n, row) in rows.enumerate() {
                let number = first_row + 1 + n as u32;
                let cell = |c: usize| row.get(c).map(text).unwrap_or_default();
                let (id, att) = (cell(id_col), cell(att_col));
                if id.is_empty() && att.is_empty() {
                    continue;
                }
                let attended = match att.as_str() {
                    "" | "否" | "no" | "0" => false,
                    "是" | "yes" | "1" | "√" | "✓" => true,
                    _ => {
                        problems.push(Problem {
                            row: number,
                            key: "err.training.roll_yes_no",
                        });
                        continue;
                    }
                };
                match id.parse::<i64>() {
                    Ok(id) if id > 0 => {
                        if attended {
                            out.push((number, id));
                        }
                    }
                    _ => problems.push(Problem {
                        row: number,
                        key: "err.training.roll_enrolment",
                    }),
                }
            }
            if problems.is_empty() {
                Ok(out)
            } else {
                Err(problems)
            }
        },
    )
}

fn refused(
    state: &AppState,
    actor: &crate::auth::Actor,
    lang: Lang,
    class: i64,
    problems: &[Problem],
) -> WebResult {
    let mut resp = state.templates.render(
        "training/roll_refused.html",
        lang,
        Some(actor),
        context! { class, problems },
    );
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

/// `POST /training/classes/{id}/roll` (multipart `file`).
pub async fn upload(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    mut form: Multipart,
) -> WebResult {
    let c = state
        .store
        .class_in_scope(actor.scope(), ClassId::new(parse_id(&id)?))
        .await?;
    let class = c.id.get();
    let mut bytes = Vec::new();
    while let Ok(Some(mut field)) = form.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        while let Ok(Some(chunk)) = field.chunk().await {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return refused(
                    &state,
                    &actor,
                    lang,
                    class,
                    &[Problem {
                        row: 0,
                        key: "imp.err.too_large",
                    }],
                );
            }
            bytes.extend_from_slice(&chunk);
        }
        break;
    }
    let read = tokio::task::spawn_blocking(move || read(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("roll upload: {e}")))?;
    let rows = match read {
        Ok(rows) => rows,
        Err(p) => return refused(&state, &actor, lang, class, &p),
    };
    let roll: Vec<i64> = state
        .store
        .enrolments_of(&c)
        .await?
        .iter()
        .map(|e| e.id.get())
        .collect();
    let problems: Vec<Problem> = rows
        .iter()
        .filter(|(_, id)| !roll.contains(id))
        .map(|(row, _)| Problem {
            row: *row,
            key: "err.training.roll_enrolment",
        })
        .collect();
    if !problems.is_empty() {
        return refused(&state, &actor, lang, class, &problems);
    }
    let ids: Vec<EnrolmentId> = rows.iter().map(|(_, id)| EnrolmentId::new(*id)).collect();
    training::roll(&state, &actor, ip, c.id, &ids, AttendedVia::Upload).await?;
    Ok(Redirect::to(&format!("/training/classes/{class}?done=upload")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roll_header_is_bilingual_and_the_upload_reads_its_chinese() {
        let cat = crate::i18n_global();
        for (key, zh) in HEADER_KEYS.iter().zip(HEADERS) {
            assert_eq!(cat.get(Lang::Zh, key), zh, "{key}");
        }
        let book = |heads: &[String]| {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            for (c, h) in heads.iter().enumerate() {
                ws.write_string(0, c as u16, h).unwrap();
            }
            ws.write_number(1, 0, 7.0).unwrap();
            ws.write_string(1, 3, "是").unwrap();
            wb.save_to_buffer().unwrap()
        };
        let both: Vec<String> = headers(cat).iter().map(Heading::text).collect();
        assert!(both[0].ends_with("\n报名编号") && both[0].len() > "\n报名编号".len());
        assert_eq!(read(&book(&both)).unwrap(), [(2, 7)]);
        let mn: Vec<String> = HEADER_KEYS
            .iter()
            .map(|k| cat.get(Lang::Mn, k).to_owned())
            .collect();
        let refused = read(&book(&mn)).unwrap_err();
        assert_eq!(refused[0].key, "err.training.roll_columns");
    }
}
