//! Snapshots of representative responses, whole. Each snapshot is shared by
//! the SQLite and the PostgreSQL run: both backends must give the same
//! answer (up to the redacted volatile fields).
//!
//! Review changes with `cargo insta review`, or regenerate with
//! `INSTA_UPDATE=always cargo test -p atp --test snapshots` and read
//! the diff.

use atp_testkit::{Server, on_both_backends};
use insta::assert_json_snapshot;
use serde_json::Value;

fn json_of(app: &Server, path: &str) -> Value {
    app.get_json(path)
}

fn korea_imports_2024(app: &Server) {
    assert_json_snapshot!(
        "korea_imports_2024",
        json_of(app, "/v1/imports?partner=KR&year=2024")
    );
}

fn biotechnology_balances(app: &Server) {
    assert_json_snapshot!(
        "biotechnology_balances",
        json_of(app, "/v1/balances?group=biotechnology")
    );
}

fn world_imports_growth_2014_2024(app: &Server) {
    assert_json_snapshot!(
        "world_imports_growth_2014_2024",
        json_of(app, "/v1/growth?flow=imports&from=2014&to=2024&partner=WLD")
    );
}

fn korea_profile_2024(app: &Server) {
    assert_json_snapshot!(
        "korea_profile_2024",
        json_of(app, "/v1/partners/KR/profile?year=2024")
    );
}

fn import_shares_2024(app: &Server) {
    assert_json_snapshot!(
        "import_shares_2024",
        json_of(app, "/v1/shares?flow=imports&year=2024&sort=group,rank")
    );
}

fn dataset_description(app: &Server) {
    // When it was imported differs from run to run; the checksum of the
    // stored observations must not differ between backends.
    assert_json_snapshot!(
        "dataset_description",
        json_of(app, "/v1/datasets/kiat-2026-04"),
        { ".data.imported_at" => "[imported_at]" }
    );
}

fn bad_year_problem(app: &Server) {
    let r = app.get("/v1/imports?year=20x4");
    assert_eq!(r.status, 400);
    assert_json_snapshot!("bad_year_problem", r.json());
}

on_both_backends!(
    korea_imports_2024,
    biotechnology_balances,
    world_imports_growth_2014_2024,
    korea_profile_2024,
    import_shares_2024,
    dataset_description,
    bad_year_problem,
);
