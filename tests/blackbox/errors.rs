//! Every class of error, as `application/problem+json` (RFC 9457) naming the
//! parameter and the value at fault.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use atp_testkit::{Response, Server, on_both_backends};
use serde_json::{Value, json};

/// Checks the common shape of a problem and returns it.
fn problem(r: &Response, label: &str, status: u16) -> Value {
    assert_eq!(
        r.status,
        status,
        "{label}: {}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{label}"
    );
    assert_eq!(r.header("cache-control"), Some("no-store"), "{label}");
    let p = r.json();
    let (kind, title) = match status {
        400 => ("invalid-parameter", "Invalid parameter"),
        404 => ("not-found", "Not found"),
        405 => ("method-not-allowed", "Method not allowed"),
        other => panic!("unexpected status {other}"),
    };
    assert_eq!(p["type"], format!("/problems/{kind}"), "{label}");
    assert_eq!(p["title"], title, "{label}");
    assert_eq!(p["status"], status, "{label}");
    assert!(
        !p["detail"].as_str().unwrap_or_default().is_empty(),
        "{label}: a detail"
    );
    p
}

/// GET path must answer 400 naming `parameter` and `value`.
fn bad_request(app: &Server, path: &str, parameter: &str, value: &str) -> Value {
    let p = problem(&app.get(path), path, 400);
    assert_eq!(p["parameter"], parameter, "{path}");
    assert_eq!(p["value"], value, "{path}");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains(parameter) && detail.contains(value),
        "{path}: the detail names the parameter and the value: {detail}"
    );
    p
}

fn unknown_parameters(app: &Server) {
    let p = bad_request(app, "/v1/imports?colour=red", "colour", "red");
    assert_eq!(
        p["allowed"],
        json!([
            "dataset",
            "vintage",
            "as_of",
            "group",
            "partner",
            "frequency",
            "period",
            "year",
            "from",
            "to",
            "units",
            "rolling",
            "sort",
            "limit",
            "offset",
            "format",
            "fields",
            "include",
            "lang",
            "header"
        ])
    );
    // A typo of a real parameter is refused, not ignored.
    bad_request(app, "/v1/exports?years=2024", "years", "2024");
    bad_request(app, "/v1/groups?limit=5", "limit", "5");
    bad_request(app, "/v1/years?group=all", "group", "all");
    bad_request(
        app,
        "/v1/growth?flow=imports&from=2014&to=2024&year=2024",
        "year",
        "2024",
    );
    bad_request(
        app,
        "/v1/concentration?flow=imports&partner=KR",
        "partner",
        "KR",
    );
    bad_request(app, "/v1/partners/KR/profile?group=all", "group", "all");
    let p = bad_request(app, "/v1/groups/01?format=csv", "format", "csv");
    assert_eq!(
        p["allowed"],
        json!(["lang"]),
        "a single resource takes no parameter but the language"
    );
}

fn bad_years(app: &Server) {
    let p = bad_request(app, "/v1/imports?year=20x4", "year", "20x4");
    assert_eq!(
        p["detail"],
        "invalid year \"20x4\": expected a year (YYYY, from 1900 to 2100) or a month \
         (YYYY-MM, month 01 to 12)"
    );
    bad_request(app, "/v1/imports?year=2024,1800", "year", "1800");
    bad_request(app, "/v1/exports?year=2101", "year", "2101");
    bad_request(app, "/v1/balances?from=abcd", "from", "abcd");
    bad_request(app, "/v1/balances?to=99", "to", "99");
    bad_request(app, "/v1/shares?flow=imports&year=x", "year", "x");
    bad_request(app, "/v1/partners/KR/profile?year=20x4", "year", "20x4");
    bad_request(
        app,
        "/v1/partners/KR/profile?base_year=1066",
        "base_year",
        "1066",
    );

    // Inverted ranges.
    let p = bad_request(app, "/v1/imports?from=2024&to=2014", "from", "2024");
    assert!(p["detail"].as_str().unwrap().contains("2014"));
    bad_request(
        app,
        "/v1/shares?flow=imports&from=2024&to=2014",
        "from",
        "2024",
    );
    bad_request(
        app,
        "/v1/growth?flow=imports&from=2024&to=2014",
        "from",
        "2024",
    );
    bad_request(
        app,
        "/v1/growth?flow=imports&from=2014&to=2014",
        "from",
        "2014",
    );
    // A list and a range at once.
    bad_request(app, "/v1/imports?year=2014&from=2014", "year", "2014");
}

fn bad_formats_and_pages(app: &Server) {
    let p = bad_request(app, "/v1/imports?format=xml", "format", "xml");
    assert_eq!(p["allowed"], json!(["json", "csv"]));
    bad_request(app, "/v1/groups?format=yaml", "format", "yaml");
    // Dataset descriptions hold lists: JSON only.
    bad_request(app, "/v1/datasets?format=csv", "format", "csv");

    let p = bad_request(app, "/v1/imports?limit=0", "limit", "0");
    assert_eq!(
        p["detail"],
        "invalid limit \"0\": a whole number from 1 to 10000"
    );
    bad_request(app, "/v1/imports?limit=10001", "limit", "10001");
    bad_request(app, "/v1/balances?limit=ten", "limit", "ten");
    bad_request(
        app,
        "/v1/growth?flow=imports&from=2014&to=2024&limit=0",
        "limit",
        "0",
    );
    bad_request(app, "/v1/imports?offset=-1", "offset", "-1");
    // One value only.
    bad_request(app, "/v1/imports?limit=1&limit=2", "limit", "1,2");
    bad_request(app, "/v1/imports?limit=", "limit", "");

    let p = bad_request(app, "/v1/imports?sort=price", "sort", "price");
    assert_eq!(
        p["allowed"],
        json!([
            "group",
            "partner",
            "year",
            "value_usd",
            "status",
            "period",
            "value"
        ])
    );
    bad_request(app, "/v1/shares?flow=imports&sort=-tsi", "sort", "-tsi");
}

