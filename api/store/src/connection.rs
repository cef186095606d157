//! Connections to either backend, chosen by the database URL, and a pool.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};

/// A connection to SQLite or PostgreSQL.
#[expect(
    missing_debug_implementations,
    reason = "diesel's connections do not implement Debug"
)]
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database engine a URL points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database URL: `postgres://...` / `postgresql://...`, or SQLite as
/// `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` or a plain file path.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// What the driver receives: the PostgreSQL URL, or the SQLite path.
    target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, crate::StoreError> {
        use crate::StoreError::InvalidUrl;
        let url = url.trim();
        if url.is_empty() {
            return Err(InvalidUrl("the database URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(InvalidUrl(format!("no SQLite path in {url:?}")));
        }
        if url.contains("://") && !url.starts_with("sqlite://") {
            return Err(InvalidUrl(format!(
                "unsupported database URL scheme in {:?}: expected postgres://, postgresql://, sqlite:// or a file path",
                redact(url)
            )));
        }
        Ok(DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// SQLite in a file.
    pub fn sqlite_file(path: &Path) -> DatabaseUrl {
        DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.display().to_string(),
        }
    }

    /// The default: a SQLite file under the user's data directory
    /// (`$XDG_DATA_HOME/atp/atp.sqlite3`, else `~/.local/share/atp/atp.sqlite3`,
    /// else `./atp.sqlite3`).
    pub fn default_sqlite() -> DatabaseUrl {
        let dir = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .map(|d| d.join("atp"));
        match dir {
            Some(dir) => Self::sqlite_file(&dir.join("atp.sqlite3")),
            None => Self::sqlite_file(Path::new("atp.sqlite3")),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, if this is a file-backed SQLite URL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        (self.backend == Backend::Sqlite
            && !self.target.starts_with(":memory:")
            && !self.target.starts_with("file:"))
        .then(|| Path::new(&self.target))
    }

    pub(crate) fn target(&self) -> &str {
        &self.target
    }
}

/// Hides the password of a URL (`postgres://user:****@host/db`).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_owned(),
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.backend {
            Backend::Postgres => f.write_str(&redact(&self.target)),
            Backend::Sqlite => write!(f, "sqlite://{}", self.target),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// How long connecting and one statement may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting (libpq `connect_timeout`), and waiting for a pooled
    /// connection.
    pub connect: Duration,
    /// One statement on PostgreSQL (`statement_timeout`); also how long a
    /// transaction may sit idle (`idle_in_transaction_session_timeout`).
    pub statement: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(2),
            statement: Duration::from_secs(120),
        }
    }
}

/// A PostgreSQL URL with the connection settings the service relies on,
/// unless the URL sets them itself: a connect timeout, and TCP keepalives
/// (a peer that vanished is noticed in about a minute instead of never).
fn with_connection_settings(url: &str, timeouts: Timeouts) -> String {
    let mut out = url.to_owned();
    let secs = timeouts.connect.as_secs().max(1);
    let settings = [
        ("connect_timeout", secs.to_string()),
        ("keepalives", "1".to_owned()),
        ("keepalives_idle", "30".to_owned()),
        ("keepalives_interval", "10".to_owned()),
        ("keepalives_count", "3".to_owned()),
    ];
    for (name, value) in settings {
        let present = url
            .split_once('?')
            .is_some_and(|(_, q)| q.split('&').any(|p| p.split('=').next() == Some(name)));
        if !present {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(name);
            out.push('=');
            out.push_str(&value);
        }
    }
    out
}

/// Opens connections of the backend the URL names, showing the driver's own
/// error (diesel's multi-connection `establish` would hide it).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    timeouts: Timeouts,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl, timeouts: Timeouts) -> ConnectionManager {
        ConnectionManager { url, timeouts }
    }

    /// A single connection, outside any pool.
    pub fn establish(
        url: &DatabaseUrl,
        timeouts: Timeouts,
    ) -> Result<AnyConnection, diesel::ConnectionError> {
        match url.backend {
            Backend::Postgres => {
                let mut c =
                    PgConnection::establish(&with_connection_settings(url.target(), timeouts))?;
                let ms = timeouts.statement.as_millis();
                c.batch_execute(&format!(
                    "SET statement_timeout = {ms}; SET idle_in_transaction_session_timeout = {ms};"
                ))
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                Ok(AnyConnection::Postgresql(c))
            }
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(url.target())?;
                // Wait for a concurrent writer instead of failing at once, and
                // enforce the foreign keys the schema declares.
                c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                Ok(AnyConnection::Sqlite(c))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        Self::establish(&self.url, self.timeouts).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// A pool of connections to the URL's database. SQLite is switched to WAL
/// once, on a single connection, before the pool exists.
pub fn build_pool(url: &DatabaseUrl, max_size: u32, timeouts: Timeouts) -> Result<Pool, String> {
    if let Some(path) = url.sqlite_path() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut c = ConnectionManager::establish(url, timeouts)
            .map_err(|e| format!("cannot open {url}: {e}"))?;
        c.batch_execute("PRAGMA journal_mode = WAL;")
            .map_err(|e| format!("cannot switch {url} to WAL: {e}"))?;
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(timeouts.connect)
        .build(ConnectionManager::new(url.clone(), timeouts))
        .map_err(|e| format!("cannot connect to {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u:secret@h/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap().backend(),
            Backend::Postgres
        );
        let s = DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap();
        assert_eq!((s.backend(), s.target()), (Backend::Sqlite, "/tmp/x.db"));
        assert_eq!(
            DatabaseUrl::parse("data/atp.db").unwrap().target(),
            "data/atp.db"
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap().sqlite_path(),
            None
        );
        assert!(
            DatabaseUrl::parse("mysql://h/db")
                .unwrap_err()
                .to_string()
                .contains("unsupported")
        );
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn postgres_urls_get_timeouts_and_keepalives_unless_they_set_them() {
        let t = Timeouts::default();
        assert_eq!(
            with_connection_settings("postgres://h/db", t),
            "postgres://h/db?connect_timeout=2&keepalives=1&keepalives_idle=30\
             &keepalives_interval=10&keepalives_count=3"
        );
        let own = with_connection_settings("postgres://h/db?connect_timeout=9&options=x", t);
        assert!(own.starts_with("postgres://h/db?connect_timeout=9&options=x&keepalives=1"));
        assert_eq!(own.matches("connect_timeout").count(), 1);
    }

    #[test]
    fn passwords_never_show() {
        let url = DatabaseUrl::parse("postgres://app:hunter2@db:5432/atp").unwrap();
        assert_eq!(url.to_string(), "postgres://app:****@db:5432/atp");
        assert!(!format!("{url:?}").contains("hunter2"));
    }
}
