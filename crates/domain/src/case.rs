//! Rights-protection cases (维权关爱): the closed vocabularies, the
//! domestic-violence danger checklist, case-type templates and the intake
//! rules. Pure: the store seals what this module marks confidential.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::household::{Consent, ConsentInput, is_minor, parse_identity};
use crate::text::Field;
use crate::{FieldError, IdNumber, Phone, Sex};

/// Longest narrative, in characters (about ten pages of notes).
pub const NARRATIVE_MAX: usize = 20_000;
/// Longest short free text: a reason, a note, an agency's name.
pub const NOTE_MAX: usize = 2_000;
/// Most other people recorded on one case.
pub const PEOPLE_MAX: usize = 20;
/// How long a break-the-glass grant lasts.
pub const GLASS_SECS: i64 = 3 * 3600;

/// A closed list of keys, each with its storage/API spelling.
macro_rules! keys {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|x| x.as_str() == s.trim())
            }
        }
    };
}

keys!(
    /// How the case reached the federation.
    CaseSource {
        Hotline = "hotline",
        WalkIn = "walk_in",
        PublicPage = "public_page",
        HomeVisit = "home_visit",
        AgencyReferral = "agency_referral",
        Other = "other",
    }
);

keys!(
    /// How soon the first contact must happen, as judged at intake.
    CaseUrgency {
        Low = "low",
        Normal = "normal",
        High = "high",
        Critical = "critical",
    }
);

keys!(
    /// Where a case stands. Closing needs a supervisor's approval, so a
    /// request waits in `ClosurePending`; reopening returns to `InService`.
    CaseStatus {
        Open = "open",
        Assessed = "assessed",
        InService = "in_service",
        ClosurePending = "closure_pending",
        Closed = "closed",
    }
);

keys!(
    /// The danger level of a risk assessment.
    RiskLevel {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
);

impl RiskLevel {
    /// The colour pages show the level in (green, amber, red, dark red).
    pub const fn colour(self) -> &'static str {
        match self {
            RiskLevel::Low => "#2e7d32",
            RiskLevel::Medium => "#f9a825",
            RiskLevel::High => "#c62828",
            RiskLevel::Critical => "#6a1b1a",
        }
    }

    /// Whether the case's supervisors must be alerted at once.
    pub const fn alerts(self) -> bool {
        matches!(self, RiskLevel::High | RiskLevel::Critical)
    }
}

keys!(
    /// A role on the case's team.
    TeamRole {
        Caseworker = "caseworker",
        Supervisor = "supervisor",
    }
);

keys!(
    /// On what grounds someone opened a case.
    AccessVia {
        Caseworker = "caseworker",
        Supervisor = "supervisor",
        Glass = "glass",
    }
);

/// The grounds on which a user with capabilities `caps` may open a case,
/// given her places on its team and whether her break-the-glass grant
/// runs; `None` means the case answers 404. A supervisor who is also a
/// caseworker on the case acts as supervisor; a break-the-glass reader only
/// reads.
pub fn access_grounds(
    caps: crate::CapSet,
    team: &[TeamRole],
    glass_running: bool,
) -> Option<AccessVia> {
    use crate::Capability::{BreakGlass, WorkCases};
    if caps.contains(WorkCases) && team.contains(&TeamRole::Supervisor) {
        Some(AccessVia::Supervisor)
    } else if caps.contains(WorkCases) && team.contains(&TeamRole::Caseworker) {
        Some(AccessVia::Caseworker)
    } else if caps.contains(BreakGlass) && glass_running {
        Some(AccessVia::Glass)
    } else {
        None
    }
}

keys!(
    /// Someone on a case other than the client.
    PersonRole {
        Respondent = "respondent",
        Child = "child",
        Other = "other",
    }
);

keys!(
    /// A legal protection measure.
    OrderKind {
        /// 人身安全保护令, granted by a court.
        ProtectionOrder = "protection_order",
        /// 告诫书, issued by the police.
        WarningLetter = "warning_letter",
    }
);

keys!(
    /// Where a protection measure stands.
    OrderStatus {
        Applied = "applied",
        Granted = "granted",
        Refused = "refused",
        Expired = "expired",
        Issued = "issued",
    }
);

