//! The outline figures kept on write (issue 16, design 3) against a
//! recount: a fixed-seed random sequence of saves, submits, approvals and
//! returns across the region, three leagues and their banners, then a
//! change of the levels an indicator is reported at, then the retirement
//! of a banner. After each, every reporting unit's attainment figures for
//! every year, read from the kept roll-ups, equal those rolled up in
//! memory from the raw approved values (`figures::compute`, the page's
//! former path); and the kept rows equal a rebuild from scratch, and the
//! roll-up made when an upgraded database is opened.

use jinguo_app::outlines::figures::{self, Figures};
use jinguo_domain::outline::{
    CheckedEntry, Department, EntryDraft, FigureDraft, IndicatorDraft, IndicatorSpec,
    OutlineReportStatus, PlanPeriod, check_entry,
};
use jinguo_domain::{Level, UnitId};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{Unit, UnitRef};
use jinguo_store::outlines::{Decision, Indicator, NewTarget, RollupRow, Who};
use jinguo_store::testing::{execute, scalar};
use jinguo_store::{BUNDLED_DIVISIONS_CSV, OutlineStore, SqlStore, UnitStore};

use crate::both_backends;
use crate::support::*;

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const HOHHOT: &str = "150100000000";

/// The region, Xilingol, Baotou and Hohhot with all their banners, and the
/// test subset's townships and villages (the import retires what a list
/// leaves out). `without`: a banner left out, to retire it.
fn tree_csv(without: Option<&str>) -> String {
    let keep = [
        REGION, XILINGOL, XILINHOT, ERENHOT, BAOLIGEN, YILELT, HANAULA, BAOTOU, BAOTOU_BANNER,
    ];
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        let code = &line[..12];
        let banner_of = |league: &str| {
            code[..4] == league[..4] && code.ends_with("000000") && line.ends_with(",3")
        };
        let wanted = keep.contains(&code)
            || code == HOHHOT
            || banner_of(XILINGOL)
            || banner_of(BAOTOU)
            || banner_of(HOHHOT);
        if wanted && Some(code) != without {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn spec(code: &str, unit: &str, department: &str, levels: &str, sexes: bool) -> IndicatorSpec {
    let ratio = !matches!(unit, "count" | "years");
    IndicatorSpec::try_from(IndicatorDraft {
        code: code.into(),
        outline: "women".into(),
        domain_no: Some(1),
        name: format!("测试指标 {code}"),
        unit: unit.into(),
        numerator: if ratio { "分子".into() } else { String::new() },
        denominator: if ratio { "分母".into() } else { String::new() },
        direction: if unit == "per_100k" { "at_most" } else { "at_least" }.into(),
        department: department.into(),
        levels: levels.into(),
        sex_disaggregated: sexes,
        demo: true,
        ..Default::default()
    })
    .unwrap()
}

fn catalogue(count_levels: &str) -> Vec<IndicatorSpec> {
    vec![
        spec("R1", "per_100k", "health", "1,2,3", false),
        spec("R2", "percent", "education", "1,2,3", true),
        spec("R3", "count", "health", count_levels, true),
        spec("R4", "years", "education", "1,2,3", false),
        spec("R5", "per_mille", "health", "2,3", false),
    ]
}

fn random_entry(rng: &mut Rng, s: &IndicatorSpec) -> CheckedEntry {
    let ratio = |rng: &mut Rng| {
        let (d, n) = match s.unit.as_str() {
            "per_100k" => {
                let d = rng.range(1_000, 50_000);
                (d, rng.range(0, 12))
            }
            _ => {
                let d = rng.range(1, 500);
                (d, rng.range(0, d))
            }
        };
        FigureDraft {
            numerator: Some(n as f64),
            denominator: Some(d as f64),
            value: None,
        }
    };
    let value = |rng: &mut Rng| FigureDraft {
        value: Some(if s.unit.as_str() == "years" {
            rng.range(600, 850) as f64 / 10.0
        } else {
            rng.range(0, 100) as f64
        }),
        ..Default::default()
    };
    let mut draft = EntryDraft::default();
    let fig = |rng: &mut Rng| {
        if s.unit.is_ratio() {
            ratio(rng)
        } else {
            value(rng)
        }
    };
    if s.sex_disaggregated {
        draft.female = fig(rng);
        draft.male = fig(rng);
    } else {
        draft.total = fig(rng);
    }
    check_entry(s, &draft, None).unwrap()
}

fn unit_ref(u: &Unit) -> UnitRef {
    UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
        level: u.level,
    }
}

/// The active reporting units (levels 1–3) of the tree.
async fn reporting(store: &SqlStore) -> Vec<Unit> {
    let region = store.root_unit().await.unwrap();
    let mut out = vec![region.clone()];
    let mut open = vec![region.id];
    while let Some(p) = open.pop() {
        for c in store.children(p).await.unwrap() {
            if c.active && c.level <= Level::BANNER {
                open.push(c.id);
                out.push(c);
            }
        }
    }
    out
}

fn same(kept: &Figures, recount: &Figures, what: &str) -> usize {
    let ids = |f: &Figures| f.children.iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(kept), ids(recount), "{what}: units below");
    assert_eq!(kept.domains, recount.domains, "{what}: domain summaries");
    assert_eq!(kept.rows.len(), recount.rows.len(), "{what}");
    let mut with_value = 0;
    for (k, r) in kept.rows.iter().zip(&recount.rows) {
        let code = &r.indicator.spec.code;
        assert_eq!(k.cell, r.cell, "{what} {code}: the unit's cell");
        assert_eq!(k.children, r.children, "{what} {code}: the cells below");
        with_value += usize::from(r.cell.value.is_some());
    }
    with_value
}

