//! Query parameters: each endpoint's parameters are one struct, declared
//! with [`query_params!`], which both parses the query string into domain
//! values and documents the parameters in the OpenAPI document. Errors name
//! the parameter, the value and what is allowed. Unknown parameters are
//! refused (a typo must not silently widen a query).

use actix_web::HttpRequest;
use actix_web::http::header;
use atp_core::{Flow, Frequency, GroupId, Measure, PartnerCode, Period, Year};
use atp_query::series::{Rolling, Transform, Units};
use atp_query::{DatasetView, DatasetVintages, GrowthMeasure, PeriodFilter, ReadModel, Selection};
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
    /// The decoded names and values, one after another: one allocation for
    /// the whole query instead of two a pair (BENCHMARKS.md, issue 13).
    text: String,
    /// Where each pair's name ends and its value ends in `text` (the name
    /// starts where the previous value ends).
    ends: Vec<(usize, usize)>,
    /// The path asked for (empty when unknown): a listing's page links.
    path: String,
}

impl RawQuery {
    /// Parses a query string and refuses parameters not in `allowed`.
    pub fn parse(query_string: &str, allowed: &[&str]) -> Result<RawQuery, ApiError> {
        // `+` is a space, `%XX` a byte, bytes that are not UTF-8 become
        // U+FFFD (which no parameter takes: the value is then refused by
        // name); empty pairs (`a=1&&b=2`) are skipped. Decoding never
        // lengthens the text (`%FF`, three bytes, becomes U+FFFD, three).
        let mut q = RawQuery {
            text: String::with_capacity(query_string.len()),
            ends: Vec::with_capacity(query_string.bytes().filter(|b| *b == b'&').count() + 1),
            path: String::new(),
        };
        for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
            q.text.push_str(&name);
            let name_end = q.text.len();
            q.text.push_str(&value);
            q.ends.push((name_end, q.text.len()));
        }
        for (name, value) in q.pairs() {
            // `lang` is taken everywhere: it chooses the language of the
            // problems (and of names and labels where the endpoint has them).
            if name == "lang" && !allowed.contains(&"lang") {
                <LangParam as Scalar>::parse("lang", value)?;
                continue;
            }
            if !allowed.contains(&name) {
                let mut taken: Vec<&str> = allowed.to_vec();
                if !taken.contains(&"lang") {
                    taken.push("lang");
                }
                return Err(ApiError::InvalidParameter {
                    parameter: name.to_owned(),
                    value: value.to_owned(),
                    expected: format!(
                        "unknown parameter; this endpoint takes {}",
                        taken.join(", ")
                    ),
                    allowed: taken.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
        }
        Ok(q)
    }

    /// The pairs, in the order given.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.ends.iter().map(move |&(name_end, value_end)| {
            let pair = (&self.text[start..name_end], &self.text[name_end..value_end]);
            start = value_end;
            pair
        })
    }

    /// The values of a parameter, as given (each may be a list).
    fn given(&self, name: &str) -> impl Iterator<Item = &str> {
        self.pairs()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The query as asked at `path` (so that a listing can link its pages).
    pub fn at(mut self, path: &str) -> RawQuery {
        path.clone_into(&mut self.path);
        self
    }

    /// Where the pages of a listing asked with this query are.
    pub fn page_links(&self) -> Option<crate::respond::PageLinks> {
        (!self.path.is_empty()).then(|| crate::respond::PageLinks::new(&self.path, self.pairs()))
    }

    /// Every value of a parameter: repeated parameters and comma-separated
    /// lists both work.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.values(name).collect()
    }

    /// [`RawQuery::list`] as an iterator.
    pub fn values(&self, name: &str) -> impl Iterator<Item = &str> {
        self.given(name)
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// How many pairs the query has.
    pub fn pair_count(&self) -> usize {
        self.ends.len()
    }

    /// How many times a parameter is given (empty values too).
    pub fn occurrences(&self, name: &str) -> usize {
        self.given(name).count()
    }

    /// A parameter that takes one value.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.given(name).map(str::trim);
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(v), None) if v.is_empty() => Err(ApiError::invalid(
                name,
                v,
                "a value (the parameter is empty)",
            )),
            (Some(v), None) => Ok(Some(v)),
            (Some(first), Some(second)) => {
                let all: Vec<&str> = [first, second].into_iter().chain(values).collect();
                Err(ApiError::invalid(
                    name,
                    &all.join(","),
                    "one value (the parameter is repeated)",
                ))
            }
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
    let g = groups.map_or(ds.group_ids.len(), |l| l.values().len());
    let p = partners.map_or(ds.partners.len(), |l| l.values().len());
    let y = periods.unwrap_or(ds.periods.len());
    g.saturating_mul(p).saturating_mul(y)
}

