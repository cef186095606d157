//! The one error type of the HTTP layer and its one mapping to
//! `application/problem+json` (RFC 9457).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use atp_core::error::echo;
use serde::Serialize;
use utoipa::ToSchema;

/// An error as the client sees it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// A query or path parameter is invalid.
    #[error("invalid {parameter} {value:?}: {expected}")]
    InvalidParameter {
        parameter: String,
        value: String,
        expected: String,
        allowed: Vec<String>,
    },
    /// No such resource.
    #[error("no {kind} {id:?}")]
    NotFound {
        kind: &'static str,
        id: String,
        detail: String,
    },
    /// No route.
    #[error("no such endpoint: {0}")]
    NoRoute(String),
    /// The method is not allowed on this path.
    #[error("method {method} not allowed")]
    MethodNotAllowed { method: String, allow: String },
    /// An uploaded file was refused; nothing was written.
    #[error("{0}")]
    InvalidUpload(crate::datastore::UploadProblem),
    /// A write without a bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// A write with a wrong token, or writes disabled.
    #[error("{0}")]
    Forbidden(String),
    /// The resource exists (a dataset imported twice without `replace`).
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than allowed.
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The request body did not arrive in time.
    #[error("{0}")]
    RequestTimeout(String),
    /// The query is valid but the data cannot answer it: a series too
    /// short for the forecast asked for (`have` consecutive values, `need`
    /// them), a model that cannot be fitted to it.
    #[error("{detail}")]
    Unprocessable {
        kind: UnprocessableKind,
        detail: String,
        have: Option<usize>,
        need: Option<usize>,
    },
    /// The server is busy with as much of this kind of work as it takes at
    /// once; try again after `retry_after` seconds.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// Too many requests from this client address.
    #[error("too many requests; retry in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// The service cannot answer now (no data loaded, database down).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug: the details go to the log, not to the client.
    #[error("internal error")]
    Internal(String),
}

/// What kind of data could not answer a valid query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnprocessableKind {
    /// Fewer values than the computation needs.
    SeriesTooShort,
    /// A model could not be fitted to the series.
    ModelFailed,
}

impl ApiError {
    pub fn invalid(parameter: &str, value: &str, expected: impl Into<String>) -> ApiError {
        ApiError::InvalidParameter {
            parameter: parameter.to_owned(),
            value: value.to_owned(),
            expected: expected.into(),
            allowed: Vec::new(),
        }
    }

    /// No dataset with this id.
    pub fn no_dataset(id: &str) -> ApiError {
        let id = echo(id);
        ApiError::NotFound {
            kind: "dataset",
            detail: format!("no dataset {id:?}; see /v1/datasets"),
            id,
        }
    }

    /// No partner with this code.
    pub fn no_partner(code: &str) -> ApiError {
        let code = echo(code);
        ApiError::NotFound {
            kind: "partner",
            detail: format!("no partner {code:?}; see /v1/partners"),
            id: code,
        }
    }

    /// From a domain parse error, under the name the client used.
    pub fn from_invalid(parameter: &str, e: atp_core::InvalidValue) -> ApiError {
        ApiError::InvalidParameter {
            parameter: parameter.to_owned(),
            value: e.value,
            expected: e.expected,
            allowed: e.allowed,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } => "invalid-parameter",
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::InvalidUpload(_) => "invalid-upload",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::RequestTimeout(_) => "request-timeout",
            ApiError::Unprocessable { kind, .. } => match kind {
                UnprocessableKind::SeriesTooShort => "series-too-short",
                UnprocessableKind::ModelFailed => "model-failed",
            },
            ApiError::Busy { .. } => "busy",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } => "Invalid parameter",
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::InvalidUpload(_) => "Invalid upload",
            ApiError::Unauthorized(_) => "Unauthorized",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::Conflict(_) => "Conflict",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::RequestTimeout(_) => "Request timeout",
            ApiError::Unprocessable { kind, .. } => match kind {
                UnprocessableKind::SeriesTooShort => "Series too short",
                UnprocessableKind::ModelFailed => "Model could not be fitted",
            },
            ApiError::Busy { .. } => "Service busy",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::Internal(_) => "Internal error",
        }
    }
}

