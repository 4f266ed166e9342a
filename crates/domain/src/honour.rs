//! Honours (评选表彰): campaigns such as 最美家庭 or 三八红旗手, nominations
//! that go up the tree one level at a time, the public notice (公示) with
//! objections, and the published honours.
//!
//! One selection engine serves families, women and collectives: the
//! campaign's category says which (see [`SubjectKind::of_category`]), and
//! the nomination's fields follow. The rules here are pure: who may act
//! next on a nomination, quotas, deadlines and the notice period, so the
//! store and the pages apply the same ones.

use serde::Serialize;
use time::Date;

use crate::household::ConsentMethod;
use crate::text::{Field, clean_text};
use crate::{FieldError, Level, UnitId};

macro_rules! honour_id {
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

honour_id!(
    /// Surrogate key of an honour campaign (评选).
    CampaignId
);
honour_id!(
    /// Surrogate key of a nomination in an honour campaign.
    NominationId
);
honour_id!(
    /// Surrogate key of an objection lodged during a public notice.
    ObjectionId
);

pub const TITLE_MAX: usize = 100;
pub const NAME_MAX: usize = 50;
pub const EMPLOYER_MAX: usize = 100;
pub const STORY_MAX: usize = 2000;
pub const REASON_MAX: usize = 500;
pub const OBJECTION_MAX: usize = 2000;
pub const CONTACT_MAX: usize = 100;
pub const MEMBERS_MAX: i64 = 50;
pub const QUOTA_MAX: i64 = 100;
pub const NOTICE_DAYS_DEFAULT: i64 = 7;
pub const NOTICE_DAYS_MAX: i64 = 30;
pub const YEARS: (i32, i32) = (2000, 2100);

/// Who a campaign honours. Taken from the category key's prefix
/// (`family_…`, `woman_…`, `collective_…`), so a category the region adds
/// on the dictionaries page says what it honours without a schema change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Family,
    Woman,
    Collective,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 3] = [
        SubjectKind::Family,
        SubjectKind::Woman,
        SubjectKind::Collective,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Family => "family",
            SubjectKind::Woman => "woman",
            SubjectKind::Collective => "collective",
        }
    }

    pub fn parse(s: &str) -> Option<SubjectKind> {
        SubjectKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The subject of a category key: its prefix up to the first `_`.
    pub fn of_category(key: &str) -> Option<SubjectKind> {
        let (prefix, rest) = key.split_once('_')?;
        if rest.is_empty() {
            return None;
        }
        SubjectKind::parse(prefix)
    }
}

/// Where a campaign stands. Nominations and reviews happen while `open`;
/// the shortlist is on public notice in `notice`; `published` is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    Open,
    Notice,
    Published,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 3] = [
        CampaignStatus::Open,
        CampaignStatus::Notice,
        CampaignStatus::Published,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Open => "open",
            CampaignStatus::Notice => "notice",
            CampaignStatus::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<CampaignStatus> {
        CampaignStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
}

/// Where a nomination stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NominationStatus {
    /// Proposed by the nominating unit, waiting for the level above.
    Proposed,
    /// Recommended by a level between, waiting for the next one up.
    Recommended,
    /// Declined, with a reason, by the level it waited for.
    Declined,
    /// Put on the final list by the issuing unit.
    Shortlisted,
    /// On the public notice.
    OnNotice,
    /// Published: the honour is given.
    Honoured,
    /// Taken off the list because an objection was upheld.
    Withdrawn,
}

