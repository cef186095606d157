//! Bulk downloads (issue 15), over HTTP on both backends: a whole dataset
//! as CSV (gzip on the wire when the client takes it) and as Parquet (read
//! back with the parquet crate), equal figure for figure to the listings;
//! Namibia's `NA` and Census codes such as `0009` kept as text; every
//! vintage of census-country at once after the older `country.xlsx` are
//! imported; ETag and 304; errors naming parameter, value and what is
//! allowed.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::process::Command;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};
use atp_testkit::{Launch, Server, TestDb, atp_bin, on_both_backends, on_both_databases};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

const COLUMNS: [&str; 16] = [
    "dataset",
    "vintage",
    "group",
    "partner",
    "partner_kind",
    "year",
    "period",
    "frequency",
    "measure",
    "value_usd",
    "status",
    "rounding_usd",
    "formula",
    "inputs",
    "citation",
    "quote",
];

/// A row as text cells by column name (a null is "").
type Row = BTreeMap<String, String>;

fn csv_rows(text: &str) -> (Vec<String>, Vec<Row>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

fn gunzip(body: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(body)
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// The download as CSV, asked for with gzip: checked headers, the rows.
fn download_csv(app: &Server, path: &str) -> (Vec<String>, Vec<Row>) {
    let r = app.get_with(path, &[("Accept-Encoding", "gzip")]);
    assert_eq!(
        r.status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(r.header("content-encoding"), Some("gzip"), "{path}");
    csv_rows(&gunzip(&r.body))
}

/// The download as Parquet: the file's schema, row groups and rows (as
/// text cells, like the CSV's).
struct Parquet {
    columns: Vec<(String, String, bool)>,
    row_groups: usize,
    rows: Vec<Row>,
}

fn download_parquet(app: &Server, path: &str) -> Parquet {
    let r = app.get(path);
    assert_eq!(
        r.status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.apache.parquet")
    );
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(&r.body[..4], b"PAR1");
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(r.body)).unwrap();
    let columns = builder
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().to_string(), f.is_nullable()))
        .collect();
    let row_groups = builder.metadata().num_row_groups();
    let mut rows = Vec::new();
    for batch in builder.build().unwrap() {
        rows.extend(batch_rows(&batch.unwrap()));
    }
    Parquet {
        columns,
        row_groups,
        rows,
    }
}

fn batch_rows(batch: &RecordBatch) -> Vec<Row> {
    let schema = batch.schema();
    (0..batch.num_rows())
        .map(|i| {
            schema
                .fields()
                .iter()
                .zip(batch.columns())
                .map(|(f, col)| {
                    let cell = if col.is_null(i) {
                        String::new()
                    } else if let Some(ints) = col.as_primitive_opt::<Int64Type>() {
                        ints.value(i).to_string()
                    } else {
                        col.as_string::<i32>().value(i).to_owned()
                    };
                    (f.name().clone(), cell)
                })
                .collect()
        })
        .collect()
}

/// A listing's records as text cells, the way its CSV writes them.
fn listing(app: &Server, path: &str) -> Vec<Row> {
    let r = app.get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    csv_rows(r.text()).1
}

