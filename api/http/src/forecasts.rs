//! `GET /v1/forecasts`: point forecasts with prediction intervals for one
//! series, its backtest, and the actual values beside the forecasts where
//! the dataset has them. The parameters, the thin handler and the wire
//! record; the series is `atp_query::forecast`'s, the statistics
//! `atp_core::forecast`'s.

use actix_web::{HttpRequest, HttpResponse, get, web};
use atp_core::analytics::{Computed, Undefined};
use atp_core::forecast::{
    self as fc, Forecast, ForecastError, MAX_HORIZON_MONTHS, MAX_LEVELS, Method, MethodChoice,
    Score, Unscored,
};
use atp_core::{Frequency, GroupId, PartnerCode, PartnerKind, Period};
use atp_query::forecast::{ForecastQueryError, ForecastRequest, ForecastRows, NoActual};
use atp_query::{self as query, DatasetView, PeriodFilter, ReadModel, Selection};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema, SchemaFormat};

use super::AppState;
use super::error::{ApiError, Problem, UnprocessableKind};
use super::handlers::meta;
use super::params::{
    self, DatasetArg, DateArg, FormatParam, FrequencyParam, FromQuery, Limit, List, ListItem,
    MeasureParam, Offset, PageRequest, PartnerArg, PeriodArg, Scalar, Weighed,
};
use super::params::{FieldName, HeaderParam, IncludeParam, LangParam};
use super::records::{Reason, wire};
use super::respond::{Envelope, Notice, render_listing};
use crate::query_params;

/// The interval levels when none are asked for.
const DEFAULT_LEVELS: [u8; 2] = [80, 95];

query_params! {
    /// Parameters of forecasts.
    pub struct ForecastQuery {
        /// The series: imports, exports or balance (exports - imports,
        /// which can be negative: forecast on its own scale with additive
        /// errors, never on a log).
        #[example = "imports"]
        #[missing = "imports, exports or balance"]
        flow: MeasureParam,
        /// Dataset id (see /v1/datasets); default: the configured default dataset.
        #[example = "census-atp"]
        dataset: Option<DatasetArg>,
        /// The vintage to read (default: the latest). Not with `as_of`.
        vintage: Option<String>,
        /// Read the vintage that was the latest on this date (YYYY-MM-DD).
        as_of: Option<DateArg>,
        /// One group (see /v1/groups); default `all`.
        #[example = "all"]
        group: Option<List<GroupId>>,
        /// One partner code (see /v1/partners); default `WLD`.
        #[example = "WLD"]
        partner: Option<List<PartnerArg>>,
        /// `annual` or `monthly` (default: monthly when `until` is a month,
        /// annual when it is a year, else the dataset's first frequency).
        /// Monthly series are seasonal (a cycle of 12).
        #[example = "monthly"]
        frequency: Option<FrequencyParam>,
        /// The last period of the history the forecast is fitted to (a year,
        /// a month, or `latest`; a year with frequency=monthly stands for its
        /// December); default: the series' last. The periods
        /// after it are forecast, with the dataset's actual values beside
        /// them where it has them.
        #[example = "2023-12"]
        until: Option<PeriodArg>,
        /// Periods ahead: at most 20 years, or 240 months (default: 5
        /// years, or 12 months).
        #[example = 12]
        horizon: Option<Horizon>,
        /// Prediction interval levels in percent, comma-separated: whole
        /// numbers 1 to 99, at most 4 (default `80,95`). One record per
        /// period and level.
        #[example = "80,95"]
        level: Option<List<Level>>,
        /// `auto` (default): ETS where the history is long enough (24
        /// months, 7 years), else seasonal naive, else naive (the backtest
        /// shows how each did; it does not choose). `ets`: exponential
        /// smoothing (AutoETS; monthly series through MSTL), `naive`: the
        /// last value, `seasonal_naive`: the value a year before.
        #[example = "auto"]
        method: Option<MethodParam>,
        limit: Option<Limit>,
        offset: Option<Offset>,
        format: Option<FormatParam>,
        fields: Option<List<FieldName>>,
        include: Option<List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
    }
}

/// A forecast fits models (about 5 ms for 420 months, and as much again for
/// the backtest's refits): rendered off the request workers, a few at a
/// time, like the other heavy queries.
impl Weighed for ForecastQuery {
    fn weight(&self, _model: &ReadModel) -> usize {
        usize::MAX
    }
}

