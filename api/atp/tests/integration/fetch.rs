//! `atp fetch census` against a local stand-in for the Census International
//! Trade API, storing into SQLite and PostgreSQL.
//!
//! The stand-in is a `TcpListener` bound before the command starts (so it is
//! ready) and answering each connection with one hand-written HTTP/1.1
//! response. It records every request target; the tests check them once the
//! command has exited.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers and tests fail loudly on broken setup"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use crate::common::{StoreUrl as _, TestDb};
use atp_store::Store;

/// Never to appear in anything the command prints.
const KEY: &str = "secret-census-key-7f3a9c";

const IMPORTS_PATH: &str = "/data/timeseries/intltrade/imports/hitech";
const EXPORTS_PATH: &str = "/data/timeseries/intltrade/exports/hitech";

/// Hand-read December year-to-date values of `imports-2017-hitech.json`
/// (`GEN_VAL_YR`), a few per partner kind.
const IMPORTS_2017: [(&str, i64); 6] = [
    ("imports/biotechnology/WLD/2017", 4_260_999_232),
    ("imports/information-communications/EU/2017", 24_290_666_877),
    ("imports/electronics/CN/2017", 9_022_542_289),
    ("imports/biotechnology/KR/2017", 238_236_648),
    ("imports/information-communications/KR/2017", 6_572_342_580),
    ("imports/biotechnology/TW/2017", 113_760_441),
];

/// Hand-read December year-to-date values of `exports-2024-hitech.json`
/// (`ALL_VAL_YR`).
const EXPORTS_2024: [(&str, i64); 6] = [
    ("exports/aerospace/WLD/2024", 128_725_413_343),
    ("exports/information-communications/EU/2024", 20_692_421_467),
    ("exports/aerospace/KR/2024", 6_400_064_587),
    ("exports/information-communications/DE/2024", 5_824_966_993),
    ("exports/aerospace/CN/2024", 8_860_645_892),
    ("exports/aerospace/5082/2024", 5_980_827),
];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../ingest/tests/fixtures/census/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The 2017 imports response as if it were for 2024 (only `time` says the
/// year in it).
fn imports_as_2024() -> Vec<u8> {
    let body = String::from_utf8(fixture("imports-2017-hitech.json")).unwrap();
    assert_eq!(body.matches("\"2017-").count(), 418);
    body.replace("\"2017-", "\"2024-").into_bytes()
}

/// One canned answer.
#[derive(Clone)]
struct Reply {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn json(body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            reason: "OK",
            content_type: "application/json;charset=utf-8",
            body,
        }
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            reason: "No Content",
            content_type: "",
            body: Vec::new(),
        }
    }
}

/// The stand-in API: a base URL to pass to `--base-url`, and the request
/// targets (path and query) it has answered.
struct Stub {
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    /// Answers `routes[path]` for every request, 404 for an unknown path.
    fn start(routes: Vec<(&'static str, Reply)>) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/data", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let routes: BTreeMap<&str, Reply> = routes.into_iter().collect();
        // Detached: it ends with the test process.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = answer(stream, &routes, &seen);
            }
        });
        Stub { base_url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request and writes one response, then closes the connection.
fn answer(
    stream: TcpStream,
    routes: &BTreeMap<&str, Reply>,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    // Recorded before answering: once the client has its answer, the request
    // is in the list.
    seen.lock().unwrap().push(target);
    let reply = routes.get(path.as_str()).cloned().unwrap_or(Reply {
        status: 404,
        reason: "Not Found",
        content_type: "text/plain",
        body: b"no such endpoint".to_vec(),
    });
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reply.reason);
    if reply.status != 204 {
        head.push_str(&format!(
            "Content-Type: {}\r\nContent-Length: {}\r\n",
            reply.content_type,
            reply.body.len()
        ));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut stream = stream;
    stream.write_all(head.as_bytes())?;
    stream.write_all(&reply.body)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}

/// The query parameters of a request target, percent-decoded for `,`.
fn query(target: &str) -> BTreeMap<String, String> {
    let (_, q) = target.split_once('?').expect("a query string");
    q.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), v.replace("%2C", ",").replace("%2c", ","))
        })
        .collect()
}

