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

use std::sync::atomic::{AtomicU32, Ordering};

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