/// The method asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodParam {
    Auto,
    Ets,
    Naive,
    SeasonalNaive,
}

impl MethodParam {
    const NAMES: [&'static str; 4] = ["auto", "ets", "naive", "seasonal_naive"];

    fn choice(self) -> MethodChoice {
        match self {
            MethodParam::Auto => MethodChoice::Auto,
            MethodParam::Ets => MethodChoice::Only(Method::Ets),
            MethodParam::Naive => MethodChoice::Only(Method::Naive),
            MethodParam::SeasonalNaive => MethodChoice::Only(Method::SeasonalNaive),
        }
    }
}

impl Scalar for MethodParam {
    const EXPECTED: &'static str = "auto, ets, naive or seasonal_naive";
    fn schema() -> RefOr<Schema> {
        let mut o = Object::with_type(SchemaType::Type(Type::String));
        o.enum_values = Some(Self::NAMES.iter().map(|n| (*n).into()).collect());
        RefOr::T(Schema::Object(o))
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        let v = value.trim().to_ascii_lowercase();
        let m = match v.as_str() {
            "auto" => MethodParam::Auto,
            "ets" => MethodParam::Ets,
            "naive" => MethodParam::Naive,
            "seasonal_naive" | "snaive" => MethodParam::SeasonalNaive,
            _ => {
                return Err(ApiError::InvalidParameter {
                    parameter: name.to_owned(),
                    value: value.to_owned(),
                    expected: format!("expected one of {}", Self::NAMES.join(", ")),
                    allowed: Self::NAMES.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
        };
        Ok(m)
    }
}

fn integer_schema(min: i64, max: i64) -> RefOr<Schema> {
    let mut o = Object::with_type(SchemaType::Type(Type::Integer));
    o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int32));
    o.minimum = Some(utoipa::Number::Int(min as isize));
    o.maximum = Some(utoipa::Number::Int(max as isize));
    RefOr::T(Schema::Object(o))
}

/// Periods ahead, 1 to 240 (20 for years: checked with the frequency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon(pub usize);

impl Scalar for Horizon {
    const EXPECTED: &'static str = "a whole number of periods ahead";
    fn schema() -> RefOr<Schema> {
        integer_schema(1, MAX_HORIZON_MONTHS as i64)
    }
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_HORIZON_MONTHS).contains(n))
            .map(Horizon)
            .ok_or_else(|| {
                ApiError::invalid(
                    name,
                    value,
                    format!(
                        "a whole number of periods from 1 to {MAX_HORIZON_MONTHS} months \
                         ({} years with frequency=annual)",
                        fc::MAX_HORIZON_YEARS
                    ),
                )
            })
    }
}

/// An interval level in percent, 1 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level(pub u8);

impl ListItem for Level {
    fn parse(name: &'static str, value: &str) -> Result<Self, ApiError> {
        value
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=99).contains(n))
            .map(Level)
            .ok_or_else(|| {
                ApiError::invalid(
                    name,
                    value,
                    "a prediction interval level in percent: a whole number from 1 to 99",
                )
            })
    }
}

/// Schema-only descriptions of the forecast's enums (a test checks they
/// list exactly core's and the query layer's values).
pub mod forecast_wire {
    use serde::Serialize;
    use utoipa::ToSchema;

    /// The method of the forecast: `ets` (exponential smoothing; monthly
    /// series through MSTL), `naive` (the last value) or `seasonal_naive`
    /// (the value a cycle before).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ForecastMethod {
        Ets,
        Naive,
        SeasonalNaive,
    }

    /// Why a backtest score is null: `history_too_short` (no origin has
    /// enough values before it), `zero_actual` (a percentage error of a
    /// zero), `sign_change` (actual values of both signs: a balance
    /// crossing zero), `zero_scale` (the benchmark's in-sample error is
    /// zero), `fit_failed` (the method could not be refitted at an origin).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Unscored {
        HistoryTooShort,
        ZeroActual,
        SignChange,
        ZeroScale,
        FitFailed,
    }

    /// Why `actual_usd` is null: `after_dataset` (the period is after the
    /// dataset's last) or `no_figure` (covered, but no value for this
    /// series).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum NoActual {
        AfterDataset,
        NoFigure,
    }

    /// Always `forecast`: computed by this service, not reported by a source.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ForecastStatus {
        Forecast,
    }
}

