//! Case pages (维权个案): my cases and alerts, intake, the opened case with
//! its forms (risk assessment, orders, team, reveal), break-the-glass and
//! "who viewed this". Every handler goes through [`crate::cases`]: whether a
//! case opens, and what is logged when it does, is decided there; anyone
//! who may not open a case gets 404 for every page of it.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::case::{
    AssessmentInput, CHECKLIST, CaseConsent, CaseSource, CaseStatus, CaseUrgency, ClientInput,
    IntakeInput, OrderKind, OrderStatus, PersonInput, PersonRole, RiskLevel, TeamRole,
    TemplateField, case_number,
};
use jinguo_domain::household::{ConsentInput, ConsentMethod};
use jinguo_domain::{CaseId, FieldError, HelpId};
use jinguo_store::model::{CaseFilter, DictKind};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{Pairs, all, first, unit_of};
use crate::activities::{label, labels};
use crate::auth::{Actor, WebActor};
use crate::case_list::CaseParams;
use crate::cases::{self, IntakeBody, OrderInput, parse_case_id};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::render::{WebResult, no_store};
use crate::state::{AppState, now, today};
use crate::xlsx::export::{Table, TableRow};

/// Errors as the templates look them up: field name → message key.
type Errors = BTreeMap<String, &'static str>;

fn error_map(prefix: &str, errors: &[FieldError]) -> Errors {
    errors
        .iter()
        .map(|e| (format!("{prefix}{}", e.field), e.key))
        .collect()
}

/// Splits a failed action into its field errors, or passes anything else on.
fn field_errors(e: AppError) -> AppResult<Vec<FieldError>> {
    match e {
        AppError::InvalidFields(errors) => Ok(errors),
        AppError::Invalid(e) => Ok(vec![e]),
        e => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: cases older than this id. Only links carry it, so a
    /// malformed one is no page (404), like a malformed unit code.
    before: Option<String>,
    done: Option<String>,
    #[serde(flatten)]
    filter: CaseParams,
}

/// Cases in one export.
const EXPORT_MAX: i64 = 20_000;

/// The unit, the case types, and the parsed filters (or the field errors
/// to show beside them).
async fn read_list(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &ListQuery,
) -> AppResult<(
    jinguo_store::model::Unit,
    BTreeMap<String, String>,
    Result<CaseFilter, Vec<FieldError>>,
)> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let types = labels(state, DictKind::CASE_TYPE, lang).await?;
    let filter = q.filter.parse(&types).map(|f| CaseFilter { before, ..f });
    Ok((unit, types, filter))
}

/// `GET /cases?unit=`: the cases the reader may open (client names masked:
/// a list is read over a shoulder) by status, type, risk and day opened,
/// newest first, paged by id; and her alerts.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (unit, types, filter) = read_list(&state, &actor, lang, &q).await?;
    let (rows, errors) = match filter {
        Ok(f) => (
            cases::list_filtered(&state, &actor, &unit, &f, PER_PAGE + 1).await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|r| r.id)).flatten();
    let errors = error_map("", &errors);
    let alerts = cases::alerts(&state, &actor).await?;
    let query = q.filter.query();
    Ok(state.templates.render(
        "cases/list.html",
        lang,
        Some(&actor),
        context! {
            unit, rows, next, alerts, types, errors,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, filtered => !query.is_empty(), query,
            statuses => CaseStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            risks => RiskLevel::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            unread => alerts.iter().filter(|a| !a.read).count(),
            can_intake => actor.can(jinguo_domain::Capability::WorkCases),
            done => q.done.clone().filter(|d| d == "read"),
        },
    ))
}