impl OrderKind {
    /// A warning letter is only ever issued; a protection order moves
    /// through application, decision and expiry.
    pub fn allows(self, status: OrderStatus) -> bool {
        match self {
            OrderKind::WarningLetter => status == OrderStatus::Issued,
            OrderKind::ProtectionOrder => status != OrderStatus::Issued,
        }
    }
}

keys!(
    /// A partner agency a case is referred to.
    Agency {
        Police = "police",
        Court = "court",
        CivilAffairs = "civil_affairs",
        LegalAid = "legal_aid",
        Shelter = "shelter",
        Hospital = "hospital",
        Other = "other",
    }
);

keys!(
    /// Where a referral stands; the owning unit keeps the case throughout.
    ReferralStatus {
        Sent = "sent",
        Accepted = "accepted",
        Rejected = "rejected",
        Done = "done",
    }
);

keys!(
    /// How a case ended.
    Outcome {
        Resolved = "resolved",
        ReferredOut = "referred_out",
        ClientWithdrew = "client_withdrew",
        LostContact = "lost_contact",
        Other = "other",
    }
);

keys!(
    /// A field a case-type template may require at intake beyond the
    /// always-required ones.
    TemplateField {
        Phone = "phone",
        IdNumber = "id_number",
        BirthYear = "birth_year",
        Respondent = "respondent",
        Child = "child",
    }
);

/// What a case type asks for: extra required intake fields and when
/// follow-ups fall due (days after intake, ascending).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseTemplate {
    /// Intake fields this type requires beyond the always-required ones.
    pub required: Vec<TemplateField>,
    /// When follow-ups fall due: days after intake, ascending.
    #[schema(value_type = Vec<i64>)]
    pub follow_up_days: Vec<u16>,
    /// Whether its risk assessment uses the danger checklist (domestic
    /// violence); without it the caseworker chooses the level herself.
    pub danger_checklist: bool,
}

impl CaseTemplate {
    /// Reads the storage form: comma-separated keys and day offsets.
    /// Unknown keys and bad numbers are dropped, so a template edited by
    /// hand never blocks intake; offsets are sorted and deduplicated.
    pub fn from_storage(
        required: &str,
        follow_up_days: &str,
        danger_checklist: bool,
    ) -> CaseTemplate {
        let required = required
            .split(',')
            .filter_map(TemplateField::parse)
            .collect();
        let mut days: Vec<u16> = follow_up_days
            .split(',')
            .filter_map(|d| d.trim().parse().ok())
            .filter(|&d| d <= 3650)
            .collect();
        days.sort_unstable();
        days.dedup();
        CaseTemplate {
            required,
            follow_up_days: days,
            danger_checklist,
        }
    }

    pub fn requires(&self, f: TemplateField) -> bool {
        self.required.contains(&f)
    }
}

/// One yes/no item of the domestic-violence danger checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    /// The key an assessment names when the answer is yes.
    #[schema(value_type = String, example = "has_weapon")]
    pub key: &'static str,
    /// What a yes adds to the score; 0 for an item asked for the record
    /// that does not weigh on the level.
    #[schema(value_type = i64, minimum = 0)]
    pub weight: u8,
}

/// The danger checklist. Items and weights are adapted from J. C.
/// Campbell's Danger Assessment (Campbell, Webster & Glass, "The Danger
/// Assessment: validation of a lethality risk assessment instrument for
/// intimate partner femicide", J. Interpers. Violence 24(4), 2009; weighted
/// scoring, levels at 8 / 14 / 18). Firearm items read "weapon" (firearms
/// are rare in China, knives are not). The caseworker's judgement may raise
/// the computed level, with a reason; it never lowers it.
pub const CHECKLIST: &[ChecklistItem] = &[
    ChecklistItem {
        key: "violence_increased",
        weight: 1,
    },
    ChecklistItem {
        key: "has_weapon",
        weight: 3,
    },
    ChecklistItem {
        key: "separated_recently",
        weight: 4,
    },
    ChecklistItem {
        key: "unemployed",
        weight: 4,
    },
    ChecklistItem {
        key: "weapon_threat",
        weight: 3,
    },
    ChecklistItem {
        key: "threatened_to_kill",
        weight: 3,
    },
    ChecklistItem {
        key: "avoided_arrest",
        weight: 0,
    },
    ChecklistItem {
        key: "child_not_his",
        weight: 2,
    },
    ChecklistItem {
        key: "forced_sex",
        weight: 1,
    },
    ChecklistItem {
        key: "strangled",
        weight: 4,
    },
    ChecklistItem {
        key: "drugs",
        weight: 1,
    },
    ChecklistItem {
        key: "alcohol",
        weight: 0,
    },
    ChecklistItem {
        key: "controls_daily",
        weight: 1,
    },
    ChecklistItem {
        key: "jealous",
        weight: 1,
    },
    ChecklistItem {
        key: "beaten_pregnant",
        weight: 1,
    },
    ChecklistItem {
        key: "abuser_suicidal",
        weight: 1,
    },
    ChecklistItem {
        key: "threatened_children",
        weight: 1,
    },
    ChecklistItem {
        key: "believes_capable",
        weight: 1,
    },
    ChecklistItem {
        key: "stalking",
        weight: 1,
    },
    ChecklistItem {
        key: "client_suicidal",
        weight: 0,
    },
];

