//! Support for the black-box suite: test databases, the `atp` server as a
//! child process on a random port, and an HTTP client.
//!
//! The suite knows the service only from the outside: it runs the `atp`
//! binary as a user would (`atp serve --bind 127.0.0.1:0`, configured by
//! environment variables), waits for the address it logs, and talks HTTP to
//! it. Every scenario runs on SQLite and on PostgreSQL ([`on_both_backends!`]).
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
use std::sync::{Arc, Mutex, OnceLock};
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

/// Runs each named scenario, `fn(&App)`, once against a server on SQLite and
/// once against a server on PostgreSQL, each with a database of its own.
/// Attributes before a name (`#[ignore = "..."]`) apply to both tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                $(#[$attr])*
                fn sqlite() {
                    let db = $crate::TestDb::sqlite();
                    let app = $crate::spawn_app(&db);
                    super::$name(&app);
                }
                #[test]
                $(#[$attr])*
                fn postgres() {
                    if let Some(db) = $crate::TestDb::postgres() {
                        let app = $crate::spawn_app(&db);
                        super::$name(&app);
                    }
                }
            }
        )*
    };
}

// ---------------------------------------------------------------------------
// The binary

/// The `atp` binary of the profile the tests were built with, built (once per
/// test process) so that the suite never runs a stale one: a no-op when it is
/// up to date.
///
/// # Panics
/// When the build fails.
pub fn atp_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build_atp)
}

fn build_atp() -> PathBuf {
    // The test executable is target/<profile>/deps/<name>-<hash>.
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable is in target/<profile>/deps");
    let target_dir = profile_dir
        .parent()
        .expect("the profile directory is in the target directory");
    let profile = match profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a profile directory name")
    {
        "debug" => "dev",
        other => other,
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "-p", "atp-api", "--bin", "atp"])
        .arg("--profile")
        .arg(profile)
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(workspace)
        .stdout(Stdio::null())
        .status()
        .expect("run cargo build for the atp binary");
    assert!(
        status.success(),
        "`{} build -p atp-api --bin atp` failed ({status})",
        cargo.to_string_lossy()
    );
    let bin = profile_dir.join(format!("atp{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "no binary at {}", bin.display());
    bin
}

// ---------------------------------------------------------------------------
// The server

/// A running `atp serve` on a random port, killed when dropped.
#[derive(Debug)]
pub struct App {
    /// `127.0.0.1:PORT`.
    pub address: String,
    pub backend: Backend,
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.log.lock().map(|l| l.join("\n")).unwrap_or_default();
            eprintln!("--- atp serve ({}) log ---\n{log}", self.backend.as_str());
        }
    }
}

/// Starts `atp serve --bind 127.0.0.1:0` on the database and waits for the
/// address it logs once it listens.
pub fn spawn_app(db: &TestDb) -> App {
    spawn_app_with(db, &[])
}

/// [`spawn_app`] with extra `ATP_*` settings (environment variables).
///
/// # Panics
/// When the server exits or says nothing of its address.
pub fn spawn_app_with(db: &TestDb, settings: &[(&str, &str)]) -> App {
    let mut cmd = Command::new(atp_binary());
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // Only what the test sets: no setting of the developer's leaks in.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ATP_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("ATP_DATABASE_URL", &db.url)
        .env("ATP_LOG", "info")
        .env("ATP_LOG_FORMAT", "text")
        .env("ATP_WORKERS", "2");
    for (k, v) in settings {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn atp serve");
    let stderr = child.stderr.take().expect("the server's stderr");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    {
        let log = log.clone();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("address=").nth(1)
                    && let Some(tx) = tx.take()
                {
                    let address = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(address.to_owned());
                }
                if let Ok(mut l) = log.lock() {
                    l.push(line);
                }
            }
        });
    }
    let address = match rx.recv_timeout(START_GUARD) {
        Ok(address) => address,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            let log = log.lock().map(|l| l.join("\n")).unwrap_or_default();
            panic!(
                "atp serve on {} did not log its address ({e}); its log:\n{log}",
                db.backend.as_str()
            );
        }
    };
    App {
        address,
        backend: db.backend,
        child,
        log,
    }
}

impl App {
    /// `http://ADDRESS{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
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
