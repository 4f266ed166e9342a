//! Typed row ids: raw integers never cross a module boundary.

use serde::Serialize;

macro_rules! id_type {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        $crate::schema_component!(
            $name,
            stringify!($name),
            $crate::schema::int64_from(concat!($($doc),*).trim(), 1)
        );

        impl $name {
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }
            pub const fn get(self) -> i64 {
                self.0
            }
        }
    };
}

id_type!(
    /// Surrogate key of an organisation unit; stable across code-list re-imports.
    UnitId
);
id_type!(
    /// Surrogate key of a user account.
    UserId
);
id_type!(
    /// Surrogate key of an activity record.
    ActivityId
);
id_type!(
    /// Surrogate key of a task issued down the tree.
    TaskId
);
id_type!(
    /// Surrogate key of a photo attached to an activity.
    PhotoId
);
id_type!(
    /// Surrogate key of a file attached to a task.
    AttachmentId
);
id_type!(
    /// Surrogate key of a household recorded during home visits.
    HouseholdId
);
id_type!(
    /// Surrogate key of one member of a household.
    MemberId
);
id_type!(
    /// Surrogate key of a home visit.
    VisitId
);
id_type!(
    /// Surrogate key of a need (a visit's or a help request's).
    NeedId
);
id_type!(
    /// Surrogate key of a Women's Home (妇女之家).
    HomeId
);
id_type!(
    /// Surrogate key of a request from the public help page.
    HelpId
);
id_type!(
    /// Surrogate key of a rights-protection case; its number is derived from it.
    CaseId
);