/// One period ahead at one interval level: the point forecast and its
/// interval in whole US dollars, the actual value where the dataset has it,
/// where the forecast came from (dataset, vintage, method, model, history)
/// and how the method did in its backtest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForecastRecord<'a> {
    /// The dataset the history comes from.
    #[schema(example = "census-atp")]
    pub dataset: &'a str,
    /// The vintage of the dataset read.
    #[schema(example = "2024-12")]
    pub vintage: &'a str,
    #[schema(example = "all")]
    pub group: &'static str,
    #[schema(value_type = String, example = "WLD")]
    pub partner: PartnerCode,
    #[schema(value_type = wire::PartnerKind)]
    pub partner_kind: PartnerKind,
    /// `imports`, `exports` or `balance`.
    #[schema(example = "imports")]
    pub measure: &'static str,
    /// The year of the period forecast.
    #[schema(example = 2024)]
    pub year: u16,
    /// The period forecast: a year or a month.
    #[schema(value_type = String, example = "2024-01")]
    pub period: Period,
    #[schema(value_type = wire::Frequency)]
    pub frequency: Frequency,
    /// Periods after the last of the history (1 = the next).
    #[schema(example = 1)]
    pub step: usize,
    #[schema(value_type = forecast_wire::ForecastStatus)]
    pub status: &'static str,
    /// The level of this record's interval, in percent.
    #[schema(example = 80)]
    pub level_pct: u8,
    /// The point forecast, whole US dollars (rounded). For a flow fitted
    /// on its log (see `model`) it is the median of the forecast
    /// distribution.
    #[schema(example = 50512345678_i64)]
    pub forecast_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub forecast_usd_reason: Reason,
    /// The lower bound of the `level_pct` prediction interval, whole US
    /// dollars (rounded; a flow's is never below 0).
    #[schema(example = 46012345678_i64)]
    pub lower_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub lower_usd_reason: Reason,
    /// The upper bound, whole US dollars (rounded).
    #[schema(example = 55412345678_i64)]
    pub upper_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub upper_usd_reason: Reason,
    /// The dataset's value for the period (with `until` before its last
    /// period), whole US dollars.
    #[schema(example = 53498702190_i64)]
    pub actual_usd: Option<i64>,
    #[schema(value_type = Option<forecast_wire::NoActual>)]
    pub actual_usd_reason: Option<&'static str>,
    /// actual_usd - forecast_usd.
    #[schema(example = 2986356512_i64)]
    pub error_usd: Option<i64>,
    #[schema(value_type = Option<wire::UndefinedReason>)]
    pub error_usd_reason: Reason,
    /// Whether the actual value lies within this record's interval.
    pub actual_within_interval: Option<bool>,
    #[schema(value_type = forecast_wire::ForecastMethod)]
    pub method: &'static str,
    /// The method asked for: `auto`, `ets`, `naive` or `seasonal_naive`.
    #[schema(example = "auto")]
    pub method_requested: &'static str,
    /// Why this method: what `auto` compared, or "as asked".
    #[schema(example = "auto: the history has 420 consecutive values; ets needs 24")]
    pub method_reason: &'a str,
    /// The fitted model: `MSTL(12) + ETS(A,Ad,N) on ln(value)` (the seasonal
    /// component by MSTL, an ETS model of the rest in Hyndman's notation,
    /// the scale it was fitted on), `naive (random walk)`, `seasonal naive
    /// (period 12)`.
    #[schema(example = "MSTL(12) + ETS(A,Ad,N) on ln(value)")]
    pub model: &'a str,
    /// The first period of the history fitted: consecutive periods, at
    /// most the last 480 (which bounds the work of a request).
    #[schema(value_type = String, example = "1989-01")]
    pub history_from: Period,
    /// The last period of the history fitted (`until`, or the last before it).
    #[schema(value_type = String, example = "2023-12")]
    pub history_to: Period,
    #[schema(example = 420)]
    pub history_points: usize,
    /// Forecast origins of the rolling-origin backtest (at most 3): the
    /// method is refitted to the history before each and forecasts the
    /// `backtest_steps` periods after it.
    #[schema(example = 3)]
    pub backtest_origins: usize,
    /// Periods forecast from each origin: the horizon, at most 12 months
    /// or 5 years.
    #[schema(example = 12)]
    pub backtest_steps: usize,
    /// Forecasts compared with actual values.
    #[schema(example = 36)]
    pub backtest_points: usize,
    /// The method's mean absolute percentage error in the backtest.
    #[schema(example = 5.1)]
    pub backtest_mape_pct: Option<f64>,
    #[schema(value_type = Option<forecast_wire::Unscored>)]
    pub backtest_mape_pct_reason: Option<Unscored>,
    /// The method's mean absolute scaled error in the backtest: errors over
    /// the in-sample one-step error of the seasonal-naive forecast (naive
    /// for years). Below 1: better than that benchmark's in-sample error.
    #[schema(example = 0.71)]
    pub backtest_mase: Option<f64>,
    #[schema(value_type = Option<forecast_wire::Unscored>)]
    pub backtest_mase_reason: Option<Unscored>,
    /// Percent of the backtest's actual values inside the method's
    /// intervals at this record's level.
    #[schema(example = 77.8)]
    pub backtest_coverage_pct: Option<f64>,
    #[schema(value_type = Option<forecast_wire::Unscored>)]
    pub backtest_coverage_pct_reason: Option<Unscored>,
    /// The benchmark: `seasonal_naive` (months) or `naive` (years).
    #[schema(value_type = forecast_wire::ForecastMethod)]
    pub benchmark_method: &'static str,
    /// The benchmark's scores at the same origins.
    #[schema(example = 7.9)]
    pub benchmark_mape_pct: Option<f64>,
    #[schema(value_type = Option<forecast_wire::Unscored>)]
    pub benchmark_mape_pct_reason: Option<Unscored>,
    #[schema(example = 1.04)]
    pub benchmark_mase: Option<f64>,
    #[schema(value_type = Option<forecast_wire::Unscored>)]
    pub benchmark_mase_reason: Option<Unscored>,
    #[schema(example = 66.7)]
    pub benchmark_coverage_pct: Option<f64>,
    #[schema(value_type = Option<forecast_wire::Unscored>)]
    pub benchmark_coverage_pct_reason: Option<Unscored>,
    /// How the value was made.
    #[schema(
        example = "forecast by this service: MSTL(12) + ETS(A,Ad,N) on ln(value) fitted to census-atp (vintage 2024-12) imports, group all, partner WLD, 1989-01..2023-12"
    )]
    pub citation: &'a str,
}

