//! A unit's outline figures for a year: each indicator's value (its own
//! approved report, else the ratio-correct aggregate of the units below),
//! the aggregate beside the own value with a flag when they differ, the
//! target that holds there, the baseline and the attainment; the same for
//! each reporting unit one level down (the region sees every league side by
//! side); and a summary per domain.

use std::collections::HashMap;

use jinguo_domain::UnitId;
use jinguo_domain::outline::{
    Aggregate, Attainment, Contribution, DEFAULT_TOLERANCE, Domain, DomainSummary, Figure,
    IndicatorId, PlanPeriod, Rollup, aggregate, attainment, differs, effective_target,
};
use jinguo_store::model::UnitRef;
use jinguo_store::outlines::{Indicator, ReportingUnit, RollupRow, TargetRow, ValueRow};

/// One indicator at one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// What counts: the own report, else the aggregate.
    pub value: Option<f64>,
    /// The figure behind `value`: numerator and denominator of a ratio.
    pub figure: Option<Figure>,
    pub own: Option<f64>,
    pub aggregate: Option<Aggregate>,
    /// The own value and the aggregate differ beyond the tolerance.
    pub differs: bool,
    pub female: Option<f64>,
    pub male: Option<f64>,
    pub previous: Option<f64>,
    pub baseline: Option<f64>,
    /// (year, value) of the target that holds.
    pub target: Option<(i32, f64)>,
    pub attainment: Attainment,
}

/// One indicator: at the unit and at each unit one level down.
#[derive(Debug, Clone)]
pub struct Row {
    pub indicator: Indicator,
    pub cell: Cell,
    pub children: Vec<Cell>,
}

/// The page's figures.
#[derive(Debug)]
pub struct Figures {
    pub unit: UnitRef,
    pub year: i32,
    pub children: Vec<UnitRef>,
    pub rows: Vec<Row>,
    pub domains: Vec<(Domain, DomainSummary)>,
}

struct Tree {
    units: HashMap<UnitId, ReportingUnit>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

type Values = HashMap<(IndicatorId, UnitId, i32), ValueRow>;

type Effective = (Option<Figure>, Option<Aggregate>);

struct Ctx<'a> {
    tree: &'a Tree,
    values: &'a Values,
    /// Each (indicator, unit, year) is worked out once: a unit's figure is
    /// asked for by its own cell, its parent's aggregate and as last year's.
    memo: std::cell::RefCell<HashMap<(IndicatorId, UnitId, i32), Effective>>,
}

