//! Trade partners: countries, blocs, the rest of the world and the world total.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;

/// What kind of partner a code stands for. Only countries are ranked or
/// summed as countries; blocs and aggregates are labelled as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// A single country or customs territory.
    Country,
    /// A group of countries reported as one partner (the European Union).
    Bloc,
    /// Every partner not listed separately in a dataset.
    RestOfWorld,
    /// The total with all partners.
    World,
}

impl PartnerKind {
    /// The wire name (`rest_of_world`).
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerKind::Country => "country",
            PartnerKind::Bloc => "bloc",
            PartnerKind::RestOfWorld => "rest_of_world",
            PartnerKind::World => "world",
        }
    }

    /// Whether a partner of this kind is an aggregate of other partners that
    /// a dataset may also list (`ROW`, `WLD`). Blocs do not overlap the
    /// countries the built-in dataset lists and are ranked beside them.
    pub fn is_aggregate(self) -> bool {
        matches!(self, PartnerKind::RestOfWorld | PartnerKind::World)
    }
}

/// A partner code: ISO 3166-1 alpha-2 for countries, `EU`, `ROW`, `WLD`, or a
/// four-digit Census `CTY_CODE` for a Census country the table does not map.
/// At most four ASCII letters or digits, upper case; `Copy` and cheap to compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartnerCode {
    bytes: [u8; 4],
    len: u8,
}

impl PartnerCode {
    /// Builds a code from upper-case ASCII letters or digits (1 to 4 of them).
    pub const fn new_const(s: &str) -> PartnerCode {
        let b = s.as_bytes();
        assert!(
            !b.is_empty() && b.len() <= 4,
            "a partner code has 1 to 4 characters"
        );
        let mut bytes = [0u8; 4];
        let mut i = 0;
        while i < b.len() {
            assert!(
                b[i].is_ascii_uppercase() || b[i].is_ascii_digit(),
                "upper case ASCII"
            );
            bytes[i] = b[i];
            i += 1;
        }
        PartnerCode {
            bytes,
            len: b.len() as u8,
        }
    }

    /// Parses the shape of a code (not whether it is known): 1 to 4 ASCII
    /// letters or digits, upper-cased.
    pub fn parse_shape(s: &str) -> Option<PartnerCode> {
        let t = s.trim();
        if t.is_empty() || t.len() > 4 || !t.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let mut bytes = [0u8; 4];
        for (i, c) in t.bytes().enumerate() {
            bytes[i] = c.to_ascii_uppercase();
        }
        Some(PartnerCode {
            bytes,
            len: t.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // The bytes are ASCII by construction.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }

    /// The world total.
    pub const WORLD: PartnerCode = PartnerCode::new_const("WLD");
    /// All partners not listed separately.
    pub const REST_OF_WORLD: PartnerCode = PartnerCode::new_const("ROW");
    /// The European Union.
    pub const EU: PartnerCode = PartnerCode::new_const("EU");
}

impl fmt::Debug for PartnerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartnerCode({})", self.as_str())
    }
}

impl fmt::Display for PartnerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PartnerCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PartnerCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartnerCode::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

/// A trade partner as the service describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partner {
    pub code: PartnerCode,
    pub name_en: &'static str,
    pub name_ko: &'static str,
    pub kind: PartnerKind,
    /// The Census Schedule C `CTY_CODE`, where one exists (`5700` for China,
    /// `0003` for the European Union grouping).
    pub census_code: Option<&'static str>,
}

const fn partner(
    code: &str,
    name_en: &'static str,
    name_ko: &'static str,
    kind: PartnerKind,
    census_code: Option<&'static str>,
) -> Partner {
    Partner {
        code: PartnerCode::new_const(code),
        name_en,
        name_ko,
        kind,
        census_code,
    }
}

use PartnerKind::{Bloc, Country, RestOfWorld, World};

