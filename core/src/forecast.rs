//! Forecasts of one series, with prediction intervals and a rolling-origin
//! backtest against the seasonal-naive benchmark. Pure functions over the
//! values of consecutive periods; no dates, no money rounding but
//! [`whole_dollars`].
//!
//! The statistics come from grafana's `augurs` crates: AutoETS
//! (`augurs-ets`: exponential smoothing, the form chosen by AICc, the
//! intervals from the model's analytic variance) and, for monthly series,
//! MSTL (`augurs-mstl`: the seasonal component by STL, the ETS fitted to
//! the rest, the last year's seasonal pattern added back to the forecast).
//! What is written here is only what no crate offers: the naive and
//! seasonal-naive benchmarks (one line each, their intervals as Hyndman &
//! Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., table
//! 5.2, give them) and the backtest's scores.
//!
//! Two limits of `augurs-ets` 0.10 decide how it is used: its seasonal ETS
//! models are not implemented (they panic), so seasonality is MSTL's and the
//! ETS is always non-seasonal; and a multiplicative trend's intervals are
//! simulated with an unseeded random generator, so multiplicative trends
//! are never searched (the same query must give the same bytes).
//!
//! How each series is modelled:
//! - imports and exports ([`Sign::NonNegative`]) with every value positive
//!   are fitted on the natural log (centred): an additive error there is a
//!   multiplicative one in dollars, so intervals widen with the level and
//!   a seasonal pattern scales with it; the forecast is back-transformed
//!   (the point is then the median, not the mean);
//! - a balance ([`Sign::Any`]: it can be negative and cross zero) has no
//!   log and no multiplicative error: it is fitted as is (scaled by its mean
//!   absolute value), with additive errors;
//! - bounds below zero of a flow (possible for the benchmarks) are cut at 0.

use std::cell::Cell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use augurs_core::{Fit, Predict};
use augurs_ets::AutoETS;
use augurs_ets::model::{ErrorComponent, Model, ModelType, TrendComponent, Unfit};
use augurs_mstl::{FittedTrendModel, MSTLModel, TrendModel};
use serde::Serialize;

use crate::analytics::{Computed, MAX_ABS_VALUE_USD, Undefined};
use crate::period::Frequency;

/// The longest horizon asked for, in months (20 years).
pub const MAX_HORIZON_MONTHS: usize = 240;
/// The longest horizon asked for, in years.
pub const MAX_HORIZON_YEARS: usize = 20;
/// The most interval levels one forecast carries.
pub const MAX_LEVELS: usize = 4;
/// The most values a forecast is fitted to: the last 480 periods (40 years
/// of months) of a longer history. It bounds the work of a request (a fit
/// costs in proportion to the values: about 5 ms for 420 months) whatever
/// the length of a series (up to 2,412 months from 1900 to 2100).
pub const MAX_HISTORY: usize = 480;
/// The backtest's forecast origins (at most: fewer when the history is
/// short). Three keep a 420-month forecast under its time budget: see
/// BENCHMARKS.md.
pub const BACKTEST_ORIGINS: usize = 3;

/// The longest horizon of a frequency.
pub fn max_horizon(frequency: Frequency) -> usize {
    match frequency {
        Frequency::Annual => MAX_HORIZON_YEARS,
        Frequency::Monthly => MAX_HORIZON_MONTHS,
    }
}

/// The default horizon of a frequency: a year of months, five years.
pub fn default_horizon(frequency: Frequency) -> usize {
    match frequency {
        Frequency::Annual => 5,
        Frequency::Monthly => 12,
    }
}

/// The periods of a seasonal cycle: 12 for months, none (1) for years.
pub fn season_length(frequency: Frequency) -> usize {
    match frequency {
        Frequency::Annual => 1,
        Frequency::Monthly => 12,
    }
}

/// How many periods ahead the backtest scores from each origin: the
/// horizon asked for, at most a year of months or five years.
pub fn backtest_steps(frequency: Frequency, horizon: usize) -> usize {
    horizon.min(match frequency {
        Frequency::Annual => 5,
        Frequency::Monthly => 12,
    })
}

/// A forecasting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Exponential smoothing (AutoETS: level, and an additive trend, damped
    /// or not, as AICc chooses); for months, fitted to the series without
    /// its seasonal component (MSTL), which is added back.
    Ets,
    /// The last value, for every period ahead.
    Naive,
    /// The value of the same period one cycle earlier (for annual series,
    /// the naive forecast).
    SeasonalNaive,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Ets, Method::Naive, Method::SeasonalNaive];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Ets => "ets",
            Method::Naive => "naive",
            Method::SeasonalNaive => "seasonal_naive",
        }
    }

    /// The fewest consecutive values the method needs: two to see one
    /// change (naive); a cycle and one more (seasonal naive); for ETS, what
    /// the libraries need: two cycles for MSTL, and more than six values
    /// for AutoETS (`n > parameters + 4`).
    pub fn needs(self, frequency: Frequency) -> usize {
        let m = season_length(frequency);
        match self {
            Method::Naive => 2,
            Method::SeasonalNaive => m + 1,
            Method::Ets if m > 1 => (2 * m).max(7),
            Method::Ets => 7,
        }
    }
}

impl fmt::Display for MethodChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The method a query asks for: one, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodChoice {
    /// ETS where the history is long enough for it (and ETS can be
    /// fitted); else the seasonal naive, else the naive forecast.
    Auto,
    Only(Method),
}

impl MethodChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            MethodChoice::Auto => "auto",
            MethodChoice::Only(m) => m.as_str(),
        }
    }

    /// The fewest consecutive values the choice can forecast from.
    pub fn needs(self, frequency: Frequency) -> usize {
        match self {
            MethodChoice::Auto => Method::Naive.needs(frequency),
            MethodChoice::Only(m) => m.needs(frequency),
        }
    }
}

