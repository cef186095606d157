//! The command line of the `atp` binary.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::SystemTime;

use clap::{Parser, Subcommand};

use atp_core::Flow;

use crate::config::{Config, LogFormat, Overrides};
use crate::fetch;
use crate::ingest;
use crate::store::{DatabaseUrl, OnExisting, Store};
use crate::synthetic;

/// US trade in Advanced Technology Products: a REST/JSON data service.
#[derive(Debug, Parser)]
#[command(name = "atp", version, about)]
pub struct Cli {
    /// Database: postgres://..., sqlite://PATH or a file path. Default: a
    /// SQLite file under $XDG_DATA_HOME/atp (or ~/.local/share/atp).
    #[arg(long, env = "ATP_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Configuration file (TOML); see docs/CONFIGURATION.md.
    #[arg(long, env = "ATP_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// Log format [default: text].
    #[arg(long, env = "ATP_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default when no command is given).
    Serve(ServeArgs),
    /// Apply the migrations and load the built-in dataset if the database has
    /// never had it, then exit (for deployment jobs; `serve` does it too).
    Seed,
    /// Check that a running server is ready: GET its `/readyz`, exit 0 on a
    /// 2xx answer, 1 otherwise (for container health checks). Opens no database.
    Healthcheck {
        /// The URL to check [default: http://<ATP_BIND>/readyz, with 0.0.0.0
        /// read as 127.0.0.1].
        #[arg(long)]
        url: Option<String>,
        /// Give up after this long.
        #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
        timeout: std::time::Duration,
    },
    /// Print the OpenAPI document (or write it to a file).
    Openapi {
        /// Output file (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Import files as one dataset, all or nothing. The format of each file is
    /// detected: a tidy CSV file, Census API responses (JSON), and optionally a
    /// dataset description (JSON object).
    Import {
        /// The dataset id to store under (lower-case letters, digits, - _ .).
        #[arg(long)]
        dataset: Option<String>,
        /// Replace the dataset if it exists (otherwise the import is refused).
        #[arg(long)]
        replace: bool,
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a dataset as tidy CSV (the format `import` reads).
    Export {
        #[arg(long)]
        dataset: String,
        /// Output file (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Download data from its upstream source and import it.
    Fetch {
        #[command(subcommand)]
        source: FetchSource,
    },
    /// Print the data-quality report of the built-in dataset (Markdown).
    DataQuality,
    /// Write a deterministic synthetic dataset as tidy CSV (for load tests and
    /// benchmarks): 10 groups x PARTNERS x YEARS x 2 flows.
    Synthetic {
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.partners)]
        partners: usize,
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.first_year)]
        first_year: u16,
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.years)]
        years: u16,
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.seed)]
        seed: u64,
        /// Also write the `all` aggregate of each partner, flow and year.
        #[arg(long)]
        totals: bool,
        /// The dataset id written in each row.
        #[arg(long, default_value = "synthetic")]
        dataset: String,
        /// Output file (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// How `atp serve` runs. Every flag can also be set in the configuration
/// file or the environment (see docs/CONFIGURATION.md); flags win.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the address is logged)
    /// [default: 127.0.0.1:8080].
    #[arg(long, env = "ATP_BIND")]
    pub bind: Option<String>,
    /// Worker threads (0: one per core) [default: 0].
    #[arg(long, env = "ATP_WORKERS")]
    pub workers: Option<usize>,
    /// Origins allowed to call the API from a browser (CORS), comma-separated;
    /// `*` for any [default: none].
    #[arg(long, env = "ATP_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Option<Vec<String>>,
    /// `Cache-Control: max-age` of data responses [default: 60s].
    #[arg(long, env = "ATP_CACHE_MAX_AGE")]
    pub cache_max_age: Option<String>,
    /// How often to check the database for new data (imports made by other
    /// processes or replicas) and for its health [default: 2s].
    #[arg(long, env = "ATP_REFRESH_INTERVAL")]
    pub refresh_interval: Option<String>,
    /// The dataset a query gets when it names none [default: the built-in
    /// dataset, else the first].
    #[arg(long, env = "ATP_DEFAULT_DATASET")]
    pub default_dataset: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FetchSource {
    /// The Census International Trade API (`imports/hitech`, `exports/hitech`):
    /// the twelve months of a year, imported as annual values.
    Census {
        /// The year to fetch.
        #[arg(long)]
        year: u16,
        /// One flow only (default: both).
        #[arg(long, value_parser = parse_flow)]
        flow: Option<Flow>,
        /// Census API key (https://api.census.gov/data/key_signup.html).
        #[arg(long, env = "ATP_CENSUS_KEY", hide_env_values = true)]
        key: Option<String>,
        /// Base URL of the API.
        #[arg(long, env = "ATP_CENSUS_BASE_URL", default_value = fetch::DEFAULT_CENSUS_BASE_URL)]
        base_url: String,
        /// Dataset id (default: census-hitech-YEAR).
        #[arg(long)]
        dataset: Option<String>,
        /// Replace the dataset if it exists.
        #[arg(long)]
        replace: bool,
        /// Also save the responses, as returned, in this directory.
        #[arg(long)]
        save_dir: Option<PathBuf>,
    },
}

