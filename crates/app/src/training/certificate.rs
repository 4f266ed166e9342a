//! The printable certificate of a completed programme: A4 landscape,
//! Mongolian first (vertical, on the left), Chinese on the right, as the
//! honours' certificate is laid out (and with its stylesheet).

use axum::extract::{Path, State};
use jinguo_domain::training::EnrolmentId;
use minijinja::context;

use crate::auth::WebActor;
use crate::i18n::Lang;
use crate::render::WebResult;
use crate::state::AppState;
use crate::training::parse_id;

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

/// `GET /training/enrolments/{id}/certificate`: for a member of the
/// reader's subtree who completed the programme of the enrolment's class
/// (otherwise 404).
pub async fn certificate(
    State(state): State<AppState>,
    WebActor(actor): WebActor,
    Path(id): Path<String>,
) -> WebResult {
    let c = state
        .store
        .certificate(actor.scope(), EnrolmentId::new(parse_id(&id)?))
        .await?;
    let offset = time::UtcOffset::from_hms(state.config.utc_offset_hours, 0, 0)
        .unwrap_or(time::UtcOffset::UTC);
    let on = time::OffsetDateTime::from_unix_timestamp(c.completed_at)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
        .date();
    let cat = &state.catalogue;
    let mn = |k: &str| cat.get(Lang::Mn, k).to_owned();
    let zh = |k: &str| cat.get(Lang::Zh, k).to_owned();
    // The Mongolian column names the programme in Mongolian where a
    // Mongolian title was given, in Chinese otherwise.
    let fill = |s: String, programme: &str| {
        s.replace("{year}", &c.year.to_string())
            .replace("{programme}", programme)
            .replace("{hours}", &c.hours.to_string())
    };
    let programme_mn = c.programme_mn.as_deref().unwrap_or(&c.programme);
    let issuer_mn = c
        .planner_name_mn
        .clone()
        .unwrap_or_else(|| c.planner.name.clone());
    Ok(state.templates.render(
        "certificate.html",
        Lang::Mn,
        None,
        context! {
            name => c.name,
            mn_title => mn("training.cert.title"),
            mn_body => fill(mn("training.cert.body"), programme_mn),
            mn_issuer => format!("{issuer_mn} {}", mn("training.cert.federation")),
            mn_date => mn_date(on),
            zh_title => zh("training.cert.title"),
            zh_body => fill(zh("training.cert.body"), &c.programme),
            zh_closing => zh("training.cert.closing"),
            zh_issuer => format!("{}{}", c.planner.name, zh("training.cert.federation")),
            zh_date => zh_date(on),
            print_label => zh("training.cert.back"),
            back => "/training".to_owned(),
        },
    ))
}
