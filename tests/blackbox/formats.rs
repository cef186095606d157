//! Representations and HTTP caching: CSV and JSON hold the same records,
//! ETag and 304, gzip and brotli, Cache-Control and Vary.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use std::collections::BTreeMap;
use std::io::Read as _;

use atp_testkit::{Launch, Response, Server, TestDb, on_both_backends};
use serde_json::Value;

/// Listings that have a CSV form, one of each endpoint.
const LISTINGS: &[&str] = &[
    "/v1/groups",
    "/v1/partners",
    "/v1/years",
    "/v1/imports",
    "/v1/exports?year=2024&sort=-value_usd",
    "/v1/balances",
    "/v1/growth?flow=imports&from=2014&to=2024",
    "/v1/growth?flow=balance&from=2014&to=2024&group=biotechnology",
    "/v1/shares?flow=exports&year=2024",
    "/v1/concentration?flow=imports",
    "/v1/partners/KR/profile?year=2024",
];

fn with_query(path: &str, extra: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{extra}")
}

/// CSV records as maps from column to field.
fn parse_csv(r: &Response) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(r.body.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

/// Whether a spreadsheet would run this text as a formula: the CSV then
/// carries it behind a `'` (OWASP's advice on CSV injection).
fn formula_like(s: &str) -> bool {
    let plain_number = |t: &str| {
        !t.is_empty()
            && t != "."
            && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && t.bytes().filter(|b| *b == b'.').count() <= 1
    };
    match s.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !plain_number(&s[1..]),
        _ => false,
    }
}

/// A CSV field holds the JSON value: the same text (behind a `'` when it
/// looks like a formula), number or boolean; null is an empty field.
fn same_value(json: &Value, field: &str) -> bool {
    match json {
        Value::Null => field.is_empty(),
        Value::String(s) if formula_like(s) => field.strip_prefix('\'') == Some(s.as_str()),
        Value::String(s) => s == field,
        Value::Bool(b) => field == b.to_string(),
        Value::Number(n) => match (n.as_i64(), field.parse::<i64>()) {
            (Some(a), Ok(b)) => a == b,
            _ => n.as_f64() == field.parse::<f64>().ok(),
        },
        Value::Array(_) | Value::Object(_) => false,
    }
}

fn assert_csv_holds_json(path: &str, csv: &Response, json: &Value) {
    let (header, rows) = parse_csv(csv);
    let records = json["data"].as_array().unwrap();
    assert_eq!(rows.len(), records.len(), "{path}: record count");
    for (row, record) in rows.iter().zip(records) {
        let record = record.as_object().unwrap();
        let mut columns: Vec<&String> = header.iter().collect();
        columns.sort();
        let mut keys: Vec<&String> = record.keys().collect();
        keys.sort();
        assert_eq!(columns, keys, "{path}: CSV columns are the JSON fields");
        for (name, value) in record {
            assert!(
                same_value(value, &row[name]),
                "{path}: field {name}: JSON {value}, CSV {:?}",
                row[name]
            );
        }
    }
}

fn csv_and_json_hold_the_same_records(app: &Server) {
    for path in LISTINGS {
        let json = app.get_json(path);
        assert!(
            !json["data"].as_array().unwrap().is_empty(),
            "{path}: some records"
        );
        let csv = app.get(&with_query(path, "format=csv"));
        assert_eq!(csv.status, 200, "{path}: {}", csv.text());
        assert_eq!(
            csv.header("content-type"),
            Some("text/csv; charset=utf-8"),
            "{path}"
        );
        assert_csv_holds_json(path, &csv, &json);

        // Accept: text/csv asks for the same CSV.
        let accepted = app.get_with(path, &[("Accept", "text/csv")]);
        assert_eq!(accepted.status, 200);
        assert_eq!(accepted.content_type(), Some("text/csv"), "{path}");
        assert_eq!(accepted.body, csv.body, "{path}");

        // format=json wins over Accept.
        let explicit = app.get_with(&with_query(path, "format=json"), &[("Accept", "text/csv")]);
        assert_eq!(explicit.content_type(), Some("application/json"), "{path}");
        assert_eq!(explicit.json()["data"], json["data"], "{path}");
    }
    // The Korean text survives in both.
    let csv = app.get("/v1/imports?group=all&partner=KR&year=2024&format=csv");
    assert!(csv.text().contains("한국(290억 달러, 4%)"));
    let (_, rows) = parse_csv(&csv);
    assert_eq!(rows[0]["value_usd"], "29000000000");
    // Paging applies to CSV too.
    let paged = app.get("/v1/imports?format=csv&limit=5&offset=3");
    let all = app.get("/v1/imports?format=csv");
    assert_eq!(parse_csv(&paged).1, parse_csv(&all).1[3..8]);
}

