//! The queries of the API over the read model: pure functions from parsed
//! parameters to domain rows. No HTTP, no SQL, no OpenAPI: the HTTP layer
//! turns the rows into wire records.

pub mod model;
mod rows;

use atp_core::analytics::{self, Computed, Undefined};
use atp_core::{
    Flow, GroupId, Measure, Observation, PartnerCode, PartnerKind, SeriesKey, Status, Year,
};

pub use model::{DatasetView, FLOW_MEASURES, PartnerEntry, ReadModel};
pub use rows::{
    BalanceBasis, BalanceRow, ConcentrationRow, FlowRow, GrowthRow, Origin, ProfileRow, ShareRow,
};

/// Which years a query covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearFilter {
    All,
    List(Vec<Year>),
    Range {
        from: Option<Year>,
        to: Option<Year>,
    },
}

impl YearFilter {
    pub fn contains(&self, y: Year) -> bool {
        match self {
            YearFilter::All => true,
            YearFilter::List(v) => v.contains(&y),
            YearFilter::Range { from, to } => {
                from.is_none_or(|f| f <= y) && to.is_none_or(|t| y <= t)
            }
        }
    }
}

/// The selection shared by the data endpoints; `None` means every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub groups: Option<Vec<GroupId>>,
    pub partners: Option<Vec<PartnerCode>>,
    pub years: YearFilter,
}

impl Selection {
    fn group(&self, g: GroupId) -> bool {
        self.groups.as_ref().is_none_or(|v| v.contains(&g))
    }
    fn partner(&self, p: PartnerCode) -> bool {
        self.partners.as_ref().is_none_or(|v| v.contains(&p))
    }
    /// The groups to visit, in the dataset's order (`all` first).
    fn groups_in(&self, ds: &DatasetView) -> Vec<GroupId> {
        let mut out: Vec<GroupId> = Vec::new();
        if self.group(GroupId::All) {
            out.push(GroupId::All);
        }
        out.extend(
            ds.groups_covered
                .iter()
                .map(|&g| GroupId::Group(g))
                .filter(|&g| self.group(g)),
        );
        out
    }
}

/// What a query reads: the model, one dataset, and the partners the
/// selection lists that are not aggregates (what a computed rest of the
/// world is the complement of), worked out once per query.
struct Scope<'m> {
    model: &'m ReadModel,
    ds: &'m DatasetView,
    listed: Vec<PartnerCode>,
}

impl<'m> Scope<'m> {
    fn new(model: &'m ReadModel, ds: &'m DatasetView, sel: &Selection) -> Scope<'m> {
        let mut listed: Vec<PartnerCode> = sel
            .partners
            .iter()
            .flatten()
            .copied()
            .filter(|&p| !model.partner_kind(p).is_aggregate())
            .collect();
        listed.sort_unstable();
        listed.dedup();
        Scope { model, ds, listed }
    }

    fn kind(&self, p: PartnerCode) -> PartnerKind {
        self.model.partner_kind(p)
    }

    /// A value at `key`: stored, or, for the rest of the world where the
    /// dataset stores none, computed as the world minus the partners the
    /// query lists.
    fn lookup(&self, key: SeriesKey) -> Option<(i64, Origin<'m>)> {
        if let Some(o) = self.ds.get(&key) {
            return Some((o.value_usd, Origin::Stored(o)));
        }
        if key.partner != PartnerCode::REST_OF_WORLD
            || key.measure == Measure::Balance
            || self.listed.is_empty()
        {
            return None;
        }
        let world_key = SeriesKey {
            partner: PartnerCode::WORLD,
            ..key
        };
        let mut rest = self.ds.get(&world_key)?.value_usd;
        let mut formula = world_key.to_string();
        for &p in &self.listed {
            let k = SeriesKey { partner: p, ..key };
            rest -= self.ds.get(&k)?.value_usd;
            formula.push_str(" - ");
            formula.push_str(&k.to_string());
        }
        Some((rest, Origin::RestOfWorld { formula }))
    }

    /// The partners to visit for a group: the selection's, or every partner
    /// the dataset has figures for.
    fn partners(&self, sel: &Selection) -> Vec<PartnerCode> {
        let mut partners = match &sel.partners {
            Some(v) => v.clone(),
            None => self.ds.partners.clone(),
        };
        partners.sort_unstable();
        partners.dedup();
        partners
    }

    fn years(&self, sel: &Selection) -> Vec<Year> {
        self.ds
            .years
            .iter()
            .copied()
            .filter(|&y| sel.years.contains(y))
            .collect()
    }
}

