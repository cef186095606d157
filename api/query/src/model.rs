//! The in-memory read model: every committed dataset, indexed for the queries
//! of the API. It is built from what the store hands over (datasets and their
//! observations) in one go and swapped atomically after an import, so a
//! request does no SQL.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use atp_core::quality::{self, Agreement};
use atp_core::{
    Citation, Claim, ClaimKind, Dataset, Derivation, ExtraPartner, Flow, Frequency, Group, GroupId,
    Measure, Observation, Partner, PartnerCode, PartnerKind, Period, Provenance, SeriesKey,
    SourceFormat, Status, StoredDataset, Year,
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
            kind: p.kind,
            census_code: p.census_code.clone(),
        }
    }
}

/// One figure as the read model holds it: its coordinates, its value, and
/// its provenance, shared with every figure that has the same (a dataset's
/// figures mostly share a handful: 32 bytes a figure instead of about 400).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub key: SeriesKey,
    pub value_usd: i64,
    pub provenance: Arc<Provenance>,
}

impl Fact {
    /// The observation it stands for.
    pub fn to_observation(&self) -> Observation {
        Observation {
            key: self.key,
            value_usd: self.value_usd,
            provenance: (*self.provenance).clone(),
        }
    }
}

/// Builds a [`DatasetView`] from observations given one at a time (as the
/// store reads them), sharing equal provenances as they come, so a dataset
/// is never held twice.
#[derive(Debug)]
pub struct DatasetBuilder {
    stored: StoredDataset,
    facts: Vec<Fact>,
    provenances: HashSet<Arc<Provenance>>,
}

impl DatasetBuilder {
    pub fn new(stored: StoredDataset) -> DatasetBuilder {
        let rows = usize::try_from(stored.row_count).unwrap_or(0);
        DatasetBuilder {
            stored,
            facts: Vec::with_capacity(rows),
            provenances: HashSet::new(),
        }
    }

    pub fn push(&mut self, o: Observation) {
        let provenance = match self.provenances.get(&o.provenance) {
            Some(shared) => shared.clone(),
            None => {
                let shared = Arc::new(o.provenance);
                self.provenances.insert(shared.clone());
                shared
            }
        };
        self.facts.push(Fact {
            key: o.key,
            value_usd: o.value_usd,
            provenance,
        });
    }

    pub fn finish(self) -> DatasetView {
        DatasetView::from_facts(self.stored, self.facts)
    }

    /// [`DatasetBuilder::finish`], first filling in what the description
    /// says of the figures (their count, checksum and last period) from the
    /// figures themselves: for data that is read (built in), not stored.
    pub fn finish_describing(mut self) -> DatasetView {
        self.facts.sort_unstable_by_key(|f| f.key);
        self.stored.row_count = i64::try_from(self.facts.len()).unwrap_or(i64::MAX);
        self.stored.checksum = atp_core::catalog::checksum_sorted(
            self.facts
                .iter()
                .map(|f| (f.key, f.value_usd, f.provenance.status)),
        );
        self.stored.last_period = self.facts.iter().map(|f| f.key.period).max();
        self.finish()
    }
}

/// What a source printed besides its levels: its ratios (growth rates,
/// multiples, shares, changes) with their agreement with the levels, and
/// how precise each of its levels is. The built-in dataset has them.
#[derive(Debug, Default)]
pub struct Printed {
    pub claims: Vec<Claim>,
    index: HashMap<ClaimKey, usize>,
    agreements: HashMap<String, Agreement>,
    /// The width of each figure's interval (rounding, or what derived
    /// figures inherit from their inputs).
    widths: HashMap<SeriesKey, f64>,
}

/// What a printed ratio is about: kind, measure, group, one partner, year,
/// base year.
type ClaimKey = (ClaimKind, Measure, GroupId, PartnerCode, Year, Option<Year>);

impl Printed {
    /// The built-in dataset's printed ratios, checked against its levels.
    pub fn of_builtin() -> Option<Printed> {
        let ds = atp_core::builtin::brief().ok()?;
        Some(Printed::of(ds))
    }