fn parse_flow(s: &str) -> Result<Flow, String> {
    Flow::try_from(s).map_err(|e| e.to_string())
}

/// The configuration: defaults, the file, the environment, then the flags
/// given on this command line.
pub fn load_config(cli: &Cli) -> Result<Config, String> {
    let serve = match &cli.command {
        Some(Command::Serve(args)) => args.clone(),
        _ => ServeArgs::default(),
    };
    let overrides = Overrides {
        database_url: cli.database_url.clone(),
        bind: serve.bind,
        workers: serve.workers,
        cors_origins: serve.cors_origins,
        cache_max_age: serve.cache_max_age,
        refresh_interval: serve.refresh_interval,
        default_dataset: serve.default_dataset,
        log_format: cli.log_format,
    };
    Config::load(
        crate::config::config_file(cli.config.clone()).as_deref(),
        &overrides,
    )
}

/// Logs to standard error: human-readable lines, or JSON lines. Each request
/// is a span (see `http::server`); its close event is the access-log line.
pub fn init_tracing(config: &Config) -> Result<(), String> {
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .map_err(|e| format!("configuration: log {:?}: {e}", config.log))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_span_events(FmtSpan::CLOSE);
    let result = match config.log_format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
    };
    result.map_err(|e| e.to_string())
}

/// Runs the command line; the error is what to print.
pub fn run(cli: Cli, config: &Config) -> Result<(), String> {
    let url = match &config.database_url {
        Some(u) => DatabaseUrl::parse(u)?,
        None => DatabaseUrl::default_sqlite(),
    };
    match cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::default()))
    {
        Command::Serve(_) => serve(&url, config),
        Command::Seed => {
            let store = Store::open(&url, 1).map_err(|e| format!("{url}: {e}"))?;
            let seeded = store.seed_builtin().map_err(|e| e.to_string())?;
            tracing::info!(database = %url, seeded, "migrated; built-in dataset present");
            Ok(())
        }
        Command::Healthcheck {
            url: target,
            timeout,
        } => {
            let target = target.unwrap_or_else(|| {
                let bind = config
                    .bind
                    .replace("0.0.0.0", "127.0.0.1")
                    .replace("[::]", "[::1]");
                format!("http://{bind}/readyz")
            });
            healthcheck(&target, timeout)
        }
        Command::Openapi { output } => {
            let doc = crate::http::openapi_json();
            match output {
                Some(path) => {
                    std::fs::write(&path, doc).map_err(|e| format!("{}: {e}", path.display()))
                }
                None => std::io::stdout()
                    .write_all(doc.as_bytes())
                    .map_err(|e| e.to_string()),
            }
        }
        Command::Import {
            dataset,
            replace,
            files,
        } => import(&url, dataset.as_deref(), replace, &files),
        Command::Export { dataset, output } => export(&url, &dataset, output),
        Command::Fetch {
            source:
                FetchSource::Census {
                    year,
                    flow,
                    key,
                    base_url,
                    dataset,
                    replace,
                    save_dir,
                },
        } => {
            let request = fetch::CensusRequest {
                base_url,
                year,
                flows: flow.map_or_else(|| Flow::ALL.to_vec(), |f| vec![f]),
                key,
            };
            let responses = fetch::download(&request)?;
            if let Some(dir) = &save_dir {
                fetch::save(dir, &responses)?;
            }
            let files: Vec<(String, Vec<u8>)> =
                responses.into_iter().map(|r| (r.url, r.body)).collect();
            let dataset = dataset.unwrap_or_else(|| format!("census-hitech-{year}"));
            store_files(&url, &files, Some(&dataset), replace)
        }
        Command::DataQuality => data_quality(),
        Command::Synthetic {
            partners,
            first_year,
            years,
            seed,
            totals,
            dataset,
            output,
        } => {
            let spec = synthetic::SyntheticSpec {
                partners,
                first_year,
                years,
                seed,
                totals,
            };
            let rows = match output {
                Some(path) => {
                    let f = std::fs::File::create(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    synthetic::write_csv(&spec, &dataset, std::io::BufWriter::new(f))?
                }
                None => synthetic::write_csv(
                    &spec,
                    &dataset,
                    std::io::BufWriter::new(std::io::stdout().lock()),
                )?,
            };
            tracing::info!(rows, "wrote the synthetic dataset");
            Ok(())
        }
    }
}

