//! `jinguo bench tasks`: the speed targets of five-level linkage (issue 4),
//! measured against the app served in process over the bundled tree.
//!
//! Issuing a task to every village, the region's progress while many
//! clients hand answers in, and the export of every answer. HTTP goes over
//! plain keep-alive connections, so the figures are the server's and not a
//! client library's.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;

use crate::bench_support::report;
use jinguo_app::auth::{password, token};
use jinguo_domain::{ActivityFields, Level, Password, Roles, Username};
use jinguo_store::model::{NewActivity, NewTask, NewUser, TaskTargets, Unit};
use jinguo_store::{SessionStore, SqlStore, TaskStore, UnitStore, UserStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Args)]
pub struct TasksArgs {
    /// An empty database [default: SQLite in a fresh temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Tasks issued over HTTP, then as many through the store alone.
    #[arg(long, default_value_t = 5)]
    issues: usize,
    /// Concurrent clients answering and submitting.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Activities in the ledger, so bound fields pre-fill real counts.
    #[arg(long, default_value_t = 20_000)]
    activities: usize,
    /// Runs of the export once every village has answered.
    #[arg(long, default_value_t = 3)]
    exports: usize,
    /// Keep the temporary SQLite directory instead of removing it.
    #[arg(long)]
    keep: bool,
    /// Send reads through the main pool too, as before SQLite had its own
    /// read-only pool: to compare the two designs.
    #[arg(long)]
    one_pool: bool,
}

const REGION_CODE: &str = "150000000000";

/// The report form: one field bound to the activity ledger (pre-filled,
/// left out of the answers, so confirmed), two typed by hand.
fn task_body(title: &str, deadline: &str) -> String {
    serde_json::json!({
        "title": title,
        "description": "请各嘎查核实本季度活动次数并填报培训人数",
        "deadline": deadline,
        "issuer_unit": REGION_CODE,
        "target_level": 5,
        "fields": [
            {"key": "songs", "label": "十送活动次数", "type": "integer", "required": true,
             "bound_to": {"metric": "activities", "from": "2026-10", "to": "2026-12"}},
            {"key": "trained", "label": "培训妇女人数", "type": "integer", "required": true,
             "min": 0},
            {"key": "homes_open", "label": "妇女之家是否开放", "type": "bool"}
        ]
    })
    .to_string()
}

