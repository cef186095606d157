//! The handlers: parse, call one query, shape the response.

use actix_web::{HttpRequest, HttpResponse, get, web};
use atp_core::{Flow, GroupId};
use std::collections::BTreeMap;

use super::AppState;
use super::error::{ApiError, Problem};
use super::params::{
    self, ConcentrationQuery, DataQuery, DatasetOnlyQuery, FormatOnlyQuery, GrowthQuery,
    ProfileQuery, RawQuery, SharesQuery,
};
use super::respond::{
    Envelope, Meta, Single, SortValue, render_listing, render_single, sort_records,
};
use crate::query::{self, GrowthMeasure};
use crate::read_model::{DatasetView, ReadModel};
use crate::records::{
    BalanceRecord, ConcentrationRecord, DatasetRecord, FlowRecord, GroupRecord, GrowthRecord,
    PartnerRecord, ProfileRecord, ShareRecord, YearRecord,
};

const DATA_PARAMS: &[&str] = &[
    "dataset", "group", "partner", "year", "from", "to", "sort", "limit", "offset", "format",
];

fn meta(
    model: &ReadModel,
    dataset: Option<&DatasetView>,
    q: &RawQuery,
    extra: &[(&str, String)],
) -> Meta {
    let mut query = BTreeMap::new();
    for name in [
        "dataset",
        "group",
        "partner",
        "year",
        "from",
        "to",
        "flow",
        "base_year",
        "sort",
        "limit",
        "offset",
        "format",
    ] {
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
    }
}

fn text(s: &str) -> SortValue {
    SortValue::Text(s.to_owned())
}

fn int(v: i64) -> SortValue {
    SortValue::Int(v)
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
            definition:
                "The sum of the ATP groups a dataset covers (see each dataset's groups_covered)."
                    .to_owned(),
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
                definition: i.definition.to_owned(),
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
    state.cached(&req, &["format"], |model, q, format| {
        let records: Vec<GroupRecord> = GroupId::every().map(group_record).collect();
        let page = params::PageRequest {
            limit: records.len(),
            offset: 0,
        };
        render_listing(records, page, meta(model, None, q, &[]), format)
    })
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
    state.cached(&req, &[], |model, q, _| {
        let g = GroupId::try_from(id.as_str()).map_err(|e| ApiError::NotFound {
            kind: "group",
            id: id.clone(),
            detail: format!("no group {id:?}: {}", e.expected),
        })?;
        render_single(group_record(g), meta(model, None, q, &[]))
    })
}

fn partner_record(p: &crate::read_model::PartnerEntry) -> PartnerRecord {
    PartnerRecord {
        code: p.code.to_string(),
        name_en: p.name_en.clone(),
        name_ko: p.name_ko.clone(),
        kind: p.kind.into(),
        census_code: p.census_code.clone(),
    }
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
    state.cached(&req, &["format"], |model, q, format| {
        let records: Vec<PartnerRecord> = model.partners().iter().map(partner_record).collect();
        let page = params::PageRequest {
            limit: records.len().max(1),
            offset: 0,
        };
        render_listing(records, page, meta(model, None, q, &[]), format)
    })
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
    state.cached(&req, &[], |model, q, _| {
        let p = model
            .parse_partner(&code)
            .ok()
            .and_then(|c| model.partner(c))
            .ok_or_else(|| ApiError::no_partner(&code))?;
        render_single(partner_record(p), meta(model, None, q, &[]))
    })
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
    state.cached(&req, &["dataset", "format"], |model, q, format| {
        let ds = params::dataset(model, q)?;
        let records: Vec<YearRecord> = ds
            .years
            .iter()
            .map(|&y| YearRecord {
                year: y.get(),
                observations: ds.observations.iter().filter(|o| o.key.year == y).count(),
            })
            .collect();
        let page = params::PageRequest {
            limit: records.len().max(1),
            offset: 0,
        };
        render_listing(records, page, meta(model, Some(ds), q, &[]), format)
    })
}

