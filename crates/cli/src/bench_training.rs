//! `jinguo bench training`: a class of 200 trainees scanning the class
//! page's code within one minute while the training dashboards are read
//! (issue 15: 200 attendance writes in 60 s, p99 ≤ 200 ms).
//!
//! Every village of 锡林浩特市 gets a federation with a 7-person committee;
//! the city plans a programme and a class of 200, enrols 200 members, each
//! linked to an account of her village. Then, in process, one scan every
//! `seconds / 200` (each a task of its own, so slow ones overlap as phones
//! in a room do): the code is checked as the scan route checks it and the
//! attendance written as it writes it (enrolment, progress, completion and
//! every counter in one transaction). Meanwhile `readers` tasks read the
//! coverage of the region, the city and a township in a loop, as the
//! dashboards do. Both are timed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use jinguo_domain::training::{ClassDraft, ProgrammeDraft};
use jinguo_domain::{Roles, UnitCode, Username};
use jinguo_store::model::{NewUser, Page};
use jinguo_store::training::{NewClass, NewEnrolment, NewProgramme};
use jinguo_store::vault::keys::KeyRing;
use jinguo_store::{TrainingStore, UnitStore, UserStore, Vault};

use crate::bench_support::report;

const CITY: &str = "152502000000";

#[derive(Args)]
pub struct TrainingArgs {
    /// An empty database [default: SQLite in a fresh temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Trainees who scan.
    #[arg(long, default_value_t = 200)]
    trainees: usize,
    /// The scans are spread over this many seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Dashboard readers running meanwhile.
    #[arg(long, default_value_t = 4)]
    readers: usize,
    /// Keep the temporary SQLite directory instead of removing it.
    #[arg(long)]
    keep: bool,
}

