//! Periods of trade statistics: a year (`2024`) or a month (`2024-03`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;
use crate::year::Year;

/// How often a series has a value: once a year or once a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Annual,
    Monthly,
}

impl Frequency {
    pub const ALL: [Frequency; 2] = [Frequency::Annual, Frequency::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Annual => "annual",
            Frequency::Monthly => "monthly",
        }
    }

    /// How many periods of this frequency a year holds.
    pub fn per_year(self) -> u8 {
        match self {
            Frequency::Annual => 1,
            Frequency::Monthly => 12,
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for Frequency {
    type Error = InvalidValue;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Frequency::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| {
                InvalidValue::not_in_list("frequency", value, Frequency::ALL.map(Frequency::as_str))
            })
    }
}

/// A year or a month. Ordered by frequency first (every year before every
/// month), then in time, so the periods of one frequency are contiguous in
/// a sorted list of keys.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    frequency: Frequency,
    year: Year,
    /// 1..=12 for a month, 0 for a year.
    month: u8,
}

impl Period {
    /// The whole of `year`.
    pub const fn annual(year: Year) -> Period {
        Period {
            frequency: Frequency::Annual,
            year,
            month: 0,
        }
    }

    /// Month `month` (1..=12) of `year`.
    pub fn monthly(year: Year, month: u8) -> Result<Period, InvalidValue> {
        if (1..=12).contains(&month) {
            Ok(Period {
                frequency: Frequency::Monthly,
                year,
                month,
            })
        } else {
            Err(InvalidValue::with_expectation(
                "month",
                &month.to_string(),
                "expected a month from 1 to 12",
            ))
        }
    }

    pub fn frequency(self) -> Frequency {
        self.frequency
    }

    pub fn year(self) -> Year {
        self.year
    }

    /// The month (1..=12), for a monthly period.
    pub fn month(self) -> Option<u8> {
        (self.frequency == Frequency::Monthly).then_some(self.month)
    }

    pub fn is_annual(self) -> bool {
        self.frequency == Frequency::Annual
    }

    /// The twelve months of `year`.
    pub fn months_of(year: Year) -> impl Iterator<Item = Period> {
        (1..=12).map(move |month| Period {
            frequency: Frequency::Monthly,
            year,
            month,
        })
    }

    /// The year a monthly period belongs to, as a period; a year itself.
    pub fn whole_year(self) -> Period {
        Period::annual(self.year)
    }

    /// A count of periods since year 0 in this period's frequency.
    fn ordinal(self) -> i32 {
        match self.frequency {
            Frequency::Annual => i32::from(self.year.get()),
            Frequency::Monthly => i32::from(self.year.get()) * 12 + i32::from(self.month) - 1,
        }
    }

    fn from_ordinal(frequency: Frequency, n: i32) -> Option<Period> {
        match frequency {
            Frequency::Annual => u16::try_from(n)
                .ok()
                .and_then(|y| Year::new(y).ok())
                .map(Period::annual),
            Frequency::Monthly => {
                let year = u16::try_from(n.div_euclid(12)).ok()?;
                let month = u8::try_from(n.rem_euclid(12) + 1).ok()?;
                Period::monthly(Year::new(year).ok()?, month).ok()
            }
        }
    }

    /// The period `steps` periods of the same frequency later (earlier when
    /// negative); `None` outside the years the service accepts.
    pub fn shift(self, steps: i32) -> Option<Period> {
        Period::from_ordinal(self.frequency, self.ordinal().checked_add(steps)?)
    }

    /// Periods of the common frequency from `self` to `later` (negative when
    /// `later` comes first); `None` when the frequencies differ.
    pub fn steps_until(self, later: Period) -> Option<i32> {
        (self.frequency == later.frequency).then(|| later.ordinal() - self.ordinal())
    }

    /// Years from `self` to `later`, in fractions of a year for months;
    /// `None` when the frequencies differ.
    pub fn years_until(self, later: Period) -> Option<f64> {
        self.steps_until(later)
            .map(|n| f64::from(n) / f64::from(self.frequency.per_year()))
    }

    /// The year and month the period ends in (December for a year).
    pub fn end_month(self) -> (u16, u8) {
        (
            self.year.get(),
            if self.is_annual() { 12 } else { self.month },
        )
    }

    /// The first day of the period, `YYYY-MM-DD`.
    pub fn first_day(self) -> String {
        format!("{}-{:02}-01", self.year, self.month.max(1))
    }

