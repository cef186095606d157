//! The test kit shared by every test of the workspace: test databases on
//! both backends, the real `atp` binary as a child process on a random port,
//! and an HTTP client that shows responses as sent.
//!
//! A black-box test knows the service only from the outside: it runs the
//! `atp` binary as a user would (`atp serve --bind 127.0.0.1:0`, configured
//! by environment variables), waits for the address it logs, and talks HTTP
//! to it. Every scenario runs on SQLite and on PostgreSQL
//! ([`on_both_backends!`], [`on_both_databases!`]). The binary is the one
//! Cargo built for the calling test crate ([`atp_bin!`]); the kit never runs
//! Cargo itself.
//!
//! PostgreSQL: a fresh schema in the server at `ATP_TEST_POSTGRES_URL`
//! (default [`DEFAULT_POSTGRES`]) per test, dropped afterwards. When that
//! server is unreachable the PostgreSQL half of a test is skipped with a
//! message, and fails instead when `CI=true`.

#![expect(
    clippy::expect_used,
    reason = "test support: broken setup must fail the test loudly"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::{Connection, RunQueryDsl, pg::PgConnection};

/// The PostgreSQL server and database the suite uses unless
/// `ATP_TEST_POSTGRES_URL` names another.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// How long the server may take to start listening before the test fails
/// (a guard against hanging forever, not a timing assertion).
const START_GUARD: Duration = Duration::from_secs(120);

/// How long one HTTP exchange may take before the test fails (same: a guard).
const REQUEST_GUARD_SECS: u64 = 60;

/// Whether this is a CI run (`CI=true`): then nothing is skipped.
pub fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

// ---------------------------------------------------------------------------
// Databases

/// The storage backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// As `/readyz` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database of its own for one test, removed when dropped.
#[derive(Debug)]
pub struct TestDb {
    /// The value of `ATP_DATABASE_URL`.
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[expect(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Postgres { admin_url: String, schema: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, schema } = &self.cleanup
            && let Ok(mut c) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&mut c);
        }
    }
}