fn unknown_codes_in_filters(app: &Server) {
    let p = bad_request(app, "/v1/imports?group=bogus", "group", "bogus");
    let allowed = p["allowed"].as_array().unwrap();
    assert!(allowed.contains(&json!("biotechnology")) && allowed.contains(&json!("all")));
    assert!(allowed.contains(&json!("non-atp")) && allowed.contains(&json!("all-goods")));
    bad_request(app, "/v1/imports?group=biotechnology,11", "group", "11");
    bad_request(app, "/v1/balances?group=12", "group", "12");
    // Census code 00 is a group now (non-atp): valid, and the brief has no
    // figures for it, which the notice says.
    let non_atp = app.get_json("/v1/balances?group=00");
    assert_eq!(non_atp["data"], json!([]));
    assert_eq!(non_atp["meta"]["notice"]["code"], "not_in_dataset");
    // An unknown partner: the closest codes and names, not all 240 codes,
    // and where the list is.
    let p = bad_request(app, "/v1/imports?partner=KRR", "partner", "KRR");
    assert_eq!(p["allowed"][0], "KR");
    assert!(p["allowed"].as_array().unwrap().len() <= 5);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("(every one at /v1/partners); did you mean KR (Korea, South)"),
        "{p}"
    );
    bad_request(app, "/v1/exports?partner=KR,9999", "partner", "9999");
    let p = bad_request(
        app,
        "/v1/shares?flow=imports&partner=Korea",
        "partner",
        "Korea",
    );
    assert_eq!(p["allowed"], json!(["KP", "KR"]));
    let p = bad_request(app, "/v1/imports?partner=germany", "partner", "germany");
    assert_eq!(p["allowed"], json!(["DE"]));
    let p = bad_request(app, "/v1/imports?dataset=nope", "dataset", "nope");
    assert_eq!(
        p["allowed"],
        json!(["census-atp", "census-country", "kiat-2026-04"])
    );
    bad_request(app, "/v1/years?dataset=nope", "dataset", "nope");

    // The flow of shares, concentration and growth is required and checked.
    bad_request(app, "/v1/shares?year=2024", "flow", "");
    let p = bad_request(app, "/v1/shares?flow=sideways", "flow", "sideways");
    assert_eq!(p["allowed"], json!(["imports", "exports"]));
    bad_request(app, "/v1/concentration?flow=balance", "flow", "balance");
    let p = bad_request(app, "/v1/growth?flow=up&from=2014&to=2024", "flow", "up");
    assert_eq!(p["allowed"], json!(["imports", "exports", "balance"]));
    bad_request(app, "/v1/growth?flow=imports&to=2024", "from", "");
    bad_request(app, "/v1/growth?flow=imports&from=2014", "to", "");
}

fn not_found(app: &Server) {
    for (path, value) in [
        ("/v1/groups/bogus", "bogus"),
        ("/v1/groups/11", "11"),
        ("/v1/partners/XX", "XX"),
        ("/v1/partners/9999", "9999"),
        ("/v1/partners/XX/profile", "XX"),
        ("/v1/datasets/nope", "nope"),
    ] {
        let p = problem(&app.get(path), path, 404);
        assert_eq!(p["value"], value, "{path}");
        assert_eq!(p.get("parameter"), None, "{path}");
    }
    for path in [
        "/nothing",
        "/v1",
        "/v2/groups",
        "/v1/imports/2024",
        "/v1/partners/KR/profile/extra",
    ] {
        let p = problem(&app.get(path), path, 404);
        assert_eq!(p["detail"], format!("no such endpoint: {path}"), "{path}");
        assert_eq!(p.get("value"), None);
    }
}

fn method_not_allowed(app: &Server) {
    for (method, path) in [
        ("POST", "/v1/imports"),
        ("PUT", "/v1/imports?year=2024"),
        ("DELETE", "/v1/groups/biotechnology"),
        ("PATCH", "/v1/partners/KR/profile"),
        ("POST", "/healthz"),
        ("DELETE", "/v1/growth"),
        // A suffix form is a read: POST to it is not a POST to the listing.
        ("POST", "/v1/scenarios.csv?dataset=kiat-2026-04"),
        ("DELETE", "/v1/imports.csv"),
    ] {
        let label = format!("{method} {path}");
        let r = app.request(method, path, &[]);
        let p = problem(&r, &label, 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"), "{label}");
        assert!(p["detail"].as_str().unwrap().contains(method), "{label}");
    }
    // An unknown path stays 404 whatever the method.
    let r = app.request("POST", "/v1/nothing", &[]);
    problem(&r, "POST /v1/nothing", 404);
}

on_both_backends!(
    unknown_parameters,
    bad_years,
    bad_formats_and_pages,
    unknown_codes_in_filters,
    not_found,
    method_not_allowed,
);
