//! Hostile requests, generated: thousands of bad queries over every GET
//! endpoint (repeated and huge lists, huge, negative and overflowing
//! numbers, unicode, NUL, percent-encoding tricks, long URLs, traversal in
//! path parameters), and requests the HTTP layer itself refuses (control
//! characters and bytes outside ASCII in the request line, URLs of 64 KiB
//! and more, heads over 128 KiB, refused CORS preflights). Every answer is
//! below 500 and every error is problem+json; the server's memory stays
//! under a stated bound; health checks answer while heavy queries run.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use atp_testkit::{Launch, Response, Server, TestDb, on_both_backends};
use serde_json::Value;

/// The generator's seed: the same requests every run.
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
/// Generated query-string requests per backend.
const GENERATED: usize = 2_500;
/// The bound on the server's peak resident memory through the run (a debug
/// build, the built-in dataset, a 64 MiB response cache).
const PEAK_RSS_BOUND_KB: u64 = 256 * 1024;

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Every answer: below 500; an error is a problem document for its status.
fn assert_sane(label: &str, r: &Response) {
    assert!(
        r.status < 500,
        "{label}: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    if r.status >= 400 {
        assert_eq!(
            r.content_type(),
            Some("application/problem+json"),
            "{label}: {} {:?}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
        let p: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("{label}: not JSON ({e}): {:?}", r.body));
        assert_eq!(p["status"], r.status, "{label}");
        assert!(
            p["type"].as_str().is_some() && p["title"].as_str().is_some(),
            "{label}"
        );
        assert!(
            r.body.len() < 64 * 1024,
            "{label}: a {} byte problem",
            r.body.len()
        );
    }
}

const ENDPOINTS: [&str; 13] = [
    "/v1/imports",
    "/v1/exports",
    "/v1/balances",
    "/v1/growth",
    "/v1/shares",
    "/v1/concentration",
    "/v1/groups",
    "/v1/partners",
    "/v1/years",
    "/v1/datasets",
    "/v1/partners/KR/profile",
    "/v1/groups/biotechnology",
    "/v1/datasets/kiat-2026-04",
];

const NAMES: [&str; 17] = [
    "group",
    "partner",
    "year",
    "from",
    "to",
    "flow",
    "dataset",
    "sort",
    "limit",
    "offset",
    "format",
    "base_year",
    "yeer",
    "%00",
    "a%ZZb",
    "token",
    "",
];

const VALUES: [&str; 32] = [
    "2024",
    "1899",
    "2101",
    "-1",
    "0",
    "99999999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "65536",
    "4294967296",
    "1e3",
    "NaN",
    "inf",
    "%00",
    "a%00b",
    "%ZZ",
    "%",
    "%2",
    "%C0%AF",
    "%E2%80%AE",
    "%ED%A0%80",
    "%F0%9F%98%80",
    "%ED%95%9C%EA%B5%AD",
    "..%2F..%2Fetc%2Fpasswd",
    "ROW,ROW,ROW,KR,KR",
    ",,,,",
    "all,biotechnology,01,10,00,11",
    "imports",
    "balance",
    "csv",
    "-change_pct,rank,+year,-",
    "%3Cscript%3E",
];

const PATH_PARTS: [&str; 12] = [
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "....%2F%2F",
    "%00",
    "KR%00",
    "%ED%95%9C",
    "%F0%9F%98%80",
    "%25",
    "5800",
    "0003",
    "all",
    "a%2Fb",
];

/// A query string of `n` random parameters, now and then a list repeated
/// to hundreds or thousands of values, or one value tens of KB long.
fn query(rng: &mut Rng) -> String {
    let n = 1 + rng.below(6);
    let mut pairs = Vec::new();
    for _ in 0..n {
        let name = rng.pick(&NAMES);
        let value = match rng.below(20) {
            0 => {
                let unit = rng.pick(&["ROW", "KR", "ROW,KR", "2024", "all", "WLD"]);
                vec![unit; 50 + rng.below(2_000)].join(",")
            }
            1 => "9".repeat(1 + rng.below(20_000)),
            _ => rng.pick(&VALUES).to_owned(),
        };
        pairs.push(format!("{name}={value}"));
    }
    pairs.join("&")
}

