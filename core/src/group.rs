//! The Census Bureau's ten Advanced Technology Product (ATP) groups.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;

/// One of the ten ATP groups the Census Bureau classifies trade into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Biotechnology,
    LifeScience,
    OptoElectronics,
    InformationCommunications,
    Electronics,
    FlexibleManufacturing,
    AdvancedMaterials,
    Aerospace,
    Weapons,
    Nuclear,
}

/// What the service says about a group: identifiers, names and definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupInfo {
    pub group: Group,
    /// Stable slug used in URLs and files.
    pub id: &'static str,
    /// The Census `HITECH` code, two digits.
    pub census_code: &'static str,
    /// The Census `HITECH_DESC` label without its bracketed code.
    pub census_label: &'static str,
    pub name_en: &'static str,
    pub name_ko: &'static str,
    /// One-line definition.
    pub definition: &'static str,
    /// Where the definition comes from.
    pub definition_source: &'static str,
}

const BRIEF_FOOTNOTE: &str =
    "KIAT Industrial Technology Policy Brief 2026-04, footnote to the group's section";

const GROUPS: [GroupInfo; 10] = [
    GroupInfo {
        group: Group::Biotechnology,
        id: "biotechnology",
        census_code: "01",
        census_label: "BIOTECHNOLOGY",
        name_en: "Biotechnology",
        name_ko: "바이오기술",
        definition: "Medical and industrial applications of advanced scientific discoveries in genetics: new drugs, hormones and other therapeutic products for agriculture and human use.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::LifeScience,
        id: "life-science",
        census_code: "02",
        census_label: "LIFE SCIENCE",
        name_en: "Life science",
        name_ko: "생명과학",
        definition: "Applications of scientific advances other than biological ones to medicine: new products for controlling or eradicating disease, such as nuclear magnetic resonance imaging and echocardiography.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::OptoElectronics,
        id: "opto-electronics",
        census_code: "03",
        census_label: "OPTO-ELECTRONICS",
        name_en: "Opto-electronics",
        name_ko: "광전자",
        definition: "Electronic products and components that emit or detect light: optical scanners, optical disc players, solar cells, photosensitive semiconductors and laser printers.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::InformationCommunications,
        id: "information-communications",
        census_code: "04",
        census_label: "INFORMATION & COMMUNICATIONS",
        name_en: "Information and communications",
        name_ko: "정보통신",
        definition: "Products that process ever larger volumes of information in shorter periods: central processing units, disk drives, control units, modems, fax machines and telephone switching equipment.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::Electronics,
        id: "electronics",
        census_code: "05",
        census_label: "ELECTRONICS",
        name_en: "Electronics",
        name_ko: "전자",
        definition: "Electronic components (other than opto-electronic ones) whose design advances bring higher performance and capacity, often in smaller size: semiconductors, integrated circuits, multilayer printed circuit boards and capacitors.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::FlexibleManufacturing,
        id: "flexible-manufacturing",
        census_code: "06",
        census_label: "FLEXIBLE MANUFACTURING",
        name_en: "Flexible manufacturing",
        name_ko: "유연 생산",
        definition: "Industrial automation that makes production more flexible and reduces human intervention: robots, numerically controlled machine tools, and semiconductor production and assembly equipment.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::AdvancedMaterials,
        id: "advanced-materials",
        census_code: "07",
        census_label: "ADVANCED MATERIALS",
        name_en: "Advanced materials",
        name_ko: "첨단소재",
        definition: "Recent advances in materials that enable the further development of other advanced technologies: semiconductor materials, optical fibre cable and video discs.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::Aerospace,
        id: "aerospace",
        census_code: "08",
        census_label: "AEROSPACE",
        name_en: "Aerospace",
        name_ko: "항공우주",
        definition: "Most new military and civil helicopters, airplanes and spacecraft (communication satellites excepted), turbojet aircraft engines, flight simulators and automatic pilots.",
        definition_source: BRIEF_FOOTNOTE,
    },
    GroupInfo {
        group: Group::Weapons,
        id: "weapons",
        census_code: "09",
        census_label: "WEAPONS",
        name_en: "Weapons",
        name_ko: "무기",
        definition: "Technologies with military applications, such as guided missiles, bombs, torpedoes, mines, missile and rocket launchers and some firearms.",
        definition_source: "US Census Bureau, Advanced Technology Product definitions (the brief prints no footnote and no figures for weapons)",
    },
    GroupInfo {
        group: Group::Nuclear,
        id: "nuclear",
        census_code: "10",
        census_label: "NUCLEAR TECHNOLOGY",
        name_en: "Nuclear technology",
        name_ko: "원자력",
        definition: "Nuclear power production apparatus: nuclear reactors and parts, isotopic separation equipment and fuel cartridges (nuclear medical apparatus belongs to life science).",
        definition_source: BRIEF_FOOTNOTE,
    },
];

