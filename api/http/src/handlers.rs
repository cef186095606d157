//! The handlers: each endpoint's parameters (one struct that parses and
//! documents them), then parse, call one query, shape the response.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use atp_core::{Flow, GroupId, Year};
use atp_query::{self as query, DatasetView, ReadModel, Selection};

use super::AppState;
use super::error::{ApiError, Problem};
use super::params::ReportFormat;
use super::params::{
    self, DatasetArg, FlowParam, FormatParam, FromQuery, Limit, List, MeasureParam, Offset,
    PageRequest, PartnerArg, RawQuery, SortArg, Weighed, selection_weight,
};
use super::respond::Rendered;
use super::respond::{
    Coverage, Envelope, Meta, Notice, Single, render_listing, render_single, sort_records,
};
use crate::query_params;
use crate::records::{
    BalanceRecord, ConcentrationRecord, DatasetRecord, FlowRecord, GroupRecord, GrowthRecord,
    PartnerRecord, ProfileRecord, QualityRecord, ShareRecord, YearRecord,
};

// ---------------------------------------------------------------------------
// Parameters

query_params! {
    /// Parameters of the imports and exports listings and of balances.
    pub struct DataQuery {
        /// Dataset id (see /v1/datasets); default: the configured default dataset.
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// ATP groups, comma-separated (see /v1/groups); `all` is the sum of the groups the dataset covers. Census codes 01..10 accepted.
        #[example = "biotechnology,all"]
        group: Option<List<GroupId>>,
        /// Partner codes, comma-separated (see /v1/partners). ROW (rest of world) is computed on request as WLD minus the partners listed in the query where the dataset has no ROW figures.
        #[example = "KR,CN"]
        partner: Option<List<PartnerArg>>,
        /// Years, comma-separated (not with from/to).
        #[example = "2024"]
        year: Option<List<Year>>,
        /// First year of a range (inclusive; not with `year`).
        from: Option<Year>,
        /// Last year of a range (inclusive; not with `year`).
        to: Option<Year>,
        /// Fields to sort by, comma-separated, `-` for descending (default: group,
        /// partner, year). Imports and exports: group, partner, year, value_usd,
        /// status; balances: group, partner, year, balance_usd, exports_usd,
        /// imports_usd, tsi.
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
    }
}

query_params! {
    /// Parameters of growth.
    pub struct GrowthQuery {
        /// The series: imports, exports or balance.
        #[missing = "imports, exports or balance"]
        flow: MeasureParam,
        /// Start year.
        #[example = 2014]
        #[missing = "the start year"]
        from: Year,
        /// End year (after `from`).
        #[example = 2024]
        #[missing = "the end year"]
        to: Year,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// ATP groups, comma-separated (see /v1/groups).
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
    }
}

query_params! {
    /// Parameters of shares.
    pub struct SharesQuery {
        /// imports or exports.
        #[missing = "imports or exports"]
        flow: FlowParam,
        /// Years, comma-separated (or from/to).
        #[example = "2024"]
        year: Option<List<Year>>,
        from: Option<Year>,
        to: Option<Year>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// ATP groups, comma-separated (see /v1/groups).
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
    }
}

query_params! {
    /// Parameters of concentration.
    pub struct ConcentrationQuery {
        /// imports or exports.
        #[missing = "imports or exports"]
        flow: FlowParam,
        /// Years, comma-separated (or from/to).
        #[example = "2024"]
        year: Option<List<Year>>,
        from: Option<Year>,
        to: Option<Year>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        /// ATP groups, comma-separated (see /v1/groups).
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// Fields to sort by: group, year, hhi (`-` for descending).
        #[example = "-hhi"]
        sort: Option<List<SortArg>>,
        limit: Option<Limit>,
        offset: Option<Offset>,
        format: Option<FormatParam>,
    }
}

query_params! {
    /// Parameters of a partner profile.
    pub struct ProfileQuery {
        /// The year described (default: the dataset's latest).
        #[example = 2024]
        year: Option<Year>,
        /// The year growth is measured from (default: the dataset's earliest).
        #[example = 2014]
        base_year: Option<Year>,
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        format: Option<FormatParam>,
    }
}

query_params! {
    /// Parameters of endpoints that only choose a dataset and format.
    pub struct DatasetOnlyQuery {
        #[example = "kiat-2026-04"]
        dataset: Option<DatasetArg>,
        format: Option<FormatParam>,
    }
}