impl NominationStatus {
    pub const ALL: [NominationStatus; 7] = [
        NominationStatus::Proposed,
        NominationStatus::Recommended,
        NominationStatus::Declined,
        NominationStatus::Shortlisted,
        NominationStatus::OnNotice,
        NominationStatus::Honoured,
        NominationStatus::Withdrawn,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            NominationStatus::Proposed => "proposed",
            NominationStatus::Recommended => "recommended",
            NominationStatus::Declined => "declined",
            NominationStatus::Shortlisted => "shortlisted",
            NominationStatus::OnNotice => "on_notice",
            NominationStatus::Honoured => "honoured",
            NominationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<NominationStatus> {
        NominationStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// Still going up: a level above has to recommend or decline it.
    pub const fn is_pending(self) -> bool {
        matches!(
            self,
            NominationStatus::Proposed | NominationStatus::Recommended
        )
    }
}

/// What an objection's decision was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Open,
    Upheld,
    Dismissed,
}

impl ObjectionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Upheld => "upheld",
            ObjectionStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<ObjectionStatus> {
        [
            ObjectionStatus::Open,
            ObjectionStatus::Upheld,
            ObjectionStatus::Dismissed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
    }
}

/// Why a step on a nomination or a campaign is refused: each one a clear
/// message (`err.honour.*`), and nothing changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The actor's unit is not the one the nomination waits for.
    NotYourTurn,
    /// The unit has passed on as many as its quota allows.
    OverQuota,
    NominationClosed,
    ReviewClosed,
    /// The campaign is not in the state the step needs.
    CampaignState,
    /// The nomination is not in the state the step needs.
    NominationState,
    NothingShortlisted,
    NoticeRunning,
    ObjectionOpen,
    NotOnNotice,
    /// Only the issuing unit starts the notice, decides and publishes.
    NotIssuer,
}

impl Refusal {
    /// The catalogue key of the message.
    pub const fn key(self) -> &'static str {
        match self {
            Refusal::NotYourTurn => "err.honour.not_your_turn",
            Refusal::OverQuota => "err.honour.over_quota",
            Refusal::NominationClosed => "err.honour.nomination_closed",
            Refusal::ReviewClosed => "err.honour.review_closed",
            Refusal::CampaignState => "err.honour.campaign_state",
            Refusal::NominationState => "err.honour.nomination_state",
            Refusal::NothingShortlisted => "err.honour.nothing_shortlisted",
            Refusal::NoticeRunning => "err.honour.notice_running",
            Refusal::ObjectionOpen => "err.honour.objection_open",
            Refusal::NotOnNotice => "err.honour.not_on_notice",
            Refusal::NotIssuer => "err.honour.not_issuer",
        }
    }

    /// The store's conflict name (`409` with this `field`).
    pub const fn code(self) -> &'static str {
        match self {
            Refusal::NotYourTurn => "not_your_turn",
            Refusal::OverQuota => "over_quota",
            Refusal::NominationClosed => "nomination_closed",
            Refusal::ReviewClosed => "review_closed",
            Refusal::CampaignState => "campaign_state",
            Refusal::NominationState => "nomination_state",
            Refusal::NothingShortlisted => "nothing_shortlisted",
            Refusal::NoticeRunning => "notice_running",
            Refusal::ObjectionOpen => "objection_open",
            Refusal::NotOnNotice => "not_on_notice",
            Refusal::NotIssuer => "not_issuer",
        }
    }

    /// The field a refusal is reported on.
    pub const fn field(self) -> &'static str {
        match self {
            Refusal::NotYourTurn | Refusal::NominationState => "nomination",
            Refusal::OverQuota => "unit_code",
            Refusal::NominationClosed => "nomination_deadline",
            Refusal::ReviewClosed => "review_deadline",
            Refusal::CampaignState | Refusal::NothingShortlisted | Refusal::NotIssuer => "campaign",
            Refusal::NoticeRunning => "notice_end",
            Refusal::ObjectionOpen => "objections",
            Refusal::NotOnNotice => "nomination_id",
        }
    }

    pub const ALL: [Refusal; 11] = [
        Refusal::NotYourTurn,
        Refusal::OverQuota,
        Refusal::NominationClosed,
        Refusal::ReviewClosed,
        Refusal::CampaignState,
        Refusal::NominationState,
        Refusal::NothingShortlisted,
        Refusal::NoticeRunning,
        Refusal::ObjectionOpen,
        Refusal::NotOnNotice,
        Refusal::NotIssuer,
    ];

    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A campaign as typed, before any check.
