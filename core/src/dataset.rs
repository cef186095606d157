//! A dataset: its description, its observations and the ratios its source printed.

use std::collections::HashMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;
use crate::flow::Measure;
use crate::group::{Group, GroupId};
use crate::observation::{Citation, Derivation, Observation, Provenance, SeriesKey, Status};
use crate::partner::PartnerCode;
use crate::period::Period;
use crate::year::Year;

/// What a dataset is and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// Stable identifier used in URLs (`kiat-2026-04`).
    pub id: String,
    pub title: String,
    pub publisher: String,
    /// Bibliographic citation of the source.
    pub citation: String,
    pub source_url: Option<String>,
    /// The edition or retrieval time of the source.
    pub vintage: String,
    /// Caveats a reader of the figures must know.
    pub notes: Vec<String>,
}

/// The kind of a ratio or change a source printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Percent change from `base_year` to `year`.
    ChangePct,
    /// "N배": a multiple, read as in [`MultipleReading`].
    Multiple,
    /// Percent share of the world total of the same group, measure and year.
    SharePct,
    /// Absolute change in US dollars from `base_year` to `year`.
    ChangeUsd,
}

/// How a printed "N배" (N times) is to be read: the brief uses both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MultipleReading {
    /// end / start = N.
    EndOverStart,
    /// An increase by N times: end / start = 1 + N.
    OnePlus,
}

/// Whether the printed number is the value or an upper bound ("1% 미만").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Equal,
    Below,
}

/// A growth rate, multiple, share or change printed by the source, kept to
/// check the levels against it and to derive levels it implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub id: String,
    pub kind: ClaimKind,
    pub reading: Option<MultipleReading>,
    pub group: GroupId,
    /// One partner, or several whose levels are summed (the five listed partners).
    pub partners: Vec<PartnerCode>,
    pub measure: Measure,
    pub year: Year,
    pub base_year: Option<Year>,
    /// The printed number (percent, multiple, or dollars for `change_usd`).
    pub value: Decimal,
    /// The place value of its last printed digit.
    pub rounding: Decimal,
    pub relation: Relation,
    pub citation: Citation,
    pub note: String,
}

/// A dataset id: 1 to 64 lower-case ASCII letters, digits, `-`, `_` or `.`,
/// starting with a letter or digit (it appears in URLs).
pub fn validate_dataset_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
        && id.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        Err(
            "1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"
                .to_owned(),
        )
    }
}

impl Claim {
    /// The printed number as a float (a percent, a multiple, or dollars).
    pub fn value_f64(&self) -> Option<f64> {
        use rust_decimal::prelude::ToPrimitive;
        self.value.to_f64().filter(|v| v.is_finite())
    }

    /// The printed number in whole dollars, for a change in dollars.
    pub fn value_usd(&self) -> Option<i64> {
        use rust_decimal::prelude::ToPrimitive;
        (self.kind == ClaimKind::ChangeUsd)
            .then(|| self.value.round().to_i64())
            .flatten()
    }

    /// Where it is printed: `section: quote`.
    pub fn cited(&self) -> String {
        format!("{}: {}", self.citation.section, self.citation.quote)
    }
}

/// A dataset held in memory, with an index by coordinates.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub info: DatasetInfo,
    pub observations: Vec<Observation>,
    pub claims: Vec<Claim>,
    index: HashMap<SeriesKey, usize>,
}

/// A data file could not be read: which file, line and field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {problem}")]
pub struct DatasetError {
    pub file: String,
    pub line: u64,
    pub problem: String,
}

impl Dataset {
    /// A dataset of the given observations; duplicate coordinates are refused.
    pub fn new(
        info: DatasetInfo,
        observations: Vec<Observation>,
        claims: Vec<Claim>,
    ) -> Result<Dataset, SeriesKey> {
        let mut index = HashMap::with_capacity(observations.len());
        for (i, o) in observations.iter().enumerate() {
            if index.insert(o.key, i).is_some() {
                return Err(o.key);
            }
        }
        Ok(Dataset {
            info,
            observations,
            claims,
            index,
        })
    }

    /// The observation at these coordinates.
    pub fn get(&self, key: &SeriesKey) -> Option<&Observation> {
        self.index.get(key).map(|&i| &self.observations[i])
    }

    /// The value at these coordinates.
    pub fn value(&self, key: &SeriesKey) -> Option<i64> {
        self.get(key).map(|o| o.value_usd)
    }

    /// The printed ratio with this id.
    pub fn claim(&self, id: &str) -> Option<&Claim> {
        self.claims.iter().find(|c| c.id == id)
    }

    /// The ATP groups with at least one figure: what the aggregate `all` of
    /// this dataset covers.
    pub fn groups_covered(&self) -> Vec<Group> {
        groups_covered(&self.observations)
    }

