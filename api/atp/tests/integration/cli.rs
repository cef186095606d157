//! The `atp` binary, run as a user runs it, on SQLite and PostgreSQL.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers and tests fail loudly on broken setup"
)]

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{Server, StoreUrl as _, TestDb};
use atp_core::builtin::brief;
use atp_ingest::tidy;
use atp_store::{DatabaseUrl, Store};

fn atp(db_url: &str, args: &[&str]) -> Output {
    Command::new(atp_testkit::atp_bin!())
        .args(args)
        .env("ATP_DATABASE_URL", db_url)
        .env("ATP_LOG", "info")
        .output()
        .expect("run atp")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_builtin_csv(dir: &Path, dataset: &str) -> String {
    let path = dir.join(format!("{dataset}.csv"));
    let mut buf = Vec::new();
    tidy::write(dataset, &brief().unwrap().observations, &mut buf).unwrap();
    std::fs::write(&path, buf).unwrap();
    path.display().to_string()
}

fn import_export_and_refusals(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_builtin_csv(dir.path(), "from-cli");
    let out = atp(&db.url, &["import", "--dataset", "from-cli", &csv]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("imported"), "{}", stderr(&out));
    let rows = brief().unwrap().observations.len() as i64;
    let store = Store::open(&db.store_url(), 2).unwrap();
    assert_eq!(store.observation_count().unwrap(), rows);

    // The same version again is refused, with a message, and changes nothing.
    let again = atp(&db.url, &["import", "--dataset", "from-cli", &csv]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(store.observation_count().unwrap(), rows);
    // ... unless replaced explicitly.
    let replaced = atp(
        &db.url,
        &["import", "--dataset", "from-cli", "--replace", &csv],
    );
    assert!(replaced.status.success(), "{}", stderr(&replaced));
    assert_eq!(store.observation_count().unwrap(), rows);

    // A bad file names the file, the row, the field and the value.
    let bad = dir.path().join("bad.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("from-cli", "bad");
    std::fs::write(
        &bad,
        text.replacen(
            ",aerospace,WLD,2014,imports,",
            ",aerospace,XX,2014,imports,",
            1,
        ),
    )
    .unwrap();
    let out = atp(
        &db.url,
        &["import", "--dataset", "bad", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv, row ") && err.contains("field partner, value \"XX\""),
        "{err}"
    );
    assert_eq!(store.observation_count().unwrap(), rows);

    // Export writes what import reads.
    let exported = dir.path().join("out.csv");
    let out = atp(
        &db.url,
        &[
            "export",
            "--dataset",
            "from-cli",
            "--output",
            exported.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (id, back) = tidy::parse("out.csv", &std::fs::read(&exported).unwrap(), None).unwrap();
    assert_eq!(id, "from-cli");
    assert_eq!(back.len() as i64, rows);
}

atp_testkit::on_both_databases!(import_export_and_refusals);

fn spawn_serve(envs: &[(&str, &str)], remove: &[&str]) -> Server {
    crate::common::spawn_server(envs, remove, &[])
}

fn get_json(address: &str, path: &str) -> serde_json::Value {
    let body = ureq::get(&format!("http://{address}{path}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str(&body).unwrap()
}

/// The rows of the built-in datasets, which the binary serves from its
/// embedded files.
fn builtin_rows() -> i64 {
    atp::builtin::load("2026-12-01T00:00:00Z")
        .unwrap()
        .views
        .iter()
        .map(|v| v.row_count() as i64)
        .sum()
}

#[test]
fn serve_with_no_setting_creates_a_sqlite_file_and_serves_the_built_in_data() {
    let home = tempfile::tempdir().unwrap();
    let data_home = home.path().join("data");
    let envs = [
        ("XDG_DATA_HOME", data_home.to_str().unwrap()),
        ("HOME", home.path().to_str().unwrap()),
    ];
    let rows = builtin_rows();
    {
        let server = spawn_serve(&envs, &["ATP_DATABASE_URL"]);
        let ready = get_json(&server.address, "/readyz");
        assert_eq!(ready["status"], "ready");
        assert_eq!(ready["datasets"], 3);
        assert_eq!(ready["observations"], rows);
    }
    let file = data_home.join("atp/atp.sqlite3");
    assert!(file.exists(), "the default database is {}", file.display());
    // The built-in data is never written to the database: a restart serves
    // the same rows, not twice as many.
    let url = format!("sqlite://{}", file.display());
    let store = Store::open(&DatabaseUrl::parse(&url).unwrap(), 1).unwrap();
    assert_eq!(store.observation_count().unwrap(), 0);
    let server = spawn_serve(&envs, &["ATP_DATABASE_URL"]);
    assert_eq!(get_json(&server.address, "/readyz")["observations"], rows);
}

#[test]
fn serve_on_postgres() {
    let Some(db) = crate::common::postgres() else {
        return;
    };
    let server = spawn_serve(&[("ATP_DATABASE_URL", &db.url)], &[]);
    let ready = get_json(&server.address, "/readyz");
    assert_eq!(ready["observations"], builtin_rows());
    assert_eq!(ready["datasets"], 3);
}
