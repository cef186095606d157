//! Decompositions of change over the read model: which partners, groups or
//! both account for the change of a total between two periods (to the
//! dollar, with a residual for what the source does not list), and the
//! shift-share of each partner's share of a market.

use atp_core::analytics::Computed;
use atp_core::decomposition::{self, Decomposition, ShareShift};
use atp_core::{Flow, GroupId, Measure, PartnerCode, PartnerKind, Period, SeriesKey, membership};

use crate::model::{DatasetView, ReadModel};
use crate::{GrowthMeasure, Scope, Selection, series_value};

/// What the cells of a decomposition are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecomposeBy {
    /// The partners of one group, within the world.
    Partner,
    /// The ATP groups of one partner, within `all`.
    Group,
    /// Every partner and ATP group, within the world's `all`.
    PartnerGroup,
}

impl DecomposeBy {
    pub const ALL: [DecomposeBy; 3] = [
        DecomposeBy::Partner,
        DecomposeBy::Group,
        DecomposeBy::PartnerGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecomposeBy::Partner => "partner",
            DecomposeBy::Group => "group",
            DecomposeBy::PartnerGroup => "partner,group",
        }
    }
}

/// A cell: a partner of a group, a group of a partner, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub group: GroupId,
    pub partner: PartnerCode,
}

/// The decomposition of one total: the total's own coordinates, and the
/// cells' contributions with the residual.
#[derive(Debug, Clone, PartialEq)]
pub struct DecompositionRow {
    /// The total decomposed (the world for partners, `all` for groups).
    pub total: Cell,
    pub by: DecomposeBy,
    pub measure: GrowthMeasure,
    pub from: Period,
    pub to: Period,
    pub parts: Decomposition<Cell>,
    /// The aggregates among the dataset's partners left out of the cells
    /// (the world, the rest of the world, Census groupings, a bloc whose
    /// members are listed): counting them beside their members would count
    /// the same trade twice. Their trade is in the residual only insofar as
    /// it is not in a listed member's.
    pub left_out: Vec<(PartnerCode, membership::Exclusion)>,
}

/// The partners that may be counted side by side in both periods.
fn countable_partners(
    model: &ReadModel,
    ds: &DatasetView,
    group: GroupId,
    measures: &[Measure],
    from: Period,
    to: Period,
) -> (Vec<PartnerCode>, Vec<(PartnerCode, membership::Exclusion)>) {
    let mut partners: Vec<PartnerCode> = ds
        .partners
        .iter()
        .copied()
        .filter(|&p| {
            measures.iter().any(|&measure| {
                [from, to].iter().any(|&period| {
                    ds.get(&SeriesKey {
                        measure,
                        group,
                        partner: p,
                        period,
                    })
                    .is_some()
                })
            })
        })
        .collect();
    partners.sort_unstable();
    let kinds: Vec<(PartnerCode, PartnerKind)> = partners
        .iter()
        .map(|&p| (p, model.partner_kind(p)))
        .collect();
    let (kept_from, mut out) = membership::countable(&kinds, from);
    let (kept_to, out_to) = membership::countable(&kinds, to);
    for o in out_to {
        if !out.iter().any(|(p, _)| *p == o.0) {
            out.push(o);
        }
    }
    let mut kept: Vec<PartnerCode> = kept_from
        .into_iter()
        .filter(|p| kept_to.contains(p))
        .collect();
    // The rest of the world shares no trade with the partners listed: it is
    // a cell of its own (never ranked beside countries).
    if let Some(i) = out
        .iter()
        .position(|(p, _)| *p == PartnerCode::REST_OF_WORLD)
    {
        kept.push(PartnerCode::REST_OF_WORLD);
        out.remove(i);
    }
    out.sort_unstable_by_key(|(p, _)| *p);
    (kept, out)
}

fn measures_of(m: GrowthMeasure) -> Vec<Measure> {
    match m {
        GrowthMeasure::Flow(f) => vec![Measure::from(f)],
        GrowthMeasure::Balance => vec![Measure::Imports, Measure::Exports, Measure::Balance],
    }
}

