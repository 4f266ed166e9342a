//! The office's pages for what was the API's alone: one catalogue row
//! edited (the region), the catalogue's import template, a unit's own
//! targets (stricter only), and the departments of the department
//! reporters. Thin handlers: read the form → the service → the page.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use jinguo_domain::outline::{IndicatorDraft, Outline, UnitKind};
use jinguo_domain::{FieldError, UserId};
use jinguo_store::outlines::DEPARTMENTS;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::{Actor, WebActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::net::ClientIp;
use crate::outlines::{self as svc, import};
use crate::render::WebResult;
use crate::routes::web::unit_of;
use crate::state::AppState;

/// The departments as a select offers them: active ones, and the one a
/// record holds even when retired.
async fn department_choices(
    state: &AppState,
    lang: Lang,
    current: &str,
) -> Result<Vec<minijinja::Value>, AppError> {
    Ok(state
        .dictionary(DEPARTMENTS)
        .await?
        .iter()
        .filter(|e| e.active || e.key == current)
        .map(|e| context! { key => e.key, label => crate::activities::label(e, lang) })
        .collect())
}

fn error_map(errors: &[FieldError]) -> BTreeMap<String, &'static str> {
    errors
        .iter()
        .map(|e| (e.field.to_string(), e.key))
        .collect()
}

