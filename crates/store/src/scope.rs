//! Capabilities for reaching data attached to units.
//!
//! A [`Scope`] is a subtree plus the actor it was minted for. Nothing
//! outside this crate can build one: the application's auth layer mints it
//! from an authenticated session through the [`crate::SystemStore`] handle,
//! which request handlers never hold, and anyone may only *narrow* it to a
//! unit inside it. Every store method for unit-attached data takes a scope
//! and adds "unit is in my subtree" to its query.
//!
//! An [`InScope`] is the proof that a record was read through a scope.
//! Methods that act on a record already opened (a task's reports, a need's
//! history, a user's password) take that proof instead of a bare id, so a
//! caller cannot skip the opening.

use jinguo_domain::case::AccessVia;
use jinguo_domain::{CapSet, Capability, CaseId, Level, UnitId, UserId};

use crate::model::{CaseHead, Unit};

/// The subtree a request may reach, and who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    unit: UnitId,
    level: Level,
    /// The user the scope was minted for; `None` for the system itself
    /// (command line, demo, benchmarks).
    user: Option<UserId>,
    caps: CapSet,
}

impl Scope {
    /// Only the system handle mints (see [`crate::SystemStore`]).
    pub(crate) const fn mint(unit: &Unit, user: Option<UserId>, caps: CapSet) -> Self {
        Scope {
            unit: unit.id,
            level: unit.level,
            user,
            caps,
        }
    }

    pub const fn unit(self) -> UnitId {
        self.unit
    }

    pub const fn level(self) -> Level {
        self.level
    }

    /// The user this scope acts for (`None`: the system).
    pub const fn user(self) -> Option<UserId> {
        self.user
    }

    /// The actor's capabilities (the system holds all).
    pub const fn caps(self) -> CapSet {
        self.caps
    }

    /// Whether the actor holds the capability (the system holds all).
    pub const fn can(self, cap: Capability) -> bool {
        self.caps.contains(cap)
    }

    /// Whether a unit with these ancestors (`l1..l5`, `None` past its own
    /// level) lies in this subtree.
    pub fn contains(self, ancestors: &[Option<UnitId>; 5]) -> bool {
        ancestors[usize::from(self.level.get() - 1)] == Some(self.unit)
    }

    /// The same actor's scope narrowed to a unit of this subtree; `None`
    /// for a unit outside it. Scopes only ever shrink.
    pub fn narrow(self, unit: &Unit) -> Option<Scope> {
        self.contains(&unit.ancestors).then_some(Scope {
            unit: unit.id,
            level: unit.level,
            ..self
        })
    }
}

/// A record read through `scope`: the proof that it was opened there.
#[derive(Debug, Clone)]
pub struct InScope<T> {
    value: T,
    scope: Scope,
}

impl<T> InScope<T> {
    pub(crate) fn new(value: T, scope: Scope) -> Self {
        InScope { value, scope }
    }

    /// The scope the record was opened in.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for InScope<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A rights-protection case opened by a user who may open it (on its team,
/// or under a break-the-glass grant), its opening already written to the
/// case's access log. Only [`crate::CaseStore::open_case`] makes one; every
/// read of the case's personal data and every workflow step takes it.
#[derive(Debug, Clone)]
pub struct OpenedCase {
    head: CaseHead,
    via: AccessVia,
    scope: Scope,
}

impl OpenedCase {
    pub(crate) fn new(head: CaseHead, via: AccessVia, scope: Scope) -> Self {
        OpenedCase { head, via, scope }
    }

    pub fn id(&self) -> CaseId {
        self.head.id
    }

    pub fn head(&self) -> &CaseHead {
        &self.head
    }

    pub fn via(&self) -> AccessVia {
        self.via
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    pub fn is_supervisor(&self) -> bool {
        self.via == AccessVia::Supervisor
    }

    /// Team members act on the case; a break-the-glass reader only reads.
    pub fn is_team(&self) -> bool {
        self.via != AccessVia::Glass
    }
}

/// Serialises as the record itself, so pages and the API show it as before.
impl<T: serde::Serialize> serde::Serialize for InScope<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}
