//! Query parameters: each endpoint's parameters are one struct, declared
//! with [`query_params!`], which both parses the query string into domain
//! values and documents the parameters in the OpenAPI document. Errors name
//! the parameter, the value and what is allowed. Unknown parameters are
//! refused (a typo must not silently widen a query).

use actix_web::HttpRequest;
use actix_web::http::header;
use atp_core::{Flow, GroupId, PartnerCode, Year, YearRange};
use atp_query::{DatasetView, GrowthMeasure, ReadModel, Selection, YearFilter};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema, SchemaFormat};

use super::error::ApiError;

/// The default and largest page sizes.
pub const DEFAULT_LIMIT: usize = 1000;
pub const MAX_LIMIT: usize = 10_000;
/// The largest offset (the spec's int32 maximum).
pub const MAX_OFFSET: usize = i32::MAX as usize;
/// The most values a list parameter takes (comma-separated or repeated,
/// counted as given, before repeats are dropped): every partner fits.
pub const MAX_LIST_VALUES: usize = 300;

/// The query string, split into pairs, every name checked against the
/// endpoint's parameters.
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
}

/// An endpoint's parameters, parsed from the query string. Implemented by
/// [`query_params!`].
pub trait FromQuery: Sized + utoipa::IntoParams {
    /// The parameters the endpoint takes, in the order the spec lists them.
    const NAMES: &'static [&'static str];
    fn from_query(q: &RawQuery) -> Result<Self, ApiError>;
}

/// How much work a query asks for, in cells (groups x partners x periods),
/// so that a heavy one is rendered off the workers. 0 for queries whose
/// work does not grow with the data.
pub trait Weighed {
    fn weight(&self, _model: &ReadModel) -> usize {
        0
    }
}

/// The cells a selection covers in a dataset: groups x partners x periods,
/// each list counted as given or, when absent, as the dataset holds.
pub fn selection_weight(
    model: &ReadModel,
    dataset: Option<&DatasetArg>,
    groups: Option<&List<GroupId>>,
    partners: Option<&List<PartnerArg>>,
    periods: Option<usize>,
) -> usize {
    let ds = match dataset {
        Some(DatasetArg(id)) => model.dataset(id),
        None => model.default_dataset(),
    };
    let Some(ds) = ds else { return 0 };
    let g = groups.map_or(ds.groups_covered.len() + 1, |l| l.values().len());
    let p = partners.map_or(ds.partners.len(), |l| l.values().len());
    let y = periods.unwrap_or(ds.years.len());
    g.saturating_mul(p).saturating_mul(y)
}

/// The type of one query parameter: how it is parsed from the query string
/// and how the spec describes it.
pub trait ParamType: Sized {
    /// Whether the parameter must be given.
    const REQUIRED: bool;
    /// Whether it takes a list (its description then states the cap).
    const IS_LIST: bool = false;
    /// Its schema in the spec.
    fn schema() -> RefOr<Schema>;
    /// Parses it; `missing` says what a required parameter expects when it
    /// is absent (else the type's own description).
    fn from_query(
        q: &RawQuery,
        name: &'static str,
        missing: Option<&'static str>,
    ) -> Result<Self, ApiError>;
}

/// A parameter that takes one value.
pub trait Scalar: Sized {
    /// What a value must look like, for "a value is required: ..." errors.
    const EXPECTED: &'static str;
    fn schema() -> RefOr<Schema>;
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError>;
}

impl<T: Scalar> ParamType for T {
    const REQUIRED: bool = true;
    fn schema() -> RefOr<Schema> {
        T::schema()
    }
    fn from_query(
        q: &RawQuery,
        name: &'static str,
        missing: Option<&'static str>,
    ) -> Result<Self, ApiError> {
        let v = q.one(name)?.ok_or_else(|| {
            ApiError::invalid(
                name,
                "",
                format!("a value is required: {}", missing.unwrap_or(T::EXPECTED)),
            )
        })?;
        T::parse(name, v)
    }
}

impl<T: Scalar> ParamType for Option<T> {
    const REQUIRED: bool = false;
    fn schema() -> RefOr<Schema> {
        T::schema()
    }
    fn from_query(
        q: &RawQuery,
        name: &'static str,
        _missing: Option<&'static str>,
    ) -> Result<Self, ApiError> {
        q.one(name)?.map(|v| T::parse(name, v)).transpose()
    }
}

/// A parameter that takes a list: comma-separated, or the parameter
/// repeated. Values keep their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> List<T> {
    pub fn values(&self) -> &[T] {
        &self.0
    }
}

