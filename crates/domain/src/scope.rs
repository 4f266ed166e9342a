use crate::{Level, UnitId};

/// The subtree a request may reach: a unit and its level.
///
/// Every query for data attached to units takes a `Scope` and adds
/// `l{level} = unit` to its filter, so a store method cannot forget it. The
/// web layer makes a `Scope` only from an authenticated actor's own unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    unit: UnitId,
    level: Level,
}

impl Scope {
    pub const fn new(unit: UnitId, level: Level) -> Self {
        Self { unit, level }
    }

    pub const fn unit(self) -> UnitId {
        self.unit
    }

    pub const fn level(self) -> Level {
        self.level
    }

    /// Whether a unit with these ancestors (`l1..l5`, `None` past its own
    /// level) lies in this subtree.
    pub fn contains(self, ancestors: &[Option<UnitId>; 5]) -> bool {
        ancestors[usize::from(self.level.get() - 1)] == Some(self.unit)
    }
}
