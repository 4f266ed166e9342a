//! Every route of the server, in one table.
//!
//! The table is the single source of truth: the router is built from it, and
//! the authorization matrix test walks it, so a route cannot exist without
//! an access rule and a place in that test. An API row takes its path,
//! method and OpenAPI operation from the handler's `#[utoipa::path]`
//! (utoipa-axum's `routes!`), so the path is written once and the published
//! document ([`api::openapi::build`]) is assembled from the table.

pub mod api;
mod assets;
pub mod web;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{HttpMethod, Operation, PathItem};
use utoipa::openapi::schema::Schema;
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub use crate::auth::Access;
pub use crate::auth::csrf::Upload;
use jinguo_domain::FieldError;

pub struct RouteDef {
    pub method: Method,
    pub path: String,
    pub access: Access,
    /// A web form that takes files (multipart): the largest body it may
    /// send, and the field error a larger one answers. The CSRF guard reads
    /// the body before the handler, so it must know the limit.
    pub upload: Option<Upload>,
    handler: MethodRouter<AppState>,
    /// API rows: the operation documented beside the handler.
    documented: Option<Documented>,
}

/// An API row's OpenAPI operation and the schemas it refers to.
pub struct Documented {
    pub operation: Operation,
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

impl RouteDef {
    /// The OpenAPI operation and the schemas it names; `None` for web pages.
    pub fn documented(&self) -> Option<&Documented> {
        self.documented.as_ref()
    }

    /// Declares the row a file-upload form: `(largest body, too-large error)`.
    pub fn upload(self, (max_body, too_large): (usize, FieldError)) -> Self {
        RouteDef {
            upload: Some(Upload {
                max_body,
                too_large,
            }),
            ..self
        }
    }
}

/// A web row: path and method written here. A module's `routes()` builds
/// its rows with this and [`a`].
pub fn r(method: Method, path: &str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef {
        method,
        path: path.to_owned(),
        access,
        upload: None,
        handler,
        documented: None,
    }
}

/// An API row: path, method and operation from the handler's
/// `#[utoipa::path]`, one operation per row (one access rule each).
pub fn a(access: Access, (schemas, paths, handler): UtoipaMethodRouter<AppState>) -> RouteDef {
    let mut paths = paths.paths.into_iter();
    let (Some((path, item)), None) = (paths.next(), paths.next()) else {
        panic!("an API row documents exactly one path");
    };
    let (method, operation) = only_operation(item)
        .unwrap_or_else(|| panic!("{path}: an API row documents exactly one operation"));
    RouteDef {
        method,
        path,
        access,
        upload: None,
        handler,
        documented: Some(Documented { operation, schemas }),
    }
}

fn only_operation(item: PathItem) -> Option<(Method, Operation)> {
    let ops = [
        (HttpMethod::Get, item.get),
        (HttpMethod::Put, item.put),
        (HttpMethod::Post, item.post),
        (HttpMethod::Delete, item.delete),
        (HttpMethod::Patch, item.patch),
        (HttpMethod::Head, item.head),
        (HttpMethod::Options, item.options),
        (HttpMethod::Trace, item.trace),
    ];
    let mut found = ops.into_iter().filter_map(|(m, op)| op.map(|op| (m, op)));
    let (method, op) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let method = match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Post => Method::POST,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Trace => Method::TRACE,
    };
    Some((method, op))
}

/// A module of the application (see the README's recipe): its routes, its
/// entries in the side menu, its dictionaries and its demo records.
/// Everything else of a module is found by directory: templates, catalogue
/// files, migrations, tests.
pub struct Module {
    pub routes: fn() -> Vec<RouteDef>,
    pub menu: &'static [MenuItem],
    /// Its dictionaries, which region admins edit on the dictionaries page.
    pub dictionaries: &'static [jinguo_store::model::DictKind],
    /// Fills its demo records (`jinguo demo`), given the system handle.
    pub demo: Option<DemoFill>,
}

