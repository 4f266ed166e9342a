//! `jinguo bench outlines`: the speed target of outline monitoring
//! (issue 16): 153 indicators, sex-disaggregated, reported by every
//! region, league and banner of the bundled tree for 10 years through the
//! store's own path (save, submit, approve), then the region's attainment
//! page's JSON over HTTP (`GET /api/v1/units/{region}/outlines?year=`).

use std::time::Instant;

use clap::Args;
use jinguo_app::auth::{password, token};
use jinguo_domain::outline::{
    CheckedEntry, Department, EntryDraft, FigureDraft, IndicatorDraft, IndicatorSpec, check_entry,
};
use jinguo_domain::{Level, Password, Roles, UnitKind, Username};
use jinguo_store::model::{NewUser, Unit};
use jinguo_store::outlines::{Decision, NewTarget, Who};
use jinguo_store::{OutlineStore, SessionStore, UnitStore, UserStore};

use crate::bench_support::report;
use crate::bench_tasks::{Auth, Conn, verdict};

#[derive(Args)]
pub struct OutlinesArgs {
    /// An empty database [default: SQLite in a fresh temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Indicators in the catalogue (the region's outlines have 81 + 72).
    #[arg(long, default_value_t = 153)]
    indicators: usize,
    /// Years reported, from 2020 (the baseline) on.
    #[arg(long, default_value_t = 10)]
    years: i32,
    /// Requests of the region's attainment.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Keep the temporary SQLite directory instead of removing it.
    #[arg(long)]
    keep: bool,
}

const DEPARTMENTS: [&str; 12] = [
    "health",
    "education",
    "civil_affairs",
    "statistics",
    "human_resources",
    "public_security",
    "court",
    "procuratorate",
    "justice",
    "medical_security",
    "ecology",
    "women_federation",
];

fn spec(i: usize) -> anyhow::Result<IndicatorSpec> {
    let women = i < 81;
    let (outline, domain) = if women {
        ("women", (i % 8 + 1) as i64)
    } else {
        ("children", ((i - 81) % 7 + 1) as i64)
    };
    let (unit, direction) = match i % 4 {
        0 => ("percent", "at_least"),
        1 => ("per_mille", "at_most"),
        2 => ("per_100k", "at_most"),
        _ => ("count", "at_least"),
    };
    let ratio = unit != "count";
    IndicatorSpec::try_from(IndicatorDraft {
        code: format!("B{i:03}"),
        outline: outline.into(),
        domain_no: Some(domain),
        name: format!("基准测试指标 {i}"),
        unit: unit.into(),
        numerator: if ratio {
            "分子".into()
        } else {
            String::new()
        },
        denominator: if ratio {
            "分母".into()
        } else {
            String::new()
        },
        direction: direction.into(),
        department: DEPARTMENTS[i % DEPARTMENTS.len()].into(),
        levels: "1,2,3".into(),
        sex_disaggregated: true,
        jump_percent: Some(1000),
        demo: true,
        ..Default::default()
    })
    .map_err(|e| anyhow::anyhow!("indicator {i}: {e:?}"))
}

fn entry(s: &IndicatorSpec, unit: usize, year: i32) -> anyhow::Result<CheckedEntry> {
    let k = (unit * 31 + year as usize * 7) % 97;
    let f = |n: i64, d: i64| FigureDraft {
        numerator: Some(n as f64),
        denominator: Some(d as f64),
        value: None,
    };
    let v = |x: i64| FigureDraft {
        value: Some(x as f64),
        ..Default::default()
    };
    let draft = if s.unit.is_ratio() {
        let d = 2_000 + k as i64 * 37;
        EntryDraft {
            female: f((d / 3).min(d) * (k as i64 % 3 + 1) / 4, d),
            male: f((d / 4) * (k as i64 % 2 + 1) / 3, d + 11),
            ..Default::default()
        }
    } else {
        EntryDraft {
            female: v(100 + k as i64),
            male: v(90 + k as i64),
            ..Default::default()
        }
    };
    check_entry(s, &draft, None).map_err(|e| anyhow::anyhow!("entry: {e:?}"))
}