/// A risk assessment that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Checklist keys answered yes, in checklist order.
    pub answers: Vec<&'static str>,
    pub score: u32,
    pub computed: RiskLevel,
    /// The level that stands: `computed`, or higher by judgement.
    pub level: RiskLevel,
    /// Why the level was raised; present exactly when it was.
    pub override_reason: Option<String>,
    /// The safety plan agreed with the client, if written now.
    pub safety_plan: Option<String>,
}

/// The level a checklist score stands for.
pub fn level_of_score(score: u32) -> RiskLevel {
    match score {
        0..=7 => RiskLevel::Low,
        8..=13 => RiskLevel::Medium,
        14..=17 => RiskLevel::High,
        _ => RiskLevel::Critical,
    }
}

/// A risk assessment as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseAssessmentInput)]
pub struct AssessmentInput {
    /// Keys of `GET /api/v1/cases/checklist` answered yes.
    #[serde(default)]
    pub answers: Vec<String>,
    /// A higher level than the score gives, by judgement; never lower (`422`).
    #[schema(value_type = Option<RiskLevel>)]
    pub level: Option<String>,
    /// Required when `level` raises the computed level.
    #[schema(max_length = 2000)]
    pub override_reason: Option<String>,
    #[schema(max_length = 20000)]
    pub safety_plan: Option<String>,
}

impl AssessmentInput {
    /// Checks an assessment for a case whose type uses the danger checklist
    /// (`checklist`) or not. With the checklist the score gives the level
    /// and judgement may only raise it, with a reason; without it no item
    /// may be ticked and the level is required, chosen by judgement, so it
    /// stands as computed and needs no reason.
    pub fn parse(&self, checklist: bool) -> Result<Assessment, Vec<FieldError>> {
        if !checklist {
            return self.parse_judged();
        }
        let mut errors = Vec::new();
        let mut answers = Vec::new();
        for a in &self.answers {
            match CHECKLIST.iter().find(|i| i.key == a.trim()) {
                Some(item) => answers.push(item.key),
                None => errors.push(FieldError::new("answers", "err.case.checklist_item")),
            }
        }
        answers.sort_by_key(|k| CHECKLIST.iter().position(|i| i.key == *k));
        answers.dedup();
        let score: u32 = answers
            .iter()
            .filter_map(|k| CHECKLIST.iter().find(|i| i.key == *k))
            .map(|i| u32::from(i.weight))
            .sum();
        let computed = level_of_score(score);
        let asked = match self.level.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match RiskLevel::parse(s) {
                Some(l) => Some(l),
                None => {
                    errors.push(FieldError::new("level", "err.case.risk_level"));
                    None
                }
            },
        };
        let reason = short_text(
            self.override_reason.as_deref(),
            "override_reason",
            &mut errors,
        );
        let level = match asked {
            Some(l) if l < computed => {
                errors.push(FieldError::new("level", "err.case.risk_lower"));
                computed
            }
            Some(l) => l,
            None => computed,
        };
        let override_reason = if level > computed {
            if reason.is_none() {
                errors.push(FieldError::new(
                    "override_reason",
                    "err.case.override_reason",
                ));
            }
            reason
        } else {
            None
        };
        let safety_plan = Field::text("safety_plan", NARRATIVE_MAX)
            .optional(self.safety_plan.as_deref(), &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Assessment {
            answers,
            score,
            computed,
            level,
            override_reason,
            safety_plan,
        })
    }
}

