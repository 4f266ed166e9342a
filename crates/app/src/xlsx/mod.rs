//! Spreadsheets in and out of the platform.
//!
//! Written with `rust_xlsxwriter` (the activity ledger, a unit's figures,
//! the import template and error reports) and read with `calamine` (uploaded
//! ledgers). The web pages and the `jinguo import` command share everything
//! here, so a file is judged the same way wherever it comes in. Every
//! header row and title row is written by [`bilingual`]: Mongolian above
//! Chinese in one cell, whatever the reader's language.

pub mod bilingual;
pub mod export;
pub mod import;
mod import_cells;
mod import_check;
mod import_headers;
mod import_names;
pub mod people;
pub mod task_export;

/// What the people import borrows from the ledger import: unit cells and
/// unit names matched within a subtree.
pub mod import_api {
    pub use super::import_cells::{UnitCell, unit_cell};
    pub use super::import_names::{Match, find_unit};
}
pub mod template;

use std::borrow::Cow;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::Format;

/// The media type of an .xlsx file.
pub const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Text that a spreadsheet application could take for a formula (or for a
/// command, in older ones) gets a leading apostrophe, so a title such as
/// `=HYPERLINK(…)` stays text wherever the file is opened. The cell is
/// written as a string in any case.
pub fn safe_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Undoes [`safe_text`] when a file written here comes back.
pub fn unsafe_text(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`: the column as Excel shows it.
pub fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A count with thousands separators, still a number.
pub fn number_format() -> Format {
    Format::new().set_num_format("#,##0")
}

/// An ASCII-only stand-in for a file name: anything else becomes `_`.
fn ascii_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 `ext-value` encoding: UTF-8, percent-encoded but for `attr-char`.
fn rfc5987(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `Content-Disposition: attachment` with an ASCII `filename` for old
/// clients and the real (Chinese) name in `filename*`.
pub fn content_disposition(ascii: &str, utf8: &str) -> HeaderValue {
    let value = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_name(ascii),
        rfc5987(utf8)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A finished workbook as a download. Never cached: it holds scoped data.
pub fn download(bytes: Vec<u8>, ascii: &str, utf8: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(MIME)),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(ascii, utf8),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// A filtered list of a unit as a one-sheet workbook titled
/// "{unit} · {list}", downloaded as `{slug}-{code}.xlsx` (the title in
/// UTF-8 for clients that read it). Every list export ends here.
pub fn list_download(
    unit: &jinguo_store::model::Unit,
    list: &str,
    slug: &str,
    table: export::Table,
) -> crate::error::AppResult<Response> {
    let title = format!("{} · {}", unit.name, list);
    let bytes = export::write_tables(&title, &[table])
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("{slug} workbook: {e}")))?;
    Ok(download(
        bytes,
        &format!("{slug}-{}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}

/// A sheet name as Excel allows it: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text() {
        for s in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"] {
            let safe = safe_text(s);
            assert!(safe.starts_with('\''), "{s}");
            assert_eq!(unsafe_text(&safe), s);
        }
        assert_eq!(safe_text("巾帼大宣讲"), "巾帼大宣讲");
        assert_eq!(unsafe_text("'quoted"), "'quoted");
    }

    #[test]
    fn columns_and_names() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        let v = content_disposition("a b.xlsx", "锡林浩特市 a.xlsx");
        let v = v.to_str().unwrap();
        assert!(v.contains("filename=\"a_b.xlsx\""), "{v}");
        assert!(
            v.contains("filename*=UTF-8''%E9%94%A1%E6%9E%97%E6%B5%A9%E7%89%B9%E5%B8%82%20a.xlsx"),
            "{v}"
        );
        assert_eq!(sheet_name("a/b[c]"), "abc");
    }
}
