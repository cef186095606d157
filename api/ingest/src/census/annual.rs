//! From monthly rows to observations: each month as printed (`_MO`), and
//! complete years only, from the December year-to-date (checked against the
//! sum of the months).

use std::collections::{BTreeMap, BTreeSet};

use atp_core::{
    Citation, Flow, GroupId, Measure, Observation, PartnerCode, Period, Provenance, SeriesKey,
    Status, Year,
};

use super::api::{endpoint, value_variables};
use super::{CensusResponse, CensusRow};
use crate::{ImportBatch, IncompleteYear, IngestError};

pub(super) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One month of one series, with the response it came from.
#[derive(Clone, Copy)]
pub(super) struct Cell<'a> {
    response: &'a CensusResponse,
    row: &'a CensusRow,
}

impl Cell<'_> {
    fn time(&self) -> String {
        format!("{}-{:02}", self.row.year, self.row.month)
    }

    /// `CTY_CODE 5700, HITECH 01, time 2017-12`.
    fn coordinates(&self) -> String {
        let partner = if self.row.cty_code.is_empty() || self.row.cty_code == "-" {
            format!("CTY_NAME {}", self.row.cty_name)
        } else {
            format!("CTY_CODE {}", self.row.cty_code)
        };
        format!(
            "{partner}, HITECH {}, time {}",
            hitech_code(self.row.group),
            self.time()
        )
    }
}

pub(super) type SeriesId = (Flow, GroupId, PartnerCode, Year);

/// The `HITECH` code a group has in the responses (`-` for all goods).
pub(super) fn hitech_code(group: GroupId) -> &'static str {
    match group {
        GroupId::Group(g) => g.census_code(),
        GroupId::NonAtp => "00",
        GroupId::AllGoods => "-",
        GroupId::All => "(the sum of 01..10)",
    }
}

pub(super) fn describe(series: &SeriesId) -> String {
    let (flow, group, partner, year) = series;
    format!(
        "series {flow}, group {group} (HITECH {}), partner {partner}, {year}",
        hitech_code(*group)
    )
}

/// Combines saved responses (imports and exports, one or several years) into
/// observations: every month with a monthly value, as printed; and one per
/// flow, group, partner and complete year.
///
/// A year of a flow is complete when some world-total row of that flow and
/// year is for December, or, when the responses have no world-total row for
/// that flow and year, when any row is. The annual value is the year-to-date
/// value of the series' last month; with monthly values only, the sum of its
/// months. Incomplete years give no observation and one `IncompleteYear`
/// each (months of all flows together), with a warning naming the flow.
/// `file` names the set in errors that are not about one row.
pub fn annual_observations(
    file: &str,
    responses: &[CensusResponse],
    retrieved: &str,
) -> Result<ImportBatch, IngestError> {
    if responses.is_empty() {
        return Err(IngestError::file(
            file,
            "no Census responses to combine: expected at least one",
        ));
    }
    let mut series: BTreeMap<SeriesId, BTreeMap<u8, Cell<'_>>> = BTreeMap::new();
    // (flow, year) -> (months of any row, months of world rows)
    let mut months: BTreeMap<(Flow, Year), (BTreeSet<u8>, BTreeSet<u8>)> = BTreeMap::new();
    let mut warnings: Vec<String> = Vec::new();
    for response in responses {
        warnings.extend(response.warnings.iter().cloned());
        for row in &response.rows {
            let id = (response.flow, row.group, row.partner, row.year);
            let cell = Cell { response, row };
            if let Some(other) = series.entry(id).or_default().insert(row.month, cell) {
                return Err(IngestError::field(
                    &response.file,
                    row.row,
                    "time",
                    &cell.time(),
                    format!(
                        "a duplicate month of {}: {} row {} has it too",
                        describe(&id),
                        other.response.file,
                        other.row.row
                    ),
                ));
            }
            let (any, world) = months.entry((response.flow, row.year)).or_default();
            any.insert(row.month);
            if row.partner == PartnerCode::WORLD {
                world.insert(row.month);
            }
        }
    }

    let mut complete: BTreeSet<(Flow, Year)> = BTreeSet::new();
    let mut incomplete: BTreeMap<Year, BTreeSet<u8>> = BTreeMap::new();
    for (&(flow, year), (any, world)) in &months {
        let judged_on = if world.is_empty() {
            warnings.push(format!(
                "{file}: no world-total rows for {flow} {year}; the year counts as complete if any \
                 series has December"
            ));
            any
        } else {
            world
        };
        if judged_on.contains(&12) {
            complete.insert((flow, year));
        } else {
            let list: Vec<String> = any.iter().map(|m| format!("{m:02}")).collect();
            warnings.push(format!(
                "{file}: {flow} {year} is incomplete (no December; months present: {}); no annual \
                 value imported for {flow} {year}",
                list.join(", ")
            ));
            incomplete
                .entry(year)
                .or_default()
                .extend(any.iter().copied());
        }
    }

    let mut observations = Vec::new();
    // One provenance for each flow's monthly values: the variable and the
    // endpoint; the key says which cell.
    let monthly_provenance = |flow: Flow| Provenance {
        status: Status::Reported,
        rounding_usd: Some(1),
        derivation: None,
        citation: Citation {
            section: format!(
                "US Census Bureau International Trade API, {}, {} (the month's value), retrieved \
                 {retrieved}",
                endpoint(flow),
                value_variables(flow).monthly
            ),
            quote: String::new(),
        },
    };
    for (id, cells) in &series {
        let (flow, group, partner, year) = *id;
        for (&month, cell) in cells {
            let Some(value) = cell.row.value_month else {
                continue;
            };
            let period = Period::monthly(year, month).map_err(|e| {
                IngestError::field(
                    &cell.response.file,
                    cell.row.row,
                    "time",
                    &cell.time(),
                    e.expected,
                )
            })?;
            observations.push(Observation {
                key: SeriesKey {
                    measure: Measure::from(flow),
                    group,
                    partner,
                    period,
                },
                value_usd: value,
                provenance: monthly_provenance(flow),
            });
        }
        if complete.contains(&(flow, year)) {
            observations.push(annual_value(file, id, cells, retrieved)?);
        }
    }
    observations.sort_by_key(|o| o.key);

    Ok(ImportBatch {
        observations,
        extra_partners: Vec::new(),
        warnings,
        incomplete_years: incomplete
            .into_iter()
            .map(|(year, months)| IncompleteYear {
                year: year.get(),
                months_present: months.into_iter().collect(),
            })
            .collect(),
    })
}

