//! Checking the rows of a read ledger by the rules of the activity form,
//! against the dictionaries and the importer's subtree, all at once; and
//! inserting them all in one transaction when nothing is wrong.

use std::collections::{BTreeMap, HashMap};

use jinguo_domain::activity::format_date;
use jinguo_domain::{ActivityDraft, Level, UnitId, UserId};
use jinguo_store::Scope;
use jinguo_store::model::{DictKind, NewActivity, Unit};
use jinguo_store::{Store, StoreError};

use super::import::{
    COLUMNS, DATE, PARTICIPANTS, PLACE, PROGRAM, Problem, Row, SUMMARY, Sheet, TITLE, TITLE_MN,
    TYPE, UNIT, WOMEN, seen,
};
use super::import_cells::{UnitCell, Value, count_of, date_of, unit_cell};
use super::import_names::{Dictionary, Match, find_unit};

/// Who imports: her scope bounds the units, her id marks the rows.
#[derive(Debug, Clone, Copy)]
pub struct Importer {
    pub scope: Scope,
    pub by: UserId,
    /// Dates may not be later than this.
    pub today: time::Date,
}

/// Rows ready to insert together.
#[derive(Debug, Clone)]
pub struct Plan {
    pub rows: Vec<NewActivity>,
    /// The importer's scope, which the store checks every row against.
    pub scope: Scope,
    /// The deepest unit above every imported row: where the import is
    /// audited.
    pub unit: Unit,
    /// How many distinct units the rows belong to.
    pub units: usize,
}

pub enum Checked {
    Ready(Box<Plan>),
    Rejected(Vec<Problem>),
}

/// Why a cell is refused: the message and, for a name that fits several,
/// the candidates.
#[derive(Debug, Clone)]
struct Miss {
    key: &'static str,
    candidates: Vec<String>,
}

impl Miss {
    fn new(key: &'static str) -> Self {
        Miss {
            key,
            candidates: Vec::new(),
        }
    }
}

/// The unit a cell names, within the scope: by code, or by name (see
/// `import_names::find_unit`). Outside the scope is the same as unknown.
async fn resolve_unit(
    store: &dyn Store,
    scope: Scope,
    cell: &UnitCell,
) -> Result<Result<Unit, Miss>, StoreError> {
    Ok(match cell {
        UnitCell::Empty => Err(Miss::new("imp.err.unit_required")),
        UnitCell::BadCode => Err(Miss::new("err.code.format")),
        UnitCell::Code(code) => match store.unit_in_scope(scope, code).await {
            Ok(u) if u.active => Ok(u),
            Ok(_) => Err(Miss::new("err.unit.retired")),
            Err(StoreError::NotFound) => Err(Miss::new("err.unit.unknown")),
            Err(e) => return Err(e),
        },
        UnitCell::Name(name) => match find_unit(store, scope, name).await? {
            Match::One(u) => Ok(u),
            Match::Many(candidates) => Err(Miss {
                key: "imp.err.unit_ambiguous",
                candidates,
            }),
            Match::TooMany => Err(Miss::new("imp.err.unit_vague")),
            Match::None => Err(Miss::new("err.unit.unknown")),
        },
    })
}

/// A dictionary cell: `Ok(None)` when empty.
fn resolve_dict(
    dict: &Dictionary,
    v: &Value,
    unknown: &'static str,
    ambiguous: &'static str,
) -> Result<Option<String>, Miss> {
    let text = v.text();
    if text.trim().is_empty() {
        return Ok(None);
    }
    match dict.resolve(&text) {
        Match::One(k) => Ok(Some(k)),
        Match::Many(candidates) => Err(Miss {
            key: ambiguous,
            candidates,
        }),
        Match::None | Match::TooMany => Err(Miss::new(unknown)),
    }
}

fn optional(v: &Value) -> Option<String> {
    Some(v.text()).filter(|s| !s.trim().is_empty())
}

/// One row's problems, by column index; the first for a column stands
/// (a value refused here is not refused again by the form's rules).
#[derive(Default)]
struct Faults(Vec<(usize, Miss)>);

impl Faults {
    fn add(&mut self, column: usize, miss: Miss) {
        if !self.0.iter().any(|(c, _)| *c == column) {
            self.0.push((column, miss));
        }
    }

    fn take<T>(&mut self, column: usize, r: Result<T, Miss>) -> Option<T> {
        r.map_err(|m| self.add(column, m)).ok()
    }
}

