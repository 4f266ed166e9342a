//! Honours pages. For cadres: the campaigns of a unit, the form to issue
//! one, a campaign's page with its nominations by status and the steps
//! that fit the reader's unit, the nomination form (with the consent), and
//! the objections to decide. For the public (no login, phone-first, under
//! `/public/`, which the CSRF guard leaves to each form's own challenge):
//! the notices and honours lists, a notice with its objection form, and a
//! printable certificate per honour (A4 landscape, Mongolian first).

use std::collections::BTreeMap;

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::FieldError;
use jinguo_domain::honour::{
    CampaignDraft, CampaignId, CampaignStatus, NominationDraft, NominationId, NominationStatus,
    ObjectionId, ObjectionStatus, SubjectKind, nominating_level_name,
};
use jinguo_domain::household::ConsentMethod;
use jinguo_store::honours::{CATEGORIES, Campaign, waiting_for};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::help::challenge::{Proof, Refusal as ChallengeRefusal};
use crate::honours::{self, NominationInput, parse_id, subject_key};
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::paging::PageNo;
use crate::render::{WebResult, lang_of};
use crate::routes::web::unit_of;
use crate::state::{AppState, now, today};

fn fmt(d: time::Date) -> String {
    jinguo_domain::activity::format_date(d)
}

/// A category's label in a language.
async fn category_labels(
    state: &AppState,
    lang: Lang,
) -> Result<BTreeMap<String, String>, AppError> {
    crate::activities::labels(state, CATEGORIES, lang).await
}

// ---- Cadre pages ----

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    page: Option<i64>,
}

/// `GET /honours?unit=`: the campaigns a unit has to do with.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .campaigns_for(actor.scope(), &unit, page_no.query())
        .await?;
    let (rows, has_next) = page_no.split(rows);
    let labels = category_labels(&state, lang).await?;
    let campaigns: Vec<_> = rows
        .iter()
        .map(|c| {
            context! {
                id => c.id.get(), title => c.fields.title, year => c.fields.year,
                category => labels.get(&c.fields.category).cloned().unwrap_or_else(|| c.fields.category.clone()),
                issuer => c.issuer.name, status => c.status.as_str(),
                nomination_deadline => fmt(c.fields.nomination_deadline),
            }
        })
        .collect();
    Ok(state.templates.render(
        "honours/list.html",
        lang,
        Some(&actor),
        context! {
            unit, campaigns, page_no, has_next,
            can_issue => actor.can(jinguo_domain::Capability::RecordWork)
                && jinguo_domain::honour::may_issue(actor.unit.level),
        },
    ))
}

/// What the campaign form shows, kept as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct CampaignForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    title_mn: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    nominating_level: String,
    #[serde(default)]
    quota: String,
    #[serde(default)]
    nomination_deadline: String,
    #[serde(default)]
    review_deadline: String,
    #[serde(default)]
    notice_days: String,
}

/// A number field: empty is "not given"; anything else that is not a
/// number is out of every range.
fn number(s: &str) -> Option<i64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.parse().unwrap_or(i64::MIN))
}

impl CampaignForm {
    fn draft(&self) -> CampaignDraft {
        CampaignDraft {
            title: self.title.clone(),
            title_mn: Some(self.title_mn.clone()),
            year: number(&self.year),
            category: self.category.clone(),
            nominating_level: self.nominating_level.clone(),
            quota: number(&self.quota),
            nomination_deadline: self.nomination_deadline.clone(),
            review_deadline: self.review_deadline.clone(),
            notice_days: number(&self.notice_days),
        }
    }
}

fn error_map(errors: &[FieldError]) -> BTreeMap<String, &'static str> {
    errors
        .iter()
        .map(|e| (e.field.replace('.', "_"), e.key))
        .collect()
}

