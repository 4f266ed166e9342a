//! `jinguo bench http`: the activity ledger's targets as a browser or an API
//! client meets them. The real router is served in process on a fresh data
//! directory holding N generated activities; concurrent clients then load
//! the dashboard page, the JSON roll-up, and submit the web form and the API.
//!
//! A child module of `bench` (declared there with `#[path]`), so it reuses the
//! activity generator, `report` and `verdict` instead of copying them.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jinguo_domain::activity::format_date;
use jinguo_domain::{Month, UnitCode, UnitId};
use jinguo_store::model::NewActivity;
use jinguo_store::{SqlStore, UnitStore};
use rand::SeedableRng;
use rand::rngs::StdRng;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, LOCATION, SET_COOKIE};

use super::{ActivityGen, BANNER_CODE, cpu_secs, mib, proc_status_mib, verdict};
use crate::bench_support::{Stats, report, villages};

const PASSWORD: &str = "Bench-password-1";
/// A region administrator and a banner administrator of the demo accounts.
const REGION_USER: &str = "admin";
const BANNER_USER: &str = "xilinhot";

#[derive(clap::Args)]
pub struct HttpArgs {
    /// Activities to bulk-insert before measuring (the targets are stated
    /// for 10 million; the fill time grows with N).
    #[arg(long, default_value_t = 500_000)]
    activities: u64,
    /// Concurrent clients; each sends its next request as soon as the last
    /// one is answered (no think time).
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Measured requests per read scenario (dashboard, roll-up).
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Measured submissions per write scenario (web form, API).
    #[arg(long, default_value_t = 10_000)]
    submissions: usize,
    /// Activities handed to `import_activities` at a time while filling.
    #[arg(long, default_value_t = 5000)]
    batch: usize,
    /// Seed of the random data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Keep the temporary data directory instead of removing it.
    #[arg(long)]
    keep: bool,
    /// An empty database [default: SQLite in the temporary data directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

pub async fn run(a: HttpArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let clients = a.clients.max(1);
    let dir = std::env::temp_dir().join(format!("jinguo-bench-http-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p = crate::demo::prepare(
        &dir,
        "127.0.0.1:0".parse()?,
        Some(PASSWORD),
        a.database.as_deref(),
    )
    .await?;
    println!(
        "database: {}",
        jinguo_app::config::redact_url(&p.state.config.database_url)
    );
    let addr = p.listener.local_addr()?;
    let today = jinguo_app::state::today(&p.state.config);
    let store = p.store.clone();

    let villages = villages(&store).await?;
    let codes: HashMap<UnitId, UnitCode> =
        villages.iter().map(|v| (v.id, v.code.clone())).collect();
    let mut generator = ActivityGen {
        rng: StdRng::seed_from_u64(a.seed),
        villages,
    };
    fill(&store, &mut generator, a.activities, a.batch.max(1)).await?;
    let before = store.activity_count().await?;

    let server = tokio::spawn(jinguo_app::serve_on(p.listener, p.state));
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(clients)
        .build()?;
    let region_web = web_login(&client, &base, REGION_USER).await?;
    let banner_web = web_login(&client, &base, BANNER_USER).await?;
    let region_api = api_login(&client, &base, REGION_USER).await?;
    let banner_api = api_login(&client, &base, BANNER_USER).await?;
    let region_code = store.root_unit().await?.code;
    println!(
        "server at {base}, {clients} concurrent clients, RSS {}",
        mib("VmRSS")
    );

    // Reads: the dashboard page (default period, then the twelve months up
    // to this one) and the JSON roll-up, for the region and a banner.
    let this_month = Month::of_date(today);
    let year = format!("from={}&to={this_month}", this_month.minus(11));
    let reads = [
        (
            "dashboard region, default period",
            format!("/dashboard/{region_code}"),
            Auth::Cookie(region_web.cookie.clone()),
        ),
        (
            "dashboard region, one year",
            format!("/dashboard/{region_code}?{year}"),
            Auth::Cookie(region_web.cookie.clone()),
        ),
        (
            "dashboard banner, default period",
            format!("/dashboard/{BANNER_CODE}"),
            Auth::Cookie(banner_web.cookie.clone()),
        ),
        (
            "dashboard banner, one year",
            format!("/dashboard/{BANNER_CODE}?{year}"),
            Auth::Cookie(banner_web.cookie.clone()),
        ),
        (
            "API rollup region, default period",
            format!("/api/v1/units/{region_code}/rollup"),
            Auth::Bearer(region_api.clone()),
        ),
        (
            "API rollup region, one year",
            format!("/api/v1/units/{region_code}/rollup?{year}"),
            Auth::Bearer(region_api.clone()),
        ),
        (
            "API rollup banner, one year",
            format!("/api/v1/units/{BANNER_CODE}/rollup?{year}"),
            Auth::Bearer(banner_api.clone()),
        ),
    ];
    let mut read_results = Vec::new();
    for (label, path, auth) in reads {
        let url = format!("{base}{path}");
        let (client, auth2) = (client.clone(), auth.clone());
        let build: Build = Arc::new(move |_| auth2.apply(client.get(&url)));
        // Warm-up, not counted: first requests open connections and parse
        // the bundled map boundaries once.
        load(clients, clients, build.clone(), StatusCode::OK, None).await;
        let out = load(clients, a.requests, build, StatusCode::OK, None).await;
        let st = out.print(label);
        read_results.push((label, st, out.failures));
    }

    // Writes: form submissions by the region administrator into random
    // villages, dated at most today.
    let mut bodies = Vec::with_capacity(a.submissions * 2);
    for _ in 0..a.submissions * 2 {
        bodies.push(Submission::of(generator.next(), &codes, today));
    }
    let (web_bodies, api_bodies) = bodies.split_at(a.submissions);
    let web_bodies: Arc<Vec<String>> = Arc::new(
        web_bodies
            .iter()
            .map(|s| s.form(&region_web.csrf))
            .collect(),
    );
    let api_bodies: Arc<Vec<String>> = Arc::new(api_bodies.iter().map(Submission::json).collect());
    let url = format!("{base}/activities");
    let (c, cookie) = (client.clone(), region_web.cookie.clone());
    let web: Build = Arc::new(move |i| {
        c.post(&url)
            .header(COOKIE, cookie.as_str())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(web_bodies[i].clone())
    });
    let url = format!("{base}/api/v1/activities");
    let (c, token) = (client.clone(), region_api.clone());
    let api: Build = Arc::new(move |i| {
        c.post(&url)
            .bearer_auth(token.as_str())
            .header(CONTENT_TYPE, "application/json")
            .body(api_bodies[i].clone())
    });
    let web_out = load(
        clients,
        a.submissions,
        web,
        StatusCode::SEE_OTHER,
        Some("/activities?unit="),
    )
    .await;
    let web_st = web_out.print("POST /activities (web form)");
    let api_out = load(clients, a.submissions, api, StatusCode::CREATED, None).await;
    let api_st = api_out.print("POST /api/v1/activities");

    // Every answered submission must be in the ledger, and nothing else.
    let after = store.activity_count().await?;
    let answered = (web_out.times.len() + api_out.times.len()) as i64;
    println!(
        "ledger: {before} activities before, {after} after = {} new for {answered} successful submissions",
        after - before
    );
    anyhow::ensure!(
        after - before == answered,
        "the ledger does not match the successful submissions"
    );
    let peak = proc_status_mib("VmHWM");
    println!(
        "peak RSS of the process (server, clients and fill) {}; RSS now {}",
        mib("VmHWM"),
        mib("VmRSS")
    );
    server.abort();

    println!("verdict:");
    for (label, st, failures) in &read_results {
        verdict(
            label,
            format!("p99 {:.1} ms, {failures} failed", st.p99),
            &format!("p99 ≤ 50 ms under {clients} clients"),
            st.p99 <= 50.0 && *failures == 0,
        );
    }
    for (label, out, st) in [
        ("web form submissions", &web_out, &web_st),
        ("API submissions", &api_out, &api_st),
    ] {
        verdict(
            label,
            format!(
                "{:.0}/s, p50 {:.1} ms, p99 {:.1} ms, {} failed",
                out.rate(),
                st.p50,
                st.p99,
                out.failures
            ),
            "≥ 1000/s, 0 failed",
            out.rate() >= 1000.0 && out.failures == 0,
        );
    }
    if let Some(peak) = peak {
        verdict(
            "peak RSS",
            format!("{peak:.0} MiB"),
            "≤ 300 MB",
            peak * 1048576.0 <= 300e6,
        );
    }
    println!("total: {:.1} s", started.elapsed().as_secs_f64());
    if a.keep {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

async fn fill(
    store: &SqlStore,
    generator: &mut ActivityGen,
    n: u64,
    batch: usize,
) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let now = jinguo_app::state::now();
    // As `bench rollup --ledgers`: one import per banner and year, which
    // fills ten million activities in about a minute.
    for (villages, year, k) in super::ledger_plan(&generator.villages, n) {
        let rows = generator.ledger(villages, year, k);
        let mut batches = rows.chunks(batch).map(<[NewActivity]>::to_vec);
        store.import_activities(&mut batches, now).await?;
    }
    println!(
        "fill: {n} activities over {} villages, 2024-01..2026-12, one import per banner \
         and year, in {:.1} s ({:.0}/s)",
        generator.villages.len(),
        t0.elapsed().as_secs_f64(),
        n as f64 / t0.elapsed().as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// A browser's session: the cookie header and the session's CSRF token.
struct WebSession {
    cookie: String,
    csrf: String,
}

/// The value of a cookie set by a response.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// Logs in through the login page as a browser does: the page's CSRF
/// cookie, the form post, then the session's token from a page's meta tag.
async fn web_login(client: &reqwest::Client, base: &str, user: &str) -> anyhow::Result<WebSession> {
    let page = client.get(format!("{base}/login")).send().await?;
    let pre = set_cookie(page.headers(), "jinguo_csrf")
        .ok_or_else(|| anyhow::anyhow!("no CSRF cookie on the login page"))?;
    let resp = client
        .post(format!("{base}/login"))
        .header(COOKIE, format!("jinguo_csrf={pre}"))
        .form(&[("username", user), ("password", PASSWORD), ("_csrf", &pre)])
        .send()
        .await?;
    anyhow::ensure!(
        resp.status() == StatusCode::SEE_OTHER,
        "web login of {user} answered {}",
        resp.status()
    );
    let session = set_cookie(resp.headers(), "jinguo_session")
        .ok_or_else(|| anyhow::anyhow!("no session cookie after login"))?;
    let cookie = format!("jinguo_session={session}");
    let html = client
        .get(format!("{base}/activities/new"))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    let csrf = html
        .split_once(r#"<meta name="csrf-token" content=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .ok_or_else(|| anyhow::anyhow!("no CSRF token on the form page"))?;
    Ok(WebSession { cookie, csrf })
}

/// A bearer token from `POST /api/v1/session`.
async fn api_login(client: &reqwest::Client, base: &str, user: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({ "username": user, "password": PASSWORD });
    let resp = client
        .post(format!("{base}/api/v1/session"))
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(
        resp.status() == StatusCode::OK,
        "API login of {user} answered {}",
        resp.status()
    );
    let v: serde_json::Value = resp.json().await?;
    v["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no token in the session answer"))
}

#[derive(Clone)]
enum Auth {
    Cookie(String),
    Bearer(String),
}

impl Auth {
    fn apply(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::Cookie(c) => r.header(COOKIE, c.as_str()),
            Auth::Bearer(t) => r.bearer_auth(t),
        }
    }
}

/// One activity as a client submits it.
struct Submission {
    unit_code: String,
    date: String,
    type_key: String,
    program: Option<String>,
    title: String,
    place: Option<String>,
    participants: i64,
    women: i64,
}

impl Submission {
    /// From a generated activity; dates after today (the generator covers
    /// all of 2026) become today, as the form refuses future dates.
    fn of(new: NewActivity, codes: &HashMap<UnitId, UnitCode>, today: time::Date) -> Self {
        let f = new.fields;
        Submission {
            unit_code: codes[&new.unit].as_str().to_owned(),
            date: format_date(f.date.min(today)),
            type_key: f.type_key,
            program: f.program_key,
            title: f.title,
            place: f.place,
            participants: f.participants,
            women: f.women,
        }
    }

    fn form(&self, csrf: &str) -> String {
        let (participants, women) = (self.participants.to_string(), self.women.to_string());
        let fields = [
            ("_csrf", csrf),
            ("unit_code", &self.unit_code),
            ("date", &self.date),
            ("type", &self.type_key),
            ("program", self.program.as_deref().unwrap_or("")),
            ("title", &self.title),
            ("place", self.place.as_deref().unwrap_or("")),
            ("participants", &participants),
            ("women", &women),
        ];
        serde_urlencoded::to_string(fields).expect("strings encode")
    }

    fn json(&self) -> String {
        serde_json::json!({
            "unit_code": self.unit_code,
            "date": self.date,
            "type": self.type_key,
            "program": self.program,
            "title": self.title,
            "place": self.place,
            "participants": self.participants,
            "women": self.women,
        })
        .to_string()
    }
}

/// Builds request `i` of a scenario.
type Build = Arc<dyn Fn(usize) -> reqwest::RequestBuilder + Send + Sync>;

/// What one scenario measured.
struct Outcome {
    times: Vec<Duration>,
    failures: usize,
    first_failure: Option<String>,
    wall: Duration,
    cpu: f64,
}

impl Outcome {
    /// Successful requests per second of wall time.
    fn rate(&self) -> f64 {
        self.times.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn print(&self, label: &str) -> Stats {
        println!(
            "{label}: {} answered in {:.2} s = {:.0}/s, {} failed, process CPU {:.1} s \
             ({:.0} % of one core), RSS {}",
            self.times.len(),
            self.wall.as_secs_f64(),
            self.rate(),
            self.failures,
            self.cpu,
            self.cpu / self.wall.as_secs_f64().max(1e-9) * 100.0,
            mib("VmRSS"),
        );
        if let Some(f) = &self.first_failure {
            println!("  first failure: {f}");
        }
        let mut times = self.times.clone();
        if times.is_empty() {
            times.push(Duration::ZERO);
        }
        report(&format!("  {label}"), &mut times)
    }
}

/// Sends `total` requests from `clients` concurrent clients, each sending
/// its next one when the last is answered, and times each from send to the
/// last byte of the answer. An answer is a success when its status is
/// `expect` (and, for redirects, its `Location` starts with `location`).
async fn load(
    clients: usize,
    total: usize,
    build: Build,
    expect: StatusCode,
    location: Option<&'static str>,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let (t0, c0) = (Instant::now(), cpu_secs());
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (next, build) = (next.clone(), build.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut failures = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let r0 = Instant::now();
                match answer(build(i), expect, location).await {
                    Ok(()) => times.push(r0.elapsed()),
                    Err(e) => failures.push(e),
                }
            }
            (times, failures)
        }));
    }
    let (mut times, mut failures) = (Vec::with_capacity(total), Vec::new());
    for t in tasks {
        match t.await {
            Ok((t, f)) => {
                times.extend(t);
                failures.extend(f);
            }
            Err(e) => failures.push(format!("client task: {e}")),
        }
    }
    Outcome {
        times,
        failures: failures.len(),
        first_failure: failures.into_iter().next(),
        wall: t0.elapsed(),
        cpu: cpu_secs() - c0,
    }
}

async fn answer(
    req: reqwest::RequestBuilder,
    expect: StatusCode,
    location: Option<&str>,
) -> Result<(), String> {
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let loc = resp
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    let loc_ok = location.is_none_or(|want| loc.as_deref().is_some_and(|l| l.starts_with(want)));
    if status == expect && loc_ok {
        Ok(())
    } else {
        Err(format!(
            "{status} {}: {}",
            loc.unwrap_or_default(),
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    }
}
