//! Analyses beyond the listings: decompositions of change (which partners
//! and groups account for a change, to the dollar) and the shift-share of
//! partners' shares. Parameters, wire records and thin handlers; the
//! arithmetic is in `atp-core` (`decomposition`), the queries in
//! `atp-query` (`decomposition`).

use actix_web::{HttpRequest, HttpResponse, get, web};
use atp_core::analytics::Undefined;
use atp_core::{GroupId, PartnerCode, PartnerKind, Period, Status};
use atp_query::decomposition::{self as decomp, Cell, DecompositionRow, ShareShiftRow};
use atp_query::indicators::{self, Indicator, IndicatorRow};
use atp_query::{DatasetView, ReadModel};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, Problem};
use super::params::{
    self, DatasetArg, DateArg, DecomposeByParam, FlowParam, FormatParam, FrequencyParam, FromQuery,
    IndicatorParam, Limit, List, MeasureParam, Offset, PageRequest, PartnerArg, PeriodArg, SortArg,
    Sortable, UnitsParam, Weighed,
};
use super::params::{FieldName, HeaderParam, IncludeParam, LangParam};
use super::records::{Reason, reason, text, value, wire};
use super::respond::{Envelope, SortValue, render_listing, sort_records};
use crate::handlers::data_meta;
use crate::query_params;

query_params! {
    /// Parameters of a decomposition of change.
    pub struct DecompositionQuery {
        /// The total whose change is decomposed: imports, exports or balance.
        #[example = "balance"]
        #[missing = "imports, exports or balance"]
        flow: MeasureParam,
        /// Start period: a year or a month.
        #[example = "2014"]
        #[missing = "the start period (YYYY or YYYY-MM)"]
        from: PeriodArg,
        /// End period, of the same frequency, after `from`; or `latest`.
        #[example = "2024"]
        #[missing = "the end period (YYYY, YYYY-MM or latest)"]
        to: PeriodArg,
        /// The cells: `partner` (the partners of each group asked for, `all`
        /// by default, within the world), `group` (the ATP groups of each
        /// partner asked for, the world by default, within `all`), or
        /// `partner,group` (every partner and ATP group within the world's
        /// `all`). Default: partner.
        #[example = "partner"]
        by: Option<DecomposeByParam>,
        /// `annual` or `monthly` (default: from the periods given).
        frequency: Option<FrequencyParam>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// Groups, comma-separated: by partner, the totals decomposed (one
        /// decomposition each); otherwise the groups among the cells.
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated: by group, the totals decomposed;
        /// otherwise the partners among the cells (the others are in the
        /// residual).
        #[example = "CN,EU"]
        partner: Option<List<PartnerArg>>,
        /// Fields to sort by (`-` for descending): rank, kind, group,
        /// partner, change_usd, share_of_change_pct. Default: each total's
        /// cells by rank, then its residual, then the total.
        #[example = "change_usd"]
        sort: Option<List<SortArg>>,
        limit: Option<Limit>,
        offset: Option<Offset>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

query_params! {
    /// Parameters of a shift-share of partners' shares.
    pub struct ShareShiftQuery {
        /// imports or exports: the market whose shares are split.
        #[example = "imports"]
        #[missing = "imports or exports"]
        flow: FlowParam,
        #[example = "2014"]
        #[missing = "the start period (YYYY or YYYY-MM)"]
        from: PeriodArg,
        #[example = "2024"]
        #[missing = "the end period (YYYY, YYYY-MM or latest)"]
        to: PeriodArg,
        /// `annual` or `monthly` (default: from the periods given).
        frequency: Option<FrequencyParam>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// Groups, comma-separated (default: all).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (default: every partner that may
        /// be counted beside the others).
        #[example = "CN,EU"]
        partner: Option<List<PartnerArg>>,
        /// Fields to sort by (`-` for descending): group, partner,
        /// change_pp, own_growth_pp, market_pp, share_end_pct.
        #[example = "change_pp"]
        sort: Option<List<SortArg>>,
        limit: Option<Limit>,
        offset: Option<Offset>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

impl Weighed for DecompositionQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        // Up to every partner and group of a dataset: off the workers.
        usize::MAX
    }
}

impl Weighed for ShareShiftQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

/// What a decomposition record is: a cell, what the cells leave (the
/// residual), or the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Cell,
    Residual,
    Total,
}

impl PartKind {
    fn as_str(self) -> &'static str {
        match self {
            PartKind::Cell => "cell",
            PartKind::Residual => "residual",
            PartKind::Total => "total",
        }
    }
}