impl AssessmentInput {
    fn parse_judged(&self) -> Result<Assessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !self.answers.is_empty() {
            errors.push(FieldError::new("answers", "err.case.checklist_unused"));
        }
        let level = match self.level.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(FieldError::new("level", "err.case.level_required"));
                None
            }
            Some(s) => {
                let l = RiskLevel::parse(s);
                if l.is_none() {
                    errors.push(FieldError::new("level", "err.case.risk_level"));
                }
                l
            }
        };
        // A reason is only asked when judgement overrides a score; here
        // the level is the judgement, so whatever was typed is ignored.
        let safety_plan = Field::text("safety_plan", NARRATIVE_MAX)
            .optional(self.safety_plan.as_deref(), &mut errors);
        match level {
            Some(level) if errors.is_empty() => Ok(Assessment {
                answers: Vec::new(),
                score: 0,
                computed: level,
                level,
                override_reason: None,
                safety_plan,
            }),
            _ => Err(errors),
        }
    }
}

/// An optional short text: trimmed, `None` when empty, an error when long.
pub fn short_text(
    s: Option<&str>,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    Field::text(field, NOTE_MAX).optional(s, errors)
}

/// A required short text: an error when missing or long.
pub fn required_short(
    s: &str,
    field: &'static str,
    key: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    Field::text(field, NOTE_MAX).required(s, key, errors)
}

/// Which uses of her information the client agreed to. Statistics count
/// only cases with `statistics`; a referral needs `referral` unless a
/// supervisor overrides it with a logged reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseConsent {
    #[serde(default)]
    pub services: bool,
    #[serde(default)]
    pub referral: bool,
    #[serde(default)]
    pub statistics: bool,
}

/// The client as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseClientInput)]
pub struct ClientInput {
    #[serde(default)]
    #[schema(required = true, max_length = 50)]
    pub name: String,
    #[serde(default)]
    #[schema(required = true, value_type = Sex)]
    pub sex: String,
    pub birth_year: Option<i64>,
    /// GB 11643 with a valid check digit, agreeing with sex and birth year. Sealed (SM4) at
    /// rest; read back masked.
    pub id_number: Option<String>,
    /// A mainland number. Sealed at rest; read back masked.
    pub phone: Option<String>,
}

/// Another person on the case as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CasePersonInput)]
pub struct PersonInput {
    #[serde(default)]
    #[schema(required = true, value_type = PersonRole)]
    pub role: String,
    #[serde(default)]
    #[schema(required = true)]
    pub name: String,
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub relation: Option<String>,
    /// Required for a child: who consented and how.
    pub guardian: Option<ConsentInput>,
}

/// An intake as typed (JSON body or form), before any rule.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CaseIntakeInput)]
pub struct IntakeInput {
    #[serde(default)]
    #[schema(required = true, value_type = CaseSource)]
    pub source: String,
    /// A key of `GET /api/v1/dictionaries/case-types`; its template may require `client.phone`,
    /// `client.id_number`, `client.birth_year`, a respondent or a child among `people`.
    #[serde(default, rename = "type")]
    #[schema(required = true)]
    pub type_key: String,
    #[serde(default)]
    #[schema(required = true)]
    pub client: ClientInput,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub people: Vec<PersonInput>,
    /// Sealed at rest.
    #[serde(default)]
    #[schema(required = true, max_length = 20000)]
    pub narrative: String,
    #[serde(default)]
    #[schema(value_type = CaseUrgency, default = "normal")]
    pub urgency: String,
    #[schema(required = true, nullable = false)]
    pub consent: Option<CaseConsent>,
}

/// The client, checked. Her identity is sealed by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub name: String,
    pub sex: Sex,
    pub birth_year: Option<i32>,
    pub id_number: Option<IdNumber>,
    pub phone: Option<Phone>,
}

/// Another person, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub role: PersonRole,
    pub name: String,
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    pub relation: Option<String>,
    pub guardian: Option<Consent>,
}

