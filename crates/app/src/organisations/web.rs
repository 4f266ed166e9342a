//! Organisation pages: a unit's organisations with the overdue-term
//! notices addressed to it, an organisation with its committee and
//! elections, the phone-sized forms to create one and to record an
//! election, and the coverage page with drill-down and Excel export.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jinguo_domain::organisation::{
    AgeBand, CommitteeRole, Education, ElectionDraft, Ethnicity, MemberDraft, OrgDraft, OrgKind,
    Political, SectorField, TERM_YEARS_DEFAULT,
};
use jinguo_domain::{Capability, FieldError};
use jinguo_store::model::{Page, Unit};
use jinguo_store::organisations::{OrgCounts, Organisation};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::organisations::api::day;
use crate::organisations::{self, parse_id};
use crate::paging::PageNo;
use crate::render::WebResult;
use crate::routes::web::{Pairs, all, first, unit_of};
use crate::state::{AppState, today};
use crate::xlsx::download;
use crate::xlsx::export::{Table, TableRow, write_tables};

/// Member rows a form offers without JavaScript; blank rows are skipped.
const MEMBER_ROWS: usize = 7;

#[derive(Serialize)]
struct OrgRow<'a> {
    id: i64,
    name: &'a str,
    unit_code: &'a str,
    unit_name: &'a str,
    kind: &'static str,
    field: Option<&'static str>,
    established_on: String,
    term_start: String,
    due: String,
    overdue: bool,
    members: i64,
    complete: bool,
}

fn org_row(o: &Organisation, today: time::Date) -> OrgRow<'_> {
    OrgRow {
        id: o.id.get(),
        name: &o.fields.name,
        unit_code: o.unit.code.as_str(),
        unit_name: &o.unit.name,
        kind: o.fields.kind.as_str(),
        field: o.fields.field.map(SectorField::as_str),
        established_on: day(o.fields.established_on),
        term_start: day(o.term.start()),
        due: day(o.term.due()),
        overdue: o.term.overdue(today),
        members: o.members,
        complete: o.complete,
    }
}

/// Breadcrumbs from the actor's own unit down to `unit`.
async fn crumbs(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
) -> Result<Vec<jinguo_store::model::UnitRef>, AppError> {
    Ok(state
        .store
        .path(unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect())
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    overdue: Option<String>,
    page: Option<i64>,
}

/// `GET /organisations?unit=&overdue=`: the unit's own organisation, the
/// overdue-term notices addressed to it, and the organisations below.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let today = today(&state.config);
    let overdue = q.overdue.as_deref() == Some("1");
    let page_no = PageNo::new(q.page);
    let rows = state
        .store
        .organisations_under(
            actor.scope(),
            &unit,
            overdue.then_some(today),
            page_no.query(),
        )
        .await?;
    let (rows, has_next) = page_no.split(rows);
    let own = state
        .store
        .organisation_of_unit(actor.scope(), &unit)
        .await?;
    let notices: Vec<_> = state
        .store
        .term_notices(actor.scope(), &unit, Page::new(20, 0))
        .await?
        .into_iter()
        .map(|n| {
            context! {
                organisation => n.organisation.get(),
                name => n.organisation_name,
                unit_name => n.unit.name,
                due => day(n.due),
                still_overdue => n.still_overdue,
            }
        })
        .collect();
    let crumbs = crumbs(&state, &actor, &unit).await?;
    Ok(state.templates.render(
        "organisations/list.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, page_no, has_next, overdue, notices,
            own => own.as_ref().map(|o| org_row(o, today)),
            rows => rows.iter().map(|o| org_row(o, today)).collect::<Vec<_>>(),
            can_record => actor.can(Capability::RecordWork),
            can_figures => actor.can(Capability::ReadFigures),
        },
    ))
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// `GET /organisations/{id}`: the organisation, its current committee (to
/// those who may read personal data) and its elections.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    let o = state
        .store
        .organisation_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let today = today(&state.config);
    let committee = if actor.can(Capability::ReadPersonal) {
        Some(state.store.committee(&o).await?)
    } else {
        None
    };
    let elections: Vec<_> = state
        .store
        .elections(&o)
        .await?
        .iter()
        .map(|e| {
            context! {
                held_on => day(e.held_on), term_years => e.term_years,
                due => day(e.next_election_due), note => e.note, first => e.first,
                members => e.members,
            }
        })
        .collect();
    let done = q
        .done
        .filter(|d| ["created", "elected"].contains(&d.as_str()));
    Ok(state.templates.render(
        "organisations/show.html",
        lang,
        Some(&actor),
        context! {
            org => org_row(&o, today), committee, elections, done,
            term_years => o.term.years(),
            can_record => actor.can(Capability::RecordWork),
        },
    ))
}

