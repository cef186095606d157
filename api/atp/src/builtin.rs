//! The built-in datasets, served from files embedded in the binary (no
//! database rows): the KIAT brief (from `atp-core`), the latest Census
//! `country.xlsx` vintage, and the Census ATP total with the world, monthly
//! from 1989-01 to 2024-12, each month from the latest vintage that has it.
//! They are read once per process, on a thread of their own while the
//! database is opened, and shared by every read model built after.
//!
//! The two older `country.xlsx` vintages (`data/census-country/`) are not
//! built in: `atp import data/census-country/country-data-to-2019-10.xlsx
//! data/census-country/country-data-to-2023-01.xlsx` stores them as
//! vintages of `census-country` beside the built-in one.

use std::sync::Arc;
use std::time::SystemTime;

use atp_core::analytics::Computed;
use atp_core::{
    DatasetInfo, GroupId, Measure, Observation, PartnerCode, Period, SourceFormat, StoredDataset,
    Year,
};
use atp_ingest::IngestError;
use atp_ingest::census::{atp_total, country};
use atp_query::{DatasetBuilder, DatasetView, PeriodFilter, ReadModel, Selection};

/// The id of the built-in `country.xlsx` dataset.
pub const CENSUS_COUNTRY_ID: &str = "census-country";
/// The id of the built-in ATP total.
pub const CENSUS_ATP_ID: &str = "census-atp";

/// The latest `country.xlsx` vintage, built in.
const COUNTRY_LATEST: (&str, &[u8]) = (
    "data/census-country/country-data-to-2024-06.xlsx",
    include_bytes!("../../../data/census-country/country-data-to-2024-06.xlsx"),
);
/// Row 0007 of a later copy of the file, 2024 to December.
const ATP_TOTAL_2024: (&str, &[u8]) = (
    "data/census-country/atp-total-2024-monthly-data-to-2024-12.csv",
    include_bytes!("../../../data/census-country/atp-total-2024-monthly-data-to-2024-12.csv"),
);

