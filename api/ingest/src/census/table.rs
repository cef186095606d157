//! Reading a saved response: the JSON table, its columns by name, and the
//! cells every row has (time, values).

use atp_core::{Flow, Year};
use serde_json::Value;

use crate::IngestError;

/// The columns every response must have, besides the value columns.
pub(super) const REQUIRED: [&str; 4] = ["CTY_CODE", "CTY_NAME", "HITECH", "time"];

/// Reads the body as a JSON array of arrays of strings.
pub(super) fn read_table(file: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, IngestError> {
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
                value: Some(crate::text::echo(&row.to_string())),
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
pub(super) struct Columns {
    pub(super) flow: Flow,
    pub(super) cty_code: usize,
    pub(super) cty_name: usize,
    pub(super) hitech: usize,
    pub(super) time: usize,
    pub(super) monthly: Option<usize>,
    pub(super) year_to_date: Option<usize>,
    pub(super) hitech_desc: Option<usize>,
    pub(super) summary_lvl: Option<usize>,
    pub(super) year: Option<usize>,
    pub(super) month: Option<usize>,
}

impl Columns {
    pub(super) fn find(file: &str, header: &[String]) -> Result<Columns, IngestError> {
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
pub(super) fn parse_time(file: &str, row: u64, time: &str) -> Result<(Year, u8), IngestError> {
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
pub(super) fn check_echo(
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
pub(super) fn parse_dollars(
    file: &str,
    row: u64,
    field: &str,
    value: &str,
) -> Result<i64, IngestError> {
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
    let dollars = value.parse::<i64>().map_err(|_| bad())?;
    crate::text::check_dollars(file, row, field, dollars)
}
