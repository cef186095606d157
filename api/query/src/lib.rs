//! The queries of the API over the read model: pure functions from parsed
//! parameters to domain rows. No HTTP, no SQL, no OpenAPI: the HTTP layer
//! turns the rows into wire records.

pub mod comparison;
pub mod decomposition;
// Bulk downloads (issue 15): a dataset's figures, a chunk at a time.
pub mod download;
pub mod indicators;
pub mod model;
mod rows;
pub mod scenario;
pub mod series;

// Forecasts (issue 14): a series, cut at `until`, forecast by core.
pub mod forecast;

use std::collections::HashMap;

use atp_core::analytics::{self, Computed, Undefined};
use atp_core::{
    ClaimKind, Flow, Frequency, GroupId, Measure, PartnerCode, PartnerKind, Period, SeriesKey,
    Status,
};
use atp_core::{membership, quality};

pub use model::{
    DatasetBuilder, DatasetView, DatasetVintages, FLOW_MEASURES, Fact, PartnerEntry, ReadModel,
};
pub use rows::{
    BalanceBasis, BalanceRow, ConcentrationRow, FlowRow, GrowthRow, Origin, PrintedRatio,
    ProfileRow, ShareRow,
};

/// Which periods a query covers, all of one frequency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodFilter {
    All,
    List(Vec<Period>),
    Range {
        from: Option<Period>,
        to: Option<Period>,
    },
}

impl PeriodFilter {
    /// Whether `p` is selected (its frequency is checked by the selection).
    pub fn contains(&self, p: Period) -> bool {
        match self {
            PeriodFilter::All => true,
            PeriodFilter::List(v) => v.contains(&p),
            PeriodFilter::Range { from, to } => {
                from.is_none_or(|f| f <= p) && to.is_none_or(|t| p <= t)
            }
        }
    }
}

/// The selection shared by the data endpoints; `None` means every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub groups: Option<Vec<GroupId>>,
    pub partners: Option<Vec<PartnerCode>>,
    pub frequency: Frequency,
    pub periods: PeriodFilter,
}

impl Selection {
    /// Whether `p` is of the selection's frequency and among its periods.
    pub fn period(&self, p: Period) -> bool {
        p.frequency() == self.frequency && self.periods.contains(p)
    }

    /// The part of one series' facts (one partner's, ordered by period) that
    /// may be among
    /// the selection's periods, found by binary search: a month of a
    /// 420-month series costs what a year of a 35-year one does. Callers
    /// still check each fact with [`Selection::period`].
    fn periods_in<'f>(&self, series: &'f [Fact]) -> &'f [Fact] {
        let (first, last) = match &self.periods {
            PeriodFilter::List(v) => (v.iter().min().copied(), v.iter().max().copied()),
            PeriodFilter::Range { from, to } => (*from, *to),
            PeriodFilter::All => (None, None),
        };
        let of_frequency = |p: Period| p.frequency() == self.frequency;
        let start = series.partition_point(|f| {
            f.key.period.frequency() < self.frequency
                || first.is_some_and(|a| of_frequency(a) && f.key.period < a)
        });
        let rest = &series[start..];
        let len = rest.partition_point(|f| {
            f.key.period.frequency() == self.frequency
                && last.is_none_or(|b| !of_frequency(b) || f.key.period <= b)
        });
        &rest[..len]
    }
    fn group(&self, g: GroupId) -> bool {
        self.groups.as_ref().is_none_or(|v| v.contains(&g))
    }
    fn partner(&self, p: PartnerCode) -> bool {
        self.partners.as_ref().is_none_or(|v| v.contains(&p))
    }
    /// The groups to visit, in the dataset's order (`all` first, the
    /// commodity aggregates last).
    fn groups_in(&self, ds: &DatasetView) -> Vec<GroupId> {
        ds.group_ids
            .iter()
            .copied()
            .filter(|&g| self.group(g))
            .collect()
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
            // Checked: a value that would wrap around is not served at all.
            rest = analytics::difference(rest, self.ds.get(&k)?.value_usd).ok()?;
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

    fn periods(&self, sel: &Selection) -> Vec<Period> {
        self.ds
            .periods_of(sel.frequency)
            .iter()
            .copied()
            .filter(|&p| sel.periods.contains(p))
            .collect()
    }
}