fn etag_and_not_modified(app: &Server) {
    let path = "/v1/imports?group=all";
    let first = app.get(path);
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap().to_owned();
    assert!(etag.ends_with('"'), "a quoted entity tag: {etag}");

    // The same answer, the same ETag.
    assert_eq!(app.get(path).header("etag"), Some(etag.as_str()));

    let not_modified = app.get_with(path, &[("If-None-Match", &etag)]);
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(not_modified.header("etag"), Some(etag.as_str()));
    assert!(not_modified.header("cache-control").is_some());

    // In a list, and as *.
    let listed = app.get_with(path, &[("If-None-Match", &format!("\"other\", {etag}"))]);
    assert_eq!(listed.status, 304);
    assert_eq!(app.get_with(path, &[("If-None-Match", "*")]).status, 304);

    // Another tag: the full answer.
    let other = app.get_with(path, &[("If-None-Match", "W/\"0000-0\"")]);
    assert_eq!(other.status, 200);
    assert_eq!(other.body, first.body);

    // Other queries and other formats are other representations.
    let other_query = app.get("/v1/imports?group=biotechnology");
    assert_ne!(other_query.header("etag"), Some(etag.as_str()));
    assert_eq!(
        app.get_with(
            "/v1/imports?group=biotechnology",
            &[("If-None-Match", &etag)]
        )
        .status,
        200
    );
    let csv = app.get("/v1/imports?group=all&format=csv");
    assert_ne!(csv.header("etag"), Some(etag.as_str()));

    // Every data and reference endpoint has one.
    for path in [
        "/v1/groups",
        "/v1/groups/01",
        "/v1/partners",
        "/v1/partners/KR",
        "/v1/years",
        "/v1/datasets",
        "/v1/datasets/kiat-2026-04",
        "/v1/balances",
        "/v1/growth?flow=imports&from=2014&to=2024",
        "/v1/shares?flow=imports",
        "/v1/concentration?flow=imports",
        "/v1/partners/KR/profile",
    ] {
        let r = app.get(path);
        let etag = r
            .header("etag")
            .unwrap_or_else(|| panic!("{path}: no ETag"));
        assert_eq!(
            app.get_with(path, &[("If-None-Match", etag)]).status,
            304,
            "{path}"
        );
    }
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(body, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn compression(app: &Server) {
    for path in [
        "/v1/imports",
        "/v1/imports?format=csv",
        "/v1/partners",
        "/openapi.json",
    ] {
        let identity = app.get_with(path, &[("Accept-Encoding", "identity")]);
        assert_eq!(identity.status, 200);
        assert_eq!(identity.header("content-encoding"), None, "{path}");
        let plain = app.get(path);
        assert_eq!(plain.header("content-encoding"), None, "{path}: none asked");
        assert_eq!(plain.body, identity.body);

        let gzip = app.get_with(path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(gzip.status, 200);
        assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{path}");
        assert!(gzip.body.len() < identity.body.len(), "{path}: smaller");
        assert_eq!(gunzip(&gzip.body), identity.body, "{path}: gzip");
        assert_eq!(gzip.content_type(), identity.content_type());

        let br = app.get_with(path, &[("Accept-Encoding", "br")]);
        assert_eq!(br.status, 200);
        assert_eq!(br.header("content-encoding"), Some("br"), "{path}");
        assert!(br.body.len() < identity.body.len(), "{path}: smaller");
        assert_eq!(unbrotli(&br.body), identity.body, "{path}: brotli");

        // Either, when both are accepted.
        let any = app.get_with(path, &[("Accept-Encoding", "gzip, deflate, br")]);
        let decoded = match any.header("content-encoding") {
            Some("gzip") => gunzip(&any.body),
            Some("br") => unbrotli(&any.body),
            other => panic!("{path}: content-encoding {other:?}"),
        };
        assert_eq!(decoded, identity.body);
    }

    // The ETag is the representation's: 304 whatever the encoding.
    let gzip = app.get_with("/v1/imports", &[("Accept-Encoding", "gzip")]);
    let etag = gzip.header("etag").unwrap();
    let revalidated = app.get_with(
        "/v1/imports",
        &[("Accept-Encoding", "gzip"), ("If-None-Match", etag)],
    );
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());

    // Small bodies (a problem, a one-record lookup) are sent as they are:
    // compressing them would cost more than it saves.
    let problem = app.get_with("/v1/imports?year=20x4", &[("Accept-Encoding", "gzip")]);
    assert_eq!(problem.status, 400);
    assert_eq!(problem.header("content-encoding"), None);
    assert!(problem.body.len() < 1024);
    let detail: Value = serde_json::from_slice(&problem.body).unwrap();
    assert_eq!(detail["parameter"], "year");
}

fn cache_headers(app: &Server) {
    for path in [
        "/v1/imports",
        "/v1/imports?format=csv",
        "/v1/groups",
        "/v1/partners/KR",
        "/v1/datasets",
        "/v1/partners/KR/profile",
    ] {
        let r = app.get(path);
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=60, stale-while-revalidate=300"),
            "{path}"
        );
        let vary = r.header_values("vary");
        for v in ["Accept", "Accept-Encoding"] {
            assert!(
                vary.iter().any(|x| x.eq_ignore_ascii_case(v)),
                "{path}: Vary {vary:?} lacks {v}"
            );
        }
    }
    for path in ["/healthz", "/readyz", "/v1/imports?limit=0", "/v1/nothing"] {
        assert_eq!(
            app.get(path).header("cache-control"),
            Some("no-store"),
            "{path}"
        );
    }
}

/// CORS is off unless origins are configured; then those origins, and only
/// they, may read responses and the ETag.
fn cors(db: &TestDb) {
    let origin = "https://example.org";
    let app = Launch::on(atp_testkit::atp_bin!(), db)
        .env("ATP_CORS_ORIGINS", origin)
        .start();
    // Three times: the third is answered from the response cache, and
    // still passes the CORS layer.
    let mut r = app.get_with("/v1/years", &[("Origin", origin)]);
    for _ in 0..3 {
        r = app.get_with("/v1/years", &[("Origin", origin)]);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
    }
    let exposed = r.header_values("access-control-expose-headers");
    assert!(
        exposed.iter().any(|h| h.eq_ignore_ascii_case("etag")),
        "{exposed:?}"
    );

    let preflight = app.request(
        "OPTIONS",
        "/v1/imports",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "if-none-match"),
        ],
    );
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(origin)
    );
    let methods = preflight.header_values("access-control-allow-methods");
    assert!(methods.iter().any(|m| m == "GET"), "{methods:?}");

    let other = app.get_with("/v1/years", &[("Origin", "https://elsewhere.example")]);
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn cors_on_sqlite() {
    cors(&TestDb::sqlite());
}