/// The type of one query parameter: how it is parsed from the query string
/// and how the spec describes it.
pub trait ParamType: Sized {
    /// Whether the parameter must be given.
    const REQUIRED: bool;
    /// Whether it takes a list (its description then states the cap).
    const IS_LIST: bool = false;
    /// Its description where the field declaring it has none.
    const DESCRIPTION: &'static str = "";
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
    /// The list parameter's description where the field declaring it has
    /// none.
    const DESCRIPTION: &'static str = "";
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError>;
}

impl<T: ListItem> ParamType for Option<List<T>> {
    const REQUIRED: bool = false;
    const IS_LIST: bool = true;
    const DESCRIPTION: &'static str = T::DESCRIPTION;
    /// An array of strings: repeat the parameter (`group=a&group=b`, how
    /// generated clients send arrays) or separate values with commas.
    fn schema() -> RefOr<Schema> {
        let mut a = utoipa::openapi::schema::Array::new(string_schema());
        a.max_items = Some(MAX_LIST_VALUES);
        RefOr::T(Schema::Array(a))
    }
    /// At most [`MAX_LIST_VALUES`] values; a value given twice counts once
    /// (so no query does the same work twice), first occurrence first.
    fn from_query(
        q: &RawQuery,
        name: &'static str,
        _missing: Option<&'static str>,
    ) -> Result<Self, ApiError> {
        let values = q.list(name);
        // The spec's maxItems counts the parameter's repetitions, empty
        // ones too (`period=&period=&...`).
        let given = values.len().max(q.occurrences(name));
        if given > MAX_LIST_VALUES {
            let shown = values.iter().take(5).copied().collect::<Vec<_>>().join(",");
            return Err(ApiError::invalid(
                name,
                &format!("{shown},... ({given} values)"),
                format!("at most {MAX_LIST_VALUES} values"),
            ));
        }
        if values.is_empty() {
            return Ok(None);
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

pub fn integer_schema(min: i64, max: i64) -> RefOr<Schema> {
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
    if description.is_empty() {
        T::DESCRIPTION.clone_into(&mut description);
    }
    if T::IS_LIST {
        description.push_str(&format!(
            " Repeat the parameter or separate values with commas; at most {MAX_LIST_VALUES} \
             values; a value given twice counts once."
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
        // A list's example is an array, as its schema says.
        let example = match (T::IS_LIST, example) {
            (true, serde_json::Value::String(s)) => serde_json::Value::Array(
                s.split(',')
                    .map(|v| serde_json::Value::String(v.to_owned()))
                    .collect(),
            ),
            (_, e) => e,
        };
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

/// A period as given: a year (`2024`), a month (`2024-03`), or `latest`
/// (the dataset's last period of the frequency asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodArg {
    Period(Period),
    Latest,
}

impl PeriodArg {
    pub fn shown(&self) -> String {
        match self {
            PeriodArg::Period(p) => p.to_string(),
            PeriodArg::Latest => "latest".to_owned(),
        }
    }

    fn frequency(&self) -> Option<Frequency> {
        match self {
            PeriodArg::Period(p) => Some(p.frequency()),
            PeriodArg::Latest => None,
        }
    }
}

fn period_schema() -> RefOr<Schema> {
    let mut o = Object::with_type(SchemaType::Type(Type::String));
    o.pattern = Some(r"^([0-9]{4}(-(0[1-9]|1[0-2]))?|latest)$".to_owned());
    RefOr::T(Schema::Object(o))
}

impl Scalar for PeriodArg {
    const EXPECTED: &'static str = "a year (YYYY), a month (YYYY-MM) or latest";
    fn schema() -> RefOr<Schema> {
        period_schema()
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        if value.trim().eq_ignore_ascii_case("latest") {
            return Ok(PeriodArg::Latest);
        }
        Period::parse_as(name, value)
            .map(PeriodArg::Period)
            .map_err(|e| ApiError::from_invalid(name, e))
    }
}

impl ListItem for PeriodArg {
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        <PeriodArg as Scalar>::parse(name, value)
    }
}

/// A date, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateArg(pub String);

impl Scalar for DateArg {
    const EXPECTED: &'static str = "a date, YYYY-MM-DD";
    fn schema() -> RefOr<Schema> {
        let mut o = Object::with_type(SchemaType::Type(Type::String));
        o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Date));
        RefOr::T(Schema::Object(o))
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        let v = value.trim();
        atp_core::catalog::check_date(name, v).map_err(|e| ApiError::from_invalid(name, e))?;
        Ok(DateArg(v.to_owned()))
    }
}

/// Enumerated parameters: a fixed list of names, a schema component
/// listing them, and an error that lists them.
macro_rules! named_param {
    // `$text` is a `tt`, not a `literal`: a `literal` fragment reaches
    // utoipa's derive wrapped in an invisible group, which it does not read
    // as a `rename`, and the schema listed the variants' Rust names
    // (`Annual`) instead of the values the server takes (`annual`).
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:tt),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
        pub enum $name {
            $( #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),*];
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
        }

        impl Scalar for $name {
            const EXPECTED: &'static str = concat!("one of ", $($text, " "),*);
            fn schema() -> RefOr<Schema> {
                component::<$name>()
            }
            fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
                let v = value.trim();
                $( if v.eq_ignore_ascii_case($text) { return Ok($name::$variant); } )*
                Err(ApiError::InvalidParameter {
                    parameter: name.to_owned(),
                    value: value.to_owned(),
                    expected: format!("expected one of {}", Self::NAMES.join(", ")),
                    allowed: Self::NAMES.iter().map(|s| (*s).to_owned()).collect(),
                })
            }
        }

        impl ListItem for $name {
            fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
                <$name as Scalar>::parse(name, value)
            }
        }
    };
}

