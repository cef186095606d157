//! Years and year ranges.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;

/// A calendar year of trade statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Year(u16);

impl Year {
    /// The first year the service accepts.
    pub const MIN: u16 = 1900;
    /// The last year the service accepts.
    pub const MAX: u16 = 2100;

    /// A year within `MIN..=MAX`.
    pub fn new(year: u16) -> Result<Year, InvalidValue> {
        if (Self::MIN..=Self::MAX).contains(&year) {
            Ok(Year(year))
        } else {
            Err(Self::out_of_range(&year.to_string()))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }

    /// Years from `self` to `later` (negative when `later` comes first).
    pub fn years_until(self, later: Year) -> i32 {
        i32::from(later.0) - i32::from(self.0)
    }

    fn out_of_range(value: &str) -> InvalidValue {
        InvalidValue::with_expectation(
            "year",
            value,
            format!(
                "expected a four-digit year from {} to {}",
                Self::MIN,
                Self::MAX
            ),
        )
    }
}

impl Year {
    /// The year's four digits (every year from `MIN` to `MAX` has four).
    pub(crate) fn digits(self) -> [u8; 4] {
        let y = self.0;
        [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ]
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits();
        f.write_str(std::str::from_utf8(&digits).unwrap_or_default())
    }
}

impl TryFrom<u16> for Year {
    type Error = InvalidValue;
    fn try_from(y: u16) -> Result<Self, Self::Error> {
        Year::new(y)
    }
}

impl From<Year> for u16 {
    fn from(y: Year) -> u16 {
        y.0
    }
}

impl TryFrom<&str> for Year {
    type Error = InvalidValue;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        let t = value.trim();
        if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Self::out_of_range(value));
        }
        t.parse::<u16>()
            .map_err(|_| Self::out_of_range(value))
            .and_then(|y| Year::new(y).map_err(|_| Self::out_of_range(value)))
    }
}

/// An inclusive range of years, `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct YearRange {
    pub from: Year,
    pub to: Year,
}

impl YearRange {
    /// A range; an inverted one is an error that names both ends.
    pub fn new(from: Year, to: Year) -> Result<YearRange, InvalidValue> {
        if from <= to {
            Ok(YearRange { from, to })
        } else {
            Err(InvalidValue::with_expectation(
                "from",
                &from.to_string(),
                format!("`from` must not be later than `to` ({to})"),
            ))
        }
    }

    pub fn contains(&self, y: Year) -> bool {
        self.from <= y && y <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_four_digit_years_in_range() {
        assert_eq!(Year::try_from("2024").unwrap().get(), 2024);
        assert_eq!(Year::try_from(" 2014 ").unwrap().get(), 2014);
        for bad in ["24", "20x4", "1899", "2101", "", "+2024", "02024"] {
            let err = Year::try_from(bad).unwrap_err();
            assert_eq!(err.field, "year");
            assert!(err.to_string().contains("1900 to 2100"), "{bad}: {err}");
        }
    }

    #[test]
    fn ranges_reject_inversion() {
        let a = Year::new(2014).unwrap();
        let b = Year::new(2024).unwrap();
        assert!(
            YearRange::new(a, b)
                .unwrap()
                .contains(Year::new(2020).unwrap())
        );
        let err = YearRange::new(b, a).unwrap_err();
        assert!(err.to_string().contains("must not be later"));
        assert_eq!(a.years_until(b), 10);
    }
}