/// One part of the change of a total: a cell's change, the residual, or
/// the total's change itself. Within one total, the cells' `change_usd`
/// and the residual's add up to the total's, to the dollar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecompositionRecord<'a> {
    pub dataset: &'a str,
    /// `imports`, `exports` or `balance`.
    #[schema(example = "balance")]
    pub measure: &'static str,
    /// `partner`, `group` or `partner,group`.
    #[schema(example = "partner")]
    pub by: &'static str,
    #[schema(value_type = String, example = "2014")]
    pub from_period: Period,
    #[schema(value_type = String, example = "2024")]
    pub to_period: Period,
    /// The total decomposed: its group and partner.
    #[schema(example = "all")]
    pub total_group: &'static str,
    #[schema(value_type = String, example = "WLD")]
    pub total_partner: PartnerCode,
    #[schema(value_type = PartKind)]
    pub kind: PartKind,
    /// The cell's group (the total's, for the residual and the total).
    #[schema(example = "all")]
    pub group: &'static str,
    /// The cell's partner (the total's, for the residual and the total).
    #[schema(value_type = String, example = "CN")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    /// The value at the start and at the end (null for the residual).
    pub start_usd: Option<i64>,
    pub end_usd: Option<i64>,
    /// end - start; for the residual, the total's change less the cells'.
    pub change_usd: i64,
    /// The change as a percent of the total's change (100 for the total).
    pub share_of_change_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub share_of_change_pct_reason: Reason,
    /// 1 for the cell with the largest share of the total's change (the
    /// one that moved the most in the total's direction); null for the
    /// residual and the total.
    pub rank: Option<u32>,
    /// How the figure is computed from the dataset's figures.
    #[schema(example = "balance/all/CN/2024 - balance/all/CN/2014")]
    pub formula: String,
    /// For the residual: what it holds (partners or groups the dataset does
    /// not list, cells with a value at one end only, aggregates left out).
    pub note: Option<String>,
    /// `derived`: computed from the dataset's figures.
    #[schema(value_type = wire::Status)]
    pub status: Status,
}

impl Sortable for DecompositionRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "rank",
        "kind",
        "group",
        "partner",
        "change_usd",
        "share_of_change_pct",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => self.rank.map(i64::from).into(),
            1 => text(self.kind.as_str()),
            2 => text(self.group),
            3 => text(self.partner.as_str()),
            4 => Some(self.change_usd).into(),
            _ => self.share_of_change_pct.into(),
        }
    }
}

fn key_text(measure: &str, cell: Cell, period: Period) -> String {
    format!("{measure}/{}/{}/{period}", cell.group, cell.partner)
}