/// A value of a list parameter.
pub trait ListItem: Sized + PartialEq {
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError>;
}

impl<T: ListItem> ParamType for Option<List<T>> {
    const REQUIRED: bool = false;
    const IS_LIST: bool = true;
    fn schema() -> RefOr<Schema> {
        string_schema()
    }
    /// At most [`MAX_LIST_VALUES`] values; a value given twice counts once
    /// (so no query does the same work twice), first occurrence first.
    fn from_query(
        q: &RawQuery,
        name: &'static str,
        _missing: Option<&'static str>,
    ) -> Result<Self, ApiError> {
        let values = q.list(name);
        if values.is_empty() {
            return Ok(None);
        }
        if values.len() > MAX_LIST_VALUES {
            let shown = values.iter().take(5).copied().collect::<Vec<_>>().join(",");
            return Err(ApiError::invalid(
                name,
                &format!("{shown},... ({} values)", values.len()),
                format!("at most {MAX_LIST_VALUES} values"),
            ));
        }
        let mut out: Vec<T> = Vec::with_capacity(values.len());
        for v in values {
            let item = T::parse(name, v)?;
            if !out.contains(&item) {
                out.push(item);
            }
        }
        Ok(Some(List(out)))
    }
}

fn string_schema() -> RefOr<Schema> {
    RefOr::T(Schema::Object(Object::with_type(SchemaType::Type(
        Type::String,
    ))))
}

fn integer_schema(min: i64, max: i64) -> RefOr<Schema> {
    let mut o = Object::with_type(SchemaType::Type(Type::Integer));
    o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int32));
    o.minimum = Some(utoipa::Number::Int(min as isize));
    o.maximum = Some(utoipa::Number::Int(max as isize));
    RefOr::T(Schema::Object(o))
}

fn component<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
}

/// Builds one parameter of the spec. Used by [`query_params!`].
pub fn document<T: ParamType>(
    name: &str,
    doc: &[&str],
    example: Option<serde_json::Value>,
) -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{Deprecated, Required};
    let lines: Vec<&str> = doc.iter().map(|l| l.trim()).collect();
    let mut description = lines.join("\n").trim().to_owned();
    if T::IS_LIST {
        description.push_str(&format!(
            " At most {MAX_LIST_VALUES} values; a value given twice counts once."
        ));
    }
    let mut b = ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(if T::REQUIRED {
            Required::True
        } else {
            Required::False
        })
        .deprecated(None::<Deprecated>)
        .schema(Some(T::schema()));
    if !description.is_empty() {
        b = b.description(Some(description));
    }
    if let Some(example) = example {
        b = b.example(Some(example));
    }
    b.build()
}

/// Declares an endpoint's query parameters: one struct that is both parsed
/// ([`FromQuery`]) and documented (`utoipa::IntoParams`). Each field is a
/// parameter of the same name; its doc comment is its description, an
/// optional `#[example = ...]` its example, an optional `#[missing = "..."]`
/// what the error for a missing required parameter says it expects.
#[macro_export]
macro_rules! query_params {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $(#[example = $example:expr])?
                $(#[missing = $missing:literal])?
                $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl utoipa::IntoParams for $name {
            fn into_params(
                _parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
            ) -> Vec<utoipa::openapi::path::Parameter> {
                vec![$(
                    $crate::params::document::<$ty>(
                        stringify!($field),
                        &[$($doc),*],
                        None $(.or(Some(serde_json::json!($example))))?,
                    )
                ),*]
            }
        }

        impl $crate::params::FromQuery for $name {
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
            fn from_query(q: &$crate::params::RawQuery) -> Result<Self, $crate::error::ApiError> {
                // A struct without parameters reads nothing.
                let _ = q;
                Ok($name {
                    $(
                        $field: <$ty as $crate::params::ParamType>::from_query(
                            q,
                            stringify!($field),
                            None $(.or(Some($missing)))?,
                        )?,
                    )*
                })
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Parameter types

/// A year, `1900`..`2100`.
impl Scalar for Year {
    const EXPECTED: &'static str = "a four-digit year";
    fn schema() -> RefOr<Schema> {
        integer_schema(i64::from(Year::MIN), i64::from(Year::MAX))
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        Year::try_from(value).map_err(|e| ApiError::from_invalid(name, e))
    }
}

impl ListItem for Year {
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        <Year as Scalar>::parse(name, value)
    }
}

impl ListItem for GroupId {
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        GroupId::try_from(value).map_err(|e| ApiError::from_invalid(name, e))
    }
}

/// A partner as given: a code or alias, resolved against the partners the
/// read model knows (some only a source named) when the query runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerArg(pub String);

impl ListItem for PartnerArg {
    fn parse(_name: &'static str, value: &str) -> Result<Self, ApiError> {
        Ok(PartnerArg(value.to_owned()))
    }
}

/// A sort key as given (`-value_usd`), checked against the record type's
/// sort keys when the query runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortArg(pub String);

impl ListItem for SortArg {
    fn parse(_name: &'static str, value: &str) -> Result<Self, ApiError> {
        Ok(SortArg(value.to_owned()))
    }
}

/// A dataset id as given, looked up in the read model when the query runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetArg(pub String);

impl Scalar for DatasetArg {
    const EXPECTED: &'static str = "the id of a dataset (see /v1/datasets)";
    fn schema() -> RefOr<Schema> {
        string_schema()
    }
    fn parse(_name: &'static str, value: &str) -> Result<Self, ApiError> {
        Ok(DatasetArg(value.to_owned()))
    }
}

impl Scalar for String {
    const EXPECTED: &'static str = "a text";
    fn schema() -> RefOr<Schema> {
        string_schema()
    }
    fn parse(_name: &'static str, value: &str) -> Result<Self, ApiError> {
        Ok(value.to_owned())
    }
}

impl Scalar for bool {
    const EXPECTED: &'static str = "true or false";
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(Object::with_type(SchemaType::Type(
            Type::Boolean,
        ))))
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ApiError::InvalidParameter {
                parameter: name.to_owned(),
                value: value.to_owned(),
                expected: "expected true or false".to_owned(),
                allowed: vec!["true".into(), "false".into()],
            }),
        }
    }
}

