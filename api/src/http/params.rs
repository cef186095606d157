//! Query parameters: parsed at the edge into domain values, with errors that
//! name the parameter, the value and what is allowed. Unknown parameters are
//! refused (a typo must not silently widen a query).

use actix_web::HttpRequest;
use actix_web::http::header;
use atp_core::{Flow, GroupId, PartnerCode, Year, YearRange};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use crate::query::{GrowthMeasure, Selection, YearFilter};
use crate::read_model::{DatasetView, ReadModel};

/// The default and largest page sizes.
pub const DEFAULT_LIMIT: usize = 1000;
pub const MAX_LIMIT: usize = 10_000;
/// The largest offset (the spec's int32 maximum).
pub const MAX_OFFSET: usize = i32::MAX as usize;

/// The query string, split into pairs.
#[derive(Debug)]
pub struct RawQuery {
    pairs: Vec<(String, String)>,
}

impl RawQuery {
    /// Parses a query string and refuses parameters not in `allowed`.
    pub fn parse(query_string: &str, allowed: &[&str]) -> Result<RawQuery, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query_string).map_err(|e| {
                ApiError::invalid(
                    "query",
                    query_string,
                    format!("a URL-encoded query string ({e})"),
                )
            })?;
        for (name, value) in &pairs {
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::InvalidParameter {
                    parameter: name.clone(),
                    value: value.clone(),
                    expected: format!(
                        "unknown parameter; this endpoint takes {}",
                        allowed.join(", ")
                    ),
                    allowed: allowed.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
        }
        Ok(RawQuery { pairs })
    }

    /// Every value of a parameter: repeated parameters and comma-separated
    /// lists both work.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A parameter that takes one value.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let values: Vec<&str> = self
            .pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .collect();
        match values.as_slice() {
            [] => Ok(None),
            [v] if v.is_empty() => Err(ApiError::invalid(
                name,
                v,
                "a value (the parameter is empty)",
            )),
            [v] => Ok(Some(v)),
            _ => Err(ApiError::invalid(
                name,
                &values.join(","),
                "one value (the parameter is repeated)",
            )),
        }
    }

    fn required(&self, name: &str, expected: &str) -> Result<&str, ApiError> {
        self.one(name)?
            .ok_or_else(|| ApiError::invalid(name, "", format!("a value is required: {expected}")))
    }
}

fn year(name: &str, v: &str) -> Result<Year, ApiError> {
    Year::try_from(v).map_err(|e| ApiError::from_invalid(name, e))
}

/// The dataset a query names, or the default one.
pub fn dataset<'m>(model: &'m ReadModel, q: &RawQuery) -> Result<&'m DatasetView, ApiError> {
    match q.one("dataset")? {
        Some(id) => model.dataset(id).ok_or_else(|| ApiError::InvalidParameter {
            parameter: "dataset".to_owned(),
            value: id.to_owned(),
            expected: "the id of a dataset (see /v1/datasets)".to_owned(),
            allowed: model.datasets().iter().map(|d| d.id().to_owned()).collect(),
        }),
        None => model
            .default_dataset()
            .ok_or_else(|| ApiError::Unavailable("no dataset is loaded".to_owned())),
    }
}

/// `year` (list) or `from`/`to` (range), not both.
pub fn years(q: &RawQuery) -> Result<YearFilter, ApiError> {
    let list = q.list("year");
    let from = q.one("from")?.map(|v| year("from", v)).transpose()?;
    let to = q.one("to")?.map(|v| year("to", v)).transpose()?;
    if !list.is_empty() && (from.is_some() || to.is_some()) {
        return Err(ApiError::invalid(
            "year",
            &list.join(","),
            "either year or from/to, not both",
        ));
    }
    if let (Some(f), Some(t)) = (from, to) {
        YearRange::new(f, t).map_err(|e| ApiError::from_invalid("from", e))?;
    }
    if !list.is_empty() {
        return Ok(YearFilter::List(
            list.iter()
                .map(|v| year("year", v))
                .collect::<Result<_, _>>()?,
        ));
    }
    Ok(match (from, to) {
        (None, None) => YearFilter::All,
        (from, to) => YearFilter::Range { from, to },
    })
}

/// `group`, `partner` and the years.
pub fn selection(model: &ReadModel, q: &RawQuery) -> Result<Selection, ApiError> {
    let groups = q.list("group");
    let partners = q.list("partner");
    Ok(Selection {
        groups: (!groups.is_empty())
            .then(|| {
                groups
                    .iter()
                    .map(|g| GroupId::try_from(*g).map_err(|e| ApiError::from_invalid("group", e)))
                    .collect()
            })
            .transpose()?,
        partners: (!partners.is_empty())
            .then(|| {
                partners
                    .iter()
                    .map(|p| {
                        model
                            .parse_partner(p)
                            .map_err(|e| ApiError::from_invalid("partner", e))
                    })
                    .collect::<Result<Vec<PartnerCode>, _>>()
            })
            .transpose()?,
        years: years(q)?,
    })
}