fn generated_queries(server: &Server) {
    let mut rng = Rng(SEED);
    for i in 0..GENERATED {
        let endpoint = if rng.below(8) == 0 {
            let part = rng.pick(&PATH_PARTS);
            match rng.below(3) {
                0 => format!("/v1/partners/{part}/profile"),
                1 => format!("/v1/groups/{part}"),
                _ => format!("/v1/datasets/{part}"),
            }
        } else {
            rng.pick(&ENDPOINTS).to_owned()
        };
        let path = format!("{endpoint}?{}", query(&mut rng));
        let r = server.get_with(&path, &[("Accept-Encoding", "gzip, deflate, br")]);
        let label = format!("request {i}: GET {}", &path[..path.len().min(200)]);
        if r.header("content-encoding").is_none() {
            assert_sane(&label, &r);
        } else {
            assert!(r.status < 500, "{label}");
        }
    }
    let (_, peak) = server.memory_kb();
    eprintln!(
        "peak RSS after {GENERATED} generated requests: {} MB",
        peak / 1024
    );
    assert!(
        peak < PEAK_RSS_BOUND_KB,
        "peak RSS {peak} kB is over the bound of {PEAK_RSS_BOUND_KB} kB"
    );
    // And it still answers.
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.get("/readyz").status, 200);
}

/// Requests actix refuses before any handler sees them, and the others
/// that no handler answers: problem+json all the same.
fn refused_by_the_http_layer(server: &Server) {
    let long_url = format!(
        "GET /v1/imports?partner={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "K".repeat(70_000)
    );
    let huge_head = format!(
        "GET /v1/imports HTTP/1.1\r\nHost: x\r\nX-Filler: {}\r\n\r\n",
        "h".repeat(200_000)
    );
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "a control byte in the path",
            b"GET /v1/imp\x01orts HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
        ),
        (
            "a NUL in the query",
            b"GET /v1/imports?partner=K\x00R HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
        ),
        (
            "bytes outside ASCII",
            b"GET /v1/partners/\xed\x95\x9c HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
        ),
        ("a 70 KB URL", long_url.into_bytes(), 400),
        ("a 200 KB head", huge_head.into_bytes(), 431),
        (
            "garbage",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n".to_vec(),
            400,
        ),
        ("no version", b"GET /v1/imports\r\n\r\n".to_vec(), 400),
    ];
    for (label, request, status) in cases {
        let r = server.raw(&request);
        assert_eq!(
            r.status,
            status,
            "{label}: {:?}",
            String::from_utf8_lossy(&r.body)
        );
        assert_sane(label, &r);
    }
    for path in [
        "/docs/no-such-file.js",
        "/docs/../../etc/passwd",
        "/nothing",
        "/v2/imports",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert_sane(path, &r);
    }
    let r = server.request("DELETE", "/v1/imports", &[]);
    assert_eq!(r.status, 405);
    assert_sane("DELETE /v1/imports", &r);
}

const TOKEN: &str = "hostile-test-token";

fn upload(server: &Server, dataset: &str, csv: &[u8]) {
    let r = server.send(
        "POST",
        &format!("/v1/datasets?dataset={dataset}"),
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Content-Type", "text/csv"),
        ],
        Some(csv),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
}

