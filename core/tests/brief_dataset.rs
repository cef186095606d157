//! The built-in dataset: complete where the brief is, true to its text, and
//! with every disagreement of the source listed.

#![expect(
    clippy::unwrap_used,
    reason = "a test helper panics on a broken fixture"
)]

mod seed;

use std::collections::HashMap;

use atp_core::builtin::{brief, known_disagreements};
use atp_core::quality::{self, CheckKind};
use atp_core::{Group, GroupId, Measure, PartnerCode, Period, SeriesKey, Status, Year};

fn key(s: &str) -> SeriesKey {
    SeriesKey::try_from(s).unwrap()
}

#[test]
fn the_brief_loads_and_recomputes_every_derived_figure() {
    // read_dataset recomputes every derived row and fails on a mismatch.
    let ds = brief().unwrap();
    let reported = ds
        .observations
        .iter()
        .filter(|o| o.provenance.status == Status::Reported)
        .count();
    let derived = ds.observations.len() - reported;
    assert!(reported >= 250, "only {reported} reported figures");
    assert!(derived >= 50, "only {derived} derived figures");
    assert!(
        ds.claims.len() >= 150,
        "only {} printed ratios",
        ds.claims.len()
    );
    for o in &ds.observations {
        match o.provenance.status {
            Status::Reported => {
                assert!(
                    o.provenance.rounding_usd.is_some_and(|r| r > 0),
                    "{}",
                    o.key
                );
                assert!(!o.provenance.citation.quote.is_empty(), "{}", o.key);
            }
            Status::Derived => {
                let d = o.provenance.derivation.as_ref().unwrap();
                assert!(!d.inputs.is_empty() && !d.formula.is_empty(), "{}", o.key);
            }
        }
    }
}

#[test]
fn totals_and_groups_are_complete_for_both_years() {
    let ds = brief().unwrap();
    let groups: Vec<GroupId> = GroupId::every()
        .filter(|g| *g != GroupId::Group(Group::Weapons))
        .collect();
    for g in groups {
        for measure in Measure::ALL {
            for year in [2014, 2024] {
                let k = SeriesKey {
                    measure,
                    group: g,
                    partner: PartnerCode::WORLD,
                    period: Period::annual(Year::new(year).unwrap()),
                };
                assert!(ds.get(&k).is_some(), "missing {k}");
            }
        }
    }
    // The brief prints no figure for weapons, so `all` covers nine groups.
    assert_eq!(ds.groups_covered().len(), 9);
    assert!(!ds.groups_covered().contains(&Group::Weapons));
    assert_eq!(
        ds.periods()
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        ["2014", "2024"]
    );
}

#[test]
fn headline_figures_are_as_printed() {
    let ds = brief().unwrap();
    let cases = [
        ("imports/all/WLD/2014", 214_000_000_000),
        ("imports/all/WLD/2024", 762_000_000_000),
        ("exports/all/WLD/2014", 243_000_000_000),
        ("exports/all/WLD/2024", 462_000_000_000),
        ("balance/all/WLD/2014", 29_000_000_000),
        ("balance/all/WLD/2024", -300_000_000_000),
        ("imports/biotechnology/WLD/2014", 415_000_000),
        ("imports/biotechnology/WLD/2024", 125_000_000_000),
        ("imports/all/KR/2024", 29_000_000_000),
        ("imports/nuclear/MX/2024", 656_167),
    ];
    for (k, v) in cases {
        let o = ds.get(&key(k)).unwrap_or_else(|| panic!("missing {k}"));
        assert_eq!(o.value_usd, v, "{k}");
        assert_eq!(o.provenance.status, Status::Reported, "{k}");
    }
    assert_eq!(
        ds.get(&key("imports/biotechnology/WLD/2024"))
            .unwrap()
            .provenance
            .rounding_usd,
        Some(100_000_000)
    );
}

#[test]
fn every_quote_is_the_exact_text_of_the_brief() {
    let Some(text) = seed::seed_text() else {
        return;
    };
    let ds = brief().unwrap();
    let mut missing = Vec::new();
    for o in &ds.observations {
        let q = &o.provenance.citation.quote;
        if !q.is_empty() && !text.contains(q.as_str()) {
            missing.push(format!("{}: {q}", o.key));
        }
    }
    for c in &ds.claims {
        if !text.contains(c.citation.quote.as_str()) {
            missing.push(format!("claim {}: {}", c.id, c.citation.quote));
        }
    }
    assert!(
        missing.is_empty(),
        "quotes not found in the brief:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_disagreement_in_the_source_is_listed_and_every_listed_one_is_real() {
    let ds = brief().unwrap();
    let report = quality::check(ds);
    let known: HashMap<String, String> = known_disagreements().unwrap();
    let failing: Vec<&str> = report.failures().map(|c| c.id.as_str()).collect();
    let unlisted: Vec<String> = report
        .failures()
        .filter(|c| !known.contains_key(&c.id))
        .map(|c| {
            format!(
                "{}: {} | printed {} | implied {}",
                c.id, c.description, c.printed, c.implied
            )
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "new disagreements, not in known-disagreements.csv:\n{}",
        unlisted.join("\n")
    );
    let stale: Vec<&String> = known
        .keys()
        .filter(|id| !failing.contains(&id.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "listed as disagreements but now consistent (or gone): {stale:?}"
    );
    for (id, why) in &known {
        assert!(!why.trim().is_empty(), "{id} has no explanation");
    }
    // The report checks something of every kind.
    for (kind, passed, failed) in report.summary() {
        assert!(passed + failed > 0, "no {kind:?} check ran");
        if kind != CheckKind::PrintedRatio {
            assert!(passed > 0, "no {kind:?} check passed");
        }
    }
}

#[test]
fn quality_checks_catch_a_planted_error() {
    // Corrupt one printed figure and the report must notice.
    let mut ds = brief().unwrap().clone();
    let k = key("imports/all/WLD/2024");
    let i = ds.observations.iter().position(|o| o.key == k).unwrap();
    ds.observations[i].value_usd += 10_000_000_000;
    let ds = atp_core::Dataset::new(ds.info.clone(), ds.observations.clone(), ds.claims.clone())
        .unwrap();
    let report = quality::check(&ds);
    let clean = quality::check(brief().unwrap());
    assert!(report.failures().count() > clean.failures().count());
    assert!(report.failures().any(|c| c.id == "balance:all/WLD/2024"));
}
