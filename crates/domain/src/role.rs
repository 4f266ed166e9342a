use serde::{Deserialize, Serialize};

use crate::FieldError;

/// What a user may do within her unit's subtree.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages user accounts and sector organisations in the subtree.
    Admin,
    /// Records and reads the work of the subtree.
    Cadre,
    /// Handles rights-protection cases.
    Caseworker,
    /// Reads the audit log of the subtree.
    Auditor,
    /// Reviews the Mongolian of the interface (at the region).
    Translator,
    /// A government department's reporter (卫健委, 教育局 …) at one unit:
    /// reports the outline indicators her department owns for that unit
    /// and sees nothing else (outline monitoring, issue 16). Her
    /// department is kept beside the account (`outline_reporters`).
    Department,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Cadre,
        Role::Caseworker,
        Role::Auditor,
        Role::Translator,
        Role::Department,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Cadre => "cadre",
            Role::Caseworker => "caseworker",
            Role::Auditor => "auditor",
            Role::Translator => "translator",
            Role::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(FieldError::new("roles", "err.role.unknown"))
    }
}

crate::schema_component!(
    Roles,
    "Roles",
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("Role"))
        .description(Some(
            "A non-empty set of roles, sorted in the order admin, cadre, caseworker, auditor, \
             translator, department, without duplicates.",
        ))
        .min_items(Some(1))
        .unique_items(true)
        .into(),
    [Role]
);

/// A non-empty, duplicate-free, sorted set of roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(mut roles: Vec<Role>) -> Result<Self, FieldError> {
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(FieldError::new("roles", "err.role.empty"));
        }
        Ok(Roles(roles))
    }

    /// Parses a comma-separated list such as `admin,cadre` (storage form).
    pub fn parse_list(s: &str) -> Result<Self, FieldError> {
        Roles::new(
            s.split(',')
                .filter(|p| !p.trim().is_empty())
                .map(Role::parse)
                .collect::<Result<_, _>>()?,
        )
    }

    pub fn contains(&self, r: Role) -> bool {
        self.0.contains(&r)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_roundtrip() {
        let r = Roles::parse_list("cadre,admin,cadre").unwrap();
        assert_eq!(r.to_list(), "admin,cadre");
        assert!(Roles::parse_list("").is_err());
        assert!(Roles::parse_list("root").is_err());
    }
}
