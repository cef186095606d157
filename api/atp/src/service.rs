//! The one import service, and the storage the HTTP layer sees: files are
//! read and checked by `atp-ingest`, stored in one transaction by
//! `atp-store`, and the read model is built for `atp-query`. `atp import`,
//! `atp fetch` and `POST /v1/datasets` all import through
//! [`Service::import_files`].

use std::time::SystemTime;

use atp_http::{DataStore, ImportSummary, Unavailable, Upload, UploadProblem, WriteError};
use atp_ingest::IngestError;
use atp_query::{DatasetBuilder, ReadModel};
use atp_store::{OnExisting, Store, StoreError};

/// Why an import did not happen. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file was refused.
    #[error(transparent)]
    Invalid(#[from] IngestError),
    /// Storage refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The service's storage: a store and what is built over it.
#[derive(Debug, Clone)]
pub struct Service {
    store: Store,
}

impl Service {
    pub fn new(store: Store) -> Service {
        Service { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Reads, checks and stores files as one dataset, all or nothing.
    pub fn import_files(
        &self,
        files: &[(String, Vec<u8>)],
        dataset: Option<&str>,
        replace: bool,
    ) -> Result<atp_store::ImportSummary, ImportError> {
        let retrieved = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let prepared = atp_ingest::prepare(files, dataset, &retrieved)?;
        for note in &prepared.quality_notes {
            tracing::warn!(dataset = %prepared.info.id, "{note}");
        }
        let on_existing = if replace {
            OnExisting::Replace
        } else {
            OnExisting::Refuse
        };
        let summary = self.store.import(&prepared, on_existing)?;
        tracing::info!(
            dataset = %summary.dataset_id,
            rows = summary.rows,
            replaced = summary.replaced,
            checksum = %summary.checksum,
            "imported"
        );
        Ok(summary)
    }

    /// Every committed dataset as a read model.
    pub fn load_model(&self, default_dataset: Option<&str>) -> Result<ReadModel, StoreError> {
        let version = self.store.data_version()?;
        let mut views = Vec::new();
        for stored in self.store.datasets()? {
            let id = stored.info.id.clone();
            let mut builder = DatasetBuilder::new(stored);
            self.store.each_observation(&id, |o| builder.push(o))?;
            views.push(builder.finish());
        }
        let extra = self.store.extra_partners()?;
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
        StoreError::DatasetExists { .. } => WriteError::Conflict(e.to_string()),
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
        match self.import_files(&files, upload.dataset.as_deref(), upload.replace) {
            Ok(s) => Ok(ImportSummary {
                dataset_id: s.dataset_id,
                rows: s.rows,
                replaced: s.replaced,
            }),
            Err(ImportError::Invalid(e)) => Err(WriteError::Invalid(upload_problem(e))),
            Err(ImportError::Store(e)) => Err(write_error(e)),
        }
    }

    fn delete(&self, id: &str) -> Result<bool, WriteError> {
        if id == atp_core::builtin::BRIEF_DATASET_ID {
            return Err(WriteError::Conflict(format!(
                "the built-in dataset {id:?} is part of the service and cannot be deleted \
                 (it would be loaded again at the next start); import your own datasets \
                 beside it, and choose the default with `default_dataset`"
            )));
        }
        self.store.delete_dataset(id).map_err(write_error)
    }
}