/// One member row of a form, as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct MemberRow {
    role: String,
    name: String,
    sex: String,
    ethnicity: String,
    birth_year: String,
    education: String,
    political: String,
    phone: String,
    full_time: String,
    on_village_committee: String,
}

impl MemberRow {
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.birth_year.trim().is_empty()
            && self.phone.trim().is_empty()
    }

    fn draft(&self) -> MemberDraft {
        MemberDraft {
            role: self.role.clone(),
            name: self.name.clone(),
            sex: self.sex.clone(),
            ethnicity: self.ethnicity.clone(),
            // Not a number is out of range, which the rule reports.
            birth_year: match self.birth_year.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(0)),
            },
            education: self.education.clone(),
            political: self.political.clone(),
            phone: Some(self.phone.clone()),
            full_time: self.full_time == "1",
            on_village_committee: self.on_village_committee == "1",
        }
    }
}

fn member_rows(p: &Pairs) -> Vec<MemberRow> {
    let cols = [
        "m_role",
        "m_name",
        "m_sex",
        "m_ethnicity",
        "m_birth_year",
        "m_education",
        "m_political",
        "m_phone",
        "m_full_time",
        "m_on_village_committee",
    ]
    .map(|c| all(p, c));
    let n = cols.iter().map(Vec::len).max().unwrap_or(0);
    let at = |c: usize, i: usize| cols[c].get(i).cloned().unwrap_or_default();
    (0..n)
        .map(|i| MemberRow {
            role: at(0, i),
            name: at(1, i),
            sex: at(2, i),
            ethnicity: at(3, i),
            birth_year: at(4, i),
            education: at(5, i),
            political: at(6, i),
            phone: at(7, i),
            full_time: at(8, i),
            on_village_committee: at(9, i),
        })
        .filter(|m| !m.is_blank())
        .collect()
}

/// Blank rows up to the form's size, the first a chair.
fn padded(mut rows: Vec<MemberRow>) -> Vec<MemberRow> {
    while rows.len() < MEMBER_ROWS {
        let role = if rows.is_empty() { "chair" } else { "member" };
        rows.push(MemberRow {
            role: role.into(),
            sex: "F".into(),
            ..Default::default()
        });
    }
    rows
}

/// The choices every member row offers.
fn choices() -> minijinja::Value {
    let keys = |all: Vec<&'static str>| all;
    context! {
        roles => keys(CommitteeRole::ALL.iter().map(|k| k.as_str()).collect()),
        ethnicities => keys(Ethnicity::ALL.iter().map(|k| k.as_str()).collect()),
        educations => keys(Education::ALL.iter().map(|k| k.as_str()).collect()),
        politicals => keys(Political::ALL.iter().map(|k| k.as_str()).collect()),
        kinds => keys(OrgKind::ALL.iter().map(|k| k.as_str()).collect()),
        fields => keys(SectorField::ALL.iter().map(|k| k.as_str()).collect()),
    }
}

fn error_map(errors: &[FieldError]) -> BTreeMap<&str, &str> {
    errors.iter().map(|e| (e.field.as_ref(), e.key)).collect()
}

/// The organisation form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct OrgForm {
    unit_code: String,
    name: String,
    kind: String,
    field: String,
    established_on: String,
    term_start: String,
    term_years: String,
    next_election_due: String,
}

impl OrgForm {
    fn from_pairs(p: &Pairs) -> Self {
        OrgForm {
            unit_code: first(p, "unit_code"),
            name: first(p, "name"),
            kind: first(p, "kind"),
            field: first(p, "field"),
            established_on: first(p, "established_on"),
            term_start: first(p, "term_start"),
            term_years: first(p, "term_years"),
            next_election_due: first(p, "next_election_due"),
        }
    }
}

fn years(s: &str) -> Option<i64> {
    match s.trim() {
        "" => None,
        s => Some(s.parse().unwrap_or(0)),
    }
}

fn optional(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.trim().is_empty())
}