/// An intake that passed every rule, the type's template included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub source: CaseSource,
    pub type_key: String,
    pub client: Client,
    pub people: Vec<Person>,
    pub narrative: String,
    pub urgency: CaseUrgency,
    pub consent: CaseConsent,
}

/// The masked form of a name for lists: the family name and a star per
/// remaining character (`王**`). Names are not secret to the team, but a
/// list on a screen is seen by whoever stands behind it.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

fn name_field(s: &str, field: String, errors: &mut Vec<FieldError>) -> Option<String> {
    Field::line(field, 50).required(s, "err.case.name_required", errors)
}

fn birth_year(
    y: Option<i64>,
    field: String,
    today: Date,
    errors: &mut Vec<FieldError>,
) -> Option<i32> {
    let y = y?;
    match i32::try_from(y)
        .ok()
        .filter(|y| (1900..=today.year()).contains(y))
    {
        Some(y) => Some(y),
        None => {
            errors.push(FieldError::named(field, "err.member.birth_year"));
            None
        }
    }
}

impl ClientInput {
    fn parse(&self, today: Date, errors: &mut Vec<FieldError>) -> Option<Client> {
        let before = errors.len();
        let name = name_field(&self.name, "client.name".into(), errors);
        let sex = Sex::parse(&self.sex, "sex")
            .map_err(|e| errors.push(FieldError::named("client.sex".into(), e.key)))
            .ok();
        let birth_year = birth_year(self.birth_year, "client.birth_year".into(), today, errors);
        let at = |f: &str| format!("client.{f}");
        let (id_number, phone) = parse_identity(
            self.id_number.as_deref(),
            self.phone.as_deref(),
            sex,
            birth_year,
            &at,
            today,
            errors,
        );
        if errors.len() > before {
            return None;
        }
        Some(Client {
            name: name?,
            sex: sex?,
            birth_year: birth_year.or_else(|| id_number.as_ref().map(|i| i.birth_date().year())),
            id_number,
            phone,
        })
    }
}

impl PersonInput {
    fn parse(&self, i: usize, today: Date, errors: &mut Vec<FieldError>) -> Option<Person> {
        let at = |f: &str| format!("people[{i}].{f}");
        let before = errors.len();
        let role = PersonRole::parse(&self.role);
        if role.is_none() {
            errors.push(FieldError::named(at("role"), "err.case.person_role"));
        }
        let name = name_field(&self.name, at("name"), errors);
        let sex = match self.sex.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Sex::parse(s, "sex")
                .map_err(|e| errors.push(FieldError::named(at("sex"), e.key)))
                .ok(),
        };
        let birth_year = birth_year(self.birth_year, at("birth_year"), today, errors);
        let relation = Field::line(at("relation"), 20).optional(self.relation.as_deref(), errors);
        // A child's record needs the guardian's consent; with no birth year
        // a child is assumed to be under 14.
        let child =
            role == Some(PersonRole::Child) || birth_year.is_some_and(|y| is_minor(y, None, today));
        let guardian = match (&self.guardian, child) {
            (Some(g), true) => g.parse(&at("guardian"), errors),
            (None, true) => {
                errors.push(FieldError::named(
                    at("guardian"),
                    "err.member.guardian_required",
                ));
                None
            }
            (_, false) => None,
        };
        if errors.len() > before {
            return None;
        }
        Some(Person {
            role: role?,
            name: name?,
            sex,
            birth_year,
            relation,
            guardian,
        })
    }
}

