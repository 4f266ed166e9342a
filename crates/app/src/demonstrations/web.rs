//! Demonstration-site pages: the list of a unit's subtree with its counts
//! per child (and, for the region and a league, a schematic map of them),
//! the form to designate a site with its score sheet, and a designation's
//! page with its evaluations, the evaluation form and revocation.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::demonstration::{
    self as rules, DesignationDraft, EvaluationDraft, ItemDraft, SiteKind, Standing, Status,
};
use jinguo_domain::{FieldError, Level};
use jinguo_store::demonstrations::{DemoCounts, Demonstration, DemonstrationFilter};
use jinguo_store::model::{Page, Unit};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::{Actor, WebActor};
use crate::demonstrations::list::DemoParams;
use crate::demonstrations::{self, DesignationInput, parse_id};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::map;
use crate::net::ClientIp;
use crate::paging::PER_PAGE;
use crate::render::WebResult;
use crate::routes::web::unit_of;
use crate::state::{AppState, today};

fn fmt(d: time::Date) -> String {
    jinguo_domain::activity::format_date(d)
}

/// Rows of the score-sheet form: enough for any sheet the demo uses, and
/// blank rows are dropped.
const FORM_ITEMS: usize = 8;

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    /// Keyset paging: designations older than this id. Only links carry
    /// it, so a malformed one is no page (404).
    before: Option<String>,
    #[serde(flatten)]
    filter: DemoParams,
}

#[derive(Serialize)]
struct CountsView {
    total: i64,
    /// `[region, league, banner]` × `[organisation, home]`.
    by_level: Vec<(i64, i64)>,
}

impl From<&DemoCounts> for CountsView {
    fn from(c: &DemoCounts) -> Self {
        CountsView {
            total: c.total(),
            by_level: (1..=3)
                .map(|l| (c.get(l, SiteKind::Organisation), c.get(l, SiteKind::Home)))
                .collect(),
        }
    }
}

fn row_view(d: &Demonstration, today: time::Date) -> minijinja::Value {
    context! {
        id => d.id.get(), site => d.site_name, kind => d.site.kind.as_str(),
        site_unit => d.site_unit.name, designator => d.designator.name,
        level => rules::level_name(d.level).unwrap_or("banner"),
        from => fmt(d.from), to => fmt(d.to),
        status => d.status(today).as_str(),
        latest => d.latest.map(|(y, t)| context! { year => y, total => t }),
    }
}

/// `GET /demonstrations?unit=`: the counts of a unit and its children, a
/// schematic map of them (region and leagues), and the designations of
/// sites in its subtree, filtered and paged by id.
pub async fn list(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let today = today(&state.config);
    let (rows, errors) = match q.filter.parse() {
        Ok(f) => (
            state
                .store
                .demonstrations_filtered(
                    actor.scope(),
                    &unit,
                    &DemonstrationFilter { before, ..f },
                    today,
                    Page::new(PER_PAGE + 1, 0),
                )
                .await?,
            vec![],
        ),
        Err(errors) => (vec![], errors),
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows: Vec<_> = rows.into_iter().take(PER_PAGE as usize).collect();
    let next = has_next.then(|| rows.last().map(|r| r.id.get())).flatten();
    let errors: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e.field.to_string(), e.key.to_string()))
        .collect();
    let figures = state
        .store
        .demonstration_figures(actor.scope(), &unit)
        .await?;
    let crumbs: Vec<_> = state
        .store
        .path(&unit)
        .await?
        .into_iter()
        .filter(|p| p.level >= actor.unit.level)
        .collect();
    // The schematic map of the region's leagues or a league's banners,
    // shaded by the designations of each child's subtree.
    let map = if unit.level <= Level::LEAGUE {
        let code = unit.code.as_str().to_owned();
        let children: Vec<(String, String, i64)> = figures
            .children
            .iter()
            .map(|(u, c)| (u.code.as_str().to_owned(), u.name.clone(), c.total()))
            .collect();
        tokio::task::spawn_blocking(move || {
            map::map_for(&code).and_then(|shapes| map::choropleth(shapes, &children))
        })
        .await
        .ok()
        .flatten()
    } else {
        None
    };
    let years: Vec<i32> = (2020..=today.year() + 1).rev().collect();
    Ok(state.templates.render(
        "demonstrations/list.html",
        lang,
        Some(&actor),
        context! {
            unit, crumbs, next, errors, map, years,
            counts => CountsView::from(&figures.counts),
            children => figures.children.iter()
                .map(|(u, c)| context! { unit => u, counts => CountsView::from(c) })
                .collect::<Vec<_>>(),
            unit_choices => crate::units::picker(&state, &actor, unit.code.as_str()).await?,
            filter => &q.filter, query => q.filter.query(),
            filtered => !q.filter.query().is_empty(),
            first_page => before.is_none(),
            statuses => Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            kinds => SiteKind::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            can_designate => actor.can(jinguo_domain::Capability::RecordWork)
                && rules::may_designate(actor.unit.level),
            rows => rows.iter().map(|d| row_view(d, today)).collect::<Vec<_>>(),
        },
    ))
}

