//! Demo outline monitoring: the national 2030 targets confirmed so far
//! (`assets/outlines/goals.csv`) as the region's official targets, an
//! invented catalogue for the rest (names start with 【演示】, flagged
//! `demo`), and plausible figures for the baseline year 2020 and three
//! recent years: every league reports its own, the banners of 锡林郭勒盟
//! and 包头市 report theirs (the leagues' figures then come from them).
//! The latest year's health report of 锡林郭勒盟 is left for the demo's
//! health-bureau reporter (`xlgl-health`), and a few banner reports wait
//! for the office's check. Called by `jinguo demo` through
//! [`super::MODULE`]'s `demo` with the system handle.

use jinguo_domain::outline::{
    CheckedEntry, Department, EntryDraft, FigureDraft, IndicatorDraft, IndicatorSpec, check_entry,
};
use jinguo_domain::{Level, UnitCode};
use jinguo_store::model::Unit;
use jinguo_store::outlines::{Decision, Indicator, NewTarget, Who};
use jinguo_store::{OutlineStore, SqlStore, UnitStore};

const GOALS: &str = include_str!("../../../../assets/outlines/goals.csv");
const XILINGOL: &str = "152500000000";
const BAOTOU: &str = "150200000000";
/// The demo's health-bureau reporter of 锡林郭勒盟.
pub const REPORTER: &str = "xlgl-health";

/// The fields of a CSV line, with quoted fields (RFC 4180).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// How a figure behaves in the demo: the 2020 value, its yearly change,
/// and the denominator of a banner (a league's is ten times).
struct Shape {
    base: f64,
    change: f64,
    den: (i64, i64),
}

/// What the numerator and denominator of an official indicator count, and
/// its demo shape.
fn official(name: &str) -> Option<(&'static str, &'static str, bool, Shape)> {
    let s = |base, change, den| Shape { base, change, den };
    Some(match name {
        "孕产妇死亡率" => (
            "孕产妇死亡人数",
            "活产数",
            false,
            s(19.0, -1.2, (1200, 4000)),
        ),
        "适龄妇女宫颈癌人群筛查率" => (
            "接受宫颈癌筛查的35—64岁妇女人数",
            "35—64岁妇女人数",
            false,
            s(48.0, 3.5, (15_000, 60_000)),
        ),
        "艾滋病母婴传播率" => (
            "感染艾滋病的HIV感染孕产妇所生儿童数",
            "HIV感染孕产妇所生儿童数",
            false,
            s(3.5, -0.3, (200, 600)),
        ),
        "新生儿死亡率" => ("新生儿死亡数", "活产数", false, s(4.0, -0.15, (1200, 4000))),
        "婴儿死亡率" => ("婴儿死亡数", "活产数", true, s(6.5, -0.3, (1200, 4000))),
        "5岁以下儿童死亡率" => (
            "5岁以下儿童死亡数",
            "活产数",
            true,
            s(8.5, -0.45, (1200, 4000)),
        ),
        "每千名儿童拥有儿科执业（助理）医生数" => (
            "儿科执业（助理）医生数",
            "0—17岁儿童人数",
            false,
            s(0.72, 0.05, (20_000, 80_000)),
        ),
        "每千名儿童拥有床位数" => (
            "儿科床位数",
            "0—17岁儿童人数",
            false,
            s(2.3, 0.12, (20_000, 80_000)),
        ),
        _ => return None,
    })
}

/// (code, domain, name, unit, numerator, denominator, direction,
/// department, sex, 2030 target, shape): invented, never official.
type DemoRow = (
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    f64,
    Shape,
);

fn invented() -> Vec<DemoRow> {
    let s = |base, change, den| Shape { base, change, den };
    vec![
        (
            "W2.1",
            "women",
            2,
            "【演示】女性高中阶段毛入学率",
            "percent",
            "高中阶段在校女生数",
            "15—17岁女性人数",
            "at_least",
            "education",
            false,
            95.0,
            s(88.0, 1.0, (1500, 5000)),
        ),
        (
            "W3.1",
            "women",
            3,
            "【演示】城镇单位就业人员中女性比例",
            "percent",
            "城镇单位女性就业人员数",
            "城镇单位就业人员数",
            "at_least",
            "human_resources",
            false,
            45.0,
            s(41.0, 0.4, (20_000, 90_000)),
        ),
        (
            "W4.1",
            "women",
            4,
            "【演示】村委会成员中女性比例",
            "percent",
            "村委会女性成员数",
            "村委会成员数",
            "at_least",
            "civil_affairs",
            false,
            30.0,
            s(23.0, 0.8, (300, 900)),
        ),
        (
            "W5.1",
            "women",
            5,
            "【演示】女性生育保险参保人数",
            "count",
            "",
            "",
            "at_least",
            "medical_security",
            false,
            0.0,
            s(12_000.0, 600.0, (1, 1)),
        ),
        (
            "W8.1",
            "women",
            8,
            "【演示】妇女获得法律援助件数",
            "count",
            "",
            "",
            "at_least",
            "justice",
            false,
            0.0,
            s(120.0, 12.0, (1, 1)),
        ),
        (
            "C3.1",
            "children",
            3,
            "【演示】学前教育毛入园率",
            "percent",
            "在园幼儿数",
            "3—5岁儿童人数",
            "at_least",
            "education",
            true,
            92.0,
            s(84.0, 1.3, (2000, 7000)),
        ),
        (
            "C4.1",
            "children",
            4,
            "【演示】城乡社区儿童之家覆盖率",
            "percent",
            "有儿童之家的社区（村）数",
            "社区（村）数",
            "at_least",
            "civil_affairs",
            false,
            90.0,
            s(72.0, 3.0, (60, 220)),
        ),
    ]
}