impl Ctx<'_> {
    /// The figure a unit stands for: its own report, else what its units
    /// below add up to (ratio-correct); with the aggregate itself.
    fn effective(&self, ind: &Indicator, unit: UnitId, year: i32) -> Effective {
        if let Some(e) = self.memo.borrow().get(&(ind.id, unit, year)) {
            return *e;
        }
        let e = self.work_out(ind, unit, year);
        self.memo.borrow_mut().insert((ind.id, unit, year), e);
        e
    }

    fn work_out(&self, ind: &Indicator, unit: UnitId, year: i32) -> Effective {
        let own = self
            .values
            .get(&(ind.id, unit, year))
            .map(|v| v.entry.total);
        let agg = self.aggregate(ind, unit, year);
        let from_agg = agg.and_then(|a| match (a.numerator, a.denominator, a.value) {
            (Some(numerator), Some(denominator), _) => Some(Figure::Ratio {
                numerator,
                denominator,
            }),
            (None, None, Some(value)) => Some(Figure::Value { value }),
            _ => None,
        });
        (own.or(from_agg), agg)
    }

    /// The female (or male) figure a unit stands for: its own report's,
    /// else Σ numerators / Σ denominators (or Σ counts) of its units below
    /// that have one, so the split adds up the same way as the total.
    fn by_sex(&self, ind: &Indicator, unit: UnitId, year: i32, female: bool) -> Option<Figure> {
        if let Some(v) = self.values.get(&(ind.id, unit, year)) {
            return if female { v.entry.female } else { v.entry.male };
        }
        let contributions: Vec<Contribution> = self
            .tree
            .children
            .get(&unit)?
            .iter()
            .filter(|c| ind.spec.reported_at(self.tree.units[c].unit.level))
            .map(|c| Contribution {
                figure: self.by_sex(ind, *c, year, female),
                last_denominator: None,
            })
            .collect();
        let a = aggregate(ind.spec.unit, &contributions)?;
        match (a.numerator, a.denominator, a.value) {
            (Some(numerator), Some(denominator), _) => Some(Figure::Ratio {
                numerator,
                denominator,
            }),
            (None, None, Some(value)) => Some(Figure::Value { value }),
            _ => None,
        }
    }

    fn aggregate(&self, ind: &Indicator, unit: UnitId, year: i32) -> Option<Aggregate> {
        let below: Vec<UnitId> = self
            .tree
            .children
            .get(&unit)
            .map(|c| {
                c.iter()
                    .copied()
                    .filter(|c| ind.spec.reported_at(self.tree.units[c].unit.level))
                    .collect()
            })
            .unwrap_or_default();
        if below.is_empty() {
            return None;
        }
        let contributions: Vec<Contribution> = below
            .iter()
            .map(|c| Contribution {
                figure: self.effective(ind, *c, year).0,
                last_denominator: self
                    .effective(ind, *c, year - 1)
                    .0
                    .and_then(Figure::denominator),
            })
            .collect();
        aggregate(ind.spec.unit, &contributions)
    }

    fn cell(
        &self,
        ind: &Indicator,
        unit: UnitId,
        year: i32,
        baseline_year: i32,
        target: Option<(i32, f64)>,
    ) -> Cell {
        let u = ind.spec.unit;
        let (fig, agg) = self.effective(ind, unit, year);
        let own_row = self.values.get(&(ind.id, unit, year));
        let own = own_row.and_then(|v| v.entry.total.value(u));
        let value = fig.and_then(|f| f.value(u));
        let baseline = self
            .effective(ind, unit, baseline_year)
            .0
            .and_then(|f| f.value(u));
        let previous = self
            .effective(ind, unit, year - 1)
            .0
            .and_then(|f| f.value(u));
        let sex = |female: bool| {
            ind.spec
                .sex_disaggregated
                .then(|| self.by_sex(ind, unit, year, female))
                .flatten()
                .and_then(|f| f.value(u))
        };
        let differs = match (own, agg.and_then(|a| a.value)) {
            (Some(o), Some(a)) => differs(o, a, DEFAULT_TOLERANCE),
            _ => false,
        };
        Cell {
            value,
            figure: fig,
            own,
            aggregate: agg,
            differs,
            female: sex(true),
            male: sex(false),
            previous,
            baseline,
            target,
            attainment: attainment(
                ind.spec.direction,
                value,
                target,
                baseline.map(|b| (baseline_year, b)),
                year,
            ),
        }
    }
}

/// The target that holds at `unit` for `year`: the mid-term one up to the
/// mid-term year when one is set, the final one after (and when none is).
fn target_at(
    ind: &Indicator,
    period: PlanPeriod,
    chain: &[UnitId],
    targets: &HashMap<(IndicatorId, UnitId, i32), f64>,
    year: i32,
) -> Option<(i32, f64)> {
    let at = |ty: i32| {
        let set: Vec<Option<f64>> = chain
            .iter()
            .map(|u| targets.get(&(ind.id, *u, ty)).copied())
            .collect();
        effective_target(ind.spec.direction, &set).map(|v| (ty, v))
    };
    if year <= period.midterm() {
        at(period.midterm()).or_else(|| at(period.end()))
    } else {
        at(period.end())
    }
}

/// The years before `year` whose figures the page shows (last year and
/// the baseline year), for [`from_kept`].
pub fn earlier_years(period: PlanPeriod, year: i32) -> Vec<i32> {
    let mut y: Vec<i32> = years_needed(period, year)
        .into_iter()
        .filter(|y| *y != year)
        .collect();
    y.dedup();
    y
}

/// The years whose approved figures the page needs.
pub fn years_needed(period: PlanPeriod, year: i32) -> Vec<i32> {
    let mut y = vec![period.start() - 1, year - 1, year];
    y.sort();
    y.dedup();
    y
}