pub fn flow(q: &RawQuery) -> Result<Flow, ApiError> {
    let v = q.required("flow", "imports or exports")?;
    Flow::try_from(v).map_err(|e| ApiError::from_invalid("flow", e))
}

pub fn growth_measure(q: &RawQuery) -> Result<GrowthMeasure, ApiError> {
    let v = q.required("flow", "imports, exports or balance")?;
    match v.to_ascii_lowercase().as_str() {
        "balance" => Ok(GrowthMeasure::Balance),
        _ => Flow::try_from(v)
            .map(GrowthMeasure::Flow)
            .map_err(|_| ApiError::InvalidParameter {
                parameter: "flow".to_owned(),
                value: v.to_owned(),
                expected: "expected one of imports, exports, balance".to_owned(),
                allowed: vec!["imports".into(), "exports".into(), "balance".into()],
            }),
    }
}

/// `from` and `to` of a growth query: both required, from before to.
pub fn period(q: &RawQuery) -> Result<(Year, Year), ApiError> {
    let from = year("from", q.required("from", "the start year")?)?;
    let to = year("to", q.required("to", "the end year")?)?;
    if from >= to {
        return Err(ApiError::invalid(
            "from",
            &from.to_string(),
            format!("a year before `to` ({to})"),
        ));
    }
    Ok((from, to))
}

/// One optional year parameter.
pub fn optional_year(q: &RawQuery, name: &str) -> Result<Option<Year>, ApiError> {
    q.one(name)?.map(|v| year(name, v)).transpose()
}

/// Paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    pub offset: usize,
}

pub fn page(q: &RawQuery) -> Result<PageRequest, ApiError> {
    let number = |name: &str, default: usize, min: usize, max: usize| -> Result<usize, ApiError> {
        match q.one(name)? {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid(name, v, format!("a whole number from {min} to {max}"))
                }),
        }
    };
    Ok(PageRequest {
        limit: number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)?,
        offset: number("offset", 0, 0, MAX_OFFSET)?,
    })
}

/// The response format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

/// `format=json|csv`, else `Accept: text/csv`, else JSON.
pub fn format(q: &RawQuery, req: &HttpRequest) -> Result<Format, ApiError> {
    match q.one("format")? {
        Some(v) if v.eq_ignore_ascii_case("json") => Ok(Format::Json),
        Some(v) if v.eq_ignore_ascii_case("csv") => Ok(Format::Csv),
        Some(v) => Err(ApiError::InvalidParameter {
            parameter: "format".to_owned(),
            value: v.to_owned(),
            expected: "expected one of json, csv".to_owned(),
            allowed: vec!["json".into(), "csv".into()],
        }),
        None => Ok(format_from_accept(req)),
    }
}

/// The format the `Accept` header asks for when `format=` is absent: CSV only
/// when it names `text/csv` and not JSON.
pub fn format_from_accept(req: &HttpRequest) -> Format {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("text/csv") && !accept.contains("application/json") {
        Format::Csv
    } else {
        Format::Json
    }
}

/// `sort=field,-field`: fields of the records, `-` for descending.
pub fn sort(q: &RawQuery, allowed: &[&str]) -> Result<Vec<(String, bool)>, ApiError> {
    q.list("sort")
        .into_iter()
        .map(|s| {
            let (desc, name) = match s.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, s.strip_prefix('+').unwrap_or(s)),
            };
            if allowed.contains(&name) {
                Ok((name.to_owned(), desc))
            } else {
                Err(ApiError::InvalidParameter {
                    parameter: "sort".to_owned(),
                    value: s.to_owned(),
                    expected: format!(
                        "a field to sort by, `-` before it for descending: {}",
                        allowed.join(", ")
                    ),
                    allowed: allowed.iter().map(|a| (*a).to_owned()).collect(),
                })
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The parameters as the OpenAPI document describes them.

/// Response format.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormatParam {
    Json,
    Csv,
}

/// A trade flow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlowParam {
    Imports,
    Exports,
}

/// A trade flow, or the balance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeasureParam {
    Imports,
    Exports,
    Balance,
}

