//! The records the API serves: flat, so `pandas.json_normalize(r["data"])`
//! and `pandas.read_csv(url)` need no reshaping. Money is whole US dollars;
//! a ratio that is undefined is `null` with a `*_reason` saying why.

use atp_core::analytics::Undefined;
use serde::Serialize;
use utoipa::ToSchema;

/// What kind of partner a code stands for; only countries and blocs are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    Country,
    Bloc,
    RestOfWorld,
    World,
}

impl From<atp_core::PartnerKind> for PartnerKind {
    fn from(k: atp_core::PartnerKind) -> Self {
        match k {
            atp_core::PartnerKind::Country => PartnerKind::Country,
            atp_core::PartnerKind::Bloc => PartnerKind::Bloc,
            atp_core::PartnerKind::RestOfWorld => PartnerKind::RestOfWorld,
            atp_core::PartnerKind::World => PartnerKind::World,
        }
    }
}

/// The direction of trade, seen from the United States.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Imports,
    Exports,
}

impl From<atp_core::Flow> for Flow {
    fn from(f: atp_core::Flow) -> Self {
        match f {
            atp_core::Flow::Imports => Flow::Imports,
            atp_core::Flow::Exports => Flow::Exports,
        }
    }
}

/// `reported`: as the source printed or returned it; `derived`: computed from
/// other figures (the formula and inputs say how).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Reported,
    Derived,
}

impl From<atp_core::Status> for Status {
    fn from(s: atp_core::Status) -> Self {
        match s {
            atp_core::Status::Reported => Status::Reported,
            atp_core::Status::Derived => Status::Derived,
        }
    }
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
    /// The end year is not after the start year.
    NoPeriod,
    /// A figure the measure needs is missing.
    MissingValue,
}

impl From<Undefined> for UndefinedReason {
    fn from(u: Undefined) -> Self {
        match u {
            Undefined::ZeroBase => UndefinedReason::ZeroBase,
            Undefined::NegativeBase => UndefinedReason::NegativeBase,
            Undefined::SignChange => UndefinedReason::SignChange,
            Undefined::NoPeriod => UndefinedReason::NoPeriod,
            Undefined::MissingValue => UndefinedReason::MissingValue,
        }
    }
}

/// Why the measure beside it is `null` (itself `null` when the measure has a value).
pub type Reason = Option<UndefinedReason>;

/// One value of imports or exports.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowRecord {
    /// The dataset the value comes from.
    #[schema(example = "kiat-2026-04")]
    pub dataset: String,
    /// ATP group slug, or `all`.
    #[schema(example = "biotechnology")]
    pub group: &'static str,
    /// Partner code.
    #[schema(example = "KR")]
    pub partner: String,
    pub partner_kind: PartnerKind,
    #[schema(example = 2024)]
    pub year: u16,
    pub flow: Flow,
    /// Whole US dollars.
    #[schema(example = 3700000000_i64)]
    pub value_usd: i64,
    /// `reported` (as the source printed it) or `derived` (computed from other figures).
    pub status: Status,
    /// For a reported value: the place value of its last printed digit.
    pub rounding_usd: Option<i64>,
    /// For a derived value: how it was computed.
    pub formula: Option<String>,
    /// For a derived value: the figures and printed ratios it used, `;`-separated.
    pub inputs: Option<String>,
    /// Where the value is printed (or how it was computed).
    #[schema(example = "II.2 Biotechnology / imports")]
    pub citation: String,
    /// The exact phrase of the source, where there is one.
    pub quote: Option<String>,
}

/// Exports, imports and their balance for one group, partner and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BalanceRecord {
    pub dataset: String,
    pub group: &'static str,
    pub partner: String,
    pub partner_kind: PartnerKind,
    pub year: u16,
    pub exports_usd: Option<i64>,
    pub imports_usd: Option<i64>,
    /// exports_usd - imports_usd when both flows are known; otherwise the
    /// balance the source reported on its own.
    pub balance_usd: i64,
    /// `flows` (computed from the two flows) or `reported` (printed on its own).
    #[schema(example = "flows")]
    pub balance_basis: &'static str,
    /// The balance the source printed, where it printed one (it may differ
    /// from exports - imports by the rounding of the printed flows).
    pub reported_balance_usd: Option<i64>,
    /// Trade specialisation index (X - M) / (X + M), -1 to 1.
    pub tsi: Option<f64>,
    pub tsi_reason: Reason,
    /// `derived` when computed from the flows, `reported` when printed.
    pub status: Status,
    pub citation: String,
}

