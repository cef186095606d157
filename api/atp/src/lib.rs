//! The `atp` binary's library: the command line, the configuration, the
//! Census fetch, the synthetic dataset, and the import service that wires
//! ingestion, storage, the read model and the HTTP server together.

pub mod builtin;
pub mod cli;
pub mod config;
pub mod fetch;
pub mod service;
pub mod synthetic;