/// Why the built-in data could not be read: a broken build.
#[derive(Debug, thiserror::Error)]
pub enum BuiltinError {
    #[error("the built-in brief: {0}")]
    Brief(#[from] atp_core::DatasetError),
    #[error("built-in Census data: {0}")]
    Census(#[from] IngestError),
}

/// The built-in datasets, each one vintage.
#[derive(Debug, Clone)]
pub struct Builtins {
    pub views: Vec<Arc<DatasetView>>,
    pub extra_partners: Vec<atp_core::ExtraPartner>,
}

impl Builtins {
    /// Whether a dataset id is built in, and its built-in vintage.
    pub fn vintage_of(&self, id: &str) -> Option<&str> {
        self.views
            .iter()
            .find(|v| v.id() == id)
            .map(|v| v.vintage())
    }

    /// Whether every vintage of a dataset is built in (no other can be
    /// stored beside it).
    pub fn is_closed(id: &str) -> bool {
        id == atp_core::builtin::BRIEF_DATASET_ID || id == CENSUS_ATP_ID
    }
}

/// A built-in dataset's description; what it says of its figures (count,
/// checksum, last period) is filled in from them as they are indexed.
fn stored(
    info: DatasetInfo,
    quality_notes: Vec<String>,
    published_on: Option<&str>,
    started: &str,
) -> StoredDataset {
    StoredDataset {
        info,
        quality_notes,
        source_format: SourceFormat::Builtin.as_str().to_owned(),
        imported_at: started.to_owned(),
        row_count: 0,
        checksum: String::new(),
        last_period: None,
        published_on: published_on.map(str::to_owned),
    }
}

fn census_atp_info() -> DatasetInfo {
    DatasetInfo {
        id: CENSUS_ATP_ID.to_owned(),
        title: "US trade in Advanced Technology Products with the world, monthly, 1989-2024 \
                (Census Bureau)"
            .to_owned(),
        publisher: "US Census Bureau, Foreign Trade Division".to_owned(),
        citation: format!(
            "{}, row 0007 (Advanced Technology Products): 1989-01 to 2023-12 from the vintage \
             with data to 2024-06, 2024-01 to 2024-12 from a later copy with data to 2024-12. \
             Public-domain US government data.",
            country::CITATION
        ),
        source_url: Some("https://www.census.gov/foreign-trade/balance/country.xlsx".to_owned()),
        vintage: "2024-12".to_owned(),
        notes: vec![
            "Group all is the Census ATP total (the ten ATP groups), with the world only."
                .to_owned(),
            "Each month is taken from the latest vintage that has it; annual values are the sum \
             of twelve months (equal to the file's year total where the workbook gives one)."
                .to_owned(),
            "Imports are general imports (customs value), exports total exports (f.a.s. value), \
             not seasonally adjusted."
                .to_owned(),
        ],
    }
}

/// Reads every built-in dataset. `started` is the process start time
/// (RFC 3339): what a built-in vintage gives as its import time. Figures go
/// straight from the reader into the read model's index (one provenance
/// shared by the figures that have it), never all held as observations.
pub fn load(started: &str) -> Result<Builtins, BuiltinError> {
    // The latest country.xlsx: every row into census-country; its ATP
    // total before 2024 into census-atp too.
    let (name, bytes) = COUNTRY_LATEST;
    let first_2024 = Year::new(2024).map_err(|e| IngestError::file(name, e.to_string()))?;
    let mut country = DatasetBuilder::new(stored(
        atp_ingest::country_workbook_info(CENSUS_COUNTRY_ID, "", "built in"),
        Vec::new(),
        None,
        started,
    ));
    let mut atp = DatasetBuilder::new(stored(census_atp_info(), Vec::new(), None, started));
    let mut from_workbook = 0usize;
    let book = country::read_country_workbook(name, bytes, &mut |o| {
        if o.key.group == GroupId::All && o.key.period.year() < first_2024 {
            atp.push(o.clone());
            from_workbook += 1;
        }
        country.push(o);
    })?;
    let mut country_view = country.finish_describing();
    let data_to = book.last_month.to_string();
    country_view.stored.info =
        atp_ingest::country_workbook_info(CENSUS_COUNTRY_ID, &data_to, "built in");
    country_view.stored.published_on = country::published_on(book.last_month).map(str::to_owned);
    country_view.stored.quality_notes = book
        .notes
        .iter()
        .cloned()
        .chain(book.incomplete_years.iter().map(ToString::to_string))
        .collect();

    // 2024 from the later copy.
    let (csv_name, csv_bytes) = ATP_TOTAL_2024;
    let citation = format!("{}, a later copy with data to 2024-12", country::CITATION);
    let months_2024 = atp_total::parse_atp_total(csv_name, csv_bytes, &citation)?;
    let revised = revisions_note(&country_view, &months_2024);
    let from_csv = months_2024.len();
    for o in months_2024 {
        atp.push(o);
    }
    let mut atp_view = atp.finish_describing();
    atp_view.stored.quality_notes = std::iter::once(format!(
        "{} values: {from_workbook} (1989-01..2023-12) from {name}, {from_csv} (2024) from \
         {csv_name}",
        from_workbook + from_csv
    ))
    .chain(revised)
    .collect();
    atp_view.stored.published_on = atp_view
        .stored
        .last_period
        .and_then(country::published_on)
        .map(str::to_owned);

    // The brief, with what the Census ATP total says of its totals.
    let brief = atp_core::builtin::brief().map_err(Clone::clone)?;
    let mut brief_notes: Vec<String> = atp_core::quality::check(brief)
        .failures()
        .map(|c| {
            format!(
                "{}: printed {}, implied {}",
                c.description, c.printed, c.implied
            )
        })
        .collect();
    let mut builder = DatasetBuilder::new(stored(brief.info.clone(), Vec::new(), None, started));
    for o in &brief.observations {
        builder.push(o.clone());
    }
    let mut brief_view = builder.finish_describing();
    brief_notes.extend(against_census(&brief_view, &atp_view));
    brief_view.stored.quality_notes = brief_notes;

    Ok(Builtins {
        views: vec![
            Arc::new(brief_view),
            Arc::new(country_view),
            Arc::new(atp_view),
        ],
        extra_partners: book.extra_partners,
    })
}

/// How the later copy revises the months of 2024 both hold.
fn revisions_note(workbook: &DatasetView, later: &[Observation]) -> Option<String> {
    let mut both = 0;
    let mut revised = 0;
    for o in later {
        if let Some(f) = workbook.get(&o.key) {
            both += 1;
            revised += usize::from(f.value_usd != o.value_usd);
        }
    }
    (both > 0).then(|| {
        format!(
            "{both} months of 2024 are in both copies; {revised} of them revised in the later \
             one, whose figures are served"
        )
    })
}

/// What the Census ATP total says of the brief's world totals: a note for
/// each period both hold, with both figures and both citations.
fn against_census(brief: &DatasetView, census: &DatasetView) -> Vec<String> {
    let model = ReadModel::with_views(0, Vec::new(), &[], None);
    let sel = Selection {
        groups: Some(vec![GroupId::All]),
        partners: Some(vec![PartnerCode::WORLD]),
        frequency: atp_core::Frequency::Annual,
        periods: PeriodFilter::All,
    };
    let (rows, _) = atp_query::comparison::compare(
        &model,
        brief,
        census,
        &sel,
        &[Measure::Imports, Measure::Exports],
    );
    let mut notes = Vec::new();
    // The rows come in key order (measure first): each period appears once
    // per measure, not next to each other, so sort before dropping repeats.
    let mut periods: Vec<Period> = rows.iter().map(|r| r.key.period).collect();
    periods.sort_unstable();
    periods.dedup();
    for period in periods {
        let at = |m: Measure| {
            rows.iter()
                .find(|r| r.key.period == period && r.key.measure == m)
        };
        let (Some(m), Some(x)) = (at(Measure::Imports), at(Measure::Exports)) else {
            continue;
        };
        let pct = |c: &Computed<f64>| c.map_or("n/a".to_owned(), |p| format!("{p:+.1}%"));
        let balance = |a: i64, b: i64| a.checked_sub(b).map_or("n/a".to_owned(), usd);
        notes.push(format!(
            "Against the Census ATP total ({CENSUS_ATP_ID}, {}), {period}: the brief's world \
             imports {} against Census's {} ({}), exports {} against {} ({}); balance {} against \
             {}. The brief's totals cover {} ATP groups ({} missing); Census's, all ten. See \
             /v1/compare?dataset={}&against={CENSUS_ATP_ID}",
            census.stored.info.citation,
            usd(m.first.value_usd),
            usd(m.second.value_usd),
            pct(&m.difference_pct),
            usd(x.first.value_usd),
            usd(x.second.value_usd),
            pct(&x.difference_pct),
            balance(x.first.value_usd, m.first.value_usd),
            balance(x.second.value_usd, m.second.value_usd),
            brief.groups_covered.len(),
            missing_groups(brief),
            brief.id(),
        ));
    }
    notes
}

/// The ATP groups a dataset has no figures for.
fn missing_groups(ds: &DatasetView) -> String {
    let missing: Vec<&str> = atp_core::Group::ALL
        .into_iter()
        .filter(|g| !ds.groups_covered.contains(g))
        .map(|g| g.id())
        .collect();
    if missing.is_empty() {
        "none".to_owned()
    } else {
        missing.join(", ")
    }
}

/// `$762.0 billion`, `-$29.3 billion`.
fn usd(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}${:.1} billion", (v as f64).abs() / 1e9)
}

/// The process start time, RFC 3339.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_datasets_load_with_their_real_figures() {
        let b = load("2026-12-01T00:00:00Z").unwrap();
        let ids: Vec<&str> = b.views.iter().map(|v| v.id()).collect();
        assert_eq!(ids, ["kiat-2026-04", "census-country", "census-atp"]);
        let country = &b.views[1];
        assert_eq!(country.vintage(), "2024-06");
        assert_eq!(country.stored.published_on.as_deref(), Some("2024-08-06"));
        let key = |s: &str| atp_core::SeriesKey::try_from(s).unwrap();
        assert_eq!(
            country
                .get(&key("imports/all-goods/KR/2017-01"))
                .map(|f| f.value_usd),
            Some(5_953_946_323)
        );
        assert!(country.get(&key("imports/all-goods/WLD/2024-07")).is_none());
        let atp = &b.views[2];
        assert_eq!(atp.vintage(), "2024-12");
        assert_eq!(
            atp.get(&key("imports/all/WLD/2024")).map(|f| f.value_usd),
            Some(763_239_061_303)
        );
        assert_eq!(
            atp.get(&key("exports/all/WLD/2024")).map(|f| f.value_usd),
            Some(464_290_844_933)
        );
        assert_eq!(
            atp.get(&key("imports/all/WLD/2014")).map(|f| f.value_usd),
            Some(422_133_976_001)
        );
        assert_eq!(atp.periods_of(atp_core::Frequency::Monthly).len(), 36 * 12);
        // The brief's notes say how far its 2014 totals are from Census's.
        let notes = &b.views[0].stored.quality_notes;
        let against: Vec<&String> = notes.iter().filter(|n| n.contains("census-atp")).collect();
        assert_eq!(against.len(), 2, "one note a year both hold: {against:#?}");
        let y2014 = notes
            .iter()
            .find(|n| n.contains("census-atp") && n.contains(", 2014:"))
            .unwrap();
        assert!(y2014.contains("balance $29."), "{y2014}");
        assert!(y2014.contains("against -$85.7 billion"), "{y2014}");
    }
}