/// Imports or exports, in (group, partner, period) order.
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
            let slices: Vec<&[Fact]> = match &sel.partners {
                None => vec![ds.run(measure, group)],
                // One series per partner: its periods found by binary
                // search too.
                Some(_) => scope
                    .partners(sel)
                    .into_iter()
                    .map(|p| sel.periods_in(ds.series(measure, group, p)))
                    .collect(),
            };
            for o in slices.into_iter().flatten() {
                if sel.period(o.key.period) {
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
        let periods = scope.periods(sel);
        for partner in scope.partners(sel) {
            for &period in &periods {
                let key = SeriesKey {
                    measure,
                    group,
                    partner,
                    period,
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

/// The balance of one group, partner and year: the most precise figure
/// there is. A balance the source printed wins over exports minus imports
/// when its rounding is finer than the two flows' together (the brief prints
/// "6억 3,100만 달러" for a balance whose flows it rounds to 1억 each);
/// otherwise, and when nothing is printed, exports minus imports.
struct BalanceValue {
    exports: Option<i64>,
    imports: Option<i64>,
    balance: Computed<i64>,
    basis: BalanceBasis,
    reported: Option<i64>,
    /// exports - imports, when both are known.
    flows: Option<Computed<i64>>,
    status: Status,
    citation: String,
}

fn balance_at(
    scope: &Scope<'_>,
    group: GroupId,
    partner: PartnerCode,
    period: Period,
) -> Option<BalanceValue> {
    let key = |measure| SeriesKey {
        measure,
        group,
        partner,
        period,
    };
    let x = scope.lookup(key(Measure::Exports));
    let m = scope.lookup(key(Measure::Imports));
    let reported = scope.ds.get(&key(Measure::Balance));
    let cite = |f: &Option<(i64, Origin<'_>)>| match f {
        Some((_, Origin::Stored(o))) => o.provenance.citation.section.clone(),
        _ => "computed".to_owned(),
    };
    let width = |f: &Option<(i64, Origin<'_>)>| match f {
        Some((_, Origin::Stored(o))) => scope.ds.width(o),
        _ => f64::INFINITY,
    };
    let flows = match (&x, &m) {
        (Some((xv, _)), Some((mv, _))) => Some(analytics::balance(*xv, *mv)),
        _ => None,
    };
    let printed_is_finer = match (reported, &flows) {
        (Some(r), Some(_)) => scope.ds.width(r) < width(&x) + width(&m),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if printed_is_finer && let Some(o) = reported {
        return Some(BalanceValue {
            exports: x.as_ref().map(|f| f.0),
            imports: m.as_ref().map(|f| f.0),
            balance: Ok(o.value_usd),
            basis: BalanceBasis::Reported,
            reported: Some(o.value_usd),
            flows,
            status: o.provenance.status,
            citation: o.provenance.citation.section.clone(),
        });
    }
    let flows_balance = flows?;
    Some(BalanceValue {
        exports: x.as_ref().map(|f| f.0),
        imports: m.as_ref().map(|f| f.0),
        balance: flows_balance,
        basis: BalanceBasis::Flows,
        reported: reported.map(|o| o.value_usd),
        flows: Some(flows_balance),
        status: Status::Derived,
        citation: format!(
            "exports - imports; exports: {}; imports: {}",
            cite(&x),
            cite(&m)
        ),
    })
}

/// Balances and the trade specialisation index, in (group, partner, period)
/// order.
pub fn balances(model: &ReadModel, ds: &DatasetView, sel: &Selection) -> Vec<BalanceRow> {
    let scope = Scope::new(model, ds, sel);
    let mut out = Vec::new();
    let partners = scope.partners(sel);
    let periods = scope.periods(sel);
    for group in sel.groups_in(ds) {
        for &partner in &partners {
            for &period in &periods {
                let Some(b) = balance_at(&scope, group, partner, period) else {
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
                    period,
                    exports_usd: b.exports,
                    imports_usd: b.imports,
                    balance_usd: b.balance,
                    basis: b.basis,
                    reported_balance_usd: b.reported,
                    flows_balance_usd: b.flows.and_then(Result::ok),
                    tsi,
                    status: b.status,
                    citation: b.citation,
                });
            }
        }
    }
    out
}

/// Each flow row's value after a transform (see [`series`]), and the period
/// it is compared with. The periods a transform reads need not be among
/// those selected: they are looked up in the dataset.
pub fn flow_values(
    model: &ReadModel,
    ds: &DatasetView,
    sel: &Selection,
    rows: &[FlowRow<'_>],
    t: &series::Transform,
) -> Vec<(Computed<series::UnitValue>, Option<Period>)> {
    let scope = Scope::new(model, ds, sel);
    rows.iter()
        .map(|r| {
            if t.is_level() {
                return (Ok(series::UnitValue::Usd(r.value_usd)), None);
            }
            let level = |period: Period| {
                scope
                    .lookup(SeriesKey { period, ..r.key })
                    .map(|(v, _)| Ok(v))
            };
            t.apply(&level, r.key.period)
        })
        .collect()
}

/// Each balance row's value after a transform, and the period it is
/// compared with.
pub fn balance_values(
    model: &ReadModel,
    ds: &DatasetView,
    sel: &Selection,
    rows: &[BalanceRow],
    t: &series::Transform,
) -> Vec<(Computed<series::UnitValue>, Option<Period>)> {
    let scope = Scope::new(model, ds, sel);
    rows.iter()
        .map(|r| {
            if t.is_level() {
                return (r.balance_usd.map(series::UnitValue::Usd), None);
            }
            let level =
                |period: Period| balance_at(&scope, r.group, r.partner, period).map(|b| b.balance);
            t.apply(&level, r.period)
        })
        .collect()
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
    period: Period,
) -> Option<(i64, Status)> {
    match m {
        GrowthMeasure::Flow(f) => scope
            .lookup(SeriesKey {
                measure: Measure::from(f),
                group,
                partner,
                period,
            })
            .map(|(value, origin)| (value, origin.status())),
        GrowthMeasure::Balance => balance_at(scope, group, partner, period)
            .and_then(|b| b.balance.ok().map(|v| (v, b.status))),
    }
}

/// A run of facts (one measure and group: ordered by partner, then
/// period), walked forward partner by partner.
struct RunWalk<'m> {
    rest: &'m [Fact],
    /// The length of the last partner's series: the next one usually has
    /// as many periods, and its end is then found with two probes.
    last_len: usize,
}

impl<'m> RunWalk<'m> {
    fn new(run: &'m [Fact]) -> RunWalk<'m> {
        RunWalk {
            rest: run,
            last_len: 0,
        }
    }

    /// The facts of `partner`; partners must be asked for in order. Found
    /// by galloping from where the last partner ended (the next partner is
    /// usually right there: a binary search over the whole run cost more
    /// than the hashed lookups it replaced), its end first tried where the
    /// last partner's length puts it.
    fn series(&mut self, partner: PartnerCode) -> &'m [Fact] {
        let rest = self.rest;
        let start = gallop(rest, |f| f.key.partner < partner);
        let from_start = &rest[start..];
        let guess = self.last_len;
        let len = if guess > 0
            && from_start
                .get(guess - 1)
                .is_some_and(|f| f.key.partner == partner)
            && from_start
                .get(guess)
                .is_none_or(|f| f.key.partner != partner)
        {
            guess
        } else {
            gallop(from_start, |f| f.key.partner == partner)
        };
        self.last_len = len;
        self.rest = &from_start[len..];
        &from_start[..len]
    }
}

/// `partition_point` probing 1, 2, 4, ... elements from the start before
/// searching between the last two probes: cheap when the point is near.
fn gallop<T>(s: &[T], pred: impl Fn(&T) -> bool) -> usize {
    let mut hi = 1;
    while hi <= s.len() && pred(&s[hi - 1]) {
        hi *= 2;
    }
    let lo = hi / 2;
    let hi = hi.min(s.len());
    lo + s[lo..hi].partition_point(pred)
}

/// The place of `period` in a series (ordered by period), first tried at
/// `guess` (where the last series had it: the series of a run usually
/// share their periods), then searched.
fn place_of(series: &[Fact], period: Period, guess: Option<usize>) -> Option<usize> {
    if let Some(i) = guess
        && series.get(i).is_some_and(|f| f.key.period == period)
    {
        return Some(i);
    }
    series.binary_search_by(|f| f.key.period.cmp(&period)).ok()
}

/// Growth between two periods (of one frequency) for every selected group
/// and partner with a value in at least one of them.
pub fn growth<'m>(
    model: &'m ReadModel,
    ds: &'m DatasetView,
    m: GrowthMeasure,
    from: Period,
    to: Period,
    sel: &Selection,
) -> Vec<GrowthRow<'m>> {
    let scope = Scope::new(model, ds, sel);
    let mut out = Vec::new();
    let partners = scope.partners(sel);
    let years = from.years_until(to).unwrap_or(0.0);
    for group in sel.groups_in(ds) {
        // A flow's stored figures for the group, walked once with the
        // partners in order (they are sorted like the facts), instead of two
        // hashed lookups a partner; what is not stored (the rest of the
        // world, a balance) is looked up as before.
        let mut run = match m {
            GrowthMeasure::Flow(f) => RunWalk::new(ds.run(Measure::from(f), group)),
            GrowthMeasure::Balance => RunWalk::new(&[]),
        };
        let (mut from_at, mut to_at) = (None, None);
        for &partner in &partners {
            let series = run.series(partner);
            let value = |period, at: &mut Option<usize>| {
                let found = place_of(series, period, *at);
                if found.is_some() {
                    *at = found;
                }
                found
                    .map(|i| (series[i].value_usd, series[i].provenance.status))
                    .or_else(|| series_value(&scope, m, group, partner, period))
            };
            let (start, end) = (value(from, &mut from_at), value(to, &mut to_at));
            if start.is_none() && end.is_none() {
                continue;
            }
            let g = match (start, end) {
                (Some((s, _)), Some((e, _))) => Some(analytics::growth_between(s, e, years)),
                _ => None,
            };
            let missing: Computed<f64> = Err(Undefined::MissingValue);
            let measure = match m {
                GrowthMeasure::Flow(f) => Measure::from(f),
                GrowthMeasure::Balance => Measure::Balance,
            };
            let printed = |kind| {
                ds.printed.as_ref().and_then(|p| {
                    p.find(kind, measure, group, partner, to, Some(from))
                        .map(|(claim, agreement)| PrintedRatio { claim, agreement })
                })
            };
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
                change_usd: g.map_or(Err(Undefined::MissingValue), |g| g.change_usd),
                change_pct: g.map_or(missing, |g| g.change_pct),
                multiple: g.map_or(missing, |g| g.multiple),
                cagr_pct: g.map_or(missing, |g| g.cagr_pct),
                printed_change_pct: printed(ClaimKind::ChangePct),
                printed_multiple: printed(ClaimKind::Multiple),
                printed_change_usd: printed(ClaimKind::ChangeUsd),
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
/// listed countries and blocs, for every selected period.
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
        for period in scope.periods(sel) {
            // Ranks are over every listed partner with a value, whatever the selection shows.
            let (world, ranked) = shares_of_period(&scope, measure, group, period);
            let world = world.map(|o| o.value_usd);
            for (o, s) in ranked {
                if !sel.partner(s.partner) {
                    continue;
                }
                let share = match world {
                    Some(_) => s.share_pct,
                    None => Err(Undefined::MissingValue),
                };
                let printed_share_pct = ds.printed.as_ref().and_then(|p| {
                    p.find(ClaimKind::SharePct, measure, group, s.partner, period, None)
                        .map(|(claim, agreement)| PrintedRatio { claim, agreement })
                });
                out.push(ShareRow {
                    group,
                    partner: s.partner,
                    partner_kind: s.kind,
                    period,
                    flow,
                    value_usd: s.value_usd,
                    world_usd: world,
                    share_pct: share,
                    rank: s.rank,
                    unranked: s.unranked,
                    printed_share_pct,
                    fact: o,
                });
            }
        }
    }
    out
}

/// The HHI of each selected group and period, over the listed countries and
/// blocs.
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
        for period in scope.periods(sel) {
            let Some(world) = ds.get(&SeriesKey {
                measure,
                group,
                partner: PartnerCode::WORLD,
                period,
            }) else {
                continue;
            };
            let figures: Vec<&Fact> = ds
                .run(measure, group)
                .iter()
                .filter(|o| o.key.period == period)
                .collect();
            let kinds: Vec<(PartnerCode, PartnerKind)> = figures
                .iter()
                .map(|o| (o.key.partner, scope.kind(o.key.partner)))
                .collect();
            let (kept, left_out) = membership::countable(&kinds, period);
            let values: Vec<i64> = figures
                .iter()
                .filter(|o| kept.contains(&o.key.partner))
                .map(|o| o.value_usd)
                .collect();
            out.push(ConcentrationRow {
                group,
                period,
                flow,
                hhi: analytics::herfindahl_hirschman(world.value_usd, &values),
                partners: kept,
                blocs_left_out: left_out
                    .into_iter()
                    .filter(|(_, why)| *why == membership::Exclusion::MembersListed)
                    .map(|(p, _)| p)
                    .collect(),
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
    period: Period,
) -> (Computed<f64>, Option<u32>) {
    let (world, shares) = shares_of_period(scope, measure, group, period);
    if world.is_none() {
        return (Err(Undefined::MissingValue), None);
    }
    match shares.into_iter().find(|(_, s)| s.partner == partner) {
        Some((_, s)) => (s.share_pct, s.rank),
        None => (Err(Undefined::MissingValue), None),
    }
}

/// The world total of one measure, group and period, and every other figure
/// of that period (in partner order) with its share of the world and its
/// rank among the listed (non-aggregate) partners. Shares are computed
/// against 0 when the world total is missing: callers report them as
/// missing.
fn shares_of_period<'m>(
    scope: &Scope<'m>,
    measure: Measure,
    group: GroupId,
    period: Period,
) -> (Option<&'m Fact>, Vec<(&'m Fact, analytics::PartnerShare)>) {
    let ds = scope.ds;
    let world = ds.get(&SeriesKey {
        measure,
        group,
        partner: PartnerCode::WORLD,
        period,
    });
    let figures: Vec<&Fact> = ds
        .run(measure, group)
        .iter()
        .filter(|o| o.key.period == period && o.key.partner != PartnerCode::WORLD)
        .collect();
    let rows: Vec<(PartnerCode, PartnerKind, i64)> = figures
        .iter()
        .map(|o| (o.key.partner, scope.kind(o.key.partner), o.value_usd))
        .collect();
    // A bloc whose members are listed too is shown, not ranked.
    let shares = analytics::partner_shares(world.map_or(0, |w| w.value_usd), &rows, period);
    (world, figures.into_iter().zip(shares).collect())
}

/// Everything about one partner in one period: every group, with shares,
/// ranks, and growth against `base` (a period of the same frequency).
pub fn profile(
    model: &ReadModel,
    ds: &DatasetView,
    partner: PartnerCode,
    year: Period,
    base_year: Period,
) -> Vec<ProfileRow> {
    let sel = Selection {
        groups: None,
        partners: Some(vec![partner]),
        frequency: year.frequency(),
        periods: PeriodFilter::List(vec![year, base_year]),
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
                period: y,
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
            (Some(t), Some(n)) => n
                .balance
                .and_then(|now| t.balance.and_then(|then| analytics::difference(now, then))),
            _ => Err(Undefined::MissingValue),
        };
        out.push(ProfileRow {
            partner,
            partner_kind: scope.kind(partner),
            group,
            period: year,
            imports_usd: mi,
            exports_usd: xi,
            balance_usd: now
                .as_ref()
                .map_or(Err(Undefined::MissingValue), |b| b.balance),
            balance_basis: now.as_ref().map(|b| b.basis),
            tsi,
            imports_share_pct,
            exports_share_pct,
            imports_rank,
            exports_rank,
            base_period: base_year,
            imports_change_pct: change(Measure::Imports),
            exports_change_pct: change(Measure::Exports),
            balance_change_usd,
        });
    }
    out
}

/// Periods written as runs: `2014, 2024`, `1989..2024`, `1989-01..2024-06`
/// (consecutive periods of one frequency joined).
pub fn period_ranges(periods: &[Period]) -> Vec<String> {
    let mut sorted = periods.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && end.shift(1) == Some(sorted[i + 1]) {
            i += 1;
            end = sorted[i];
        }
        out.push(if start == end {
            start.to_string()
        } else if start.shift(1) == Some(end) {
            format!("{start}, {end}")
        } else {
            format!("{start}..{end}")
        });
        i += 1;
    }
    out
}

/// Why a valid query matched nothing: `out_of_coverage` (it asks only for
/// periods the dataset does not cover), `not_in_dataset` (only for partners
/// or groups it has no figures for), or `no_figure` (it covers them all, but
/// the source gives no figure for this combination).
pub fn why_empty(ds: &DatasetView, sel: &Selection) -> (&'static str, String) {
    let covered = ds.period_ranges.join(", ");
    let in_coverage = ds
        .periods_of(sel.frequency)
        .iter()
        .any(|&p| sel.periods.contains(p));
    if !in_coverage {
        let asked = match &sel.periods {
            PeriodFilter::List(v) => period_ranges(v).join(", "),
            PeriodFilter::Range { from, to } => format!(
                "{}..{}",
                from.map_or(String::new(), |f| f.to_string()),
                to.map_or(String::new(), |t| t.to_string())
            ),
            PeriodFilter::All => format!("any {} period", sel.frequency),
        };
        return (
            "out_of_coverage",
            format!(
                "the dataset covers {covered}; the query asks for {asked} ({})",
                sel.frequency
            ),
        );
    }
    if let Some(partners) = &sel.partners {
        let unknown: Vec<&str> = partners
            .iter()
            .filter(|p| **p != PartnerCode::REST_OF_WORLD && ds.partners.binary_search(p).is_err())
            .map(PartnerCode::as_str)
            .collect();
        if unknown.len() == partners.len() {
            return (
                "not_in_dataset",
                format!(
                    "the dataset has no figures for {} (it has figures for {} partners: see \
                     /v1/partners)",
                    unknown.join(", "),
                    ds.partners.len()
                ),
            );
        }
    }
    if let Some(groups) = &sel.groups {
        let has = |g: &GroupId| ds.group_ids.contains(g);
        if !groups.iter().any(has) {
            let names: Vec<&str> = groups.iter().map(|g| g.as_str()).collect();
            let covered: Vec<&str> = ds.group_ids.iter().map(|g| g.as_str()).collect();
            return (
                "not_in_dataset",
                format!(
                    "the dataset has no figures for {} (it covers {})",
                    names.join(", "),
                    covered.join(", ")
                ),
            );
        }
    }
    (
        "no_figure",
        "the dataset covers the periods, partners and groups asked for, but gives no figure \
         for this combination (its source printed none)"
            .to_owned(),
    )
}

/// Every identity of a dataset's figures checked, and every ratio its
/// source printed, with the explanations of known disagreements (the
/// built-in dataset's). Aggregates the service computed are left out: they
/// would agree by construction.
pub fn quality(ds: &DatasetView) -> (quality::QualityReport, HashMap<String, String>) {
    let observations: Vec<_> = ds
        .facts
        .iter()
        .filter(|f| !(ds.all_is_computed && f.key.group == GroupId::All))
        .map(model::Fact::to_observation)
        .collect();
    let claims = ds
        .printed
        .as_ref()
        .map(|p| p.claims.clone())
        .unwrap_or_default();
    let explanations = if ds.printed.is_some() {
        atp_core::builtin::known_disagreements().unwrap_or_default()
    } else {
        HashMap::new()
    };
    match atp_core::Dataset::new(ds.stored.info.clone(), observations, claims) {
        Ok(dataset) => (quality::check(&dataset), explanations),
        // Keys are unique in a stored dataset: no report is better than a
        // wrong one.
        Err(_) => (
            quality::QualityReport {
                dataset: ds.id().to_owned(),
                checks: Vec::new(),
            },
            explanations,
        ),
    }
}

#[cfg(test)]
pub(crate) mod tests {

    #[test]
    fn gallop_finds_the_partition_point() {
        for len in 0..40 {
            let v: Vec<usize> = (0..len).collect();
            for cut in 0..=len {
                assert_eq!(gallop(&v, |&x| x < cut), cut, "len {len} cut {cut}");
            }
        }
    }

    use atp_core::{
        Citation, DatasetInfo, Group, Observation, Provenance, SourceFormat, StoredDataset,
    };

    use super::*;

    #[test]
    fn a_run_walk_finds_series_of_any_length_and_places_of_periods() {
        // Partners with 3, 3, 1, 4, 0 and 2 years: the guessed length and
        // place right, wrong, past the end.
        let lengths = [("AD", 3), ("AE", 3), ("AF", 1), ("AG", 4), ("AL", 2)];
        let provenance = std::sync::Arc::new(
            reported(key(Measure::Imports, GroupId::All, "AD", 2000), 0).provenance,
        );
        let mut run = Vec::new();
        for (partner, n) in lengths {
            for y in 0..n {
                run.push(Fact {
                    key: key(Measure::Imports, GroupId::All, partner, 2000 + y),
                    value_usd: i64::from(y),
                    provenance: provenance.clone(),
                });
            }
        }
        let mut walk = RunWalk::new(&run);
        let mut at = None;
        let year = |y: u16| Period::annual(atp_core::Year::new(y).unwrap());
        for (partner, n) in [
            ("AD", 3),
            ("AE", 3),
            ("AF", 1),
            ("AG", 4),
            ("AI", 0),
            ("AL", 2),
        ] {
            let code = PartnerCode::try_from(partner).unwrap();
            let series = walk.series(code);
            assert_eq!(series.len(), n, "{partner}");
            assert!(series.iter().all(|f| f.key.partner == code), "{partner}");
            let found = place_of(series, year(2002), at);
            assert_eq!(found, (n > 2).then_some(2), "{partner}");
            if found.is_some() {
                at = found;
            }
            assert_eq!(place_of(series, year(2000), Some(7)), (n > 0).then_some(0));
        }
    }

    fn key(measure: Measure, group: GroupId, partner: &str, year: u16) -> SeriesKey {
        SeriesKey {
            measure,
            group,
            partner: PartnerCode::try_from(partner).unwrap(),
            period: Period::annual(atp_core::Year::new(year).unwrap()),
        }
    }

    fn reported(k: SeriesKey, value_usd: i64) -> Observation {
        Observation {
            key: k,
            value_usd,
            provenance: Provenance {
                status: Status::Reported,
                rounding_usd: Some(1),
                derivation: None,
                citation: Citation {
                    section: format!("table {k}"),
                    quote: String::new(),
                },
            },
        }
    }

    /// Aerospace imports and exports from the world, Korea and China in 2014
    /// and 2024, and a balance printed on its own for Japan.
    fn model() -> ReadModel {
        let aero = GroupId::Group(Group::Aerospace);
        let mut obs = Vec::new();
        for (partner, m14, m24, x14, x24) in [
            ("WLD", 1_000, 2_000, 1_500, 1_800),
            ("KR", 100, 300, 50, 40),
            ("CN", 200, 150, 80, 120),
        ] {
            obs.push(reported(key(Measure::Imports, aero, partner, 2014), m14));
            obs.push(reported(key(Measure::Imports, aero, partner, 2024), m24));
            obs.push(reported(key(Measure::Exports, aero, partner, 2014), x14));
            obs.push(reported(key(Measure::Exports, aero, partner, 2024), x24));
        }
        obs.push(reported(key(Measure::Balance, aero, "JP", 2024), -70));
        let info = DatasetInfo {
            id: "t".to_owned(),
            title: "test".to_owned(),
            publisher: "test".to_owned(),
            citation: "test".to_owned(),
            source_url: None,
            vintage: "1".to_owned(),
            notes: Vec::new(),
        };
        let stored = StoredDataset {
            info,
            quality_notes: Vec::new(),
            source_format: SourceFormat::Csv.as_str().to_owned(),
            imported_at: "2026-01-01T00:00:00Z".to_owned(),
            row_count: obs.len() as i64,
            checksum: atp_core::catalog::checksum(&obs),
            last_period: None,
            published_on: None,
        };
        ReadModel::build(7, vec![(stored, obs)], &[], None)
    }

    fn select(groups: &[GroupId], partners: &[&str], years: &[u16]) -> Selection {
        Selection {
            groups: (!groups.is_empty()).then(|| groups.to_vec()),
            partners: (!partners.is_empty()).then(|| {
                partners
                    .iter()
                    .map(|p| PartnerCode::try_from(*p).unwrap())
                    .collect()
            }),
            frequency: Frequency::Annual,
            periods: if years.is_empty() {
                PeriodFilter::All
            } else {
                PeriodFilter::List(
                    years
                        .iter()
                        .map(|y| Period::annual(atp_core::Year::new(*y).unwrap()))
                        .collect(),
                )
            },
        }
    }

    /// A CSV dataset `id` (vintage 1) described as holding `obs`.
    pub(crate) fn stored(id: &str, obs: &[Observation]) -> StoredDataset {
        StoredDataset {
            info: DatasetInfo {
                id: id.to_owned(),
                title: id.to_owned(),
                publisher: id.to_owned(),
                citation: id.to_owned(),
                source_url: None,
                vintage: "1".to_owned(),
                notes: Vec::new(),
            },
            quality_notes: Vec::new(),
            source_format: SourceFormat::Csv.as_str().to_owned(),
            imported_at: "2026-01-01T00:00:00Z".to_owned(),
            row_count: obs.len() as i64,
            checksum: atp_core::catalog::checksum(obs),
            last_period: None,
            published_on: None,
        }
    }

    const AERO: GroupId = GroupId::Group(Group::Aerospace);

    /// Flows found by binary search in each partner's series equal a plain
    /// scan of every fact, for years and months, lists and ranges.
    #[test]
    fn flows_by_partner_and_period_equal_a_scan() {
        let mut obs = Vec::new();
        for partner in ["WLD", "KR", "CN"] {
            let code = PartnerCode::try_from(partner).unwrap();
            for year in 2020..=2022 {
                let y = atp_core::Year::new(year).unwrap();
                for (i, period) in std::iter::once(Period::annual(y))
                    .chain(Period::months_of(y))
                    .enumerate()
                {
                    let k = SeriesKey {
                        measure: Measure::Imports,
                        group: AERO,
                        partner: code,
                        period,
                    };
                    obs.push(reported(k, i64::from(year) * 100 + i as i64));
                }
            }
        }
        let m = ReadModel::build(1, vec![(stored("m", &obs), obs)], &[], None);
        let ds = m.default_dataset().unwrap();
        let p = |s: &str| Period::try_from(s).unwrap();
        let filters = [
            (Frequency::Monthly, PeriodFilter::All),
            (Frequency::Annual, PeriodFilter::All),
            (Frequency::Monthly, PeriodFilter::List(vec![p("2021-07")])),
            (
                Frequency::Monthly,
                PeriodFilter::List(vec![p("2022-12"), p("2020-01")]),
            ),
            (Frequency::Annual, PeriodFilter::List(vec![p("2021")])),
            (
                Frequency::Monthly,
                PeriodFilter::Range {
                    from: Some(p("2020-11")),
                    to: Some(p("2021-02")),
                },
            ),
            (
                Frequency::Monthly,
                PeriodFilter::Range {
                    from: None,
                    to: Some(p("2020-03")),
                },
            ),
            (
                Frequency::Monthly,
                PeriodFilter::Range {
                    from: Some(p("2022-10")),
                    to: None,
                },
            ),
            (
                Frequency::Annual,
                PeriodFilter::Range {
                    from: Some(p("2021")),
                    to: None,
                },
            ),
            (Frequency::Monthly, PeriodFilter::List(vec![p("2030-01")])),
        ];
        for (frequency, periods) in filters {
            for partners in [vec!["KR"], vec!["CN", "WLD"]] {
                let sel = Selection {
                    groups: Some(vec![AERO]),
                    partners: Some(
                        partners
                            .iter()
                            .map(|c| PartnerCode::try_from(*c).unwrap())
                            .collect(),
                    ),
                    frequency,
                    periods: periods.clone(),
                };
                let got: Vec<SeriesKey> = flows(&m, ds, Flow::Imports, &sel)
                    .iter()
                    .map(|r| r.key)
                    .collect();
                let mut scan: Vec<SeriesKey> = ds
                    .facts
                    .iter()
                    .filter(|f| {
                        f.key.measure == Measure::Imports
                            && f.key.group == AERO
                            && sel.partner(f.key.partner)
                            && sel.period(f.key.period)
                    })
                    .map(|f| f.key)
                    .collect();
                scan.sort_unstable();
                assert_eq!(got, scan, "{frequency} {periods:?} {partners:?}");
            }
        }
    }

    #[test]
    fn flows_come_in_group_partner_year_order_with_all_computed() {
        let m = model();
        let ds = m.default_dataset().unwrap();
        let rows = flows(&m, ds, Flow::Imports, &select(&[], &[], &[2024]));
        let keys: Vec<String> = rows.iter().map(|r| r.key.to_string()).collect();
        assert_eq!(
            keys,
            [
                "imports/all/CN/2024",
                "imports/all/KR/2024",
                "imports/all/WLD/2024",
                "imports/aerospace/CN/2024",
                "imports/aerospace/KR/2024",
                "imports/aerospace/WLD/2024",
            ]
        );
        // `all` is the sum of the groups present, derived.
        assert_eq!(rows[0].value_usd, 150);
        assert_eq!(rows[0].origin.status(), Status::Derived);
        assert_eq!(rows[3].origin.status(), Status::Reported);
    }

    #[test]
    fn the_rest_of_the_world_is_computed_once_over_distinct_partners() {
        let m = model();
        let ds = m.default_dataset().unwrap();
        // KR listed twice (and the world, an aggregate): ROW = WLD - KR - CN.
        let sel = select(&[AERO], &["KR", "ROW", "KR", "CN", "WLD", "ROW"], &[2024]);
        let rows = flows(&m, ds, Flow::Imports, &sel);
        let partners: Vec<&str> = rows.iter().map(|r| r.key.partner.as_str()).collect();
        assert_eq!(partners, ["CN", "KR", "ROW", "WLD"], "each partner once");
        let row = rows
            .iter()
            .find(|r| r.key.partner.as_str() == "ROW")
            .unwrap();
        assert_eq!(row.value_usd, 2_000 - 300 - 150);
        assert_eq!(
            row.origin,
            Origin::RestOfWorld {
                formula: "imports/aerospace/WLD/2024 - imports/aerospace/CN/2024 - imports/aerospace/KR/2024"
                    .to_owned()
            }
        );
        assert_eq!(row.partner_kind, PartnerKind::RestOfWorld);
        // Asked alone, there is nothing to subtract: no ROW row.
        let alone = flows(&m, ds, Flow::Imports, &select(&[AERO], &["ROW"], &[]));
        assert!(alone.is_empty());
    }

    #[test]
    fn balances_from_flows_or_as_printed() {
        let m = model();
        let ds = m.default_dataset().unwrap();
        let rows = balances(&m, ds, &select(&[AERO], &["KR", "JP"], &[2024]));
        assert_eq!(rows.len(), 2);
        let jp = &rows[0];
        assert_eq!(jp.partner.as_str(), "JP");
        assert_eq!(
            (jp.balance_usd, jp.basis, jp.exports_usd),
            (Ok(-70), BalanceBasis::Reported, None)
        );
        assert_eq!(jp.tsi, Err(Undefined::MissingValue));
        let kr = &rows[1];
        assert_eq!(
            (kr.balance_usd, kr.basis),
            (Ok(40 - 300), BalanceBasis::Flows)
        );
        assert!((kr.tsi.unwrap() - (40.0 - 300.0) / 340.0).abs() < 1e-12);
    }

    /// A growth, walking each run once, reads the figures hashed look-ups
    /// find one key at a time, in a dense run and a sparse one, with holes,
    /// derived figures, partners with no figures and a computed rest of
    /// the world.
    #[test]
    fn growth_reads_the_figures_a_lookup_finds() {
        let electronics = GroupId::Group(Group::Electronics);
        // Forty countries and the world; ROW is computed, ZZ has nothing.
        let codes: Vec<&str> = atp_core::Partner::all()
            .iter()
            .filter(|p| p.kind == PartnerKind::Country)
            .take(40)
            .map(|p| p.code.as_str())
            .chain(["WLD"])
            .collect();
        let mut obs = Vec::new();
        for (i, partner) in codes.iter().enumerate() {
            for year in 2000..2010u16 {
                let n = i * 10 + usize::from(year - 2000);
                // Holes: every seventh figure.
                if n % 7 == 3 {
                    continue;
                }
                let mut o = reported(
                    key(Measure::Imports, AERO, partner, year),
                    (n as i64 * 7919) % 100_000 - 5_000,
                );
                if n % 5 == 0 {
                    o.provenance.status = Status::Derived;
                }
                obs.push(o);
            }
            // The sparse run: one year a partner, each a different one.
            let year = 1990 + i as u16;
            obs.push(reported(
                key(Measure::Imports, electronics, partner, year),
                i as i64 + 1,
            ));
        }
        let m = ReadModel::build(1, vec![(stored("c", &obs), obs)], &[], None);
        let ds = m.default_dataset().unwrap();
        let y = |v| Period::annual(atp_core::Year::new(v).unwrap());
        let everyone: Vec<&str> = Vec::new();
        let some = vec!["ROW", "WLD", codes[0], codes[7], codes[23], codes[39]];
        let mut compared = 0;
        for group in [AERO, electronics] {
            for partners in [&everyone, &some] {
                let sel = select(&[group], partners, &[]);
                let scope = Scope::new(&m, ds, &sel);
                for (from, to) in [(2000, 2009), (2003, 2004), (1999, 2005), (1991, 2001)] {
                    let rows = growth(
                        &m,
                        ds,
                        GrowthMeasure::Flow(Flow::Imports),
                        y(from),
                        y(to),
                        &sel,
                    );
                    let found = |p, year| {
                        scope
                            .lookup(SeriesKey {
                                measure: Measure::Imports,
                                group,
                                partner: p,
                                period: y(year),
                            })
                            .map(|(v, o)| (v, o.status()))
                    };
                    let expected: Vec<_> = scope
                        .partners(&sel)
                        .into_iter()
                        .filter_map(|p| {
                            let (s, e) = (found(p, from), found(p, to));
                            (s.is_some() || e.is_some()).then_some((p, s, e))
                        })
                        .collect();
                    let got: Vec<_> = rows
                        .iter()
                        .map(|r| (r.partner, r.start_usd, r.end_usd))
                        .collect();
                    let values: Vec<_> = expected
                        .iter()
                        .map(|(p, s, e)| (*p, s.map(|s| s.0), e.map(|e| e.0)))
                        .collect();
                    assert_eq!(got, values, "{group:?} {partners:?} {from}-{to}");
                    for (r, (_, s, e)) in rows.iter().zip(&expected) {
                        let both_reported = matches!(
                            (s, e),
                            (Some((_, Status::Reported)), Some((_, Status::Reported)))
                        );
                        assert_eq!(r.status == Status::Reported, both_reported, "{}", r.partner);
                    }
                    compared += rows.len();
                }
            }
        }
        assert!(compared > 100, "{compared} rows compared");
    }

    #[test]
    fn growth_shares_and_concentration() {
        let m = model();
        let ds = m.default_dataset().unwrap();
        let y = |v| Period::annual(atp_core::Year::new(v).unwrap());
        let g = growth(
            &m,
            ds,
            GrowthMeasure::Flow(Flow::Imports),
            y(2014),
            y(2024),
            &select(&[AERO], &["WLD"], &[]),
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].change_usd, Ok(1_000));
        assert!((g[0].change_pct.unwrap() - 100.0).abs() < 1e-12);
        assert_eq!(g[0].status, Status::Reported);
        // A balance from a surplus to a deficit: no percent change.
        let b = growth(
            &m,
            ds,
            GrowthMeasure::Balance,
            y(2014),
            y(2024),
            &select(&[AERO], &["CN"], &[]),
        );
        assert_eq!(b[0].start_usd, Some(80 - 200));
        assert_eq!(b[0].change_pct, Err(Undefined::NegativeBase));

        let s = shares(&m, ds, Flow::Imports, &select(&[AERO], &[], &[2024]));
        let ranked: Vec<(&str, Option<u32>)> =
            s.iter().map(|r| (r.partner.as_str(), r.rank)).collect();
        assert_eq!(ranked, [("CN", Some(2)), ("KR", Some(1))]);
        assert!((s[1].share_pct.unwrap() - 15.0).abs() < 1e-12);

        let c = concentration(&m, ds, Flow::Imports, &select(&[AERO], &[], &[2024]));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].partners.len(), 2);
        let hhi = c[0].hhi.unwrap();
        assert!((hhi.hhi - (15.0f64.powi(2) + 7.5f64.powi(2))).abs() < 1e-9);
    }

    #[test]
    fn a_profile_has_every_group_of_the_partner() {
        let m = model();
        let ds = m.default_dataset().unwrap();
        let kr = PartnerCode::try_from("KR").unwrap();
        let rows = profile(
            &m,
            ds,
            kr,
            Period::annual(atp_core::Year::new(2024).unwrap()),
            Period::annual(atp_core::Year::new(2014).unwrap()),
        );
        let groups: Vec<GroupId> = rows.iter().map(|r| r.group).collect();
        assert_eq!(groups, [GroupId::All, AERO]);
        let aero = &rows[1];
        assert_eq!(aero.imports_rank, Some(1));
        assert_eq!(aero.balance_change_usd, Ok((40 - 300) - (50 - 100)));
        assert!((aero.imports_change_pct.unwrap() - 200.0).abs() < 1e-12);
    }
}
