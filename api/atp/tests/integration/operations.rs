//! Running it for real: protected writes, request ids and JSON logs,
//! metrics, rate limits, graceful shutdown, and replicas sharing one
//! PostgreSQL.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on broken setup"
)]

use std::time::{Duration, Instant};

use crate::common::{Server, TestDb, spawn_server};
use atp_core::builtin::brief;
use atp_ingest::tidy;

const TOKEN: &str = "write-token-for-tests";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn reply(mut r: ureq::http::Response<ureq::Body>) -> Reply {
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = r
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| panic!("reading the body: {e}"));
    Reply {
        status,
        headers,
        body,
    }
}

fn get(server: &Server, path: &str) -> Reply {
    get_with(server, path, &[])
}

fn get_with(server: &Server, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = agent().get(&server.url(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    reply(req.call().unwrap())
}

fn post(server: &Server, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
    let mut req = agent().post(&server.url(path));
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    reply(req.content_type("text/csv").send(body).unwrap())
}

fn delete(server: &Server, path: &str, token: Option<&str>) -> Reply {
    let mut req = agent().delete(&server.url(path));
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    reply(req.call().unwrap())
}

fn brief_csv(dataset: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    tidy::write(dataset, &brief().unwrap().observations, &mut buf).unwrap();
    buf
}

/// The rows a server holds beyond the built-in datasets (which it serves
/// from the binary, never from the database).
fn imported_rows(server: &Server) -> i64 {
    static BUILTIN: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let builtin = *BUILTIN.get_or_init(|| {
        atp::builtin::load("2026-12-01T00:00:00Z")
            .unwrap()
            .views
            .iter()
            .map(|v| v.row_count() as i64)
            .sum()
    });
    get(server, "/readyz").json()["observations"]
        .as_i64()
        .unwrap()
        - builtin
}

fn assert_problem(r: &Reply, status: u16) -> serde_json::Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let p = r.json();
    assert_eq!(p["status"], status);
    p
}

fn writes_are_protected_and_all_or_nothing(db: &TestDb) {
    let server = spawn_server(
        &[
            ("ATP_DATABASE_URL", &db.url),
            ("ATP_WRITE_TOKEN", TOKEN),
            ("ATP_MAX_UPLOAD_BYTES", "100000"),
        ],
        &[],
        &[],
    );
    let rows = brief().unwrap().observations.len() as i64;
    let csv = brief_csv("copy");
    assert_eq!(imported_rows(&server), 0);

    // No token: 401 with a challenge; a wrong one: 403. Nothing written.
    let r = post(&server, "/v1/datasets?dataset=copy", None, &csv);
    assert_problem(&r, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert_problem(
        &post(&server, "/v1/datasets?dataset=copy", Some("wrong"), &csv),
        403,
    );
    assert_problem(
        &delete(&server, "/v1/datasets/kiat-2026-04", Some("wrong")),
        403,
    );
    assert_eq!(imported_rows(&server), 0);

    // Too large: 413, nothing written.
    let big = vec![b'x'; 100_001];
    let p = assert_problem(
        &post(&server, "/v1/datasets?dataset=big", Some(TOKEN), &big),
        413,
    );
    assert!(p["detail"].as_str().unwrap().contains("100000"), "{p}");

    // A bad row: 422 naming the row, field and value; nothing written.
    // A row for another year, with a value that is no number.
    let text = String::from_utf8(csv.clone()).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = header
        .iter()
        .map(|c| match *c {
            "dataset" => "copy",
            "group" => "biotechnology",
            "partner" => "KR",
            "period" => "2030",
            "flow" => "imports",
            "value_usd" => "12x",
            "status" => "reported",
            "citation" => "somewhere",
            _ => "",
        })
        .collect();
    let mut bad = csv.clone();
    bad.extend_from_slice(format!("{}\n", row.join(",")).as_bytes());
    let p = assert_problem(
        &post(&server, "/v1/datasets?dataset=copy", Some(TOKEN), &bad),
        422,
    );
    assert_eq!(p["field"], "value_usd");
    assert_eq!(p["value"], "12x");
    assert_eq!(p["row"], rows + 2, "the header is line 1");
    assert_eq!(imported_rows(&server), 0);
    assert_problem(&get(&server, "/v1/datasets/copy"), 404);

    // A quote left open (it would swallow every row after it): 422 naming
    // where it opens; nothing written.
    let mut open_quote = csv.clone();
    open_quote.extend_from_slice(
        b"copy,biotechnology,KR,2030,imports,1,reported,\"never closed,,,,\n\
          copy,biotechnology,KR,2031,imports,2,reported,x,,,,\n",
    );
    let p = assert_problem(
        &post(
            &server,
            "/v1/datasets?dataset=copy",
            Some(TOKEN),
            &open_quote,
        ),
        422,
    );
    assert_eq!(
        (p["row"].as_i64(), p["field"].as_str()),
        (Some(rows + 2), Some("citation")),
        "{p}"
    );
    assert_eq!(imported_rows(&server), 0);

    // A huge bad value is echoed in part, not twice in full.
    let huge = format!(
        "dataset,group,partner,year,flow,value_usd,status,citation\n\
         copy,biotechnology,KR,2030,imports,{},reported,x\n",
        "9".repeat(60_000)
    )
    .into_bytes();
    let r = post(&server, "/v1/datasets?dataset=copy", Some(TOKEN), &huge);
    let p = assert_problem(&r, 422);
    assert_eq!(p["field"], "value_usd");
    assert!(r.body.len() < 4_000, "a {} byte problem", r.body.len());

    // The built-in dataset is part of the service: 409, and still served.
    let p = assert_problem(
        &delete(&server, "/v1/datasets/kiat-2026-04", Some(TOKEN)),
        409,
    );
    assert!(p["detail"].as_str().unwrap().contains("built-in"), "{p}");
    assert_eq!(imported_rows(&server), 0);
    assert_eq!(get(&server, "/readyz").json()["status"], "ready");

    // A citation a spreadsheet would run as a formula: stored and served
    // as given in JSON, neutralised in CSV.
    let formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
    let mut sheet = b"dataset,group,partner,year,flow,value_usd,status,citation\n".to_vec();
    sheet.extend_from_slice(
        format!(
            "sheet,aerospace,KR,2024,imports,5,reported,\"{}\"\n",
            formula.replace('"', "\"\"")
        )
        .as_bytes(),
    );
    let r = post(&server, "/v1/datasets?dataset=sheet", Some(TOKEN), &sheet);
    assert_eq!(r.status, 201, "{}", r.body);
    let json = get(&server, "/v1/imports?dataset=sheet&group=aerospace").json();
    assert_eq!(json["data"][0]["citation"], formula);
    let text = get(
        &server,
        "/v1/imports?dataset=sheet&group=aerospace&format=csv",
    )
    .body;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let at = header.iter().position(|h| h == "citation").unwrap();
    assert_eq!(&row[at], format!("'{formula}"));
    assert_eq!(
        delete(&server, "/v1/datasets/sheet", Some(TOKEN)).status,
        204
    );

    // A good upload: 201, Location, and served at once.
    let r = post(&server, "/v1/datasets?dataset=copy", Some(TOKEN), &csv);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("location"), Some("/v1/datasets/copy"));
    assert_eq!(r.json()["data"]["row_count"], rows);
    assert_eq!(imported_rows(&server), rows);
    let kr = get(
        &server,
        "/v1/imports?dataset=copy&partner=KR&group=all&year=2024",
    )
    .json();
    assert_eq!(kr["data"][0]["value_usd"], 29_000_000_000_i64);
    assert_eq!(kr["data"][0]["dataset"], "copy");

    // Twice: 409 unless replace=true.
    assert_problem(
        &post(&server, "/v1/datasets?dataset=copy", Some(TOKEN), &csv),
        409,
    );
    let r = post(
        &server,
        "/v1/datasets?dataset=copy&replace=true",
        Some(TOKEN),
        &csv,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(imported_rows(&server), rows);

    // A Census API response uploads through the same import path.
    let census = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ingest/tests/fixtures/census/exports-2024-hitech.json"),
    )
    .unwrap();
    let r = reply(
        agent()
            .post(&server.url("/v1/datasets?dataset=census-2024&filename=exports-2024.json"))
            .header("Authorization", &format!("Bearer {TOKEN}"))
            .content_type("application/json")
            .send(&census[..])
            .unwrap(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let ds = r.json();
    assert_eq!(ds["data"]["source_format"], "census", "{ds}");
    let world = get(
        &server,
        "/v1/exports?dataset=census-2024&partner=WLD&group=all&year=2024",
    )
    .json();
    assert!(
        world["data"][0]["value_usd"].as_i64().unwrap() > 0,
        "{world}"
    );
    // The EU and Germany, one of its members, are both in the response: the
    // EU is shown but never ranked or counted with its members.
    let shares = get(
        &server,
        "/v1/shares?dataset=census-2024&flow=exports&group=all&year=2024",
    )
    .json();
    let by_partner = |code: &str| {
        shares["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["partner"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} in {shares}"))
    };
    let eu = by_partner("EU");
    assert_eq!(
        (eu["rank"].clone(), eu["rank_reason"].clone()),
        (serde_json::Value::Null, serde_json::json!("members_listed"))
    );
    assert!(by_partner("DE")["rank"].is_u64());
    let hhi = get(
        &server,
        "/v1/concentration?dataset=census-2024&flow=exports&group=all&year=2024",
    )
    .json();
    let c = &hhi["data"][0];
    assert_eq!(c["blocs_left_out"], "EU", "{c}");
    assert!(
        !c["partners_covered"]
            .as_str()
            .unwrap()
            .split(';')
            .any(|p| p == "EU"),
        "{c}"
    );
    assert!(
        c["partners_covered"]
            .as_str()
            .unwrap()
            .split(';')
            .any(|p| p == "DE"),
        "{c}"
    );
    // Its data-quality report: the identities of an imported dataset.
    let q = get(&server, "/v1/datasets/census-2024/quality").json();
    assert_eq!(q["data"]["dataset"], "census-2024");
    assert!(q["data"]["checks"].as_u64().unwrap() > 0, "{q}");
    assert_eq!(
        delete(&server, "/v1/datasets/census-2024", Some(TOKEN)).status,
        204
    );

    // Delete: 204, then 404.
    assert_eq!(
        delete(&server, "/v1/datasets/copy", Some(TOKEN)).status,
        204
    );
    assert_eq!(imported_rows(&server), 0);
    assert_problem(&delete(&server, "/v1/datasets/copy", Some(TOKEN)), 404);
    assert_problem(&get(&server, "/v1/datasets/copy"), 404);
}

atp_testkit::on_both_databases!(writes_are_protected_and_all_or_nothing);

#[test]
fn writes_are_disabled_without_a_token() {
    let db = crate::common::sqlite();
    let server = spawn_server(&[("ATP_DATABASE_URL", &db.url)], &["ATP_WRITE_TOKEN"], &[]);
    let p = assert_problem(
        &post(
            &server,
            "/v1/datasets?dataset=copy",
            Some("anything"),
            &brief_csv("copy"),
        ),
        403,
    );
    assert!(p["detail"].as_str().unwrap().contains("disabled"), "{p}");
    // Reads stay public.
    assert_eq!(get(&server, "/v1/groups").status, 200);
}

#[test]
fn request_ids_are_echoed_and_logged_as_json() {
    let db = crate::common::sqlite();
    let server = spawn_server(
        &[("ATP_DATABASE_URL", &db.url), ("ATP_LOG_FORMAT", "json")],
        &[],
        &[],
    );
    let r = get(&server, "/v1/groups/01");
    assert_eq!(r.status, 200);
    let id = r.header("x-request-id").expect("x-request-id").to_owned();
    assert!(!id.is_empty());
    // The request's span closes with one JSON line holding the id, method,
    // route, status and latency.
    let line = server
        .wait_for_log(&id, Duration::from_secs(10))
        .expect("a log line with the request id");
    let entry: serde_json::Value = serde_json::from_str(&line).expect("a JSON log line");
    let span = &entry["span"];
    assert_eq!(span["request_id"], id.as_str());
    assert_eq!(span["http.method"], "GET");
    assert_eq!(span["http.route"], "/v1/groups/{id}");
    assert_eq!(span["http.status_code"], 200);
    assert!(entry["fields"]["time.busy"].is_string(), "{entry}");

    // An id from a load balancer is kept, so both logs can be matched.
    let r = reply(
        agent()
            .get(&server.url("/v1/groups"))
            .header("X-Request-Id", "lb-7f3a.42")
            .call()
            .unwrap(),
    );
    assert_eq!(r.header("x-request-id"), Some("lb-7f3a.42"));
    assert!(
        server
            .wait_for_log("lb-7f3a.42", Duration::from_secs(10))
            .is_some()
    );
    // One that is not a plain token is replaced.
    let r = reply(
        agent()
            .get(&server.url("/v1/groups"))
            .header("X-Request-Id", "a b<script>")
            .call()
            .unwrap(),
    );
    assert_ne!(r.header("x-request-id"), Some("a b<script>"));

    // A credential in the query string is never written to the log, and a
    // very long URL is logged in part.
    let r = get(
        &server,
        "/v1/groups?token=s3cret-in-the-url&api_key=other-s3cret",
    );
    assert_eq!(r.status, 400);
    let id = r.header("x-request-id").unwrap().to_owned();
    let line = server
        .wait_for_log(&id, Duration::from_secs(10))
        .expect("the request's log line");
    assert!(!line.contains("s3cret"), "{line}");
    assert!(line.contains("token=***"), "{line}");
    let long = format!("/v1/imports?partner={}", "KR,".repeat(20_000));
    let r = get(&server, &long);
    let id = r.header("x-request-id").unwrap().to_owned();
    let line = server
        .wait_for_log(&id, Duration::from_secs(10))
        .expect("the request's log line");
    assert!(line.len() < 2_000, "a {} byte log line", line.len());
    assert!(line.contains(&format!("({} bytes)", long.len())), "{line}");
    // The whole log holds neither secret.
    assert!(!server.log_text().contains("s3cret"));
}

fn raw_upload_head(server: &Server, length: usize) -> std::net::TcpStream {
    use std::io::Write as _;
    let mut stream = std::net::TcpStream::connect(&server.address).unwrap();
    write!(
        stream,
        "POST /v1/datasets?dataset=slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: text/csv\r\nContent-Length: {length}\r\n\r\ndataset,gro"
    )
    .unwrap();
    stream
}

/// Whether the server has answered on this connection (without waiting).
fn answered(stream: &std::net::TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let got = matches!(stream.peek(&mut byte), Ok(n) if n > 0);
    stream.set_nonblocking(false).unwrap();
    got
}

fn read_response(mut stream: std::net::TcpStream) -> (u16, String) {
    use std::io::Read as _;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// An upload that stalls is refused with 408; beyond the concurrent-upload
/// bound, 503 with Retry-After; a declared length is not reserved before the
/// bytes arrive.
#[test]
fn uploads_are_bounded_in_time_memory_and_number() {
    let db = crate::common::sqlite();
    let server = spawn_server(
        &[
            ("ATP_DATABASE_URL", &db.url),
            ("ATP_WRITE_TOKEN", TOKEN),
            ("ATP_UPLOAD_IDLE_TIMEOUT", "3s"),
            ("ATP_UPLOAD_TIMEOUT", "30s"),
            ("ATP_MAX_CONCURRENT_UPLOADS", "20"),
        ],
        &[],
        &[],
    );
    // A body that stops arriving: 408 problem+json.
    let (status, text) = read_response(raw_upload_head(&server, 1_000));
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(text.contains("no bytes of the body for 3 s"), "{text}");

    drop(server);

    // Two uploads (the bound) that each declare 60 MB and send a few bytes:
    // nothing is reserved for them (before: 64 MiB each). A server whose
    // idle timeout outlasts the test, so that neither is let go while a
    // loaded machine runs it.
    let server = spawn_server(
        &[
            ("ATP_DATABASE_URL", &db.url),
            ("ATP_WRITE_TOKEN", TOKEN),
            ("ATP_UPLOAD_IDLE_TIMEOUT", "120s"),
            ("ATP_UPLOAD_TIMEOUT", "300s"),
            ("ATP_MAX_CONCURRENT_UPLOADS", "2"),
            // A slow probe on a loaded machine must not refuse the writes.
            ("ATP_PROBE_TIMEOUT", "30s"),
        ],
        &[],
        &[],
    );
    let (before, _) = server.memory_kb();
    let mut open: Vec<_> = (0..2)
        .map(|_| raw_upload_head(&server, 60_000_000))
        .collect();
    // Once both are being received, the next upload is refused. A probe may
    // reach the server before the last of them did: then it is read, refused
    // as a file (422), and tried again; and a held upload that arrived while
    // a probe had the other place was itself refused (503): it is opened
    // again. Bounded in time, not in tries.
    let deadline = Instant::now() + Duration::from_secs(60);
    let r = loop {
        let r = post(&server, "/v1/datasets?dataset=late", Some(TOKEN), b"x");
        if r.status != 422 || Instant::now() > deadline {
            break r;
        }
        for stream in &mut open {
            if answered(stream) {
                *stream = raw_upload_head(&server, 60_000_000);
            }
        }
    };
    let p = assert_problem(&r, 503);
    assert!(r.header("retry-after").is_some());
    assert!(p["detail"].as_str().unwrap().contains("2 uploads"), "{p}");
    let (during, _) = server.memory_kb();
    eprintln!(
        "RSS with 2 uploads of 60 MB declared: {} MB (before: {} MB)",
        during / 1024,
        before / 1024
    );
    assert!(during < before + 64 * 1024, "{during} kB, from {before} kB");
    // The clients go away: their places are given back, and uploads work
    // again.
    drop(open);
    let deadline = Instant::now() + Duration::from_secs(60);
    let r = std::iter::repeat_with(|| {
        post(
            &server,
            "/v1/datasets?dataset=copy",
            Some(TOKEN),
            &brief_csv("copy"),
        )
    })
    .find(|r| r.status != 503 || Instant::now() > deadline)
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn metrics_count_requests_by_route_and_status() {
    let db = crate::common::sqlite();
    let server = spawn_server(&[("ATP_DATABASE_URL", &db.url)], &[], &[]);
    // The third is answered from the response cache, before routing: it
    // is counted under its route all the same, and so is a revalidation.
    let mut etag = String::new();
    for _ in 0..3 {
        let r = get(&server, "/v1/imports?partner=KR");
        assert_eq!(r.status, 200);
        etag = r.header("etag").unwrap().to_owned();
    }
    let revalidated = get_with(
        &server,
        "/v1/imports?partner=KR",
        &[("If-None-Match", etag.as_str())],
    );
    assert_eq!(revalidated.status, 304);
    assert_eq!(get(&server, "/v1/imports?year=20x4").status, 400);
    assert_eq!(get(&server, "/no/such/thing").status, 404);
    let r = get(&server, "/metrics");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let m = &r.body;
    let has = |needle: &str| m.lines().any(|l| l.starts_with(needle));
    assert!(
        has(r#"atp_http_requests_total{endpoint="/v1/imports",method="GET",status="200"} 3"#),
        "{m}"
    );
    assert!(
        has(r#"atp_http_requests_total{endpoint="/v1/imports",method="GET",status="304"} 1"#),
        "{m}"
    );
    assert!(
        has(r#"atp_http_requests_total{endpoint="/v1/imports",method="GET",status="400"} 1"#),
        "{m}"
    );
    assert!(
        has(r#"atp_http_requests_total{endpoint="UNMATCHED",method="GET",status="404"} 1"#),
        "{m}"
    );
    assert!(
        has(
            r#"atp_http_requests_duration_seconds_bucket{endpoint="/v1/imports",method="GET",status="200",le="#
        ),
        "{m}"
    );
    let rows = brief().unwrap().observations.len();
    assert!(
        has(&format!(
            r#"atp_dataset_rows{{dataset="kiat-2026-04"}} {rows}"#
        )),
        "{m}"
    );
    assert!(has("atp_db_pool_connections "), "{m}");
    assert!(has("atp_database_up 1"), "{m}");
    assert!(has("atp_last_import_timestamp_seconds "), "{m}");
}

#[test]
fn rate_limits_answer_429_with_retry_after() {
    let db = crate::common::sqlite();
    let server = spawn_server(
        &[
            ("ATP_DATABASE_URL", &db.url),
            ("ATP_RATE_LIMIT__PER_SECOND", "1"),
            ("ATP_RATE_LIMIT__BURST", "3"),
        ],
        &[],
        &[],
    );
    // A burst of 3 passes; the next request within the second is refused.
    let statuses: Vec<u16> = (0..6).map(|_| get(&server, "/v1/groups").status).collect();
    assert_eq!(&statuses[..3], [200, 200, 200], "{statuses:?}");
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    let r = get(&server, "/v1/groups");
    let p = assert_problem(&r, 429);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(p["type"], "/problems/too-many-requests");
    // Health checks and metrics are never limited, even now.
    for path in [
        "/healthz", "/readyz", "/metrics", "/healthz", "/readyz", "/metrics",
    ] {
        assert_eq!(get(&server, path).status, 200, "{path}");
    }
    assert_eq!(get(&server, "/v1/groups").status, 429, "the API still is");
}

#[test]
fn the_rate_limit_is_off_by_default() {
    let db = crate::common::sqlite();
    let server = spawn_server(
        &[("ATP_DATABASE_URL", &db.url)],
        &["ATP_RATE_LIMIT__PER_SECOND"],
        &[],
    );
    assert!((0..200).all(|_| get(&server, "/healthz").status == 200));
}

#[test]
fn sigterm_lets_requests_finish_and_exits_zero() {
    let db = crate::common::sqlite();
    let mut server = spawn_server(&[("ATP_DATABASE_URL", &db.url)], &[], &[]);
    let url = server.url("/v1/imports?limit=10000");
    let expected = get(&server, "/v1/imports?limit=10000").body;
    // Clients keep calling while the signal arrives: every answer that
    // arrives is complete; after the listener closes, connections are refused.
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            let expected = expected.clone();
            std::thread::spawn(move || {
                let mut complete = 0;
                for _ in 0..10_000 {
                    match agent().get(&url).call() {
                        Ok(r) => {
                            let r = reply(r);
                            assert_eq!(r.status, 200);
                            assert_eq!(r.body, expected, "a complete body");
                            complete += 1;
                        }
                        Err(_) => break,
                    }
                }
                complete
            })
        })
        .collect();
    // Let the clients get going: wait until the server has answered some.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let m = get(&server, "/metrics").body;
        if m.lines().any(|l| {
            l.starts_with(
                r#"atp_http_requests_total{endpoint="/v1/imports",method="GET",status="200"}"#,
            ) && l
                .rsplit(' ')
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
                >= 20
        }) {
            break;
        }
        assert!(Instant::now() < deadline, "the clients got no answers");
    }
    let pid = server.pid().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = server.child_mut().wait().unwrap();
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    let answered: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert!(answered >= 20, "{answered}");
    assert!(
        server
            .wait_for_log("stopped", Duration::from_secs(5))
            .is_some()
    );
}

#[test]
fn replicas_serve_an_import_made_through_another() {
    let Some(db) = crate::common::postgres() else {
        return;
    };
    let envs = [
        ("ATP_DATABASE_URL", db.url.as_str()),
        ("ATP_WRITE_TOKEN", TOKEN),
        ("ATP_REFRESH_INTERVAL", "200ms"),
    ];
    let a = spawn_server(&envs, &[], &[]);
    let b = spawn_server(&envs, &[], &[]);
    assert_eq!(imported_rows(&a), 0);
    assert_eq!(
        imported_rows(&b),
        0,
        "the built-in datasets are never stored"
    );
    assert_problem(&get(&b, "/v1/datasets/copy"), 404);

    let r = post(
        &a,
        "/v1/datasets?dataset=copy",
        Some(TOKEN),
        &brief_csv("copy"),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // Replica A serves it at once; replica B within a few refresh intervals.
    assert_eq!(get(&a, "/v1/datasets/copy").status, 200);
    let started = Instant::now();
    let bound = Duration::from_secs(10);
    let seen = loop {
        if get(&b, "/v1/datasets/copy").status == 200 {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < bound,
            "replica B did not serve the import within {bound:?}"
        );
        b.wait_for_log("serving new data", Duration::from_millis(200));
    };
    eprintln!("replica B served the new dataset {seen:?} after the import");
    let kr = get(
        &b,
        "/v1/imports?dataset=copy&partner=KR&group=all&year=2024",
    )
    .json();
    assert_eq!(kr["data"][0]["value_usd"], 29_000_000_000_i64);

    // A delete through B reaches A the same way.
    assert_eq!(delete(&b, "/v1/datasets/copy", Some(TOKEN)).status, 204);
    let started = Instant::now();
    while get(&a, "/v1/datasets/copy").status != 404 {
        assert!(
            started.elapsed() < bound,
            "replica A still serves the deleted dataset"
        );
        a.wait_for_log("serving new data", Duration::from_millis(200));
    }
}
