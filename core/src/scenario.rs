//! Scenarios: a baseline projection of a market's partners, and the same
//! market under shocks (growth paths for a flow of a partner or of the whole
//! market, tariff changes turned into import changes through an
//! elasticity), period by period, in whole dollars.
//!
//! Arithmetic: a shock is a factor on the baseline, computed in exact
//! decimal arithmetic (`rust_decimal`) and applied to whole dollars with
//! rounding half away from zero; a factor of exactly one leaves a value
//! exactly as it was, so a scenario without shocks is the baseline to the
//! dollar. A value or factor outside range is [`Undefined::Overflow`],
//! never a wrapped-around number.

use rust_decimal::prelude::*;
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use serde::Serialize;

use crate::analytics::{Computed, Undefined};
use crate::period::Period;

/// The elasticity used when a tariff names none: 2.53, the elasticity of
/// substitution between imported varieties that Fajgelbaum, Goldberg,
/// Kennedy and Khandelwal estimated on the 2018 US tariffs, with complete
/// pass-through of the tariffs to import prices ("The Return to
/// Protectionism", Quarterly Journal of Economics 135(1), 2020, table IV).
pub const DEFAULT_TARIFF_ELASTICITY: &str = "2.53";

/// A growth path relative to the baseline: from `start` on, the value is
/// the baseline's times `(1 + change_pct/100)` at `start`, then times
/// `(1 + then_pct_per_period/100)` more for each period after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrowthPath {
    pub start: Period,
    pub change_pct: Decimal,
    pub then_pct_per_period: Decimal,
}

/// A tariff change on imports: the tariff goes from `base_tariff_pct` to
/// `base_tariff_pct + tariff_change_pp` at `start`; imports change by the
/// factor `((1 + new) / (1 + old))^(-elasticity)` (a constant-elasticity
/// import demand with complete pass-through) from then on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TariffChange {
    pub start: Period,
    pub tariff_change_pp: Decimal,
    pub base_tariff_pct: Decimal,
    pub elasticity: Decimal,
}

/// Why a shock cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShockError {
    #[error(
        "a change of {0}% or below would make values negative or zero: changes are above -100%"
    )]
    NotAboveMinus100(Decimal),
    #[error("a tariff below -100% has no meaning: the tariff after the change is {0}%")]
    TariffBelowMinus100(Decimal),
    #[error("the factor is outside the range computed (more than 10^9 times the baseline)")]
    Overflow,
}

const MAX_FACTOR: i64 = 1_000_000_000;

fn one_plus_pct(pct: Decimal) -> Result<Decimal, ShockError> {
    let f = Decimal::ONE + pct / Decimal::ONE_HUNDRED;
    if f <= Decimal::ZERO {
        return Err(ShockError::NotAboveMinus100(pct));
    }
    Ok(f)
}

fn bounded(f: Decimal) -> Result<Decimal, ShockError> {
    if f > Decimal::from(MAX_FACTOR) {
        Err(ShockError::Overflow)
    } else {
        Ok(f)
    }
}

impl GrowthPath {
    /// The factor on the baseline in each of `periods` (of the path's
    /// frequency, ascending).
    pub fn factors(&self, periods: &[Period]) -> Result<Vec<Decimal>, ShockError> {
        let first = one_plus_pct(self.change_pct)?;
        let then = one_plus_pct(self.then_pct_per_period)?;
        periods
            .iter()
            .map(|&p| match self.start.steps_until(p) {
                Some(n) if n >= 0 => {
                    let growth = then
                        .checked_powi(i64::from(n))
                        .ok_or(ShockError::Overflow)?;
                    bounded(first.checked_mul(growth).ok_or(ShockError::Overflow)?)
                }
                _ => Ok(Decimal::ONE),
            })
            .collect()
    }
}

impl TariffChange {
    /// The factor on imports from `start` on.
    pub fn factor(&self) -> Result<Decimal, ShockError> {
        let before = one_plus_pct(self.base_tariff_pct)
            .map_err(|_| ShockError::TariffBelowMinus100(self.base_tariff_pct))?;
        let new = self.base_tariff_pct + self.tariff_change_pp;
        let after = one_plus_pct(new).map_err(|_| ShockError::TariffBelowMinus100(new))?;
        if self.tariff_change_pp.is_zero() {
            return Ok(Decimal::ONE);
        }
        let ratio = after.checked_div(before).ok_or(ShockError::Overflow)?;
        let f = ratio
            .checked_powd(-self.elasticity)
            .ok_or(ShockError::Overflow)?;
        // Twelve decimals: the powers are series approximations; a fixed
        // precision keeps the answer the same wherever it is computed.
        bounded(f.round_dp_with_strategy(12, RoundingStrategy::MidpointAwayFromZero))
    }

