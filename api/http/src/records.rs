//! The records the API serves: flat, so `pandas.json_normalize(r["data"])`
//! and `pandas.read_csv(url)` need no reshaping. Money is whole US dollars;
//! a ratio that is undefined is `null` with a `*_reason` saying why.
//!
//! Records borrow from the read model and the query's rows and serialize
//! core's own types (a partner code, a flow, a status) through core's serde
//! names; the enums in [`wire`] only describe those names in the spec (a
//! test checks they list exactly core's values).

use atp_core::analytics::{Computed, Undefined};
use atp_core::membership::Exclusion;
use atp_core::quality::Agreement;
use atp_core::{Flow, Frequency, MultipleReading, PartnerCode, PartnerKind, Period, Status};
use atp_query::comparison::PairRow;
use atp_query::series::UnitValue;
use atp_query::{
    BalanceRow, ConcentrationRow, DatasetView, DatasetVintages, FlowRow, GrowthRow, Origin,
    PartnerEntry, PrintedRatio, ProfileRow, ShareRow,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::params::Sortable;
use crate::respond::SortValue;

/// Schema-only descriptions of the core enums the records carry.
pub mod wire {
    use serde::Serialize;
    use utoipa::ToSchema;

    /// What kind of partner a code stands for; only countries and blocs are
    /// ranked. `grouping`: a Census grouping (a continent, a region, a
    /// trade agreement's partners), never ranked or summed with countries.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PartnerKind {
        Country,
        Bloc,
        RestOfWorld,
        World,
        Grouping,
    }

    /// How often a series has a value.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Frequency {
        Annual,
        Monthly,
    }

    /// The direction of trade, seen from the United States.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Flow {
        Imports,
        Exports,
    }

    /// `reported`: as the source printed or returned it; `derived`: computed from
    /// other figures (the formula and inputs say how).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        Reported,
        Derived,
    }

    /// Whether a ratio the source printed agrees with the levels: within
    /// the rounding of the ratio and of the levels (`agrees`), outside it
    /// (`disagrees`: see the dataset's quality report), true by construction
    /// because a level was derived from it (`levels_derived_from_it`), or
    /// not checked (the levels are missing).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Agreement {
        Agrees,
        Disagrees,
        LevelsDerivedFromIt,
        NotChecked,
    }

    /// How a printed "N배" reads: `one_plus` (an increase by N times:
    /// end / start = 1 + N) or `end_over_start` (end / start = N).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum MultipleReading {
        EndOverStart,
        OnePlus,
    }

    /// Why a partner is not ranked: `aggregate` (the world, the rest of the
    /// world, a Census grouping) or `members_listed` (a bloc whose members are listed in their
    /// own right: ranking both would count them twice).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Exclusion {
        Aggregate,
        MembersListed,
    }

    /// Why a measure is `null`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum UndefinedReason {
        /// The base (start value or total) is zero.
        ZeroBase,
        /// The base is negative (a deficit): a ratio to it has no meaning.
        NegativeBase,
        /// Start and end have opposite signs.
        SignChange,
        /// The end period is not after the start period (or a rolling sum
        /// of a series that is not monthly).
        NoPeriod,
        /// A figure the measure needs is missing.
        MissingValue,
        /// The result is outside the range of whole dollars computed.
        Overflow,
    }
}

/// Why the measure beside it is `null` (itself `null` when the measure has a value).
pub type Reason = Option<Undefined>;

pub(crate) fn value<T: Copy>(c: &Computed<T>) -> Option<T> {
    c.as_ref().ok().copied()
}

pub(crate) fn reason<T>(c: &Computed<T>) -> Reason {
    c.as_ref().err().copied()
}

/// A printed ratio's value, agreement and citation, as served.
fn printed(p: Option<&PrintedRatio<'_>>) -> (Option<f64>, Option<Agreement>, Option<String>) {
    match p {
        Some(p) => (
            p.claim.value_f64(),
            Some(p.agreement),
            Some(p.claim.cited()),
        ),
        None => (None, None, None),
    }
}

/// A transformed value: whole dollars for levels and changes, a number for
/// ratios and logs (JSON numbers both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransformedValue(pub UnitValue);

impl Serialize for TransformedValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            UnitValue::Usd(v) => s.serialize_i64(v),
            UnitValue::Number(v) => s.serialize_f64(v),
        }
    }
}

impl From<Option<TransformedValue>> for SortValue {
    fn from(v: Option<TransformedValue>) -> SortValue {
        match v.map(|t| t.0) {
            Some(UnitValue::Usd(i)) => SortValue::Int(i),
            Some(UnitValue::Number(f)) => SortValue::Float(f),
            None => SortValue::Null,
        }
    }
}

/// A row's value after the query's `units` and `rolling`, with why it is
/// null and the period it is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transformed {
    pub value: Computed<UnitValue>,
    pub base: Option<Period>,
}

