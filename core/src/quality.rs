//! The data-quality report: every identity a dataset's figures should satisfy,
//! checked with a tolerance derived from each figure's printed rounding.
//!
//! A reported figure printed to a place value `r` stands for any value within
//! `r / 2` of it; a derived figure carries the interval of its inputs. A check
//! passes when the interval the levels imply overlaps the interval of what the
//! source printed (or, for an upper bound, lies below it).

use std::collections::HashMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::dataset::{Claim, ClaimKind, Dataset, MultipleReading, Relation, growth_factor};
use crate::flow::Measure;
use crate::group::GroupId;
use crate::observation::{Observation, SeriesKey, Status};
use crate::partner::{Partner, PartnerCode};
use crate::period::Period;
use crate::year::Year;

/// A closed interval of possible values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    fn around(v: f64, rounding: f64) -> Interval {
        Interval {
            lo: v - rounding / 2.0,
            hi: v + rounding / 2.0,
        }
    }
    fn add(self, o: Interval) -> Interval {
        Interval {
            lo: self.lo + o.lo,
            hi: self.hi + o.hi,
        }
    }
    fn sub(self, o: Interval) -> Interval {
        Interval {
            lo: self.lo - o.hi,
            hi: self.hi - o.lo,
        }
    }
    fn neg(self) -> Interval {
        Interval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }
    /// self / o for a strictly positive divisor.
    fn div_positive(self, o: Interval) -> Option<Interval> {
        if o.lo <= 0.0 {
            return None;
        }
        let c = [
            self.lo / o.lo,
            self.lo / o.hi,
            self.hi / o.lo,
            self.hi / o.hi,
        ];
        Some(Interval {
            lo: c.iter().copied().fold(f64::INFINITY, f64::min),
            hi: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
    fn scale(self, k: f64) -> Interval {
        Interval {
            lo: self.lo * k,
            hi: self.hi * k,
        }
    }
    fn shift(self, d: f64) -> Interval {
        Interval {
            lo: self.lo + d,
            hi: self.hi + d,
        }
    }
    fn overlaps(self, o: Interval) -> bool {
        self.lo <= o.hi && o.lo <= self.hi
    }
    fn mid(self) -> f64 {
        (self.lo + self.hi) / 2.0
    }
}

/// What a check verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// balance = exports - imports.
    BalanceIdentity,
    /// The groups sum to the `all` aggregate.
    GroupsSumToAll,
    /// The listed partners' flows do not exceed the world's.
    PartnersWithinWorld,
    /// The listed partners plus the rest of the world equal the world.
    PartnersSumToWorld,
    /// A printed share, growth rate, multiple or change agrees with the levels.
    PrintedRatio,
}

impl CheckKind {
    pub const ALL: [CheckKind; 5] = [
        CheckKind::BalanceIdentity,
        CheckKind::GroupsSumToAll,
        CheckKind::PartnersWithinWorld,
        CheckKind::PartnersSumToWorld,
        CheckKind::PrintedRatio,
    ];

    /// The wire name (`balance_identity`).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::BalanceIdentity => "balance_identity",
            CheckKind::GroupsSumToAll => "groups_sum_to_all",
            CheckKind::PartnersWithinWorld => "partners_within_world",
            CheckKind::PartnersSumToWorld => "partners_sum_to_world",
            CheckKind::PrintedRatio => "printed_ratio",
        }
    }
}

/// One identity checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Stable identifier, e.g. `balance:aerospace/CN/2014` or `claim:bio-eu-imports-multiple`.
    pub id: String,
    pub kind: CheckKind,
    pub description: String,
    /// What the source printed (or the left side of the identity).
    pub printed: String,
    /// What the other figures imply.
    pub implied: String,
    pub passed: bool,
    /// For a failed check: whether it passes when every printed number is
    /// read as rounded to its last non-zero digit, keeping at least two
    /// significant figures (the brief converts English
    /// figures such as "$92 million" into "9,200만", whose trailing zeros are
    /// not significant). `None` for a passed check.
    pub within_coarse_rounding: Option<bool>,
}

/// The outcome of every check on a dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityReport {
    pub dataset: String,
    pub checks: Vec<Check>,
}

