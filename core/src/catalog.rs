//! Datasets as the service catalogues them: what an import hands to storage
//! ([`NewDataset`]), and what storage hands back to the read model
//! ([`StoredDataset`]). Ingestion, storage and the query layer meet here and
//! know nothing of each other.

use sha2::{Digest, Sha256};

use crate::dataset::DatasetInfo;
use crate::observation::Observation;
use crate::partner::{PartnerCode, PartnerKind};
use crate::period::Period;

/// Where a dataset's rows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// The dataset embedded in the binary.
    Builtin,
    /// A tidy CSV file.
    Csv,
    /// Census International Trade API responses.
    Census,
    /// The Census Bureau's `country.xlsx` workbook (US trade in goods by
    /// country, monthly).
    CensusCountryXlsx,
}

impl SourceFormat {
    pub const ALL: [SourceFormat; 4] = [
        SourceFormat::Builtin,
        SourceFormat::Csv,
        SourceFormat::Census,
        SourceFormat::CensusCountryXlsx,
    ];

    /// The stored and served name (`census`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Builtin => "builtin",
            SourceFormat::Csv => "csv",
            SourceFormat::Census => "census",
            SourceFormat::CensusCountryXlsx => "census-country-xlsx",
        }
    }

    /// The format with this name, if any.
    pub fn from_name(name: &str) -> Option<SourceFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// A partner a source names that the built-in partner table does not know
/// (a Census `CTY_CODE` without a mapping, a Census grouping), kept with the
/// source's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraPartner {
    pub code: PartnerCode,
    pub name_en: String,
    /// A country, or a grouping (a continent, a region, a trade agreement).
    pub kind: PartnerKind,
    pub census_code: Option<String>,
}

/// Everything an import stores, checked: the description, the
/// observations, the partners only this source knows, what the importer
/// noticed, and the checksum of the observations.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDataset {
    pub info: DatasetInfo,
    pub format: SourceFormat,
    pub observations: Vec<Observation>,
    pub extra_partners: Vec<ExtraPartner>,
    /// Notes kept with the dataset: what the import noticed without refusing
    /// the files (incomplete years, unmapped codes, ...).
    pub quality_notes: Vec<String>,
    /// [`checksum`] of the observations.
    pub checksum: String,
    /// The latest period the vintage covers (see [`last_period`]).
    pub last_period: Option<Period>,
    /// When the source published this vintage (`YYYY-MM-DD`), if known.
    pub published_on: Option<String>,
    /// Whether `info.vintage` names a release of the source (a description's
    /// vintage, a workbook's last month, a retrieval time, or one given on
    /// import), so that importing it beside the dataset's other vintages
    /// adds one; otherwise (a plain CSV file) it is only the import time.
    pub vintage_is_release: bool,
}

impl NewDataset {
    /// A dataset ready to store; the checksum is computed here.
    pub fn new(
        info: DatasetInfo,
        format: SourceFormat,
        observations: Vec<Observation>,
        extra_partners: Vec<ExtraPartner>,
        quality_notes: Vec<String>,
    ) -> NewDataset {
        let checksum = checksum(&observations);
        let last_period = last_period(&observations);
        NewDataset {
            info,
            format,
            observations,
            extra_partners,
            quality_notes,
            checksum,
            last_period,
            published_on: None,
            vintage_is_release: false,
        }
    }

    /// The same, its vintage naming a release of the source.
    pub fn as_release(mut self) -> NewDataset {
        self.vintage_is_release = true;
        self
    }

    /// The same, published on `date` (`YYYY-MM-DD`).
    pub fn published_on(mut self, date: Option<String>) -> NewDataset {
        self.published_on = date;
        self
    }
}

/// The latest period observations cover: the latest month if they hold
/// months, else the latest year.
pub fn last_period(observations: &[Observation]) -> Option<Period> {
    // Months sort after years: the maximum is a month whenever there is one.
    observations.iter().map(|o| o.key.period).max()
}

