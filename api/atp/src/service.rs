//! The one import service, and the storage the HTTP layer sees: files are
//! read and checked by `atp-ingest`, stored in one transaction by
//! `atp-store`, and the read model is built for `atp-query` from what is
//! stored and the built-in datasets. `atp import`, `atp fetch` and
//! `POST /v1/datasets` all import through [`Service::import_files`].

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::SystemTime;

use atp_http::{DataStore, ImportSummary, Unavailable, Upload, UploadProblem, WriteError};
use atp_ingest::IngestError;
use atp_query::{DatasetBuilder, ReadModel};
use atp_store::{OnExisting, Store, StoreError};

use crate::builtin::{self, BuiltinError, Builtins};

/// Why an import did not happen. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file was refused.
    #[error(transparent)]
    Invalid(#[from] IngestError),
    /// Storage refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The import would replace what is built in.
    #[error("{0}")]
    BuiltIn(String),
    /// The built-in data could not be read (a broken build).
    #[error(transparent)]
    Builtin(#[from] BuiltinError),
}

/// The built-in datasets: read once, on a thread started before the
/// database is opened.
#[derive(Debug)]
pub struct BuiltinSlot {
    loading: Mutex<Option<JoinHandle<Result<Builtins, BuiltinError>>>>,
    loaded: OnceLock<Result<Builtins, String>>,
}

impl BuiltinSlot {
    /// Starts reading the built-in data.
    pub fn start() -> BuiltinSlot {
        let started = builtin::now();
        let handle = std::thread::Builder::new()
            .name("builtin-data".to_owned())
            .spawn(move || builtin::load(&started))
            .ok();
        BuiltinSlot {
            loading: Mutex::new(handle),
            loaded: OnceLock::new(),
        }
    }

    fn get(&self) -> Result<&Builtins, String> {
        self.loaded
            .get_or_init(|| {
                let handle = self.loading.lock().ok().and_then(|mut h| h.take());
                match handle {
                    Some(h) => match h.join() {
                        Ok(r) => r.map_err(|e| e.to_string()),
                        Err(_) => Err("the built-in data thread panicked".to_owned()),
                    },
                    None => builtin::load(&builtin::now()).map_err(|e| e.to_string()),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The service's storage: a store, the built-in datasets, and what is
/// built over them.
#[derive(Debug, Clone)]
pub struct Service {
    store: Store,
    builtins: Arc<BuiltinSlot>,
}

/// How one import stores its files.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    /// The dataset id to store under.
    pub dataset: Option<&'a str>,
    /// Replace the dataset (every stored vintage).
    pub replace: bool,
    /// The vintage to store as (default: the files' own).
    pub vintage: Option<&'a str>,
    /// When the source published the release (`YYYY-MM-DD`).
    pub published_on: Option<&'a str>,
}

impl Service {
    /// A service over a store; the built-in datasets start loading now.
    pub fn new(store: Store) -> Service {
        Service::with_builtins(store, BuiltinSlot::start())
    }

    /// A service over a store and built-in data already loading.
    pub fn with_builtins(store: Store, builtins: BuiltinSlot) -> Service {
        Service {
            store,
            builtins: Arc::new(builtins),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The built-in datasets (waits for them on first use).
    pub fn builtins(&self) -> Result<&Builtins, StoreError> {
        self.builtins.get().map_err(StoreError::Corrupt)
    }

    /// Reads, checks and stores files, all or nothing: one dataset, or, for
    /// several `country.xlsx` workbooks, one vintage of it each.
    pub fn import_files(
        &self,
        files: &[(String, Vec<u8>)],
        dataset: Option<&str>,
        replace: bool,
    ) -> Result<atp_store::ImportSummary, ImportError> {
        self.import_with(
            files,
            &ImportOptions {
                dataset,
                replace,
                ..ImportOptions::default()
            },
        )
    }

    /// [`Service::import_files`] with every option.
    pub fn import_with(
        &self,
        files: &[(String, Vec<u8>)],
        options: &ImportOptions<'_>,
    ) -> Result<atp_store::ImportSummary, ImportError> {
        let retrieved = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let workbooks = files
            .iter()
            .filter(|(_, b)| atp_ingest::census::country::is_workbook(b))
            .count();
        let groups: Vec<&[(String, Vec<u8>)]> = if workbooks > 1 && workbooks == files.len() {
            if options.vintage.is_some() {
                return Err(ImportError::Invalid(IngestError::file(
                    &files[0].0,
                    "one vintage for several workbooks: give --vintage with one file (each \
                     workbook is its own vintage)",
                )));
            }
            files.chunks(1).collect()
        } else {
            vec![files]
        };
        let mut prepared = Vec::with_capacity(groups.len());
        for group in groups {
            let mut p = atp_ingest::prepare(group, options.dataset, &retrieved)?;
            if let Some(v) = options.vintage {
                atp_ingest::text::check_text("(command line)", 0, "vintage", v)?;
                p.info.vintage = v.to_owned();
                p = p.as_release();
            }
            if let Some(date) = options.published_on {
                atp_core::catalog::check_date("published_on", date).map_err(|e| {
                    IngestError::field("(command line)", 0, "published_on", date, e.expected)
                })?;
                p.published_on = Some(date.to_owned());
            }
            self.check_not_builtin(&p)?;
            for note in &p.quality_notes {
                tracing::warn!(dataset = %p.info.id, "{note}");
            }
            prepared.push(p);
        }
        let on_existing = if options.replace {
            OnExisting::Replace
        } else {
            OnExisting::Refuse
        };
        let summaries = self.store.import_all(&prepared, on_existing)?;
        for summary in &summaries {
            tracing::info!(
                dataset = %summary.dataset_id,
                vintage = %summary.vintage,
                rows = summary.rows,
                replaced = summary.replaced,
                vintages_kept = summary.vintages_kept,
                checksum = %summary.checksum,
                "imported"
            );
        }
        summaries
            .into_iter()
            .last()
            .ok_or_else(|| ImportError::Invalid(IngestError::file("(command line)", "no file")))
    }

    /// Refuses an import that would stand beside a built-in dataset's
    /// built-in vintage under the same name.
    fn check_not_builtin(&self, p: &atp_core::NewDataset) -> Result<(), ImportError> {
        let id = p.info.id.as_str();
        if Builtins::is_closed(id) {
            return Err(ImportError::BuiltIn(format!(
                "dataset {id:?} is built into the service; import under another id"
            )));
        }
        let builtins = self.builtins()?;
        if builtins.vintage_of(id) == Some(p.info.vintage.as_str()) {
            return Err(ImportError::BuiltIn(format!(
                "vintage {:?} of dataset {id:?} is built into the service; import another \
                 vintage (an older or newer release) beside it",
                p.info.vintage
            )));
        }
        Ok(())
    }

    /// Every committed dataset and every built-in one as a read model.
    pub fn load_model(&self, default_dataset: Option<&str>) -> Result<ReadModel, StoreError> {
        let version = self.store.data_version()?;
        let builtins = self.builtins()?;
        let mut views = builtins.views.clone();
        for stored in self.store.datasets()? {
            let id = stored.info.id.clone();
            let vintage = stored.info.vintage.clone();
            let mut builder = DatasetBuilder::new(stored);
            self.store
                .each_observation(&id, &vintage, |o| builder.push(o))?;
            views.push(Arc::new(builder.finish()));
        }
        let mut extra = builtins.extra_partners.clone();
        extra.extend(self.store.extra_partners()?);
        Ok(ReadModel::with_views(
            version,
            views,
            &extra,
            default_dataset,
        ))
    }
}

fn unavailable(e: StoreError) -> Unavailable {
    Unavailable(e.to_string())
}

fn write_error(e: StoreError) -> WriteError {
    if e.is_unavailable() {
        return WriteError::Unavailable(unavailable(e));
    }
    match e {
        StoreError::DatasetExists { .. } | StoreError::VintageExists { .. } => {
            WriteError::Conflict(e.to_string())
        }
        other => WriteError::Internal(other.to_string()),
    }
}

fn upload_problem(e: IngestError) -> UploadProblem {
    UploadProblem {
        file: e.file,
        row: e.row,
        field: e.field,
        value: e.value,
        expected: e.expected,
    }
}

impl DataStore for Service {
    fn backend(&self) -> &'static str {
        self.store.backend().as_str()
    }

    fn data_version(&self) -> Result<i64, Unavailable> {
        self.store.data_version().map_err(unavailable)
    }

    fn load(&self, default_dataset: Option<&str>) -> Result<ReadModel, Unavailable> {
        self.load_model(default_dataset).map_err(unavailable)
    }

    fn pool_state(&self) -> (u32, u32) {
        self.store.pool_state()
    }

    fn import(&self, upload: Upload) -> Result<ImportSummary, WriteError> {
        let files = [(upload.file_name, upload.body)];
        let options = ImportOptions {
            dataset: upload.dataset.as_deref(),
            replace: upload.replace,
            vintage: upload.vintage.as_deref(),
            published_on: upload.published_on.as_deref(),
        };
        match self.import_with(&files, &options) {
            Ok(s) => Ok(ImportSummary {
                dataset_id: s.dataset_id,
                vintage: s.vintage,
                rows: s.rows,
                replaced: s.replaced,
                vintages_kept: s.vintages_kept,
            }),
            Err(ImportError::Invalid(e)) => Err(WriteError::Invalid(upload_problem(e))),
            Err(ImportError::Store(e)) => Err(write_error(e)),
            Err(ImportError::BuiltIn(e)) => Err(WriteError::Conflict(e)),
            Err(ImportError::Builtin(e)) => Err(WriteError::Internal(e.to_string())),
        }
    }

    fn delete(&self, id: &str, vintage: Option<&str>) -> Result<bool, WriteError> {
        let builtins = self
            .builtins()
            .map_err(|e| WriteError::Internal(e.to_string()))?;
        let builtin_vintage = builtins.vintage_of(id);
        let refuse = || {
            WriteError::Conflict(format!(
                "the built-in dataset {id:?} (vintage {}) is part of the service and cannot be \
                 deleted (it is served from the binary); import your own datasets beside it, and \
                 choose the default with `default_dataset`",
                builtin_vintage.unwrap_or("?")
            ))
        };
        match (builtin_vintage, vintage) {
            (Some(b), Some(v)) if b == v => Err(refuse()),
            (Some(_), None) if Builtins::is_closed(id) => Err(refuse()),
            (Some(_), None) => {
                // Only the stored vintages go; the built-in one stays.
                let deleted = self.store.delete_dataset(id).map_err(write_error)?;
                if deleted { Ok(true) } else { Err(refuse()) }
            }
            (_, Some(v)) => self.store.delete_vintage(id, v).map_err(write_error),
            (None, None) => self.store.delete_dataset(id).map_err(write_error),
        }
    }
}