impl QualityReport {
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }

    /// Counts of (passed, failed) checks by kind.
    pub fn summary(&self) -> Vec<(CheckKind, usize, usize)> {
        CheckKind::ALL
            .into_iter()
            .map(|k| {
                let of_kind = self.checks.iter().filter(|c| c.kind == k);
                let passed = of_kind.clone().filter(|c| c.passed).count();
                (k, passed, of_kind.count() - passed)
            })
            .collect()
    }

    /// The report as Markdown: a summary, then every failed check.
    pub fn to_markdown(&self, explanations: &HashMap<String, String>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Data-quality report: {}\n", self.dataset);
        let _ = writeln!(out, "| check | passed | failed |\n|---|---:|---:|");
        for (kind, passed, failed) in self.summary() {
            let _ = writeln!(out, "| {kind:?} | {passed} | {failed} |");
        }
        let _ = writeln!(out, "\n## Disagreements in the source\n");
        let _ = writeln!(
            out,
            "| check | printed | implied by the other figures | within coarse rounding | explanation |\n|---|---|---|---|---|"
        );
        for c in self.failures() {
            let why = explanations
                .get(&c.id)
                .map_or("(not explained)", String::as_str);
            let coarse = if c.within_coarse_rounding == Some(true) {
                "yes"
            } else {
                "no"
            };
            let _ = writeln!(
                out,
                "| `{}` {} | {} | {} | {coarse} | {} |",
                c.id, c.description, c.printed, c.implied, why
            );
        }
        out
    }
}

fn usd(v: f64) -> String {
    let b = v / 1e9;
    if b.abs() >= 1.0 {
        format!("{b:.2}B")
    } else {
        format!("{:.1}M", v / 1e6)
    }
}

fn usd_interval(i: Interval) -> String {
    format!("{} [{} .. {}]", usd(i.mid()), usd(i.lo), usd(i.hi))
}

fn dec(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

struct Checker<'a> {
    ds: &'a Dataset,
    /// Read every printed number as rounded to its last non-zero digit
    /// ("9,200만" as 92 million to the nearest million).
    coarse: bool,
    intervals: HashMap<SeriesKey, Interval>,
    /// For each derived key, the keys and claim ids it transitively depends on.
    depends: HashMap<SeriesKey, Vec<String>>,
}