#[test]
fn cors_on_postgres() {
    if let Some(db) = TestDb::postgres() {
        cors(&db);
    }
}

fn no_cors_by_default(app: &Server) {
    let r = app.get_with("/v1/years", &[("Origin", "https://example.org")]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
}

/// A client sending `Accept: text/csv, application/json` gets JSON (the
/// server prefers JSON when both are named); one sending `Accept: text/csv`
/// gets CSV, whatever was asked before.
fn accept_variants_are_cached_apart(app: &Server) {
    let path = "/v1/groups";
    let both = app.get_with(path, &[("Accept", "text/csv, application/json")]);
    assert_eq!(both.content_type(), Some("application/json"));
    let csv = app.get_with(path, &[("Accept", "text/csv")]);
    assert_eq!(
        csv.content_type(),
        Some("text/csv"),
        "`Accept: text/csv` after `Accept: text/csv, application/json`"
    );
}

/// RFC 9110 §9.1: a server supports HEAD wherever it supports GET (and the
/// CORS setup names HEAD as allowed).
fn head_is_answered_like_get(app: &Server) {
    let get = app.get("/v1/imports");
    // The third HEAD is answered from the response cache: no body either.
    for _ in 0..3 {
        let head = app.request("HEAD", "/v1/imports", &[]);
        assert_eq!(head.status, 200, "HEAD /v1/imports");
        assert!(head.body.is_empty());
        assert_eq!(head.header("etag"), get.header("etag"));
        assert_eq!(head.content_type(), Some("application/json"));
    }
}

on_both_backends!(
    csv_and_json_hold_the_same_records,
    etag_and_not_modified,
    compression,
    cache_headers,
    no_cors_by_default,
    accept_variants_are_cached_apart,
    head_is_answered_like_get,
);
