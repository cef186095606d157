//! The Census Bureau's `country.xlsx` ("U.S. Trade in Goods by Country"):
//! one sheet, one row per partner and year, twelve monthly values and the
//! year's total for each flow, in millions of US dollars.
//!
//! Header: `year, CTY_CODE, CTYNAME, IJAN..IDEC, IYR, EJAN..EDEC, EYR`
//! (columns found by name). `I*` are general imports (customs value), `E*`
//! total exports (f.a.s. value), not seasonally adjusted.
//!
//! What the reader does with the file's traps:
//! - **Money without floats.** The workbook stores numbers as binary
//!   doubles; the xlsx reader hands them over as such. Each is turned into
//!   its shortest decimal rendering (the one that reads back as the same
//!   double), which is scaled to dollars and rounded in exact decimal
//!   arithmetic. The values have at most six decimals (whole dollars); the
//!   aggregate rows carry the noise of a float sum (`4744.725576999999`),
//!   which is below a cent and rounds away. A remainder above a cent is
//!   refused: the file does not print cents.
//! - **Unpublished months are zeros** in the file's last year. The last
//!   published month is the last month of that year in which the world total
//!   (`0015`) has trade; later months are not stored for any partner (and a
//!   non-zero value in one is refused). Elsewhere a zero is a true zero.
//! - **Codes below 1000 are not countries.** `0015` is the world (not
//!   seasonally adjusted), `0003` the European Union, `0007` the Advanced
//!   Technology Products total with the world (group `all`). `0004` (the
//!   world seasonally adjusted) and `0005`, `0006`, `0021`, `0022` (NAFTA and
//!   USMCA partners, imports for consumption) are on a different basis: not
//!   imported, and counted in the notes. Every other code below 1000 (the
//!   continents, the Pacific Rim, OPEC, CAFTA-DR, ...) is kept as a partner
//!   of its own kind, a grouping, which is never ranked or summed with
//!   countries.
//! - **Years.** `IYR`/`EYR` must equal the sum of the row's months. A year
//!   whose twelve months are all published gets an annual value, derived (the
//!   sum of its months, equal to the file's year total); the last year, when
//!   incomplete, gets none and is reported as incomplete.
//! - Every cell read is accounted for: stored, or not imported with the
//!   reason counted in the notes. Errors name the file, sheet, row and
//!   column.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::str::FromStr;

use atp_core::{
    Citation, Derivation, ExtraPartner, Flow, GroupId, Measure, Observation, Partner, PartnerCode,
    PartnerKind, Period, Provenance, SeriesKey, Status, Year,
};
use calamine::{Data, Range, Reader, Xlsx};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::{IncompleteYear, IngestError};

/// The id a `country.xlsx` import gets unless told otherwise.
pub const DEFAULT_DATASET_ID: &str = "census-country";

/// How the workbook's publisher is cited.
pub const CITATION: &str = "U.S. Census Bureau, Foreign Trade Division, U.S. Trade in Goods by \
                            Country (country.xlsx)";

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// The codes below 1000 that are on another basis, with why.
const OTHER_BASIS: [(&str, &str); 5] = [
    ("0004", "the world seasonally adjusted"),
    ("0005", "imports for consumption"),
    ("0006", "imports for consumption"),
    ("0021", "imports for consumption"),
    ("0022", "imports for consumption"),
];

/// What the workbook holds, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryWorkbook {
    /// Reported months and derived complete years, in file order.
    pub observations: Vec<Observation>,
    /// Partners the built-in table does not know: groupings and unmapped
    /// country codes, with the file's names.
    pub extra_partners: Vec<ExtraPartner>,
    /// The last month the file publishes (its vintage).
    pub last_month: Period,
    pub incomplete_years: Vec<IncompleteYear>,
    /// What a reader should know: rows not imported and why, groupings kept.
    pub notes: Vec<String>,
    /// Rows read (the header not counted).
    pub rows_read: usize,
}

/// Where a cell is: `country.xlsx, sheet country` and a column name.
struct Place<'a> {
    file: &'a str,
    sheet: &'a str,
    /// The row of the range's first row in the sheet, 1-based.
    first_row: u64,
    first_col: u32,
}

