//! Conventions clients expect (issue 15), over HTTP on both backends: the
//! `.csv` form of every listing (the same records as the JSON, with a file
//! name), OPTIONS answered with `Allow`, problem types that resolve to a
//! page, and an OpenAPI document that generated clients can type (JSON
//! operations declare JSON only, list parameters are arrays, every
//! always-present field is required), with its 3.0.3 rendition served.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use atp_testkit::{Server, on_both_backends};
use serde_json::Value;

/// A CSV body as rows of cells (the records are simple: no quoted commas
/// in the fields compared here).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn csv_suffix_forms(app: &Server) {
    let spec = app.get_json("/openapi.json");
    let paths = spec["paths"].as_object().unwrap();
    let listings: Vec<&String> = paths.keys().filter(|p| p.ends_with(".csv")).collect();
    assert!(listings.len() >= 18, "{listings:?}");
    for (json_path, csv_path) in [
        (
            "/v1/imports?partner=KR&group=all",
            "/v1/imports.csv?partner=KR&group=all",
        ),
        (
            "/v1/growth?flow=imports&from=2014&to=2024&group=all",
            "/v1/growth.csv?flow=imports&from=2014&to=2024&group=all",
        ),
        (
            "/v1/partners/KR/profile?year=2024",
            "/v1/partners/KR/profile.csv?year=2024",
        ),
        (
            "/v1/decomposition?flow=balance&from=2014&to=2024&by=group",
            "/v1/decomposition.csv?flow=balance&from=2014&to=2024&by=group",
        ),
        ("/v1/groups", "/v1/groups.csv"),
    ] {
        let json = app.get_json(json_path);
        let r = app.get(csv_path);
        assert_eq!(r.status, 200, "{csv_path}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
        let disposition = r.header("content-disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        let rows = csv_rows(r.text());
        let records = json["data"].as_array().unwrap();
        assert_eq!(
            rows.len(),
            records.len() + 1,
            "{csv_path}: a header and a row a record"
        );
        // The header names the record's fields, in order.
        let fields: Vec<&String> = records[0].as_object().unwrap().keys().collect();
        assert_eq!(rows[0].len(), fields.len(), "{csv_path}");
        // Same values, cell by cell, where the JSON value is a plain number
        // or text.
        for (row, record) in rows[1..].iter().zip(records) {
            for (cell, name) in row.iter().zip(&rows[0]) {
                match &record[name] {
                    Value::Number(n) => assert_eq!(cell, &n.to_string(), "{csv_path} {name}"),
                    Value::String(s) if !s.starts_with(['=', '+', '-', '@']) => {
                        assert_eq!(cell, s, "{csv_path} {name}");
                    }
                    Value::Null => assert_eq!(cell, "", "{csv_path} {name}"),
                    _ => {}
                }
            }
        }
    }
    assert_eq!(
        app.get("/v1/partners/KR/profile.csv?year=2024")
            .header("content-disposition"),
        Some("attachment; filename=\"partners-KR-profile.csv\"")
    );
    // The suffix says the format: `format` beside it is a repeated parameter.
    let r = app.get("/v1/imports.csv?format=json");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["parameter"], "format");
    // The quality report's Markdown has a path of its own too.
    let md = app.get("/v1/datasets/kiat-2026-04/quality.md");
    assert_eq!(md.status, 200);
    assert!(
        md.header("content-type")
            .unwrap()
            .starts_with("text/markdown")
    );
    assert_eq!(
        md.text(),
        app.get("/v1/datasets/kiat-2026-04/quality?format=markdown")
            .text()
    );
    // A path with no CSV form stays 404.
    assert_eq!(app.get("/v1/charts/series.svg.csv").status, 404);
    assert_eq!(app.get("/v1/nothing.csv").status, 404);
}