fn with_status(mut resp: axum::response::Response, invalid: bool) -> WebResult {
    if invalid {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

// ------------------------------------------------------------ catalogue

/// `GET /outlines/catalogue/template.xlsx`: the import template.
pub async fn template(State(state): State<AppState>, lang: Lang) -> WebResult {
    let departments = state
        .dictionary(DEPARTMENTS)
        .await?
        .iter()
        .filter(|e| e.active)
        .map(|e| e.label_zh.clone())
        .collect();
    let lists = import::TemplateLists { departments };
    let cat = state.catalogue;
    let bytes = tokio::task::spawn_blocking(move || import::template(&lists, cat, lang))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("catalogue template: {e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("catalogue template: {e}")))?;
    Ok(crate::xlsx::download(
        bytes,
        "outline-catalogue-template.xlsx",
        &format!("{}.xlsx", cat.get(lang, "outline.template.title")),
    ))
}

/// The catalogue form as typed (and as shown again with its errors).
#[derive(Deserialize, Serialize, Default)]
pub struct IndicatorForm {
    #[serde(default)]
    outline: String,
    #[serde(default)]
    domain_no: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    levels: Vec<String>,
    #[serde(default)]
    sex_disaggregated: Option<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    jump_percent: String,
    #[serde(default)]
    demo: Option<String>,
}

impl IndicatorForm {
    fn of(i: &jinguo_store::outlines::Indicator) -> Self {
        let s = &i.spec;
        IndicatorForm {
            outline: s.domain.outline.as_str().to_owned(),
            domain_no: s.domain.no.to_string(),
            goal: s.goal.clone(),
            name: s.name.clone(),
            unit: s.unit.as_str().to_owned(),
            numerator: s.numerator.clone().unwrap_or_default(),
            denominator: s.denominator.clone().unwrap_or_default(),
            direction: s.direction.as_str().to_owned(),
            department: s.department.as_str().to_owned(),
            levels: s.levels.iter().map(|l| l.get().to_string()).collect(),
            sex_disaggregated: s.sex_disaggregated.then(|| "1".to_owned()),
            source: s.source.clone().unwrap_or_default(),
            jump_percent: s.jump_percent.to_string(),
            demo: s.demo.then(|| "1".to_owned()),
        }
    }

    /// The draft the catalogue's rules check; a number that is not one is
    /// a field error of its own.
    fn draft(&self, code: &str) -> (IndicatorDraft, Vec<FieldError>) {
        let mut errors = Vec::new();
        let int = |s: &str, field: &'static str, key, errors: &mut Vec<FieldError>| {
            let s = jinguo_domain::halfwidth::halfwidth(s.trim());
            let s = s.trim_end_matches('%');
            if s.is_empty() {
                return None;
            }
            s.parse::<i64>()
                .map_err(|_| errors.push(FieldError::new(field, key)))
                .ok()
        };
        let domain_no = int(
            &self.domain_no,
            "domain_no",
            "err.outline.domain",
            &mut errors,
        );
        let jump_percent = int(
            &self.jump_percent,
            "jump_percent",
            "err.outline.jump_percent",
            &mut errors,
        );
        let draft = IndicatorDraft {
            code: code.to_owned(),
            outline: self.outline.clone(),
            domain_no,
            goal: self.goal.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            numerator: self.numerator.clone(),
            denominator: self.denominator.clone(),
            direction: self.direction.clone(),
            department: self.department.clone(),
            levels: self.levels.join(","),
            sex_disaggregated: self.sex_disaggregated.is_some(),
            source: self.source.clone(),
            jump_percent,
            demo: self.demo.is_some(),
        };
        (draft, errors)
    }
}

/// The row of the current plan period with this code; 404 otherwise.
async fn indicator_by_code(
    state: &AppState,
    code: &str,
) -> Result<jinguo_store::outlines::Indicator, AppError> {
    state
        .store
        .indicators(svc::period(), None)
        .await?
        .into_iter()
        .find(|i| i.spec.code == code)
        .ok_or(AppError::NotFound)
}

async fn indicator_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    code: &str,
    form: &IndicatorForm,
    errors: &[FieldError],
) -> WebResult {
    let resp = state.templates.render(
        "outlines/indicator_form.html",
        lang,
        Some(actor),
        context! {
            code, form, errors => error_map(errors),
            period => svc::period().label(),
            outlines => Outline::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
            domain_nos => (1..=8).collect::<Vec<u8>>(),
            units => UnitKind::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
            directions => ["at_least", "at_most"],
            departments => department_choices(state, lang, &form.department).await?,
        },
    );
    with_status(resp, !errors.is_empty())
}

/// `GET /outlines/catalogue/{code}/edit`: one row of the current plan
/// period's catalogue, for the region's office.
pub async fn edit_indicator(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Path(code): Path<String>,
) -> WebResult {
    let ind = indicator_by_code(&state, &code).await?;
    indicator_page(&state, &actor, lang, &code, &IndicatorForm::of(&ind), &[]).await
}

/// `POST /outlines/catalogue/{code}/edit`: replaces the row within its
/// plan period (the catalogue is kept per period: an earlier period's rows
/// stay as they were); the same rules as the API and the import.
pub async fn update_indicator(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<IndicatorForm>,
) -> WebResult {
    indicator_by_code(&state, &code).await?;
    let (draft, mut errors) = form.draft(&code);
    let specs = match svc::check_catalogue(&state, vec![draft]).await {
        Ok(specs) if errors.is_empty() => specs,
        Ok(_) => Vec::new(),
        Err(es) => {
            errors.extend(es.into_iter().map(|(_, e)| e));
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return indicator_page(&state, &actor, lang, &code, &form, &errors).await;
    }
    match svc::save_catalogue(&state, &actor, ip, &specs).await {
        Ok(_) => Ok(Redirect::to(&format!("/outlines/catalogue?saved={code}")).into_response()),
        Err(AppError::Conflict {
            field: "indicator_reported",
            ..
        }) => {
            let e = FieldError::new("unit", "err.outline.indicator_reported");
            indicator_page(&state, &actor, lang, &code, &form, &[e]).await
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------ targets

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
    done: Option<String>,
}

/// The target form as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct TargetForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    indicator_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    value: String,
}

fn fmt(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) => {
            let s = format!("{v:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    }
}

async fn targets_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    unit: &jinguo_store::model::Unit,
    form: &TargetForm,
    errors: &[FieldError],
    done: bool,
) -> WebResult {
    let p = svc::period();
    let indicators = state.store.indicators(p, None).await?;
    let held = svc::targets_held(state, actor, unit).await?;
    let rows: Vec<_> = indicators
        .iter()
        .map(|i| {
            let at = |y: i32| held.iter().find(|t| t.indicator == i.id && t.year == y);
            let cell = |y: i32| {
                let t = at(y);
                context! {
                    own => fmt(t.and_then(|t| t.own)),
                    inherited => fmt(t.and_then(|t| t.inherited)),
                    effective => fmt(t.and_then(|t| t.effective)),
                    official => t.is_some_and(|t| t.official),
                }
            };
            context! {
                id => i.id.get(), code => i.spec.code, name => i.spec.name, demo => i.spec.demo,
                unit => i.spec.unit.as_str(), direction => i.spec.direction.as_str(),
                midterm => cell(p.midterm()), final_ => cell(p.end()),
            }
        })
        .collect();
    let units: Vec<_> = state
        .store
        .reporting_units(actor.scope(), &actor.unit)
        .await?
        .into_iter()
        .map(|u| context! { code => u.unit.code, name => u.unit.name, level => u.unit.level.get() })
        .collect();
    let resp = state.templates.render(
        "outlines/targets.html",
        lang,
        Some(actor),
        context! {
            unit, units, rows, form, errors => error_map(errors), done,
            years => [p.midterm(), p.end()], period => p.label(),
            settable => unit.level <= jinguo_domain::Level::BANNER,
        },
    );
    with_status(resp, !errors.is_empty())
}

/// `GET /outlines/targets?unit=`: the targets that hold at a unit (its
/// own, inherited, effective) and the form to set its own.
pub async fn targets(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let form = TargetForm {
        unit: unit.code.to_string(),
        year: svc::period().end().to_string(),
        ..TargetForm::default()
    };
    let done = q.done.as_deref() == Some("set");
    targets_page(&state, &actor, lang, &unit, &form, &[], done).await
}

/// `POST /outlines/targets`: sets the unit's own target; a looser one than
/// it inherits is refused with the API's field error on `value`.
pub async fn set_target(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<TargetForm>,
) -> WebResult {
    let unit = unit_of(&state, &actor, Some(&form.unit)).await?;
    let mut errors = Vec::new();
    let indicator = form
        .indicator_id
        .trim()
        .parse::<i64>()
        .map_err(|_| {
            errors.push(FieldError::new(
                "indicator_id",
                "err.outline.indicator_unknown",
            ))
        })
        .ok();
    let year = form
        .year
        .trim()
        .parse::<i64>()
        .map_err(|_| errors.push(FieldError::new("year", "err.outline.target_year")))
        .ok();
    let value = jinguo_domain::halfwidth::halfwidth(form.value.trim());
    let value = value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or(())
        .map_err(|()| errors.push(FieldError::new("value", "err.outline.target_value")))
        .ok();
    let r = match (indicator, year, value) {
        (Some(i), Some(y), Some(v)) if errors.is_empty() => {
            svc::set_target(&state, &actor, ip, unit.code.as_str(), i, y, v).await
        }
        _ => Err(AppError::InvalidFields(Vec::new())),
    };
    match r {
        Ok(()) => Ok(
            Redirect::to(&format!("/outlines/targets?unit={}&done=set", unit.code)).into_response(),
        ),
        Err(AppError::InvalidFields(es)) => {
            errors.extend(es);
            targets_page(&state, &actor, lang, &unit, &form, &errors, false).await
        }
        Err(AppError::Invalid(e)) => {
            let e = if e.field == "unit_code" {
                FieldError::new("unit", e.key)
            } else {
                e
            };
            targets_page(&state, &actor, lang, &unit, &form, &[e], false).await
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------ reporters

async fn reporters_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    unit: &jinguo_store::model::Unit,
    failed: Option<(i64, &FieldError)>,
    done: bool,
) -> WebResult {
    let list = state.store.outline_reporters(actor.scope(), unit).await?;
    let labels = crate::activities::labels(state, DEPARTMENTS, lang).await?;
    let mut rows = Vec::new();
    for r in &list {
        let current = r.department.as_ref().map_or("", |d| d.as_str());
        let error = failed
            .filter(|(id, _)| *id == r.user.get())
            .map(|(_, e)| e.key);
        rows.push(context! {
            id => r.user.get(), username => r.username, unit => r.unit,
            department => current,
            label => labels.get(current).cloned(),
            choices => department_choices(state, lang, current).await?,
            error,
        });
    }
    let resp = state.templates.render(
        "outlines/reporters.html",
        lang,
        Some(actor),
        context! { unit, rows, done },
    );
    with_status(resp, failed.is_some())
}

/// `GET /outlines/reporters?unit=`: the department reporters of the
/// subtree and the department each reports for.
pub async fn reporters(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    Query(q): Query<UnitQuery>,
) -> WebResult {
    let unit = unit_of(&state, &actor, q.unit.as_deref()).await?;
    let done = q.done.as_deref() == Some("assigned");
    reporters_page(&state, &actor, lang, &unit, None, done).await
}

#[derive(Deserialize)]
pub struct ReporterForm {
    #[serde(default)]
    department: String,
    /// The unit whose list the form was on, to go back to.
    #[serde(default)]
    unit: String,
}

/// `POST /outlines/reporters/{id}`: assigns a reporter's department.
pub async fn set_reporter(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ReporterForm>,
) -> WebResult {
    let id = crate::honours::parse_id(&id)?;
    let unit = unit_of(&state, &actor, Some(&f.unit)).await?;
    match svc::assign_department(&state, &actor, ip, UserId::new(id), &f.department).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/outlines/reporters?unit={}&done=assigned",
            unit.code
        ))
        .into_response()),
        Err(AppError::Invalid(e)) => {
            reporters_page(&state, &actor, lang, &unit, Some((id, &e)), false).await
        }
        Err(e) => Err(e),
    }
}
