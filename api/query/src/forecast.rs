//! Forecasts: the series of one measure, group and partner at one
//! frequency, cut at `until`, forecast by core's [`atp_core::forecast`],
//! with the values the dataset has for the periods forecast set beside
//! them. Domain rows; the HTTP layer shapes them.

use atp_core::forecast::{self, Forecast, ForecastError, MethodChoice, Sign, Spec};
use atp_core::{Frequency, GroupId, PartnerCode, PartnerKind, Period};

use crate::{DatasetView, GrowthMeasure, PeriodFilter, ReadModel, Scope, Selection, series_value};

/// What to forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRequest {
    pub measure: GrowthMeasure,
    pub group: GroupId,
    pub partner: PartnerCode,
    pub frequency: Frequency,
    /// The last period of the history; `None`: the series' last.
    pub until: Option<Period>,
    pub horizon: usize,
    /// Interval levels in percent.
    pub levels: Vec<u8>,
    pub method: MethodChoice,
}

/// Why the dataset has no actual value beside a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoActual {
    /// The period is after the dataset's last period of the frequency.
    AfterDataset,
    /// The dataset covers the period but has no figure for this series.
    NoFigure,
}

impl NoActual {
    pub const ALL: [NoActual; 2] = [NoActual::AfterDataset, NoActual::NoFigure];

    pub fn code(self) -> &'static str {
        match self {
            NoActual::AfterDataset => "after_dataset",
            NoActual::NoFigure => "no_figure",
        }
    }
}

/// A forecast and what it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRows {
    pub group: GroupId,
    pub partner: PartnerCode,
    pub partner_kind: PartnerKind,
    pub measure: GrowthMeasure,
    pub frequency: Frequency,
    /// The history the forecast was fitted to: consecutive periods.
    pub history_first: Period,
    pub history_last: Period,
    pub forecast: Forecast,
    /// The periods forecast, one per step ahead.
    pub periods: Vec<Period>,
    /// The dataset's value for each period forecast, or why there is none.
    pub actuals: Vec<Result<i64, NoActual>>,
}

/// Why a forecast could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum ForecastQueryError {
    /// The history has fewer consecutive values than the method needs.
    TooShort {
        method: MethodChoice,
        /// Values of the series up to `until`.
        values: usize,
        /// Of those, the consecutive ones at the end (what a method can use).
        consecutive: usize,
        need: usize,
        /// The first and last periods with values up to `until`.
        first: Option<Period>,
        last: Option<Period>,
    },
    /// The periods ahead would leave the calendar the service accepts.
    BeyondCalendar { last: Period, horizon: usize },
    /// The model could not be fitted.
    Failed(ForecastError),
}

