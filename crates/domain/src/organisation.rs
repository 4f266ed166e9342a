//! Grassroots women's federations (基层妇联): a unit's own organisation,
//! its executive committee (执委会) and its terms and elections (换届).
//!
//! The rules are pure and shared by the store and the pages: which kind of
//! organisation fits which unit, what makes a committee (exactly one
//! chair), when a committee counts as complete, when the next election is
//! due, and the age band of a member in a given year.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::text::Field;
use crate::{FieldError, Level, Phone, Sex, UnitKind};

macro_rules! org_id {
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

org_id!(
    /// Surrogate key of a grassroots women's federation organisation.
    OrganisationId
);
org_id!(
    /// Surrogate key of one executive committee member.
    CommitteeMemberId
);
org_id!(
    /// Surrogate key of an election (换届) of an organisation.
    ElectionId
);

/// A list of fixed choices with stable keys; the label of each is the
/// catalogue key `org.<group>.<key>`.
macro_rules! choice {
    ($(#[doc = $doc:literal])* $name:ident, $err:literal, { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }

            /// The message key of the refusal of an unknown value.
            pub const ERROR: &'static str = $err;
        }
    };
}

choice!(
    /// What kind of federation an organisation is; it must fit its unit.
    OrgKind, "err.org.kind", {
        Region => "region",
        League => "league",
        Banner => "banner",
        Township => "township",
        Street => "street",
        Village => "village",
        Community => "community",
        Sector => "sector",
    }
);

impl OrgKind {
    /// Whether this kind fits a unit of this level and kind: a village or
    /// community federation at a geographic village, a township or street
    /// federation at a township, a sector federation at a sector unit.
    pub fn fits(self, level: Level, unit_kind: UnitKind) -> bool {
        if unit_kind == UnitKind::Sector {
            return self == OrgKind::Sector;
        }
        matches!(
            (self, level.get()),
            (OrgKind::Region, 1)
                | (OrgKind::League, 2)
                | (OrgKind::Banner, 3)
                | (OrgKind::Township | OrgKind::Street, 4)
                | (OrgKind::Village | OrgKind::Community, 5)
        )
    }

    /// The kind a form proposes for a unit.
    pub fn default_for(level: Level, unit_kind: UnitKind) -> OrgKind {
        if unit_kind == UnitKind::Sector {
            return OrgKind::Sector;
        }
        match level.get() {
            1 => OrgKind::Region,
            2 => OrgKind::League,
            3 => OrgKind::Banner,
            4 => OrgKind::Township,
            _ => OrgKind::Village,
        }
    }

    /// A village's or community's own federation: what village coverage counts.
    pub const fn is_village(self) -> bool {
        matches!(self, OrgKind::Village | OrgKind::Community)
    }
}

choice!(
    /// The field of a sector organisation (新领域新业态).
    SectorField, "err.org.field", {
        Park => "park",
        Enterprise => "enterprise",
        SocialOrganisation => "social_organisation",
        NewEconomy => "new_economy",
        Entrepreneurs => "entrepreneurs",
        Other => "other",
    }
);

choice!(
    /// A member's place on the executive committee.
    CommitteeRole, "err.org.role", {
        Chair => "chair",
        ViceChair => "vice_chair",
        Member => "member",
    }
);

choice!(
    /// Ethnicity as counted in the federation's yearly statistics: the
    /// groups of Inner Mongolia named, the rest together.
    Ethnicity, "err.org.ethnicity", {
        Han => "han",
        Mongol => "mongol",
        Hui => "hui",
        Manchu => "manchu",
        Daur => "daur",
        Ewenki => "ewenki",
        Oroqen => "oroqen",
        Other => "other",
    }
);

choice!(
    /// Highest education completed.
    Education, "err.org.education", {
        Primary => "primary",
        JuniorHigh => "junior_high",
        SeniorHigh => "senior_high",
        Vocational => "vocational",
        College => "college",
        Bachelor => "bachelor",
        Postgraduate => "postgraduate",
    }
);

choice!(
    /// Political status (政治面貌).
    Political, "err.org.political", {
        CpcMember => "cpc_member",
        CpcProbationary => "cpc_probationary",
        YouthLeague => "youth_league",
        DemocraticParty => "democratic_party",
        Masses => "masses",
    }
);

choice!(
    /// Age bands of the committee statistics, from the birth year.
    AgeBand, "err.org.age_band", {
        UpTo35 => "up_to_35",
        From36To45 => "36_45",
        From46To55 => "46_55",
        Over55 => "over_55",
    }
);

impl AgeBand {
    /// The band of someone born in `birth_year`, in `year` (age = year − birth year).
    pub fn of(birth_year: i32, year: i32) -> AgeBand {
        match year - birth_year {
            ..=35 => AgeBand::UpTo35,
            36..=45 => AgeBand::From36To45,
            46..=55 => AgeBand::From46To55,
            _ => AgeBand::Over55,
        }
    }
}

/// A committee counts as complete with a chair and at least this many
/// members in all (the chair included).
pub const COMMITTEE_MIN_MEMBERS: usize = 5;
/// More than this on one committee is a typing mistake.
pub const COMMITTEE_MAX_MEMBERS: usize = 60;
pub const NAME_MAX: usize = 60;
pub const PERSON_NAME_MAX: usize = 30;
pub const NOTE_MAX: usize = 500;
/// A term lasts one to five years (five is the rule for village and
/// township federations since 2018).
pub const TERM_YEARS: (i64, i64) = (1, 5);
pub const TERM_YEARS_DEFAULT: i64 = 5;
/// Committee members are adults born after this year.
pub const BIRTH_YEAR_MIN: i32 = 1930;

/// `date` plus whole years; 29 February becomes 28 February.
pub fn add_years(date: Date, years: i64) -> Date {
    let y = date.year() + i32::try_from(years).unwrap_or(0);
    Date::from_calendar_date(y, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(y, date.month(), 28))
        .unwrap_or(date)
}

/// A term: when it started, how many years it lasts, and when the next
/// election is due (normally start + years; an explicit due date may be
/// earlier or later, but never on or before the start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    start: Date,
    years: i64,
    due: Date,
}

