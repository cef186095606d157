//! The one error type of the domain layer: a value that could not be parsed.

use std::fmt;

/// The most characters of a value an error message repeats.
pub const MAX_ECHO_CHARS: usize = 200;

/// A value as an error message repeats it: at most [`MAX_ECHO_CHARS`]
/// characters, then how long it really was. A 10 MB bad value must not make
/// a 20 MB error.
pub fn echo(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO_CHARS) {
        None => value.to_owned(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &value[..cut], value.len()),
    }
}

/// A value was rejected while parsing a domain type. It names the field, the
/// value given and what is allowed, so every layer above can show it as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field} {value:?}: {expected}")]
pub struct InvalidValue {
    /// The name of the field or parameter (`group`, `partner`, `year`, ...).
    pub field: &'static str,
    /// The value as given.
    pub value: String,
    /// A sentence saying what is allowed.
    pub expected: String,
    /// The allowed values, where they form a short list.
    pub allowed: Vec<String>,
}

impl InvalidValue {
    /// An error for a value outside a fixed list.
    pub fn not_in_list<I, S>(field: &'static str, value: &str, allowed: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: fmt::Display,
    {
        let allowed: Vec<String> = allowed.into_iter().map(|s| s.to_string()).collect();
        Self {
            field,
            value: echo(value),
            expected: format!("expected one of {}", allowed.join(", ")),
            allowed,
        }
    }

    /// Adds a remark to what is allowed (`or a Census code 01..10`).
    pub fn also_accepting(mut self, remark: &str) -> Self {
        self.expected = format!("{} {remark}", self.expected);
        self
    }

    /// An error with a free-form description of what is allowed.
    pub fn with_expectation(field: &'static str, value: &str, expected: impl Into<String>) -> Self {
        Self {
            field,
            value: echo(value),
            expected: expected.into(),
            allowed: Vec::new(),
        }
    }
}