/// Everything the attainment page and its API show.
#[expect(clippy::too_many_arguments, reason = "the rows of four store reads")]
pub fn compute(
    unit: UnitRef,
    ancestors_above: &[UnitId],
    period: PlanPeriod,
    year: i32,
    indicators: &[Indicator],
    units: Vec<ReportingUnit>,
    values: Vec<ValueRow>,
    targets: Vec<TargetRow>,
) -> Figures {
    let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for u in &units {
        if let Some(p) = u.parent {
            children.entry(p).or_default().push(u.unit.id);
        }
    }
    let tree = Tree {
        units: units.iter().map(|u| (u.unit.id, u.clone())).collect(),
        children,
    };
    let values: Values = values
        .into_iter()
        .map(|v| ((v.indicator, v.unit, v.year), v))
        .collect();
    let targets: HashMap<(IndicatorId, UnitId, i32), f64> = targets
        .iter()
        .map(|t| ((t.indicator, t.unit, t.year), t.value))
        .collect();
    let ctx = Ctx {
        tree: &tree,
        values: &values,
        memo: std::cell::RefCell::new(HashMap::new()),
    };
    let kids: Vec<UnitRef> = tree
        .children
        .get(&unit.id)
        .map(|c| c.iter().map(|id| tree.units[id].unit.clone()).collect())
        .unwrap_or_default();
    // The chain of units from the region down to `unit`.
    let mut chain: Vec<UnitId> = ancestors_above.to_vec();
    chain.push(unit.id);
    let baseline_year = period.start() - 1;
    let mut domains: Vec<(Domain, DomainSummary)> = Vec::new();
    let mut rows = Vec::new();
    for ind in indicators {
        let target = target_at(ind, period, &chain, &targets, year);
        let cell = ctx.cell(ind, unit.id, year, baseline_year, target);
        match domains.iter_mut().find(|(d, _)| *d == ind.spec.domain) {
            Some((_, s)) => s.add(cell.attainment),
            None => {
                let mut s = DomainSummary::default();
                s.add(cell.attainment);
                domains.push((ind.spec.domain, s));
            }
        }
        let children = kids
            .iter()
            .map(|k| {
                let mut c = chain.clone();
                c.push(k.id);
                let t = target_at(ind, period, &c, &targets, year);
                ctx.cell(ind, k.id, year, baseline_year, t)
            })
            .collect();
        rows.push(Row {
            indicator: ind.clone(),
            cell,
            children,
        });
    }
    Figures {
        unit,
        year,
        children: kids,
        rows,
        domains,
    }
}

/// One unit's cell from the kept roll-ups: the same as [`Ctx::cell`] works
/// out from raw values.
fn kept_cell(
    kept: &HashMap<(IndicatorId, UnitId, i32), Rollup>,
    tree: &Tree,
    ind: &Indicator,
    unit: UnitId,
    year: i32,
    baseline_year: i32,
    target: Option<(i32, f64)>,
) -> Cell {
    let u = ind.spec.unit;
    let below = tree
        .children
        .get(&unit)
        .map(|c| {
            c.iter()
                .filter(|c| ind.spec.reported_at(tree.units[c].unit.level))
                .count() as u32
        })
        .unwrap_or(0);
    let r = kept
        .get(&(ind.id, unit, year))
        .copied()
        .unwrap_or_else(|| Rollup::nothing(u, below));
    let value_in = |y: i32| {
        kept.get(&(ind.id, unit, y))
            .and_then(|r| r.total)
            .and_then(|f| f.value(u))
    };
    let value = r.total.and_then(|f| f.value(u));
    let own = if r.own { value } else { None };
    let baseline = value_in(baseline_year);
    let previous = value_in(year - 1);
    let sex = |f: Option<Figure>| {
        ind.spec
            .sex_disaggregated
            .then_some(f)
            .flatten()
            .and_then(|f| f.value(u))
    };
    let differs = match (own, r.aggregate.and_then(|a| a.value)) {
        (Some(o), Some(a)) => differs(o, a, DEFAULT_TOLERANCE),
        _ => false,
    };
    Cell {
        value,
        figure: r.total,
        own,
        aggregate: r.aggregate,
        differs,
        female: sex(r.female),
        male: sex(r.male),
        previous,
        baseline,
        target,
        attainment: attainment(
            ind.spec.direction,
            value,
            target,
            baseline.map(|b| (baseline_year, b)),
            year,
        ),
    }
}

