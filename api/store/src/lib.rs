//! Storage: datasets, their vintages and their observations in SQLite or
//! PostgreSQL, through diesel. Every write is one transaction: an import is
//! stored whole or not at all. A dataset is a set of vintages (releases of
//! its source); importing a new release adds one and keeps the others. It takes [`NewDataset`]s (from ingestion, via `atp-core`) and hands
//! back [`StoredDataset`]s and observations (to the read model); it knows
//! neither ingestion nor the web.

mod connection;
mod schema;

use std::time::SystemTime;

use atp_core::{
    Citation, DatasetInfo, Derivation, ExtraPartner, GroupId, Measure, NewDataset, Observation,
    PartnerCode, PartnerKind, Period, Provenance, SeriesKey, Status, StoredDataset, Year,
};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use connection::{AnyConnection, Backend, DatabaseUrl, Pool, Timeouts, redact};
use schema::{dataset_vintages, extra_partners, observations, service_state};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// What went wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("cannot migrate the database: {0}")]
    Migration(String),
    #[error(
        "dataset {id:?} already exists (imported {imported_at}); import it under another id, \
         import a new release with a vintage of its own, or replace it explicitly"
    )]
    DatasetExists { id: String, imported_at: String },
    #[error(
        "vintage {vintage:?} of dataset {id:?} already exists (imported {imported_at}); replace it \
         explicitly, or import the release under another vintage"
    )]
    VintageExists {
        id: String,
        vintage: String,
        imported_at: String,
    },
    #[error("no dataset {0:?}")]
    DatasetNotFound(String),
    #[error("no vintage {vintage:?} of dataset {id:?}")]
    VintageNotFound { id: String, vintage: String },
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
}

impl StoreError {
    /// True when the database could not be reached (as opposed to refusing
    /// the request): the caller may retry later.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        matches!(
            self,
            StoreError::Unavailable(_)
                | StoreError::Query(
                    Error::DatabaseError(
                        DatabaseErrorKind::ClosedConnection
                            | DatabaseErrorKind::UnableToSendCommand,
                        _,
                    ) | Error::BrokenTransactionManager,
                )
        )
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// What to do when the dataset id is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    /// Add the import as a new vintage when it is a release of its own (see
    /// [`NewDataset::vintage_is_release`]) that the dataset does not have;
    /// refuse otherwise.
    Refuse,
    /// Replace the dataset: all its vintages give way to this one.
    Replace,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub dataset_id: String,
    pub vintage: String,
    pub rows: usize,
    pub replaced: bool,
    /// The other vintages the dataset keeps beside this one.
    pub vintages_kept: usize,
    pub checksum: String,
}

#[derive(Debug, Insertable, Queryable, Selectable)]
#[diesel(table_name = observations)]
struct ObservationRow {
    dataset_id: String,
    vintage: String,
    measure: String,
    group_id: String,
    partner: String,
    year: i32,
    /// 1..=12, or 0 for the whole year.
    month: i32,
    value_usd: i64,
    status: String,
    rounding_usd: Option<i64>,
    formula: Option<String>,
    inputs: Option<String>,
    section: String,
    quote: String,
}

#[derive(Debug, Insertable, Queryable, Selectable)]
#[diesel(table_name = dataset_vintages)]
struct VintageRow {
    dataset_id: String,
    vintage: String,
    title: String,
    publisher: String,
    citation: String,
    source_url: Option<String>,
    notes: String,
    quality_notes: String,
    source_format: String,
    imported_at: String,
    row_count: i64,
    checksum: String,
    last_period: Option<String>,
    published_on: Option<String>,
}