    /// Parses `YYYY` or `YYYY-MM`, naming `field` in the error.
    pub fn parse_as(field: &'static str, value: &str) -> Result<Period, InvalidValue> {
        let bad = || {
            InvalidValue::with_expectation(
                field,
                value,
                format!(
                    "expected a year (YYYY, from {} to {}) or a month (YYYY-MM, month 01 to 12)",
                    Year::MIN,
                    Year::MAX
                ),
            )
        };
        let t = value.trim();
        let (year, month) = match t.split_once('-') {
            None => (t, None),
            Some((y, m)) => (y, Some(m)),
        };
        let year = Year::try_from(year).map_err(|_| bad())?;
        match month {
            None => Ok(Period::annual(year)),
            Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                let m: u8 = m.parse().map_err(|_| bad())?;
                Period::monthly(year, m).map_err(|_| bad())
            }
            Some(_) => Err(bad()),
        }
    }
}

impl From<Year> for Period {
    fn from(year: Year) -> Period {
        Period::annual(year)
    }
}

/// A period's text (`2024` or `2024-03`) on the stack: written without the
/// formatting machinery, for the many periods of a listing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeriodText {
    bytes: [u8; 7],
    len: u8,
}

impl std::ops::Deref for PeriodText {
    type Target = str;
    fn deref(&self) -> &str {
        // Only ASCII digits and '-' are written.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl Period {
    /// `2024` or `2024-03`, as [`Display`](fmt::Display) writes it.
    pub(crate) fn text(self) -> PeriodText {
        let mut bytes = [0u8; 7];
        bytes[..4].copy_from_slice(&self.year.digits());
        match self.frequency {
            Frequency::Annual => PeriodText { bytes, len: 4 },
            Frequency::Monthly => {
                bytes[4] = b'-';
                bytes[5] = b'0' + self.month / 10;
                bytes[6] = b'0' + self.month % 10;
                PeriodText { bytes, len: 7 }
            }
        }
    }
}

impl fmt::Display for Period {
    /// `2024` or `2024-03`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

impl TryFrom<&str> for Period {
    type Error = InvalidValue;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Period::parse_as("period", value)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::try_from(s).unwrap()
    }

    #[test]
    fn parses_years_and_months() {
        assert_eq!(p("2024"), Period::annual(Year::new(2024).unwrap()));
        assert_eq!(p("2024-03").month(), Some(3));
        assert_eq!(p(" 2024-12 ").to_string(), "2024-12");
        assert_eq!(p("2024").to_string(), "2024");
        for bad in [
            "2024-13", "2024-00", "2024-3", "2024-003", "24-03", "2024-", "2024/03", "x",
        ] {
            let err = Period::try_from(bad).unwrap_err();
            assert_eq!(err.field, "period");
            assert!(err.to_string().contains("YYYY-MM"), "{bad}: {err}");
        }
    }

    #[test]
    fn years_sort_before_months_and_months_in_time() {
        let mut v = [
            p("2024-02"),
            p("2023"),
            p("2023-12"),
            p("2024"),
            p("2024-01"),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(Period::to_string).collect();
        assert_eq!(s, ["2023", "2024", "2023-12", "2024-01", "2024-02"]);
    }

    #[test]
    fn shifts_and_steps_in_the_periods_frequency() {
        assert_eq!(p("2024-01").shift(-1), Some(p("2023-12")));
        assert_eq!(p("2024-03").shift(-12), Some(p("2023-03")));
        assert_eq!(p("2024").shift(-1), Some(p("2023")));
        assert_eq!(p("1900-01").shift(-1), None);
        assert_eq!(p("2100").shift(1), None);
        assert_eq!(p("2014-01").steps_until(p("2024-12")), Some(131));
        assert_eq!(p("2014").steps_until(p("2024-12")), None);
        assert_eq!(p("2023-06").years_until(p("2024-06")), Some(1.0));
        assert_eq!(p("2024-06").whole_year(), p("2024"));
        assert_eq!(Period::months_of(Year::new(2024).unwrap()).count(), 12);
        assert_eq!(p("2024-03").first_day(), "2024-03-01");
    }

    #[test]
    fn frequencies_parse_and_list_the_allowed() {
        assert_eq!(Frequency::try_from("Monthly"), Ok(Frequency::Monthly));
        let err = Frequency::try_from("weekly").unwrap_err();
        assert_eq!(err.allowed, ["annual", "monthly"]);
    }
}
