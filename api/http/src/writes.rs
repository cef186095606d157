//! Protected writes: upload a dataset, delete one. Enabled only when a write
//! token is configured; the token is compared in constant time.

use std::sync::atomic::Ordering;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use futures_util::StreamExt as _;
use subtle::ConstantTimeEq as _;

use super::AppState;
use super::datastore::Upload;
use super::error::{ApiError, Problem};
use super::params::{DateArg, FromQuery, RawQuery};
use super::respond::Single;
use crate::query_params;
use crate::records::DatasetRecord;

/// Checks the bearer token: 401 without one, 403 with a wrong one or when
/// writes are disabled.
fn authorize(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    let Some(token) = state
        .settings
        .write_token
        .as_ref()
        .filter(|t| !t.is_empty())
    else {
        return Err(ApiError::Forbidden(
            "writes are disabled on this server (no write token is configured)".to_owned(),
        ));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "this operation needs `Authorization: Bearer <write token>`".to_owned(),
            )
        })?;
    if bool::from(given.as_bytes().ct_eq(token.expose().as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "the write token is not valid".to_owned(),
        ))
    }
}

/// The most of a declared `Content-Length` reserved before the bytes
/// arrive: the buffer grows with what is actually received.
const INITIAL_BODY_CAPACITY: usize = 1024 * 1024;

/// Reads the body up to the configured limit (413 beyond it), within the
/// upload timeouts (408 when the client sends too slowly).
async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    state: &AppState,
) -> Result<Vec<u8>, ApiError> {
    let limit = state.settings.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit).min(INITIAL_BODY_CAPACITY));
    let idle = state.settings.upload_idle_timeout;
    let total = state.settings.upload_timeout;
    let deadline = tokio::time::Instant::now() + total;
    loop {
        let wait = deadline
            .saturating_duration_since(tokio::time::Instant::now())
            .min(idle);
        let next = match tokio::time::timeout(wait, payload.next()).await {
            Ok(next) => next,
            Err(_) => {
                let why = if tokio::time::Instant::now() >= deadline {
                    format!(
                        "the body did not arrive within {} s ({} bytes received)",
                        total.as_secs(),
                        body.len()
                    )
                } else {
                    format!(
                        "no bytes of the body for {} s ({} bytes received)",
                        idle.as_secs(),
                        body.len()
                    )
                };
                return Err(ApiError::RequestTimeout(why));
            }
        };
        let Some(chunk) = next else { break };
        let chunk = chunk
            .map_err(|e| ApiError::invalid("body", "", format!("a readable request body ({e})")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(ApiError::invalid(
            "body",
            "",
            "a tidy CSV file, a Census API response (JSON) or a dataset description (JSON)",
        ));
    }
    Ok(body)
}

/// A file's bytes in the spec: `type: string, format: binary`, which client
/// generators read as a file to send as it is.
#[derive(Debug)]
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The file's bytes."))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

/// One of the uploads handled at once; released when dropped.
struct UploadSlot<'a>(&'a AppState);

impl<'a> UploadSlot<'a> {
    /// A slot, or 503 with `Retry-After` when all are taken.
    fn take(state: &'a AppState) -> Result<UploadSlot<'a>, ApiError> {
        let max = state.settings.max_concurrent_uploads.max(1);
        let taken = state
            .uploads
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            });
        match taken {
            Ok(_) => Ok(UploadSlot(state)),
            Err(_) => Err(ApiError::Busy {
                message: format!(
                    "{max} uploads are being handled, as many as the server takes at once; \
                     retry shortly"
                ),
                retry_after: 5,
            }),
        }
    }
}

