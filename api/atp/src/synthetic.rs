//! A deterministic generator of a realistic synthetic dataset, for load tests
//! and benchmarks: every group, the first N countries of the partner table,
//! a run of years, both flows. The same arguments give the same bytes.
//!
//! Values follow a simple model: a partner size that falls off with its rank
//! (a few large partners, a long tail), a group weight, a partner-and-group
//! growth trend, and year-to-year noise; whole dollars, never negative. With
//! `monthly`, each year is split into twelve months (a seasonal pattern and
//! noise) that add up to it exactly, and only the months are written.

use std::io::Write;

use atp_ingest::tidy::TidyWriter;

use atp_core::{
    Citation, Derivation, Flow, Group, GroupId, Measure, Observation, Partner, PartnerCode,
    PartnerKind, Period, Provenance, SeriesKey, Status, Year,
};

/// Why the synthetic dataset could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// The spec asks for something the generator cannot make.
    #[error("{0}")]
    Spec(String),
    #[error(transparent)]
    Year(#[from] atp_core::InvalidValue),
    #[error("writing the CSV: {0}")]
    Write(#[from] csv::Error),
}

/// The shape of the synthetic dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSpec {
    pub partners: usize,
    pub first_year: u16,
    pub years: u16,
    pub seed: u64,
    /// Also emit the `all` aggregate of every partner, flow and period (the
    /// exact sum of the ten groups, as a derived row).
    pub totals: bool,
    /// Months instead of years: twelve rows a year.
    pub monthly: bool,
}

impl SyntheticSpec {
    /// The dataset of the load tests: 10 groups x 240 partners x 35 years x 2 flows.
    pub const LOAD_TEST: SyntheticSpec = SyntheticSpec {
        partners: 240,
        first_year: 1990,
        years: 35,
        seed: 2024,
        totals: false,
        monthly: false,
    };

    fn periods_per_year(&self) -> usize {
        if self.monthly { 12 } else { 1 }
    }

    pub fn rows(&self) -> usize {
        let groups = Group::ALL.len() + usize::from(self.totals);
        groups * self.partners * usize::from(self.years) * self.periods_per_year() * Flow::ALL.len()
    }
}

/// splitmix64: small, fast, and the same everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The EU-27 members, by ISO code: the `EU` bloc of the synthetic dataset is
/// the sum of those among its countries.
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// The countries the generator uses: `n` partners are `n - 2` countries (the
/// first of the partner table) plus the `EU` bloc and the world (`WLD`).
pub fn countries(n: usize) -> Result<Vec<&'static Partner>, SyntheticError> {
    let countries: Vec<&Partner> = Partner::all()
        .iter()
        .filter(|p| p.kind == PartnerKind::Country)
        .collect();
    let max = countries.len() + 2;
    if !(3..=max).contains(&n) {
        return Err(SyntheticError::Spec(format!(
            "partners must be from 3 to {max} ({} countries, the EU and the world); got {n}",
            countries.len()
        )));
    }
    Ok(countries.into_iter().take(n - 2).collect())
}

