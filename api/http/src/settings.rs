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
    /// Bytes those responses may hold in all, compressed variants counted
    /// (0: no cache). The default, 16 MiB, keeps the server under 100 MB
    /// through the load test's workloads: what a full cache costs in
    /// resident memory is about twice what it counts (allocator overhead
    /// and fragmentation; BENCHMARKS.md, issue 13, fifth pass).
    pub response_cache_bytes: u64,
    /// The largest response kept (larger ones are served, not kept).
    pub response_cache_max_entry_bytes: usize,
    /// How often the storage is checked for new data and for health.
    pub refresh_interval: Duration,
    /// The dataset a query gets when it names none.
    pub default_dataset: Option<String>,
    /// Enables writes when set.
    pub write_token: Option<Secret>,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// How long an upload's body may take to arrive in all.
    pub upload_timeout: Duration,
    /// How long an upload may send nothing before it is refused.
    pub upload_idle_timeout: Duration,
    /// Uploads handled at once; more get 503 with `Retry-After`.
    pub max_concurrent_uploads: usize,
    /// How long a write may wait on the database before it is answered 503.
    pub write_timeout: Duration,
    /// How long the health probe waits for the database before it counts
    /// it as down (so an outage is noticed within `refresh_interval` plus
    /// this).
    pub probe_timeout: Duration,
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
            response_cache_bytes: 16 * 1024 * 1024,
            response_cache_max_entry_bytes: 4 * 1024 * 1024,
            refresh_interval: Duration::from_secs(2),
            default_dataset: None,
            write_token: None,
            max_upload_bytes: 64 * 1024 * 1024,
            upload_timeout: Duration::from_secs(60),
            upload_idle_timeout: Duration::from_secs(10),
            max_concurrent_uploads: 2,
            write_timeout: Duration::from_secs(60),
            probe_timeout: Duration::from_secs(1),
            rate_limit: RateLimit {
                per_second: 0,
                burst: 50,
            },
        }
    }
}