/// Which values the series can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sign {
    /// A flow: never negative (bounds are cut at 0; modelled on the log
    /// when every value is positive).
    NonNegative,
    /// A balance: either sign (modelled as is, additive errors).
    Any,
}

/// What to forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub frequency: Frequency,
    /// Periods ahead, 1 to [`max_horizon`].
    pub horizon: usize,
    /// Interval levels in percent (each 1 to 99), at most [`MAX_LEVELS`].
    pub levels: Vec<u8>,
    pub method: MethodChoice,
    pub sign: Sign,
}

/// Why a forecast could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// Fewer consecutive values than the method needs.
    #[error("{have} consecutive values; {method} needs at least {need}")]
    TooShort {
        method: MethodChoice,
        have: usize,
        need: usize,
    },
    /// The model could not be fitted to this series (the library gave no
    /// model, or a forecast that is not a number).
    #[error("{method} could not be fitted to this series: {detail}")]
    FitFailed { method: Method, detail: String },
    /// A horizon or level outside the limits (the HTTP layer refuses them
    /// first).
    #[error("invalid forecast specification: {0}")]
    InvalidSpec(String),
}

/// Why a backtest score has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unscored {
    /// The history leaves no origin with enough values before it.
    HistoryTooShort,
    /// An actual value is zero: a percentage error of it is undefined.
    ZeroActual,
    /// The actual values have both signs (a balance crossing zero): their
    /// percentage errors say nothing.
    SignChange,
    /// The benchmark's in-sample error is zero (a series that repeats
    /// exactly): nothing to scale by.
    ZeroScale,
    /// The method could not be refitted at an origin.
    FitFailed,
}

impl Unscored {
    pub const ALL: [Unscored; 5] = [
        Unscored::HistoryTooShort,
        Unscored::ZeroActual,
        Unscored::SignChange,
        Unscored::ZeroScale,
        Unscored::FitFailed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Unscored::HistoryTooShort => "history_too_short",
            Unscored::ZeroActual => "zero_actual",
            Unscored::SignChange => "sign_change",
            Unscored::ZeroScale => "zero_scale",
            Unscored::FitFailed => "fit_failed",
        }
    }
}

/// A score of the backtest, or why it has none.
pub type Score<T> = Result<T, Unscored>;

/// How a method did in the backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Mean absolute percentage error of the point forecasts, in percent.
    pub mape_pct: Score<f64>,
    /// Mean absolute scaled error: the errors over the in-sample mean
    /// absolute error of the seasonal-naive forecast one step ahead, at
    /// each origin (Hyndman & Koehler 2006). Below 1: better than that.
    pub mase: Score<f64>,
    /// For each level asked for (same order), the share of the actual
    /// values inside the interval, in percent.
    pub coverage_pct: Vec<Score<f64>>,
}

/// The rolling-origin backtest: from each of `origins` points near the end
/// of the history, the method is fitted to the values before it and
/// forecasts the `steps` values after it, which are known.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub origins: usize,
    pub steps: usize,
    /// Forecasts compared with actual values (`origins * steps`).
    pub points: usize,
    /// The method of the forecast.
    pub method: Scores,
    /// The benchmark: seasonal naive (naive for annual series).
    pub benchmark_method: Method,
    pub benchmark: Scores,
}

/// An interval at one level.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub level_pct: u8,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// A forecast: the point forecasts, the intervals, the model and its
/// backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub method: Method,
    /// The fitted model, for people: `MSTL(12) + ETS(A,Ad,N) on ln(value)`.
    pub model: String,
    /// Why this method: the choice of `auto`, or "as asked".
    pub chosen_because: String,
    /// One per period ahead.
    pub point: Vec<f64>,
    /// One per level asked for, in the order asked.
    pub intervals: Vec<Interval>,
    pub backtest: Backtest,
    /// Values the forecast was fitted to.
    pub history: usize,
}

/// A forecast value in whole dollars: rounded half away from zero; a value
/// outside the range the service computes with is [`Undefined::Overflow`],
/// one that is not a number [`Undefined::MissingValue`] (neither happens
/// for a fitted model: its outputs are checked).
pub fn whole_dollars(value: f64) -> Computed<i64> {
    if !value.is_finite() {
        return Err(Undefined::MissingValue);
    }
    let rounded = value.round();
    if rounded.abs() > MAX_ABS_VALUE_USD as f64 {
        return Err(Undefined::Overflow);
    }
    Ok(rounded as i64)
}

/// Forecasts `spec.horizon` periods after `history` (the values of
/// consecutive periods, oldest first), with intervals and a backtest.
pub fn forecast(history: &[f64], spec: &Spec) -> Result<Forecast, ForecastError> {
    check(history, spec)?;
    let history = &history[history.len().saturating_sub(MAX_HISTORY)..];
    let f = spec.frequency;
    let n = history.len();
    let need = spec.method.needs(f);
    if n < need {
        return Err(ForecastError::TooShort {
            method: spec.method,
            have: n,
            need,
        });
    }
    let (first, because) = match spec.method {
        MethodChoice::Only(m) => (m, "as asked".to_owned()),
        MethodChoice::Auto => {
            let m = [Method::Ets, Method::SeasonalNaive, Method::Naive]
                .into_iter()
                .find(|m| n >= m.needs(f))
                .unwrap_or(Method::Naive);
            let because = format!(
                "auto: the history has {n} consecutive values; ets needs {}",
                Method::Ets.needs(f)
            );
            (m, because)
        }
    };
    // `auto` does not switch to the benchmark when it did better in the
    // backtest: on the Census ATP total, forecasting each year 2001-2024
    // from the years before, switching so picked the seasonal naive in 8
    // of 24 years for imports and raised their MAPE from 7.13% to 7.77%
    // (BENCHMARKS.md). Three origins are too few to choose on; they are
    // shown beside the forecast for the reader to judge.
    let fitted = match fit(first, history, spec, None) {
        Ok(mut fitted) => {
            fitted.because = because;
            fitted
        }
        Err(e) if spec.method == MethodChoice::Auto && first == Method::Ets => {
            // The benchmark instead, saying why.
            let fallback = benchmark_method(f);
            let mut fitted = fit(fallback, history, spec, None)?;
            fitted.because = format!("auto: {e}");
            fitted
        }
        Err(e) => return Err(e),
    };
    let backtest = backtest(history, spec, &fitted);
    Ok(Forecast {
        method: fitted.method,
        model: fitted.model,
        chosen_because: fitted.because,
        point: fitted.point,
        intervals: fitted.intervals,
        backtest,
        history: n,
    })
}