impl TestDb {
    /// A SQLite file in a fresh temporary directory (the server creates it).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("atp.sqlite3");
        TestDb {
            url: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A fresh schema in the test PostgreSQL server, or `None` (with a
    /// message) when it is unreachable outside CI.
    ///
    /// # Panics
    /// When `CI=true` and the server is unreachable.
    pub fn postgres() -> Option<TestDb> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url =
            std::env::var("ATP_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES.to_owned());
        let mut admin = match PgConnection::establish(&admin_url) {
            Ok(c) => c,
            Err(e) if ci() => panic!("CI=true and PostgreSQL is unreachable at {admin_url}: {e}"),
            Err(e) => {
                eprintln!("skipping a PostgreSQL test: {admin_url} is unreachable: {e}");
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!(
            "atp_bb_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        diesel::sql_query(format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .expect("create test schema");
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        Some(TestDb {
            url: format!("{admin_url}{sep}options=-csearch_path%3D{schema}"),
            backend: Backend::Postgres,
            cleanup: Cleanup::Postgres { admin_url, schema },
        })
    }
}

// ---------------------------------------------------------------------------
// The server

/// The `atp` binary of the calling test crate (only the `atp` package's
/// tests have it: Cargo builds it for them and names it in
/// `CARGO_BIN_EXE_atp`).
#[macro_export]
macro_rules! atp_bin {
    () => {
        ::std::path::Path::new(env!("CARGO_BIN_EXE_atp"))
    };
}

/// A running `atp serve` on a random port, killed when dropped. Its log is
/// kept (and printed if the test fails); the lines logged after it started
/// listening also arrive one by one for [`Server::wait_for_log`].
#[derive(Debug)]
pub struct Server {
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// The backend it serves from, when started on a [`TestDb`].
    pub backend: Option<Backend>,
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    lines: Mutex<mpsc::Receiver<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let backend = self.backend.map_or("", Backend::as_str);
            eprintln!("--- atp serve {backend} log ---\n{}", self.log_text());
        }
    }
}

/// How to start a server: the binary, the environment, the arguments.
#[derive(Debug, Clone)]
pub struct Launch {
    bin: PathBuf,
    envs: Vec<(String, String)>,
    remove: Vec<String>,
    args: Vec<String>,
    clean_env: bool,
    backend: Option<Backend>,
}

impl Launch {
    /// `atp serve --bind 127.0.0.1:0` inheriting the test's environment.
    pub fn new(bin: &Path) -> Launch {
        Launch {
            bin: bin.to_owned(),
            envs: Vec::new(),
            remove: Vec::new(),
            args: Vec::new(),
            clean_env: false,
            backend: None,
        }
    }

    /// As a user would start it on this database: no `ATP_*` setting of the
    /// developer's leaks in, text logs at `info`, two workers.
    pub fn on(bin: &Path, db: &TestDb) -> Launch {
        let mut l = Launch::new(bin);
        l.clean_env = true;
        l.backend = Some(db.backend);
        l.env("ATP_DATABASE_URL", &db.url)
            .env("ATP_LOG", "info")
            .env("ATP_LOG_FORMAT", "text")
            .env("ATP_WORKERS", "2")
    }

    /// Sets an environment variable.
    pub fn env(mut self, name: &str, value: &str) -> Launch {
        self.envs.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets several.
    pub fn envs(mut self, settings: &[(&str, &str)]) -> Launch {
        for (k, v) in settings {
            self = self.env(k, v);
        }
        self
    }

    /// Removes an inherited environment variable.
    pub fn remove_env(mut self, name: &str) -> Launch {
        self.remove.push(name.to_owned());
        self
    }

    /// Adds arguments after `serve --bind 127.0.0.1:0`.
    pub fn args(mut self, args: &[&str]) -> Launch {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Starts it and waits for the address it logs once it listens.
    ///
    /// # Panics
    /// When the server exits or says nothing of its address.
    pub fn start(self) -> Server {
        let mut cmd = Command::new(&self.bin);
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if self.clean_env {
            for (name, _) in std::env::vars_os() {
                if name.to_string_lossy().starts_with("ATP_") {
                    cmd.env_remove(name);
                }
            }
        }
        for name in &self.remove {
            cmd.env_remove(name);
        }
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn atp serve");
        let stderr = child.stderr.take().expect("the server's stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = mpsc::channel();
        let (line_tx, line_rx) = mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut address_tx = Some(address_tx);
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut l) = log.lock() {
                        l.push(line.clone());
                    }
                    match address_tx.take() {
                        Some(tx) => match logged_address(&line) {
                            Some(address) => {
                                let _ = tx.send(address);
                            }
                            None => address_tx = Some(tx),
                        },
                        None => {
                            let _ = line_tx.send(line);
                        }
                    }
                }
            });
        }
        let address = match address_rx.recv_timeout(START_GUARD) {
            Ok(address) => address,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                let log = log.lock().map(|l| l.join("\n")).unwrap_or_default();
                panic!("atp serve did not log its address ({e}); its log:\n{log}");
            }
        };
        Server {
            address,
            backend: self.backend,
            child,
            log,
            lines: Mutex::new(line_rx),
        }
    }
}

/// The address of a "listening" line: `address=HOST:PORT` in text logs,
/// `"address":"HOST:PORT"` in JSON logs.
fn logged_address(line: &str) -> Option<String> {
    if let Some(rest) = line.split("address=").nth(1) {
        return Some(
            rest.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    line.split("\"address\":\"")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
}

/// Runs each named scenario, `fn(&Server)`, once against a server on SQLite
/// and once against a server on PostgreSQL, each with a database of its
/// own. Attributes before a name (`#[ignore = "..."]`) apply to both tests.
/// Only in the `atp` package's tests (it needs the binary).
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                $(#[$attr])*
                fn sqlite() {
                    let db = $crate::TestDb::sqlite();
                    let server = $crate::Launch::on($crate::atp_bin!(), &db).start();
                    super::$name(&server);
                }
                #[test]
                $(#[$attr])*
                fn postgres() {
                    if let Some(db) = $crate::TestDb::postgres() {
                        let server = $crate::Launch::on($crate::atp_bin!(), &db).start();
                        super::$name(&server);
                    }
                }
            }
        )*
    };
}

/// Runs each named test, `fn(&TestDb)`, once on a fresh SQLite database and
/// once on a fresh PostgreSQL schema.
#[macro_export]
macro_rules! on_both_databases {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                $(#[$attr])*
                fn sqlite() {
                    super::$name(&$crate::TestDb::sqlite());
                }
                #[test]
                $(#[$attr])*
                fn postgres() {
                    if let Some(db) = $crate::TestDb::postgres() {
                        super::$name(&db);
                    }
                }
            }
        )*
    };
}

