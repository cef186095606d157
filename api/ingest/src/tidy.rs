//! The tidy CSV format: one observation per row.
//!
//! Required columns (any order): `dataset, group, partner, period, flow,
//! value_usd, status, citation`. Optional: `quote, rounding_usd, formula,
//! inputs`. `period` is a year (`2024`) or a month (`2024-03`); files
//! written before months existed name the column `year`, which is read the
//! same way (one of the two, not both). `flow` is `imports`, `exports`, or `balance` for a balance the
//! source reports on its own. `citation` says where the figure is printed;
//! `quote` is the exact phrase, if any. A `derived` row names its `formula`
//! and `inputs` (`;`-separated).

use std::collections::HashMap;
use std::io::Write;

use atp_core::{
    Citation, Derivation, GroupId, Measure, Observation, PartnerCode, Period, Provenance,
    SeriesKey, Status,
};

use super::IngestError;
use crate::text::{check_dollars, check_text, unclosed_quote};

const REQUIRED: [&str; 8] = [
    "dataset",
    "group",
    "partner",
    "period",
    "flow",
    "value_usd",
    "status",
    "citation",
];
const OPTIONAL: [&str; 4] = ["quote", "rounding_usd", "formula", "inputs"];
/// The name the `period` column had before months existed.
const PERIOD_ALIAS: &str = "year";

/// The columns [`write`] produces, in order.
pub const COLUMNS: [&str; 12] = [
    "dataset",
    "group",
    "partner",
    "period",
    "flow",
    "value_usd",
    "status",
    "citation",
    "quote",
    "rounding_usd",
    "formula",
    "inputs",
];

