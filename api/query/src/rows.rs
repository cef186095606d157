//! What the queries return: one row per value, in domain types, borrowing
//! the read model where they can. The HTTP layer shapes them into wire
//! records; a measure that is undefined for its inputs is an
//! [`Undefined`](atp_core::analytics::Undefined) reason, never `inf` or `NaN`.

use atp_core::analytics::{Computed, Concentration};
use atp_core::membership::Exclusion;
use atp_core::quality::Agreement;
use atp_core::{Claim, Flow, GroupId, PartnerCode, PartnerKind, Period, SeriesKey, Status};

use crate::GrowthMeasure;
use crate::model::Fact;

/// Where a served value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin<'m> {
    /// A stored figure, with its provenance.
    Stored(&'m Fact),
    /// The rest of the world, computed for this query as the world minus
    /// the partners it lists (the dataset stores no rest-of-world figure).
    RestOfWorld { formula: String },
}

impl Origin<'_> {
    /// `reported` for a stored reported figure, else `derived`.
    pub fn status(&self) -> Status {
        match self {
            Origin::Stored(o) => o.provenance.status,
            Origin::RestOfWorld { .. } => Status::Derived,
        }
    }
}

/// One value of imports or exports.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow<'m> {
    pub key: SeriesKey,
    pub partner_kind: PartnerKind,
    pub value_usd: i64,
    pub origin: Origin<'m>,
}

/// A ratio the source printed for a row, and whether it agrees with the
/// levels within their rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintedRatio<'m> {
    pub claim: &'m Claim,
    pub agreement: Agreement,
}

/// How a balance was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BalanceBasis {
    /// Exports minus imports.
    Flows,
    /// As the source printed it: finer than the difference of its rounded
    /// flows, or the flows are not both known.
    Reported,
}

impl BalanceBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            BalanceBasis::Flows => "flows",
            BalanceBasis::Reported => "reported",
        }
    }
}

/// Exports, imports and their balance for one group, partner and year.
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceRow {
    pub group: GroupId,
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub period: Period,
    pub exports_usd: Option<i64>,
    pub imports_usd: Option<i64>,
    /// The most precise balance there is (see `basis`).
    pub balance_usd: Computed<i64>,
    pub basis: BalanceBasis,
    /// The balance the source printed, where it printed one.
    pub reported_balance_usd: Option<i64>,
    /// Exports minus imports, where both are known.
    pub flows_balance_usd: Option<i64>,
    /// Trade specialisation index.
    pub tsi: Computed<f64>,
    pub status: Status,
    pub citation: String,
}

/// Growth of one series between two years.
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthRow<'m> {
    pub group: GroupId,
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub measure: GrowthMeasure,
    pub from: Period,
    pub to: Period,
    pub start_usd: Option<i64>,
    pub end_usd: Option<i64>,
    pub change_usd: Computed<i64>,
    pub change_pct: Computed<f64>,
    pub multiple: Computed<f64>,
    pub cagr_pct: Computed<f64>,
    /// What the source printed for this change, if it did.
    pub printed_change_pct: Option<PrintedRatio<'m>>,
    pub printed_multiple: Option<PrintedRatio<'m>>,
    pub printed_change_usd: Option<PrintedRatio<'m>>,
    /// `reported` only when both ends are reported figures.
    pub status: Status,
}

/// A partner's value and share of the world total.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow<'m> {
    pub group: GroupId,
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub period: Period,
    pub flow: Flow,
    pub value_usd: i64,
    pub world_usd: Option<i64>,
    pub share_pct: Computed<f64>,
    /// Rank among the partners that may be counted side by side.
    pub rank: Option<u32>,
    /// Why it is not ranked.
    pub unranked: Option<Exclusion>,
    /// The share the source printed, if it did.
    pub printed_share_pct: Option<PrintedRatio<'m>>,
    /// The partner's figure.
    pub fact: &'m Fact,
}

/// How concentrated one group's trade in one year is on its partners.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcentrationRow {
    pub group: GroupId,
    pub period: Period,
    pub flow: Flow,
    pub hhi: Computed<Concentration>,
    /// The partners that entered the index.
    pub partners: Vec<PartnerCode>,
    /// Blocs left out because their members are listed in their own right.
    pub blocs_left_out: Vec<PartnerCode>,
}

/// One partner's trade in one group and year, with shares, ranks and growth
/// against a base year.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub group: GroupId,
    pub period: Period,
    pub imports_usd: Option<i64>,
    pub exports_usd: Option<i64>,
    pub balance_usd: Computed<i64>,
    pub balance_basis: Option<BalanceBasis>,
    pub tsi: Computed<f64>,
    pub imports_share_pct: Computed<f64>,
    pub exports_share_pct: Computed<f64>,
    pub imports_rank: Option<u32>,
    pub exports_rank: Option<u32>,
    pub base_period: Period,
    pub imports_change_pct: Computed<f64>,
    pub exports_change_pct: Computed<f64>,
    pub balance_change_usd: Computed<i64>,
}