query_params! {
    /// Parameters of reference listings.
    pub struct FormatOnlyQuery {
        format: Option<FormatParam>,
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

impl Weighed for DataQuery {
    fn weight(&self, model: &ReadModel) -> usize {
        let periods = self.year.as_ref().map(|y| y.values().len());
        selection_weight(
            model,
            self.dataset.as_ref(),
            self.group.as_ref(),
            self.partner.as_ref(),
            periods,
        )
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
        let periods = self.year.as_ref().map(|y| y.values().len());
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
        let periods = self.year.as_ref().map(|y| y.values().len());
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
fn meta(
    model: &ReadModel,
    dataset: Option<&DatasetView>,
    q: &RawQuery,
    names: &[&str],
    extra: &[(&str, String)],
) -> Meta {
    let mut query = BTreeMap::new();
    for &name in names {
        let values = q.list(name);
        if !values.is_empty() {
            query.insert(name.to_owned(), values.join(","));
        }
    }
    for (k, v) in extra {
        query.insert((*k).to_owned(), v.clone());
    }
    Meta {
        dataset: dataset.map(|d| d.id().to_owned()),
        units: "USD",
        data_version: model.version,
        query,
        coverage: dataset.map(coverage),
        notice: None,
    }
}

/// What a dataset covers.
fn coverage(ds: &DatasetView) -> Coverage {
    Coverage {
        first_period: ds.years.first().map(|y| y.get()),
        last_period: ds.years.last().map(|y| y.get()),
        periods: ds.years.len(),
        groups: std::iter::once("all")
            .chain(ds.groups_covered.iter().map(|g| g.id()))
            .collect(),
        partners: ds.partners.len(),
    }
}

/// `meta` of a listing of a dataset's data, with a notice saying why when
/// a valid query matched nothing.
fn data_meta(
    model: &ReadModel,
    ds: &DatasetView,
    q: &RawQuery,
    names: &[&str],
    sel: &Selection,
    total: usize,
) -> Meta {
    let mut m = meta(model, Some(ds), q, names, &[]);
    if total == 0 {
        let (code, detail) = query::why_empty(ds, sel);
        m.notice = Some(Notice { code, detail });
    }
    m
}

// ---------------------------------------------------------------------------
// Reference data

fn group_record(id: GroupId) -> GroupRecord {
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
/// The Census Bureau's ten Advanced Technology Product groups, and `all`.
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
            let records: Vec<GroupRecord> = GroupId::every().map(group_record).collect();
            let page = PageRequest {
                limit: records.len(),
                offset: 0,
            };
            let meta = meta(model, None, raw, FormatOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, params::chosen(q.format, accept))
        })
        .await
}

/// Find an ATP group
///
/// By slug (`life-science`), Census code (`02`) or `all`.
#[utoipa::path(
    tag = "reference",
    operation_id = "find_group",
    params(("id" = String, Path, description = "Group slug, Census code 01..10, or all", example = "biotechnology")),
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
/// Countries (ISO 3166-1 alpha-2), the EU, the rest of the world (ROW) and
/// the world (WLD), with their Census codes.
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
            render_listing(records, page, meta, params::chosen(q.format, accept))
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
/// The years with figures in a dataset, and how many.
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
            let records: Vec<YearRecord> = ds
                .years
                .iter()
                .map(|&y| YearRecord {
                    year: y.get(),
                    observations: ds.facts.iter().filter(|f| f.key.year == y).count(),
                })
                .collect();
            let page = PageRequest::all(records.len());
            let meta = meta(model, Some(ds), raw, DatasetOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, params::chosen(q.format, accept))
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
            let format = params::chosen(q.format, accept);
            if format == params::Format::Csv {
                return Err(ApiError::invalid(
                    "format",
                    "csv",
                    "json: dataset descriptions hold lists and are served as JSON only",
                ));
            }
            let records: Vec<DatasetRecord> =
                model.datasets().iter().map(DatasetRecord::new).collect();
            let page = PageRequest::all(records.len());
            let meta = meta(model, None, raw, FormatOnlyQuery::NAMES, &[]);
            render_listing(records, page, meta, format)
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
            let ds = model
                .dataset(&id)
                .ok_or_else(|| ApiError::no_dataset(&id))?;
            render_single(DatasetRecord::new(ds), meta(model, Some(ds), raw, &[], &[]))
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

async fn list_flow(
    req: &HttpRequest,
    state: &AppState,
    flow: Flow,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(req, move |model, q: &DataQuery, raw, accept| {
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let years = params::years(q.year.as_ref(), q.from, q.to)?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), years)?;
            let order = params::sort::<FlowRecord>(q.sort.as_ref())?;
            let rows = query::flows(model, ds, flow, &sel);
            let mut records: Vec<FlowRecord> =
                rows.iter().map(|r| FlowRecord::new(ds, flow, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(model, ds, raw, DataQuery::NAMES, &sel, records.len());
            render_listing(records, page, meta, params::chosen(q.format, accept))
        })
        .await
}

/// List US imports
///
/// One record per group, partner and year: the value in whole US dollars,
/// whether it was reported or derived, and its citation.
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
/// One record per group, partner and year: the value in whole US dollars,
/// whether it was reported or derived, and its citation.
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
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let years = params::years(q.year.as_ref(), q.from, q.to)?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), years)?;
            let order = params::sort::<BalanceRecord>(q.sort.as_ref())?;
            let rows = query::balances(model, ds, &sel);
            let mut records: Vec<BalanceRecord> =
                rows.iter().map(|r| BalanceRecord::new(ds, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(model, ds, raw, DataQuery::NAMES, &sel, records.len());
            render_listing(records, page, meta, params::chosen(q.format, accept))
        })
        .await
}