pub async fn run(a: TrainingArgs) -> anyhow::Result<()> {
    let (store, config, temp_dir) =
        crate::bench_support::empty_store(a.database.as_deref(), "training").await?;
    let line = jinguo_store::vault::generate_key_line(
        jinguo_store::vault::KeyId::new(1).ok_or_else(|| anyhow::anyhow!("key id"))?,
    );
    let store = store.with_vault(Arc::new(Vault::from_keys(KeyRing::parse(&line, "bench")?)));
    crate::org_cmd::import_bundled(&store).await?;
    let today = jinguo_app::state::today(&config);
    let now = jinguo_app::state::now();
    let city = store.unit_by_code(&UnitCode::parse(CITY)?).await?;
    let made = jinguo_app::organisations::demo::fill_villages(&store, &city, today, 1).await?;
    let scope = store.system_scope(&city);
    let roster = store.roster(scope, &city, Page::new(500, 0)).await?;
    anyhow::ensure!(
        roster.len() >= a.trainees,
        "only {} committee members in {made} villages",
        roster.len()
    );
    let year = today.year();
    let fields = ProgrammeDraft {
        title: "领头雁".into(),
        title_mn: None,
        year: Some(i64::from(year)),
        audience: "village_chairs".into(),
        target: Some(a.trainees as i64),
        hours: Some(8),
    }
    .parse()
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let p = store
        .create_programme(
            scope,
            NewProgramme {
                unit: city.id,
                fields,
                by: None,
            },
            now,
        )
        .await?;
    let p = store.programme_in_scope(scope, p).await?;
    let d = jinguo_domain::activity::format_date(today);
    let class_fields = ClassDraft {
        title: "第一期".into(),
        starts_on: d.clone(),
        ends_on: d,
        mode: "venue".into(),
        place: Some("市委党校".into()),
        hours: Some(8),
        capacity: Some(a.trainees as i64),
        teachers: None,
        places: Vec::new(),
    }
    .parse(year)
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let class = store
        .create_class(
            &p,
            NewClass {
                fields: class_fields,
                places: Vec::new(),
                by: None,
            },
            now,
        )
        .await?;
    // 200 trainees, each with an account of her village.
    let mut scopes = Vec::with_capacity(a.trainees);
    let t = Instant::now();
    for (i, m) in roster.iter().take(a.trainees).enumerate() {
        let unit = store.unit_by_id(m.unit.id).await?;
        let id = store
            .create_user(
                store.system_scope(&unit),
                NewUser {
                    username: Username::parse(&format!("trainee{i:03}"))
                        .map_err(|_| anyhow::anyhow!("username"))?,
                    password_hash: "!bench: no login".into(),
                    unit: unit.id,
                    roles: Roles::parse_list("cadre").map_err(|_| anyhow::anyhow!("roles"))?,
                    must_change_password: false,
                },
            )
            .await?;
        store
            .enrol(
                scope,
                NewEnrolment {
                    class,
                    member: m.id,
                    account: Some(id),
                    by: None,
                },
                today,
                now,
            )
            .await?;
        let user = store.system_user(id).await?;
        scopes.push(
            store
                .scope_of_user(&user, &unit)
                .ok_or_else(|| anyhow::anyhow!("scope"))?,
        );
    }
    println!(
        "{made} village federations (7-person committees) in 锡林浩特市; {} trainees enrolled \
         with their accounts in {:.1} s",
        scopes.len(),
        t.elapsed().as_secs_f64()
    );

    let store = Arc::new(store);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let region = store.root_unit().await?;
    let township = store
        .unit_by_code(&UnitCode::parse("152502200000")?)
        .await?;
    let mut readers = Vec::new();
    for r in 0..a.readers {
        let (store, stop) = (store.clone(), stop.clone());
        let units = [region.clone(), city.clone(), township.clone()];
        readers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut i = r;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let u = &units[i % 3];
                let t = Instant::now();
                store
                    .training_coverage(store.system_scope(u), u, year)
                    .await?;
                times.push(t.elapsed());
                i += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            anyhow::Ok(times)
        }));
    }
    let gap = Duration::from_secs(a.seconds).as_secs_f64() / a.trainees as f64;
    let start = Instant::now();
    let mut scans = Vec::new();
    for (i, scope) in scopes.into_iter().enumerate() {
        let at = start + Duration::from_secs_f64(gap * i as f64);
        tokio::time::sleep_until(at.into()).await;
        let store = store.clone();
        scans.push(tokio::spawn(async move {
            let t = Instant::now();
            let now = jinguo_app::state::now();
            // What the phone read from the class page, checked as the route does.
            let code = jinguo_app::training::code::issue(class, now);
            let c = jinguo_app::training::code::check(&code, Some(class), now)
                .map_err(|r| anyhow::anyhow!("code refused: {r:?}"))?;
            let done = store.attend_self(scope, c, now).await?;
            anyhow::ensure!(!done.already, "scanned twice");
            anyhow::Ok(t.elapsed())
        }));
    }
    let mut scan_times = Vec::new();
    for s in scans {
        scan_times.push(s.await??);
    }
    let took = start.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut read_times = Vec::new();
    for r in readers {
        read_times.extend(r.await??);
    }
    println!(
        "{} scans in {:.1} s on {} ({})",
        scan_times.len(),
        took.as_secs_f64(),
        match store.backend() {
            jinguo_store::Backend::Sqlite => "SQLite",
            jinguo_store::Backend::Postgres => "PostgreSQL",
        },
        if cfg!(debug_assertions) {
            "debug build"
        } else {
            "release build"
        }
    );
    let s = report("attendance write (code check + scan)", &mut scan_times);
    report(
        "training coverage read (region, city, township) meanwhile",
        &mut read_times,
    );
    println!(
        "  {} scan p99: {:.1} ms (target ≤ 200 ms)",
        if s.p99 <= 200.0 { "MET   " } else { "MISSED" },
        s.p99
    );
    let cov = store
        .training_coverage(store.system_scope(&city), &city, year)
        .await?;
    anyhow::ensure!(
        cov.counts.attended == a.trainees as i64,
        "coverage counted {} attendances",
        cov.counts.attended
    );
    let m = store.training_mismatches().await?;
    anyhow::ensure!(m.is_empty(), "counters differ from the recount: {m:?}");
    println!(
        "coverage: {} attended, counters equal a recount",
        cov.counts.attended
    );
    drop(store);
    if let Some(dir) = temp_dir {
        if a.keep {
            println!("kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
