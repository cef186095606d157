//! What the HTTP layer is configured with (the binary's configuration fills
//! it in).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A secret: never printed, never logged.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(unset)"
        } else {
            "(redacted)"
        })
    }
}

/// Per-client-address request rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Sustained requests per second per client address (0: no limit).
    pub per_second: u32,
    /// Requests allowed in a burst above the sustained rate.
    pub burst: u32,
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Worker threads (0: one per core).
    pub workers: usize,
    /// Origins allowed by CORS (`*` for any); empty: none.
    pub cors_origins: Vec<String>,
    /// `Cache-Control: max-age` of data responses.
    pub cache_max_age: Duration,
    /// Rendered responses kept in memory per data version (0: none).
    pub response_cache_entries: usize,
    /// How often the storage is checked for new data and for health.
    pub refresh_interval: Duration,
    /// The dataset a query gets when it names none.
    pub default_dataset: Option<String>,
    /// Enables writes when set.
    pub write_token: Option<Secret>,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// Requests per client address.
    pub rate_limit: RateLimit,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            workers: 0,
            cors_origins: Vec::new(),
            cache_max_age: Duration::from_secs(60),
            response_cache_entries: 4096,
            refresh_interval: Duration::from_secs(2),
            default_dataset: None,
            write_token: None,
            max_upload_bytes: 64 * 1024 * 1024,
            rate_limit: RateLimit {
                per_second: 0,
                burst: 50,
            },
        }
    }
}