/// The annual value of one series of a complete year, checked.
pub(super) fn annual_value(
    file: &str,
    id: &SeriesId,
    cells: &BTreeMap<u8, Cell<'_>>,
    retrieved: &str,
) -> Result<Observation, IngestError> {
    let (flow, group, partner, year) = *id;
    let variables = value_variables(flow);
    let Some((&last_month, last)) = cells.last_key_value() else {
        return Err(IngestError::file(
            file,
            format!("{}: no rows", describe(id)),
        ));
    };

    // Year to date never falls within a year.
    let mut previous: Option<(Cell<'_>, i64)> = None;
    for cell in cells.values() {
        let Some(ytd) = cell.row.value_year_to_date else {
            continue;
        };
        if let Some((before, before_ytd)) = previous
            && ytd < before_ytd
        {
            return Err(IngestError::field(
                &cell.response.file,
                cell.row.row,
                variables.year_to_date,
                &ytd.to_string(),
                format!(
                    "{}: the year-to-date value falls from {before_ytd} in {} to {ytd} in {}; \
                     cumulative values cannot fall",
                    describe(id),
                    before.time(),
                    cell.time()
                ),
            ));
        }
        previous = Some((*cell, ytd));
    }

    let monthly: Option<Vec<i64>> = cells.values().map(|c| c.row.value_month).collect();
    let monthly_sum = match &monthly {
        Some(values) => Some(
            values
                .iter()
                .try_fold(0i64, |sum, v| sum.checked_add(*v))
                .ok_or_else(|| {
                    IngestError::file(
                        file,
                        format!("{}: the monthly values overflow", describe(id)),
                    )
                })?,
        ),
        None => None,
    };

    let (value, how, quote) = if let Some(ytd) = last.row.value_year_to_date {
        if let (12, Some(sum)) = (cells.len(), monthly_sum)
            && sum != ytd
        {
            return Err(IngestError::field(
                &last.response.file,
                last.row.row,
                variables.year_to_date,
                &ytd.to_string(),
                format!(
                    "{}: the twelve monthly values ({}) sum to {sum}, but the December \
                     year-to-date value ({}) is {ytd}",
                    describe(id),
                    variables.monthly,
                    variables.year_to_date
                ),
            ));
        }
        let how = if last_month == 12 {
            format!("December year-to-date, {}", variables.year_to_date)
        } else {
            format!(
                "year-to-date to {}, the last month with trade, {}",
                MONTH_NAMES[usize::from(last_month - 1)],
                variables.year_to_date
            )
        };
        let quote = format!("{}={ytd} ({})", variables.year_to_date, last.coordinates());
        (ytd, how, quote)
    } else if let Some(sum) = monthly_sum {
        let how = format!(
            "sum of the {} monthly values, {}",
            cells.len(),
            variables.monthly
        );
        let quote = format!(
            "{} summed over {} months ({})",
            variables.monthly,
            cells.len(),
            last.coordinates()
        );
        (sum, how, quote)
    } else {
        return Err(IngestError::field(
            &last.response.file,
            last.row.row,
            variables.year_to_date,
            "",
            format!(
                "{}: the last month has no year-to-date value and some months have no monthly \
                 value; expected {} in every response or {} in every one",
                describe(id),
                variables.year_to_date,
                variables.monthly
            ),
        ));
    };

    Ok(Observation {
        key: SeriesKey {
            measure: Measure::from(flow),
            group,
            partner,
            period: Period::annual(year),
        },
        value_usd: value,
        provenance: Provenance {
            status: Status::Reported,
            rounding_usd: Some(1),
            derivation: None,
            citation: Citation {
                section: format!(
                    "US Census Bureau International Trade API, {}, {year} ({how}), retrieved {retrieved}",
                    endpoint(flow)
                ),
                quote,
            },
        },
    })
}
