//! The handlers: each endpoint's parameters (one struct that parses and
//! documents them), then parse, call one query, shape the response.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use atp_core::{Flow, GroupId};
use atp_query::series::Transform;
use atp_query::{self as query, DatasetView, ReadModel, Selection};

use super::AppState;
use super::error::{ApiError, Problem};
use super::params::ReportFormat;
use super::params::{
    self, DatasetArg, DateArg, FlowParam, FormatParam, FrequencyParam, FromQuery, Limit, List,
    MeasureParam, Offset, PageRequest, PartnerArg, PeriodArg, RawQuery, RollingParam, SortArg,
    UnitsParam, Weighed, selection_weight,
};
use super::params::{FieldName, HeaderParam, IncludeParam, LangParam};
use super::respond::Rendered;
use super::respond::{
    Coverage, Envelope, Meta, Notice, QueryEcho, Shared, Single, TransformMeta, render_listing,
    render_single, sort_records,
};
use crate::query_params;
use crate::records::{
    BalanceRecord, ComparisonRecord, ConcentrationRecord, DatasetRecord, FlowRecord, GroupRecord,
    GrowthRecord, PartnerRecord, PeriodRecord, ProfileRecord, QualityRecord, RevisionRecord,
    ShareRecord, Transformed, VintageRecord, YearRecord,
};

// ---------------------------------------------------------------------------
// Parameters