/// The benchmark of a frequency: seasonal naive, which for years is naive.
pub fn benchmark_method(frequency: Frequency) -> Method {
    match frequency {
        Frequency::Annual => Method::Naive,
        Frequency::Monthly => Method::SeasonalNaive,
    }
}

fn check(history: &[f64], spec: &Spec) -> Result<(), ForecastError> {
    let max = max_horizon(spec.frequency);
    if spec.horizon == 0 || spec.horizon > max {
        return Err(ForecastError::InvalidSpec(format!(
            "horizon {} outside 1..={max}",
            spec.horizon
        )));
    }
    if spec.levels.is_empty()
        || spec.levels.len() > MAX_LEVELS
        || spec.levels.iter().any(|l| !(1..=99).contains(l))
    {
        return Err(ForecastError::InvalidSpec(format!(
            "levels {:?}: 1 to {MAX_LEVELS} levels, each 1..=99",
            spec.levels
        )));
    }
    if history.iter().any(|v| !v.is_finite()) {
        return Err(ForecastError::InvalidSpec(
            "a value of the history is not a number".into(),
        ));
    }
    Ok(())
}

/// A method fitted to a history: its forecast and, for ETS, the form it
/// chose (which the backtest refits at each origin).
#[derive(Debug, Clone)]
struct Fitted {
    method: Method,
    model: String,
    because: String,
    point: Vec<f64>,
    intervals: Vec<Interval>,
    form: Option<EtsForm>,
}

/// Fits `method` to `y` and forecasts `spec.horizon` ahead (or `steps`
/// when given: the backtest), ETS in the form given (else chosen by AICc).
fn fit(
    method: Method,
    y: &[f64],
    spec: &Spec,
    refit: Option<(usize, Option<EtsForm>)>,
) -> Result<Fitted, ForecastError> {
    let horizon = refit.map_or(spec.horizon, |(steps, _)| steps);
    let need = method.needs(spec.frequency);
    if y.len() < need {
        return Err(ForecastError::TooShort {
            method: MethodChoice::Only(method),
            have: y.len(),
            need,
        });
    }
    let mut fitted = match method {
        Method::Naive => benchmark(Method::Naive, y, 1, horizon, &spec.levels),
        Method::SeasonalNaive => benchmark(
            Method::SeasonalNaive,
            y,
            season_length(spec.frequency),
            horizon,
            &spec.levels,
        ),
        Method::Ets => ets(y, spec, horizon, refit.and_then(|(_, form)| form))?,
    };
    if spec.sign == Sign::NonNegative {
        let cut = |v: &mut Vec<f64>| v.iter_mut().for_each(|x| *x = x.max(0.0));
        cut(&mut fitted.point);
        for i in &mut fitted.intervals {
            cut(&mut i.lower);
            cut(&mut i.upper);
        }
    }
    Ok(fitted)
}

/// The naive (`m` = 1) or seasonal-naive forecast: the value one cycle
/// before each period ahead; its intervals `point ± z σ √(k + 1)` with `k`
/// the whole cycles before the step and `σ` the root mean square of the
/// in-sample errors `y[t] - y[t - m]`.
fn benchmark(method: Method, y: &[f64], m: usize, horizon: usize, levels: &[u8]) -> Fitted {
    let n = y.len();
    let m = m.max(1);
    let residuals: Vec<f64> = (m..n).map(|t| y[t] - y[t - m]).collect();
    let sigma = if residuals.is_empty() {
        0.0
    } else {
        (residuals.iter().map(|e| e * e).sum::<f64>() / residuals.len() as f64).sqrt()
    };
    let point: Vec<f64> = (0..horizon).map(|i| y[n - m + (i % m)]).collect();
    let intervals = levels
        .iter()
        .map(|&level| {
            let z = z_value(level);
            let half = |i: usize| z * sigma * (((i / m) + 1) as f64).sqrt();
            Interval {
                level_pct: level,
                lower: (0..horizon).map(|i| point[i] - half(i)).collect(),
                upper: (0..horizon).map(|i| point[i] + half(i)).collect(),
            }
        })
        .collect();
    Fitted {
        method,
        model: match method {
            Method::SeasonalNaive if m > 1 => format!("seasonal naive (period {m})"),
            _ => "naive (random walk)".to_owned(),
        },
        because: String::new(),
        point,
        intervals,
        form: None,
    }
}

/// The standard normal quantile of a central interval of `level` percent.
fn z_value(level: u8) -> f64 {
    distrs::Normal::ppf(0.5 + f64::from(level) / 200.0, 0.0, 1.0)
}

/// An ETS form: error, trend and damping (never seasonal: see the module
/// documentation).
#[derive(Debug, Clone, Copy)]
struct EtsForm {
    model_type: ModelType,
    damped: bool,
}