impl Server {
    /// `http://ADDRESS{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child process, to signal or wait for.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Everything it logged so far.
    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// The server's resident memory now and at its peak (`VmRSS`, `VmHWM`),
    /// in kB.
    ///
    /// # Panics
    /// When /proc does not show the process.
    pub fn memory_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server's /proc status");
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .expect("a memory line in /proc status")
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Sends `request` as it is over a new connection (nothing checked or
    /// fixed: a malformed request line, a huge head) and reads what comes
    /// back until the server closes or `Content-Length` bytes arrived.
    ///
    /// # Panics
    /// When the connection fails.
    pub fn raw(&self, request: &[u8]) -> Response {
        use std::io::{Read as _, Write as _};
        let mut stream =
            std::net::TcpStream::connect(&self.address).expect("connect to the server");
        stream
            .set_read_timeout(Some(Duration::from_secs(REQUEST_GUARD_SECS)))
            .expect("a read timeout");
        // The server may answer (and close) before it has read everything.
        let _ = stream.write_all(request);
        let mut bytes = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
            }
            if let Some(r) = parse_raw_response(&bytes)
                && r.body.len()
                    >= r.header("content-length")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(usize::MAX)
            {
                return r;
            }
        }
        parse_raw_response(&bytes).unwrap_or_else(|| {
            panic!(
                "no HTTP response to a raw request: {:?}",
                String::from_utf8_lossy(&bytes)
            )
        })
    }

    /// Waits for a line logged after start-up containing `needle`, up to
    /// `within` (a guard against hanging, not a timing assertion).
    pub fn wait_for_log(&self, needle: &str, within: Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + within;
        let lines = self.lines.lock().ok()?;
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            match lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    /// `GET path` with request headers.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        self.request("GET", path, headers)
    }

    /// `GET path`, which must answer 200 with JSON: the parsed body.
    ///
    /// # Panics
    /// On any other answer.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        assert_eq!(
            r.content_type(),
            Some("application/json"),
            "GET {path}: content type"
        );
        r.json()
    }

    /// Any method; the response as sent (no redirect followed, nothing
    /// decompressed).
    ///
    /// # Panics
    /// When the exchange fails at the HTTP level.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        self.send(method, path, headers, None)
    }

    /// Any method with a request body; the response as sent.
    ///
    /// # Panics
    /// When the exchange fails at the HTTP level.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Response {
        let method = match method {
            "GET" => minreq::Method::Get,
            "HEAD" => minreq::Method::Head,
            "POST" => minreq::Method::Post,
            "PUT" => minreq::Method::Put,
            "DELETE" => minreq::Method::Delete,
            "OPTIONS" => minreq::Method::Options,
            "PATCH" => minreq::Method::Patch,
            other => minreq::Method::Custom(other.to_owned()),
        };
        let label = format!("{method} {path}");
        let mut req = minreq::Request::new(method, self.url(path))
            .with_timeout(REQUEST_GUARD_SECS)
            .with_follow_redirects(false);
        for (k, v) in headers {
            req = req.with_header(*k, *v);
        }
        if let Some(body) = body {
            req = req.with_body(body.to_vec());
        }
        let r = req
            .send()
            .unwrap_or_else(|e| panic!("{label} on {}: {e}", self.address));
        Response {
            status: r.status_code,
            headers: r.headers.clone(),
            body: r.into_bytes(),
        }
    }
}

/// An HTTP/1.1 response read off a socket: the status line, the headers,
/// and the body after them (no chunked decoding: the service sends
/// `Content-Length`).
fn parse_raw_response(bytes: &[u8]) -> Option<Response> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Response {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    })
}

// ---------------------------------------------------------------------------
// Responses

/// A response as the server sent it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Every header line, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body as sent (compressed if the server compressed it).
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, list headers split at commas.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The media type, without parameters.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
            .map(|v| v.split(';').next().unwrap_or_default().trim())
    }

    /// The body as UTF-8.
    ///
    /// # Panics
    /// When it is not UTF-8.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    /// The body as JSON.
    ///
    /// # Panics
    /// When it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}
