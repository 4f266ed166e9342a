//! Households and their members, recorded during home visits.
//!
//! Minimal by law (PIPL): only what helping a family needs. Identity
//! numbers and phones are optional and, once parsed here, are sealed by the
//! store before they reach a column. A child under 14 is sensitive personal
//! information and needs a guardian's consent on record.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::text::Field;
use crate::{FieldError, IdNumber, Phone, Sex};

/// Most members one household may list; more is a typo or a script.
pub const MAX_MEMBERS: usize = 30;
/// Below this age a person's data is sensitive (PIPL art. 28 and 31).
pub const GUARDIAN_CONSENT_AGE: i32 = 14;

/// How a member relates to the household head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Grandparent,
    Grandchild,
    Sibling,
    Other,
}

impl Relation {
    pub const ALL: [Relation; 8] = [
        Relation::Head,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Grandparent,
        Relation::Grandchild,
        Relation::Sibling,
        Relation::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Relation::Head => "head",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Grandparent => "grandparent",
            Relation::Grandchild => "grandchild",
            Relation::Sibling => "sibling",
            Relation::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// How consent was given: said aloud to the visiting cadre, signed on
/// paper, or confirmed electronically (a message, a mini-program tick).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    Oral,
    Written,
    Electronic,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::Oral,
        ConsentMethod::Written,
        ConsentMethod::Electronic,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Oral => "oral",
            ConsentMethod::Written => "written",
            ConsentMethod::Electronic => "electronic",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentMethod> {
        ConsentMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
    }
}

/// Who consented and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consent {
    pub given_by: String,
    pub method: ConsentMethod,
}

/// A member as typed (JSON or form), before any rule. A missing or blank required field answers
/// `422` with its name.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MemberInput {
    #[serde(default)]
    #[schema(max_length = 50)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Sex)]
    pub sex: String,
    #[schema(minimum = 1900)]
    pub birth_year: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Relation)]
    pub relation: String,
    #[schema(max_length = 20)]
    pub ethnicity: Option<String>,
    /// 18-character resident ID number (GB 11643): the check digit is verified, the birth date
    /// must be real and not in the future, and it must agree with `sex` and `birth_year`.
    pub id_number: Option<String>,
    /// A mainland mobile (11 digits) or landline (area code-number).
    pub phone: Option<String>,
    /// Required for a child who may be under 14 (from the ID number's birth date when given,
    /// else `birth_year` ≥ this year − 14): the guardian's consent.
    pub guardian: Option<ConsentInput>,
}

/// Consent as typed: who consented (a member, or the guardian of a child) and how.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConsentInput {
    #[serde(default)]
    #[schema(max_length = 50)]
    pub given_by: String,
    #[serde(default)]
    #[schema(value_type = ConsentMethod)]
    pub method: String,
}

/// A household as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HouseholdInput {
    #[serde(default)]
    #[schema(max_length = 200)]
    pub address: String,
    #[serde(default)]
    #[schema(min_items = 1, max_items = 30)]
    pub members: Vec<MemberInput>,
    pub consent: Option<ConsentInput>,
}

/// A member that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub sex: Sex,
    pub birth_year: i32,
    pub relation: Relation,
    pub ethnicity: Option<String>,
    pub id_number: Option<IdNumber>,
    pub phone: Option<Phone>,
    pub guardian: Option<Consent>,
}

/// A household that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub address: String,
    pub members: Vec<Member>,
    pub consent: Consent,
}

impl ConsentInput {
    /// `prefix` names the JSON object (`consent`, `members[2].guardian`).
    pub(crate) fn parse(&self, prefix: &str, errors: &mut Vec<FieldError>) -> Option<Consent> {
        let given_by = Field::line(format!("{prefix}.given_by"), 50).required(
            &self.given_by,
            "err.consent.given_by_required",
            errors,
        );
        let method = ConsentMethod::parse(&self.method);
        if method.is_none() {
            errors.push(FieldError::named(
                format!("{prefix}.method"),
                "err.consent.method",
            ));
        }
        Some(Consent {
            given_by: given_by?,
            method: method?,
        })
    }
}

