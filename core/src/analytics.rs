//! The indicators analysts compute from trade figures. Pure functions over
//! whole US dollars; a measure that is undefined for its inputs is an
//! [`Undefined`] reason, never `inf` or `NaN`.

use std::fmt;

use serde::Serialize;

use crate::membership::{self, Exclusion};
use crate::partner::{PartnerCode, PartnerKind};
use crate::period::Period;

/// Why a measure has no value for its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undefined {
    /// The base (start value or total) is zero.
    ZeroBase,
    /// The base is negative (a deficit): a ratio to it has no meaning.
    NegativeBase,
    /// Start and end have opposite signs (a surplus that became a deficit).
    SignChange,
    /// The two years are the same or inverted: no period to annualise over.
    NoPeriod,
    /// A required figure is missing.
    MissingValue,
    /// The result is outside the range of whole dollars the service
    /// computes with (`i64`); never served as a wrapped-around number.
    Overflow,
}

impl Undefined {
    /// Every reason, in declaration order.
    pub const ALL: [Undefined; 6] = [
        Undefined::ZeroBase,
        Undefined::NegativeBase,
        Undefined::SignChange,
        Undefined::NoPeriod,
        Undefined::MissingValue,
        Undefined::Overflow,
    ];

    /// The machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Undefined::ZeroBase => "zero_base",
            Undefined::NegativeBase => "negative_base",
            Undefined::SignChange => "sign_change",
            Undefined::NoPeriod => "no_period",
            Undefined::MissingValue => "missing_value",
            Undefined::Overflow => "overflow",
        }
    }

    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            Undefined::ZeroBase => "the base value is zero",
            Undefined::NegativeBase => {
                "the base value is negative (a deficit); a ratio to it is not meaningful"
            }
            Undefined::SignChange => "the start and end values have opposite signs",
            Undefined::NoPeriod => "the end period is not after the start period",
            Undefined::MissingValue => "a figure needed for this measure is missing",
            Undefined::Overflow => "the result is outside the range of whole dollars computed",
        }
    }
}

impl fmt::Display for Undefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A computed measure, or the reason it is undefined.
pub type Computed<T> = Result<T, Undefined>;

/// The largest magnitude of a figure the service accepts, in whole US
/// dollars: 10^15 (a quadrillion), some 200 times the world's yearly goods
/// trade. Importers refuse larger values, so sums over every partner and
/// group stay far inside `i64`; the arithmetic is checked all the same.
pub const MAX_ABS_VALUE_USD: i64 = 1_000_000_000_000_000;

/// `a - b`, or [`Undefined::Overflow`].
pub fn difference(a: i64, b: i64) -> Computed<i64> {
    a.checked_sub(b).ok_or(Undefined::Overflow)
}

/// The sum of `values`, or [`Undefined::Overflow`].
pub fn sum(values: impl IntoIterator<Item = i64>) -> Computed<i64> {
    values
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or(Undefined::Overflow)
}

/// The trade balance: exports minus imports (negative for a deficit).
pub fn balance(exports_usd: i64, imports_usd: i64) -> Computed<i64> {
    difference(exports_usd, imports_usd)
}

/// The trade specialisation index (X - M) / (X + M), from -1 (imports only)
/// to +1 (exports only). Undefined when there is no trade at all.
pub fn trade_specialisation_index(exports_usd: i64, imports_usd: i64) -> Computed<f64> {
    let total = exports_usd as i128 + imports_usd as i128;
    match total {
        0 => Err(Undefined::ZeroBase),
        t if t < 0 => Err(Undefined::NegativeBase),
        t => Ok((exports_usd as i128 - imports_usd as i128) as f64 / t as f64),
    }
}

/// Growth between two years of one series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Growth {
    pub start_usd: i64,
    pub end_usd: i64,
    /// end - start.
    pub change_usd: Computed<i64>,
    /// (end - start) / start, in percent.
    pub change_pct: Computed<f64>,
    /// end / start.
    pub multiple: Computed<f64>,
    /// Compound annual growth rate, in percent.
    pub cagr_pct: Computed<f64>,
}