#[derive(Debug, Clone, Default)]
pub struct CampaignDraft {
    pub title: String,
    /// The title in traditional Mongolian, optional.
    pub title_mn: Option<String>,
    pub year: Option<i64>,
    pub category: String,
    /// `village` or `township`.
    pub nominating_level: String,
    pub quota: Option<i64>,
    pub nomination_deadline: String,
    pub review_deadline: String,
    /// `None`: the default, seven days.
    pub notice_days: Option<i64>,
}

/// A campaign's checked fields. The category key is well-formed and names
/// a subject; the caller checks it against the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignFields {
    pub title: String,
    /// Printed before the Chinese title on the notice and the certificate.
    pub title_mn: Option<String>,
    pub year: i32,
    pub category: String,
    pub subject: SubjectKind,
    pub nominating_level: Level,
    pub quota: i64,
    pub nomination_deadline: Date,
    pub review_deadline: Date,
    pub notice_days: i64,
}

fn required(
    s: &str,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match clean_text(s, max) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errors.push(FieldError::new(field, "err.honour.required"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(field, "err.honour.too_long"));
            None
        }
    }
}

fn optional(
    s: Option<&str>,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match clean_text(s.unwrap_or(""), max) {
        Ok(t) => t,
        Err(_) => {
            errors.push(FieldError::new(field, "err.honour.too_long"));
            None
        }
    }
}

/// An optional name or title in traditional Mongolian, printed before the
/// Chinese one: the shared Mongolian rule ([`Field::mongolian`]) with this
/// module's message for a long text.
fn mongolian(
    s: Option<&str>,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    Field::line(field, max)
        .too_long("err.honour.too_long")
        .mongolian()
        .optional(s, errors)
}

fn date(s: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let d = crate::activity::parse_date(s);
    if d.is_none() {
        errors.push(FieldError::new(field, "err.honour.date"));
    }
    d
}

/// A dictionary key as stored: lowercase ASCII letters, digits and `_`.
pub fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The levels that may nominate, by name.
pub fn parse_nominating_level(s: &str) -> Option<Level> {
    match s.trim() {
        "village" => Some(Level::VILLAGE),
        "township" => Some(Level::TOWNSHIP),
        _ => None,
    }
}

pub fn nominating_level_name(l: Level) -> &'static str {
    if l == Level::TOWNSHIP {
        "township"
    } else {
        "village"
    }
}

/// Whether a unit at `level` may issue a campaign: the region, a league or
/// a banner (the issue's 区、盟市、旗县).
pub fn may_issue(level: Level) -> bool {
    level <= Level::BANNER
}