async fn org_form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &OrgForm,
    members: Vec<MemberRow>,
    errors: &[FieldError],
) -> WebResult {
    let mut resp = state.templates.render(
        "organisations/form.html",
        lang,
        Some(actor),
        context! {
            form, choices => choices(),
            members => padded(members),
            errors => error_map(errors),
            unit_choices => crate::units::picker(state, actor, &form.unit_code).await?,
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
}

/// `GET /organisations/new?unit=`: the unit named (or her own) filled in,
/// with the usual kind and name for it.
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = OrgForm {
        unit_code: unit.code.to_string(),
        name: format!("{}妇联", unit.name),
        kind: OrgKind::default_for(unit.level, unit.kind).as_str().into(),
        term_years: TERM_YEARS_DEFAULT.to_string(),
        ..Default::default()
    };
    org_form_page(&state, &actor, lang, &form, Vec::new(), &[]).await
}

/// `POST /organisations`.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(pairs): axum::Form<Pairs>,
) -> WebResult {
    let form = OrgForm::from_pairs(&pairs);
    let rows = member_rows(&pairs);
    let draft = OrgDraft {
        name: form.name.clone(),
        kind: form.kind.clone(),
        field: optional(&form.field),
        established_on: form.established_on.clone(),
        term_start: form.term_start.clone(),
        term_years: years(&form.term_years),
        next_election_due: optional(&form.next_election_due),
        members: rows.iter().map(MemberRow::draft).collect(),
    };
    match organisations::create(&state, &actor, ip, &form.unit_code, &draft).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/organisations/{}?done=created", id.get())).into_response())
        }
        Err(AppError::InvalidFields(errors)) => {
            org_form_page(&state, &actor, lang, &form, rows, &errors).await
        }
        Err(e) => Err(e),
    }
}

/// The election form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct ElectionForm {
    held_on: String,
    term_years: String,
    next_election_due: String,
    note: String,
}