    pub fn factors(&self, periods: &[Period]) -> Result<Vec<Decimal>, ShockError> {
        let f = self.factor()?;
        Ok(periods
            .iter()
            .map(|&p| match self.start.steps_until(p) {
                Some(n) if n >= 0 => f,
                _ => Decimal::ONE,
            })
            .collect())
    }
}

/// `value` times `factor`, rounded to whole dollars (half away from zero).
pub fn apply(value: i64, factor: Decimal) -> Computed<i64> {
    if factor == Decimal::ONE {
        return Ok(value);
    }
    Decimal::from(value)
        .checked_mul(factor)
        .ok_or(Undefined::Overflow)?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .ok_or(Undefined::Overflow)
}

/// The product of factor paths, period by period.
pub fn combine(paths: &[Vec<Decimal>], len: usize) -> Result<Vec<Decimal>, ShockError> {
    let mut out = vec![Decimal::ONE; len];
    for path in paths {
        for (o, f) in out.iter_mut().zip(path) {
            *o = bounded(o.checked_mul(*f).ok_or(ShockError::Overflow)?)?;
        }
    }
    Ok(out)
}

/// How a baseline projects a series past its last period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineMethod {
    /// The base period's level held (for months: the last twelve months
    /// repeated, so the seasons stay).
    Flat,
    /// The series' compound growth over the trend window, continued (flat
    /// where it is undefined: a zero or negative start).
    Trend,
}