/// Checks a recorded request: endpoint, variables, year and key.
fn assert_request(target: &str, path: &str, variables: [&str; 2], year: u16, key: Option<&str>) {
    assert!(target.starts_with(&format!("{path}?")), "{target}");
    let q = query(target);
    let get: BTreeSet<&str> = q.get("get").expect("get=").split(',').collect();
    for needed in ["CTY_CODE", "CTY_NAME", "HITECH", variables[0], variables[1]] {
        assert!(get.contains(needed), "{target} does not get {needed}");
    }
    let other_flow = if variables[0].starts_with("GEN") {
        "ALL_VAL_"
    } else {
        "GEN_VAL_"
    };
    assert!(get.iter().all(|v| !v.starts_with(other_flow)), "{target}");
    assert_eq!(q.get("time"), Some(&year.to_string()), "{target}");
    assert_eq!(q.get("key").map(String::as_str), key, "{target}");
}

fn assert_imports_request(target: &str, year: u16, key: Option<&str>) {
    assert_request(
        target,
        IMPORTS_PATH,
        ["GEN_VAL_MO", "GEN_VAL_YR"],
        year,
        key,
    );
}

fn assert_exports_request(target: &str, year: u16, key: Option<&str>) {
    assert_request(
        target,
        EXPORTS_PATH,
        ["ALL_VAL_MO", "ALL_VAL_YR"],
        year,
        key,
    );
}