pub async fn run(a: TasksArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (store, config, temp_dir) =
        crate::bench_support::empty_store(a.database.as_deref(), "tasks").await?;
    let store = if a.one_pool {
        println!("reads share the main pool (--one-pool)");
        store.sharing_one_pool()
    } else {
        store
    };

    // The tree, the villages, some ledger data.
    let t0 = Instant::now();
    crate::org_cmd::import_bundled(&store).await?;
    let region = store.root_unit().await?;
    let villages = crate::bench_support::villages(&store).await?;
    println!(
        "tree: {} villages, imported in {:.2} s",
        villages.len(),
        t0.elapsed().as_secs_f64()
    );
    seed_activities(&store, &villages, a.activities).await?;

    // Accounts and sessions made in the store: the login itself is
    // `bench login`'s subject, not this one's.
    let hash =
        password::hash(Password::parse("Bench-password-1").map_err(|_| anyhow::anyhow!("policy"))?)
            .await?;
    let (mut tokens, mut user_ids) = (Vec::new(), Vec::new());
    for i in 0..=a.clients {
        let (name, roles) = if i == 0 {
            ("bench-admin".to_owned(), "admin")
        } else {
            (format!("bench-cadre-{i:02}"), "cadre")
        };
        let user = store
            .create_user(
                store.root_scope().await?,
                NewUser {
                    username: Username::parse(&name).map_err(|_| anyhow::anyhow!("username"))?,
                    password_hash: hash.clone(),
                    unit: region.id,
                    roles: Roles::parse_list(roles).map_err(|_| anyhow::anyhow!("roles"))?,
                    must_change_password: false,
                },
            )
            .await?;
        let (tok, csrf) = (token::new_token(), token::new_token());
        store
            .create_session(
                &token::token_hash(&tok),
                user,
                &csrf,
                jinguo_app::state::now(),
            )
            .await?;
        tokens.push(tok);
        user_ids.push(user);
    }
    let admin = tokens.remove(0);
    let admin_id = user_ids[0];

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = jinguo_app::state(store.clone(), config.clone());
    let server = tokio::spawn(jinguo_app::serve_on(listener, state));
    let today = jinguo_app::state::today(&config);
    let deadline = jinguo_domain::activity::format_date(today + time::Duration::days(30));

    // 1. Issuing to every village, over HTTP, then the store call alone.
    let mut conn = Conn::open(addr).await?;
    let mut http_issue = Vec::new();
    let mut task_ids = Vec::new();
    for i in 0..a.issues.max(1) {
        let body = task_body(&format!("第四季度十送活动统计 {}", i + 1), &deadline);
        let t0 = Instant::now();
        let r = conn
            .request("POST", "/api/v1/tasks", Auth::Bearer(&admin), Some(&body))
            .await?;
        http_issue.push(t0.elapsed());
        anyhow::ensure!(r.status == 201, "issue: {} {}", r.status, r.text());
        let v: serde_json::Value = serde_json::from_slice(&r.body)?;
        task_ids.push(v["id"].as_i64().ok_or_else(|| anyhow::anyhow!("no id"))?);
    }
    let task_id = task_ids[0];
    let task = store
        .task_in_scope(
            store.system_scope(&region),
            jinguo_domain::TaskId::new(task_id),
        )
        .await?;
    anyhow::ensure!(
        task.targets == villages.len() as i64,
        "task {task_id} reached {} units, not the {} villages",
        task.targets,
        villages.len()
    );
    let http_issue_st = report(
        &format!("issue over HTTP to {} villages", task.targets),
        &mut http_issue,
    );
    // The same form, as the HTTP call checked it.
    let fields = task.fields.clone();
    let mut store_issue = Vec::new();
    for i in 0..a.issues.max(1) {
        let t0 = Instant::now();
        store
            .create_task(
                store.system_scope(&region),
                NewTask {
                    issuer: region.id,
                    title: format!("第四季度十送活动统计 (store {})", i + 1),
                    description: String::new(),
                    deadline: task.deadline,
                    targets: TaskTargets::Level(Level::VILLAGE),
                    fields: fields.clone(),
                    by: admin_id,
                },
                jinguo_app::state::now(),
            )
            .await?;
        store_issue.push(t0.elapsed());
    }
    let store_issue_st = report("create_task alone", &mut store_issue);

    // 2. Progress while the clients answer and submit.
    let progress_path = format!("/api/v1/tasks/{task_id}/progress");
    let page_path = format!("/tasks/{task_id}");
    for (path, auth) in [
        (&progress_path, Auth::Bearer(&admin)),
        (&page_path, Auth::Cookie(&admin)),
    ] {
        let r = conn.request("GET", path, auth, None).await?;
        anyhow::ensure!(r.status == 200, "GET {path}: {} {}", r.status, r.text());
        println!("GET {path}: {} bytes before any answer", r.body.len());
    }
    let codes: Vec<String> = villages.iter().map(|v| v.code.to_string()).collect();
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (done, admin) = (done.clone(), admin.clone());
        let (progress_path, page_path) = (progress_path.clone(), page_path.clone());
        tokio::spawn(async move {
            let mut c = Conn::open(addr).await?;
            let (mut api, mut page) = (Vec::new(), Vec::new());
            while !done.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let r = c
                    .request("GET", &progress_path, Auth::Bearer(&admin), None)
                    .await?;
                api.push(t0.elapsed());
                anyhow::ensure!(r.status == 200, "progress: {}", r.status);
                let t0 = Instant::now();
                let r = c
                    .request("GET", &page_path, Auth::Cookie(&admin), None)
                    .await?;
                page.push(t0.elapsed());
                anyhow::ensure!(r.status == 200, "progress page: {}", r.status);
            }
            anyhow::Ok((api, page))
        })
    };
    let load_start = Instant::now();
    let mut writers = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let mine: Vec<String> = codes.iter().skip(i).step_by(a.clients).cloned().collect();
        let tok = tok.clone();
        writers.push(tokio::spawn(async move {
            let mut c = Conn::open(addr).await?;
            let (mut puts, mut submits) = (Vec::new(), Vec::new());
            for (k, code) in mine.iter().enumerate() {
                let path = format!("/api/v1/tasks/{task_id}/reports/{code}");
                let body = format!(
                    r#"{{"values":{{"trained":{},"homes_open":{}}}}}"#,
                    k % 97,
                    k % 3 != 0
                );
                let t0 = Instant::now();
                let r = c
                    .request("PUT", &path, Auth::Bearer(&tok), Some(&body))
                    .await?;
                puts.push(t0.elapsed());
                anyhow::ensure!(r.status == 200, "PUT {path}: {} {}", r.status, r.text());
                let t0 = Instant::now();
                let r = c
                    .request(
                        "POST",
                        &format!("{path}/submit"),
                        Auth::Bearer(&tok),
                        Some("{}"),
                    )
                    .await?;
                submits.push(t0.elapsed());
                anyhow::ensure!(r.status == 200, "submit {path}: {} {}", r.status, r.text());
            }
            anyhow::Ok((puts, submits))
        }));
    }
    let (mut puts, mut submits) = (Vec::new(), Vec::new());
    let mut failure = None;
    for w in writers {
        match w.await? {
            Ok((p, s)) => {
                puts.extend(p);
                submits.extend(s);
            }
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    let load = load_start.elapsed();
    done.store(true, Ordering::Relaxed);
    let (mut api, mut page) = watcher.await??;
    if let Some(e) = failure {
        return Err(e);
    }
    let submit_rate = submits.len() as f64 / load.as_secs_f64();
    println!(
        "{} clients: {} answers saved and submitted in {:.1} s = {submit_rate:.0} submits/s",
        a.clients,
        submits.len(),
        load.as_secs_f64()
    );
    report("PUT answer, under load", &mut puts);
    report("POST submit, under load", &mut submits);
    let api_st = report("GET progress API (region), under load", &mut api);
    let page_st = report("GET progress page (region), under load", &mut page);

    let r = conn
        .request("GET", &progress_path, Auth::Bearer(&admin), None)
        .await?;
    let v: serde_json::Value = serde_json::from_slice(&r.body)?;
    println!(
        "progress after the load: {} targets, {} % complete, counts {}, totals {}",
        v["targets"], v["complete_pct"], v["counts"], v["totals"]
    );
    anyhow::ensure!(
        v["counts"]["submitted"].as_i64() == Some(villages.len() as i64),
        "not every village is counted as submitted"
    );
    // The progress counters after 32 concurrent writers, against a recount.
    let bad = store.task_tally_mismatches().await?;
    println!("task_tally_mismatches after the load: {}", bad.len());
    anyhow::ensure!(
        bad.is_empty(),
        "progress counters differ: {:?}",
        &bad[..bad.len().min(5)]
    );
    let mut quiet_api = Vec::new();
    let mut quiet_page = Vec::new();
    for _ in 0..50 {
        let t0 = Instant::now();
        conn.request("GET", &progress_path, Auth::Bearer(&admin), None)
            .await?;
        quiet_api.push(t0.elapsed());
        let t0 = Instant::now();
        conn.request("GET", &page_path, Auth::Cookie(&admin), None)
            .await?;
        quiet_page.push(t0.elapsed());
    }
    report("GET progress API (region), quiet", &mut quiet_api);
    report("GET progress page (region), quiet", &mut quiet_page);

    // 3. The export of every answer.
    let export_path = format!("/api/v1/tasks/{task_id}/export.xlsx");
    let mut exports = Vec::new();
    let mut size = 0;
    for _ in 0..a.exports.max(1) {
        let t0 = Instant::now();
        let r = conn
            .request("GET", &export_path, Auth::Bearer(&admin), None)
            .await?;
        exports.push(t0.elapsed());
        anyhow::ensure!(r.status == 200, "export: {}", r.status);
        size = r.body.len();
    }
    println!("export: {size} bytes");
    let export_st = report("GET export.xlsx (region, all answered)", &mut exports);
    server.abort();

    println!("verdict:");
    verdict(
        "issue to every village over HTTP",
        format!(
            "p50 {:.0} ms, max {:.0} ms",
            http_issue_st.p50, http_issue_st.max
        ),
        "≤ 1 s",
        http_issue_st.max <= 1000.0,
    );
    verdict(
        "create_task alone",
        format!(
            "p50 {:.0} ms, max {:.0} ms",
            store_issue_st.p50, store_issue_st.max
        ),
        "≤ 1 s",
        store_issue_st.max <= 1000.0,
    );
    verdict(
        &format!("progress API under {} clients", a.clients),
        format!("p99 {:.1} ms", api_st.p99),
        "p99 ≤ 50 ms",
        api_st.p99 <= 50.0,
    );
    verdict(
        &format!("progress page under {} clients", a.clients),
        format!("p99 {:.1} ms", page_st.p99),
        "p99 ≤ 50 ms",
        page_st.p99 <= 50.0,
    );
    verdict(
        "export of every answer",
        format!("p50 {:.0} ms, max {:.0} ms", export_st.p50, export_st.max),
        "≤ 3 s",
        export_st.max <= 3000.0,
    );
    println!("submit rate: {submit_rate:.0}/s");
    println!("total: {:.1} s", started.elapsed().as_secs_f64());
    store.close().await;
    if let Some(dir) = &temp_dir {
        if a.keep {
            println!("kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}

/// Active geographic villages under `root`, by code.
/// Activities in the fourth quarter of 2026, so the bound field pre-fills
/// a count and not a zero.
async fn seed_activities(store: &SqlStore, villages: &[Unit], n: usize) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(2026);
    let t0 = Instant::now();
    let now = jinguo_app::state::now();
    let mut left = n;
    while left > 0 {
        let k = left.min(5000);
        let rows: Vec<NewActivity> = (0..k)
            .map(|_| {
                let month = time::Month::try_from(rng.gen_range(10..=12u8)).expect("month");
                let date = time::Date::from_calendar_date(2026, month, rng.gen_range(1..=28))
                    .expect("date");
                let participants = rng.gen_range(0..=120);
                NewActivity {
                    unit: villages[rng.gen_range(0..villages.len())].id,
                    fields: ActivityFields {
                        date,
                        type_key: "lecture".to_owned(),
                        program_key: None,
                        title: "巾帼大宣讲进嘎查".to_owned(),
                        title_mn: None,
                        place: None,
                        participants,
                        women: participants / 2,
                        summary: None,
                    },
                    by: None,
                }
            })
            .collect();
        store.bulk_insert_activities(&rows, now).await?;
        left -= k;
    }
    println!(
        "ledger: {n} activities in 2026-10..2026-12, {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(Clone, Copy)]
pub(crate) enum Auth<'a> {
    Bearer(&'a str),
    Cookie(&'a str),
}

pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(300)]).into_owned()
    }
}

/// One keep-alive HTTP/1.1 connection; reconnects when the server closed it.
pub(crate) struct Conn {
    addr: SocketAddr,
    io: BufReader<TcpStream>,
}

impl Conn {
    pub(crate) async fn open(addr: SocketAddr) -> anyhow::Result<Self> {
        Ok(Self {
            addr,
            io: BufReader::new(TcpStream::connect(addr).await?),
        })
    }

    pub(crate) async fn request(
        &mut self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&str>,
    ) -> anyhow::Result<Response> {
        let auth = match auth {
            Auth::Bearer(t) => format!("Authorization: Bearer {t}\r\n"),
            Auth::Cookie(t) => format!(
                "Cookie: {}={t}\r\n",
                jinguo_app::auth::actor::SESSION_COOKIE
            ),
        };
        let body = body.unwrap_or("");
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        match self.exchange(&req).await {
            Ok(r) => Ok(r),
            Err(_) => {
                // The server may have closed an idle connection: once more on a fresh one.
                self.io = BufReader::new(TcpStream::connect(self.addr).await?);
                self.exchange(&req).await
            }
        }
    }

    async fn exchange(&mut self, req: &str) -> anyhow::Result<Response> {
        self.io.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        anyhow::ensure!(self.io.read_line(&mut line).await? > 0, "connection closed");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("bad status line {line:?}"))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.io.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
                if k == "content-length" {
                    length = v.parse()?;
                } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.io.read_line(&mut line).await?;
                let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)?;
                let at = body.len();
                body.resize(at + n, 0);
                self.io.read_exact(&mut body[at..]).await?;
                line.clear();
                self.io.read_line(&mut line).await?;
                if n == 0 {
                    break;
                }
            }
        } else {
            body.resize(length, 0);
            self.io.read_exact(&mut body).await?;
        }
        Ok(Response { status, body })
    }
}

pub(crate) fn verdict(what: &str, measured: String, target: &str, met: bool) {
    println!(
        "  {} {what}: {measured} (target {target})",
        if met { "MET   " } else { "MISSED" }
    );
}
