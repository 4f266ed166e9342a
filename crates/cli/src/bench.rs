//! Measurements behind BENCHMARKS.md. Run them on a release build.

use std::time::{Duration, Instant};

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use crate::bench_support::{empty_store, report, villages};
use jinguo_app::auth::password;
use jinguo_domain::{ActivityFields, Level, Month, Password, UnitCode};
use jinguo_store::model::{NewActivity, Unit};
use jinguo_store::{ActivityStore, Backend, UnitStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "bench_http.rs"]
mod http;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Time `demo` on an empty directory until it answers HTTP (target: under 5 s).
    DemoStart {
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Time password verification alone (Argon2id, m=19 MiB, t=2, p=1), then whole
    /// HTTP logins against a demo server, one at a time and with concurrent clients.
    Login {
        #[arg(long, default_value_t = 50)]
        runs: usize,
        /// Concurrent clients in the second HTTP round.
        #[arg(long, default_value_t = 8)]
        clients: usize,
    },
    /// Time the activity ledger in process: bulk insert of N activities over the
    /// 14,592 villages and 36 months, roll-up latency (region and banner, one
    /// year), quiet villages, single form-like inserts, and peak memory.
    Rollup {
        /// Activities to bulk-insert.
        #[arg(long, default_value_t = 10_000_000)]
        activities: u64,
        /// An empty database [default: SQLite in a fresh temporary directory].
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        /// Activities generated and handed to the store at a time.
        #[arg(long, default_value_t = 5000)]
        batch: usize,
        /// One `bulk_insert_activities` call (one transaction) per batch, as
        /// before `import_activities` [default: the whole import in one
        /// `import_activities` transaction].
        #[arg(long)]
        per_call: bool,
        /// Rows arrive as the federation's existing ledgers do: one file per
        /// banner and year, in date order, each imported by its own
        /// `import_activities` call [default: rows shuffled over the whole
        /// region and all 36 months, in one import].
        #[arg(long, conflicts_with = "per_call")]
        ledgers: bool,
        /// Runs of each roll-up query.
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// Single `create_activity` calls, one transaction each.
        #[arg(long, default_value_t = 5000)]
        singles: usize,
        /// Then the same number of `create_activity` calls from this many
        /// concurrent writers, as simultaneous form submissions make them (0: skip).
        #[arg(long, default_value_t = 4)]
        writers: usize,
        /// Seed of the random data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Keep the temporary SQLite directory instead of removing it.
        #[arg(long)]
        keep: bool,
    },
    /// The ledger over HTTP: dashboard page and JSON roll-up under concurrent
    /// clients, web form and API submissions per second, on N activities.
    Http(http::HttpArgs),
    /// Time five-level linkage over the bundled tree: issuing a task to every
    /// village, the region's progress while clients hand answers in, the export.
    Tasks(crate::bench_tasks::TasksArgs),
    /// Time the practical-deeds ledger: N needs over the bundled tree's villages
    /// and 24 months, then the ledger of the region, a league and a banner.
    Deeds(crate::bench_deeds::DeedsArgs),
    /// Time a household list page over N households: the first page and the
    /// last by keyset, the last by OFFSET, and a name search.
    Lists(crate::bench_lists::ListsArgs),
    /// Every village of the region with a federation and a 7-person committee,
    /// then the organisation coverage of the region, a league and a banner.
    Organisations(crate::bench_orgs::OrganisationsArgs),
    /// Time outline monitoring: 153 indicators (sex-disaggregated) reported
    /// by every region, league and banner for 10 years, then the region's
    /// attainment over HTTP.
    Outlines(crate::bench_outlines::OutlinesArgs),
    /// A class of 200 trainees scanning the attendance code within a minute
    /// while the training dashboards are read.
    Training(crate::bench_training::TrainingArgs),
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::DemoStart { runs } => demo_start(runs).await,
        BenchCommand::Login { runs, clients } => login(runs, clients).await,
        BenchCommand::Http(args) => http::run(args).await,
        BenchCommand::Tasks(args) => crate::bench_tasks::run(args).await,
        BenchCommand::Deeds(args) => crate::bench_deeds::run(args).await,
        BenchCommand::Lists(args) => crate::bench_lists::run(args).await,
        BenchCommand::Organisations(args) => crate::bench_orgs::run(args).await,
        BenchCommand::Outlines(args) => crate::bench_outlines::run(args).await,
        BenchCommand::Training(args) => crate::bench_training::run(args).await,
        BenchCommand::Rollup {
            activities,
            database,
            batch,
            per_call,
            ledgers,
            runs,
            singles,
            writers,
            seed,
            keep,
        } => {
            rollup(RollupArgs {
                activities,
                database,
                batch: batch.max(1),
                per_call,
                ledgers,
                runs: runs.max(1),
                singles,
                writers,
                seed,
                keep,
            })
            .await
        }
    }
}

