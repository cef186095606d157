//! Trade flows and the measures a dataset can hold.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;

/// The direction of trade, seen from the United States.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Imports,
    Exports,
}

impl Flow {
    pub const ALL: [Flow; 2] = [Flow::Imports, Flow::Exports];

    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Imports => "imports",
            Flow::Exports => "exports",
        }
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for Flow {
    type Error = InvalidValue;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        match value.trim().to_ascii_lowercase().as_str() {
            "imports" => Ok(Flow::Imports),
            "exports" => Ok(Flow::Exports),
            _ => Err(InvalidValue::not_in_list(
                "flow",
                value,
                ["imports", "exports"],
            )),
        }
    }
}

/// What a figure measures: one of the two flows, or the balance
/// (exports minus imports). A balance is stored only when a source prints
/// one; otherwise it is computed from the flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Imports,
    Exports,
    Balance,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Imports, Measure::Exports, Measure::Balance];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Imports => "imports",
            Measure::Exports => "exports",
            Measure::Balance => "balance",
        }
    }

    /// The flow this measure is, if it is one.
    pub fn flow(self) -> Option<Flow> {
        match self {
            Measure::Imports => Some(Flow::Imports),
            Measure::Exports => Some(Flow::Exports),
            Measure::Balance => None,
        }
    }
}

impl From<Flow> for Measure {
    fn from(f: Flow) -> Self {
        match f {
            Flow::Imports => Measure::Imports,
            Flow::Exports => Measure::Exports,
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for Measure {
    type Error = InvalidValue;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        match value.trim().to_ascii_lowercase().as_str() {
            "imports" => Ok(Measure::Imports),
            "exports" => Ok(Measure::Exports),
            "balance" => Ok(Measure::Balance),
            _ => Err(InvalidValue::not_in_list(
                "measure",
                value,
                ["imports", "exports", "balance"],
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_parse_and_reject() {
        assert_eq!(Flow::try_from("Imports"), Ok(Flow::Imports));
        let err = Flow::try_from("balance").unwrap_err();
        assert_eq!(err.allowed, ["imports", "exports"]);
        assert_eq!(Measure::try_from("balance"), Ok(Measure::Balance));
        assert_eq!(Measure::from(Flow::Exports).flow(), Some(Flow::Exports));
        assert_eq!(Measure::Balance.flow(), None);
    }
}
