//! Series transforms, as FRED users know them: the level, changes and
//! percent changes from the previous period or a year ago, the compounded
//! annual rate, the natural log; and rolling sums of monthly series
//! (trailing twelve months, year to date). Sums and changes stay whole
//! dollars; ratios are floats; an undefined case is an
//! [`Undefined`] reason, never `inf` or `NaN`.

use atp_core::Period;
use atp_core::analytics::{self, Computed, Undefined};

/// What a transformed value measures (FRED's `units`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Units {
    /// The level.
    Lin,
    /// Change from the previous period, in dollars.
    Chg,
    /// Change from a year ago, in dollars.
    Ch1,
    /// Percent change from the previous period.
    Pch,
    /// Percent change from a year ago.
    Pc1,
    /// Compounded annual rate of change, in percent.
    Pca,
    /// Natural log of the level.
    Log,
}

impl Units {
    pub const ALL: [Units; 7] = [
        Units::Lin,
        Units::Chg,
        Units::Ch1,
        Units::Pch,
        Units::Pc1,
        Units::Pca,
        Units::Log,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Units::Lin => "lin",
            Units::Chg => "chg",
            Units::Ch1 => "ch1",
            Units::Pch => "pch",
            Units::Pc1 => "pc1",
            Units::Pca => "pca",
            Units::Log => "log",
        }
    }

    pub fn from_name(name: &str) -> Option<Units> {
        Units::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// A sentence saying what the value is.
    pub fn describe(self) -> &'static str {
        match self {
            Units::Lin => "the level, in US dollars",
            Units::Chg => "the change from the previous period, in US dollars",
            Units::Ch1 => "the change from a year ago, in US dollars",
            Units::Pch => "the percent change from the previous period",
            Units::Pc1 => "the percent change from a year ago",
            Units::Pca => {
                "the compounded annual rate of change from the previous period, in percent"
            }
            Units::Log => "the natural log of the level in US dollars",
        }
    }

    /// Whether the value is whole US dollars (else a ratio or a log).
    pub fn is_dollars(self) -> bool {
        matches!(self, Units::Lin | Units::Chg | Units::Ch1)
    }

    /// The period a value is compared with, if the units compare.
    pub fn base(self, period: Period) -> Option<Option<Period>> {
        let per_year = i32::from(period.frequency().per_year());
        match self {
            Units::Lin | Units::Log => None,
            Units::Chg | Units::Pch | Units::Pca => Some(period.shift(-1)),
            Units::Ch1 | Units::Pc1 => Some(period.shift(-per_year)),
        }
    }
}

/// A rolling sum of a monthly series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rolling {
    /// The sum of the twelve months to the period.
    Trailing12,
    /// The sum of the months of the period's year up to it.
    YearToDate,
}

impl Rolling {
    pub const ALL: [Rolling; 2] = [Rolling::Trailing12, Rolling::YearToDate];

    pub fn as_str(self) -> &'static str {
        match self {
            Rolling::Trailing12 => "trailing-12",
            Rolling::YearToDate => "year-to-date",
        }
    }

    pub fn from_name(name: &str) -> Option<Rolling> {
        Rolling::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// The months summed for `period` (a month), oldest first.
    pub fn window(self, period: Period) -> Vec<Period> {
        match self {
            Rolling::Trailing12 => (0..12).rev().filter_map(|k| period.shift(-k)).collect(),
            Rolling::YearToDate => Period::months_of(period.year())
                .take_while(|m| *m <= period)
                .collect(),
        }
    }
}

/// A transformed value: whole dollars or a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnitValue {
    Usd(i64),
    Number(f64),
}

/// How a series is shown: a rolling sum (or none), then units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transform {
    pub units: Units,
    pub rolling: Option<Rolling>,
}

impl Transform {
    /// The level as stored.
    pub const LEVEL: Transform = Transform {
        units: Units::Lin,
        rolling: None,
    };

    pub fn is_level(&self) -> bool {
        *self == Transform::LEVEL
    }

    /// The series' level at `period` after the rolling sum, from `level`
    /// (the stored series: `None` where it has no value).
    pub fn rolled(
        &self,
        level: &dyn Fn(Period) -> Option<Computed<i64>>,
        period: Period,
    ) -> Computed<i64> {
        let Some(rolling) = self.rolling else {
            return level(period).unwrap_or(Err(Undefined::MissingValue));
        };
        if period.is_annual() {
            return Err(Undefined::NoPeriod);
        }
        let window = rolling.window(period);
        if rolling == Rolling::Trailing12 && window.len() < 12 {
            return Err(Undefined::MissingValue);
        }
        window.into_iter().try_fold(0i64, |sum, m| {
            let v = level(m).unwrap_or(Err(Undefined::MissingValue))?;
            sum.checked_add(v).ok_or(Undefined::Overflow)
        })
    }