named_param!(
    /// What the cells of a decomposition are: `partner` (the partners of a
    /// group, within the world), `group` (the ATP groups of a partner,
    /// within `all`), `partner,group` (both, within the world's `all`).
    DecomposeByParam {
        Partner => "partner",
        Group => "group",
        PartnerGroup => "partner,group",
    }
);

impl DecomposeByParam {
    pub fn by(self) -> atp_query::decomposition::DecomposeBy {
        use atp_query::decomposition::DecomposeBy;
        match self {
            DecomposeByParam::Partner => DecomposeBy::Partner,
            DecomposeByParam::Group => DecomposeBy::Group,
            DecomposeByParam::PartnerGroup => DecomposeBy::PartnerGroup,
        }
    }
}

named_param!(
    /// An indicator: `top1_share` and `top3_share` (the share of a group's
    /// world imports or exports held by the largest listed partner, by the
    /// three largest), `hhi` (Herfindahl-Hirschman index over the listed
    /// partners), `tsi` (trade specialisation index of a partner),
    /// `atp_share` (ATP's share of all goods traded with a partner).
    IndicatorParam {
        Top1Share => "top1_share",
        Top3Share => "top3_share",
        Hhi => "hhi",
        Tsi => "tsi",
        AtpShare => "atp_share",
    }
);

impl IndicatorParam {
    pub fn indicator(self) -> atp_query::indicators::Indicator {
        use atp_query::indicators::Indicator;
        match self {
            IndicatorParam::Top1Share => Indicator::Top1Share,
            IndicatorParam::Top3Share => Indicator::Top3Share,
            IndicatorParam::Hhi => Indicator::Hhi,
            IndicatorParam::Tsi => Indicator::Tsi,
            IndicatorParam::AtpShare => Indicator::AtpShare,
        }
    }
}

named_param!(
    /// The language of names, labels and messages: `en` or `ko`; without
    /// it, the `Accept-Language` header decides (English unless it prefers
    /// Korean). Codes, field names and values never change with it.
    LangParam {
        En => "en",
        Ko => "ko",
    }
);

named_param!(
    /// What to put inline in each record: `names` (`group_name` after
    /// `group`, `partner_name` after `partner`, in the language of `lang`).
    IncludeParam {
        Names => "names",
    }
);

