//! Trade partners: countries, blocs, the rest of the world and the world total.

use std::fmt;
use std::sync::OnceLock;

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
    /// A Census grouping of partners that is neither the world nor a bloc
    /// whose members the service knows: a continent or region (`0016`
    /// Asia, `0014` Pacific Rim), a trade agreement's partners. Never
    /// ranked, summed or counted as a country.
    Grouping,
}

impl PartnerKind {
    /// The wire name (`rest_of_world`).
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerKind::Country => "country",
            PartnerKind::Bloc => "bloc",
            PartnerKind::RestOfWorld => "rest_of_world",
            PartnerKind::World => "world",
            PartnerKind::Grouping => "grouping",
        }
    }

    /// Whether a partner of this kind is an aggregate of other partners that
    /// a dataset may also list (`ROW`, `WLD`, a Census grouping). Blocs do
    /// not overlap the countries the built-in dataset lists and are ranked
    /// beside them.
    pub fn is_aggregate(self) -> bool {
        matches!(
            self,
            PartnerKind::RestOfWorld | PartnerKind::World | PartnerKind::Grouping
        )
    }

    /// Every kind, for listing.
    pub const ALL: [PartnerKind; 5] = [
        PartnerKind::Country,
        PartnerKind::Bloc,
        PartnerKind::RestOfWorld,
        PartnerKind::World,
        PartnerKind::Grouping,
    ];

    /// The kind with this wire name.
    pub fn from_name(name: &str) -> Option<PartnerKind> {
        PartnerKind::ALL.into_iter().find(|k| k.as_str() == name)
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

/// The Census Schedule C country table: one row per country or territory,
/// `cty_code,iso2,name_en,name_ko`. Groupings (OPEC, OECD, the continents)
/// are not in it; the European Union is the fixed bloc below.
const CENSUS_COUNTRIES_CSV: &str = include_str!("../data/census-countries.csv");

/// The partners that are not single countries, in the order `Partner::all` lists them.
const AGGREGATES: [Partner; 3] = [
    Partner {
        code: PartnerCode::WORLD,
        name_en: "World",
        name_ko: "전 세계",
        kind: PartnerKind::World,
        census_code: None,
    },
    Partner {
        code: PartnerCode::REST_OF_WORLD,
        name_en: "Rest of world",
        name_ko: "기타 국가",
        kind: PartnerKind::RestOfWorld,
        census_code: None,
    },
    Partner {
        code: PartnerCode::EU,
        name_en: "European Union",
        name_ko: "유럽연합",
        kind: PartnerKind::Bloc,
        census_code: Some("0003"),
    },
];

/// One row of `census-countries.csv`.
#[derive(Debug, serde::Deserialize)]
struct CountryRow {
    cty_code: String,
    iso2: String,
    name_en: String,
    name_ko: String,
}

/// Moves a parsed string into static memory. Called once per table cell,
/// when the table is first built.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Parses the country table: four-digit Census codes and two-letter ISO codes,
/// each unique, names not empty. The line number of the first bad row is in
/// the error.
fn parse_countries(csv_text: &str) -> Result<Vec<Partner>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut countries: Vec<Partner> = Vec::new();
    for (i, record) in reader.deserialize::<CountryRow>().enumerate() {
        let line = i + 2;
        let row = record.map_err(|e| format!("line {line}: {e}"))?;
        let cty_code = row.cty_code.trim();
        if cty_code.len() != 4 || !cty_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "line {line}: cty_code {cty_code:?} is not four digits"
            ));
        }
        let iso2 = row.iso2.trim();
        let code = PartnerCode::parse_shape(iso2)
            .filter(|_| iso2.len() == 2 && iso2.bytes().all(|b| b.is_ascii_uppercase()))
            .ok_or_else(|| format!("line {line}: iso2 {iso2:?} is not two upper-case letters"))?;
        if row.name_en.trim().is_empty() || row.name_ko.trim().is_empty() {
            return Err(format!("line {line}: a name is empty"));
        }
        if let Some(dup) = countries
            .iter()
            .chain(AGGREGATES.iter())
            .find(|p| p.code == code || p.census_code == Some(cty_code))
        {
            return Err(format!(
                "line {line}: {iso2}/{cty_code} repeats {}",
                dup.code
            ));
        }
        countries.push(Partner {
            code,
            name_en: leak(row.name_en.trim().to_owned()),
            name_ko: leak(row.name_ko.trim().to_owned()),
            kind: PartnerKind::Country,
            census_code: Some(leak(cty_code.to_owned())),
        });
    }
    countries.sort_by_key(|p| p.code);
    Ok(countries)
}

/// The partners the service knows, aggregates first, then countries by code.
/// Built once from the embedded table. The table is checked by the tests, so
/// the fallback to the aggregates alone cannot ship.
fn partners() -> &'static [Partner] {
    static PARTNERS: OnceLock<Vec<Partner>> = OnceLock::new();
    PARTNERS.get_or_init(|| {
        let mut all = AGGREGATES.to_vec();
        all.extend(parse_countries(CENSUS_COUNTRIES_CSV).unwrap_or_default());
        all
    })
}