/// `GET /cases/export.xlsx`: the same filtered list as a workbook, with no
/// personal data at all: not even the masked client name the page shows.
/// Only the cases the page would list are in it.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> AppResult<axum::response::Response> {
    let (unit, types, filter) = read_list(&state, &actor, lang, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = cases::list_filtered(&state, &actor, &unit, &filter, EXPORT_MAX).await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let table = Table {
        name: t("case.list"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "case.number",
                "case.type",
                "case.urgency",
                "case.risk_col",
                "case.status",
                "case.unit",
                "case.opened_on",
                "case.follow_ups",
            ],
        ),
        widths: vec![16.0, 18.0, 10.0, 10.0, 12.0, 24.0, 12.0, 10.0],
        rows: rows
            .iter()
            .map(|r| TableRow {
                texts: vec![
                    r.number.clone(),
                    types
                        .get(&r.type_key)
                        .cloned()
                        .unwrap_or(r.type_key.clone()),
                    t(&format!("case.urg.{}", r.urgency.as_str())),
                    match r.risk_level {
                        Some(l) => t(&format!("case.risk.{}", l.as_str())),
                        None => t("case.not_assessed"),
                    },
                    t(&format!("case.st.{}", r.status.as_str())),
                    r.unit_name.clone(),
                    r.opened_on.clone(),
                ],
                numbers: vec![r.overdue_follow_ups],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("case.list"), "cases", table)
}

/// `POST /cases/alerts/read`: marks all of the reader's alerts read.
pub async fn alerts_read(State(state): State<AppState>, WebActor(actor): WebActor) -> WebResult {
    state
        .store
        .mark_case_alerts_read(actor.scope(), now())
        .await?;
    Ok(Redirect::to("/cases?done=read").into_response())
}

/// Other-people rows the form always offers (blank rows are skipped).
const EXTRA_ROWS: usize = 1;

/// Another person as typed on the intake form.
#[derive(Debug, Clone, Default, Serialize)]
struct PersonRow {
    role: String,
    name: String,
    sex: String,
    birth_year: String,
    relation: String,
    guardian_by: String,
    guardian_method: String,
}

impl PersonRow {
    fn blank(role: PersonRole) -> Self {
        PersonRow {
            role: role.as_str().into(),
            ..Default::default()
        }
    }

    fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.birth_year,
            &self.relation,
            &self.guardian_by,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// The intake form as typed, so it can be shown again with its errors.
#[derive(Debug, Clone, Default, Serialize)]
struct IntakeForm {
    unit_code: String,
    source: String,
    #[serde(rename = "type")]
    type_key: String,
    urgency: String,
    client_name: String,
    client_sex: String,
    client_birth_year: String,
    client_id_number: String,
    client_phone: String,
    people: Vec<PersonRow>,
    narrative: String,
    consent_services: bool,
    consent_referral: bool,
    consent_statistics: bool,
    help_request: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A typed year: empty is none, anything else must be a number.
fn year(s: &str, field: String, errors: &mut Vec<FieldError>) -> Option<i64> {
    match s.trim() {
        "" => None,
        s => s.parse::<i64>().ok().or_else(|| {
            errors.push(FieldError::named(field, "err.member.birth_year"));
            None
        }),
    }
}

impl IntakeForm {
    fn from_pairs(p: &Pairs) -> Self {
        let cols = [
            "p_role",
            "p_name",
            "p_sex",
            "p_birth_year",
            "p_relation",
            "p_guardian_by",
            "p_guardian_method",
        ]
        .map(|c| all(p, c));
        let n = cols.iter().map(Vec::len).max().unwrap_or(0);
        let at = |c: usize, i: usize| cols[c].get(i).cloned().unwrap_or_default();
        let people = (0..n)
            .map(|i| PersonRow {
                role: at(0, i),
                name: at(1, i),
                sex: at(2, i),
                birth_year: at(3, i),
                relation: at(4, i),
                guardian_by: at(5, i),
                guardian_method: at(6, i),
            })
            .filter(|r| !r.is_blank())
            .collect();
        let checked = |k: &str| !first(p, k).is_empty();
        IntakeForm {
            unit_code: first(p, "unit_code"),
            source: first(p, "source"),
            type_key: first(p, "type"),
            urgency: first(p, "urgency"),
            client_name: first(p, "client_name"),
            client_sex: first(p, "client_sex"),
            client_birth_year: first(p, "client_birth_year"),
            client_id_number: first(p, "client_id_number"),
            client_phone: first(p, "client_phone"),
            people,
            narrative: first(p, "narrative"),
            consent_services: checked("consent_services"),
            consent_referral: checked("consent_referral"),
            consent_statistics: checked("consent_statistics"),
            help_request: first(p, "help_request"),
        }
    }

    /// The body the app layer takes; numbers that do not parse are field
    /// errors here (the domain would only see them as missing).
    fn body(&self, errors: &mut Vec<FieldError>) -> IntakeBody {
        let people = self
            .people
            .iter()
            .enumerate()
            .map(|(i, r)| PersonInput {
                role: r.role.clone(),
                name: r.name.clone(),
                sex: opt(&r.sex),
                birth_year: year(&r.birth_year, format!("people[{i}].birth_year"), errors),
                relation: opt(&r.relation),
                guardian: opt(&r.guardian_by).map(|given_by| ConsentInput {
                    given_by,
                    method: r.guardian_method.clone(),
                }),
            })
            .collect();
        let help_request = match self.help_request.trim() {
            "" => None,
            s => s.parse::<i64>().ok().or_else(|| {
                errors.push(FieldError::new("help_request", "err.case.help_request"));
                None
            }),
        };
        IntakeBody {
            unit_code: self.unit_code.clone(),
            intake: IntakeInput {
                source: self.source.clone(),
                type_key: self.type_key.clone(),
                client: ClientInput {
                    name: self.client_name.clone(),
                    sex: self.client_sex.clone(),
                    birth_year: year(&self.client_birth_year, "client.birth_year".into(), errors),
                    id_number: opt(&self.client_id_number),
                    phone: opt(&self.client_phone),
                },
                people,
                narrative: self.narrative.clone(),
                urgency: self.urgency.clone(),
                consent: Some(CaseConsent {
                    services: self.consent_services,
                    referral: self.consent_referral,
                    statistics: self.consent_statistics,
                }),
            },
            help_request,
            caseworkers: Vec::new(),
            supervisors: Vec::new(),
        }
    }
}

/// The intake page; `status` is 422 when it comes back with errors.
async fn intake_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &IntakeForm,
    errors: &[FieldError],
) -> WebResult {
    let dict = state.dictionary(DictKind::CASE_TYPE).await?;
    let mut types = Vec::new();
    for e in dict.iter().filter(|e| e.active) {
        // The template's extra required fields, shown next to the type.
        let required = match state.store.case_template(&e.key).await {
            Ok(t) => t.required.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            Err(jinguo_store::StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        types.push(context! { key => e.key, label => label(e, lang), required });
    }
    // At least one respondent row and one child row, then a spare one.
    let mut people = form.people.clone();
    for role in [PersonRole::Respondent, PersonRole::Child] {
        if !people.iter().any(|p| p.role == role.as_str()) {
            people.push(PersonRow::blank(role));
        }
    }
    for _ in 0..EXTRA_ROWS {
        people.push(PersonRow::blank(PersonRole::Other));
    }
    let errors = error_map("", errors);
    let mut resp = state.templates.render(
        "cases/new.html",
        lang,
        Some(actor),
        context! {
            form, people, types,
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
            errors => &errors,
            sources => CaseSource::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            urgencies => CaseUrgency::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            roles => PersonRole::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            methods => ConsentMethod::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            fields => TemplateField::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewQuery {
    unit: Option<String>,
    help: Option<String>,
    source: Option<String>,
}

/// `GET /cases/new?unit=&help=&source=`: the intake form; from a rights
/// request of the help page it starts with that request's words.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let mut form = IntakeForm {
        unit_code: unit.code.to_string(),
        source: q
            .source
            .as_deref()
            .and_then(CaseSource::parse)
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        urgency: CaseUrgency::Normal.as_str().into(),
        client_sex: "F".into(),
        consent_services: true,
        ..IntakeForm::default()
    };
    if let Some(n) = q.help.as_deref().and_then(|s| s.trim().parse::<i64>().ok()) {
        let req = state
            .store
            .help_request_in_scope(actor.scope(), HelpId::new(n))
            .await?;
        if req.summary.kind != jinguo_domain::help::HelpKind::Rights {
            return Err(AppError::NotFound);
        }
        // Reading the request's words is an opening, as on its own page.
        actor
            .audit(
                &state,
                ip,
                "help_request.open",
                req.queue_id,
                format!("help_request {n}"),
            )
            .await?;
        form.help_request = n.to_string();
        form.source = CaseSource::PublicPage.as_str().into();
        form.unit_code = req.summary.unit_code.to_string();
        form.narrative = req.description.clone();
    }
    intake_page(&state, &actor, lang, &form, &[]).await
}

/// `POST /cases`: records the case and opens it, or shows the form again
/// with every problem next to its field.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Form(pairs): Form<Pairs>,
) -> WebResult {
    let form = IntakeForm::from_pairs(&pairs);
    let mut errors = Vec::new();
    let body = form.body(&mut errors);
    let result = if errors.is_empty() {
        cases::create(&state, &actor, ip, &body).await
    } else {
        Err(AppError::InvalidFields(errors))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/cases/{}?done=created", id.get())).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            intake_page(&state, &actor, lang, &form, &errors).await
        }
    }
}

/// What the case page shows besides the case: a message after an action,
/// a form's errors and what was typed in it, or a revealed value.
#[derive(Default)]
struct Shown {
    done: Option<String>,
    /// What a workflow form (cases/flow.html) did or why it was refused.
    flow: Option<crate::cases::flow::Flash>,
    errors: Errors,
    typed: BTreeMap<String, String>,
    answers: Vec<String>,
    revealed: Option<(String, String)>,
}

/// Messages the page knows after a redirect; nothing else from the address
/// is shown.
const DONE: &[&str] = &["created", "assessed", "alerted", "order", "team", "glass"];

async fn case_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    ip: Option<String>,
    id: CaseId,
    shown: Shown,
) -> WebResult {
    let (case, opened) = cases::show(state, actor, ip, id).await?;
    let types = labels(state, DictKind::CASE_TYPE, lang).await?;
    let team = opened.is_team();
    // Who may join the team: only asked when the reader may add someone.
    let candidates = if team {
        let on: Vec<_> = case.team.iter().map(|m| m.user_id).collect();
        state
            .store
            .caseworkers_over(case.unit.id)
            .await?
            .into_iter()
            .filter(|c| !on.contains(&c.user_id))
            .collect()
    } else {
        Vec::new()
    };
    let status = if shown.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let flow_notes = state.store.case_notes(&opened).await?;
    // Where the team may transfer the case: a list, never a typed code.
    let transfer_choices = if team {
        let unit = state
            .units
            .by_id(state.store.as_ref(), case.unit.id)
            .await?;
        crate::units::transfer_choices(state, &unit).await?
    } else {
        Vec::new()
    };
    let details: Vec<String> = case
        .events
        .iter()
        .map(|e| readable_detail(state.catalogue, lang, &e.detail))
        .collect();
    let resp = state.templates.render(
        "cases/show.html",
        lang,
        Some(actor),
        context! {
            case => &case,
            csrf => &actor.csrf,
            via => opened.via().as_str(),
            is_team => team,
            is_supervisor => opened.is_supervisor(),
            glass_until => opened.head().glass_until,
            type_label => types.get(&case.type_key).cloned().unwrap_or_else(|| case.type_key.clone()),
            checklist => CHECKLIST,
            uses_checklist => state.store.uses_danger_checklist(&case.type_key).await?,
            levels => RiskLevel::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            order_kinds => OrderKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            order_statuses => OrderStatus::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            team_roles => TeamRole::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            candidates,
            today => jinguo_domain::activity::format_date(today(&state.config)),
            done => shown.done.filter(|d| DONE.contains(&d.as_str())),
            errors => shown.errors,
            typed => shown.typed,
            // Without a refused form to show again, the latest
            // assessment's ticks, so a reassessment starts from them.
            answers => if shown.answers.is_empty() {
                case.assessments.last().map(|a| a.answers.clone()).unwrap_or_default()
            } else {
                shown.answers
            },
            revealed => shown.revealed,
            flow_flash => shown.flow,
            flow_notes,
            transfer_choices,
            details,
        },
    );
    let mut resp = no_store(resp);
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    flow: Option<String>,
    flow_error: Option<String>,
    flow_field: Option<String>,
}

/// `GET /cases/{id}`: the opened case. The page carries identities, so it
/// is never cached.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let shown = Shown {
        done: q.done,
        flow: crate::cases::flow::flash(
            q.flow.as_deref(),
            q.flow_error.as_deref(),
            q.flow_field.as_deref(),
        ),
        ..Shown::default()
    };
    case_page(&state, &actor, lang, ip, id, shown).await
}