fn value<T: Copy>(c: &Computed<T>) -> Option<T> {
    c.as_ref().ok().copied()
}

fn reason<T>(c: &Computed<T>) -> Reason {
    c.as_ref().err().copied()
}

fn score(s: Option<&Score<f64>>) -> (Option<f64>, Option<Unscored>) {
    match s {
        Some(Ok(v)) => (Some(*v), None),
        Some(Err(why)) => (None, Some(*why)),
        None => (None, Some(Unscored::HistoryTooShort)),
    }
}

/// Every record of a forecast: each period ahead, each level.
fn records<'a>(
    ds: &'a DatasetView,
    rows: &'a ForecastRows,
    requested: MethodChoice,
    citation: &'a str,
) -> Vec<ForecastRecord<'a>> {
    let f: &Forecast = &rows.forecast;
    let b = &f.backtest;
    let mut out = Vec::with_capacity(rows.periods.len() * f.intervals.len());
    for (step, &period) in rows.periods.iter().enumerate() {
        let point = fc::whole_dollars(f.point[step]);
        let actual = rows.actuals[step];
        let error = match (actual, point) {
            (Ok(a), Ok(p)) => atp_core::analytics::difference(a, p),
            (Ok(_), Err(why)) => Err(why),
            (Err(_), _) => Err(Undefined::MissingValue),
        };
        for (li, interval) in f.intervals.iter().enumerate() {
            let lower = fc::whole_dollars(interval.lower[step]);
            let upper = fc::whole_dollars(interval.upper[step]);
            let within = match (actual, lower, upper) {
                (Ok(a), Ok(l), Ok(u)) => Some(l <= a && a <= u),
                _ => None,
            };
            let (mape, mape_why) = score(Some(&b.method.mape_pct));
            let (mase, mase_why) = score(Some(&b.method.mase));
            let (cover, cover_why) = score(b.method.coverage_pct.get(li));
            let (bmape, bmape_why) = score(Some(&b.benchmark.mape_pct));
            let (bmase, bmase_why) = score(Some(&b.benchmark.mase));
            let (bcover, bcover_why) = score(b.benchmark.coverage_pct.get(li));
            out.push(ForecastRecord {
                dataset: ds.id(),
                vintage: ds.vintage(),
                group: rows.group.as_str(),
                partner: rows.partner,
                partner_kind: rows.partner_kind,
                measure: rows.measure.as_str(),
                year: period.year().get(),
                period,
                frequency: rows.frequency,
                step: step + 1,
                status: "forecast",
                level_pct: interval.level_pct,
                forecast_usd: value(&point),
                forecast_usd_reason: reason(&point),
                lower_usd: value(&lower),
                lower_usd_reason: reason(&lower),
                upper_usd: value(&upper),
                upper_usd_reason: reason(&upper),
                actual_usd: actual.ok(),
                actual_usd_reason: actual.err().map(NoActual::code),
                error_usd: value(&error),
                error_usd_reason: reason(&error),
                actual_within_interval: within,
                method: f.method.as_str(),
                method_requested: requested.as_str(),
                method_reason: &f.chosen_because,
                model: &f.model,
                history_from: rows.history_first,
                history_to: rows.history_last,
                history_points: f.history,
                backtest_origins: b.origins,
                backtest_steps: b.steps,
                backtest_points: b.points,
                backtest_mape_pct: mape,
                backtest_mape_pct_reason: mape_why,
                backtest_mase: mase,
                backtest_mase_reason: mase_why,
                backtest_coverage_pct: cover,
                backtest_coverage_pct_reason: cover_why,
                benchmark_method: b.benchmark_method.as_str(),
                benchmark_mape_pct: bmape,
                benchmark_mape_pct_reason: bmape_why,
                benchmark_mase: bmase,
                benchmark_mase_reason: bmase_why,
                benchmark_coverage_pct: bcover,
                benchmark_coverage_pct_reason: bcover_why,
                citation,
            });
        }
    }
    out
}