impl Group {
    /// All ten groups in Census code order.
    pub const ALL: [Group; 10] = [
        Group::Biotechnology,
        Group::LifeScience,
        Group::OptoElectronics,
        Group::InformationCommunications,
        Group::Electronics,
        Group::FlexibleManufacturing,
        Group::AdvancedMaterials,
        Group::Aerospace,
        Group::Weapons,
        Group::Nuclear,
    ];

    /// Identifiers, names and definition of this group.
    pub fn info(self) -> &'static GroupInfo {
        &GROUPS[self as usize]
    }

    /// The stable slug (`life-science`).
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The Census `HITECH` code (`02`).
    pub fn census_code(self) -> &'static str {
        self.info().census_code
    }

    /// The group with this Census `HITECH` code (`01`..`10`), if any.
    pub fn from_census_code(code: &str) -> Option<Group> {
        GROUPS
            .iter()
            .find(|g| g.census_code == code)
            .map(|g| g.group)
    }

    /// Every information record, in Census code order.
    pub fn infos() -> &'static [GroupInfo] {
        &GROUPS
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl TryFrom<&str> for Group {
    type Error = InvalidValue;

    /// Accepts the slug (any case) or the Census code `01`..`10`.
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        let trimmed = value.trim();
        GROUPS
            .iter()
            .find(|g| g.id.eq_ignore_ascii_case(trimmed) || g.census_code == trimmed)
            .map(|g| g.group)
            .ok_or_else(|| {
                InvalidValue::not_in_list("group", value, GROUPS.iter().map(|g| g.id))
                    .also_accepting("or a Census code 01..10")
            })
    }
}

/// A value of the `group` dimension: one ATP group, `all` (the sum of the
/// ATP groups a dataset covers), or one of the two commodity aggregates
/// beside ATP: every good traded (`all-goods`) and the goods that are not
/// advanced technology (`non-atp`, the Census code `00`). The two are never
/// summed into `all`: `all-goods` = `all` + `non-atp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupId {
    /// The aggregate over every ATP group present in the dataset.
    All,
    Group(Group),
    /// Goods that are not advanced technology products (Census `00`).
    NonAtp,
    /// Every good traded, ATP or not (Census: total for all commodities).
    AllGoods,
}

/// What kind of value of the group dimension a [`GroupId`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// One of the ten ATP groups.
    AtpGroup,
    /// The sum of the ATP groups (`all`).
    AtpTotal,
    /// Goods outside ATP (`non-atp`).
    NonAtp,
    /// Every good (`all-goods`).
    AllGoods,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::AtpGroup => "atp_group",
            GroupKind::AtpTotal => "atp_total",
            GroupKind::NonAtp => "non_atp",
            GroupKind::AllGoods => "all_goods",
        }
    }
}