async fn demo_start(runs: usize) -> anyhow::Result<()> {
    let mut times = Vec::new();
    for i in 0..runs {
        let dir = std::env::temp_dir().join(format!("jinguo-bench-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let t0 = Instant::now();
        let p = crate::demo::prepare(&dir, "127.0.0.1:0".parse()?, None, None).await?;
        let addr = p.listener.local_addr()?;
        let server = tokio::spawn(jinguo_app::serve_on(p.listener, p.state));
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        anyhow::ensure!(buf.starts_with(b"HTTP/1.1 200"), "health check failed");
        let took = t0.elapsed();
        server.abort();
        println!(
            "run {}: empty directory to first HTTP answer in {:.2} s",
            i + 1,
            took.as_secs_f64()
        );
        times.push(took);
        let _ = std::fs::remove_dir_all(&dir);
    }
    report("demo start", &mut times);
    Ok(())
}

async fn login(runs: usize, clients: usize) -> anyhow::Result<()> {
    let pw = Password::parse("Bench-password-1").map_err(|_| anyhow::anyhow!("policy"))?;
    let hash = password::hash(pw).await?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        anyhow::ensure!(password::verify("Bench-password-1".into(), Some(hash.clone())).await);
        times.push(t0.elapsed());
    }
    report("argon2id verify alone", &mut times);

    let dir = std::env::temp_dir().join(format!("jinguo-bench-login-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p =
        crate::demo::prepare(&dir, "127.0.0.1:0".parse()?, Some("Bench-password-1"), None).await?;
    let addr = p.listener.local_addr()?;
    let server = tokio::spawn(jinguo_app::serve_on(p.listener, p.state));
    // Different accounts, so the lockout never trips.
    let names: Vec<&str> = crate::demo::DEMO_ACCOUNTS.iter().map(|a| a.0).collect();

    let mut times = Vec::new();
    for i in 0..runs {
        times.push(http_login(addr, names[i % names.len()]).await?);
    }
    report("HTTP login, 1 client", &mut times);

    let per_client = runs.div_ceil(clients);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let name = names[c % names.len()];
        tasks.push(tokio::spawn(async move {
            let mut t = Vec::new();
            for _ in 0..per_client {
                t.push(http_login(addr, name).await?);
            }
            anyhow::Ok(t)
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await??);
    }
    report(
        &format!("HTTP login, {clients} concurrent clients"),
        &mut times,
    );
    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// One `POST /api/v1/session` over a fresh connection; the answer must be 200.
async fn http_login(addr: std::net::SocketAddr, user: &str) -> anyhow::Result<Duration> {
    let body = format!(r#"{{"username":"{user}","password":"Bench-password-1"}}"#);
    let req = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let t0 = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let took = t0.elapsed();
    anyhow::ensure!(
        buf.starts_with(b"HTTP/1.1 200"),
        "login failed: {}",
        String::from_utf8_lossy(&buf[..buf.len().min(200)])
    );
    Ok(took)
}

struct RollupArgs {
    activities: u64,
    database: Option<String>,
    batch: usize,
    per_call: bool,
    ledgers: bool,
    runs: usize,
    singles: usize,
    writers: usize,
    seed: u64,
    keep: bool,
}

/// Dictionary keys as seeded by migration 0002_activities.
const ACTIVITY_TYPES: &[&str] = &[
    "send_theory",
    "send_law",
    "send_tech",
    "send_culture",
    "send_care",
    "send_family_edu",
    "send_skills",
    "send_health",
    "send_warmth",
    "send_services",
    "lecture",
    "talk_meeting",
    "ideology_class",
    "family_education",
    "integrity_family",
    "training",
    "volunteer",
    "home_visit",
    "other",
];
const PROGRAMS: &[&str] = &[
    "soul_casting",
    "happy_family",
    "grassroots",
    "act_innovation",
    "act_employment",
    "act_rural",
    "act_rights",
    "act_health",
];
const TITLES: &[&str] = &[
    "巾帼大宣讲进嘎查",
    "妇女恳谈会",
    "家庭教育指导讲座",
    "两癌筛查宣传",
    "巾帼志愿服务入户走访",
    "农牧民技能培训班",
    "廉洁家风故事分享会",
    "北疆巾帼思政大讲堂",
];
/// The 36 months the data covers: 2024-01 … 2026-12.
const MONTHS: i32 = 36;
const BANNER_CODE: &str = "152502000000";

/// Seeded random activities, uniform over villages, months, types.
struct ActivityGen {
    rng: StdRng,
    villages: Vec<Unit>,
}

impl ActivityGen {
    fn next(&mut self) -> NewActivity {
        let m = self.rng.gen_range(0..MONTHS);
        let unit = self.villages[self.rng.gen_range(0..self.villages.len())].id;
        self.activity(unit, m)
    }

    /// One banner's ledger of one year (`villages` a range of
    /// `self.villages`), `k` rows in date order, as a banner keeps it.
    fn ledger(
        &mut self,
        villages: std::ops::Range<usize>,
        year: i32,
        k: usize,
    ) -> Vec<NewActivity> {
        let mut rows: Vec<NewActivity> = (0..k)
            .map(|_| {
                let m = (year - 2024) * 12 + self.rng.gen_range(0..12);
                let unit = self.villages[self.rng.gen_range(villages.clone())].id;
                self.activity(unit, m)
            })
            .collect();
        rows.sort_by_key(|r| r.fields.date);
        rows
    }

    /// An activity of `unit` in month `m` (0 = 2024-01) with random fields.
    fn activity(&mut self, unit: jinguo_domain::UnitId, m: i32) -> NewActivity {
        let rng = &mut self.rng;
        let year = 2024 + m / 12;
        let month = time::Month::try_from((m % 12 + 1) as u8).expect("1..=12");
        let day = rng.gen_range(1..=month.length(year));
        let date = time::Date::from_calendar_date(year, month, day).expect("valid day");
        let participants = rng.gen_range(0..=200);
        let women = rng.gen_range(0..=participants);
        let program_key = rng
            .gen_bool(0.6)
            .then(|| PROGRAMS[rng.gen_range(0..PROGRAMS.len())].to_owned());
        NewActivity {
            unit,
            fields: ActivityFields {
                date,
                type_key: ACTIVITY_TYPES[rng.gen_range(0..ACTIVITY_TYPES.len())].to_owned(),
                program_key,
                title: TITLES[rng.gen_range(0..TITLES.len())].to_owned(),
                title_mn: None,
                place: rng.gen_bool(0.3).then(|| "嘎查村委会".to_owned()),
                participants,
                women,
                summary: None,
            },
            by: None,
        }
    }
}

/// The ledgers of `--ledgers`: (range of `villages` under one banner, year,
/// rows), the `n` rows shared out by each banner's number of villages.
fn ledger_plan(villages: &[Unit], n: u64) -> Vec<(std::ops::Range<usize>, i32, usize)> {
    let mut banners: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, v) in villages.iter().enumerate() {
        match banners.last_mut() {
            Some(r) if villages[r.start].ancestors[2] == v.ancestors[2] => r.end = i + 1,
            _ => banners.push(i..i + 1),
        }
    }
    let slots = villages.len() as u64 * 3;
    let (mut plan, mut before, mut taken) = (Vec::new(), 0u64, 0u64);
    for r in banners {
        for year in 2024..2027 {
            before += r.len() as u64;
            let upto = n * before / slots;
            plan.push((r.clone(), year, (upto - taken) as usize));
            taken = upto;
        }
    }
    plan
}

/// One line of the closing verdict.
fn verdict(what: &str, measured: String, target: &str, met: bool) {
    println!(
        "  {} {what}: {measured} (target {target})",
        if met { "MET   " } else { "MISSED" }
    );
}

/// A `kB` field of /proc/self/status (VmHWM, VmRSS), in MiB.
fn proc_status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn mib(key: &str) -> String {
    proc_status_mib(key).map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MiB"))
}

/// CPU time (user + system) of the whole process so far, from
/// /proc/self/stat, counted in clock ticks of 1/100 s (Linux's USER_HZ).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn file_mib(path: &std::path::Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1048576.0)
}

/// Rows written so far, with a line every `step` rows.
struct BulkProgress {
    pb: ProgressBar,
    n: u64,
    step: u64,
    next_mark: u64,
    done: u64,
    gen_time: Duration,
    insert_time: Duration,
    batch_times: Vec<Duration>,
    bulk_start: Instant,
    mark: (Instant, u64, f64),
}

impl BulkProgress {
    fn new(n: u64, batch: usize, pb: ProgressBar) -> Self {
        let step = (n / 20).clamp(batch as u64, 100_000.max(batch as u64));
        BulkProgress {
            pb,
            n,
            step,
            next_mark: step,
            done: 0,
            gen_time: Duration::ZERO,
            insert_time: Duration::ZERO,
            batch_times: Vec::new(),
            bulk_start: Instant::now(),
            mark: (Instant::now(), 0, cpu_secs()),
        }
    }

    /// Rows handed to the store but not yet reported written.
    fn pending(&self, handed: Option<(Instant, usize)>) -> u64 {
        handed.map_or(0, |(_, k)| k as u64)
    }

    fn batch_done(&mut self, k: usize, took: Duration) {
        self.insert_time += took;
        self.batch_times.push(took);
        self.done += k as u64;
        self.pb.inc(k as u64);
        if self.done >= self.next_mark || self.done == self.n {
            let (at, mark_done, mark_cpu) = self.mark;
            let window = at.elapsed().as_secs_f64();
            let cpu = cpu_secs();
            let done = self.done;
            let line = format!(
                "  {done:>10} rows after {:>7.1} s: last {} at {:.0}/s (CPU {:.0} % of wall), \
                 overall {:.0}/s, RSS {}",
                self.bulk_start.elapsed().as_secs_f64(),
                done - mark_done,
                (done - mark_done) as f64 / window,
                (cpu - mark_cpu) / window * 100.0,
                done as f64 / self.bulk_start.elapsed().as_secs_f64(),
                mib("VmRSS"),
            );
            self.pb.suspend(|| println!("{line}"));
            self.mark = (Instant::now(), done, cpu);
            self.next_mark += self.step;
        }
    }
}

async fn rollup(a: RollupArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (store, _config, temp_dir) = empty_store(a.database.as_deref(), "rollup").await?;

    // 1. The tree and its villages.
    let t0 = Instant::now();
    crate::org_cmd::import_bundled(&store).await?;
    let units: i64 = store.unit_counts().await?.iter().sum();
    let region = store.root_unit().await?;
    let villages = villages(&store).await?;
    println!(
        "tree: {units} units imported, {} villages listed, in {:.2} s",
        villages.len(),
        t0.elapsed().as_secs_f64()
    );
    let scope = store.system_scope(&region);
    let mut generator = ActivityGen {
        rng: StdRng::seed_from_u64(a.seed),
        villages,
    };

    // 2. Bulk insert.
    let n = a.activities;
    println!(
        "bulk insert: {n} activities over 2024-01..2026-12, batches of {}, {}",
        a.batch,
        if a.per_call {
            "one bulk_insert_activities call (transaction) per batch"
        } else {
            "all in one import_activities transaction"
        }
    );
    let pb = ProgressBar::new(n);
    pb.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} activities, {per_sec}, elapsed {elapsed_precise}, eta {eta}",
        )?
        .progress_chars("##-"),
    );
    let now = jinguo_app::state::now();
    let mut progress = BulkProgress::new(n, a.batch, pb);
    let bulk_cpu = cpu_secs();
    let mut to_go = n;
    let mut next_batch = || {
        let k = to_go.min(a.batch as u64) as usize;
        to_go -= k as u64;
        let g0 = Instant::now();
        let rows: Vec<NewActivity> = (0..k).map(|_| generator.next()).collect();
        (rows, g0.elapsed())
    };
    if a.ledgers {
        // One import per banner and year, sized by the banner's villages.
        let plan = ledger_plan(&generator.villages, n);
        println!("  {} ledgers (banners × 3 years)", plan.len());
        for (villages, year, k) in plan {
            let g0 = Instant::now();
            let rows = generator.ledger(villages, year, k);
            progress.gen_time += g0.elapsed();
            let i0 = Instant::now();
            let mut batches = rows.chunks(a.batch).map(<[NewActivity]>::to_vec);
            store.import_activities(&mut batches, now).await?;
            progress.batch_done(k, i0.elapsed());
        }
    } else if a.per_call {
        while progress.done < n {
            let (rows, gen_took) = next_batch();
            progress.gen_time += gen_took;
            let i0 = Instant::now();
            store.bulk_insert_activities(&rows, now).await?;
            progress.batch_done(rows.len(), i0.elapsed());
        }
    } else {
        // The store asks for the next batch once it has written the previous
        // one, so the time between two asks is that batch's insert time.
        let mut handed: Option<(Instant, usize)> = None;
        let mut batches = std::iter::from_fn(|| {
            if let Some((at, k)) = handed.take() {
                progress.batch_done(k, at.elapsed());
            }
            if progress.done + progress.pending(handed) >= n {
                return None;
            }
            let (rows, gen_took) = next_batch();
            progress.gen_time += gen_took;
            handed = Some((Instant::now(), rows.len()));
            Some(rows)
        });
        store.import_activities(&mut batches, now).await?;
        let commit = progress.bulk_start.elapsed() - progress.gen_time - progress.insert_time;
        println!(
            "  import_activities after its last batch (last counter flush, commit): {:.1} s",
            commit.as_secs_f64()
        );
    }
    progress.pb.finish_and_clear();
    let bulk = progress.bulk_start.elapsed();
    let bulk_rate = n as f64 / bulk.as_secs_f64();
    println!(
        "bulk insert: {n} activities in {:.1} s = {bulk_rate:.0} activities/s \
         (generating rows {:.1} s, batches written {:.1} s; process CPU {:.1} s)",
        bulk.as_secs_f64(),
        progress.gen_time.as_secs_f64(),
        progress.insert_time.as_secs_f64(),
        cpu_secs() - bulk_cpu
    );
    let unit = if a.ledgers {
        "one ledger (banner × year) imported".to_owned()
    } else {
        format!("one batch of {} written", a.batch)
    };
    report(&unit, &mut progress.batch_times);

    // The write volume of one batch, as far as it can be seen from outside the
    // store: distinct units, and counter rows upserted (unit × dimension × month).
    let sample: Vec<NewActivity> = (0..a.batch).map(|_| generator.next()).collect();
    let mut distinct: Vec<_> = sample.iter().map(|r| r.unit).collect();
    distinct.sort();
    distinct.dedup();
    let anc: std::collections::HashMap<_, _> = generator
        .villages
        .iter()
        .map(|v| (v.id, v.ancestors))
        .collect();
    let mut keys = std::collections::HashSet::new();
    for r in &sample {
        let f = &r.fields;
        let mut dims = vec!["all".to_owned(), format!("t:{}", f.type_key)];
        if let Some(p) = &f.program_key {
            dims.push(format!("p:{p}"));
        }
        for u in anc[&r.unit].iter().flatten() {
            for d in &dims {
                keys.insert((*u, d.clone(), f.month().yyyymm()));
            }
        }
    }
    println!(
        "  one batch of {}: {} distinct villages, {} counter rows upserted ({:.1} per activity)",
        a.batch,
        distinct.len(),
        keys.len(),
        keys.len() as f64 / a.batch as f64
    );
    println!("  RSS after bulk insert: {}", mib("VmRSS"));

    // 3. Roll-up latency.
    let banner = store
        .unit_by_code(&UnitCode::parse(BANNER_CODE).map_err(|_| anyhow::anyhow!("bad code"))?)
        .await?;
    let m = |y, mo| Month::new(y, mo).expect("month");
    let queries = [
        (
            format!("region {}", region.code),
            &region,
            m(2026, 1),
            m(2026, 12),
        ),
        (
            format!("banner {} {}", banner.code, banner.name),
            &banner,
            m(2026, 1),
            m(2026, 12),
        ),
        (
            format!("region {}, 36 months", region.code),
            &region,
            m(2024, 1),
            m(2026, 12),
        ),
    ];
    let mut rollup_stats = Vec::new();
    for (label, unit, from, to) in &queries {
        let r = store.rollup(scope, unit, *from, *to).await?;
        println!(
            "rollup {label} {from}..{to}: {} activities, {} participants, {} women; \
             {} types, {} programs, {} children, {} months",
            r.total.activities,
            r.total.participants,
            r.total.women,
            r.by_type.len(),
            r.by_program.len(),
            r.children.len(),
            r.months.len()
        );
        let mut times = Vec::with_capacity(a.runs);
        for _ in 0..a.runs {
            let t0 = Instant::now();
            store.rollup(scope, unit, *from, *to).await?;
            times.push(t0.elapsed());
        }
        let st = report(&format!("rollup {label} {from}..{to}"), &mut times);
        rollup_stats.push((label.clone(), st));
    }

    // 4. Quiet villages.
    let since = m(2026, 12).minus(3);
    let mut times = Vec::new();
    let mut quiet = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        quiet = store
            .quiet_units(scope, &region, Level::VILLAGE, since)
            .await?
            .len();
        times.push(t0.elapsed());
    }
    println!("quiet_units region, villages, since {since}: {quiet} quiet villages");
    report("quiet_units region, villages", &mut times);

    // 5. Single inserts, one transaction each, as form submissions make them.
    let mut written = n;
    let mut singles_rate = None;
    if a.singles > 0 {
        let mut times = Vec::with_capacity(a.singles);
        let s0 = Instant::now();
        let c0 = cpu_secs();
        for _ in 0..a.singles {
            let new = generator.next();
            let t0 = Instant::now();
            store
                .create_activity(scope, new, jinguo_app::state::now())
                .await?;
            times.push(t0.elapsed());
        }
        let rate = a.singles as f64 / s0.elapsed().as_secs_f64();
        println!(
            "create_activity: {} single inserts in {:.2} s = {rate:.0}/s \
             (process CPU {:.2} s = {:.2} ms per insert)",
            a.singles,
            s0.elapsed().as_secs_f64(),
            cpu_secs() - c0,
            (cpu_secs() - c0) * 1000.0 / a.singles as f64
        );
        report("create_activity", &mut times);
        singles_rate = Some(rate);
        written += a.singles as u64;
    }

    let mut concurrent_rate = None;
    if a.singles > 0 && a.writers > 0 {
        let rows: Vec<NewActivity> = (0..a.singles).map(|_| generator.next()).collect();
        let s0 = Instant::now();
        let c0 = cpu_secs();
        let mut tasks = Vec::new();
        for chunk in rows.chunks(a.singles.div_ceil(a.writers)) {
            let (store, chunk) = (store.clone(), chunk.to_vec());
            tasks.push(tokio::spawn(async move {
                let (mut times, mut failed) = (Vec::with_capacity(chunk.len()), Vec::new());
                for new in chunk {
                    let t0 = Instant::now();
                    match store
                        .create_activity(scope, new, jinguo_app::state::now())
                        .await
                    {
                        Ok(_) => times.push(t0.elapsed()),
                        Err(e) => failed.push(e.to_string()),
                    }
                }
                (times, failed)
            }));
        }
        let (mut times, mut failed) = (Vec::new(), Vec::new());
        for t in tasks {
            let (t, f) = t.await?;
            times.extend(t);
            failed.extend(f);
        }
        let took = s0.elapsed().as_secs_f64();
        let rate = times.len() as f64 / took;
        println!(
            "create_activity, {} concurrent writers: {} inserts in {took:.2} s = {rate:.0}/s, \
             {} failed (process CPU {:.2} s)",
            a.writers,
            times.len(),
            failed.len(),
            cpu_secs() - c0
        );
        if let Some(e) = failed.first() {
            println!("  first failure: {e}");
        }
        if !times.is_empty() {
            report(
                &format!("create_activity, {} concurrent writers", a.writers),
                &mut times,
            );
        }
        concurrent_rate = Some(rate);
        written += times.len() as u64;
    }

    // 6. Memory.
    let peak = proc_status_mib("VmHWM");
    println!("peak RSS (VmHWM) before any recount: {}", mib("VmHWM"));

    // 7. Recount (loads every activity into memory).
    if n <= 200_000 {
        let t0 = Instant::now();
        let mism = store.rollup_mismatches().await?;
        println!(
            "rollup_mismatches: {} mismatching counters in {:.2} s (peak RSS now {})",
            mism.len(),
            t0.elapsed().as_secs_f64(),
            mib("VmHWM")
        );
        for line in mism.iter().take(10) {
            println!("  {line}");
        }
        anyhow::ensure!(mism.is_empty(), "counters disagree with a recount");
    } else {
        println!("rollup_mismatches: skipped ({n} > 200000 activities; it loads them all)");
    }

    // Size on disk.
    store.close().await;
    if store.backend() == Backend::Sqlite {
        if let Some(dir) = &temp_dir {
            let db = dir.join("jinguo.db");
            let size = file_mib(&db);
            println!(
                "SQLite file after close (WAL checkpointed): {size:.0} MiB for {written} activities \
                 = {:.0} bytes per activity",
                size * 1048576.0 / written.max(1) as f64
            );
        } else {
            println!("SQLite file size: see the file given with --database");
        }
    } else {
        println!(
            "database size: not measured here (psql: SELECT pg_size_pretty(pg_database_size(current_database())))"
        );
    }

    println!("verdict:");
    verdict(
        "bulk insert",
        format!("{bulk_rate:.0} activities/s"),
        "≥ 50000/s",
        bulk_rate >= 50_000.0,
    );
    for (label, st) in &rollup_stats {
        verdict(
            &format!("rollup {label}"),
            format!("p50 {:.1} ms, p99 {:.1} ms", st.p50, st.p99),
            "p50 ≤ 5 ms, p99 ≤ 20 ms",
            st.p50 <= 5.0 && st.p99 <= 20.0,
        );
    }
    if let Some(rate) = singles_rate {
        verdict(
            "create_activity, one writer",
            format!("{rate:.0}/s"),
            "≥ 1000/s",
            rate >= 1000.0,
        );
    }
    if let Some(rate) = concurrent_rate {
        verdict(
            &format!("create_activity, {} writers", a.writers),
            format!("{rate:.0}/s"),
            "≥ 1000/s",
            rate >= 1000.0,
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
    if let Some(dir) = &temp_dir {
        if a.keep {
            println!("kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