/// The one group or partner of a forecast.
fn one<'l, T>(
    parameter: &str,
    given: Option<&'l List<T>>,
    shown: impl Fn(&T) -> String,
) -> Result<Option<&'l T>, ApiError> {
    match given.map(List::values) {
        None | Some([]) => Ok(None),
        Some([one]) => Ok(Some(one)),
        Some(many) => Err(ApiError::invalid(
            parameter,
            &many.iter().map(shown).collect::<Vec<_>>().join(","),
            "one value: a forecast is of one series",
        )),
    }
}

/// The frequency and the end of the history: `frequency` if given, else
/// the frequency of `until`, else the dataset's first; `until` of that
/// frequency, not after the dataset's last period of it.
fn frequency_and_until(
    ds: &DatasetView,
    frequency: Option<FrequencyParam>,
    until: Option<PeriodArg>,
) -> Result<(Frequency, Option<Period>), ApiError> {
    let given = frequency.map(FrequencyParam::frequency);
    let of_until = match until {
        Some(PeriodArg::Period(p)) => Some(p.frequency()),
        _ => None,
    };
    let frequency = given
        .or(of_until)
        .or(ds.frequencies().first().copied())
        .unwrap_or(Frequency::Annual);
    let last = ds.periods_of(frequency).last().copied();
    let until = match until {
        None => None,
        Some(PeriodArg::Latest) => Some(last.ok_or_else(|| {
            ApiError::invalid(
                "until",
                "latest",
                format!("a period the dataset has: it has no {frequency} figures"),
            )
        })?),
        // A year with frequency=monthly: through its December.
        Some(PeriodArg::Period(p))
            if p.is_annual()
                && frequency == Frequency::Monthly
                && let Some(december) = Period::months_of(p.year()).last() =>
        {
            return frequency_and_until(
                ds,
                Some(FrequencyParam::Monthly),
                Some(PeriodArg::Period(december)),
            );
        }
        Some(PeriodArg::Period(p)) if p.frequency() != frequency => {
            return Err(ApiError::invalid(
                "until",
                &p.to_string(),
                format!(
                    "a period of frequency={frequency} ({})",
                    match frequency {
                        Frequency::Annual => "a year, YYYY",
                        Frequency::Monthly => "a month, YYYY-MM",
                    }
                ),
            ));
        }
        Some(PeriodArg::Period(p)) => match last {
            Some(l) if p <= l => Some(p),
            Some(l) => {
                return Err(ApiError::invalid(
                    "until",
                    &p.to_string(),
                    format!("a period up to the dataset's last {frequency} period, {l}"),
                ));
            }
            None => {
                return Err(ApiError::invalid(
                    "until",
                    &p.to_string(),
                    format!("a period the dataset has: it has no {frequency} figures"),
                ));
            }
        },
    };
    Ok((frequency, until))
}