impl Place<'_> {
    fn file(&self) -> String {
        format!("{}, sheet {}", self.file, self.sheet)
    }

    fn row(&self, index: usize) -> u64 {
        self.first_row + index as u64
    }

    /// `IMAR (column F)`.
    fn column(&self, name: &str, index: usize) -> String {
        format!(
            "{name} (column {})",
            column_letters(self.first_col + index as u32)
        )
    }

    fn err(
        &self,
        row: usize,
        column: &str,
        col: usize,
        value: &str,
        expected: String,
    ) -> IngestError {
        IngestError::field(
            &self.file(),
            self.row(row),
            &self.column(column, col),
            value,
            expected,
        )
    }
}

/// `A`, `B`, ..., `Z`, `AA`, ... for a 0-based column index.
fn column_letters(mut index: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The columns, by index into a row.
struct Columns {
    year: usize,
    code: usize,
    name: usize,
    imports: [usize; 12],
    imports_year: usize,
    exports: [usize; 12],
    exports_year: usize,
}

impl Columns {
    /// The names every `country.xlsx` header has.
    fn required() -> Vec<String> {
        let mut v: Vec<String> = ["year", "CTY_CODE", "CTYNAME"].map(str::to_owned).to_vec();
        for flow in ["I", "E"] {
            v.extend(MONTHS.iter().map(|m| format!("{flow}{m}")));
            v.push(format!("{flow}YR"));
        }
        v
    }

    /// Finds the columns in a header row, or says which are missing.
    fn find(header: &[Data]) -> Result<Columns, Vec<String>> {
        let names: Vec<String> = header
            .iter()
            .map(|c| match c {
                Data::String(s) => s.trim().to_owned(),
                _ => String::new(),
            })
            .collect();
        let at = |name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
        let missing: Vec<String> = Columns::required()
            .into_iter()
            .filter(|n| at(n).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let get = |name: &str| at(name).unwrap_or_default();
        let months = |flow: &str| MONTHS.map(|m| get(&format!("{flow}{m}")));
        Ok(Columns {
            year: get("year"),
            code: get("CTY_CODE"),
            name: get("CTYNAME"),
            imports: months("I"),
            imports_year: get("IYR"),
            exports: months("E"),
            exports_year: get("EYR"),
        })
    }
}

/// One data row, read and checked cell by cell.
struct RowValues {
    index: usize,
    year: Year,
    code: String,
    name: String,
    /// Dollars by month, imports then exports.
    months: [[i64; 12]; 2],
    totals: [i64; 2],
    /// 100,000 when every value of the row is printed to 0.1 million (the
    /// file's 1985-1995 rows), else 1.
    rounding_usd: i64,
}

/// What a row's code stands for.
enum RowKind {
    /// Stored under this partner and group.
    Stored(PartnerCode, GroupId),
    /// A grouping of partners, kept as a partner of its own kind.
    Grouping(PartnerCode),
    /// On another basis: not imported, for this reason.
    OtherBasis(&'static str),
}

fn classify(code: &str) -> Option<RowKind> {
    if let Some((_, why)) = OTHER_BASIS.iter().find(|(c, _)| *c == code) {
        return Some(RowKind::OtherBasis(why));
    }
    match code {
        "0015" => return Some(RowKind::Stored(PartnerCode::WORLD, GroupId::AllGoods)),
        "0007" => return Some(RowKind::Stored(PartnerCode::WORLD, GroupId::All)),
        "0003" => return Some(RowKind::Stored(PartnerCode::EU, GroupId::AllGoods)),
        _ => {}
    }
    if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code_p = PartnerCode::parse_shape(code)?;
    if code < "1000" {
        return Some(RowKind::Grouping(code_p));
    }
    Some(RowKind::Stored(
        Partner::by_census_code(code).map_or(code_p, |p| p.code),
        GroupId::AllGoods,
    ))
}

/// Millions of dollars as the workbook stores them, to whole dollars.
fn dollars(cell: &Data) -> Result<i64, String> {
    let text = match cell {
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => {
            return Err(
                "a value in millions of US dollars (0 for no trade); the cell is empty".into(),
            );
        }
        Data::String(s) => {
            return Err(format!(
                "a number (millions of US dollars); the cell holds the text {:?}",
                crate::text::echo(s)
            ));
        }
        other => {
            return Err(format!(
                "a number (millions of US dollars); the cell holds {other:?}"
            ));
        }
    };
    let millions = Decimal::from_str(&text)
        .map_err(|_| format!("a number (millions of US dollars), not {text:?}"))?;
    let exact = millions
        .checked_mul(Decimal::from(1_000_000))
        .ok_or_else(|| format!("a value within range, not {text}"))?;
    let whole = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    if (exact - whole).abs() > Decimal::new(1, 2) {
        return Err(format!(
            "whole US dollars (at most six decimals of a million); {text} million is {exact} \
             dollars"
        ));
    }
    let value = i64::try_from(whole).map_err(|_| format!("a value within range, not {text}"))?;
    if value < 0 {
        return Err(format!(
            "imports and exports cannot be negative; the cell holds {text}"
        ));
    }
    if value > atp_core::analytics::MAX_ABS_VALUE_USD {
        return Err(format!(
            "at most 10^15 US dollars (10^9 million); the cell holds {text} million"
        ));
    }
    Ok(value)
}

/// Whole dollars as the workbook writes them: millions, with the decimals
/// needed (`1500000` -> `1.5`).
fn as_millions(usd: i64) -> String {
    let sign = if usd < 0 { "-" } else { "" };
    let (whole, part) = (
        usd.unsigned_abs() / 1_000_000,
        usd.unsigned_abs() % 1_000_000,
    );
    if part == 0 {
        format!("{sign}{whole}")
    } else {
        let decimals = format!("{part:06}");
        format!("{sign}{whole}.{}", decimals.trim_end_matches('0'))
    }
}

fn text_of(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e6 => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other}"),
    }
}

/// Opens the workbook and finds the sheet with the `country.xlsx` header.
fn open(file: &str, bytes: &[u8]) -> Result<(String, Range<Data>), IngestError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        IngestError::file(
            file,
            format!(
                "a readable xlsx workbook (the Census country.xlsx); it could not be opened: {e}"
            ),
        )
    })?;
    let sheets = workbook.sheet_names();
    let mut problems = Vec::new();
    for sheet in &sheets {
        let range = workbook.worksheet_range(sheet).map_err(|e| {
            IngestError::file(
                &format!("{file}, sheet {sheet}"),
                format!("a readable worksheet; it could not be read: {e}"),
            )
        })?;
        let Some(header) = range.rows().next() else {
            problems.push(format!("sheet {sheet} is empty"));
            continue;
        };
        match Columns::find(header) {
            Ok(_) => return Ok((sheet.clone(), range)),
            Err(missing) => problems.push(format!(
                "sheet {sheet}'s first row lacks {}",
                missing.join(", ")
            )),
        }
    }
    Err(IngestError::file(
        file,
        format!(
            "a sheet whose first row is the country.xlsx header ({}); {}",
            Columns::required().join(", "),
            if problems.is_empty() {
                "the workbook has no sheet".to_owned()
            } else {
                problems.join("; ")
            }
        ),
    ))
}