impl ObservationRow {
    fn from_observation(dataset_id: &str, vintage: &str, o: &Observation) -> ObservationRow {
        let d = o.provenance.derivation.as_ref();
        ObservationRow {
            dataset_id: dataset_id.to_owned(),
            vintage: vintage.to_owned(),
            measure: o.key.measure.as_str().to_owned(),
            group_id: o.key.group.as_str().to_owned(),
            partner: o.key.partner.as_str().to_owned(),
            year: i32::from(o.key.period.year().get()),
            month: i32::from(o.key.period.month().unwrap_or(0)),
            value_usd: o.value_usd,
            status: o.provenance.status.as_str().to_owned(),
            rounding_usd: o.provenance.rounding_usd,
            formula: d.map(|d| d.formula.clone()),
            inputs: d.map(|d| d.inputs.join(";")),
            section: o.provenance.citation.section.clone(),
            quote: o.provenance.citation.quote.clone(),
        }
    }

    fn into_observation(self) -> Result<Observation, StoreError> {
        let bad = |e: atp_core::InvalidValue| {
            StoreError::Corrupt(format!("dataset {}: {e}", self.dataset_id))
        };
        let year = u16::try_from(self.year)
            .map_err(|_| StoreError::Corrupt(format!("year {}", self.year)))?;
        let year = Year::new(year).map_err(bad)?;
        let period = match self.month {
            0 => Period::annual(year),
            m => u8::try_from(m)
                .ok()
                .and_then(|m| Period::monthly(year, m).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("month {m}")))?,
        };
        let partner = PartnerCode::try_from(self.partner.as_str())
            .or_else(|e| PartnerCode::parse_shape(&self.partner).ok_or(e))
            .map_err(bad)?;
        let key = SeriesKey {
            measure: Measure::try_from(self.measure.as_str()).map_err(bad)?,
            group: GroupId::try_from(self.group_id.as_str()).map_err(bad)?,
            partner,
            period,
        };
        let derivation = self.formula.map(|formula| Derivation {
            formula,
            inputs: self
                .inputs
                .unwrap_or_default()
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        });
        Ok(Observation {
            key,
            value_usd: self.value_usd,
            provenance: Provenance {
                status: Status::try_from(self.status.as_str()).map_err(bad)?,
                rounding_usd: self.rounding_usd,
                derivation,
                citation: Citation {
                    section: self.section,
                    quote: self.quote,
                },
            },
        })
    }
}

impl VintageRow {
    fn into_stored(self) -> StoredDataset {
        let list =
            |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_else(|_| vec![s.to_owned()]);
        StoredDataset {
            info: DatasetInfo {
                id: self.dataset_id,
                title: self.title,
                publisher: self.publisher,
                citation: self.citation,
                source_url: self.source_url,
                vintage: self.vintage,
                notes: list(&self.notes),
            },
            quality_notes: list(&self.quality_notes),
            source_format: self.source_format,
            imported_at: self.imported_at,
            row_count: self.row_count,
            checksum: self.checksum,
            last_period: self
                .last_period
                .as_deref()
                .and_then(|p| Period::try_from(p).ok()),
            published_on: self.published_on,
        }
    }
}

fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Rows per INSERT statement: well under SQLite's 32,766 and PostgreSQL's
/// 65,535 bound parameters (14 per row).
const INSERT_CHUNK: usize = 2_000;

/// The database: a pool of connections of one backend.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    url: DatabaseUrl,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.url)
    }
}

impl Store {
    /// Connects with the default timeouts, and brings the schema up to date.
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> Result<Store, StoreError> {
        Store::open_with(url, pool_size, Timeouts::default())
    }