/// A module's demo filler: deterministic, and a no-op when its records
/// exist already; returns how many it wrote.
pub type DemoFill = for<'a> fn(
    &'a jinguo_store::SqlStore,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = anyhow::Result<u64>> + Send + 'a>,
>;

/// An entry of the side menu, shown to those who hold `cap` (everyone
/// logged in without one).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct MenuItem {
    /// The menu group it sits at the end of: `work`, `visits` or `org`.
    pub group: &'static str,
    /// The page's `nav` value, which marks the entry current.
    pub nav: &'static str,
    /// Catalogue key of the entry's text.
    pub label: &'static str,
    /// Where it leads; `{unit}` becomes the reader's unit code.
    pub href: &'static str,
    #[serde(skip)]
    pub cap: Option<jinguo_domain::Capability>,
}

/// Every module, one line each.
pub const MODULES: &[Module] = &[
    crate::workbench::MODULE,
    crate::homes::MODULE,
    crate::family_sites::MODULE,
    crate::organisations::MODULE,
    crate::training::MODULE,
    crate::honours::MODULE,
    crate::demonstrations::MODULE,
    crate::outlines::MODULE,
    crate::translations::MODULE,
    crate::offline::MODULE,
];

/// Every dictionary: the shared ones, then each module's.
pub fn dictionaries() -> impl Iterator<Item = jinguo_store::model::DictKind> {
    jinguo_store::model::DictKind::SHARED
        .into_iter()
        .chain(MODULES.iter().flat_map(|m| m.dictionaries.iter().copied()))
}

/// The route table, one line per route: the shared routes, then each
/// module's own.
pub fn table() -> Vec<RouteDef> {
    let mut table = shared();
    for module in MODULES {
        table.extend((module.routes)());
    }
    table
}

