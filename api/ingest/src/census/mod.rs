//! Responses of the Census Bureau's International Trade API, `hitech`
//! endpoints (`timeseries/intltrade/imports/hitech` and `.../exports/hitech`),
//! as saved to disk: parsed one file at a time with [`parse_census_response`],
//! then combined into monthly and annual observations with
//! [`annual_observations`].
//!
//! What the parser relies on (see `CENSUS-NOTES.md`):
//! - The body is a JSON array of arrays of strings, header first. Columns are
//!   read by name, first occurrence (a predicate is echoed after `time`, so a
//!   name can repeat); header order is free.
//! - `HITECH` `01`..`10` are the ATP groups; `00` (not advanced technology) is
//!   the group `non-atp` and the all-commodities total (`""` or `"-"`) the
//!   group `all-goods`, both kept beside the ATP groups and never summed into
//!   `all`.
//! - The world total has `CTY_CODE` `""` (older responses) or `"-"` with
//!   `CTY_NAME` `TOTAL FOR ALL COUNTRIES`; `0003` is the European Union; other
//!   groupings (`00NN`, the continents `1XXX`..`7XXX`, `SUMMARY_LVL` `CGP`) are
//!   skipped, never stored as countries.
//! - `_MO` is the month's value: stored as the month, as printed. `_YR` is
//!   year to date: the annual value of a series is the `_YR` of its last month
//!   in a complete year (a month with no trade has no row). It is never summed
//!   across months.
//!
//! Observations carry the citation section `US Census Bureau International
//! Trade API, <endpoint>, <year> (<how the value was read>), retrieved
//! <retrieved>` and, as quote, the variable and cell the value was read from
//! (`GEN_VAL_YR=123 (CTY_CODE 5700, HITECH 01, time 2017-12)`).

mod annual;
pub mod api;
pub mod atp_total;
mod classify;
pub mod country;
mod table;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use atp_core::{Flow, GroupId, Partner, PartnerCode, PartnerKind, Year};

pub use annual::annual_observations;
pub use api::{ValueVariables, value_variables};
use classify::{Commodity, PartnerCell, classify_hitech, classify_partner, names_agree};
use table::{Columns, check_echo, parse_dollars, parse_time, read_table};

use crate::IngestError;

/// One saved response, parsed: its flow and its rows for ATP groups and for
/// partners the service stores (countries, the European Union, the world).
#[derive(Debug, Clone, PartialEq)]
pub struct CensusResponse {
    /// The file name, for messages.
    pub file: String,
    pub flow: Flow,
    /// Whether the monthly value column (`GEN_VAL_MO`/`ALL_VAL_MO`) is present.
    pub has_monthly: bool,
    /// Whether the year-to-date column (`GEN_VAL_YR`/`ALL_VAL_YR`) is present.
    pub has_year_to_date: bool,
    pub rows: Vec<CensusRow>,
    /// What was skipped or kept with a doubt (rows outside the ATP groups,
    /// groupings, partner codes the country table does not map).
    pub warnings: Vec<String>,
}

/// One row of a response for a commodity group (an ATP group, `non-atp`
/// or `all-goods`) and a stored partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusRow {
    /// The row number in the file, the header being row 1.
    pub row: u64,
    pub group: GroupId,
    pub partner: PartnerCode,
    /// `CTY_CODE` as given (`""` or `"-"` for the world total).
    pub cty_code: String,
    pub cty_name: String,
    pub year: Year,
    /// 1..=12.
    pub month: u8,
    /// The month's value in whole dollars, if the response has the column.
    pub value_month: Option<i64>,
    /// The year-to-date value in whole dollars, if the response has the column.
    pub value_year_to_date: Option<i64>,
}

