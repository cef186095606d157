//! The command line of the `atp` binary.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use atp_core::Flow;
use atp_store::{DatabaseUrl, Store, StoreError};

use crate::config::{Config, ConfigError, LogFormat, Overrides};
use crate::fetch::{self, FetchError};
use crate::service::{ImportError, Service};
use crate::synthetic::{self, SyntheticError};

/// Why a command failed, with its cause.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{url}: {source}")]
    Database { url: String, source: StoreError },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Synthetic(#[from] SyntheticError),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("the built-in dataset: {0}")]
    Builtin(#[from] atp_core::DatasetError),
    #[error("cannot listen on {bind}: {source}")]
    Listen {
        bind: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Server(std::io::Error),
    #[error("logging: {0}")]
    Logging(String),
    #[error("{url}: {problem}")]
    Healthcheck { url: String, problem: String },
    #[error("writing to standard output: {0}")]
    Stdout(std::io::Error),
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |source| CliError::File {
        path: path.to_owned(),
        source,
    }
}

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
    /// Apply the migrations, then exit (for deployment jobs; `serve` does it
    /// too). The built-in datasets are served from the binary and need no
    /// seeding; the command checks that they load.
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
        /// The OpenAPI 3.0.3 rendition (for tools that read no 3.1), as
        /// committed in openapi/openapi-3.0.json.
        #[arg(long)]
        openapi_30: bool,
    },
    /// Import files as one dataset, all or nothing. The format of each file is
    /// detected: a tidy CSV file, Census API responses (JSON), optionally a
    /// dataset description (JSON object), or Census `country.xlsx` workbooks
    /// (several workbooks: one vintage each, in one transaction). A new
    /// release of an existing dataset is added beside its older vintages.
    Import {
        /// The dataset id to store under (lower-case letters, digits, - _ .).
        #[arg(long)]
        dataset: Option<String>,
        /// Replace the dataset, every stored vintage, if it exists (otherwise
        /// an import that is not a new release of it is refused).
        #[arg(long)]
        replace: bool,
        /// The vintage to store as (default: the files' own: a workbook's
        /// last month, a description's vintage, a retrieval time).
        #[arg(long)]
        vintage: Option<String>,
        /// When the source published this release (YYYY-MM-DD): what
        /// `as_of` queries compare [default: known Census releases' dates,
        /// else the import day].
        #[arg(long)]
        published_on: Option<String>,
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a dataset as tidy CSV (the format `import` reads).
    Export {
        #[arg(long)]
        dataset: String,
        /// The vintage [default: the latest].
        #[arg(long)]
        vintage: Option<String>,
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
    /// benchmarks): 10 groups x PARTNERS x YEARS (x 12 months with
    /// --monthly) x 2 flows.
    Synthetic {
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.partners)]
        partners: usize,
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.first_year)]
        first_year: u16,
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.years)]
        years: u16,
        #[arg(long, default_value_t = synthetic::SyntheticSpec::LOAD_TEST.seed)]
        seed: u64,
        /// Also write the `all` aggregate of each partner, flow and period.
        #[arg(long)]
        totals: bool,
        /// Twelve months a year instead of the year (240 partners x 35
        /// years: 2,016,000 rows).
        #[arg(long)]
        monthly: bool,
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
    /// the months of a year or a range of years, imported as monthly values
    /// and, for complete years, annual ones; all-goods and non-ATP rows too.
    Census {
        /// The year to fetch (or the first of a range, with --to-year).
        #[arg(long)]
        year: u16,
        /// The last year of a range [default: --year].
        #[arg(long)]
        to_year: Option<u16>,
        /// One flow only (default: both).
        #[arg(long, value_parser = parse_flow)]
        flow: Option<Flow>,
        /// Census API key (https://api.census.gov/data/key_signup.html).
        #[arg(long, env = "ATP_CENSUS_KEY", hide_env_values = true)]
        key: Option<String>,
        /// Base URL of the API.
        #[arg(long, env = "ATP_CENSUS_BASE_URL", default_value = fetch::DEFAULT_CENSUS_BASE_URL)]
        base_url: String,
        /// Dataset id (default: census-hitech-YEAR, or census-hitech-YEAR-TO_YEAR).
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
pub fn load_config(cli: &Cli) -> Result<Config, ConfigError> {
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
pub fn init_tracing(config: &Config) -> Result<(), CliError> {
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log).map_err(|e| {
        ConfigError::LogFilter {
            filter: config.log.clone(),
            problem: e.to_string(),
        }
    })?;
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
    result.map_err(|e| CliError::Logging(e.to_string()))
}

/// Runs the command line; the error is what to print.
pub fn run(cli: Cli, config: &Config) -> Result<(), CliError> {
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
            let service = Service::new(open_store(&url, 1)?);
            let builtins = service.builtins()?;
            tracing::info!(
                database = %url,
                builtin = builtins.views.len(),
                "migrated; the built-in datasets load"
            );
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
        Command::Openapi { output, openapi_30 } => {
            let doc = if openapi_30 {
                atp_http::openapi_json_30()
            } else {
                atp_http::openapi_json()
            };
            match output {
                Some(path) => std::fs::write(&path, doc).map_err(file_error(&path)),
                None => std::io::stdout()
                    .write_all(doc.as_bytes())
                    .map_err(CliError::Stdout),
            }
        }
        Command::Import {
            dataset,
            replace,
            vintage,
            published_on,
            files,
        } => import(
            &url,
            &crate::service::ImportOptions {
                dataset: dataset.as_deref(),
                replace,
                vintage: vintage.as_deref(),
                published_on: published_on.as_deref(),
            },
            &files,
        ),
        Command::Export {
            dataset,
            vintage,
            output,
        } => export(&url, &dataset, vintage.as_deref(), output),
        Command::Fetch {
            source:
                FetchSource::Census {
                    year,
                    to_year,
                    flow,
                    key,
                    base_url,
                    dataset,
                    replace,
                    save_dir,
                },
        } => {
            let to_year = to_year.unwrap_or(year);
            let request = fetch::CensusRequest {
                base_url,
                years: fetch::YearSpan::new(year, to_year)?,
                flows: flow.map_or_else(|| Flow::ALL.to_vec(), |f| vec![f]),
                key,
            };
            let responses = fetch::download(&request)?;
            if let Some(dir) = &save_dir {
                fetch::save(dir, &responses)?;
            }
            let files: Vec<(String, Vec<u8>)> =
                responses.into_iter().map(|r| (r.url, r.body)).collect();
            let dataset = dataset.unwrap_or_else(|| {
                if to_year == year {
                    format!("census-hitech-{year}")
                } else {
                    format!("census-hitech-{year}-{to_year}")
                }
            });
            service(&url)?.import_files(&files, Some(&dataset), replace)?;
            Ok(())
        }
        Command::DataQuality => data_quality(),
        Command::Synthetic {
            partners,
            first_year,
            years,
            seed,
            totals,
            monthly,
            dataset,
            output,
        } => {
            let spec = synthetic::SyntheticSpec {
                partners,
                first_year,
                years,
                seed,
                totals,
                monthly,
            };
            let rows = match output {
                Some(path) => {
                    let f = std::fs::File::create(&path).map_err(file_error(&path))?;
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

fn open_store(url: &DatabaseUrl, pool_size: u32) -> Result<Store, CliError> {
    Store::open(url, pool_size).map_err(|source| CliError::Database {
        url: url.to_string(),
        source,
    })
}

fn service(url: &DatabaseUrl) -> Result<Service, CliError> {
    Ok(Service::new(open_store(url, 8)?))
}

fn import(
    url: &DatabaseUrl,
    options: &crate::service::ImportOptions<'_>,
    files: &[PathBuf],
) -> Result<(), CliError> {
    let mut contents = Vec::with_capacity(files.len());
    for path in files {
        let bytes = std::fs::read(path).map_err(file_error(path))?;
        contents.push((path.display().to_string(), bytes));
    }
    service(url)?.import_with(&contents, options)?;
    Ok(())
}

fn export(
    url: &DatabaseUrl,
    dataset: &str,
    vintage: Option<&str>,
    output: Option<PathBuf>,
) -> Result<(), CliError> {
    let model = service(url)?.load_model(None)?;
    let vintages = model
        .vintages(dataset)
        .ok_or_else(|| CliError::Store(StoreError::DatasetNotFound(dataset.to_owned())))?;
    let view = match vintage {
        Some(v) => vintages.vintage(v).ok_or_else(|| {
            CliError::Store(StoreError::VintageNotFound {
                id: dataset.to_owned(),
                vintage: v.to_owned(),
            })
        })?,
        None => vintages.latest(),
    };
    // What the source gave: not the `all` the service computes.
    let observations: Vec<atp_core::Observation> = view
        .facts
        .iter()
        .filter(|f| !(view.all_is_computed && f.key.group == atp_core::GroupId::All))
        .map(atp_query::Fact::to_observation)
        .collect();
    match &output {
        Some(path) => {
            let f = std::fs::File::create(path).map_err(file_error(path))?;
            atp_ingest::tidy::write(dataset, &observations, f)?;
        }
        None => atp_ingest::tidy::write(dataset, &observations, std::io::stdout().lock())?,
    }
    tracing::info!(dataset, rows = observations.len(), "exported");
    Ok(())
}

fn data_quality() -> Result<(), CliError> {
    let dataset = atp_core::builtin::brief().map_err(Clone::clone)?;
    let report = atp_core::quality::check(dataset);
    let explanations: HashMap<String, String> = atp_core::builtin::known_disagreements()?;
    std::io::stdout()
        .write_all(report.to_markdown(&explanations).as_bytes())
        .map_err(CliError::Stdout)
}

fn healthcheck(url: &str, timeout: std::time::Duration) -> Result<(), CliError> {
    let failed = |problem: String| CliError::Healthcheck {
        url: url.to_owned(),
        problem,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let response = agent.get(url).call().map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(failed(status.to_string()))
    }
}

fn serve(url: &DatabaseUrl, config: &Config) -> Result<(), CliError> {
    tracing::info!(?config, "configuration");
    // The built-in data loads on its own thread while the database opens.
    let builtins = crate::service::BuiltinSlot::start();
    let store =
        Store::open_with(url, config.pool_size, config.store_timeouts()).map_err(|source| {
            CliError::Database {
                url: url.to_string(),
                source,
            }
        })?;
    let bind = &config.bind;
    let listen_error = |source| CliError::Listen {
        bind: bind.clone(),
        source,
    };
    let listener = std::net::TcpListener::bind(bind).map_err(listen_error)?;
    let address = listener.local_addr().map_err(listen_error)?;
    tracing::info!(%address, database = %url, "listening");
    let service: Arc<dyn atp_http::DataStore> = Arc::new(Service::with_builtins(store, builtins));
    atp_http::serve(listener, service, config.server_settings()).map_err(CliError::Server)
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
