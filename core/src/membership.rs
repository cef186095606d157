//! Which partners an aggregate contains, as data: the European Union's
//! members by date (`core/data/eu-members.csv`), the world (every partner),
//! the rest of the world (every partner a dataset does not list). Shares,
//! ranks, concentration and counts use it never to count an aggregate
//! together with the countries inside it.

use std::sync::OnceLock;

use crate::partner::{PartnerCode, PartnerKind};
use crate::period::Period;
use crate::year::Year;

const EU_MEMBERS_CSV: &str = include_str!("../data/eu-members.csv");

/// One member's time in the bloc: from the year it joined to the year it
/// left (inclusive: a member for any part of a year counts for that year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub member: PartnerCode,
    /// The date it joined, `YYYY-MM-DD`.
    pub joined: &'static str,
    /// The date it left, if it did.
    pub left: Option<&'static str>,
}

impl Membership {
    fn year_of(date: &str) -> u16 {
        date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }

    /// Whether it was a member at any time in `year`.
    pub fn in_year(&self, year: Year) -> bool {
        let y = year.get();
        Self::year_of(self.joined) <= y && self.left.is_none_or(|l| Self::year_of(l) >= y)
    }

    /// Whether it was a member at any time in `period` (a year or a month).
    pub fn in_period(&self, period: Period) -> bool {
        if period.is_annual() {
            return self.in_year(period.year());
        }
        // `YYYY-MM` compares as text with the dates' first seven characters.
        let month = period.to_string();
        let at = |date: &str| date.get(..7).unwrap_or(date).to_owned();
        at(self.joined) <= month && self.left.is_none_or(|l| at(l) >= month)
    }
}

fn parse(csv_text: &'static str) -> Vec<Membership> {
    let mut out = Vec::new();
    for line in csv_text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut cells = line.split(',');
        let (Some(iso), Some(joined)) = (cells.next(), cells.next()) else {
            continue;
        };
        let left = cells.next().filter(|l| !l.is_empty());
        if let Some(member) = PartnerCode::parse_shape(iso) {
            out.push(Membership {
                member,
                joined,
                left,
            });
        }
    }
    out
}

/// The European Union's members through time.
pub fn eu_memberships() -> &'static [Membership] {
    static EU: OnceLock<Vec<Membership>> = OnceLock::new();
    EU.get_or_init(|| parse(EU_MEMBERS_CSV))
}

/// The partners `bloc` contained in `period`, for a bloc whose members the
/// service knows (the European Union); `None` for any other partner.
pub fn members_in(bloc: PartnerCode, period: Period) -> Option<Vec<PartnerCode>> {
    (bloc == PartnerCode::EU).then(|| {
        eu_memberships()
            .iter()
            .filter(|m| m.in_period(period))
            .map(|m| m.member)
            .collect()
    })
}

/// Of the partners with figures for one measure, group and period (each
/// with its kind), those an indicator may count side by side: countries,
/// and a bloc only when none of its members of that period is among them;
/// never the world, the rest of the world or a Census grouping. Returns the
/// partners kept, and the aggregates left out with why.
pub fn countable(
    partners: &[(PartnerCode, PartnerKind)],
    period: Period,
) -> (Vec<PartnerCode>, Vec<(PartnerCode, Exclusion)>) {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for &(code, kind) in partners {
        match kind {
            PartnerKind::World | PartnerKind::RestOfWorld | PartnerKind::Grouping => {
                left_out.push((code, Exclusion::Aggregate));
            }
            PartnerKind::Bloc => {
                let members_listed = members_in(code, period)
                    .is_some_and(|members| partners.iter().any(|(p, _)| members.contains(p)));
                if members_listed {
                    left_out.push((code, Exclusion::MembersListed));
                } else {
                    kept.push(code);
                }
            }
            PartnerKind::Country => kept.push(code),
        }
    }
    (kept, left_out)
}

/// Why an aggregate is left out of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The world, the rest of the world or a Census grouping: a sum over
    /// partners.
    Aggregate,
    /// A bloc whose members are listed in their own right.
    MembersListed,
}

impl Exclusion {
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::Aggregate => "aggregate",
            Exclusion::MembersListed => "members_listed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partner::Partner;

    fn code(s: &str) -> PartnerCode {
        PartnerCode::try_from(s).unwrap()
    }

    fn y(v: u16) -> Period {
        Period::annual(Year::new(v).unwrap())
    }

    fn m(s: &str) -> Period {
        Period::try_from(s).unwrap()
    }

    #[test]
    fn the_eu_changes_with_the_years() {
        let eu = |year| members_in(PartnerCode::EU, y(year)).unwrap();
        assert_eq!(eu(1990).len(), 12);
        assert_eq!(eu(2004).len(), 25);
        assert_eq!(eu(2013).len(), 28);
        assert_eq!(eu(2020).len(), 28, "the UK left on 2020-01-31");
        assert_eq!(eu(2021).len(), 27);
        assert!(eu(2019).contains(&code("GB")) && !eu(2024).contains(&code("GB")));
        assert!(!eu(2012).contains(&code("HR")));
        // By month: the UK was a member in January 2020, not in February.
        let eu_in = |month| members_in(PartnerCode::EU, m(month)).unwrap();
        assert!(eu_in("2020-01").contains(&code("GB")));
        assert!(!eu_in("2020-02").contains(&code("GB")));
        assert!(!eu_in("2013-06").contains(&code("HR")));
        assert!(eu_in("2013-07").contains(&code("HR")));
        assert!(members_in(code("CN"), y(2024)).is_none());
        // Every member is a known country.
        for m in eu_memberships() {
            assert_eq!(
                Partner::by_code(m.member).map(|p| p.kind),
                Some(PartnerKind::Country)
            );
        }
    }

    #[test]
    fn a_bloc_counts_only_without_its_members() {
        let brief = [
            (PartnerCode::EU, PartnerKind::Bloc),
            (code("CN"), PartnerKind::Country),
            (PartnerCode::REST_OF_WORLD, PartnerKind::RestOfWorld),
            (PartnerCode::WORLD, PartnerKind::World),
        ];
        let (kept, out) = countable(&brief, y(2024));
        assert_eq!(kept, [PartnerCode::EU, code("CN")]);
        assert_eq!(out.len(), 2);
        let census = [
            (PartnerCode::EU, PartnerKind::Bloc),
            (code("DE"), PartnerKind::Country),
            (code("CN"), PartnerKind::Country),
        ];
        let (kept, out) = countable(&census, y(2024));
        assert_eq!(kept, [code("DE"), code("CN")]);
        assert_eq!(out, [(PartnerCode::EU, Exclusion::MembersListed)]);
        // The UK next to the EU in 2024 is not a member any more.
        let uk = [
            (PartnerCode::EU, PartnerKind::Bloc),
            (code("GB"), PartnerKind::Country),
        ];
        assert_eq!(countable(&uk, y(2024)).0.len(), 2);
        assert_eq!(countable(&uk, y(2019)).0, [code("GB")]);
        // A Census grouping is never counted.
        let grouping = [
            (PartnerCode::new_const("0014"), PartnerKind::Grouping),
            (code("CN"), PartnerKind::Country),
        ];
        let (kept, out) = countable(&grouping, y(2024));
        assert_eq!(kept, [code("CN")]);
        assert_eq!(
            out,
            [(PartnerCode::new_const("0014"), Exclusion::Aggregate)]
        );
    }
}