/// The records of one decomposition: cells by rank, the residual, the
/// total.
fn decomposition_records<'a>(
    model: &ReadModel,
    ds: &'a DatasetView,
    row: &DecompositionRow,
) -> Vec<DecompositionRecord<'a>> {
    let measure = row.measure.as_str();
    let base = |kind, cell: Cell| DecompositionRecord {
        dataset: ds.id(),
        measure,
        by: row.by.as_str(),
        from_period: row.from,
        to_period: row.to,
        total_group: row.total.group.as_str(),
        total_partner: row.total.partner,
        kind,
        group: cell.group.as_str(),
        partner: cell.partner,
        partner_kind: model.partner_kind(cell.partner),
        start_usd: None,
        end_usd: None,
        change_usd: 0,
        share_of_change_pct: None,
        share_of_change_pct_reason: None,
        rank: None,
        formula: String::new(),
        note: None,
        status: Status::Derived,
    };
    let parts = &row.parts;
    // Ranks: the largest share of the total's change first; undefined
    // shares (no change of the total) by change, largest first.
    let mut order: Vec<usize> = (0..parts.cells.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&parts.cells[a], &parts.cells[b]);
        let share = |c: &atp_core::decomposition::Contribution<Cell>| {
            c.share_of_change_pct.unwrap_or(f64::NEG_INFINITY)
        };
        share(cb)
            .total_cmp(&share(ca))
            .then(cb.change_usd.cmp(&ca.change_usd))
            .then(ca.key.cmp(&cb.key))
    });
    // The rest of the world is a cell, not ranked beside countries: last
    // among the cells.
    let is_rest = |i: &usize| parts.cells[*i].key.partner == PartnerCode::REST_OF_WORLD;
    let (rest, ranked): (Vec<usize>, Vec<usize>) = order.into_iter().partition(is_rest);
    let mut out = Vec::with_capacity(parts.cells.len() + 2);
    for (rank, &i) in ranked.iter().enumerate() {
        let c = &parts.cells[i];
        out.push(DecompositionRecord {
            start_usd: Some(c.start_usd),
            end_usd: Some(c.end_usd),
            change_usd: c.change_usd,
            share_of_change_pct: value(&c.share_of_change_pct),
            share_of_change_pct_reason: reason(&c.share_of_change_pct),
            rank: u32::try_from(rank + 1).ok(),
            formula: format!(
                "{} - {}",
                key_text(measure, c.key, row.to),
                key_text(measure, c.key, row.from)
            ),
            ..base(PartKind::Cell, c.key)
        });
    }
    for &i in &rest {
        let c = &parts.cells[i];
        out.push(DecompositionRecord {
            start_usd: Some(c.start_usd),
            end_usd: Some(c.end_usd),
            change_usd: c.change_usd,
            share_of_change_pct: value(&c.share_of_change_pct),
            share_of_change_pct_reason: reason(&c.share_of_change_pct),
            formula: format!(
                "{} - {}",
                key_text(measure, c.key, row.to),
                key_text(measure, c.key, row.from)
            ),
            note: Some(
                "The rest of the world: the partners the dataset does not list, as it gives \
                 them; not ranked beside countries."
                    .to_owned(),
            ),
            ..base(PartKind::Cell, c.key)
        });
    }
    let r = &parts.residual;
    let mut held = vec![match row.by {
        decomp::DecomposeBy::Group => {
            "the ATP groups the dataset does not cover, and the difference between its `all` \
             and the sum of its groups (rounding, or a total printed on its own)"
                .to_owned()
        }
        _ => "the partners the dataset does not list (unless it gives the rest of the world \
              as a cell), and the difference between its world total and the sum of its \
              partners (rounding, or a total printed on its own)"
            .to_owned(),
    }];
    if !r.incomplete.is_empty() {
        let names: Vec<String> = r
            .incomplete
            .iter()
            .map(|c| format!("{}/{}", c.group, c.partner))
            .collect();
        held.push(format!(
            "cells with a value at one end only: {}",
            names.join(", ")
        ));
    }
    if !row.left_out.is_empty() {
        let names: Vec<String> = row
            .left_out
            .iter()
            .filter(|(p, _)| *p != PartnerCode::WORLD)
            .map(|(p, why)| {
                format!(
                    "{p} ({})",
                    match why {
                        atp_core::membership::Exclusion::Aggregate => "an aggregate",
                        atp_core::membership::Exclusion::MembersListed =>
                            "a bloc whose members are listed",
                    }
                )
            })
            .collect();
        if !names.is_empty() {
            held.push(format!(
                "not counted as cells, to count no trade twice: {}",
                names.join(", ")
            ));
        }
    }
    out.push(DecompositionRecord {
        change_usd: r.change_usd,
        share_of_change_pct: value(&r.share_of_change_pct),
        share_of_change_pct_reason: reason(&r.share_of_change_pct),
        formula: format!(
            "({} - {}) - the sum of the cells' changes",
            key_text(measure, row.total, row.to),
            key_text(measure, row.total, row.from)
        ),
        note: Some(format!("The residual holds {}.", held.join("; "))),
        ..base(PartKind::Residual, row.total)
    });
    let total_pct = if parts.total_change_usd == 0 {
        Err(Undefined::ZeroBase)
    } else {
        Ok(100.0)
    };
    out.push(DecompositionRecord {
        start_usd: Some(parts.total_start_usd),
        end_usd: Some(parts.total_end_usd),
        change_usd: parts.total_change_usd,
        share_of_change_pct: value(&total_pct),
        share_of_change_pct_reason: reason(&total_pct),
        formula: format!(
            "{} - {}",
            key_text(measure, row.total, row.to),
            key_text(measure, row.total, row.from)
        ),
        ..base(PartKind::Total, row.total)
    });
    out
}

