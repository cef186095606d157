//! The one error type of the HTTP layer and its one mapping to
//! `application/problem+json` (RFC 9457).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
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
    /// The service cannot answer now (no data loaded, database down).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug: the details go to the log, not to the client.
    #[error("internal error")]
    Internal(String),
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
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } => "Invalid parameter",
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
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
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (parameter, value, allowed, detail) = match self {
            ApiError::InvalidParameter {
                parameter,
                value,
                allowed,
                ..
            } => (
                Some(parameter.clone()),
                Some(value.clone()),
                (!allowed.is_empty()).then(|| allowed.clone()),
                self.to_string(),
            ),
            ApiError::NotFound { detail, id, .. } => (None, Some(id.clone()), None, detail.clone()),
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
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        response.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        if let ApiError::MethodNotAllowed { allow, .. } = self
            && let Ok(allow) = HeaderValue::from_str(allow)
        {
            response.insert_header((header::ALLOW, allow));
        }
        response.body(serde_json::to_vec(&problem).unwrap_or_default())
    }
}