named_param!(
    /// The header row of CSV: `names` (the field names, as in JSON; the
    /// default) or `labels` (labels for people, in the language of `lang`).
    HeaderParam {
        Names => "names",
        Labels => "labels",
    }
);

/// A field of a listing's records as given (`value_usd`), checked against
/// the record type's fields when the query runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName(pub String);

impl ListItem for FieldName {
    const DESCRIPTION: &'static str = "Only these fields of each record (in the record's order), \
        for lean answers: any field of the records, and `group_name` or `partner_name` (the \
        names, as with `include=names`). An unknown field is refused with the list of the \
        record's fields. The records then hold only the fields named, so the record schema's \
        required fields do not apply: read such answers as plain JSON or CSV.";
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(FieldName(value.to_owned()))
        } else {
            Err(ApiError::invalid(
                name,
                value,
                "a field name of the records (lower-case letters, digits and _)",
            ))
        }
    }
}

named_param!(
    /// The file format of a dataset download: `csv` (gzip-compressed on
    /// the wire when the client accepts gzip) or `parquet`.
    DownloadFormat {
        Csv => "csv",
        Parquet => "parquet",
    }
);

named_param!(
    /// The cells of a waterfall: `group` or `partner`.
    WaterfallBy {
        Group => "group",
        Partner => "partner",
    }
);

named_param!(
    /// How often a series has a value: `annual` (years) or `monthly`.
    FrequencyParam {
        Annual => "annual",
        Monthly => "monthly",
    }
);

impl FrequencyParam {
    pub fn frequency(self) -> Frequency {
        match self {
            FrequencyParam::Annual => Frequency::Annual,
            FrequencyParam::Monthly => Frequency::Monthly,
        }
    }
}

named_param!(
    /// A series transform, as FRED names them: `lin` (the level), `chg`
    /// (change from the previous period), `ch1` (change from a year ago),
    /// `pch` (percent change from the previous period), `pc1` (percent
    /// change from a year ago), `pca` (compounded annual rate of change),
    /// `log` (natural log).
    UnitsParam {
        Lin => "lin",
        Chg => "chg",
        Ch1 => "ch1",
        Pch => "pch",
        Pc1 => "pc1",
        Pca => "pca",
        Log => "log",
    }
);

named_param!(
    /// A rolling sum of a monthly series: `trailing-12` (the twelve months
    /// to the period) or `year-to-date` (January to the period).
    RollingParam {
        Trailing12 => "trailing-12",
        YearToDate => "year-to-date",
    }
);

/// `units` and `rolling`, checked against the frequency.
pub fn transform(
    units: Option<UnitsParam>,
    rolling: Option<RollingParam>,
    frequency: Frequency,
) -> Result<Transform, ApiError> {
    let units = units.map_or(Units::Lin, |u| {
        Units::from_name(u.as_str()).unwrap_or(Units::Lin)
    });
    let rolling = rolling.and_then(|r| Rolling::from_name(r.as_str()));
    if let Some(r) = rolling
        && frequency != Frequency::Monthly
    {
        return Err(ApiError::invalid(
            "rolling",
            r.as_str(),
            "frequency=monthly: rolling sums add up months",
        ));
    }
    Ok(Transform { units, rolling })
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

impl Scalar for PartnerArg {
    const EXPECTED: &'static str = "a partner code (see /v1/partners)";
    fn schema() -> RefOr<Schema> {
        string_schema()
    }
    fn parse(_name: &'static str, value: &str) -> Result<Self, ApiError> {
        Ok(PartnerArg(value.to_owned()))
    }
}

impl Scalar for GroupId {
    const EXPECTED: &'static str = "a group (see /v1/groups)";
    fn schema() -> RefOr<Schema> {
        string_schema()
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        GroupId::try_from(value).map_err(|e| ApiError::from_invalid(name, e))
    }
}

/// A partner resolved against the read model, named `partner` in errors.
pub fn partner(model: &ReadModel, p: &PartnerArg) -> Result<PartnerCode, ApiError> {
    model
        .parse_partner(&p.0)
        .map_err(|e| ApiError::from_invalid("partner", e))
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

impl ListItem for MeasureParam {
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        <MeasureParam as Scalar>::parse(name, value)
    }
}

// ---------------------------------------------------------------------------
// Resolving parameters against the read model

fn no_dataset(model: &ReadModel, id: &str) -> ApiError {
    ApiError::InvalidParameter {
        parameter: "dataset".to_owned(),
        value: id.to_owned(),
        expected: "the id of a dataset (see /v1/datasets)".to_owned(),
        allowed: model.datasets().iter().map(|d| d.id().to_owned()).collect(),
    }
}

/// The dataset a query names, or the default one (its latest vintage).
pub fn dataset<'m>(
    model: &'m ReadModel,
    given: Option<&DatasetArg>,
) -> Result<&'m DatasetView, ApiError> {
    match given {
        Some(DatasetArg(id)) => model.dataset(id).ok_or_else(|| no_dataset(model, id)),
        None => model
            .default_dataset()
            .ok_or_else(|| ApiError::Unavailable("no dataset is loaded".to_owned())),
    }
}