impl EtsForm {
    /// `A,Ad,N` as Hyndman's taxonomy writes it.
    fn describe(&self) -> String {
        let e = match self.model_type.error {
            ErrorComponent::Additive => "A",
            ErrorComponent::Multiplicative => "M",
        };
        let t = match (self.model_type.trend, self.damped) {
            (TrendComponent::None, _) => "N",
            (TrendComponent::Additive, false) => "A",
            (TrendComponent::Additive, true) => "Ad",
            (TrendComponent::Multiplicative, false) => "M",
            (TrendComponent::Multiplicative, true) => "Md",
        };
        format!("ETS({e},{t},N)")
    }
}

/// How the values are put on the scale the model is fitted on.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// `ln(y) - centre`: positive flows.
    Log { centre: f64 },
    /// `y / factor`: series that can be zero or negative.
    Linear { factor: f64 },
}

impl Scale {
    fn of(y: &[f64], sign: Sign) -> Scale {
        let n = y.len().max(1) as f64;
        if sign == Sign::NonNegative && y.iter().all(|v| *v > 0.0) {
            Scale::Log {
                centre: y.iter().map(|v| v.ln()).sum::<f64>() / n,
            }
        } else {
            let mean_abs = y.iter().map(|v| v.abs()).sum::<f64>() / n;
            Scale::Linear {
                factor: if mean_abs > 0.0 { mean_abs } else { 1.0 },
            }
        }
    }

    fn to_model(self, v: f64) -> f64 {
        match self {
            Scale::Log { centre } => v.ln() - centre,
            Scale::Linear { factor } => v / factor,
        }
    }

    fn to_dollars(self, v: f64) -> f64 {
        match self {
            Scale::Log { centre } => (v + centre).exp(),
            Scale::Linear { factor } => v * factor,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Scale::Log { .. } => "ln(value)",
            Scale::Linear { .. } => "value",
        }
    }
}

/// The AutoETS search, or one form, as MSTL's trend model; it records the
/// form it fitted.
#[derive(Debug)]
struct EtsTrend {
    form: Option<EtsForm>,
    chosen: Cell<Option<EtsForm>>,
}