/// `horizon` within the frequency's limit (default: a year of months, five
/// years).
pub(crate) fn horizon(given: Option<Horizon>, frequency: Frequency) -> Result<usize, ApiError> {
    let max = fc::max_horizon(frequency);
    match given {
        None => Ok(fc::default_horizon(frequency)),
        Some(Horizon(h)) if h <= max => Ok(h),
        Some(Horizon(h)) => Err(ApiError::invalid(
            "horizon",
            &h.to_string(),
            format!(
                "at most {max} periods with frequency={frequency} ({} years, or {MAX_HORIZON_MONTHS} months)",
                fc::MAX_HORIZON_YEARS
            ),
        )),
    }
}

/// `level`: at most four, ascending, each once (default 80 and 95).
pub(crate) fn levels(given: Option<&List<Level>>) -> Result<Vec<u8>, ApiError> {
    let mut levels: Vec<u8> = match given {
        None => DEFAULT_LEVELS.to_vec(),
        Some(list) => list.values().iter().map(|Level(l)| *l).collect(),
    };
    if levels.len() > MAX_LEVELS {
        let shown: Vec<String> = levels.iter().map(u8::to_string).collect();
        return Err(ApiError::invalid(
            "level",
            &shown.join(","),
            format!("at most {MAX_LEVELS} interval levels"),
        ));
    }
    levels.sort_unstable();
    Ok(levels)
}

/// A forecast that could not be made: 422 for a series too short (saying
/// what it has and needs) or a model that cannot be fitted.
pub(crate) fn forecast_error(
    e: ForecastQueryError,
    series: &str,
    frequency: Frequency,
    until: Option<Period>,
) -> ApiError {
    match e {
        ForecastQueryError::TooShort {
            method,
            values,
            consecutive,
            need,
            first,
            last,
        } => {
            let unit = match frequency {
                Frequency::Annual => "annual",
                Frequency::Monthly => "monthly",
            };
            let upto = until.map_or(String::new(), |u| format!(" up to {u}"));
            let has = match (values, first, last) {
                (0, _, _) => format!("has no {unit} values{upto}"),
                (n, Some(f), Some(l)) if n == consecutive => {
                    format!("has {n} {unit} values{upto} ({f} to {l}), all consecutive")
                }
                (n, Some(f), Some(l)) => format!(
                    "has {n} {unit} values{upto} ({f} to {l}), not all consecutive: \
                     the last {consecutive} are"
                ),
                (n, _, _) => format!("has {n} {unit} values{upto}"),
            };
            let needs: Vec<String> = Method::ALL
                .iter()
                .map(|m| format!("{m} {}", m.needs(frequency)))
                .collect();
            ApiError::Unprocessable {
                kind: UnprocessableKind::SeriesTooShort,
                detail: format!(
                    "the series ({series}) {has}; method {method} needs at least {need} \
                     consecutive {unit} values (each method's minimum: {})",
                    needs.join(", ")
                ),
                have: Some(consecutive),
                need: Some(need),
            }
        }
        ForecastQueryError::BeyondCalendar { last, horizon } => ApiError::invalid(
            "horizon",
            &horizon.to_string(),
            format!(
                "a horizon that ends by {} (the last year the service accepts), counted from {last}",
                atp_core::Year::MAX
            ),
        ),
        ForecastQueryError::Failed(ForecastError::FitFailed { method, detail }) => {
            ApiError::Unprocessable {
                kind: UnprocessableKind::ModelFailed,
                detail: format!(
                    "{method} could not be fitted to the series ({series}): {detail}; \
                     method=naive or method=seasonal_naive always can"
                ),
                have: None,
                need: None,
            }
        }
        ForecastQueryError::Failed(e) => ApiError::Internal(e.to_string()),
    }
}

