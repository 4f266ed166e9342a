//! Household pages: the list of a unit's households, recording one (with
//! consent), a household with its members masked, revealing one value with
//! a reason, and recording a visit from the household's page.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::FieldError;
use jinguo_domain::activity::format_date;
use jinguo_domain::household::{
    ConsentInput, ConsentMethod, HouseholdInput, MemberInput, Relation,
};
use jinguo_store::model::{DictKind, HouseholdFilter, HouseholdView, Page, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{Pairs, all, first, unit_of};
use crate::activities;
use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::household_list::HouseholdParams;
use crate::households::{self, VisitInput, parse_household_id};
use crate::i18n::Lang;
use crate::idempotency::{FormRoute, Once, Sent};
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::render::WebResult;
use crate::state::{AppState, today};
use crate::xlsx::export::{Table, TableRow};

/// Member rows the form offers without JavaScript; blank rows are skipped.
const MEMBER_ROWS: usize = 6;

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: households older than this id. Only links carry it,
    /// so a malformed one is no page (404), like a malformed unit code.
    before: Option<String>,
    #[serde(flatten)]
    filter: HouseholdParams,
}

/// Households in one export: a large banner's.
const EXPORT_MAX: i64 = 20_000;

/// The unit, the parsed filters (or the field errors to show beside them).
async fn read(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
) -> Result<(Unit, Result<HouseholdFilter, Vec<FieldError>>), AppError> {
    let unit = unit_of(state, actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let filter = q.filter.parse().map(|f| HouseholdFilter { before, ..f });
    Ok((unit, filter))
}

/// `GET /households`: households of a unit's subtree, searched by member
/// or unit name and by visits, newest first, paged by id.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let (rows, errors) = match filter {
        Ok(f) => (
            state
                .store
                .households_filtered(actor.scope(), &unit, &f, PER_PAGE + 1)
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|r| r.id)).flatten();
    let visits = state
        .store
        .visits_under(actor.scope(), &unit, None, Page::new(10, 0))
        .await?;
    let tags = activities::labels(&state, DictKind::VISIT_TAG, lang).await?;
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    Ok(state.templates.render(
        "households/list.html",
        lang,
        Some(&actor),
        context! {
            unit, rows, next, visits, tags, errors,
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, query => q.filter.query(),
            first_page => q.before.as_deref().unwrap_or("").is_empty(),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
        },
    ))
}

/// `GET /households/export.xlsx`: the same filtered list as a workbook.
/// Names and counts only: no sealed value (address, ID number, phone) is
/// opened for it.
pub async fn export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (unit, filter) = read(&state, &actor, &q).await?;
    let filter = filter.map_err(AppError::InvalidFields)?;
    let rows = state
        .store
        .households_filtered(actor.scope(), &unit, &filter, EXPORT_MAX)
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let table = Table {
        name: t("hh.list"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "lists.hh.number",
                "hh.head",
                "hh.unit",
                "hh.members",
                "hh.last_visit",
            ],
        ),
        widths: vec![10.0, 16.0, 24.0, 10.0, 14.0],
        rows: rows
            .iter()
            .map(|r| TableRow {
                texts: vec![
                    r.id.get().to_string(),
                    r.head.clone(),
                    r.unit_name.clone(),
                    r.members.to_string(),
                    r.last_visit.clone().unwrap_or_default(),
                ],
                numbers: vec![],
                total: false,
            })
            .collect(),
    };
    crate::xlsx::list_download(&unit, &t("hh.list"), "households", table)
}

/// One member row of the form, as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct MemberRow {
    name: String,
    sex: String,
    birth_year: String,
    relation: String,
    ethnicity: String,
    id_number: String,
    phone: String,
    guardian_by: String,
    guardian_method: String,
}

impl MemberRow {
    fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.birth_year,
            &self.ethnicity,
            &self.id_number,
            &self.phone,
            &self.guardian_by,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    fn input(&self, i: usize, errors: &mut Vec<FieldError>) -> MemberInput {
        let birth_year = match self.birth_year.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::named(
                        format!("members[{i}].birth_year"),
                        "err.member.birth_year",
                    ));
                    None
                }
            },
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        MemberInput {
            name: self.name.clone(),
            sex: self.sex.clone(),
            // A typed-but-unparsable year is reported above; the domain
            // then also reports it missing, which says the same thing.
            birth_year,
            relation: self.relation.clone(),
            ethnicity: opt(&self.ethnicity),
            id_number: opt(&self.id_number),
            phone: opt(&self.phone),
            guardian: opt(&self.guardian_by).map(|given_by| ConsentInput {
                given_by,
                method: self.guardian_method.clone(),
            }),
        }
    }
}