    /// A dataset's printed ratios, checked against its levels.
    pub fn of(ds: &Dataset) -> Printed {
        let index = ds
            .claims
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.partners.as_slice() {
                [p] => Some(((c.kind, c.measure, c.group, *p, c.year, c.base_year), i)),
                _ => None,
            })
            .collect();
        Printed {
            claims: ds.claims.clone(),
            index,
            agreements: quality::claim_agreements(ds),
            widths: quality::widths(ds),
        }
    }

    /// The ratio of this kind printed for one partner's series, with its
    /// agreement with the levels.
    /// The source prints annual ratios only: a monthly period has none.
    pub fn find(
        &self,
        kind: ClaimKind,
        measure: Measure,
        group: GroupId,
        partner: PartnerCode,
        period: Period,
        base: Option<Period>,
    ) -> Option<(&Claim, Agreement)> {
        let year_of = |p: Period| p.is_annual().then(|| p.year());
        let year = year_of(period)?;
        let base_year = match base {
            Some(b) => Some(year_of(b)?),
            None => None,
        };
        let i = *self
            .index
            .get(&(kind, measure, group, partner, year, base_year))?;
        let claim = &self.claims[i];
        let agreement = self
            .agreements
            .get(&claim.id)
            .copied()
            .unwrap_or(Agreement::NotChecked);
        Some((claim, agreement))
    }
}

/// One dataset, indexed: its facts sorted by key, found by binary search.
#[derive(Debug)]
pub struct DatasetView {
    pub stored: StoredDataset,
    /// What the source printed besides its levels (the built-in dataset).
    pub printed: Option<Printed>,
    /// Every figure, sorted by key (measure, group, partner, period: the
    /// years of a series before its months), including the computed `all`
    /// aggregate where the source has none.
    pub facts: Vec<Fact>,
    /// The ATP groups with figures: what `all` covers.
    pub groups_covered: Vec<Group>,
    /// The values of the group dimension with figures (`all`, groups,
    /// `non-atp`, `all-goods`), in order.
    pub group_ids: Arc<[GroupId]>,
    /// Every period with a figure, years first, each ascending.
    pub periods: Vec<Period>,
    pub partners: Vec<PartnerCode>,
    /// Whether `all` was computed here (true) or printed by the source.
    pub all_is_computed: bool,
    /// The periods as runs (`2014, 2024`, `1989-01..2024-06`), computed
    /// once: every answer's coverage says them (shared with it, not
    /// copied).
    pub period_ranges: Arc<[String]>,
    /// The first and last period in time (a year counts from its January
    /// and to its December; a month before the year it ends), computed once.
    pub first_period: Option<Period>,
    pub last_period: Option<Period>,
    /// The frequencies with figures (annual first), computed once.
    frequencies: Arc<[Frequency]>,
    /// Where each series (measure, group, partner) starts in `facts` and
    /// how long it is: a lookup hashes to its series and searches its few
    /// hundred periods, instead of searching millions of facts.
    series: SeriesIndex,
}

/// The series index, hashed with foldhash (a lookup hashes a key of a few
/// bytes: SipHash, the standard default, was a tenth of a random growth
/// query's time).
type SeriesIndex = HashMap<(Measure, GroupId, PartnerCode), (u32, u32), foldhash::fast::FixedState>;

impl DatasetView {
    pub fn new(stored: StoredDataset, observations: Vec<Observation>) -> DatasetView {
        let mut b = DatasetBuilder::new(stored);
        for o in observations {
            b.push(o);
        }
        b.finish()
    }

    fn from_facts(stored: StoredDataset, mut facts: Vec<Fact>) -> DatasetView {
        let mut present = [false; Group::ALL.len()];
        for f in &facts {
            if let GroupId::Group(g) = f.key.group {
                present[g as usize] = true;
            }
        }
        let groups_covered: Vec<Group> = Group::ALL
            .into_iter()
            .filter(|g| present[*g as usize])
            .collect();
        let has_all = facts.iter().any(|f| f.key.group == GroupId::All);
        if !has_all && !groups_covered.is_empty() {
            let extra = aggregate_all(&facts, &groups_covered);
            facts.extend(extra);
        }
        facts.sort_unstable_by_key(|f| f.key);
        facts.shrink_to_fit();
        let mut periods: Vec<Period> = facts.iter().map(|f| f.key.period).collect();
        periods.sort_unstable();
        periods.dedup();
        let mut partners: Vec<PartnerCode> = facts.iter().map(|f| f.key.partner).collect();
        partners.sort_unstable();
        partners.dedup();
        let mut group_ids: Vec<GroupId> = facts.iter().map(|f| f.key.group).collect();
        group_ids.sort_unstable();
        group_ids.dedup();
        let printed = (stored.source_format == SourceFormat::Builtin.as_str()
            && stored.info.id == atp_core::builtin::BRIEF_DATASET_ID)
            .then(Printed::of_builtin)
            .flatten();
        let all_is_computed = !has_all && !groups_covered.is_empty();
        let period_ranges = crate::period_ranges(&periods).into();
        let series = series_index(&facts);
        let in_time = |p: &&Period| {
            let (y, m) = p.end_month();
            (y, if p.is_annual() { 0 } else { m })
        };
        let first_period = periods.iter().min_by_key(in_time).copied();
        let last_period = periods.iter().max_by_key(|p| p.end_month()).copied();
        let frequencies: Arc<[Frequency]> = Frequency::ALL
            .into_iter()
            .filter(|f| periods.iter().any(|p| p.frequency() == *f))
            .collect();
        DatasetView {
            period_ranges,
            first_period,
            last_period,
            frequencies,
            series,
            stored,
            printed,
            facts,
            groups_covered,
            group_ids: group_ids.into(),
            periods,
            partners,
            all_is_computed,
        }
    }