fn join_codes(codes: &[PartnerCode]) -> String {
    codes
        .iter()
        .map(PartnerCode::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

pub(crate) fn text(s: &str) -> SortValue {
    SortValue::Text(s.to_owned())
}

fn int(v: i64) -> SortValue {
    SortValue::Int(v)
}

/// One value of imports or exports.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowRecord<'a> {
    /// The dataset the value comes from.
    #[schema(example = "kiat-2026-04")]
    pub dataset: &'a str,
    /// ATP group slug, or `all`.
    #[schema(example = "biotechnology")]
    pub group: &'static str,
    /// Partner code.
    #[schema(value_type = String, example = "KR")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    /// The period's year.
    #[schema(example = 2024)]
    pub year: u16,
    /// The period: a year (`2024`) or a month (`2024-03`).
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    #[schema(value_type = wire::Flow)]
    pub flow: Flow,
    /// Whole US dollars; at most 10^15 in magnitude (imports refuse more).
    #[schema(example = 3700000000_i64, minimum = -1_000_000_000_000_000_i64, maximum = 1_000_000_000_000_000_i64)]
    pub value_usd: i64,
    /// The value in the query's `units` after its `rolling` sum (see
    /// `meta.transform`): whole dollars for `lin`, `chg`, `ch1`, a percent
    /// for `pch`, `pc1`, `pca`, a natural log for `log`. Equal to
    /// `value_usd` by default.
    #[schema(value_type = Option<f64>, example = 3700000000_i64)]
    pub value: Option<TransformedValue>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub value_reason: Reason,
    /// The period `value` is compared with (`chg`, `ch1`, `pch`, `pc1`,
    /// `pca`); null for levels.
    #[schema(value_type = Option<String>, example = "2023")]
    pub value_base_period: Option<Period>,
    /// `reported` (as the source printed it) or `derived` (computed from other figures).
    #[schema(value_type = wire::Status)]
    pub status: Status,
    /// For a reported value: the place value of its last printed digit.
    pub rounding_usd: Option<i64>,
    /// For a derived value: how it was computed.
    pub formula: Option<&'a str>,
    /// For a derived value: the figures and printed ratios it used, `;`-separated.
    pub inputs: Option<String>,
    /// Where the value is printed (or how it was computed).
    #[schema(example = "II.2 Biotechnology / imports")]
    pub citation: &'a str,
    /// The exact phrase of the source, where there is one.
    pub quote: Option<&'a str>,
}

impl<'a> FlowRecord<'a> {
    pub fn new(
        ds: &'a DatasetView,
        flow: Flow,
        row: &'a FlowRow<'a>,
        t: Transformed,
    ) -> FlowRecord<'a> {
        let (status, rounding_usd, formula, inputs, citation, quote) = match &row.origin {
            Origin::Stored(o) => {
                let p = &o.provenance;
                let d = p.derivation.as_ref();
                (
                    p.status,
                    p.rounding_usd,
                    d.map(|d| d.formula.as_str()),
                    d.filter(|d| !d.inputs.is_empty())
                        .map(|d| d.inputs.join(";")),
                    p.citation.section.as_str(),
                    Some(p.citation.quote.as_str()).filter(|q| !q.is_empty()),
                )
            }
            Origin::RestOfWorld { formula } => (
                Status::Derived,
                None,
                Some(formula.as_str()),
                None,
                "computed on request: the world minus the partners listed in the query",
                None,
            ),
        };
        FlowRecord {
            dataset: ds.id(),
            group: row.key.group.as_str(),
            partner: row.key.partner,
            partner_kind: row.partner_kind,
            year: row.key.period.year().get(),
            period: row.key.period,
            frequency: row.key.period.frequency(),
            flow,
            value_usd: row.value_usd,
            value: value(&t.value).map(TransformedValue),
            value_reason: reason(&t.value),
            value_base_period: t.base,
            status,
            rounding_usd,
            formula,
            inputs,
            citation,
            quote,
        }
    }
}

/// A period as a sort value: years and months in time order.
fn period_key(p: Period) -> SortValue {
    let (y, m) = p.end_month();
    int(i64::from(y) * 100 + i64::from(if p.is_annual() { 0 } else { m }))
}

impl Sortable for FlowRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "group",
        "partner",
        "year",
        "value_usd",
        "status",
        "period",
        "value",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.group),
            1 => text(self.partner.as_str()),
            2 => int(self.year.into()),
            3 => int(self.value_usd),
            4 => text(self.status.as_str()),
            5 => period_key(self.period),
            _ => self.value.into(),
        }
    }
}

/// Exports, imports and their balance for one group, partner and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BalanceRecord<'a> {
    pub dataset: &'a str,
    pub group: &'static str,
    #[schema(value_type = String)]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    pub year: u16,
    /// A year (`2024`) or a month (`2024-03`).
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    pub exports_usd: Option<i64>,
    pub imports_usd: Option<i64>,
    /// The most precise balance there is: the one the source printed when
    /// its rounding is finer than that of its two flows together (the brief
    /// prints "6억 3,100만 달러" beside flows rounded to 1억), else
    /// exports_usd - imports_usd; `balance_basis` says which, and
    /// `reported_balance_usd` and `flows_balance_usd` show both. Null (with
    /// the reason `overflow`) only if the difference left the range of whole
    /// dollars computed, which the import bounds make impossible.
    pub balance_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub balance_usd_reason: Reason,
    /// `reported` (the printed balance: finer than the flows' difference, or
    /// the flows are not both known) or `flows` (exports - imports).
    #[schema(example = "flows")]
    pub balance_basis: &'static str,
    /// The balance the source printed, where it printed one (it may differ
    /// from exports - imports by the rounding of the printed flows).
    pub reported_balance_usd: Option<i64>,
    /// exports_usd - imports_usd, where both are known (it may differ from a
    /// printed balance by the rounding of the printed flows).
    pub flows_balance_usd: Option<i64>,
    /// Trade specialisation index (X - M) / (X + M), -1 to 1.
    pub tsi: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub tsi_reason: Reason,
    /// The balance in the query's `units` after its `rolling` sum (see
    /// `meta.transform`); equal to `balance_usd` by default.
    #[schema(value_type = Option<f64>)]
    pub value: Option<TransformedValue>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub value_reason: Reason,
    /// The period `value` is compared with; null for levels.
    #[schema(value_type = Option<String>)]
    pub value_base_period: Option<Period>,
    /// `derived` when computed from the flows, `reported` when printed.
    #[schema(value_type = wire::Status)]
    pub status: Status,
    pub citation: &'a str,
}