/// What a reader of a forecast should know.
fn notes(rows: &ForecastRows) -> Vec<String> {
    let f = &rows.forecast;
    let b = &f.backtest;
    let mut notes = vec![
        format!("method: {} ({})", f.method, f.chosen_because),
        "point forecasts and bounds are rounded to whole US dollars".to_owned(),
    ];
    if f.model.ends_with("ln(value)") {
        notes.push(
            "fitted on the natural log of the values (a multiplicative error in dollars): the \
             point forecast is the median and the intervals are asymmetric"
                .to_owned(),
        );
    }
    if matches!(rows.measure, query::GrowthMeasure::Balance) {
        notes.push(
            "a balance can be negative: it is fitted on its own scale with additive errors \
             (no log, no multiplicative error), and MAPE is null when the actual values cross zero"
                .to_owned(),
        );
    } else {
        notes.push("a flow is never negative: bounds below zero are cut at 0".to_owned());
    }
    if b.origins > 0 {
        notes.push(format!(
            "backtest: {} origins, {} periods ahead from each ({} forecasts compared with the \
             actual values), each fit using only the values before its origin{}; benchmark: {}",
            b.origins,
            b.steps,
            b.points,
            if f.method == Method::Ets {
                " (the ETS form chosen on the whole history is refitted at each origin, \
                 its parameters and states re-estimated)"
            } else {
                ""
            },
            b.benchmark_method
        ));
    }
    notes
}