    /// The periods of one frequency, ascending.
    pub fn periods_of(&self, frequency: Frequency) -> &[Period] {
        let start = self.periods.partition_point(|p| p.frequency() < frequency);
        let len = self.periods[start..].partition_point(|p| p.frequency() == frequency);
        &self.periods[start..start + len]
    }

    /// The frequencies with figures (annual first).
    pub fn frequencies(&self) -> &Arc<[Frequency]> {
        &self.frequencies
    }

    /// The vintage's id.
    pub fn vintage(&self) -> &str {
        self.stored.vintage()
    }

    /// How far a figure may be from the true value (the width of its
    /// interval): its printed rounding, or for a derived figure what its
    /// inputs allow; an exact figure (a rounding of one dollar) has 1.
    pub fn width(&self, fact: &Fact) -> f64 {
        if let Some(w) = self.printed.as_ref().and_then(|p| p.widths.get(&fact.key)) {
            return *w;
        }
        match (fact.provenance.status, fact.provenance.rounding_usd) {
            (_, Some(r)) => r as f64,
            (Status::Reported, None) => 1.0,
            // A derived figure of unknown precision: never preferred.
            (Status::Derived, None) => f64::INFINITY,
        }
    }

    pub fn id(&self) -> &str {
        &self.stored.info.id
    }

    pub fn get(&self, key: &SeriesKey) -> Option<&Fact> {
        let series = self.series(key.measure, key.group, key.partner);
        series
            .binary_search_by(|f| f.key.period.cmp(&key.period))
            .ok()
            .map(|i| &series[i])
    }

    /// The facts of one series (measure, group and partner), ordered by
    /// period; empty when the dataset has none.
    pub fn series(&self, measure: Measure, group: GroupId, partner: PartnerCode) -> &[Fact] {
        self.series
            .get(&(measure, group, partner))
            .and_then(|&(start, len)| {
                self.facts
                    .get(start as usize..start as usize + len as usize)
            })
            .unwrap_or(&[])
    }

    /// The facts of one measure and group, ordered by partner and period.
    pub fn run(&self, measure: Measure, group: GroupId) -> &[Fact] {
        let start = self
            .facts
            .partition_point(|f| (f.key.measure, f.key.group) < (measure, group));
        let len = self.facts[start..]
            .partition_point(|f| (f.key.measure, f.key.group) == (measure, group));
        &self.facts[start..start + len]
    }

    pub fn row_count(&self) -> usize {
        self.facts.len()
    }
}

/// Where each series starts in facts sorted by key, and its length.
fn series_index(facts: &[Fact]) -> SeriesIndex {
    let mut index = SeriesIndex::default();
    let mut start = 0;
    for (i, f) in facts.iter().enumerate() {
        let at = |k: &SeriesKey| (k.measure, k.group, k.partner);
        if i + 1 == facts.len() || at(&facts[i + 1].key) != at(&f.key) {
            // A dataset of more than 4 billion facts is not loaded.
            let (s, l) = (
                u32::try_from(start).unwrap_or(u32::MAX),
                u32::try_from(i + 1 - start).unwrap_or(0),
            );
            index.insert(at(&f.key), (s, l));
            start = i + 1;
        }
    }
    index
}

