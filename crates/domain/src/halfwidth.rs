//! Input typed with a Chinese input method often carries full-width digits
//! and letters (`１５０１０２…`, `Ｘ`); numbers read off an ID card or a phone
//! screen must not be refused for that.

/// Maps full-width ASCII (U+FF01–U+FF5E) to ASCII and the ideographic
/// space to a plain space; other characters pass through.
pub(crate) fn to_halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_fullwidth_digits_and_letters() {
        let s: String = "１５０ｘＸ－　a".chars().map(to_halfwidth).collect();
        assert_eq!(s, "150xX- a");
    }
}