/// A stable pseudo-random number in 0..1 from a key (no `rand`, so the
/// demo is the same every time).
fn noise(key: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 10_000) as f64 / 10_000.0
}

fn figure(n: i64, d: i64) -> FigureDraft {
    FigureDraft {
        numerator: Some(n as f64),
        denominator: Some(d as f64),
        value: None,
    }
}

/// A plausible entry of a unit for a year.
fn entry(ind: &Indicator, shape: &Shape, unit: &Unit, year: i32) -> Option<CheckedEntry> {
    let key = format!("{}{}{}", ind.spec.code, unit.code.as_str(), year);
    let r = noise(&key);
    let years = f64::from(year - 2020);
    let league = if unit.level == Level::LEAGUE { 10 } else { 1 };
    let draft = match ind.spec.unit.scale() {
        Some(scale) => {
            let rate = (shape.base + shape.change * years) * (0.85 + 0.3 * r);
            let den = (shape.den.0
                + ((shape.den.1 - shape.den.0) as f64 * noise(&format!("d{key}"))) as i64)
                * league;
            let num = |d: i64| ((d as f64) * rate / scale).round().max(0.0) as i64;
            if ind.spec.sex_disaggregated {
                let f = den * 48 / 100;
                let m = den - f;
                EntryDraft {
                    female: figure(num(f).min(f), f),
                    male: figure(num(m).min(m), m),
                    source: "演示数据".into(),
                    ..Default::default()
                }
            } else {
                EntryDraft {
                    total: figure(num(den).min(den), den),
                    source: "演示数据".into(),
                    ..Default::default()
                }
            }
        }
        None => EntryDraft {
            total: FigureDraft {
                value: Some(
                    ((shape.base + shape.change * years) * (0.8 + 0.4 * r)).round() * league as f64,
                ),
                ..Default::default()
            },
            source: "演示数据".into(),
            ..Default::default()
        },
    };
    // The demo's figures carry an explanation, so a noisy jump passes.
    let draft = EntryDraft {
        explanation: "演示数据，随机生成".into(),
        ..draft
    };
    check_entry(&ind.spec, &draft, None).ok()
}