/// Checks one row; `Ok` is the activity ready to insert.
fn check_row(
    who: &Importer,
    row: &Row,
    unit: &Result<Unit, Miss>,
    types: &Dictionary,
    programs: &Dictionary,
) -> Result<NewActivity, Faults> {
    let c = &row.cells;
    let mut faults = Faults::default();
    let unit = faults.take(UNIT, unit.clone());
    let type_key = faults
        .take(
            TYPE,
            resolve_dict(
                types,
                &c[TYPE],
                "imp.err.type_unknown",
                "imp.err.type_ambiguous",
            ),
        )
        .flatten();
    let program_key = faults
        .take(
            PROGRAM,
            resolve_dict(
                programs,
                &c[PROGRAM],
                "err.activity.program_unknown",
                "imp.err.program_ambiguous",
            ),
        )
        .flatten();
    let date = match (&c[DATE], date_of(&c[DATE])) {
        (_, Some(d)) => format_date(d),
        (Value::Empty, None) => String::new(),
        (_, None) => {
            faults.add(DATE, Miss::new("imp.err.bad_date"));
            String::new()
        }
    };
    let mut count = |i: usize| {
        count_of(&c[i])
            .map_err(|_| faults.add(i, Miss::new("imp.err.not_number")))
            .ok()
            .flatten()
    };
    let participants = count(PARTICIPANTS);
    let women = count(WOMEN);
    let draft = ActivityDraft {
        date,
        type_key: type_key.unwrap_or_default(),
        program_key,
        title: c[TITLE].text(),
        title_mn: optional(&c[TITLE_MN]),
        place: optional(&c[PLACE]),
        participants,
        women,
        summary: optional(&c[SUMMARY]),
    };
    match draft.validate(who.today) {
        Ok(fields) if faults.0.is_empty() => {
            if let Some(u) = unit {
                return Ok(NewActivity {
                    unit: u.id,
                    fields,
                    by: Some(who.by),
                });
            }
        }
        Ok(_) => {}
        Err(errors) => {
            for e in errors {
                if let Some(i) = COLUMNS.iter().position(|k| *k == e.field) {
                    faults.add(i, Miss::new(e.key));
                }
            }
        }
    }
    Err(faults)
}

/// Checks every row as the activity form would — fields, dictionaries,
/// units in the importer's scope — and reports every problem, each with
/// the value it saw. The store is asked once per dictionary and once per
/// distinct unit cell. `tick` is called after each row (for progress bars).
pub async fn check(
    store: &dyn Store,
    who: &Importer,
    sheet: &Sheet,
    mut tick: impl FnMut(),
) -> Result<Checked, StoreError> {
    let types = Dictionary::new(&store.dictionary(DictKind::ACTIVITY_TYPE).await?);
    let programs = Dictionary::new(&store.dictionary(DictKind::PROGRAM).await?);

    // Each distinct unit cell once.
    let mut units: HashMap<UnitCell, Result<Unit, Miss>> = HashMap::new();
    for row in &sheet.rows {
        let cell = unit_cell(&row.cells[UNIT]);
        if let std::collections::hash_map::Entry::Vacant(e) = units.entry(cell) {
            let found = resolve_unit(store, who.scope, e.key()).await?;
            e.insert(found);
        }
    }

    let mut problems = Vec::new();
    let mut ready = Vec::with_capacity(sheet.rows.len());
    for row in &sheet.rows {
        let unit = &units[&unit_cell(&row.cells[UNIT])];
        match check_row(who, row, unit, &types, &programs) {
            Ok(a) => ready.push(a),
            Err(mut faults) => {
                faults.0.sort_by_key(|(c, _)| *c);
                for (i, miss) in faults.0 {
                    problems.push(Problem {
                        row: Some(row.number),
                        field: Some(COLUMNS[i]),
                        column: sheet.columns[i],
                        header: sheet.headers[i].clone(),
                        key: miss.key,
                        n: None,
                        seen: seen(&row.cells[i]),
                        candidates: miss.candidates,
                    });
                }
            }
        }
        tick();
    }
    if !problems.is_empty() {
        return Ok(Checked::Rejected(problems));
    }
    let distinct: BTreeMap<UnitId, &Unit> = units
        .values()
        .filter_map(|u| u.as_ref().ok())
        .map(|u| (u.id, u))
        .collect();
    let unit = common_ancestor(store, &distinct.values().copied().collect::<Vec<_>>()).await?;
    Ok(Checked::Ready(Box::new(Plan {
        rows: ready,
        scope: who.scope,
        unit,
        units: distinct.len(),
    })))
}

/// The deepest unit that every given unit lies under (or is).
async fn common_ancestor(store: &dyn Store, units: &[&Unit]) -> Result<Unit, StoreError> {
    let Some(first) = units.first() else {
        return store.root_unit().await;
    };
    let mut deepest = None;
    for level in Level::ALL {
        let i = usize::from(level.get() - 1);
        let a = first.ancestors[i];
        if a.is_some() && units.iter().all(|u| u.ancestors[i] == a) {
            deepest = a;
        } else {
            break;
        }
    }
    match deepest {
        Some(id) if id == first.id => Ok((*first).clone()),
        Some(id) => store.unit_by_id(id).await,
        None => store.root_unit().await,
    }
}

/// Inserts every row of a plan in one transaction: all or nothing.
pub async fn commit(store: &dyn Store, plan: &Plan, now: i64) -> Result<u64, StoreError> {
    store.insert_activities(plan.scope, &plan.rows, now).await
}

/// The audit detail of an import: count and unit, no names.
pub fn audit_detail(plan: &Plan, via: &str) -> String {
    format!(
        "count={} unit={} units={} via={via}",
        plan.rows.len(),
        plan.unit.code,
        plan.units
    )
}
