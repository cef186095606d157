//! The Census International Trade API's `hitech` endpoints as this service
//! uses them: paths and value variables, shared by the parser and by
//! `atp fetch census`.

use atp_core::Flow;

/// The value variables of a flow: the month and the year to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueVariables {
    pub monthly: &'static str,
    pub year_to_date: &'static str,
}

/// The value variables of a flow (`GEN_VAL_MO`/`GEN_VAL_YR` for imports,
/// `ALL_VAL_MO`/`ALL_VAL_YR` for exports).
pub fn value_variables(flow: Flow) -> ValueVariables {
    match flow {
        Flow::Imports => ValueVariables {
            monthly: "GEN_VAL_MO",
            year_to_date: "GEN_VAL_YR",
        },
        Flow::Exports => ValueVariables {
            monthly: "ALL_VAL_MO",
            year_to_date: "ALL_VAL_YR",
        },
    }
}

/// The API endpoint of a flow (`timeseries/intltrade/imports/hitech`).
pub fn endpoint(flow: Flow) -> &'static str {
    match flow {
        Flow::Imports => "timeseries/intltrade/imports/hitech",
        Flow::Exports => "timeseries/intltrade/exports/hitech",
    }
}

/// The variables `atp fetch census` asks for, besides the flow's values.
pub const DESCRIPTIVE_VARIABLES: [&str; 4] = ["CTY_CODE", "CTY_NAME", "HITECH", "HITECH_DESC"];