fn options_and_problem_pages(app: &Server) {
    for path in ["/v1/imports", "/v1/imports.csv", "/v1/partners/KR/profile"] {
        let r = app.request("OPTIONS", path, &[]);
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"), "{path}");
    }
    let r = app.request("OPTIONS", "/v1/datasets", &[]);
    assert_eq!(r.header("allow"), Some("GET, HEAD, POST, OPTIONS"));
    // Every problem's type resolves to a page saying what it means.
    for path in ["/v1/imports?year=20x4", "/v1/datasets/nope", "/v1/nothing"] {
        let p = app.get(path).json();
        let page = app.get(p["type"].as_str().unwrap());
        assert_eq!(page.status, 200, "{path}: {}", p["type"]);
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(page.text().contains(p["type"].as_str().unwrap()));
    }
    let index = app.get("/problems");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("/problems/invalid-body"));
    let r = app.get("/problems/nope");
    assert_eq!(r.status, 404);
    assert_eq!(r.content_type(), Some("application/problem+json"));
}

fn a_spec_clients_can_type(app: &Server) {
    let spec = app.get_json("/openapi.json");
    let paths = spec["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let content = &op["responses"]["200"]["content"];
            if let Some(c) = content.as_object() {
                // One representation per operation; but a file download
                // (issue 15: no JSON form, `format` chooses the file type)
                // is bytes to save whatever its type.
                let has_format = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == "format"));
                if c.contains_key("application/json") || !has_format {
                    assert_eq!(c.len(), 1, "{method} {path}: {:?}", c.keys());
                }
            }
            // Public reads say so; writes name the token.
            assert!(op["security"].is_array(), "{method} {path}");
        }
    }
    let imports = &paths["/v1/imports"]["get"];
    let params = imports["parameters"].as_array().unwrap();
    let group = params.iter().find(|p| p["name"] == "group").unwrap();
    assert_eq!(group["schema"]["type"], "array");
    assert!(params.iter().all(|p| p["name"] != "format"));
    let record = &spec["components"]["schemas"]["FlowRecord"];
    let required: Vec<&str> = record["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in ["value_reason", "rounding_usd", "quote", "formula"] {
        assert!(required.contains(&field), "{field} not required");
    }
    assert_eq!(spec["servers"][0]["url"], "/");
    // Repeated list parameters, as generated clients send arrays.
    let repeated = app.get_json("/v1/imports?partner=KR&partner=CN&group=all&year=2024");
    assert_eq!(repeated["data"].as_array().unwrap().len(), 2);
    // The 3.0.3 rendition, for tools that read no 3.1.
    let r = app.get("/openapi-3.0.json");
    assert_eq!(r.status, 200);
    let v30 = r.json();
    assert_eq!(v30["openapi"], "3.0.3");
    assert_eq!(v30["paths"].as_object().unwrap().len(), paths.len());
    assert!(!r.text().contains("\"null\""));
}

/// Paging links: `page.first/prev/next/last` and the same in a `Link`
/// header (JSON and CSV); following `next` from the first page visits every
/// record once, in the order of one large page.
fn paging_links(app: &Server) {
    let whole = app.get("/v1/imports?partner=KR,CN&limit=1000").json();
    let total = whole["page"]["total"].as_u64().unwrap() as usize;
    assert!(total > 7, "{total}");
    let mut seen: Vec<Value> = Vec::new();
    let mut url = "/v1/imports?partner=KR,CN&limit=3".to_owned();
    let mut pages = 0;
    loop {
        let r = app.get(&url);
        assert_eq!(r.status, 200, "{url}");
        let body = r.json();
        let page = &body["page"];
        let link = r.header("link").unwrap().to_owned();
        for rel in ["first", "prev", "next", "last"] {
            match page[rel].as_str() {
                Some(u) => assert!(
                    link.contains(&format!("<{u}>; rel=\"{rel}\"")),
                    "{url}: {link}"
                ),
                None => assert!(!link.contains(&format!("rel=\"{rel}\"")), "{url}: {link}"),
            }
        }
        assert_eq!(page["prev"].is_null(), pages == 0, "{url}");
        seen.extend(body["data"].as_array().unwrap().iter().cloned());
        pages += 1;
        match page["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => {
                // The last page is the one `last` names.
                assert_eq!(page["last"].as_str(), Some(url.as_str()));
                break;
            }
        }
        assert!(pages <= total, "paging does not end");
    }
    assert_eq!(pages, total.div_ceil(3));
    assert_eq!(seen, whole["data"].as_array().unwrap().clone());
    // One page holds everything: first and last are the same, no next.
    assert_eq!(whole["page"]["first"], whole["page"]["last"]);
    assert_eq!(whole["page"]["next"], Value::Null);
    assert_eq!(whole["page"]["prev"], Value::Null);
    // CSV: the links in the header only (the query kept, format included).
    let csv = app.get("/v1/imports.csv?partner=KR,CN&limit=3&offset=3");
    let link = csv.header("link").unwrap();
    assert!(link.contains("offset=0>; rel=\"first\""), "{link}");
    assert!(link.contains("offset=6>; rel=\"next\""), "{link}");
    assert!(link.contains("format=csv"), "{link}");
    // A single resource has no pages.
    assert!(app.get("/v1/groups/biotechnology").header("link").is_none());
}