#[rustfmt::skip]
fn shared() -> Vec<RouteDef> {
    use Access::*;
    use Method as M;
    use jinguo_domain::Capability as C;
    let users = Can(C::ManageUsers);
    let glass = Can(C::BreakGlass);
    let auditor = Can(C::ReadAudit);
    let recorder = Can(C::RecordWork);
    let intake = Can(C::TakeIntake);
    let case = Can(C::OpenCases);
    let caseworker = Can(C::WorkCases);
    let figures = Can(C::ReadFigures);
    let records = Can(C::ReadRecords);
    let personal = Can(C::ReadPersonal);
    // The bodies of the upload forms.
    let photos = || (crate::photos::MAX_PHOTOS_BODY, crate::photos::check::TOO_LARGE);
    let ledger = || (crate::auth::csrf::MAX_UPLOAD_BODY, FieldError::new("file", "imp.err.too_large"));
    let files = || (crate::attachments::MAX_ATTACHMENTS_BODY, crate::attachments::check::TOO_LARGE);
    vec![
        // JSON API.
        a(Public, routes!(api::session::create)),
        a(LoggedIn, routes!(api::session::destroy)),
        a(LoggedIn, routes!(api::me::show)),
        a(LoggedIn, routes!(api::me::change_password)),
        a(LoggedIn, routes!(api::units::search)),
        a(LoggedIn, routes!(api::units::show)),
        a(LoggedIn, routes!(api::units::children)),
        a(users, routes!(api::units::create_sector)),
        a(figures, routes!(api::rollup::rollup)),
        a(figures, routes!(api::rollup::quiet)),
        a(users, routes!(api::users::list)),
        a(users, routes!(api::users::create)),
        a(users, routes!(api::users::disable)),
        a(users, routes!(api::users::enable)),
        a(users, routes!(api::users::reset_password)),
        a(users, routes!(api::user_edit::update)),
        a(auditor, routes!(api::audit::list)),
        a(LoggedIn, routes!(api::activities::activity_types)),
        a(LoggedIn, routes!(api::activities::programs)),
        a(recorder, routes!(api::activities::create)),
        a(records, routes!(api::activities::list)),
        a(records, routes!(api::activities::show)),
        a(recorder, routes!(api::activities::update)),
        a(recorder, routes!(api::activities::delete)),
        a(recorder, routes!(api::tasks::create)),
        a(records, routes!(api::tasks::list)),
        a(records, routes!(api::tasks::show)),
        a(records, routes!(api::tasks::progress)),
        a(records, routes!(api::tasks::export)),
        a(recorder, routes!(api::tasks::forward)),
        a(records, routes!(api::tasks::report)),
        a(recorder, routes!(api::tasks::answer)),
        a(recorder, routes!(api::tasks::submit)),
        a(recorder, routes!(api::tasks::approve)),
        a(recorder, routes!(api::tasks::send_back)),
        a(recorder, api::task_files::upload_route()),
        a(records, routes!(api::task_files::download)),
        a(LoggedIn, routes!(api::tasks::notices)),
        a(recorder, api::photos::upload_route()),
        a(records, routes!(api::photos::list)),
        a(records, routes!(api::photos::show)),
        a(recorder, routes!(api::photos::delete)),
        a(recorder, routes!(api::households::create)),
        a(personal, routes!(api::households::list)),
        a(personal, routes!(api::households::show)),
        a(recorder, routes!(api::households::reveal)),
        a(recorder, routes!(api::households::create_visit)),
        a(personal, routes!(api::households::list_visits)),
        a(personal, routes!(api::households::show_visit)),
        a(Public, routes!(api::needs::need_categories)),
        a(LoggedIn, routes!(api::needs::visit_tags)),
        a(recorder, routes!(api::needs::create)),
        a(personal, routes!(api::needs::list)),
        a(personal, routes!(api::needs::show)),
        a(recorder, routes!(api::needs::start)),
        a(recorder, routes!(api::needs::escalate)),
        a(recorder, routes!(api::needs::resolve)),
        a(recorder, routes!(api::needs::close)),
        a(figures, routes!(api::needs::deeds)),
        // Case statistics (issue 6): de-identified, for everyone in scope.
        a(figures, routes!(api::case_stats::show)),
        a(Public, routes!(api::openapi::document)),
        a(Public, routes!(api::help::challenge)),
        a(Public, routes!(api::help::create)),
        a(Public, routes!(api::help::status)),
        a(intake, routes!(api::help::intake)),
        // Rights-protection cases: whether a case opens is decided per case
        // (crate::cases::access); anyone else gets 404.
        a(caseworker, routes!(api::cases::create)),
        a(case, routes!(api::cases::list)),
        a(case, routes!(api::cases::alerts)),
        a(case, routes!(api::cases::checklist)),
        a(case, routes!(api::cases::show)),
        a(caseworker, routes!(api::cases::assess)),
        a(caseworker, routes!(api::cases::order)),
        a(caseworker, routes!(api::cases::team)),
        a(glass, routes!(api::cases::glass)),
        a(case, routes!(api::cases::reveal)),
        a(case, routes!(api::cases::access_log)),
        a(LoggedIn, routes!(api::cases::case_types)),
        // Case workflow after intake (issue 6 item 3): 404 unless the
        // caller may open the case (crate::cases::access).
        a(caseworker, routes!(api::case_flow::follow_up)),
        a(caseworker, routes!(api::case_flow::refer)),
        a(caseworker, routes!(api::case_flow::referral)),
        a(caseworker, routes!(api::case_flow::transfer)),
        a(caseworker, routes!(api::case_flow::close)),
        a(caseworker, routes!(api::case_flow::approve_closure)),
        a(caseworker, routes!(api::case_flow::reopen)),
        // Web pages.
        r(M::GET, "/login", Public, get(web::login::form)),
        r(M::POST, "/login", Public, post(web::login::submit)),
        r(M::POST, "/logout", LoggedIn, post(web::login::logout)),
        r(M::GET, "/account/password", LoggedIn, get(web::account::form)),
        r(M::POST, "/account/password", LoggedIn, post(web::account::change)),
        r(M::GET, "/lang", Public, get(web::lang::switch)),
        r(M::GET, "/units/{code}", LoggedIn, get(web::units::show)),
        r(M::GET, "/search", LoggedIn, get(web::units::search)),
        r(M::POST, "/units/{code}/sectors", users, post(web::units::create_sector)),
        r(M::GET, "/dashboard/{code}", figures, get(web::dashboard::show)),
        r(M::GET, "/dashboard/{code}/federations", figures, get(web::dashboard::federations)),
        r(M::GET, "/dashboard/{code}/export.xlsx", figures, get(web::ledger_io::export_dashboard)),
        r(M::GET, "/activities", records, get(web::activities::list)),
        r(M::GET, "/activities/new", recorder, get(web::activities::new_form)),
        r(M::POST, "/activities", recorder, web::activities::create_route()).upload(photos()),
        r(M::GET, "/activities/{id}/edit", recorder, get(web::activities::edit_form)),
        r(M::POST, "/activities/{id}", recorder, web::activities::update_route()).upload(photos()),
        r(M::GET, "/activities/{id}/photos/{photo_id}", records, get(web::activities::photo)),
        r(M::POST, "/activities/{id}/delete", recorder, post(web::activities::delete)),
        r(M::GET, "/activities/export.xlsx", records, get(web::ledger_io::export_ledger)),
        r(M::GET, "/activities/import", recorder, get(web::ledger_io::import_form)),
        r(M::POST, "/activities/import", recorder, web::ledger_io::import_route()).upload(ledger()),
        r(M::GET, "/activities/import/template.xlsx", recorder, get(web::ledger_io::import_template)),
        r(M::GET, "/activities/import/errors/{id}", recorder, get(web::ledger_io::import_errors)),
        r(M::GET, "/tasks", records, get(web::tasks::list)),
        r(M::GET, "/tasks/export.xlsx", records, get(web::tasks::export_list)),
        r(M::GET, "/tasks/new", recorder, get(web::tasks::new_form)),
        r(M::POST, "/tasks", recorder, web::tasks::create_route()).upload(files()),
        r(M::GET, "/tasks/{id}", records, get(web::tasks::show)),
        r(M::GET, "/tasks/{id}/export.xlsx", records, get(web::tasks::export)),
        r(M::GET, "/tasks/{id}/notice", records, get(web::tasks::notice)),
        r(M::GET, "/tasks/{id}/reports/{code}", records, get(web::tasks::report)),
        r(M::POST, "/tasks/{id}/reports/{code}", recorder, post(web::tasks::answer)),
        r(M::POST, "/tasks/{id}/reports/{code}/approve", recorder, post(web::tasks::approve)),
        r(M::POST, "/tasks/{id}/reports/{code}/return", recorder, post(web::tasks::send_back)),
        r(M::POST, "/tasks/{id}/reports/{code}/forward", recorder, post(web::tasks::forward)),
        r(M::POST, "/tasks/{id}/attachments", recorder, web::task_files::upload_route()).upload(files()),
        r(M::GET, "/tasks/{id}/attachments/{attachment_id}", records, get(web::task_files::download)),
        r(M::GET, "/notices", LoggedIn, get(web::tasks::notices)),
        r(M::GET, "/households", personal, get(web::households::list)),
        r(M::GET, "/households/export.xlsx", personal, get(web::households::export)),
        r(M::GET, "/households/new", recorder, get(web::households::new_form)),
        r(M::POST, "/households", recorder, post(web::households::create)),
        r(M::GET, "/households/{id}", personal, get(web::households::show)),
        r(M::POST, "/households/{id}/reveal", recorder, post(web::households::reveal)),
        r(M::POST, "/households/{id}/visits", recorder, post(web::households::create_visit)),
        r(M::GET, "/needs", personal, get(web::needs::list)),
        r(M::GET, "/needs/export.xlsx", personal, get(web::needs::export_list)),
        r(M::GET, "/needs/new", recorder, get(web::needs::new_form)),
        r(M::POST, "/needs", recorder, post(web::needs::create)),
        r(M::GET, "/needs/{id}", personal, get(web::needs::show)),
        r(M::POST, "/needs/{id}/start", recorder, post(web::needs::start)),
        r(M::POST, "/needs/{id}/escalate", recorder, post(web::needs::escalate)),
        r(M::POST, "/needs/{id}/resolve", recorder, post(web::needs::resolve)),
        r(M::POST, "/needs/{id}/close", recorder, post(web::needs::close)),
        r(M::GET, "/deeds/{code}", figures, get(web::needs::deeds)),
        r(M::GET, "/deeds/{code}/export.xlsx", figures, get(web::needs::export)),
        // Case statistics (issue 6): de-identified, for everyone in scope.
        r(M::GET, "/case-stats/{code}", figures, get(web::case_stats::show)),
        r(M::GET, "/case-stats/{code}/case-stats.xlsx", figures, get(web::case_stats::export)),
        // Case pages: as the API, whether a case opens is decided per case.
        r(M::GET, "/cases", case, get(web::cases::list)),
        r(M::GET, "/cases/export.xlsx", case, get(web::cases::export)),
        r(M::POST, "/cases/alerts/read", case, post(web::cases::alerts_read)),
        r(M::GET, "/cases/new", caseworker, get(web::cases::new_form)),
        r(M::POST, "/cases", caseworker, post(web::cases::create)),
        r(M::GET, "/cases/{id}", case, get(web::cases::show)),
        r(M::POST, "/cases/{id}/assess", caseworker, post(web::cases::assess)),
        r(M::POST, "/cases/{id}/orders", caseworker, post(web::cases::order)),
        r(M::POST, "/cases/{id}/team", caseworker, post(web::cases::team)),
        r(M::POST, "/cases/{id}/reveal", case, post(web::cases::reveal)),
        r(M::GET, "/cases/{id}/glass", glass, get(web::cases::glass_form)),
        r(M::POST, "/cases/{id}/glass", glass, post(web::cases::glass)),
        r(M::GET, "/cases/{id}/access-log", case, get(web::cases::access_log)),
        r(M::GET, "/users", users, get(web::users::list)),
        r(M::GET, "/users/export.xlsx", users, get(web::users::export)),
        r(M::GET, "/users/new", users, get(web::users::new_form)),
        r(M::GET, "/users/import", users, get(web::people_io::import_form)),
        r(M::POST, "/users/import", users, web::people_io::import_route()).upload(ledger()),
        r(M::GET, "/users/import/template.xlsx", users, get(web::people_io::import_template)),
        r(M::POST, "/users", users, post(web::users::create)),
        r(M::GET, "/users/{id}/edit", users, get(web::user_edit::form)),
        r(M::POST, "/users/{id}", users, post(web::user_edit::save)),
        r(M::POST, "/users/{id}/disable", users, post(web::users::disable)),
        r(M::POST, "/users/{id}/enable", users, post(web::users::enable)),
        r(M::POST, "/users/{id}/password", users, post(web::users::reset_password)),
        r(M::GET, "/audit", auditor, get(web::audit::list)),
        r(M::GET, "/audit/export.xlsx", auditor, get(web::audit::export)),
        r(M::GET, "/dictionaries", CanAtRegion(C::EditDictionaries), get(web::dictionaries::list)),
        r(M::POST, "/dictionaries/{kind}", CanAtRegion(C::EditDictionaries), post(web::dictionaries::save)),
        r(M::GET, "/help", Public, get(web::help::form)),
        r(M::POST, "/help", Public, post(web::help::submit)),
        r(M::GET, "/help/track", Public, get(web::help::track)),
        r(M::POST, "/help/track", Public, post(web::help::track_post)),
        r(M::GET, "/help-requests", intake, get(web::help::intake)),
        r(M::GET, "/help-requests/{id}", intake, get(web::help::show)),
        r(M::POST, "/help-requests/{id}/status", intake, post(web::help::set_status)),
        // Case workflow forms (cases/flow.html), back to /cases/{id}.
        r(M::POST, "/cases/{id}/follow-ups", caseworker, post(web::case_flow::follow_up)),
        r(M::POST, "/cases/{id}/refer", caseworker, post(web::case_flow::refer)),
        r(M::POST, "/cases/{id}/referrals/{rid}", caseworker, post(web::case_flow::referral)),
        r(M::POST, "/cases/{id}/transfer", caseworker, post(web::case_flow::transfer)),
        r(M::POST, "/cases/{id}/close", caseworker, post(web::case_flow::close)),
        r(M::POST, "/cases/{id}/approve-closure", caseworker, post(web::case_flow::approve_closure)),
        r(M::POST, "/cases/{id}/reopen", caseworker, post(web::case_flow::reopen)),
        r(M::GET, "/static/{file}", Public, get(assets::serve)),
        r(M::GET, "/healthz", Public, get(assets::health)),
    ]
}

