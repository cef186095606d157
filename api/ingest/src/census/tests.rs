//! The parser and the annual reduction, on the saved responses in
//! `tests/fixtures/census/`.

use std::collections::BTreeSet;

use atp_core::{Group, GroupId, Measure, Observation, SeriesKey, Status};

use super::*;
use crate::{ImportBatch, IncompleteYear};

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

/// The annual observations of the ATP groups.
fn atp_years(batch: &ImportBatch) -> Vec<&Observation> {
    batch
        .observations
        .iter()
        .filter(|o| o.key.period.is_annual() && matches!(o.key.group, GroupId::Group(_)))
        .collect()
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
    // Five partners (world, China, Korea, EU, Taiwan) by three ATP groups,
    // all goods and non-ATP goods; no `all`, no balance, no grouping; a
    // year and its twelve months each.
    let annual: Vec<&Observation> = batch
        .observations
        .iter()
        .filter(|o| o.key.period.is_annual())
        .collect();
    assert_eq!(annual.len(), 25);
    assert_eq!(
        annual
            .iter()
            .filter(|o| matches!(o.key.group, GroupId::Group(_)))
            .count(),
        15
    );
    // Every row of a stored partner is one month.
    let rows = parse(IMPORTS_2017).unwrap().rows.len();
    assert_eq!(batch.observations.len(), 25 + rows);
    assert!(batch.observations.iter().all(|o| {
        o.key.measure == Measure::Imports
            && o.key.group != GroupId::All
            && o.key.period.year() == Year::new(2017).unwrap()
    }));
    // Each month as printed.
    for (cty, partner) in [("5700", "CN"), ("", "WLD")] {
        for (ht, group) in [("05", "electronics"), ("00", "non-atp"), ("", "all-goods")] {
            let march = cell(IMPORTS_2017, cty, ht, "2017-03", "GEN_VAL_MO").unwrap();
            let key = format!("imports/{group}/{partner}/2017-03");
            assert_eq!(value(&batch, &key), Some(march), "{key}");
        }
    }
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
    // 2 groupings x (3 ATP groups, 00, all commodities) x 12 months
    assert_eq!(
        grouping[0],
        "imports-2017-hitech.json: skipped 120 rows of Census groupings, which are not \
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
fn rows_for_all_goods_and_non_atp_goods_are_kept_beside_the_atp_groups() {
    let response = parse(IMPORTS_2017).unwrap();
    let count = |g: GroupId| response.rows.iter().filter(|r| r.group == g).count();
    // 5 stored partners x 12 months each (the 2 groupings are skipped).
    assert_eq!(count(GroupId::NonAtp), 60);
    assert_eq!(count(GroupId::AllGoods), 60);
    assert_eq!(count(GroupId::Group(Group::Electronics)), 60);
    assert!(
        !response
            .warnings
            .iter()
            .any(|w| w.contains("outside the ATP"))
    );
    // All goods = ATP + non-ATP, in the file's own figures (world, March).
    let march = |ht| cell(IMPORTS_2017, "", ht, "2017-03", "GEN_VAL_MO").unwrap();
    assert!(march("") > march("00"));
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
    let gaza: Vec<&Observation> = atp_years(&batch)
        .into_iter()
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
    assert_eq!(atp_years(&batch).len(), 12);
    assert!(
        atp_years(&batch)[0].provenance.citation.section.contains(
            "timeseries/intltrade/exports/hitech, 2024 (December year-to-date, ALL_VAL_YR)"
        )
    );
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
    assert_eq!(row.group, GroupId::Group(Group::Electronics));
    assert_eq!((row.year.get(), row.month), (2020, 12));
    assert_eq!((row.value_year_to_date, row.value_month), (Some(100), None));
    assert!(!response.has_monthly);
}

#[test]
fn a_partial_year_is_reported_incomplete_and_yields_its_months_only() {
    let batch = annual(&[PARTIAL_2025]).unwrap();
    assert!(!batch.observations.is_empty());
    assert!(batch.observations.iter().all(|o| !o.key.period.is_annual()));
    let months: BTreeSet<u8> = batch
        .observations
        .iter()
        .filter_map(|o| o.key.period.month())
        .collect();
    assert_eq!(months, BTreeSet::from([1, 2, 3, 4, 5, 6]));
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
    assert_eq!(atp_years(&batch).len(), 15 + 12);
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
    let header = r#"[["CTY_CODE","CTY_NAME","HITECH","HITECH_DESC","GEN_VAL_YR","time","YEAR"],"#;
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