/// Growth of one series between two years.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrowthRecord {
    pub dataset: String,
    pub group: &'static str,
    pub partner: String,
    pub partner_kind: PartnerKind,
    /// `imports`, `exports` or `balance`.
    #[schema(example = "imports")]
    pub measure: &'static str,
    #[schema(example = 2014)]
    pub from: u16,
    #[schema(example = 2024)]
    pub to: u16,
    pub start_usd: Option<i64>,
    pub end_usd: Option<i64>,
    pub change_usd: Option<i64>,
    pub change_usd_reason: Reason,
    /// (end - start) / start, in percent.
    pub change_pct: Option<f64>,
    pub change_pct_reason: Reason,
    /// end / start.
    pub multiple: Option<f64>,
    pub multiple_reason: Reason,
    /// Compound annual growth rate, in percent.
    pub cagr_pct: Option<f64>,
    pub cagr_pct_reason: Reason,
    /// `reported` only when both ends are reported figures.
    pub status: Status,
}

/// A partner's value and share of the world total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShareRecord {
    pub dataset: String,
    pub group: &'static str,
    pub partner: String,
    /// `country`, `bloc`, `rest_of_world` or `world`: aggregates are never ranked.
    pub partner_kind: PartnerKind,
    pub year: u16,
    pub flow: Flow,
    pub value_usd: i64,
    pub world_usd: Option<i64>,
    /// value_usd / world_usd, in percent.
    pub share_pct: Option<f64>,
    pub share_pct_reason: Reason,
    /// Rank among the listed countries and blocs (1 = largest); null for aggregates.
    pub rank: Option<u32>,
    pub status: Status,
    pub citation: String,
}

/// How concentrated a group's trade is on its partners.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConcentrationRecord {
    pub dataset: String,
    pub group: &'static str,
    pub year: u16,
    pub flow: Flow,
    /// Herfindahl-Hirschman index: the sum of squared percentage shares of
    /// the world total, 0 to 10,000, over the listed countries and blocs.
    pub hhi: Option<f64>,
    pub hhi_reason: Reason,
    /// How many partners entered the index.
    pub partners: usize,
    /// The share of the world total they cover, in percent; the rest (partners
    /// not listed, rest of world) is left out, so the index is a lower bound.
    pub coverage_pct: Option<f64>,
    #[schema(example = "listed_partners_share_of_world")]
    pub basis: &'static str,
}

/// One partner's trade in one group and year, with shares, ranks and growth
/// against a base year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileRecord {
    pub dataset: String,
    pub partner: String,
    pub partner_kind: PartnerKind,
    pub group: &'static str,
    pub year: u16,
    pub imports_usd: Option<i64>,
    pub exports_usd: Option<i64>,
    pub balance_usd: Option<i64>,
    pub balance_basis: Option<&'static str>,
    pub tsi: Option<f64>,
    pub tsi_reason: Reason,
    pub imports_share_pct: Option<f64>,
    pub imports_share_pct_reason: Reason,
    pub exports_share_pct: Option<f64>,
    pub exports_share_pct_reason: Reason,
    pub imports_rank: Option<u32>,
    pub exports_rank: Option<u32>,
    pub base_year: u16,
    pub imports_change_pct: Option<f64>,
    pub imports_change_pct_reason: Reason,
    pub exports_change_pct: Option<f64>,
    pub exports_change_pct_reason: Reason,
    pub balance_change_usd: Option<i64>,
    pub balance_change_usd_reason: Reason,
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
    pub definition: String,
    pub definition_source: &'static str,
    /// `group` for an ATP group, `aggregate` for `all`.
    #[schema(example = "group")]
    pub kind: &'static str,
}

/// A trade partner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerRecord {
    #[schema(example = "KR")]
    pub code: String,
    #[schema(example = "Korea, South")]
    pub name_en: String,
    #[schema(example = "한국")]
    pub name_ko: Option<String>,
    pub kind: PartnerKind,
    /// The Census Schedule C `CTY_CODE`, where one exists.
    #[schema(example = "5800")]
    pub census_code: Option<String>,
}

/// A year with figures in a dataset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearRecord {
    #[schema(example = 2024)]
    pub year: u16,
    /// Observations stored or derived for that year.
    pub observations: usize,
}

/// A dataset: provenance, coverage, size and data-quality notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatasetRecord {
    #[schema(example = "kiat-2026-04")]
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub citation: String,
    pub source_url: Option<String>,
    pub vintage: String,
    /// `builtin`, `csv` or `census`.
    pub source_format: String,
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// Rows stored.
    pub row_count: i64,
    /// Rows served, including aggregates the service computes.
    pub served_rows: usize,
    /// sha256 of the stored observations in canonical form.
    pub checksum: String,
    /// The ATP groups with figures: what `all` sums.
    pub groups_covered: Vec<&'static str>,
    /// Whether `all` is computed by the service (true) or printed by the source.
    pub all_is_computed: bool,
    pub years: Vec<u16>,
    pub partners: usize,
    pub notes: Vec<String>,
    /// What the import or the data-quality report noticed.
    pub quality_notes: Vec<String>,
}
