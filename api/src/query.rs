//! The queries of the API over the read model: pure functions from parsed
//! parameters to records. No HTTP here, and no SQL.

use atp_core::analytics::{self, Computed, Undefined};
use atp_core::{
    Flow, GroupId, Measure, Observation, PartnerCode, PartnerKind, SeriesKey, Status, Year,
};

use crate::read_model::{DatasetView, ReadModel};
use crate::records::{
    BalanceRecord, ConcentrationRecord, FlowRecord, GrowthRecord, ProfileRecord, Reason,
    ShareRecord,
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

fn reason<T>(c: &Computed<T>) -> Reason {
    c.as_ref().err().map(|&u| u.into())
}

fn value<T: Copy>(c: &Computed<T>) -> Option<T> {
    c.as_ref().ok().copied()
}

/// A value looked up for a query: stored, or the rest of the world computed
/// on request as the world minus the partners the query lists.
struct Found<'a> {
    value_usd: i64,
    observation: Option<&'a Observation>,
    formula: Option<String>,
}

fn lookup<'a>(
    ds: &'a DatasetView,
    model: &ReadModel,
    key: SeriesKey,
    sel: &Selection,
) -> Option<Found<'a>> {
    if let Some(o) = ds.get(&key) {
        return Some(Found {
            value_usd: o.value_usd,
            observation: Some(o),
            formula: None,
        });
    }
    if key.partner != PartnerCode::REST_OF_WORLD || key.measure == Measure::Balance {
        return None;
    }
    // Rest of world, only when asked for and only against the listed partners.
    let listed: Vec<PartnerCode> = sel
        .partners
        .as_ref()?
        .iter()
        .copied()
        .filter(|&p| !model.partner_kind(p).is_aggregate())
        .collect();
    if listed.is_empty() {
        return None;
    }
    let world = ds
        .get(&SeriesKey {
            partner: PartnerCode::WORLD,
            ..key
        })?
        .value_usd;
    let mut rest = world;
    let mut formula = format!(
        "{}",
        SeriesKey {
            partner: PartnerCode::WORLD,
            ..key
        }
    );
    for p in listed {
        let v = ds.get(&SeriesKey { partner: p, ..key })?.value_usd;
        rest -= v;
        formula.push_str(&format!(" - {}", SeriesKey { partner: p, ..key }));
    }
    Some(Found {
        value_usd: rest,
        observation: None,
        formula: Some(formula),
    })
}

fn flow_record(
    ds: &DatasetView,
    model: &ReadModel,
    key: SeriesKey,
    flow: Flow,
    f: Found<'_>,
) -> FlowRecord {
    let (status, rounding, formula, inputs, citation, quote) = match f.observation {
        Some(o) => {
            let p = &o.provenance;
            let d = p.derivation.as_ref();
            (
                p.status,
                p.rounding_usd,
                d.map(|d| d.formula.clone()),
                d.filter(|d| !d.inputs.is_empty())
                    .map(|d| d.inputs.join(";")),
                p.citation.section.clone(),
                Some(p.citation.quote.clone()).filter(|q| !q.is_empty()),
            )
        }
        None => (
            Status::Derived,
            None,
            f.formula,
            None,
            "computed on request: the world minus the partners listed in the query".to_owned(),
            None,
        ),
    };
    FlowRecord {
        dataset: ds.id().to_owned(),
        group: key.group.as_str(),
        partner: key.partner.to_string(),
        partner_kind: model.partner_kind(key.partner).into(),
        year: key.year.get(),
        flow: flow.into(),
        value_usd: f.value_usd,
        status: status.into(),
        rounding_usd: rounding,
        formula,
        inputs,
        citation,
        quote,
    }
}

/// The partners to visit for a group: the selection's, or every partner the
/// dataset has figures for.
fn partners_in(ds: &DatasetView, sel: &Selection) -> Vec<PartnerCode> {
    match &sel.partners {
        Some(v) => v.clone(),
        None => ds.partners.clone(),
    }
}

