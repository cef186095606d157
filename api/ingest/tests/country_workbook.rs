//! The Census `country.xlsx` reader on a small real workbook (rows of the
//! vintage with data to 2024-06, made by `fixtures/country/make.py`) and on
//! a corpus of broken workbooks, each with one defect.

#![expect(
    clippy::unwrap_used,
    reason = "tests fail loudly on an unexpected result"
)]

use atp_core::{PartnerKind, SeriesKey, Status};
use atp_ingest::census::country::{CountryWorkbook, parse_country_workbook};
use atp_ingest::{FileFormat, IngestError, detect};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = format!(
        "{}/tests/fixtures/country/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (name.to_owned(), bytes)
}

fn read(name: &str) -> Result<CountryWorkbook, IngestError> {
    let (file, bytes) = fixture(name);
    parse_country_workbook(&file, &bytes)
}

fn value(book: &CountryWorkbook, key: &str) -> Option<i64> {
    let key = SeriesKey::try_from(key).unwrap();
    book.observations
        .iter()
        .find(|o| o.key == key)
        .map(|o| o.value_usd)
}

#[test]
fn a_good_workbook_gives_months_as_printed_and_complete_years_summed() {
    let (_, bytes) = fixture("good.xlsx");
    assert_eq!(detect(&bytes), FileFormat::CountryWorkbook);
    let book = read("good.xlsx").unwrap();
    assert_eq!(book.last_month.to_string(), "2024-06");
    assert_eq!(book.rows_read, 14);
    // Six codes stored (0004 is on another basis): 2023 has 12 months and
    // its year, 2024 six months and no year, for each of two flows.
    assert_eq!(book.observations.len(), 6 * 2 * (13 + 6));

    // Millions with six decimals, to the dollar.
    assert_eq!(
        value(&book, "imports/all-goods/KR/2023-01"),
        Some(8_893_199_705)
    );
    assert_eq!(
        value(&book, "exports/all-goods/KR/2023-01"),
        Some(5_337_000_486)
    );
    // A float sum's noise (49524.56061600002) rounds away.
    assert_eq!(
        value(&book, "imports/all-goods/EU/2023-06"),
        Some(49_524_560_616)
    );
    // Row 0007 is the ATP total with the world; 0015 the world's goods.
    assert_eq!(
        value(&book, "imports/all/WLD/2024-06"),
        Some(62_033_696_162)
    );
    assert_eq!(
        value(&book, "imports/all-goods/WLD/2024-01"),
        Some(253_800_163_814)
    );
    // A complete year is derived: the sum of its months, equal to IYR.
    let year = book
        .observations
        .iter()
        .find(|o| o.key.to_string() == "imports/all-goods/KR/2023")
        .unwrap();
    assert_eq!(year.value_usd, 116_154_470_335);
    assert_eq!(year.provenance.status, Status::Derived);
    let months: i64 = book
        .observations
        .iter()
        .filter(|o| o.key.to_string().starts_with("imports/all-goods/KR/2023-"))
        .map(|o| o.value_usd)
        .sum();
    assert_eq!(months, 116_154_470_335);
    // The months after June 2024 are not published: never stored as zeros,
    // and 2024 has no annual value.
    assert_eq!(value(&book, "imports/all-goods/KR/2024-07"), None);
    assert_eq!(value(&book, "imports/all-goods/KR/2024"), None);
    assert_eq!(book.incomplete_years.len(), 1);
    assert_eq!(
        book.incomplete_years[0].to_string(),
        "2024: incomplete (months present: 01, 02, 03, 04, 05, 06); no annual value imported"
    );
    // The Pacific Rim is a grouping, kept as a partner of its own kind.
    let rim = book
        .extra_partners
        .iter()
        .find(|p| p.code.as_str() == "0014")
        .unwrap();
    assert_eq!(rim.kind, PartnerKind::Grouping);
    assert_eq!(rim.name_en, "Pacific Rim");
    assert_eq!(
        book.observations
            .iter()
            .filter(|o| o.key.partner == rim.code)
            .count(),
        2 * (13 + 6)
    );
    // The world seasonally adjusted is read, not imported, and said so.
    assert!(
        book.notes.iter().any(
            |n| n.contains("2 rows of CTY_CODE 0004 (World, Seasonally Adjusted) not imported")
        ),
        "{:?}",
        book.notes
    );
    assert!(
        !book
            .observations
            .iter()
            .any(|o| o.key.partner.as_str() == "0004")
    );
    // Every figure cites the workbook, its vintage, the row's code and the
    // column.
    let jan = book
        .observations
        .iter()
        .find(|o| o.key.to_string() == "imports/all-goods/KR/2023-01")
        .unwrap();
    assert_eq!(jan.provenance.status, Status::Reported);
    assert_eq!(jan.provenance.rounding_usd, Some(1));
    assert!(
        jan.provenance.citation.section.contains(
            "vintage with data to 2024-06, sheet country, CTY_CODE 5800 (Korea, South), column IJAN"
        ),
        "{}",
        jan.provenance.citation.section
    );
}