/// Parses a tidy CSV file. `dataset` is the id the rows must carry, if the
/// caller fixed one; otherwise every row must carry the same id, which is
/// returned.
pub fn parse(
    file: &str,
    bytes: &[u8],
    dataset: Option<&str>,
) -> Result<(String, Vec<Observation>), IngestError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        // Records of any length are read, so that a short one is reported
        // with what made it short (a quote left open) rather than its length.
        .flexible(true)
        .from_reader(bytes);
    let headers = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    // A quote left open would swallow the lines after it into one field:
    // refused, naming where it opens.
    let open_quote = || {
        unclosed_quote(bytes).map(|(line, col)| IngestError {
            file: file.to_owned(),
            row: Some(line),
            field: Some(
                headers
                    .get(col)
                    .map_or("(past the last column)", str::trim)
                    .to_owned(),
            ),
            value: None,
            expected: "a closed quote: the quoted field that opens here runs to the end of the \
                       file, which would swallow every line after it"
                .to_owned(),
        })
    };
    for h in headers.iter() {
        check_text(file, 1, "header", h)?;
    }
    let mut column: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let trimmed = h.trim();
        let name = if trimmed == PERIOD_ALIAS {
            "period"
        } else {
            trimmed
        };
        let Some(known) = REQUIRED.iter().chain(OPTIONAL.iter()).find(|c| **c == name) else {
            return Err(IngestError::field(
                file,
                1,
                "header",
                name,
                format!(
                    "unknown column; the columns are {} (required; `year` is read as `period`) \
                     and {} (optional)",
                    REQUIRED.join(", "),
                    OPTIONAL.join(", ")
                ),
            ));
        };
        if column.insert(known, i).is_some() {
            return Err(IngestError::field(
                file,
                1,
                "header",
                trimmed,
                "each column may appear once (`year` and `period` are the same column)",
            ));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !column.contains_key(*c)) {
        return Err(IngestError::field(
            file,
            1,
            "header",
            &headers.iter().collect::<Vec<_>>().join(","),
            format!(
                "missing required column {missing:?}; required: {}",
                REQUIRED.join(", ")
            ),
        ));
    }
    // Errors name the period column as the file does.
    let period_header = headers
        .get(column["period"])
        .map_or("period", str::trim)
        .to_owned();
    let period_header = period_header.as_str();
    let mut dataset_id = dataset.map(str::to_owned);
    let mut out = Vec::new();
    let mut seen: HashMap<SeriesKey, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(file, &e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        // Every field is one line of text without control characters: so
        // every line of the file is accounted for, one record each.
        for (i, value) in record.iter().enumerate() {
            check_text(
                file,
                line,
                headers.get(i).unwrap_or("(past the last column)").trim(),
                value,
            )?;
        }
        if record.len() != headers.len() {
            return Err(open_quote().unwrap_or_else(|| IngestError {
                file: file.to_owned(),
                row: Some(line),
                field: None,
                value: Some(format!("{} fields", record.len())),
                expected: format!(
                    "{} fields, one per column of the header ({})",
                    headers.len(),
                    headers.iter().collect::<Vec<_>>().join(",")
                ),
            }));
        }
        let get = |name: &str| {
            column
                .get(name)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .trim()
        };
        let field_err = |name: &str, e: atp_core::InvalidValue| {
            let shown = if name == "period" {
                period_header
            } else {
                name
            };
            IngestError::field(file, line, shown, get(name), e.expected.clone())
        };
        let id = get("dataset");
        match &dataset_id {
            Some(expected) if expected != id => {
                return Err(IngestError::field(
                    file,
                    line,
                    "dataset",
                    id,
                    format!("expected {expected:?}, the dataset being imported"),
                ));
            }
            None if id.is_empty() => {
                return Err(IngestError::field(
                    file,
                    line,
                    "dataset",
                    id,
                    "a dataset id",
                ));
            }
            None => dataset_id = Some(id.to_owned()),
            Some(_) => {}
        }
        let key = SeriesKey {
            measure: Measure::try_from(get("flow")).map_err(|e| field_err("flow", e))?,
            group: GroupId::try_from(get("group")).map_err(|e| field_err("group", e))?,
            partner: PartnerCode::try_from(get("partner")).map_err(|e| field_err("partner", e))?,
            period: Period::parse_as("period", get("period"))
                .map_err(|e| field_err("period", e))?,
        };
        let value_usd: i64 = get("value_usd").parse().map_err(|_| {
            IngestError::field(
                file,
                line,
                "value_usd",
                get("value_usd"),
                "expected whole US dollars (an integer, no separators)",
            )
        })?;
        let value_usd = check_dollars(file, line, "value_usd", value_usd)?;
        if key.measure != Measure::Balance && value_usd < 0 {
            return Err(IngestError::field(
                file,
                line,
                "value_usd",
                get("value_usd"),
                "imports and exports cannot be negative",
            ));
        }
        let status = Status::try_from(get("status")).map_err(|e| field_err("status", e))?;
        let rounding_usd = match get("rounding_usd") {
            "" => None,
            r => Some(
                r.parse::<i64>()
                    .ok()
                    .filter(|r| (1..=atp_core::analytics::MAX_ABS_VALUE_USD).contains(r))
                    .ok_or_else(|| {
                        IngestError::field(
                            file,
                            line,
                            "rounding_usd",
                            r,
                            "expected a positive whole number of US dollars up to 10^15, or nothing",
                        )
                    })?,
            ),
        };
        let derivation = match (status, get("formula")) {
            (Status::Derived, "") => {
                return Err(IngestError::field(
                    file,
                    line,
                    "formula",
                    "",
                    "a derived figure must name its formula and inputs",
                ));
            }
            (Status::Derived, formula) => Some(Derivation {
                formula: formula.to_owned(),
                inputs: get("inputs")
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }),
            (Status::Reported, "") => None,
            (Status::Reported, f) => {
                return Err(IngestError::field(
                    file,
                    line,
                    "formula",
                    f,
                    "only derived figures have a formula",
                ));
            }
        };
        if let Some(first) = seen.insert(key, line) {
            return Err(IngestError::field(
                file,
                line,
                "dataset,group,partner,period,flow",
                &key.to_string(),
                format!("duplicate of line {first}"),
            ));
        }
        out.push(Observation {
            key,
            value_usd,
            provenance: Provenance {
                status,
                rounding_usd,
                derivation,
                citation: Citation {
                    section: get("citation").to_owned(),
                    quote: get("quote").to_owned(),
                },
            },
        });
    }
    if let Some(e) = open_quote() {
        return Err(e);
    }
    match dataset_id {
        Some(id) if !out.is_empty() => Ok((id, out)),
        _ => Err(IngestError::file(
            file,
            "no observations: expected a header row and at least one data row",
        )),
    }
}

fn csv_error(file: &str, e: &csv::Error) -> IngestError {
    let line = e.position().map(|p| p.line());
    IngestError {
        file: file.to_owned(),
        row: line,
        field: None,
        value: None,
        expected: format!("malformed CSV: {e}"),
    }
}

/// Writes observations as tidy CSV, the format [`parse`] reads, one at a
/// time: the one writer of the format (`atp export`, `atp synthetic`, the
/// tests).
#[derive(Debug)]
pub struct TidyWriter<'d, W: Write> {
    dataset: &'d str,
    csv: csv::Writer<W>,
}

impl<'d, W: Write> TidyWriter<'d, W> {
    /// A writer that has written the header row.
    pub fn new(dataset: &'d str, out: W) -> Result<TidyWriter<'d, W>, csv::Error> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(COLUMNS)?;
        Ok(TidyWriter { dataset, csv })
    }

