//! Observations (one figure each) and their provenance.

use std::fmt;

use serde::Serialize;

use crate::error::InvalidValue;
use crate::flow::Measure;
use crate::group::GroupId;
use crate::partner::PartnerCode;
use crate::period::Period;

/// The coordinates of one figure: what it measures, for which group, partner and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    pub measure: Measure,
    pub group: GroupId,
    pub partner: PartnerCode,
    pub period: Period,
}

impl fmt::Display for SeriesKey {
    /// `measure/group/partner/period`, as the data files write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.measure, self.group, self.partner, self.period
        )
    }
}

impl TryFrom<&str> for SeriesKey {
    type Error = InvalidValue;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        let parts: Vec<&str> = value.split('/').collect();
        let [measure, group, partner, period] = parts.as_slice() else {
            return Err(InvalidValue::with_expectation(
                "key",
                value,
                "expected measure/group/partner/period, e.g. imports/all/WLD/2024 or imports/all/WLD/2024-03",
            ));
        };
        Ok(SeriesKey {
            measure: Measure::try_from(*measure)?,
            group: GroupId::try_from(*group)?,
            partner: PartnerCode::try_from(*partner)?,
            period: Period::try_from(*period)?,
        })
    }
}

/// Whether a figure was printed by the source or computed from printed figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// As printed (or as returned by the source's API).
    Reported,
    /// Computed from other figures of the same dataset; the formula and its
    /// inputs are named.
    Derived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::Derived => "derived",
        }
    }
}

impl TryFrom<&str> for Status {
    type Error = InvalidValue;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        match value.trim() {
            "reported" => Ok(Status::Reported),
            "derived" => Ok(Status::Derived),
            _ => Err(InvalidValue::not_in_list(
                "status",
                value,
                ["reported", "derived"],
            )),
        }
    }
}

/// Where a figure is printed: the section and the exact phrase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Citation {
    pub section: String,
    /// The exact phrase of the source that carries the figure (empty for a
    /// derived figure, whose inputs carry theirs).
    pub quote: String,
}

/// How a derived figure was computed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Derivation {
    /// A readable formula over the inputs, e.g.
    /// `imports/all/KR/2024 / (1 + 459%)`.
    pub formula: String,
    /// The keys of the figures and the ids of the printed ratios it used.
    pub inputs: Vec<String>,
}

/// Everything the service knows about where a figure comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    pub status: Status,
    /// For a reported figure, the place value of its last printed digit:
    /// "1,250억 달러" is exact to 100,000,000.
    pub rounding_usd: Option<i64>,
    pub derivation: Option<Derivation>,
    pub citation: Citation,
}

/// One figure: a value in whole US dollars at its coordinates, with provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub key: SeriesKey,
    /// Whole US dollars; negative only for a balance (a deficit).
    pub value_usd: i64,
    pub provenance: Provenance,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        let k = SeriesKey::try_from("imports/life-science/KR/2024").unwrap();
        assert_eq!(k.to_string(), "imports/life-science/KR/2024");
        assert_eq!(
            SeriesKey::try_from("balance/02/5800/2014")
                .unwrap()
                .to_string(),
            "balance/life-science/KR/2014"
        );
        assert!(SeriesKey::try_from("imports/all/KR").is_err());
        assert_eq!(
            SeriesKey::try_from("imports/all/XX/2024")
                .unwrap_err()
                .field,
            "partner"
        );
    }
}
