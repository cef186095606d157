//! CSV output of flat records (a header row from the field names, then one
//! row per record), written straight into one buffer.
//!
//! Text that a spreadsheet would run as a formula is neutralised, as the
//! OWASP guidance on CSV injection recommends: a text cell that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless
//! the whole cell is a plain number (`-600000000` stays a number). Numbers
//! and the JSON representation are never changed. Imports keep the text as
//! the source gave it.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct};

/// A record that cannot be written as one CSV row.
#[derive(Debug, thiserror::Error)]
#[error("cannot write as CSV: {0}")]
pub struct CsvError(String);

impl ser::Error for CsvError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        CsvError(msg.to_string())
    }
}

/// Every `Serializer` method but `serialize_struct`, refusing: a record is
/// a struct of scalar fields.
macro_rules! not_a_record {
    () => {
        fn serialize_bool(self, _: bool) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_i8(self, _: i8) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_i16(self, _: i16) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_i32(self, _: i32) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_i64(self, _: i64) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_u8(self, _: u8) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_u16(self, _: u16) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_u32(self, _: u32) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_u64(self, _: u64) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_f32(self, _: f32) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_f64(self, _: f64) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_char(self, _: char) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_str(self, _: &str) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_none(self) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_unit(self) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), CsvError> {
            Err(not_a_struct())
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CsvError> {
            Err(not_a_struct())
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CsvError> {
            Err(not_a_struct())
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, CsvError> {
            Err(not_a_struct())
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, CsvError> {
            Err(not_a_struct())
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CsvError> {
            Err(not_a_struct())
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, CsvError> {
            Err(not_a_struct())
        }
    };
}

fn not_a_struct() -> CsvError {
    CsvError("a CSV record must be a struct of scalar fields".to_owned())
}

/// Writes `records` as CSV: the header row (the first record's field names,
/// through `label`) and one row each. Nothing but the header when there are no records and
/// `header` can name the fields.
pub fn write_records<T: Serialize>(
    records: &[T],
    out: &mut Vec<u8>,
    label: impl Fn(&'static str) -> &'static str,
) -> Result<(), CsvError> {
    let Some(first) = records.first() else {
        return Ok(());
    };
    let mut names = Vec::new();
    first.serialize(HeaderSerializer { names: &mut names })?;
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_text(out, label(name), false);
    }
    out.push(b'\n');
    for r in records {
        r.serialize(RowSerializer { out: &mut *out })?;
        out.push(b'\n');
    }
    Ok(())
}

/// A header row of these column names.
pub fn write_header(names: &[&str], out: &mut Vec<u8>) {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_text(out, name, false);
    }
    out.push(b'\n');
}

/// One record as one row, as [`write_records`] writes it.
pub fn write_row<T: Serialize>(record: &T, out: &mut Vec<u8>) -> Result<(), CsvError> {
    record.serialize(RowSerializer { out: &mut *out })?;
    out.push(b'\n');
    Ok(())
}

/// A record's field names, in order: its CSV header.
#[cfg(test)]
pub fn field_names<T: Serialize>(record: &T) -> Result<Vec<&'static str>, CsvError> {
    let mut names = Vec::new();
    record.serialize(HeaderSerializer { names: &mut names })?;
    Ok(names)
}

/// Whether a text cell must be neutralised before a spreadsheet reads it.
fn is_formula_like(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !is_plain_number(&s[1..]),
        _ => false,
    }
}

/// Digits with at most one decimal point (`600000000`, `12.5`).
fn is_plain_number(s: &str) -> bool {
    let mut dots = 0;
    !s.is_empty()
        && s.bytes().all(|b| {
            if b == b'.' {
                dots += 1;
                true
            } else {
                b.is_ascii_digit()
            }
        })
        && dots <= 1
        && s != "."
}

/// One text cell: neutralised (for values) and quoted where CSV needs it.
fn write_text(out: &mut Vec<u8>, s: &str, neutralise: bool) {
    let guard = neutralise && is_formula_like(s);
    let needs_quotes = guard || s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs_quotes {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    out.push(b'"');
    if guard {
        out.push(b'\'');
    }
    for &b in s.as_bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Collects the field names of a record.
struct HeaderSerializer<'a> {
    names: &'a mut Vec<&'static str>,
}

impl<'a> ser::Serializer for HeaderSerializer<'a> {
    type Ok = ();
    type Error = CsvError;
    type SerializeSeq = Impossible<(), CsvError>;
    type SerializeTuple = Impossible<(), CsvError>;
    type SerializeTupleStruct = Impossible<(), CsvError>;
    type SerializeTupleVariant = Impossible<(), CsvError>;
    type SerializeMap = Impossible<(), CsvError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), CsvError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, CsvError> {
        Ok(self)
    }

    not_a_record!();
}

impl SerializeStruct for HeaderSerializer<'_> {
    type Ok = ();
    type Error = CsvError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        _: &T,
    ) -> Result<(), CsvError> {
        self.names.push(key);
        Ok(())
    }
    fn end(self) -> Result<(), CsvError> {
        Ok(())
    }
}