async fn election_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    org: &Organisation,
    form: &ElectionForm,
    members: Vec<MemberRow>,
    errors: &[FieldError],
) -> WebResult {
    let mut resp = state.templates.render(
        "organisations/election.html",
        lang,
        Some(actor),
        context! {
            form, choices => choices(),
            org => org_row(org, today(&state.config)),
            members => padded(members),
            errors => error_map(errors),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /organisations/{id}/election`: the form for the next election.
pub async fn election_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
) -> WebResult {
    let o = state
        .store
        .organisation_in_scope(actor.scope(), parse_id(&id)?)
        .await?;
    let form = ElectionForm {
        term_years: o.term.years().to_string(),
        ..Default::default()
    };
    election_page(&state, &actor, lang, &o, &form, Vec::new(), &[]).await
}

/// `POST /organisations/{id}/elections`.
pub async fn elect(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Pairs>,
) -> WebResult {
    let id = parse_id(&id)?;
    let form = ElectionForm {
        held_on: first(&pairs, "held_on"),
        term_years: first(&pairs, "term_years"),
        next_election_due: first(&pairs, "next_election_due"),
        note: first(&pairs, "note"),
    };
    let rows = member_rows(&pairs);
    let draft = ElectionDraft {
        held_on: form.held_on.clone(),
        term_years: years(&form.term_years),
        next_election_due: optional(&form.next_election_due),
        note: optional(&form.note),
        members: rows.iter().map(MemberRow::draft).collect(),
    };
    match organisations::elect(&state, &actor, ip, id, &draft).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/organisations/{}?done=elected", id.get())).into_response())
        }
        Err(AppError::InvalidFields(errors)) => {
            let o = state.store.organisation_in_scope(actor.scope(), id).await?;
            election_page(&state, &actor, lang, &o, &form, rows, &errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct CountsView<'a> {
    c: &'a OrgCounts,
    established_pct: Option<f64>,
    chairs_pct: Option<f64>,
}

fn counts_view(c: &OrgCounts) -> CountsView<'_> {
    CountsView {
        c,
        established_pct: c.established_pct(),
        chairs_pct: c.chairs_on_committee_pct(),
    }
}

#[derive(Deserialize)]
pub struct CoverageQuery {
    unit: Option<String>,
}

/// `GET /organisation-coverage?unit=`: a unit's figures and each child's,
/// each child a link one level down.
pub async fn coverage(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<CoverageQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let cov = state
        .store
        .organisation_coverage(actor.scope(), &unit, today(&state.config))
        .await?;
    let children: Vec<_> = cov
        .children
        .iter()
        .map(|(u, c)| context! { unit => u, counts => counts_view(c) })
        .collect();
    let crumbs = crumbs(&state, &actor, &unit).await?;
    Ok(state.templates.render(
        "organisations/coverage.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, children,
            counts => counts_view(&cov.counts),
            ethnicities => Ethnicity::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            educations => Education::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            bands => AgeBand::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            fields => SectorField::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            can_records => actor.can(Capability::ReadRecords),
        },
    ))
}

fn pct_text(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p}%"))
}

/// `GET /organisation-coverage/export.xlsx?unit=`: the same figures as a
/// workbook, one sheet per table, numbers as numbers.
pub async fn coverage_export(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let cov = state
        .store
        .organisation_coverage(actor.scope(), &unit, today(&state.config))
        .await?;
    let t = |k: &str| state.catalogue.get(lang, k).to_owned();
    let mut lines: Vec<(String, &OrgCounts, bool)> = cov
        .children
        .iter()
        .map(|(u, c)| (u.name.clone(), c, false))
        .collect();
    lines.push((
        format!("{} · {}", unit.name, t("org.total")),
        &cov.counts,
        true,
    ));
    let overview = Table {
        name: t("org.coverage_title"),
        headers: crate::xlsx::bilingual::headings(
            state.catalogue,
            &[
                "unit.name",
                "org.established_pct",
                "org.chairs_pct",
                "org.organisations",
                "org.villages",
                "org.village_organisations",
                "org.sector_organisations",
                "org.complete_committees",
                "org.overdue_terms",
                "org.members",
                "org.full_time_members",
                "org.village_chairs",
                "org.village_chairs_on_committee",
            ],
        ),
        widths: vec![
            22.0, 12.0, 12.0, 10.0, 10.0, 12.0, 12.0, 12.0, 10.0, 10.0, 10.0, 10.0, 12.0,
        ],
        rows: lines
            .iter()
            .map(|(name, c, total)| TableRow {
                texts: vec![
                    name.clone(),
                    pct_text(c.established_pct()),
                    pct_text(c.chairs_on_committee_pct()),
                ],
                numbers: vec![
                    c.organisations,
                    c.villages,
                    c.village_organisations,
                    c.sector_organisations,
                    c.complete_committees,
                    c.overdue_terms,
                    c.members,
                    c.full_time_members,
                    c.village_chairs,
                    c.village_chairs_on_committee,
                ],
                total: *total,
            })
            .collect(),
    };
    let breakdown = |title: &str,
                     prefix: &str,
                     keys: Vec<&'static str>,
                     pick: &dyn Fn(&OrgCounts) -> &BTreeMap<String, i64>| {
        let h = |k: &str| crate::xlsx::bilingual::Heading::of(state.catalogue, k);
        let mut headers = vec![h("unit.name")];
        headers.extend(keys.iter().map(|k| h(&format!("{prefix}.{k}"))));
        Table {
            name: t(title),
            widths: std::iter::once(22.0)
                .chain(keys.iter().map(|_| 10.0))
                .collect(),
            headers,
            rows: lines
                .iter()
                .map(|(name, c, total)| TableRow {
                    texts: vec![name.clone()],
                    numbers: keys
                        .iter()
                        .map(|k| pick(c).get(*k).copied().unwrap_or(0))
                        .collect(),
                    total: *total,
                })
                .collect(),
        }
    };
    let tables = [
        overview,
        breakdown(
            "org.by_ethnicity",
            "org.ethnicity",
            Ethnicity::ALL.iter().map(|k| k.as_str()).collect(),
            &|c| &c.by_ethnicity,
        ),
        breakdown(
            "org.by_age_band",
            "org.age_band",
            AgeBand::ALL.iter().map(|k| k.as_str()).collect(),
            &|c| &c.by_age_band,
        ),
        breakdown(
            "org.by_education",
            "org.education",
            Education::ALL.iter().map(|k| k.as_str()).collect(),
            &|c| &c.by_education,
        ),
        breakdown(
            "org.sectors_by_field",
            "org.field",
            SectorField::ALL.iter().map(|k| k.as_str()).collect(),
            &|c| &c.sectors_by_field,
        ),
    ];
    let title = format!("{} · {}", unit.name, t("org.coverage_title"));
    let bytes = write_tables(&title, &tables)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("organisation workbook: {e}")))?;
    Ok(download(
        bytes,
        &format!("organisations-{}.xlsx", unit.code),
        &format!("{title}.xlsx"),
    ))
}
