//! Indicators over time: dependence on the largest partner and on the
//! largest three, the Herfindahl-Hirschman index (market-level, for a
//! group's imports or exports), the trade specialisation index and ATP's
//! share of all goods (for a partner), for every period selected; with the
//! series transforms of the listings applied to the indicator's own series.

use atp_core::analytics::{self, Computed, Undefined};
use atp_core::{Flow, GroupId, Measure, PartnerCode, PartnerKind, Period, SeriesKey, membership};

use crate::model::{DatasetView, ReadModel};
use crate::series::Units;
use crate::{Scope, Selection, balance_at};

/// An indicator the service computes per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Indicator {
    /// The share of the world total held by the largest listed partner.
    Top1Share,
    /// The share held by the three largest listed partners.
    Top3Share,
    /// The Herfindahl-Hirschman index over the listed partners.
    Hhi,
    /// The trade specialisation index (X - M) / (X + M) of a partner.
    Tsi,
    /// ATP's share of all goods traded with a partner: `all` / `all-goods`.
    AtpShare,
}

impl Indicator {
    pub const ALL: [Indicator; 5] = [
        Indicator::Top1Share,
        Indicator::Top3Share,
        Indicator::Hhi,
        Indicator::Tsi,
        Indicator::AtpShare,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::Top1Share => "top1_share",
            Indicator::Top3Share => "top3_share",
            Indicator::Hhi => "hhi",
            Indicator::Tsi => "tsi",
            Indicator::AtpShare => "atp_share",
        }
    }

    /// Whether it describes a market (a group's world total) rather than
    /// one partner.
    pub fn is_market(self) -> bool {
        matches!(
            self,
            Indicator::Top1Share | Indicator::Top3Share | Indicator::Hhi
        )
    }

    /// How it is computed, for people.
    pub fn formula(self) -> &'static str {
        match self {
            Indicator::Top1Share => "100 x the largest listed partner's value / the world's value",
            Indicator::Top3Share => {
                "100 x the sum of the three largest listed partners' values / the world's value"
            }
            Indicator::Hhi => "the sum over listed partners of (100 x value / the world's value)^2",
            Indicator::Tsi => "(exports - imports) / (exports + imports)",
            Indicator::AtpShare => "100 x group all / group all-goods, same partner and flow",
        }
    }
}

/// One indicator in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    pub group: GroupId,
    /// The partner described; the world for a market-level indicator.
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub period: Period,
    /// The indicator itself.
    pub level: Computed<f64>,
    /// After the selection's units (the level for `lin`).
    pub value: Computed<f64>,
    /// The period the value is compared with (for changes).
    pub base: Option<Period>,
    /// For a market-level indicator: the partners counted, their share of
    /// the world total, the largest (for top shares), and the aggregates
    /// left out.
    pub partners_covered: Option<usize>,
    pub coverage_pct: Option<f64>,
    pub largest: Vec<PartnerCode>,
    pub left_out: Vec<PartnerCode>,
}

/// The market-level figures of one group and period: the world total and
/// the partners that may be counted side by side.
struct Market {
    world: Option<i64>,
    listed: Vec<(PartnerCode, i64)>,
    left_out: Vec<PartnerCode>,
}

fn market(
    model: &ReadModel,
    ds: &DatasetView,
    measure: Measure,
    group: GroupId,
    period: Period,
) -> Market {
    let world = ds
        .get(&SeriesKey {
            measure,
            group,
            partner: PartnerCode::WORLD,
            period,
        })
        .map(|f| f.value_usd);
    let figures: Vec<(PartnerCode, PartnerKind, i64)> = ds
        .run(measure, group)
        .iter()
        .filter(|f| f.key.period == period && f.key.partner != PartnerCode::WORLD)
        .map(|f| {
            (
                f.key.partner,
                model.partner_kind(f.key.partner),
                f.value_usd,
            )
        })
        .collect();
    let kinds: Vec<(PartnerCode, PartnerKind)> = figures.iter().map(|&(p, k, _)| (p, k)).collect();
    let (kept, out) = membership::countable(&kinds, period);
    Market {
        world,
        listed: figures
            .iter()
            .filter(|(p, _, _)| kept.contains(p))
            .map(|&(p, _, v)| (p, v))
            .collect(),
        left_out: out.into_iter().map(|(p, _)| p).collect(),
    }
}

/// The indicator's level in one period, with what the market held.
fn level_at(
    model: &ReadModel,
    scope: &Scope<'_>,
    indicator: Indicator,
    flow: Flow,
    group: GroupId,
    partner: PartnerCode,
    period: Period,
) -> (Computed<f64>, Option<Market>, Vec<PartnerCode>) {
    let ds = scope.ds;
    let measure = Measure::from(flow);
    match indicator {
        Indicator::Top1Share | Indicator::Top3Share | Indicator::Hhi => {
            let m = market(model, ds, measure, group, period);
            let Some(world) = m.world else {
                return (Err(Undefined::MissingValue), Some(m), Vec::new());
            };
            let (level, largest) = match indicator {
                Indicator::Hhi => {
                    let values: Vec<i64> = m.listed.iter().map(|(_, v)| *v).collect();
                    (
                        analytics::herfindahl_hirschman(world, &values).map(|c| c.hhi),
                        Vec::new(),
                    )
                }
                _ => {
                    let k = if indicator == Indicator::Top1Share {
                        1
                    } else {
                        3
                    };
                    match analytics::dependence_on_largest(world, &m.listed, k) {
                        Ok(d) => (
                            Ok(d.share_pct),
                            d.largest.into_iter().map(|(p, _)| p).collect(),
                        ),
                        Err(e) => (Err(e), Vec::new()),
                    }
                }
            };
            (level, Some(m), largest)
        }
        Indicator::Tsi => {
            let level = match balance_at(scope, group, partner, period) {
                Some(b) => match (b.exports, b.imports) {
                    (Some(x), Some(m)) => analytics::trade_specialisation_index(x, m),
                    _ => Err(Undefined::MissingValue),
                },
                None => Err(Undefined::MissingValue),
            };
            (level, None, Vec::new())
        }
        Indicator::AtpShare => {
            let get = |g| {
                ds.get(&SeriesKey {
                    measure,
                    group: g,
                    partner,
                    period,
                })
                .map(|f| f.value_usd)
            };
            let level = match (get(GroupId::All), get(GroupId::AllGoods)) {
                (Some(atp), Some(goods)) => analytics::share_pct(atp, goods),
                _ => Err(Undefined::MissingValue),
            };
            (level, None, Vec::new())
        }
    }
}