fn years_in(ds: &DatasetView, sel: &Selection) -> Vec<Year> {
    ds.years
        .iter()
        .copied()
        .filter(|&y| sel.years.contains(y))
        .collect()
}

/// Imports or exports, in (group, partner, year) order.
pub fn flows(model: &ReadModel, ds: &DatasetView, flow: Flow, sel: &Selection) -> Vec<FlowRecord> {
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
                Some(partners) => {
                    let mut wanted = partners.clone();
                    wanted.sort_unstable();
                    wanted.dedup();
                    wanted
                        .into_iter()
                        .map(|p| {
                            let start = run.partition_point(|o| o.key.partner < p);
                            let len = run[start..].partition_point(|o| o.key.partner == p);
                            &run[start..start + len]
                        })
                        .collect()
                }
            };
            for o in slices.into_iter().flatten() {
                if sel.years.contains(o.key.year) {
                    let found = Found {
                        value_usd: o.value_usd,
                        observation: Some(o),
                        formula: None,
                    };
                    out.push(flow_record(ds, model, o.key, flow, found));
                }
            }
            continue;
        }
        let mut partners = partners_in(ds, sel);
        partners.sort_unstable();
        for partner in partners {
            for year in years_in(ds, sel) {
                let key = SeriesKey {
                    measure,
                    group,
                    partner,
                    year,
                };
                if let Some(found) = lookup(ds, model, key, sel) {
                    out.push(flow_record(ds, model, key, flow, found));
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
    basis: &'static str,
    reported: Option<i64>,
    status: Status,
    citation: String,
}

fn balance_at(
    ds: &DatasetView,
    model: &ReadModel,
    group: GroupId,
    partner: PartnerCode,
    year: Year,
    sel: &Selection,
) -> Option<BalanceValue> {
    let key = |measure| SeriesKey {
        measure,
        group,
        partner,
        year,
    };
    let x = lookup(ds, model, key(Measure::Exports), sel);
    let m = lookup(ds, model, key(Measure::Imports), sel);
    let reported = ds.get(&key(Measure::Balance));
    let cite = |f: &Option<Found<'_>>| {
        f.as_ref()
            .and_then(|f| f.observation)
            .map(|o| o.provenance.citation.section.clone())
    };
    match (&x, &m) {
        (Some(xv), Some(mv)) => Some(BalanceValue {
            exports: Some(xv.value_usd),
            imports: Some(mv.value_usd),
            balance: analytics::balance(xv.value_usd, mv.value_usd),
            basis: "flows",
            reported: reported.map(|o| o.value_usd),
            status: Status::Derived,
            citation: format!(
                "exports - imports; exports: {}; imports: {}",
                cite(&x).unwrap_or_else(|| "computed".into()),
                cite(&m).unwrap_or_else(|| "computed".into())
            ),
        }),
        _ => reported.map(|o| BalanceValue {
            exports: x.as_ref().map(|f| f.value_usd),
            imports: m.as_ref().map(|f| f.value_usd),
            balance: o.value_usd,
            basis: "reported",
            reported: Some(o.value_usd),
            status: o.provenance.status,
            citation: o.provenance.citation.section.clone(),
        }),
    }
}

/// Balances and the trade specialisation index.
pub fn balances(model: &ReadModel, ds: &DatasetView, sel: &Selection) -> Vec<BalanceRecord> {
    let mut out = Vec::new();
    let mut partners = partners_in(ds, sel);
    partners.sort_unstable();
    let years = years_in(ds, sel);
    for group in sel.groups_in(ds) {
        for &partner in &partners {
            for &year in &years {
                let Some(b) = balance_at(ds, model, group, partner, year, sel) else {
                    continue;
                };
                let tsi = match (b.exports, b.imports) {
                    (Some(x), Some(m)) => analytics::trade_specialisation_index(x, m),
                    _ => Err(Undefined::MissingValue),
                };
                out.push(BalanceRecord {
                    dataset: ds.id().to_owned(),
                    group: group.as_str(),
                    partner: partner.to_string(),
                    partner_kind: model.partner_kind(partner).into(),
                    year: year.get(),
                    exports_usd: b.exports,
                    imports_usd: b.imports,
                    balance_usd: b.balance,
                    balance_basis: b.basis,
                    reported_balance_usd: b.reported,
                    tsi: value(&tsi),
                    tsi_reason: reason(&tsi),
                    status: b.status.into(),
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
    ds: &DatasetView,
    model: &ReadModel,
    m: GrowthMeasure,
    group: GroupId,
    partner: PartnerCode,
    year: Year,
    sel: &Selection,
) -> Option<(i64, Status)> {
    match m {
        GrowthMeasure::Flow(f) => lookup(
            ds,
            model,
            SeriesKey {
                measure: Measure::from(f),
                group,
                partner,
                year,
            },
            sel,
        )
        .map(|found| {
            (
                found.value_usd,
                found
                    .observation
                    .map_or(Status::Derived, |o| o.provenance.status),
            )
        }),
        GrowthMeasure::Balance => {
            balance_at(ds, model, group, partner, year, sel).map(|b| (b.balance, b.status))
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
) -> Vec<GrowthRecord> {
    let mut out = Vec::new();
    let mut partners = partners_in(ds, sel);
    partners.sort_unstable();
    let years = from.years_until(to);
    for group in sel.groups_in(ds) {
        for &partner in &partners {
            let start = series_value(ds, model, m, group, partner, from, sel);
            let end = series_value(ds, model, m, group, partner, to, sel);
            if start.is_none() && end.is_none() {
                continue;
            }
            let g = match (start, end) {
                (Some((s, _)), Some((e, _))) => Some(analytics::growth_between(s, e, years)),
                _ => None,
            };
            let missing: Computed<f64> = Err(Undefined::MissingValue);
            let (change_pct, multiple, cagr) = match &g {
                Some(g) => (g.change_pct, g.multiple, g.cagr_pct),
                None => (missing, missing, missing),
            };
            let reported = matches!(
                (start, end),
                (Some((_, Status::Reported)), Some((_, Status::Reported)))
            );
            out.push(GrowthRecord {
                dataset: ds.id().to_owned(),
                group: group.as_str(),
                partner: partner.to_string(),
                partner_kind: model.partner_kind(partner).into(),
                measure: m.as_str(),
                from: from.get(),
                to: to.get(),
                start_usd: start.map(|s| s.0),
                end_usd: end.map(|e| e.0),
                change_usd: g.map(|g| g.change_usd),
                change_usd_reason: g.is_none().then_some(Undefined::MissingValue.into()),
                change_pct: value(&change_pct),
                change_pct_reason: reason(&change_pct),
                multiple: value(&multiple),
                multiple_reason: reason(&multiple),
                cagr_pct: value(&cagr),
                cagr_pct_reason: reason(&cagr),
                status: if reported {
                    Status::Reported
                } else {
                    Status::Derived
                }
                .into(),
            });
        }
    }
    out
}

/// Each selected partner's share of the world total, with ranks among the
/// listed countries and blocs.
pub fn shares(
    model: &ReadModel,
    ds: &DatasetView,
    flow: Flow,
    sel: &Selection,
) -> Vec<ShareRecord> {
    let measure = Measure::from(flow);
    let mut out = Vec::new();
    for group in sel.groups_in(ds) {
        for year in years_in(ds, sel) {
            // Ranks are over every listed partner with a value, whatever the selection shows.
            let (world, ranked) = shares_of_year(ds, model, measure, group, year);
            let world = world.map(|o| o.value_usd);
            for (o, s) in ranked {
                if !sel.partner(s.partner) {
                    continue;
                }
                let share = match world {
                    Some(_) => s.share_pct,
                    None => Err(Undefined::MissingValue),
                };
                out.push(ShareRecord {
                    dataset: ds.id().to_owned(),
                    group: group.as_str(),
                    partner: s.partner.to_string(),
                    partner_kind: s.kind.into(),
                    year: year.get(),
                    flow: flow.into(),
                    value_usd: s.value_usd,
                    world_usd: world,
                    share_pct: value(&share),
                    share_pct_reason: reason(&share),
                    rank: s.rank,
                    status: o.provenance.status.into(),
                    citation: o.provenance.citation.section.clone(),
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
) -> Vec<ConcentrationRecord> {
    let measure = Measure::from(flow);
    let mut out = Vec::new();
    for group in sel.groups_in(ds) {
        for year in years_in(ds, sel) {
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
                .filter(|o| o.key.year == year && !model.partner_kind(o.key.partner).is_aggregate())
                .map(|o| o.value_usd)
                .collect();
            let c = analytics::herfindahl_hirschman(world.value_usd, &listed);
            out.push(ConcentrationRecord {
                dataset: ds.id().to_owned(),
                group: group.as_str(),
                year: year.get(),
                flow: flow.into(),
                hhi: c.as_ref().ok().map(|c| c.hhi),
                hhi_reason: reason(&c),
                partners: listed.len(),
                coverage_pct: c.as_ref().ok().map(|c| c.coverage_pct),
                basis: "listed_partners_share_of_world",
            });
        }
    }
    out
}

fn share_and_rank(
    ds: &DatasetView,
    model: &ReadModel,
    measure: Measure,
    group: GroupId,
    partner: PartnerCode,
    year: Year,
) -> (Computed<f64>, Option<u32>) {
    let (world, shares) = shares_of_year(ds, model, measure, group, year);
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
fn shares_of_year<'d>(
    ds: &'d DatasetView,
    model: &ReadModel,
    measure: Measure,
    group: GroupId,
    year: Year,
) -> (
    Option<&'d Observation>,
    Vec<(&'d Observation, analytics::PartnerShare)>,
) {
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
        .map(|o| {
            (
                o.key.partner,
                model.partner_kind(o.key.partner),
                o.value_usd,
            )
        })
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
) -> Vec<ProfileRecord> {
    let sel = Selection {
        groups: None,
        partners: Some(vec![partner]),
        years: YearFilter::List(vec![year, base_year]),
    };
    let mut out = Vec::new();
    for group in sel.groups_in(ds) {
        let now = balance_at(ds, model, group, partner, year, &sel);
        let then = balance_at(ds, model, group, partner, base_year, &sel);
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
        let (ic, xc) = (change(Measure::Imports), change(Measure::Exports));
        let tsi = match (xi, mi) {
            (Some(x), Some(m)) => analytics::trade_specialisation_index(x, m),
            _ => Err(Undefined::MissingValue),
        };
        let (ish, irank) = share_and_rank(ds, model, Measure::Imports, group, partner, year);
        let (xsh, xrank) = share_and_rank(ds, model, Measure::Exports, group, partner, year);
        let bchange: Computed<i64> = match (&then, &now) {
            (Some(t), Some(n)) => Ok(n.balance - t.balance),
            _ => Err(Undefined::MissingValue),
        };
        out.push(ProfileRecord {
            dataset: ds.id().to_owned(),
            partner: partner.to_string(),
            partner_kind: model.partner_kind(partner).into(),
            group: group.as_str(),
            year: year.get(),
            imports_usd: mi,
            exports_usd: xi,
            balance_usd: now.as_ref().map(|b| b.balance),
            balance_basis: now.as_ref().map(|b| b.basis),
            tsi: value(&tsi),
            tsi_reason: reason(&tsi),
            imports_share_pct: value(&ish),
            imports_share_pct_reason: reason(&ish),
            exports_share_pct: value(&xsh),
            exports_share_pct_reason: reason(&xsh),
            imports_rank: irank,
            exports_rank: xrank,
            base_year: base_year.get(),
            imports_change_pct: value(&ic),
            imports_change_pct_reason: reason(&ic),
            exports_change_pct: value(&xc),
            exports_change_pct_reason: reason(&xc),
            balance_change_usd: value(&bchange),
            balance_change_usd_reason: reason(&bchange),
        });
    }
    out
}