    /// The periods with at least one figure, ascending (years first).
    pub fn periods(&self) -> Vec<Period> {
        let mut periods: Vec<Period> = self.observations.iter().map(|o| o.key.period).collect();
        periods.sort_unstable();
        periods.dedup();
        periods
    }
}

// ---------------------------------------------------------------------------
// Reading the human-readable data files of a dataset.

#[derive(Debug, Deserialize)]
struct ObservationRow {
    group: String,
    partner: String,
    year: String,
    measure: String,
    value_usd: String,
    rounding_usd: String,
    status: String,
    method: String,
    inputs: String,
    section: String,
    quote: String,
}

#[derive(Debug, Deserialize)]
struct ClaimRow {
    id: String,
    kind: String,
    group: String,
    partner: String,
    measure: String,
    year: String,
    base_year: String,
    value: String,
    rounding: String,
    relation: String,
    reading: String,
    section: String,
    quote: String,
    note: String,
}

/// The five partners the brief lists separately, summed where it says "5개 국가·지역".
pub const LISTED_FIVE: [PartnerCode; 5] = [
    PartnerCode::EU,
    PartnerCode::new_const("CN"),
    PartnerCode::new_const("MX"),
    PartnerCode::new_const("KR"),
    PartnerCode::new_const("JP"),
];

struct FileReader<'a> {
    file: &'a str,
}

impl FileReader<'_> {
    fn err(&self, line: u64, problem: impl Into<String>) -> DatasetError {
        DatasetError {
            file: self.file.to_owned(),
            line,
            problem: problem.into(),
        }
    }

    fn field<T>(&self, line: u64, r: Result<T, InvalidValue>) -> Result<T, DatasetError> {
        r.map_err(|e| self.err(line, e.to_string()))
    }

    fn rows<T: for<'de> Deserialize<'de>>(
        &self,
        text: &str,
    ) -> Result<Vec<(u64, T)>, DatasetError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for record in reader.deserialize::<T>() {
            match record {
                Ok(row) => {
                    let line = out.len() as u64 + 2;
                    out.push((line, row));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(self.err(line, e.to_string()));
                }
            }
        }
        Ok(out)
    }
}

fn parse_decimal(field: &'static str, s: &str) -> Result<Decimal, InvalidValue> {
    s.trim()
        .parse::<Decimal>()
        .map_err(|_| InvalidValue::with_expectation(field, s, "expected a decimal number"))
}

fn parse_i64(field: &'static str, s: &str) -> Result<i64, InvalidValue> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| InvalidValue::with_expectation(field, s, "expected whole US dollars"))
}

fn parse_optional_year(field: &'static str, s: &str) -> Result<Option<Year>, InvalidValue> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    Year::try_from(s)
        .map(Some)
        .map_err(|e| InvalidValue { field, ..e })
}

fn parse_claims(file: &str, text: &str) -> Result<Vec<Claim>, DatasetError> {
    let r = FileReader { file };
    let mut claims: Vec<Claim> = Vec::new();
    for (line, row) in r.rows::<ClaimRow>(text)? {
        let kind = match row.kind.trim() {
            "change_pct" => ClaimKind::ChangePct,
            "multiple" => ClaimKind::Multiple,
            "share_pct" => ClaimKind::SharePct,
            "change_usd" => ClaimKind::ChangeUsd,
            other => {
                return Err(r.err(
                    line,
                    InvalidValue::not_in_list(
                        "kind",
                        other,
                        ["change_pct", "multiple", "share_pct", "change_usd"],
                    )
                    .to_string(),
                ));
            }
        };
        let reading = match (kind, row.reading.trim()) {
            (ClaimKind::Multiple, "end_over_start") => Some(MultipleReading::EndOverStart),
            (ClaimKind::Multiple, "one_plus") => Some(MultipleReading::OnePlus),
            (ClaimKind::Multiple, other) => {
                return Err(r.err(
                    line,
                    InvalidValue::not_in_list("reading", other, ["end_over_start", "one_plus"])
                        .to_string(),
                ));
            }
            (_, "") => None,
            (_, other) => {
                return Err(r.err(line, format!("reading {other:?} is only for kind multiple")));
            }
        };
        let partners = if row.partner.trim() == "FIVE" {
            LISTED_FIVE.to_vec()
        } else {
            vec![r.field(line, PartnerCode::try_from(row.partner.as_str()))?]
        };
        let relation = match row.relation.trim() {
            "=" | "" => Relation::Equal,
            "<" => Relation::Below,
            other => {
                return Err(r.err(
                    line,
                    InvalidValue::not_in_list("relation", other, ["=", "<"]).to_string(),
                ));
            }
        };
        let base_year = r.field(line, parse_optional_year("base_year", &row.base_year))?;
        let needs_base = !matches!(kind, ClaimKind::SharePct);
        if needs_base != base_year.is_some() {
            return Err(r.err(
                line,
                format!(
                    "base_year is required for {:?} claims and only for them",
                    kind
                ),
            ));
        }
        let claim = Claim {
            id: row.id.trim().to_owned(),
            kind,
            reading,
            group: r.field(line, GroupId::try_from(row.group.as_str()))?,
            partners,
            measure: r.field(line, Measure::try_from(row.measure.as_str()))?,
            year: r.field(line, Year::try_from(row.year.as_str()))?,
            base_year,
            value: r.field(line, parse_decimal("value", &row.value))?,
            rounding: r.field(line, parse_decimal("rounding", &row.rounding))?,
            relation,
            citation: Citation {
                section: row.section,
                quote: row.quote,
            },
            note: row.note,
        };
        if claim.id.is_empty() || claims.iter().any(|c| c.id == claim.id) {
            return Err(r.err(
                line,
                format!("claim id {:?} is empty or not unique", claim.id),
            ));
        }
        claims.push(claim);
    }
    Ok(claims)
}