/// Writes the fields of a record, comma-separated.
struct RowSerializer<'a> {
    out: &'a mut Vec<u8>,
}

/// Serializes the fields of one row, remembering whether one was written.
struct RowFields<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> ser::Serializer for RowSerializer<'a> {
    type Ok = ();
    type Error = CsvError;
    type SerializeSeq = Impossible<(), CsvError>;
    type SerializeTuple = Impossible<(), CsvError>;
    type SerializeTupleStruct = Impossible<(), CsvError>;
    type SerializeTupleVariant = Impossible<(), CsvError>;
    type SerializeMap = Impossible<(), CsvError>;
    type SerializeStruct = RowFields<'a>;
    type SerializeStructVariant = Impossible<(), CsvError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<RowFields<'a>, CsvError> {
        Ok(RowFields {
            out: self.out,
            first: true,
        })
    }

    not_a_record!();
}

impl SerializeStruct for RowFields<'_> {
    type Ok = ();
    type Error = CsvError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), CsvError> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(CellSerializer {
            out: &mut *self.out,
            field: key,
        })
    }
    fn end(self) -> Result<(), CsvError> {
        Ok(())
    }
}

/// Writes one cell.
struct CellSerializer<'a> {
    out: &'a mut Vec<u8>,
    field: &'static str,
}

macro_rules! integers {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<(), CsvError> {
            self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        })*
    };
}

impl ser::Serializer for CellSerializer<'_> {
    type Ok = ();
    type Error = CsvError;
    type SerializeSeq = Impossible<(), CsvError>;
    type SerializeTuple = Impossible<(), CsvError>;
    type SerializeTupleStruct = Impossible<(), CsvError>;
    type SerializeTupleVariant = Impossible<(), CsvError>;
    type SerializeMap = Impossible<(), CsvError>;
    type SerializeStruct = Impossible<(), CsvError>;
    type SerializeStructVariant = Impossible<(), CsvError>;

    integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result<(), CsvError> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), CsvError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), CsvError> {
        // Undefined ratios are never NaN or infinite here (they are null
        // with a reason); an empty cell if one ever were.
        if v.is_finite() {
            self.out
                .extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), CsvError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), CsvError> {
        write_text(self.out, v, true);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), CsvError> {
        Err(CsvError(format!("{}: bytes", self.field)))
    }
    fn serialize_none(self) -> Result<(), CsvError> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), CsvError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CsvError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CsvError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CsvError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), CsvError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), CsvError> {
        Err(self.nested())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CsvError> {
        Err(self.nested())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CsvError> {
        Err(self.nested())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CsvError> {
        Err(self.nested())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CsvError> {
        Err(self.nested())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CsvError> {
        Err(self.nested())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, CsvError> {
        Err(self.nested())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CsvError> {
        Err(self.nested())
    }
}

impl CellSerializer<'_> {
    fn nested(&self) -> CsvError {
        CsvError(format!(
            "{}: a nested value does not fit in one cell",
            self.field
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row<'a> {
        partner: &'a str,
        balance_usd: Option<i64>,
        tsi: Option<f64>,
        reason: Option<atp_core::analytics::Undefined>,
        citation: &'a str,
    }

    fn csv(rows: &[Row<'_>]) -> String {
        let mut out = Vec::new();
        write_records(rows, &mut out, |n| n).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_then_rows_quoted_where_needed() {
        let text = csv(&[
            Row {
                partner: "KR",
                balance_usd: Some(-600_000_000),
                tsi: Some(-0.25),
                reason: None,
                citation: "II.1, \"ATP\" overall",
            },
            Row {
                partner: "WLD",
                balance_usd: None,
                tsi: None,
                reason: Some(atp_core::analytics::Undefined::ZeroBase),
                citation: "line\nbreak",
            },
        ]);
        assert_eq!(
            text,
            "partner,balance_usd,tsi,reason,citation\n\
             KR,-600000000,-0.25,,\"II.1, \"\"ATP\"\" overall\"\n\
             WLD,,,zero_base,\"line\nbreak\"\n"
        );
        // The csv crate reads back what was written.
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][4], "II.1, \"ATP\" overall");
        assert_eq!(&rows[1][3], "zero_base");
    }

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for (text, cell) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("-600", "-600"),
            ("+12.5", "+12.5"),
            ("II.2 Biotechnology", "II.2 Biotechnology"),
        ] {
            let out = csv(&[Row {
                partner: "KR",
                balance_usd: None,
                tsi: None,
                reason: None,
                citation: text,
            }]);
            let row = out.lines().nth(1).unwrap();
            assert_eq!(row, format!("KR,,,,{cell}"), "{text:?}");
        }
    }

    #[test]
    fn floats_round_trip() {
        for v in [256.0, 0.1 + 0.2, -1e-7, 1234.5678901234] {
            let out = csv(&[Row {
                partner: "KR",
                balance_usd: None,
                tsi: Some(v),
                reason: None,
                citation: "",
            }]);
            let cell = out.lines().nth(1).unwrap().split(',').nth(2).unwrap();
            assert_eq!(cell.parse::<f64>().unwrap(), v);
        }
    }
}