/// Who is asking, for the pages an action falls back to.
struct Ctx<'a> {
    state: &'a AppState,
    actor: &'a Actor,
    lang: Lang,
    ip: Option<String>,
}

/// After an action on the case: back to it with a message, or the page
/// again with the form's errors (re-opening it, which is logged).
async fn after(
    cx: Ctx<'_>,
    id: CaseId,
    result: AppResult<&'static str>,
    mut shown: Shown,
    form: &str,
) -> WebResult {
    match result {
        Ok(done) => {
            Ok(Redirect::to(&format!("/cases/{}?done={done}#{form}", id.get())).into_response())
        }
        Err(e) => {
            shown.errors = error_map(&format!("{form}."), &field_errors(e)?);
            case_page(cx.state, cx.actor, cx.lang, cx.ip, id, shown).await
        }
    }
}

/// `POST /cases/{id}/assess`: the danger checklist (`answers`, repeated),
/// an optional raised level with its reason, and the safety plan.
pub async fn assess(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let input = AssessmentInput {
        answers: all(&pairs, "answers"),
        level: opt(&first(&pairs, "level")),
        override_reason: opt(&first(&pairs, "override_reason")),
        safety_plan: opt(&first(&pairs, "safety_plan")),
    };
    let r = cases::assess(&state, &actor, ip.clone(), id, &input)
        .await
        .map(|(_, alerted)| if alerted > 0 { "alerted" } else { "assessed" });
    let shown = Shown {
        typed: ["level", "override_reason", "safety_plan"]
            .into_iter()
            .map(|k| (k.to_owned(), first(&pairs, k)))
            .collect(),
        answers: input.answers.clone(),
        ..Shown::default()
    };
    let cx = Ctx {
        state: &state,
        actor: &actor,
        lang,
        ip,
    };
    after(cx, id, r, shown, "assess").await
}