/// Content negotiation by the Accept header's q-values; 406 (problem+json)
/// when it takes neither JSON nor CSV; `format=` and the `.csv` path win
/// over the header; charts draw whatever the header says.
fn accept_negotiation(app: &Server) {
    let path = "/v1/imports?partner=KR&year=2024";
    for (accept, expected) in [
        ("text/csv, application/json;q=0.5", "text/csv"),
        ("application/json;q=0, text/*", "text/csv"),
        ("text/csv;q=0.4, */*;q=0.5", "application/json"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/json",
        ),
        ("application/*", "application/json"),
        ("text/csv;q=1, application/json;q=1", "application/json"),
    ] {
        let r = app.get_with(path, &[("Accept", accept)]);
        assert_eq!(r.status, 200, "{accept}");
        assert!(
            r.content_type().unwrap().starts_with(expected),
            "{accept}: {:?}",
            r.content_type()
        );
    }
    for accept in [
        "application/xml",
        "text/csv;q=0, application/json;q=0",
        "image/png",
    ] {
        let r = app.get_with(path, &[("Accept", accept)]);
        assert_eq!(r.status, 406, "{accept}: {}", r.text());
        assert_eq!(r.content_type(), Some("application/problem+json"));
        let p = r.json();
        assert_eq!(p["type"], "/problems/not-acceptable");
        assert_eq!(p["parameter"], "Accept");
        assert_eq!(
            p["allowed"],
            serde_json::json!(["application/json", "text/csv"])
        );
        // Even after the JSON was cached.
        assert_eq!(app.get(path).status, 200);
        assert_eq!(app.get_with(path, &[("Accept", accept)]).status, 406);
    }
    // format= and the .csv path are explicit: they win over the header.
    let r = app.get_with(
        &format!("{path}&format=csv"),
        &[("Accept", "application/xml")],
    );
    assert_eq!((r.status, r.content_type()), (200, Some("text/csv")));
    let r = app.get_with(
        "/v1/imports.csv?partner=KR",
        &[("Accept", "application/json")],
    );
    assert_eq!(r.status, 200);
    assert!(r.content_type().unwrap().starts_with("text/csv"));
    // A chart is SVG whatever the header.
    let r = app.get_with(
        "/v1/charts/group-balances.svg",
        &[("Accept", "image/svg+xml")],
    );
    assert_eq!((r.status, r.content_type()), (200, Some("image/svg+xml")));
    // The dataset list is JSON only: CSV asked by the header alone is a 406.
    let r = app.get_with("/v1/datasets", &[("Accept", "text/csv")]);
    assert_eq!(r.status, 406);
}

on_both_backends!(
    accept_negotiation,
    paging_links,
    csv_suffix_forms,
    options_and_problem_pages,
    a_spec_clients_can_type
);