/// Imports or exports, in (group, partner, year) order.
pub fn flows<'m>(
    model: &'m ReadModel,
    ds: &'m DatasetView,
    flow: Flow,
    sel: &Selection,
) -> Vec<FlowRow<'m>> {
    let scope = Scope::new(model, ds, sel);
    let measure = Measure::from(flow);
    let mut out = Vec::new();
    let asks_rest = sel
        .partners
        .as_ref()
        .is_some_and(|p| p.contains(&PartnerCode::REST_OF_WORLD));
    for group in sel.groups_in(ds) {
        if !asks_rest {
            // The fast path: one contiguous run per group, ordered by
            // partner and year; the partners asked for are found by binary
            // search instead of scanning the run.
            let run = ds.run(measure, group);
            let slices: Vec<&[Observation]> = match &sel.partners {
                None => vec![run],
                Some(_) => scope
                    .partners(sel)
                    .into_iter()
                    .map(|p| {
                        let start = run.partition_point(|o| o.key.partner < p);
                        let len = run[start..].partition_point(|o| o.key.partner == p);
                        &run[start..start + len]
                    })
                    .collect(),
            };
            for o in slices.into_iter().flatten() {
                if sel.years.contains(o.key.year) {
                    out.push(FlowRow {
                        key: o.key,
                        partner_kind: scope.kind(o.key.partner),
                        value_usd: o.value_usd,
                        origin: Origin::Stored(o),
                    });
                }
            }
            continue;
        }
        let years = scope.years(sel);
        for partner in scope.partners(sel) {
            for &year in &years {
                let key = SeriesKey {
                    measure,
                    group,
                    partner,
                    year,
                };
                if let Some((value_usd, origin)) = scope.lookup(key) {
                    out.push(FlowRow {
                        key,
                        partner_kind: scope.kind(partner),
                        value_usd,
                        origin,
                    });
                }
            }
        }
    }
    out
}

/// The balance of one group, partner and year: computed from the flows when
/// both are known, else as reported.
struct BalanceValue {
    exports: Option<i64>,
    imports: Option<i64>,
    balance: i64,
    basis: BalanceBasis,
    reported: Option<i64>,
    status: Status,
    citation: String,
}

fn balance_at(
    scope: &Scope<'_>,
    group: GroupId,
    partner: PartnerCode,
    year: Year,
) -> Option<BalanceValue> {
    let key = |measure| SeriesKey {
        measure,
        group,
        partner,
        year,
    };
    let x = scope.lookup(key(Measure::Exports));
    let m = scope.lookup(key(Measure::Imports));
    let reported = scope.ds.get(&key(Measure::Balance));
    let cite = |f: &Option<(i64, Origin<'_>)>| match f {
        Some((_, Origin::Stored(o))) => o.provenance.citation.section.clone(),
        _ => "computed".to_owned(),
    };
    match (&x, &m) {
        (Some((xv, _)), Some((mv, _))) => Some(BalanceValue {
            exports: Some(*xv),
            imports: Some(*mv),
            balance: analytics::balance(*xv, *mv),
            basis: BalanceBasis::Flows,
            reported: reported.map(|o| o.value_usd),
            status: Status::Derived,
            citation: format!(
                "exports - imports; exports: {}; imports: {}",
                cite(&x),
                cite(&m)
            ),
        }),
        _ => reported.map(|o| BalanceValue {
            exports: x.as_ref().map(|f| f.0),
            imports: m.as_ref().map(|f| f.0),
            balance: o.value_usd,
            basis: BalanceBasis::Reported,
            reported: Some(o.value_usd),
            status: o.provenance.status,
            citation: o.provenance.citation.section.clone(),
        }),
    }
}

/// Balances and the trade specialisation index, in (group, partner, year)
/// order.
pub fn balances(model: &ReadModel, ds: &DatasetView, sel: &Selection) -> Vec<BalanceRow> {
    let scope = Scope::new(model, ds, sel);
    let mut out = Vec::new();
    let partners = scope.partners(sel);
    let years = scope.years(sel);
    for group in sel.groups_in(ds) {
        for &partner in &partners {
            for &year in &years {
                let Some(b) = balance_at(&scope, group, partner, year) else {
                    continue;
                };
                let tsi = match (b.exports, b.imports) {
                    (Some(x), Some(m)) => analytics::trade_specialisation_index(x, m),
                    _ => Err(Undefined::MissingValue),
                };
                out.push(BalanceRow {
                    group,
                    partner,
                    partner_kind: scope.kind(partner),
                    year,
                    exports_usd: b.exports,
                    imports_usd: b.imports,
                    balance_usd: b.balance,
                    basis: b.basis,
                    reported_balance_usd: b.reported,
                    tsi,
                    status: b.status,
                    citation: b.citation,
                });
            }
        }
    }
    out
}