/// Growth between two years
///
/// Absolute change, percent change, multiple (end / start) and compound
/// annual growth rate of imports, exports or the balance. A measure that is
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
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let (from, to) = params::period(q.from, q.to)?;
            let sel = params::selection(
                model,
                q.group.as_ref(),
                q.partner.as_ref(),
                query::YearFilter::All,
            )?;
            let order = params::sort::<GrowthRecord>(q.sort.as_ref())?;
            let rows = query::growth(model, ds, q.flow.measure(), from, to, &sel);
            let mut records: Vec<GrowthRecord> =
                rows.iter().map(|r| GrowthRecord::new(ds, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let periods = Selection {
                years: query::YearFilter::List(vec![from, to]),
                ..sel.clone()
            };
            let meta = data_meta(model, ds, raw, GrowthQuery::NAMES, &periods, records.len());
            render_listing(records, page, meta, params::chosen(q.format, accept))
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
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let flow = q.flow.flow();
            let years = params::years(q.year.as_ref(), q.from, q.to)?;
            let sel = params::selection(model, q.group.as_ref(), q.partner.as_ref(), years)?;
            let order = params::sort::<ShareRecord>(q.sort.as_ref())?;
            let rows = query::shares(model, ds, flow, &sel);
            let mut records: Vec<ShareRecord> =
                rows.iter().map(|r| ShareRecord::new(ds, r)).collect();
            sort_records(&mut records, &order);
            let page = PageRequest::new(q.limit, q.offset);
            let meta = data_meta(model, ds, raw, SharesQuery::NAMES, &sel, records.len());
            render_listing(records, page, meta, params::chosen(q.format, accept))
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
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let flow = q.flow.flow();
            let years = params::years(q.year.as_ref(), q.from, q.to)?;
            let sel = params::selection(model, q.group.as_ref(), None, years)?;
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
            render_listing(records, page, meta, params::chosen(q.format, accept))
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
            let format = params::chosen(q.format, accept);
            let partner = model
                .parse_partner(&code)
                .map_err(|_| ApiError::no_partner(&code))?;
            let ds = params::dataset(model, q.dataset.as_ref())?;
            let year = q.year.or(ds.years.last().copied());
            let base = q.base_year.or(ds.years.first().copied());
            let (Some(year), Some(base)) = (year, base) else {
                let meta = meta(model, Some(ds), raw, ProfileQuery::NAMES, &[]);
                return render_listing(
                    Vec::<ProfileRecord>::new(),
                    PageRequest::new(None, None),
                    meta,
                    format,
                );
            };
            let rows = query::profile(model, ds, partner, year, base);
            let records: Vec<ProfileRecord> =
                rows.iter().map(|r| ProfileRecord::new(ds, r)).collect();
            let page = PageRequest::all(records.len());
            let extra = [("year", year.to_string()), ("base_year", base.to_string())];
            let meta = meta(model, Some(ds), raw, ProfileQuery::NAMES, &extra);
            render_listing(records, page, meta, format)
        })
        .await
}