/// The `all` aggregate of each flow, partner and period: the sum of the
/// groups present (a missing group means no trade reported for it).
fn aggregate_all(facts: &[Fact], groups: &[Group]) -> Vec<Fact> {
    // `None` once a sum would overflow: such an aggregate is not served.
    let mut sums: HashMap<(Measure, PartnerCode, Period), (Option<i64>, u32)> = HashMap::new();
    for f in facts {
        if matches!(f.key.group, GroupId::Group(_)) && f.key.measure != Measure::Balance {
            let e = sums
                .entry((f.key.measure, f.key.partner, f.key.period))
                .or_insert((Some(0), 0));
            e.0 = e.0.and_then(|s| s.checked_add(f.value_usd));
            e.1 += 1;
        }
    }
    let names: Vec<&str> = groups.iter().map(|g| g.id()).collect();
    let section = format!(
        "computed by the service: the sum of the ATP groups ({})",
        names.join(", ")
    );
    // One provenance for each number of groups summed, shared.
    let mut provenances: HashMap<u32, Arc<Provenance>> = HashMap::new();
    sums.into_iter()
        .filter_map(|(k, (value, n))| value.map(|v| (k, (v, n))))
        .map(|((measure, partner, period), (value, n))| {
            let provenance = provenances
                .entry(n)
                .or_insert_with(|| {
                    Arc::new(Provenance {
                        status: Status::Derived,
                        rounding_usd: None,
                        derivation: Some(Derivation {
                            formula: format!("sum of the {n} ATP groups with figures"),
                            inputs: Vec::new(),
                        }),
                        citation: Citation {
                            section: section.clone(),
                            quote: String::new(),
                        },
                    })
                })
                .clone();
            Fact {
                key: SeriesKey {
                    measure,
                    group: GroupId::All,
                    partner,
                    period,
                },
                value_usd: value,
                provenance,
            }
        })
        .collect()
}

/// One dataset: its vintages, oldest first (see
/// [`StoredDataset::vintage_order`]); the last is the latest.
#[derive(Debug)]
pub struct DatasetVintages {
    vintages: Vec<Arc<DatasetView>>,
}

impl DatasetVintages {
    pub fn id(&self) -> &str {
        self.latest().id()
    }

    /// The latest vintage: what a query gets when it names none.
    pub fn latest(&self) -> &DatasetView {
        // Never empty: built from at least one view.
        &self.vintages[self.vintages.len() - 1]
    }

    /// Every vintage, oldest first.
    pub fn all(&self) -> impl ExactSizeIterator<Item = &DatasetView> {
        self.vintages.iter().map(|v| &**v)
    }

    /// The vintage with this id.
    pub fn vintage(&self, vintage: &str) -> Option<&DatasetView> {
        self.all().find(|v| v.vintage() == vintage)
    }

    /// The latest vintage known on `date` (`YYYY-MM-DD`): published (or,
    /// when its publication date is unknown, imported) on or before it.
    pub fn as_of(&self, date: &str) -> Option<&DatasetView> {
        self.all()
            .filter(|v| v.stored.known_since() <= date)
            .max_by(|a, b| a.stored.vintage_order().cmp(&b.stored.vintage_order()))
    }

    /// The vintage just before `view`, if any.
    pub fn previous(&self, view: &DatasetView) -> Option<&DatasetView> {
        let i = self
            .vintages
            .iter()
            .position(|v| v.vintage() == view.vintage())?;
        i.checked_sub(1).map(|j| &*self.vintages[j])
    }
}