impl<'a> BalanceRecord<'a> {
    pub fn new(ds: &'a DatasetView, r: &'a BalanceRow, t: Transformed) -> BalanceRecord<'a> {
        BalanceRecord {
            dataset: ds.id(),
            group: r.group.as_str(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            year: r.period.year().get(),
            period: r.period,
            frequency: r.period.frequency(),
            exports_usd: r.exports_usd,
            imports_usd: r.imports_usd,
            balance_usd: value(&r.balance_usd),
            balance_usd_reason: reason(&r.balance_usd),
            balance_basis: r.basis.as_str(),
            reported_balance_usd: r.reported_balance_usd,
            flows_balance_usd: r.flows_balance_usd,
            tsi: value(&r.tsi),
            tsi_reason: reason(&r.tsi),
            value: value(&t.value).map(TransformedValue),
            value_reason: reason(&t.value),
            value_base_period: t.base,
            status: r.status,
            citation: &r.citation,
        }
    }
}

impl Sortable for BalanceRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "group",
        "partner",
        "year",
        "balance_usd",
        "exports_usd",
        "imports_usd",
        "tsi",
        "period",
        "value",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.group),
            1 => text(self.partner.as_str()),
            2 => int(self.year.into()),
            3 => self.balance_usd.into(),
            4 => self.exports_usd.into(),
            5 => self.imports_usd.into(),
            6 => self.tsi.into(),
            7 => period_key(self.period),
            _ => self.value.into(),
        }
    }
}

/// Growth of one series between two years.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrowthRecord<'a> {
    pub dataset: &'a str,
    pub group: &'static str,
    #[schema(value_type = String)]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    /// `imports`, `exports` or `balance`.
    #[schema(example = "imports")]
    pub measure: &'static str,
    /// The year of the start period.
    #[schema(example = 2014)]
    pub from: u16,
    /// The year of the end period.
    #[schema(example = 2024)]
    pub to: u16,
    /// The start period: a year or a month.
    #[schema(value_type = String, example = "2014")]
    pub from_period: Period,
    #[schema(value_type = String, example = "2024")]
    pub to_period: Period,
    pub start_usd: Option<i64>,
    pub end_usd: Option<i64>,
    pub change_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub change_usd_reason: Reason,
    /// (end - start) / start, in percent.
    pub change_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub change_pct_reason: Reason,
    /// end / start.
    pub multiple: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub multiple_reason: Reason,
    /// Compound annual growth rate, in percent.
    pub cagr_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub cagr_pct_reason: Reason,
    /// The percent change the source printed for this series, as printed.
    pub reported_change_pct: Option<f64>,
    #[schema(value_type = Option<wire::Agreement>)]
    pub reported_change_pct_agreement: Option<Agreement>,
    /// Where it is printed: section, then the exact phrase.
    pub reported_change_pct_citation: Option<String>,
    /// The multiple ("N배") the source printed, as printed; read as
    /// `reported_multiple_reading` says.
    pub reported_multiple: Option<f64>,
    #[schema(value_type = Option<wire::MultipleReading>)]
    pub reported_multiple_reading: Option<MultipleReading>,
    #[schema(value_type = Option<wire::Agreement>)]
    pub reported_multiple_agreement: Option<Agreement>,
    pub reported_multiple_citation: Option<String>,
    /// The change in dollars the source printed, as printed.
    pub reported_change_usd: Option<i64>,
    #[schema(value_type = Option<wire::Agreement>)]
    pub reported_change_usd_agreement: Option<Agreement>,
    pub reported_change_usd_citation: Option<String>,
    /// `reported` only when both ends are reported figures.
    #[schema(value_type = wire::Status)]
    pub status: Status,
}

