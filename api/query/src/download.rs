//! A whole dataset, figure by figure, for bulk downloads (issue 15): one
//! vintage or several, each vintage's figures in the read model's order
//! (measure, group, partner, period), handed over a chunk at a time so that
//! a download holds one chunk, never the dataset.
//!
//! [`Figures`] owns the model it reads (an `Arc`): it lives as long as the
//! response body that drains it, even after a newer model is swapped in.

use std::sync::Arc;

use atp_core::{PartnerCode, PartnerKind};

use crate::{DatasetView, Fact, ReadModel};

/// One figure of a download: the vintage it belongs to, the figure (key,
/// value, provenance) and its partner's kind.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    pub view: &'a DatasetView,
    pub fact: &'a Fact,
    pub partner_kind: PartnerKind,
}

/// A cursor over every figure of some vintages of one dataset, in order:
/// the vintages as given, each vintage's figures as the model sorts them.
#[derive(Debug)]
pub struct Figures {
    model: Arc<ReadModel>,
    dataset: String,
    /// Positions of the vintages in [`crate::DatasetVintages::all`].
    vintages: Vec<usize>,
    /// The next figure: which of `vintages`, and where in its facts.
    at_vintage: usize,
    at_fact: usize,
    /// The last partner looked up (figures come partner by partner, and a
    /// lookup walks the partner table).
    last_partner: Option<(PartnerCode, PartnerKind)>,
}

impl Figures {
    /// The figures of `vintages` (vintage ids, in the order to send them) of
    /// dataset `dataset`; `None` if the model has no such dataset or one of
    /// the vintages is unknown.
    pub fn new(model: Arc<ReadModel>, dataset: &str, vintages: &[&str]) -> Option<Figures> {
        let all = model.vintages(dataset)?;
        let positions = vintages
            .iter()
            .map(|v| all.all().position(|view| view.vintage() == *v))
            .collect::<Option<Vec<usize>>>()?;
        Some(Figures {
            dataset: all.id().to_owned(),
            vintages: positions,
            model,
            at_vintage: 0,
            at_fact: 0,
            last_partner: None,
        })
    }

    /// Figures in all, over every vintage chosen.
    pub fn total(&self) -> usize {
        self.views(&self.model).map(DatasetView::row_count).sum()
    }

    fn views<'m>(&self, model: &'m ReadModel) -> impl Iterator<Item = &'m DatasetView> {
        let all = model.vintages(&self.dataset);
        self.vintages
            .iter()
            .filter_map(move |&i| all.and_then(|a| a.all().nth(i)))
    }

    /// Hands the next figures, at most `max`, to `each`, in order; returns
    /// how many it handed (0 once every figure has been handed).
    pub fn next_chunk(&mut self, max: usize, mut each: impl FnMut(Figure<'_>)) -> usize {
        let model = Arc::clone(&self.model);
        let Some(all) = model.vintages(&self.dataset) else {
            return 0;
        };
        let mut handed = 0;
        while handed < max && self.at_vintage < self.vintages.len() {
            let Some(view) = all.all().nth(self.vintages[self.at_vintage]) else {
                break;
            };
            let rest = view.facts.get(self.at_fact..).unwrap_or(&[]);
            let take = rest.len().min(max - handed);
            for fact in &rest[..take] {
                let partner_kind = match self.last_partner {
                    Some((code, kind)) if code == fact.key.partner => kind,
                    _ => {
                        let kind = model.partner_kind(fact.key.partner);
                        self.last_partner = Some((fact.key.partner, kind));
                        kind
                    }
                };
                each(Figure {
                    view,
                    fact,
                    partner_kind,
                });
            }
            handed += take;
            self.at_fact += take;
            if self.at_fact >= view.facts.len() {
                self.at_vintage += 1;
                self.at_fact = 0;
            }
        }
        handed
    }
}

#[cfg(test)]
mod tests {
    use atp_core::{
        Citation, DatasetInfo, Group, GroupId, Measure, Observation, Period, Provenance, SeriesKey,
        SourceFormat, Status, StoredDataset, Year,
    };