/// A whole number within bounds.
macro_rules! bounded_number {
    ($(#[$meta:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub usize);

        impl Scalar for $name {
            const EXPECTED: &'static str = "a whole number";
            fn schema() -> RefOr<Schema> {
                integer_schema($min as i64, $max as i64)
            }
            fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| ($min..=$max).contains(n))
                    .map($name)
                    .ok_or_else(|| {
                        ApiError::invalid(
                            name,
                            value,
                            format!("a whole number from {} to {}", $min, $max),
                        )
                    })
            }
        }
    };
}

bounded_number!(
    /// A page size.
    Limit,
    1usize,
    MAX_LIMIT
);
bounded_number!(
    /// Records to skip.
    Offset,
    0usize,
    MAX_OFFSET
);

/// Response format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormatParam {
    Json,
    Csv,
}

impl Scalar for FormatParam {
    const EXPECTED: &'static str = "json or csv";
    fn schema() -> RefOr<Schema> {
        component::<FormatParam>()
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        if value.eq_ignore_ascii_case("json") {
            Ok(FormatParam::Json)
        } else if value.eq_ignore_ascii_case("csv") {
            Ok(FormatParam::Csv)
        } else {
            Err(ApiError::InvalidParameter {
                parameter: name.to_owned(),
                value: value.to_owned(),
                expected: "expected one of json, csv".to_owned(),
                allowed: vec!["json".into(), "csv".into()],
            })
        }
    }
}

/// The format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Markdown,
}

impl Scalar for ReportFormat {
    const EXPECTED: &'static str = "json or markdown";
    fn schema() -> RefOr<Schema> {
        component::<ReportFormat>()
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        match value.to_ascii_lowercase().as_str() {
            "json" => Ok(ReportFormat::Json),
            "markdown" | "md" => Ok(ReportFormat::Markdown),
            _ => Err(ApiError::InvalidParameter {
                parameter: name.to_owned(),
                value: value.to_owned(),
                expected: "expected one of json, markdown".to_owned(),
                allowed: vec!["json".into(), "markdown".into()],
            }),
        }
    }
}

/// A trade flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlowParam {
    Imports,
    Exports,
}

impl FlowParam {
    pub fn flow(self) -> Flow {
        match self {
            FlowParam::Imports => Flow::Imports,
            FlowParam::Exports => Flow::Exports,
        }
    }
}

impl Scalar for FlowParam {
    const EXPECTED: &'static str = "imports or exports";
    fn schema() -> RefOr<Schema> {
        component::<FlowParam>()
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        match Flow::try_from(value).map_err(|e| ApiError::from_invalid(name, e))? {
            Flow::Imports => Ok(FlowParam::Imports),
            Flow::Exports => Ok(FlowParam::Exports),
        }
    }
}

