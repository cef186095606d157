//! How a listing's records are shown: the format, the language, the fields
//! kept (`fields=`), the names put inline (`include=names`) and the CSV
//! header (`header=labels`). The records themselves never change: a
//! [`Projected`] record is the record serialized through a filter that
//! drops the fields not asked for and adds `group_name` after `group` and
//! `partner_name` after `partner`, in JSON and CSV alike, with no
//! intermediate values.

use std::collections::HashMap;

use atp_core::GroupId;
use atp_query::{PartnerEntry, ReadModel};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use utoipa::openapi::{RefOr, Schema};

use crate::error::ApiError;
use crate::i18n::Language;
use crate::params::{
    Asked, FieldName, Format, FormatParam, HeaderParam, IncludeParam, LangParam, List,
};

/// The field `include=names` adds after `group`.
pub const GROUP_NAME: &str = "group_name";
/// The field `include=names` adds after `partner`.
pub const PARTNER_NAME: &str = "partner_name";

/// How a listing is shown, from its parameters and the request's headers.
#[derive(Debug)]
pub struct View<'m> {
    pub format: Format,
    pub language: Language,
    fields: Option<Vec<String>>,
    names: bool,
    labels: bool,
    partners: &'m [PartnerEntry],
}

/// The view of a listing's query `q` (its `format`, `fields`, `include`,
/// `lang` and `header`) over `model`, with the request's headers `asked`.
#[macro_export]
macro_rules! view {
    ($model:expr, $q:expr, $asked:expr) => {
        $crate::view::View::new(
            $model,
            $q.format,
            $q.fields.as_ref(),
            $q.include.as_ref(),
            $q.lang,
            $q.header,
            &$asked,
        )
    };
}

impl<'m> View<'m> {
    pub fn new(
        model: &'m ReadModel,
        format: Option<FormatParam>,
        fields: Option<&List<FieldName>>,
        include: Option<&List<IncludeParam>>,
        lang: Option<LangParam>,
        header: Option<HeaderParam>,
        asked: &Asked,
    ) -> Result<View<'m>, ApiError> {
        let format = crate::params::chosen(format, asked.format.clone())?;
        let labels = header == Some(HeaderParam::Labels);
        if labels && format != Format::Csv {
            return Err(ApiError::InvalidParameter {
                parameter: "header".to_owned(),
                value: "labels".to_owned(),
                expected: "labels name the columns of CSV only (add format=csv)".to_owned(),
                allowed: vec!["names".to_owned()],
            });
        }
        let mut kept: Vec<String> = Vec::new();
        for f in fields.map(|l| l.0.as_slice()).unwrap_or_default() {
            if !kept.contains(&f.0) {
                kept.push(f.0.clone());
            }
        }
        Ok(View {
            format,
            language: Language::chosen(lang, asked.language),
            fields: fields.map(|_| kept),
            names: include.is_some_and(|l| l.0.contains(&IncludeParam::Names)),
            labels,
            partners: model.partners(),
        })
    }

    /// JSON or CSV in English, every field: nothing to filter or add.
    pub fn plain(format: Format) -> View<'static> {
        View {
            format,
            language: Language::En,
            fields: None,
            names: false,
            labels: false,
            partners: &[],
        }
    }

    /// Whether the CSV header row holds labels in the view's language.
    pub fn labels(&self) -> bool {
        self.labels
    }

    /// What to write of each record of type `T`: `None` for every field as
    /// it is. Refuses a field `T` does not have, naming those it has.
    pub fn plan<T: utoipa::PartialSchema>(&self) -> Result<Option<Plan<'m>>, ApiError> {
        if self.fields.is_none() && !self.names {
            return Ok(None);
        }
        let record = record_fields::<T>();
        let has = |name: &str| record.iter().any(|f| f == name);
        let (has_group, has_partner) = (has("group"), has("partner"));
        let mut available: Vec<String> = Vec::with_capacity(record.len() + 2);
        for f in &record {
            available.push(f.clone());
            if f == "group" {
                available.push(GROUP_NAME.to_owned());
            } else if f == "partner" {
                available.push(PARTNER_NAME.to_owned());
            }
        }
        let (keep, group_name, partner_name) = match &self.fields {
            Some(fields) => {
                if let Some(unknown) = fields.iter().find(|f| !available.contains(f)) {
                    return Err(ApiError::InvalidParameter {
                        parameter: "fields".to_owned(),
                        value: unknown.clone(),
                        expected: format!("fields of these records: {}", available.join(", ")),
                        allowed: available,
                    });
                }
                (
                    Some(fields.clone()),
                    fields.iter().any(|f| f == GROUP_NAME),
                    fields.iter().any(|f| f == PARTNER_NAME),
                )
            }
            None => (None, self.names && has_group, self.names && has_partner),
        };
        let len = match &keep {
            Some(k) => k.len(),
            None => record.len() + usize::from(group_name) + usize::from(partner_name),
        };
        let partners = if partner_name {
            self.partners.iter().map(|p| (p.code.as_str(), p)).collect()
        } else {
            HashMap::new()
        };
        Ok(Some(Plan {
            keep,
            group_name,
            partner_name,
            len: len.max(1),
            language: self.language,
            partners,
        }))
    }
}