    /// One row.
    pub fn write(&mut self, o: &Observation) -> Result<(), csv::Error> {
        let d = o.provenance.derivation.as_ref();
        self.csv.write_record([
            self.dataset,
            o.key.group.as_str(),
            o.key.partner.as_str(),
            &o.key.period.to_string(),
            o.key.measure.as_str(),
            &o.value_usd.to_string(),
            o.provenance.status.as_str(),
            &o.provenance.citation.section,
            &o.provenance.citation.quote,
            &o.provenance
                .rounding_usd
                .map(|r| r.to_string())
                .unwrap_or_default(),
            d.map_or("", |d| d.formula.as_str()),
            &d.map(|d| d.inputs.join(";")).unwrap_or_default(),
        ])
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.csv
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// Writes observations as tidy CSV (the format [`parse`] reads).
pub fn write<W: Write>(
    dataset: &str,
    observations: &[Observation],
    out: W,
) -> Result<(), csv::Error> {
    let mut w = TidyWriter::new(dataset, out)?;
    for o in observations {
        w.write(o)?;
    }
    w.finish().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "dataset,group,partner,year,flow,value_usd,status,citation\n\
        d1,biotechnology,KR,2024,imports,3700000000,reported,Table 1\n\
        d1,all,WLD,2024,balance,-300000000000,reported,Table 2\n";

    #[test]
    fn parses_the_documented_columns_in_any_order() {
        let (id, obs) = parse("f.csv", GOOD.as_bytes(), None).unwrap();
        assert_eq!(id, "d1");
        assert_eq!(obs.len(), 2);
        assert_eq!(obs[1].key.to_string(), "balance/all/WLD/2024");
        let reordered = "value_usd,dataset,flow,year,partner,group,citation,status\n3,d1,exports,2014,5700,01,x,reported\n";
        let (_, obs) = parse("g.csv", reordered.as_bytes(), Some("d1")).unwrap();
        assert_eq!(obs[0].key.to_string(), "exports/biotechnology/CN/2014");
    }

    #[test]
    fn periods_are_years_or_months_under_either_name() {
        let monthly = "dataset,group,partner,period,flow,value_usd,status,citation
            d1,all,WLD,2024-03,imports,5,reported,x
d1,all,WLD,2024,imports,60,reported,x
";
        let (_, obs) = parse("m.csv", monthly.as_bytes(), None).unwrap();
        assert_eq!(obs[0].key.to_string(), "imports/all/WLD/2024-03");
        assert_eq!(obs[1].key.to_string(), "imports/all/WLD/2024");
        let old_name = monthly.replace(",period,", ",year,");
        let (_, same) = parse("m.csv", old_name.as_bytes(), None).unwrap();
        assert_eq!(same, obs);
        let e = parse(
            "m.csv",
            old_name.replace("2024-03", "2024-13").as_bytes(),
            None,
        )
        .unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("year")));
        assert!(e.expected.contains("YYYY-MM"), "{e}");
        let both = monthly.replace(",citation\n", ",citation,year\n");
        let e = parse("m.csv", both.as_bytes(), None).unwrap_err();
        assert_eq!(e.value.as_deref(), Some("year"), "{e}");
    }

    #[test]
    fn errors_name_file_line_field_and_value() {
        let bad = GOOD.replace("3700000000", "3.7e9");
        let e = parse("f.csv", bad.as_bytes(), None).unwrap_err();
        assert_eq!(
            (e.row, e.field.as_deref(), e.value.as_deref()),
            (Some(2), Some("value_usd"), Some("3.7e9"))
        );
        assert!(
            e.to_string()
                .starts_with("f.csv, row 2, field value_usd, value \"3.7e9\""),
            "{e}"
        );

        let e = parse(
            "f.csv",
            GOOD.replace("biotechnology", "biotech").as_bytes(),
            None,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("group"));
        assert!(e.expected.contains("life-science"));

        let e = parse(
            "f.csv",
            GOOD.replace(",citation", ",source").as_bytes(),
            None,
        )
        .unwrap_err();
        assert_eq!((e.row, e.value.as_deref()), (Some(1), Some("source")));

        let dup = format!(
            "{GOOD}d1,05,5800,2024,imports,1,reported,x\nd1,biotechnology,KR,2024,imports,5,reported,y\n"
        );
        let e = parse("f.csv", dup.as_bytes(), None).unwrap_err();
        assert_eq!(e.row, Some(5));
        assert!(e.expected.contains("duplicate of line 2"), "{e}");

        let e = parse("f.csv", GOOD.as_bytes(), Some("other")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("dataset"));

        let e = parse(
            "f.csv",
            b"dataset,group,partner,year,flow,value_usd,status,citation\n",
            None,
        )
        .unwrap_err();
        assert!(e.expected.contains("no observations"));

        let ragged = format!("{GOOD}d1,aerospace,JP\n");
        let e = parse("f.csv", ragged.as_bytes(), None).unwrap_err();
        assert_eq!(e.row, Some(4));
    }

    #[test]
    fn writes_what_it_reads() {
        let ds = atp_core::builtin::brief().unwrap();
        let mut buf = Vec::new();
        write(&ds.info.id, &ds.observations, &mut buf).unwrap();
        let (id, back) = parse("export.csv", &buf, None).unwrap();
        assert_eq!(id, ds.info.id);
        assert_eq!(back, ds.observations);
    }
}