/// Calls `emit` for every observation: each country in key order, then the
/// EU and the world, which are the exact sums of their countries.
pub fn generate(
    spec: &SyntheticSpec,
    mut emit: impl FnMut(Observation),
) -> Result<(), SyntheticError> {
    let countries = countries(spec.partners)?;
    let last = u32::from(spec.first_year) + u32::from(spec.years);
    if spec.years == 0 || last - 1 > u32::from(Year::MAX) || spec.first_year < Year::MIN {
        return Err(SyntheticError::Spec(format!(
            "years {}..{} are outside {}..={}",
            spec.first_year,
            last,
            Year::MIN,
            Year::MAX
        )));
    }
    let citation = Citation {
        section: format!("synthetic dataset, seed {}", spec.seed),
        quote: String::new(),
    };
    let observation =
        |partner: PartnerCode, group: Group, flow: Flow, period: Period, value: i64| Observation {
            key: SeriesKey {
                measure: Measure::from(flow),
                group: GroupId::Group(group),
                partner,
                period,
            },
            value_usd: value,
            provenance: Provenance {
                status: Status::Reported,
                rounding_usd: Some(1),
                derivation: None,
                citation: citation.clone(),
            },
        };
    // Every period written, in order: the years, or their months.
    let mut periods: Vec<Period> = Vec::new();
    for y in 0..spec.years {
        let year = Year::new(spec.first_year + y)?;
        if spec.monthly {
            periods.extend(Period::months_of(year));
        } else {
            periods.push(Period::annual(year));
        }
    }
    let n = periods.len();
    let per_year = spec.periods_per_year();
    let cells = Group::ALL.len() * Flow::ALL.len() * n;
    let (mut world, mut eu) = (vec![0i64; cells], vec![0i64; cells]);
    let total = |partner: PartnerCode, flow: Flow, period: Period, value: i64| Observation {
        key: SeriesKey {
            measure: Measure::from(flow),
            group: GroupId::All,
            partner,
            period,
        },
        value_usd: value,
        provenance: Provenance {
            status: Status::Derived,
            rounding_usd: None,
            derivation: Some(Derivation {
                formula: "sum of the ten ATP groups".to_owned(),
                inputs: Vec::new(),
            }),
            citation: citation.clone(),
        },
    };
    // Emits the `all` rows of one partner from its per-cell values.
    let emit_totals = |partner: PartnerCode,
                       values: &[i64],
                       emit: &mut dyn FnMut(Observation)|
     -> Result<(), SyntheticError> {
        for (fi, flow) in Flow::ALL.into_iter().enumerate() {
            for (pi, &period) in periods.iter().enumerate() {
                let sum: i64 = (0..Group::ALL.len())
                    .map(|gi| values[(gi * Flow::ALL.len() + fi) * n + pi])
                    .sum();
                emit(total(partner, flow, period, sum));
            }
        }
        Ok(())
    };
    let mut rng = SplitMix64(spec.seed);
    // The months have a generator of their own: the years stay the same
    // whether they are split or not.
    let mut month_rng = SplitMix64(spec.seed.rotate_left(32) ^ 0x6D6F_6E74_6873);
    let mut own = vec![0i64; cells];
    for (rank, partner) in countries.iter().enumerate() {
        let in_eu = EU_MEMBERS.contains(&partner.code.as_str());
        // Partner size: about 40B USD for the largest, falling off with rank.
        let size = 4.0e10 / (1.0 + rank as f64).powf(1.1);
        for (gi, group) in Group::ALL.into_iter().enumerate() {
            let weight = [0.08, 0.12, 0.05, 0.35, 0.15, 0.05, 0.02, 0.15, 0.01, 0.02][gi];
            for (fi, flow) in Flow::ALL.into_iter().enumerate() {
                let mut level = size * weight * (0.5 + rng.unit());
                let trend = 0.02 + 0.08 * (rng.unit() - 0.3);
                for y in 0..usize::from(spec.years) {
                    let noise = 1.0 + 0.1 * (rng.unit() - 0.5);
                    level = (level * (1.0 + trend) * noise).max(0.0);
                    let value = level.round() as i64;
                    let parts = if spec.monthly {
                        months_of(value, &mut month_rng)
                    } else {
                        vec![value]
                    };
                    for (m, part) in parts.into_iter().enumerate() {
                        let pi = y * per_year + m;
                        let cell = (gi * Flow::ALL.len() + fi) * n + pi;
                        own[cell] = part;
                        world[cell] += part;
                        if in_eu {
                            eu[cell] += part;
                        }
                        emit(observation(partner.code, group, flow, periods[pi], part));
                    }
                }
            }
        }
        if spec.totals {
            emit_totals(partner.code, &own, &mut emit)?;
        }
    }
    for (partner, sums) in [(PartnerCode::EU, &eu), (PartnerCode::WORLD, &world)] {
        for (gi, group) in Group::ALL.into_iter().enumerate() {
            for (fi, flow) in Flow::ALL.into_iter().enumerate() {
                for (pi, &period) in periods.iter().enumerate() {
                    let cell = (gi * Flow::ALL.len() + fi) * n + pi;
                    emit(observation(partner, group, flow, period, sums[cell]));
                }
            }
        }
        if spec.totals {
            emit_totals(partner, sums, &mut emit)?;
        }
    }
    Ok(())
}