/// The field names of a record type, in their order, from its schema.
pub fn record_fields<T: utoipa::PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// What to write of each record: the fields kept (all when `None`), and
/// the names to add.
#[derive(Debug)]
pub struct Plan<'m> {
    keep: Option<Vec<String>>,
    group_name: bool,
    partner_name: bool,
    /// Fields written per record.
    len: usize,
    language: Language,
    partners: HashMap<&'m str, &'m PartnerEntry>,
}

impl Plan<'_> {
    fn keeps(&self, field: &str) -> bool {
        self.keep
            .as_ref()
            .is_none_or(|k| k.iter().any(|f| f == field))
    }

    /// The name of a group slug in the plan's language.
    fn group_name(&self, slug: &str) -> Option<&'static str> {
        let id = GroupId::try_from(slug).ok()?;
        let record = crate::handlers::group_record(id);
        Some(if self.language.is_ko() {
            record.name_ko
        } else {
            record.name_en
        })
    }

    /// The name of a partner code in the plan's language (English where a
    /// source named a partner only in English).
    fn partner_name(&self, code: &str) -> Option<&str> {
        let p = self.partners.get(code)?;
        Some(match (&p.name_ko, self.language) {
            (Some(ko), Language::Ko) => ko.as_str(),
            _ => p.name_en.as_str(),
        })
    }
}

/// A record as the plan shows it.
#[derive(Debug)]
pub struct Projected<'p, T> {
    pub record: &'p T,
    pub plan: &'p Plan<'p>,
}

impl<T: Serialize> Serialize for Projected<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.record.serialize(Project {
            inner: s,
            plan: self.plan,
        })
    }
}

/// A serializer that hands everything to `inner` but a struct's fields,
/// which it filters and adds to.
struct Project<'p, S> {
    inner: S,
    plan: &'p Plan<'p>,
}

struct ProjectStruct<'p, S> {
    inner: S,
    plan: &'p Plan<'p>,
}

/// The text of a serialized code (a slug, a partner code).
fn text_of<V: ?Sized + Serialize>(value: &V) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

impl<S: SerializeStruct> SerializeStruct for ProjectStruct<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), S::Error> {
        if self.plan.keeps(key) {
            self.inner.serialize_field(key, value)?;
        }
        if key == "group" && self.plan.group_name {
            let name = text_of(value).and_then(|slug| self.plan.group_name(&slug));
            self.inner.serialize_field(GROUP_NAME, &name)?;
        } else if key == "partner" && self.plan.partner_name {
            let code = text_of(value);
            let name = code.as_deref().and_then(|c| self.plan.partner_name(c));
            self.inner.serialize_field(PARTNER_NAME, &name)?;
        }
        Ok(())
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

/// Methods handed to the inner serializer unchanged.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            fn $method(self, $($arg: $ty),*) -> Result<$ret, S::Error> {
                self.inner.$method($($arg),*)
            }
        )*
    };
}

