//! Free text as typed into a form. Every free-text field of every module
//! goes through [`clean_text`] (paragraphs) or [`clean_line`] (one line:
//! titles, names, reasons), so one rule holds everywhere:
//!
//! - trimmed of spaces and of invisible characters at both ends (a pasted
//!   byte-order mark or zero-width space);
//! - blank when nothing visible remains, so a title made only of U+200B or
//!   U+202E counts as missing and a required field says so;
//! - refused when it holds control characters (a pasted NUL or escape
//!   sequence) or bidirectional overrides and isolates (U+202A–U+202E,
//!   U+2066–U+2069), which reorder what a reader sees in lists, exports and
//!   the audit log; line breaks are kept in paragraphs only;
//! - bounded in characters, not bytes.
//!
//! Zero-width joiners, non-joiners and the Mongolian free variation
//! selectors and vowel separator stay inside a text: traditional Mongolian
//! needs them to shape its letters.

use std::borrow::Cow;

use crate::error::FieldError;

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    /// Longer than the field allows.
    TooLong,
    /// Holds a control character, a bidirectional override, or (in a
    /// one-line field) a line break.
    Control,
}

impl TextError {
    /// The message key: `too_long` (the field's own wording) for a long
    /// text, the shared `err.text.control` for a forbidden character.
    pub fn key(self, too_long: &'static str) -> &'static str {
        match self {
            TextError::TooLong => too_long,
            TextError::Control => "err.text.control",
        }
    }
}

/// The trimmed text, `None` when nothing visible is left; line breaks are
/// kept (notes, descriptions, stories).
pub fn clean_text(s: &str, max: usize) -> Result<Option<String>, TextError> {
    clean(s, max, true)
}

/// One line of text (titles, names, reasons): like [`clean_text`], but a
/// line break is refused, so a reason cannot forge a second line in the
/// audit log or a second row in an export.
pub fn clean_line(s: &str, max: usize) -> Result<Option<String>, TextError> {
    clean(s, max, false)
}

fn clean(s: &str, max: usize, lines: bool) -> Result<Option<String>, TextError> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if !s.chars().any(|c| !c.is_whitespace() && !is_invisible(c)) {
        return Ok(None);
    }
    let forbidden = |c: char| {
        let line_break = c == '\n' || c == '\r';
        (c.is_control() && !(lines && line_break))
            || is_bidi_control(c)
            || (!lines && matches!(c, '\u{2028}' | '\u{2029}'))
    };
    if s.chars().any(forbidden) {
        return Err(TextError::Control);
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong);
    }
    Ok(Some(s.to_owned()))
}

/// Whether `text` holds traditional Mongolian letters (U+1800–U+18AF).
/// The one test of "is this Mongolian" for every field that asks for
/// Mongolian (an activity's, a campaign's or a home's `*_mn` name, a
/// reviewer's catalogue entry): digits, Latin acronyms and punctuation may
/// sit among the letters, but a text with none (Chinese or Latin typed
/// into the Mongolian box) is refused, so a Chinese name never shows in
/// the Mongolian column of a notice or a certificate.
pub fn in_mongolian_script(text: &str) -> bool {
    text.chars().any(|c| ('\u{1800}'..='\u{18AF}').contains(&c))
}

/// The message for a Mongolian field without Mongolian letters.
const NOT_MONGOLIAN: &str = "err.text.mongolian";

/// A text field of a form, checked with the form's own message keys, so
/// a module states each field once: `Field::line("title", 200)`.
#[derive(Debug, Clone)]
pub struct Field {
    name: Cow<'static, str>,
    max: usize,
    lines: bool,
    mongolian: bool,
    too_long: &'static str,
}

impl Field {
    /// A one-line field (titles, names, reasons): see [`clean_line`].
    pub fn line(name: impl Into<Cow<'static, str>>, max: usize) -> Self {
        Self {
            name: name.into(),
            max,
            lines: false,
            mongolian: false,
            too_long: "err.text.too_long",
        }
    }

    /// A field of paragraphs (notes, descriptions): see [`clean_text`].
    pub fn text(name: impl Into<Cow<'static, str>>, max: usize) -> Self {
        Self {
            lines: true,
            ..Self::line(name, max)
        }
    }

    /// A field for a name or title in traditional Mongolian (`title_mn`,
    /// `name_mn`): a text without Mongolian letters is refused with
    /// `err.text.mongolian` (see [`in_mongolian_script`]).
    pub fn mongolian(self) -> Self {
        Self {
            mongolian: true,
            ..self
        }
    }