/// A computed float, or `Overflow` when it is not finite.
fn finite(v: f64) -> Computed<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Undefined::Overflow)
    }
}

fn positive_base(start: i64) -> Result<(), Undefined> {
    match start {
        0 => Err(Undefined::ZeroBase),
        s if s < 0 => Err(Undefined::NegativeBase),
        _ => Ok(()),
    }
}

/// Percent change from `start` to `end`; undefined for a zero or negative start.
pub fn percent_change(start: i64, end: i64) -> Computed<f64> {
    positive_base(start)?;
    Ok((end as f64 - start as f64) / start as f64 * 100.0)
}

/// end / start; undefined for a zero or negative start or a change of sign.
pub fn multiple(start: i64, end: i64) -> Computed<f64> {
    positive_base(start)?;
    if end < 0 {
        return Err(Undefined::SignChange);
    }
    Ok(end as f64 / start as f64)
}

/// Compound annual growth rate over `years` years (a fraction of a year
/// between months), in percent.
pub fn compound_annual_growth(start: i64, end: i64, years: f64) -> Computed<f64> {
    if years.is_nan() || years <= 0.0 {
        return Err(Undefined::NoPeriod);
    }
    let m = multiple(start, end)?;
    finite((m.powf(1.0 / years) - 1.0) * 100.0)
}

/// Every growth measure between a start and an end value `years` apart.
pub fn growth_between(start_usd: i64, end_usd: i64, years: f64) -> Growth {
    Growth {
        start_usd,
        end_usd,
        change_usd: difference(end_usd, start_usd),
        change_pct: percent_change(start_usd, end_usd),
        multiple: multiple(start_usd, end_usd),
        cagr_pct: compound_annual_growth(start_usd, end_usd, years),
    }
}

/// `part` as a percentage of `total`; undefined when the total is not positive.
pub fn share_pct(part: i64, total: i64) -> Computed<f64> {
    positive_base(total)?;
    Ok(part as f64 / total as f64 * 100.0)
}

/// One partner's value and its share of the world total.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PartnerShare {
    pub partner: PartnerCode,
    pub kind: PartnerKind,
    pub value_usd: i64,
    pub share_pct: Computed<f64>,
    /// Rank among the partners that may be counted side by side (countries,
    /// and blocs whose members are not listed) by value, 1 for the
    /// largest; ties share a rank. `None` for the others.
    pub rank: Option<u32>,
    /// Why it is not ranked: an aggregate (world, rest of world), or a
    /// bloc whose members are listed in their own right.
    pub unranked: Option<Exclusion>,
}

/// Each partner's share of `world_usd` in `period`, with ranks among the
/// partners that may be counted side by side: never an aggregate together
/// with the countries inside it (see [`membership::countable`]); order as
/// given.
pub fn partner_shares(
    world_usd: i64,
    partners: &[(PartnerCode, PartnerKind, i64)],
    period: Period,
) -> Vec<PartnerShare> {
    let kinds: Vec<(PartnerCode, PartnerKind)> = partners.iter().map(|&(p, k, _)| (p, k)).collect();
    let (kept, left_out) = membership::countable(&kinds, period);
    let mut ranked: Vec<i64> = partners
        .iter()
        .filter(|(p, _, _)| kept.contains(p))
        .map(|&(_, _, v)| v)
        .collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    partners
        .iter()
        .map(|&(partner, kind, value_usd)| {
            let unranked = left_out
                .iter()
                .find(|(p, _)| *p == partner)
                .map(|(_, why)| *why);
            PartnerShare {
                partner,
                kind,
                value_usd,
                share_pct: share_pct(value_usd, world_usd),
                rank: unranked.is_none().then(|| {
                    // Competition ranking: 1 + the number of strictly larger values.
                    ranked.partition_point(|&v| v > value_usd) as u32 + 1
                }),
                unranked,
            }
        })
        .collect()
}

/// The Herfindahl-Hirschman index of partner concentration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Concentration {
    /// Sum of squared percentage shares, 0 to 10,000.
    pub hhi: f64,
    /// How many partners entered the index.
    pub partners: usize,
    /// The share of the world total those partners cover, in percent. The
    /// rest (the partners not listed) is left out of the index, so the index
    /// is a lower bound of the concentration over all partners.
    pub coverage_pct: f64,
}