/// Parses one saved response. Refuses the whole file on the first problem,
/// naming the row (the header is row 1), the column and the value.
pub fn parse_census_response(file: &str, bytes: &[u8]) -> Result<CensusResponse, IngestError> {
    let table = read_table(file, bytes)?;
    let Some((header, data)) = table.split_first() else {
        return Err(IngestError::file(
            file,
            "an empty JSON array: expected a header row, then one row per partner, group and month",
        ));
    };
    let columns = Columns::find(file, header)?;
    let variables = value_variables(columns.flow);

    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let mut seen: HashMap<(&str, &str, &str), u64> = HashMap::new();
    let mut grouping_rows = 0usize;
    let mut groupings: BTreeMap<String, String> = BTreeMap::new();
    let mut unmapped: BTreeMap<String, String> = BTreeMap::new();
    let mut renamed: BTreeMap<String, (String, &'static str, PartnerCode)> = BTreeMap::new();

    for (i, cells) in data.iter().enumerate() {
        let row = i as u64 + 2;
        if cells.len() != header.len() {
            return Err(IngestError {
                file: file.to_owned(),
                row: Some(row),
                field: None,
                value: Some(format!("{} cells", cells.len())),
                expected: format!(
                    "expected {} cells, one per header column ({})",
                    header.len(),
                    header.join(",")
                ),
            });
        }
        let cell = |index: usize| cells[index].as_str();
        for (i, text) in cells.iter().enumerate() {
            crate::text::check_text(file, row, header[i].trim(), text)?;
        }
        let cty_code = cell(columns.cty_code).trim();
        let cty_name = cell(columns.cty_name).trim();
        let hitech = cell(columns.hitech).trim();
        let time = cell(columns.time).trim();

        if let Some(first) = seen.insert((hitech, cty_code, time), row) {
            return Err(IngestError::field(
                file,
                row,
                "time",
                time,
                format!(
                    "a duplicate row: row {first} has the same HITECH {hitech:?}, CTY_CODE {cty_code:?} and time"
                ),
            ));
        }

        let (year, month) = parse_time(file, row, time)?;
        check_echo(file, row, &columns, cells, year, month)?;
        let value_month = columns
            .monthly
            .map(|c| parse_dollars(file, row, variables.monthly, cell(c)))
            .transpose()?;
        let value_year_to_date = columns
            .year_to_date
            .map(|c| parse_dollars(file, row, variables.year_to_date, cell(c)))
            .transpose()?;
        let description = columns.hitech_desc.map(|c| cell(c).trim());
        let commodity = classify_hitech(file, row, hitech, description)?;
        let summary_level = columns.summary_lvl.map(|c| cell(c).trim());
        let partner = classify_partner(file, row, cty_code, cty_name, summary_level)?;

        let group = match commodity {
            Commodity::Atp(group) => GroupId::Group(group),
            Commodity::NotAdvancedTechnology => GroupId::NonAtp,
            Commodity::AllCommodities => GroupId::AllGoods,
        };
        let partner = match partner {
            PartnerCell::Stored(code) => code,
            PartnerCell::Grouping => {
                grouping_rows += 1;
                groupings.insert(cty_code.to_owned(), cty_name.to_owned());
                continue;
            }
        };
        match Partner::by_code(partner) {
            None => {
                unmapped.insert(cty_code.to_owned(), cty_name.to_owned());
            }
            Some(known) if known.kind == PartnerKind::Country => {
                if !names_agree(cty_name, known.name_en) {
                    renamed.insert(
                        cty_code.to_owned(),
                        (cty_name.to_owned(), known.name_en, known.code),
                    );
                }
            }
            Some(_) => {}
        }
        rows.push(CensusRow {
            row,
            group,
            partner,
            cty_code: cty_code.to_owned(),
            cty_name: cty_name.to_owned(),
            year,
            month,
            value_month,
            value_year_to_date,
        });
    }

    if !groupings.is_empty() {
        let list: Vec<String> = groupings
            .iter()
            .map(|(code, name)| format!("{code} {name}"))
            .collect();
        warnings.push(format!(
            "{file}: skipped {grouping_rows} rows of Census groupings, which are not countries: {}",
            list.join(", ")
        ));
    }
    for (code, name) in &unmapped {
        warnings.push(format!(
            "{file}: CTY_CODE {code} ({name}) is not in the country table; its rows are kept under \
             the partner code {code}"
        ));
    }
    for (code, (name, table_name, partner)) in &renamed {
        warnings.push(format!(
            "{file}: CTY_CODE {code} is named {name:?} in the response and {table_name:?} in the \
             country table; kept as {partner}"
        ));
    }

    Ok(CensusResponse {
        file: file.to_owned(),
        flow: columns.flow,
        has_monthly: columns.monthly.is_some(),
        has_year_to_date: columns.year_to_date.is_some(),
        rows,
        warnings,
    })
}