impl MemberInput {
    /// Checks one member; errors are named `members[i].field`.
    pub fn parse(&self, i: usize, today: Date, errors: &mut Vec<FieldError>) -> Option<Member> {
        let at = |f: &str| format!("members[{i}].{f}");
        let before = errors.len();
        let name =
            Field::line(at("name"), 50).required(&self.name, "err.member.name_required", errors);
        let sex = Sex::parse(&self.sex, "sex")
            .map_err(|e| errors.push(FieldError::named(at("sex"), e.key)))
            .ok();
        let birth_year = self
            .birth_year
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| (1900..=today.year()).contains(y));
        if birth_year.is_none() {
            errors.push(FieldError::named(at("birth_year"), "err.member.birth_year"));
        }
        let relation = Relation::parse(&self.relation);
        if relation.is_none() {
            errors.push(FieldError::named(at("relation"), "err.member.relation"));
        }
        let ethnicity =
            Field::line(at("ethnicity"), 20).optional(self.ethnicity.as_deref(), errors);
        let (id_number, phone) = parse_identity(
            self.id_number.as_deref(),
            self.phone.as_deref(),
            sex,
            birth_year,
            &at,
            today,
            errors,
        );
        let minor = birth_year.is_some_and(|y| is_minor(y, id_number.as_ref(), today));
        let guardian = match (&self.guardian, minor) {
            (Some(g), true) => g.parse(&at("guardian"), errors),
            (None, true) => {
                errors.push(FieldError::named(
                    at("guardian"),
                    "err.member.guardian_required",
                ));
                None
            }
            // Consent given for an adult's record is the household's own.
            (_, false) => None,
        };
        if errors.len() > before {
            return None;
        }
        Some(Member {
            name: name?,
            sex: sex?,
            birth_year: birth_year?,
            relation: relation?,
            ethnicity,
            id_number,
            phone,
            guardian,
        })
    }
}

/// An optional ID number and phone as typed, checked: the number by
/// GB 11643 and against the person's sex and birth year, the phone as a
/// mainland number. Errors are named by `at` (`members[0].phone`,
/// `client.phone`). Households and rights cases share the rule.
pub(crate) fn parse_identity(
    id_number: Option<&str>,
    phone: Option<&str>,
    sex: Option<Sex>,
    birth_year: Option<i32>,
    at: &dyn Fn(&str) -> String,
    today: Date,
    errors: &mut Vec<FieldError>,
) -> (Option<IdNumber>, Option<Phone>) {
    let id_number = match id_number.map(str::trim) {
        None | Some("") => None,
        Some(s) => match IdNumber::parse(s, today) {
            Ok(id) => Some(id),
            Err(e) => {
                errors.push(FieldError::named(at("id_number"), e.key));
                None
            }
        },
    };
    // The number must describe the same person as the other fields.
    if let (Some(id), Some(sex)) = (&id_number, sex)
        && !id.matches_sex(sex)
    {
        errors.push(FieldError::named(at("id_number"), "err.id_number.sex"));
    }
    if let (Some(id), Some(year)) = (&id_number, birth_year)
        && !id.matches_birth_year(year)
    {
        errors.push(FieldError::named(
            at("id_number"),
            "err.id_number.birth_year",
        ));
    }
    let phone = match phone.map(str::trim) {
        None | Some("") => None,
        Some(s) => match Phone::parse(s) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(FieldError::named(at("phone"), e.key));
                None
            }
        },
    };
    (id_number, phone)
}

/// Whether a person may be under 14 today. With only a birth year, anyone
/// who turns 14 this year or later might still be 13: ask for the guardian
/// rather than guess. An ID number gives the exact birth date.
pub fn is_minor(birth_year: i32, id: Option<&IdNumber>, today: Date) -> bool {
    match id {
        Some(id) => {
            let born = id.birth_date();
            let mut age = today.year() - born.year();
            if (u8::from(today.month()), today.day()) < (u8::from(born.month()), born.day()) {
                age -= 1;
            }
            age < GUARDIAN_CONSENT_AGE
        }
        None => today.year() - birth_year <= GUARDIAN_CONSENT_AGE,
    }
}

