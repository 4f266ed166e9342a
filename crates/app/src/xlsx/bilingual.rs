//! Mongolian and Chinese side by side in every workbook jinguo writes
//! (issue 17 item 3).
//!
//! Inner Mongolia's rules for official outputs ask for traditional
//! Mongolian and Chinese together, Mongolian first. The pages and printed
//! notices do it with `templates/macros/bilingual.html`; every workbook's
//! title row and column headers do it here, whatever language the reader
//! chose, and every writer goes through [`write_header_row`] (or
//! [`write_title`]), so no sheet can drift from the layout.
//!
//! **Layout: one header cell holds both, Mongolian on the first line and
//! Chinese on the second** (`ᠨᠡᠷ᠎ᠡ` ⏎ `名称`), wrapped and centred. A
//! Mongolian row above the Chinese row was the other choice; one cell wins
//! because
//!
//! - a sheet keeps a single header row, so a filter or a sort (which take
//!   the first row as the header), the frozen panes and the row numbers an
//!   import refusal quotes stay where they were, and a cadre who fills in
//!   a template finds her first data row where the instructions say;
//! - a column's two names cannot be parted: moving, hiding or deleting a
//!   column, or sorting the sheet, takes both along;
//! - the importers find the header row as before: [`without_mongolian`]
//!   drops the Mongolian line of a header cell and they match the Chinese
//!   exactly as they always did. A cell with Mongolian only is left empty
//!   by it, so it is as unknown as any unknown header (the import still
//!   needs the Chinese name; it does not guess from Mongolian).
//!
//! No row height is set: Excel, WPS and LibreOffice size a row of wrapped
//! cells to its lines when its height was left alone, whereas a set height
//! would cut off the Chinese line under a long Mongolian one.
//!
//! **Mongolian runs horizontally in a cell.** Traditional Mongolian is
//! written in vertical columns, as the public pages set it; a spreadsheet
//! cell cannot do that for our layout: Excel's and WPS's "vertical text"
//! stacks the letters one under another unjoined, and turning the cell
//! 90° would stand the Mongolian line upright but lay the Chinese in the
//! same cell on its side and make the header row as tall as the longest
//! name. A horizontal line of correctly joined script is what the dense
//! cadre pages show too (docs/mongolian-glossary.md, "Layout"), and is
//! acceptable for a cell.
//!
//! **Where the Mongolian comes from.** A heading named by a catalogue key
//! takes `Catalogue::get(Lang::Mn, key)` when the catalogue has a Mongolian
//! entry for it; otherwise, and for headings that come from data (a task's
//! field labels, the configured level names), the Chinese stands alone —
//! never English or a key in the Mongolian's place.

use std::borrow::Cow;

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::safe_text;
use crate::i18n::{Catalogue, Lang};

/// One header or title: the Mongolian (when there is one) and the Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub mn: Option<String>,
    pub zh: String,
}

impl Heading {
    /// A catalogue key in Mongolian and Chinese.
    pub fn of(cat: &Catalogue, key: &str) -> Heading {
        Heading::filled(cat, key, &[])
    }

    /// A catalogue key with its `{placeholders}` filled in both languages
    /// (a title naming its unit and period).
    pub fn filled(cat: &Catalogue, key: &str, args: &[(&str, &str)]) -> Heading {
        let fill = |lang| {
            let mut s = cat.get(lang, key).to_owned();
            for (name, value) in args {
                s = s.replace(&format!("{{{name}}}"), value);
            }
            s
        };
        Heading {
            mn: cat.has(Lang::Mn, key).then(|| fill(Lang::Mn)),
            zh: fill(Lang::Zh),
        }
    }

    /// An import template's column: the Mongolian of `key`, and `zh`, the
    /// name the importer matches (kept in the importer, so the catalogue
    /// cannot change what a returned template must say; each module's test
    /// checks that the catalogue's Chinese is the same).
    pub fn matching(cat: &Catalogue, key: &str, zh: &str) -> Heading {
        Heading {
            zh: zh.to_owned(),
            ..Heading::of(cat, key)
        }
    }

    /// A heading from data (a task's field label, a configured level
    /// name): no Mongolian is known, so the Chinese stands alone.
    pub fn plain(zh: impl Into<String>) -> Heading {
        Heading {
            mn: None,
            zh: zh.into(),
        }
    }

    /// The cell's text: the Mongolian line, a line break, the Chinese; or
    /// the Chinese alone. Formula-like text stays text ([`safe_text`]).
    pub fn text(&self) -> String {
        match self.mn.as_deref().filter(|m| !m.trim().is_empty()) {
            Some(mn) => format!("{}\n{}", safe_text(mn), self.zh),
            None => safe_text(&self.zh).into_owned(),
        }
    }
}

/// Catalogue keys as headings, in order.
pub fn headings(cat: &Catalogue, keys: &[&str]) -> Vec<Heading> {
    keys.iter().map(|k| Heading::of(cat, k)).collect()
}