/// Every reporting unit's figures for every year, kept against recounted;
/// returns how many cells had a value (so the test cannot pass empty).
async fn check(store: &SqlStore, period: PlanPeriod, inds: &[Indicator], stage: &str) -> usize {
    let mut with_value = 0;
    for u in reporting(store).await {
        let scope = store.system_scope(&u);
        let above: Vec<UnitId> = u
            .ancestors
            .iter()
            .flatten()
            .copied()
            .filter(|a| *a != u.id)
            .collect();
        let targets = store.targets_for(scope, &u, period).await.unwrap();
        for year in 2020..=2026 {
            let years = figures::years_needed(period, year);
            let units = store.reporting_units(scope, &u).await.unwrap();
            let values = store.approved_values(scope, &u, &years).await.unwrap();
            let kept = store
                .outline_page_rollups(scope, &u, year, &figures::earlier_years(period, year))
                .await
                .unwrap();
            // The page's pivot reads what the kept rows hold.
            let full = store.outline_rollups(scope, &u, &years).await.unwrap();
            for k in &kept {
                let f = full
                    .iter()
                    .find(|f| (f.indicator, f.unit, f.year) == (k.indicator, k.unit, k.year))
                    .expect("a kept row");
                if k.year == year {
                    assert_eq!(k, f);
                } else {
                    assert_eq!(k.rollup.total, f.rollup.total);
                }
            }
            let recount = figures::compute(
                unit_ref(&u),
                &above,
                period,
                year,
                inds,
                units.clone(),
                values,
                targets.clone(),
            );
            let from_kept = figures::from_kept(
                unit_ref(&u),
                &above,
                period,
                year,
                inds,
                units,
                kept,
                targets.clone(),
            );
            with_value += same(
                &from_kept,
                &recount,
                &format!("{stage}: {} {year}", u.code.as_str()),
            );
        }
    }
    with_value
}

/// Every kept row of the reporting units, sorted.
async fn all_kept(store: &SqlStore) -> Vec<RollupRow> {
    let years: Vec<i32> = (2018..=2030).collect();
    let mut out = Vec::new();
    for u in reporting(store).await {
        let rows = store
            .outline_rollups(store.system_scope(&u), &u, &years)
            .await
            .unwrap();
        out.extend(rows.into_iter().filter(|r| r.unit == u.id));
    }
    out.sort_by_key(|r| (r.unit, r.year, r.indicator));
    out
}

async fn kept_equals_rebuild(store: &SqlStore, stage: &str) {
    let before = all_kept(store).await;
    assert!(!before.is_empty(), "{stage}: something is kept");
    store.rebuild_outline_rollups().await.unwrap();
    let after = all_kept(store).await;
    assert_eq!(before.len(), after.len(), "{stage}: rows kept vs rebuilt");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{stage}: kept vs rebuilt");
    }
}