impl Drop for UploadSlot<'_> {
    fn drop(&mut self) {
        self.0.uploads.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Refuses a write at once while the database is known to be unreachable.
fn database_reachable(state: &AppState) -> Result<(), ApiError> {
    if state.is_stale() {
        return Err(ApiError::Unavailable(
            "the database is unreachable; reads are served from the last loaded data, \
             writes are refused until it returns"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Runs a write on the blocking pool, answering 503 if the database does
/// not answer within `write_timeout` (the write then completes or rolls
/// back on its own when the database does).
async fn bounded_write<T: Send + 'static>(
    state: &AppState,
    write: impl FnOnce() -> Result<T, crate::datastore::WriteError> + Send + 'static,
) -> Result<T, ApiError> {
    let limit = state.settings.write_timeout;
    match tokio::time::timeout(limit, web::block(write)).await {
        Ok(done) => Ok(done.map_err(|e| ApiError::Internal(e.to_string()))??),
        Err(_) => Err(ApiError::Unavailable(format!(
            "the database did not answer within {} s; the write was not confirmed (it is \
             applied whole or not at all: see /v1/datasets for its outcome)",
            limit.as_secs()
        ))),
    }
}

query_params! {
    /// Parameters of an upload.
    pub struct UploadQuery {
        /// The dataset id to store under (lower-case letters, digits, `-`, `_`,
        /// `.`); optional when the CSV rows name it.
        #[example = "census-hitech-2024"]
        dataset: Option<String>,
        /// Replace the dataset, every vintage, if it exists. Without it, a
        /// file that is a new release of an existing dataset (a vintage it
        /// does not have) is added beside the others, and anything else is
        /// refused (409).
        #[example = false]
        replace: Option<bool>,
        /// A name for the upload in error messages (default: `upload`).
        #[example = "imports-2024.json"]
        filename: Option<String>,
        /// The vintage to store the file as (default: the file's own: a
        /// country.xlsx's last month, a description's vintage, a Census
        /// response's retrieval time). Naming one makes the file a release
        /// of its own.
        #[example = "2024-06"]
        vintage: Option<String>,
        /// When the source published this release (YYYY-MM-DD): what
        /// `as_of` compares (default: the import day).
        #[example = "2024-08-06"]
        published_on: Option<DateArg>,
    }
}

query_params! {
    /// Parameters of a deletion.
    pub struct DeleteQuery {
        /// Delete only this vintage (default: the whole dataset).
        #[example = "2019-10"]
        vintage: Option<String>,
    }
}

/// Upload a dataset
///
/// The body is one file, as `atp import` reads it: a tidy CSV file
/// (`text/csv`), a Census International Trade API `hitech` response or a
/// dataset description (`application/json`), or the Census `country.xlsx`
/// workbook; the format is detected from the content. A new release of an
/// existing dataset is added as a vintage beside the older ones. All or nothing: a refused file writes nothing, and the error
/// names the row, the field, the value and what was expected. Every line is
/// accounted for: a quote left open, a line break inside a field, a control
/// character, a text field over 4,096 bytes, or a value over 10^15 US
/// dollars in magnitude is refused. Needs the write token.
#[utoipa::path(
    tag = "writes",
    operation_id = "create_dataset",
    params(UploadQuery),
    request_body(description = "The file's bytes, as they are: a tidy CSV file, a Census API response (JSON), a dataset description (JSON) or a Census country.xlsx workbook; the format is told from the content, whatever the Content-Type", content((FileBytes = "application/octet-stream"))),
    security(("write_token" = [])),
    responses(
        (status = 201, description = "Imported", body = Single<DatasetRecord>),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong token, or writes disabled", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The dataset or the vintage exists (use replace=true, or name a new vintage)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within `upload_timeout` (or stalled for `upload_idle_timeout`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file was refused; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable or did not answer within `write_timeout`, or `max_concurrent_uploads` uploads are being handled (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/datasets")]
pub async fn create_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    authorize(&req, &state)?;
    let q = UploadQuery::from_query(&RawQuery::parse(req.query_string(), UploadQuery::NAMES)?)?;
    if let Some(id) = &q.dataset {
        atp_core::dataset::validate_dataset_id(id)
            .map_err(|e| ApiError::invalid("dataset", id, e))?;
    }
    let _slot = UploadSlot::take(&state)?;
    database_reachable(&state)?;
    let body = read_body(&req, payload, &state).await?;
    let Some(store) = state.store.clone() else {
        return Err(ApiError::Unavailable("no database".to_owned()));
    };
    let upload = Upload {
        file_name: q.filename.unwrap_or_else(|| "upload".to_owned()),
        body,
        dataset: q.dataset,
        replace: q.replace.unwrap_or(false),
        vintage: q.vintage,
        published_on: q.published_on.map(|d| d.0),
    };
    let summary = bounded_write(&state, move || store.import(upload)).await?;
    tracing::info!(dataset = %summary.dataset_id, rows = summary.rows, replaced = summary.replaced, "imported through the API");
    super::server::refresh(&state, state.settings.write_timeout).await;
    let model = state.model.load();
    let ds = model.vintages(&summary.dataset_id).ok_or_else(|| {
        ApiError::Unavailable(format!(
            "dataset {} was imported ({} rows) but is not served yet; see /v1/datasets/{} \
             shortly",
            summary.dataset_id, summary.rows, summary.dataset_id
        ))
    })?;
    let rendered = super::respond::render_single(
        DatasetRecord::new(ds),
        super::respond::Meta {
            dataset: Some(summary.dataset_id.clone()),
            vintage: Some(summary.vintage.clone()),
            units: "USD",
            frequency: None,
            transform: None,
            data_version: model.version,
            query: Default::default(),
            coverage: None,
            notice: None,
            notes: vec![if summary.vintages_kept > 0 {
                format!(
                    "vintage {} added; the dataset keeps its {} other vintage(s) (see \
                     /v1/datasets/{}/vintages)",
                    summary.vintage, summary.vintages_kept, summary.dataset_id
                )
            } else {
                format!("vintage {} imported", summary.vintage)
            }],
            links: None,
        },
    )?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/datasets/{}", summary.dataset_id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(rendered.content_type)
        .body(rendered.body))
}

/// Delete a dataset
///
/// Removes the dataset and all its observations, or with `vintage=` one
/// vintage. Needs the write token. A built-in dataset's built-in vintage
/// cannot be deleted (409): it is part of the service.
#[utoipa::path(
    tag = "writes",
    operation_id = "delete_dataset",
    params(("id" = String, Path, description = "Dataset id", example = "census-hitech-2024"), DeleteQuery),
    security(("write_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Bad parameter (an unknown one, or a bad vintage)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong token, or writes disabled", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A built-in dataset, which is part of the service, cannot be deleted", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable or did not answer within `write_timeout`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/datasets/{id}")]
pub async fn delete_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&req, &state)?;
    let q = DeleteQuery::from_query(&RawQuery::parse(req.query_string(), DeleteQuery::NAMES)?)?;
    let Some(store) = state.store.clone() else {
        return Err(ApiError::Unavailable("no database".to_owned()));
    };
    database_reachable(&state)?;
    let id = id.into_inner();
    let deleted = {
        let id = id.clone();
        let vintage = q.vintage.clone();
        bounded_write(&state, move || store.delete(&id, vintage.as_deref())).await?
    };
    if !deleted {
        return Err(match &q.vintage {
            Some(v) => ApiError::NotFound {
                kind: "vintage",
                id: format!("{id}/{v}"),
                detail: format!("dataset {id:?} has no vintage {v:?} stored"),
            },
            None => ApiError::no_dataset(&id),
        });
    }
    tracing::info!(dataset = %id, vintage = ?q.vintage, "deleted through the API");
    super::server::refresh(&state, state.settings.write_timeout).await;
    Ok(HttpResponse::NoContent().finish())
}
