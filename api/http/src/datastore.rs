//! What the HTTP layer needs of the service's storage, and nothing more. The
//! binary provides it (over `atp-store` and `atp-ingest`, with the one import
//! service the command line uses too); tests may provide their own. So this
//! crate knows neither diesel nor the importers.

use std::fmt;

use atp_query::ReadModel;

/// The storage behind the API.
pub trait DataStore: Send + Sync + 'static {
    /// `sqlite` or `postgres`, as `/readyz` reports it.
    fn backend(&self) -> &'static str;
    /// The data version in storage: it grows with every committed write.
    fn data_version(&self) -> Result<i64, Unavailable>;
    /// Everything committed, as a read model.
    fn load(&self, default_dataset: Option<&str>) -> Result<ReadModel, Unavailable>;
    /// Connections open and idle.
    fn pool_state(&self) -> (u32, u32);
    /// Imports an uploaded file as one dataset, all or nothing.
    fn import(&self, upload: Upload) -> Result<ImportSummary, WriteError>;
    /// Deletes a dataset (every vintage, or the one named); false if there
    /// was none.
    fn delete(&self, id: &str, vintage: Option<&str>) -> Result<bool, WriteError>;
}

/// One uploaded file and what to do with it.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name errors give the file (`upload` unless the client named it).
    pub file_name: String,
    pub body: Vec<u8>,
    /// The dataset id to store under, if the client gave one.
    pub dataset: Option<String>,
    /// Replace the dataset if it exists (otherwise refuse, unless the file
    /// is a new release of it: then it is added as a vintage).
    pub replace: bool,
    /// The vintage to store the file as (default: the file's own, as a
    /// country.xlsx's last month or a description's vintage).
    pub vintage: Option<String>,
    /// When the source published this release (`YYYY-MM-DD`).
    pub published_on: Option<String>,
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
}

/// The storage could not be reached (reads are then served from the last
/// loaded data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct Unavailable(pub String);

/// A refused upload: the file, row, field and value at fault, and what was
/// expected. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadProblem {
    pub file: String,
    pub row: Option<u64>,
    pub field: Option<String>,
    pub value: Option<String>,
    pub expected: String,
}

impl fmt::Display for UploadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        if let Some(value) = &self.value {
            write!(f, ", value {value:?}")?;
        }
        write!(f, ": {}", self.expected)
    }
}

/// Why a write did not happen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// The upload was refused.
    #[error("{0}")]
    Invalid(UploadProblem),
    /// The write conflicts with what is stored: the dataset exists (and
    /// `replace` was not asked for), or it may not be removed.
    #[error("{0}")]
    Conflict(String),
    /// The storage could not be reached.
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
    /// Anything else: a bug or a broken database; logged, not shown.
    #[error("{0}")]
    Internal(String),
}