async fn campaign_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &CampaignForm,
    errors: &[FieldError],
) -> WebResult {
    let categories: Vec<_> = state
        .dictionary(CATEGORIES)
        .await?
        .iter()
        .filter(|e| e.active)
        .map(|e| context! { key => e.key, label => crate::activities::label(e, lang) })
        .collect();
    let errors = error_map(errors);
    let mut resp = state.templates.render(
        "honours/campaign_form.html",
        lang,
        Some(actor),
        context! {
            form, errors, categories,
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /honours/new`.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
) -> WebResult {
    let today = today(&state.config);
    let form = CampaignForm {
        unit_code: actor.unit.code.to_string(),
        year: today.year().to_string(),
        nominating_level: "village".into(),
        quota: "2".into(),
        notice_days: "7".into(),
        nomination_deadline: fmt(today + time::Duration::days(30)),
        review_deadline: fmt(today + time::Duration::days(45)),
        ..Default::default()
    };
    campaign_form_page(&state, &actor, lang, &form, &[]).await
}

/// `POST /honours`.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(f): axum::Form<CampaignForm>,
) -> WebResult {
    match honours::create_campaign(&state, &actor, ip, &f.unit_code, &f.draft()).await {
        Ok(id) => Ok(Redirect::to(&format!("/honours/{}?done=created", id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            campaign_form_page(&state, &actor, lang, &f, &errors).await
        }
        Err(AppError::Invalid(e)) => campaign_form_page(&state, &actor, lang, &f, &[e]).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    refused: Option<String>,
}

/// Keys a redirect may carry back: only the module's own messages.
fn known_key(k: Option<String>, prefix: &str) -> Option<String> {
    k.filter(|k| {
        k.starts_with(prefix)
            && k.len() < 60
            && k.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
    })
}

/// `GET /honours/{id}`: the campaign, its nominations by status with the
/// steps the reader's unit may take, and (for the issuing unit) the
/// objections, the notice and publication.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let c = honours::open_campaign(&state, &actor, CampaignId::new(parse_id(&id)?)).await?;
    let noms = state.store.nominations_of(&c).await?;
    let objections = state.store.objections_of(&c).await?;
    let labels = category_labels(&state, lang).await?;
    let can_record = actor.can(jinguo_domain::Capability::RecordWork);
    let is_issuer = actor.unit.id == c.issuer.id;
    let open = c.status == CampaignStatus::Open;
    let mut groups: Vec<(&'static str, Vec<minijinja::Value>)> = NominationStatus::ALL
        .iter()
        .map(|s| (s.as_str(), Vec::new()))
        .collect();
    for n in &noms {
        let waiting = waiting_for(&c, n);
        let waiting_name = match waiting {
            Some(u) => Some(state.store.unit_by_id(u).await?.name),
            None => None,
        };
        let mine = can_record && open && waiting == Some(actor.unit.id);
        let entry = context! {
            id => n.id.get(), name => n.display_name, name_mn => n.display_name_mn,
            unit => n.unit.name,
            members => n.members, employer => n.employer, story => n.story,
            waiting => waiting_name, mine,
            shortlist => mine && is_issuer,
        };
        if let Some(g) = groups.iter_mut().find(|(s, _)| *s == n.status.as_str()) {
            g.1.push(entry);
        }
    }
    let groups: Vec<_> = groups
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(s, v)| context! { status => s, entries => v })
        .collect();
    let objections: Vec<_> = objections
        .iter()
        .map(|o| {
            context! {
                id => o.id.get(), name => o.display_name, text => o.text, contact => o.contact,
                status => o.status.as_str(), reason => o.reason,
                open => o.status == ObjectionStatus::Open,
            }
        })
        .collect();
    let f = &c.fields;
    let may_nominate = can_record
        && open
        && actor.unit.level <= f.nominating_level
        && today(&state.config) <= f.nomination_deadline;
    Ok(state.templates.render(
        "honours/show.html",
        lang,
        Some(&actor),
        context! {
            id => c.id.get(), title => f.title, title_mn => f.title_mn, year => f.year,
            category => labels.get(&f.category).cloned().unwrap_or_else(|| f.category.clone()),
            subject => f.subject.as_str(),
            issuer => c.issuer.name, issuer_code => c.issuer.code.as_str(),
            nominating_level => nominating_level_name(f.nominating_level),
            quota => f.quota,
            nomination_deadline => fmt(f.nomination_deadline),
            review_deadline => fmt(f.review_deadline),
            notice_days => f.notice_days,
            status => c.status.as_str(),
            notice_start => c.notice_start.map(fmt), notice_end => c.notice_end.map(fmt),
            published_on => c.published_on.map(fmt),
            quotas => c.quotas.iter().map(|(u, q)| context! { name => u.name, quota => q }).collect::<Vec<_>>(),
            groups, objections, may_nominate,
            issuer_actions => can_record && is_issuer,
            done => known_key(q.done, ""),
            refused => known_key(q.refused, "err."),
        },
    ))
}

/// What the nomination form shows, kept as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct NominationForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    display_name_mn: String,
    #[serde(default)]
    person_name: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    story: String,
    #[serde(default)]
    household_id: String,
    #[serde(default)]
    consent_given_by: String,
    #[serde(default)]
    consent_method: String,
    #[serde(default)]
    consent_date: String,
}

impl NominationForm {
    fn input(&self) -> NominationInput {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        NominationInput {
            unit_code: self.unit_code.clone(),
            draft: NominationDraft {
                display_name: self.display_name.clone(),
                display_name_mn: opt(&self.display_name_mn),
                person_name: opt(&self.person_name),
                members: number(&self.members),
                employer: opt(&self.employer),
                story: self.story.clone(),
                consent_given_by: self.consent_given_by.clone(),
                consent_method: self.consent_method.clone(),
                consent_date: opt(&self.consent_date),
            },
            household_id: number(&self.household_id),
        }
    }
}

async fn nomination_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    c: &Campaign,
    form: &NominationForm,
    errors: &[FieldError],
) -> WebResult {
    let labels = category_labels(state, lang).await?;
    let errors = error_map(errors);
    let mut resp = state.templates.render(
        "honours/nomination_form.html",
        lang,
        Some(actor),
        context! {
            form, errors,
            id => c.id.get(), title => c.fields.title,
            category => labels.get(&c.fields.category).cloned().unwrap_or_default(),
            subject => c.fields.subject.as_str(),
            methods => ConsentMethod::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /honours/{id}/nominate`.
pub async fn nominate_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let c = honours::open_campaign(&state, &actor, CampaignId::new(parse_id(&id)?)).await?;
    let form = NominationForm {
        unit_code: actor.unit.code.to_string(),
        consent_date: fmt(today(&state.config)),
        ..Default::default()
    };
    nomination_form_page(&state, &actor, lang, &c, &form, &[]).await
}

/// `POST /honours/{id}/nominations`.
pub async fn nominate(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<NominationForm>,
) -> WebResult {
    let id = CampaignId::new(parse_id(&id)?);
    let c = honours::open_campaign(&state, &actor, id).await?;
    match honours::nominate(&state, &actor, ip, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/honours/{}?done=nominated", id.get())).into_response()),
        Err(AppError::InvalidFields(errors)) => {
            nomination_form_page(&state, &actor, lang, &c, &f, &errors).await
        }
        Err(AppError::Invalid(e)) => nomination_form_page(&state, &actor, lang, &c, &f, &[e]).await,
        Err(e) => Err(e),
    }
}

/// Back to the campaign's page with what happened: a step done, or the
/// rule that refused it (nothing changed).
fn back(campaign: CampaignId, done: &str, r: Result<(), AppError>) -> WebResult {
    let q = match r {
        Ok(()) => format!("done={done}"),
        Err(AppError::Invalid(e)) => format!("refused={}", e.key),
        Err(AppError::InvalidFields(e)) => format!(
            "refused={}",
            e.first().map_or("err.honour.reason", |e| e.key)
        ),
        Err(AppError::Conflict { .. }) => "refused=err.conflict".to_owned(),
        Err(e) => return Err(e),
    };
    Ok(Redirect::to(&format!("/honours/{}?{q}", campaign.get())).into_response())
}

/// `POST /honours/nominations/{id}/recommend`.
pub async fn recommend(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let n = honours::open_nomination(&state, &actor, NominationId::new(parse_id(&id)?)).await?;
    let r = honours::recommend(&state, &actor, ip, n.nomination.id)
        .await
        .map(drop);
    back(n.campaign.id, "recommended", r)
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /honours/nominations/{id}/decline`.
pub async fn decline(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ReasonForm>,
) -> WebResult {
    let n = honours::open_nomination(&state, &actor, NominationId::new(parse_id(&id)?)).await?;
    let r = honours::decline(&state, &actor, ip, n.nomination.id, &f.reason).await;
    back(n.campaign.id, "declined", r)
}

/// `POST /honours/{id}/notice`.
pub async fn notice(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let id = CampaignId::new(parse_id(&id)?);
    let r = honours::start_notice(&state, &actor, ip, id).await;
    if let Err(AppError::NotFound) = r {
        return Err(AppError::NotFound);
    }
    back(id, "notice", r)
}

/// `POST /honours/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> WebResult {
    let id = CampaignId::new(parse_id(&id)?);
    let r = honours::publish(&state, &actor, ip, id).await;
    if let Err(AppError::NotFound) = r {
        return Err(AppError::NotFound);
    }
    back(id, "published", r)
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    reason: String,
}

/// `POST /honours/objections/{id}/decide`.
pub async fn decide(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<DecideForm>,
) -> WebResult {
    let id = ObjectionId::new(parse_id(&id)?);
    let o = state.store.objection_in_scope(actor.scope(), id).await?;
    let upheld = match f.upheld.as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    };
    let r = honours::decide(&state, &actor, ip, id, upheld, &f.reason).await;
    back(o.campaign_id, "decided", r)
}

// ---- Public pages ----

#[derive(Deserialize)]
pub struct PublicQuery {
    lang: Option<String>,
    done: Option<String>,
}

fn page_lang(param: Option<&str>, headers: &HeaderMap) -> Lang {
    param
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| lang_of(headers))
}

fn lang_links(path: &str) -> Vec<(String, String)> {
    Lang::PUBLIC
        .iter()
        .map(|l| (l.tag().to_owned(), format!("{path}?lang={}", l.tag())))
        .collect()
}

/// `GET /public/honours`: notices running and honours published.
pub async fn public_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PublicQuery>,
) -> WebResult {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let rows = state.store.public_campaigns(100).await?;
    let labels = category_labels(&state, lang).await?;
    let item = |p: &jinguo_store::honours::PublicCampaign| {
        context! {
            id => p.id.get(), title => p.title, title_mn => p.title_mn, year => p.year,
            issuer => p.issuer.name,
            category => labels.get(&p.category).cloned().unwrap_or_else(|| p.category.clone()),
            notice_end => p.notice_end.map(fmt), published_on => p.published_on.map(fmt),
        }
    };
    let notices: Vec<_> = rows
        .iter()
        .filter(|p| p.status == CampaignStatus::Notice)
        .map(item)
        .collect();
    let published: Vec<_> = rows
        .iter()
        .filter(|p| p.status == CampaignStatus::Published)
        .map(item)
        .collect();
    Ok(state.templates.render(
        "honours/public_list.html",
        lang,
        None,
        context! { notices, published, lang_links => lang_links("/public/honours") },
    ))
}

