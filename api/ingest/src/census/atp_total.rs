//! The Census Advanced Technology Products total with the world, monthly, as
//! a small CSV (`cty_code,cty_name,year,month,flow,value_usd`): row `0007`
//! of `country.xlsx` in whole dollars, as later copies of the file carry it.
//! Months are reported; a year with all twelve months of a flow gets an
//! annual value, derived (their sum).

use std::collections::{BTreeMap, HashMap};

use atp_core::{
    Citation, Derivation, Flow, GroupId, Measure, Observation, PartnerCode, Period, Provenance,
    SeriesKey, Status, Year,
};

use crate::IngestError;
use crate::text::{check_dollars, check_text};

const COLUMNS: [&str; 6] = ["cty_code", "cty_name", "year", "month", "flow", "value_usd"];

/// Reads the CSV; `citation` names the file's source in every figure's
/// provenance.
pub fn parse_atp_total(
    file: &str,
    bytes: &[u8],
    citation: &str,
) -> Result<Vec<Observation>, IngestError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| IngestError::file(file, format!("malformed CSV: {e}")))?
        .clone();
    let names: Vec<&str> = headers.iter().map(str::trim).collect();
    if names != COLUMNS {
        return Err(IngestError::field(
            file,
            1,
            "header",
            &names.join(","),
            format!("the columns {}", COLUMNS.join(",")),
        ));
    }
    let reported = Provenance {
        status: Status::Reported,
        rounding_usd: Some(1),
        derivation: None,
        citation: Citation {
            section: format!("{citation}, row 0007 (Advanced Technology Products), the month"),
            quote: String::new(),
        },
    };
    let mut out = Vec::new();
    let mut seen: HashMap<SeriesKey, u64> = HashMap::new();
    let mut months: BTreeMap<(Flow, Year), Vec<(u8, i64)>> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| IngestError {
            file: file.to_owned(),
            row: Some(line),
            field: None,
            value: None,
            expected: format!("a CSV record of six fields ({e})"),
        })?;
        for (c, v) in record.iter().enumerate() {
            check_text(file, line, COLUMNS.get(c).copied().unwrap_or("?"), v)?;
        }
        let get = |c: usize| record.get(c).unwrap_or("").trim();
        if get(0) != "0007" {
            return Err(IngestError::field(
                file,
                line,
                "cty_code",
                get(0),
                "0007, the Advanced Technology Products total",
            ));
        }
        let year = Year::try_from(get(2))
            .map_err(|e| IngestError::field(file, line, "year", get(2), e.expected))?;
        let month: u8 = get(3)
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| IngestError::field(file, line, "month", get(3), "a month, 1 to 12"))?;
        let flow = Flow::try_from(get(4))
            .map_err(|e| IngestError::field(file, line, "flow", get(4), e.expected))?;
        let value: i64 = get(5)
            .parse()
            .map_err(|_| IngestError::field(file, line, "value_usd", get(5), "whole US dollars"))?;
        let value = check_dollars(file, line, "value_usd", value)?;
        if value < 0 {
            return Err(IngestError::field(
                file,
                line,
                "value_usd",
                get(5),
                "imports and exports cannot be negative",
            ));
        }
        let period = Period::monthly(year, month)
            .map_err(|e| IngestError::field(file, line, "month", get(3), e.expected))?;
        let key = SeriesKey {
            measure: Measure::from(flow),
            group: GroupId::All,
            partner: PartnerCode::WORLD,
            period,
        };
        if let Some(first) = seen.insert(key, line) {
            return Err(IngestError::field(
                file,
                line,
                "month",
                get(3),
                format!("one row per flow and month; line {first} has {key} too"),
            ));
        }
        months.entry((flow, year)).or_default().push((month, value));
        out.push(Observation {
            key,
            value_usd: value,
            provenance: reported.clone(),
        });
    }
    for ((flow, year), values) in months {
        if values.len() != 12 {
            continue;
        }
        let sum = values
            .iter()
            .try_fold(0i64, |s, (_, v)| s.checked_add(*v))
            .ok_or_else(|| {
                IngestError::file(file, format!("{flow} {year}: the months overflow"))
            })?;
        out.push(Observation {
            key: SeriesKey {
                measure: Measure::from(flow),
                group: GroupId::All,
                partner: PartnerCode::WORLD,
                period: Period::annual(year),
            },
            value_usd: sum,
            provenance: Provenance {
                status: Status::Derived,
                // The sum of twelve whole-dollar months is exact to the
                // dollar, as the workbook's derived years say
                // (`country::read_country_workbook`): a comparison can then
                // tell whether it agrees with another source within rounding.
                rounding_usd: Some(1),
                derivation: Some(Derivation {
                    formula: "the sum of the year's twelve months".to_owned(),
                    inputs: Vec::new(),
                }),
                citation: Citation {
                    section: format!("{citation}, row 0007, the sum of the twelve months"),
                    quote: String::new(),
                },
            },
        });
    }
    if out.is_empty() {
        return Err(IngestError::file(file, "at least one row after the header"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_reported_and_complete_years_summed() {
        let mut csv = "cty_code,cty_name,year,month,flow,value_usd\n".to_owned();
        for m in 1..=12 {
            csv.push_str(&format!(
                "0007,Advanced Technology Products,2024,{m},imports,{m}\n"
            ));
        }
        csv.push_str("0007,Advanced Technology Products,2024,1,exports,5\n");
        let obs = parse_atp_total("t.csv", csv.as_bytes(), "test").unwrap();
        assert_eq!(obs.len(), 14);
        let annual = obs
            .iter()
            .find(|o| o.key.to_string() == "imports/all/WLD/2024")
            .unwrap();
        assert_eq!(annual.value_usd, 78);
        assert_eq!(annual.provenance.status, Status::Derived);
        assert_eq!(annual.provenance.rounding_usd, Some(1));
        assert!(
            !obs.iter()
                .any(|o| o.key.to_string() == "exports/all/WLD/2024")
        );
        let dup = format!("{csv}0007,x,2024,1,exports,6\n");
        let e = parse_atp_total("t.csv", dup.as_bytes(), "test").unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(15), Some("month")));
        let bad = csv.replace("2024,3,imports,3", "2024,13,imports,3");
        let e = parse_atp_total("t.csv", bad.as_bytes(), "test").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("month"));
    }
}
