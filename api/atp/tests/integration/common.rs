//! What the integration tests share beyond the test kit: the store's view
//! of a test database, and the `atp` binary started with a given
//! environment.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly on broken setup"
)]

use atp_store::DatabaseUrl;
pub use atp_testkit::{Server, TestDb};

/// The test database as the store opens it.
pub trait StoreUrl {
    fn store_url(&self) -> DatabaseUrl;
}

impl StoreUrl for TestDb {
    fn store_url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&self.url).expect("test database url")
    }
}

/// A SQLite file in a fresh temporary directory.
pub fn sqlite() -> TestDb {
    TestDb::sqlite()
}

/// A fresh schema in the test PostgreSQL server, or `None` (with a message)
/// when it is unreachable outside CI; a failure when `CI=true`.
pub fn postgres() -> Option<TestDb> {
    TestDb::postgres()
}

/// Starts `atp serve --bind 127.0.0.1:0 ARGS...` with the test's own
/// environment plus `envs`, minus `remove`, and returns once it listens.
pub fn spawn_server(envs: &[(&str, &str)], remove: &[&str], args: &[&str]) -> Server {
    let mut launch = atp_testkit::Launch::new(atp_testkit::atp_bin!())
        .envs(envs)
        .args(args);
    for r in remove {
        launch = launch.remove_env(r);
    }
    launch.start()
}