/// The household form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct HouseholdForm {
    unit_code: String,
    address: String,
    consent_given_by: String,
    consent_method: String,
    members: Vec<MemberRow>,
    /// Made when the form was rendered, so a repeated submit records once.
    idempotency_key: String,
}

impl HouseholdForm {
    fn from_pairs(p: &Pairs) -> Self {
        let cols = [
            "m_name",
            "m_sex",
            "m_birth_year",
            "m_relation",
            "m_ethnicity",
            "m_id_number",
            "m_phone",
            "m_guardian_by",
            "m_guardian_method",
        ]
        .map(|c| all(p, c));
        let n = cols.iter().map(Vec::len).max().unwrap_or(0);
        let at = |c: usize, i: usize| cols[c].get(i).cloned().unwrap_or_default();
        let members = (0..n)
            .map(|i| MemberRow {
                name: at(0, i),
                sex: at(1, i),
                birth_year: at(2, i),
                relation: at(3, i),
                ethnicity: at(4, i),
                id_number: at(5, i),
                phone: at(6, i),
                guardian_by: at(7, i),
                guardian_method: at(8, i),
            })
            .filter(|m| !m.is_blank())
            .collect();
        HouseholdForm {
            unit_code: first(p, "unit_code"),
            address: first(p, "address"),
            consent_given_by: first(p, "consent_given_by"),
            consent_method: first(p, "consent_method"),
            members,
            idempotency_key: first(p, crate::idempotency::FIELD),
        }
    }

    fn input(&self, errors: &mut Vec<FieldError>) -> HouseholdInput {
        HouseholdInput {
            address: self.address.clone(),
            members: self
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| m.input(i, errors))
                .collect(),
            consent: Some(ConsentInput {
                given_by: self.consent_given_by.clone(),
                method: self.consent_method.clone(),
            }),
        }
    }
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &HouseholdForm,
    errors: &[FieldError],
    status: StatusCode,
) -> WebResult {
    let errors: BTreeMap<String, &str> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key))
        .collect();
    let mut form = form.clone();
    if form.idempotency_key.is_empty() {
        form.idempotency_key = crate::idempotency::new_key();
    }
    let mut members = form.members.clone();
    while members.len() < MEMBER_ROWS {
        members.push(MemberRow::default());
    }
    let mut resp = state.templates.render(
        "households/form.html",
        lang,
        Some(actor),
        context! {
            form, members, errors,
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
            relations => Relation::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            methods => ConsentMethod::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        },
    );
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewQuery {
    unit: Option<String>,
}

/// `GET /households/new`.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = HouseholdForm {
        unit_code: unit.code.to_string(),
        consent_method: "oral".into(),
        ..Default::default()
    };
    form_page(&state, &actor, lang, &form, &[], StatusCode::OK).await
}