impl<'a> GrowthRecord<'a> {
    pub fn new(ds: &'a DatasetView, r: &GrowthRow<'_>) -> GrowthRecord<'a> {
        let (change_pct, change_pct_agreement, change_pct_citation) =
            printed(r.printed_change_pct.as_ref());
        let (multiple, multiple_agreement, multiple_citation) =
            printed(r.printed_multiple.as_ref());
        let (_, change_usd_agreement, change_usd_citation) = printed(r.printed_change_usd.as_ref());
        GrowthRecord {
            dataset: ds.id(),
            group: r.group.as_str(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            measure: r.measure.as_str(),
            from: r.from.year().get(),
            to: r.to.year().get(),
            from_period: r.from,
            to_period: r.to,
            start_usd: r.start_usd,
            end_usd: r.end_usd,
            change_usd: value(&r.change_usd),
            change_usd_reason: reason(&r.change_usd),
            change_pct: value(&r.change_pct),
            change_pct_reason: reason(&r.change_pct),
            multiple: value(&r.multiple),
            multiple_reason: reason(&r.multiple),
            cagr_pct: value(&r.cagr_pct),
            cagr_pct_reason: reason(&r.cagr_pct),
            reported_change_pct: change_pct,
            reported_change_pct_agreement: change_pct_agreement,
            reported_change_pct_citation: change_pct_citation,
            reported_multiple: multiple,
            reported_multiple_reading: r.printed_multiple.and_then(|p| p.claim.reading),
            reported_multiple_agreement: multiple_agreement,
            reported_multiple_citation: multiple_citation,
            reported_change_usd: r.printed_change_usd.and_then(|p| p.claim.value_usd()),
            reported_change_usd_agreement: change_usd_agreement,
            reported_change_usd_citation: change_usd_citation,
            status: r.status,
        }
    }
}

impl Sortable for GrowthRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "group",
        "partner",
        "start_usd",
        "end_usd",
        "change_usd",
        "change_pct",
        "multiple",
        "cagr_pct",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.group),
            1 => text(self.partner.as_str()),
            2 => self.start_usd.into(),
            3 => self.end_usd.into(),
            4 => self.change_usd.into(),
            5 => self.change_pct.into(),
            6 => self.multiple.into(),
            _ => self.cagr_pct.into(),
        }
    }
}

/// A partner's value and share of the world total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShareRecord<'a> {
    pub dataset: &'a str,
    pub group: &'static str,
    #[schema(value_type = String)]
    pub partner: PartnerCode,
    /// `country`, `bloc`, `rest_of_world` or `world`: aggregates are never ranked.
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    pub year: u16,
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    #[schema(value_type = wire::Flow)]
    pub flow: Flow,
    pub value_usd: i64,
    pub world_usd: Option<i64>,
    /// value_usd / world_usd, in percent.
    pub share_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub share_pct_reason: Reason,
    /// Rank among the partners that may be counted side by side (1 =
    /// largest): countries, and blocs whose members are not listed; null
    /// otherwise, with `rank_reason`.
    pub rank: Option<u32>,
    #[schema(value_type = Option<wire::Exclusion>)]
    pub rank_reason: Option<Exclusion>,
    /// The share the source printed, as printed.
    pub reported_share_pct: Option<f64>,
    /// `true` when the source printed an upper bound ("1% 미만": under 1%).
    pub reported_share_pct_is_upper_bound: Option<bool>,
    #[schema(value_type = Option<wire::Agreement>)]
    pub reported_share_pct_agreement: Option<Agreement>,
    pub reported_share_pct_citation: Option<String>,
    #[schema(value_type = wire::Status)]
    pub status: Status,
    pub citation: &'a str,
}

impl<'a> ShareRecord<'a> {
    pub fn new(ds: &'a DatasetView, r: &ShareRow<'a>) -> ShareRecord<'a> {
        let (share_pct, share_agreement, share_citation) = printed(r.printed_share_pct.as_ref());
        ShareRecord {
            dataset: ds.id(),
            group: r.group.as_str(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            year: r.period.year().get(),
            period: r.period,
            flow: r.flow,
            value_usd: r.value_usd,
            world_usd: r.world_usd,
            share_pct: value(&r.share_pct),
            share_pct_reason: reason(&r.share_pct),
            rank: r.rank,
            rank_reason: r.unranked,
            reported_share_pct: share_pct,
            reported_share_pct_is_upper_bound: r
                .printed_share_pct
                .map(|p| p.claim.relation == atp_core::dataset::Relation::Below),
            reported_share_pct_agreement: share_agreement,
            reported_share_pct_citation: share_citation,
            status: r.fact.provenance.status,
            citation: &r.fact.provenance.citation.section,
        }
    }
}

impl Sortable for ShareRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "group",
        "partner",
        "year",
        "value_usd",
        "share_pct",
        "rank",
        "period",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.group),
            1 => text(self.partner.as_str()),
            2 => int(self.year.into()),
            3 => int(self.value_usd),
            4 => self.share_pct.into(),
            5 => self.rank.map(i64::from).into(),
            _ => period_key(self.period),
        }
    }
}

/// How concentrated a group's trade is on its partners.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConcentrationRecord<'a> {
    pub dataset: &'a str,
    pub group: &'static str,
    pub year: u16,
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    #[schema(value_type = wire::Flow)]
    pub flow: Flow,
    /// Herfindahl-Hirschman index: the sum of squared percentage shares of
    /// the world total, 0 to 10,000, over the listed countries and blocs.
    pub hhi: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub hhi_reason: Reason,
    /// How many partners entered the index: countries, and blocs whose
    /// members are not listed.
    pub partners: usize,
    /// The partners that entered it, `;`-separated.
    pub partners_covered: String,
    /// Blocs left out because their members are listed in their own right
    /// (counting both would count them twice), `;`-separated.
    pub blocs_left_out: String,
    /// The share of the world total they cover, in percent; the rest (partners
    /// not listed, rest of world) is left out, so the index is a lower bound.
    pub coverage_pct: Option<f64>,
    #[schema(example = "listed_partners_share_of_world")]
    pub basis: &'static str,
}

