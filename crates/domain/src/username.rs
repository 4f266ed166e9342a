use std::fmt;

use crate::FieldError;

/// A login name: 3–32 characters of lowercase ASCII letters, digits, `.`,
/// `_` and `-`, starting with a letter. ASCII keeps it typeable on any
/// keyboard and free of look-alike characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_ascii_lowercase();
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        let starts_letter = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        if (3..=32).contains(&s.len()) && ok_chars && starts_letter {
            Ok(Username(s))
        } else {
            Err(FieldError::new("username", "err.username.format"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Xilinhot ").unwrap().as_str(), "xilinhot");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("a b c").is_err());
        assert!(Username::parse("王芳芳").is_err());
    }
}