impl CampaignDraft {
    /// Checks every field against `today`, reporting all problems at once:
    /// a nomination deadline already past is refused, and the review ends
    /// on or after it.
    pub fn validate(&self, today: Date) -> Result<CampaignFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = required(&self.title, "title", TITLE_MAX, &mut errors);
        let title_mn = mongolian(self.title_mn.as_deref(), "title_mn", TITLE_MAX, &mut errors);
        let year = match self.year {
            Some(y) if (i64::from(YEARS.0)..=i64::from(YEARS.1)).contains(&y) => Some(y as i32),
            _ => {
                errors.push(FieldError::new("year", "err.honour.year"));
                None
            }
        };
        let category = self.category.trim();
        let subject = if is_key(category) {
            SubjectKind::of_category(category)
        } else {
            None
        };
        if subject.is_none() {
            errors.push(FieldError::new("category", "err.honour.category"));
        }
        let level = parse_nominating_level(&self.nominating_level);
        if level.is_none() {
            errors.push(FieldError::new(
                "nominating_level",
                "err.honour.nominating_level",
            ));
        }
        let quota = match self.quota {
            Some(q) if (1..=QUOTA_MAX).contains(&q) => Some(q),
            _ => {
                errors.push(FieldError::new("quota", "err.honour.quota"));
                None
            }
        };
        let nd = date(
            &self.nomination_deadline,
            "nomination_deadline",
            &mut errors,
        );
        if nd.is_some_and(|d| d < today) {
            errors.push(FieldError::new("nomination_deadline", "err.honour.past"));
        }
        let rd = date(&self.review_deadline, "review_deadline", &mut errors);
        if let (Some(n), Some(r)) = (nd, rd)
            && r < n
        {
            errors.push(FieldError::new(
                "review_deadline",
                "err.honour.review_before_nomination",
            ));
        }
        let notice_days = match self.notice_days {
            None => Some(NOTICE_DAYS_DEFAULT),
            Some(d) if (1..=NOTICE_DAYS_MAX).contains(&d) => Some(d),
            Some(_) => {
                errors.push(FieldError::new("notice_days", "err.honour.notice_days"));
                None
            }
        };
        match (title, year, subject, level, quota, nd, rd, notice_days) {
            (
                Some(title),
                Some(year),
                Some(subject),
                Some(nominating_level),
                Some(quota),
                Some(nomination_deadline),
                Some(review_deadline),
                Some(notice_days),
            ) if errors.is_empty() => Ok(CampaignFields {
                title,
                title_mn,
                year,
                category: category.to_owned(),
                subject,
                nominating_level,
                quota,
                nomination_deadline,
                review_deadline,
                notice_days,
            }),
            _ => Err(errors),
        }
    }
}

/// A nomination as typed. Which fields are needed depends on the subject:
/// a family has a published family name, its head's name (sealed, never
/// shown in public) and its member count; a woman her name (sealed), the
/// name to publish and her unit or employer; a collective its name.
#[derive(Debug, Clone, Default)]
pub struct NominationDraft {
    /// The family's name as published (乌云其木格家庭), a collective's name,
    /// or the name a woman agreed to have published.
    pub display_name: String,
    /// The published name in traditional Mongolian, optional; the sealed
    /// name has none.
    pub display_name_mn: Option<String>,
    /// The head of the family's or the woman's own name: sealed.
    pub person_name: Option<String>,
    pub members: Option<i64>,
    pub employer: Option<String>,
    pub story: String,
    pub consent_given_by: String,
    pub consent_method: String,
    /// `None`: today.
    pub consent_date: Option<String>,
}

/// A nomination's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationFields {
    pub display_name: String,
    pub display_name_mn: Option<String>,
    pub person_name: Option<String>,
    pub members: Option<i64>,
    pub employer: Option<String>,
    pub story: String,
    pub consent: NominationConsent,
}

/// The consent to publish: who gave it, how and when. No consent, no
/// nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationConsent {
    pub given_by: String,
    pub method: ConsentMethod,
    pub date: Date,
}

