//! What a row stands for: an ATP group or another commodity row, a stored
//! partner or a Census grouping.

use std::collections::BTreeSet;

use atp_core::{Group, Partner, PartnerCode};

use crate::IngestError;

/// `CTY_NAME` of the world total row.
pub(super) const WORLD_NAME: &str = "TOTAL FOR ALL COUNTRIES";
/// `HITECH_DESC` of the all-commodities total row.
pub(super) const ALL_COMMODITIES: &str = "TOTAL FOR ALL COMMODITIES";

/// What a `HITECH` cell stands for.
pub(super) enum Commodity {
    Atp(Group),
    NotAdvancedTechnology,
    AllCommodities,
}

/// What a `CTY_CODE` cell stands for.
pub(super) enum PartnerCell {
    Stored(PartnerCode),
    Grouping,
}

/// The two-digit code in brackets at the end of a `HITECH_DESC`
/// (`BIOTECHNOLOGY [01]`), if any.
pub(super) fn bracketed_code(description: &str) -> Option<&str> {
    let open = description.rfind('[')?;
    description[open + 1..].strip_suffix(']').map(str::trim)
}

pub(super) fn classify_hitech(
    file: &str,
    row: u64,
    hitech: &str,
    description: Option<&str>,
) -> Result<Commodity, IngestError> {
    if let Some(code) = description.and_then(bracketed_code)
        && code != hitech
    {
        return Err(IngestError::field(
            file,
            row,
            "HITECH_DESC",
            description.unwrap_or_default(),
            format!("the code in brackets disagrees with HITECH {hitech:?}"),
        ));
    }
    if let Some(group) = Group::from_census_code(hitech) {
        return Ok(Commodity::Atp(group));
    }
    match hitech {
        "00" => Ok(Commodity::NotAdvancedTechnology),
        "" | "-" => match description {
            Some(d) if !d.eq_ignore_ascii_case(ALL_COMMODITIES) => Err(IngestError::field(
                file,
                row,
                "HITECH_DESC",
                d,
                format!(
                    "an empty HITECH ({hitech:?}) is the total of all commodities, with \
                     HITECH_DESC {ALL_COMMODITIES:?}"
                ),
            )),
            _ => Ok(Commodity::AllCommodities),
        },
        _ => {
            let codes: Vec<String> = Group::infos()
                .iter()
                .map(|g| format!("{} {}", g.census_code, g.census_label))
                .collect();
            Err(IngestError::field(
                file,
                row,
                "HITECH",
                hitech,
                format!(
                    "expected an ATP group code ({}), 00 (not advanced technology) or \"\"/\"-\" \
                     (the total of all commodities)",
                    codes.join(", ")
                ),
            ))
        }
    }
}

pub(super) fn classify_partner(
    file: &str,
    row: u64,
    cty_code: &str,
    cty_name: &str,
    summary_level: Option<&str>,
) -> Result<PartnerCell, IngestError> {
    if cty_code.is_empty() || cty_code == "-" {
        if cty_name.eq_ignore_ascii_case(WORLD_NAME) {
            return Ok(PartnerCell::Stored(PartnerCode::WORLD));
        }
        return Err(IngestError::field(
            file,
            row,
            "CTY_NAME",
            cty_name,
            format!("an empty CTY_CODE ({cty_code:?}) is the world total, {WORLD_NAME:?}"),
        ));
    }
    if cty_code == "0003" {
        return Ok(PartnerCell::Stored(PartnerCode::EU));
    }
    if cty_code.starts_with("00")
        || cty_code.ends_with("XXX")
        || summary_level.is_some_and(|l| l.eq_ignore_ascii_case("CGP"))
    {
        return Ok(PartnerCell::Grouping);
    }
    if cty_code.len() != 4 || !cty_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IngestError::field(
            file,
            row,
            "CTY_CODE",
            cty_code,
            "expected a four-digit Census Schedule C country code, a grouping (00NN, 1XXX..7XXX) \
             or \"\"/\"-\" for the world total",
        ));
    }
    match Partner::by_census_code(cty_code) {
        Some(p) => Ok(PartnerCell::Stored(p.code)),
        None => PartnerCode::parse_shape(cty_code)
            .map(PartnerCell::Stored)
            .ok_or_else(|| {
                IngestError::field(
                    file,
                    row,
                    "CTY_CODE",
                    cty_code,
                    "expected a four-digit code",
                )
            }),
    }
}

/// The words of a name that say something, upper case.
pub(super) fn name_words(name: &str) -> Vec<String> {
    const FILLER: [&str; 6] = ["THE", "AND", "REPUBLIC", "ISLANDS", "FEDERAL", "PEOPLE"];
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_uppercase)
        .filter(|w| w.len() >= 3 && !FILLER.contains(&w.as_str()))
        .collect()
}

/// A loose comparison of the response's `CTY_NAME` with the table's English
/// name: some word of one starts like some word of the other. Spelling
/// differences (`KOREA, SOUTH`, `South Korea (Republic of Korea)`) pass; a
/// different country usually does not.
pub(super) fn names_agree(cty_name: &str, table_name: &str) -> bool {
    let prefix = |w: &str| w.chars().take(4).collect::<String>();
    let ours: BTreeSet<String> = name_words(table_name).iter().map(|w| prefix(w)).collect();
    name_words(cty_name)
        .iter()
        .any(|w| ours.contains(&prefix(w)))
}
