//! One typed configuration, layered: built-in defaults, then an optional TOML
//! file (`--config` / `ATP_CONFIG`), then `ATP_*` environment variables, then
//! command-line flags. Every setting is documented in `docs/CONFIGURATION.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub use atp_http::{RateLimit, Secret};

/// The configuration could not be read: which setting, which value, why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {}: not found", .0.display())]
    FileNotFound(PathBuf),
    /// Every problem figment found, each naming the setting.
    #[error("configuration: {}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("configuration: log {filter:?}: {problem}")]
    LogFilter { filter: String, problem: String },
}

/// How logs are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Every setting of the service.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `postgres://...`, `sqlite://PATH` or a file path; unset: a SQLite file
    /// under `$XDG_DATA_HOME/atp`.
    pub database_url: Option<String>,
    /// Database connections kept open.
    pub pool_size: u32,
    /// Address to listen on.
    pub bind: String,
    /// Worker threads (0: one per core).
    pub workers: usize,
    /// Origins allowed by CORS (`*` for any); empty: none.
    pub cors_origins: Vec<String>,
    /// `Cache-Control: max-age` of data responses.
    #[serde(with = "humantime_serde")]
    pub cache_max_age: Duration,
    /// Rendered responses kept in memory per data version (0: none; every
    /// request is rendered from the read model).
    pub response_cache_entries: usize,
    /// Bytes the kept responses may hold in all, compressed variants
    /// counted (0: no cache).
    pub response_cache_bytes: u64,
    /// The largest response kept; larger ones are served but not kept.
    pub response_cache_max_entry_bytes: usize,
    /// How often the database is checked for new data and for health.
    #[serde(with = "humantime_serde")]
    pub refresh_interval: Duration,
    /// The dataset a query gets when it names none.
    pub default_dataset: Option<String>,
    /// Bearer token that enables `POST /v1/datasets` and `DELETE
    /// /v1/datasets/{id}`; unset: writes are disabled.
    pub write_token: Option<Secret>,
    /// Largest accepted upload.
    pub max_upload_bytes: usize,
    /// How long an upload's body may take to arrive in all (408 beyond).
    #[serde(with = "humantime_serde")]
    pub upload_timeout: Duration,
    /// How long an upload may send nothing (408 beyond).
    #[serde(with = "humantime_serde")]
    pub upload_idle_timeout: Duration,
    /// Uploads handled at once (503 with `Retry-After` beyond).
    pub max_concurrent_uploads: usize,
    /// How long a write may wait on the database before it is answered 503.
    #[serde(with = "humantime_serde")]
    pub write_timeout: Duration,
    /// How long the health probe waits for the database before counting it
    /// down: an outage is noticed within `refresh_interval` + this.
    #[serde(with = "humantime_serde")]
    pub probe_timeout: Duration,
    /// Connecting to the database (and waiting for a pooled connection).
    #[serde(with = "humantime_serde")]
    pub database_connect_timeout: Duration,
    /// One SQL statement on PostgreSQL (`statement_timeout`).
    #[serde(with = "humantime_serde")]
    pub database_statement_timeout: Duration,
    /// Requests per client address; off by default.
    pub rate_limit: RateLimit,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info,atp_http=debug`.
    pub log: String,
}

impl Default for Config {
    fn default() -> Config {
        // The defaults of the server and the store are theirs.
        let http = atp_http::Settings::default();
        let store = atp_store::Timeouts::default();
        Config {
            database_url: None,
            pool_size: 8,
            bind: "127.0.0.1:8080".to_owned(),
            workers: 0,
            cors_origins: Vec::new(),
            cache_max_age: Duration::from_secs(60),
            response_cache_entries: http.response_cache_entries,
            response_cache_bytes: http.response_cache_bytes,
            response_cache_max_entry_bytes: http.response_cache_max_entry_bytes,
            refresh_interval: Duration::from_secs(2),
            default_dataset: None,
            write_token: None,
            max_upload_bytes: http.max_upload_bytes,
            upload_timeout: http.upload_timeout,
            upload_idle_timeout: http.upload_idle_timeout,
            max_concurrent_uploads: http.max_concurrent_uploads,
            write_timeout: http.write_timeout,
            probe_timeout: http.probe_timeout,
            database_connect_timeout: store.connect,
            database_statement_timeout: store.statement,
            rate_limit: RateLimit {
                per_second: 0,
                burst: 50,
            },
            log_format: LogFormat::Text,
            log: "info".to_owned(),
        }
    }
}

/// The environment variables read (`ATP_` + the upper-case key; nested keys
/// with a double underscore: `ATP_RATE_LIMIT__PER_SECOND`).
const ENV_KEYS: &[&str] = &[
    "database_url",
    "pool_size",
    "bind",
    "workers",
    "cors_origins",
    "cache_max_age",
    "response_cache_entries",
    "response_cache_bytes",
    "response_cache_max_entry_bytes",
    "upload_timeout",
    "upload_idle_timeout",
    "max_concurrent_uploads",
    "write_timeout",
    "probe_timeout",
    "database_connect_timeout",
    "database_statement_timeout",
    "refresh_interval",
    "default_dataset",
    "write_token",
    "max_upload_bytes",
    "rate_limit",
    "log_format",
    "log",
];

impl Config {
    /// Defaults, then the file (if any), then the environment, then
    /// `overrides` (the command-line flags that were given).
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::FileNotFound(path.to_owned()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // Lists in the environment are comma-separated: read apart below.
        let env = Env::prefixed("ATP_")
            .filter(|key| {
                let key = key.as_str().to_ascii_lowercase();
                key != "cors_origins"
                    && ENV_KEYS.iter().any(|k| {
                        key == *k || key.strip_prefix(k).is_some_and(|r| r.starts_with("__"))
                    })
            })
            .split("__");
        let cors = std::env::var("ATP_CORS_ORIGINS")
            .ok()
            .map(|v| split_list(&v));
        figment = figment.merge(env);
        if let Some(cors) = cors {
            figment = figment.merge(Serialized::default("cors_origins", cors));
        }
        figment = figment.merge(Serialized::defaults(overrides));
        figment
            .extract::<Config>()
            .map_err(|e| ConfigError::Invalid(e.into_iter().map(|e| e.to_string()).collect()))
    }

    /// What the HTTP server is configured with.
    pub fn server_settings(&self) -> atp_http::Settings {
        atp_http::Settings {
            workers: self.workers,
            cors_origins: self.cors_origins.clone(),
            cache_max_age: self.cache_max_age,
            response_cache_entries: self.response_cache_entries,
            response_cache_bytes: self.response_cache_bytes,
            response_cache_max_entry_bytes: self.response_cache_max_entry_bytes,
            refresh_interval: self.refresh_interval,
            default_dataset: self.default_dataset.clone(),
            write_token: self.write_token.clone(),
            max_upload_bytes: self.max_upload_bytes,
            upload_timeout: self.upload_timeout,
            upload_idle_timeout: self.upload_idle_timeout,
            max_concurrent_uploads: self.max_concurrent_uploads,
            write_timeout: self.write_timeout,
            probe_timeout: self.probe_timeout,
            rate_limit: self.rate_limit,
        }
    }

    /// How long the store waits on the database.
    pub fn store_timeouts(&self) -> atp_store::Timeouts {
        atp_store::Timeouts {
            connect: self.database_connect_timeout,
            statement: self.database_statement_timeout,
        }
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The settings given as command-line flags (only those given).
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_origins: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_max_age: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_dataset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

/// Where the configuration file is looked for when none is named.
pub fn config_file(named: Option<PathBuf>) -> Option<PathBuf> {
    named.or_else(|| std::env::var_os("ATP_CONFIG").map(PathBuf::from))
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment's Jail closures return figment::Error"
)]
mod tests {
    use super::*;

    // Environment variables are process-wide: the tests that set them use
    // figment's jail, which serialises them and restores the environment.
    #[test]
    fn layers_apply_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "atp.toml",
                "bind = \"0.0.0.0:9000\"\nworkers = 3\nrefresh_interval = \"5s\"\n\
                 [rate_limit]\nper_second = 10\nburst = 20\n",
            )?;
            let file = jail.directory().join("atp.toml");
            // The file over the defaults.
            let c = Config::load(Some(&file), &Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.bind, "0.0.0.0:9000");
            assert_eq!(c.workers, 3);
            assert_eq!(c.refresh_interval, Duration::from_secs(5));
            assert_eq!(c.rate_limit.per_second, 10);
            assert_eq!(c.cache_max_age, Duration::from_secs(60), "default kept");
            // The environment over the file.
            jail.set_env("ATP_WORKERS", "4");
            jail.set_env("ATP_RATE_LIMIT__PER_SECOND", "7");
            jail.set_env("ATP_CORS_ORIGINS", "https://a.example, https://b.example");
            jail.set_env("ATP_WRITE_TOKEN", "s3cret");
            let c = Config::load(Some(&file), &Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.workers, 4);
            assert_eq!(c.rate_limit.per_second, 7);
            assert_eq!(c.rate_limit.burst, 20);
            assert_eq!(c.cors_origins, ["https://a.example", "https://b.example"]);
            assert_eq!(c.write_token.as_ref().map(Secret::expose), Some("s3cret"));
            assert!(
                !format!("{c:?}").contains("s3cret"),
                "secrets are not printed"
            );
            // Flags over the environment.
            let flags = Overrides {
                workers: Some(1),
                refresh_interval: Some("250ms".to_owned()),
                ..Overrides::default()
            };
            let c = Config::load(Some(&file), &flags).map_err(|e| e.to_string())?;
            assert_eq!(c.workers, 1);
            assert_eq!(c.refresh_interval, Duration::from_millis(250));
            assert_eq!(c.bind, "0.0.0.0:9000");
            Ok(())
        });
    }

    #[test]
    fn errors_name_the_setting_and_the_value() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "workers = \"many\"\n")?;
            let e = Config::load(
                Some(&jail.directory().join("bad.toml")),
                &Overrides::default(),
            )
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
            assert!(e.contains("workers") && e.contains("many"), "{e}");
            jail.create_file("typo.toml", "bnid = \"x\"\n")?;
            let e = Config::load(
                Some(&jail.directory().join("typo.toml")),
                &Overrides::default(),
            )
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
            assert!(e.contains("bnid"), "{e}");
            let e = Config::load(
                Some(Path::new("/nonexistent/atp.toml")),
                &Overrides::default(),
            )
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
            assert!(e.contains("not found"), "{e}");
            Ok(())
        });
    }
}