/// Builds the application: API routes answer JSON, web routes go through
/// the CSRF guard and render errors as pages.
pub fn router(state: AppState) -> Router {
    let mut api = Router::new();
    let mut web = Router::new();
    for def in table() {
        // The one place access is enforced: each route gets the layer of
        // the requirement declared beside it.
        let handler = def.handler.route_layer(middleware::from_fn_with_state(
            (state.clone(), def.access),
            crate::auth::access::enforce,
        ));
        if def.path.starts_with("/api/") {
            api = api.route(&def.path, handler);
        } else {
            // Outside the access layer, as a router layer would be, but
            // knowing the route's upload limit.
            let handler = handler.route_layer(middleware::from_fn_with_state(
                (state.clone(), def.upload),
                crate::auth::csrf::guard,
            ));
            web = web.route(&def.path, handler);
        }
    }
    api.merge(web)
        .fallback(not_found)
        // Renders every AppError: JSON under /api/, pages elsewhere.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::render::render_errors,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(finish_writes))
        .layer(middleware::from_fn(access_log))
        .layer(middleware::from_fn_with_state(
            Arc::from(state.config.trusted_proxies.as_slice()),
            crate::net::resolve,
        ))
        .with_state(state)
}

/// A write the server has started is finished, and its answer kept for
/// its idempotency key, even when the client goes away meanwhile: a phone
/// that loses the signal, or a page left while its outbox was sending.
/// Otherwise hyper drops the handler where it stands, and a record written
/// just before could leave its key without an answer, so every repeat of
/// it would be told to wait (409) for good. Reads are left cancellable.
async fn finish_writes(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    match tokio::spawn(next.run(req)).await {
        Ok(resp) => resp,
        Err(e) => {
            // A panic in a handler: answered as any internal error is. Its
            // message is not logged: it could quote what was submitted.
            tracing::error!(panicked = e.is_panic(), "a write's handler did not finish");
            axum::response::IntoResponse::into_response(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            )
        }
    }
}

/// One line per request: method, path, status, time. The query string is
/// left out because search text may hold a person's name.
async fn access_log(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    tracing::info!(
        target: "jinguo::access",
        %method,
        path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
    );
    resp
}

/// Unknown paths: a JSON error under `/api/`, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        api::not_found().await.into_response()
    } else {
        web::not_found().await.into_response()
    }
}

/// Headers every response carries: no framing, no sniffing, no referrer
/// leaking unit codes, and a policy that allows only our own assets.
async fn security_headers(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        ),
    );
    resp
}