async fn unit(store: &SqlStore, code: &str) -> anyhow::Result<Option<Unit>> {
    let Ok(code) = UnitCode::parse(code) else {
        return Ok(None);
    };
    match store.unit_by_code(&code).await {
        Ok(u) => Ok(Some(u)),
        Err(jinguo_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn fill(store: &SqlStore) -> anyhow::Result<u64> {
    let period = super::period();
    if !store.indicators(period, None).await?.is_empty() {
        return Ok(0);
    }
    let region = store.root_unit().await?;
    let all = store.system_scope(&region);
    let who = Who::default();
    let now = crate::state::now();

    // The catalogue: official rows first, then the invented ones.
    let mut specs: Vec<(IndicatorSpec, Option<f64>, bool, Shape)> = Vec::new();
    let mut lines = GOALS.lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let col = |name: &str| header.iter().position(|h| h == name);
    let (
        Some(c_outline),
        Some(c_domain),
        Some(c_goal),
        Some(c_name),
        Some(c_unit),
        Some(c_dir),
        Some(c_target),
        Some(c_source),
    ) = (
        col("outline"),
        col("domain_no"),
        col("goal_zh"),
        col("indicator_zh"),
        col("unit"),
        col("direction"),
        col("target_2030"),
        col("source_url"),
    )
    else {
        anyhow::bail!("goals.csv: unexpected header");
    };
    let mut per_domain = std::collections::HashMap::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f = csv_fields(line);
        let Some((num, den, sex, shape)) = official(&f[c_name]) else {
            continue;
        };
        let domain: i64 = f[c_domain].parse()?;
        let n = per_domain
            .entry((f[c_outline].clone(), domain))
            .or_insert(0);
        *n += 1;
        let prefix = if f[c_outline] == "women" { "W" } else { "C" };
        let spec = IndicatorSpec::try_from(IndicatorDraft {
            code: format!("{prefix}{domain}.{n}"),
            outline: f[c_outline].clone(),
            domain_no: Some(domain),
            goal: f[c_goal].clone(),
            name: f[c_name].clone(),
            unit: f[c_unit].clone(),
            numerator: num.into(),
            denominator: den.into(),
            direction: f[c_dir].clone(),
            department: "health".into(),
            levels: "1,2,3".into(),
            sex_disaggregated: sex,
            source: f[c_source].chars().take(200).collect(),
            jump_percent: None,
            demo: false,
        })
        .map_err(|e| anyhow::anyhow!("goals.csv row {}: {e:?}", f[c_name]))?;
        specs.push((spec, f[c_target].parse().ok(), true, shape));
    }
    for (code, outline, domain, name, unit, num, den, dir, dep, sex, target, shape) in invented() {
        let spec = IndicatorSpec::try_from(IndicatorDraft {
            code: code.into(),
            outline: outline.into(),
            domain_no: Some(domain),
            goal: "演示目标（虚构，不代表纲要内容）".into(),
            name: name.into(),
            unit: unit.into(),
            numerator: num.into(),
            denominator: den.into(),
            direction: dir.into(),
            department: dep.into(),
            levels: "1,2,3".into(),
            sex_disaggregated: sex,
            source: "演示数据".into(),
            jump_percent: None,
            demo: true,
        })
        .map_err(|e| anyhow::anyhow!("demo indicator {code}: {e:?}"))?;
        specs.push((spec, (target > 0.0).then_some(target), false, shape));
    }
    let only: Vec<IndicatorSpec> = specs.iter().map(|s| s.0.clone()).collect();
    let ids = store.save_indicators(all, period, &only, &who, now).await?;
    let indicators = store.indicators(period, None).await?;
    let mut written = ids.len() as u64;
    for ((_, target, official, _), id) in specs.iter().zip(&ids) {
        if let Some(value) = target {
            store
                .set_target(
                    all,
                    NewTarget {
                        indicator: *id,
                        unit: region.id,
                        year: period.end(),
                        value: *value,
                        official: *official,
                    },
                    &who,
                    now,
                )
                .await?;
            written += 1;
        }
    }

    // Who reports: every league its own figures, the banners of two
    // leagues theirs (those two leagues then add up their banners).
    let mut reporters: Vec<Unit> = Vec::new();
    for league in store.children(region.id).await? {
        if league.level != Level::LEAGUE || !league.active {
            continue;
        }
        let with_banners = [XILINGOL, BAOTOU].contains(&league.code.as_str());
        if with_banners {
            for b in store.children(league.id).await? {
                if b.level == Level::BANNER && b.active && b.kind == jinguo_domain::UnitKind::Geo {
                    reporters.push(b);
                }
            }
        } else {
            reporters.push(league);
        }
    }
    let latest = time::OffsetDateTime::now_utc().year() - 1;
    let latest = latest.clamp(period.start(), period.end());
    let years = [period.start() - 1, latest - 2, latest - 1, latest];
    let departments: Vec<Department> = {
        let mut d: Vec<Department> = indicators
            .iter()
            .map(|i| i.spec.department.clone())
            .collect();
        d.sort();
        d.dedup();
        d
    };
    for u in &reporters {
        let scope = store.system_scope(u);
        for &year in &years {
            for dep in &departments {
                let entries: Vec<_> = indicators
                    .iter()
                    .filter(|i| &i.spec.department == dep)
                    .filter_map(|i| {
                        let shape = specs
                            .iter()
                            .find(|s| s.0.code == i.spec.code)
                            .map(|s| &s.3)?;
                        Some((i.id, entry(i, shape, u, year)?))
                    })
                    .collect();
                if entries.is_empty() {
                    continue;
                }
                // A few of the latest reports wait for the office's check.
                let waiting = year == latest
                    && noise(&format!("w{}{}", u.code.as_str(), dep.as_str())) < 0.25;
                store
                    .save_outline_report(scope, u, period, year, dep, &entries, &who, now)
                    .await?;
                store
                    .submit_outline_report(scope, u, year, dep, &who, now)
                    .await?;
                if !waiting {
                    let office = store.system_scope(u);
                    store
                        .review_outline_report(office, u, year, dep, Decision::Approve, &who, now)
                        .await?;
                }
                written += entries.len() as u64;
            }
        }
    }

    // The health-bureau reporter of 锡林郭勒盟 reports for her league.
    if let (Some(_), Ok(c)) = (
        unit(store, XILINGOL).await?,
        store.credentials(REPORTER).await,
    ) {
        let health = Department::parse("health").expect("a dictionary key");
        store
            .set_reporter_department(all, c.user.id, &health, &who, now)
            .await?;
    }
    Ok(written)
}