impl<'a> Checker<'a> {
    fn new(ds: &'a Dataset, coarse: bool) -> Checker<'a> {
        let mut c = Checker {
            ds,
            coarse,
            intervals: HashMap::new(),
            depends: HashMap::new(),
        };
        // Figures as printed first; then derived ones, in passes, each once
        // its inputs have intervals (in whatever order the figures come: a
        // 2014 level derived from the 2024 one sorts before it).
        let mut pending: Vec<&Observation> = Vec::new();
        for o in &ds.observations {
            match (&o.provenance.status, &o.provenance.derivation) {
                (Status::Reported, _) | (_, None) => {
                    let printed = o.provenance.rounding_usd.unwrap_or(1);
                    let r = if coarse {
                        printed.max(last_nonzero_place(o.value_usd))
                    } else {
                        printed
                    };
                    c.intervals
                        .insert(o.key, Interval::around(o.value_usd as f64, r as f64));
                }
                (Status::Derived, Some(_)) => pending.push(o),
            }
        }
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|o| {
                let Some(d) = &o.provenance.derivation else {
                    return false;
                };
                let mut deps = Vec::new();
                match c.derived_interval(&d.inputs, &mut deps) {
                    Some(i) => {
                        c.depends.insert(o.key, deps);
                        c.intervals.insert(o.key, i);
                        false
                    }
                    None => true,
                }
            });
            if pending.len() == before {
                // Inputs that are not in the dataset: exact to the dollar,
                // as the best that can be said.
                for o in pending.drain(..) {
                    let mut deps = Vec::new();
                    if let Some(d) = &o.provenance.derivation {
                        let _ = c.derived_interval(&d.inputs, &mut deps);
                    }
                    c.depends.insert(o.key, deps);
                    c.intervals
                        .insert(o.key, Interval::around(o.value_usd as f64, 1.0));
                }
            }
        }
        c
    }

    fn derived_interval(&self, inputs: &[String], deps: &mut Vec<String>) -> Option<Interval> {
        let add_deps = |key: &SeriesKey, deps: &mut Vec<String>| {
            deps.push(key.to_string());
            if let Some(more) = self.depends.get(key) {
                deps.extend(more.iter().cloned());
            }
        };
        if let [end, claim_ref] = inputs
            && let Some(claim_id) = claim_ref.strip_prefix("claim:")
        {
            let key = SeriesKey::try_from(end.as_str()).ok()?;
            add_deps(&key, deps);
            deps.push(claim_ref.clone());
            let claim = self.ds.claim(claim_id)?;
            let factor = factor_interval(claim, self.coarse)?;
            return self.intervals.get(&key)?.div_positive(factor);
        }
        let mut total = Interval { lo: 0.0, hi: 0.0 };
        for term in inputs {
            let (neg, k) = match term.split_at_checked(1)? {
                ("+", k) => (false, k),
                ("-", k) => (true, k),
                _ => return None,
            };
            let key = SeriesKey::try_from(k).ok()?;
            add_deps(&key, deps);
            let i = *self.intervals.get(&key)?;
            total = total.add(if neg { i.neg() } else { i });
        }
        Some(total)
    }

    fn interval(&self, key: &SeriesKey) -> Option<Interval> {
        self.intervals.get(key).copied()
    }

    /// Whether `key` was derived from any of `others` (a check over them
    /// would be true by construction).
    fn derived_from(&self, key: &SeriesKey, others: &[String]) -> bool {
        self.depends
            .get(key)
            .is_some_and(|deps| deps.iter().any(|d| others.contains(d)))
    }

    fn tautological(&self, keys: &[SeriesKey], claim: Option<&str>) -> bool {
        // Most figures are derived from nothing: no names to build.
        if !keys.iter().any(|k| self.depends.contains_key(k)) {
            return false;
        }
        let mut names: Vec<String> = keys.iter().map(SeriesKey::to_string).collect();
        if let Some(id) = claim {
            names.push(format!("claim:{id}"));
        }
        keys.iter().any(|k| self.derived_from(k, &names))
    }
}

/// The place value of the last non-zero digit, but never coarser than two
/// significant figures: 9,200만 (92,000,000) -> 1,000,000; 3,000억 -> 10^10.
fn last_nonzero_place(v: i64) -> i64 {
    let mut rest = v.unsigned_abs();
    let mut place: i64 = 1;
    while rest >= 100 && rest.is_multiple_of(10) {
        rest /= 10;
        place *= 10;
    }
    place
}

/// The rounding of a printed ratio, coarsened to its last non-zero digit (but
/// not beyond two significant figures) if asked.
fn claim_rounding(claim: &Claim, coarse: bool) -> f64 {
    let printed = dec(claim.rounding);
    if !coarse || claim.value.is_zero() {
        return printed;
    }
    let mut place = printed;
    let value = dec(claim.value).abs();
    while place * 100.0 <= value && (value / (place * 10.0)).fract().abs() < 1e-9 {
        place *= 10.0;
    }
    place
}

fn factor_interval(claim: &Claim, coarse: bool) -> Option<Interval> {
    let half = claim_rounding(claim, coarse) / 2.0;
    let f = dec(growth_factor(claim)?);
    // The factor moves with the printed value one for one, or by 1/100 for percent.
    let scale = if claim.kind == ClaimKind::ChangePct {
        0.01
    } else {
        1.0
    };
    Some(Interval {
        lo: f - half * scale,
        hi: f + half * scale,
    })
}

fn key(measure: Measure, group: GroupId, partner: PartnerCode, period: Period) -> SeriesKey {
    SeriesKey {
        measure,
        group,
        partner,
        period,
    }
}

/// How far each figure of the dataset may be from the true value: the width
/// of its interval (a reported figure: its printed rounding; a derived one:
/// what its inputs' rounding allows). The most precise of two figures for
/// the same thing is the one with the narrower interval.
pub fn widths(ds: &Dataset) -> HashMap<SeriesKey, f64> {
    Checker::new(ds, false)
        .intervals
        .into_iter()
        .map(|(k, i)| (k, i.hi - i.lo))
        .collect()
}