/// The same list given over and over on a dataset without rest-of-world
/// figures (only the world and Korea) is one partner each, the rest of the
/// world computed once; more values than the cap are refused, naming it.
fn repeated_lists_are_bounded(db: &TestDb) {
    let server = Launch::on(atp_testkit::atp_bin!(), db)
        .env("ATP_WRITE_TOKEN", TOKEN)
        .start();
    let mut csv = String::from("dataset,group,partner,year,flow,value_usd,status,citation\n");
    for (partner, m, x) in [("WLD", 1000, 800), ("KR", 300, 100)] {
        for year in [2014, 2024] {
            csv.push_str(&format!(
                "small,aerospace,{partner},{year},imports,{m},reported,t\n"
            ));
            csv.push_str(&format!(
                "small,aerospace,{partner},{year},exports,{x},reported,t\n"
            ));
        }
    }
    upload(&server, "small", csv.as_bytes());
    let list = ["ROW", "KR"].repeat(150).join(",");
    for endpoint in ["/v1/imports", "/v1/exports", "/v1/balances"] {
        let r = server.get(&format!(
            "{endpoint}?dataset=small&group=all&year=2024&partner={list}"
        ));
        assert_eq!(r.status, 200, "{endpoint}");
        let partners: Vec<String> = r.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["partner"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(partners, ["KR", "ROW"], "{endpoint}: each partner once");
    }
    let rest = server.get_json(&format!(
        "/v1/imports?dataset=small&group=aerospace&year=2024&partner={list}"
    ));
    assert_eq!(rest["data"][1]["value_usd"], 1000 - 300, "WLD - KR, once");
    let r = server.get(&format!(
        "/v1/growth?dataset=small&flow=imports&from=2014&to=2024&partner={list}"
    ));
    assert_eq!(r.status, 200);
    let too_many = ["ROW"; 301].join(",");
    let r = server.get(&format!("/v1/imports?partner={too_many}"));
    assert_eq!(r.status, 400);
    let p = r.json();
    assert_eq!(p["parameter"], "partner");
    assert!(
        p["detail"].as_str().unwrap().contains("at most 300 values"),
        "{p}"
    );
    assert!(
        p["value"].as_str().unwrap().len() < 300,
        "the value is not echoed whole"
    );
}

on_both_backends!(generated_queries, refused_by_the_http_layer);
atp_testkit::on_both_databases!(repeated_lists_are_bounded);

/// A heavy query (every group, partner and year of a 130,000-row dataset)
/// is rendered off the workers: with one worker and several heavy queries
/// under way, health checks keep being answered, many per heavy query that
/// finishes (a worker rendering them itself would answer one health check
/// per heavy query at best).
#[test]
fn health_checks_answer_while_heavy_queries_run() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let db = TestDb::sqlite();
    let server = Arc::new(
        Launch::on(atp_testkit::atp_bin!(), &db)
            .env("ATP_WRITE_TOKEN", TOKEN)
            .env("ATP_WORKERS", "1")
            .env("ATP_RESPONSE_CACHE_ENTRIES", "0")
            .start(),
    );
    let out = std::process::Command::new(atp_testkit::atp_bin!())
        .args([
            "synthetic",
            "--partners",
            "240",
            "--years",
            "27",
            "--dataset",
            "big",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    upload(&server, "big", &out.stdout);
    const HEAVY: usize = 8;
    let done = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..HEAVY)
        .map(|i| {
            let (server, done) = (server.clone(), done.clone());
            std::thread::spawn(move || {
                let r = server.get(&format!("/v1/balances?dataset=big&limit=10000&offset={i}"));
                done.fetch_add(1, Ordering::SeqCst);
                r.status
            })
        })
        .collect();
    // Health checks from the first heavy answer to the last.
    while done.load(Ordering::SeqCst) == 0 {
        assert_eq!(server.get("/healthz").status, 200);
    }
    let (first, mut checks) = (done.load(Ordering::SeqCst), 0usize);
    let mut last = first;
    while last < HEAVY {
        assert_eq!(server.get("/healthz").status, 200);
        checks += 1;
        last = done.load(Ordering::SeqCst);
    }
    for w in workers {
        assert_eq!(w.join().unwrap(), 200);
    }
    let finished = HEAVY - first;
    eprintln!("{checks} health checks answered while {finished} heavy queries finished");
    assert!(
        checks > 3 * finished.max(1),
        "{checks} health checks for {finished} heavy queries: the worker waited on them"
    );
}

/// Hundreds of distinct large responses (about a megabyte each, and their
/// gzip variants): the response cache keeps to its byte budget, so the
/// server's resident memory grows by at most the budget and a margin. (A
/// small dataset, so that each response is large but cheap to compute.)
#[test]
fn the_response_cache_keeps_to_its_byte_budget() {
    const BUDGET: u64 = 16 * 1024 * 1024;
    const MARGIN_KB: u64 = 48 * 1024;
    let db = TestDb::sqlite();
    let server = Launch::on(atp_testkit::atp_bin!(), &db)
        .env("ATP_WRITE_TOKEN", TOKEN)
        .env("ATP_RESPONSE_CACHE_BYTES", &BUDGET.to_string())
        .start();
    let out = std::process::Command::new(atp_testkit::atp_bin!())
        .args([
            "synthetic",
            "--partners",
            "62",
            "--years",
            "5",
            "--dataset",
            "big",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    upload(&server, "big", &out.stdout);
    // Warm up the paths (one response of each kind), then take the baseline.
    server.get("/v1/balances?dataset=big&limit=3000&offset=0");
    let (base, _) = server.memory_kb();
    let mut highest = base;
    let mut bytes = 0usize;
    for i in 1..=300 {
        // Each URL twice: the cache keeps a response rendered a second time.
        for _ in 0..2 {
            let r = server.get_with(
                &format!("/v1/balances?dataset=big&limit=3000&offset={i}"),
                // gzip: brotli's generic code is compiled into the (unoptimised)
                // test build of the service and takes a quarter of a second.
                &[("Accept-Encoding", "gzip")],
            );
            assert_eq!(r.status, 200);
            bytes += r.body.len();
        }
        if i % 20 == 0 {
            highest = highest.max(server.memory_kb().0);
        }
    }
    let identity = server.get("/v1/balances?dataset=big&limit=3000&offset=301");
    assert!(
        identity.body.len() > 900_000,
        "{} bytes",
        identity.body.len()
    );
    let grown = highest.saturating_sub(base);
    eprintln!(
        "300 distinct responses, each asked twice ({} MB sent gzip-compressed, about {} MB uncompressed): \
         RSS {} MB at the start, at most {} MB during (+{} MB); budget {} MB",
        bytes / 1_000_000,
        300 * identity.body.len() / 1_000_000,
        base / 1024,
        highest / 1024,
        grown / 1024,
        BUDGET / 1024 / 1024
    );
    assert!(
        grown < BUDGET / 1024 + MARGIN_KB,
        "RSS grew by {grown} kB, more than the {} kB budget and {MARGIN_KB} kB margin",
        BUDGET / 1024
    );
}
