//! The person behind an account (issue 14 item 8): her name (姓名), her
//! position (职务) and her phone (手机). Names and positions go through the
//! shared text rule; the phone is a [`Phone`], sealed by the store.

use crate::text::Field;
use crate::{FieldError, Phone};

/// Longest name or position, in characters.
pub const MAX_LEN: usize = 30;

/// A person's details as checked. The name is optional here so accounts
/// made before names existed (and by the command line) still read back;
/// forms and imports for new users require it with [`Person::parse`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub display_name: Option<String>,
    pub position: Option<String>,
    pub phone: Option<Phone>,
}

impl std::fmt::Debug for Person {
    // Personal information: never printed, not even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Person { .. }")
    }
}

impl Person {
    /// Parses the three fields as typed; every invalid field is pushed onto
    /// `errors` (field names `display_name`, `phone`, `position`). The name
    /// is required.
    pub fn parse(
        name: &str,
        phone: &str,
        position: &str,
        errors: &mut Vec<FieldError>,
    ) -> Option<Person> {
        let before = errors.len();
        let display_name = Field::line("display_name", MAX_LEN)
            .too_long("err.person.name_long")
            .required(name, "err.person.name_missing", errors);
        let position = Field::line("position", MAX_LEN)
            .too_long("err.person.position_long")
            .optional(Some(position), errors);
        let phone = match phone.trim() {
            "" => None,
            p => match Phone::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        (errors.len() == before).then_some(Person {
            display_name,
            position,
            phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_field_by_field() {
        let mut e = Vec::new();
        let p = Person::parse(" 其其格 ", "138 1234 5678", "主席", &mut e).unwrap();
        assert_eq!(p.display_name.as_deref(), Some("其其格"));
        assert_eq!(p.position.as_deref(), Some("主席"));
        assert_eq!(p.phone.unwrap().mask(), "138****5678");
        assert!(e.is_empty());

        let p = Person::parse("其其格", "", "", &mut e).unwrap();
        assert!(p.phone.is_none() && p.position.is_none());

        let long = "名".repeat(31);
        assert!(Person::parse("", "12", &long, &mut e).is_none());
        let fields: Vec<_> = e.iter().map(|f| (f.field.to_string(), f.key)).collect();
        assert_eq!(
            fields,
            [
                ("display_name".into(), "err.person.name_missing"),
                ("position".into(), "err.person.position_long"),
                ("phone".into(), "err.phone.format"),
            ]
        );
    }
}

/// What a person's name is looked up by (a blind index of it): the whole
/// name without spaces and case, and with full-width letters and digits
/// made half-width, so `乌云 其木格`, `乌云其木格` and `ＵＲＡＮ` / `uran`
/// each find one another.
pub fn name_key(name: &str) -> String {
    crate::halfwidth::halfwidth(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}'..='\u{200d}' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod name_key_tests {
    use super::name_key;

    #[test]
    fn spaces_case_and_width_do_not_matter() {
        assert_eq!(name_key(" 乌云 其木格 "), "乌云其木格");
        assert_eq!(name_key("ＵＲＡＮ"), "uran");
        assert_eq!(name_key("Uran\u{200b}"), "uran");
        assert_ne!(name_key("乌云"), name_key("乌云其木格"));
    }
}