/// Decomposes the change of `measure` from `from` to `to`: for every
/// selected group (by partner), every selected partner (by group, the world
/// by default), or the world's `all` (by partner and group). Cells the
/// selection names narrow the cells; what they leave out is in the
/// residual. A total with no value at one end gives no decomposition.
pub fn decompose(
    model: &ReadModel,
    ds: &DatasetView,
    measure: GrowthMeasure,
    by: DecomposeBy,
    from: Period,
    to: Period,
    sel: &Selection,
) -> Vec<DecompositionRow> {
    let scope = Scope::new(model, ds, sel);
    let value = |cell: Cell, period: Period| {
        series_value(&scope, measure, cell.group, cell.partner, period).map(|(v, _)| v)
    };
    let measures = measures_of(measure);
    let mut out = Vec::new();
    let mut push = |total: Cell, cells: Vec<Cell>, left_out| {
        let (Some(start), Some(end)) = (value(total, from), value(total, to)) else {
            return;
        };
        let cells = cells
            .into_iter()
            .map(|c| (c, value(c, from), value(c, to)))
            .collect();
        if let Ok(parts) = decomposition::decompose((start, end), cells) {
            out.push(DecompositionRow {
                total,
                by,
                measure,
                from,
                to,
                parts,
                left_out,
            });
        }
    };
    let atp_groups: Vec<GroupId> = ds
        .groups_covered
        .iter()
        .map(|&g| GroupId::Group(g))
        .filter(|&g| sel.groups.as_ref().is_none_or(|v| v.contains(&g)))
        .collect();
    let wanted = |p: &PartnerCode| sel.partners.as_ref().is_none_or(|v| v.contains(p));
    match by {
        DecomposeBy::Partner => {
            let groups = sel.groups.clone().unwrap_or_else(|| vec![GroupId::All]);
            for group in groups {
                let (kept, left_out) = countable_partners(model, ds, group, &measures, from, to);
                let cells = kept
                    .into_iter()
                    .filter(wanted)
                    .map(|partner| Cell { group, partner })
                    .collect();
                let total = Cell {
                    group,
                    partner: PartnerCode::WORLD,
                };
                push(total, cells, left_out);
            }
        }
        DecomposeBy::Group => {
            let partners = sel
                .partners
                .clone()
                .unwrap_or_else(|| vec![PartnerCode::WORLD]);
            for partner in partners {
                let cells = atp_groups
                    .iter()
                    .map(|&group| Cell { group, partner })
                    .collect();
                let total = Cell {
                    group: GroupId::All,
                    partner,
                };
                push(total, cells, Vec::new());
            }
        }
        DecomposeBy::PartnerGroup => {
            let mut cells = Vec::new();
            let mut left_out: Vec<(PartnerCode, membership::Exclusion)> = Vec::new();
            for &group in &atp_groups {
                let (kept, out) = countable_partners(model, ds, group, &measures, from, to);
                for o in out {
                    if !left_out.iter().any(|(p, _)| *p == o.0) {
                        left_out.push(o);
                    }
                }
                cells.extend(
                    kept.into_iter()
                        .filter(wanted)
                        .map(|partner| Cell { group, partner }),
                );
            }
            left_out.sort_unstable_by_key(|(p, _)| *p);
            let total = Cell {
                group: GroupId::All,
                partner: PartnerCode::WORLD,
            };
            push(total, cells, left_out);
        }
    }
    out
}

/// One partner's share of a market in two periods, split into its own
/// growth and the market's.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareShiftRow {
    pub group: GroupId,
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub flow: Flow,
    pub from: Period,
    pub to: Period,
    pub start_usd: i64,
    pub end_usd: i64,
    pub world_start_usd: i64,
    pub world_end_usd: i64,
    pub shift: Computed<ShareShift>,
}

/// The shift-share of every listed partner's share of the world's imports
/// or exports of each selected group (`all` by default), for the partners
/// with a value at both ends that may be counted side by side.
pub fn share_shifts(
    model: &ReadModel,
    ds: &DatasetView,
    flow: Flow,
    from: Period,
    to: Period,
    sel: &Selection,
) -> Vec<ShareShiftRow> {
    let measure = Measure::from(flow);
    let groups = sel.groups.clone().unwrap_or_else(|| vec![GroupId::All]);
    let get = |group, partner, period| {
        ds.get(&SeriesKey {
            measure,
            group,
            partner,
            period,
        })
        .map(|f| f.value_usd)
    };
    let mut out = Vec::new();
    for group in groups {
        let (Some(w0), Some(w1)) = (
            get(group, PartnerCode::WORLD, from),
            get(group, PartnerCode::WORLD, to),
        ) else {
            continue;
        };
        let (kept, _) = countable_partners(model, ds, group, &[measure], from, to);
        for partner in kept {
            if sel.partners.as_ref().is_some_and(|v| !v.contains(&partner)) {
                continue;
            }
            let (Some(x0), Some(x1)) = (get(group, partner, from), get(group, partner, to)) else {
                continue;
            };
            out.push(ShareShiftRow {
                group,
                partner,
                partner_kind: model.partner_kind(partner),
                flow,
                from,
                to,
                start_usd: x0,
                end_usd: x1,
                world_start_usd: w0,
                world_end_usd: w1,
                shift: decomposition::share_shift((x0, x1), (w0, w1)),
            });
        }
    }
    out
}