/// Parameters of the imports and exports listings and of balances.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataQuery {
    /// Dataset id (see /v1/datasets); default: the configured default dataset.
    #[param(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// ATP groups, comma-separated (see /v1/groups); `all` is the sum of the groups the dataset covers. Census codes 01..10 accepted.
    #[param(example = "biotechnology,all")]
    pub group: Option<String>,
    /// Partner codes, comma-separated (see /v1/partners). ROW (rest of world) is computed on request as WLD minus the partners listed in the query where the dataset has no ROW figures.
    #[param(example = "KR,CN")]
    pub partner: Option<String>,
    /// Years, comma-separated (not with from/to).
    #[param(example = "2024")]
    pub year: Option<String>,
    /// First year of a range (inclusive; not with `year`).
    #[param(minimum = 1900, maximum = 2100)]
    pub from: Option<u16>,
    /// Last year of a range (inclusive; not with `year`).
    #[param(minimum = 1900, maximum = 2100)]
    pub to: Option<u16>,
    /// Fields to sort by, comma-separated, `-` for descending (default: group,
    /// partner, year). Imports and exports: group, partner, year, value_usd,
    /// status; balances: group, partner, year, balance_usd, exports_usd,
    /// imports_usd, tsi.
    #[param(example = "-year")]
    pub sort: Option<String>,
    /// Page size, 1 to 10000 (default 1000).
    #[param(minimum = 1, maximum = 10000, example = 100)]
    pub limit: Option<u32>,
    /// Records to skip (default 0).
    #[param(minimum = 0, maximum = 2147483647, example = 0)]
    pub offset: Option<u32>,
    /// `json` (default) or `csv`; `Accept: text/csv` also selects CSV.
    pub format: Option<FormatParam>,
}

/// Parameters of growth.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrowthQuery {
    /// The series: imports, exports or balance.
    pub flow: MeasureParam,
    /// Start year.
    #[param(example = 2014, minimum = 1900, maximum = 2100)]
    pub from: u16,
    /// End year (after `from`).
    #[param(example = 2024, minimum = 1900, maximum = 2100)]
    pub to: u16,
    #[param(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// ATP groups, comma-separated (see /v1/groups).
    #[param(example = "all")]
    pub group: Option<String>,
    /// Partner codes, comma-separated (see /v1/partners).
    #[param(example = "WLD")]
    pub partner: Option<String>,
    #[param(example = "-change_pct")]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
    #[param(minimum = 0, maximum = 2147483647)]
    pub offset: Option<u32>,
    pub format: Option<FormatParam>,
}

/// Parameters of shares and concentration.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SharesQuery {
    /// imports or exports.
    pub flow: FlowParam,
    /// Years, comma-separated (or from/to).
    #[param(example = "2024")]
    pub year: Option<String>,
    #[param(minimum = 1900, maximum = 2100)]
    pub from: Option<u16>,
    #[param(minimum = 1900, maximum = 2100)]
    pub to: Option<u16>,
    #[param(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// ATP groups, comma-separated (see /v1/groups).
    #[param(example = "all")]
    pub group: Option<String>,
    /// Partner codes, comma-separated (see /v1/partners).
    #[param(example = "KR")]
    pub partner: Option<String>,
    #[param(example = "rank")]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
    #[param(minimum = 0, maximum = 2147483647)]
    pub offset: Option<u32>,
    pub format: Option<FormatParam>,
}

/// Parameters of concentration.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConcentrationQuery {
    /// imports or exports.
    pub flow: FlowParam,
    /// Years, comma-separated (or from/to).
    #[param(example = "2024")]
    pub year: Option<String>,
    #[param(minimum = 1900, maximum = 2100)]
    pub from: Option<u16>,
    #[param(minimum = 1900, maximum = 2100)]
    pub to: Option<u16>,
    #[param(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// ATP groups, comma-separated (see /v1/groups).
    #[param(example = "all")]
    pub group: Option<String>,
    /// Fields to sort by: group, year, hhi (`-` for descending).
    #[param(example = "-hhi")]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
    #[param(minimum = 0, maximum = 2147483647)]
    pub offset: Option<u32>,
    pub format: Option<FormatParam>,
}

/// Parameters of a partner profile.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// The year described (default: the dataset's latest).
    #[param(example = 2024, minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
    /// The year growth is measured from (default: the dataset's earliest).
    #[param(example = 2014, minimum = 1900, maximum = 2100)]
    pub base_year: Option<u16>,
    #[param(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    pub format: Option<FormatParam>,
}

/// Parameters of endpoints that only choose a dataset and format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DatasetOnlyQuery {
    #[param(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    pub format: Option<FormatParam>,
}

/// Parameters of reference listings.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatOnlyQuery {
    pub format: Option<FormatParam>,
}