pub(super) fn dataset_record(ds: &DatasetView) -> DatasetRecord {
    let s = &ds.stored;
    DatasetRecord {
        id: s.info.id.clone(),
        title: s.info.title.clone(),
        publisher: s.info.publisher.clone(),
        citation: s.info.citation.clone(),
        source_url: s.info.source_url.clone(),
        vintage: s.info.vintage.clone(),
        source_format: s.source_format.clone(),
        imported_at: s.imported_at.clone(),
        row_count: s.row_count,
        served_rows: ds.row_count(),
        checksum: s.checksum.clone(),
        groups_covered: ds.groups_covered.iter().map(|g| g.id()).collect(),
        all_is_computed: ds.all_is_computed,
        years: ds.years.iter().map(|y| y.get()).collect(),
        partners: ds.partners.len(),
        notes: s.info.notes.clone(),
        quality_notes: s.quality_notes.clone(),
    }
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
    state.cached(&req, &["format"], |model, q, format| {
        if format == params::Format::Csv {
            return Err(ApiError::invalid(
                "format",
                "csv",
                "json: dataset descriptions hold lists and are served as JSON only",
            ));
        }
        let records: Vec<DatasetRecord> = model.datasets().iter().map(dataset_record).collect();
        let page = params::PageRequest {
            limit: records.len().max(1),
            offset: 0,
        };
        render_listing(records, page, meta(model, None, q, &[]), format)
    })
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
    state.cached(&req, &[], |model, q, _| {
        let ds = model
            .dataset(&id)
            .ok_or_else(|| ApiError::no_dataset(&id))?;
        render_single(dataset_record(ds), meta(model, Some(ds), q, &[]))
    })
}

// ---------------------------------------------------------------------------
// Data

const FLOW_SORT: &[&str] = &["group", "partner", "year", "value_usd", "status"];

fn flow_field(r: &FlowRecord, f: &str) -> SortValue {
    match f {
        "group" => text(r.group),
        "partner" => text(&r.partner),
        "year" => int(r.year.into()),
        "value_usd" => int(r.value_usd),
        _ => text(if matches!(r.status, crate::records::Status::Reported) {
            "reported"
        } else {
            "derived"
        }),
    }
}

fn list_flow(req: &HttpRequest, state: &AppState, flow: Flow) -> Result<HttpResponse, ApiError> {
    state.cached(req, DATA_PARAMS, |model, q, format| {
        let ds = params::dataset(model, q)?;
        let sel = params::selection(model, q)?;
        let sort = params::sort(q, FLOW_SORT)?;
        let page = params::page(q)?;
        let mut records = query::flows(model, ds, flow, &sel);
        sort_records(&mut records, &sort, flow_field);
        render_listing(records, page, meta(model, Some(ds), q, &[]), format)
    })
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
    list_flow(&req, &state, Flow::Imports)
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
    list_flow(&req, &state, Flow::Exports)
}

const BALANCE_SORT: &[&str] = &[
    "group",
    "partner",
    "year",
    "balance_usd",
    "exports_usd",
    "imports_usd",
    "tsi",
];

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
    state.cached(&req, DATA_PARAMS, |model, q, format| {
        let ds = params::dataset(model, q)?;
        let sel = params::selection(model, q)?;
        let sort = params::sort(q, BALANCE_SORT)?;
        let page = params::page(q)?;
        let mut records = query::balances(model, ds, &sel);
        sort_records(&mut records, &sort, |r: &BalanceRecord, f| match f {
            "group" => text(r.group),
            "partner" => text(&r.partner),
            "year" => int(r.year.into()),
            "balance_usd" => int(r.balance_usd),
            "exports_usd" => r.exports_usd.into(),
            "imports_usd" => r.imports_usd.into(),
            _ => r.tsi.into(),
        });
        render_listing(records, page, meta(model, Some(ds), q, &[]), format)
    })
}

