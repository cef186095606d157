//! The ATP trade-statistics service: storage, ingestion, the HTTP API and the
//! command line of the `atp` binary.

pub mod cli;
pub mod config;
pub mod fetch;
pub mod http;
pub mod ingest;
pub mod query;
pub mod read_model;
pub mod records;
pub mod store;
pub mod synthetic;
