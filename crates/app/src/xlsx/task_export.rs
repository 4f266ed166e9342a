//! A task's answers as one workbook: a row per target unit with its five
//! ancestor columns, then numeric totals per level on separate sheets.

use std::collections::BTreeMap;

use axum::response::Response;
use jinguo_domain::task::{FieldDef, answers_from_json};
use jinguo_domain::{Level, UnitCode, UnitId};
use jinguo_store::model::{ExportRow, Task, Unit};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::bilingual::{Heading, write_header_row, write_title};
use super::{download, safe_text, sheet_name};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::i18n::{Catalogue, Lang};
use crate::state::AppState;
use crate::tasks;

/// Every field a row may have, in order: the issuer's, then forwarded ones.
fn all_fields(task: &Task) -> Vec<FieldDef> {
    task.fields
        .iter()
        .chain(task.forwards.iter().flat_map(|f| &f.fields))
        .cloned()
        .collect()
}

/// Totals of one unit at one level over the handed-in reports below it.
#[derive(Default)]
struct LevelTotals {
    name: String,
    targets: i64,
    complete: i64,
    sums: BTreeMap<String, f64>,
}

/// Writes the workbook; pure, so tests and the bench can call it.
pub fn write(
    cat: &Catalogue,
    lang: Lang,
    level_names: &[String; 5],
    task: &Task,
    rows: &[ExportRow],
) -> Result<Vec<u8>, XlsxError> {
    let t = |k: &str| cat.get(lang, k).to_owned();
    let fields = all_fields(task);
    let numeric: Vec<&FieldDef> = fields.iter().filter(|f| f.ty.is_numeric()).collect();
    let mut wb = Workbook::new();
    let num = Format::new().set_num_format("#,##0.##");

    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&t("task.xlsx.answers")))?;
    // The task's own title is data: Chinese alone.
    write_title(ws, 0, 0, &Heading::plain(&task.title), &Format::new())?;
    // The configured level names and the task's own field labels are data:
    // they head their columns in Chinese alone.
    let h = |k: &str| Heading::of(cat, k);
    let mut headers: Vec<Heading> = level_names.iter().map(Heading::plain).collect();
    headers.extend([
        h("task.xlsx.code"),
        h("task.xlsx.status"),
        h("task.xlsx.submitted_on"),
    ]);
    headers.extend(fields.iter().map(|f| Heading::plain(&f.label)));
    headers.extend([h("task.xlsx.note"), h("task.xlsx.return_reason")]);
    write_header_row(ws, 1, &headers)?;
    let mut by_level: [BTreeMap<UnitId, LevelTotals>; 5] = Default::default();
    for (i, row) in rows.iter().enumerate() {
        let r = &row.report;
        let line = (i + 2) as u32;
        for (c, name) in row.path.iter().enumerate() {
            if let Some(n) = name {
                ws.write_string(line, c as u16, safe_text(n))?;
            }
        }
        ws.write_string(line, 5, r.unit.code.as_str())?;
        ws.write_string(line, 6, t(&format!("task.status.{}", r.status.as_str())))?;
        if let Some(d) = &r.first_submitted_on {
            ws.write_string(line, 7, d)?;
        }
        let answers = answers_from_json(
            &fields,
            &serde_json::from_str(&r.values_json).unwrap_or_default(),
        );
        for (c, f) in fields.iter().enumerate() {
            let col = (8 + c) as u16;
            if let Some(a) = answers.get(&f.key) {
                match a.as_f64() {
                    Some(x) => ws.write_number_with_format(line, col, x, &num)?,
                    None => ws.write_string(line, col, safe_text(&a.display()))?,
                };
            }
        }
        let after = (8 + fields.len()) as u16;
        if let Some(n) = &r.note {
            ws.write_string(line, after, safe_text(n))?;
        }
        if let Some(n) = &r.return_reason {
            ws.write_string(line, after + 1, safe_text(n))?;
        }
        // Every ancestor above the report's own unit gets its totals.
        let above = usize::from(r.unit.level.get()).saturating_sub(1);
        for ((totals, id), name) in by_level
            .iter_mut()
            .zip(r.ancestors)
            .zip(&row.path)
            .take(above)
        {
            let (Some(id), Some(name)) = (id, name) else {
                continue;
            };
            let e = totals.entry(id).or_default();
            e.name.clone_from(name);
            e.targets += 1;
            if r.status.is_complete() {
                e.complete += 1;
                for f in &numeric {
                    if let Some(x) = answers.get(&f.key).and_then(|a| a.as_f64()) {
                        *e.sums.entry(f.key.clone()).or_default() += x;
                    }
                }
            }
        }
    }
    ws.set_column_width(5, 14)?;
    ws.set_freeze_panes(2, 0)?;

    for (level, units) in by_level.iter().enumerate() {
        if units.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&format!(
            "{} {}",
            level_names[level],
            t("task.xlsx.totals")
        )))?;
        let mut headers = vec![
            Heading::plain(&level_names[level]),
            h("task.xlsx.targets"),
            h("task.xlsx.complete"),
        ];
        headers.extend(numeric.iter().map(|f| Heading::plain(&f.label)));
        write_header_row(ws, 0, &headers)?;
        for (i, u) in units.values().enumerate() {
            let line = (i + 1) as u32;
            ws.write_string(line, 0, safe_text(&u.name))?;
            ws.write_number(line, 1, u.targets as f64)?;
            ws.write_number(line, 2, u.complete as f64)?;
            for (c, f) in numeric.iter().enumerate() {
                let x = u.sums.get(&f.key).copied().unwrap_or_default();
                ws.write_number_with_format(line, (3 + c) as u16, x, &num)?;
            }
        }
        ws.set_column_width(0, 20)?;
    }
    wb.save_to_buffer()
}

/// The export of a task for a unit of the actor's scope (her own by default).
pub async fn respond(
    state: &AppState,
    actor: &Actor,
    id: &str,
    code: Option<&UnitCode>,
    lang: Lang,
) -> AppResult<Response> {
    let task = tasks::load(state, actor, id).await?;
    let unit: Unit = actor.unit_or_own(state, code).await?;
    let rows = state.store.export_rows(&task, &unit).await?;
    let names: [String; 5] = Level::ALL.map(|l| state.config.level_names.name(l).to_owned());
    let cat = state.catalogue;
    let bytes = tokio::task::spawn_blocking(move || write(cat, lang, &names, &task, &rows))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(download(
        bytes,
        &format!("task-{id}-{}.xlsx", unit.code),
        &format!("{}-{}.xlsx", unit.name, id),
    ))
}
