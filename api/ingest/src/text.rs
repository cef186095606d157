//! Checks every importer applies to what it reads: text fields hold no
//! control characters (so no line breaks, NUL or escape codes reach the
//! database, the logs or a spreadsheet) and stay within a length; money is
//! within the range the service accepts; values echoed back in errors are
//! truncated.

use atp_core::analytics::MAX_ABS_VALUE_USD;

use crate::IngestError;

/// The longest text field accepted (a citation, a quote, a name), in bytes.
pub const MAX_TEXT_BYTES: usize = 4_096;

pub use atp_core::error::{MAX_ECHO_CHARS, echo};

/// Checks one text field of one row.
pub fn check_text(file: &str, row: u64, field: &str, value: &str) -> Result<(), IngestError> {
    if value.len() > MAX_TEXT_BYTES {
        return Err(IngestError::field(
            file,
            row,
            field,
            value,
            format!(
                "at most {MAX_TEXT_BYTES} bytes of text (this one has {})",
                value.len()
            ),
        ));
    }
    if let Some(c) = value.chars().find(|c| c.is_control() && *c != '\t') {
        let what = match c {
            '\n' | '\r' => {
                "a line break: a field may not span lines (is a quote left open?)".to_owned()
            }
            '\0' => "a NUL character".to_owned(),
            other => format!("the control character U+{:04X}", u32::from(other)),
        };
        return Err(IngestError::field(
            file,
            row,
            field,
            value,
            format!("text without control characters; this one holds {what}"),
        ));
    }
    Ok(())
}

/// Checks a value in whole US dollars against the accepted range.
pub fn check_dollars(file: &str, row: u64, field: &str, value: i64) -> Result<i64, IngestError> {
    if value.checked_abs().is_none_or(|v| v > MAX_ABS_VALUE_USD) {
        return Err(IngestError::field(
            file,
            row,
            field,
            &value.to_string(),
            format!(
                "at most {MAX_ABS_VALUE_USD} US dollars in magnitude (10^15, far above any real \
                 trade value)"
            ),
        ));
    }
    Ok(value)
}

/// Where a double-quoted CSV field opens that is never closed (it would run
/// to the end of the file), if any: its line and its column (0-based). `"`
/// inside a quoted field is written `""`, which closes and opens at once.
pub fn unclosed_quote(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut line = 1u64;
    let mut column = 0usize;
    let mut open_at: Option<(u64, usize)> = None;
    for &b in bytes {
        match (b, open_at) {
            (b'"', Some(_)) => open_at = None,
            (b'"', None) => open_at = Some((line, column)),
            (b'\n', None) => {
                line += 1;
                column = 0;
            }
            (b'\n', Some(_)) => line += 1,
            (b',', None) => column += 1,
            _ => {}
        }
    }
    open_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_are_truncated() {
        assert_eq!(echo("short"), "short");
        let long = "é".repeat(10_000);
        let e = echo(&long);
        assert!(e.starts_with(&"é".repeat(MAX_ECHO_CHARS)));
        assert!(e.ends_with("(20000 bytes in all)"), "{e}");
    }

    #[test]
    fn text_is_checked() {
        assert!(check_text("f", 2, "citation", "Table 1\tnote").is_ok());
        for (bad, says) in [
            ("a\nb", "line break"),
            ("a\r", "line break"),
            ("a\0b", "NUL"),
            ("a\u{1b}[31m", "U+001B"),
        ] {
            let e = check_text("f", 2, "citation", bad).unwrap_err();
            assert!(e.expected.contains(says), "{bad:?}: {e}");
            assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("citation")));
        }
        let e = check_text("f", 3, "quote", &"x".repeat(MAX_TEXT_BYTES + 1)).unwrap_err();
        assert!(e.expected.contains("at most 4096 bytes"), "{e}");
        assert!(e.value.unwrap().len() < 300, "the echo is truncated");
    }

    #[test]
    fn dollars_are_bounded() {
        assert_eq!(
            check_dollars("f", 1, "v", -MAX_ABS_VALUE_USD),
            Ok(-MAX_ABS_VALUE_USD)
        );
        assert!(check_dollars("f", 1, "v", MAX_ABS_VALUE_USD + 1).is_err());
        assert!(check_dollars("f", 1, "v", i64::MIN).is_err());
    }

    #[test]
    fn open_quotes_are_found() {
        assert_eq!(unclosed_quote(b"a,b\n\"x\",\"y \"\"z\"\"\"\n"), None);
        assert_eq!(unclosed_quote(b"a,b\n1,2\n3,\"open\n4,5\n"), Some((3, 1)));
        assert_eq!(unclosed_quote(b"a,b\n\"1\n2\",\"x"), Some((3, 1)));
    }
}
