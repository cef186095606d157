//! Datasets as the service catalogues them: what an import hands to storage
//! ([`NewDataset`]), and what storage hands back to the read model
//! ([`StoredDataset`]). Ingestion, storage and the query layer meet here and
//! know nothing of each other.

use sha2::{Digest, Sha256};

use crate::dataset::DatasetInfo;
use crate::observation::Observation;
use crate::partner::PartnerCode;

/// Where a dataset's rows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// The dataset embedded in the binary.
    Builtin,
    /// A tidy CSV file.
    Csv,
    /// Census International Trade API responses.
    Census,
}

impl SourceFormat {
    pub const ALL: [SourceFormat; 3] = [
        SourceFormat::Builtin,
        SourceFormat::Csv,
        SourceFormat::Census,
    ];

    /// The stored and served name (`census`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Builtin => "builtin",
            SourceFormat::Csv => "csv",
            SourceFormat::Census => "census",
        }
    }

    /// The format with this name, if any.
    pub fn from_name(name: &str) -> Option<SourceFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// A partner a source names that the built-in partner table does not know
/// (a Census `CTY_CODE` without a mapping), kept with the source's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraPartner {
    pub code: PartnerCode,
    pub name_en: String,
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
        NewDataset {
            info,
            format,
            observations,
            extra_partners,
            quality_notes,
            checksum,
        }
    }
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
}