impl Term {
    pub fn new(start: Date, years: i64, due: Option<Date>) -> Result<Term, FieldError> {
        if !(TERM_YEARS.0..=TERM_YEARS.1).contains(&years) {
            return Err(FieldError::new("term_years", "err.org.term_years"));
        }
        let due = due.unwrap_or_else(|| add_years(start, years));
        if due <= start {
            return Err(FieldError::new("next_election_due", "err.org.term_order"));
        }
        Ok(Term { start, years, due })
    }

    pub const fn start(&self) -> Date {
        self.start
    }
    pub const fn years(&self) -> i64 {
        self.years
    }
    pub const fn due(&self) -> Date {
        self.due
    }

    /// Past its due date on `today` without an election.
    pub fn overdue(&self, today: Date) -> bool {
        self.due < today
    }
}

/// One committee member as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFields {
    pub role: CommitteeRole,
    pub name: String,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub birth_year: i32,
    pub education: Education,
    pub political: Political,
    pub phone: Option<Phone>,
    pub full_time: bool,
    pub on_village_committee: bool,
}

/// A committee member as typed into a form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CommitteeMemberInput)]
pub struct MemberDraft {
    /// `chair`, `vice_chair` or `member`; exactly one chair per committee.
    #[schema(value_type = CommitteeRole)]
    #[serde(default)]
    pub role: String,
    /// Sealed at rest; shown only to users who may read personal data.
    #[schema(max_length = 30)]
    #[serde(default)]
    pub name: String,
    /// `F` or `M` (女 / 男 accepted).
    #[schema(value_type = Sex)]
    #[serde(default)]
    pub sex: String,
    #[schema(value_type = Ethnicity)]
    #[serde(default)]
    pub ethnicity: String,
    /// Four digits; the member is at least 18 in the current year.
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[schema(value_type = Education)]
    #[serde(default)]
    pub education: String,
    #[schema(value_type = Political)]
    #[serde(default)]
    pub political: String,
    /// A mainland mobile or landline; sealed at rest and shown masked.
    #[serde(default)]
    pub phone: Option<String>,
    /// Full-time (专职) rather than part-time (兼职).
    #[serde(default)]
    pub full_time: bool,
    /// Also sits on the village (community) committee (村两委).
    #[serde(default)]
    pub on_village_committee: bool,
}

