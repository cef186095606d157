//! Test databases: a fresh SQLite file, or a fresh schema in the PostgreSQL
//! server on 127.0.0.1:5432 (database `test`), so tests run in parallel.
//!
//! PostgreSQL tests skip with a message when the server is unreachable, and
//! fail instead when `CI=true`.

#![expect(
    clippy::expect_used,
    reason = "test helpers and tests fail loudly on broken setup"
)]
#![allow(dead_code, reason = "each test binary uses a part of this module")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;

use atp_api::store::DatabaseUrl;
use diesel::{Connection, RunQueryDsl, pg::PgConnection};

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that is removed when dropped.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub raw_url: String,
    cleanup: Cleanup,
}

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

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("atp.sqlite3");
    let raw_url = format!("sqlite://{}", path.display());
    TestDb {
        url: DatabaseUrl::parse(&raw_url).expect("sqlite url"),
        raw_url,
        cleanup: Cleanup::Sqlite(dir),
    }
}

fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// A fresh schema in the test PostgreSQL server, or `None` (with a message)
/// when it is unreachable outside CI.
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
        "atp_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    diesel::sql_query(format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .expect("create test schema");
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    let raw_url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
    Some(TestDb {
        url: DatabaseUrl::parse(&raw_url).expect("postgres url"),
        raw_url,
        cleanup: Cleanup::Postgres { admin_url, schema },
    })
}

/// Runs each named test function, `fn(&TestDb)`, once on SQLite and once on
/// PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&$crate::common::sqlite());
                }
                #[test]
                fn postgres() {
                    if let Some(db) = $crate::common::postgres() {
                        super::$name(&db);
                    }
                }
            }
        )*
    };
}

/// A running `atp serve`, killed on drop. Its log lines after "listening"
/// arrive on `log`.
pub struct Server {
    pub child: Child,
    pub address: String,
    pub log: mpsc::Receiver<String>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Waits for a log line containing `needle`, up to `within`.
    pub fn wait_for_log(&self, needle: &str, within: std::time::Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `atp serve --bind 127.0.0.1:0 ARGS...` with the given environment
/// and returns once it listens (it logs `address=...`).
pub fn spawn_server(envs: &[(&str, &str)], remove: &[&str], args: &[&str]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atp"));
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    for r in remove {
        cmd.env_remove(r);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn atp serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("atp serve exited before listening")
            .expect("read stderr");
        // Text logs: `address=HOST:PORT`; JSON logs: `"address":"HOST:PORT"`.
        if let Some(rest) = line.split("address=").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
        if let Some(rest) = line.split("\"address\":\"").nth(1) {
            break rest.split('"').next().unwrap_or_default().to_owned();
        }
    };
    let (tx, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Server {
        child,
        address,
        log,
    }
}