/// Decompose a change
///
/// Which partners, groups, or both account for the change of imports,
/// exports or the balance between two periods: each cell's change in
/// dollars and as a percent of the total's change, ranked; then the
/// residual (what the dataset's cells do not hold: the partners it does not
/// list, groups it does not cover, cells with one end only, its own
/// rounding) and the total. The cells and the residual add up to the
/// total's change to the dollar. Aggregates are never cells beside their
/// members (the world, the rest of the world, Census groupings; a bloc
/// whose members are listed).
#[utoipa::path(
    tag = "analysis",
    operation_id = "list_decomposition",
    params(DecompositionQuery),
    responses(
        (status = 200, description = "The parts of each total's change", content((Envelope<DecompositionRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/decomposition")]
pub async fn list_decomposition(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &DecompositionQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let (from, to) = params::growth_periods(ds, q.frequency, q.from, q.to)?;
            let sel = params::selection(
                model,
                q.group.as_ref(),
                q.partner.as_ref(),
                (
                    from.frequency(),
                    atp_query::PeriodFilter::List(vec![from, to]),
                ),
            )?;
            let order = params::sort::<DecompositionRecord>(q.sort.as_ref())?;
            let by =
                q.by.map_or(decomp::DecomposeBy::Partner, DecomposeByParam::by);
            let rows = decomp::decompose(model, ds, q.flow.measure(), by, from, to, &sel);
            let mut records: Vec<DecompositionRecord> = rows
                .iter()
                .flat_map(|r| decomposition_records(model, ds, r))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let mut meta = data_meta(
                model,
                ds,
                raw,
                DecompositionQuery::NAMES,
                &sel,
                records.len(),
            );
            meta.notes.push(
                "Within each total, the cells' change_usd and the residual's add up to the \
                 total's change_usd to the dollar."
                    .to_owned(),
            );
            meta.notes.extend(query_notes(ds, by));
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// What a reader of a decomposition should know of the dataset.
fn query_notes(ds: &DatasetView, by: decomp::DecomposeBy) -> Vec<String> {
    let mut notes = Vec::new();
    if by != decomp::DecomposeBy::Partner && !ds.groups_covered.is_empty() {
        let missing: Vec<&str> = atp_core::Group::ALL
            .into_iter()
            .filter(|g| !ds.groups_covered.contains(g))
            .map(|g| g.id())
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "The dataset has no figures for {}: their change is in the residual.",
                missing.join(", ")
            ));
        }
    }
    notes
}

/// One partner's share of a market in two periods, and the change in
/// percentage points split into its own growth and the market's:
/// `own_growth_pp = 100 (end - start) / world_end`, `market_pp = -100 start
/// (world_end - world_start) / (world_start world_end)`; they add up to
/// `change_pp`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShareShiftRecord<'a> {
    pub dataset: &'a str,
    #[schema(example = "all")]
    pub group: &'static str,
    #[schema(value_type = String, example = "CN")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    #[schema(value_type = wire::Flow)]
    pub flow: atp_core::Flow,
    #[schema(value_type = String, example = "2014")]
    pub from_period: Period,
    #[schema(value_type = String, example = "2024")]
    pub to_period: Period,
    pub start_usd: i64,
    pub end_usd: i64,
    /// The world total at the start and at the end.
    pub world_start_usd: i64,
    pub world_end_usd: i64,
    /// The partner's share of the world total, in percent.
    pub share_start_pct: Option<f64>,
    pub share_end_pct: Option<f64>,
    /// share_end - share_start, in percentage points.
    pub change_pp: Option<f64>,
    /// What the partner's own change did to its share (the market held at
    /// its end size).
    pub own_growth_pp: Option<f64>,
    /// What the market's growth did to the share the partner started with.
    pub market_pp: Option<f64>,
    /// Why the shares are null (a world total not positive).
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub reason: Reason,
    /// `derived`: computed from the dataset's figures.
    #[schema(value_type = wire::Status)]
    pub status: Status,
}

impl<'a> ShareShiftRecord<'a> {
    fn new(ds: &'a DatasetView, r: &ShareShiftRow) -> ShareShiftRecord<'a> {
        let s = r.shift.as_ref().ok();
        ShareShiftRecord {
            dataset: ds.id(),
            group: r.group.as_str(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            flow: r.flow,
            from_period: r.from,
            to_period: r.to,
            start_usd: r.start_usd,
            end_usd: r.end_usd,
            world_start_usd: r.world_start_usd,
            world_end_usd: r.world_end_usd,
            share_start_pct: s.map(|s| s.share_start_pct),
            share_end_pct: s.map(|s| s.share_end_pct),
            change_pp: s.map(|s| s.change_pp),
            own_growth_pp: s.map(|s| s.own_growth_pp),
            market_pp: s.map(|s| s.market_pp),
            reason: reason(&r.shift),
            status: Status::Derived,
        }
    }
}

impl Sortable for ShareShiftRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "group",
        "partner",
        "change_pp",
        "own_growth_pp",
        "market_pp",
        "share_end_pct",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.group),
            1 => text(self.partner.as_str()),
            2 => self.change_pp.into(),
            3 => self.own_growth_pp.into(),
            4 => self.market_pp.into(),
            _ => self.share_end_pct.into(),
        }
    }
}

