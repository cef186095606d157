//! Decompositions of change: which cells (partners, groups, or both) account
//! for the change of a total between two periods, to the dollar; and the
//! shift-share of a partner's share of a market, split into the partner's
//! own growth and the market's.

use serde::Serialize;

use crate::analytics::{Computed, Undefined};

/// One cell's part in the change of a total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution<K> {
    pub key: K,
    pub start_usd: i64,
    pub end_usd: i64,
    /// end - start.
    pub change_usd: i64,
    /// The change as a percent of the total's change.
    pub share_of_change_pct: Computed<f64>,
}

/// What is left of the total's change once the cells are counted: the
/// partners or groups the source does not list (the rest of the world, a
/// group it does not cover), the cells with a value at one end only, and
/// whatever the source's own rounding leaves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Residual<K> {
    pub change_usd: i64,
    pub share_of_change_pct: Computed<f64>,
    /// Cells with a value at one end only, left to the residual (their
    /// change is not known).
    pub incomplete: Vec<K>,
}

/// The change of a total, cell by cell: the cells' changes and the residual
/// add up to the total's change exactly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decomposition<K> {
    pub total_start_usd: i64,
    pub total_end_usd: i64,
    pub total_change_usd: i64,
    /// In the order given.
    pub cells: Vec<Contribution<K>>,
    pub residual: Residual<K>,
}

fn percent_of(part: i64, whole: i64) -> Computed<f64> {
    if whole == 0 {
        return Err(Undefined::ZeroBase);
    }
    let pct = part as f64 / whole as f64 * 100.0;
    if pct.is_finite() {
        Ok(pct)
    } else {
        Err(Undefined::Overflow)
    }
}

/// Decomposes the change of a total, `(start, end)`, into the changes of
/// `cells` (each with its value at the start and at the end, if any). A
/// cell with a value at one end only goes to the residual, named. Sums are
/// checked: [`Undefined::Overflow`] rather than a wrapped-around number.
pub fn decompose<K: Clone>(
    total: (i64, i64),
    cells: Vec<(K, Option<i64>, Option<i64>)>,
) -> Computed<Decomposition<K>> {
    let (total_start, total_end) = total;
    let total_change = total_end
        .checked_sub(total_start)
        .ok_or(Undefined::Overflow)?;
    let mut out = Vec::with_capacity(cells.len());
    let mut incomplete = Vec::new();
    let mut counted: i64 = 0;
    for (key, start, end) in cells {
        match (start, end) {
            (Some(s), Some(e)) => {
                let change = e.checked_sub(s).ok_or(Undefined::Overflow)?;
                counted = counted.checked_add(change).ok_or(Undefined::Overflow)?;
                out.push(Contribution {
                    key,
                    start_usd: s,
                    end_usd: e,
                    change_usd: change,
                    share_of_change_pct: percent_of(change, total_change),
                });
            }
            (None, None) => {}
            _ => incomplete.push(key),
        }
    }
    let residual = total_change
        .checked_sub(counted)
        .ok_or(Undefined::Overflow)?;
    Ok(Decomposition {
        total_start_usd: total_start,
        total_end_usd: total_end,
        total_change_usd: total_change,
        cells: out,
        residual: Residual {
            change_usd: residual,
            share_of_change_pct: percent_of(residual, total_change),
            incomplete,
        },
    })
}

/// A partner's share of a market in two periods, and its change in
/// percentage points split into two effects that add up to it exactly:
/// the partner's own growth, `100 (x1 - x0) / X1`, and the market's,
/// `-100 x0 (X1 - X0) / (X0 X1)` (a market that grows dilutes every
/// partner's share).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShareShift {
    pub share_start_pct: f64,
    pub share_end_pct: f64,
    /// share_end - share_start, in percentage points.
    pub change_pp: f64,
    /// What the partner's own change would have done to its share had the
    /// market stood still at its end size.
    pub own_growth_pp: f64,
    /// What the market's growth did to the share the partner started with.
    pub market_pp: f64,
}