/// The partners the service knows, aggregates first, then countries by code.
static PARTNERS: &[Partner] = &[
    partner("WLD", "World", "전 세계", World, None),
    partner("ROW", "Rest of world", "기타 국가", RestOfWorld, None),
    partner("EU", "European Union", "유럽연합", Bloc, Some("0003")),
    partner("CA", "Canada", "캐나다", Country, Some("1220")),
    partner("CN", "China", "중국", Country, Some("5700")),
    partner("DE", "Germany", "독일", Country, Some("4280")),
    partner("FR", "France", "프랑스", Country, Some("4279")),
    partner("GB", "United Kingdom", "영국", Country, Some("4120")),
    partner("IE", "Ireland", "아일랜드", Country, Some("4190")),
    partner("IN", "India", "인도", Country, Some("5330")),
    partner("JP", "Japan", "일본", Country, Some("5880")),
    partner("KR", "Korea, South", "한국", Country, Some("5800")),
    partner("MX", "Mexico", "멕시코", Country, Some("2010")),
    partner("MY", "Malaysia", "말레이시아", Country, Some("5570")),
    partner("SG", "Singapore", "싱가포르", Country, Some("5590")),
    partner("TH", "Thailand", "태국", Country, Some("5490")),
    partner("TW", "Taiwan", "대만", Country, Some("5830")),
    partner("VN", "Vietnam", "베트남", Country, Some("5520")),
];

impl Partner {
    /// Every known partner.
    pub fn all() -> &'static [Partner] {
        PARTNERS
    }

    /// The partner with this code, if known.
    pub fn by_code(code: PartnerCode) -> Option<&'static Partner> {
        PARTNERS.iter().find(|p| p.code == code)
    }

    /// The partner with this Census `CTY_CODE`, if known.
    pub fn by_census_code(cty_code: &str) -> Option<&'static Partner> {
        let cty_code = cty_code.trim();
        PARTNERS.iter().find(|p| p.census_code == Some(cty_code))
    }

    /// The world total.
    pub fn world() -> &'static Partner {
        &PARTNERS[0]
    }
}

impl TryFrom<&str> for PartnerCode {
    type Error = InvalidValue;

    /// A known partner's code, from its code or Census `CTY_CODE`.
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Partner::try_from(value).map(|p| p.code)
    }
}

impl TryFrom<&str> for Partner {
    type Error = InvalidValue;

    /// Accepts a partner code (any case) or a Census `CTY_CODE` of a known partner.
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        let found = PartnerCode::parse_shape(value)
            .and_then(Partner::by_code)
            .or_else(|| Partner::by_census_code(value));
        found.copied().ok_or_else(|| {
            InvalidValue::not_in_list("partner", value, PARTNERS.iter().map(|p| p.code))
                .also_accepting("or the Census CTY_CODE of one of them")
        })
    }
}

impl fmt::Display for Partner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for p in Partner::all() {
            assert!(seen.insert(p.code), "duplicate {}", p.code);
            assert_eq!(PartnerCode::parse_shape(p.code.as_str()), Some(p.code));
        }
        let mut census = std::collections::HashSet::new();
        for c in Partner::all().iter().filter_map(|p| p.census_code) {
            assert!(census.insert(c), "duplicate census code {c}");
        }
    }

    #[test]
    fn parses_codes_and_census_aliases() {
        assert_eq!(Partner::try_from("kr").unwrap().code.as_str(), "KR");
        assert_eq!(Partner::try_from("5800").unwrap().code.as_str(), "KR");
        assert_eq!(Partner::try_from("5700").unwrap().name_en, "China");
        assert_eq!(Partner::try_from("0003").unwrap().kind, PartnerKind::Bloc);
        assert_eq!(Partner::try_from("WLD").unwrap().kind, PartnerKind::World);
        assert!(Partner::try_from("ROW").unwrap().kind.is_aggregate());
        assert!(!Partner::try_from("EU").unwrap().kind.is_aggregate());
    }

    #[test]
    fn unknown_partner_lists_the_valid_ones() {
        let err = Partner::try_from("XX").unwrap_err();
        assert_eq!(err.field, "partner");
        assert!(err.allowed.contains(&"CN".to_owned()));
        assert!(err.to_string().contains("CTY_CODE"));
        assert!(Partner::try_from("").is_err());
        assert!(Partner::try_from("TOOLONG").is_err());
    }

    #[test]
    fn code_serializes_as_text() {
        assert_eq!(serde_json::to_string(&PartnerCode::EU).unwrap(), "\"EU\"");
        assert_eq!(format!("{:?}", PartnerCode::WORLD), "PartnerCode(WLD)");
    }
}
