//! The in-memory read model: every committed dataset, indexed for the queries
//! of the API. It is built from what the store hands over (datasets and their
//! observations) in one go and swapped atomically after an import, so a
//! request does no SQL.

use std::collections::HashMap;
use std::ops::Range;

use atp_core::{
    Citation, Derivation, ExtraPartner, Flow, Group, GroupId, Measure, Observation, Partner,
    PartnerCode, PartnerKind, Provenance, SeriesKey, Status, StoredDataset, Year,
};

/// A partner as the API describes it: from the built-in table or, for a code
/// only a source knows, from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerEntry {
    pub code: PartnerCode,
    pub name_en: String,
    pub name_ko: Option<String>,
    pub kind: PartnerKind,
    pub census_code: Option<String>,
}

impl From<&Partner> for PartnerEntry {
    fn from(p: &Partner) -> Self {
        PartnerEntry {
            code: p.code,
            name_en: p.name_en.to_owned(),
            name_ko: Some(p.name_ko.to_owned()),
            kind: p.kind,
            census_code: p.census_code.map(str::to_owned),
        }
    }
}

impl From<&ExtraPartner> for PartnerEntry {
    fn from(p: &ExtraPartner) -> Self {
        PartnerEntry {
            code: p.code,
            name_en: p.name_en.clone(),
            name_ko: None,
            kind: PartnerKind::Country,
            census_code: p.census_code.clone(),
        }
    }
}

/// One dataset, indexed.
#[derive(Debug)]
pub struct DatasetView {
    pub stored: StoredDataset,
    /// Every observation, sorted by key (measure, group, partner, year),
    /// including the computed `all` aggregate where the source has none.
    pub observations: Vec<Observation>,
    index: HashMap<SeriesKey, u32>,
    /// The contiguous run of observations of each (measure, group).
    runs: HashMap<(Measure, GroupId), Range<usize>>,
    /// The ATP groups with figures: what `all` covers.
    pub groups_covered: Vec<Group>,
    pub years: Vec<Year>,
    pub partners: Vec<PartnerCode>,
    /// Whether `all` was computed here (true) or printed by the source.
    pub all_is_computed: bool,
}

impl DatasetView {
    pub fn new(stored: StoredDataset, mut observations: Vec<Observation>) -> DatasetView {
        let groups_covered = atp_core::dataset::groups_covered(&observations);
        let has_all = observations.iter().any(|o| o.key.group == GroupId::All);
        if !has_all && !groups_covered.is_empty() {
            let extra = aggregate_all(&observations, &groups_covered);
            observations.extend(extra);
        }
        observations.sort_by_key(|o| o.key);
        observations.shrink_to_fit();
        let mut index = HashMap::with_capacity(observations.len());
        let mut runs: HashMap<(Measure, GroupId), Range<usize>> = HashMap::new();
        for (i, o) in observations.iter().enumerate() {
            index.insert(o.key, i as u32);
            runs.entry((o.key.measure, o.key.group))
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        let mut years: Vec<Year> = observations.iter().map(|o| o.key.year).collect();
        years.sort_unstable();
        years.dedup();
        let mut partners: Vec<PartnerCode> = observations.iter().map(|o| o.key.partner).collect();
        partners.sort_unstable();
        partners.dedup();
        DatasetView {
            stored,
            observations,
            index,
            runs,
            groups_covered,
            years,
            partners,
            all_is_computed: !has_all,
        }
    }

    pub fn id(&self) -> &str {
        &self.stored.info.id
    }

    pub fn get(&self, key: &SeriesKey) -> Option<&Observation> {
        self.index.get(key).map(|&i| &self.observations[i as usize])
    }

    /// The observations of one measure and group, ordered by partner and year.
    pub fn run(&self, measure: Measure, group: GroupId) -> &[Observation] {
        self.runs
            .get(&(measure, group))
            .map_or(&[], |r| &self.observations[r.clone()])
    }

    pub fn row_count(&self) -> usize {
        self.observations.len()
    }
}

/// The `all` aggregate of each flow, partner and year: the sum of the groups
/// present (a missing group means no trade reported for it).
fn aggregate_all(obs: &[Observation], groups: &[Group]) -> Vec<Observation> {
    // `None` once a sum would overflow: such an aggregate is not served.
    let mut sums: HashMap<(Measure, PartnerCode, Year), (Option<i64>, u32)> = HashMap::new();
    for o in obs {
        if matches!(o.key.group, GroupId::Group(_)) && o.key.measure != Measure::Balance {
            let e = sums
                .entry((o.key.measure, o.key.partner, o.key.year))
                .or_insert((Some(0), 0));
            e.0 = e.0.and_then(|s| s.checked_add(o.value_usd));
            e.1 += 1;
        }
    }
    let names: Vec<&str> = groups.iter().map(|g| g.id()).collect();
    let section = format!(
        "computed by the service: the sum of the ATP groups ({})",
        names.join(", ")
    );
    sums.into_iter()
        .filter_map(|(k, (value, n))| value.map(|v| (k, (v, n))))
        .map(|((measure, partner, year), (value, n))| Observation {
            key: SeriesKey {
                measure,
                group: GroupId::All,
                partner,
                year,
            },
            value_usd: value,
            provenance: Provenance {
                status: Status::Derived,
                rounding_usd: None,
                derivation: Some(Derivation {
                    formula: format!(
                        "sum of the {n} ATP groups with figures for {measure}, {partner}, {year}"
                    ),
                    inputs: Vec::new(),
                }),
                citation: Citation {
                    section: section.clone(),
                    quote: String::new(),
                },
            },
        })
        .collect()
}

/// Every dataset, as of one data version.
#[derive(Debug)]
pub struct ReadModel {
    /// The store's data version this model was built from.
    pub version: i64,
    datasets: Vec<DatasetView>,
    partners: Vec<PartnerEntry>,
    default_dataset: Option<String>,
}

impl ReadModel {
    /// The model of these datasets (each with its observations) and the
    /// partners only a source knows, as of one data version.
    pub fn build(
        version: i64,
        datasets: Vec<(StoredDataset, Vec<Observation>)>,
        extra_partners: &[ExtraPartner],
        default_dataset: Option<&str>,
    ) -> ReadModel {
        let datasets = datasets
            .into_iter()
            .map(|(stored, observations)| DatasetView::new(stored, observations))
            .collect();
        let mut partners: Vec<PartnerEntry> =
            Partner::all().iter().map(PartnerEntry::from).collect();
        for extra in extra_partners {
            if !partners.iter().any(|p| p.code == extra.code) {
                partners.push(PartnerEntry::from(extra));
            }
        }
        ReadModel::from_parts(version, datasets, partners, default_dataset)
    }