    /// Connects, and brings the schema up to date.
    pub fn open_with(
        url: &DatabaseUrl,
        pool_size: u32,
        timeouts: Timeouts,
    ) -> Result<Store, StoreError> {
        let pool =
            connection::build_pool(url, pool_size, timeouts).map_err(StoreError::Unavailable)?;
        let store = Store {
            pool,
            url: url.clone(),
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    fn conn(
        &self,
    ) -> Result<diesel::r2d2::PooledConnection<connection::ConnectionManager>, StoreError> {
        Ok(self.pool.get()?)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        match &mut *conn {
            AnyConnection::Sqlite(c) => c.run_pending_migrations(MIGRATIONS).map(|_| ()),
            AnyConnection::Postgresql(c) => {
                // Replicas starting together must not migrate twice at once.
                diesel::sql_query("SELECT pg_advisory_lock(727203)").execute(c)?;
                let r = c.run_pending_migrations(MIGRATIONS).map(|_| ());
                diesel::sql_query("SELECT pg_advisory_unlock(727203)").execute(c)?;
                r
            }
        }
        .map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Whether the database answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }

    /// Stores a checked dataset in one transaction: the one write path of
    /// `atp import`, `atp fetch` and `POST /v1/datasets`.
    pub fn import(
        &self,
        dataset: &NewDataset,
        on_existing: OnExisting,
    ) -> Result<ImportSummary, StoreError> {
        let mut conn = self.conn()?;
        conn.transaction(|conn| write_dataset(conn, dataset, on_existing))
    }

    /// Stores several checked datasets (or vintages of one) in one
    /// transaction: all of them or none.
    pub fn import_all(
        &self,
        datasets: &[NewDataset],
        on_existing: OnExisting,
    ) -> Result<Vec<ImportSummary>, StoreError> {
        let mut conn = self.conn()?;
        conn.transaction(|conn| {
            let mut out = Vec::with_capacity(datasets.len());
            for (i, d) in datasets.iter().enumerate() {
                // Replacing means replacing what was there before this
                // import, not the vintages it has just written.
                let mode = if i > 0 && datasets[..i].iter().any(|e| e.info.id == d.info.id) {
                    OnExisting::Refuse
                } else {
                    on_existing
                };
                out.push(write_dataset(conn, d, mode)?);
            }
            Ok(out)
        })
    }

    /// Connections open and idle in the pool.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Deletes a dataset (every vintage) and its observations; false if
    /// there was none.
    pub fn delete_dataset(&self, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        conn.transaction(|conn| {
            diesel::delete(observations::table.filter(observations::dataset_id.eq(id)))
                .execute(conn)?;
            let n =
                diesel::delete(dataset_vintages::table.filter(dataset_vintages::dataset_id.eq(id)))
                    .execute(conn)?;
            if n > 0 {
                bump_data_version(conn)?;
            }
            Ok(n > 0)
        })
    }

    /// Deletes one vintage of a dataset and its observations; false if there
    /// was none.
    pub fn delete_vintage(&self, id: &str, vintage: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        conn.transaction(|conn| {
            diesel::delete(
                observations::table
                    .filter(observations::dataset_id.eq(id))
                    .filter(observations::vintage.eq(vintage)),
            )
            .execute(conn)?;
            let n = diesel::delete(
                dataset_vintages::table
                    .filter(dataset_vintages::dataset_id.eq(id))
                    .filter(dataset_vintages::vintage.eq(vintage)),
            )
            .execute(conn)?;
            if n > 0 {
                bump_data_version(conn)?;
            }
            Ok(n > 0)
        })
    }

    /// Every vintage of every dataset, by dataset id and vintage.
    pub fn datasets(&self) -> Result<Vec<StoredDataset>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<VintageRow> = dataset_vintages::table
            .order((
                dataset_vintages::dataset_id.asc(),
                dataset_vintages::vintage.asc(),
            ))
            .select(VintageRow::as_select())
            .load(&mut *conn)?;
        Ok(rows.into_iter().map(VintageRow::into_stored).collect())
    }

    fn vintage_exists(
        conn: &mut AnyConnection,
        dataset_id: &str,
        vintage: &str,
    ) -> Result<(), StoreError> {
        let exists: i64 = dataset_vintages::table
            .filter(dataset_vintages::dataset_id.eq(dataset_id))
            .filter(dataset_vintages::vintage.eq(vintage))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(StoreError::VintageNotFound {
                id: dataset_id.to_owned(),
                vintage: vintage.to_owned(),
            });
        }
        Ok(())
    }