/// Reads and checks a `country.xlsx` workbook. `emit` receives every
/// observation (reported months, then each row's derived years), so a
/// caller can index them as they come instead of holding them all.
pub fn read_country_workbook(
    file: &str,
    bytes: &[u8],
    emit: &mut dyn FnMut(Observation),
) -> Result<CountryWorkbook, IngestError> {
    let (sheet, range) = open(file, bytes)?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let place = Place {
        file,
        sheet: &sheet,
        first_row: u64::from(first_row) + 1,
        first_col,
    };
    let mut rows_iter = range.rows();
    let header = rows_iter.next().unwrap_or_default();
    let cols = Columns::find(header).map_err(|missing| {
        IngestError::file(&place.file(), format!("columns {}", missing.join(", ")))
    })?;
    let header_names: Vec<String> = header.iter().map(text_of).collect();
    let header_name = |i: usize| header_names.get(i).cloned().unwrap_or_default();

    let mut rows: Vec<RowValues> = Vec::with_capacity(range.height());
    let mut skipped: Vec<(String, String, &'static str)> = Vec::new();
    let mut seen: HashMap<(Year, String), usize> = HashMap::new();
    for (i, cells) in rows_iter.enumerate() {
        let index = i + 1;
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            return Err(IngestError::field(
                &place.file(),
                place.row(index),
                "(row)",
                "",
                "a data row; the row is empty (rows must be contiguous, without blank rows)",
            ));
        }
        let year_text = text_of(&cells[cols.year]);
        let year = Year::try_from(year_text.as_str())
            .map_err(|e| place.err(index, "year", cols.year, &year_text, e.expected))?;
        let code = text_of(&cells[cols.code]);
        let code = if code.len() < 4 && !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())
        {
            format!("{code:0>4}")
        } else {
            code
        };
        let name = text_of(&cells[cols.name]);
        crate::text::check_text(&place.file(), place.row(index), "CTYNAME", &name)?;
        if classify(&code).is_none() {
            return Err(place.err(
                index,
                "CTY_CODE",
                cols.code,
                &code,
                "a four-digit Census Schedule C code (0003 the EU, 0015 the world, 0007 ATP, \
                 1000 and above countries)"
                    .to_owned(),
            ));
        }
        if let Some(first) = seen.insert((year, code.clone()), index) {
            return Err(place.err(
                index,
                "CTY_CODE",
                cols.code,
                &code,
                format!(
                    "one row per code and year; row {} has {code} for {year} too",
                    place.row(first)
                ),
            ));
        }
        if let Some(RowKind::OtherBasis(why)) = classify(&code) {
            // Not imported (and not whole dollars: a seasonally adjusted
            // value has fractions). Its cells must still be numbers.
            for c in cols
                .imports
                .iter()
                .chain(&cols.exports)
                .chain([&cols.imports_year, &cols.exports_year])
            {
                if !matches!(cells[*c], Data::Float(_) | Data::Int(_)) {
                    return Err(place.err(
                        index,
                        &header_name(*c),
                        *c,
                        &text_of(&cells[*c]),
                        format!("a number (the row is {why}, not imported, but read)"),
                    ));
                }
            }
            skipped.push((code, name, why));
            continue;
        }
        let mut months = [[0i64; 12]; 2];
        let mut totals = [0i64; 2];
        let mut coarse = true;
        for (f, (month_cols, year_col)) in [
            (&cols.imports, cols.imports_year),
            (&cols.exports, cols.exports_year),
        ]
        .into_iter()
        .enumerate()
        {
            for (m, &c) in month_cols.iter().enumerate() {
                let v = dollars(&cells[c])
                    .map_err(|e| place.err(index, &header_name(c), c, &text_of(&cells[c]), e))?;
                coarse &= v % 100_000 == 0;
                months[f][m] = v;
            }
            let total = dollars(&cells[year_col]).map_err(|e| {
                place.err(
                    index,
                    &header_name(year_col),
                    year_col,
                    &text_of(&cells[year_col]),
                    e,
                )
            })?;
            let sum: i64 = months[f].iter().sum();
            if sum != total {
                return Err(place.err(
                    index,
                    &header_name(year_col),
                    year_col,
                    &text_of(&cells[year_col]),
                    format!(
                        "the sum of the row's twelve months ({sum} dollars); the year total is \
                         {total}"
                    ),
                ));
            }
            totals[f] = total;
        }
        let any_trade = months.iter().flatten().any(|v| *v != 0);
        rows.push(RowValues {
            index,
            year,
            code,
            name,
            months,
            totals,
            rounding_usd: if coarse && any_trade { 100_000 } else { 1 },
        });
    }
    // The cells are read: free them before the observations are made.
    drop(range);
    let Some(last_year) = rows.iter().map(|r| r.year).max() else {
        return Err(IngestError::file(
            &place.file(),
            "at least one data row after the header",
        ));
    };

    // The last published month: the world's last month with trade in the
    // last year (any row's, if the world row is missing).
    let last_with_trade = |r: &RowValues| {
        (0..12)
            .rev()
            .find(|&m| r.months[0][m] != 0 || r.months[1][m] != 0)
    };
    let in_last_year = || rows.iter().filter(|r| r.year == last_year);
    let world_last = in_last_year()
        .find(|r| r.code == "0015")
        .map(last_with_trade);
    let last_index = match world_last {
        Some(found) => found,
        None => in_last_year().filter_map(last_with_trade).max(),
    }
    .ok_or_else(|| {
        IngestError::file(
            &place.file(),
            format!("some trade in the last year, {last_year}; every value of it is 0"),
        )
    })?;
    let published = last_index + 1;
    let last_month = Period::monthly(last_year, published as u8)
        .map_err(|e| IngestError::file(&place.file(), e.to_string()))?;
    for r in in_last_year() {
        for (f, month_cols) in [&cols.imports, &cols.exports].into_iter().enumerate() {
            let later = r.months[f].iter().zip(month_cols.iter()).skip(published);
            for (&value, &c) in later {
                if value != 0 {
                    return Err(place.err(
                        r.index,
                        &header_name(c),
                        c,
                        &as_millions(value),
                        format!(
                            "0: the file publishes {last_year} up to month {published:02} (the \
                             world total has no trade after it), so a later month is not \
                             published yet"
                        ),
                    ));
                }
            }
        }
    }

    let section_base = format!("{CITATION}, vintage with data to {last_month}, sheet {sheet}");
    let mut provenances: HashMap<(String, usize, i64), Provenance> = HashMap::new();
    let mut provenance = |code: &str, name: &str, col: usize, rounding: i64, derived: bool| {
        provenances
            .entry((code.to_owned(), col, rounding))
            .or_insert_with(|| Provenance {
                status: if derived {
                    Status::Derived
                } else {
                    Status::Reported
                },
                rounding_usd: Some(rounding),
                derivation: derived.then(|| Derivation {
                    formula: format!(
                        "the sum of the year's twelve months, equal to the file's {}",
                        header_name(col)
                    ),
                    inputs: Vec::new(),
                }),
                citation: Citation {
                    section: format!(
                        "{section_base}, CTY_CODE {code} ({name}), column {}, millions of US \
                         dollars",
                        header_name(col)
                    ),
                    quote: String::new(),
                },
            })
            .clone()
    };

    let mut groupings: BTreeMap<String, String> = BTreeMap::new();
    let mut unmapped: BTreeMap<String, String> = BTreeMap::new();
    let mut other_basis: BTreeMap<String, (String, &'static str, usize)> = BTreeMap::new();
    for (code, name, why) in skipped.iter() {
        other_basis
            .entry(code.clone())
            .or_insert_with(|| (name.clone(), why, 0))
            .2 += 1;
    }
    let mut incomplete: Vec<IncompleteYear> = Vec::new();
    let mut count = 0usize;
    for r in &rows {
        let (partner, group) = match classify(&r.code) {
            Some(RowKind::Stored(p, g)) => (p, g),
            Some(RowKind::Grouping(p)) => {
                groupings.insert(r.code.clone(), r.name.clone());
                (p, GroupId::AllGoods)
            }
            Some(RowKind::OtherBasis(_)) | None => continue,
        };
        if Partner::by_code(partner).is_none() && !groupings.contains_key(&r.code) {
            unmapped.insert(r.code.clone(), r.name.clone());
        }
        let months_published = if r.year == last_year { published } else { 12 };
        for (f, (flow, month_cols, year_col)) in [
            (Flow::Imports, &cols.imports, cols.imports_year),
            (Flow::Exports, &cols.exports, cols.exports_year),
        ]
        .into_iter()
        .enumerate()
        {
            let months = r.months[f]
                .iter()
                .zip(month_cols.iter())
                .take(months_published);
            for (m, (&value_usd, &col)) in months.enumerate() {
                let key = SeriesKey {
                    measure: Measure::from(flow),
                    group,
                    partner,
                    period: Period::monthly(r.year, m as u8 + 1)
                        .map_err(|e| IngestError::file(&place.file(), e.to_string()))?,
                };
                emit(Observation {
                    key,
                    value_usd,
                    provenance: provenance(&r.code, &r.name, col, r.rounding_usd, false),
                });
                count += 1;
            }
            if months_published == 12 {
                emit(Observation {
                    key: SeriesKey {
                        measure: Measure::from(flow),
                        group,
                        partner,
                        period: Period::annual(r.year),
                    },
                    value_usd: r.totals[f],
                    provenance: provenance(&r.code, &r.name, year_col, r.rounding_usd, true),
                });
                count += 1;
            }
        }
    }
    if published < 12 {
        incomplete.push(IncompleteYear {
            year: last_year.get(),
            months_present: (1..=published as u8).collect(),
        });
    }

    let mut notes = vec![format!(
        "{file}: {} rows read, data to {last_month}; {} rows imported as {count} values (months \
         as printed, complete years as the sum of their months), {} not imported (below)",
        rows.len() + skipped.len(),
        rows.len(),
        skipped.len()
    )];
    for (code, (name, why, n)) in &other_basis {
        notes.push(format!(
            "{file}: {n} rows of CTY_CODE {code} ({name}) not imported: {why}, a different basis \
             from the other rows"
        ));
    }
    if !groupings.is_empty() {
        let list: Vec<String> = groupings
            .iter()
            .map(|(code, name)| format!("{code} {name}"))
            .collect();
        notes.push(format!(
            "{file}: Census groupings kept as partners of their own kind (never ranked or summed \
             with countries): {}",
            list.join(", ")
        ));
    }
    for (code, name) in &unmapped {
        notes.push(format!(
            "{file}: CTY_CODE {code} ({name}) is not in the country table; its rows are kept \
             under the partner code {code}"
        ));
    }
    let extra_partners = groupings
        .iter()
        .map(|(code, name)| (code, name, PartnerKind::Grouping))
        .chain(
            unmapped
                .iter()
                .map(|(code, name)| (code, name, PartnerKind::Country)),
        )
        .filter_map(|(code, name, kind)| {
            PartnerCode::parse_shape(code).map(|p| ExtraPartner {
                code: p,
                name_en: name.clone(),
                kind,
                census_code: Some(code.clone()),
            })
        })
        .collect();
    Ok(CountryWorkbook {
        observations: Vec::new(),
        extra_partners,
        last_month,
        incomplete_years: incomplete,
        notes,
        rows_read: rows.len() + skipped.len(),
    })
}