/// Checks a publication date: `YYYY-MM-DD`, a real day.
pub fn check_date(field: &'static str, value: &str) -> Result<(), crate::InvalidValue> {
    let bad = || crate::InvalidValue::with_expectation(field, value, "expected a date, YYYY-MM-DD");
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| value[r].parse::<u32>().map_err(|_| bad());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(1900..=2100).contains(&y) || d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

/// A dataset as stored, with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDataset {
    pub info: DatasetInfo,
    pub quality_notes: Vec<String>,
    pub source_format: String,
    /// When it was imported (RFC 3339, UTC).
    pub imported_at: String,
    pub row_count: i64,
    pub checksum: String,
    /// The latest period this vintage covers.
    pub last_period: Option<Period>,
    /// When the source published this vintage (`YYYY-MM-DD`), if known.
    pub published_on: Option<String>,
}

impl StoredDataset {
    /// The vintage's id (`2024-06`): the edition of its source.
    pub fn vintage(&self) -> &str {
        &self.info.vintage
    }

    /// When the vintage became known: its publication date if known, else
    /// the day it was imported (`YYYY-MM-DD`).
    pub fn known_since(&self) -> &str {
        self.published_on
            .as_deref()
            .unwrap_or_else(|| self.imported_at.get(..10).unwrap_or(&self.imported_at))
    }

    /// Orders the vintages of one dataset, oldest first: by the last period
    /// they cover, then when they became known, then by import time.
    pub fn vintage_order(&self) -> (Option<(u16, u8)>, String, String) {
        (
            self.last_period.map(Period::end_month),
            self.known_since().to_owned(),
            self.imported_at.clone(),
        )
    }
}

/// The sha256 of the observations in canonical form (sorted by key), so two
/// imports of the same figures have the same checksum, in whatever order
/// their files listed them.
pub fn checksum(observations: &[Observation]) -> String {
    let mut sorted: Vec<&Observation> = observations.iter().collect();
    sorted.sort_by_key(|o| o.key);
    let mut h = Sha256::new();
    for o in sorted {
        h.update(
            format!(
                "{}\t{}\t{}\n",
                o.key,
                o.value_usd,
                o.provenance.status.as_str()
            )
            .as_bytes(),
        );
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_ignores_order() {
        let ds = crate::builtin::brief().unwrap();
        let mut reversed = ds.observations.clone();
        reversed.reverse();
        assert_eq!(checksum(&ds.observations), checksum(&reversed));
        assert_eq!(checksum(&ds.observations).len(), 64);
        reversed[0].value_usd += 1;
        assert_ne!(checksum(&ds.observations), checksum(&reversed));
    }

    #[test]
    fn formats_round_trip_their_names() {
        for f in SourceFormat::ALL {
            assert_eq!(SourceFormat::from_name(f.as_str()), Some(f));
        }
        assert_eq!(SourceFormat::from_name("xlsx"), None);
    }

    #[test]
    fn dates_are_real_days() {
        for good in ["2024-08-06", "2024-02-29", "2000-02-29"] {
            assert!(check_date("published_on", good).is_ok(), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-1-01",
            "24-01-01",
            "2024-04-31",
            "",
        ] {
            assert_eq!(
                check_date("published_on", bad).unwrap_err().field,
                "published_on"
            );
        }
    }

    #[test]
    fn the_last_period_is_the_latest_month_if_any() {
        let ds = crate::builtin::brief().unwrap();
        assert_eq!(
            last_period(&ds.observations).map(|p| p.to_string()),
            Some("2024".to_owned())
        );
        let mut monthly = ds.observations[0].clone();
        monthly.key.period = Period::try_from("2023-05").unwrap();
        let both = vec![ds.observations[0].clone(), monthly];
        assert_eq!(
            last_period(&both).map(|p| p.to_string()),
            Some("2023-05".to_owned())
        );
    }
}