impl MemberDraft {
    /// Field names are `members[i].<field>`.
    fn parse(&self, i: usize, year: i32, errors: &mut Vec<FieldError>) -> Option<MemberFields> {
        let f = |name: &str| format!("members[{i}].{name}");
        let before = errors.len();
        let mut pick = |name: &str, ok: bool, key: &'static str| {
            if !ok {
                errors.push(FieldError::named(f(name), key));
            }
        };
        let role = CommitteeRole::parse(&self.role);
        pick("role", role.is_some(), CommitteeRole::ERROR);
        let sex = Sex::parse(&self.sex, "sex").ok();
        pick("sex", sex.is_some(), "err.sex.format");
        let ethnicity = Ethnicity::parse(&self.ethnicity);
        pick("ethnicity", ethnicity.is_some(), Ethnicity::ERROR);
        let birth_year = self
            .birth_year
            .filter(|y| (BIRTH_YEAR_MIN..=year - 18).contains(y));
        pick("birth_year", birth_year.is_some(), "err.org.birth_year");
        let education = Education::parse(&self.education);
        pick("education", education.is_some(), Education::ERROR);
        let political = Political::parse(&self.political);
        pick("political", political.is_some(), Political::ERROR);
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => match Phone::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(FieldError::named(f("phone"), e.key));
                    None
                }
            },
        };
        let name = Field::line(f("name"), PERSON_NAME_MAX).required(
            &self.name,
            "err.org.person_name",
            errors,
        );
        if errors.len() != before {
            return None;
        }
        Some(MemberFields {
            role: role?,
            name: name?,
            sex: sex?,
            ethnicity: ethnicity?,
            birth_year: birth_year?,
            education: education?,
            political: political?,
            phone,
            full_time: self.full_time,
            on_village_committee: self.on_village_committee,
        })
    }
}

/// An executive committee: members in the order given, exactly one chair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committee(Vec<MemberFields>);

impl Committee {
    /// Checks every member (errors on `members[i].field`) and the whole:
    /// at least one member, exactly one chair, at most the maximum.
    pub fn parse(drafts: &[MemberDraft], year: i32) -> Result<Committee, Vec<FieldError>> {
        let mut errors = Vec::new();
        if drafts.is_empty() {
            errors.push(FieldError::new("members", "err.org.no_members"));
        }
        if drafts.len() > COMMITTEE_MAX_MEMBERS {
            errors.push(FieldError::new("members", "err.org.too_many_members"));
        }
        let members: Vec<MemberFields> = drafts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.parse(i, year, &mut errors))
            .collect();
        let chairs = drafts
            .iter()
            .filter(|d| CommitteeRole::parse(&d.role) == Some(CommitteeRole::Chair))
            .count();
        if !drafts.is_empty() && chairs == 0 {
            errors.push(FieldError::new("members", "err.org.no_chair"));
        } else if chairs > 1 {
            errors.push(FieldError::new("members", "err.org.two_chairs"));
        }
        if errors.is_empty() {
            Ok(Committee(members))
        } else {
            Err(errors)
        }
    }

    pub fn members(&self) -> &[MemberFields] {
        &self.0
    }

    pub fn chair(&self) -> Option<&MemberFields> {
        self.0.iter().find(|m| m.role == CommitteeRole::Chair)
    }

    /// A chair and at least [`COMMITTEE_MIN_MEMBERS`] members in all.
    pub fn is_complete(&self) -> bool {
        self.chair().is_some() && self.0.len() >= COMMITTEE_MIN_MEMBERS
    }
}

/// An organisation's own fields as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFields {
    pub name: String,
    pub kind: OrgKind,
    /// Only for sector organisations, and required for them.
    pub field: Option<SectorField>,
    pub established_on: Date,
}

/// An organisation with its first committee and term, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgDraft {
    pub name: String,
    pub kind: String,
    pub field: Option<String>,
    pub established_on: String,
    pub term_start: String,
    pub term_years: Option<i64>,
    pub next_election_due: Option<String>,
    pub members: Vec<MemberDraft>,
}

/// What [`OrgDraft::parse`] gives: the organisation, its term and committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrgFields {
    pub fields: OrgFields,
    pub term: Term,
    pub committee: Committee,
}

fn date_field(s: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let d = crate::activity::parse_date(s);
    if d.is_none() {
        errors.push(FieldError::new(field, "err.org.date"));
    }
    d
}

fn optional_date(
    s: Option<&str>,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<Option<Date>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => date_field(s, field, errors).map(Some),
    }
}