/// What the designation form shows, kept as typed.
#[derive(Serialize, Default)]
pub struct DesignationForm {
    unit_code: String,
    site: String,
    period_from: String,
    period_to: String,
    reason: String,
    items: Vec<(String, String)>,
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A number field: empty is "not given"; anything else that is not a
/// whole number is out of every range.
fn number(s: &str) -> Option<i64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.parse().unwrap_or(i64::MIN))
}

impl DesignationForm {
    fn of(pairs: &[(String, String)]) -> Self {
        DesignationForm {
            unit_code: field(pairs, "unit_code").to_owned(),
            site: field(pairs, "site").to_owned(),
            period_from: field(pairs, "period_from").to_owned(),
            period_to: field(pairs, "period_to").to_owned(),
            reason: field(pairs, "reason").to_owned(),
            items: (0..FORM_ITEMS)
                .map(|i| {
                    (
                        field(pairs, &format!("item_label_{i}")).to_owned(),
                        field(pairs, &format!("item_weight_{i}")).to_owned(),
                    )
                })
                .collect(),
        }
    }

    fn input(&self) -> DesignationInput {
        let (kind, id) = self.site.split_once(':').unwrap_or(("", ""));
        DesignationInput {
            unit_code: self.unit_code.clone(),
            site_kind: kind.to_owned(),
            site_id: id.trim().parse().ok(),
            draft: DesignationDraft {
                period_from: self.period_from.clone(),
                period_to: self.period_to.clone(),
                reason: self.reason.clone(),
                items: self
                    .items
                    .iter()
                    .map(|(l, w)| ItemDraft {
                        label: l.clone(),
                        weight: number(w),
                    })
                    .collect(),
            },
        }
    }
}

/// Errors by form field: `items[2].weight` is the form's `item_weight_2`.
fn error_map(errors: &[FieldError]) -> BTreeMap<String, &'static str> {
    errors
        .iter()
        .map(|e| {
            let f = e.field.as_ref();
            let name = match f {
                "site_kind" | "site_id" => "site".to_owned(),
                _ => match f.strip_prefix("items[").and_then(|r| r.split_once("].")) {
                    Some((i, part)) => format!("item_{part}_{i}"),
                    None => f.to_owned(),
                },
            };
            (name, e.key)
        })
        .collect()
}