/// `POST /households`, once per idempotency key.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    route: FormRoute,
    Form(pairs): Form<Pairs>,
) -> WebResult {
    let once = Once::form(route, &pairs, [])?;
    let form = HouseholdForm::from_pairs(&pairs);
    let mut errors = Vec::new();
    let input = form.input(&mut errors);
    once.run(&state, &actor, |claim| async {
        let result = if errors.is_empty() {
            households::create(&state, &actor, ip, &form.unit_code, &input, claim).await
        } else {
            Err(AppError::InvalidFields(errors))
        };
        match result {
            Ok(id) => {
                Ok(Redirect::to(&format!("/households/{}?done=created", id.get())).into_response())
            }
            Err(AppError::InvalidFields(errors)) => {
                form_page(
                    &state,
                    &actor,
                    lang,
                    &form,
                    &errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(AppError::Invalid(e)) => {
                form_page(
                    &state,
                    &actor,
                    lang,
                    &form,
                    &[e],
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(e) => Err(e),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    dv: Option<String>,
}

/// What the household page shows besides the household: a revealed value,
/// the visit form as typed and its errors.
#[derive(Default, Serialize)]
struct Extra {
    revealed: Option<(i64, String, String)>,
    visit: VisitForm,
    errors: BTreeMap<String, &'static str>,
    done: Option<String>,
    dv: bool,
}

async fn show_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    h: &HouseholdView,
    extra: Extra,
    status: StatusCode,
) -> WebResult {
    let visits = state
        .store
        .visits_under(
            actor.scope(),
            &state
                .units
                .by_code(state.store.as_ref(), &h.unit_code)
                .await?,
            Some(h.id),
            Page::new(50, 0),
        )
        .await?;
    let tags = state.dictionary(DictKind::VISIT_TAG).await?;
    let tag_labels = activities::labels(state, DictKind::VISIT_TAG, lang).await?;
    let tag_options: Vec<_> = tags
        .iter()
        .filter(|e| e.active)
        .map(|e| context! { key => e.key, label => activities::label(e, lang) })
        .collect();
    let mut resp = state.templates.render(
        "households/show.html",
        lang,
        Some(actor),
        context! {
            h, visits, tag_labels, tag_options,
            revealed => extra.revealed,
            visit => VisitForm {
                idempotency_key: Some(extra.visit.idempotency_key.clone())
                    .filter(|k| !k.is_empty())
                    .unwrap_or_else(crate::idempotency::new_key),
                ..extra.visit
            },
            errors => extra.errors,
            done => extra.done,
            dv => extra.dv,
            today => format_date(today(&state.config)),
            can_record => actor.can(jinguo_domain::Capability::RecordWork),
        },
    );
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /households/{id}`.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let id = parse_household_id(&id)?;
    let h = state.store.household_in_scope(actor.scope(), id).await?;
    let extra = Extra {
        done: q
            .done
            .filter(|d| ["created", "visited"].contains(&d.as_str())),
        dv: q.dv.as_deref() == Some("1"),
        ..Extra::default()
    };
    show_page(&state, &actor, lang, &h, extra, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    member: i64,
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

/// `POST /households/{id}/reveal`: the value is shown on this response
/// only, never put in a URL.
pub async fn reveal(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<RevealForm>,
) -> WebResult {
    let id = parse_household_id(&id)?;
    let h = state.store.household_in_scope(actor.scope(), id).await?;
    match households::reveal(&state, &actor, ip, id, f.member, &f.field, &f.reason).await {
        Ok(value) => {
            let extra = Extra {
                revealed: Some((f.member, f.field, value)),
                ..Extra::default()
            };
            let mut resp = show_page(&state, &actor, lang, &h, extra, StatusCode::OK).await?;
            resp.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(resp)
        }
        Err(AppError::Invalid(e)) => {
            let extra = Extra {
                errors: BTreeMap::from([(format!("reveal-{}-{}", f.member, f.field), e.key)]),
                ..Extra::default()
            };
            show_page(
                &state,
                &actor,
                lang,
                &h,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The visit form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct VisitForm {
    date: String,
    visitors: String,
    notes: String,
    tags: Vec<String>,
    /// Made when the form was rendered, so a repeated submit records once.
    idempotency_key: String,
    /// When the visit was recorded on the phone, filled by the page's script.
    made_at: String,
}

/// `POST /households/{id}/visits`, once per idempotency key.
pub async fn create_visit(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    route: FormRoute,
    Form(pairs): Form<Pairs>,
) -> WebResult {
    let id = parse_household_id(&id)?;
    let h = state.store.household_in_scope(actor.scope(), id).await?;
    let once = Once::form(route, &pairs, [])?;
    let form = VisitForm {
        date: first(&pairs, "date"),
        visitors: first(&pairs, "visitors"),
        notes: first(&pairs, "notes"),
        tags: all(&pairs, "tags"),
        idempotency_key: first(&pairs, crate::idempotency::FIELD),
        made_at: first(&pairs, "made_at"),
    };
    // The phone's clock is nobody's to correct on this form: a time it
    // got wrong is left out, and the visit still arrives.
    let made_at = Sent::from_form(None, &form.made_at).made_at;
    let input = VisitInput {
        household_id: Some(id.get()),
        date: form.date.clone(),
        visitors: form.visitors.clone(),
        notes: Some(form.notes.clone()),
        tags: form.tags.clone(),
        made_at,
    };
    once.run(&state, &actor, |claim| async {
        match households::create_visit(&state, &actor, ip, &input, claim).await {
            Ok((_, dv)) => Ok(Redirect::to(&format!(
                // `#done`: the notice at the top, not the `#visit` form the
                // browser would otherwise carry over from the form's action.
                "/households/{}?done=visited{}#done",
                id.get(),
                if dv { "&dv=1" } else { "" }
            ))
            .into_response()),
            Err(AppError::InvalidFields(errors)) => {
                let extra = Extra {
                    visit: form,
                    errors: errors
                        .iter()
                        .map(|e| (e.field.to_string(), e.key))
                        .collect(),
                    ..Extra::default()
                };
                show_page(
                    &state,
                    &actor,
                    lang,
                    &h,
                    extra,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(e) => Err(e),
        }
    })
    .await
}