    /// One vintage's observations, given to `each` one at a time as they
    /// are read (so a large dataset is never held twice); returns how many.
    pub fn each_observation(
        &self,
        dataset_id: &str,
        vintage: &str,
        mut each: impl FnMut(Observation),
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        Store::vintage_exists(&mut conn, dataset_id, vintage)?;
        let mut n = 0;
        for row in observations::table
            .filter(observations::dataset_id.eq(dataset_id))
            .filter(observations::vintage.eq(vintage))
            .select(ObservationRow::as_select())
            .load_iter::<ObservationRow, diesel::connection::DefaultLoadingMode>(&mut *conn)?
        {
            each(row?.into_observation()?);
            n += 1;
        }
        Ok(n)
    }

    /// One vintage's observations, ordered by key.
    pub fn observations(
        &self,
        dataset_id: &str,
        vintage: &str,
    ) -> Result<Vec<Observation>, StoreError> {
        let mut conn = self.conn()?;
        Store::vintage_exists(&mut conn, dataset_id, vintage)?;
        let rows: i64 = observations::table
            .filter(observations::dataset_id.eq(dataset_id))
            .filter(observations::vintage.eq(vintage))
            .count()
            .get_result(&mut *conn)?;
        // Row by row, not all rows at once: the strings of a fully loaded
        // result set would be freed around the ones kept and leave the heap
        // fragmented (measured: 104 MB resident for 168,000 rows, against
        // 64 MB this way).
        let mut out = Vec::with_capacity(usize::try_from(rows).unwrap_or(0));
        for row in observations::table
            .filter(observations::dataset_id.eq(dataset_id))
            .filter(observations::vintage.eq(vintage))
            .select(ObservationRow::as_select())
            .load_iter::<ObservationRow, diesel::connection::DefaultLoadingMode>(&mut *conn)?
        {
            out.push(row?.into_observation()?);
        }
        out.sort_by_key(|o| o.key);
        Ok(out)
    }

    /// The observations of a dataset's vintage imported last, ordered by key.
    pub fn latest_observations(&self, dataset_id: &str) -> Result<Vec<Observation>, StoreError> {
        let latest = self
            .datasets()?
            .into_iter()
            .filter(|d| d.info.id == dataset_id)
            .max_by(|a, b| a.imported_at.cmp(&b.imported_at))
            .ok_or_else(|| StoreError::DatasetNotFound(dataset_id.to_owned()))?;
        self.observations(dataset_id, &latest.info.vintage)
    }

    /// The number of observations stored, in all datasets.
    pub fn observation_count(&self) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        Ok(observations::table.count().get_result(&mut *conn)?)
    }

    /// Partners stored by imports beyond the built-in table.
    pub fn extra_partners(&self) -> Result<Vec<ExtraPartner>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(String, String, String, Option<String>)> = extra_partners::table
            .order(extra_partners::code.asc())
            .select((
                extra_partners::code,
                extra_partners::name_en,
                extra_partners::kind,
                extra_partners::census_code,
            ))
            .load(&mut *conn)?;
        rows.into_iter()
            .map(|(code, name_en, kind, census_code)| {
                let code = PartnerCode::parse_shape(&code)
                    .ok_or_else(|| StoreError::Corrupt(format!("partner code {code:?}")))?;
                let kind = PartnerKind::from_name(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("partner kind {kind:?}")))?;
                Ok(ExtraPartner {
                    code,
                    name_en,
                    kind,
                    census_code,
                })
            })
            .collect()
    }

    /// A number that grows with every committed import or deletion.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        Ok(service_state::table
            .filter(service_state::name.eq("data_version"))
            .select(service_state::value)
            .first(&mut *conn)?)
    }
}

fn bump_data_version(conn: &mut AnyConnection) -> Result<(), StoreError> {
    diesel::update(service_state::table.filter(service_state::name.eq("data_version")))
        .set(service_state::value.eq(service_state::value + 1))
        .execute(conn)?;
    Ok(())
}

