//! Responses of the Census Bureau's International Trade API, `hitech`
//! endpoints (`timeseries/intltrade/imports/hitech` and `.../exports/hitech`),
//! as saved to disk: parsed one file at a time with [`parse_census_response`],
//! then combined into annual observations with [`annual_observations`].
//!
//! What the parser relies on (see `CENSUS-NOTES.md`):
//! - The body is a JSON array of arrays of strings, header first. Columns are
//!   read by name, first occurrence (a predicate is echoed after `time`, so a
//!   name can repeat); header order is free.
//! - `HITECH` `01`..`10` are the ATP groups. `00` (not advanced technology) and
//!   the all-commodities total (`""` or `"-"`) are skipped.
//! - The world total has `CTY_CODE` `""` (older responses) or `"-"` with
//!   `CTY_NAME` `TOTAL FOR ALL COUNTRIES`; `0003` is the European Union; other
//!   groupings (`00NN`, the continents `1XXX`..`7XXX`, `SUMMARY_LVL` `CGP`) are
//!   skipped, never stored as countries.
//! - `_YR` is year to date: the annual value of a series is the `_YR` of its
//!   last month in a complete year (a month with no trade has no row). It is
//!   never summed across months.
//!
//! Observations carry the citation section `US Census Bureau International
//! Trade API, <endpoint>, <year> (<how the value was read>), retrieved
//! <retrieved>` and, as quote, the variable and cell the value was read from
//! (`GEN_VAL_YR=123 (CTY_CODE 5700, HITECH 01, time 2017-12)`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use atp_core::{
    Citation, Flow, Group, GroupId, Measure, Observation, Partner, PartnerCode, PartnerKind,
    Provenance, SeriesKey, Status, Year,
};
use serde_json::Value;

use super::{ImportBatch, IncompleteYear, IngestError};

/// `CTY_NAME` of the world total row.
const WORLD_NAME: &str = "TOTAL FOR ALL COUNTRIES";
/// `HITECH_DESC` of the all-commodities total row.
const ALL_COMMODITIES: &str = "TOTAL FOR ALL COMMODITIES";
/// The columns every response must have, besides the value columns.
const REQUIRED: [&str; 4] = ["CTY_CODE", "CTY_NAME", "HITECH", "time"];

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

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

/// The API endpoint of a flow, as cited.
fn endpoint(flow: Flow) -> &'static str {
    match flow {
        Flow::Imports => "timeseries/intltrade/imports/hitech",
        Flow::Exports => "timeseries/intltrade/exports/hitech",
    }
}

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

/// One row of a response for an ATP group and a stored partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusRow {
    /// The row number in the file, the header being row 1.
    pub row: u64,
    pub group: Group,
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

/// What a `HITECH` cell stands for.
enum Commodity {
    Atp(Group),
    NotAdvancedTechnology,
    AllCommodities,
}

/// What a `CTY_CODE` cell stands for.
enum PartnerCell {
    Stored(PartnerCode),
    Grouping,
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
    let (mut not_atp, mut all_commodities, mut grouping_rows) = (0usize, 0usize, 0usize);
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
            Commodity::Atp(group) => group,
            Commodity::NotAdvancedTechnology => {
                not_atp += 1;
                continue;
            }
            Commodity::AllCommodities => {
                all_commodities += 1;
                continue;
            }
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