/// A derived row before its value is computed.
struct PendingDerivation {
    line: u64,
    key: SeriesKey,
    printed_value: i64,
    method: String,
    inputs: Vec<String>,
    citation: Citation,
}

/// The growth factor end/start that a printed change or multiple states.
pub fn growth_factor(claim: &Claim) -> Option<Decimal> {
    let hundred = Decimal::ONE_HUNDRED;
    match (claim.kind, claim.reading) {
        (ClaimKind::ChangePct, _) => Some(Decimal::ONE + claim.value / hundred),
        (ClaimKind::Multiple, Some(MultipleReading::EndOverStart)) => Some(claim.value),
        (ClaimKind::Multiple, Some(MultipleReading::OnePlus)) => Some(Decimal::ONE + claim.value),
        _ => None,
    }
}

fn claim_formula(claim: &Claim) -> String {
    match (claim.kind, claim.reading) {
        (ClaimKind::ChangePct, _) => format!("(1 + {}%)", claim.value),
        (ClaimKind::Multiple, Some(MultipleReading::OnePlus)) => format!("(1 + {})", claim.value),
        _ => claim.value.to_string(),
    }
}

fn compute_derivation(
    p: &PendingDerivation,
    values: &HashMap<SeriesKey, i64>,
    claims: &[Claim],
) -> Result<Option<(i64, String)>, String> {
    match p.method.as_str() {
        "from_growth" => {
            let [end_key, claim_ref] = p.inputs.as_slice() else {
                return Err("from_growth takes two inputs: <end key>;claim:<id>".into());
            };
            let end_key = SeriesKey::try_from(end_key.as_str()).map_err(|e| e.to_string())?;
            let claim_id = claim_ref
                .strip_prefix("claim:")
                .ok_or_else(|| format!("second input {claim_ref:?} must be claim:<id>"))?;
            let claim = claims
                .iter()
                .find(|c| c.id == claim_id)
                .ok_or_else(|| format!("unknown claim {claim_id:?}"))?;
            let coherent = claim.group == p.key.group
                && claim.partners == [p.key.partner]
                && claim.measure == p.key.measure
                && claim.base_year.map(Period::annual) == Some(p.key.period)
                && Period::annual(claim.year) == end_key.period
                && end_key.group == p.key.group
                && end_key.partner == p.key.partner
                && end_key.measure == p.key.measure;
            if !coherent {
                return Err(format!(
                    "claim {claim_id} and input {end_key} do not describe {}",
                    p.key
                ));
            }
            let factor = growth_factor(claim)
                .ok_or_else(|| format!("claim {claim_id} states no growth factor"))?;
            if factor <= Decimal::ZERO {
                return Err(format!(
                    "claim {claim_id} gives a non-positive growth factor"
                ));
            }
            let Some(&end) = values.get(&end_key) else {
                return Ok(None);
            };
            let start = (Decimal::from(end) / factor)
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            let start = i64::try_from(start).map_err(|e| e.to_string())?;
            Ok(Some((
                start,
                format!("{end_key} / {}", claim_formula(claim)),
            )))
        }
        "sum" => {
            let mut total: i64 = 0;
            let mut formula = String::new();
            for (i, term) in p.inputs.iter().enumerate() {
                let (sign, key) = match term.split_at_checked(1) {
                    Some(("+", k)) => (1, k),
                    Some(("-", k)) => (-1, k),
                    _ => return Err(format!("sum input {term:?} must start with + or -")),
                };
                let key = SeriesKey::try_from(key).map_err(|e| e.to_string())?;
                let Some(&v) = values.get(&key) else {
                    return Ok(None);
                };
                total = total
                    .checked_add(sign * v)
                    .ok_or_else(|| "sum overflows".to_owned())?;
                match (i, sign) {
                    (0, 1) => formula.push_str(&key.to_string()),
                    (0, _) => formula.push_str(&format!("-{key}")),
                    (_, 1) => formula.push_str(&format!(" + {key}")),
                    (_, _) => formula.push_str(&format!(" - {key}")),
                }
            }
            Ok(Some((total, formula)))
        }
        other => Err(format!(
            "unknown method {other:?}: expected from_growth or sum"
        )),
    }
}