impl HouseholdInput {
    /// Checks every rule and reports every violation.
    pub fn parse(&self, today: Date) -> Result<Household, Vec<FieldError>> {
        let mut errors = Vec::new();
        let address = Field::line("address", 200).required(
            &self.address,
            "err.household.address_required",
            &mut errors,
        );
        if self.members.is_empty() {
            errors.push(FieldError::new("members", "err.household.no_members"));
        }
        if self.members.len() > MAX_MEMBERS {
            errors.push(FieldError::new("members", "err.household.too_many_members"));
        }
        let members: Vec<Option<Member>> = self
            .members
            .iter()
            .take(MAX_MEMBERS)
            .enumerate()
            .map(|(i, m)| m.parse(i, today, &mut errors))
            .collect();
        let consent = match &self.consent {
            Some(c) => c.parse("consent", &mut errors),
            None => {
                errors.push(FieldError::new("consent", "err.consent.required"));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Household {
            address: address.unwrap_or_default(),
            members: members.into_iter().flatten().collect(),
            consent: consent.ok_or_else(Vec::new)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 29);

    fn adult() -> MemberInput {
        MemberInput {
            name: "其其格".into(),
            sex: "F".into(),
            birth_year: Some(1985),
            relation: "head".into(),
            ..Default::default()
        }
    }

    fn household(members: Vec<MemberInput>) -> HouseholdInput {
        HouseholdInput {
            address: "一组 12 号".into(),
            members,
            consent: Some(ConsentInput {
                given_by: "其其格".into(),
                method: "oral".into(),
            }),
        }
    }

    fn fields(r: Result<Household, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err()
            .into_iter()
            .map(|e| format!("{}={}", e.field, e.key))
            .collect()
    }

    #[test]
    fn a_plain_household_parses() {
        let h = household(vec![adult()]).parse(TODAY).unwrap();
        assert_eq!(h.members[0].relation, Relation::Head);
        assert_eq!(h.consent.method, ConsentMethod::Oral);
    }

    #[test]
    fn id_number_must_agree_with_sex_and_birth_year() {
        // 11010519491231002X: a woman born 1949-12-31 (the standard's example).
        let mut m = adult();
        m.id_number = Some("11010519491231002X".into());
        assert!(
            fields(household(vec![m.clone()]).parse(TODAY))
                .contains(&"members[0].id_number=err.id_number.birth_year".into())
        );
        m.birth_year = Some(1949);
        assert!(household(vec![m.clone()]).parse(TODAY).is_ok());
        m.sex = "M".into();
        assert_eq!(
            fields(household(vec![m]).parse(TODAY)),
            vec!["members[0].id_number=err.id_number.sex"]
        );
    }

    #[test]
    fn bad_phone_and_check_digit_name_their_member() {
        let mut m = adult();
        m.phone = Some("12345".into());
        m.id_number = Some("110105194912310021".into());
        let errs = fields(household(vec![adult(), m]).parse(TODAY));
        assert!(errs.iter().any(|e| e.starts_with("members[1].phone=")));
        assert!(errs.contains(&"members[1].id_number=err.id_number.checksum".into()));
    }

    #[test]
    fn a_child_needs_a_guardian_consent() {
        let child = MemberInput {
            name: "小花".into(),
            sex: "F".into(),
            birth_year: Some(2016),
            relation: "child".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(household(vec![adult(), child.clone()]).parse(TODAY)),
            vec!["members[1].guardian=err.member.guardian_required"]
        );
        let mut with = child;
        with.guardian = Some(ConsentInput {
            given_by: "其其格".into(),
            method: "written".into(),
        });
        let h = household(vec![adult(), with]).parse(TODAY).unwrap();
        assert_eq!(
            h.members[1].guardian.as_ref().unwrap().method,
            ConsentMethod::Written
        );
    }

    #[test]
    fn minor_age_uses_the_exact_birth_date_when_known() {
        assert!(is_minor(2012, None, TODAY));
        assert!(!is_minor(2011, None, TODAY));
    }

    #[test]
    fn empty_household_reports_every_missing_part() {
        let errs = fields(
            HouseholdInput {
                address: " ".into(),
                members: vec![],
                consent: None,
            }
            .parse(TODAY),
        );
        assert_eq!(
            errs,
            vec![
                "address=err.household.address_required",
                "members=err.household.no_members",
                "consent=err.consent.required"
            ]
        );
    }
}