/// A dataset's vintages, named or the default dataset's.
pub fn vintages<'m>(
    model: &'m ReadModel,
    given: Option<&DatasetArg>,
) -> Result<&'m DatasetVintages, ApiError> {
    let id = match given {
        Some(DatasetArg(id)) => id.as_str(),
        None => model
            .default_dataset_id()
            .ok_or_else(|| ApiError::Unavailable("no dataset is loaded".to_owned()))?,
    };
    model.vintages(id).ok_or_else(|| no_dataset(model, id))
}

/// One vintage of a dataset by id.
pub fn vintage_of<'m>(
    vintages: &'m DatasetVintages,
    parameter: &'static str,
    vintage: &str,
) -> Result<&'m DatasetView, ApiError> {
    vintages
        .vintage(vintage)
        .ok_or_else(|| ApiError::InvalidParameter {
            parameter: parameter.to_owned(),
            value: vintage.to_owned(),
            expected: format!(
                "a vintage of dataset {} (see /v1/datasets/{}/vintages)",
                vintages.id(),
                vintages.id()
            ),
            allowed: vintages.all().map(|v| v.vintage().to_owned()).collect(),
        })
}

/// The vintages a download names, oldest first: `vintage=` an id, `all`,
/// or by default the latest. An unknown id is refused naming the vintages
/// and `all`.
pub fn download_vintages<'m>(
    vintages: &'m DatasetVintages,
    given: Option<&str>,
) -> Result<Vec<&'m DatasetView>, ApiError> {
    match given {
        None => Ok(vec![vintages.latest()]),
        Some("all") => Ok(vintages.all().collect()),
        Some(v) => vintages.vintage(v).map(|view| vec![view]).ok_or_else(|| {
            let id = vintages.id();
            ApiError::InvalidParameter {
                parameter: "vintage".to_owned(),
                value: v.to_owned(),
                expected: format!(
                    "a vintage of dataset {id} (see /v1/datasets/{id}/vintages), or all"
                ),
                allowed: vintages
                    .all()
                    .map(|v| v.vintage().to_owned())
                    .chain(["all".to_owned()])
                    .collect(),
            }
        }),
    }
}

/// The dataset and vintage a query names: `vintage=` (an id), or
/// `as_of=DATE` (the latest vintage known on that day), or the latest.
pub fn dataset_vintage<'m>(
    model: &'m ReadModel,
    dataset: Option<&DatasetArg>,
    vintage: Option<&String>,
    as_of: Option<&DateArg>,
) -> Result<&'m DatasetView, ApiError> {
    if vintage.is_none() && as_of.is_none() {
        return self::dataset(model, dataset);
    }
    let all = vintages(model, dataset)?;
    match (vintage, as_of) {
        (Some(v), Some(_)) => Err(ApiError::invalid(
            "vintage",
            v,
            "either vintage or as_of, not both",
        )),
        (Some(v), None) => vintage_of(all, "vintage", v),
        (None, Some(DateArg(date))) => all.as_of(date).ok_or_else(|| {
            let first = all
                .all()
                .map(|v| v.stored.known_since())
                .min()
                .unwrap_or("");
            ApiError::invalid(
                "as_of",
                date,
                format!(
                    "a date on or after {first}, when the first vintage of {} became known",
                    all.id()
                ),
            )
        }),
        (None, None) => Ok(all.latest()),
    }
}

