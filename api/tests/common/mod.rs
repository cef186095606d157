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
use std::sync::mpsc;

use atp_api::store::DatabaseUrl;

/// A database of its own for one test (the black-box suite's, from
/// `atp-tests`), with its URL parsed; removed when dropped.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub raw_url: String,
    _db: atp_tests::TestDb,
}

fn wrap(db: atp_tests::TestDb) -> TestDb {
    TestDb {
        url: DatabaseUrl::parse(&db.url).expect("test database url"),
        raw_url: db.url.clone(),
        _db: db,
    }
}

/// A SQLite file in a fresh temporary directory.
pub fn sqlite() -> TestDb {
    wrap(atp_tests::TestDb::sqlite())
}

/// A fresh schema in the test PostgreSQL server, or `None` (with a message)
/// when it is unreachable outside CI; a failure when `CI=true`.
pub fn postgres() -> Option<TestDb> {
    atp_tests::TestDb::postgres().map(wrap)
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
