//! Ingestion: turning files into checked observations, the same way for the
//! command line and for the HTTP upload. Pure: no database, no web. What it
//! produces is a [`NewDataset`] (from `atp-core`), which the store writes in
//! one transaction.

pub mod census;
pub mod text;
pub mod tidy;

use std::fmt;

use atp_core::Observation;

/// What a file yields: observations ready to store, and what the importer
/// noticed without refusing the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportBatch {
    pub observations: Vec<Observation>,
    /// Partners the file names that the built-in table does not know.
    pub extra_partners: Vec<ExtraPartner>,
    /// Things a person should know (an unmapped partner code stored under its
    /// Census code, a grouping row skipped, ...).
    pub warnings: Vec<String>,
    /// Years present in the file whose months are incomplete: reported, and
    /// not turned into annual values.
    pub incomplete_years: Vec<IncompleteYear>,
}

/// A year the file covers only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteYear {
    pub year: u16,
    /// The months present, 1..=12, ascending.
    pub months_present: Vec<u8>,
}

impl fmt::Display for IncompleteYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let months: Vec<String> = self
            .months_present
            .iter()
            .map(|m| format!("{m:02}"))
            .collect();
        write!(
            f,
            "{}: incomplete (months present: {}); no annual value imported",
            self.year,
            months.join(", ")
        )
    }
}

/// A file was refused. Names the file, the row (1-based, counting the header
/// row of a Census response as row 1, or the line of a CSV file), the field,
/// the value, and what was expected. Nothing of the file is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct IngestError {
    pub file: String,
    pub row: Option<u64>,
    pub field: Option<String>,
    pub value: Option<String>,
    pub expected: String,
}

impl IngestError {
    /// An error about the file as a whole.
    pub fn file(file: &str, expected: impl Into<String>) -> IngestError {
        IngestError {
            file: file.to_owned(),
            row: None,
            field: None,
            value: None,
            expected: expected.into(),
        }
    }

    /// An error about one field of one row.
    pub fn field(
        file: &str,
        row: u64,
        field: &str,
        value: &str,
        expected: impl Into<String>,
    ) -> IngestError {
        IngestError {
            file: file.to_owned(),
            row: Some(row),
            field: Some(field.to_owned()),
            value: Some(text::echo(value)),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        if let Some(value) = &self.value {
            write!(f, ", value {value:?}")?;
        }
        write!(f, ": {}", self.expected)
    }
}

use std::collections::HashMap;

use atp_core::{DatasetInfo, ExtraPartner, NewDataset, Partner, SeriesKey, SourceFormat};

/// The kinds of file `atp import` understands, told apart by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// A tidy CSV file (see [`tidy`]).
    TidyCsv,
    /// A Census International Trade API response (JSON array of arrays).
    CensusJson,
    /// The Census Bureau's `country.xlsx` workbook (an xlsx file: a zip
    /// archive).
    CountryWorkbook,
    /// A dataset description (JSON object: id, title, publisher, ...).
    Description,
}