/// A trade flow, or the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeasureParam {
    Imports,
    Exports,
    Balance,
}

impl MeasureParam {
    pub fn measure(self) -> GrowthMeasure {
        match self {
            MeasureParam::Imports => GrowthMeasure::Flow(Flow::Imports),
            MeasureParam::Exports => GrowthMeasure::Flow(Flow::Exports),
            MeasureParam::Balance => GrowthMeasure::Balance,
        }
    }
}

impl Scalar for MeasureParam {
    const EXPECTED: &'static str = "imports, exports or balance";
    fn schema() -> RefOr<Schema> {
        component::<MeasureParam>()
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        match value.to_ascii_lowercase().as_str() {
            "imports" => Ok(MeasureParam::Imports),
            "exports" => Ok(MeasureParam::Exports),
            "balance" => Ok(MeasureParam::Balance),
            _ => Err(ApiError::InvalidParameter {
                parameter: name.to_owned(),
                value: value.to_owned(),
                expected: "expected one of imports, exports, balance".to_owned(),
                allowed: vec!["imports".into(), "exports".into(), "balance".into()],
            }),
        }
    }
}

// ---------------------------------------------------------------------------
// Resolving parameters against the read model

/// The dataset a query names, or the default one.
pub fn dataset<'m>(
    model: &'m ReadModel,
    given: Option<&DatasetArg>,
) -> Result<&'m DatasetView, ApiError> {
    match given {
        Some(DatasetArg(id)) => model.dataset(id).ok_or_else(|| ApiError::InvalidParameter {
            parameter: "dataset".to_owned(),
            value: id.clone(),
            expected: "the id of a dataset (see /v1/datasets)".to_owned(),
            allowed: model.datasets().iter().map(|d| d.id().to_owned()).collect(),
        }),
        None => model
            .default_dataset()
            .ok_or_else(|| ApiError::Unavailable("no dataset is loaded".to_owned())),
    }
}

/// `year` (list) or `from`/`to` (range), not both.
pub fn years(
    year: Option<&List<Year>>,
    from: Option<Year>,
    to: Option<Year>,
) -> Result<YearFilter, ApiError> {
    if let Some(list) = year
        && (from.is_some() || to.is_some())
    {
        let shown: Vec<String> = list.values().iter().map(Year::to_string).collect();
        return Err(ApiError::invalid(
            "year",
            &shown.join(","),
            "either year or from/to, not both",
        ));
    }
    if let (Some(f), Some(t)) = (from, to) {
        YearRange::new(f, t).map_err(|e| ApiError::from_invalid("from", e))?;
    }
    if let Some(list) = year {
        return Ok(YearFilter::List(list.values().to_vec()));
    }
    Ok(match (from, to) {
        (None, None) => YearFilter::All,
        (from, to) => YearFilter::Range { from, to },
    })
}

/// `group` and `partner` (resolved against the model) and the years.
pub fn selection(
    model: &ReadModel,
    groups: Option<&List<GroupId>>,
    partners: Option<&List<PartnerArg>>,
    years: YearFilter,
) -> Result<Selection, ApiError> {
    Ok(Selection {
        groups: groups.map(|g| g.values().to_vec()),
        partners: partners
            .map(|p| {
                p.values()
                    .iter()
                    .map(|PartnerArg(v)| {
                        model
                            .parse_partner(v)
                            .map_err(|e| ApiError::from_invalid("partner", e))
                    })
                    .collect::<Result<Vec<PartnerCode>, _>>()
            })
            .transpose()?,
        years,
    })
}

/// `from` and `to` of a growth query: `from` before `to`.
pub fn period(from: Year, to: Year) -> Result<(Year, Year), ApiError> {
    if from >= to {
        return Err(ApiError::invalid(
            "from",
            &from.to_string(),
            format!("a year before `to` ({to})"),
        ));
    }
    Ok((from, to))
}

/// Paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    pub offset: usize,
}

impl PageRequest {
    pub fn new(limit: Option<Limit>, offset: Option<Offset>) -> PageRequest {
        PageRequest {
            limit: limit.map_or(DEFAULT_LIMIT, |l| l.0),
            offset: offset.map_or(0, |o| o.0),
        }
    }

    /// One page holding every record.
    pub fn all(records: usize) -> PageRequest {
        PageRequest {
            limit: records.max(1),
            offset: 0,
        }
    }
}

/// The response format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

