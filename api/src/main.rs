//! `atp`: the ATP trade-statistics service and its tools, in one binary.

use std::collections::HashMap;
use std::io::Write as _;
use std::process::ExitCode;

use actix_web::{App, HttpResponse, HttpServer, get};
use clap::{Parser, Subcommand};

/// US trade in Advanced Technology Products: a REST/JSON data service.
#[derive(Debug, Parser)]
#[command(name = "atp", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default when no command is given).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ATP_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Print the data-quality report of the built-in dataset (Markdown).
    DataQuality,
}

#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

async fn serve(bind: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    HttpServer::new(|| App::new().service(healthz))
        .listen(listener)?
        .run()
        .await
}

fn data_quality() -> Result<String, String> {
    let dataset = atp_core::builtin::brief().map_err(|e| e.to_string())?;
    let report = atp_core::quality::check(dataset);
    let explanations: HashMap<String, String> =
        atp_core::builtin::known_disagreements().map_err(|e| e.to_string())?;
    Ok(report.to_markdown(&explanations))
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ATP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve {
        bind: default_bind(),
    }) {
        Command::Serve { bind } => actix_web::rt::System::new()
            .block_on(serve(&bind))
            .map_err(|e| format!("cannot serve on {bind}: {e}")),
        Command::DataQuality => data_quality().and_then(|md| {
            std::io::stdout()
                .write_all(md.as_bytes())
                .map_err(|e| e.to_string())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn default_bind() -> String {
    std::env::var("ATP_BIND").unwrap_or_else(|_| "127.0.0.1:8080".to_owned())
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