    /// The transformed value at `period`, and the period it is compared
    /// with (for changes).
    pub fn apply(
        &self,
        level: &dyn Fn(Period) -> Option<Computed<i64>>,
        period: Period,
    ) -> (Computed<UnitValue>, Option<Period>) {
        let now = self.rolled(level, period);
        let base_period = self.units.base(period).flatten();
        let before = || match base_period {
            Some(b) => self.rolled(level, b),
            None => Err(Undefined::MissingValue),
        };
        let value = match self.units {
            Units::Lin => now.map(UnitValue::Usd),
            Units::Log => now.and_then(|v| match v {
                0 => Err(Undefined::ZeroBase),
                v if v < 0 => Err(Undefined::NegativeBase),
                v => Ok(UnitValue::Number((v as f64).ln())),
            }),
            Units::Chg | Units::Ch1 => now.and_then(|n| {
                let b = before()?;
                analytics::difference(n, b).map(UnitValue::Usd)
            }),
            Units::Pch | Units::Pc1 => now.and_then(|n| {
                let b = before()?;
                analytics::percent_change(b, n).map(UnitValue::Number)
            }),
            Units::Pca => now.and_then(|n| {
                let b = before()?;
                let years = 1.0 / f64::from(period.frequency().per_year());
                analytics::compound_annual_growth(b, n, years).map(UnitValue::Number)
            }),
        };
        (value, base_period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::try_from(s).unwrap()
    }

    /// A monthly series 2023-01..2024-06: January 2023 is 100, then +10 a
    /// month.
    fn series(period: Period) -> Option<Computed<i64>> {
        let first = p("2023-01");
        let n = first.steps_until(period)?;
        (0..18).contains(&n).then(|| Ok(100 + 10 * i64::from(n)))
    }

    fn at(t: Transform, s: &str) -> Computed<UnitValue> {
        t.apply(&series, p(s)).0
    }

    fn units(u: Units) -> Transform {
        Transform {
            units: u,
            rolling: None,
        }
    }

    #[test]
    fn changes_and_percent_changes() {
        assert_eq!(at(Transform::LEVEL, "2023-03"), Ok(UnitValue::Usd(120)));
        assert_eq!(at(units(Units::Chg), "2023-03"), Ok(UnitValue::Usd(10)));
        assert_eq!(at(units(Units::Ch1), "2024-01"), Ok(UnitValue::Usd(120)));
        let Ok(UnitValue::Number(pch)) = at(units(Units::Pch), "2023-02") else {
            panic!()
        };
        assert!((pch - 10.0).abs() < 1e-12);
        let Ok(UnitValue::Number(pc1)) = at(units(Units::Pc1), "2024-01") else {
            panic!()
        };
        assert!((pc1 - 120.0).abs() < 1e-12);
        let Ok(UnitValue::Number(pca)) = at(units(Units::Pca), "2023-02") else {
            panic!()
        };
        assert!((pca - (1.1f64.powi(12) - 1.0) * 100.0).abs() < 1e-9);
        let Ok(UnitValue::Number(log)) = at(units(Units::Log), "2023-01") else {
            panic!()
        };
        assert!((log - 100f64.ln()).abs() < 1e-12);
        // No previous value: missing, with the period it needed.
        let (v, base) = units(Units::Ch1).apply(&series, p("2023-06"));
        assert_eq!(v, Err(Undefined::MissingValue));
        assert_eq!(base, Some(p("2022-06")));
    }

    #[test]
    fn rolling_sums_need_every_month() {
        let ttm = Transform {
            units: Units::Lin,
            rolling: Some(Rolling::Trailing12),
        };
        // 2023-12: the twelve months of 2023, 100..210.
        assert_eq!(
            at(ttm, "2023-12"),
            Ok(UnitValue::Usd((0..12).map(|k| 100 + 10 * k).sum()))
        );
        assert_eq!(at(ttm, "2023-11"), Err(Undefined::MissingValue));
        let ytd = Transform {
            units: Units::Lin,
            rolling: Some(Rolling::YearToDate),
        };
        assert_eq!(at(ytd, "2024-02"), Ok(UnitValue::Usd(220 + 230)));
        // Year-to-date change from a year ago.
        let ytd_ch1 = Transform {
            units: Units::Ch1,
            rolling: Some(Rolling::YearToDate),
        };
        assert_eq!(
            at(ytd_ch1, "2024-02"),
            Ok(UnitValue::Usd((220 + 230) - (100 + 110)))
        );
        assert_eq!(ytd.apply(&series, p("2024")).0, Err(Undefined::NoPeriod));
    }

    #[test]
    fn undefined_cases_have_reasons() {
        let zero = |_: Period| Some(Ok(0));
        assert_eq!(
            units(Units::Log).apply(&zero, p("2024")).0,
            Err(Undefined::ZeroBase)
        );
        assert_eq!(
            units(Units::Pch).apply(&zero, p("2024")).0,
            Err(Undefined::ZeroBase)
        );
        let negative = |_: Period| Some(Ok(-5));
        assert_eq!(
            units(Units::Log).apply(&negative, p("2024")).0,
            Err(Undefined::NegativeBase)
        );
        let huge = |q: Period| Some(Ok(if q == p("2024") { i64::MAX } else { i64::MIN }));
        assert_eq!(
            units(Units::Chg).apply(&huge, p("2024")).0,
            Err(Undefined::Overflow)
        );
        for u in Units::ALL {
            assert_eq!(Units::from_name(u.as_str()), Some(u));
        }
        assert_eq!(
            Rolling::from_name("YEAR-TO-DATE"),
            Some(Rolling::YearToDate)
        );
    }
}