/// `format=json|csv`, else what `Accept` asked for.
pub fn chosen(given: Option<FormatParam>, accept: Format) -> Format {
    match given {
        Some(FormatParam::Json) => Format::Json,
        Some(FormatParam::Csv) => Format::Csv,
        None => accept,
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

/// Records that can be sorted: their sort keys, declared once per type.
pub trait Sortable {
    /// The field names a `sort` parameter may name.
    const SORT_KEYS: &'static [&'static str];
    /// The value of the `i`-th sort key.
    fn sort_value(&self, key: usize) -> crate::respond::SortValue;
}

/// A parsed `sort`: indexes into `R::SORT_KEYS`, each with its direction
/// (`true` descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortOrder(pub Vec<(usize, bool)>);

/// `sort=field,-field`: fields of the records, `-` for descending.
pub fn sort<R: Sortable>(given: Option<&List<SortArg>>) -> Result<SortOrder, ApiError> {
    let allowed = R::SORT_KEYS;
    given
        .map(List::values)
        .unwrap_or_default()
        .iter()
        .map(|SortArg(s)| {
            let (desc, name) = match s.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, s.strip_prefix('+').unwrap_or(s)),
            };
            match allowed.iter().position(|a| *a == name) {
                Some(i) => Ok((i, desc)),
                None => Err(ApiError::InvalidParameter {
                    parameter: "sort".to_owned(),
                    value: s.clone(),
                    expected: format!(
                        "a field to sort by, `-` before it for descending: {}",
                        allowed.join(", ")
                    ),
                    allowed: allowed.iter().map(|a| (*a).to_owned()).collect(),
                }),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(SortOrder)
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::query_params! {
        /// Parameters of a test endpoint.
        pub struct Sample {
            /// Years.
            #[example = "2024"]
            year: Option<List<Year>>,
            /// Start year.
            #[missing = "the start year"]
            from: Year,
            /// Page size.
            limit: Option<Limit>,
        }
    }

    fn parse(qs: &str) -> Result<Sample, ApiError> {
        Sample::from_query(&RawQuery::parse(qs, Sample::NAMES)?)
    }

    #[test]
    fn one_struct_parses_and_documents() {
        let s = parse("year=2014,2024&year=2020&from=2000&limit=5").unwrap();
        assert_eq!(s.year.unwrap().values().len(), 3);
        assert_eq!(s.from.get(), 2000);
        assert_eq!(s.limit, Some(Limit(5)));
        let params = <Sample as utoipa::IntoParams>::into_params(|| None);
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, Sample::NAMES);
        assert_eq!(names, ["year", "from", "limit"]);
        let json = serde_json::to_value(&params).unwrap();
        assert_eq!(json[1]["required"], true);
        assert_eq!(json[0]["required"], false);
        assert_eq!(json[0]["example"], "2024");
        assert_eq!(json[2]["schema"]["maximum"], 10000);
    }

    #[test]
    fn errors_name_the_parameter() {
        let e = parse("from=2000&bogus=1").unwrap_err();
        assert!(
            matches!(e, ApiError::InvalidParameter { ref parameter, .. } if parameter == "bogus")
        );
        let e = parse("year=2024").unwrap_err();
        assert!(
            e.to_string()
                .contains("a value is required: the start year"),
            "{e}"
        );
        let e = parse("from=2000&from=2001").unwrap_err();
        assert!(e.to_string().contains("repeated"), "{e}");
        let e = parse("from=2000&limit=0").unwrap_err();
        assert!(e.to_string().contains("from 1 to 10000"), "{e}");
    }

    #[test]
    fn lists_are_capped_and_deduplicated() {
        let s = parse("from=2000&year=2024,2014,2024&year=2014").unwrap();
        let years: Vec<u16> = s.year.unwrap().values().iter().map(|y| y.get()).collect();
        assert_eq!(years, [2024, 2014], "first occurrence first, each once");
        let many = vec!["2024"; MAX_LIST_VALUES + 1].join(",");
        let e = parse(&format!("from=2000&year={many}")).unwrap_err();
        assert!(e.to_string().contains("at most 300 values"), "{e}");
        let ApiError::InvalidParameter { value, .. } = e else {
            panic!("{e}")
        };
        assert!(value.len() < 100, "the value is not echoed whole: {value}");
        let params = <Sample as utoipa::IntoParams>::into_params(|| None);
        let json = serde_json::to_value(&params).unwrap();
        assert!(
            json[0]["description"]
                .as_str()
                .unwrap()
                .ends_with("At most 300 values; a value given twice counts once.")
        );
    }
}
