//! What the filtered list queries share: their conditions built one by
//! one with numbered parameters (the first, `$1`, is the unit's id), and
//! `LIKE` patterns that match the typed text literally.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// A parameter of a list query built from its filters.
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// The conditions after the query's fixed parameters, with their own
/// parameters in order.
pub(crate) struct Conds {
    pub sql: String,
    /// Parameters the query binds before these (`$1`…).
    fixed: usize,
    binds: Vec<Bind>,
}

impl Default for Conds {
    /// After one fixed parameter, `$1`: the unit's id.
    fn default() -> Self {
        Conds::after(1)
    }
}

impl Conds {
    /// Conditions whose parameters number on after `fixed` ones.
    pub fn after(fixed: usize) -> Self {
        Conds {
            sql: String::new(),
            fixed,
            binds: Vec::new(),
        }
    }

    /// Appends `sql`, whose every `?` stands for `v` (one numbered
    /// parameter, however often it appears).
    pub fn add(&mut self, sql: &str, v: Bind) {
        self.binds.push(v);
        let mark = format!("${}", self.fixed + self.binds.len());
        self.sql.push_str(&sql.replace('?', &mark));
    }

    /// Appends a condition without a parameter.
    pub fn raw(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// A case-insensitive substring match of `text` in any of `columns`.
    pub fn contains_any(&mut self, columns: &[&str], text: &str) {
        let pattern = format!("%{}%", like_escape(&text.to_lowercase()));
        let ors: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER(COALESCE({c}, '')) LIKE ? ESCAPE '\\'"))
            .collect();
        self.add(&format!(" AND ({})", ors.join(" OR ")), Bind::Text(pattern));
    }

    /// The mark of the parameter after these (the page size).
    pub fn next_mark(&self) -> String {
        self.mark_after(1)
    }

    /// The mark of the `k`-th parameter after these.
    pub fn mark_after(&self, k: usize) -> String {
        format!("${}", self.fixed + self.binds.len() + k)
    }

    /// Binds these parameters, in order, after the fixed ones.
    pub fn bind<'q>(
        self,
        mut q: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for b in self.binds {
            q = match b {
                Bind::Text(t) => q.bind(t),
                Bind::Int(i) => q.bind(i),
            };
        }
        q
    }
}

/// `text` for a `LIKE … ESCAPE '\'` pattern: its `%`, `_` and `\` match
/// themselves.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