/// The HHI over the shares of the world total held by the listed partners
/// (countries and blocs only; pass no aggregate). Undefined when the world
/// total is not positive, and when no partner is listed (a series held for
/// the world alone, such as the Census ATP total: an index over nothing is
/// no index, and an empty float sum would be `-0.0`).
pub fn herfindahl_hirschman(
    world_usd: i64,
    listed_partner_values: &[i64],
) -> Computed<Concentration> {
    positive_base(world_usd)?;
    if listed_partner_values.is_empty() {
        return Err(Undefined::MissingValue);
    }
    let shares: Vec<f64> = listed_partner_values
        .iter()
        .map(|&v| v as f64 / world_usd as f64 * 100.0)
        .collect();
    Ok(Concentration {
        hhi: shares.iter().map(|s| s * s).sum(),
        partners: shares.len(),
        coverage_pct: shares.iter().sum(),
    })
}

/// Dependence on the largest partners: the share of the world total that
/// the `k` largest listed partners hold together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dependence {
    /// In percent of the world total.
    pub share_pct: f64,
    /// The partners counted, largest first (fewer than `k` when fewer are
    /// listed).
    pub largest: Vec<(PartnerCode, i64)>,
}

/// The share of `world_usd` held by the `k` largest of `listed` (countries
/// and blocs that may be counted side by side; pass no aggregate). Ties at
/// the cut are broken by partner code, so the answer is deterministic.
/// Undefined when the world total is not positive or nothing is listed.
pub fn dependence_on_largest(
    world_usd: i64,
    listed: &[(PartnerCode, i64)],
    k: usize,
) -> Computed<Dependence> {
    positive_base(world_usd)?;
    if listed.is_empty() || k == 0 {
        return Err(Undefined::MissingValue);
    }
    let mut sorted = listed.to_vec();
    sorted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sorted.truncate(k);
    let top = sum(sorted.iter().map(|(_, v)| *v))?;
    Ok(Dependence {
        share_pct: finite(top as f64 / world_usd as f64 * 100.0)?,
        largest: sorted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependence_counts_the_largest_partners() {
        let p = |s: &str| PartnerCode::try_from(s).unwrap();
        let listed = [(p("KR"), 10), (p("CN"), 50), (p("JP"), 25), (p("TW"), 25)];
        let top1 = dependence_on_largest(200, &listed, 1).unwrap();
        assert!(close(top1.share_pct, 25.0));
        assert_eq!(top1.largest, [(p("CN"), 50)]);
        // A tie at the cut: the lower code first (JP before TW).
        let top3 = dependence_on_largest(200, &listed, 3).unwrap();
        assert!(close(top3.share_pct, 50.0));
        assert_eq!(top3.largest, [(p("CN"), 50), (p("JP"), 25), (p("TW"), 25)]);
        assert_eq!(
            dependence_on_largest(200, &listed[..1], 3)
                .unwrap()
                .largest
                .len(),
            1
        );
        assert_eq!(
            dependence_on_largest(0, &listed, 1),
            Err(Undefined::ZeroBase)
        );
        assert_eq!(
            dependence_on_largest(10, &[], 1),
            Err(Undefined::MissingValue)
        );
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn balance_and_tsi() {
        assert_eq!(balance(462, 762), Ok(-300));
        assert_eq!(balance(i64::MIN, 1), Err(Undefined::Overflow));
        assert_eq!(balance(i64::MAX, -1), Err(Undefined::Overflow));
        assert_eq!(sum([i64::MAX, 1]), Err(Undefined::Overflow));
        assert_eq!(
            sum([MAX_ABS_VALUE_USD; 9_000]),
            Ok(9_000 * MAX_ABS_VALUE_USD)
        );
        assert!(close(trade_specialisation_index(3, 1).unwrap(), 0.5));
        assert!(close(trade_specialisation_index(0, 5).unwrap(), -1.0));
        assert_eq!(trade_specialisation_index(0, 0), Err(Undefined::ZeroBase));
        // No overflow at the extremes of i64.
        assert!(close(
            trade_specialisation_index(i64::MAX, i64::MAX).unwrap(),
            0.0
        ));
    }

    #[test]
    fn growth_measures() {
        let g = growth_between(100, 356, 10.0);
        assert_eq!(g.change_usd, Ok(256));
        // From i64::MIN to i64::MAX: no wrapped-around change.
        let wide = growth_between(i64::MIN, i64::MAX, 1.0);
        assert_eq!(wide.change_usd, Err(Undefined::Overflow));
        assert!(close(g.change_pct.unwrap(), 256.0));
        assert!(close(g.multiple.unwrap(), 3.56));
        let cagr = g.cagr_pct.unwrap();
        assert!(close((1.0 + cagr / 100.0).powi(10), 3.56));
    }

    #[test]
    fn growth_undefined_cases_have_reasons() {
        let zero = growth_between(0, 10, 10.0);
        assert_eq!(zero.change_pct, Err(Undefined::ZeroBase));
        assert_eq!(zero.multiple, Err(Undefined::ZeroBase));
        assert_eq!(zero.cagr_pct, Err(Undefined::ZeroBase));
        assert_eq!(zero.change_usd, Ok(10));

        let deficit_start = growth_between(-92, -330, 10.0);
        assert_eq!(deficit_start.change_pct, Err(Undefined::NegativeBase));
        assert_eq!(deficit_start.change_usd, Ok(-238));

        let surplus_to_deficit = growth_between(29, -300, 10.0);
        assert_eq!(surplus_to_deficit.multiple, Err(Undefined::SignChange));
        assert_eq!(surplus_to_deficit.cagr_pct, Err(Undefined::SignChange));
        assert!(surplus_to_deficit.change_pct.unwrap() < -1000.0);

        assert_eq!(
            growth_between(10, 20, 0.0).cagr_pct,
            Err(Undefined::NoPeriod)
        );
        assert!(close(growth_between(10, 0, 5.0).cagr_pct.unwrap(), -100.0));
        for g in [zero, deficit_start, surplus_to_deficit] {
            for m in [g.change_pct, g.multiple, g.cagr_pct].into_iter().flatten() {
                assert!(m.is_finite());
            }
        }
    }

    #[test]
    fn shares_and_ranks_skip_aggregates() {
        let cn = PartnerCode::new_const("CN");
        let mx = PartnerCode::new_const("MX");
        let kr = PartnerCode::new_const("KR");
        let rows = [
            (PartnerCode::EU, PartnerKind::Bloc, 50),
            (cn, PartnerKind::Country, 30),
            (mx, PartnerKind::Country, 30),
            (kr, PartnerKind::Country, 10),
            (PartnerCode::REST_OF_WORLD, PartnerKind::RestOfWorld, 80),
        ];
        let y2024 = Period::annual(crate::year::Year::new(2024).unwrap());
        let shares = partner_shares(200, &rows, y2024);
        let ranks: Vec<Option<u32>> = shares.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [Some(1), Some(2), Some(2), Some(4), None]);
        assert!(close(shares[0].share_pct.unwrap(), 25.0));
        assert_eq!(
            partner_shares(0, &rows, y2024)[0].share_pct,
            Err(Undefined::ZeroBase)
        );
    }

    #[test]
    fn hhi_on_listed_partners() {
        let c = herfindahl_hirschman(100, &[50, 30, 20]).unwrap();
        assert!(close(c.hhi, 2500.0 + 900.0 + 400.0));
        assert!(close(c.coverage_pct, 100.0));
        let partial = herfindahl_hirschman(200, &[50, 30, 20]).unwrap();
        assert!(close(partial.hhi, 625.0 + 225.0 + 100.0));
        assert!(close(partial.coverage_pct, 50.0));
        assert_eq!(herfindahl_hirschman(0, &[1]), Err(Undefined::ZeroBase));
        assert_eq!(herfindahl_hirschman(100, &[]), Err(Undefined::MissingValue));
    }
}