impl<'a> ConcentrationRecord<'a> {
    pub fn new(ds: &'a DatasetView, r: &ConcentrationRow) -> ConcentrationRecord<'a> {
        ConcentrationRecord {
            dataset: ds.id(),
            group: r.group.as_str(),
            year: r.period.year().get(),
            period: r.period,
            flow: r.flow,
            hhi: r.hhi.as_ref().ok().map(|c| c.hhi),
            hhi_reason: reason(&r.hhi),
            partners: r.partners.len(),
            partners_covered: join_codes(&r.partners),
            blocs_left_out: join_codes(&r.blocs_left_out),
            coverage_pct: r.hhi.as_ref().ok().map(|c| c.coverage_pct),
            basis: "listed_partners_share_of_world",
        }
    }
}

impl Sortable for ConcentrationRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &["group", "year", "hhi", "period"];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.group),
            1 => int(self.year.into()),
            2 => self.hhi.into(),
            _ => period_key(self.period),
        }
    }
}

/// One partner's trade in one group and year, with shares, ranks and growth
/// against a base year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileRecord<'a> {
    pub dataset: &'a str,
    #[schema(value_type = String)]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    pub group: &'static str,
    pub year: u16,
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    pub imports_usd: Option<i64>,
    pub exports_usd: Option<i64>,
    pub balance_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub balance_usd_reason: Reason,
    pub balance_basis: Option<&'static str>,
    pub tsi: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub tsi_reason: Reason,
    pub imports_share_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub imports_share_pct_reason: Reason,
    pub exports_share_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub exports_share_pct_reason: Reason,
    pub imports_rank: Option<u32>,
    pub exports_rank: Option<u32>,
    pub base_year: u16,
    #[schema(value_type = String, example = "2014")]
    pub base_period: Period,
    pub imports_change_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub imports_change_pct_reason: Reason,
    pub exports_change_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub exports_change_pct_reason: Reason,
    pub balance_change_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub balance_change_usd_reason: Reason,
}

impl<'a> ProfileRecord<'a> {
    pub fn new(ds: &'a DatasetView, r: &ProfileRow) -> ProfileRecord<'a> {
        ProfileRecord {
            dataset: ds.id(),
            partner: r.partner,
            partner_kind: r.partner_kind,
            group: r.group.as_str(),
            year: r.period.year().get(),
            period: r.period,
            imports_usd: r.imports_usd,
            exports_usd: r.exports_usd,
            balance_usd: value(&r.balance_usd),
            balance_usd_reason: reason(&r.balance_usd),
            balance_basis: r.balance_basis.map(|b| b.as_str()),
            tsi: value(&r.tsi),
            tsi_reason: reason(&r.tsi),
            imports_share_pct: value(&r.imports_share_pct),
            imports_share_pct_reason: reason(&r.imports_share_pct),
            exports_share_pct: value(&r.exports_share_pct),
            exports_share_pct_reason: reason(&r.exports_share_pct),
            imports_rank: r.imports_rank,
            exports_rank: r.exports_rank,
            base_year: r.base_period.year().get(),
            base_period: r.base_period,
            imports_change_pct: value(&r.imports_change_pct),
            imports_change_pct_reason: reason(&r.imports_change_pct),
            exports_change_pct: value(&r.exports_change_pct),
            exports_change_pct_reason: reason(&r.exports_change_pct),
            balance_change_usd: value(&r.balance_change_usd),
            balance_change_usd_reason: reason(&r.balance_change_usd),
        }
    }
}

/// An ATP group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupRecord {
    /// Slug used in queries.
    #[schema(example = "biotechnology")]
    pub id: &'static str,
    /// The Census `HITECH` code (`00` is not an ATP group; `all` has none).
    #[schema(example = "01")]
    pub census_code: Option<&'static str>,
    #[schema(example = "Biotechnology")]
    pub name_en: &'static str,
    #[schema(example = "바이오기술")]
    pub name_ko: &'static str,
    pub definition: &'static str,
    pub definition_source: &'static str,
    /// `group` for an ATP group, `aggregate` for `all` (their sum),
    /// `all_goods` for every good and `non_atp` for the goods outside ATP
    /// (neither is ever summed into `all`).
    #[schema(example = "group")]
    pub kind: &'static str,
}

/// A trade partner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerRecord<'a> {
    #[schema(value_type = String, example = "KR")]
    pub code: PartnerCode,
    #[schema(example = "Korea, South")]
    pub name_en: &'a str,
    #[schema(example = "한국")]
    pub name_ko: Option<&'a str>,
    #[schema(value_type = wire::PartnerKind)]
    pub kind: PartnerKind,
    /// The Census Schedule C `CTY_CODE`, where one exists.
    #[schema(example = "5800")]
    pub census_code: Option<&'a str>,
}

impl<'a> PartnerRecord<'a> {
    pub fn new(p: &'a PartnerEntry) -> PartnerRecord<'a> {
        PartnerRecord {
            code: p.code,
            name_en: &p.name_en,
            name_ko: p.name_ko.as_deref(),
            kind: p.kind,
            census_code: p.census_code.as_deref(),
        }
    }
}

/// A year with figures in a dataset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearRecord {
    #[schema(example = 2024)]
    pub year: u16,
    /// Observations stored or derived for that year.
    pub observations: usize,
}

