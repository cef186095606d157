//! Two sets of figures side by side: the revisions between two vintages of
//! one dataset, and the comparison of two datasets over the values both
//! hold (same measure, group, partner and period).

use atp_core::analytics::{self, Computed};
use atp_core::{Measure, PartnerKind, SeriesKey};

use crate::Selection;
use crate::model::{DatasetView, Fact, ReadModel};

/// One value in both sets.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow<'m> {
    pub key: SeriesKey,
    pub partner_kind: PartnerKind,
    /// The figure of the first set (the older vintage; the dataset compared).
    pub first: &'m Fact,
    /// The figure of the second set (the newer vintage; the dataset compared
    /// against).
    pub second: &'m Fact,
    /// second - first for a revision; first - second for a comparison.
    pub difference_usd: Computed<i64>,
    /// The difference as a percent of the base (the older value; the value
    /// compared against).
    pub difference_pct: Computed<f64>,
}

/// How many values the two sets have, paired or not, within the selection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Values in both sets.
    pub in_both: usize,
    /// Of those, values that differ.
    pub different: usize,
    /// Values only in the first set.
    pub only_first: usize,
    /// Values only in the second set.
    pub only_second: usize,
}

/// Walks the facts both views hold within the selection, in key order
/// (measure, group, partner, period): a merge of two sorted lists, linear
/// in their length.
fn pairs<'m>(
    model: &ReadModel,
    first: &'m DatasetView,
    second: &'m DatasetView,
    sel: &Selection,
    measures: &[Measure],
    mut each: impl FnMut(&'m Fact, &'m Fact, PartnerKind),
) -> PairCounts {
    let mut counts = PairCounts::default();
    let wanted = |f: &Fact| {
        measures.contains(&f.key.measure)
            && sel.groups.as_ref().is_none_or(|g| g.contains(&f.key.group))
            && sel
                .partners
                .as_ref()
                .is_none_or(|p| p.contains(&f.key.partner))
            && sel.period(f.key.period)
    };
    let (a, b) = (&first.facts, &second.facts);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.key == y.key => {
                if wanted(x) {
                    counts.in_both += 1;
                    if x.value_usd != y.value_usd {
                        counts.different += 1;
                    }
                    each(x, y, model.partner_kind(x.key.partner));
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.key < y.key => {
                counts.only_first += usize::from(wanted(x));
                i += 1;
            }
            (Some(_), Some(y)) => {
                counts.only_second += usize::from(wanted(y));
                j += 1;
            }
            (Some(x), None) => {
                counts.only_first += usize::from(wanted(x));
                i += 1;
            }
            (None, Some(y)) => {
                counts.only_second += usize::from(wanted(y));
                j += 1;
            }
            (None, None) => break,
        }
    }
    counts
}

/// Every value two vintages of a dataset both hold whose figure changed,
/// old then new, with the change; and the counts (values added by the newer
/// vintage are `only_second`, values it dropped `only_first`).
pub fn revisions<'m>(
    model: &ReadModel,
    older: &'m DatasetView,
    newer: &'m DatasetView,
    sel: &Selection,
    measures: &[Measure],
) -> (Vec<PairRow<'m>>, PairCounts) {
    let mut rows = Vec::new();
    let counts = pairs(model, older, newer, sel, measures, |old, new, kind| {
        if old.value_usd != new.value_usd {
            rows.push(PairRow {
                key: old.key,
                partner_kind: kind,
                first: old,
                second: new,
                difference_usd: analytics::difference(new.value_usd, old.value_usd),
                difference_pct: analytics::percent_change(old.value_usd, new.value_usd),
            });
        }
    });
    (rows, counts)
}

/// Every value two datasets both hold, with `dataset - against` and that
/// difference as a percent of `against`.
pub fn compare<'m>(
    model: &ReadModel,
    dataset: &'m DatasetView,
    against: &'m DatasetView,
    sel: &Selection,
    measures: &[Measure],
) -> (Vec<PairRow<'m>>, PairCounts) {
    let mut rows = Vec::new();
    let counts = pairs(model, dataset, against, sel, measures, |a, b, kind| {
        let difference_usd = analytics::difference(a.value_usd, b.value_usd);
        let difference_pct = match b.value_usd {
            base if base > 0 => difference_usd.map(|d| d as f64 / base as f64 * 100.0),
            base => analytics::percent_change(base, a.value_usd),
        };
        rows.push(PairRow {
            key: a.key,
            partner_kind: kind,
            first: a,
            second: b,
            difference_usd,
            difference_pct,
        });
    });
    (rows, counts)
}

/// What each side's `all` covers, when a comparison pairs totals that may
/// not be defined alike (the brief's nine groups against the Census ATP
/// total of ten).
pub fn coverage_notes(first: &DatasetView, second: &DatasetView) -> Vec<String> {
    let describe = |ds: &DatasetView| {
        if !ds.group_ids.contains(&atp_core::GroupId::All) {
            return None;
        }
        Some(if ds.groups_covered.is_empty() {
            format!(
                "in {}, group all is the source's own Advanced Technology Products total",
                ds.id()
            )
        } else {
            let names: Vec<&str> = ds.groups_covered.iter().map(|g| g.id()).collect();
            format!(
                "in {}, group all is the sum of the {} ATP groups it covers ({}){}",
                ds.id(),
                names.len(),
                names.join(", "),
                if ds.all_is_computed {
                    ", computed by the service"
                } else {
                    ", as the source printed it"
                }
            )
        })
    };
    [describe(first), describe(second)]
        .into_iter()
        .flatten()
        .collect()
}