/// A year's value split into twelve months with a seasonal pattern and
/// noise; the months add up to the year exactly (December takes the
/// remainder).
fn months_of(value: i64, rng: &mut SplitMix64) -> Vec<i64> {
    let weights: Vec<f64> = (0..12)
        .map(|m| {
            let season = 1.0 + 0.15 * ((m as f64) * std::f64::consts::PI / 6.0).sin();
            season * (0.9 + 0.2 * rng.unit())
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights[..11]
        .iter()
        .map(|w| (value as f64 * w / total).floor() as i64)
        .collect();
    let rest = value - parts.iter().sum::<i64>();
    parts.push(rest.max(0));
    parts
}

/// Writes the synthetic dataset as tidy CSV, through the one tidy writer:
/// the `all` rows of `totals` are written as the derived sums they are.
pub fn write_csv<W: Write>(
    spec: &SyntheticSpec,
    dataset: &str,
    out: W,
) -> Result<usize, SyntheticError> {
    let mut w = TidyWriter::new(dataset, out)?;
    let mut rows = 0;
    let mut failure = None;
    generate(spec, |o| {
        if failure.is_none() {
            match w.write(&o) {
                Ok(()) => rows += 1,
                Err(e) => failure = Some(e),
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    w.finish()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_well_formed() {
        let spec = SyntheticSpec {
            partners: 5,
            first_year: 2000,
            years: 3,
            seed: 7,
            totals: false,
            monthly: false,
        };
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert_eq!(write_csv(&spec, "s", &mut a).unwrap(), spec.rows());
        write_csv(&spec, "s", &mut b).unwrap();
        assert_eq!(a, b, "same spec, same bytes");
        let (_, obs) = atp_ingest::tidy::parse("s.csv", &a, Some("s")).unwrap();
        assert_eq!(obs.len(), 10 * 5 * 3 * 2);
        assert!(obs.iter().all(|o| o.value_usd >= 0));
        let mut other = Vec::new();
        write_csv(&SyntheticSpec { seed: 8, ..spec }, "s", &mut other).unwrap();
        assert_ne!(a, other, "the seed matters");
    }

    #[test]
    fn totals_are_written_as_the_derived_sums_they_are() {
        let spec = SyntheticSpec {
            partners: 4,
            first_year: 2000,
            years: 2,
            seed: 3,
            totals: true,
            monthly: false,
        };
        let mut csv = Vec::new();
        assert_eq!(write_csv(&spec, "s", &mut csv).unwrap(), spec.rows());
        let (_, obs) = atp_ingest::tidy::parse("s.csv", &csv, Some("s")).unwrap();
        let (all, groups): (Vec<&Observation>, Vec<&Observation>) =
            obs.iter().partition(|o| o.key.group == GroupId::All);
        assert_eq!(all.len(), 4 * 2 * 2);
        for o in all {
            assert_eq!(o.provenance.status, Status::Derived, "{}", o.key);
            assert_eq!(
                o.provenance.derivation.as_ref().map(|d| d.formula.as_str()),
                Some("sum of the ten ATP groups")
            );
        }
        assert!(
            groups
                .iter()
                .all(|o| o.provenance.status == Status::Reported)
        );
    }

    #[test]
    fn the_world_and_the_eu_are_the_sums_of_their_countries() {
        // Austria (AT) is an EU member; take enough countries to include it.
        let spec = SyntheticSpec {
            partners: 40,
            first_year: 2020,
            years: 2,
            seed: 1,
            totals: true,
            monthly: false,
        };
        let mut obs = Vec::new();
        generate(&spec, |o| obs.push(o)).unwrap();
        assert_eq!(obs.len(), spec.rows());
        let key =
            |p: &str| SeriesKey::try_from(format!("exports/aerospace/{p}/2021").as_str()).unwrap();
        let value = |p: &str| obs.iter().find(|o| o.key == key(p)).map(|o| o.value_usd);
        let sum = |pred: &dyn Fn(&str) -> bool| -> i64 {
            obs.iter()
                .filter(|o| {
                    let p = o.key.partner.as_str();
                    o.key.measure == Measure::Exports
                        && o.key.group == GroupId::Group(Group::Aerospace)
                        && o.key.period.year().get() == 2021
                        && p != "EU"
                        && p != "WLD"
                        && pred(p)
                })
                .map(|o| o.value_usd)
                .sum()
        };
        assert_eq!(value("WLD"), Some(sum(&|_| true)));
        let eu = sum(&|p| EU_MEMBERS.contains(&p));
        assert!(eu > 0, "the first 38 countries include EU members");
        assert_eq!(value("EU"), Some(eu));
        assert!(countries(2).is_err() && countries(241).is_err() && countries(240).is_ok());
        // The `all` rows are the exact sums of the ten groups.
        let all_kr = obs
            .iter()
            .find(|o| o.key.to_string() == "exports/all/WLD/2021")
            .map(|o| o.value_usd);
        let groups_kr: i64 = obs
            .iter()
            .filter(|o| {
                o.key.partner == PartnerCode::WORLD
                    && o.key.measure == Measure::Exports
                    && o.key.period.year().get() == 2021
                    && o.key.group != GroupId::All
            })
            .map(|o| o.value_usd)
            .sum();
        assert_eq!(all_kr, Some(groups_kr));
    }

    #[test]
    fn months_add_up_to_their_year_and_to_the_world() {
        let yearly = SyntheticSpec {
            partners: 6,
            first_year: 2020,
            years: 2,
            seed: 5,
            totals: false,
            monthly: false,
        };
        let monthly = SyntheticSpec {
            monthly: true,
            ..yearly
        };
        let mut years = Vec::new();
        generate(&yearly, |o| years.push(o)).unwrap();
        let mut months = Vec::new();
        generate(&monthly, |o| months.push(o)).unwrap();
        assert_eq!(months.len(), monthly.rows());
        assert_eq!(monthly.rows(), 12 * yearly.rows());
        assert!(
            months
                .iter()
                .all(|o| o.key.period.month().is_some() && o.value_usd >= 0)
        );
        // The months of a series sum to the year the annual spec gives.
        for y in &years {
            let sum: i64 = months
                .iter()
                .filter(|m| {
                    m.key.period.year() == y.key.period.year()
                        && (m.key.measure, m.key.group, m.key.partner)
                            == (y.key.measure, y.key.group, y.key.partner)
                })
                .map(|m| m.value_usd)
                .sum();
            assert_eq!(sum, y.value_usd, "{}", y.key);
        }
        let mut csv = Vec::new();
        write_csv(&monthly, "m", &mut csv).unwrap();
        let (_, back) = atp_ingest::tidy::parse("m.csv", &csv, Some("m")).unwrap();
        assert_eq!(back.len(), months.len());
    }
}