/// The forecast of one series; `Ok(None)` when the dataset has no values
/// for it at this frequency (a valid query that matches nothing).
pub fn forecast(
    model: &ReadModel,
    ds: &DatasetView,
    req: &ForecastRequest,
) -> Result<Option<ForecastRows>, ForecastQueryError> {
    let sel = Selection {
        groups: Some(vec![req.group]),
        partners: Some(vec![req.partner]),
        frequency: req.frequency,
        periods: PeriodFilter::All,
    };
    let scope = Scope::new(model, ds, &sel);
    let value = |p: Period| series_value(&scope, req.measure, req.group, req.partner, p);
    let series: Vec<(Period, i64)> = ds
        .periods_of(req.frequency)
        .iter()
        .filter_map(|&p| value(p).map(|(v, _)| (p, v)))
        .collect();
    if series.is_empty() {
        return Ok(None);
    }
    let history: &[(Period, i64)] = match req.until {
        Some(u) => &series[..series.partition_point(|(p, _)| *p <= u)],
        None => &series,
    };
    // The consecutive run at the end of the history.
    let mut start = history.len();
    while start > 0 {
        let consecutive =
            start == history.len() || history[start - 1].0.shift(1) == Some(history[start].0);
        if !consecutive {
            break;
        }
        start -= 1;
    }
    // At most the last MAX_HISTORY values are fitted (core cuts the same).
    let start = start.max(history.len().saturating_sub(forecast::MAX_HISTORY));
    let run = &history[start..];
    let too_short = |need: usize| ForecastQueryError::TooShort {
        method: req.method,
        values: history.len(),
        consecutive: run.len(),
        need,
        first: history.first().map(|v| v.0),
        last: history.last().map(|v| v.0),
    };
    let (Some(&(first, _)), Some(&(last, _))) = (run.first(), run.last()) else {
        return Err(too_short(req.method.needs(req.frequency)));
    };
    let horizon = i32::try_from(req.horizon).unwrap_or(i32::MAX);
    let periods: Vec<Period> = (1..=horizon).filter_map(|k| last.shift(k)).collect();
    if periods.len() != req.horizon {
        return Err(ForecastQueryError::BeyondCalendar {
            last,
            horizon: req.horizon,
        });
    }
    let spec = Spec {
        frequency: req.frequency,
        horizon: req.horizon,
        levels: req.levels.clone(),
        method: req.method,
        sign: match req.measure {
            GrowthMeasure::Flow(_) => Sign::NonNegative,
            GrowthMeasure::Balance => Sign::Any,
        },
    };
    let values: Vec<f64> = run.iter().map(|&(_, v)| v as f64).collect();
    let forecast = forecast::forecast(&values, &spec).map_err(|e| match e {
        ForecastError::TooShort { need, .. } => too_short(need),
        e => ForecastQueryError::Failed(e),
    })?;
    let dataset_last = ds.periods_of(req.frequency).last().copied();
    let actuals = periods
        .iter()
        .map(|&p| match value(p) {
            Some((v, _)) => Ok(v),
            None if dataset_last.is_none_or(|l| p > l) => Err(NoActual::AfterDataset),
            None => Err(NoActual::NoFigure),
        })
        .collect();
    Ok(Some(ForecastRows {
        group: req.group,
        partner: req.partner,
        partner_kind: scope.kind(req.partner),
        measure: req.measure,
        frequency: req.frequency,
        history_first: first,
        history_last: last,
        forecast,
        periods,
        actuals,
    }))
}

#[cfg(test)]
mod tests {

    use atp_core::forecast::Method;
    use atp_core::{Citation, Flow, Measure, Observation, Provenance, SeriesKey, Status, Year};

    use super::*;

    fn month(y: u16, m: u8) -> Period {
        Period::monthly(Year::new(y).unwrap(), m).unwrap()
    }

    fn obs(measure: Measure, partner: &str, period: Period, value_usd: i64) -> Observation {
        Observation {
            key: SeriesKey {
                measure,
                group: GroupId::All,
                partner: PartnerCode::try_from(partner).unwrap(),
                period,
            },
            value_usd,
            provenance: Provenance {
                status: Status::Reported,
                rounding_usd: Some(1),
                derivation: None,
                citation: Citation {
                    section: "test".to_owned(),
                    quote: String::new(),
                },
            },
        }
    }