/// Whether two figures of the same thing agree within their rounding: their
/// difference is no larger than half the sum of their intervals' widths
/// (a figure printed to 1억 may be 5천만 off the true value). `None` when
/// one of them has no known precision.
pub fn within_rounding(
    first: &DatasetView,
    a: &Fact,
    second: &DatasetView,
    b: &Fact,
) -> Option<bool> {
    let tolerance = (first.width(a) + second.width(b)) / 2.0;
    if !tolerance.is_finite() {
        return None;
    }
    let difference = (a.value_usd as f64 - b.value_usd as f64).abs();
    Some(difference <= tolerance)
}

#[cfg(test)]
mod tests {
    use atp_core::{
        Citation, DatasetInfo, Frequency, GroupId, Observation, PartnerCode, Period, Provenance,
        SourceFormat, Status, StoredDataset,
    };

    use super::*;
    use crate::PeriodFilter;

    fn obs(key: &str, value_usd: i64, rounding: i64) -> Observation {
        Observation {
            key: SeriesKey::try_from(key).unwrap(),
            value_usd,
            provenance: Provenance {
                status: Status::Reported,
                rounding_usd: Some(rounding),
                derivation: None,
                citation: Citation {
                    section: "t".to_owned(),
                    quote: String::new(),
                },
            },
        }
    }

    fn view(id: &str, vintage: &str, last: &str, observations: Vec<Observation>) -> DatasetView {
        let stored = StoredDataset {
            info: DatasetInfo {
                id: id.to_owned(),
                title: id.to_owned(),
                publisher: "t".to_owned(),
                citation: "t".to_owned(),
                source_url: None,
                vintage: vintage.to_owned(),
                notes: Vec::new(),
            },
            quality_notes: Vec::new(),
            source_format: SourceFormat::Csv.as_str().to_owned(),
            imported_at: "2026-01-01T00:00:00Z".to_owned(),
            row_count: observations.len() as i64,
            checksum: String::new(),
            last_period: Period::try_from(last).ok(),
            published_on: None,
        };
        DatasetView::new(stored, observations)
    }

    fn monthly() -> Selection {
        Selection {
            groups: None,
            partners: None,
            frequency: Frequency::Monthly,
            periods: PeriodFilter::All,
        }
    }

    #[test]
    fn revisions_list_changed_values_and_count_the_rest() {
        let old = view(
            "c",
            "2019-10",
            "2019-10",
            vec![
                obs("imports/all-goods/KR/2017-01", 5_955_204_041, 1),
                obs("imports/all-goods/KR/2017-02", 100, 1),
                obs("imports/all-goods/JP/2017-01", 7, 1),
            ],
        );
        let new = view(
            "c",
            "2023-01",
            "2023-01",
            vec![
                obs("imports/all-goods/KR/2017-01", 5_953_946_323, 1),
                obs("imports/all-goods/KR/2017-02", 100, 1),
                obs("imports/all-goods/KR/2022-12", 9, 1),
            ],
        );
        let model = ReadModel::with_views(1, Vec::new(), &[], None);
        let (rows, counts) = revisions(&model, &old, &new, &monthly(), &Measure::ALL);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].key.to_string(), "imports/all-goods/KR/2017-01");
        assert_eq!(rows[0].difference_usd, Ok(5_953_946_323 - 5_955_204_041));
        assert!((rows[0].difference_pct.unwrap() - (-0.021_119)).abs() < 1e-4);
        assert_eq!(
            counts,
            PairCounts {
                in_both: 2,
                different: 1,
                only_first: 1,
                only_second: 1
            }
        );
        // The selection narrows both the rows and the counts.
        let jp = Selection {
            partners: Some(vec![PartnerCode::try_from("JP").unwrap()]),
            ..monthly()
        };
        let (rows, counts) = revisions(&model, &old, &new, &jp, &Measure::ALL);
        assert!(rows.is_empty());
        assert_eq!((counts.in_both, counts.only_first), (0, 1));
    }

    #[test]
    fn comparisons_say_whether_figures_agree_within_rounding() {
        let brief = view(
            "b",
            "2026-04",
            "2024",
            vec![obs("imports/all/WLD/2024", 762_000_000_000, 1_000_000_000)],
        );
        let census = view(
            "c",
            "2024-12",
            "2024",
            vec![obs("imports/all/WLD/2024", 763_239_061_303, 1)],
        );
        let model = ReadModel::with_views(1, Vec::new(), &[], None);
        let annual = Selection {
            frequency: Frequency::Annual,
            groups: Some(vec![GroupId::All]),
            ..monthly()
        };
        let (rows, counts) = compare(&model, &brief, &census, &annual, &Measure::ALL);
        assert_eq!(counts.in_both, 1);
        let r = &rows[0];
        assert_eq!(r.difference_usd, Ok(762_000_000_000 - 763_239_061_303));
        assert!((r.difference_pct.unwrap() + 0.1623).abs() < 1e-3);
        // 1,239,061,303 apart: more than half of 1e9 + 1.
        assert_eq!(
            within_rounding(&brief, r.first, &census, r.second),
            Some(false)
        );
    }
}