impl<'p, S: Serializer> Serializer for Project<'p, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = S::SerializeSeq;
    type SerializeTuple = S::SerializeTuple;
    type SerializeTupleStruct = S::SerializeTupleStruct;
    type SerializeTupleVariant = S::SerializeTupleVariant;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = ProjectStruct<'p, S::SerializeStruct>;
    type SerializeStructVariant = S::SerializeStructVariant;

    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(ProjectStruct {
            inner: self.inner.serialize_struct(name, self.plan.len)?,
            plan: self.plan,
        })
    }

    forward! {
        serialize_bool(v: bool) -> S::Ok;
        serialize_i8(v: i8) -> S::Ok;
        serialize_i16(v: i16) -> S::Ok;
        serialize_i32(v: i32) -> S::Ok;
        serialize_i64(v: i64) -> S::Ok;
        serialize_u8(v: u8) -> S::Ok;
        serialize_u16(v: u16) -> S::Ok;
        serialize_u32(v: u32) -> S::Ok;
        serialize_u64(v: u64) -> S::Ok;
        serialize_f32(v: f32) -> S::Ok;
        serialize_f64(v: f64) -> S::Ok;
        serialize_char(v: char) -> S::Ok;
        serialize_str(v: &str) -> S::Ok;
        serialize_bytes(v: &[u8]) -> S::Ok;
        serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok;
        serialize_unit_struct(name: &'static str) -> S::Ok;
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) -> S::Ok;
        serialize_seq(len: Option<usize>) -> S::SerializeSeq;
        serialize_tuple(len: usize) -> S::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> S::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> S::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> S::SerializeMap;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> S::SerializeStructVariant;
    }

    fn serialize_some<V: ?Sized + Serialize>(self, value: &V) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(value)
    }

    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &V,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_struct(name, value)
    }

    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &V,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_variant(name, index, variant, value)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, utoipa::ToSchema)]
    struct Rec {
        dataset: &'static str,
        group: &'static str,
        partner: &'static str,
        value: i64,
    }

    fn plan(fields: Option<&[&str]>, names: bool, language: Language) -> Plan<'static> {
        let kr = atp_core::Partner::by_code(atp_core::PartnerCode::try_from("KR").unwrap());
        let partners: &'static [PartnerEntry] =
            Box::leak(Box::new([PartnerEntry::from(kr.unwrap())]));
        let view = View {
            format: Format::Json,
            language,
            fields: fields.map(|f| f.iter().map(|s| (*s).to_owned()).collect()),
            names,
            labels: false,
            partners,
        };
        view.plan::<Rec>().unwrap().unwrap()
    }

    const R: Rec = Rec {
        dataset: "d",
        group: "aerospace",
        partner: "KR",
        value: 5,
    };

    #[test]
    fn fields_are_kept_in_the_records_order_and_names_follow_their_codes() {
        let p = plan(Some(&["value", "partner"]), false, Language::En);
        let json = serde_json::to_string(&Projected {
            record: &R,
            plan: &p,
        })
        .unwrap();
        assert_eq!(json, r#"{"partner":"KR","value":5}"#);
        let p = plan(None, true, Language::Ko);
        let json = serde_json::to_string(&Projected {
            record: &R,
            plan: &p,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"dataset":"d","group":"aerospace","group_name":"항공우주","partner":"KR","partner_name":"한국","value":5}"#
        );
        let p = plan(Some(&["partner_name"]), false, Language::En);
        let json = crate::json::to_vec(&Projected {
            record: &R,
            plan: &p,
        })
        .unwrap();
        assert_eq!(json, br#"{"partner_name":"Korea, South"}"#);
    }
}