/// A term from its typed parts; `None` with the errors pushed.
fn term_of(
    start: Option<Date>,
    years: Option<i64>,
    due: Option<Option<Date>>,
    errors: &mut Vec<FieldError>,
) -> Option<Term> {
    let years = years.unwrap_or(TERM_YEARS_DEFAULT);
    match Term::new(start?, years, due?) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

impl OrgDraft {
    /// Checks everything together for a unit of this level and kind;
    /// `today` bounds the dates (nothing established or started in the
    /// future) and the birth years.
    pub fn parse(
        &self,
        level: Level,
        unit_kind: UnitKind,
        today: Date,
    ) -> Result<NewOrgFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = Field::line("name", NAME_MAX).required(&self.name, "err.org.name", &mut errors);
        let kind = match self.kind.trim() {
            "" => Some(OrgKind::default_for(level, unit_kind)),
            k => OrgKind::parse(k),
        };
        let kind = match kind {
            None => {
                errors.push(FieldError::new("kind", OrgKind::ERROR));
                None
            }
            Some(k) if !k.fits(level, unit_kind) => {
                errors.push(FieldError::new("kind", "err.org.kind_unit"));
                None
            }
            Some(k) => Some(k),
        };
        let field = match (
            kind,
            self.field
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ) {
            (Some(OrgKind::Sector), None) => {
                errors.push(FieldError::new("field", "err.org.field_missing"));
                None
            }
            (Some(OrgKind::Sector), Some(f)) => match SectorField::parse(f) {
                Some(f) => Some(f),
                None => {
                    errors.push(FieldError::new("field", SectorField::ERROR));
                    None
                }
            },
            (Some(_), Some(_)) => {
                errors.push(FieldError::new("field", "err.org.field_not_sector"));
                None
            }
            _ => None,
        };
        let established = date_field(&self.established_on, "established_on", &mut errors);
        if established.is_some_and(|d| d > today) {
            errors.push(FieldError::new("established_on", "err.org.future"));
        }
        let start = date_field(&self.term_start, "term_start", &mut errors);
        if start.is_some_and(|d| d > today) {
            errors.push(FieldError::new("term_start", "err.org.future"));
        }
        if let (Some(e), Some(s)) = (established, start)
            && s < e
        {
            errors.push(FieldError::new(
                "term_start",
                "err.org.term_before_established",
            ));
        }
        let due = optional_date(
            self.next_election_due.as_deref(),
            "next_election_due",
            &mut errors,
        );
        let term = term_of(start, self.term_years, due, &mut errors);
        let committee = match Committee::parse(&self.members, today.year()) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        match (name, kind, established, term, committee) {
            (Some(name), Some(kind), Some(established_on), Some(term), Some(committee))
                if errors.is_empty() =>
            {
                Ok(NewOrgFields {
                    fields: OrgFields {
                        name,
                        kind,
                        field,
                        established_on,
                    },
                    term,
                    committee,
                })
            }
            _ => Err(errors),
        }
    }
}

/// An election (换届) as typed: the day it was held starts the new term.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ElectionDraft {
    pub held_on: String,
    pub term_years: Option<i64>,
    pub next_election_due: Option<String>,
    pub note: Option<String>,
    pub members: Vec<MemberDraft>,
}

/// A checked election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionFields {
    pub held_on: Date,
    pub term: Term,
    pub note: Option<String>,
    pub committee: Committee,
}

