//! Creating accounts in bulk from a workbook (issue 14 item 8): every row
//! is checked by the rules of the new-user form, then all are created in one
//! transaction, or none. Each account gets a generated initial password,
//! shown once to the administrator and stored only as its hash.

use std::collections::HashMap;

use jinguo_domain::{Password, Person, Role, Roles, Username};
use jinguo_store::model::{NewUser, Unit};
use jinguo_store::{Scope, Store, StoreError};
use rand::Rng;
use rand::rngs::OsRng;

use crate::auth::{Actor, password};
use crate::error::AppResult;
use crate::i18n::{Catalogue, Lang};
use crate::state::AppState;
use crate::xlsx::import::Problem;
use crate::xlsx::import::Value;
use crate::xlsx::people::{NAME, PHONE, POSITION, PeopleSheet, ROLES, UNIT, USERNAME};

/// One account ready to be created. `Debug` is left out on purpose: it
/// holds a name, a phone and a password.
pub struct Ready {
    pub username: Username,
    pub person: Person,
    pub unit: Unit,
    pub roles: Roles,
}

/// What checking a sheet gave.
pub enum Checked {
    Ready(Vec<Ready>),
    Rejected(Vec<Problem>),
}

/// A role as a cell names it: its key or its label in any language.
fn role_of(cat: &Catalogue, text: &str) -> Option<Role> {
    let t = text.trim().to_lowercase();
    Role::ALL.into_iter().find(|r| {
        t == r.as_str()
            || Lang::ALL
                .iter()
                .any(|l| cat.get(*l, &format!("role.{}", r.as_str())).to_lowercase() == t)
    })
}

/// The roles of a cell: separated by commas, 、, semicolons or spaces.
fn roles_of(cat: &Catalogue, v: &Value) -> Result<Roles, &'static str> {
    let text = jinguo_domain::halfwidth::halfwidth(&v.text());
    let mut roles = Vec::new();
    for part in text
        .split([',', '、', ';', '，', '；', ' ', '/'])
        .filter(|p| !p.trim().is_empty())
    {
        roles.push(role_of(cat, part).ok_or("people.err.role_unknown")?);
    }
    let roles = Roles::new(roles).map_err(|_| "people.err.roles_required")?;
    roles.check_separation().map_err(|e| e.key)?;
    Ok(roles)
}

/// The unit a cell names, within the scope: by code, or by name (matched
/// within the subtree; an ambiguous name lists its candidates). Outside the
/// scope is the same as unknown.
async fn unit_of(
    store: &dyn Store,
    scope: Scope,
    v: &Value,
) -> Result<Result<Unit, (&'static str, Vec<String>)>, StoreError> {
    use crate::xlsx::import_api::{Match, UnitCell, find_unit, unit_cell};
    Ok(match unit_cell(v) {
        UnitCell::Empty => Err(("imp.err.unit_required", vec![])),
        UnitCell::BadCode => Err(("err.code.format", vec![])),
        UnitCell::Code(code) => match store.unit_in_scope(scope, &code).await {
            Ok(u) if u.active => Ok(u),
            Ok(_) => Err(("err.unit.retired", vec![])),
            Err(StoreError::NotFound) => Err(("people.err.unit_outside", vec![])),
            Err(e) => return Err(e),
        },
        UnitCell::Name(name) => match find_unit(store, scope, &name).await? {
            Match::One(u) => Ok(u),
            Match::Many(c) => Err(("imp.err.unit_ambiguous", c)),
            Match::TooMany => Err(("imp.err.unit_vague", vec![])),
            Match::None => Err(("people.err.unit_outside", vec![])),
        },
    })
}