    /// The module's own message for a text over `max` characters.
    pub fn too_long(self, key: &'static str) -> Self {
        Self {
            too_long: key,
            ..self
        }
    }

    /// The checked text, `None` when blank or refused; a refusal is pushed
    /// onto `errors`.
    pub fn optional(&self, s: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
        match clean(s?, self.max, self.lines) {
            Ok(Some(t)) if self.mongolian && !in_mongolian_script(&t) => {
                errors.push(self.error(NOT_MONGOLIAN));
                None
            }
            Ok(t) => t,
            Err(e) => {
                errors.push(FieldError::named(
                    self.name.to_string(),
                    e.key(self.too_long),
                ));
                None
            }
        }
    }

    /// Like [`Field::optional`], and a blank text is an error with
    /// `missing` as its message.
    pub fn required(
        &self,
        s: &str,
        missing: &'static str,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        let before = errors.len();
        let t = self.optional(Some(s), errors);
        if t.is_none() && errors.len() == before {
            errors.push(self.error(missing));
        }
        t
    }

    /// An error on this field; a fixed name stays borrowed, so code that
    /// maps fields to columns by their `'static` names still can.
    fn error(&self, key: &'static str) -> FieldError {
        FieldError {
            field: self.name.clone(),
            key,
        }
    }

    /// The same check for one field alone: the first error, if any.
    pub fn check_required(&self, s: &str, missing: &'static str) -> Result<String, FieldError> {
        let mut errors = Vec::new();
        self.required(s, missing, &mut errors)
            .ok_or_else(|| errors.remove(0))
    }

    /// [`Field::optional`] for one field alone.
    pub fn check_optional(&self, s: Option<&str>) -> Result<Option<String>, FieldError> {
        let mut errors = Vec::new();
        let t = self.optional(s, &mut errors);
        match errors.pop() {
            Some(e) => Err(e),
            None => Ok(t),
        }
    }
}

/// Characters a Mongolian name may be typed with or without and still be
/// the same name: the free variation selectors and the vowel separator
/// choose a glyph form (so a name typed on a phone keyboard that adds an
/// FVS, or on one that does not, reads the same), and the joiners only
/// steer shaping. [`search_key`] drops them.
pub const SHAPING_ONLY: [char; 7] = [
    '\u{180B}', '\u{180C}', '\u{180D}', '\u{180E}', '\u{180F}', '\u{200C}', '\u{200D}',
];

/// Spaces a name may carry between its words: the narrow no-break space
/// joins a Mongolian suffix (ᠶᠢᠨ, ᠤᠨ) to its word, and a keyboard types an
/// ordinary space there instead. [`search_key`] makes them one space.
pub const WORD_SPACES: [char; 3] = ['\u{202F}', '\u{00A0}', '\u{3000}'];