impl GroupId {
    /// The slug: `all`, the group's id, `non-atp` or `all-goods`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupId::All => "all",
            GroupId::Group(g) => g.id(),
            GroupId::NonAtp => "non-atp",
            GroupId::AllGoods => "all-goods",
        }
    }

    pub fn kind(self) -> GroupKind {
        match self {
            GroupId::All => GroupKind::AtpTotal,
            GroupId::Group(_) => GroupKind::AtpGroup,
            GroupId::NonAtp => GroupKind::NonAtp,
            GroupId::AllGoods => GroupKind::AllGoods,
        }
    }

    /// Whether it is advanced technology: an ATP group or their total.
    pub fn is_atp(self) -> bool {
        matches!(self, GroupId::All | GroupId::Group(_))
    }

    /// `all` and the ATP groups in Census code order.
    pub fn every() -> impl Iterator<Item = GroupId> {
        std::iter::once(GroupId::All).chain(Group::ALL.into_iter().map(GroupId::Group))
    }

    /// Every value of the dimension: [`GroupId::every`], then `non-atp` and
    /// `all-goods`.
    pub fn every_value() -> impl Iterator<Item = GroupId> {
        GroupId::every().chain([GroupId::NonAtp, GroupId::AllGoods])
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Group> for GroupId {
    fn from(g: Group) -> Self {
        GroupId::Group(g)
    }
}

impl TryFrom<&str> for GroupId {
    type Error = InvalidValue;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        let t = value.trim();
        if let Some(id) = [GroupId::All, GroupId::NonAtp, GroupId::AllGoods]
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(t))
        {
            return Ok(id);
        }
        if t == "00" {
            return Ok(GroupId::NonAtp);
        }
        Group::try_from(value).map(GroupId::Group).map_err(|_| {
            InvalidValue::not_in_list("group", value, GroupId::every_value().map(GroupId::as_str))
                .also_accepting("or a Census code 00..10")
        })
    }
}

impl Serialize for GroupId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for GroupId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        GroupId::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_census_codes_round_trip() {
        for (i, g) in Group::ALL.into_iter().enumerate() {
            assert_eq!(g.info().group, g, "table order matches the enum");
            assert_eq!(g.census_code(), format!("{:02}", i + 1));
            assert_eq!(Group::try_from(g.id()), Ok(g));
            assert_eq!(Group::try_from(g.census_code()), Ok(g));
            assert_eq!(Group::from_census_code(g.census_code()), Some(g));
        }
    }

    #[test]
    fn slugs_are_case_insensitive() {
        assert_eq!(Group::try_from("Life-Science"), Ok(Group::LifeScience));
        assert_eq!(GroupId::try_from("ALL"), Ok(GroupId::All));
    }

    #[test]
    fn unknown_group_lists_the_valid_ones() {
        let err = GroupId::try_from("biotech").unwrap_err();
        assert_eq!(err.field, "group");
        assert_eq!(err.value, "biotech");
        assert_eq!(err.allowed.len(), 13);
        assert!(err.allowed.contains(&"all-goods".to_owned()));
        assert!(err.allowed.contains(&"all".to_owned()));
        assert!(err.to_string().contains("biotechnology"));
        assert!(err.to_string().contains("Census code 00..10"));
    }

    #[test]
    fn code_00_is_not_an_atp_group() {
        assert!(Group::try_from("00").is_err());
        assert_eq!(Group::from_census_code("00"), None);
        let non_atp = GroupId::try_from("00").unwrap();
        assert_eq!(non_atp, GroupId::NonAtp);
        assert!(!non_atp.is_atp());
        assert_eq!(GroupId::try_from("All-Goods"), Ok(GroupId::AllGoods));
        assert_eq!(GroupId::AllGoods.kind().as_str(), "all_goods");
        assert_eq!(GroupId::every().count(), 11);
        assert_eq!(GroupId::every_value().count(), 13);
    }

    #[test]
    fn serde_uses_slugs() {
        let json = serde_json::to_string(&Group::InformationCommunications).unwrap();
        assert_eq!(json, "\"information-communications\"");
        let id: GroupId = serde_json::from_str("\"all\"").unwrap();
        assert_eq!(id, GroupId::All);
    }
}
