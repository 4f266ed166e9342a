//! What an upload must be to become a task attachment, decided by its own
//! bytes (the client's file name and content type are never trusted): a
//! PDF, a Word or Excel document (a ZIP package with the parts that make
//! one), or a JPEG/PNG picture as photos accept them.

use std::io::Cursor;

use jinguo_domain::FieldError;

use crate::photos::check::PhotoKind;

/// The largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

pub const NOT_ALLOWED: FieldError = FieldError::new("file", "err.attachment.type");
pub const TOO_LARGE: FieldError = FieldError::new("file", "err.attachment.too_large");
pub const TOO_MANY: FieldError = FieldError::new("file", "err.attachment.too_many");
pub const MISSING: FieldError = FieldError::new("file", "err.attachment.missing");

/// The message key of an upload error named in an address, if it is one.
pub fn message_key(key: &str) -> Option<&'static str> {
    [NOT_ALLOWED, TOO_LARGE, TOO_MANY, MISSING]
        .into_iter()
        .map(|e| e.key)
        .find(|k| *k == key)
}

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    Picture(PhotoKind),
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Picture(p) => p.content_type(),
        }
    }
}

/// An Office Open XML package: a ZIP whose entries include the content
/// types part and the folder of a Word (`word/`) or Excel (`xl/`) document.
/// Only the central directory is read, never an entry's contents.
fn office(bytes: &[u8]) -> Option<FileKind> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .ok()?;
    if !names.iter().any(|n| n == "[Content_Types].xml") {
        return None;
    }
    // Macros and ActiveX controls run code when the file is opened with
    // content enabled; a task's circular has no need of either.
    let active = |n: &String| {
        let n = n.to_ascii_lowercase();
        n.ends_with("vbaproject.bin") || n.ends_with("vbadata.xml") || n.contains("/activex/")
    };
    if names.iter().any(active) {
        return None;
    }
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if has("word/") {
        Some(FileKind::Docx)
    } else if has("xl/") {
        Some(FileKind::Xlsx)
    } else {
        None
    }
}

/// Checks an upload's size and kind.
pub fn check(bytes: &[u8]) -> Result<FileKind, FieldError> {
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(TOO_LARGE);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    if let Some(k) = office(bytes) {
        return Ok(k);
    }
    // Pictures pass the photo check but this size limit.
    if let Ok((kind, _)) = crate::photos::check::picture(bytes) {
        return Ok(FileKind::Picture(kind));
    }
    Err(NOT_ALLOWED)
}

/// The uploader's file name as shown and offered on download: the last
/// path part (either slash), no control characters, at most 100
/// characters, and a neutral name when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A ZIP package holding the named (empty) entries.
    pub fn package(entries: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for e in entries {
            w.start_file(*e, opts).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn pdf_and_office_packages_pass_by_content() {
        assert_eq!(check(b"%PDF-1.7\n...").unwrap(), FileKind::Pdf);
        let docx = package(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(check(&docx).unwrap(), FileKind::Docx);
        let xlsx = package(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(check(&xlsx).unwrap(), FileKind::Xlsx);
    }

    #[test]
    fn other_zips_programs_and_text_fail() {
        assert_eq!(
            check(&package(&["word/document.xml"])).unwrap_err(),
            NOT_ALLOWED
        );
        assert_eq!(
            check(&package(&["[Content_Types].xml", "ppt/a.xml"])).unwrap_err(),
            NOT_ALLOWED
        );
        assert_eq!(
            check(b"MZ\x90\x00\x03\x00\x00\x00").unwrap_err(),
            NOT_ALLOWED
        );
        assert_eq!(check(b"plain text").unwrap_err(), NOT_ALLOWED);
        // A Word or Excel file carrying macros or ActiveX controls.
        for active in [
            "word/vbaProject.bin",
            "word/vbaData.xml",
            "xl/vbaProject.bin",
            "word/activeX/activeX1.xml",
        ] {
            let root = if active.starts_with("xl") {
                "xl/workbook.xml"
            } else {
                "word/document.xml"
            };
            let p = package(&["[Content_Types].xml", root, active]);
            assert_eq!(check(&p).unwrap_err(), NOT_ALLOWED, "{active}");
        }
        assert_eq!(check(b"\x89PNG\r\n\x1a\n").unwrap_err(), NOT_ALLOWED);
    }

    #[test]
    fn too_large_is_refused_before_anything_else() {
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, 0);
        assert_eq!(check(&big).unwrap_err(), TOO_LARGE);
    }

    #[test]
    fn names_lose_their_paths_and_length() {
        assert_eq!(clean_name("C:\\Users\\a\\通知.pdf"), "通知.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name("dir/"), "attachment");
        assert_eq!(clean_name(&"长".repeat(150)).chars().count(), 100);
    }
}