/// A fitted ETS model as MSTL's fitted trend model.
#[derive(Debug)]
struct FittedEts(Model);

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl TrendModel for EtsTrend {
    fn name(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed("ETS")
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedTrendModel + Sync + Send>, BoxError> {
        let model = match self.form {
            // Additive errors only, no seasonality ("AZN": ANN, AAN, AAdN):
            // on the log of a flow that is a multiplicative error in
            // dollars; a balance cannot have one.
            None => AutoETS::new(1, "AZN")?.fit(y)?.model().clone(),
            Some(form) => Unfit::new(form.model_type).damped(form.damped).fit(y)?,
        };
        self.chosen.set(Some(EtsForm {
            model_type: model.model_type(),
            damped: model.damped(),
        }));
        Ok(Box::new(FittedEts(model)))
    }
}

impl FittedTrendModel for FittedEts {
    fn predict_inplace(
        &self,
        horizon: usize,
        level: Option<f64>,
        forecast: &mut augurs_core::Forecast,
    ) -> Result<(), BoxError> {
        Ok(self.0.predict_inplace(horizon, level, forecast)?)
    }

    fn predict_in_sample_inplace(
        &self,
        level: Option<f64>,
        forecast: &mut augurs_core::Forecast,
    ) -> Result<(), BoxError> {
        Ok(self.0.predict_in_sample_inplace(level, forecast)?)
    }

    fn training_data_size(&self) -> Option<usize> {
        Some(self.0.training_data_size())
    }
}

/// ETS (under MSTL for a seasonal series) fitted to `y` on its scale, the
/// forecast back on the scale of dollars.
fn ets(
    y: &[f64],
    spec: &Spec,
    horizon: usize,
    form: Option<EtsForm>,
) -> Result<Fitted, ForecastError> {
    let failed = |detail: String| ForecastError::FitFailed {
        method: Method::Ets,
        detail,
    };
    let scale = Scale::of(y, spec.sign);
    let t: Vec<f64> = y.iter().map(|&v| scale.to_model(v)).collect();
    let m = season_length(spec.frequency);
    let trend = EtsTrend {
        form,
        chosen: Cell::new(None),
    };
    // augurs-ets 0.10 has `todo!()`s on paths this code never takes (see
    // the module documentation); a panic is caught all the same and becomes
    // an error, not a lost worker.
    let levels: Vec<f64> = spec.levels.iter().map(|&l| f64::from(l) / 100.0).collect();
    let run = move || -> Result<(Vec<augurs_core::Forecast>, Option<EtsForm>), BoxError> {
        if m > 1 {
            let mstl = MSTLModel::new(vec![m], trend);
            let fitted = mstl.fit(&t)?;
            let forecasts = levels
                .iter()
                .map(|&l| fitted.predict(horizon, l))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((forecasts, mstl.trend_model().chosen.get()))
        } else {
            let fitted = trend.fit(&t)?;
            let forecasts = levels
                .iter()
                .map(|&l| fitted.predict(horizon, Some(l)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((forecasts, trend.chosen.get()))
        }
    };
    let (forecasts, chosen) = catch_unwind(AssertUnwindSafe(run))
        .map_err(|_| failed("the model library failed (panicked)".into()))?
        .map_err(|e| failed(e.to_string()))?;
    let chosen = chosen.ok_or_else(|| failed("no model was fitted".into()))?;
    let mut point = Vec::new();
    let mut intervals = Vec::with_capacity(forecasts.len());
    for (f, &level) in forecasts.into_iter().zip(&spec.levels) {
        let bounds = f
            .intervals
            .ok_or_else(|| failed("the model gave no intervals".into()))?;
        let back =
            |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|x| scale.to_dollars(x)).collect() };
        point = back(f.point);
        intervals.push(Interval {
            level_pct: level,
            lower: back(bounds.lower),
            upper: back(bounds.upper),
        });
    }
    let all_finite = point.iter().all(|v| v.is_finite())
        && intervals
            .iter()
            .all(|i| i.lower.iter().chain(&i.upper).all(|v| v.is_finite()));
    if point.len() != horizon || !all_finite {
        return Err(failed("the forecast is not a number".into()));
    }
    let model = if m > 1 {
        format!("MSTL({m}) + {} on {}", chosen.describe(), scale.describe())
    } else {
        format!("{} on {}", chosen.describe(), scale.describe())
    };
    Ok(Fitted {
        method: Method::Ets,
        model,
        because: String::new(),
        point,
        intervals,
        form: Some(chosen),
    })
}

/// The rolling-origin backtest of the fitted method (ETS refitted in the
/// form it chose on the whole history, at each origin: the AICc search is
/// not repeated) and of the benchmark, at the same origins.
fn backtest(y: &[f64], spec: &Spec, fitted: &Fitted) -> Backtest {
    let f = spec.frequency;
    let n = y.len();
    let steps = backtest_steps(f, spec.horizon);
    let bench = benchmark_method(f);
    let need = fitted.method.needs(f).max(bench.needs(f));
    let origins = BACKTEST_ORIGINS.min(n.saturating_sub(need) / steps.max(1));
    let unscored = |why: Unscored| Scores {
        mape_pct: Err(why),
        mase: Err(why),
        coverage_pct: vec![Err(why); spec.levels.len()],
    };
    if origins == 0 || steps == 0 {
        return Backtest {
            origins: 0,
            steps,
            points: 0,
            method: unscored(Unscored::HistoryTooShort),
            benchmark_method: bench,
            benchmark: unscored(Unscored::HistoryTooShort),
        };
    }
    let m = season_length(f);
    let origin_points: Vec<usize> = (1..=origins).rev().map(|k| n - k * steps).collect();
    let score = |method: Method| -> Scores {
        let mut runs = Vec::with_capacity(origins);
        for &o in &origin_points {
            let train = &y[..o];
            match fit(method, train, spec, Some((steps, fitted.form))) {
                Ok(fc) => runs.push((o, fc)),
                Err(_) => return unscored(Unscored::FitFailed),
            }
        }
        scores(y, m, steps, &runs, &spec.levels)
    };
    Backtest {
        origins,
        steps,
        points: origins * steps,
        method: score(fitted.method),
        benchmark_method: bench,
        benchmark: if bench == fitted.method {
            score(fitted.method)
        } else {
            score(bench)
        },
    }
}

/// MAPE, MASE and coverage of forecasts made at origins `o` (each fitted
/// to `y[..o]`) against `y[o..o + steps]`.
fn scores(y: &[f64], m: usize, steps: usize, runs: &[(usize, Fitted)], levels: &[u8]) -> Scores {
    let actuals: Vec<f64> = runs
        .iter()
        .flat_map(|(o, _)| y[*o..*o + steps].iter().copied())
        .collect();
    let mape_pct = if actuals.contains(&0.0) {
        Err(Unscored::ZeroActual)
    } else if actuals.iter().any(|a| *a > 0.0) && actuals.iter().any(|a| *a < 0.0) {
        Err(Unscored::SignChange)
    } else {
        let mut sum = 0.0;
        for (o, fc) in runs {
            for (i, p) in fc.point.iter().enumerate() {
                let a = y[o + i];
                sum += ((a - p) / a).abs();
            }
        }
        Ok(100.0 * sum / actuals.len() as f64)
    };
    let mut scaled = 0.0;
    let mut mase = Ok(());
    for (o, fc) in runs {
        let train = &y[..*o];
        let k = train.len().saturating_sub(m);
        let scale = if k == 0 {
            0.0
        } else {
            (m..train.len())
                .map(|t| (train[t] - train[t - m]).abs())
                .sum::<f64>()
                / k as f64
        };
        if scale <= 0.0 {
            mase = Err(Unscored::ZeroScale);
            break;
        }
        for (i, p) in fc.point.iter().enumerate() {
            scaled += (y[o + i] - p).abs() / scale;
        }
    }
    let coverage_pct = (0..levels.len())
        .map(|li| {
            let mut inside = 0usize;
            for (o, fc) in runs {
                let iv = &fc.intervals[li];
                for i in 0..fc.point.len() {
                    let a = y[o + i];
                    if iv.lower[i] <= a && a <= iv.upper[i] {
                        inside += 1;
                    }
                }
            }
            Ok(100.0 * inside as f64 / actuals.len() as f64)
        })
        .collect();
    Scores {
        mape_pct,
        mase: mase.map(|()| scaled / actuals.len() as f64),
        coverage_pct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uniform noise in [-1, 1], deterministic (xorshift64).
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
            })
            .collect()
    }

    fn spec(frequency: Frequency, horizon: usize, method: MethodChoice, sign: Sign) -> Spec {
        Spec {
            frequency,
            horizon,
            levels: vec![80, 95],
            method,
            sign,
        }
    }

    const ETS: MethodChoice = MethodChoice::Only(Method::Ets);

    /// A monthly flow: 1 billion growing 6% a year (compounded monthly),
    /// a seasonal pattern of +-10% (a sine over the year), and noise of at
    /// most 1%: multiplicative, like trade.
    fn monthly_truth(t: usize) -> f64 {
        let trend = 1e9 * (0.06f64 / 12.0).exp().powi(t as i32);
        let season = 1.0 + 0.10 * (2.0 * std::f64::consts::PI * (t % 12) as f64 / 12.0).sin();
        trend * season
    }

    #[test]
    fn a_monthly_series_with_trend_and_seasonality_is_recovered() {
        let n = 240;
        let e = noise(n, 7);
        let y: Vec<f64> = (0..n)
            .map(|t| monthly_truth(t) * (1.0 + 0.01 * e[t]))
            .collect();
        let f = forecast(
            &y,
            &spec(
                Frequency::Monthly,
                12,
                MethodChoice::Auto,
                Sign::NonNegative,
            ),
        )
        .unwrap();
        assert_eq!(f.method, Method::Ets, "{}", f.chosen_because);
        assert!(f.model.starts_with("MSTL(12) + ETS(A,"), "{}", f.model);
        assert!(f.model.ends_with("on ln(value)"), "{}", f.model);
        assert_eq!(f.point.len(), 12);
        for (i, p) in f.point.iter().enumerate() {
            let truth = monthly_truth(n + i);
            // Within 1% of the noiseless value up to 12 months ahead (the
            // noise alone is up to 1%; 0.4% was measured).
            assert!(
                (p - truth).abs() / truth < 0.01,
                "month {i}: {p} against {truth}"
            );
            // Both intervals cover it, and the 95% one holds the 80% one.
            let (i80, i95) = (&f.intervals[0], &f.intervals[1]);
            assert!(i80.lower[i] <= truth && truth <= i80.upper[i], "80% at {i}");
            assert!(i95.lower[i] <= i80.lower[i] && i80.upper[i] <= i95.upper[i]);
            assert!(i80.lower[i] < *p && *p < i80.upper[i]);
        }
        // The seasonal shape is kept: the forecast's peak and trough are
        // the true ones (months 3 and 9 of the cycle).
        let argmax = (0..12).max_by(|&a, &b| f.point[a].total_cmp(&f.point[b]));
        let argmin = (0..12).min_by(|&a, &b| f.point[a].total_cmp(&f.point[b]));
        assert_eq!(argmax, Some(3));
        assert_eq!(argmin, Some(9));
        // The backtest: three origins a year apart, both scored, and ETS
        // far better than the seasonal naive (which misses a year's growth).
        let b = &f.backtest;
        assert_eq!((b.origins, b.steps, b.points), (3, 12, 36));
        assert_eq!(b.benchmark_method, Method::SeasonalNaive);
        let (ets, bench) = (b.method.mase.unwrap(), b.benchmark.mase.unwrap());
        assert!(ets < 0.5 * bench, "MASE {ets} against {bench}");
        assert!(b.method.mape_pct.unwrap() < 2.0);
        assert!(b.method.coverage_pct[1].unwrap() >= 80.0);
        assert_eq!(
            f.chosen_because,
            "auto: the history has 240 consecutive values; ets needs 24"
        );
    }

    #[test]
    fn a_balance_crossing_zero_is_forecast_on_its_own_scale() {
        // From a surplus of 2 billion to deficits, falling 15 million a
        // month, a seasonal swing of 300 million, noise up to 50 million.
        let n = 180;
        let truth = |t: usize| {
            2e9 - 15e6 * t as f64 + 3e8 * (2.0 * std::f64::consts::PI * t as f64 / 12.0).cos()
        };
        let e = noise(n, 11);
        let y: Vec<f64> = (0..n).map(|t| truth(t) + 5e7 * e[t]).collect();
        let f = forecast(&y, &spec(Frequency::Monthly, 12, ETS, Sign::Any)).unwrap();
        assert!(f.model.ends_with("on value"), "{}", f.model);
        for (i, p) in f.point.iter().enumerate() {
            let t = truth(n + i);
            // Within 50 million of the truth, the noise's own bound (21
            // million was measured), on a range of 3 billion.
            assert!((p - t).abs() < 5e7, "month {i}: {p} against {t}");
            let i95 = &f.intervals[1];
            assert!(i95.lower[i] <= t && t <= i95.upper[i], "95% at {i}");
        }
        // Every value ahead is negative: nothing is cut at zero.
        assert!(f.intervals[1].upper.iter().all(|v| *v < 0.0));
        // The actuals of the backtest change sign in the first origin's
        // year: no percentage error, but a scaled one.
        assert!(f.backtest.method.mase.is_ok());
    }

    #[test]
    fn an_annual_series_with_a_trend() {
        // 30 years growing 5% a year, noise up to 2%.
        let e = noise(30, 3);
        let truth = |t: usize| 100e9 * 1.05f64.powi(t as i32);
        let y: Vec<f64> = (0..30).map(|t| truth(t) * (1.0 + 0.02 * e[t])).collect();
        let f = forecast(
            &y,
            &spec(Frequency::Annual, 5, MethodChoice::Auto, Sign::NonNegative),
        )
        .unwrap();
        assert_eq!(f.method, Method::Ets);
        assert!(!f.model.contains("MSTL"), "{}", f.model);
        for (i, p) in f.point.iter().enumerate() {
            let t = truth(30 + i);
            // Within 1% up to five years ahead (0.1% was measured).
            assert!((p - t).abs() / t < 0.01, "year {i}: {p} against {t}");
            assert!(f.intervals[1].lower[i] <= t && t <= f.intervals[1].upper[i]);
        }
        assert_eq!(f.backtest.benchmark_method, Method::Naive);
        assert_eq!((f.backtest.origins, f.backtest.steps), (3, 5));
    }

    #[test]
    fn the_naive_forecast_exactly() {
        let y = [1.0, 3.0, 2.0, 5.0];
        let f = forecast(
            &y,
            &spec(
                Frequency::Annual,
                3,
                MethodChoice::Only(Method::Naive),
                Sign::Any,
            ),
        )
        .unwrap();
        assert_eq!(f.point, vec![5.0; 3]);
        assert_eq!(f.model, "naive (random walk)");
        // sigma^2 = (2^2 + 1^2 + 3^2) / 3; the h-step sd is sigma sqrt(h).
        let sigma = (14.0f64 / 3.0).sqrt();
        let z80 = 1.281_551_565_544_600_4;
        for h in 1..=3 {
            let half = z80 * sigma * (h as f64).sqrt();
            assert!((f.intervals[0].lower[h - 1] - (5.0 - half)).abs() < 1e-9);
            assert!((f.intervals[0].upper[h - 1] - (5.0 + half)).abs() < 1e-9);
        }
        // The same as augurs' own naive trend model.
        let fitted = augurs_mstl::NaiveTrend::new().fit(&y).unwrap();
        let theirs = fitted.predict(3, Some(0.8)).unwrap();
        assert_eq!(theirs.point, f.point);
        let theirs = theirs.intervals.unwrap();
        for h in 0..3 {
            assert!((theirs.lower[h] - f.intervals[0].lower[h]).abs() < 1e-9);
            assert!((theirs.upper[h] - f.intervals[0].upper[h]).abs() < 1e-9);
        }
    }

    #[test]
    fn the_seasonal_naive_forecast_exactly() {
        // 14 months: the forecast repeats the last twelve.
        let y: Vec<f64> = (0..14).map(|t| (100 + t * t) as f64).collect();
        let f = forecast(
            &y,
            &spec(
                Frequency::Monthly,
                24,
                MethodChoice::Only(Method::SeasonalNaive),
                Sign::NonNegative,
            ),
        )
        .unwrap();
        for i in 0..24 {
            assert_eq!(f.point[i], y[2 + i % 12], "step {}", i + 1);
        }
        // Two errors y[t] - y[t-12]: 144 - 0 = 144 and 169 - 1 = 168.
        let sigma = ((144.0f64 * 144.0 + 168.0 * 168.0) / 2.0).sqrt();
        let z95 = 1.959_963_984_540_054;
        let half = |i: usize| z95 * sigma * ((i / 12 + 1) as f64).sqrt();
        for i in 0..24 {
            assert!((f.intervals[1].upper[i] - (f.point[i] + half(i))).abs() < 1e-9);
            // A flow: bounds below zero are cut at zero.
            assert_eq!(f.intervals[1].lower[i], (f.point[i] - half(i)).max(0.0));
        }
        assert!(f.intervals[1].lower[0] == 0.0, "cut at zero");
        // The second year's intervals are sqrt(2) wider.
        let w = |i: usize| f.intervals[0].upper[i] - f.point[i];
        assert!((w(12) / w(0) - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn too_short_says_what_it_has_and_needs() {
        let err = |y: &[f64], f: Frequency, m: MethodChoice| {
            forecast(y, &spec(f, 1, m, Sign::NonNegative)).unwrap_err()
        };
        assert_eq!(
            err(&[1.0, 2.0], Frequency::Annual, ETS),
            ForecastError::TooShort {
                method: ETS,
                have: 2,
                need: 7
            }
        );
        assert_eq!(
            err(&[1.0; 23], Frequency::Monthly, ETS),
            ForecastError::TooShort {
                method: ETS,
                have: 23,
                need: 24
            }
        );
        let snaive = MethodChoice::Only(Method::SeasonalNaive);
        assert_eq!(
            err(&[1.0; 12], Frequency::Monthly, snaive),
            ForecastError::TooShort {
                method: snaive,
                have: 12,
                need: 13
            }
        );
        let e = err(&[1.0], Frequency::Annual, MethodChoice::Auto);
        assert_eq!(e.to_string(), "1 consecutive values; auto needs at least 2");
        // Long enough for the benchmarks, not for ETS: auto says so.
        let f = forecast(
            &[5.0; 20],
            &spec(Frequency::Monthly, 3, MethodChoice::Auto, Sign::NonNegative),
        )
        .unwrap();
        assert_eq!(f.method, Method::SeasonalNaive);
        assert_eq!(
            f.chosen_because,
            "auto: the history has 20 consecutive values; ets needs 24"
        );
    }

    #[test]
    fn backtest_scores_by_hand() {
        // Naive, annual, 2 steps from 3 origins (after 2, 4 and 6 values).
        let y = [10.0, 12.0, 11.0, 13.0, 15.0, 14.0, 16.0, 18.0];
        let naive = MethodChoice::Only(Method::Naive);
        let f = forecast(&y, &spec(Frequency::Annual, 2, naive, Sign::NonNegative)).unwrap();
        let b = &f.backtest;
        assert_eq!((b.origins, b.steps, b.points), (3, 2, 6));
        // Forecasts 12, 12 | 13, 13 | 14, 14 against 11, 13 | 15, 14 | 16, 18.
        let mape = 100.0 / 6.0
            * (1.0 / 11.0 + 1.0 / 13.0 + 2.0 / 15.0 + 1.0 / 14.0 + 2.0 / 16.0 + 4.0 / 18.0);
        assert!((b.method.mape_pct.unwrap() - mape).abs() < 1e-12);
        // In-sample naive MAE at each origin: 2, 5/3, 8/5.
        let mase = (1.0 / 2.0
            + 1.0 / 2.0
            + 2.0 * 3.0 / 5.0
            + 3.0 / 5.0
            + 2.0 * 5.0 / 8.0
            + 4.0 * 5.0 / 8.0)
            / 6.0;
        assert!((b.method.mase.unwrap() - mase).abs() < 1e-12);
        // 80% intervals: all inside but 18 (14 +- 3.03).
        assert!((b.method.coverage_pct[0].unwrap() - 500.0 / 6.0).abs() < 1e-9);
        assert!((b.method.coverage_pct[1].unwrap() - 100.0).abs() < 1e-9);
        // For years the benchmark is the naive forecast itself.
        assert_eq!(b.benchmark, b.method);
    }

    #[test]
    fn backtest_reasons() {
        // Too short for any origin: the forecast is made, the backtest says why.
        let f = forecast(
            &[3.0, 4.0, 5.0],
            &spec(
                Frequency::Annual,
                2,
                MethodChoice::Only(Method::Naive),
                Sign::Any,
            ),
        )
        .unwrap();
        assert_eq!(f.backtest.origins, 0);
        assert_eq!(f.backtest.method.mape_pct, Err(Unscored::HistoryTooShort));
        // A zero among the actuals: no percentage error.
        let y = [1.0, 2.0, 3.0, 0.0, 2.0, 3.0];
        let f = forecast(
            &y,
            &spec(
                Frequency::Annual,
                1,
                MethodChoice::Only(Method::Naive),
                Sign::Any,
            ),
        )
        .unwrap();
        assert_eq!(f.backtest.method.mape_pct, Err(Unscored::ZeroActual));
        assert!(f.backtest.method.mase.is_ok());
        // Both signs: no percentage error either.
        let y = [1.0, 2.0, 3.0, -1.0, 2.0, 3.0];
        let f = forecast(
            &y,
            &spec(
                Frequency::Annual,
                1,
                MethodChoice::Only(Method::Naive),
                Sign::Any,
            ),
        )
        .unwrap();
        assert_eq!(f.backtest.method.mape_pct, Err(Unscored::SignChange));
        // A constant history: nothing to scale by.
        let f = forecast(
            &[4.0; 6],
            &spec(
                Frequency::Annual,
                1,
                MethodChoice::Only(Method::Naive),
                Sign::Any,
            ),
        )
        .unwrap();
        assert_eq!(f.backtest.method.mase, Err(Unscored::ZeroScale));
        assert_eq!(f.backtest.method.mape_pct, Ok(0.0));
    }

    #[test]
    fn the_same_history_gives_the_same_forecast() {
        let e = noise(120, 5);
        let y: Vec<f64> = (0..120)
            .map(|t| monthly_truth(t) * (1.0 + 0.03 * e[t]))
            .collect();
        let s = spec(
            Frequency::Monthly,
            18,
            MethodChoice::Auto,
            Sign::NonNegative,
        );
        assert_eq!(forecast(&y, &s).unwrap(), forecast(&y, &s).unwrap());
    }

    #[test]
    fn a_long_history_is_fitted_on_its_last_480_values() {
        let e = noise(600, 9);
        let y: Vec<f64> = (0..600)
            .map(|t| monthly_truth(t) * (1.0 + 0.01 * e[t]))
            .collect();
        let s = spec(
            Frequency::Monthly,
            12,
            MethodChoice::Auto,
            Sign::NonNegative,
        );
        let long = forecast(&y, &s).unwrap();
        assert_eq!(long.history, MAX_HISTORY);
        assert_eq!(long, forecast(&y[600 - MAX_HISTORY..], &s).unwrap());
    }

    #[test]
    fn a_constant_series_is_forecast_as_itself() {
        // No spread to fit: every method forecasts the constant to the
        // dollar, with intervals of no width; a series of zeros (no log:
        // fitted as is) forecasts zeros.
        for method in [
            MethodChoice::Auto,
            ETS,
            MethodChoice::Only(Method::Naive),
            MethodChoice::Only(Method::SeasonalNaive),
        ] {
            for (f, n) in [(Frequency::Monthly, 36), (Frequency::Annual, 10)] {
                let s = spec(f, 3, method, Sign::NonNegative);
                let fc = forecast(&vec![5e9; n], &s).unwrap();
                for v in fc.point.iter().chain(&fc.intervals[1].lower) {
                    assert_eq!(whole_dollars(*v), Ok(5_000_000_000), "{method} {f}");
                }
            }
            let s = spec(Frequency::Monthly, 3, method, Sign::NonNegative);
            let fc = forecast(&[0.0; 36], &s).unwrap();
            assert!(
                fc.point.iter().all(|v| whole_dollars(*v) == Ok(0)),
                "{method}"
            );
        }
    }

    #[test]
    fn limits_are_checked() {
        let y = [1.0; 30];
        let mut s = spec(Frequency::Annual, 21, MethodChoice::Auto, Sign::Any);
        assert!(matches!(
            forecast(&y, &s),
            Err(ForecastError::InvalidSpec(_))
        ));
        s.horizon = 20;
        s.levels = vec![80, 0];
        assert!(matches!(
            forecast(&y, &s),
            Err(ForecastError::InvalidSpec(_))
        ));
        s.levels = vec![50, 60, 70, 80, 90];
        assert!(forecast(&y, &s).is_err());
        s.levels = vec![99];
        assert!(forecast(&y, &s).is_ok());
    }

    #[test]
    fn whole_dollars_round_and_refuse_what_they_cannot_hold() {
        assert_eq!(whole_dollars(2.5), Ok(3));
        assert_eq!(whole_dollars(-2.5), Ok(-3));
        assert_eq!(whole_dollars(1e15), Ok(1_000_000_000_000_000));
        assert_eq!(whole_dollars(2e15), Err(Undefined::Overflow));
        assert_eq!(whole_dollars(f64::NAN), Err(Undefined::MissingValue));
        assert_eq!(whole_dollars(f64::INFINITY), Err(Undefined::MissingValue));
    }
}