/// Tells a file's format from its content: a zip archive is an xlsx
/// workbook; otherwise by the first non-blank byte: `[` a Census response,
/// `{` a dataset description, `<` an HTML page or `error:` a plain error
/// message (both read as a Census response, whose parser explains the usual
/// cause), anything else CSV.
pub fn detect(bytes: &[u8]) -> FileFormat {
    if census::country::is_workbook(bytes) {
        return FileFormat::CountryWorkbook;
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        .map_or(&[][..], |i| &bytes[i..]);
    match start.first() {
        Some(b'[') | Some(b'<') => FileFormat::CensusJson,
        Some(b'{') => FileFormat::Description,
        _ if start.len() >= 6 && start[..6].eq_ignore_ascii_case(b"error:") => {
            FileFormat::CensusJson
        }
        _ => FileFormat::TidyCsv,
    }
}

impl ImportBatch {
    /// Notes to keep with the dataset: the warnings and incomplete years.
    pub fn quality_notes(&self) -> Vec<String> {
        self.warnings
            .iter()
            .cloned()
            .chain(self.incomplete_years.iter().map(ToString::to_string))
            .collect()
    }
}

/// Reads and checks every file of one import, without touching the database.
/// `dataset` is the id to store under (required unless a description or the
/// CSV rows name it); `retrieved` is when the files were obtained (RFC 3339).
pub fn prepare(
    files: &[(String, Vec<u8>)],
    dataset: Option<&str>,
    retrieved: &str,
) -> Result<NewDataset, IngestError> {
    let mut description: Option<DatasetInfo> = None;
    let mut csv_obs = Vec::new();
    let mut csv_id: Option<String> = None;
    let mut census = Vec::new();
    let mut census_files = Vec::new();
    let mut workbook: Option<(String, census::country::CountryWorkbook)> = None;
    for (name, bytes) in files {
        match detect(bytes) {
            FileFormat::Description => {
                if description.is_some() {
                    return Err(IngestError::file(
                        name,
                        "a second dataset description: give one per import",
                    ));
                }
                let info: DatasetInfo = serde_json::from_slice(bytes).map_err(|e| IngestError {
                    file: name.clone(),
                    row: Some(e.line() as u64),
                    field: None,
                    value: None,
                    expected: format!(
                        "a dataset description: a JSON object with id, title, publisher, citation, source_url (or null), vintage and notes ({e})"
                    ),
                })?;
                check_description(name, &info)?;
                if let Some(id) = dataset.filter(|id| *id != info.id) {
                    return Err(IngestError::field(
                        name,
                        1,
                        "id",
                        &info.id,
                        format!("expected {id:?}, the dataset being imported"),
                    ));
                }
                description = Some(info);
            }
            FileFormat::TidyCsv => {
                let wanted = dataset
                    .map(str::to_owned)
                    .or_else(|| description.as_ref().map(|d| d.id.clone()))
                    .or(csv_id.clone());
                let (id, obs) = tidy::parse(name, bytes, wanted.as_deref())?;
                csv_id = Some(id);
                csv_obs.extend(obs);
            }
            FileFormat::CensusJson => {
                census.push(census::parse_census_response(name, bytes)?);
                census_files.push(name.clone());
            }
            FileFormat::CountryWorkbook => {
                if let Some((first, _)) = &workbook {
                    return Err(IngestError::file(
                        name,
                        format!(
                            "a second workbook ({first} is the first): one import takes one \
                             country.xlsx, which is one vintage"
                        ),
                    ));
                }
                workbook = Some((
                    name.clone(),
                    census::country::parse_country_workbook(name, bytes)?,
                ));
            }
        }
    }
    if let Some((name, book)) = workbook {
        if !csv_obs.is_empty() || !census.is_empty() {
            return Err(IngestError::file(
                &name,
                "one import takes a country.xlsx workbook alone, not with CSV files or Census \
                 responses",
            ));
        }
        let id = dataset
            .map(str::to_owned)
            .or_else(|| description.as_ref().map(|d| d.id.clone()))
            .unwrap_or_else(|| census::country::DEFAULT_DATASET_ID.to_owned());
        validate_dataset_id(&id)
            .map_err(|e| IngestError::field("(command line)", 0, "dataset", &id, e))?;
        let info = description
            .unwrap_or_else(|| country_workbook_info(&id, &book.last_month.to_string(), retrieved));
        let mut notes = book.notes;
        notes.extend(book.incomplete_years.iter().map(ToString::to_string));
        return Ok(NewDataset::new(
            info,
            SourceFormat::CensusCountryXlsx,
            book.observations,
            book.extra_partners,
            notes,
        )
        .published_on(census::country::published_on(book.last_month).map(str::to_owned))
        .as_release());
    }
    let (format, batch) = match (csv_obs.is_empty(), census.is_empty()) {
        (false, false) => {
            return Err(IngestError::file(
                &census_files.join(", "),
                "one import takes CSV files or Census responses, not both",
            ));
        }
        (true, true) => {
            let name = files.first().map_or("(no file)", |f| f.0.as_str());
            return Err(IngestError::file(
                name,
                "no data file: give a tidy CSV file or Census API responses",
            ));
        }
        (false, true) => (
            SourceFormat::Csv,
            ImportBatch {
                observations: csv_obs,
                ..ImportBatch::default()
            },
        ),
        (true, false) => (
            SourceFormat::Census,
            census::annual_observations(&census_files.join(", "), &census, retrieved)?,
        ),
    };
    // Keys must be unique across files too.
    let mut seen: HashMap<SeriesKey, ()> = HashMap::with_capacity(batch.observations.len());
    for o in &batch.observations {
        if seen.insert(o.key, ()).is_some() {
            let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
            return Err(IngestError::file(
                &names.join(", "),
                format!("{} appears in more than one file", o.key),
            ));
        }
    }
    let id = dataset
        .map(str::to_owned)
        .or_else(|| description.as_ref().map(|d| d.id.clone()))
        .or(csv_id)
        .ok_or_else(|| {
            IngestError::file(
                &census_files.join(", "),
                "no dataset id: pass --dataset ID or a dataset description",
            )
        })?;
    validate_dataset_id(&id)
        .map_err(|e| IngestError::field("(command line)", 0, "dataset", &id, e))?;
    if batch.observations.is_empty() {
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let why = if batch.incomplete_years.is_empty() {
            "nothing to import: the files hold no observation".to_owned()
        } else {
            let years: Vec<String> = batch
                .incomplete_years
                .iter()
                .map(ToString::to_string)
                .collect();
            format!(
                "nothing to import: every year is incomplete ({}); a dataset needs at least one complete year",
                years.join("; ")
            )
        };
        return Err(IngestError::file(&names.join(", "), why));
    }
    let info = description.unwrap_or_else(|| default_info(&id, format, retrieved));
    let extra_partners = batch
        .observations
        .iter()
        .filter(|o| Partner::by_code(o.key.partner).is_none())
        .map(|o| o.key.partner)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|code| ExtraPartner {
            code,
            kind: atp_core::PartnerKind::Country,
            // The CTY_NAME the response gives the code (not a warning text).
            name_en: census
                .iter()
                .flat_map(|r| &r.rows)
                .find(|row| row.partner == code && !row.cty_name.is_empty())
                .map(|row| row.cty_name.clone())
                .unwrap_or_else(|| format!("Census country {code}")),
            census_code: Some(code.to_string()),
        })
        .collect();
    let quality_notes = batch.quality_notes();
    Ok(NewDataset::new(
        info,
        format,
        batch.observations,
        extra_partners,
        quality_notes,
    ))
}