    use super::*;

    /// Dataset `t` in two vintages: imports of aerospace from Namibia and
    /// the world, 2014 to 2024 (the second vintage one year longer).
    fn model() -> Arc<ReadModel> {
        let vintage = |id: &str, last: u16| {
            let mut obs = Vec::new();
            for partner in ["NA", "WLD"] {
                for year in 2014..=last {
                    obs.push(Observation {
                        key: SeriesKey {
                            measure: Measure::Imports,
                            group: GroupId::Group(Group::Aerospace),
                            partner: PartnerCode::try_from(partner).unwrap(),
                            period: Period::annual(Year::new(year).unwrap()),
                        },
                        value_usd: i64::from(year),
                        provenance: Provenance {
                            status: Status::Reported,
                            rounding_usd: Some(1),
                            derivation: None,
                            citation: Citation {
                                section: "table".to_owned(),
                                quote: String::new(),
                            },
                        },
                    });
                }
            }
            let stored = StoredDataset {
                info: DatasetInfo {
                    id: "t".to_owned(),
                    title: "test".to_owned(),
                    publisher: "test".to_owned(),
                    citation: "test".to_owned(),
                    source_url: None,
                    vintage: id.to_owned(),
                    notes: Vec::new(),
                },
                quality_notes: Vec::new(),
                source_format: SourceFormat::Csv.as_str().to_owned(),
                imported_at: format!("2026-01-0{id}T00:00:00Z"),
                row_count: obs.len() as i64,
                checksum: atp_core::catalog::checksum(&obs),
                last_period: None,
                published_on: None,
            };
            (stored, obs)
        };
        Arc::new(ReadModel::build(
            1,
            vec![vintage("1", 2023), vintage("2", 2024)],
            &[],
            None,
        ))
    }

    fn drain(figures: &mut Figures, chunk: usize) -> Vec<(String, String, i64)> {
        let mut seen = Vec::new();
        loop {
            let n = figures.next_chunk(chunk, |f| {
                seen.push((
                    f.view.vintage().to_owned(),
                    f.fact.key.partner.to_string(),
                    f.fact.value_usd,
                ));
            });
            assert!(n <= chunk);
            if n == 0 {
                return seen;
            }
        }
    }

    #[test]
    fn chunks_cover_every_figure_once_in_order() {
        let model = model();
        let view = model.dataset("t").unwrap();
        assert_eq!(view.vintage(), "2");
        let mut figures = Figures::new(model.clone(), "t", &["2"]).unwrap();
        assert_eq!(figures.total(), view.row_count());
        let seen = drain(&mut figures, 7);
        let expected: Vec<_> = view
            .facts
            .iter()
            .map(|f| ("2".to_owned(), f.key.partner.to_string(), f.value_usd))
            .collect();
        assert_eq!(seen, expected);
        // Drained: nothing more.
        assert_eq!(figures.next_chunk(7, |_| panic!("drained")), 0);
    }

    #[test]
    fn several_vintages_follow_each_other_across_chunks() {
        let model = model();
        let mut figures = Figures::new(model.clone(), "t", &["1", "2"]).unwrap();
        // Aerospace and `all` (computed), two partners, 10 and 11 years.
        assert_eq!(figures.total(), 2 * 2 * 10 + 2 * 2 * 11);
        let seen = drain(&mut figures, 13);
        assert_eq!(seen.len(), figures.total());
        assert!(seen[..40].iter().all(|(v, _, _)| v == "1"));
        assert!(seen[40..].iter().all(|(v, _, _)| v == "2"));
        assert!(seen.iter().any(|(_, p, _)| p == "NA"));
    }

    #[test]
    fn unknown_datasets_and_vintages_are_none() {
        let model = model();
        assert!(Figures::new(model.clone(), "nope", &[]).is_none());
        assert!(Figures::new(model, "t", &["3"]).is_none());
    }
}