/// Forecast one series
///
/// Point forecasts with prediction intervals for imports, exports or the
/// balance of one group and partner, annual or monthly (seasonal), in whole
/// US dollars, from the history up to `until`; with the dataset's actual
/// values beside the forecasts where it has them, the method chosen, the
/// model fitted, and a rolling-origin backtest (MAPE, MASE, interval
/// coverage) beside the seasonal-naive benchmark's. One record per period
/// ahead and interval level. A series too short for the method is 422,
/// saying how many values it has and needs. For example 2024 from the
/// Census data through 2023:
/// `/v1/forecasts?dataset=census-atp&flow=imports&until=2023-12&horizon=12`.
#[utoipa::path(
    // The tag of the analyses of issue 14 (decomposition, indicators,
    // scenarios and forecasts), declared with them.
    tag = "analysis",
    operation_id = "list_forecasts",
    params(ForecastQuery),
    responses(
        (status = 200, description = "The forecast", content((Envelope<ForecastRecord> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The series is too short for the method (`have`, `need`), or the model could not be fitted", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "/problems/series-too-short", "title": "Series too short", "status": 422,
                "detail": "the series (imports, group all, partner WLD, kiat-2026-04 vintage 2026-04) has 2 annual values (2014 to 2024), not all consecutive: the last 1 are; method auto needs at least 2 consecutive annual values (each method's minimum: ets 7, naive 2, seasonal_naive 2)",
                "have": 1, "need": 2})),
        (status = 503, description = "No data loaded, or busy", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/forecasts")]
pub async fn list_forecasts(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .cached(&req, move |model, q: &ForecastQuery, raw, accept| {
            let ds = params::dataset_vintage(
                model,
                q.dataset.as_ref(),
                q.vintage.as_ref(),
                q.as_of.as_ref(),
            )?;
            let group = one("group", q.group.as_ref(), |g| g.as_str().to_owned())?
                .copied()
                .unwrap_or(GroupId::All);
            let partner = match one("partner", q.partner.as_ref(), |PartnerArg(p)| p.clone())? {
                None => PartnerCode::WORLD,
                Some(PartnerArg(p)) => model
                    .parse_partner(p)
                    .map_err(|e| ApiError::from_invalid("partner", e))?,
            };
            let (frequency, until) = frequency_and_until(ds, q.frequency, q.until)?;
            let request = ForecastRequest {
                measure: q.flow.measure(),
                group,
                partner,
                frequency,
                until,
                horizon: horizon(q.horizon, frequency)?,
                levels: levels(q.level.as_ref())?,
                method: q.method.map_or(MethodChoice::Auto, MethodParam::choice),
            };
            let series = format!(
                "{}, group {}, partner {}, {} vintage {}",
                request.measure.as_str(),
                group.as_str(),
                partner.as_str(),
                ds.id(),
                ds.vintage()
            );
            let mut m = meta(model, Some(ds), raw, ForecastQuery::NAMES, &[]);
            m.frequency = Some(frequency.as_str());
            let rows = query::forecast::forecast(model, ds, &request)
                .map_err(|e| forecast_error(e, &series, frequency, until))?;
            let view = crate::view!(model, q, accept)?;
            let page = PageRequest::new(q.limit, q.offset);
            let Some(rows) = rows else {
                let sel = Selection {
                    groups: Some(vec![group]),
                    partners: Some(vec![partner]),
                    frequency,
                    periods: PeriodFilter::All,
                };
                let (code, detail) = query::why_empty(ds, &sel);
                m.notice = Some(Notice {
                    code,
                    detail: format!("no {} values: {detail}", request.measure.as_str()),
                });
                return render_listing(Vec::<ForecastRecord>::new(), page, m, view);
            };
            m.notes = notes(&rows);
            let citation = format!(
                "forecast by this service: {} fitted to {} (vintage {}) {}, group {}, partner {}, {}..{}",
                rows.forecast.model,
                ds.id(),
                ds.vintage(),
                request.measure.as_str(),
                group.as_str(),
                partner.as_str(),
                rows.history_first,
                rows.history_last
            );
            let records = records(ds, &rows, request.method, &citation);
            render_listing(records, page, m, view)
        })
        .await
}

#[cfg(test)]
mod tests {

    use super::*;

    /// The wire enums list exactly the values core and the query layer
    /// serve.
    #[test]
    fn wire_enums_match_the_domain() {
        let names = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        let methods: Vec<String> = Method::ALL.iter().map(|m| m.as_str().to_owned()).collect();
        let wire_methods: Vec<String> = [
            forecast_wire::ForecastMethod::Ets,
            forecast_wire::ForecastMethod::Naive,
            forecast_wire::ForecastMethod::SeasonalNaive,
        ]
        .iter()
        .map(|m| names(serde_json::to_value(m).unwrap()))
        .collect();
        assert_eq!(methods, wire_methods);
        let unscored: Vec<String> = Unscored::ALL
            .iter()
            .map(|u| names(serde_json::to_value(u).unwrap()))
            .collect();
        assert_eq!(
            unscored,
            Unscored::ALL.iter().map(|u| u.code()).collect::<Vec<_>>()
        );
        use forecast_wire::Unscored as W;
        let wire: Vec<String> = [
            W::HistoryTooShort,
            W::ZeroActual,
            W::SignChange,
            W::ZeroScale,
            W::FitFailed,
        ]
        .iter()
        .map(|u| names(serde_json::to_value(u).unwrap()))
        .collect();
        assert_eq!(unscored, wire);
        let no_actual: Vec<&str> = NoActual::ALL.iter().map(|n| n.code()).collect();
        let wire: Vec<String> = [
            forecast_wire::NoActual::AfterDataset,
            forecast_wire::NoActual::NoFigure,
        ]
        .iter()
        .map(|u| names(serde_json::to_value(u).unwrap()))
        .collect();
        assert_eq!(no_actual, wire);
        let params: Vec<String> = [
            MethodParam::Auto,
            MethodParam::Ets,
            MethodParam::Naive,
            MethodParam::SeasonalNaive,
        ]
        .iter()
        .map(|m| names(serde_json::to_value(m).unwrap()))
        .collect();
        assert_eq!(params, MethodParam::NAMES);
    }

    #[test]
    fn levels_and_horizons_are_bounded() {
        assert_eq!(levels(None).unwrap(), vec![80, 95]);
        let l = List(vec![Level(95), Level(50)]);
        assert_eq!(levels(Some(&l)).unwrap(), vec![50, 95]);
        let l = List((1..=5).map(Level).collect());
        assert!(levels(Some(&l)).is_err());
        assert!(<Level as ListItem>::parse("level", "100").is_err());
        assert!(<Level as ListItem>::parse("level", "0").is_err());
        assert!(<Level as ListItem>::parse("level", "80.5").is_err());
        assert_eq!(horizon(None, Frequency::Monthly).unwrap(), 12);
        assert_eq!(horizon(None, Frequency::Annual).unwrap(), 5);
        assert!(horizon(Some(Horizon(21)), Frequency::Annual).is_err());
        assert_eq!(
            horizon(Some(Horizon(240)), Frequency::Monthly).unwrap(),
            240
        );
        assert!(<Horizon as Scalar>::parse("horizon", "241").is_err());
        assert!(<Horizon as Scalar>::parse("horizon", "0").is_err());
    }
}