/// The shift-share of a partner's share: `part` of the market `total` at
/// the start and at the end. Undefined when the market is not positive at
/// both ends.
pub fn share_shift(part: (i64, i64), total: (i64, i64)) -> Computed<ShareShift> {
    let (x0, x1) = (part.0 as f64, part.1 as f64);
    let (m0, m1) = total;
    match (m0, m1) {
        (0, _) | (_, 0) => return Err(Undefined::ZeroBase),
        (a, b) if a < 0 || b < 0 => return Err(Undefined::NegativeBase),
        _ => {}
    }
    let (m0, m1) = (m0 as f64, m1 as f64);
    let share_start_pct = 100.0 * x0 / m0;
    let share_end_pct = 100.0 * x1 / m1;
    let own_growth_pp = 100.0 * (x1 - x0) / m1;
    let market_pp = -100.0 * x0 * (m1 - m0) / (m0 * m1);
    let all = [share_start_pct, share_end_pct, own_growth_pp, market_pp];
    if all.iter().any(|v| !v.is_finite()) {
        return Err(Undefined::Overflow);
    }
    Ok(ShareShift {
        share_start_pct,
        share_end_pct,
        change_pp: share_end_pct - share_start_pct,
        own_growth_pp,
        market_pp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_residual_add_up_to_the_total_to_the_dollar() {
        // A surplus of 29 that became a deficit of 300: -329.
        let d = decompose(
            (29, -300),
            vec![
                ("CN", Some(-50), Some(-120)),
                ("EU", Some(10), Some(-90)),
                ("KR", Some(-5), Some(-25)),
                // Listed at the end only: its change is unknown.
                ("VN", None, Some(-40)),
                ("XX", None, None),
            ],
        )
        .unwrap();
        assert_eq!(d.total_change_usd, -329);
        let cells: i64 = d.cells.iter().map(|c| c.change_usd).sum();
        assert_eq!(cells + d.residual.change_usd, d.total_change_usd);
        assert_eq!(cells, -70 - 100 - 20);
        assert_eq!(d.residual.change_usd, -139);
        assert_eq!(d.residual.incomplete, ["VN"]);
        let pct: f64 = d
            .cells
            .iter()
            .map(|c| c.share_of_change_pct.unwrap())
            .sum::<f64>()
            + d.residual.share_of_change_pct.unwrap();
        assert!((pct - 100.0).abs() < 1e-9);
        assert!((d.cells[1].share_of_change_pct.unwrap() - 100.0 * 100.0 / 329.0).abs() < 1e-9);
    }

    #[test]
    fn no_change_of_the_total_has_no_percentages() {
        let d = decompose(
            (10, 10),
            vec![("A", Some(5), Some(8)), ("B", Some(5), Some(2))],
        )
        .unwrap();
        assert_eq!(d.total_change_usd, 0);
        assert_eq!(d.cells[0].share_of_change_pct, Err(Undefined::ZeroBase));
        assert_eq!(d.residual.change_usd, 0);
    }

    #[test]
    fn overflow_is_refused_not_wrapped() {
        assert_eq!(
            decompose::<&str>((i64::MIN, i64::MAX), Vec::new()).unwrap_err(),
            Undefined::Overflow
        );
        assert_eq!(
            decompose((0, 0), vec![("A", Some(i64::MIN), Some(i64::MAX))]).unwrap_err(),
            Undefined::Overflow
        );
    }

    #[test]
    fn a_share_shift_splits_into_own_growth_and_market() {
        // 20 of 100, then 30 of 200: 20% -> 15%, -5 pp.
        let s = share_shift((20, 30), (100, 200)).unwrap();
        assert!((s.share_start_pct - 20.0).abs() < 1e-12);
        assert!((s.share_end_pct - 15.0).abs() < 1e-12);
        assert!((s.change_pp + 5.0).abs() < 1e-12);
        // Own growth: +10 of a market of 200 = +5 pp; the market doubling
        // halves the 20% it started with: -10 pp.
        assert!((s.own_growth_pp - 5.0).abs() < 1e-12);
        assert!((s.market_pp + 10.0).abs() < 1e-12);
        assert!((s.own_growth_pp + s.market_pp - s.change_pp).abs() < 1e-12);
        assert_eq!(share_shift((1, 1), (0, 5)), Err(Undefined::ZeroBase));
        assert_eq!(share_shift((1, 1), (5, -5)), Err(Undefined::NegativeBase));
    }
}