/// A transformed indicator: changes and percent changes of the indicator's
/// own series (`pca` and rolling sums have no meaning for an index).
fn transformed(
    units: Units,
    level: &dyn Fn(Period) -> Computed<f64>,
    period: Period,
) -> (Computed<f64>, Option<Period>) {
    let base = units.base(period).flatten();
    let now = level(period);
    let before = || base.map_or(Err(Undefined::MissingValue), level);
    let value = match units {
        Units::Lin => now,
        Units::Log => now.and_then(|v| match v {
            0.0 => Err(Undefined::ZeroBase),
            v if v < 0.0 => Err(Undefined::NegativeBase),
            v => Ok(v.ln()),
        }),
        Units::Chg | Units::Ch1 => now.and_then(|n| Ok(n - before()?)),
        Units::Pch | Units::Pc1 | Units::Pca => now.and_then(|n| {
            let b = before()?;
            match b {
                0.0 => Err(Undefined::ZeroBase),
                b if b < 0.0 => Err(Undefined::NegativeBase),
                b if units == Units::Pca => {
                    let per_year = f64::from(period.frequency().per_year());
                    let r = ((n / b).powf(per_year) - 1.0) * 100.0;
                    if r.is_finite() {
                        Ok(r)
                    } else {
                        Err(Undefined::Overflow)
                    }
                }
                b => Ok((n - b) / b * 100.0),
            }
        }),
    };
    (value, base)
}

/// Every selected indicator for every selected group (market-level: `all`
/// by default) or partner (partner-level: every partner with figures by
/// default) and period.
pub fn indicators(
    model: &ReadModel,
    ds: &DatasetView,
    wanted: &[Indicator],
    flow: Flow,
    units: Units,
    sel: &Selection,
) -> Vec<IndicatorRow> {
    let scope = Scope::new(model, ds, sel);
    let periods = scope.periods(sel);
    let groups = sel.groups.clone().unwrap_or_else(|| vec![GroupId::All]);
    let mut out = Vec::new();
    for &indicator in wanted {
        for &group in &groups {
            let partners: Vec<PartnerCode> = if indicator.is_market() {
                vec![PartnerCode::WORLD]
            } else {
                scope.partners(sel)
            };
            for partner in partners {
                let level =
                    |p: Period| level_at(model, &scope, indicator, flow, group, partner, p).0;
                for &period in &periods {
                    let (lvl, m, largest) =
                        level_at(model, &scope, indicator, flow, group, partner, period);
                    let (value, base) = if units == Units::Lin {
                        (lvl, None)
                    } else {
                        transformed(units, &level, period)
                    };
                    // A partner-level indicator with nothing at all is no row.
                    if !indicator.is_market() && lvl == Err(Undefined::MissingValue) {
                        continue;
                    }
                    if indicator.is_market() && m.as_ref().is_some_and(|m| m.world.is_none()) {
                        continue;
                    }
                    let (covered, coverage_pct, left_out) = match &m {
                        Some(m) => (
                            Some(m.listed.len()),
                            m.world.and_then(|w| {
                                analytics::share_pct(
                                    analytics::sum(m.listed.iter().map(|(_, v)| *v)).ok()?,
                                    w,
                                )
                                .ok()
                            }),
                            m.left_out.clone(),
                        ),
                        None => (None, None, Vec::new()),
                    };
                    out.push(IndicatorRow {
                        indicator,
                        group,
                        partner,
                        partner_kind: model.partner_kind(partner),
                        period,
                        level: lvl,
                        value,
                        base,
                        partners_covered: covered,
                        coverage_pct,
                        largest,
                        left_out,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_changes_are_of_the_indicator() {
        let p = |s: &str| Period::try_from(s).unwrap();
        let series = |q: Period| match q.to_string().as_str() {
            "2023" => Ok(20.0),
            "2024" => Ok(25.0),
            _ => Err(Undefined::MissingValue),
        };
        assert_eq!(
            transformed(Units::Chg, &series, p("2024")),
            (Ok(5.0), Some(p("2023")))
        );
        assert_eq!(transformed(Units::Pch, &series, p("2024")).0, Ok(25.0));
        assert_eq!(
            transformed(Units::Pch, &series, p("2023")).0,
            Err(Undefined::MissingValue)
        );
        assert_eq!(transformed(Units::Lin, &series, p("2024")).0, Ok(25.0));
        let zero = |_: Period| Ok(0.0);
        assert_eq!(
            transformed(Units::Pc1, &zero, p("2024")).0,
            Err(Undefined::ZeroBase)
        );
        assert_eq!(
            transformed(Units::Log, &zero, p("2024")).0,
            Err(Undefined::ZeroBase)
        );
    }
}