fn open_store(url: &DatabaseUrl) -> Result<Store, String> {
    Store::open(url, 8).map_err(|e| format!("{url}: {e}"))
}

fn import(
    url: &DatabaseUrl,
    dataset: Option<&str>,
    replace: bool,
    files: &[PathBuf],
) -> Result<(), String> {
    let mut contents = Vec::with_capacity(files.len());
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        contents.push((path.display().to_string(), bytes));
    }
    store_files(url, &contents, dataset, replace)
}

/// Parses, checks and stores files as one dataset: the one path of every import.
fn store_files(
    url: &DatabaseUrl,
    contents: &[(String, Vec<u8>)],
    dataset: Option<&str>,
    replace: bool,
) -> Result<(), String> {
    let retrieved = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let prepared = ingest::prepare(contents, dataset, &retrieved).map_err(|e| e.to_string())?;
    for w in prepared.quality_notes() {
        tracing::warn!(dataset = %prepared.info.id, "{w}");
    }
    let store = open_store(url)?;
    let on_existing = if replace {
        OnExisting::Replace
    } else {
        OnExisting::Refuse
    };
    let summary = store
        .import_prepared(&prepared, on_existing)
        .map_err(|e| e.to_string())?;
    tracing::info!(
        dataset = %summary.dataset_id,
        rows = summary.rows,
        replaced = summary.replaced,
        checksum = %summary.checksum,
        database = %url,
        "imported"
    );
    Ok(())
}

fn export(url: &DatabaseUrl, dataset: &str, output: Option<PathBuf>) -> Result<(), String> {
    let store = open_store(url)?;
    store.seed_builtin().map_err(|e| e.to_string())?;
    let observations = store.observations(dataset).map_err(|e| e.to_string())?;
    let result = match &output {
        Some(path) => std::fs::File::create(path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|f| {
                ingest::tidy::write(dataset, &observations, f).map_err(|e| e.to_string())
            }),
        None => ingest::tidy::write(dataset, &observations, std::io::stdout().lock())
            .map_err(|e| e.to_string()),
    };
    result?;
    tracing::info!(dataset, rows = observations.len(), "exported");
    Ok(())
}

fn data_quality() -> Result<(), String> {
    let dataset = atp_core::builtin::brief().map_err(|e| e.to_string())?;
    let report = atp_core::quality::check(dataset);
    let explanations: HashMap<String, String> =
        atp_core::builtin::known_disagreements().map_err(|e| e.to_string())?;
    std::io::stdout()
        .write_all(report.to_markdown(&explanations).as_bytes())
        .map_err(|e| e.to_string())
}

fn healthcheck(url: &str, timeout: std::time::Duration) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let response = agent.get(url).call().map_err(|e| format!("{url}: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("{url}: {status}"))
    }
}

fn serve(url: &DatabaseUrl, config: &Config) -> Result<(), String> {
    tracing::info!(?config, "configuration");
    let store = Store::open(url, config.pool_size).map_err(|e| format!("{url}: {e}"))?;
    if store.seed_builtin().map_err(|e| e.to_string())? {
        tracing::info!(database = %url, "loaded the built-in dataset");
    }
    let bind = &config.bind;
    let listener =
        std::net::TcpListener::bind(bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%address, database = %url, "listening");
    crate::http::run(listener, store, config).map_err(|e| format!("server error: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