pub async fn run(a: OutlinesArgs) -> anyhow::Result<()> {
    let (store, config, temp_dir) =
        crate::bench_support::empty_store(a.database.as_deref(), "outlines").await?;
    crate::org_cmd::import_bundled(&store).await?;
    let region = store.root_unit().await?;
    // The reporting units: the region, the leagues and the banners.
    let mut units: Vec<Unit> = vec![region.clone()];
    let mut open = vec![region.id];
    while let Some(parent) = open.pop() {
        for c in store.children(parent).await? {
            if c.active && c.kind == UnitKind::Geo && c.level <= Level::BANNER {
                open.push(c.id);
                units.push(c);
            }
        }
    }
    let period = jinguo_app::outlines::period();
    let root = store.system_scope(&region);
    let who = Who::default();
    let specs: Vec<IndicatorSpec> = (0..a.indicators).map(spec).collect::<Result<_, _>>()?;
    let ids = store.save_indicators(root, period, &specs, &who, 1).await?;
    for (s, id) in specs.iter().zip(&ids) {
        if s.unit.is_ratio() {
            let value = if s.unit.scale() == Some(100.0) {
                60.0
            } else {
                20.0
            };
            store
                .set_target(
                    root,
                    NewTarget {
                        indicator: *id,
                        unit: region.id,
                        year: period.end(),
                        value,
                        official: false,
                    },
                    &who,
                    1,
                )
                .await?;
        }
    }
    println!(
        "catalogue: {} indicators; {} reporting units; {} years",
        ids.len(),
        units.len(),
        a.years
    );

    // Every unit, year and department: save, submit, approve.
    let t0 = Instant::now();
    let mut values = 0u64;
    // The approve step alone (the transaction that changes approved
    // values), timed apart from save and submit.
    let mut approvals = Vec::new();
    let first = period.start() - 1;
    let years: Vec<i32> = (first..first + a.years).collect();
    for (ui, u) in units.iter().enumerate() {
        let at = store.system_scope(u);
        for &year in &years {
            for dep in DEPARTMENTS {
                let d = Department::parse(dep).map_err(|_| anyhow::anyhow!("department"))?;
                let entries: Vec<_> = specs
                    .iter()
                    .zip(&ids)
                    .filter(|(s, _)| s.department == d)
                    .map(|(s, id)| Ok((*id, entry(s, ui, year)?)))
                    .collect::<anyhow::Result<_>>()?;
                if entries.is_empty() {
                    continue;
                }
                values += entries.len() as u64;
                store
                    .save_outline_report(at, u, period, year, &d, &entries, &who, 1)
                    .await?;
                store
                    .submit_outline_report(at, u, year, &d, &who, 1)
                    .await?;
                let t = Instant::now();
                store
                    .review_outline_report(at, u, year, &d, Decision::Approve, &who, 1)
                    .await?;
                approvals.push(t.elapsed());
            }
        }
    }
    let took = t0.elapsed().as_secs_f64();
    println!(
        "reported: {values} indicator values (each with female and male figures) in {took:.1} s \
         through save, submit and approve"
    );
    report(
        "approve (one department's report, its figures made approved)",
        &mut approvals,
    );

    // The region's attainment over HTTP.
    let hash =
        password::hash(Password::parse("Bench-password-1").map_err(|_| anyhow::anyhow!("policy"))?)
            .await?;
    let admin = store
        .create_user(
            store.root_scope().await?,
            NewUser {
                username: Username::parse("bench-admin").map_err(|_| anyhow::anyhow!("name"))?,
                password_hash: hash,
                unit: region.id,
                roles: Roles::parse_list("admin").map_err(|_| anyhow::anyhow!("roles"))?,
                must_change_password: false,
            },
        )
        .await?;
    let (tok, csrf) = (token::new_token(), token::new_token());
    store
        .create_session(
            &token::token_hash(&tok),
            admin,
            &csrf,
            jinguo_app::state::now(),
        )
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = jinguo_app::state(store.clone(), config.clone());
    let server = tokio::spawn(jinguo_app::serve_on(listener, state));
    let mut conn = Conn::open(addr).await?;
    let year = *years.last().unwrap_or(&period.end());
    let path = format!(
        "/api/v1/units/{}/outlines?year={year}",
        region.code.as_str()
    );
    for _ in 0..5 {
        let r = conn.request("GET", &path, Auth::Bearer(&tok), None).await?;
        anyhow::ensure!(r.status == 200, "attainment: {} {}", r.status, r.text());
    }
    let mut times = Vec::with_capacity(a.runs);
    let mut size = 0;
    for _ in 0..a.runs {
        let t = Instant::now();
        let r = conn.request("GET", &path, Auth::Bearer(&tok), None).await?;
        times.push(t.elapsed());
        anyhow::ensure!(r.status == 200, "attainment: {}", r.status);
        size = r.body.len();
    }
    let st = report(
        &format!(
            "region attainment ({} indicators × {} leagues side by side, {} KB)",
            a.indicators,
            units.iter().filter(|u| u.level == Level::LEAGUE).count(),
            size / 1024
        ),
        &mut times,
    );
    verdict(
        "region attainment p99",
        format!("{:.1} ms", st.p99),
        "≤ 50 ms",
        st.p99 <= 50.0,
    );
    // The first read after a change: a target moved (as an approval
    // would move the roll-ups), so the kept page is computed again.
    let (changed, base) = specs
        .iter()
        .zip(&ids)
        .find(|(s, _)| s.unit.is_ratio())
        .map(|(s, id)| {
            (
                *id,
                if s.unit.scale() == Some(100.0) {
                    60.0
                } else {
                    20.0
                },
            )
        })
        .ok_or_else(|| anyhow::anyhow!("no ratio indicator"))?;
    let mut cold = Vec::with_capacity(20);
    for i in 0..20 {
        store
            .set_target(
                root,
                NewTarget {
                    indicator: changed,
                    unit: region.id,
                    year: period.end(),
                    value: base + f64::from(i % 2),
                    official: false,
                },
                &who,
                1,
            )
            .await?;
        let t = Instant::now();
        let r = conn.request("GET", &path, Auth::Bearer(&tok), None).await?;
        cold.push(t.elapsed());
        anyhow::ensure!(r.status == 200, "attainment: {}", r.status);
    }
    report(
        "region attainment, first read after a change (page computed again)",
        &mut cold,
    );
    // The annual monitoring workbook of the region: the same figures,
    // written one sheet per domain.
    let xlsx = format!(
        "/outlines/report.xlsx?unit={}&year={year}",
        region.code.as_str()
    );
    let mut times = Vec::with_capacity(10);
    let mut size = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let r = conn.request("GET", &xlsx, Auth::Cookie(&tok), None).await?;
        times.push(t.elapsed());
        anyhow::ensure!(r.status == 200, "workbook: {} {}", r.status, r.text());
        size = r.body.len();
    }
    let st = report(
        &format!("region annual workbook ({} KB)", size / 1024),
        &mut times,
    );
    verdict(
        "region annual workbook, slowest of 10",
        format!("{:.0} ms", st.max),
        "≤ 3 s",
        st.max <= 3000.0,
    );
    server.abort();
    if let Some(dir) = temp_dir.filter(|_| !a.keep) {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}