pub use atp_core::dataset::validate_dataset_id;

/// The text fields of a dataset description, checked like any text read.
fn check_description(file: &str, info: &DatasetInfo) -> Result<(), IngestError> {
    const MAX_NOTES: usize = 100;
    let fields = [
        ("id", info.id.as_str()),
        ("title", info.title.as_str()),
        ("publisher", info.publisher.as_str()),
        ("citation", info.citation.as_str()),
        ("source_url", info.source_url.as_deref().unwrap_or("")),
        ("vintage", info.vintage.as_str()),
    ];
    for (field, value) in fields {
        text::check_text(file, 1, field, value)?;
    }
    if info.notes.len() > MAX_NOTES {
        return Err(IngestError::field(
            file,
            1,
            "notes",
            &format!("{} notes", info.notes.len()),
            format!("at most {MAX_NOTES} notes"),
        ));
    }
    for note in &info.notes {
        text::check_text(file, 1, "notes", note)?;
    }
    Ok(())
}

/// The description of a `country.xlsx` import: its vintage is the last
/// month it publishes (`2024-06`).
pub fn country_workbook_info(id: &str, data_to: &str, retrieved: &str) -> DatasetInfo {
    DatasetInfo {
        id: id.to_owned(),
        title: "US trade in goods by country, monthly (Census Bureau, country.xlsx)".to_owned(),
        publisher: "US Census Bureau, Foreign Trade Division".to_owned(),
        citation: format!(
            "{}, vintage with data to {data_to}. Public-domain US government data.",
            census::country::CITATION
        ),
        source_url: Some("https://www.census.gov/foreign-trade/balance/country.xlsx".to_owned()),
        vintage: data_to.to_owned(),
        notes: vec![
            "Imports are general imports (customs value), exports total exports (f.a.s. value), \
             not seasonally adjusted, in whole dollars from the file's millions with six decimals."
                .to_owned(),
            "Group all-goods is every good; group all is the Advanced Technology Products total \
             (row 0007, the world only)."
                .to_owned(),
            "Census groupings (continents, regions, trade agreements) are partners of kind \
             grouping: never ranked or summed with countries."
                .to_owned(),
            format!(
                "Retrieved or imported {retrieved}; each release is one vintage: later ones revise earlier months."
            ),
        ],
    }
}

fn default_info(id: &str, format: SourceFormat, retrieved: &str) -> DatasetInfo {
    match format {
        SourceFormat::Census => DatasetInfo {
            id: id.to_owned(),
            title: "US trade in Advanced Technology Products by country (Census Bureau, hitech)".to_owned(),
            publisher: "US Census Bureau".to_owned(),
            citation: "US Census Bureau, International Trade API, timeseries/intltrade/imports/hitech and exports/hitech; \
                       monthly values as returned, annual values from December year-to-date."
                .to_owned(),
            source_url: Some("https://api.census.gov/data/timeseries/intltrade/imports/hitech".to_owned()),
            vintage: format!("retrieved {retrieved}"),
            notes: vec![
                "Census revises previous years every year; each import is one vintage.".to_owned(),
                "Imports are general imports (GEN_VAL), exports total exports (ALL_VAL).".to_owned(),
            ],
        },
        _ => DatasetInfo {
            id: id.to_owned(),
            title: id.to_owned(),
            publisher: "unknown (imported from CSV without a description)".to_owned(),
            citation: "see each figure's citation".to_owned(),
            source_url: None,
            vintage: format!("imported {retrieved}"),
            notes: Vec::new(),
        },
    }
}
