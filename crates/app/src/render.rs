//! Server-rendered pages: templates, the reader's language, and web errors.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use minijinja::value::Value;
use minijinja::{Environment, State, context};
use serde::Serialize;
use std::sync::Arc;

use crate::auth::Actor;
use crate::config::Config;
use crate::error::{AppError, ErrorInfo};
use crate::i18n::{Catalogue, Lang};
use crate::state::AppState;

pub const LANG_COOKIE: &str = "jinguo_lang";

/// The reader's language: the cookie set by the language switch, else
/// `Accept-Language`, else Chinese.
impl FromRequestParts<AppState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(lang_of(&parts.headers))
    }
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .and_then(|c| Lang::from_tag(c.value()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::Zh)
}

pub struct Templates {
    env: Environment<'static>,
    unit_names: Arc<crate::unit_names::UnitNamesMn>,
}

/// A name as page content: text, or an upright island when it is written
/// in Mongolian (escaped here, since it is marked safe).
fn island(name: String) -> Value {
    if jinguo_domain::text::in_mongolian_script(&name) {
        Value::from_safe_string(format!(
            "<span class=\"mn-name\">{}</span>",
            minijinja::HtmlEscape(&name)
        ))
    } else {
        Value::from(name)
    }
}

/// What the `uname` filter shows for a value with `code` and `name` (and
/// possibly `name_mn`, which a unit read just now carries and which wins).
fn unit_name_of(names: &crate::unit_names::UnitNamesMn, lang: Lang, unit: &Value) -> String {
    let attr = |key: &str| {
        unit.get_attr(key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .filter(|s| !s.is_empty())
    };
    let name = attr("name").unwrap_or_default();
    if lang != Lang::Mn {
        return name;
    }
    attr("name_mn")
        .or_else(|| attr("code").and_then(|code| names.get(&code)))
        .unwrap_or(name)
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Unix seconds as local date and time: `2026年11月28日 14:05` in Chinese,
/// `2026-11-28 14:05` otherwise.
pub fn datetime(secs: i64, offset_hours: i8, lang: Lang) -> String {
    let offset = time::UtcOffset::from_hms(offset_hours, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(secs) else {
        return String::new();
    };
    let t = t.to_offset(offset);
    match lang {
        Lang::Zh => format!(
            "{}年{}月{}日 {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        _ => format!(
            "{}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
    }
}

fn lang_from_state(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or(Lang::Zh)
}

impl Templates {
    pub fn new(
        cat: &'static Catalogue,
        config: &Config,
        unit_names: Arc<crate::unit_names::UnitNamesMn>,
    ) -> Self {
        let mut env = Environment::new();
        // Every file under templates/, embedded by build.rs and named by its
        // path there ("households/form.html").
        minijinja_embed::load_templates!(&mut env);
        env.add_function("t", move |state: &State, key: &str| -> String {
            cat.get(lang_from_state(state), key).to_owned()
        });
        // A string in a given language whatever the page's, for the headers
        // that carry Mongolian and Chinese side by side; empty when that
        // language has no entry (never another language's text in its place).
        env.add_function("t_in", move |tag: &str, key: &str| -> String {
            Lang::from_tag(tag)
                .filter(|l| cat.has(*l, key))
                .map(|l| cat.get(l, key).to_owned())
                .unwrap_or_default()
        });
        // Units deeper than this have no case statistics (menu and page).
        env.add_global("case_stats_deepest", config.case_stats_deepest_level.get());
        let names = config.level_names.clone();
        env.add_function("level_name", move |level: u8| -> String {
            jinguo_domain::Level::new(level)
                .map(|l| names.name(l).to_owned())
                .unwrap_or_default()
        });
        env.add_filter("num", |n: i64| thousands(n));
        // A unit as the page's language names it: `{{ step|uname }}` for
        // anything with a `code` and a `name` (a unit, a path step, a row),
        // `{{ uname_of(a.unit_code, a.unit_name) }}` for a row that carries
        // the unit as two fields. A Mongolian name comes as an upright
        // island (`span.mn-name`), as every Mongolian label of a cadre page
        // does (docs/mongolian-glossary.md, "Layout"); `uname_text` and
        // `uname_text_of` give the bare text for titles and attributes.
        let names = unit_names.clone();
        env.add_filter("uname", move |state: &State, unit: Value| -> Value {
            island(unit_name_of(&names, lang_from_state(state), &unit))
        });
        let names = unit_names.clone();
        env.add_filter("uname_text", move |state: &State, unit: Value| -> String {
            unit_name_of(&names, lang_from_state(state), &unit)
        });
        let names = unit_names.clone();
        env.add_function(
            "uname_of",
            move |state: &State, code: &str, name: &str| -> Value {
                island(
                    names
                        .name_in(lang_from_state(state), code, name)
                        .into_owned(),
                )
            },
        );
        let names = unit_names.clone();
        env.add_function(
            "uname_text_of",
            move |state: &State, code: &str, name: &str| -> String {
                names
                    .name_in(lang_from_state(state), code, name)
                    .into_owned()
            },
        );
        let offset = config.utc_offset_hours;
        env.add_filter("datetime", move |state: &State, secs: i64| {
            datetime(secs, offset, lang_from_state(state))
        });
        Templates { env, unit_names }
    }

    /// Renders a full page or an htmx fragment with the common context:
    /// language, the actor and her CSRF token.
    pub fn render<S: Serialize>(
        &self,
        name: &str,
        lang: Lang,
        actor: Option<&Actor>,
        ctx: S,
    ) -> Response {
        let me = actor.map(|a| {
            context! {
                username => a.user.username,
                // Her name where she has one: people, not logins.
                display_name => a.user.display_name.as_deref().unwrap_or(&a.user.username),
                unit_code => a.unit.code.as_str(),
                unit_name => self.unit_names.name_in(lang, a.unit.code.as_str(), &a.unit.name),
                unit_level => a.unit.level.get(),
                roles => a.user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                is_admin => a.can(jinguo_domain::Capability::ManageUsers),
                is_auditor => a.can(jinguo_domain::Capability::ReadAudit),
                can_record => a.can(jinguo_domain::Capability::RecordWork),
                is_region_admin => a.can_at_region(jinguo_domain::Capability::EditDictionaries),
                unread => a.unread_notices,
                case_alerts => a.unread_case_alerts,
                // Once, on the first page after logging in (MLPS level 3).
                login_notice => a.login_notice.then(|| context! {
                    at => a.last_login.as_ref().map(|l| l.at),
                    address => a.last_login.as_ref().and_then(|l| l.address.clone()),
                }),
                can_cases => a.can(jinguo_domain::Capability::OpenCases),
                // What her roles allow, by capability name: the menu shows
                // only what she may open.
                can => jinguo_domain::Capability::ALL
                    .iter()
                    .filter(|c| a.can(**c))
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
                // The modules' menu entries she may open.
                module_menu => crate::routes::MODULES
                    .iter()
                    .flat_map(|m| m.menu)
                    .filter(|item| item.cap.is_none_or(|c| a.can(c)))
                    .map(|item| context! {
                        group => item.group,
                        nav => item.nav,
                        label => item.label,
                        href => item.href.replace("{unit}", a.unit.code.as_str()),
                    })
                    .collect::<Vec<_>>(),
            }
        });
        let full = context! {
            lang => lang.tag(),
            langs => Lang::ALL.iter().map(|l| l.tag()).collect::<Vec<_>>(),
            me => me,
            csrf => actor.map(|a| a.csrf.clone()),
            // A page the phone keeps offline says when it was made.
            rendered_at => crate::state::now(),
            ..Value::from_serialize(&ctx)
        };
        match self.env.get_template(name).and_then(|t| t.render(full)) {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                AppError::Internal(anyhow::anyhow!("rendering {name}: {e:#}")).into_response()
            }
        }
    }
}

pub type WebResult = Result<Response, AppError>;

/// An answer no browser or proxy may keep: pages and JSON holding personal
/// data or a session's secrets.
pub fn no_store(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    resp
}

/// Middleware that renders every [`AppError`] response for its reader:
/// JSON under `/api/`, the login page for a visitor without a session, and
/// an error page otherwise — all in the reader's language.
pub async fn render_errors(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = lang_of(req.headers());
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let Some(info) = resp.extensions().get::<ErrorInfo>().cloned() else {
        return resp;
    };
    let (mut parts, _) = resp.into_parts();
    if api {
        let body = axum::Json(info.to_json(state.catalogue, lang)).into_response();
        parts.headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
        return Response::from_parts(parts, body.into_body());
    }
    if info.unauthorized {
        let mut r = Redirect::to("/login").into_response();
        // htmx follows this header instead of swapping in the login page.
        r.headers_mut()
            .insert("HX-Redirect", header::HeaderValue::from_static("/login"));
        return r;
    }
    let mut page = state.templates.render(
        "error.html",
        lang,
        None,
        context! { status => parts.status.as_u16(), message_key => info.key },
    );
    if page.status() == StatusCode::OK {
        *page.status_mut() = parts.status;
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unit picker's search box (shown for long lists) belongs to no
    /// form: inside a list's GET filter form it would send a second `q`
    /// beside the list's own search text, which the query refuses (400).
    #[test]
    fn unit_picker_search_box_sends_nothing_with_the_form() {
        let cat: &'static crate::i18n::Catalogue =
            Box::leak(Box::new(crate::i18n::Catalogue::bundled()));
        let templates = Templates::new(cat, &crate::Config::default(), Default::default());
        let choices = context! {
            options => vec![context! { code => "150000000000", label => "内蒙古自治区" }],
            more => true,
        };
        let html = templates
            .env
            .render_str(
                r#"{% from "macros/units.html" import unit_picker %}<form method="get"><input name="q">{{ unit_picker("U", choices, "150000000000", name="unit") }}</form>"#,
                context! { choices },
            )
            .unwrap();
        assert!(html.contains("id=\"unit-search\""), "{html}");
        let sent = html
            .split("<input")
            .skip(1)
            .map(|s| s.split('>').next().unwrap_or(""))
            .filter(|tag| tag.contains("name=\"q\"") && !tag.contains(" form=\""))
            .count();
        assert_eq!(sent, 1, "{html}");
    }

    #[test]
    fn formats() {
        assert_eq!(thousands(15938), "15,938");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(thousands(999), "999");
        // 2026-11-28 15:50 UTC is 23:50 in Beijing time.
        assert_eq!(datetime(1_795_881_000, 8, Lang::Zh), "2026年11月28日 23:50");
    }
}