impl IntakeInput {
    /// Checks every field, the template's extra requirements included, so a
    /// form can mark all problems at once. `type_known` says whether the
    /// type is an active dictionary entry (the store knows).
    pub fn parse(
        &self,
        template: Option<&CaseTemplate>,
        today: Date,
    ) -> Result<Intake, Vec<FieldError>> {
        let mut errors = Vec::new();
        let source = CaseSource::parse(&self.source);
        if source.is_none() {
            errors.push(FieldError::new("source", "err.case.source"));
        }
        if template.is_none() {
            errors.push(FieldError::new("type", "err.case.type"));
        }
        let urgency = match self.urgency.trim() {
            "" => Some(CaseUrgency::Normal),
            s => CaseUrgency::parse(s),
        };
        if urgency.is_none() {
            errors.push(FieldError::new("urgency", "err.case.urgency"));
        }
        let client = self.client.parse(today, &mut errors);
        if self.people.len() > PEOPLE_MAX {
            errors.push(FieldError::new("people", "err.case.people_max"));
        }
        let people: Vec<Option<Person>> = self
            .people
            .iter()
            .take(PEOPLE_MAX)
            .enumerate()
            .map(|(i, p)| p.parse(i, today, &mut errors))
            .collect();
        let narrative = Field::text("narrative", NARRATIVE_MAX)
            .too_long("err.case.narrative_long")
            .required(&self.narrative, "err.case.narrative_required", &mut errors);
        let consent = self.consent;
        if consent.is_none() {
            errors.push(FieldError::new("consent", "err.case.consent"));
        }
        if let Some(t) = template {
            let has_role = |r: PersonRole| {
                self.people
                    .iter()
                    .any(|p| PersonRole::parse(&p.role) == Some(r))
            };
            let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
            for f in &t.required {
                let missing = match f {
                    TemplateField::Phone => blank(&self.client.phone),
                    TemplateField::IdNumber => blank(&self.client.id_number),
                    TemplateField::BirthYear => {
                        self.client.birth_year.is_none() && blank(&self.client.id_number)
                    }
                    TemplateField::Respondent => !has_role(PersonRole::Respondent),
                    TemplateField::Child => !has_role(PersonRole::Child),
                };
                if missing {
                    let field = match f {
                        TemplateField::Phone => "client.phone",
                        TemplateField::IdNumber => "client.id_number",
                        TemplateField::BirthYear => "client.birth_year",
                        TemplateField::Respondent | TemplateField::Child => "people",
                    };
                    let key = match f {
                        TemplateField::Respondent => "err.case.respondent_required",
                        TemplateField::Child => "err.case.child_required",
                        _ => "err.case.template_required",
                    };
                    errors.push(FieldError::new(field, key));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Intake {
            source: source.ok_or_else(Vec::new)?,
            type_key: self.type_key.trim().to_owned(),
            client: client.ok_or_else(Vec::new)?,
            people: people.into_iter().flatten().collect(),
            narrative: narrative.ok_or_else(Vec::new)?,
            urgency: urgency.ok_or_else(Vec::new)?,
            consent: consent.ok_or_else(Vec::new)?,
        })
    }
}

/// The number a case is known by on pages and in conversation: it says
/// nothing about the client.
pub fn case_number(id: i64) -> String {
    format!("WQ{id:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
    }

    fn dv_template() -> CaseTemplate {
        CaseTemplate::from_storage("phone,respondent", "7,1,3,x,1", true)
    }

    fn intake() -> IntakeInput {
        IntakeInput {
            source: "hotline".into(),
            type_key: "domestic_violence".into(),
            client: ClientInput {
                name: "王某某".into(),
                sex: "F".into(),
                birth_year: Some(1990),
                id_number: None,
                phone: Some("13800138000".into()),
            },
            people: vec![PersonInput {
                role: "respondent".into(),
                name: "李某".into(),
                sex: Some("M".into()),
                ..Default::default()
            }],
            narrative: "来电称长期遭受丈夫殴打。".into(),
            urgency: "high".into(),
            consent: Some(CaseConsent {
                services: true,
                referral: true,
                statistics: false,
            }),
        }
    }

    #[test]
    fn template_storage_is_forgiving_and_sorted() {
        let t = dv_template();
        assert_eq!(
            t.required,
            vec![TemplateField::Phone, TemplateField::Respondent]
        );
        assert_eq!(t.follow_up_days, vec![1, 3, 7]);
    }

    #[test]
    fn good_intake_parses() {
        let i = intake().parse(Some(&dv_template()), today()).unwrap();
        assert_eq!(i.source, CaseSource::Hotline);
        assert_eq!(i.urgency, CaseUrgency::High);
        assert_eq!(i.people.len(), 1);
        assert!(!i.consent.statistics);
    }

    #[test]
    fn template_requirements_are_enforced() {
        let mut i = intake();
        i.client.phone = None;
        i.people.clear();
        let errs = i.parse(Some(&dv_template()), today()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_ref()).collect();
        assert!(fields.contains(&"client.phone"), "{fields:?}");
        assert!(fields.contains(&"people"), "{fields:?}");
        // Without the template the same intake is fine.
        let loose = CaseTemplate::default();
        assert!(i.parse(Some(&loose), today()).is_ok());
    }

    #[test]
    fn bad_fields_are_all_reported() {
        let mut i = intake();
        i.source = "fax".into();
        i.urgency = "soon".into();
        i.client.id_number = Some("150102199003070936".into());
        i.narrative = "x".repeat(NARRATIVE_MAX + 1);
        i.consent = None;
        let errs = i.parse(None, today()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_ref()).collect();
        for f in [
            "source",
            "type",
            "urgency",
            "client.id_number",
            "narrative",
            "consent",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
    }

    #[test]
    fn a_child_needs_a_guardian() {
        let mut i = intake();
        i.people.push(PersonInput {
            role: "child".into(),
            name: "小明".into(),
            birth_year: Some(2018),
            ..Default::default()
        });
        let errs = i.parse(Some(&dv_template()), today()).unwrap_err();
        assert_eq!(errs[0].field, "people[1].guardian");
        i.people[1].guardian = Some(ConsentInput {
            given_by: "王某某".into(),
            method: "oral".into(),
        });
        assert!(i.parse(Some(&dv_template()), today()).is_ok());
    }

    #[test]
    fn checklist_levels_follow_the_score() {
        let a = |keys: &[&str]| AssessmentInput {
            answers: keys.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        assert_eq!(a(&[]).parse(true).unwrap().level, RiskLevel::Low);
        let m = a(&["strangled", "threatened_to_kill", "jealous"])
            .parse(true)
            .unwrap();
        assert_eq!((m.score, m.level), (8, RiskLevel::Medium));
        let c = a(&[
            "strangled",
            "separated_recently",
            "unemployed",
            "has_weapon",
            "weapon_threat",
            "threatened_to_kill",
        ])
        .parse(true)
        .unwrap();
        assert_eq!((c.score, c.level), (21, RiskLevel::Critical));
        assert!(a(&["no_such_item"]).parse(true).is_err());
    }

    #[test]
    fn judgement_raises_with_a_reason_and_never_lowers() {
        let mut a = AssessmentInput {
            answers: vec!["strangled".into()],
            level: Some("high".into()),
            ..Default::default()
        };
        assert_eq!(a.parse(true).unwrap_err()[0].field, "override_reason");
        a.override_reason = Some("对方刚出狱，多次扬言报复".into());
        let ok = a.parse(true).unwrap();
        assert_eq!((ok.computed, ok.level), (RiskLevel::Low, RiskLevel::High));
        let lower = AssessmentInput {
            answers: vec!["strangled".into(), "separated_recently".into()],
            level: Some("low".into()),
            ..Default::default()
        };
        assert_eq!(lower.parse(true).unwrap_err()[0].key, "err.case.risk_lower");
    }

    #[test]
    fn without_the_checklist_the_level_is_chosen() {
        let judged = AssessmentInput {
            level: Some("high".into()),
            ..Default::default()
        };
        let ok = judged.parse(false).unwrap();
        assert_eq!(
            (ok.score, ok.computed, ok.level),
            (0, RiskLevel::High, RiskLevel::High)
        );
        assert_eq!(ok.override_reason, None);
        let none = AssessmentInput::default().parse(false).unwrap_err();
        assert_eq!(
            (&*none[0].field, none[0].key),
            ("level", "err.case.level_required")
        );
        let ticked = AssessmentInput {
            answers: vec!["strangled".into()],
            level: Some("low".into()),
            ..Default::default()
        };
        let e = ticked.parse(false).unwrap_err();
        assert_eq!(
            (&*e[0].field, e[0].key),
            ("answers", "err.case.checklist_unused")
        );
        let odd = AssessmentInput {
            level: Some("extreme".into()),
            ..Default::default()
        };
        assert_eq!(odd.parse(false).unwrap_err()[0].key, "err.case.risk_level");
    }

    #[test]
    fn names_and_numbers_say_little() {
        assert_eq!(mask_name("王某某"), "王**");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(case_number(42), "WQ000042");
        assert!(OrderKind::WarningLetter.allows(OrderStatus::Issued));
        assert!(!OrderKind::ProtectionOrder.allows(OrderStatus::Issued));
    }
}