fn write_dataset(
    conn: &mut AnyConnection,
    dataset: &NewDataset,
    on_existing: OnExisting,
) -> Result<ImportSummary, StoreError> {
    let info = &dataset.info;
    let obs = dataset.observations.as_slice();
    let existing: Vec<(String, String)> = dataset_vintages::table
        .filter(dataset_vintages::dataset_id.eq(&info.id))
        .select((dataset_vintages::vintage, dataset_vintages::imported_at))
        .load(conn)?;
    let same = existing.iter().find(|(v, _)| *v == info.vintage);
    let replaced = match (on_existing, same, existing.first()) {
        (OnExisting::Replace, _, Some(_)) => {
            diesel::delete(observations::table.filter(observations::dataset_id.eq(&info.id)))
                .execute(conn)?;
            diesel::delete(
                dataset_vintages::table.filter(dataset_vintages::dataset_id.eq(&info.id)),
            )
            .execute(conn)?;
            true
        }
        (OnExisting::Refuse, Some((vintage, imported_at)), _) => {
            return Err(StoreError::VintageExists {
                id: info.id.clone(),
                vintage: vintage.clone(),
                imported_at: imported_at.clone(),
            });
        }
        (OnExisting::Refuse, None, Some((_, imported_at))) if !dataset.vintage_is_release => {
            return Err(StoreError::DatasetExists {
                id: info.id.clone(),
                imported_at: imported_at.clone(),
            });
        }
        _ => false,
    };
    let vintages_kept = if replaced { 0 } else { existing.len() };
    let sum = dataset.checksum.clone();
    let to_json = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned());
    let row = VintageRow {
        dataset_id: info.id.clone(),
        vintage: info.vintage.clone(),
        title: info.title.clone(),
        publisher: info.publisher.clone(),
        citation: info.citation.clone(),
        source_url: info.source_url.clone(),
        notes: to_json(&info.notes),
        quality_notes: to_json(&dataset.quality_notes),
        source_format: dataset.format.as_str().to_owned(),
        imported_at: now_rfc3339(),
        row_count: obs.len() as i64,
        checksum: sum.clone(),
        last_period: dataset.last_period.map(|p| p.to_string()),
        published_on: dataset.published_on.clone(),
    };
    diesel::insert_into(dataset_vintages::table)
        .values(&row)
        .execute(conn)?;
    for p in &dataset.extra_partners {
        let known: i64 = extra_partners::table
            .filter(extra_partners::code.eq(p.code.as_str()))
            .count()
            .get_result(conn)?;
        if known == 0 {
            diesel::insert_into(extra_partners::table)
                .values((
                    extra_partners::code.eq(p.code.as_str()),
                    extra_partners::name_en.eq(&p.name_en),
                    extra_partners::kind.eq(p.kind.as_str()),
                    extra_partners::census_code.eq(&p.census_code),
                ))
                .execute(conn)?;
        }
    }
    let mut written = 0;
    for chunk in obs.chunks(INSERT_CHUNK) {
        if written > 0 {
            tracing::debug!(dataset = %info.id, written, total = obs.len(), "rows written, not yet committed");
        }
        written += chunk.len();
        let rows: Vec<ObservationRow> = chunk
            .iter()
            .map(|o| ObservationRow::from_observation(&info.id, &info.vintage, o))
            .collect();
        // Multi-row INSERT does not compile through the multi-connection:
        // run it on the inner connection.
        match conn {
            AnyConnection::Sqlite(c) => diesel::insert_into(observations::table)
                .values(&rows)
                .execute(c)?,
            AnyConnection::Postgresql(c) => diesel::insert_into(observations::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    bump_data_version(conn)?;
    Ok(ImportSummary {
        dataset_id: info.id.clone(),
        vintage: info.vintage.clone(),
        rows: obs.len(),
        replaced,
        vintages_kept,
        checksum: sum,
    })
}