/// Whether a printed ratio agrees with the levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Within the rounding of the ratio and of the levels it is computed from.
    Agrees,
    /// Outside it; the data-quality report explains the disagreement.
    Disagrees,
    /// A level was derived from this printed ratio (the brief prints the
    /// 2024 level and the growth rate, not the 2014 level): it agrees by
    /// construction and checks nothing.
    LevelsDerivedFromIt,
    /// The levels it needs are not in the dataset.
    NotChecked,
}

impl Agreement {
    pub fn as_str(self) -> &'static str {
        match self {
            Agreement::Agrees => "agrees",
            Agreement::Disagrees => "disagrees",
            Agreement::LevelsDerivedFromIt => "levels_derived_from_it",
            Agreement::NotChecked => "not_checked",
        }
    }
}

/// The agreement of every printed ratio of the dataset with its levels, by
/// claim id.
pub fn claim_agreements(ds: &Dataset) -> HashMap<String, Agreement> {
    let checker = Checker::new(ds, false);
    ds.claims
        .iter()
        .map(|claim| {
            let agreement = match check_claim(&checker, claim) {
                Some(check) if check.passed => Agreement::Agrees,
                Some(_) => Agreement::Disagrees,
                None if tautological_claim(&checker, claim) => Agreement::LevelsDerivedFromIt,
                None => Agreement::NotChecked,
            };
            (claim.id.clone(), agreement)
        })
        .collect()
}

/// Whether a level the claim is checked against was derived from it.
fn tautological_claim(c: &Checker<'_>, claim: &Claim) -> bool {
    let mut keys: Vec<SeriesKey> = claim
        .partners
        .iter()
        .map(|&p| key(claim.measure, claim.group, p, Period::annual(claim.year)))
        .collect();
    if let Some(base) = claim.base_year {
        keys.extend(
            claim
                .partners
                .iter()
                .map(|&p| key(claim.measure, claim.group, p, Period::annual(base))),
        );
    }
    c.tautological(&keys, Some(&claim.id))
}

/// Checks every identity of the dataset's figures and every printed ratio,
/// with each figure's printed rounding; a failed check says whether it would
/// pass were the figures rounded to their last non-zero digit.
pub fn check(ds: &Dataset) -> QualityReport {
    let mut checks = run_checks(&Checker::new(ds, false));
    let coarse: HashMap<String, bool> = run_checks(&Checker::new(ds, true))
        .into_iter()
        .map(|c| (c.id, c.passed))
        .collect();
    for check in checks.iter_mut().filter(|c| !c.passed) {
        check.within_coarse_rounding = Some(coarse.get(&check.id).copied().unwrap_or(false));
    }
    QualityReport {
        dataset: ds.info.id.clone(),
        checks,
    }
}