impl Partner {
    /// Every known partner: the world, the rest of the world, the European
    /// Union, then every country of the Census Schedule C list by ISO code.
    pub fn all() -> &'static [Partner] {
        partners()
    }

    /// The partner with this code, if known.
    pub fn by_code(code: PartnerCode) -> Option<&'static Partner> {
        partners().iter().find(|p| p.code == code)
    }

    /// The partner with this Census `CTY_CODE`, if known: a country, or the
    /// European Union (`0003`). Other Census groupings (OPEC `0001`, OECD
    /// `0022`, continents `1XXX`..`7XXX`) are not partners.
    pub fn by_census_code(cty_code: &str) -> Option<&'static Partner> {
        let cty_code = cty_code.trim();
        partners().iter().find(|p| p.census_code == Some(cty_code))
    }

    /// The world total.
    pub fn world() -> &'static Partner {
        &partners()[0]
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
            InvalidValue::not_in_list("partner", value, partners().iter().map(|p| p.code))
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
    fn the_embedded_country_table_parses_completely() {
        let countries = parse_countries(CENSUS_COUNTRIES_CSV).unwrap();
        let data_lines = CENSUS_COUNTRIES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty());
        assert_eq!(
            countries.len(),
            data_lines.count(),
            "every row becomes a country"
        );
        assert!(
            (230..=245).contains(&countries.len()),
            "{} countries",
            countries.len()
        );
        assert_eq!(Partner::all().len(), countries.len() + AGGREGATES.len());
        assert!(countries.iter().all(|p| p.kind == PartnerKind::Country));
        assert_eq!(Partner::world().code, PartnerCode::WORLD);
        assert_eq!(&Partner::all()[..3], &AGGREGATES[..]);
    }

    #[test]
    fn census_codes_map_to_the_right_countries() {
        for (cty, iso, name_en, name_ko) in [
            ("1220", "CA", "Canada", "캐나다"),
            ("2010", "MX", "Mexico", "멕시코"),
            ("5700", "CN", "China", "중국"),
            ("5800", "KR", "Korea, South", "한국"),
            ("5880", "JP", "Japan", "일본"),
            ("5830", "TW", "Taiwan", "대만"),
            ("4280", "DE", "Germany", "독일"),
            ("4120", "GB", "United Kingdom", "영국"),
            ("5330", "IN", "India", "인도"),
            ("5520", "VN", "Vietnam", "베트남"),
            ("4279", "FR", "France", "프랑스"),
            ("4190", "IE", "Ireland", "아일랜드"),
            ("5570", "MY", "Malaysia", "말레이시아"),
            ("5590", "SG", "Singapore", "싱가포르"),
            ("5490", "TH", "Thailand", "태국"),
            ("5820", "HK", "Hong Kong", "홍콩"),
            ("5790", "KP", "Korea, North", "북한"),
        ] {
            let p = Partner::by_census_code(cty).unwrap_or_else(|| panic!("{cty} is unknown"));
            assert_eq!(
                (p.code.as_str(), p.name_en, p.name_ko, p.kind),
                (iso, name_en, name_ko, PartnerKind::Country),
                "{cty}"
            );
            assert_eq!(p.census_code, Some(cty));
            assert_eq!(Partner::by_code(p.code), Some(p));
        }
        let eu = Partner::by_census_code("0003").unwrap();
        assert_eq!((eu.code, eu.kind), (PartnerCode::EU, PartnerKind::Bloc));
    }

    #[test]
    fn iso_codes_are_unique_two_letter_codes() {
        let mut seen = std::collections::HashSet::new();
        for p in Partner::all()
            .iter()
            .filter(|p| p.kind == PartnerKind::Country)
        {
            let code = p.code.as_str();
            assert!(
                code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()),
                "{code}"
            );
            assert!(seen.insert(code), "duplicate iso2 {code}");
            let cty = p.census_code.unwrap();
            assert!(
                cty.len() == 4 && cty.bytes().all(|b| b.is_ascii_digit()),
                "{cty}"
            );
        }
    }

    #[test]
    fn census_groupings_are_not_countries() {
        for grouping in [
            "0001", "0014", "0017", "0020", "0021", "0022", "0023", "0024", "0025", "0026", "0027",
            "0028", "1XXX", "2XXX", "3XXX", "4XXX", "5XXX", "6XXX", "7XXX", "", "-",
        ] {
            assert_eq!(Partner::by_census_code(grouping), None, "{grouping:?}");
        }
        // The United States is the reporter, never a partner.
        assert_eq!(Partner::by_census_code("1000"), None);
    }

    #[test]
    fn a_bad_table_is_refused_with_its_line() {
        let dup = "cty_code,iso2,name_en,name_ko\n5700,CN,China,중국\n5701,CN,Again,다시\n";
        assert!(parse_countries(dup).unwrap_err().starts_with("line 3:"));
        let eu = "cty_code,iso2,name_en,name_ko\n0003,XE,Europe,유럽\n";
        assert!(parse_countries(eu).unwrap_err().contains("repeats EU"));
        let short = "cty_code,iso2,name_en,name_ko\n570,CN,China,중국\n";
        assert!(parse_countries(short).unwrap_err().contains("four digits"));
        let iso3 = "cty_code,iso2,name_en,name_ko\n5700,CHN,China,중국\n";
        assert!(
            parse_countries(iso3)
                .unwrap_err()
                .contains("two upper-case letters")
        );
    }

    #[test]
    fn code_serializes_as_text() {
        assert_eq!(serde_json::to_string(&PartnerCode::EU).unwrap(), "\"EU\"");
        assert_eq!(format!("{:?}", PartnerCode::WORLD), "PartnerCode(WLD)");
    }
}