    if not_atp + all_commodities > 0 {
        warnings.push(format!(
            "{file}: skipped {} rows outside the ATP groups ({not_atp} with HITECH 00, not advanced \
             technology; {all_commodities} for the total of all commodities)",
            not_atp + all_commodities
        ));
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

/// Reads the body as a JSON array of arrays of strings.
fn read_table(file: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, IngestError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.trim_ascii_start();
    if start.is_empty() {
        return Err(IngestError::file(
            file,
            "an empty body: expected a JSON array of arrays (the API answers a query without \
             data with 204 No Content)",
        ));
    }
    if start.starts_with(b"<") {
        return Err(IngestError::file(
            file,
            "the body looks like an HTML page, not a JSON array: probably an invalid API key (the \
             API answers one with an HTML page and status 200)",
        ));
    }
    if start.len() >= 6 && start[..6].eq_ignore_ascii_case(b"error:") {
        let line = String::from_utf8_lossy(start);
        let line = line.lines().next().unwrap_or_default();
        return Err(IngestError::file(
            file,
            format!("the API answered with an error message instead of data: {line}"),
        ));
    }
    let json: Value = serde_json::from_slice(body).map_err(|e| {
        let problem = if e.is_eof() {
            "the JSON ends early (a truncated file?)"
        } else {
            "invalid JSON"
        };
        // serde_json's message ends with the position, which comes first here.
        let message = e.to_string();
        let detail = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(d, _)| d);
        IngestError::file(
            file,
            format!(
                "{problem} at line {}, column {} ({detail}); expected a JSON array of arrays of \
                 strings",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Value::Array(rows) = json else {
        return Err(IngestError::file(
            file,
            "expected a JSON array of arrays of strings, header first",
        ));
    };
    let mut table = Vec::with_capacity(rows.len());
    let mut header: Vec<String> = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let number = i as u64 + 1;
        let Value::Array(cells) = row else {
            return Err(IngestError {
                file: file.to_owned(),
                row: Some(number),
                field: None,
                value: Some(row.to_string()),
                expected: "expected an array of strings".to_owned(),
            });
        };
        let mut strings = Vec::with_capacity(cells.len());
        for (j, cell) in cells.into_iter().enumerate() {
            match cell {
                Value::String(s) => strings.push(s),
                other => {
                    let column = header
                        .get(j)
                        .cloned()
                        .unwrap_or_else(|| format!("cell {}", j + 1));
                    return Err(IngestError::field(
                        file,
                        number,
                        &column,
                        &other.to_string(),
                        "expected a string (the API writes every cell, values included, as a string)",
                    ));
                }
            }
        }
        if i == 0 {
            header = strings.clone();
        }
        table.push(strings);
    }
    Ok(table)
}

/// Where the columns are (first occurrence of each name) and which flow the
/// value columns say the response is.
struct Columns {
    flow: Flow,
    cty_code: usize,
    cty_name: usize,
    hitech: usize,
    time: usize,
    monthly: Option<usize>,
    year_to_date: Option<usize>,
    hitech_desc: Option<usize>,
    summary_lvl: Option<usize>,
    year: Option<usize>,
    month: Option<usize>,
}

impl Columns {
    fn find(file: &str, header: &[String]) -> Result<Columns, IngestError> {
        let position = |name: &str| header.iter().position(|h| h.trim() == name);
        let shown = header.join(",");
        let known = REQUIRED.iter().chain(&[
            "GEN_VAL_MO",
            "GEN_VAL_YR",
            "ALL_VAL_MO",
            "ALL_VAL_YR",
            "HITECH_DESC",
        ]);
        let expected_columns = "required are CTY_CODE, CTY_NAME, HITECH, time, and GEN_VAL_MO \
                                and/or GEN_VAL_YR (imports) or ALL_VAL_MO and/or ALL_VAL_YR (exports)";
        if !known.into_iter().any(|name| position(name).is_some()) {
            return Err(IngestError::field(
                file,
                1,
                "header",
                &shown,
                format!("expected a header row first, naming the columns: {expected_columns}"),
            ));
        }
        let required = |name: &str| {
            position(name).ok_or_else(|| {
                IngestError::field(
                    file,
                    1,
                    name,
                    &shown,
                    format!("the header has no column {name}: {expected_columns}"),
                )
            })
        };
        let cty_code = required("CTY_CODE")?;
        let cty_name = required("CTY_NAME")?;
        let hitech = required("HITECH")?;
        let time = required("time")?;
        let imports = (position("GEN_VAL_MO"), position("GEN_VAL_YR"));
        let exports = (position("ALL_VAL_MO"), position("ALL_VAL_YR"));
        let has = |(mo, yr): (Option<usize>, Option<usize>)| mo.is_some() || yr.is_some();
        let (flow, (monthly, year_to_date)) = match (has(imports), has(exports)) {
            (true, false) => (Flow::Imports, imports),
            (false, true) => (Flow::Exports, exports),
            (both, _) => {
                let what = if both {
                    "both import (GEN_VAL_*) and export (ALL_VAL_*) value columns; a response holds one flow"
                } else {
                    "no value column"
                };
                return Err(IngestError::field(
                    file,
                    1,
                    "header",
                    &shown,
                    format!("the header has {what}: {expected_columns}"),
                ));
            }
        };
        Ok(Columns {
            flow,
            cty_code,
            cty_name,
            hitech,
            time,
            monthly,
            year_to_date,
            hitech_desc: position("HITECH_DESC"),
            summary_lvl: position("SUMMARY_LVL"),
            year: position("YEAR"),
            month: position("MONTH"),
        })
    }
}

/// `YYYY-MM`.
fn parse_time(file: &str, row: u64, time: &str) -> Result<(Year, u8), IngestError> {
    let bad = || IngestError::field(file, row, "time", time, "expected YYYY-MM, e.g. 2024-12");
    let (y, m) = time.split_once('-').ok_or_else(bad)?;
    let year = Year::try_from(y).map_err(|_| bad())?;
    if m.len() != 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let month: u8 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

/// `YEAR` and `MONTH`, when present, must agree with `time`.
fn check_echo(
    file: &str,
    row: u64,
    columns: &Columns,
    cells: &[String],
    year: Year,
    month: u8,
) -> Result<(), IngestError> {
    if let Some(c) = columns.year {
        let given = cells[c].trim();
        if given.parse::<u16>().ok() != Some(year.get()) {
            return Err(IngestError::field(
                file,
                row,
                "YEAR",
                given,
                format!("expected {year}, the year of time"),
            ));
        }
    }
    if let Some(c) = columns.month {
        let given = cells[c].trim();
        if given.parse::<u8>().ok() != Some(month) {
            return Err(IngestError::field(
                file,
                row,
                "MONTH",
                given,
                format!("expected {month:02}, the month of time"),
            ));
        }
    }
    Ok(())
}

/// A value cell: whole US dollars, digits only.
fn parse_dollars(file: &str, row: u64, field: &str, value: &str) -> Result<i64, IngestError> {
    let bad = || {
        IngestError::field(
            file,
            row,
            field,
            value,
            "expected whole US dollars (digits only, e.g. 1234567)",
        )
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    value.parse::<i64>().map_err(|_| bad())
}

/// The two-digit code in brackets at the end of a `HITECH_DESC`
/// (`BIOTECHNOLOGY [01]`), if any.
fn bracketed_code(description: &str) -> Option<&str> {
    let open = description.rfind('[')?;
    description[open + 1..].strip_suffix(']').map(str::trim)
}

fn classify_hitech(
    file: &str,
    row: u64,
    hitech: &str,
    description: Option<&str>,
) -> Result<Commodity, IngestError> {
    if let Some(code) = description.and_then(bracketed_code)
        && code != hitech
    {
        return Err(IngestError::field(
            file,
            row,
            "HITECH_DESC",
            description.unwrap_or_default(),
            format!("the code in brackets disagrees with HITECH {hitech:?}"),
        ));
    }
    if let Some(group) = Group::from_census_code(hitech) {
        return Ok(Commodity::Atp(group));
    }
    match hitech {
        "00" => Ok(Commodity::NotAdvancedTechnology),
        "" | "-" => match description {
            Some(d) if !d.eq_ignore_ascii_case(ALL_COMMODITIES) => Err(IngestError::field(
                file,
                row,
                "HITECH_DESC",
                d,
                format!(
                    "an empty HITECH ({hitech:?}) is the total of all commodities, with \
                     HITECH_DESC {ALL_COMMODITIES:?}"
                ),
            )),
            _ => Ok(Commodity::AllCommodities),
        },
        _ => {
            let codes: Vec<String> = Group::infos()
                .iter()
                .map(|g| format!("{} {}", g.census_code, g.census_label))
                .collect();
            Err(IngestError::field(
                file,
                row,
                "HITECH",
                hitech,
                format!(
                    "expected an ATP group code ({}), 00 (not advanced technology) or \"\"/\"-\" \
                     (the total of all commodities)",
                    codes.join(", ")
                ),
            ))
        }
    }
}

fn classify_partner(
    file: &str,
    row: u64,
    cty_code: &str,
    cty_name: &str,
    summary_level: Option<&str>,
) -> Result<PartnerCell, IngestError> {
    if cty_code.is_empty() || cty_code == "-" {
        if cty_name.eq_ignore_ascii_case(WORLD_NAME) {
            return Ok(PartnerCell::Stored(PartnerCode::WORLD));
        }
        return Err(IngestError::field(
            file,
            row,
            "CTY_NAME",
            cty_name,
            format!("an empty CTY_CODE ({cty_code:?}) is the world total, {WORLD_NAME:?}"),
        ));
    }
    if cty_code == "0003" {
        return Ok(PartnerCell::Stored(PartnerCode::EU));
    }
    if cty_code.starts_with("00")
        || cty_code.ends_with("XXX")
        || summary_level.is_some_and(|l| l.eq_ignore_ascii_case("CGP"))
    {
        return Ok(PartnerCell::Grouping);
    }
    if cty_code.len() != 4 || !cty_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IngestError::field(
            file,
            row,
            "CTY_CODE",
            cty_code,
            "expected a four-digit Census Schedule C country code, a grouping (00NN, 1XXX..7XXX) \
             or \"\"/\"-\" for the world total",
        ));
    }
    match Partner::by_census_code(cty_code) {
        Some(p) => Ok(PartnerCell::Stored(p.code)),
        None => PartnerCode::parse_shape(cty_code)
            .map(PartnerCell::Stored)
            .ok_or_else(|| {
                IngestError::field(
                    file,
                    row,
                    "CTY_CODE",
                    cty_code,
                    "expected a four-digit code",
                )
            }),
    }
}

/// The words of a name that say something, upper case.
fn name_words(name: &str) -> Vec<String> {
    const FILLER: [&str; 6] = ["THE", "AND", "REPUBLIC", "ISLANDS", "FEDERAL", "PEOPLE"];
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_uppercase)
        .filter(|w| w.len() >= 3 && !FILLER.contains(&w.as_str()))
        .collect()
}

/// A loose comparison of the response's `CTY_NAME` with the table's English
/// name: some word of one starts like some word of the other. Spelling
/// differences (`KOREA, SOUTH`, `South Korea (Republic of Korea)`) pass; a
/// different country usually does not.
fn names_agree(cty_name: &str, table_name: &str) -> bool {
    let prefix = |w: &str| w.chars().take(4).collect::<String>();
    let ours: BTreeSet<String> = name_words(table_name).iter().map(|w| prefix(w)).collect();
    name_words(cty_name)
        .iter()
        .any(|w| ours.contains(&prefix(w)))
}

/// One month of one series, with the response it came from.
#[derive(Clone, Copy)]
struct Cell<'a> {
    response: &'a CensusResponse,
    row: &'a CensusRow,
}

impl Cell<'_> {
    fn time(&self) -> String {
        format!("{}-{:02}", self.row.year, self.row.month)
    }

    /// `CTY_CODE 5700, HITECH 01, time 2017-12`.
    fn coordinates(&self) -> String {
        let partner = if self.row.cty_code.is_empty() || self.row.cty_code == "-" {
            format!("CTY_NAME {}", self.row.cty_name)
        } else {
            format!("CTY_CODE {}", self.row.cty_code)
        };
        format!(
            "{partner}, HITECH {}, time {}",
            self.row.group.census_code(),
            self.time()
        )
    }
}

type SeriesId = (Flow, Group, PartnerCode, Year);

fn describe(series: &SeriesId) -> String {
    let (flow, group, partner, year) = series;
    format!(
        "series {flow}, group {group} (HITECH {}), partner {partner}, {year}",
        group.census_code()
    )
}

/// Combines saved responses (imports and exports, one or several years) into
/// annual observations, one per flow, ATP group, partner and complete year.
///
/// A year of a flow is complete when some world-total row of that flow and
/// year is for December, or, when the responses have no world-total row for
/// that flow and year, when any row is. The annual value is the year-to-date
/// value of the series' last month; with monthly values only, the sum of its
/// months. Incomplete years give no observation and one `IncompleteYear`
/// each (months of all flows together), with a warning naming the flow.
/// `file` names the set in errors that are not about one row.
pub fn annual_observations(
    file: &str,
    responses: &[CensusResponse],
    retrieved: &str,
) -> Result<ImportBatch, IngestError> {
    if responses.is_empty() {
        return Err(IngestError::file(
            file,
            "no Census responses to combine: expected at least one",
        ));
    }
    let mut series: BTreeMap<SeriesId, BTreeMap<u8, Cell<'_>>> = BTreeMap::new();
    // (flow, year) -> (months of any row, months of world rows)
    let mut months: BTreeMap<(Flow, Year), (BTreeSet<u8>, BTreeSet<u8>)> = BTreeMap::new();
    let mut warnings: Vec<String> = Vec::new();
    for response in responses {
        warnings.extend(response.warnings.iter().cloned());
        for row in &response.rows {
            let id = (response.flow, row.group, row.partner, row.year);
            let cell = Cell { response, row };
            if let Some(other) = series.entry(id).or_default().insert(row.month, cell) {
                return Err(IngestError::field(
                    &response.file,
                    row.row,
                    "time",
                    &cell.time(),
                    format!(
                        "a duplicate month of {}: {} row {} has it too",
                        describe(&id),
                        other.response.file,
                        other.row.row
                    ),
                ));
            }
            let (any, world) = months.entry((response.flow, row.year)).or_default();
            any.insert(row.month);
            if row.partner == PartnerCode::WORLD {
                world.insert(row.month);
            }
        }
    }

    let mut complete: BTreeSet<(Flow, Year)> = BTreeSet::new();
    let mut incomplete: BTreeMap<Year, BTreeSet<u8>> = BTreeMap::new();
    for (&(flow, year), (any, world)) in &months {
        let judged_on = if world.is_empty() {
            warnings.push(format!(
                "{file}: no world-total rows for {flow} {year}; the year counts as complete if any \
                 series has December"
            ));
            any
        } else {
            world
        };
        if judged_on.contains(&12) {
            complete.insert((flow, year));
        } else {
            let list: Vec<String> = any.iter().map(|m| format!("{m:02}")).collect();
            warnings.push(format!(
                "{file}: {flow} {year} is incomplete (no December; months present: {}); no annual \
                 value imported for {flow} {year}",
                list.join(", ")
            ));
            incomplete
                .entry(year)
                .or_default()
                .extend(any.iter().copied());
        }
    }

    let mut observations = Vec::new();
    for (id, cells) in &series {
        if complete.contains(&(id.0, id.3)) {
            observations.push(annual_value(file, id, cells, retrieved)?);
        }
    }
    observations.sort_by_key(|o| o.key);

    Ok(ImportBatch {
        observations,
        warnings,
        incomplete_years: incomplete
            .into_iter()
            .map(|(year, months)| IncompleteYear {
                year: year.get(),
                months_present: months.into_iter().collect(),
            })
            .collect(),
    })
}

/// The annual value of one series of a complete year, checked.
fn annual_value(
    file: &str,
    id: &SeriesId,
    cells: &BTreeMap<u8, Cell<'_>>,
    retrieved: &str,
) -> Result<Observation, IngestError> {
    let (flow, group, partner, year) = *id;
    let variables = value_variables(flow);
    let Some((&last_month, last)) = cells.last_key_value() else {
        return Err(IngestError::file(
            file,
            format!("{}: no rows", describe(id)),
        ));
    };

    // Year to date never falls within a year.
    let mut previous: Option<(Cell<'_>, i64)> = None;
    for cell in cells.values() {
        let Some(ytd) = cell.row.value_year_to_date else {
            continue;
        };
        if let Some((before, before_ytd)) = previous
            && ytd < before_ytd
        {
            return Err(IngestError::field(
                &cell.response.file,
                cell.row.row,
                variables.year_to_date,
                &ytd.to_string(),
                format!(
                    "{}: the year-to-date value falls from {before_ytd} in {} to {ytd} in {}; \
                     cumulative values cannot fall",
                    describe(id),
                    before.time(),
                    cell.time()
                ),
            ));
        }
        previous = Some((*cell, ytd));
    }

    let monthly: Option<Vec<i64>> = cells.values().map(|c| c.row.value_month).collect();
    let monthly_sum = match &monthly {
        Some(values) => Some(
            values
                .iter()
                .try_fold(0i64, |sum, v| sum.checked_add(*v))
                .ok_or_else(|| {
                    IngestError::file(
                        file,
                        format!("{}: the monthly values overflow", describe(id)),
                    )
                })?,
        ),
        None => None,
    };

    let (value, how, quote) = if let Some(ytd) = last.row.value_year_to_date {
        if let (12, Some(sum)) = (cells.len(), monthly_sum)
            && sum != ytd
        {
            return Err(IngestError::field(
                &last.response.file,
                last.row.row,
                variables.year_to_date,
                &ytd.to_string(),
                format!(
                    "{}: the twelve monthly values ({}) sum to {sum}, but the December \
                     year-to-date value ({}) is {ytd}",
                    describe(id),
                    variables.monthly,
                    variables.year_to_date
                ),
            ));
        }
        let how = if last_month == 12 {
            format!("December year-to-date, {}", variables.year_to_date)
        } else {
            format!(
                "year-to-date to {}, the last month with trade, {}",
                MONTH_NAMES[usize::from(last_month - 1)],
                variables.year_to_date
            )
        };
        let quote = format!("{}={ytd} ({})", variables.year_to_date, last.coordinates());
        (ytd, how, quote)
    } else if let Some(sum) = monthly_sum {
        let how = format!(
            "sum of the {} monthly values, {}",
            cells.len(),
            variables.monthly
        );
        let quote = format!(
            "{} summed over {} months ({})",
            variables.monthly,
            cells.len(),
            last.coordinates()
        );
        (sum, how, quote)
    } else {
        return Err(IngestError::field(
            &last.response.file,
            last.row.row,
            variables.year_to_date,
            "",
            format!(
                "{}: the last month has no year-to-date value and some months have no monthly \
                 value; expected {} in every response or {} in every one",
                describe(id),
                variables.year_to_date,
                variables.monthly
            ),
        ));
    };

    Ok(Observation {
        key: SeriesKey {
            measure: Measure::from(flow),
            group: GroupId::Group(group),
            partner,
            year,
        },
        value_usd: value,
        provenance: Provenance {
            status: Status::Reported,
            rounding_usd: Some(1),
            derivation: None,
            citation: Citation {
                section: format!(
                    "US Census Bureau International Trade API, {}, {year} ({how}), retrieved {retrieved}",
                    endpoint(flow)
                ),
                quote,
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETRIEVED: &str = "2026-05-04T09:00:00Z";

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/census/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn parse(name: &str) -> Result<CensusResponse, IngestError> {
        parse_census_response(name, &fixture(name))
    }

    fn annual(names: &[&str]) -> Result<ImportBatch, IngestError> {
        let responses: Vec<CensusResponse> = names.iter().map(|n| parse(n).unwrap()).collect();
        annual_observations("test set", &responses, RETRIEVED)
    }

    /// Reads a fixture independently of the parser: the cell `column` of the
    /// row with this CTY_CODE, HITECH and time.
    fn cell(name: &str, cty_code: &str, hitech: &str, time: &str, column: &str) -> Option<i64> {
        let table: Vec<Vec<String>> = serde_json::from_slice(&fixture(name)).unwrap();
        let at = |c: &str| table[0].iter().position(|h| h == c).unwrap();
        let (cc, ht, t, v) = (at("CTY_CODE"), at("HITECH"), at("time"), at(column));
        table[1..]
            .iter()
            .find(|r| r[cc] == cty_code && r[ht] == hitech && r[t] == time)
            .map(|r| r[v].parse().unwrap())
    }

    fn sum_of_column(name: &str, cty_code: &str, hitech: &str, year: u16, column: &str) -> i64 {
        (1..=12)
            .filter_map(|m| cell(name, cty_code, hitech, &format!("{year}-{m:02}"), column))
            .sum()
    }

    fn value(batch: &ImportBatch, key: &str) -> Option<i64> {
        let key = SeriesKey::try_from(key).unwrap();
        batch
            .observations
            .iter()
            .find(|o| o.key == key)
            .map(|o| o.value_usd)
    }

    fn code(s: &str) -> PartnerCode {
        PartnerCode::parse_shape(s).unwrap()
    }

    const IMPORTS_2017: &str = "imports-2017-hitech.json";
    const EXPORTS_2024: &str = "exports-2024-hitech.json";
    const PARTIAL_2025: &str = "imports-2025-partial.json";

    #[test]
    fn annual_values_are_the_december_year_to_date() {
        let batch = annual(&[IMPORTS_2017]).unwrap();
        for (cty, partner) in [("5700", "CN"), ("5800", "KR"), ("", "WLD"), ("0003", "EU")] {
            for (ht, group) in [
                ("01", "biotechnology"),
                ("04", "information-communications"),
                ("05", "electronics"),
            ] {
                let december = cell(IMPORTS_2017, cty, ht, "2017-12", "GEN_VAL_YR").unwrap();
                let key = format!("imports/{group}/{partner}/2017");
                assert_eq!(value(&batch, &key), Some(december), "{key}");
                // The months add up to it; adding up year-to-date values does not.
                assert_eq!(
                    sum_of_column(IMPORTS_2017, cty, ht, 2017, "GEN_VAL_MO"),
                    december
                );
                assert!(sum_of_column(IMPORTS_2017, cty, ht, 2017, "GEN_VAL_YR") > 5 * december);
            }
        }
        // Five partners (world, China, Korea, EU, Taiwan) by three groups; no
        // `all`, no balance, no grouping.
        assert_eq!(batch.observations.len(), 15);
        assert!(batch.observations.iter().all(|o| {
            o.key.measure == Measure::Imports
                && o.key.group != GroupId::All
                && o.key.year == Year::new(2017).unwrap()
        }));
        let partners: BTreeSet<&str> = batch
            .observations
            .iter()
            .map(|o| o.key.partner.as_str())
            .collect();
        assert_eq!(partners, BTreeSet::from(["CN", "EU", "KR", "TW", "WLD"]));
        assert!(batch.incomplete_years.is_empty());
        let keys: Vec<SeriesKey> = batch.observations.iter().map(|o| o.key).collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "sorted by key, no repeat"
        );
    }

    #[test]
    fn observations_carry_their_provenance() {
        let batch = annual(&[IMPORTS_2017]).unwrap();
        let key = SeriesKey::try_from("imports/biotechnology/CN/2017").unwrap();
        let obs = batch.observations.iter().find(|o| o.key == key).unwrap();
        assert_eq!(obs.provenance.status, Status::Reported);
        assert_eq!(obs.provenance.rounding_usd, Some(1));
        assert_eq!(obs.provenance.derivation, None);
        assert_eq!(
            obs.provenance.citation.section,
            format!(
                "US Census Bureau International Trade API, timeseries/intltrade/imports/hitech, \
                 2017 (December year-to-date, GEN_VAL_YR), retrieved {RETRIEVED}"
            )
        );
        assert_eq!(
            obs.provenance.citation.quote,
            format!(
                "GEN_VAL_YR={} (CTY_CODE 5700, HITECH 01, time 2017-12)",
                obs.value_usd
            )
        );
        let world = SeriesKey::try_from("imports/electronics/WLD/2017").unwrap();
        let obs = batch.observations.iter().find(|o| o.key == world).unwrap();
        assert!(
            obs.provenance
                .citation
                .quote
                .ends_with("(CTY_NAME TOTAL FOR ALL COUNTRIES, HITECH 05, time 2017-12)")
        );
    }

    #[test]
    fn a_series_missing_months_takes_its_last_months_year_to_date() {
        // Taiwan, biotechnology: no row for March nor December 2017 (no trade).
        assert_eq!(
            cell(IMPORTS_2017, "5830", "01", "2017-12", "GEN_VAL_YR"),
            None
        );
        assert_eq!(
            cell(IMPORTS_2017, "5830", "01", "2017-03", "GEN_VAL_YR"),
            None
        );
        let november = cell(IMPORTS_2017, "5830", "01", "2017-11", "GEN_VAL_YR").unwrap();
        let batch = annual(&[IMPORTS_2017]).unwrap();
        assert_eq!(
            value(&batch, "imports/biotechnology/TW/2017"),
            Some(november)
        );
        let key = SeriesKey::try_from("imports/biotechnology/TW/2017").unwrap();
        let obs = batch.observations.iter().find(|o| o.key == key).unwrap();
        assert!(
            obs.provenance
                .citation
                .section
                .contains("(year-to-date to November, the last month with trade, GEN_VAL_YR)"),
            "{}",
            obs.provenance.citation.section
        );
    }

    #[test]
    fn grouping_rows_are_skipped_with_one_warning() {
        let response = parse(IMPORTS_2017).unwrap();
        assert!(response.rows.iter().all(|r| {
            !matches!(r.cty_code.as_str(), "0022" | "5XXX") && r.partner.as_str() != "0022"
        }));
        let grouping: Vec<&String> = response
            .warnings
            .iter()
            .filter(|w| w.contains("groupings"))
            .collect();
        assert_eq!(grouping.len(), 1, "{:?}", response.warnings);
        // 2 groupings x 3 ATP groups x 12 months
        assert_eq!(
            grouping[0],
            "imports-2017-hitech.json: skipped 72 rows of Census groupings, which are not \
             countries: 0022 OECD, 5XXX ASIA"
        );

        let exports = parse(EXPORTS_2024).unwrap();
        let grouping: Vec<&String> = exports
            .warnings
            .iter()
            .filter(|w| w.contains("groupings"))
            .collect();
        assert_eq!(grouping.len(), 1);
        assert!(
            grouping[0].ends_with("0026 APEC, 4XXX EUROPE"),
            "{}",
            grouping[0]
        );
    }

    #[test]
    fn rows_outside_the_atp_groups_are_counted_in_one_warning() {
        let response = parse(IMPORTS_2017).unwrap();
        // 7 partners x (HITECH "" and 00) x 12 months
        assert!(response.warnings.contains(
            &"imports-2017-hitech.json: skipped 168 rows outside the ATP groups (84 with HITECH 00, \
              not advanced technology; 84 for the total of all commodities)"
                .to_owned()
        ));
        assert!(
            response
                .rows
                .iter()
                .all(|r| ["01", "04", "05"].contains(&r.group.census_code()))
        );
    }

    #[test]
    fn the_eu_is_the_eu_bloc() {
        let batch = annual(&[IMPORTS_2017]).unwrap();
        let december = cell(IMPORTS_2017, "0003", "04", "2017-12", "GEN_VAL_YR").unwrap();
        assert_eq!(
            value(&batch, "imports/information-communications/EU/2017"),
            Some(december)
        );
        let exports = annual(&[EXPORTS_2024]).unwrap();
        let december = cell(EXPORTS_2024, "0003", "08", "2024-12", "ALL_VAL_YR").unwrap();
        assert_eq!(value(&exports, "exports/aerospace/EU/2024"), Some(december));
    }

    #[test]
    fn an_unmapped_country_code_is_kept_under_its_code_with_a_warning() {
        let response = parse(EXPORTS_2024).unwrap();
        assert!(response.warnings.contains(
            &"exports-2024-hitech.json: CTY_CODE 5082 (GAZA STRIP ADMINISTERED BY ISRAEL) is not in \
              the country table; its rows are kept under the partner code 5082"
                .to_owned()
        ));
        let batch = annual_observations("set", &[response], RETRIEVED).unwrap();
        let gaza: Vec<&Observation> = batch
            .observations
            .iter()
            .filter(|o| o.key.partner == code("5082"))
            .collect();
        assert_eq!(gaza.len(), 2);
        assert_eq!(
            gaza[0].value_usd,
            cell(EXPORTS_2024, "5082", "04", "2024-12", "ALL_VAL_YR").unwrap()
        );
    }

    #[test]
    fn header_order_and_repeated_columns_do_not_matter() {
        let response = parse(EXPORTS_2024).unwrap();
        assert_eq!(response.flow, Flow::Exports);
        assert!(response.has_monthly && response.has_year_to_date);
        let batch = annual_observations("set", &[response], RETRIEVED).unwrap();
        let partners: BTreeSet<&str> = batch
            .observations
            .iter()
            .map(|o| o.key.partner.as_str())
            .collect();
        assert_eq!(
            partners,
            BTreeSet::from(["5082", "CN", "DE", "EU", "KR", "WLD"])
        );
        for (cty, partner) in [("-", "WLD"), ("5700", "CN"), ("5800", "KR"), ("4280", "DE")] {
            for (ht, group) in [("04", "information-communications"), ("08", "aerospace")] {
                let december = cell(EXPORTS_2024, cty, ht, "2024-12", "ALL_VAL_YR").unwrap();
                assert_eq!(
                    value(&batch, &format!("exports/{group}/{partner}/2024")),
                    Some(december)
                );
            }
        }
        assert_eq!(batch.observations.len(), 12);
        assert!(batch.observations[0].provenance.citation.section.contains(
            "timeseries/intltrade/exports/hitech, 2024 (December year-to-date, ALL_VAL_YR)"
        ));
    }

    #[test]
    fn the_first_of_two_columns_with_one_name_is_read() {
        // HITECH echoed after time with another value, a repeated time, and
        // the value columns first.
        let body = br#"[["GEN_VAL_YR","HITECH","CTY_NAME","CTY_CODE","time","HITECH","time"],
["100","05","CHINA","5700","2020-12","00","1999-01"]]"#;
        let response = parse_census_response("echo.json", body).unwrap();
        assert_eq!(response.rows.len(), 1);
        let row = &response.rows[0];
        assert_eq!(row.group, Group::Electronics);
        assert_eq!((row.year.get(), row.month), (2020, 12));
        assert_eq!((row.value_year_to_date, row.value_month), (Some(100), None));
        assert!(!response.has_monthly);
    }

    #[test]
    fn a_partial_year_is_reported_incomplete_and_yields_nothing() {
        let batch = annual(&[PARTIAL_2025]).unwrap();
        assert!(batch.observations.is_empty());
        assert_eq!(
            batch.incomplete_years,
            vec![IncompleteYear {
                year: 2025,
                months_present: vec![1, 2, 3, 4, 5, 6]
            }]
        );
        assert!(
            batch
                .warnings
                .iter()
                .any(|w| w.contains("imports 2025 is incomplete"))
        );
    }

    #[test]
    fn responses_combine_across_flows_and_years() {
        let batch = annual(&[EXPORTS_2024, PARTIAL_2025, IMPORTS_2017]).unwrap();
        assert_eq!(batch.observations.len(), 15 + 12);
        assert_eq!(batch.incomplete_years.len(), 1);
        let keys: Vec<SeriesKey> = batch.observations.iter().map(|o| o.key).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(keys[0].measure, Measure::Imports);
        assert_eq!(keys[keys.len() - 1].measure, Measure::Exports);
        // The same response twice is a duplicate, named with both places.
        let again = annual(&[IMPORTS_2017, IMPORTS_2017]).unwrap_err();
        assert_eq!(again.file, IMPORTS_2017);
        assert!(
            again.expected.contains("imports-2017-hitech.json row"),
            "{again}"
        );
    }

    #[test]
    fn monthly_values_alone_are_summed_over_a_complete_year() {
        let mut body = String::from(r#"[["CTY_CODE","CTY_NAME","HITECH","ALL_VAL_MO","time"]"#);
        for m in [1, 2, 5, 12] {
            body.push_str(&format!(
                ",\n[\"-\",\"TOTAL FOR ALL COUNTRIES\",\"03\",\"{}\",\"2019-{m:02}\"]",
                m * 1000
            ));
        }
        for m in [1, 4] {
            body.push_str(&format!(
                ",\n[\"5880\",\"JAPAN\",\"03\",\"7\",\"2019-{m:02}\"]"
            ));
        }
        body.push(']');
        let response = parse_census_response("mo.json", body.as_bytes()).unwrap();
        let batch = annual_observations("mo", &[response], RETRIEVED).unwrap();
        assert_eq!(
            value(&batch, "exports/opto-electronics/WLD/2019"),
            Some(20_000)
        );
        assert_eq!(value(&batch, "exports/opto-electronics/JP/2019"), Some(14));
        assert!(
            batch.observations[0]
                .provenance
                .citation
                .section
                .contains("(sum of the")
        );
    }

    #[test]
    fn without_world_rows_any_december_completes_the_year() {
        let body = br#"[["CTY_CODE","CTY_NAME","HITECH","GEN_VAL_YR","time"],
["5700","CHINA","01","5","2021-11"],
["5880","JAPAN","01","9","2021-12"]]"#;
        let response = parse_census_response("no-world.json", body).unwrap();
        let batch = annual_observations("set", &[response], RETRIEVED).unwrap();
        assert_eq!(value(&batch, "imports/biotechnology/CN/2021"), Some(5));
        assert_eq!(value(&batch, "imports/biotechnology/JP/2021"), Some(9));
        assert!(
            batch
                .warnings
                .iter()
                .any(|w| w.contains("no world-total rows"))
        );
    }

    #[test]
    fn a_differently_named_country_is_kept_with_a_warning() {
        let body = br#"[["CTY_CODE","CTY_NAME","HITECH","GEN_VAL_YR","time"],
["5880","KOREA, SOUTH","01","5","2021-12"],
["5800","SOUTH KOREA (REPUBLIC OF KOREA)","01","5","2021-12"],
["4280","GERMANY (FEDERAL REPUBLIC OF GERMANY)","01","5","2021-12"]]"#;
        let response = parse_census_response("names.json", body).unwrap();
        assert_eq!(response.rows.len(), 3);
        assert_eq!(
            response.warnings,
            vec![
                "names.json: CTY_CODE 5880 is named \"KOREA, SOUTH\" in the response and \"Japan\" \
                 in the country table; kept as JP"
                    .to_owned()
            ]
        );
    }

    // The malformed corpus, under tests/fixtures/census/bad/.

    #[test]
    fn invalid_json_names_line_and_column() {
        let err = parse("bad/invalid-json.json").unwrap_err();
        assert_eq!(err.file, "bad/invalid-json.json");
        assert_eq!((&err.row, &err.field, &err.value), (&None, &None, &None));
        assert!(
            err.expected.starts_with("invalid JSON at line 3, column "),
            "{err}"
        );
    }

    #[test]
    fn a_truncated_file_is_refused() {
        let err = parse("bad/truncated.json").unwrap_err();
        assert_eq!(err.file, "bad/truncated.json");
        assert_eq!(err.row, None);
        assert!(
            err.expected
                .starts_with("the JSON ends early (a truncated file?) at line 4, column"),
            "{err}"
        );
    }

    #[test]
    fn a_header_without_cty_code_is_refused() {
        let err = parse("bad/missing-cty-code.json").unwrap_err();
        assert_eq!(err.file, "bad/missing-cty-code.json");
        assert_eq!(err.row, Some(1));
        assert_eq!(err.field.as_deref(), Some("CTY_CODE"));
        assert_eq!(
            err.value.as_deref(),
            Some("CTY_NAME,HITECH,HITECH_DESC,GEN_VAL_MO,GEN_VAL_YR,time")
        );
        assert!(
            err.expected
                .starts_with("the header has no column CTY_CODE")
        );
    }

    #[test]
    fn a_non_numeric_value_is_refused() {
        let err = parse("bad/non-numeric-value.json").unwrap_err();
        assert_eq!(err.file, "bad/non-numeric-value.json");
        assert_eq!(err.row, Some(3));
        assert_eq!(err.field.as_deref(), Some("GEN_VAL_MO"));
        assert_eq!(err.value.as_deref(), Some("1,234,567"));
        assert!(err.expected.starts_with("expected whole US dollars"));
    }

    #[test]
    fn an_unknown_group_code_lists_the_valid_ones() {
        let err = parse("bad/unknown-group.json").unwrap_err();
        assert_eq!(err.file, "bad/unknown-group.json");
        assert_eq!(err.row, Some(4));
        assert_eq!(err.field.as_deref(), Some("HITECH"));
        assert_eq!(err.value.as_deref(), Some("11"));
        for listed in [
            "01 BIOTECHNOLOGY",
            "05 ELECTRONICS",
            "10 NUCLEAR TECHNOLOGY",
            "00",
        ] {
            assert!(err.expected.contains(listed), "{err}");
        }
    }

    #[test]
    fn a_duplicate_row_names_both_rows() {
        let err = parse("bad/duplicate-row.json").unwrap_err();
        assert_eq!(err.file, "bad/duplicate-row.json");
        assert_eq!(err.row, Some(5));
        assert_eq!(err.field.as_deref(), Some("time"));
        assert_eq!(err.value.as_deref(), Some("2023-02"));
        assert!(err.expected.contains("row 3 has the same"), "{err}");
        assert!(err.to_string().contains("row 5"));
    }

    #[test]
    fn an_html_page_is_an_invalid_key() {
        let err = parse("bad/invalid-key.html").unwrap_err();
        assert_eq!(err.file, "bad/invalid-key.html");
        assert_eq!((&err.row, &err.field, &err.value), (&None, &None, &None));
        assert!(err.expected.contains("looks like an HTML page"));
        assert!(err.expected.contains("invalid API key"));
    }

    #[test]
    fn a_row_with_too_few_cells_is_refused() {
        let err = parse("bad/too-few-cells.json").unwrap_err();
        assert_eq!(err.file, "bad/too-few-cells.json");
        assert_eq!(err.row, Some(3));
        assert_eq!(err.field, None);
        assert_eq!(err.value.as_deref(), Some("6 cells"));
        assert!(err.expected.starts_with("expected 7 cells"));
    }

    #[test]
    fn a_year_to_date_disagreeing_with_the_months_is_refused() {
        let name = "bad/ytd-mismatch.json";
        let response = parse(name).unwrap();
        let err = annual_observations("set", &[response], RETRIEVED).unwrap_err();
        let december = cell(name, "5700", "01", "2023-12", "GEN_VAL_YR").unwrap();
        let months = sum_of_column(name, "5700", "01", 2023, "GEN_VAL_MO");
        assert_eq!(december, months + 1000);
        assert_eq!(err.file, name);
        assert_eq!(err.row, Some(13));
        assert_eq!(err.field.as_deref(), Some("GEN_VAL_YR"));
        assert_eq!(err.value, Some(december.to_string()));
        assert_eq!(
            err.expected,
            format!(
                "series imports, group biotechnology (HITECH 01), partner CN, 2023: the twelve \
                 monthly values (GEN_VAL_MO) sum to {months}, but the December year-to-date value \
                 (GEN_VAL_YR) is {december}"
            )
        );
    }

    #[test]
    fn a_falling_year_to_date_is_refused() {
        let name = "bad/ytd-decreasing.json";
        let response = parse(name).unwrap();
        let err = annual_observations("set", &[response], RETRIEVED).unwrap_err();
        assert_eq!(err.file, name);
        assert_eq!(err.row, Some(4));
        assert_eq!(err.field.as_deref(), Some("GEN_VAL_YR"));
        let march = cell(name, "5700", "01", "2023-03", "GEN_VAL_YR").unwrap();
        assert_eq!(err.value, Some(march.to_string()));
        assert!(
            err.expected.contains("cumulative values cannot fall"),
            "{err}"
        );
        assert!(err.expected.contains("in 2023-02 to"), "{err}");
    }

    // Other refusals, inline.

    fn refuse(body: &str) -> IngestError {
        parse_census_response("inline.json", body.as_bytes()).unwrap_err()
    }

    #[test]
    fn empty_bodies_and_plain_text_errors_are_refused() {
        assert!(refuse("").expected.starts_with("an empty body"));
        assert!(refuse(" []").expected.starts_with("an empty JSON array"));
        let err = refuse("error: unknown variable 'XYZ'");
        assert!(
            err.expected.ends_with("error: unknown variable 'XYZ'"),
            "{err}"
        );
        assert!(
            refuse(r#"{"a":1}"#)
                .expected
                .starts_with("expected a JSON array")
        );
        let err = refuse(r#"[["5700","CHINA","01","1","2020-01"]]"#);
        assert_eq!((err.row, err.field.as_deref()), (Some(1), Some("header")));
        assert!(err.expected.starts_with("expected a header row first"));
        let err = refuse(r#"[["CTY_CODE","CTY_NAME","HITECH","time"],["5700","CHINA","01",7]]"#);
        assert_eq!(
            (err.row, err.field.as_deref(), err.value.as_deref()),
            (Some(2), Some("time"), Some("7"))
        );
    }

    #[test]
    fn the_flow_comes_from_the_value_columns() {
        let both = refuse(r#"[["CTY_CODE","CTY_NAME","HITECH","GEN_VAL_MO","ALL_VAL_MO","time"]]"#);
        assert_eq!((both.row, both.field.as_deref()), (Some(1), Some("header")));
        assert!(both.expected.contains("both import"));
        let neither = refuse(r#"[["CTY_CODE","CTY_NAME","HITECH","time"]]"#);
        assert!(neither.expected.contains("no value column"));
        let ok = parse_census_response(
            "x",
            br#"[["CTY_CODE","CTY_NAME","HITECH","ALL_VAL_YR","time"]]"#,
        )
        .unwrap();
        assert_eq!(ok.flow, Flow::Exports);
        assert!(ok.rows.is_empty());
    }

    #[test]
    fn cells_are_checked() {
        let header =
            r#"[["CTY_CODE","CTY_NAME","HITECH","HITECH_DESC","GEN_VAL_YR","time","YEAR"],"#;
        let one = |row: &str| refuse(&format!("{header}\n{row}]"));

        let err = one(r#"["5700","CHINA","01","ELECTRONICS [05]","1","2020-01","2020"]"#);
        assert_eq!(
            (err.row, err.field.as_deref(), err.value.as_deref()),
            (Some(2), Some("HITECH_DESC"), Some("ELECTRONICS [05]"))
        );
        let err = one(r#"["5700","CHINA","01","BIOTECHNOLOGY [01]","1","2020-13","2020"]"#);
        assert_eq!(
            (err.field.as_deref(), err.value.as_deref()),
            (Some("time"), Some("2020-13"))
        );
        let err = one(r#"["5700","CHINA","01","BIOTECHNOLOGY [01]","1","2020-01","2021"]"#);
        assert_eq!(
            (err.field.as_deref(), err.value.as_deref()),
            (Some("YEAR"), Some("2021"))
        );
        let err = one(r#"["5700","CHINA","01","BIOTECHNOLOGY [01]","-5","2020-01","2020"]"#);
        assert_eq!(
            (err.field.as_deref(), err.value.as_deref()),
            (Some("GEN_VAL_YR"), Some("-5"))
        );
        let err = one(r#"["","CHINA","01","BIOTECHNOLOGY [01]","1","2020-01","2020"]"#);
        assert_eq!(
            (err.field.as_deref(), err.value.as_deref()),
            (Some("CTY_NAME"), Some("CHINA"))
        );
        let err = one(r#"["57","CHINA","01","BIOTECHNOLOGY [01]","1","2020-01","2020"]"#);
        assert_eq!(
            (err.field.as_deref(), err.value.as_deref()),
            (Some("CTY_CODE"), Some("57"))
        );
        let err = one(r#"["5700","CHINA","-","ELECTRONICS","1","2020-01","2020"]"#);
        assert_eq!(
            (err.field.as_deref(), err.value.as_deref()),
            (Some("HITECH_DESC"), Some("ELECTRONICS"))
        );
    }

    #[test]
    fn summary_level_cgp_marks_a_grouping() {
        let body = br#"[["CTY_CODE","CTY_NAME","HITECH","GEN_VAL_YR","time","SUMMARY_LVL"],
["0003","EUROPEAN UNION","01","5","2021-12","CGP"],
["0025","EURO AREA","01","4","2021-12","CGP"],
["1234","SOMETHING NEW","01","3","2021-12","CGP"],
["-","TOTAL FOR ALL COUNTRIES","01","9","2021-12","DET"]]"#;
        let response = parse_census_response("cgp.json", body).unwrap();
        let partners: Vec<&str> = response.rows.iter().map(|r| r.partner.as_str()).collect();
        assert_eq!(partners, ["EU", "WLD"]);
        assert_eq!(
            response.warnings,
            vec![
                "cgp.json: skipped 2 rows of Census groupings, which are not countries: 0025 EURO \
                 AREA, 1234 SOMETHING NEW"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn no_responses_is_an_error() {
        let err = annual_observations("empty set", &[], RETRIEVED).unwrap_err();
        assert_eq!(err.file, "empty set");
    }
}
