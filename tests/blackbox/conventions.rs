//! Conventions clients expect (issue 15), over HTTP on both backends: the
//! `.csv` form of every listing (the same records as the JSON, with a file
//! name), OPTIONS answered with `Allow`, problem types that resolve to a
//! page, and an OpenAPI document that generated clients can type (JSON
//! operations declare JSON only, list parameters are arrays, every
//! always-present field is required), with its 3.0.3 rendition served;
//! lean and named records (`fields=`, `include=names`) and Korean (`lang=ko`
//! or `Accept-Language`: names, problems, CSV labels).

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
    // One page holds everything: first and last are the same, no next, and
    // no Link header (nothing to link to).
    assert!(
        app.get("/v1/imports?partner=KR,CN&limit=1000")
            .header("link")
            .is_none()
    );
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

/// The keys of a JSON record (sorted: the test's JSON map does not keep
/// the order; the order is checked on the text and the CSV header).
fn keys(record: &Value) -> Vec<&str> {
    record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// Whether `needles` appear in `text` in this order.
fn in_order(text: &str, needles: &[&str]) -> bool {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n) {
            Some(at) => from += at + n.len(),
            None => return false,
        }
    }
    true
}

fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// `fields=`: only the fields named, in the record's order, the same
/// values as the whole record; CSV too; an unknown field is refused with
/// the record's fields.
fn fields_keep_only_the_fields_named(app: &Server) {
    let whole = app.get_json("/v1/imports?partner=KR,CN&year=2024");
    let lean_r = app.get("/v1/imports?partner=KR,CN&year=2024&fields=value_usd,partner,group");
    assert!(
        lean_r
            .text()
            .starts_with(r#"{"data":[{"group":"all","partner":"#),
        "the record's order: {}",
        lean_r.text()
    );
    let lean = lean_r.json();
    let (whole, lean_data) = (
        whole["data"].as_array().unwrap(),
        lean["data"].as_array().unwrap(),
    );
    assert_eq!(whole.len(), lean_data.len());
    assert!(whole.len() >= 10);
    for (w, l) in whole.iter().zip(lean_data) {
        assert_eq!(keys(l), ["group", "partner", "value_usd"]);
        for k in ["group", "partner", "value_usd"] {
            assert_eq!(w[k], l[k], "{k}");
        }
    }
    assert_eq!(lean["page"]["total"], whole.len());
    // A name is a field like the others.
    let named = app.get_json(
        "/v1/growth?flow=imports&from=2014&to=2024&partner=KR&fields=partner_name,change_pct",
    );
    for r in named["data"].as_array().unwrap() {
        assert_eq!(keys(r), ["change_pct", "partner_name"]);
        assert_eq!(r["partner_name"], "Korea, South");
    }
    // CSV: the header row holds the fields named.
    let csv = app.get("/v1/imports.csv?partner=KR&year=2024&fields=partner,value_usd");
    assert_eq!(csv.status, 200, "{}", csv.text());
    let rows = csv_rows(csv.text());
    assert_eq!(rows[0], ["partner", "value_usd"]);
    assert_eq!(rows[1][0], "KR");
    // Unknown: refused, naming the value and the record's fields.
    for (path, bad) in [
        ("/v1/imports?fields=value_usd,valeu", "valeu"),
        (
            "/v1/growth?flow=imports&from=2014&to=2024&fields=value_usd",
            "value_usd",
        ),
        ("/v1/years?fields=group_name", "group_name"),
    ] {
        let r = app.get(path);
        assert_eq!(r.status, 400, "{path}: {}", r.text());
        let p = r.json();
        assert_eq!(p["parameter"], "fields", "{path}");
        assert_eq!(p["value"], bad, "{path}");
        let allowed: Vec<&str> = p["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(!allowed.contains(&bad), "{path}: {allowed:?}");
        assert!(p["detail"].as_str().unwrap().contains(allowed[0]), "{p}");
    }
    let r = app.get("/v1/imports?fields=Value-USD");
    assert_eq!(
        (r.status, r.json()["parameter"].clone()),
        (400, "fields".into())
    );
}

/// `include=names`: `group_name` after `group`, `partner_name` after
/// `partner`, in English or Korean (`lang=ko`, or `Accept-Language`
/// preferring Korean; `lang` wins); codes never change; each language is
/// cached apart.
fn names_inline_in_either_language(app: &Server) {
    let path = "/v1/imports?partner=KR,CN,EU&year=2024&group=all,aerospace";
    let plain = app.get_json(path);
    let en = app.get_json(&format!("{path}&include=names"));
    let ko_url = format!("{path}&include=names&lang=ko");
    let ko = app.get(&ko_url);
    assert_eq!(ko.status, 200);
    assert_eq!(ko.header("content-language"), Some("ko"));
    assert!(ko.header("vary").unwrap().contains("Accept-Language"));
    assert!(
        in_order(
            ko.text(),
            &[
                r#""group":"all","group_name":"첨단기술제품 전체","partner":""#,
                r#","partner_name":""#,
                r#","partner_kind":"#
            ]
        ),
        "names follow their codes: {}",
        ko.text()
    );
    let ko = ko.json();
    let partners = app.get_json("/v1/partners");
    let name_of = |code: &str, field: &str| -> Value {
        partners["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .unwrap()[field]
            .clone()
    };
    let plain = plain["data"].as_array().unwrap();
    assert_eq!(plain.len(), 6);
    for ((p, e), k) in plain
        .iter()
        .zip(en["data"].as_array().unwrap())
        .zip(ko["data"].as_array().unwrap())
    {
        let mut expected = keys(p);
        expected.extend(["group_name", "partner_name"]);
        expected.sort_unstable();
        assert_eq!(keys(e), expected);
        assert_eq!(keys(k), expected);
        for f in keys(p) {
            assert_eq!(p[f], e[f], "{f}: codes and values never change");
            assert_eq!(p[f], k[f], "{f}");
        }
        let code = p["partner"].as_str().unwrap();
        assert_eq!(e["partner_name"], name_of(code, "name_en"));
        assert_eq!(k["partner_name"], name_of(code, "name_ko"));
        assert!(has_hangul(k["group_name"].as_str().unwrap()), "{k}");
        assert!(!has_hangul(e["group_name"].as_str().unwrap()), "{e}");
    }
    let aerospace = ko["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "aerospace" && r["partner"] == "KR")
        .unwrap();
    assert_eq!(
        (
            aerospace["group_name"].as_str(),
            aerospace["partner_name"].as_str()
        ),
        (Some("항공우주"), Some("한국"))
    );
    // The header chooses when the URL does not; each answer cached apart
    // (asked three times: kept the second, served from the cache the third).
    let url = format!("{path}&include=names");
    for _ in 0..3 {
        for (header, expected) in [
            ("ko-KR,ko;q=0.9,en;q=0.8", &ko),
            ("en-US,en;q=0.9", &en),
            ("en-US,en;q=0.9,ko;q=0.8", &en),
        ] {
            let r = app.get_with(&url, &[("Accept-Language", header)]);
            assert_eq!(r.status, 200);
            assert_eq!(&r.json()["data"], &expected["data"], "{header}");
        }
        let r = app.get_with(&format!("{url}&lang=en"), &[("Accept-Language", "ko")]);
        assert_eq!(r.json()["data"], en["data"], "lang wins over the header");
    }
    // CSV carries the names too.
    let csv = app.get("/v1/imports.csv?partner=KR&year=2024&group=aerospace&include=names&lang=ko");
    let rows = csv_rows(csv.text());
    let at = rows[0].iter().position(|c| c == "partner_name").unwrap();
    assert_eq!(rows[1][at], "한국");
    // A record without a group or partner has nothing to name.
    let years = app.get_json("/v1/years?include=names");
    assert!(!keys(&years["data"][0]).contains(&"group_name"));
}

/// Problems in Korean with `lang=ko` or `Accept-Language: ko`: the title
/// and detail; type, status, parameter, value and allowed unchanged.
fn korean_problems(app: &Server) {
    for (path, headers) in [
        ("/v1/imports?year=20x4&lang=ko", vec![]),
        (
            "/v1/imports?year=20x4",
            vec![("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.5")],
        ),
    ] {
        let en = app.get("/v1/imports?year=20x4").json();
        let r = app.get_with(path, &headers);
        assert_eq!(r.status, 400);
        assert_eq!(r.content_type(), Some("application/problem+json"));
        assert_eq!(r.header("content-language"), Some("ko"));
        let ko = r.json();
        for f in ["type", "status", "parameter", "value"] {
            assert_eq!(ko[f], en[f], "{f}");
        }
        assert_eq!(ko["title"], "잘못된 매개변수");
        let detail = ko["detail"].as_str().unwrap();
        assert!(
            has_hangul(detail) && detail.contains("20x4") && detail.contains("year"),
            "{detail}"
        );
        assert_ne!(ko["detail"], en["detail"]);
    }
    // Every kind the reads answer: an unknown route, partner, dataset,
    // parameter, a 406; and single resources take `lang` too.
    for (path, status) in [
        ("/v1/nowhere?lang=ko", 404),
        ("/v1/partners/XX?lang=ko", 404),
        ("/v1/datasets/nope?lang=ko", 404),
        ("/v1/groups/nope?lang=ko", 404),
        ("/v1/imports?partner=KRR&lang=ko", 400),
        ("/v1/imports?colour=red&lang=ko", 400),
        ("/v1/growth?flow=imports&lang=ko", 400),
    ] {
        let r = app.get(path);
        assert_eq!(r.status, status, "{path}: {}", r.text());
        let p = r.json();
        assert!(has_hangul(p["title"].as_str().unwrap()), "{path}: {p}");
        assert!(has_hangul(p["detail"].as_str().unwrap()), "{path}: {p}");
    }
    let r = app.get_with("/v1/imports?partner=KR&lang=ko", &[("Accept", "image/png")]);
    assert_eq!(r.status, 406);
    assert_eq!(r.json()["title"], "제공할 수 없는 형식");
    // A single resource answers in either language.
    assert_eq!(app.get("/v1/groups/aerospace?lang=ko").status, 200);
    // A language the service does not have: refused, in English.
    let r = app.get("/v1/groups/aerospace?lang=fr");
    assert_eq!(r.status, 400);
    let p = r.json();
    assert_eq!(
        (p["parameter"].as_str(), p["value"].as_str()),
        (Some("lang"), Some("fr"))
    );
    assert_eq!(p["allowed"], serde_json::json!(["en", "ko"]));
}

/// `header=labels`: CSV headed by labels in the language asked, one a
/// column, the rows unchanged; refused for JSON.
fn csv_labels(app: &Server) {
    let path = "/v1/growth.csv?flow=imports&from=2014&to=2024&partner=KR&include=names";
    let names = csv_rows(app.get(path).text());
    let names_ko = csv_rows(app.get(&format!("{path}&lang=ko")).text());
    let en = csv_rows(app.get(&format!("{path}&header=labels")).text());
    let ko_r = app.get(&format!("{path}&header=labels&lang=ko"));
    assert_eq!(ko_r.header("content-language"), Some("ko"));
    let ko = csv_rows(ko_r.text());
    assert_eq!(names[0].len(), en[0].len());
    assert_eq!(names[0].len(), ko[0].len());
    assert_eq!(names[0], names_ko[0], "field names never change");
    assert_eq!(names[1..], en[1..], "the rows are the same");
    assert_eq!(names_ko[1..], ko[1..]);
    assert_eq!(ko[0][0], "데이터셋");
    assert!(ko[0].iter().all(|l| has_hangul(l)), "{:?}", ko[0]);
    assert!(en[0].iter().all(|l| !has_hangul(l)), "{:?}", en[0]);
    assert_ne!(names[0], en[0]);
    // Labels are unique: a column is found by its label.
    let mut unique = ko[0].clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ko[0].len());
    let r = app.get("/v1/growth?flow=imports&from=2014&to=2024&header=labels");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["parameter"], "header");
}

/// The spec documents the view parameters on every listing and the name
/// fields as optional.
fn views_are_documented(app: &Server) {
    let spec = app.get_json("/openapi.json");
    for path in [
        "/v1/imports",
        "/v1/growth",
        "/v1/partners/{code}/profile",
        "/v1/imports.csv",
    ] {
        let names: Vec<&str> = spec["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for p in ["fields", "include", "lang", "header"] {
            assert!(names.contains(&p), "{path}: {p}");
        }
    }
    let flow = &spec["components"]["schemas"]["FlowRecord"];
    assert_eq!(
        flow["properties"]["partner_name"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert!(flow["properties"]["group_name"].is_object());
    let required = flow["required"].as_array().unwrap();
    assert!(
        !required
            .iter()
            .any(|r| r == "partner_name" || r == "group_name")
    );
    assert!(required.iter().any(|r| r == "partner"));
    let info = spec["info"]["description"].as_str().unwrap();
    assert!(
        info.contains("lang=ko") && info.contains("Accept-Language"),
        "{info}"
    );
    let group = &spec["paths"]["/v1/groups/{id}"]["get"]["parameters"];
    assert!(
        group
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "lang")
    );
}

on_both_backends!(
    fields_keep_only_the_fields_named,
    names_inline_in_either_language,
    korean_problems,
    csv_labels,
    views_are_documented,
    accept_negotiation,
    paging_links,
    csv_suffix_forms,
    options_and_problem_pages,
    a_spec_clients_can_type
);