/// A period with figures in a dataset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodRecord {
    #[schema(value_type = String, example = "2024-03")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    pub year: u16,
    /// The month, 1 to 12 (null for a year).
    pub month: Option<u8>,
    /// Observations stored or derived for that period.
    pub observations: usize,
}

/// One vintage of a dataset: a release of its source.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VintageRecord<'a> {
    #[schema(example = "census-country")]
    pub dataset: &'a str,
    /// The vintage's id (`2024-06`: the country.xlsx with data to June 2024).
    #[schema(example = "2024-06")]
    pub vintage: &'a str,
    /// Whether queries get it by default.
    pub latest: bool,
    /// The latest period it covers.
    #[schema(value_type = Option<String>, example = "2024-06")]
    pub last_period: Option<Period>,
    /// When its source published it (YYYY-MM-DD), if known.
    pub published_on: Option<&'a str>,
    /// When it was imported (RFC 3339); for a built-in vintage, when the
    /// service started.
    pub imported_at: &'a str,
    /// What `as_of` compares: the publication date if known, else the day
    /// it was imported.
    pub known_since: &'a str,
    pub source_format: &'a str,
    pub row_count: i64,
    pub checksum: &'a str,
}

impl<'a> VintageRecord<'a> {
    pub fn new(ds: &'a DatasetView, latest: bool) -> VintageRecord<'a> {
        let s = &ds.stored;
        VintageRecord {
            dataset: &s.info.id,
            vintage: &s.info.vintage,
            latest,
            last_period: s.last_period,
            published_on: s.published_on.as_deref(),
            imported_at: &s.imported_at,
            known_since: s.known_since(),
            source_format: &s.source_format,
            row_count: s.row_count,
            checksum: &s.checksum,
        }
    }
}

/// A dataset: provenance, coverage, size and data-quality notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatasetRecord<'a> {
    #[schema(example = "kiat-2026-04")]
    pub id: &'a str,
    pub title: &'a str,
    pub publisher: &'a str,
    pub citation: &'a str,
    pub source_url: Option<&'a str>,
    /// The latest vintage: what queries get unless they ask for another.
    pub vintage: &'a str,
    /// Every vintage, oldest first (see /v1/datasets/{id}/vintages).
    pub vintages: Vec<&'a str>,
    /// `builtin`, `csv`, `census` or `census-country-xlsx`.
    pub source_format: &'a str,
    /// When it was imported (RFC 3339).
    pub imported_at: &'a str,
    /// Rows stored.
    pub row_count: i64,
    /// Rows served, including aggregates the service computes.
    pub served_rows: usize,
    /// sha256 of the stored observations in canonical form.
    pub checksum: &'a str,
    /// The ATP groups with figures: what `all` sums.
    pub groups_covered: Vec<&'static str>,
    /// Whether `all` is computed by the service (true) or printed by the source.
    pub all_is_computed: bool,
    /// The values of the group dimension with figures, `all-goods` and
    /// `non-atp` included.
    pub groups: Vec<&'static str>,
    /// The years with figures (annual or monthly).
    pub years: Vec<u16>,
    /// `annual`, `monthly` or both.
    #[schema(value_type = Vec<wire::Frequency>)]
    pub frequencies: Vec<Frequency>,
    #[schema(value_type = Option<String>, example = "2014")]
    pub first_period: Option<Period>,
    #[schema(value_type = Option<String>, example = "2024")]
    pub last_period: Option<Period>,
    pub partners: usize,
    pub notes: &'a [String],
    /// What the import or the data-quality report noticed.
    pub quality_notes: &'a [String],
}

