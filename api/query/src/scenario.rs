//! Scenarios over the read model: a group's market (its listed partners and
//! the rest of the world, for imports and exports) projected from a base
//! period by a baseline, then the same under shocks; period by period, the
//! two side by side with their balances, trade specialisation indexes,
//! shares and concentration.

use std::collections::BTreeMap;

use atp_core::analytics::{self, Computed, Undefined};
use atp_core::scenario::{self, BaselineMethod, GrowthPath, ShockError, TariffChange};
use atp_core::{Flow, GroupId, Measure, PartnerCode, PartnerKind, Period, SeriesKey, membership};
use rust_decimal::Decimal;

use crate::model::{DatasetView, ReadModel};

/// What a shock does.
#[derive(Debug, Clone, PartialEq)]
pub enum ShockKind {
    Growth(GrowthPath),
    /// On imports only.
    Tariff(TariffChange),
}

/// A shock on one flow of one group's market: of one partner, or of the
/// whole market (every partner and the rest of the world alike).
#[derive(Debug, Clone, PartialEq)]
pub struct Shock {
    pub flow: Flow,
    /// `None`: every group of the scenario.
    pub group: Option<GroupId>,
    /// `None`: the whole market.
    pub partner: Option<PartnerCode>,
    pub kind: ShockKind,
    /// Where the shock was given (a JSON pointer, a parameter), for errors.
    pub origin: String,
}

/// A scenario, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub groups: Vec<GroupId>,
    /// The last period of history; the projection starts after it.
    pub base: Period,
    pub horizon: usize,
    pub baseline: BaselineMethod,
    /// The trend's window, in periods.
    pub trend_periods: usize,
    pub shocks: Vec<Shock>,
    /// The partners shown (every partner of the market by default); the
    /// world and the rest of the world are always shown.
    pub shown: Option<Vec<PartnerCode>>,
}

/// Why a scenario cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("{origin}: {problem}")]
    Shock { origin: String, problem: ShockError },
    #[error(
        "{origin}: partner {partner} is not among the partners of the {group} market in {base} \
         (listed with figures for both flows): {listed}"
    )]
    PartnerNotInMarket {
        origin: String,
        partner: PartnerCode,
        group: GroupId,
        base: Period,
        listed: String,
    },
    #[error("{origin}: group {group} is not among the scenario's groups ({groups})")]
    GroupNotInScenario {
        origin: String,
        group: GroupId,
        groups: String,
    },
    #[error("the dataset has no world total of {group} for {base}: no market to project")]
    NoMarket { group: GroupId, base: Period },
}

/// One cell of the market in one period, baseline and scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Side {
    pub imports: Computed<i64>,
    pub exports: Computed<i64>,
}

impl Side {
    fn flow(&self, f: Flow) -> Computed<i64> {
        match f {
            Flow::Imports => self.imports,
            Flow::Exports => self.exports,
        }
    }
}

/// A partner (or the world, or the rest of the world) in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    pub group: GroupId,
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub period: Period,
    /// `true` for the base period (history, both sides equal).
    pub is_base: bool,
    pub baseline: Side,
    pub scenario: Side,
    /// Shares of the world's imports and exports, in percent.
    pub baseline_share: (Computed<f64>, Computed<f64>),
    pub scenario_share: (Computed<f64>, Computed<f64>),
    /// The world row: the HHI of imports and exports over the listed
    /// partners (the rest of the world left out), baseline and scenario.
    pub hhi: Option<[Computed<f64>; 4]>,
}

/// The partners of a market at the base period: those that may be counted
/// side by side, with figures for both flows.
fn market_partners(
    model: &ReadModel,
    ds: &DatasetView,
    group: GroupId,
    base: Period,
) -> Vec<PartnerCode> {
    let has = |measure, partner| {
        ds.get(&SeriesKey {
            measure,
            group,
            partner,
            period: base,
        })
        .is_some()
    };
    let candidates: Vec<(PartnerCode, PartnerKind)> = ds
        .partners
        .iter()
        .copied()
        .filter(|&p| {
            p != PartnerCode::WORLD && has(Measure::Imports, p) && has(Measure::Exports, p)
        })
        .map(|p| (p, model.partner_kind(p)))
        .collect();
    membership::countable(&candidates, base).0
}