/// Each file of the broken corpus and the start of what its error must say
/// (after the file name).
const BAD: [(&str, &str); 12] = [
    (
        "bad-code.xlsx",
        ", sheet country, row 12, field CTY_CODE (column B), value \"58O0\": a four-digit Census \
         Schedule C code",
    ),
    (
        "blank-row.xlsx",
        ", sheet country, row 5, field (row), value \"\": a data row; the row is empty",
    ),
    (
        "cents.xlsx",
        ", sheet country, row 12, field IJAN (column D), value \"8893.199705500001\": whole US \
         dollars (at most six decimals of a million)",
    ),
    (
        "duplicate-row.xlsx",
        ", sheet country, row 16, field CTY_CODE (column B), value \"5800\": one row per code and \
         year; row 12 has 5800 for 2023 too",
    ),
    (
        "month-column-missing.xlsx",
        ": a sheet whose first row is the country.xlsx header (year, CTY_CODE, CTYNAME, IJAN, ",
    ),
    (
        "negative-value.xlsx",
        ", sheet country, row 12, field EJAN (column Q), value \"-5337.000486\": imports and \
         exports cannot be negative",
    ),
    (
        "text-in-number.xlsx",
        ", sheet country, row 12, field IMAR (column F), value \"n/a\": a number (millions of US \
         dollars); the cell holds the text \"n/a\"",
    ),
    (
        "truncated.xlsx",
        ": a readable xlsx workbook (the Census country.xlsx); it could not be opened: ",
    ),
    (
        "unpublished-month-with-value.xlsx",
        ", sheet country, row 13, field IJUL (column J), value \"1.5\": 0: the file publishes 2024 \
         up to month 06 (the world total has no trade after it)",
    ),
    (
        "wrong-sheet.xlsx",
        ": a sheet whose first row is the country.xlsx header",
    ),
    (
        "year-total-mismatch.xlsx",
        ", sheet country, row 12, field IYR (column P), value \"116155.470335\": the sum of the \
         row's twelve months (116154470335 dollars); the year total is 116155470335",
    ),
    (
        "zip-without-workbook.xlsx",
        ": a readable xlsx workbook (the Census country.xlsx); it could not be opened: ",
    ),
];

#[test]
fn every_broken_workbook_is_refused_naming_where() {
    let dir = format!("{}/tests/fixtures/country/bad", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = BAD.iter().map(|(f, _)| *f).collect();
    assert_eq!(on_disk, listed);
    for (name, says) in BAD {
        let err = read(&format!("bad/{name}")).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("bad/{name}{says}")),
            "{name}: {err}"
        );
    }
    // A missing column, and a sheet with another header, are named.
    let err = read("bad/month-column-missing.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("; sheet country's first row lacks IMAR"),
        "{err}"
    );
    let err = read("bad/wrong-sheet.xlsx").unwrap_err().to_string();
    assert!(
        err.ends_with("; sheet Sheet1's first row lacks CTY_CODE, CTYNAME"),
        "{err}"
    );
}