impl<'a> DatasetRecord<'a> {
    pub fn new(vintages: &'a DatasetVintages) -> DatasetRecord<'a> {
        let ds = vintages.latest();
        let s = &ds.stored;
        let mut years: Vec<u16> = ds.periods.iter().map(|p| p.year().get()).collect();
        years.sort_unstable();
        years.dedup();
        let by_time = |p: &&Period| p.end_month();
        let first_period = ds.periods.iter().min_by_key(|p| {
            let (y, m) = p.end_month();
            (y, if p.is_annual() { 0 } else { m })
        });
        DatasetRecord {
            id: &s.info.id,
            title: &s.info.title,
            publisher: &s.info.publisher,
            citation: &s.info.citation,
            source_url: s.info.source_url.as_deref(),
            vintage: &s.info.vintage,
            vintages: vintages.all().map(DatasetView::vintage).collect(),
            source_format: &s.source_format,
            imported_at: &s.imported_at,
            row_count: s.row_count,
            served_rows: ds.row_count(),
            checksum: &s.checksum,
            groups_covered: ds.groups_covered.iter().map(|g| g.id()).collect(),
            all_is_computed: ds.all_is_computed,
            groups: ds.group_ids.iter().map(|g| g.as_str()).collect(),
            years,
            frequencies: ds.frequencies().to_vec(),
            first_period: first_period.copied(),
            last_period: ds.periods.iter().max_by_key(by_time).copied(),
            partners: ds.partners.len(),
            notes: &s.info.notes,
            quality_notes: &s.quality_notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<T: Serialize>(values: impl IntoIterator<Item = T>) -> Vec<String> {
        values
            .into_iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    /// The schema-only enums list exactly the names core serializes.
    #[test]
    fn wire_enums_describe_core_values() {
        use wire::*;
        assert_eq!(
            names([
                PartnerKind::Country,
                PartnerKind::Bloc,
                PartnerKind::RestOfWorld,
                PartnerKind::World,
                PartnerKind::Grouping
            ]),
            names(atp_core::PartnerKind::ALL)
        );
        assert_eq!(
            names([Frequency::Annual, Frequency::Monthly]),
            names(atp_core::Frequency::ALL)
        );
        assert_eq!(
            names([Flow::Imports, Flow::Exports]),
            names(atp_core::Flow::ALL)
        );
        assert_eq!(
            names([Status::Reported, Status::Derived]),
            names([atp_core::Status::Reported, atp_core::Status::Derived])
        );
        assert_eq!(
            names([
                Agreement::Agrees,
                Agreement::Disagrees,
                Agreement::LevelsDerivedFromIt,
                Agreement::NotChecked
            ]),
            names([
                atp_core::quality::Agreement::Agrees,
                atp_core::quality::Agreement::Disagrees,
                atp_core::quality::Agreement::LevelsDerivedFromIt,
                atp_core::quality::Agreement::NotChecked
            ])
        );
        assert_eq!(
            names([MultipleReading::EndOverStart, MultipleReading::OnePlus]),
            names([
                atp_core::MultipleReading::EndOverStart,
                atp_core::MultipleReading::OnePlus
            ])
        );
        assert_eq!(
            names([Exclusion::Aggregate, Exclusion::MembersListed]),
            names([
                atp_core::membership::Exclusion::Aggregate,
                atp_core::membership::Exclusion::MembersListed
            ])
        );
        assert_eq!(
            names([
                UndefinedReason::ZeroBase,
                UndefinedReason::NegativeBase,
                UndefinedReason::SignChange,
                UndefinedReason::NoPeriod,
                UndefinedReason::MissingValue,
                UndefinedReason::Overflow
            ]),
            names(Undefined::ALL)
        );
    }
}

/// The data-quality report of a dataset: every identity its figures
/// should satisfy and every ratio its source printed, checked within the
/// rounding of each figure; each disagreement with its explanation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualityRecord<'a> {
    #[schema(example = "kiat-2026-04")]
    pub dataset: &'a str,
    /// Checks made, passed and failed.
    pub checks: usize,
    pub passed: usize,
    pub failed: usize,
    /// Passed and failed checks by kind.
    pub summary: Vec<QualitySummary>,
    /// Every failed check.
    pub disagreements: Vec<Disagreement<'a>>,
}

/// Passed and failed checks of one kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualitySummary {
    /// `balance_identity` (balance = exports - imports),
    /// `groups_sum_to_all`, `partners_within_world`,
    /// `partners_sum_to_world` (the partners plus the rest of the world make
    /// the world), `printed_ratio` (a printed share, growth rate, multiple
    /// or change against the levels).
    #[schema(example = "balance_identity")]
    pub check: &'static str,
    pub passed: usize,
    pub failed: usize,
}

/// A check that failed: where the source disagrees with itself beyond the
/// rounding of its figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Disagreement<'a> {
    #[schema(example = "balance:all/KR/2014")]
    pub id: &'a str,
    #[schema(example = "balance_identity")]
    pub check: &'static str,
    pub description: &'a str,
    /// What the source printed, with the interval its rounding allows.
    pub printed: &'a str,
    /// What the other figures imply.
    pub implied: &'a str,
    /// Whether the check passes when every printed number is read as
    /// rounded to its last non-zero digit (two significant figures at least).
    pub within_coarse_rounding: bool,
    /// Why the source disagrees, where it is known.
    pub explanation: Option<&'a str>,
}

impl<'a> QualityRecord<'a> {
    pub fn new(
        report: &'a atp_core::quality::QualityReport,
        explanations: &'a std::collections::HashMap<String, String>,
    ) -> QualityRecord<'a> {
        let summary: Vec<QualitySummary> = report
            .summary()
            .into_iter()
            .map(|(kind, passed, failed)| QualitySummary {
                check: kind.as_str(),
                passed,
                failed,
            })
            .collect();
        let failed = report.failures().count();
        QualityRecord {
            dataset: &report.dataset,
            checks: report.checks.len(),
            passed: report.checks.len() - failed,
            failed,
            summary,
            disagreements: report
                .failures()
                .map(|c| Disagreement {
                    id: &c.id,
                    check: c.kind.as_str(),
                    description: &c.description,
                    printed: &c.printed,
                    implied: &c.implied,
                    within_coarse_rounding: c.within_coarse_rounding == Some(true),
                    explanation: explanations.get(&c.id).map(String::as_str),
                })
                .collect(),
        }
    }
}