/// A problem report (RFC 9457), with the offending parameter where there is one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[schema(example = "/problems/invalid-parameter")]
    pub r#type: String,
    #[schema(example = "Invalid parameter")]
    pub title: String,
    #[schema(example = 400)]
    pub status: u16,
    #[schema(example = "invalid year \"20x4\": expected a four-digit year from 1900 to 2100")]
    pub detail: String,
    /// The parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "year")]
    pub parameter: Option<String>,
    /// The value given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "20x4")]
    pub value: Option<String>,
    /// The values allowed, where they form a short list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// For a series too short: the consecutive values it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 1)]
    pub have: Option<usize>,
    /// For a series too short: the consecutive values the method needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 2)]
    pub need: Option<usize>,
    /// For a refused upload: the file (or upload) at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// For a refused upload: the field (column) at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a refused upload: the row or line at fault (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::InvalidUpload(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (parameter, value, allowed, detail) = match self {
            // Values are repeated at most MAX_ECHO_CHARS characters long: a
            // 60 KB bad value must not come back twice.
            ApiError::InvalidParameter {
                parameter,
                value,
                allowed,
                expected,
            } => {
                let (parameter, value) = (echo(parameter), echo(value));
                let detail = format!("invalid {parameter} {value:?}: {expected}");
                (
                    Some(parameter),
                    Some(value),
                    (!allowed.is_empty()).then(|| allowed.clone()),
                    detail,
                )
            }
            ApiError::NotFound { detail, id, .. } => (None, Some(id.clone()), None, detail.clone()),
            ApiError::InvalidUpload(e) => (None, e.value.clone(), None, self.to_string()),
            ApiError::Internal(cause) => {
                tracing::error!(error.cause = %cause, "internal error");
                (
                    None,
                    None,
                    None,
                    "the service failed to answer; the error is logged".to_owned(),
                )
            }
            _ => (None, None, None, self.to_string()),
        };
        let problem = Problem {
            r#type: format!("/problems/{}", self.slug()),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail,
            parameter,
            value,
            allowed,
            have: match self {
                ApiError::Unprocessable { have, .. } => *have,
                _ => None,
            },
            need: match self {
                ApiError::Unprocessable { need, .. } => *need,
                _ => None,
            },
            file: match self {
                ApiError::InvalidUpload(e) => Some(e.file.clone()),
                _ => None,
            },
            field: match self {
                ApiError::InvalidUpload(e) => e.field.clone(),
                _ => None,
            },
            row: match self {
                ApiError::InvalidUpload(e) => e.row,
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        response.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        match self {
            ApiError::Unauthorized(_) => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::TooManyRequests { retry_after } | ApiError::Busy { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after)));
            }
            _ => {}
        }
        if let ApiError::MethodNotAllowed { allow, .. } = self
            && let Ok(allow) = HeaderValue::from_str(allow)
        {
            response.insert_header((header::ALLOW, allow));
        }
        response.body(serde_json::to_vec(&problem).unwrap_or_default())
    }
}

/// A problem document for a status the service answers without an
/// `ApiError` of its own (a refused CORS preflight, an unknown file under
/// `/docs`, a body actix could not read): the observability middleware
/// turns every such error response into one, so that every error the
/// service answers is problem+json.
pub fn problem_for_status(status: StatusCode, detail: Option<&str>) -> Vec<u8> {
    let title = status.canonical_reason().unwrap_or("Error");
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let detail = detail
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(echo)
        .unwrap_or_else(|| title.to_lowercase());
    let problem = Problem {
        r#type: format!("/problems/{slug}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        parameter: None,
        value: None,
        allowed: None,
        have: None,
        need: None,
        file: None,
        field: None,
        row: None,
    };
    serde_json::to_vec(&problem).unwrap_or_default()
}

impl From<crate::datastore::Unavailable> for ApiError {
    fn from(_: crate::datastore::Unavailable) -> ApiError {
        ApiError::Unavailable(
            "the database is unreachable; reads are served from the last loaded data, \
             writes are refused until it returns"
                .to_owned(),
        )
    }
}

impl From<crate::datastore::WriteError> for ApiError {
    fn from(e: crate::datastore::WriteError) -> ApiError {
        use crate::datastore::WriteError;
        match e {
            WriteError::Invalid(problem) => ApiError::InvalidUpload(problem),
            WriteError::Conflict(message) => ApiError::Conflict(message),
            WriteError::Unavailable(u) => u.into(),
            WriteError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}