/// The units the actor may designate for: her own (a region, league or
/// banner) and those below it down to the banners.
async fn designators(state: &AppState, actor: &Actor) -> Result<Vec<Unit>, AppError> {
    let mut out = Vec::new();
    if !rules::may_designate(actor.unit.level) {
        return Ok(out);
    }
    let own = state.store.unit_by_id(actor.unit.id).await?;
    let mut queue = vec![own];
    while let Some(u) = queue.pop() {
        if u.level < Level::BANNER {
            let mut kids: Vec<Unit> = state
                .store
                .children(u.id)
                .await?
                .into_iter()
                .filter(|c| c.active && c.level <= Level::BANNER)
                .collect();
            kids.reverse();
            out.push(u);
            queue.extend(kids);
        } else {
            out.push(u);
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
pub struct NewQuery {
    unit: Option<String>,
    q: Option<String>,
}

#[expect(clippy::too_many_arguments, reason = "the form page's parts")]
async fn form_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    designator: Option<&Unit>,
    search: Option<&str>,
    form: &DesignationForm,
    errors: &[FieldError],
    status: axum::http::StatusCode,
) -> WebResult {
    let choices: Vec<_> = designators(state, actor)
        .await?
        .iter()
        .map(|u| context! { code => u.code.as_str(), name => u.name, level => rules::level_name(u.level) })
        .collect();
    let sites: Vec<_> = match designator {
        Some(d) => state
            .store
            .demonstration_sites(actor.scope(), d, search, 500)
            .await?
            .iter()
            .map(|s| {
                context! {
                    value => format!("{}:{}", s.site.kind.as_str(), s.site.id),
                    kind => s.site.kind.as_str(), name => s.name, unit => s.unit_name,
                }
            })
            .collect(),
        None => vec![],
    };
    let errors = error_map(errors);
    let mut resp = state.templates.render(
        "demonstrations/form.html",
        lang,
        Some(actor),
        context! {
            form, errors, choices, sites,
            designator => designator.map(|d| context! {
                code => d.code.as_str(), name => d.name,
                level => rules::level_name(d.level),
            }),
            search => search.unwrap_or(""),
            kinds => SiteKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        },
    );
    *resp.status_mut() = status;
    Ok(resp)
}

/// The designating unit of a form: a region, league or banner of the
/// actor's subtree, else none (the page then asks for one).
async fn designator_of(
    state: &AppState,
    actor: &Actor,
    code: Option<&str>,
) -> Result<Option<Unit>, AppError> {
    let u = match code.filter(|c| !c.trim().is_empty()) {
        Some(c) => unit_of(state, actor, Some(c)).await?,
        None => state.store.unit_by_id(actor.unit.id).await?,
    };
    Ok(rules::may_designate(u.level).then_some(u))
}

/// `GET /demonstrations/new?unit=&q=`: the designation form for a
/// designating unit, its sites to choose from (searched by name).
pub async fn new_form(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<NewQuery>,
) -> WebResult {
    let designator = designator_of(&state, &actor, q.unit.as_deref()).await?;
    let today = today(&state.config);
    let items = [
        ("organisation", "30"),
        ("venue", "30"),
        ("activities", "40"),
    ];
    let item_names: Vec<(String, String)> = items
        .iter()
        .map(|(l, w)| {
            (
                state
                    .catalogue
                    .get(lang, &format!("demo.default_item.{l}"))
                    .to_owned(),
                (*w).to_owned(),
            )
        })
        .chain(std::iter::repeat_with(Default::default))
        .take(FORM_ITEMS)
        .collect();
    let form = DesignationForm {
        unit_code: designator
            .as_ref()
            .map(|d| d.code.to_string())
            .unwrap_or_default(),
        period_from: fmt(today),
        period_to: time::Date::from_calendar_date(today.year() + 2, time::Month::December, 31)
            .map(fmt)
            .unwrap_or_default(),
        items: item_names,
        ..Default::default()
    };
    let search = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    form_page(
        &state,
        &actor,
        lang,
        designator.as_ref(),
        search,
        &form,
        &[],
        axum::http::StatusCode::OK,
    )
    .await
}

/// `POST /demonstrations`.
pub async fn create(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> WebResult {
    let form = DesignationForm::of(&pairs);
    match demonstrations::create(&state, &actor, ip, &form.input()).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/demonstrations/{}?done=designated", id.get())).into_response(),
        ),
        Err(AppError::InvalidFields(errors)) => {
            let designator = designator_of(&state, &actor, Some(&form.unit_code))
                .await
                .ok()
                .flatten();
            form_page(
                &state,
                &actor,
                lang,
                designator.as_ref(),
                None,
                &form,
                &errors,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Invalid(e)) => {
            let designator = designator_of(&state, &actor, Some(&form.unit_code))
                .await
                .ok()
                .flatten();
            form_page(
                &state,
                &actor,
                lang,
                designator.as_ref(),
                None,
                &form,
                &[e],
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

async fn show_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    done: Option<&str>,
    typed: &[(String, String)],
    errors: &[FieldError],
) -> WebResult {
    let d = state
        .store
        .demonstration_in_scope(actor.scope(), parse_id(id)?)
        .await?;
    let evaluations = state.store.evaluations_of(&d).await?;
    let today = today(&state.config);
    let path: Vec<String> = state
        .store
        .path(&state.store.unit_by_id(d.site_unit.id).await?)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    // Only the designating unit or one above it evaluates and revokes.
    let designates = actor.unit.level <= d.level
        && d.ancestors[usize::from(actor.unit.level.get() - 1)] == Some(actor.unit.id);
    let may_act = designates
        && actor.can(jinguo_domain::Capability::RecordWork)
        && d.standing == Standing::Active;
    let years: Vec<i32> = (d.from.year()..=d.to.year().min(today.year()))
        .rev()
        .filter(|y| !evaluations.iter().any(|e| e.year == *y))
        .collect();
    let errors: BTreeMap<String, &'static str> = errors
        .iter()
        .map(|e| {
            let f = e.field.as_ref();
            let name = match f.strip_prefix("scores[") {
                Some(rest) => format!("score_{}", rest.trim_end_matches(']')),
                None => f.to_owned(),
            };
            (name, e.key)
        })
        .collect();
    let done = done.filter(|d| ["designated", "evaluated", "revoked"].contains(d));
    let mut resp = state.templates.render(
        "demonstrations/show.html",
        lang,
        Some(actor),
        context! {
            id => d.id.get(), site => d.site_name, kind => d.site.kind.as_str(),
            site_id => d.site.id, site_path => path.join(" › "),
            designator => d.designator.name,
            level => rules::level_name(d.level).unwrap_or("banner"),
            from => fmt(d.from), to => fmt(d.to), reason => d.reason,
            status => d.status(today).as_str(), revoke_reason => d.revoke_reason,
            items => d.items.iter().map(|i| context! { label => i.label, weight => i.weight }).collect::<Vec<_>>(),
            evaluations => evaluations.iter().map(|e| context! {
                year => e.year, scores => e.scores, total => e.total, note => e.note,
                on => fmt(e.evaluated_on), by => e.evaluated_by,
            }).collect::<Vec<_>>(),
            may_evaluate => may_act && !years.is_empty(),
            may_revoke => may_act,
            years, done, errors,
            typed => typed.iter().cloned().collect::<BTreeMap<String, String>>(),
        },
    );
    if !errors.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /demonstrations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult {
    show_page(&state, &actor, lang, &id, q.done.as_deref(), &[], &[]).await
}

/// `POST /demonstrations/{id}/evaluations`: `year`, `score_0`…, `note`.
pub async fn evaluate(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> WebResult {
    let did = parse_id(&id)?;
    let d = state
        .store
        .demonstration_in_scope(actor.scope(), did)
        .await?;
    let draft = EvaluationDraft {
        year: number(field(&pairs, "year")),
        scores: (0..d.items.len())
            .map(|i| number(field(&pairs, &format!("score_{i}"))))
            .collect(),
        note: Some(field(&pairs, "note").to_owned()).filter(|s| !s.trim().is_empty()),
    };
    match demonstrations::evaluate(&state, &actor, ip, did, &draft).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/demonstrations/{}?done=evaluated", did.get())).into_response(),
        ),
        Err(AppError::InvalidFields(errors)) => {
            show_page(&state, &actor, lang, &id, None, &pairs, &errors).await
        }
        Err(AppError::Invalid(e)) => show_page(&state, &actor, lang, &id, None, &pairs, &[e]).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

/// `POST /demonstrations/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<RevokeForm>,
) -> WebResult {
    let did = parse_id(&id)?;
    match demonstrations::revoke(&state, &actor, ip, did, &f.reason).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/demonstrations/{}?done=revoked", did.get())).into_response(),
        ),
        Err(AppError::InvalidFields(errors)) => {
            let typed = [("reason".to_owned(), f.reason.clone())];
            show_page(&state, &actor, lang, &id, None, &typed, &errors).await
        }
        Err(AppError::Invalid(e)) => {
            let typed = [("reason".to_owned(), f.reason.clone())];
            show_page(&state, &actor, lang, &id, None, &typed, &[e]).await
        }
        Err(e) => Err(e),
    }
}