/// Everything the attainment page and its API show, from the roll-ups
/// kept on write for the unit and its units one level down (`kept`: for
/// `year`, and at least the totals for [`earlier_years`]) and the reporting units of its subtree (`units`: who
/// is below whom, to say how many units below were expected where nothing
/// is kept).
#[expect(clippy::too_many_arguments, reason = "the rows of four store reads")]
pub fn from_kept(
    unit: UnitRef,
    ancestors_above: &[UnitId],
    period: PlanPeriod,
    year: i32,
    indicators: &[Indicator],
    units: Vec<ReportingUnit>,
    kept: Vec<RollupRow>,
    targets: Vec<TargetRow>,
) -> Figures {
    let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for u in &units {
        if let Some(p) = u.parent {
            children.entry(p).or_default().push(u.unit.id);
        }
    }
    let tree = Tree {
        units: units.iter().map(|u| (u.unit.id, u.clone())).collect(),
        children,
    };
    let kept: HashMap<(IndicatorId, UnitId, i32), Rollup> = kept
        .into_iter()
        .map(|k| ((k.indicator, k.unit, k.year), k.rollup))
        .collect();
    let targets: HashMap<(IndicatorId, UnitId, i32), f64> = targets
        .iter()
        .map(|t| ((t.indicator, t.unit, t.year), t.value))
        .collect();
    let kids: Vec<UnitRef> = tree
        .children
        .get(&unit.id)
        .map(|c| c.iter().map(|id| tree.units[id].unit.clone()).collect())
        .unwrap_or_default();
    let mut chain: Vec<UnitId> = ancestors_above.to_vec();
    chain.push(unit.id);
    let baseline_year = period.start() - 1;
    let mut domains: Vec<(Domain, DomainSummary)> = Vec::new();
    let mut rows = Vec::with_capacity(indicators.len());
    for ind in indicators {
        let target = target_at(ind, period, &chain, &targets, year);
        let cell = kept_cell(&kept, &tree, ind, unit.id, year, baseline_year, target);
        match domains.iter_mut().find(|(d, _)| *d == ind.spec.domain) {
            Some((_, s)) => s.add(cell.attainment),
            None => {
                let mut s = DomainSummary::default();
                s.add(cell.attainment);
                domains.push((ind.spec.domain, s));
            }
        }
        let children = kids
            .iter()
            .map(|k| {
                let mut c = chain.clone();
                c.push(k.id);
                let t = target_at(ind, period, &c, &targets, year);
                kept_cell(&kept, &tree, ind, k.id, year, baseline_year, t)
            })
            .collect();
        rows.push(Row {
            indicator: ind.clone(),
            cell,
            children,
        });
    }
    Figures {
        unit,
        year,
        children: kids,
        rows,
        domains,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jinguo_domain::outline::{Entry, IndicatorDraft, IndicatorSpec};
    use jinguo_domain::{Level, UnitCode};

    fn unit(id: i64, code: &str, level: u8, parent: Option<i64>) -> ReportingUnit {
        ReportingUnit {
            unit: UnitRef {
                id: UnitId::new(id),
                code: UnitCode::parse(code).unwrap(),
                name: code.into(),
                level: Level::new(level).unwrap(),
            },
            parent: parent.map(UnitId::new),
        }
    }

    fn value(ind: i64, unit: i64, year: i32, n: i64, d: i64) -> ValueRow {
        ValueRow {
            indicator: IndicatorId::new(ind),
            unit: UnitId::new(unit),
            year,
            entry: Entry {
                total: Figure::Ratio {
                    numerator: n,
                    denominator: d,
                },
                female: None,
                male: None,
            },
        }
    }

    /// Region 1 with leagues 2 and 3; league 2 with banners 4 and 5.
    /// Maternal deaths / live births, 2024:
    ///   banner 4: 1 / 10,000; banner 5: 2 / 30,000 → league 2 (no own
    ///   report) = 3 / 40,000 = 7.5 per 100,000;
    ///   league 3 did not report in 2024 (2023: 2 / 20,000).
    /// The region = 3 / 40,000 = 7.5, covering 40,000 / 60,000 of the
    /// live births. Baseline 2020 at the region (own report): 20.0; target
    /// at most 12 by 2030, so 2024 expects 20 − 8 × 4/10 = 16.8: 7.5 is
    /// attained already.
    #[test]
    fn figures_roll_up_ratio_correctly_and_say_attainment() {
        let period = PlanPeriod::parse("2021-2030").unwrap();
        let ind = Indicator {
            id: IndicatorId::new(7),
            period,
            spec: IndicatorSpec::try_from(IndicatorDraft {
                code: "W1.1".into(),
                outline: "women".into(),
                domain_no: Some(1),
                name: "孕产妇死亡率".into(),
                unit: "per_100k".into(),
                numerator: "孕产妇死亡数".into(),
                denominator: "活产数".into(),
                direction: "at_most".into(),
                department: "health".into(),
                levels: "1,2,3".into(),
                ..Default::default()
            })
            .unwrap(),
        };
        let units = vec![
            unit(1, "150000000000", 1, None),
            unit(2, "152500000000", 2, Some(1)),
            unit(3, "150200000000", 2, Some(1)),
            unit(4, "152501000000", 3, Some(2)),
            unit(5, "152502000000", 3, Some(2)),
        ];
        let values = vec![
            value(7, 4, 2024, 1, 10_000),
            value(7, 5, 2024, 2, 30_000),
            value(7, 3, 2023, 2, 20_000),
            value(7, 1, 2020, 10, 50_000),
        ];
        let targets = vec![TargetRow {
            indicator: IndicatorId::new(7),
            unit: UnitId::new(1),
            level: Level::REGION,
            year: 2030,
            value: 12.0,
            official: true,
        }];
        let region = units[0].unit.clone();
        let inds = [ind];
        let f = compute(region, &[], period, 2024, &inds, units, values, targets);
        let row = &f.rows[0];
        assert!((row.cell.value.unwrap() - 7.5).abs() < 1e-9);
        let agg = row.cell.aggregate.unwrap();
        assert_eq!((agg.units_reported, agg.units_expected), (1, 2));
        assert!((agg.denominator_coverage.unwrap() - 40_000.0 / 60_000.0).abs() < 1e-9);
        assert_eq!(row.cell.own, None);
        assert_eq!(row.cell.baseline, Some(20.0));
        assert_eq!(row.cell.target, Some((2030, 12.0)));
        assert_eq!(row.cell.attainment, Attainment::Attained);
        // The leagues side by side: league 2 from its banners, league 3
        // without a value this year.
        assert_eq!(f.children.len(), 2);
        assert!((row.children[0].value.unwrap() - 7.5).abs() < 1e-9);
        assert_eq!(row.children[0].target, Some((2030, 12.0)));
        assert_eq!(row.children[1].value, None);
        assert_eq!(row.children[1].previous, Some(10.0));
        assert_eq!(row.children[1].attainment, Attainment::NoData);
        assert_eq!(f.domains.len(), 1);
        assert_eq!(f.domains[0].1.attained, 1);
    }

    /// Preschool enrolment by sex, 2024: banner 4 girls 90 / 100, boys
    /// 95 / 100; banner 5 girls 160 / 200, boys 150 / 200 (no own report at
    /// league 2). League 2's girls: (90 + 160) / (100 + 200) = 83.33 %, not
    /// the mean 85 %; boys 245 / 300 = 81.67 %; the region (league 3 has
    /// nothing) the same; the total (495 / 600 = 82.5 %) adds up alike.
    #[test]
    fn the_split_by_sex_adds_up_ratio_correctly() {
        let period = PlanPeriod::parse("2021-2030").unwrap();
        let ind = Indicator {
            id: IndicatorId::new(9),
            period,
            spec: IndicatorSpec::try_from(IndicatorDraft {
                code: "C3.1".into(),
                outline: "children".into(),
                domain_no: Some(3),
                name: "学前教育毛入园率".into(),
                unit: "percent".into(),
                numerator: "在园幼儿数".into(),
                denominator: "3—5岁儿童人数".into(),
                direction: "at_least".into(),
                department: "education".into(),
                levels: "1,2,3".into(),
                sex_disaggregated: true,
                ..Default::default()
            })
            .unwrap(),
        };
        let units = vec![
            unit(1, "150000000000", 1, None),
            unit(2, "152500000000", 2, Some(1)),
            unit(3, "150200000000", 2, Some(1)),
            unit(4, "152501000000", 3, Some(2)),
            unit(5, "152502000000", 3, Some(2)),
        ];
        let ratio = |numerator, denominator| Figure::Ratio {
            numerator,
            denominator,
        };
        let split = |u: i64, f: (i64, i64), m: (i64, i64)| ValueRow {
            indicator: IndicatorId::new(9),
            unit: UnitId::new(u),
            year: 2024,
            entry: Entry {
                total: ratio(f.0 + m.0, f.1 + m.1),
                female: Some(ratio(f.0, f.1)),
                male: Some(ratio(m.0, m.1)),
            },
        };
        let values = vec![
            split(4, (90, 100), (95, 100)),
            split(5, (160, 200), (150, 200)),
        ];
        let region = units[0].unit.clone();
        let inds = [ind];
        let f = compute(region, &[], period, 2024, &inds, units, values, vec![]);
        let row = &f.rows[0];
        let close = |v: Option<f64>, e: f64| (v.unwrap() - e).abs() < 1e-9;
        for c in [&row.cell, &row.children[0]] {
            assert!(close(c.female, 250.0 / 300.0 * 100.0), "{c:?}");
            assert!(close(c.male, 245.0 / 300.0 * 100.0), "{c:?}");
            assert!(close(c.value, 82.5), "{c:?}");
            assert_eq!(c.figure, Some(ratio(495, 600)));
        }
        assert_eq!(row.children[1].female, None);
    }
}