/// One value two vintages both hold, revised: the old figure, the new one
/// and the change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionRecord<'a> {
    #[schema(example = "census-country")]
    pub dataset: &'a str,
    #[schema(example = "2019-10")]
    pub from_vintage: &'a str,
    #[schema(example = "2023-01")]
    pub to_vintage: &'a str,
    /// `imports`, `exports` or `balance`.
    #[schema(example = "imports")]
    pub measure: &'static str,
    #[schema(example = "all-goods")]
    pub group: &'static str,
    #[schema(value_type = String, example = "KR")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    #[schema(value_type = String, example = "2017-01")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    /// The figure in the older vintage, whole US dollars.
    #[schema(example = 5955204041_i64)]
    pub old_usd: i64,
    /// The figure in the newer vintage.
    #[schema(example = 5953946323_i64)]
    pub new_usd: i64,
    /// new - old.
    #[schema(example = -1257718_i64)]
    pub change_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub change_usd_reason: Reason,
    /// (new - old) / old, in percent.
    pub change_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub change_pct_reason: Reason,
    /// Where the old and new figures are printed.
    pub old_citation: &'a str,
    pub new_citation: &'a str,
}

impl<'a> RevisionRecord<'a> {
    pub fn new(
        older: &'a DatasetView,
        newer: &'a DatasetView,
        r: &PairRow<'a>,
    ) -> RevisionRecord<'a> {
        RevisionRecord {
            dataset: older.id(),
            from_vintage: older.vintage(),
            to_vintage: newer.vintage(),
            measure: r.key.measure.as_str(),
            group: r.key.group.as_str(),
            partner: r.key.partner,
            partner_kind: r.partner_kind,
            period: r.key.period,
            frequency: r.key.period.frequency(),
            old_usd: r.first.value_usd,
            new_usd: r.second.value_usd,
            change_usd: value(&r.difference_usd),
            change_usd_reason: reason(&r.difference_usd),
            change_pct: value(&r.difference_pct),
            change_pct_reason: reason(&r.difference_pct),
            old_citation: &r.first.provenance.citation.section,
            new_citation: &r.second.provenance.citation.section,
        }
    }
}

impl Sortable for RevisionRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "measure",
        "group",
        "partner",
        "period",
        "change_usd",
        "change_pct",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.measure),
            1 => text(self.group),
            2 => text(self.partner.as_str()),
            3 => period_key(self.period),
            4 => self.change_usd.into(),
            _ => self.change_pct.into(),
        }
    }
}

/// One value two datasets both hold, side by side.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComparisonRecord<'a> {
    #[schema(example = "kiat-2026-04")]
    pub dataset: &'a str,
    #[schema(example = "census-atp")]
    pub against: &'a str,
    #[schema(example = "imports")]
    pub measure: &'static str,
    #[schema(example = "all")]
    pub group: &'static str,
    #[schema(value_type = String, example = "WLD")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    #[schema(value_type = String, example = "2024")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    /// The figure in `dataset`, whole US dollars.
    pub value_usd: i64,
    /// The figure in `against`.
    pub against_usd: i64,
    /// value_usd - against_usd.
    pub difference_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub difference_usd_reason: Reason,
    /// The difference as a percent of `against_usd`.
    pub difference_pct: Option<f64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub difference_pct_reason: Reason,
    /// Whether the two agree within their rounding: the difference is no
    /// more than half the sum of their rounding (`rounding_usd`); null when
    /// one of them has no known precision (a derived figure).
    pub within_rounding: Option<bool>,
    pub rounding_usd: Option<i64>,
    pub against_rounding_usd: Option<i64>,
    #[schema(value_type = wire::Status)]
    pub status: Status,
    #[schema(value_type = wire::Status)]
    pub against_status: Status,
    pub citation: &'a str,
    pub against_citation: &'a str,
}

impl<'a> ComparisonRecord<'a> {
    pub fn new(
        ds: &'a DatasetView,
        against: &'a DatasetView,
        r: &PairRow<'a>,
    ) -> ComparisonRecord<'a> {
        let a = &r.first.provenance;
        let b = &r.second.provenance;
        ComparisonRecord {
            dataset: ds.id(),
            against: against.id(),
            measure: r.key.measure.as_str(),
            group: r.key.group.as_str(),
            partner: r.key.partner,
            partner_kind: r.partner_kind,
            period: r.key.period,
            frequency: r.key.period.frequency(),
            value_usd: r.first.value_usd,
            against_usd: r.second.value_usd,
            difference_usd: value(&r.difference_usd),
            difference_usd_reason: reason(&r.difference_usd),
            difference_pct: value(&r.difference_pct),
            difference_pct_reason: reason(&r.difference_pct),
            within_rounding: atp_query::comparison::within_rounding(ds, r.first, against, r.second),
            rounding_usd: a.rounding_usd,
            against_rounding_usd: b.rounding_usd,
            status: a.status,
            against_status: b.status,
            citation: &a.citation.section,
            against_citation: &b.citation.section,
        }
    }
}

impl Sortable for ComparisonRecord<'_> {
    const SORT_KEYS: &'static [&'static str] = &[
        "measure",
        "group",
        "partner",
        "period",
        "difference_usd",
        "difference_pct",
    ];
    fn sort_value(&self, key: usize) -> SortValue {
        match key {
            0 => text(self.measure),
            1 => text(self.group),
            2 => text(self.partner.as_str()),
            3 => period_key(self.period),
            4 => self.difference_usd.into(),
            _ => self.difference_pct.into(),
        }
    }
}