impl NominationDraft {
    /// Checks every field for a subject, all problems at once. The consent
    /// date may not lie in the future.
    pub fn validate(
        &self,
        subject: SubjectKind,
        today: Date,
    ) -> Result<NominationFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let display_name = required(&self.display_name, "display_name", NAME_MAX, &mut errors);
        let display_name_mn = mongolian(
            self.display_name_mn.as_deref(),
            "display_name_mn",
            NAME_MAX,
            &mut errors,
        );
        let person_name = match subject {
            SubjectKind::Collective => None,
            _ => required(
                self.person_name.as_deref().unwrap_or(""),
                "person_name",
                NAME_MAX,
                &mut errors,
            ),
        };
        let members = match subject {
            SubjectKind::Family => match self.members {
                Some(m) if (1..=MEMBERS_MAX).contains(&m) => Some(m),
                _ => {
                    errors.push(FieldError::new("members", "err.honour.members"));
                    None
                }
            },
            _ => None,
        };
        let employer = match subject {
            SubjectKind::Woman => required(
                self.employer.as_deref().unwrap_or(""),
                "employer",
                EMPLOYER_MAX,
                &mut errors,
            ),
            SubjectKind::Collective => optional(
                self.employer.as_deref(),
                "employer",
                EMPLOYER_MAX,
                &mut errors,
            ),
            SubjectKind::Family => None,
        };
        let story = required(&self.story, "story", STORY_MAX, &mut errors);
        let given_by = match clean_text(&self.consent_given_by, NAME_MAX) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new("consent.given_by", "err.honour.consent"));
                None
            }
            Err(_) => {
                errors.push(FieldError::new("consent.given_by", "err.honour.too_long"));
                None
            }
        };
        let method = ConsentMethod::parse(&self.consent_method);
        if method.is_none() {
            errors.push(FieldError::new("consent.method", "err.honour.consent"));
        }
        let date = match self.consent_date.as_deref().map(str::trim) {
            None | Some("") => Some(today),
            Some(s) => match crate::activity::parse_date(s) {
                Some(d) if d <= today => Some(d),
                Some(_) => {
                    errors.push(FieldError::new("consent.date", "err.honour.future"));
                    None
                }
                None => {
                    errors.push(FieldError::new("consent.date", "err.honour.date"));
                    None
                }
            },
        };
        match (display_name, story, given_by, method, date) {
            (Some(display_name), Some(story), Some(given_by), Some(method), Some(date))
                if errors.is_empty() =>
            {
                Ok(NominationFields {
                    display_name,
                    display_name_mn,
                    person_name,
                    members,
                    employer,
                    story,
                    consent: NominationConsent {
                        given_by,
                        method,
                        date,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

/// A reason for a decline or a decision: required, bounded.
pub fn parse_reason(s: &str) -> Result<String, FieldError> {
    match clean_text(s, REASON_MAX) {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(FieldError::new("reason", "err.honour.reason")),
        Err(_) => Err(FieldError::new("reason", "err.honour.too_long")),
    }
}

/// An objection's text and optional contact, as the public typed them.
/// Links are refused: the notice is no place for advertising.
pub fn parse_objection(
    text: &str,
    contact: Option<&str>,
) -> Result<(String, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let text = match clean_text(text, OBJECTION_MAX) {
        Ok(Some(t)) if !has_link(&t) => Some(t),
        Ok(Some(_)) => {
            errors.push(FieldError::new("text", "err.honour.link"));
            None
        }
        Ok(None) => {
            errors.push(FieldError::new("text", "err.honour.required"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new("text", "err.honour.too_long"));
            None
        }
    };
    let contact = match clean_text(contact.unwrap_or(""), CONTACT_MAX) {
        Ok(c) if c.as_deref().is_some_and(has_link) => {
            errors.push(FieldError::new("contact", "err.honour.link"));
            None
        }
        Ok(c) => c,
        Err(_) => {
            errors.push(FieldError::new("contact", "err.honour.too_long"));
            None
        }
    };
    match text {
        Some(t) if errors.is_empty() => Ok((t, contact)),
        _ => Err(errors),
    }
}

fn has_link(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("http://") || l.contains("https://") || l.contains("www.")
}

/// The step the unit at the next level up takes on a nomination: a
/// recommendation to the level above it, or, at the issuing unit, the
/// shortlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Recommend,
    Shortlist,
}

/// Who may act next on a nomination: exactly the ancestor of the
/// nominating unit one level above `at_level` (the level that last acted),
/// and only while the nomination is pending. Nothing skips a level: a unit
/// two levels up waits for the one between.
///
/// `path` is the nominating unit's ancestors (`l1..l5`).
pub fn next_unit(
    path: &[Option<UnitId>; 5],
    at_level: Level,
    issuer_level: Level,
) -> Option<(UnitId, Step)> {
    let up = at_level.get().checked_sub(1).filter(|l| *l >= 1)?;
    if up < issuer_level.get() {
        return None;
    }
    let unit = path[usize::from(up - 1)]?;
    let step = if up == issuer_level.get() {
        Step::Shortlist
    } else {
        Step::Recommend
    };
    Some((unit, step))
}

/// Whether the actor's unit may take the next step now.
pub fn may_act(
    actor_unit: UnitId,
    status: NominationStatus,
    path: &[Option<UnitId>; 5],
    at_level: Level,
    issuer_level: Level,
) -> Result<Step, Refusal> {
    if !status.is_pending() {
        return Err(Refusal::NominationState);
    }
    match next_unit(path, at_level, issuer_level) {
        Some((u, step)) if u == actor_unit => Ok(step),
        _ => Err(Refusal::NotYourTurn),
    }
}

/// A unit may pass on (propose, or recommend upward) at most `quota`
/// nominations per campaign; `passed` counts those it already did.
pub fn within_quota(passed: i64, quota: i64) -> Result<(), Refusal> {
    if passed < quota {
        Ok(())
    } else {
        Err(Refusal::OverQuota)
    }
}

/// Nominations are taken up to and including the deadline day.
pub fn nomination_open(today: Date, deadline: Date) -> Result<(), Refusal> {
    if today <= deadline {
        Ok(())
    } else {
        Err(Refusal::NominationClosed)
    }
}

/// Levels recommend and decline up to and including the review deadline.
pub fn review_open(today: Date, deadline: Date) -> Result<(), Refusal> {
    if today <= deadline {
        Ok(())
    } else {
        Err(Refusal::ReviewClosed)
    }
}

/// The last day of a notice of `days` days starting on `start`.
pub fn notice_end(start: Date, days: i64) -> Date {
    start
        .checked_add(time::Duration::days(days.max(1) - 1))
        .unwrap_or(start)
}

/// Whether the notice runs on `today` (objections are taken).
pub fn notice_running(today: Date, start: Date, end: Date) -> bool {
    start <= today && today <= end
}

/// A campaign may be published once its notice period is over and no
/// objection is left open.
pub fn may_publish(
    status: CampaignStatus,
    today: Date,
    notice_end: Option<Date>,
    open_objections: i64,
) -> Result<(), Refusal> {
    let Some(end) = notice_end.filter(|_| status == CampaignStatus::Notice) else {
        return Err(Refusal::CampaignState);
    };
    if today <= end {
        return Err(Refusal::NoticeRunning);
    }
    if open_objections > 0 {
        return Err(Refusal::ObjectionOpen);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn campaign() -> CampaignDraft {
        CampaignDraft {
            title: " 2026年度锡林浩特市最美家庭评选 ".into(),
            title_mn: None,
            year: Some(2026),
            category: "family_most_beautiful".into(),
            nominating_level: "village".into(),
            quota: Some(2),
            nomination_deadline: "2026-12-10".into(),
            review_deadline: "2026-12-20".into(),
            notice_days: None,
        }
    }

    fn keys<T: std::fmt::Debug>(r: Result<T, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err()
            .into_iter()
            .map(|e| format!("{}={}", e.field, e.key))
            .collect()
    }

    #[test]
    fn subject_comes_from_the_category() {
        assert_eq!(
            SubjectKind::of_category("family_clean"),
            Some(SubjectKind::Family)
        );
        assert_eq!(
            SubjectKind::of_category("woman_march8_red_banner"),
            Some(SubjectKind::Woman)
        );
        assert_eq!(
            SubjectKind::of_category("collective_civilised_post"),
            Some(SubjectKind::Collective)
        );
        for bad in ["family", "family_", "person_x", "", "_family"] {
            assert_eq!(SubjectKind::of_category(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_campaign_parses_with_the_default_notice() {
        let f = campaign().validate(date!(2026 - 12 - 01)).unwrap();
        assert_eq!(f.title, "2026年度锡林浩特市最美家庭评选");
        assert_eq!(f.subject, SubjectKind::Family);
        assert_eq!(f.nominating_level, Level::VILLAGE);
        assert_eq!(f.notice_days, 7);
    }

    #[test]
    fn every_campaign_problem_at_once() {
        let d = CampaignDraft {
            title: "".into(),
            title_mn: Some("最美家庭".into()),
            year: Some(1999),
            category: "most_beautiful".into(),
            nominating_level: "banner".into(),
            quota: Some(0),
            nomination_deadline: "2026-11-30".into(),
            review_deadline: "2026-11-01".into(),
            notice_days: Some(31),
        };
        assert_eq!(
            keys(d.validate(date!(2026 - 12 - 01))),
            vec![
                "title=err.honour.required",
                "title_mn=err.text.mongolian",
                "year=err.honour.year",
                "category=err.honour.category",
                "nominating_level=err.honour.nominating_level",
                "quota=err.honour.quota",
                "nomination_deadline=err.honour.past",
                "review_deadline=err.honour.review_before_nomination",
                "notice_days=err.honour.notice_days",
            ]
        );
    }

    fn family() -> NominationDraft {
        NominationDraft {
            display_name: "乌云其木格家庭".into(),
            display_name_mn: None,
            person_name: Some("乌云其木格".into()),
            members: Some(5),
            employer: None,
            story: "三代同堂，孝老爱亲。".into(),
            consent_given_by: "乌云其木格".into(),
            consent_method: "written".into(),
            consent_date: None,
        }
    }

    #[test]
    fn mongolian_names_are_optional_and_in_mongolian_script() {
        let today = date!(2026 - 12 - 01);
        let c = CampaignDraft {
            title_mn: Some(" ᠬᠠᠮᠤᠭ ᠤᠨ ᠰᠠᠶᠢᠬᠠᠨ ᠭᠡᠷ ᠪᠦᠯ ".into()),
            ..campaign()
        }
        .validate(today)
        .unwrap();
        assert_eq!(c.title_mn.as_deref(), Some("ᠬᠠᠮᠤᠭ ᠤᠨ ᠰᠠᠶᠢᠬᠠᠨ ᠭᠡᠷ ᠪᠦᠯ"));
        let blank = CampaignDraft {
            title_mn: Some(" ".into()),
            ..campaign()
        };
        assert_eq!(blank.validate(today).unwrap().title_mn, None);
        let n = NominationDraft {
            display_name_mn: Some("ᠭᠡᠷ ᠪᠦᠯ".into()),
            ..family()
        };
        let f = n.validate(SubjectKind::Family, today).unwrap();
        assert_eq!(f.display_name_mn.as_deref(), Some("ᠭᠡᠷ ᠪᠦᠯ"));
        for wrong in ["乌云其木格家庭", "Uyunqimug"] {
            let n = NominationDraft {
                display_name_mn: Some(wrong.into()),
                ..family()
            };
            assert_eq!(
                keys(n.validate(SubjectKind::Family, today)),
                vec!["display_name_mn=err.text.mongolian"]
            );
        }
    }

    #[test]
    fn no_consent_no_nomination() {
        let today = date!(2026 - 12 - 01);
        assert!(family().validate(SubjectKind::Family, today).is_ok());
        let d = NominationDraft {
            consent_given_by: " ".into(),
            consent_method: "".into(),
            ..family()
        };
        assert_eq!(
            keys(d.validate(SubjectKind::Family, today)),
            vec![
                "consent.given_by=err.honour.consent",
                "consent.method=err.honour.consent"
            ]
        );
        let d = NominationDraft {
            consent_date: Some("2026-12-02".into()),
            ..family()
        };
        assert_eq!(
            keys(d.validate(SubjectKind::Family, today)),
            vec!["consent.date=err.honour.future"]
        );
    }

    #[test]
    fn fields_follow_the_subject() {
        let today = date!(2026 - 12 - 01);
        // A woman needs her unit or employer, a family its member count.
        let woman = NominationDraft {
            members: None,
            ..family()
        };
        assert_eq!(
            keys(woman.validate(SubjectKind::Woman, today)),
            vec!["employer=err.honour.required"]
        );
        assert_eq!(
            keys(woman.validate(SubjectKind::Family, today)),
            vec!["members=err.honour.members"]
        );
        // A collective has no person's name at all.
        let c = NominationDraft {
            person_name: None,
            members: None,
            ..family()
        }
        .validate(SubjectKind::Collective, today)
        .unwrap();
        assert_eq!(c.person_name, None);
        let long = NominationDraft {
            story: "事".repeat(STORY_MAX + 1),
            ..family()
        };
        assert_eq!(
            keys(long.validate(SubjectKind::Family, today)),
            vec!["story=err.honour.too_long"]
        );
    }

    fn u(n: i64) -> UnitId {
        UnitId::new(n)
    }

    #[test]
    fn only_the_next_level_up_acts_and_nothing_skips() {
        // Region 1 › league 2 › banner 3 › township 4 › village 5; the
        // banner issued, the village proposed.
        let path = [Some(u(1)), Some(u(2)), Some(u(3)), Some(u(4)), Some(u(5))];
        let p = NominationStatus::Proposed;
        assert_eq!(
            may_act(u(4), p, &path, Level::VILLAGE, Level::BANNER),
            Ok(Step::Recommend)
        );
        // The banner may not skip the township, nor the league anybody.
        for skip in [u(3), u(2), u(1), u(5)] {
            assert_eq!(
                may_act(skip, p, &path, Level::VILLAGE, Level::BANNER),
                Err(Refusal::NotYourTurn)
            );
        }
        // After the township, the banner (the issuer) shortlists.
        let r = NominationStatus::Recommended;
        assert_eq!(
            may_act(u(3), r, &path, Level::TOWNSHIP, Level::BANNER),
            Ok(Step::Shortlist)
        );
        // Nobody acts above the issuer, nor on a finished nomination.
        assert_eq!(
            may_act(u(2), r, &path, Level::BANNER, Level::BANNER),
            Err(Refusal::NotYourTurn)
        );
        assert_eq!(
            may_act(
                u(3),
                NominationStatus::Declined,
                &path,
                Level::TOWNSHIP,
                Level::BANNER
            ),
            Err(Refusal::NominationState)
        );
    }

    #[test]
    fn quotas_and_deadlines() {
        assert_eq!(within_quota(1, 2), Ok(()));
        assert_eq!(within_quota(2, 2), Err(Refusal::OverQuota));
        let d = date!(2026 - 12 - 10);
        assert_eq!(nomination_open(d, d), Ok(()));
        assert_eq!(
            nomination_open(date!(2026 - 12 - 11), d),
            Err(Refusal::NominationClosed)
        );
        assert_eq!(
            review_open(date!(2026 - 12 - 11), d),
            Err(Refusal::ReviewClosed)
        );
    }

    #[test]
    fn the_notice_runs_its_days_and_then_may_be_published() {
        let start = date!(2026 - 12 - 01);
        let end = notice_end(start, 7);
        assert_eq!(end, date!(2026 - 12 - 07));
        assert!(notice_running(end, start, end));
        assert!(!notice_running(date!(2026 - 12 - 08), start, end));
        let n = CampaignStatus::Notice;
        assert_eq!(
            may_publish(n, end, Some(end), 0),
            Err(Refusal::NoticeRunning)
        );
        assert_eq!(
            may_publish(n, date!(2026 - 12 - 08), Some(end), 1),
            Err(Refusal::ObjectionOpen)
        );
        assert_eq!(may_publish(n, date!(2026 - 12 - 08), Some(end), 0), Ok(()));
        assert_eq!(
            may_publish(CampaignStatus::Open, date!(2026 - 12 - 08), None, 0),
            Err(Refusal::CampaignState)
        );
    }

    #[test]
    fn objections_refuse_links_and_empty_text() {
        assert!(parse_objection("该家庭存在赡养纠纷。", Some("138")).is_ok());
        let e = parse_objection(" ", Some("see https://x.example")).unwrap_err();
        assert_eq!(e.len(), 2);
        for r in Refusal::ALL {
            assert_eq!(Refusal::from_code(r.code()), Some(r));
        }
    }
}