/// The baseline of one series: `history` is its values up to the base
/// period (oldest first, the base period last; `None` where missing),
/// `per_year` its periods a year, `trend_periods` the window of the trend
/// (in periods). Returns the `horizon` projected values.
pub fn baseline(
    history: &[Option<i64>],
    per_year: usize,
    method: BaselineMethod,
    trend_periods: usize,
    horizon: usize,
) -> Computed<Vec<i64>> {
    let season = per_year.max(1);
    let last = history.len();
    // The levels repeated: the last `season` periods (the base period for
    // an annual series).
    let level = |k: usize| -> Computed<i64> {
        let back = season - (k % season);
        let i = last.checked_sub(back).ok_or(Undefined::MissingValue)?;
        history
            .get(i)
            .copied()
            .flatten()
            .ok_or(Undefined::MissingValue)
    };
    let growth = match method {
        BaselineMethod::Flat => None,
        BaselineMethod::Trend => {
            // Compound growth per year over the window, from the sums of the
            // last year and of the year `trend_periods` before it.
            let year_sum = |end: usize| -> Option<i64> {
                let start = end.checked_sub(season)?;
                let mut s: i64 = 0;
                for v in &history[start..end] {
                    s = s.checked_add((*v)?)?;
                }
                Some(s)
            };
            let window = trend_periods.max(season);
            match (year_sum(last), last.checked_sub(window).and_then(year_sum)) {
                (Some(now), Some(then)) if now > 0 && then > 0 => {
                    let years = window as f64 / season as f64;
                    let g = (now as f64 / then as f64).powf(1.0 / years);
                    // Twelve decimals, as for tariffs: the same answer
                    // everywhere.
                    Decimal::from_f64(g).map(|d| d.round_dp(12))
                }
                _ => None,
            }
        }
    };
    (0..horizon)
        .map(|k| {
            let base = level(k)?;
            match growth {
                None => Ok(base),
                Some(g) => {
                    // Years ahead of the level repeated: 1 for the first
                    // year projected.
                    let years = (k / season + 1) as i64;
                    let f = g.checked_powi(years).ok_or(Undefined::Overflow)?;
                    apply(base, f)
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::try_from(s).unwrap()
    }

    #[test]
    fn a_growth_path_is_a_drop_then_growth_relative_to_the_baseline() {
        // Imports -20% in 2025, then +3% a year.
        let path = GrowthPath {
            start: p("2025"),
            change_pct: d("-20"),
            then_pct_per_period: d("3"),
        };
        let periods = [p("2024"), p("2025"), p("2026"), p("2027")];
        let f = path.factors(&periods).unwrap();
        assert_eq!(f, [d("1"), d("0.8"), d("0.824"), d("0.84872")]);
        assert_eq!(apply(100_000_000_000, f[3]), Ok(84_872_000_000));
        // Half away from zero: 0.5 -> 1, -0.5 -> -1.
        assert_eq!(apply(5, d("0.1")), Ok(1));
        assert_eq!(apply(-5, d("0.1")), Ok(-1));
        assert_eq!(apply(i64::MAX, d("2")), Err(Undefined::Overflow));
        assert!(matches!(
            GrowthPath {
                start: p("2025"),
                change_pct: d("-100"),
                then_pct_per_period: d("0"),
            }
            .factors(&periods),
            Err(ShockError::NotAboveMinus100(_))
        ));
    }

    #[test]
    fn a_zero_shock_is_exactly_the_baseline() {
        let zero = GrowthPath {
            start: p("2025"),
            change_pct: Decimal::ZERO,
            then_pct_per_period: Decimal::ZERO,
        };
        let periods: Vec<Period> = (0..20).filter_map(|k| p("2025").shift(k)).collect();
        let f = zero.factors(&periods).unwrap();
        assert!(f.iter().all(|x| *x == Decimal::ONE));
        for v in [0, 1, -7, 762_000_000_000, 1_000_000_000_000_000] {
            assert_eq!(apply(v, f[19]), Ok(v));
        }
        let no_tariff = TariffChange {
            start: p("2025"),
            tariff_change_pp: Decimal::ZERO,
            base_tariff_pct: d("3.5"),
            elasticity: d(DEFAULT_TARIFF_ELASTICITY),
        };
        assert_eq!(no_tariff.factor(), Ok(Decimal::ONE));
    }

    #[test]
    fn a_tariff_lowers_imports_through_the_elasticity() {
        // 0% -> 25%, elasticity 2.53: (1.25)^-2.53 = 0.56893...
        let t = TariffChange {
            start: p("2025"),
            tariff_change_pp: d("25"),
            base_tariff_pct: Decimal::ZERO,
            elasticity: d(DEFAULT_TARIFF_ELASTICITY),
        };
        let f = t.factor().unwrap().to_f64().unwrap();
        assert!((f - 1.25f64.powf(-2.53)).abs() < 1e-9, "{f}");
        let fs = t.factors(&[p("2024"), p("2025"), p("2030")]).unwrap();
        assert_eq!(fs[0], Decimal::ONE);
        assert_eq!(fs[1], fs[2]);
        // The same answer every time, to the dollar.
        assert_eq!(
            apply(100_000_000_000, fs[1]),
            apply(100_000_000_000, t.factor().unwrap())
        );
        let bad = TariffChange {
            tariff_change_pp: d("-150"),
            ..t
        };
        assert!(matches!(
            bad.factor(),
            Err(ShockError::TariffBelowMinus100(_))
        ));
    }

    #[test]
    fn baselines_hold_the_level_or_continue_the_trend() {
        // Annual: 100, 110, 121 (10% a year).
        let h = [Some(100), Some(110), Some(121)];
        assert_eq!(
            baseline(&h, 1, BaselineMethod::Flat, 2, 3),
            Ok(vec![121, 121, 121])
        );
        assert_eq!(
            baseline(&h, 1, BaselineMethod::Trend, 2, 3),
            Ok(vec![133, 146, 161])
        );
        // Monthly: the last twelve months repeated.
        let months: Vec<Option<i64>> = (1..=24).map(Some).collect();
        let flat = baseline(&months, 12, BaselineMethod::Flat, 12, 14).unwrap();
        assert_eq!(&flat[..3], [13, 14, 15]);
        assert_eq!(flat[12], 13);
        // A missing base level is missing, not zero.
        assert_eq!(
            baseline(&[Some(1), None], 1, BaselineMethod::Flat, 1, 1),
            Err(Undefined::MissingValue)
        );
        // A trend from a deficit is undefined: flat.
        assert_eq!(
            baseline(&[Some(-10), Some(-20)], 1, BaselineMethod::Trend, 1, 2),
            Ok(vec![-20, -20])
        );
    }
}