/// `origin`'s shock as a factor path over `periods`.
fn factors(shock: &Shock, periods: &[Period]) -> Result<Vec<Decimal>, ScenarioError> {
    let r = match &shock.kind {
        ShockKind::Growth(g) => g.factors(periods),
        ShockKind::Tariff(t) => t.factors(periods),
    };
    r.map_err(|problem| ScenarioError::Shock {
        origin: shock.origin.clone(),
        problem,
    })
}

/// Computes the scenario: for each group, the base period and the
/// `horizon` periods after it, the world first, then the rest of the world,
/// then the partners shown.
pub fn run(
    model: &ReadModel,
    ds: &DatasetView,
    spec: &Spec,
) -> Result<Vec<ScenarioRow>, ScenarioError> {
    let per_year = usize::from(spec.base.frequency().per_year());
    let projected: Vec<Period> = (1..=spec.horizon)
        .filter_map(|k| i32::try_from(k).ok().and_then(|k| spec.base.shift(k)))
        .collect();
    // History for the baseline: a year before the trend window and up to the base.
    let back = spec.trend_periods.max(per_year) + per_year;
    let history_periods: Vec<Period> = (0..back)
        .rev()
        .filter_map(|k| i32::try_from(k).ok().and_then(|k| spec.base.shift(-k)))
        .collect();
    for s in &spec.shocks {
        if let Some(g) = s.group
            && !spec.groups.contains(&g)
        {
            return Err(ScenarioError::GroupNotInScenario {
                origin: s.origin.clone(),
                group: g,
                groups: spec
                    .groups
                    .iter()
                    .map(|g| g.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let mut out = Vec::new();
    for &group in &spec.groups {
        let world_at = |measure, period| {
            ds.get(&SeriesKey {
                measure,
                group,
                partner: PartnerCode::WORLD,
                period,
            })
            .map(|f| f.value_usd)
        };
        if world_at(Measure::Imports, spec.base).is_none()
            || world_at(Measure::Exports, spec.base).is_none()
        {
            return Err(ScenarioError::NoMarket {
                group,
                base: spec.base,
            });
        }
        let partners = market_partners(model, ds, group, spec.base);
        // Cells: the partners, then the rest of the world (the world less
        // the partners: what the dataset does not list).
        let mut cells: Vec<PartnerCode> = partners.clone();
        cells.push(PartnerCode::REST_OF_WORLD);
        let shocks: Vec<&Shock> = spec
            .shocks
            .iter()
            .filter(|s| s.group.is_none_or(|g| g == group))
            .collect();
        for s in &shocks {
            if let Some(p) = s.partner
                && !cells.contains(&p)
            {
                return Err(ScenarioError::PartnerNotInMarket {
                    origin: s.origin.clone(),
                    partner: p,
                    group,
                    base: spec.base,
                    listed: cells
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
        // value[flow][cell][k]: baseline and scenario over the projected
        // periods.
        let mut base_values: BTreeMap<(Flow, PartnerCode), Vec<Computed<i64>>> = BTreeMap::new();
        let mut scen_values: BTreeMap<(Flow, PartnerCode), Vec<Computed<i64>>> = BTreeMap::new();
        let mut at_base: BTreeMap<(Flow, PartnerCode), Computed<i64>> = BTreeMap::new();
        for flow in Flow::ALL {
            let measure = Measure::from(flow);
            let value_at = |partner, period| {
                ds.get(&SeriesKey {
                    measure,
                    group,
                    partner,
                    period,
                })
                .map(|f| f.value_usd)
            };
            for &cell in &cells {
                let history: Vec<Option<i64>> = history_periods
                    .iter()
                    .map(|&period| {
                        if cell == PartnerCode::REST_OF_WORLD {
                            let world = value_at(PartnerCode::WORLD, period)?;
                            let listed = analytics::sum(
                                partners.iter().map(|&p| value_at(p, period).unwrap_or(0)),
                            )
                            .ok()?;
                            world.checked_sub(listed)
                        } else {
                            value_at(cell, period)
                        }
                    })
                    .collect();
                at_base.insert(
                    (flow, cell),
                    history
                        .last()
                        .copied()
                        .flatten()
                        .ok_or(Undefined::MissingValue),
                );
                let baseline: Vec<Computed<i64>> = match scenario::baseline(
                    &history,
                    per_year,
                    spec.baseline,
                    spec.trend_periods,
                    projected.len(),
                ) {
                    Ok(v) => v.into_iter().map(Ok).collect(),
                    Err(e) => vec![Err(e); projected.len()],
                };
                let paths: Vec<Vec<Decimal>> = shocks
                    .iter()
                    .filter(|s| s.flow == flow && s.partner.is_none_or(|p| p == cell))
                    .map(|s| factors(s, &projected))
                    .collect::<Result<_, _>>()?;
                let combined = scenario::combine(&paths, projected.len()).map_err(|problem| {
                    ScenarioError::Shock {
                        origin: "shocks".to_owned(),
                        problem,
                    }
                })?;
                let shocked: Vec<Computed<i64>> = baseline
                    .iter()
                    .zip(&combined)
                    .map(|(b, f)| b.and_then(|b| scenario::apply(b, *f)))
                    .collect();
                base_values.insert((flow, cell), baseline);
                scen_values.insert((flow, cell), shocked);
            }
        }
        let shown: Vec<PartnerCode> = match &spec.shown {
            Some(v) => partners.iter().copied().filter(|p| v.contains(p)).collect(),
            None => partners.clone(),
        };
        // The base period, then each projected period.
        for k in 0..=projected.len() {
            let (period, is_base) = match k {
                0 => (spec.base, true),
                k => (projected[k - 1], false),
            };
            let get = |values: &BTreeMap<(Flow, PartnerCode), Vec<Computed<i64>>>, flow, cell| {
                if is_base {
                    at_base
                        .get(&(flow, cell))
                        .copied()
                        .unwrap_or(Err(Undefined::MissingValue))
                } else {
                    values
                        .get(&(flow, cell))
                        .and_then(|v| v.get(k - 1).copied())
                        .unwrap_or(Err(Undefined::MissingValue))
                }
            };
            let side = |values, cell| Side {
                imports: get(values, Flow::Imports, cell),
                exports: get(values, Flow::Exports, cell),
            };
            let world = |values| -> Side {
                let total = |flow| {
                    cells.iter().try_fold(0i64, |s, &c| {
                        s.checked_add(get(values, flow, c)?)
                            .ok_or(Undefined::Overflow)
                    })
                };
                Side {
                    imports: total(Flow::Imports),
                    exports: total(Flow::Exports),
                }
            };
            let (wb, ws) = (world(&base_values), world(&scen_values));
            let share = |s: &Side, w: &Side| {
                let of = |f: Flow| match (s.flow(f), w.flow(f)) {
                    (Ok(v), Ok(t)) => analytics::share_pct(v, t),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                (of(Flow::Imports), of(Flow::Exports))
            };
            let hhi = |values, w: &Side, f: Flow| -> Computed<f64> {
                let listed: Vec<i64> = partners
                    .iter()
                    .map(|&p| get(values, f, p))
                    .collect::<Computed<_>>()?;
                analytics::herfindahl_hirschman(w.flow(f)?, &listed).map(|c| c.hhi)
            };
            out.push(ScenarioRow {
                group,
                partner: PartnerCode::WORLD,
                partner_kind: PartnerKind::World,
                period,
                is_base,
                baseline: wb,
                scenario: ws,
                baseline_share: share(&wb, &wb),
                scenario_share: share(&ws, &ws),
                hhi: Some([
                    hhi(&base_values, &wb, Flow::Imports),
                    hhi(&scen_values, &ws, Flow::Imports),
                    hhi(&base_values, &wb, Flow::Exports),
                    hhi(&scen_values, &ws, Flow::Exports),
                ]),
            });
            for &cell in std::iter::once(&PartnerCode::REST_OF_WORLD).chain(&shown) {
                let (b, s) = (side(&base_values, cell), side(&scen_values, cell));
                out.push(ScenarioRow {
                    group,
                    partner: cell,
                    partner_kind: model.partner_kind(cell),
                    period,
                    is_base,
                    baseline: b,
                    scenario: s,
                    baseline_share: share(&b, &wb),
                    scenario_share: share(&s, &ws),
                    hhi: None,
                });
            }
        }
    }
    Ok(out)
}