async fn recount(db: Db) {
    let Some(app) = spawn_app(db, |_| {}).await else {
        return;
    };
    let store = &app.store;
    let records = read_division_csv(tree_csv(None).as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let period = PlanPeriod::parse("2021-2030").unwrap();
    let region = store.root_unit().await.unwrap();
    let office = store.system_scope(&region);
    let who = Who::default();
    let specs = catalogue("2,3");
    let ids = store
        .save_indicators(office, period, &specs, &who, 1)
        .await
        .unwrap();
    // A target, so attainment is part of what is compared.
    for (id, value) in [(ids[0], 12.0), (ids[1], 60.0), (ids[4], 5.0)] {
        store
            .set_target(
                office,
                NewTarget {
                    indicator: id,
                    unit: region.id,
                    year: 2030,
                    value,
                    official: false,
                },
                &who,
                1,
            )
            .await
            .unwrap();
    }
    let units = reporting(store).await;
    assert!(units.len() > 30, "{} reporting units", units.len());
    let departments = [
        Department::parse("health").unwrap(),
        Department::parse("education").unwrap(),
    ];

    let mut rng = Rng(0x0016_2026_1204_0033);
    let (mut approved, mut returned) = (0, 0);
    for step in 0..400 {
        let u = &units[rng.range(0, units.len() as i64 - 1) as usize];
        let year = rng.range(2020, 2024) as i32;
        let dep = &departments[rng.range(0, 1) as usize];
        let at = store.system_scope(u);
        let mine: Vec<(usize, &IndicatorSpec)> = specs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.department == *dep && s.reported_at(u.level))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let status = store
            .outline_report(at, u, year, dep)
            .await
            .unwrap()
            .map(|r| r.head.status);
        match status {
            None | Some(OutlineReportStatus::Draft) | Some(OutlineReportStatus::Returned) => {
                // Some of the department's indicators, at least one.
                let mut entries = Vec::new();
                for (i, s) in &mine {
                    if rng.chance(70) {
                        entries.push((ids[*i], random_entry(&mut rng, s)));
                    }
                }
                if entries.is_empty() {
                    let (i, s) = mine[0];
                    entries.push((ids[i], random_entry(&mut rng, s)));
                }
                store
                    .save_outline_report(at, u, period, year, dep, &entries, &who, 1)
                    .await
                    .unwrap();
                if rng.chance(80) {
                    store
                        .submit_outline_report(at, u, year, dep, &who, 1)
                        .await
                        .unwrap();
                }
            }
            Some(OutlineReportStatus::Submitted) => {
                let decision = if rng.chance(70) {
                    approved += 1;
                    Decision::Approve
                } else {
                    returned += 1;
                    Decision::Return("数字需核实".into())
                };
                store
                    .review_outline_report(office, u, year, dep, decision, &who, 1)
                    .await
                    .unwrap();
            }
            Some(OutlineReportStatus::Approved) => {}
        }
        // A recount part of the way through, too.
        if step == 150 {
            check(store, period, &inds(store, period).await, "after 150 steps").await;
        }
    }
    assert!(approved > 40 && returned > 10, "{approved} approved, {returned} returned");
    let inds_now = inds(store, period).await;
    let n = check(store, period, &inds_now, "after the sequence").await;
    assert!(n > 100, "only {n} cells with a value");
    kept_equals_rebuild(store, "after the sequence").await;

    // The count is now reported by the region too, and no longer by the
    // leagues: the region's figure counts the banners no more (they are
    // not its units one level down), only its own report would.
    let ids2 = store
        .save_indicators(office, period, &catalogue("1,3"), &who, 2)
        .await
        .unwrap();
    assert_eq!(ids, ids2);
    let inds_now = inds(store, period).await;
    check(store, period, &inds_now, "after a change of levels").await;

    // A banner with approved figures retired by the yearly code list: its
    // league no longer counts it.
    let years: Vec<i32> = (2020..=2024).collect();
    let with_figures = store.approved_values(office, &region, &years).await.unwrap();
    let gone = units
        .iter()
        .find(|u| u.level == Level::BANNER && with_figures.iter().any(|v| v.unit == u.id))
        .expect("a banner with approved figures");
    let records = read_division_csv(tree_csv(Some(gone.code.as_str())).as_bytes()).unwrap();
    let summary = store.import_divisions(&records).await.unwrap();
    assert_eq!(summary.retired, 1);
    let n = check(store, period, &inds_now, "after a retirement").await;
    assert!(n > 100, "only {n} cells with a value");
    kept_equals_rebuild(store, "after a retirement").await;

    // A database upgraded to migration 0033 holds approved reports and no
    // roll-ups yet, with the pending mark the migration leaves: opening
    // the store rolls them up.
    let kept = all_kept(store).await;
    execute(store, "DELETE FROM outline_rollups").await;
    execute(store, "INSERT INTO outline_rollups_pending (id) VALUES (1)").await;
    assert!(all_kept(store).await.is_empty());
    store.migrate().await.unwrap();
    assert_eq!(all_kept(store).await, kept, "rolled up on opening");
    assert_eq!(
        scalar(store, "SELECT COUNT(*) FROM outline_rollups_pending").await,
        Some(0)
    );
}

both_backends!(outline_rollups_recount, recount);

async fn inds(store: &SqlStore, period: PlanPeriod) -> Vec<Indicator> {
    store.indicators(period, None).await.unwrap()
}