/// The header format: bold on a tint, centred, and wrapped so the
/// Mongolian and the Chinese each keep their own line.
fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#F2E6EA")
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// Writes `heads` into `row` from column 0, one bilingual cell each, in
/// [`header_format`].
pub fn write_header_row(ws: &mut Worksheet, row: u32, heads: &[Heading]) -> Result<(), XlsxError> {
    let format = header_format();
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, h.text(), &format)?;
    }
    Ok(())
}

/// Writes a title cell: the Mongolian line first, then the Chinese, in
/// `format` and wrapped so each keeps its line (Excel and WPS then size the
/// row to both lines, as for a header row). The title's column must be
/// wide enough for a line, as a wrapped cell does not run on into the next
/// one. A title with no Mongolian (a task's own title) is not wrapped, so
/// it runs on across the empty cells beside it as before.
pub fn write_title(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    title: &Heading,
    format: &Format,
) -> Result<(), XlsxError> {
    let text = title.text();
    if text.contains('\n') {
        ws.write_string_with_format(row, col, text, &format.clone().set_text_wrap())?;
    } else {
        ws.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

/// A character of the Mongolian block (U+1800–U+18AF): letters, the vowel
/// separator, the free variation selectors and Mongolian punctuation.
pub fn is_mongolian(c: char) -> bool {
    ('\u{1800}'..='\u{18AF}').contains(&c)
}

/// A header cell as the importers compare it: every line that holds
/// Mongolian script is dropped (the Mongolian line of a bilingual header),
/// the other lines are kept as they are. A cell without Mongolian comes
/// back unchanged; a cell with Mongolian only comes back empty.
pub fn without_mongolian(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_mongolian) {
        return Cow::Borrowed(s);
    }
    let kept: Vec<&str> = s
        .split(['\n', '\r', '\u{2028}'])
        .filter(|line| !line.chars().any(is_mongolian))
        .collect();
    Cow::Owned(kept.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mongolian_first_then_chinese_and_chinese_alone_without_it() {
        let cat = crate::i18n_global();
        let h = Heading::of(cat, "imp.col.title");
        assert_eq!(h.zh, "活动名称");
        let mn = h.mn.clone().expect("the catalogue has Mongolian");
        assert!(mn.chars().any(is_mongolian));
        assert_eq!(h.text(), format!("{mn}\n活动名称"));
        // Data: the Chinese alone, never another language.
        assert_eq!(Heading::plain("盟市").text(), "盟市");
        // A key without a Mongolian entry: the Chinese alone, not English.
        let c = crate::i18n::Catalogue::from_files(&[
            ("zh-CN", "zh-CN.toml", "[a]\nb = \"名称\""),
            ("en", "en.toml", "[a]\nb = \"Name\""),
        ]);
        let h = Heading::of(&c, "a.b");
        assert_eq!((h.mn.as_deref(), h.text().as_str()), (None, "名称"));
        // Placeholders are filled in both lines.
        let t = Heading::filled(cat, "xlsx.ledger_file", &[("name", "锡林浩特市")]);
        assert!(t.zh.contains("锡林浩特市") && !t.zh.contains("{name}"));
        assert!(t.mn.unwrap().contains("锡林浩特市"));
        // A formula-like Chinese data label stays text.
        assert_eq!(Heading::plain("=1+1").text(), "'=1+1");
    }

    #[test]
    fn the_mongolian_line_is_dropped_and_nothing_else() {
        assert_eq!(without_mongolian("ᠨᠡᠷ᠎ᠡ\n名称"), "名称");
        assert_eq!(
            without_mongolian("ᠨᠢᠭᠡᠴᠡ ᠶᠢᠨ ᠺᠣᠳ\r\n单位代码"),
            "\n单位代码"
        );
        assert_eq!(without_mongolian("参加\n人数"), "参加\n人数");
        assert_eq!(without_mongolian("单位代码"), "单位代码");
        // Mongolian only: nothing is left to match.
        assert_eq!(without_mongolian("ᠨᠡᠷ᠎ᠡ"), "");
        assert_eq!(without_mongolian("ᠣᠷᠣᠯᠤᠭᠰᠠᠨ ᠬᠦᠮᠦᠨ ᠦ ᠲᠣᠣ"), "");
    }

    #[test]
    fn the_header_row_is_one_wrapped_row() {
        use calamine::{Data, Reader, Xlsx};
        let cat = crate::i18n_global();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let heads = vec![Heading::of(cat, "imp.col.date"), Heading::plain("盟市")];
        write_header_row(ws, 0, &heads).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("Sheet1").unwrap();
        let Some(Data::String(date)) = range.get_value((0, 0)) else {
            panic!("a text header");
        };
        let (mn, zh) = date.split_once('\n').expect("two lines");
        assert!(mn.chars().all(|c| is_mongolian(c) || c == ' '), "{mn}");
        assert_eq!(zh, "日期");
        assert_eq!(range.get_value((0, 1)), Some(&Data::String("盟市".into())));
        assert_eq!(range.height(), 1, "one header row");
        let styles = wb.worksheet_style("Sheet1").unwrap();
        let style = styles.get((0, 0)).expect("a style");
        assert!(style.font.as_ref().is_some_and(|f| f.is_bold()));
    }
}