/// Objection typed on the page, kept when it comes back with errors.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ObjectionForm {
    lang: Option<String>,
    nomination_id: String,
    text: String,
    contact: String,
    challenge: String,
    nonce: Option<String>,
    answer: Option<String>,
    website: Option<String>,
}

async fn public_page(
    state: &AppState,
    lang: Lang,
    id: CampaignId,
    typed: &ObjectionForm,
    errors: &[FieldError],
    done: bool,
) -> WebResult {
    let p = state.store.public_campaign(id).await?;
    let labels = category_labels(state, lang).await?;
    let running = p.status == CampaignStatus::Notice
        && p.notice_start.zip(p.notice_end).is_some_and(|(s, e)| {
            jinguo_domain::honour::notice_running(today(&state.config), s, e)
        });
    let (challenge, sum) = if running {
        let ch = state.help.challenges.issue(now());
        let sum = state.help.challenges.question(&ch);
        (Some(ch), sum)
    } else {
        (None, None)
    };
    let entries: Vec<_> = p
        .entries
        .iter()
        .map(|e| {
            context! {
                id => e.nomination_id.get(), name => e.display_name,
                name_mn => e.display_name_mn, members => e.members,
                employer => e.employer, story => e.story, place => e.place.join(" · "),
                certificate => (e.status == NominationStatus::Honoured)
                    .then(|| super::api::certificate_url(p.id, e.nomination_id)),
            }
        })
        .collect();
    let errors = error_map(errors);
    let mut resp = state.templates.render(
        "honours/public_show.html",
        lang,
        None,
        context! {
            id => p.id.get(), title => p.title, title_mn => p.title_mn, year => p.year,
            issuer => p.issuer.name,
            category => labels.get(&p.category).cloned().unwrap_or_else(|| p.category.clone()),
            subject => subject_key(p.subject),
            status => p.status.as_str(),
            notice_start => p.notice_start.map(fmt), notice_end => p.notice_end.map(fmt),
            published_on => p.published_on.map(fmt),
            entries, running, challenge, bits => state.config.help.pow_bits,
            sum_a => sum.map(|s| s.0), sum_b => sum.map(|s| s.1),
            typed, errors, done,
            lang_links => lang_links(&format!("/public/honours/{}", p.id.get())),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /public/honours/{id}`: the notice (with the objection form while
/// it runs) or the honours list.
pub async fn public_show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PublicQuery>,
) -> WebResult {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let id = CampaignId::new(parse_id(&id)?);
    public_page(
        &state,
        lang,
        id,
        &ObjectionForm::default(),
        &[],
        q.done.as_deref() == Some("objection"),
    )
    .await
}

/// Checks the help page's challenge: a proof of work (`nonce`) or, without
/// JavaScript, the sum (`answer`). Single use.
pub fn check_challenge(
    state: &AppState,
    challenge: &str,
    nonce: Option<&str>,
    answer: Option<&str>,
) -> Result<(), FieldError> {
    if challenge.trim().is_empty() {
        return Err(FieldError::new("challenge", "help.err.no_challenge"));
    }
    let proof = match (nonce, answer) {
        (Some(n), _) if !n.trim().is_empty() => Proof::Work(n.trim()),
        (_, Some(a)) if !a.trim().is_empty() => Proof::Sum(a),
        _ => Proof::Work(""),
    };
    let is_sum = matches!(proof, Proof::Sum(_));
    state
        .help
        .challenges
        .accept(challenge.trim(), proof, state.config.help.pow_bits, now())
        .map_err(|r| match r {
            ChallengeRefusal::Invalid => FieldError::new("challenge", "help.err.no_challenge"),
            ChallengeRefusal::Expired | ChallengeRefusal::Used => {
                FieldError::new("challenge", "help.err.expired")
            }
            ChallengeRefusal::WrongAnswer if is_sum => FieldError::new("answer", "help.err.answer"),
            ChallengeRefusal::WrongAnswer => FieldError::new("nonce", "help.err.work"),
        })
}

/// `POST /public/honours/{id}/objections`: the same abuse control as the
/// help page (limits, honeypot, challenge), then the objection.
pub async fn public_object(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: Body,
) -> WebResult {
    let id = CampaignId::new(parse_id(&id)?);
    // A campaign not on notice or published is missing, before anything else.
    state.store.public_campaign(id).await?;
    if !honours::admit_public_submission(&state, ip.as_deref()).await {
        return Ok(crate::help::submit::too_many());
    }
    let Ok(bytes) = to_bytes(body, crate::help::submit::MAX_BODY).await else {
        return Ok(crate::help::submit::too_large());
    };
    let f: ObjectionForm = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| AppError::Invalid(FieldError::new("request", "help.err.malformed")))?;
    let lang = page_lang(f.lang.as_deref(), &headers);
    if f.website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        let e = [FieldError::new("request", "help.err.refused")];
        return public_page(&state, lang, id, &f, &e, false).await;
    }
    // Fields first, so a mistake does not use up the challenge.
    if let Err(e) = jinguo_domain::honour::parse_objection(&f.text, Some(&f.contact)) {
        return public_page(&state, lang, id, &f, &e, false).await;
    }
    if let Err(e) = check_challenge(
        &state,
        &f.challenge,
        f.nonce.as_deref(),
        f.answer.as_deref(),
    ) {
        return public_page(&state, lang, id, &f, &[e], false).await;
    }
    let nomination = f.nomination_id.trim().parse::<i64>().ok();
    match honours::lodge(&state, ip, id, nomination, &f.text, Some(&f.contact)).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/public/honours/{}?lang={}&done=objection",
            id.get(),
            lang.tag()
        ))
        .into_response()),
        Err(AppError::InvalidFields(e)) => public_page(&state, lang, id, &f, &e, false).await,
        Err(AppError::Invalid(e)) => public_page(&state, lang, id, &f, &[e], false).await,
        Err(e) => Err(e),
    }
}

/// A date in Chinese (2026年12月3日) and in Mongolian.
fn zh_date(d: time::Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

fn mn_date(d: time::Date) -> String {
    format!(
        "{} ᠣᠨ ᠤ {} ᠰᠠᠷ᠎ᠠ ᠶᠢᠨ {}",
        d.year(),
        u8::from(d.month()),
        d.day()
    )
}

/// `GET /public/honours/{id}/certificates/{nomination}`: one honour's
/// certificate, A4 landscape, Mongolian (vertical, on the left) first and
/// Chinese on the right, with the issuing unit and the date.
pub async fn certificate(
    State(state): State<AppState>,
    Path((id, nomination)): Path<(String, String)>,
) -> WebResult {
    let id = CampaignId::new(parse_id(&id)?);
    let nomination = NominationId::new(parse_id(&nomination)?);
    let p = state.store.public_campaign(id).await?;
    let e = p
        .entries
        .iter()
        .find(|e| e.nomination_id == nomination && e.status == NominationStatus::Honoured)
        .ok_or(AppError::NotFound)?;
    let published = p.published_on.ok_or(AppError::NotFound)?;
    let dict = state.dictionary(CATEGORIES).await?;
    let entry = dict.iter().find(|d| d.key == p.category);
    let zh_cat = entry.map_or(p.category.clone(), |d| d.label_zh.clone());
    let mn_cat = entry
        .and_then(|d| d.label_mn.clone())
        .unwrap_or_else(|| zh_cat.clone());
    let cat = &state.catalogue;
    let mn = |k: &str| cat.get(Lang::Mn, k).to_owned();
    let zh = |k: &str| cat.get(Lang::Zh, k).to_owned();
    let issuer_mn = p
        .issuer_name_mn
        .clone()
        .unwrap_or_else(|| p.issuer.name.clone());
    let body_key = match p.subject {
        SubjectKind::Family => "honour.cert.body_family",
        SubjectKind::Woman => "honour.cert.body_woman",
        SubjectKind::Collective => "honour.cert.body_collective",
    };
    let subject_zh = zh(body_key);
    // The Mongolian column names the campaign only in Mongolian: with a
    // Mongolian title the full sentence, without one the short form that
    // leaves the title out (a Chinese title in a vertical Mongolian line
    // would not read).
    let mn_body = match &p.title_mn {
        Some(t) => mn(body_key).replace("{title}", t),
        None => mn("honour.cert.body"),
    };
    Ok(state.templates.render(
        "certificate.html",
        Lang::Mn,
        None,
        context! {
            name => e.display_name,
            mn_name => e.display_name_mn,
            place => e.place.join(" "),
            mn_title => mn("honour.cert.title"),
            mn_body => mn_body
                .replace("{year}", &p.year.to_string())
                .replace("{category}", &mn_cat),
            mn_issuer => format!("{issuer_mn} {}", mn("honour.cert.federation")),
            mn_date => mn_date(published),
            zh_title => zh("honour.cert.title"),
            zh_body => subject_zh
                .replace("{year}", &p.year.to_string())
                .replace("{title}", &p.title)
                .replace("{category}", &zh_cat),
            zh_closing => zh("honour.cert.closing"),
            zh_issuer => format!("{}{}", p.issuer.name, zh("honour.cert.federation")),
            zh_date => zh_date(published),
            print_label => zh("honour.cert.back"),
            back => format!("/public/honours/{}", p.id.get()),
        },
    ))
}

/// `GET /public/honours/style.css`: the notice's and the certificate's
/// styles (a module's own asset; the shared ones are a fixed list).
pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("honours.css"),
    )
        .into_response()
}