/// `atp` with nothing from the environment that would change where it
/// connects or which key it sends, logging at the most verbose level so that
/// a key in any log line (the HTTP client's included) is caught.
fn atp_command(db: &TestDb) -> Command {
    let mut cmd = Command::new(atp_testkit::atp_bin!());
    cmd.env("ATP_DATABASE_URL", &db.url).env("ATP_LOG", "trace");
    for var in [
        "ATP_CENSUS_KEY",
        "ATP_CENSUS_BASE_URL",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn atp(db: &TestDb, args: &[&str]) -> Output {
    atp_command(db).args(args).output().expect("run atp")
}

fn output_text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Fails if the key shows in anything the command printed.
fn assert_key_not_printed(o: &Output) {
    let text = output_text(o);
    assert!(!text.contains(KEY), "the API key was printed:\n{text}");
}

fn values(store: &Store, dataset: &str) -> BTreeMap<String, i64> {
    store
        .latest_observations(dataset)
        .unwrap()
        .iter()
        .map(|o| (o.key.to_string(), o.value_usd))
        .collect()
}

fn assert_values(got: &BTreeMap<String, i64>, expected: &[(&str, i64)]) {
    for (key, value) in expected {
        assert_eq!(got.get(*key), Some(value), "{key}");
    }
}

fn both_flows_of_a_year_are_fetched_and_stored(db: &TestDb) {
    let imports = imports_as_2024();
    let exports = fixture("exports-2024-hitech.json");
    let stub = Stub::start(vec![
        (IMPORTS_PATH, Reply::json(imports.clone())),
        (EXPORTS_PATH, Reply::json(exports.clone())),
    ]);
    let saved = tempfile::tempdir().unwrap();
    let out = atp(
        db,
        &[
            "fetch",
            "census",
            "--year",
            "2024",
            "--base-url",
            &stub.base_url,
            "--key",
            KEY,
            "--save-dir",
            saved.path().to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", output_text(&out));
    assert_key_not_printed(&out);

    let requests = stub.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let imports_request = requests.iter().find(|r| r.starts_with(IMPORTS_PATH));
    let exports_request = requests.iter().find(|r| r.starts_with(EXPORTS_PATH));
    assert_imports_request(imports_request.unwrap(), 2024, Some(KEY));
    assert_exports_request(exports_request.unwrap(), 2024, Some(KEY));

    // Stored under the default id: 15 import and 12 export series.
    let store = Store::open(&db.store_url(), 2).unwrap();
    let got = values(&store, "census-hitech-2024");
    assert_eq!(got.len(), 27, "{got:?}");
    let as_2024: Vec<(String, i64)> = IMPORTS_2017
        .iter()
        .map(|(k, v)| (k.replace("/2017", "/2024"), *v))
        .collect();
    let as_2024: Vec<(&str, i64)> = as_2024.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_values(&got, &as_2024);
    assert_values(&got, &EXPORTS_2024);
    assert_eq!(store.observation_count().unwrap(), 27);
    let datasets = store.datasets().unwrap();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0].source_format, "census");
    let everything = format!(
        "{:?}",
        store.latest_observations("census-hitech-2024").unwrap()
    );
    assert!(!everything.contains(KEY), "the key was stored");

    // Saved as returned, and importable again.
    let saved_imports = saved.path().join("census-imports-2024.json");
    let saved_exports = saved.path().join("census-exports-2024.json");
    assert_eq!(std::fs::read(&saved_imports).unwrap(), imports);
    assert_eq!(std::fs::read(&saved_exports).unwrap(), exports);
    let again = atp(
        db,
        &[
            "import",
            "--dataset",
            "from-saved",
            saved_imports.to_str().unwrap(),
            saved_exports.to_str().unwrap(),
        ],
    );
    assert!(again.status.success(), "{}", output_text(&again));
    assert_eq!(values(&store, "from-saved"), got);

    // Fetching the same year again is refused unless replaced.
    let args = [
        "fetch",
        "census",
        "--year",
        "2024",
        "--base-url",
        &stub.base_url,
        "--key",
        KEY,
    ];
    let refused = atp(db, &args);
    assert!(!refused.status.success());
    assert!(
        output_text(&refused).contains("dataset \"census-hitech-2024\" already exists"),
        "{}",
        output_text(&refused)
    );
    assert_key_not_printed(&refused);
    assert_eq!(store.observation_count().unwrap(), 54);
    let replaced = atp(db, &[&args[..], &["--replace"]].concat());
    assert!(replaced.status.success(), "{}", output_text(&replaced));
    assert_key_not_printed(&replaced);
    assert_eq!(store.observation_count().unwrap(), 54);
    assert_eq!(values(&store, "census-hitech-2024"), got);
}

fn one_flow_without_a_key(db: &TestDb) {
    let stub = Stub::start(vec![(
        IMPORTS_PATH,
        Reply::json(fixture("imports-2017-hitech.json")),
    )]);
    let out = atp(
        db,
        &[
            "fetch",
            "census",
            "--year",
            "2017",
            "--flow",
            "imports",
            "--base-url",
            &stub.base_url,
            "--dataset",
            "imports-2017",
        ],
    );
    assert!(out.status.success(), "{}", output_text(&out));
    let requests = stub.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_imports_request(&requests[0], 2017, None);

    let store = Store::open(&db.store_url(), 2).unwrap();
    let got = values(&store, "imports-2017");
    assert_eq!(got.len(), 15, "{got:?}");
    assert_values(&got, &IMPORTS_2017);
}

fn the_key_can_come_from_the_environment(db: &TestDb) {
    let stub = Stub::start(vec![(
        EXPORTS_PATH,
        Reply::json(fixture("exports-2024-hitech.json")),
    )]);
    let out = atp_command(db)
        .args(["fetch", "census", "--year", "2024", "--flow", "exports"])
        .env("ATP_CENSUS_KEY", KEY)
        .env("ATP_CENSUS_BASE_URL", &stub.base_url)
        .output()
        .expect("run atp");
    assert!(out.status.success(), "{}", output_text(&out));
    assert_key_not_printed(&out);
    let requests = stub.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_exports_request(&requests[0], 2024, Some(KEY));
    let store = Store::open(&db.store_url(), 2).unwrap();
    let got = values(&store, "census-hitech-2024");
    assert_eq!(got.len(), 12, "{got:?}");
    assert_values(&got, &EXPORTS_2024);
}

fn failed_downloads_say_why_and_write_nothing(db: &TestDb) {
    // Something stored first, to see that it stays as it is.
    let stub = Stub::start(vec![(
        IMPORTS_PATH,
        Reply::json(fixture("imports-2017-hitech.json")),
    )]);
    let out = atp(
        db,
        &[
            "fetch",
            "census",
            "--year",
            "2017",
            "--flow",
            "imports",
            "--base-url",
            &stub.base_url,
            "--dataset",
            "before",
        ],
    );
    assert!(out.status.success(), "{}", output_text(&out));
    let store = Store::open(&db.store_url(), 2).unwrap();
    let before = store.observation_count().unwrap();
    let version = store.data_version().unwrap();
    assert_eq!(before, 15);

    let html_error =
        b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\
        <body><h1>Internal Server Error</h1></body></html>\n"
            .to_vec();
    // (what, the exports reply, what the message must say). Imports succeed
    // first: the export failure must not leave them stored.
    let cases: Vec<(&str, Reply, Vec<&str>)> = vec![
        (
            "204",
            Reply::no_content(),
            vec!["no data for this query (204 No Content)"],
        ),
        (
            "400",
            Reply {
                status: 400,
                reason: "Bad Request",
                content_type: "text/plain",
                body: b"error: unknown variable 'ALL_VAL_XX'".to_vec(),
            },
            vec!["HTTP 400: error: unknown variable 'ALL_VAL_XX'"],
        ),
        (
            "invalid key (HTML with 200)",
            Reply {
                status: 200,
                reason: "OK",
                content_type: "text/html",
                body: fixture("bad/invalid-key.html"),
            },
            vec!["looks like an HTML page", "probably an invalid API key"],
        ),
        (
            "HTML error page",
            Reply {
                status: 500,
                reason: "Internal Server Error",
                content_type: "text/html",
                body: html_error,
            },
            vec!["HTTP 500: <!DOCTYPE html>", "Internal Server Error"],
        ),
        (
            "200 with an error line",
            Reply {
                status: 200,
                reason: "OK",
                content_type: "text/plain",
                body: b"error: error: unknown predicate variable: 'XYZ'".to_vec(),
            },
            vec!["the API answered with an error message instead of data"],
        ),
    ];
    for (what, exports_reply, says) in cases {
        let stub = Stub::start(vec![
            (IMPORTS_PATH, Reply::json(imports_as_2024())),
            (EXPORTS_PATH, exports_reply),
        ]);
        let out = atp(
            db,
            &[
                "fetch",
                "census",
                "--year",
                "2024",
                "--base-url",
                &stub.base_url,
                "--key",
                KEY,
            ],
        );
        let text = output_text(&out);
        assert!(!out.status.success(), "{what}: {text}");
        assert_key_not_printed(&out);
        // The message names the request, without the key.
        assert!(
            text.contains(&format!(
                "{}/timeseries/intltrade/exports/hitech?get=",
                stub.base_url
            )),
            "{what}: {text}"
        );
        for s in says {
            assert!(text.contains(s), "{what}: expected {s:?} in\n{text}");
        }
        let requests = stub.requests();
        assert!(
            requests.iter().any(|r| r.starts_with(EXPORTS_PATH)),
            "{what}: {requests:?}"
        );
        assert_eq!(store.observation_count().unwrap(), before, "{what}");
        assert_eq!(store.data_version().unwrap(), version, "{what}");
        let ids: Vec<String> = store
            .datasets()
            .unwrap()
            .into_iter()
            .map(|d| d.info.id)
            .collect();
        assert_eq!(ids, ["before"], "{what}");
    }

    // Nothing listening at all.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/data", closed.local_addr().unwrap());
    drop(closed);
    let out = atp(
        db,
        &[
            "fetch",
            "census",
            "--year",
            "2024",
            "--base-url",
            &base_url,
            "--key",
            KEY,
        ],
    );
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert_key_not_printed(&out);
    assert!(
        text.contains(&format!(
            "{base_url}/timeseries/intltrade/imports/hitech?get="
        )),
        "{text}"
    );
    assert_eq!(store.observation_count().unwrap(), before);
}

atp_testkit::on_both_databases!(
    both_flows_of_a_year_are_fetched_and_stored,
    one_flow_without_a_key,
    the_key_can_come_from_the_environment,
    failed_downloads_say_why_and_write_nothing,
);