/// Split changes of partners' shares
///
/// Shift-share of each partner's share of the world's imports or exports
/// of a group between two periods: the change in percentage points, split
/// into the partner's own growth and the market's (a market that grows
/// dilutes every share). The two effects add up to the change.
#[utoipa::path(
    tag = "analysis",
    operation_id = "list_share_shifts",
    params(ShareShiftQuery),
    responses(
        (status = 200, description = "Each partner's share change, split", content((Envelope<ShareShiftRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/decomposition/shares")]
pub async fn list_share_shifts(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &ShareShiftQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let (from, to) = params::growth_periods(ds, q.frequency, q.from, q.to)?;
            let sel = params::selection(
                model,
                q.group.as_ref(),
                q.partner.as_ref(),
                (
                    from.frequency(),
                    atp_query::PeriodFilter::List(vec![from, to]),
                ),
            )?;
            let order = params::sort::<ShareShiftRecord>(q.sort.as_ref())?;
            let rows = decomp::share_shifts(model, ds, q.flow.flow(), from, to, &sel);
            let mut records: Vec<ShareShiftRecord> =
                rows.iter().map(|r| ShareShiftRecord::new(ds, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(model, ds, raw, ShareShiftQuery::NAMES, &sel, records.len());
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

query_params! {
    /// Parameters of indicators over time.
    pub struct IndicatorsQuery {
        /// Indicators, comma-separated (default: all five): `top1_share`,
        /// `top3_share`, `hhi` (of a group's market: the world's imports or
        /// exports of the group, over the partners that may be counted side
        /// by side), `tsi` and `atp_share` (of each partner).
        #[example = "top1_share,hhi"]
        indicator: Option<List<IndicatorParam>>,
        /// imports or exports: the market of `top1_share`, `top3_share`,
        /// `hhi`, and the flow of `atp_share` (default: imports; `tsi` uses
        /// both).
        #[example = "imports"]
        flow: Option<FlowParam>,
        /// Groups, comma-separated (default: all).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Partner codes of the partner-level indicators, comma-separated
        /// (default: every partner with figures).
        #[example = "KR,CN"]
        partner: Option<List<PartnerArg>>,
        /// `annual` or `monthly` (default: monthly when a month is asked
        /// for, else annual).
        frequency: Option<FrequencyParam>,
        /// Periods, comma-separated: years, months or `latest` (or from/to).
        #[example = "2024"]
        period: Option<List<PeriodArg>>,
        /// The older name of `period`.
        year: Option<List<PeriodArg>>,
        #[example = "2014"]
        from: Option<PeriodArg>,
        #[example = "2024"]
        to: Option<PeriodArg>,
        /// The transform of each indicator's own series, as FRED names
        /// them: `lin` (default), `chg`, `ch1` (changes, in the
        /// indicator's units: percentage points for shares), `pch`, `pc1`
        /// (percent changes), `pca`, `log`.
        #[example = "chg"]
        units: Option<UnitsParam>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// Fields to sort by (`-` for descending): indicator, group,
        /// partner, period, value.
        #[example = "-value"]
        sort: Option<List<SortArg>>,
        limit: Option<Limit>,
        offset: Option<Offset>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

impl Weighed for IndicatorsQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

/// One indicator of one group (or partner) in one period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorRecord<'a> {
    pub dataset: &'a str,
    /// `top1_share`, `top3_share`, `hhi`, `tsi` or `atp_share`.
    #[schema(example = "top1_share")]
    pub indicator: &'static str,
    /// The flow of the market (null for `tsi`, which uses both).
    #[schema(value_type = Option<wire::Flow>)]
    pub flow: Option<atp_core::Flow>,
    #[schema(example = "all")]
    pub group: &'static str,
    /// The partner described (`WLD` for a market-level indicator).
    #[schema(value_type = String, example = "WLD")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: atp_core::Frequency,
    #[schema(example = 2024)]
    pub year: u16,
    /// The indicator after `units` (the indicator itself by default):
    /// percent for shares, 0-10,000 for the HHI, -1..1 for the TSI.
    pub value: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub value_reason: Reason,
    /// The period `value` is compared with (for changes).
    #[schema(value_type = Option<String>)]
    pub value_base_period: Option<Period>,
    /// The indicator itself, before `units`.
    pub level: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub level_reason: Reason,
    /// Market-level: how many partners were counted, and the share of the
    /// world total they hold (the rest, partners the dataset does not list,
    /// is not in the index).
    pub partners_covered: Option<usize>,
    pub coverage_pct: Option<f64>,
    /// For `top1_share` and `top3_share`: the largest partners, largest
    /// first, comma-separated.
    #[schema(example = "EU")]
    pub largest: Option<String>,
    /// Market-level: the aggregates left out (never counted beside their
    /// members), comma-separated.
    #[schema(example = "ROW")]
    pub left_out: Option<String>,
    /// How the indicator is computed.
    pub formula: &'static str,
    /// `derived`: computed from the dataset's figures.
    #[schema(value_type = wire::Status)]
    pub status: Status,
}

fn codes(list: &[PartnerCode]) -> Option<String> {
    (!list.is_empty()).then(|| {
        list.iter()
            .map(PartnerCode::as_str)
            .collect::<Vec<_>>()
            .join(",")
    })
}

impl<'a> IndicatorRecord<'a> {
    fn new(ds: &'a DatasetView, flow: atp_core::Flow, r: &IndicatorRow) -> IndicatorRecord<'a> {
        IndicatorRecord {
            dataset: ds.id(),
            indicator: r.indicator.as_str(),
            flow: (r.indicator != Indicator::Tsi).then_some(flow),
            group: r.group.as_str(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            period: r.period,
            frequency: r.period.frequency(),
            year: r.period.year().get(),
            value: value(&r.value),
            value_reason: reason(&r.value),
            value_base_period: r.base,
            level: value(&r.level),
            level_reason: reason(&r.level),
            partners_covered: r.partners_covered,
            coverage_pct: r.coverage_pct,
            largest: codes(&r.largest),
            left_out: codes(&r.left_out),
            formula: r.indicator.formula(),
            status: Status::Derived,
        }
    }
}

impl Sortable for IndicatorRecord<'_> {
    const SORT_KEYS: &'static [&'static str] =
        &["indicator", "group", "partner", "period", "value"];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.indicator),
            1 => text(self.group),
            2 => text(self.partner.as_str()),
            3 => text(&self.period.to_string()),
            _ => self.value.into(),
        }
    }
}

/// List indicators over time
///
/// Dependence on the largest partner and on the largest three (their share
/// of a group's world imports or exports), the Herfindahl-Hirschman index
/// (market-level: over the partners that may be counted side by side; each
/// record says how many and what share of the world they hold), the trade
/// specialisation index and ATP's share of all goods (of each partner), for
/// every period selected, annual or monthly; `units` transforms each
/// indicator's own series (changes in percentage points, percent changes).
#[utoipa::path(
    tag = "analysis",
    operation_id = "list_indicators",
    params(IndicatorsQuery),
    responses(
        (status = 200, description = "The indicators", content((Envelope<IndicatorRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/indicators")]
pub async fn list_indicators(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &IndicatorsQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let periods = params::periods(
                ds,
                q.frequency,
                q.period.as_ref(),
                q.year.as_ref(),
                q.from,
                q.to,
            )?;
            let transform = params::transform(q.units, None, periods.0)?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), periods)?;
            let order = params::sort::<IndicatorRecord>(q.sort.as_ref())?;
            let mut wanted: Vec<Indicator> = q
                .indicator
                .as_ref()
                .map(|l| l.values().iter().map(|i| i.indicator()).collect())
                .unwrap_or_else(|| Indicator::ALL.to_vec());
            wanted.dedup();
            let flow = q.flow.map_or(atp_core::Flow::Imports, FlowParam::flow);
            let rows = indicators::indicators(model, ds, &wanted, flow, transform.units, &sel);
            let mut records: Vec<IndicatorRecord> = rows
                .iter()
                .map(|r| IndicatorRecord::new(ds, flow, r))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(model, ds, raw, IndicatorsQuery::NAMES, &sel, records.len());
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}