fn run_checks(c: &Checker<'_>) -> Vec<Check> {
    let ds = c.ds;
    let mut checks = Vec::new();
    let mut coords: Vec<(GroupId, PartnerCode, Period)> = ds
        .observations
        .iter()
        .map(|o| (o.key.group, o.key.partner, o.key.period))
        .collect();
    coords.sort_unstable();
    coords.dedup();

    // balance = exports - imports
    for &(g, p, y) in &coords {
        let (kb, kx, km) = (
            key(Measure::Balance, g, p, y),
            key(Measure::Exports, g, p, y),
            key(Measure::Imports, g, p, y),
        );
        let (Some(b), Some(x), Some(m)) = (c.interval(&kb), c.interval(&kx), c.interval(&km))
        else {
            continue;
        };
        if c.tautological(&[kb, kx, km], None) {
            continue;
        }
        let implied = x.sub(m);
        checks.push(Check {
            id: format!("balance:{g}/{p}/{y}"),
            kind: CheckKind::BalanceIdentity,
            description: format!("balance = exports - imports for {g}, {p}, {y}"),
            printed: usd_interval(b),
            implied: usd_interval(implied),
            passed: b.overlaps(implied),
            within_coarse_rounding: None,
        });
    }

    // the groups sum to `all` (where the dataset has groups: otherwise its
    // `all` is the source's own total, with nothing to sum)
    let groups = ds.groups_covered();
    for &(g, p, y) in &coords {
        if g != GroupId::All || groups.is_empty() {
            continue;
        }
        for measure in Measure::ALL {
            let total_key = key(measure, GroupId::All, p, y);
            let Some(total) = c.interval(&total_key) else {
                continue;
            };
            let parts: Vec<SeriesKey> = groups
                .iter()
                .map(|&gr| key(measure, GroupId::Group(gr), p, y))
                .collect();
            let Some(sum) = parts
                .iter()
                .map(|k| c.interval(k))
                .try_fold(Interval { lo: 0.0, hi: 0.0 }, |acc, i| {
                    i.map(|i| acc.add(i))
                })
            else {
                continue;
            };
            let mut all_keys = parts.clone();
            all_keys.push(total_key);
            if c.tautological(&all_keys, None) {
                continue;
            }
            checks.push(Check {
                id: format!("groups-sum:{measure}/{p}/{y}"),
                kind: CheckKind::GroupsSumToAll,
                description: format!(
                    "the {} groups sum to all: {measure}, {p}, {y}",
                    groups.len()
                ),
                printed: usd_interval(total),
                implied: usd_interval(sum),
                passed: total.overlaps(sum),
                within_coarse_rounding: None,
            });
        }
    }

    // partners within and summing to the world
    let listed: Vec<(PartnerCode, crate::partner::PartnerKind)> = Partner::all()
        .iter()
        .filter(|p| !p.kind.is_aggregate())
        .map(|p| (p.code, p.kind))
        .collect();
    let is_listed: std::collections::HashSet<PartnerCode> =
        listed.iter().map(|(p, _)| *p).collect();
    let mut gy: Vec<(GroupId, Period)> = coords.iter().map(|&(g, _, y)| (g, y)).collect();
    gy.sort_unstable();
    gy.dedup();
    // How many partners a group lists anywhere in the dataset: the rest of
    // the world is the world minus all of them, so the sum needs every one.
    let mut listed_in_group: HashMap<GroupId, std::collections::HashSet<PartnerCode>> =
        HashMap::new();
    for &(g, p, _) in &coords {
        if is_listed.contains(&p) {
            listed_in_group.entry(g).or_default().insert(p);
        }
    }
    for &(g, y) in &gy {
        for measure in Measure::ALL {
            let wk = key(measure, g, PartnerCode::WORLD, y);
            let Some(world) = c.interval(&wk) else {
                continue;
            };
            // The partners with a figure that may be counted side by side:
            // a bloc whose members are listed too would count them twice.
            let with_figure: Vec<(PartnerCode, crate::partner::PartnerKind)> = listed
                .iter()
                .copied()
                .filter(|&(p, _)| c.interval(&key(measure, g, p, y)).is_some())
                .collect();
            let (countable, _) = crate::membership::countable(&with_figure, y);
            let present: Vec<SeriesKey> =
                countable.iter().map(|&p| key(measure, g, p, y)).collect();
            if present.is_empty() {
                continue;
            }
            let sum = present
                .iter()
                .filter_map(|k| c.interval(k))
                .fold(Interval { lo: 0.0, hi: 0.0 }, Interval::add);
            let names: Vec<String> = present.iter().map(|k| k.partner.to_string()).collect();
            if measure != Measure::Balance && !c.tautological(&present, None) {
                checks.push(Check {
                    id: format!("within-world:{measure}/{g}/{y}"),
                    kind: CheckKind::PartnersWithinWorld,
                    description: format!(
                        "{} together do not exceed the world: {measure}, {g}, {y}",
                        names.join("+")
                    ),
                    printed: usd_interval(world),
                    implied: usd_interval(sum),
                    passed: sum.lo <= world.hi,
                    within_coarse_rounding: None,
                });
            }
            let rk = key(measure, g, PartnerCode::REST_OF_WORLD, y);
            let complete = with_figure.len() == listed_in_group.get(&g).map_or(0, |s| s.len());
            if let (Some(rest), true) = (c.interval(&rk), complete) {
                let mut keys = present.clone();
                keys.push(rk);
                keys.push(wk);
                if !c.tautological(&keys, None) {
                    let implied = sum.add(rest);
                    checks.push(Check {
                        id: format!("partners-sum:{measure}/{g}/{y}"),
                        kind: CheckKind::PartnersSumToWorld,
                        description: format!(
                            "{}+ROW = world: {measure}, {g}, {y}",
                            names.join("+")
                        ),
                        printed: usd_interval(world),
                        implied: usd_interval(implied),
                        passed: world.overlaps(implied),
                        within_coarse_rounding: None,
                    });
                }
            }
        }
    }

    for claim in &ds.claims {
        if let Some(check) = check_claim(c, claim) {
            checks.push(check);
        }
    }
    checks
}