const GROWTH_SORT: &[&str] = &[
    "group",
    "partner",
    "start_usd",
    "end_usd",
    "change_usd",
    "change_pct",
    "multiple",
    "cagr_pct",
];

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
    const ALLOWED: &[&str] = &[
        "flow", "from", "to", "dataset", "group", "partner", "sort", "limit", "offset", "format",
    ];
    state.cached(&req, ALLOWED, |model, q, format| {
        let ds = params::dataset(model, q)?;
        let measure: GrowthMeasure = params::growth_measure(q)?;
        let (from, to) = params::period(q)?;
        let mut sel = params::selection(model, q)?;
        sel.years = query::YearFilter::All;
        let sort = params::sort(q, GROWTH_SORT)?;
        let page = params::page(q)?;
        let mut records = query::growth(model, ds, measure, from, to, &sel);
        sort_records(&mut records, &sort, |r: &GrowthRecord, f| match f {
            "group" => text(r.group),
            "partner" => text(&r.partner),
            "start_usd" => r.start_usd.into(),
            "end_usd" => r.end_usd.into(),
            "change_usd" => r.change_usd.into(),
            "change_pct" => r.change_pct.into(),
            "multiple" => r.multiple.into(),
            _ => r.cagr_pct.into(),
        });
        render_listing(records, page, meta(model, Some(ds), q, &[]), format)
    })
}

const SHARE_SORT: &[&str] = &["group", "partner", "year", "value_usd", "share_pct", "rank"];

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
    const ALLOWED: &[&str] = &[
        "flow", "year", "from", "to", "dataset", "group", "partner", "sort", "limit", "offset",
        "format",
    ];
    state.cached(&req, ALLOWED, |model, q, format| {
        let ds = params::dataset(model, q)?;
        let flow = params::flow(q)?;
        let sel = params::selection(model, q)?;
        let sort = params::sort(q, SHARE_SORT)?;
        let page = params::page(q)?;
        let mut records = query::shares(model, ds, flow, &sel);
        sort_records(&mut records, &sort, |r: &ShareRecord, f| match f {
            "group" => text(r.group),
            "partner" => text(&r.partner),
            "year" => int(r.year.into()),
            "value_usd" => int(r.value_usd),
            "share_pct" => r.share_pct.into(),
            _ => r.rank.map(i64::from).into(),
        });
        render_listing(records, page, meta(model, Some(ds), q, &[]), format)
    })
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
    const ALLOWED: &[&str] = &[
        "flow", "year", "from", "to", "dataset", "group", "sort", "limit", "offset", "format",
    ];
    state.cached(&req, ALLOWED, |model, q, format| {
        let ds = params::dataset(model, q)?;
        let flow = params::flow(q)?;
        let sel = params::selection(model, q)?;
        let sort = params::sort(q, &["group", "year", "hhi"])?;
        let page = params::page(q)?;
        let mut records = query::concentration(model, ds, flow, &sel);
        sort_records(&mut records, &sort, |r: &ConcentrationRecord, f| match f {
            "group" => text(r.group),
            "year" => int(r.year.into()),
            _ => r.hhi.into(),
        });
        render_listing(records, page, meta(model, Some(ds), q, &[]), format)
    })
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
    state.cached(
        &req,
        &["year", "base_year", "dataset", "format"],
        |model, q, format| {
            let partner = model
                .parse_partner(&code)
                .map_err(|_| ApiError::no_partner(&code))?;
            let ds = params::dataset(model, q)?;
            let latest = ds.years.last().copied();
            let earliest = ds.years.first().copied();
            let year = params::optional_year(q, "year")?.or(latest);
            let base = params::optional_year(q, "base_year")?.or(earliest);
            let (Some(year), Some(base)) = (year, base) else {
                let page = params::page(q)?;
                return render_listing(
                    Vec::<ProfileRecord>::new(),
                    page,
                    meta(model, Some(ds), q, &[]),
                    format,
                );
            };
            let records = query::profile(model, ds, partner, year, base);
            let page = params::PageRequest {
                limit: records.len().max(1),
                offset: 0,
            };
            let extra = [("year", year.to_string()), ("base_year", base.to_string())];
            render_listing(records, page, meta(model, Some(ds), q, &extra), format)
        },
    )
}