    /// World imports and exports, monthly 2015-01..2019-12 (exports
    /// smaller: a deficit); Korea's imports with a gap (2019-03 missing).
    fn model() -> ReadModel {
        let mut o = Vec::new();
        for t in 0..60u16 {
            let p = month(2015 + t / 12, (t % 12) as u8 + 1);
            let season = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8][usize::from(t % 12)];
            let m = 1_000_000 + 10_000 * i64::from(t) + 20_000 * season;
            o.push(obs(Measure::Imports, "WLD", p, m));
            o.push(obs(Measure::Exports, "WLD", p, m * 3 / 4));
            if p != month(2019, 3) {
                o.push(obs(Measure::Imports, "KR", p, m / 10));
            }
        }
        ReadModel::build(1, vec![(crate::tests::stored("f", &o), o)], &[], None)
    }

    fn request(measure: GrowthMeasure, partner: &str, until: Option<Period>) -> ForecastRequest {
        ForecastRequest {
            measure,
            group: GroupId::All,
            partner: PartnerCode::try_from(partner).unwrap(),
            frequency: Frequency::Monthly,
            until,
            horizon: 18,
            levels: vec![80, 95],
            method: MethodChoice::Only(Method::SeasonalNaive),
        }
    }

    const IMPORTS: GrowthMeasure = GrowthMeasure::Flow(Flow::Imports);

    #[test]
    fn until_cuts_the_history_and_the_actuals_stand_beside() {
        let m = model();
        let ds = m.dataset("f").unwrap();
        let rows = forecast(&m, ds, &request(IMPORTS, "WLD", Some(month(2018, 12))))
            .unwrap()
            .unwrap();
        assert_eq!(rows.history_first, month(2015, 1));
        assert_eq!(rows.history_last, month(2018, 12));
        assert_eq!(rows.forecast.history, 48);
        assert_eq!(rows.periods.first(), Some(&month(2019, 1)));
        assert_eq!(rows.periods.last(), Some(&month(2020, 6)));
        // 2019's twelve months are in the dataset; 2020's are after it.
        let actual = ds
            .get(&SeriesKey {
                measure: Measure::Imports,
                group: GroupId::All,
                partner: PartnerCode::WORLD,
                period: month(2019, 1),
            })
            .unwrap()
            .value_usd;
        assert_eq!(rows.actuals[0], Ok(actual));
        assert!(rows.actuals[..12].iter().all(Result::is_ok));
        assert!(
            rows.actuals[12..]
                .iter()
                .all(|a| *a == Err(NoActual::AfterDataset))
        );
        // Seasonal naive: 2019-01 is forecast as 2018-01 was.
        let jan_2018 = 1_000_000 + 10_000 * 36 + 20_000 * 3;
        assert_eq!(rows.forecast.point[0], jan_2018 as f64);
        // Without until: from the series' last month.
        let rows = forecast(&m, ds, &request(IMPORTS, "WLD", None))
            .unwrap()
            .unwrap();
        assert_eq!(rows.history_last, month(2019, 12));
        assert!(
            rows.actuals
                .iter()
                .all(|a| *a == Err(NoActual::AfterDataset))
        );
    }

    #[test]
    fn the_balance_is_exports_minus_imports() {
        let m = model();
        let ds = m.dataset("f").unwrap();
        let rows = forecast(
            &m,
            ds,
            &request(GrowthMeasure::Balance, "WLD", Some(month(2018, 12))),
        )
        .unwrap()
        .unwrap();
        let jan_2018 = 1_000_000 + 10_000 * 36 + 20_000 * 3;
        let balance = jan_2018 * 3 / 4 - jan_2018;
        assert_eq!(rows.forecast.point[0], balance as f64);
        assert!(rows.forecast.point.iter().all(|v| *v < 0.0));
        // A deficit's bounds are not cut at zero.
        assert!(rows.forecast.intervals[1].upper.iter().all(|v| *v < 0.0));
    }

    #[test]
    fn a_gap_leaves_the_consecutive_months_after_it() {
        let m = model();
        let ds = m.dataset("f").unwrap();
        // Korea misses 2019-03: the history to 2019-12 is the nine months after.
        let err = forecast(&m, ds, &request(IMPORTS, "KR", None)).unwrap_err();
        assert_eq!(
            err,
            ForecastQueryError::TooShort {
                method: MethodChoice::Only(Method::SeasonalNaive),
                values: 59,
                consecutive: 9,
                need: 13,
                first: Some(month(2015, 1)),
                last: Some(month(2019, 12)),
            }
        );
        // To 2019-02: 50 consecutive months, and 2019-03 has no figure.
        let rows = forecast(&m, ds, &request(IMPORTS, "KR", Some(month(2019, 2))))
            .unwrap()
            .unwrap();
        assert_eq!(rows.forecast.history, 50);
        assert_eq!(rows.actuals[0], Err(NoActual::NoFigure));
        assert!(rows.actuals[1].is_ok());
        // Before the first month: nothing to forecast from.
        let err = forecast(&m, ds, &request(IMPORTS, "KR", Some(month(2014, 12)))).unwrap_err();
        assert!(matches!(
            err,
            ForecastQueryError::TooShort {
                values: 0,
                consecutive: 0,
                ..
            }
        ));
    }

    #[test]
    fn no_series_is_no_answer_not_an_error() {
        let m = model();
        let ds = m.dataset("f").unwrap();
        assert_eq!(forecast(&m, ds, &request(IMPORTS, "CN", None)), Ok(None));
        let mut annual = request(IMPORTS, "WLD", None);
        annual.frequency = Frequency::Annual;
        // The model computes no years from months: none stored here.
        assert_eq!(forecast(&m, ds, &annual), Ok(None));
    }
}