/// The period of `latest` in a dataset for a frequency.
fn latest(
    ds: &DatasetView,
    frequency: Frequency,
    parameter: &'static str,
) -> Result<Period, ApiError> {
    ds.periods_of(frequency).last().copied().ok_or_else(|| {
        ApiError::invalid(
            parameter,
            "latest",
            format!(
                "a period the dataset has: it has no {frequency} figures (its frequencies: {})",
                ds.frequencies()
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// A given period in a frequency: a year asked for monthly stands for its
/// months (`first`: January, else December); a month asked for annually
/// is an error.
fn in_frequency(
    parameter: &'static str,
    p: Period,
    frequency: Frequency,
    first: bool,
) -> Result<Period, ApiError> {
    match (p.frequency(), frequency) {
        (f, g) if f == g => Ok(p),
        (Frequency::Annual, Frequency::Monthly) => {
            let mut months = Period::months_of(p.year());
            let month = if first { months.next() } else { months.last() };
            month.ok_or_else(|| ApiError::invalid(parameter, &p.to_string(), "a period"))
        }
        _ => Err(ApiError::invalid(
            parameter,
            &p.to_string(),
            "a year (YYYY) with frequency=annual; for months, frequency=monthly",
        )),
    }
}

/// The frequency and periods of a query: `frequency` if given, else
/// monthly when a period is a month, else annual; `period` (or its alias
/// `year`) as a list, or `from`/`to` as a range, not both; `latest` is the
/// dataset's last period of the frequency.
pub fn periods(
    ds: &DatasetView,
    frequency: Option<FrequencyParam>,
    period: Option<&List<PeriodArg>>,
    year: Option<&List<PeriodArg>>,
    from: Option<PeriodArg>,
    to: Option<PeriodArg>,
) -> Result<(Frequency, PeriodFilter), ApiError> {
    let (list_name, list) = match (period, year) {
        (Some(p), Some(_)) => {
            let shown: Vec<String> = p.values().iter().map(PeriodArg::shown).collect();
            return Err(ApiError::invalid(
                "period",
                &shown.join(","),
                "either period or year (its older name), not both",
            ));
        }
        (Some(p), None) => ("period", Some(p)),
        (None, Some(y)) => ("year", Some(y)),
        (None, None) => ("period", None),
    };
    if let Some(list) = list
        && (from.is_some() || to.is_some())
    {
        let shown: Vec<String> = list.values().iter().map(PeriodArg::shown).collect();
        return Err(ApiError::invalid(
            list_name,
            &shown.join(","),
            format!("either {list_name} or from/to, not both"),
        ));
    }
    let given = list
        .map(List::values)
        .unwrap_or_default()
        .iter()
        .chain(from.iter())
        .chain(to.iter())
        .filter_map(PeriodArg::frequency);
    let frequency = match frequency {
        Some(f) => f.frequency(),
        None if given.clone().any(|f| f == Frequency::Monthly) => Frequency::Monthly,
        None => Frequency::Annual,
    };
    let resolve = |name: &'static str, arg: PeriodArg, first: bool| match arg {
        PeriodArg::Latest => latest(ds, frequency, name),
        PeriodArg::Period(p) => in_frequency(name, p, frequency, first),
    };
    if let Some(list) = list {
        let mut out = Vec::new();
        for arg in list.values() {
            match *arg {
                // A year asked for monthly: its twelve months.
                PeriodArg::Period(p) if p.is_annual() && frequency == Frequency::Monthly => {
                    out.extend(Period::months_of(p.year()));
                }
                a => out.push(resolve(list_name, a, true)?),
            }
        }
        out.sort_unstable();
        out.dedup();
        return Ok((frequency, PeriodFilter::List(out)));
    }
    let from = from.map(|f| resolve("from", f, true)).transpose()?;
    let to = to.map(|t| resolve("to", t, false)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(ApiError::invalid(
            "from",
            &f.to_string(),
            format!("a period not later than `to` ({t})"),
        ));
    }
    Ok((
        frequency,
        match (from, to) {
            (None, None) => PeriodFilter::All,
            (from, to) => PeriodFilter::Range { from, to },
        },
    ))
}

/// `group` and `partner` (resolved against the model), the frequency and
/// the periods.
pub fn selection(
    model: &ReadModel,
    groups: Option<&List<GroupId>>,
    partners: Option<&List<PartnerArg>>,
    (frequency, periods): (Frequency, PeriodFilter),
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
        frequency,
        periods,
    })
}

/// `from` and `to` of a growth query: periods of one frequency, `from`
/// before `to`; `latest` is the dataset's last period of that frequency.
pub fn growth_periods(
    ds: &DatasetView,
    frequency: Option<FrequencyParam>,
    from: PeriodArg,
    to: PeriodArg,
) -> Result<(Period, Period), ApiError> {
    let given = frequency.map(FrequencyParam::frequency);
    let frequency = given
        .or(from.frequency())
        .or(to.frequency())
        .unwrap_or(Frequency::Annual);
    let resolve = |name, arg| match arg {
        PeriodArg::Latest => latest(ds, frequency, name),
        PeriodArg::Period(p) if p.frequency() == frequency => Ok(p),
        PeriodArg::Period(p) if given.is_some() => Err(frequency_mismatch(name, p, frequency)),
        PeriodArg::Period(p) => Err(ApiError::invalid(
            name,
            &p.to_string(),
            "expected a period of the same frequency as the other end: two years, or two months",
        )),
    };
    let (from, to) = (resolve("from", from)?, resolve("to", to)?);
    if from >= to {
        return Err(ApiError::invalid(
            "from",
            &from.to_string(),
            format!("expected a period before `to` ({to})"),
        ));
    }
    Ok((from, to))
}

/// A period that is not of the frequency asked for.
fn frequency_mismatch(name: &'static str, p: Period, frequency: Frequency) -> ApiError {
    ApiError::invalid(
        name,
        &p.to_string(),
        format!(
            "expected a period of frequency={frequency} ({}), or latest",
            match frequency {
                Frequency::Annual => "a year, YYYY",
                Frequency::Monthly => "a month, YYYY-MM",
            }
        ),
    )
}

/// The periods of a profile: `year` (default: the latest year, or the
/// latest period if the dataset has no years) and `base_year` (default: the
/// earliest period of the same frequency).
pub fn profile_periods(
    ds: &DatasetView,
    frequency: Option<FrequencyParam>,
    year: Option<PeriodArg>,
    base: Option<PeriodArg>,
) -> Result<(Option<Period>, Option<Period>), ApiError> {
    let given = frequency.map(FrequencyParam::frequency);
    let frequency = given
        .or(year.and_then(|y| y.frequency()))
        .or(base.and_then(|b| b.frequency()))
        .or(ds.frequencies().first().copied())
        .unwrap_or(Frequency::Annual);
    let resolve = |name, arg: Option<PeriodArg>, default: Option<Period>| match arg {
        None => Ok(default),
        Some(PeriodArg::Latest) => latest(ds, frequency, name).map(Some),
        Some(PeriodArg::Period(p)) if p.frequency() == frequency => Ok(Some(p)),
        Some(PeriodArg::Period(p)) if given.is_some() => {
            Err(frequency_mismatch(name, p, frequency))
        }
        Some(PeriodArg::Period(p)) => Err(ApiError::invalid(
            name,
            &p.to_string(),
            "expected a period of the same frequency as year and base_year: two years, or two months",
        )),
    };
    let periods = ds.periods_of(frequency);
    Ok((
        resolve("year", year, periods.last().copied())?,
        resolve("base_year", base, periods.first().copied())?,
    ))
}

/// The measures a list of `flow` values names (all three by default).
pub fn measures(given: Option<&List<MeasureParam>>) -> Vec<Measure> {
    match given {
        None => Measure::ALL.to_vec(),
        Some(list) => list
            .values()
            .iter()
            .map(|m| match m {
                MeasureParam::Imports => Measure::Imports,
                MeasureParam::Exports => Measure::Exports,
                MeasureParam::Balance => Measure::Balance,
            })
            .collect(),
    }
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
pub fn chosen(given: Option<FormatParam>, accept: Accepted) -> Result<Format, ApiError> {
    match (given, accept) {
        (Some(FormatParam::Json), _) => Ok(Format::Json),
        (Some(FormatParam::Csv), _) => Ok(Format::Csv),
        (None, Accepted::Format(f)) => Ok(f),
        (None, Accepted::Neither(accept)) => Err(ApiError::NotAcceptable {
            accept,
            offered: vec!["application/json".to_owned(), "text/csv".to_owned()],
        }),
    }
}

/// What a request's headers ask for: the format (`Accept`) and the
/// language (`Accept-Language`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub format: Accepted,
    pub language: crate::i18n::Language,
}

impl Asked {
    pub fn of(req: &HttpRequest) -> Asked {
        Asked {
            format: format_from_accept(req),
            language: crate::i18n::Language::of_header(req),
        }
    }
}

/// What the `Accept` header chooses among a listing's two formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Format(Format),
    /// Neither JSON nor CSV is acceptable (the header, for the 406).
    Neither(String),
}

/// The format the `Accept` header asks for when `format=` is absent, by its
/// q-values (RFC 9110 12.5.1): for each of `application/json` and
/// `text/csv`, the q of the most specific range that matches it; the higher
/// wins, JSON on a tie; no header, JSON. When both have q=0, neither.
pub fn format_from_accept(req: &HttpRequest) -> Accepted {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Accepted::Format(Format::Json);
    };
    let json = accept_q(accept, "application", "json");
    let csv = accept_q(accept, "text", "csv");
    if json <= 0.0 && csv <= 0.0 {
        Accepted::Neither(accept.to_owned())
    } else if csv > json {
        Accepted::Format(Format::Csv)
    } else {
        Accepted::Format(Format::Json)
    }
}

