//! Free text as typed into a form: trimmed, bounded, without control
//! characters (a pasted NUL or escape sequence is refused, line breaks are
//! kept).

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextTooLong;

/// The trimmed text, `None` when blank; `Err` when longer than `max`
/// characters or holding control characters other than line breaks.
pub fn clean_text(s: &str, max: usize) -> Result<Option<String>, TextTooLong> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max || s.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(TextTooLong);
    }
    Ok(Some(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_bounds_and_refuses_control_characters() {
        assert_eq!(clean_text("  a b \n", 10), Ok(Some("a b".into())));
        assert_eq!(clean_text("   ", 10), Ok(None));
        assert_eq!(clean_text("一二三", 3), Ok(Some("一二三".into())));
        assert_eq!(clean_text("一二三四", 3), Err(TextTooLong));
        assert_eq!(clean_text("a\u{0}b", 10), Err(TextTooLong));
        assert_eq!(clean_text("a\nb", 10), Ok(Some("a\nb".into())));
    }
}