/// `POST /cases/{id}/orders`: a protection order or warning letter, or a
/// new status of one.
pub async fn order(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<OrderInput>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let r = cases::record_order(&state, &actor, ip.clone(), id, &f).await;
    let shown = Shown {
        typed: BTreeMap::from([
            ("kind".to_owned(), f.kind.clone()),
            ("status".to_owned(), f.status.clone()),
            ("date".to_owned(), f.date.clone()),
        ]),
        ..Shown::default()
    };
    let cx = Ctx {
        state: &state,
        actor: &actor,
        lang,
        ip,
    };
    after(cx, id, r.map(|_| "order"), shown, "order").await
}

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
}

/// `POST /cases/{id}/team`: adds a caseworker or supervisor.
pub async fn team(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<TeamForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let r = cases::add_member(&state, &actor, ip.clone(), id, &f.username, &f.role).await;
    let shown = Shown {
        typed: BTreeMap::from([
            ("username".to_owned(), f.username.clone()),
            ("role".to_owned(), f.role.clone()),
        ]),
        ..Shown::default()
    };
    let cx = Ctx {
        state: &state,
        actor: &actor,
        lang,
        ip,
    };
    after(cx, id, r.map(|()| "team"), shown, "team").await
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/reveal`: one full value of the client's identity,
/// on this response only (never in a URL, never cached).
pub async fn reveal(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<RevealForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let field = match f.field.trim() {
        "phone" => "phone",
        _ => "id_number",
    };
    let shown = match cases::reveal(&state, &actor, ip.clone(), id, &f.field, &f.reason).await {
        Ok(value) => Shown {
            revealed: Some((field.to_owned(), value)),
            ..Shown::default()
        },
        Err(e) => Shown {
            errors: error_map(&format!("reveal.{field}."), &field_errors(e)?),
            ..Shown::default()
        },
    };
    case_page(&state, &actor, lang, ip, id, shown).await
}

/// The break-the-glass page: only the case number, and what happens.
async fn glass_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: CaseId,
    reason: &str,
    errors: &[FieldError],
) -> WebResult {
    // The case must exist in her scope; nothing of it is read.
    state.store.case_head(actor.scope(), id, now()).await?;
    let errors = error_map("", errors);
    let mut resp = state.templates.render(
        "cases/glass.html",
        lang,
        Some(actor),
        context! {
            id => id.get(),
            number => case_number(id.get()),
            hours => jinguo_domain::case::GLASS_SECS / 3600,
            reason, errors => &errors,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /cases/{id}/glass`: an administrator asks to read a case she is not
/// on the team of.
pub async fn glass_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    glass_page(&state, &actor, lang, id, "", &[]).await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/glass`: grants three hours and tells the supervisors;
/// then the case opens.
pub async fn glass(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    match cases::break_glass(&state, &actor, ip, id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}?done=glass", id.get())).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            glass_page(&state, &actor, lang, id, &f.reason, &errors).await
        }
    }
}

/// `GET /cases/{id}/access-log`: who opened the case, when and why.
pub async fn access_log(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let id = parse_case_id(&id)?;
    let entries = cases::access_log(&state, &actor, ip, id).await?;
    Ok(no_store(state.templates.render(
        "cases/access_log.html",
        lang,
        Some(&actor),
        context! { id => id.get(), number => case_number(id.get()), entries },
    )))
}

/// Where the words of an event's detail (`critical (21)`, `#1 sent -> accepted`,
/// `public_page`) have labels: each key-like word is shown in the reader's
/// language, anything else (numbers, dates, unit codes) as it is.
const DETAIL_LABELS: &[&str] = &[
    "case.src.",
    "case.risk.",
    "case.outcome.",
    "case.ok.",
    "case.os.",
    "case.agency.",
    "case.rs.",
    "case.team_role.",
];

/// An event's detail in words the reader knows. Details hold no personal
/// data by construction (see the store's `event`), only keys and numbers.
fn readable_detail(cat: &crate::i18n::Catalogue, lang: Lang, detail: &str) -> String {
    detail
        .split(' ')
        .map(|word| {
            let key = word.trim_matches(|c| c == '(' || c == ')' || c == '#');
            DETAIL_LABELS
                .iter()
                .map(|prefix| format!("{prefix}{key}"))
                .find_map(|k| {
                    let label = cat.get(lang, &k);
                    (label != k).then(|| word.replace(key, label))
                })
                .unwrap_or_else(|| word.replace("->", "→"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod detail_tests {
    use super::*;

    #[test]
    fn event_details_read_in_the_readers_language() {
        let cat = crate::i18n::Catalogue::bundled();
        assert_eq!(
            readable_detail(&cat, Lang::Zh, "critical (21)"),
            "极高 (21)"
        );
        assert_eq!(
            readable_detail(&cat, Lang::En, "critical (21)"),
            "Critical (21)"
        );
        let source = readable_detail(&cat, Lang::Zh, "public_page");
        assert!(!source.contains('_'), "{source}");
        let referral = readable_detail(&cat, Lang::Zh, "#1 sent -> accepted");
        assert!(
            referral.starts_with("#1 ") && referral.contains('→'),
            "{referral}"
        );
        assert!(!referral.contains("sent"), "{referral}");
        // Unit codes and dates pass through untouched.
        assert_eq!(
            readable_detail(&cat, Lang::Zh, "152502000000 -> 152500000000"),
            "152502000000 → 152500000000"
        );
    }
}
