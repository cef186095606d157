//! The built-in dataset: every figure of the KIAT Industrial Technology Policy
//! Brief 2026-04 on US ATP trade in 2014 and 2024, embedded in the binary.
//! The data files under `core/data/kiat-2026-04/` are the source of truth;
//! they are meant to be read by people.

use std::sync::OnceLock;

use crate::dataset::{Dataset, DatasetError, DatasetInfo, read_dataset};

/// The id of the built-in dataset.
pub const BRIEF_DATASET_ID: &str = "kiat-2026-04";

const OBSERVATIONS_CSV: &str = include_str!("../data/kiat-2026-04/observations.csv");
const CLAIMS_CSV: &str = include_str!("../data/kiat-2026-04/claims.csv");
/// Disagreements in the source that the data-quality report is known to find.
pub const KNOWN_DISAGREEMENTS_CSV: &str =
    include_str!("../data/kiat-2026-04/known-disagreements.csv");

fn brief_info() -> DatasetInfo {
    DatasetInfo {
        id: BRIEF_DATASET_ID.to_owned(),
        title: "US Advanced Technology Products trade by group and partner, 2014 and 2024".to_owned(),
        publisher: "Korea Institute for Advancement of Technology (KIAT)".to_owned(),
        citation: "KIAT Industrial Technology Policy Brief 2026-04, \"미국 첨단기술제품(ATP) 무역수지 분석\" \
                   (US ATP trade balance analysis), April 2026; summarising ITIF, \"Alarming Performance \
                   of US Advanced Technology Product Trade\", March 2026, from US Census Bureau ATP data."
            .to_owned(),
        source_url: Some("https://www.kiat.or.kr".to_owned()),
        vintage: "2026-04".to_owned(),
        notes: vec![
            "Totals (group `all`) cover the nine groups other than weapons, for which the brief prints no figures.".to_owned(),
            "Imports are classified by HTS codes and exports by Schedule B codes, so a balance here is not the usual \
             trade balance; the brief compares how balances moved over time."
                .to_owned(),
            "Figures are rounded as printed (Korean units: 억 = 100,000,000, 만 = 10,000); each reported figure \
             carries the place value of its last printed digit."
                .to_owned(),
            "Derived figures follow from printed ones (a 2014 level from a 2024 level and a printed growth rate; \
             rest of world as world minus the five listed partners) and name their inputs."
                .to_owned(),
        ],
    }
}

/// Parses the built-in dataset from its embedded files.
pub fn load_brief() -> Result<Dataset, DatasetError> {
    read_dataset(
        brief_info(),
        ("core/data/kiat-2026-04/observations.csv", OBSERVATIONS_CSV),
        ("core/data/kiat-2026-04/claims.csv", CLAIMS_CSV),
    )
}

/// The built-in dataset, parsed once. Its files are checked by this crate's
/// tests, so an error here means a broken build.
pub fn brief() -> Result<&'static Dataset, &'static DatasetError> {
    static BRIEF: OnceLock<Result<Dataset, DatasetError>> = OnceLock::new();
    BRIEF.get_or_init(load_brief).as_ref()
}

/// The explanations of the disagreements the data-quality report finds in
/// the source, by check id.
pub fn known_disagreements() -> Result<std::collections::HashMap<String, String>, DatasetError> {
    let mut reader = csv::Reader::from_reader(KNOWN_DISAGREEMENTS_CSV.as_bytes());
    let mut out = std::collections::HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let row = row.map_err(|e| DatasetError {
            file: "core/data/kiat-2026-04/known-disagreements.csv".to_owned(),
            line,
            problem: e.to_string(),
        })?;
        out.insert(
            row.get(0).unwrap_or_default().to_owned(),
            row.get(1).unwrap_or_default().to_owned(),
        );
    }
    Ok(out)
}