fn sum_partners(c: &Checker<'_>, claim: &Claim, year: Year) -> Option<(Interval, Vec<SeriesKey>)> {
    let keys: Vec<SeriesKey> = claim
        .partners
        .iter()
        .map(|&p| key(claim.measure, claim.group, p, Period::annual(year)))
        .collect();
    let sum = keys
        .iter()
        .map(|k| c.interval(k))
        .try_fold(Interval { lo: 0.0, hi: 0.0 }, |acc, i| {
            i.map(|i| acc.add(i))
        })?;
    Some((sum, keys))
}

fn check_claim(c: &Checker<'_>, claim: &Claim) -> Option<Check> {
    let (end, mut keys) = sum_partners(c, claim, claim.year)?;
    let printed_value = dec(claim.value);
    let printed = Interval::around(printed_value, claim_rounding(claim, c.coarse));
    let (implied, shown, alternative) = match claim.kind {
        ClaimKind::SharePct => {
            let wk = key(
                claim.measure,
                claim.group,
                PartnerCode::WORLD,
                Period::annual(claim.year),
            );
            let world = c.interval(&wk)?;
            keys.push(wk);
            let i = end.div_positive(world)?.scale(100.0);
            (i, format!("{:.2}%", i.mid()), None)
        }
        ClaimKind::ChangeUsd => {
            let (start, more) = sum_partners(c, claim, claim.base_year?)?;
            keys.extend(more);
            let i = end.sub(start);
            (i, usd_interval(i), None)
        }
        ClaimKind::ChangePct | ClaimKind::Multiple => {
            let (start, more) = sum_partners(c, claim, claim.base_year?)?;
            keys.extend(more);
            let ratio = end.div_positive(start)?;
            match (claim.kind, claim.reading) {
                (ClaimKind::ChangePct, _) => {
                    let i = ratio.shift(-1.0).scale(100.0);
                    (i, format!("{:.1}%", i.mid()), None)
                }
                (_, Some(MultipleReading::OnePlus)) => {
                    let i = ratio.shift(-1.0);
                    (i, format!("{:.2} (read as 1 + N)", i.mid()), Some(ratio))
                }
                _ => (
                    ratio,
                    format!("{:.2} (read as end / start)", ratio.mid()),
                    Some(ratio.shift(-1.0)),
                ),
            }
        }
    };
    if c.tautological(&keys, Some(&claim.id)) {
        return None;
    }
    let passed = match claim.relation {
        Relation::Equal => printed.overlaps(implied),
        Relation::Below => implied.lo < printed_value,
    };
    let mut implied_text = shown;
    if let (false, Some(alt)) = (passed, alternative) {
        let fits = printed.overlaps(alt);
        let _ = write!(
            implied_text,
            "; the other reading gives {:.2}{}",
            alt.mid(),
            if fits { ", which fits" } else { "" }
        );
    }
    let printed_text = match claim.kind {
        ClaimKind::ChangeUsd => usd(printed_value),
        ClaimKind::Multiple => format!("{}배", claim.value),
        _ => format!(
            "{}{}%",
            if claim.relation == Relation::Below {
                "< "
            } else {
                ""
            },
            claim.value
        ),
    };
    Some(Check {
        id: format!("claim:{}", claim.id),
        kind: CheckKind::PrintedRatio,
        description: format!("{} ({})", claim.citation.quote, claim.citation.section),
        printed: printed_text,
        implied: implied_text,
        passed,
        within_coarse_rounding: None,
    })
}