query_params! {
    /// Parameters of the imports and exports listings and of balances.
    pub struct DataQuery {
        /// Dataset id (see /v1/datasets); default: the configured default dataset.
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage (release) of the dataset to read (see
        /// /v1/datasets/{id}/vintages); default: the latest. Not with `as_of`.
        #[example = "2024-06"]
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD):
        /// the latest published (or, where its publication date is unknown,
        /// imported) on or before it. Not with `vintage`.
        #[example = "2023-06-30"]
        as_of: Option<DateArg>,
        /// Groups, comma-separated (see /v1/groups): the ATP groups; `all`,
        /// the sum of the ATP groups the dataset covers; `all-goods` and
        /// `non-atp`, every good and the goods outside ATP (never summed
        /// into `all`). Census codes 00..10 accepted.
        #[example = "biotechnology,all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (see /v1/partners). ROW (rest of world) is computed on request as WLD minus the partners listed in the query where the dataset has no ROW figures.
        #[example = "KR,CN"]
        partner: Option<List<PartnerArg>>,
        /// `annual` (years) or `monthly` (months); default: monthly when a
        /// period asked for is a month, else annual.
        #[example = "annual"]
        frequency: Option<FrequencyParam>,
        /// Periods, comma-separated: years (`2024`), months (`2024-03`) or
        /// `latest` (the dataset's last period of the frequency); a year
        /// with frequency=monthly stands for its twelve months. Not with
        /// from/to.
        #[example = "2024"]
        period: Option<List<PeriodArg>>,
        /// The older name of `period` (same values). Not with `period`.
        #[example = "2024"]
        year: Option<List<PeriodArg>>,
        /// First period of a range (inclusive; a year or a month, or
        /// `latest`; not with `period`).
        #[example = "2014"]
        from: Option<PeriodArg>,
        /// Last period of a range (inclusive; not with `period`).
        #[example = "2024"]
        to: Option<PeriodArg>,
        /// The transform of each record's `value`, as FRED names them:
        /// `lin` (the level, default), `chg` (change from the previous
        /// period), `ch1` (change from a year ago), `pch` (percent change
        /// from the previous period), `pc1` (percent change from a year
        /// ago), `pca` (compounded annual rate), `log` (natural log). The
        /// period compared with need not be among those asked for.
        #[example = "pc1"]
        units: Option<UnitsParam>,
        /// A rolling sum of a monthly series before `units`:
        /// `trailing-12` (the twelve months to the period) or
        /// `year-to-date` (January to the period). Needs frequency=monthly;
        /// a window with a month missing is null.
        #[example = "trailing-12"]
        rolling: Option<RollingParam>,
        /// Fields to sort by, comma-separated, `-` for descending (default: group,
        /// partner, period). Imports and exports: group, partner, year, period,
        /// value_usd, value, status; balances: group, partner, year, period,
        /// balance_usd, exports_usd, imports_usd, tsi, value.
        #[example = "-year"]
        sort: Option<List<SortArg>>,
        /// Page size, 1 to 10000 (default 1000).
        #[example = 100]
        limit: Option<Limit>,
        /// Records to skip (default 0).
        #[example = 0]
        offset: Option<Offset>,
        /// `json` (default) or `csv`; `Accept: text/csv` also selects CSV.
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

query_params! {
    /// Parameters of growth.
    pub struct GrowthQuery {
        /// The series: imports, exports or balance.
        #[missing = "imports, exports or balance"]
        flow: MeasureParam,
        /// `annual` or `monthly`: what `latest` means, and what `from` and
        /// `to` must be (default: from the periods given; annual when both
        /// are `latest`).
        #[example = "annual"]
        frequency: Option<FrequencyParam>,
        /// Start period: a year (`2014`) or a month (`2014-01`).
        #[example = "2014"]
        #[missing = "the start period (YYYY or YYYY-MM)"]
        from: PeriodArg,
        /// End period, of the same frequency and after `from`; `latest`
        /// is the dataset's last period of that frequency.
        #[example = "2024"]
        #[missing = "the end period (YYYY, YYYY-MM or latest)"]
        to: PeriodArg,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// Groups, comma-separated (see /v1/groups).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (see /v1/partners).
        #[example = "WLD"]
        partner: Option<List<PartnerArg>>,
        #[example = "-change_pct"]
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
    /// Parameters of shares.
    pub struct SharesQuery {
        /// imports or exports.
        #[missing = "imports or exports"]
        flow: FlowParam,
        /// `annual` or `monthly` (default: from the periods asked for).
        frequency: Option<FrequencyParam>,
        /// Periods, comma-separated: years, months or `latest` (or from/to).
        #[example = "2024"]
        period: Option<List<PeriodArg>>,
        /// The older name of `period`.
        #[example = "2024"]
        year: Option<List<PeriodArg>>,
        from: Option<PeriodArg>,
        to: Option<PeriodArg>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// Groups, comma-separated (see /v1/groups).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (see /v1/partners).
        #[example = "KR"]
        partner: Option<List<PartnerArg>>,
        #[example = "rank"]
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
    /// Parameters of concentration.
    pub struct ConcentrationQuery {
        /// imports or exports.
        #[missing = "imports or exports"]
        flow: FlowParam,
        /// `annual` or `monthly` (default: from the periods asked for).
        frequency: Option<FrequencyParam>,
        /// Periods, comma-separated: years, months or `latest` (or from/to).
        #[example = "2024"]
        period: Option<List<PeriodArg>>,
        /// The older name of `period`.
        #[example = "2024"]
        year: Option<List<PeriodArg>>,
        from: Option<PeriodArg>,
        to: Option<PeriodArg>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// Groups, comma-separated (see /v1/groups).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Fields to sort by: group, year, period, hhi (`-` for descending).
        #[example = "-hhi"]
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
    /// Parameters of a partner profile.
    pub struct ProfileQuery {
        /// `annual` or `monthly`: the frequency of `year` and `base_year`,
        /// and of their defaults (default: from the periods given, else the
        /// dataset's first frequency).
        #[example = "annual"]
        frequency: Option<FrequencyParam>,
        /// The period described: a year, a month or `latest` (default: the
        /// dataset's latest year).
        #[example = "2024"]
        year: Option<PeriodArg>,
        /// The period growth is measured from, of the same frequency
        /// (default: the dataset's earliest of that frequency).
        #[example = "2014"]
        base_year: Option<PeriodArg>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

query_params! {
    /// Parameters of revisions.
    pub struct RevisionsQuery {
        /// The dataset (see /v1/datasets).
        #[example = "census-country"]
        #[missing = "the id of a dataset with two vintages or more"]
        dataset: DatasetArg,
        /// The older vintage (default: the one before `to_vintage`).
        #[example = "2019-10"]
        from_vintage: Option<String>,
        /// The newer vintage (default: the latest).
        #[example = "2023-01"]
        to_vintage: Option<String>,
        /// Measures, comma-separated: imports, exports, balance (default: all).
        #[example = "imports"]
        flow: Option<List<MeasureParam>>,
        /// Groups, comma-separated (see /v1/groups).
        #[example = "all-goods"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (see /v1/partners).
        #[example = "KR"]
        partner: Option<List<PartnerArg>>,
        /// `annual` or `monthly` (default: from the periods asked for).
        #[example = "monthly"]
        frequency: Option<FrequencyParam>,
        /// Periods, comma-separated (or from/to).
        #[example = "2017-01"]
        period: Option<List<PeriodArg>>,
        from: Option<PeriodArg>,
        to: Option<PeriodArg>,
        /// Fields to sort by: measure, group, partner, period, change_usd,
        /// change_pct (`-` for descending).
        #[example = "-change_pct"]
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
    /// Parameters of a comparison of two datasets.
    pub struct CompareQuery {
        /// The dataset compared.
        #[example = "kiat-2026-04"]
        #[missing = "the id of the dataset compared"]
        dataset: DatasetArg,
        /// The dataset it is compared against.
        #[example = "census-atp"]
        #[missing = "the id of the dataset compared against"]
        against: DatasetArg,
        /// The vintage of `dataset` (default: the latest).
        vintage: Option<String>,
        /// The vintage of `against` (default: the latest).
        against_vintage: Option<String>,
        /// Measures, comma-separated: imports, exports, balance (default: all).
        #[example = "imports,exports"]
        flow: Option<List<MeasureParam>>,
        /// Groups, comma-separated (see /v1/groups).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (see /v1/partners).
        #[example = "WLD"]
        partner: Option<List<PartnerArg>>,
        /// `annual` or `monthly` (default: from the periods asked for).
        frequency: Option<FrequencyParam>,
        /// Periods, comma-separated (or from/to).
        #[example = "2014,2024"]
        period: Option<List<PeriodArg>>,
        from: Option<PeriodArg>,
        to: Option<PeriodArg>,
        /// Fields to sort by: measure, group, partner, period,
        /// difference_usd, difference_pct (`-` for descending).
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
    /// Parameters of the periods listing.
    pub struct PeriodsQuery {
        #[example = "census-atp"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// `annual` or `monthly` (default: both).
        frequency: Option<FrequencyParam>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

query_params! {
    /// Parameters of endpoints that only choose a dataset and format.
    pub struct DatasetOnlyQuery {
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

query_params! {
    /// Parameters of reference listings.
    pub struct FormatOnlyQuery {
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

query_params! {
    /// No parameters.
    pub struct NoQuery {}
}

query_params! {
    /// Parameters of a data-quality report.
    pub struct QualityQuery {
        /// `json` (default) or `markdown`; `Accept: text/markdown` also
        /// selects Markdown.
        format: Option<ReportFormat>,
    }
}

/// The checks of a report grow with the dataset.
impl Weighed for QualityQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        // Rendered off the workers: the checks visit every figure.
        usize::MAX
    }
}

/// Periods a list names, counted as given (a year asked for monthly is
/// twelve).
fn listed_periods(
    period: Option<&List<PeriodArg>>,
    year: Option<&List<PeriodArg>>,
    monthly: bool,
) -> Option<usize> {
    period.or(year).map(|l| {
        l.values()
            .iter()
            .map(|p| match p {
                PeriodArg::Period(p) if p.is_annual() && monthly => 12,
                _ => 1,
            })
            .sum()
    })
}

fn is_monthly(f: Option<FrequencyParam>) -> bool {
    f == Some(FrequencyParam::Monthly)
}

impl Weighed for DataQuery {
    fn weight(&self, model: &ReadModel) -> usize {
        let periods = listed_periods(
            self.period.as_ref(),
            self.year.as_ref(),
            is_monthly(self.frequency),
        );
        // A transform reads up to 23 more periods a value (a year-ago
        // change of a trailing twelve-month sum).
        let reads = match (self.units, self.rolling) {
            (None | Some(UnitsParam::Lin), None) => 1,
            (_, None) => 2,
            (_, Some(_)) => 24,
        };
        selection_weight(
            model,
            self.dataset.as_ref(),
            self.group.as_ref(),
            self.partner.as_ref(),
            periods,
        )
        .saturating_mul(reads)
    }
}

/// Revisions and comparisons walk both sets whole.
impl Weighed for RevisionsQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

impl Weighed for CompareQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

impl Weighed for PeriodsQuery {
    fn weight(&self, model: &ReadModel) -> usize {
        selection_weight(model, self.dataset.as_ref(), None, None, None)
    }
}

impl Weighed for GrowthQuery {
    fn weight(&self, model: &ReadModel) -> usize {
        selection_weight(
            model,
            self.dataset.as_ref(),
            self.group.as_ref(),
            self.partner.as_ref(),
            Some(2),
        )
    }
}

/// Shares and concentration visit every partner of each group and period
/// (ranks are over all of them), whatever partners the query shows.
impl Weighed for SharesQuery {
    fn weight(&self, model: &ReadModel) -> usize {
        let periods = listed_periods(
            self.period.as_ref(),
            self.year.as_ref(),
            is_monthly(self.frequency),
        );
        selection_weight(
            model,
            self.dataset.as_ref(),
            self.group.as_ref(),
            None,
            periods,
        )
    }
}

impl Weighed for ConcentrationQuery {
    fn weight(&self, model: &ReadModel) -> usize {
        let periods = listed_periods(
            self.period.as_ref(),
            self.year.as_ref(),
            is_monthly(self.frequency),
        );
        selection_weight(
            model,
            self.dataset.as_ref(),
            self.group.as_ref(),
            None,
            periods,
        )
    }
}

impl Weighed for ProfileQuery {}
impl Weighed for DatasetOnlyQuery {}
impl Weighed for FormatOnlyQuery {}
impl Weighed for NoQuery {}

/// `meta`: what the query was about, and the query as understood.
pub(crate) fn meta(
    model: &ReadModel,
    dataset: Option<&DatasetView>,
    q: &RawQuery,
    names: &[&'static str],
    extra: &[(&'static str, String)],
) -> Meta {
    let mut query = QueryEcho::with_capacity(q.pair_count() + extra.len());
    for &name in names {
        let mut joined = String::new();
        for value in q.values(name) {
            if !joined.is_empty() {
                joined.push(',');
            }
            joined.push_str(value);
        }
        if !joined.is_empty() {
            query.insert(name, joined);
        }
    }
    for (k, v) in extra {
        query.insert(k, v.clone());
    }
    Meta {
        dataset: dataset.map(|d| d.id().to_owned()),
        vintage: dataset.map(|d| d.vintage().to_owned()),
        units: "USD",
        frequency: None,
        transform: None,
        data_version: model.version,
        query,
        coverage: dataset.map(coverage),
        notice: None,
        notes: Vec::new(),
        links: q.page_links(),
    }
}

/// What a dataset covers.
fn coverage(ds: &DatasetView) -> Coverage {
    Coverage {
        first_period: ds.first_period,
        last_period: ds.last_period,
        periods: ds.periods.len(),
        frequencies: Shared(ds.frequencies().clone()),
        period_ranges: Shared(ds.period_ranges.clone()),
        groups: Shared(ds.group_ids.clone()),
        partners: ds.partners.len(),
    }
}

/// `meta.transform` for a transform other than the level.
fn transform_meta(t: &Transform) -> Option<TransformMeta> {
    (!t.is_level()).then(|| TransformMeta {
        units: t.units.as_str(),
        rolling: t.rolling.map(|r| r.as_str()),
        description: match t.rolling {
            None => t.units.describe().to_owned(),
            Some(r) => format!("{}, of the {} sum", t.units.describe(), r.as_str()),
        },
    })
}

/// `meta` of a listing of a dataset's data, with a notice saying why when
/// a valid query matched nothing.
pub(crate) fn data_meta(
    model: &ReadModel,
    ds: &DatasetView,
    q: &RawQuery,
    names: &[&'static str],
    sel: &Selection,
    total: usize,
) -> Meta {
    let mut m = meta(model, Some(ds), q, names, &[]);
    m.frequency = Some(sel.frequency.as_str());
    if total == 0 {
        let (code, detail) = query::why_empty(ds, sel);
        m.notice = Some(Notice { code, detail });
    }
    m
}

// ---------------------------------------------------------------------------
// Reference data

pub(crate) fn group_record(id: GroupId) -> GroupRecord {
    match id {
        GroupId::All => GroupRecord {
            id: "all",
            census_code: None,
            name_en: "All ATP groups",
            name_ko: "첨단기술제품 전체",
            definition: "The sum of the ATP groups a dataset covers (see each dataset's groups_covered).",
            definition_source: "this service",
            kind: "aggregate",
        },
        GroupId::AllGoods => GroupRecord {
            id: "all-goods",
            census_code: None,
            name_en: "All goods",
            name_ko: "전체 상품",
            definition: "Every good traded, advanced technology or not (Census: total for all commodities). Never summed into all: all-goods = all + non-atp.",
            definition_source: "US Census Bureau",
            kind: "all_goods",
        },
        GroupId::NonAtp => GroupRecord {
            id: "non-atp",
            census_code: Some("00"),
            name_en: "Not advanced technology",
            name_ko: "첨단기술제품 외",
            definition: "The goods outside the ten ATP groups (Census HITECH 00). Never summed into all.",
            definition_source: "US Census Bureau",
            kind: "non_atp",
        },
        GroupId::Group(g) => {
            let i = g.info();
            GroupRecord {
                id: i.id,
                census_code: Some(i.census_code),
                name_en: i.name_en,
                name_ko: i.name_ko,
                definition: i.definition,
                definition_source: i.definition_source,
                kind: "group",
            }
        }
    }
}

/// List the ATP groups
///
/// The Census Bureau's ten Advanced Technology Product groups, `all` (their
/// sum), and beside them `non-atp` (goods outside ATP) and `all-goods`
/// (every good), which are never summed into `all`.
#[utoipa::path(
    tag = "reference",
    operation_id = "list_groups",
    params(FormatOnlyQuery),
    responses(
        (status = 200, description = "The groups", content((Envelope<GroupRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/groups")]
pub async fn list_groups(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &FormatOnlyQuery, raw, accept| {
            let records: Vec<GroupRecord> = GroupId::every_value().map(group_record).collect();
            let page = PageRequest {
                limit: records.len(),
                offset: 0,
            };
            let meta = meta(model, None, raw, FormatOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// Find an ATP group
///
/// By slug (`life-science`), Census code (`02`, `00` for `non-atp`), `all`
/// or `all-goods`.
#[utoipa::path(
    tag = "reference",
    operation_id = "find_group",
    params(("id" = String, Path, description = "Group slug, Census code 00..10, all or all-goods", example = "biotechnology")),
    responses(
        (status = 200, description = "The group", body = Single<GroupRecord>),
        (status = 404, description = "No such group", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/groups/{id}")]
pub async fn find_group(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .cached(&req, move |model, _: &NoQuery, raw, _| {
            let g = GroupId::try_from(id.as_str()).map_err(|e| ApiError::NotFound {
                kind: "group",
                id: id.clone(),
                detail: format!("no group {id:?}: {}", e.expected),
            })?;
            render_single(group_record(g), meta(model, None, raw, &[], &[]))
        })
        .await
}

/// List the partners
///
/// Countries (ISO 3166-1 alpha-2), the EU, the rest of the world (ROW), the
/// world (WLD), with their Census codes; and the partners only an imported
/// source names (Census groupings such as `0016` Asia, of kind `grouping`,
/// and country codes the table does not map), under their Census codes.
#[utoipa::path(
    tag = "reference",
    operation_id = "list_partners",
    params(FormatOnlyQuery),
    responses(
        (status = 200, description = "The partners", content((Envelope<PartnerRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partners")]
pub async fn list_partners(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &FormatOnlyQuery, raw, accept| {
            let records: Vec<PartnerRecord> =
                model.partners().iter().map(PartnerRecord::new).collect();
            let page = PageRequest::all(records.len());
            let meta = meta(model, None, raw, FormatOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// Find a partner
///
/// By code (`KR`) or Census `CTY_CODE` (`5800`).
#[utoipa::path(
    tag = "reference",
    operation_id = "find_partner",
    params(("code" = String, Path, description = "Partner code or Census CTY_CODE", example = "KR")),
    responses(
        (status = 200, description = "The partner", body = Single<PartnerRecord>),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partners/{code}")]
pub async fn find_partner(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    state
        .cached(&req, move |model, _: &NoQuery, raw, _| {
            let p = model
                .parse_partner(&code)
                .ok()
                .and_then(|c| model.partner(c))
                .ok_or_else(|| ApiError::no_partner(&code))?;
            render_single(PartnerRecord::new(p), meta(model, None, raw, &[], &[]))
        })
        .await
}

/// List the years
///
/// The years with figures in a dataset (annual or monthly), and how many.
#[utoipa::path(
    tag = "reference",
    operation_id = "list_years",
    params(DatasetOnlyQuery),
    responses(
        (status = 200, description = "The years", content((Envelope<YearRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/years")]
pub async fn list_years(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &DatasetOnlyQuery, raw, accept| {
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
            for f in &ds.facts {
                *counts.entry(f.key.period.year().get()).or_default() += 1;
            }
            let records: Vec<YearRecord> = counts
                .into_iter()
                .map(|(year, observations)| YearRecord { year, observations })
                .collect();
            let page = PageRequest::all(records.len());
            let meta = meta(model, Some(ds), raw, DatasetOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// List the periods
///
/// The periods with figures in a dataset (years and months), and how many.
#[utoipa::path(
    tag = "reference",
    operation_id = "list_periods",
    params(PeriodsQuery),
    responses(
        (status = 200, description = "The periods", content((Envelope<PeriodRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods")]
pub async fn list_periods(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &PeriodsQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let mut counts: BTreeMap<atp_core::Period, usize> = BTreeMap::new();
            for f in &ds.facts {
                if q.frequency
                    .is_none_or(|fr| fr.frequency() == f.key.period.frequency())
                {
                    *counts.entry(f.key.period).or_default() += 1;
                }
            }
            let records: Vec<PeriodRecord> = counts
                .into_iter()
                .map(|(period, observations)| PeriodRecord {
                    period,
                    frequency: period.frequency(),
                    year: period.year().get(),
                    month: period.month(),
                    observations,
                })
                .collect();
            let page = PageRequest::all(records.len());
            let mut meta = meta(model, Some(ds), raw, PeriodsQuery::NAMES, &[]);
            meta.frequency = q.frequency.map(|f| f.as_str());
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// List the datasets
///
/// Every dataset with its provenance, coverage, size and data-quality notes.
#[utoipa::path(
    tag = "reference",
    operation_id = "list_datasets",
    params(FormatOnlyQuery),
    responses(
        (status = 200, description = "The datasets", body = Envelope<DatasetRecord>),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/datasets")]
pub async fn list_datasets(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &FormatOnlyQuery, raw, accept| {
            let view = crate::view!(model, q, accept)?;
            if view.format == params::Format::Csv && q.format.is_none() {
                // Asked for by the Accept header alone: JSON or nothing.
                return Err(ApiError::NotAcceptable {
                    accept: "text/csv".to_owned(),
                    offered: vec!["application/json".to_owned()],
                });
            }
            if view.format == params::Format::Csv {
                return Err(ApiError::invalid(
                    "format",
                    "csv",
                    "json: dataset descriptions hold lists and are served as JSON only",
                ));
            }
            let records: Vec<DatasetRecord> =
                model.datasets().iter().map(DatasetRecord::new).collect();
            // Each dataset described by its latest vintage.
            let page = PageRequest::all(records.len());
            let meta = meta(model, None, raw, FormatOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, view)
        })
        .await
}

/// Find a dataset
#[utoipa::path(
    tag = "reference",
    operation_id = "find_dataset",
    params(("id" = String, Path, description = "Dataset id", example = "kiat-2026-04")),
    responses(
        (status = 200, description = "The dataset", body = Single<DatasetRecord>),
        (status = 404, description = "No such dataset", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/datasets/{id}")]
pub async fn find_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .cached(&req, move |model, _: &NoQuery, raw, _| {
            let vintages = model
                .vintages(&id)
                .ok_or_else(|| ApiError::no_dataset(&id))?;
            render_single(
                DatasetRecord::new(vintages),
                meta(model, Some(vintages.latest()), raw, &[], &[]),
            )
        })
        .await
}

/// List a dataset's vintages
///
/// Every release of the dataset's source the service holds, oldest first:
/// its id, the last period it covers, when it was published (if known) and
/// imported. Queries read the latest unless they name one (`vintage=`) or a
/// date (`as_of=`); /v1/revisions lists what changed between two.
#[utoipa::path(
    tag = "reference",
    operation_id = "list_dataset_vintages",
    params(("id" = String, Path, description = "Dataset id", example = "census-country"), FormatOnlyQuery),
    responses(
        (status = 200, description = "The vintages", content((Envelope<VintageRecord> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/datasets/{id}/vintages")]
pub async fn list_dataset_vintages(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .cached(&req, move |model, q: &FormatOnlyQuery, raw, accept| {
            let vintages = model
                .vintages(&id)
                .ok_or_else(|| ApiError::no_dataset(&id))?;
            let latest = vintages.latest().vintage();
            let records: Vec<VintageRecord> = vintages
                .all()
                .map(|v| VintageRecord::new(v, v.vintage() == latest))
                .collect();
            let page = PageRequest::all(records.len());
            let meta = meta(
                model,
                Some(vintages.latest()),
                raw,
                FormatOnlyQuery::NAMES,
                &[],
            );
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// A dataset's data-quality report
///
/// Every identity its figures should satisfy (balance = exports - imports,
/// the groups sum to `all`, the partners stay within and with the rest of
/// the world sum to the world) and every ratio its source printed, checked
/// within the rounding of each figure; each disagreement with its
/// explanation. JSON, or Markdown with `format=markdown`.
#[utoipa::path(
    tag = "reference",
    operation_id = "find_dataset_quality",
    params(("id" = String, Path, description = "Dataset id", example = "kiat-2026-04"), QualityQuery),
    responses(
        (status = 200, description = "The report", content((Single<QualityRecord> = "application/json"), (String = "text/markdown"))),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/datasets/{id}/quality")]
pub async fn find_dataset_quality(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let markdown = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/markdown"));
    state
        .cached(&req, move |model, q: &QualityQuery, raw, _| {
            let ds = model
                .dataset(&id)
                .ok_or_else(|| ApiError::no_dataset(&id))?;
            let (report, explanations) = query::quality(ds);
            let markdown = match q.format {
                Some(ReportFormat::Markdown) => true,
                Some(ReportFormat::Json) => false,
                None => markdown,
            };
            if markdown {
                return Ok(Rendered::new(
                    report.to_markdown(&explanations).into_bytes(),
                    "text/markdown; charset=utf-8",
                ));
            }
            let meta = meta(model, Some(ds), raw, QualityQuery::NAMES, &[]);
            render_single(QualityRecord::new(&report, &explanations), meta)
        })
        .await
}

// ---------------------------------------------------------------------------
// Data

/// The dataset vintage and selection of a [`DataQuery`].
fn data_scope<'m>(
    model: &'m ReadModel,
    q: &DataQuery,
) -> Result<(&'m DatasetView, Selection, Transform), ApiError> {
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
    let transform = params::transform(q.units, q.rolling, periods.0)?;
    let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), periods)?;
    Ok((ds, sel, transform))
}

fn transformed(
    v: &(
        atp_core::analytics::Computed<query::series::UnitValue>,
        Option<atp_core::Period>,
    ),
) -> Transformed {
    Transformed {
        value: v.0,
        base: v.1,
    }
}

async fn list_flow(
    req: &HttpRequest,
    state: &AppState,
    flow: Flow,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(req, move |model, q: &DataQuery, raw, accept| {
            let (ds, sel, transform) = data_scope(model, q)?;
            let order = params::sort::<FlowRecord>(q.sort.as_ref())?;
            let rows = query::flows(model, ds, flow, &sel);
            let values = query::flow_values(model, ds, &sel, &rows, &transform);
            let mut records: Vec<FlowRecord> = rows
                .iter()
                .zip(&values)
                .map(|(r, v)| FlowRecord::new(ds, flow, r, transformed(v)))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let mut meta = data_meta(model, ds, raw, DataQuery::NAMES, &sel, records.len());
            meta.transform = transform_meta(&transform);
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// List US imports
///
/// One record per group, partner and period (a year or a month): the value
/// in whole US dollars, whether it was reported or derived, and its
/// citation; with `units` and `rolling`, each record's `value` is the
/// series transformed (changes, percent changes, rolling sums).
#[utoipa::path(
    tag = "data",
    operation_id = "list_imports",
    params(DataQuery),
    responses(
        (status = 200, description = "Imports", content((Envelope<FlowRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/imports")]
pub async fn list_imports(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    list_flow(&req, &state, Flow::Imports).await
}

/// List US exports
///
/// One record per group, partner and period (a year or a month): the value
/// in whole US dollars, whether it was reported or derived, and its
/// citation; with `units` and `rolling`, each record's `value` is the
/// series transformed.
#[utoipa::path(
    tag = "data",
    operation_id = "list_exports",
    params(DataQuery),
    responses(
        (status = 200, description = "Exports", content((Envelope<FlowRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports")]
pub async fn list_exports(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    list_flow(&req, &state, Flow::Exports).await
}

/// List trade balances
///
/// Exports minus imports, with the trade specialisation index. The balance is
/// computed from the two flows where both are known, else the balance the
/// source reported on its own (`balance_basis`).
#[utoipa::path(
    tag = "data",
    operation_id = "list_balances",
    params(DataQuery),
    responses(
        (status = 200, description = "Balances", content((Envelope<BalanceRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/balances")]
pub async fn list_balances(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &DataQuery, raw, accept| {
            let (ds, sel, transform) = data_scope(model, q)?;
            let order = params::sort::<BalanceRecord>(q.sort.as_ref())?;
            let rows = query::balances(model, ds, &sel);
            let values = query::balance_values(model, ds, &sel, &rows, &transform);
            let mut records: Vec<BalanceRecord> = rows
                .iter()
                .zip(&values)
                .map(|(r, v)| BalanceRecord::new(ds, r, transformed(v)))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let mut meta = data_meta(model, ds, raw, DataQuery::NAMES, &sel, records.len());
            meta.transform = transform_meta(&transform);
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// Growth between two periods
///
/// Absolute change, percent change, multiple (end / start) and compound
/// annual growth rate of imports, exports or the balance, between two years
/// or two months (the rate annualised over the months between). A measure that is
/// undefined (zero or negative start, a change of sign, a missing value) is
/// `null` with a `*_reason`.
#[utoipa::path(
    tag = "data",
    operation_id = "list_growth",
    params(GrowthQuery),
    responses(
        (status = 200, description = "Growth", content((Envelope<GrowthRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/growth")]
pub async fn list_growth(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &GrowthQuery, raw, accept| {
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
                (from.frequency(), query::PeriodFilter::All),
            )?;
            let order = params::sort::<GrowthRecord>(q.sort.as_ref())?;
            let rows = query::growth(model, ds, q.flow.measure(), from, to, &sel);
            let mut records: Vec<GrowthRecord> =
                rows.iter().map(|r| GrowthRecord::new(ds, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let periods = Selection {
                periods: query::PeriodFilter::List(vec![from, to]),
                ..sel.clone()
            };
            let meta = data_meta(model, ds, raw, GrowthQuery::NAMES, &periods, records.len());
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// Partner shares of the world total
///
/// Each partner's value and share of the world (WLD) total for a group, flow
/// and year, with its rank among the listed countries and blocs. The world
/// total is every record's `world_usd`; the rest of the world (ROW), where
/// the dataset has it, carries its kind and is never ranked.
#[utoipa::path(
    tag = "data",
    operation_id = "list_shares",
    params(SharesQuery),
    responses(
        (status = 200, description = "Shares", content((Envelope<ShareRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/shares")]
pub async fn list_shares(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &SharesQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let flow = q.flow.flow();
            let periods = params::periods(
                ds,
                q.frequency,
                q.period.as_ref(),
                q.year.as_ref(),
                q.from,
                q.to,
            )?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), periods)?;
            let order = params::sort::<ShareRecord>(q.sort.as_ref())?;
            let rows = query::shares(model, ds, flow, &sel);
            let mut records: Vec<ShareRecord> =
                rows.iter().map(|r| ShareRecord::new(ds, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(model, ds, raw, SharesQuery::NAMES, &sel, records.len());
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// Partner concentration (HHI)
///
/// The Herfindahl-Hirschman index of each group's trade over its listed
/// partners (countries and blocs), on their shares of the world total.
#[utoipa::path(
    tag = "data",
    operation_id = "list_concentration",
    params(ConcentrationQuery),
    responses(
        (status = 200, description = "Concentration", content((Envelope<ConcentrationRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/concentration")]
pub async fn list_concentration(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &ConcentrationQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let flow = q.flow.flow();
            let periods = params::periods(
                ds,
                q.frequency,
                q.period.as_ref(),
                q.year.as_ref(),
                q.from,
                q.to,
            )?;
            let sel = params::selection(model, q.group.as_ref(), None, periods)?;
            let order = params::sort::<ConcentrationRecord>(q.sort.as_ref())?;
            let rows = query::concentration(model, ds, flow, &sel);
            let mut records: Vec<ConcentrationRecord> = rows
                .iter()
                .map(|r| ConcentrationRecord::new(ds, r))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(
                model,
                ds,
                raw,
                ConcentrationQuery::NAMES,
                &sel,
                records.len(),
            );
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// A partner's profile
///
/// Everything about one partner in one call: for every group, imports,
/// exports, balance, trade specialisation index, shares of the world and
/// ranks, and growth against a base year. For example Korea's place in US
/// ATP trade: `/v1/partners/KR/profile?year=2024`.
#[utoipa::path(
    tag = "data",
    operation_id = "find_partner_profile",
    params(("code" = String, Path, description = "Partner code or Census CTY_CODE", example = "KR"), ProfileQuery),
    responses(
        (status = 200, description = "The profile", content((Envelope<ProfileRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No data loaded (no dataset has been imported)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partners/{code}/profile")]
pub async fn find_partner_profile(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    state
        .cached(&req, move |model, q: &ProfileQuery, raw, accept| {
            let view = crate::view!(model, q, accept)?;
            let partner = model
                .parse_partner(&code)
                .map_err(|_| ApiError::no_partner(&code))?;
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let (year, base) = params::profile_periods(ds, q.frequency, q.year, q.base_year)?;
            let (Some(year), Some(base)) = (year, base) else {
                let meta = meta(model, Some(ds), raw, ProfileQuery::NAMES, &[]);
                return render_listing(
                    Vec::<ProfileRecord>::new(),
                    PageRequest::new(None, None),
                    meta,
                    view,
                );
            };
            let rows = query::profile(model, ds, partner, year, base);
            let records: Vec<ProfileRecord> =
                rows.iter().map(|r| ProfileRecord::new(ds, r)).collect();
            let page = PageRequest::all(records.len());
            let extra = [("year", year.to_string()), ("base_year", base.to_string())];
            let mut meta = meta(model, Some(ds), raw, ProfileQuery::NAMES, &extra);
            meta.frequency = Some(year.frequency().as_str());
            render_listing(records, page, meta, view)
        })
        .await
}

/// Revisions between two vintages
///
/// Every value two vintages of a dataset both hold whose figure changed:
/// old, new, the change and the percent change, filterable like the other
/// endpoints. `meta.notes` counts the values compared, unchanged, added by
/// the newer vintage and dropped from it. For example the Census
/// country.xlsx of 2019-10 against 2023-01: Korea, January 2017 imports,
/// 5,955,204,041 then 5,953,946,323 dollars.
#[utoipa::path(
    tag = "data",
    operation_id = "list_revisions",
    params(RevisionsQuery),
    responses(
        (status = 200, description = "Revisions", content((Envelope<RevisionRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/revisions")]
pub async fn list_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &RevisionsQuery, raw, accept| {
            let vintages = params::vintages(model, Some(&q.dataset))?;
            let newer = match &q.to_vintage {
                Some(v) => params::vintage_of(vintages, "to_vintage", v)?,
                None => vintages.latest(),
            };
            let older = match &q.from_vintage {
                Some(v) => params::vintage_of(vintages, "from_vintage", v)?,
                None => vintages.previous(newer).ok_or_else(|| {
                    ApiError::invalid(
                        "from_vintage",
                        "",
                        format!(
                            "a vintage older than {} (dataset {} has {}: {})",
                            newer.vintage(),
                            vintages.id(),
                            vintages.all().len(),
                            vintages
                                .all()
                                .map(|v| v.vintage())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?,
            };
            // A revision goes from an older release to a newer one: the
            // other way round, "added" and "dropped" would swap meanings.
            if older.stored.vintage_order() >= newer.stored.vintage_order() {
                return Err(ApiError::InvalidParameter {
                    parameter: "from_vintage".to_owned(),
                    value: older.vintage().to_owned(),
                    expected: format!(
                        "a vintage older than to_vintage ({}) (see /v1/datasets/{}/vintages)",
                        newer.vintage(),
                        vintages.id()
                    ),
                    allowed: vintages
                        .all()
                        .filter(|v| v.stored.vintage_order() < newer.stored.vintage_order())
                        .map(|v| v.vintage().to_owned())
                        .collect(),
                });
            }
            let periods =
                params::periods(newer, q.frequency, q.period.as_ref(), None, q.from, q.to)?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), periods)?;
            let measures = params::measures(q.flow.as_ref());
            let order = params::sort::<RevisionRecord>(q.sort.as_ref())?;
            let (rows, counts) = query::comparison::revisions(model, older, newer, &sel, &measures);
            let mut records: Vec<RevisionRecord> = rows
                .iter()
                .map(|r| RevisionRecord::new(older, newer, r))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let mut meta = data_meta(
                model,
                newer,
                raw,
                RevisionsQuery::NAMES,
                &sel,
                records.len(),
            );
            if records.is_empty() && counts.in_both > 0 {
                meta.notice = None;
            }
            meta.notes.push(format!(
                "{} to {}: {} values in both, {} revised, {} unchanged; {} only in {} (added), {} \
                 only in {} (dropped)",
                older.vintage(),
                newer.vintage(),
                counts.in_both,
                counts.different,
                counts.in_both - counts.different,
                counts.only_second,
                newer.vintage(),
                counts.only_first,
                older.vintage()
            ));
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}

/// Compare two datasets
///
/// Every value two datasets both hold (same measure, group, partner and
/// period), side by side: the difference, its percent of the value compared
/// against, and whether the two agree within their rounding. For example
/// the brief against the Census ATP total (`dataset=kiat-2026-04&against=census-atp`):
/// close in 2024, far apart in 2014. `meta.notes` says what each side's
/// totals cover.
#[utoipa::path(
    tag = "data",
    operation_id = "list_comparison",
    params(CompareQuery),
    responses(
        (status = 200, description = "The values both hold", content((Envelope<ComparisonRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/compare")]
pub async fn list_comparison(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &CompareQuery, raw, accept| {
            let ds = params::dataset_vintage(model, Some(&q.dataset), q.vintage.as_ref(), None)?;
            let against = {
                let v = params::vintages(model, Some(&q.against)).map_err(|e| match e {
                    ApiError::InvalidParameter {
                        value,
                        expected,
                        allowed,
                        ..
                    } => ApiError::InvalidParameter {
                        parameter: "against".to_owned(),
                        value,
                        expected,
                        allowed,
                    },
                    other => other,
                })?;
                match &q.against_vintage {
                    Some(name) => params::vintage_of(v, "against_vintage", name)?,
                    None => v.latest(),
                }
            };
            let periods = params::periods(ds, q.frequency, q.period.as_ref(), None, q.from, q.to)?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), periods)?;
            let measures = params::measures(q.flow.as_ref());
            let order = params::sort::<ComparisonRecord>(q.sort.as_ref())?;
            let (rows, counts) = query::comparison::compare(model, ds, against, &sel, &measures);
            let mut records: Vec<ComparisonRecord> = rows
                .iter()
                .map(|r| ComparisonRecord::new(ds, against, r))
                .collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let mut meta = data_meta(model, ds, raw, CompareQuery::NAMES, &sel, records.len());
            meta.notes.push(format!(
                "{} values in both; {} only in {}, {} only in {}",
                counts.in_both,
                counts.only_first,
                ds.id(),
                counts.only_second,
                against.id()
            ));
            meta.notes
                .extend(query::comparison::coverage_notes(ds, against));
            render_listing(records, page, meta, crate::view!(model, q, accept)?)
        })
        .await
}