/// Rows of a CSV with the spreadsheet guard taken off: a text cell that
/// would run as a formula (`+imports/...`) is written `'+imports/...` in
/// CSV (as in every listing), and as it is in Parquet.
fn unguarded(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|(k, v)| {
                    let v = match v.strip_prefix('\'') {
                        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
                            rest.to_owned()
                        }
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .collect()
}

/// The download's rows of one flow, keyed as the listings key them, with
/// the listing's columns (flow for measure, no vintage).
fn keyed(rows: &[Row], flow: &str) -> BTreeMap<(String, String, String), Row> {
    rows.iter()
        .filter(|r| r["measure"] == flow)
        .map(|r| {
            let mut r = r.clone();
            r.remove("vintage");
            let measure = r.remove("measure").unwrap();
            r.insert("flow".to_owned(), measure);
            (
                (
                    r["group"].clone(),
                    r["partner"].clone(),
                    r["period"].clone(),
                ),
                r,
            )
        })
        .collect()
}

/// Every figure of the download's imports and exports is in the listings,
/// equal in every column the two share, and the listings have no other.
fn equals_the_listings(app: &Server, dataset: &str, rows: &[Row]) {
    let rows = &unguarded(rows);
    let mut compared = 0;
    for flow in ["imports", "exports"] {
        let download = keyed(rows, flow);
        let mut listed = BTreeMap::new();
        for frequency in ["annual", "monthly"] {
            for mut r in unguarded(&listing(
                app,
                &format!("/v1/{flow}.csv?dataset={dataset}&frequency={frequency}&limit=10000"),
            )) {
                for transform in ["value", "value_reason", "value_base_period"] {
                    r.remove(transform);
                }
                let key = (
                    r["group"].clone(),
                    r["partner"].clone(),
                    r["period"].clone(),
                );
                listed.insert(key, r);
            }
        }
        assert_eq!(
            download.len(),
            listed.len(),
            "{dataset} {flow}: as many figures as the listings"
        );
        for (key, row) in &listed {
            assert_eq!(download.get(key), Some(row), "{dataset} {flow} {key:?}");
        }
        compared += listed.len();
    }
    // The rest are the balances the source printed.
    let balances = rows.iter().filter(|r| r["measure"] == "balance").count();
    assert_eq!(compared + balances, rows.len(), "{dataset}");
}

fn csv_equals_the_listings(app: &Server) {
    for dataset in ["kiat-2026-04", "census-atp"] {
        let path = format!("/v1/datasets/{dataset}/download");
        let (header, rows) = download_csv(app, &path);
        assert_eq!(header, COLUMNS);
        let info = app.get_json(&format!("/v1/datasets/{dataset}"));
        let vintage = info["data"]["vintage"].as_str().unwrap();
        assert!(
            rows.iter()
                .all(|r| r["dataset"] == dataset && r["vintage"] == vintage)
        );
        equals_the_listings(app, dataset, &rows);

        // Without gzip: the same CSV, plain.
        let plain = app.get(&path);
        assert_eq!(plain.status, 200);
        assert_eq!(plain.header("content-encoding"), None);
        assert_eq!(csv_rows(plain.text()).1, rows);
        assert_eq!(
            plain.header("content-disposition"),
            Some(format!("attachment; filename=\"{dataset}.csv\"").as_str())
        );
        // The ETag answers a repeated request with 304.
        let etag = plain.header("etag").unwrap().to_owned();
        assert!(etag.contains(dataset) && etag.contains(vintage), "{etag}");
        let again = app.get_with(&path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        // Another format is another ETag.
        let parquet = app.get(&format!("{path}?format=parquet"));
        assert_ne!(parquet.header("etag"), Some(etag.as_str()));
    }
    // The brief's headline: imports of all ATP from the world, 2024.
    let (_, rows) = download_csv(app, "/v1/datasets/kiat-2026-04/download?format=csv");
    let wld = rows
        .iter()
        .find(|r| {
            r["group"] == "all"
                && r["partner"] == "CN"
                && r["period"] == "2024"
                && r["measure"] == "imports"
        })
        .unwrap();
    assert_eq!(wld["value_usd"], "112000000000");
    assert_eq!(wld["status"], "reported");
}

fn parquet_reads_back(app: &Server) {
    let path = "/v1/datasets/census-country/download?format=parquet";
    let r = app.get(path);
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"census-country.parquet\"")
    );
    let file = download_parquet(app, path);
    let expected: Vec<(String, String, bool)> = COLUMNS
        .iter()
        .map(|&c| {
            let kind = if matches!(c, "year" | "value_usd" | "rounding_usd") {
                "Int64"
            } else {
                "Utf8"
            };
            let nullable = matches!(c, "rounding_usd" | "formula" | "inputs" | "quote");
            (c.to_owned(), kind.to_owned(), nullable)
        })
        .collect();
    assert_eq!(file.columns, expected);
    // Row groups of at most 65536 rows: the writer held one at a time.
    assert_eq!(file.row_groups, file.rows.len().div_ceil(65_536));
    assert!(file.row_groups >= 3, "{}", file.row_groups);
    // The same figures as the CSV, cell for cell, in the same order.
    let (_, csv) = download_csv(app, "/v1/datasets/census-country/download");
    assert_eq!(file.rows.len(), csv.len());
    assert!(
        file.rows == unguarded(&csv),
        "the Parquet and CSV downloads differ"
    );
    // Namibia is NA, a code; Census area codes keep their zeros.
    let partners: BTreeSet<&str> = file.rows.iter().map(|r| r["partner"].as_str()).collect();
    assert!(partners.contains("NA"), "Namibia");
    assert!(partners.contains("0009"), "{partners:?}");
    let namibia = file.rows.iter().find(|r| r["partner"] == "NA").unwrap();
    assert_eq!(namibia["partner_kind"], "country");
    // And the small built-in dataset, against its listings.
    let kiat = download_parquet(app, "/v1/datasets/kiat-2026-04/download?format=parquet");
    assert_eq!(kiat.row_groups, 1);
    equals_the_listings(app, "kiat-2026-04", &kiat.rows);
}

