//! `atp`: the ATP trade-statistics service and its tools, in one binary.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = atp::cli::Cli::parse();
    let config = match atp::cli::load_config(&cli) {
        Ok(config) => config,
        Err(e) => {
            // Logging is configured by the configuration that failed to load.
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = atp::cli::init_tracing(&config) {
        let _ = writeln!(std::io::stderr(), "error: {e}");
        return ExitCode::FAILURE;
    }
    match atp::cli::run(cli, &config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