/// What a growth query measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthMeasure {
    Flow(Flow),
    Balance,
}

impl GrowthMeasure {
    pub fn as_str(self) -> &'static str {
        match self {
            GrowthMeasure::Flow(f) => f.as_str(),
            GrowthMeasure::Balance => "balance",
        }
    }
}

fn series_value(
    scope: &Scope<'_>,
    m: GrowthMeasure,
    group: GroupId,
    partner: PartnerCode,
    year: Year,
) -> Option<(i64, Status)> {
    match m {
        GrowthMeasure::Flow(f) => scope
            .lookup(SeriesKey {
                measure: Measure::from(f),
                group,
                partner,
                year,
            })
            .map(|(value, origin)| (value, origin.status())),
        GrowthMeasure::Balance => {
            balance_at(scope, group, partner, year).map(|b| (b.balance, b.status))
        }
    }
}

/// Growth between two years for every selected group and partner with a
/// value in at least one of them.
pub fn growth(
    model: &ReadModel,
    ds: &DatasetView,
    m: GrowthMeasure,
    from: Year,
    to: Year,
    sel: &Selection,
) -> Vec<GrowthRow> {
    let scope = Scope::new(model, ds, sel);
    let mut out = Vec::new();
    let partners = scope.partners(sel);
    let years = from.years_until(to);
    for group in sel.groups_in(ds) {
        for &partner in &partners {
            let start = series_value(&scope, m, group, partner, from);
            let end = series_value(&scope, m, group, partner, to);
            if start.is_none() && end.is_none() {
                continue;
            }
            let g = match (start, end) {
                (Some((s, _)), Some((e, _))) => Some(analytics::growth_between(s, e, years)),
                _ => None,
            };
            let missing: Computed<f64> = Err(Undefined::MissingValue);
            let reported = matches!(
                (start, end),
                (Some((_, Status::Reported)), Some((_, Status::Reported)))
            );
            out.push(GrowthRow {
                group,
                partner,
                partner_kind: scope.kind(partner),
                measure: m,
                from,
                to,
                start_usd: start.map(|s| s.0),
                end_usd: end.map(|e| e.0),
                change_usd: g.map(|g| g.change_usd).ok_or(Undefined::MissingValue),
                change_pct: g.map_or(missing, |g| g.change_pct),
                multiple: g.map_or(missing, |g| g.multiple),
                cagr_pct: g.map_or(missing, |g| g.cagr_pct),
                status: if reported {
                    Status::Reported
                } else {
                    Status::Derived
                },
            });
        }
    }
    out
}

/// Each selected partner's share of the world total, with ranks among the
/// listed countries and blocs.
pub fn shares<'m>(
    model: &'m ReadModel,
    ds: &'m DatasetView,
    flow: Flow,
    sel: &Selection,
) -> Vec<ShareRow<'m>> {
    let scope = Scope::new(model, ds, sel);
    let measure = Measure::from(flow);
    let mut out = Vec::new();
    for group in sel.groups_in(ds) {
        for year in scope.years(sel) {
            // Ranks are over every listed partner with a value, whatever the selection shows.
            let (world, ranked) = shares_of_year(&scope, measure, group, year);
            let world = world.map(|o| o.value_usd);
            for (o, s) in ranked {
                if !sel.partner(s.partner) {
                    continue;
                }
                let share = match world {
                    Some(_) => s.share_pct,
                    None => Err(Undefined::MissingValue),
                };
                out.push(ShareRow {
                    group,
                    partner: s.partner,
                    partner_kind: s.kind,
                    year,
                    flow,
                    value_usd: s.value_usd,
                    world_usd: world,
                    share_pct: share,
                    rank: s.rank,
                    observation: o,
                });
            }
        }
    }
    out
}

/// The HHI of each selected group and year, over the listed countries and blocs.
pub fn concentration(
    model: &ReadModel,
    ds: &DatasetView,
    flow: Flow,
    sel: &Selection,
) -> Vec<ConcentrationRow> {
    let scope = Scope::new(model, ds, sel);
    let measure = Measure::from(flow);
    let mut out = Vec::new();
    for group in sel.groups_in(ds) {
        for year in scope.years(sel) {
            let Some(world) = ds.get(&SeriesKey {
                measure,
                group,
                partner: PartnerCode::WORLD,
                year,
            }) else {
                continue;
            };
            let listed: Vec<i64> = ds
                .run(measure, group)
                .iter()
                .filter(|o| o.key.year == year && !scope.kind(o.key.partner).is_aggregate())
                .map(|o| o.value_usd)
                .collect();
            out.push(ConcentrationRow {
                group,
                year,
                flow,
                hhi: analytics::herfindahl_hirschman(world.value_usd, &listed),
                partners: listed.len(),
            });
        }
    }
    out
}