/// A name as search compares it: without [`SHAPING_ONLY`] characters, with
/// [`WORD_SPACES`] and runs of whitespace as one space, trimmed. Applied
/// to what is typed and to the stored names alike, so ᠰᠢᠯᠢ᠎ᠶᠢᠨ typed with
/// an MVS or a space finds the name stored with a narrow no-break space.
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if SHAPING_ONLY.contains(&c) {
            continue;
        }
        if c.is_whitespace() || WORD_SPACES.contains(&c) {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// Characters that take no room on the page (format characters and
/// selectors); whitespace is handled by `char::is_whitespace`.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{180B}'..='\u{180F}'   // Mongolian selectors, vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, joiners, marks
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, isolates, deprecated formats
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{FEFF}'                // byte-order mark
    )
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_bounds_and_refuses_control_characters() {
        assert_eq!(clean_text("  a b \n", 10), Ok(Some("a b".into())));
        assert_eq!(clean_text("   ", 10), Ok(None));
        assert_eq!(clean_text("一二三", 3), Ok(Some("一二三".into())));
        assert_eq!(clean_text("一二三四", 3), Err(TextError::TooLong));
        assert_eq!(clean_text("a\u{0}b", 10), Err(TextError::Control));
        assert_eq!(clean_text("a\u{1b}[31mb", 10), Err(TextError::Control));
        assert_eq!(clean_text("a\nb", 10), Ok(Some("a\nb".into())));
    }

    #[test]
    fn invisible_text_is_blank() {
        for s in [
            "\u{200B}",
            "\u{200D}\u{200D}",
            "\u{FEFF}",
            "\u{202E}",
            " \u{200B} \u{FEFF} ",
            "\u{2066}\u{2069}",
        ] {
            assert_eq!(clean_text(s, 10), Ok(None), "{s:?}");
            assert_eq!(clean_line(s, 10), Ok(None), "{s:?}");
        }
        assert_eq!(
            clean_line("\u{FEFF}标题\u{200B}", 10),
            Ok(Some("标题".into()))
        );
    }

    #[test]
    fn bidi_overrides_are_refused_inside_a_text() {
        assert_eq!(
            clean_line("abc\u{202E}fdp.exe", 20),
            Err(TextError::Control)
        );
        assert_eq!(clean_text("a\u{2067}b", 20), Err(TextError::Control));
    }

    #[test]
    fn a_line_refuses_line_breaks() {
        assert_eq!(clean_line("a\nb", 10), Err(TextError::Control));
        assert_eq!(clean_line("a\rb", 10), Err(TextError::Control));
        assert_eq!(clean_line("a\u{2028}b", 10), Err(TextError::Control));
        assert_eq!(clean_line(" 原因 \n", 10), Ok(Some("原因".into())));
    }

    #[test]
    fn a_search_key_ignores_shaping_and_kinds_of_space() {
        // ᠰᠢᠯᠢ ᠶᠢᠨ ᠭᠣᠣᠯ with a narrow no-break space before the suffix,
        // typed with an ordinary space, a vowel separator or an FVS.
        let stored = "ᠰᠢᠯᠢ\u{202F}ᠶᠢᠨ ᠭᠣᠣᠯ";
        let key = search_key(stored);
        assert_eq!(key, "ᠰᠢᠯᠢ ᠶᠢᠨ ᠭᠣᠣᠯ");
        assert_eq!(search_key("  ᠰᠢᠯᠢ   ᠶᠢᠨ\u{180B} ᠭᠣᠣᠯ "), key);
        assert_eq!(search_key("ᠰᠢᠯᠢ\u{180E}ᠶᠢᠨ"), "ᠰᠢᠯᠢᠶᠢᠨ");
        assert_eq!(search_key("\u{200D}锡林 浩特"), "锡林 浩特");
        assert_eq!(search_key(" \u{180E} "), "");
    }

    #[test]
    fn mongolian_shaping_characters_stay() {
        // ᠮᠣᠩᠭᠣᠯ with a free variation selector and a vowel separator.
        let s = "ᠮᠣᠩ\u{180B}ᠭᠣᠯ\u{180E}ᠠ";
        assert_eq!(clean_line(s, 20), Ok(Some(s.into())));
        let joined = "ᠠ\u{200D}ᠪ";
        assert_eq!(clean_text(joined, 20), Ok(Some(joined.into())));
    }

    #[test]
    fn a_mongolian_field_needs_mongolian_letters() {
        let name = Field::line("name_mn", 20).mongolian();
        assert_eq!(
            name.check_optional(Some(" ᠮᠣᠩᠭᠣᠯ 2026 ")),
            Ok(Some("ᠮᠣᠩᠭᠣᠯ 2026".into()))
        );
        assert_eq!(name.check_optional(Some("  ")), Ok(None));
        assert_eq!(name.check_optional(None), Ok(None));
        for wrong in ["最美家庭", "Mongol", "2026"] {
            let e = name.check_optional(Some(wrong)).unwrap_err();
            assert_eq!((e.field.as_ref(), e.key), ("name_mn", NOT_MONGOLIAN));
        }
        // Without `mongolian()` any script passes.
        assert!(
            Field::line("name", 20)
                .check_optional(Some("Mongol"))
                .is_ok()
        );
        assert!(in_mongolian_script("ᠠ"));
        assert!(!in_mongolian_script("\u{17FF}\u{18B0}"));
    }

    #[test]
    fn a_field_reports_with_its_own_keys() {
        let title = Field::line("title", 5).too_long("err.task.text_long");
        let mut errors = Vec::new();
        assert_eq!(
            title.required("\u{200B}", "err.task.title", &mut errors),
            None
        );
        assert_eq!(
            title.required("abcdef", "err.task.title", &mut errors),
            None
        );
        assert_eq!(title.required("a\nb", "err.task.title", &mut errors), None);
        assert_eq!(
            title.required(" ab ", "err.task.title", &mut errors),
            Some("ab".into())
        );
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            ["err.task.title", "err.task.text_long", "err.text.control"]
        );
        assert_eq!(
            Field::text("note", 5).check_optional(Some("a\nb")),
            Ok(Some("a\nb".into()))
        );
        assert_eq!(Field::text("note", 5).check_optional(None), Ok(None));
    }

    #[test]
    fn keys_name_the_reason() {
        assert_eq!(TextError::TooLong.key("err.x.long"), "err.x.long");
        assert_eq!(TextError::Control.key("err.x.long"), "err.text.control");
    }
}