/// Reads a workbook, keeping its observations.
pub fn parse_country_workbook(file: &str, bytes: &[u8]) -> Result<CountryWorkbook, IngestError> {
    let mut observations = Vec::new();
    let mut book = read_country_workbook(file, bytes, &mut |o| observations.push(o))?;
    book.observations = observations;
    Ok(book)
}

/// When the Census Bureau published the release with data to a month (the
/// FT-900 release that added it), for the releases this service knows
/// (`data/census-country/releases.csv`, from the Census release schedule,
/// not from the files): what `as_of` compares for a vintage.
pub fn published_on(data_to: Period) -> Option<&'static str> {
    const RELEASES: &str = include_str!("../../../../data/census-country/releases.csv");
    let month = data_to.to_string();
    RELEASES
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.splitn(3, ',');
            Some((cells.next()?, cells.next()?))
        })
        .find(|(to, _)| *to == month)
        .map(|(_, on)| on)
}

/// Whether bytes look like an xlsx workbook (a zip archive).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millions_become_whole_dollars_without_float_noise() {
        assert_eq!(dollars(&Data::Float(5292.668573)), Ok(5_292_668_573));
        assert_eq!(dollars(&Data::Float(4744.725576999999)), Ok(4_744_725_577));
        assert_eq!(
            dollars(&Data::Float(41433.003413999984)),
            Ok(41_433_003_414)
        );
        assert_eq!(
            dollars(&Data::Float(180549.80000000002)),
            Ok(180_549_800_000)
        );
        assert_eq!(dollars(&Data::Float(0.0)), Ok(0));
        assert_eq!(dollars(&Data::Int(12)), Ok(12_000_000));
        assert!(
            dollars(&Data::Float(1.2345678))
                .unwrap_err()
                .contains("whole US dollars")
        );
        assert!(
            dollars(&Data::Float(-1.0))
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            dollars(&Data::String("n/a".into()))
                .unwrap_err()
                .contains("text")
        );
        assert!(dollars(&Data::Empty).unwrap_err().contains("empty"));
        assert!(dollars(&Data::Float(2e9)).unwrap_err().contains("10^15"));
    }

    #[test]
    fn dollars_are_shown_in_millions_as_the_workbook_writes_them() {
        assert_eq!(as_millions(1_500_000), "1.5");
        assert_eq!(as_millions(5_953_946_323), "5953.946323");
        assert_eq!(as_millions(12_000_000), "12");
        assert_eq!(as_millions(-7), "-0.000007");
    }

    #[test]
    fn known_releases_have_their_publication_dates() {
        let p = |s| Period::try_from(s).unwrap();
        assert_eq!(published_on(p("2024-06")), Some("2024-08-06"));
        assert_eq!(published_on(p("2019-10")), Some("2019-12-05"));
        assert_eq!(published_on(p("2020-01")), None);
    }

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(28), "AC");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn codes_are_classified() {
        assert!(
            matches!(classify("0015"), Some(RowKind::Stored(p, GroupId::AllGoods)) if p == PartnerCode::WORLD)
        );
        assert!(
            matches!(classify("0007"), Some(RowKind::Stored(p, GroupId::All)) if p == PartnerCode::WORLD)
        );
        assert!(matches!(classify("0003"), Some(RowKind::Stored(p, _)) if p == PartnerCode::EU));
        assert!(matches!(classify("5800"), Some(RowKind::Stored(p, _)) if p.as_str() == "KR"));
        assert!(matches!(classify("0014"), Some(RowKind::Grouping(_))));
        assert!(matches!(classify("0004"), Some(RowKind::OtherBasis(_))));
        assert!(matches!(classify("0021"), Some(RowKind::OtherBasis(_))));
        assert!(classify("58x0").is_none());
        assert!(classify("580").is_none());
    }
}