    pub fn from_parts(
        version: i64,
        mut datasets: Vec<DatasetView>,
        partners: Vec<PartnerEntry>,
        default_dataset: Option<&str>,
    ) -> ReadModel {
        datasets.sort_by(|a, b| a.id().cmp(b.id()));
        let default_dataset = default_dataset
            .filter(|d| datasets.iter().any(|x| x.id() == *d))
            .map(str::to_owned)
            .or_else(|| {
                datasets
                    .iter()
                    .find(|d| d.id() == atp_core::builtin::BRIEF_DATASET_ID)
                    .or_else(|| datasets.first())
                    .map(|d| d.id().to_owned())
            });
        ReadModel {
            version,
            datasets,
            partners,
            default_dataset,
        }
    }

    pub fn datasets(&self) -> &[DatasetView] {
        &self.datasets
    }

    pub fn dataset(&self, id: &str) -> Option<&DatasetView> {
        self.datasets.iter().find(|d| d.id() == id)
    }

    /// The dataset a query gets when it names none.
    pub fn default_dataset(&self) -> Option<&DatasetView> {
        self.default_dataset
            .as_deref()
            .and_then(|id| self.dataset(id))
    }

    pub fn default_dataset_id(&self) -> Option<&str> {
        self.default_dataset.as_deref()
    }

    pub fn partners(&self) -> &[PartnerEntry] {
        &self.partners
    }

    pub fn partner(&self, code: PartnerCode) -> Option<&PartnerEntry> {
        self.partners.iter().find(|p| p.code == code)
    }

    /// The kind of a partner code (a code no table knows counts as a country).
    pub fn partner_kind(&self, code: PartnerCode) -> PartnerKind {
        self.partner(code).map_or(PartnerKind::Country, |p| p.kind)
    }

    /// Parses a partner code or alias against the known partners, including
    /// those only a source named.
    pub fn parse_partner(&self, value: &str) -> Result<PartnerCode, atp_core::InvalidValue> {
        PartnerCode::try_from(value).or_else(|e| {
            PartnerCode::parse_shape(value)
                .filter(|c| self.partner(*c).is_some())
                .ok_or(e)
        })
    }

    pub fn total_rows(&self) -> usize {
        self.datasets.iter().map(DatasetView::row_count).sum()
    }
}

/// Flows as measures, for iterating.
pub const FLOW_MEASURES: [(Flow, Measure); 2] = [
    (Flow::Imports, Measure::Imports),
    (Flow::Exports, Measure::Exports),
];
