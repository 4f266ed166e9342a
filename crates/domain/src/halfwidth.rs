//! Input typed with a Chinese input method often carries full-width digits
//! and letters (`１５０１０２…`, `Ｘ`); numbers read off an ID card or a phone
//! screen must not be refused for that.

/// Maps full-width ASCII (U+FF01–U+FF5E) to ASCII and the ideographic
/// space to a plain space; other characters pass through.
pub fn to_halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A whole string through [`to_halfwidth`]: `２０２６．１１．３` → `2026.11.3`.
pub fn halfwidth(s: &str) -> String {
    s.chars().map(to_halfwidth).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_fullwidth_digits_and_letters() {
        let s: String = "１５０ｘＸ－　a".chars().map(to_halfwidth).collect();
        assert_eq!(s, "150xX- a");
        assert_eq!(halfwidth("２０２６．１１．３（４０）"), "2026.11.3(40)");
    }
}