fn share_and_rank(
    scope: &Scope<'_>,
    measure: Measure,
    group: GroupId,
    partner: PartnerCode,
    year: Year,
) -> (Computed<f64>, Option<u32>) {
    let (world, shares) = shares_of_year(scope, measure, group, year);
    if world.is_none() {
        return (Err(Undefined::MissingValue), None);
    }
    match shares.into_iter().find(|(_, s)| s.partner == partner) {
        Some((_, s)) => (s.share_pct, s.rank),
        None => (Err(Undefined::MissingValue), None),
    }
}

/// The world total of one measure, group and year, and every other figure of
/// that year (in partner order) with its share of the world and its rank
/// among the listed (non-aggregate) partners. Shares are computed against 0
/// when the world total is missing: callers report them as missing.
fn shares_of_year<'m>(
    scope: &Scope<'m>,
    measure: Measure,
    group: GroupId,
    year: Year,
) -> (
    Option<&'m Observation>,
    Vec<(&'m Observation, analytics::PartnerShare)>,
) {
    let ds = scope.ds;
    let world = ds.get(&SeriesKey {
        measure,
        group,
        partner: PartnerCode::WORLD,
        year,
    });
    let figures: Vec<&Observation> = ds
        .run(measure, group)
        .iter()
        .filter(|o| o.key.year == year && o.key.partner != PartnerCode::WORLD)
        .collect();
    let rows: Vec<(PartnerCode, PartnerKind, i64)> = figures
        .iter()
        .map(|o| (o.key.partner, scope.kind(o.key.partner), o.value_usd))
        .collect();
    let shares = analytics::partner_shares(world.map_or(0, |w| w.value_usd), &rows);
    (world, figures.into_iter().zip(shares).collect())
}

/// Everything about one partner in one year: every group, with shares, ranks,
/// and growth against `base_year`.
pub fn profile(
    model: &ReadModel,
    ds: &DatasetView,
    partner: PartnerCode,
    year: Year,
    base_year: Year,
) -> Vec<ProfileRow> {
    let sel = Selection {
        groups: None,
        partners: Some(vec![partner]),
        years: YearFilter::List(vec![year, base_year]),
    };
    let scope = Scope::new(model, ds, &sel);
    let mut out = Vec::new();
    for group in sel.groups_in(ds) {
        let now = balance_at(&scope, group, partner, year);
        let then = balance_at(&scope, group, partner, base_year);
        let flow_at = |measure, y| {
            ds.get(&SeriesKey {
                measure,
                group,
                partner,
                year: y,
            })
            .map(|o| o.value_usd)
        };
        let (mi, xi) = (
            flow_at(Measure::Imports, year),
            flow_at(Measure::Exports, year),
        );
        if now.is_none() && mi.is_none() && xi.is_none() {
            continue;
        }
        let change = |measure| match (flow_at(measure, base_year), flow_at(measure, year)) {
            (Some(s), Some(e)) => analytics::percent_change(s, e),
            _ => Err(Undefined::MissingValue),
        };
        let tsi = match (xi, mi) {
            (Some(x), Some(m)) => analytics::trade_specialisation_index(x, m),
            _ => Err(Undefined::MissingValue),
        };
        let (imports_share_pct, imports_rank) =
            share_and_rank(&scope, Measure::Imports, group, partner, year);
        let (exports_share_pct, exports_rank) =
            share_and_rank(&scope, Measure::Exports, group, partner, year);
        let balance_change_usd: Computed<i64> = match (&then, &now) {
            (Some(t), Some(n)) => Ok(n.balance - t.balance),
            _ => Err(Undefined::MissingValue),
        };
        out.push(ProfileRow {
            partner,
            partner_kind: scope.kind(partner),
            group,
            year,
            imports_usd: mi,
            exports_usd: xi,
            balance_usd: now.as_ref().map(|b| b.balance),
            balance_basis: now.as_ref().map(|b| b.basis),
            tsi,
            imports_share_pct,
            exports_share_pct,
            imports_rank,
            exports_rank,
            base_year,
            imports_change_pct: change(Measure::Imports),
            exports_change_pct: change(Measure::Exports),
            balance_change_usd,
        });
    }
    out
}
