use serde::{Deserialize, Serialize};

use crate::FieldError;

crate::schema_component!(
    Level,
    "Level",
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Integer)
        .description(Some(
            "Depth in the five-level tree: 1 region (自治区), 2 league (盟市), 3 banner (旗县), \
             4 township (苏木乡镇), 5 village (嘎查村). A sector organisation is one level below \
             its parent.",
        ))
        .minimum(Some(1))
        .maximum(Some(5))
        .into()
);

/// Depth in the five-level tree: 1 region … 5 village.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

impl Level {
    pub const REGION: Level = Level(1);
    pub const LEAGUE: Level = Level(2);
    pub const BANNER: Level = Level(3);
    pub const TOWNSHIP: Level = Level(4);
    pub const VILLAGE: Level = Level(5);
    pub const ALL: [Level; 5] = [
        Self::REGION,
        Self::LEAGUE,
        Self::BANNER,
        Self::TOWNSHIP,
        Self::VILLAGE,
    ];

    pub fn new(n: u8) -> Result<Self, FieldError> {
        if (1..=5).contains(&n) {
            Ok(Level(n))
        } else {
            Err(FieldError::new("level", "err.level.range"))
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// The level below, if any.
    pub fn child(self) -> Option<Level> {
        Level::new(self.0 + 1).ok()
    }

    /// Name of the ancestor column (`l1` … `l5`) that holds the ancestor at
    /// this level. The only way level numbers reach SQL text, so it is safe.
    pub const fn ancestor_column(self) -> &'static str {
        match self.0 {
            1 => "l1",
            2 => "l2",
            3 => "l3",
            4 => "l4",
            _ => "l5",
        }
    }
}

impl TryFrom<u8> for Level {
    type Error = FieldError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Level::new(n)
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.0
    }
}

/// Display names of the five levels; configurable because nothing may assume
/// Inner Mongolia beyond its defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelNames(pub [String; 5]);

impl Default for LevelNames {
    fn default() -> Self {
        LevelNames(["自治区", "盟市", "旗县", "苏木乡镇", "嘎查村"].map(String::from))
    }
}

impl LevelNames {
    pub fn name(&self, level: Level) -> &str {
        &self.0[usize::from(level.get() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_to_five() {
        assert!(Level::new(0).is_err());
        assert!(Level::new(6).is_err());
        assert_eq!(Level::new(3).unwrap(), Level::BANNER);
        assert_eq!(Level::VILLAGE.child(), None);
        assert_eq!(Level::REGION.child(), Some(Level::LEAGUE));
    }

    #[test]
    fn default_names() {
        assert_eq!(LevelNames::default().name(Level::TOWNSHIP), "苏木乡镇");
    }
}
