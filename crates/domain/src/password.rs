use std::fmt;

use crate::FieldError;

/// A new password that satisfies the policy: at least 8 characters with at
/// least three of the four classes lower, upper, digit, symbol.
///
/// Only new passwords are parsed; a login attempt is checked against the
/// stored hash as typed. `Debug` never prints the secret.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let classes = [
            s.chars().any(|c| c.is_lowercase()),
            s.chars().any(|c| c.is_uppercase()),
            s.chars().any(|c| c.is_ascii_digit()),
            s.chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        ];
        let n_classes = classes.iter().filter(|&&b| b).count();
        if s.chars().count() >= 8 && n_classes >= 3 && s.len() <= 256 {
            Ok(Password(s.to_owned()))
        } else {
            Err(FieldError::new("password", "err.password.policy"))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(Password::parse("Abcdef1!").is_ok());
        assert!(Password::parse("abcdef12!").is_ok());
        assert!(Password::parse("Abcdefgh1").is_ok());
        assert!(Password::parse("abcdefgh1").is_err(), "two classes");
        assert!(Password::parse("Ab1!").is_err(), "too short");
        assert!(Password::parse("ABCDEFGH").is_err());
        assert_eq!(
            format!("{:?}", Password::parse("Abcdef1!").unwrap()),
            "Password(***)"
        );
    }
}