fn errors_name_the_parameter(app: &Server) {
    let problem = |path: &str, status: u16| -> Value {
        let r = app.get(path);
        assert_eq!(
            r.status,
            status,
            "{path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.content_type(), Some("application/problem+json"), "{path}");
        r.json()
    };
    let p = problem("/v1/datasets/kiat-2026-04/download?format=xlsx", 400);
    assert_eq!(p["parameter"], "format");
    assert_eq!(p["value"], "xlsx");
    assert_eq!(p["allowed"], serde_json::json!(["csv", "parquet"]));
    let p = problem("/v1/datasets/census-country/download?vintage=1999-01", 400);
    assert_eq!(p["parameter"], "vintage");
    assert_eq!(p["value"], "1999-01");
    assert_eq!(p["allowed"], serde_json::json!(["2024-06", "all"]));
    let p = problem("/v1/datasets/nope/download", 404);
    assert_eq!(p["value"], "nope");
    assert!(p["detail"].as_str().unwrap().contains("/v1/datasets"));
    let p = problem("/v1/datasets/kiat-2026-04/download?limit=10", 400);
    assert_eq!(p["parameter"], "limit");
    let p = problem(
        "/v1/datasets/kiat-2026-04/download?format=csv&format=parquet",
        400,
    );
    assert_eq!(p["parameter"], "format");
    // The spec documents both representations on the one operation.
    let spec = app.get_json("/openapi.json");
    let op = &spec["paths"]["/v1/datasets/{id}/download"]["get"];
    assert_eq!(op["operationId"], "download_dataset");
    let content = op["responses"]["200"]["content"].as_object().unwrap();
    let types: BTreeSet<&str> = content.keys().map(String::as_str).collect();
    assert_eq!(
        types,
        BTreeSet::from(["text/csv", "application/vnd.apache.parquet"])
    );
    assert!(
        spec["paths"]
            .get("/v1/datasets/{id}/download.csv")
            .is_none()
    );
}

on_both_backends!(
    csv_equals_the_listings,
    parquet_reads_back,
    errors_name_the_parameter
);

// ---------------------------------------------------------------------------
// Every vintage: the two older country.xlsx imported beside the built-in one

/// `atp import` of the two older vintages into `db`, as a user would run it
/// (as tests/blackbox/time.rs does).
fn import_older_vintages(db: &TestDb) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cmd = Command::new(atp_bin!());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ATP_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .current_dir(&root)
        .args([
            "import",
            "data/census-country/country-data-to-2019-10.xlsx",
            "data/census-country/country-data-to-2023-01.xlsx",
        ])
        .env("ATP_DATABASE_URL", &db.url)
        .env("ATP_LOG", "info")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "atp import failed: {log}");
}

fn every_vintage(db: &TestDb) {
    import_older_vintages(db);
    let app = &Launch::on(atp_bin!(), db).start();
    let base = "/v1/datasets/census-country/download";
    let all = download_parquet(app, &format!("{base}?format=parquet&vintage=all"));
    // Oldest first, each vintage whole: the same rows as one at a time.
    let mut one_by_one = Vec::new();
    for vintage in ["2019-10", "2023-01", "2024-06"] {
        let path = format!("{base}?vintage={vintage}");
        let r = app.get(&path);
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"census-country-{vintage}.csv\"").as_str())
        );
        let (_, rows) = csv_rows(r.text());
        assert!(rows.iter().all(|r| r["vintage"] == vintage), "{vintage}");
        one_by_one.extend(rows);
    }
    assert_eq!(all.rows.len(), one_by_one.len());
    assert!(
        all.rows == unguarded(&one_by_one),
        "vintage=all is the vintages in order"
    );
    // A figure the 2023-01 vintage revised: Korea, January 2017, imports of
    // all goods (as tests/blackbox/time.rs knows them).
    let korea: Vec<(&str, &str)> = all
        .rows
        .iter()
        .filter(|r| {
            r["partner"] == "KR"
                && r["group"] == "all-goods"
                && r["period"] == "2017-01"
                && r["measure"] == "imports"
        })
        .map(|r| (r["vintage"].as_str(), r["value_usd"].as_str()))
        .collect();
    assert_eq!(
        korea,
        [
            ("2019-10", "5955204041"),
            ("2023-01", "5953946323"),
            ("2024-06", "5953946323")
        ]
    );
    // The default is the latest; the CSV of every vintage too.
    let (_, latest) = download_csv(app, base);
    assert!(latest.iter().all(|r| r["vintage"] == "2024-06"));
    let (_, csv_all) = download_csv(app, &format!("{base}?vintage=all"));
    assert_eq!(csv_all.len(), all.rows.len());
    let p = app.get(&format!("{base}?vintage=2020-01")).json();
    assert_eq!(
        p["allowed"],
        serde_json::json!(["2019-10", "2023-01", "2024-06", "all"])
    );
}

on_both_databases!(every_vintage);
