//! Protected writes: upload a dataset, delete one. Enabled only when a write
//! token is configured; the token is compared in constant time.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use futures_util::StreamExt as _;
use subtle::ConstantTimeEq as _;

use super::AppState;
use super::datastore::Upload;
use super::error::{ApiError, Problem};
use super::handlers::NoQuery;
use super::params::{FromQuery, RawQuery};
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

/// Reads the body up to the configured limit (413 beyond it).
async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
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

query_params! {
    /// Parameters of an upload.
    pub struct UploadQuery {
        /// The dataset id to store under (lower-case letters, digits, `-`, `_`,
        /// `.`); optional when the CSV rows name it.
        #[example = "census-hitech-2024"]
        dataset: Option<String>,
        /// Replace the dataset if it exists (otherwise 409).
        #[example = false]
        replace: Option<bool>,
        /// A name for the upload in error messages (default: `upload`).
        #[example = "imports-2024.json"]
        filename: Option<String>,
    }
}

/// Upload a dataset
///
/// The body is one file, as `atp import` reads it: a tidy CSV file
/// (`text/csv`), a Census International Trade API `hitech` response or a
/// dataset description (`application/json`); the format is detected from the
/// content. All or nothing: a refused file writes nothing, and the error
/// names the row, the field, the value and what was expected. Needs the
/// write token.
#[utoipa::path(
    tag = "writes",
    operation_id = "create_dataset",
    params(UploadQuery),
    request_body(description = "The file", content((String = "text/csv"), (String = "application/json"))),
    security(("write_token" = [])),
    responses(
        (status = 201, description = "Imported", body = Single<DatasetRecord>),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong token, or writes disabled", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The dataset exists (use replace=true)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file was refused; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
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
    let body = read_body(&req, payload, state.settings.max_upload_bytes).await?;
    let Some(store) = state.store.clone() else {
        return Err(ApiError::Unavailable("no database".to_owned()));
    };
    let upload = Upload {
        file_name: q.filename.unwrap_or_else(|| "upload".to_owned()),
        body,
        dataset: q.dataset,
        replace: q.replace.unwrap_or(false),
    };
    let summary = web::block(move || store.import(upload))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
    tracing::info!(dataset = %summary.dataset_id, rows = summary.rows, replaced = summary.replaced, "imported through the API");
    super::server::refresh(&state).await;
    let model = state.model.load();
    let ds = model.dataset(&summary.dataset_id).ok_or_else(|| {
        ApiError::Internal(format!(
            "dataset {} not loaded after import",
            summary.dataset_id
        ))
    })?;
    let rendered = super::respond::render_single(
        DatasetRecord::new(ds),
        super::respond::Meta {
            dataset: Some(summary.dataset_id.clone()),
            units: "USD",
            data_version: model.version,
            query: Default::default(),
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
/// Removes the dataset and all its observations. Needs the write token.
#[utoipa::path(
    tag = "writes",
    operation_id = "delete_dataset",
    params(("id" = String, Path, description = "Dataset id", example = "census-hitech-2024")),
    security(("write_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong token, or writes disabled", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/datasets/{id}")]
pub async fn delete_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&req, &state)?;
    RawQuery::parse(req.query_string(), NoQuery::NAMES)?;
    let Some(store) = state.store.clone() else {
        return Err(ApiError::Unavailable("no database".to_owned()));
    };
    let id = id.into_inner();
    let deleted = {
        let id = id.clone();
        web::block(move || store.delete(&id))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))??
    };
    if !deleted {
        return Err(ApiError::no_dataset(&id));
    }
    tracing::info!(dataset = %id, "deleted through the API");
    super::server::refresh(&state).await;
    Ok(HttpResponse::NoContent().finish())
}