/// The items of an `Accept`-style header (`Accept`, `Accept-Encoding`,
/// `Accept-Language`) with their q-values (RFC 9110 12.4.2): each item's
/// first part, trimmed, and its `q` (1 when absent or unreadable, clamped to
/// 0..1). At most 64 items are read: a huge header costs no more.
pub fn weighted(header: &str) -> impl Iterator<Item = (&str, f32)> {
    header.split(',').take(64).map(|item| {
        // Most items have no parameters (`gzip, deflate, br`).
        let Some((name, params)) = item.split_once(';') else {
            return (item.trim(), 1.0);
        };
        let q = params
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite())
            .map_or(1.0, |q| q.clamp(0.0, 1.0));
        (name.trim(), q)
    })
}

/// The q-value an Accept header gives `type/subtype`: that of the most
/// specific matching range (`type/subtype` over `type/*` over `*/*`), 0 when
/// none matches.
fn accept_q(accept: &str, ty: &str, subtype: &str) -> f32 {
    let mut best: Option<(u8, f32)> = None;
    for (media, q) in weighted(accept) {
        let (t, st) = media.split_once('/').unwrap_or((media, ""));
        let specificity = if t.eq_ignore_ascii_case(ty) && st.eq_ignore_ascii_case(subtype) {
            3
        } else if t.eq_ignore_ascii_case(ty) && st == "*" {
            2
        } else if t == "*" && st == "*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
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
        // A list: an array, its example too.
        assert_eq!(json[0]["example"], serde_json::json!(["2024"]));
        assert_eq!(json[0]["schema"]["type"], "array");
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
        // Empty repetitions count against the limit too (the spec's maxItems).
        let empties = vec!["year="; MAX_LIST_VALUES + 1].join("&");
        let e = parse(&format!("from=2000&{empties}")).unwrap_err();
        assert!(e.to_string().contains("301 values"), "{e}");
        let params = <Sample as utoipa::IntoParams>::into_params(|| None);
        let json = serde_json::to_value(&params).unwrap();
        assert!(
            json[0]["description"]
                .as_str()
                .unwrap()
                .ends_with("at most 300 values; a value given twice counts once.")
        );
    }

    #[test]
    fn accept_q_values_pick_the_most_specific_range() {
        assert_eq!(accept_q("text/csv;q=0.4, */*;q=0.5", "text", "csv"), 0.4);
        assert_eq!(
            accept_q("text/csv;q=0.4, */*;q=0.5", "application", "json"),
            0.5
        );
        assert_eq!(accept_q("text/*;q=0.3, text/csv", "text", "csv"), 1.0);
        assert_eq!(accept_q("text/html", "application", "json"), 0.0);
        assert_eq!(accept_q("application/json;q=2", "application", "json"), 1.0);
        assert_eq!(
            accept_q("application/json; q=nan", "application", "json"),
            1.0
        );
        assert_eq!(accept_q("APPLICATION/JSON;q=0", "application", "json"), 0.0);
        // At most 64 ranges read: a huge header costs no more.
        let long = vec!["x/y"; 10_000].join(",") + ",application/json";
        assert_eq!(accept_q(&long, "application", "json"), 0.0);
    }
}