/// Reads a dataset from its two data files: `observations.csv` (one printed
/// or derived level per row) and `claims.csv` (printed ratios). Derived rows
/// are recomputed from their inputs and must agree with the file to the dollar.
pub fn read_dataset(
    info: DatasetInfo,
    observations_file: (&str, &str),
    claims_file: (&str, &str),
) -> Result<Dataset, DatasetError> {
    let claims = parse_claims(claims_file.0, claims_file.1)?;
    let r = FileReader {
        file: observations_file.0,
    };
    let mut observations = Vec::new();
    let mut values: HashMap<SeriesKey, i64> = HashMap::new();
    let mut pending = Vec::new();
    for (line, row) in r.rows::<ObservationRow>(observations_file.1)? {
        let key = SeriesKey {
            measure: r.field(line, Measure::try_from(row.measure.as_str()))?,
            group: r.field(line, GroupId::try_from(row.group.as_str()))?,
            partner: r.field(line, PartnerCode::try_from(row.partner.as_str()))?,
            period: r.field(line, Year::try_from(row.year.as_str()).map(Period::annual))?,
        };
        let value = r.field(line, parse_i64("value_usd", &row.value_usd))?;
        if key.measure != Measure::Balance && value < 0 {
            return Err(r.err(line, format!("{key}: a flow cannot be negative ({value})")));
        }
        let citation = Citation {
            section: row.section,
            quote: row.quote,
        };
        match r.field(line, Status::try_from(row.status.as_str()))? {
            Status::Reported => {
                let rounding = r.field(line, parse_i64("rounding_usd", &row.rounding_usd))?;
                if rounding <= 0 || citation.quote.is_empty() {
                    return Err(r.err(
                        line,
                        "a reported figure needs a positive rounding_usd and a quote",
                    ));
                }
                if values.insert(key, value).is_some() {
                    return Err(r.err(line, format!("duplicate figure for {key}")));
                }
                observations.push(Observation {
                    key,
                    value_usd: value,
                    provenance: Provenance {
                        status: Status::Reported,
                        rounding_usd: Some(rounding),
                        derivation: None,
                        citation,
                    },
                });
            }
            Status::Derived => pending.push(PendingDerivation {
                line,
                key,
                printed_value: value,
                method: row.method.trim().to_owned(),
                inputs: row.inputs.split(';').map(|s| s.trim().to_owned()).collect(),
                citation,
            }),
        }
    }
    // Derived rows may build on each other: resolve in passes until none is left.
    while !pending.is_empty() {
        let before = pending.len();
        let mut still = Vec::new();
        for p in pending {
            match compute_derivation(&p, &values, &claims).map_err(|e| r.err(p.line, e))? {
                None => still.push(p),
                Some((value, formula)) => {
                    if value != p.printed_value {
                        return Err(r.err(
                            p.line,
                            format!(
                                "{}: the file says {} but {formula} = {value}",
                                p.key, p.printed_value
                            ),
                        ));
                    }
                    if values.insert(p.key, value).is_some() {
                        return Err(r.err(p.line, format!("duplicate figure for {}", p.key)));
                    }
                    observations.push(Observation {
                        key: p.key,
                        value_usd: value,
                        provenance: Provenance {
                            status: Status::Derived,
                            rounding_usd: None,
                            derivation: Some(Derivation {
                                formula,
                                inputs: p.inputs,
                            }),
                            citation: p.citation,
                        },
                    });
                }
            }
        }
        if still.len() == before {
            let p = &still[0];
            return Err(r.err(
                p.line,
                format!("{}: inputs {:?} are missing or circular", p.key, p.inputs),
            ));
        }
        pending = still;
    }
    Dataset::new(info, observations, claims)
        .map_err(|key| r.err(0, format!("duplicate figure for {key}")))
}

/// The ATP groups with at least one figure among `observations`, in Census
/// order: what an `all` aggregate of them covers.
pub fn groups_covered(observations: &[Observation]) -> Vec<Group> {
    let mut present = [false; Group::ALL.len()];
    for o in observations {
        if let GroupId::Group(g) = o.key.group {
            present[g as usize] = true;
        }
    }
    Group::ALL
        .into_iter()
        .filter(|g| present[*g as usize])
        .collect()
}