impl ElectionDraft {
    /// `current_start`: the start of the term it ends; an election cannot
    /// be held before it, nor in the future.
    pub fn parse(
        &self,
        current_start: Date,
        today: Date,
    ) -> Result<ElectionFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let held = date_field(&self.held_on, "held_on", &mut errors);
        if held.is_some_and(|d| d > today) {
            errors.push(FieldError::new("held_on", "err.org.future"));
        }
        if held.is_some_and(|d| d <= current_start) {
            errors.push(FieldError::new("held_on", "err.org.election_before_term"));
        }
        let due = optional_date(
            self.next_election_due.as_deref(),
            "next_election_due",
            &mut errors,
        );
        let term = term_of(held, self.term_years, due, &mut errors);
        let note = Field::text("note", NOTE_MAX).optional(self.note.as_deref(), &mut errors);
        let committee = match Committee::parse(&self.members, today.year()) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        match (held, term, committee) {
            (Some(held_on), Some(term), Some(committee)) if errors.is_empty() => {
                Ok(ElectionFields {
                    held_on,
                    term,
                    note,
                    committee,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::from_calendar_date(y, Month::try_from(m).unwrap(), day).unwrap()
    }

    pub(crate) fn member(role: &str) -> MemberDraft {
        MemberDraft {
            role: role.into(),
            name: "乌云".into(),
            sex: "F".into(),
            ethnicity: "mongol".into(),
            birth_year: Some(1980),
            education: "college".into(),
            political: "cpc_member".into(),
            phone: Some("13800000001".into()),
            full_time: false,
            on_village_committee: true,
        }
    }

    fn draft() -> OrgDraft {
        OrgDraft {
            name: "伊利勒特嘎查妇联".into(),
            kind: String::new(),
            field: None,
            established_on: "2018-03-01".into(),
            term_start: "2021-06-01".into(),
            term_years: Some(5),
            next_election_due: None,
            members: vec![member("chair"), member("vice_chair"), member("member")],
        }
    }

    #[test]
    fn a_village_organisation_parses_with_its_term() {
        let v = draft()
            .parse(Level::VILLAGE, UnitKind::Geo, d(2026, 12, 4))
            .unwrap();
        assert_eq!(v.fields.kind, OrgKind::Village);
        assert_eq!(v.term.due(), d(2026, 6, 1));
        assert!(v.term.overdue(d(2026, 12, 4)));
        assert!(!v.committee.is_complete());
        assert_eq!(v.committee.chair().unwrap().role, CommitteeRole::Chair);
    }

    #[test]
    fn refusals_name_their_fields() {
        let mut bad = draft();
        bad.kind = "township".into();
        bad.term_start = "2017-01-01".into();
        bad.members = vec![member("member")];
        bad.members[0].birth_year = Some(2015);
        bad.members[0].phone = Some("12".into());
        let e = bad
            .parse(Level::VILLAGE, UnitKind::Geo, d(2026, 12, 4))
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_ref()).collect();
        assert!(fields.contains(&"kind"), "{fields:?}");
        assert!(fields.contains(&"term_start"));
        assert!(fields.contains(&"members[0].birth_year"));
        assert!(fields.contains(&"members[0].phone"));
        assert!(e.iter().any(|e| e.key == "err.org.no_chair"));
    }

    #[test]
    fn a_term_that_ends_before_it_starts_is_refused() {
        let mut bad = draft();
        bad.next_election_due = Some("2020-01-01".into());
        let e = bad
            .parse(Level::VILLAGE, UnitKind::Geo, d(2026, 12, 4))
            .unwrap_err();
        assert_eq!(
            e,
            vec![FieldError::new("next_election_due", "err.org.term_order")]
        );
        assert!(Term::new(d(2026, 1, 1), 0, None).is_err());
        assert!(Term::new(d(2026, 1, 1), 6, None).is_err());
    }

    #[test]
    fn sector_organisations_need_a_field() {
        let mut s = draft();
        s.kind = "sector".into();
        let e = s
            .parse(Level::VILLAGE, UnitKind::Sector, d(2026, 12, 4))
            .unwrap_err();
        assert_eq!(e[0].key, "err.org.field_missing");
        s.field = Some("park".into());
        let ok = s
            .parse(Level::VILLAGE, UnitKind::Sector, d(2026, 12, 4))
            .unwrap();
        assert_eq!(ok.fields.field, Some(SectorField::Park));
        let mut g = draft();
        g.field = Some("park".into());
        assert_eq!(
            g.parse(Level::VILLAGE, UnitKind::Geo, d(2026, 12, 4))
                .unwrap_err()[0]
                .key,
            "err.org.field_not_sector"
        );
    }

    #[test]
    fn two_chairs_and_an_empty_committee_are_refused() {
        let two = Committee::parse(&[member("chair"), member("chair")], 2026).unwrap_err();
        assert_eq!(two, vec![FieldError::new("members", "err.org.two_chairs")]);
        let none = Committee::parse(&[], 2026).unwrap_err();
        assert_eq!(none, vec![FieldError::new("members", "err.org.no_members")]);
        let five: Vec<MemberDraft> = std::iter::once(member("chair"))
            .chain((0..4).map(|_| member("member")))
            .collect();
        assert!(Committee::parse(&five, 2026).unwrap().is_complete());
    }

    #[test]
    fn elections_start_after_the_current_term() {
        let e = ElectionDraft {
            held_on: "2021-06-01".into(),
            term_years: None,
            next_election_due: None,
            note: None,
            members: vec![member("chair")],
        };
        let err = e.parse(d(2021, 6, 1), d(2026, 12, 4)).unwrap_err();
        assert_eq!(err[0].key, "err.org.election_before_term");
        let ok = ElectionDraft {
            held_on: "2026-11-30".into(),
            ..e
        }
        .parse(d(2021, 6, 1), d(2026, 12, 4))
        .unwrap();
        assert_eq!(ok.term.due(), d(2031, 11, 30));
    }

    #[test]
    fn age_bands_and_leap_days() {
        assert_eq!(AgeBand::of(1991, 2026), AgeBand::UpTo35);
        assert_eq!(AgeBand::of(1990, 2026), AgeBand::From36To45);
        assert_eq!(AgeBand::of(1971, 2026), AgeBand::From46To55);
        assert_eq!(AgeBand::of(1970, 2026), AgeBand::Over55);
        assert_eq!(add_years(d(2024, 2, 29), 5), d(2029, 2, 28));
    }
}