/// Checks every row; nothing is written.
pub async fn check(state: &AppState, actor: &Actor, sheet: &PeopleSheet) -> AppResult<Checked> {
    let store = state.store.as_ref();
    let mut problems = Vec::new();
    let mut ready = Vec::new();
    let mut seen_names: HashMap<String, u32> = HashMap::new();
    let mut wanted = Vec::new();
    for row in &sheet.rows {
        let before = problems.len();
        let cell = |i: usize| &row.cells[i];
        let mut errors = Vec::new();
        let person = Person::parse(
            &cell(NAME).text(),
            &cell(PHONE).text(),
            &cell(POSITION).text(),
            &mut errors,
        );
        for e in errors {
            let col = match &*e.field {
                "display_name" => NAME,
                "phone" => PHONE,
                _ => POSITION,
            };
            problems.push(sheet.problem(row.number, col, cell(col), e.key));
        }
        let username = match Username::parse(&cell(USERNAME).text()) {
            Ok(u) => match seen_names.get(u.as_str()) {
                Some(first) => {
                    let mut p = sheet.problem(
                        row.number,
                        USERNAME,
                        cell(USERNAME),
                        "people.err.dup_in_file",
                    );
                    p.n = Some(u64::from(*first));
                    problems.push(p);
                    None
                }
                None => {
                    seen_names.insert(u.as_str().to_owned(), row.number);
                    wanted.push((u.as_str().to_owned(), row.number));
                    Some(u)
                }
            },
            Err(e) => {
                problems.push(sheet.problem(row.number, USERNAME, cell(USERNAME), e.key));
                None
            }
        };
        let unit = match unit_of(store, actor.scope(), cell(UNIT)).await? {
            Ok(u) => Some(u),
            Err((key, candidates)) => {
                let mut p = sheet.problem(row.number, UNIT, cell(UNIT), key);
                p.candidates = candidates;
                problems.push(p);
                None
            }
        };
        let roles = match roles_of(state.catalogue, cell(ROLES)) {
            Ok(r) => Some(r),
            Err(key) => {
                problems.push(sheet.problem(row.number, ROLES, cell(ROLES), key));
                None
            }
        };
        if problems.len() == before
            && let (Some(person), Some(username), Some(unit), Some(roles)) =
                (person, username, unit, roles)
        {
            ready.push(Ready {
                username,
                person,
                unit,
                roles,
            });
        }
    }
    // Usernames are unique across the whole system; a taken one is said at
    // its row (the single form answers the same with 409).
    let names: Vec<String> = wanted.iter().map(|(n, _)| n.clone()).collect();
    for taken in store.usernames_taken(&names).await? {
        if let Some((_, number)) = wanted.iter().find(|(n, _)| *n == taken)
            && let Some(row) = sheet.rows.iter().find(|r| r.number == *number)
        {
            problems.push(sheet.problem(
                *number,
                USERNAME,
                &row.cells[USERNAME],
                "people.err.username_taken",
            ));
        }
    }
    if problems.is_empty() {
        Ok(Checked::Ready(ready))
    } else {
        problems.sort_by_key(|p| p.row);
        Ok(Checked::Rejected(problems))
    }
}

/// A random initial password that meets the policy: an uppercase letter,
/// lowercase letters and digits, with no characters that are easily
/// confused (0/O, 1/l/I) when read off a printed sheet.
pub fn initial_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    let mut rng = OsRng;
    let mut pick = |set: &[u8]| char::from(set[rng.gen_range(0..set.len())]);
    let mut s = String::with_capacity(14);
    s.push(pick(UPPER));
    for _ in 0..5 {
        s.push(pick(LOWER));
    }
    s.push('-');
    for _ in 0..4 {
        s.push(pick(DIGIT));
    }
    for _ in 0..3 {
        s.push(pick(LOWER));
    }
    s
}

/// Creates every account in one transaction and audits each one (the
/// detail names the username, roles and unit only). Returns
/// (username, name, initial password) for the one-time list.
pub async fn commit(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    ready: Vec<Ready>,
) -> AppResult<Vec<(String, String, String)>> {
    let mut batch = Vec::with_capacity(ready.len());
    let mut shown = Vec::with_capacity(ready.len());
    let mut audits = Vec::with_capacity(ready.len());
    for r in ready {
        let plain = initial_password();
        let hash = password::hash(Password::parse(&plain)?).await?;
        shown.push((
            r.username.as_str().to_owned(),
            r.person.display_name.clone().unwrap_or_default(),
            plain,
        ));
        audits.push((
            r.unit.id,
            format!(
                "user={} roles={} unit={} via=import",
                r.username,
                r.roles.to_list(),
                r.unit.code
            ),
        ));
        batch.push((
            NewUser {
                username: r.username,
                password_hash: hash,
                unit: r.unit.id,
                roles: r.roles,
                must_change_password: true,
            },
            r.person,
        ));
    }
    state.store.create_people(actor.scope(), batch).await?;
    for (unit, detail) in audits {
        actor
            .audit(state, ip.clone(), "user.created", unit, detail)
            .await?;
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    #[test]
    fn initial_passwords_meet_the_policy_and_differ() {
        let a = super::initial_password();
        let b = super::initial_password();
        assert_ne!(a, b);
        assert!(jinguo_domain::Password::parse(&a).is_ok());
        assert_eq!(a.chars().count(), 14);
    }
}
