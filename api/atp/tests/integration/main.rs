//! Storage, import, command-line, operations and failure tests, on both
//! backends, against the real binary and the real databases. One test
//! binary (one link) for all of them.

mod common;

mod census_import;
mod cli;
mod failures;
mod fetch;
mod openapi;
mod operations;
mod store;