/// Every dataset, as of one data version.
#[derive(Debug)]
pub struct ReadModel {
    /// The store's data version this model was built from.
    pub version: i64,
    datasets: Vec<DatasetVintages>,
    partners: Vec<PartnerEntry>,
    /// Each partner's place in `partners`: a partner's kind or name is
    /// asked for each record of a listing (a scan of the list was a fifth
    /// of a 240-partner growth's work, a binary search 4% of a series').
    partner_index: HashMap<PartnerCode, usize, foldhash::fast::FixedState>,
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
        let views = datasets
            .into_iter()
            .map(|(stored, observations)| Arc::new(DatasetView::new(stored, observations)))
            .collect();
        ReadModel::with_views(version, views, extra_partners, default_dataset)
    }

    /// The model of these dataset views (vintages, in any order) and the
    /// partners only a source knows, as of one data version.
    pub fn with_views(
        version: i64,
        datasets: Vec<Arc<DatasetView>>,
        extra_partners: &[ExtraPartner],
        default_dataset: Option<&str>,
    ) -> ReadModel {
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
        mut views: Vec<Arc<DatasetView>>,
        partners: Vec<PartnerEntry>,
        default_dataset: Option<&str>,
    ) -> ReadModel {
        views.sort_by(|a, b| {
            a.id()
                .cmp(b.id())
                .then_with(|| a.stored.vintage_order().cmp(&b.stored.vintage_order()))
        });
        let mut datasets: Vec<DatasetVintages> = Vec::new();
        for view in views {
            match datasets.last_mut() {
                Some(d) if d.id() == view.id() => d.vintages.push(view),
                _ => datasets.push(DatasetVintages {
                    vintages: vec![view],
                }),
            }
        }
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
        let mut partner_index = HashMap::with_capacity_and_hasher(
            partners.len(),
            foldhash::fast::FixedState::default(),
        );
        for (i, p) in partners.iter().enumerate() {
            // The first entry of a code wins, as a scan of the list finds.
            partner_index.entry(p.code).or_insert(i);
        }
        ReadModel {
            version,
            datasets,
            partners,
            partner_index,
            default_dataset,
        }
    }

    /// Every dataset with its vintages, by id.
    pub fn datasets(&self) -> &[DatasetVintages] {
        &self.datasets
    }

    /// A dataset's vintages.
    pub fn vintages(&self, id: &str) -> Option<&DatasetVintages> {
        self.datasets.iter().find(|d| d.id() == id)
    }

    /// A dataset's latest vintage.
    pub fn dataset(&self, id: &str) -> Option<&DatasetView> {
        self.vintages(id).map(DatasetVintages::latest)
    }

    /// The dataset a query gets when it names none (its latest vintage).
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
        self.partners.get(*self.partner_index.get(&code)?)
    }

    /// The kind of a partner code (a code no table knows counts as a country).
    pub fn partner_kind(&self, code: PartnerCode) -> PartnerKind {
        self.partner(code).map_or(PartnerKind::Country, |p| p.kind)
    }

    /// Parses a partner code or alias against the known partners, including
    /// those only a source named.
    pub fn parse_partner(&self, value: &str) -> Result<PartnerCode, atp_core::InvalidValue> {
        PartnerCode::try_from(value).or_else(|_| {
            PartnerCode::parse_shape(value)
                .filter(|c| self.partner(*c).is_some())
                .ok_or_else(|| self.no_partner(value))
        })
    }

    /// The error for an unknown partner: the closest codes and names (at
    /// most five) and where the list is, rather than all 240 codes.
    pub fn no_partner(&self, value: &str) -> atp_core::InvalidValue {
        let close = self.closest_partners(value, 5);
        let mut e = atp_core::InvalidValue::with_expectation(
            "partner",
            value,
            if close.is_empty() {
                "expected a partner code: an ISO alpha-2 code, a Census CTY_CODE, EU, ROW or \
                 WLD (every one at /v1/partners)"
                    .to_owned()
            } else {
                format!(
                    "expected a partner code (every one at /v1/partners); did you mean {}?",
                    close
                        .iter()
                        .map(|p| format!("{} ({})", p.code, p.name_en))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        );
        e.allowed = close.iter().map(|p| p.code.to_string()).collect();
        e
    }

    /// The partners whose code or name is closest to `value`: codes within
    /// two edits, names that contain it or start alike, best first.
    pub fn closest_partners(&self, value: &str, at_most: usize) -> Vec<&PartnerEntry> {
        let v = value.trim().to_lowercase();
        if v.is_empty() || v.chars().count() > 64 {
            return Vec::new();
        }
        let mut scored: Vec<(usize, &PartnerEntry)> = self
            .partners
            .iter()
            .filter_map(|p| {
                let code = p.code.as_str().to_lowercase();
                let name = p.name_en.to_lowercase();
                let by_code = edits(&v, &code);
                let by_name = if name == v {
                    0
                } else if name.starts_with(&v) || (v.len() >= 3 && name.contains(&v)) {
                    1
                } else {
                    edits(&v, &name).clamp(2, 9)
                };
                let by_census = p.census_code.as_deref().map_or(9, |c| edits(&v, c));
                let score = by_code.min(by_name).min(by_census);
                (score <= 2).then_some((score, p))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
        scored.into_iter().take(at_most).map(|(_, p)| p).collect()
    }

    /// Figures held, in every vintage of every dataset.
    pub fn total_rows(&self) -> usize {
        self.datasets
            .iter()
            .flat_map(DatasetVintages::all)
            .map(DatasetView::row_count)
            .sum()
    }
}

/// The Levenshtein distance between two short strings (counted in
/// characters; longer strings are far by definition: more than 64).
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// Flows as measures, for iterating.
pub const FLOW_MEASURES: [(Flow, Measure); 2] = [
    (Flow::Imports, Measure::Imports),
    (Flow::Exports, Measure::Exports),
];
