//! The one error type of the HTTP layer and its one mapping to
//! `application/problem+json` (RFC 9457).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use atp_core::error::echo;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Language;

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
    /// A request body (JSON) is malformed or names something invalid; the
    /// pointer (RFC 6901) says where.
    #[error("invalid body at {pointer:?}: {expected}")]
    InvalidBody {
        pointer: String,
        value: Option<String>,
        expected: String,
        allowed: Vec<String>,
        /// 400 for a body that is not JSON, 422 for JSON that says
        /// something the service cannot do.
        malformed: bool,
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
    /// The Accept header names no representation the endpoint gives.
    #[error(
        "the Accept header {accept:?} names no representation this endpoint gives: {}",
        offered.join(", ")
    )]
    NotAcceptable {
        accept: String,
        offered: Vec<String>,
    },
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

    /// The problem document of this error, in `language` (the type,
    /// status and fields are the same in every language).
    pub fn problem(&self, language: Language) -> Problem {
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
            ApiError::InvalidBody {
                pointer,
                value,
                expected,
                allowed,
                ..
            } => {
                let value = value.as_deref().map(echo);
                let detail = match &value {
                    Some(v) => format!("invalid {pointer:?} {v:?}: {expected}"),
                    None => format!("invalid {pointer:?}: {expected}"),
                };
                (
                    None,
                    value,
                    (!allowed.is_empty()).then(|| allowed.clone()),
                    detail,
                )
            }
            ApiError::NotFound { detail, id, .. } => (None, Some(id.clone()), None, detail.clone()),
            ApiError::NotAcceptable { accept, offered } => (
                Some("Accept".to_owned()),
                Some(echo(accept)),
                Some(offered.clone()),
                format!(
                    "the Accept header {:?} names no representation this endpoint gives: {}",
                    echo(accept),
                    offered.join(", ")
                ),
            ),
            ApiError::InvalidUpload(e) => (None, e.value.clone(), None, self.to_string()),
            ApiError::Internal(_) => (
                None,
                None,
                None,
                "the service failed to answer; the error is logged".to_owned(),
            ),
            _ => (None, None, None, self.to_string()),
        };
        let (title, detail) = match language {
            Language::En => (self.title().to_owned(), detail),
            Language::Ko => (
                crate::i18n::title_ko(self).to_owned(),
                crate::i18n::detail_ko(self, parameter.as_deref(), value.as_deref()),
            ),
        };
        Problem {
            r#type: format!("/problems/{}", self.slug()),
            title,
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
            pointer: match self {
                ApiError::InvalidBody { pointer, .. } => Some(echo(pointer)),
                _ => None,
            },
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } => "invalid-parameter",
            ApiError::InvalidBody { .. } => "invalid-body",
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::NotAcceptable { .. } => "not-acceptable",
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
            ApiError::InvalidBody { .. } => "Invalid body",
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::NotAcceptable { .. } => "Not acceptable",
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
    /// For a refused JSON body: where in it (a JSON pointer, RFC 6901).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/shocks/0/change_pct")]
    pub pointer: Option<String>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::InvalidBody {
                malformed: true, ..
            } => StatusCode::BAD_REQUEST,
            ApiError::InvalidBody { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable { .. } => StatusCode::NOT_ACCEPTABLE,
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
        if let ApiError::Internal(cause) = self {
            tracing::error!(error.cause = %cause, "internal error");
        }
        let problem = self.problem(Language::En);
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
pub fn problem_for_status(status: StatusCode, detail: Option<&str>, language: Language) -> Vec<u8> {
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
    let (title, detail) = match language {
        Language::En => (title.to_owned(), detail),
        // actix's own text stays English, after the Korean title.
        Language::Ko => {
            let ko = crate::i18n::status_title_ko(status.as_u16());
            (ko.to_owned(), format!("{ko}: {detail}"))
        }
    };
    let problem = Problem {
        r#type: format!("/problems/{slug}"),
        title,
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
        pointer: None,
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

/// What each problem type means and what to do about it: the page a
/// problem's `type` (`/problems/invalid-parameter`) resolves to.
pub const PROBLEM_TYPES: &[(&str, u16, &str, &str)] = &[
    (
        "invalid-parameter",
        400,
        "A query or path parameter is not one the endpoint takes, or its value is not allowed.",
        "Read `parameter`, `value` and `allowed` in the report, and the endpoint's parameters at /docs. An unknown parameter is refused rather than ignored, so that a typo never silently changes an answer.",
    ),
    (
        "invalid-body",
        422,
        "A request body (JSON) is malformed (400) or asks for something the service cannot do (422).",
        "`pointer` (RFC 6901) says where in the body: `/shocks/0/change_pct` is the `change_pct` of the first shock. The schema of each body is in /openapi.json.",
    ),
    (
        "not-found",
        404,
        "No such resource: a dataset, group or partner id that does not exist, or a path the service does not serve.",
        "See /v1/datasets, /v1/groups and /v1/partners for the ids; /docs for the paths.",
    ),
    (
        "method-not-allowed",
        405,
        "The path exists but does not take this method.",
        "The `Allow` header lists the methods it takes.",
    ),
    (
        "not-acceptable",
        406,
        "The Accept header names only representations the service cannot give.",
        "Listings are JSON or CSV (or ask for the `.csv` path); charts are SVG.",
    ),
    (
        "invalid-upload",
        422,
        "An uploaded file was refused; nothing was written.",
        "`file`, `row`, `field` and `value` say where; fix the file and upload it again: imports are all or nothing.",
    ),
    (
        "unauthorized",
        401,
        "A write needs a bearer token.",
        "Send `Authorization: Bearer TOKEN` (the server's write token).",
    ),
    (
        "forbidden",
        403,
        "The token is wrong, writes are disabled, or the resource cannot be changed.",
        "Check the token; the built-in datasets cannot be deleted.",
    ),
    (
        "conflict",
        409,
        "The dataset or vintage exists, or holds the same figures already.",
        "Replace it explicitly (`replace=true`), or import a new vintage.",
    ),
    (
        "payload-too-large",
        413,
        "The request body is larger than the server takes.",
        "Split the file, or raise `max_upload_bytes` (docs/CONFIGURATION.md).",
    ),
    (
        "request-timeout",
        408,
        "The request body stopped arriving, or took too long.",
        "Retry; the limits are `upload_idle_timeout` and `upload_timeout`.",
    ),
    (
        "busy",
        503,
        "The server is doing as much of this kind of work as it takes at once.",
        "Retry after the seconds `Retry-After` says, or narrow the query.",
    ),
    (
        "too-many-requests",
        429,
        "This client sent more requests than the rate limit allows.",
        "Retry after the seconds `Retry-After` says.",
    ),
    (
        "unavailable",
        503,
        "The service cannot answer now: no data loaded, or the database is unreachable for a write.",
        "Retry later; `/readyz` says why.",
    ),
    (
        "internal",
        500,
        "The service failed to answer; the error is logged.",
        "Report it with the `X-Request-Id` of the response.",
    ),
    (
        "request-header-fields-too-large",
        431,
        "The request's head is larger than the server takes.",
        "Shorten the URL or the headers (a URL under 64 KiB, a head under 128 KiB).",
    ),
    (
        "uri-too-long",
        414,
        "The URL is longer than the server takes.",
        "Shorten it: long lists go in several requests.",
    ),
    (
        "bad-request",
        400,
        "The request could not be read (a malformed request line or header).",
        "Check the client; the report's detail says what was read.",
    ),
    (
        "series-too-short",
        422,
        "A series has too few values for the forecasting method asked for.",
        "`have` and `need` say how many consecutive values it has and the method needs: ask for a simpler method (naive, seasonal_naive), a longer history (a later `until`), or another frequency.",
    ),
    (
        "model-failed",
        422,
        "The forecasting model could not be fitted to this series.",
        "Try another method (naive, seasonal_naive) or another period.",
    ),
    (
        "internal-server-error",
        500,
        "The service failed to answer; the error is logged.",
        "Report it with the `X-Request-Id` of the response.",
    ),
    (
        "service-unavailable",
        503,
        "The service cannot answer now.",
        "Retry later; `/readyz` says why.",
    ),
    (
        "unsupported-media-type",
        415,
        "The request's body is of a type the endpoint does not read.",
        "See the endpoint's request body at /docs.",
    ),
    (
        "unprocessable-entity",
        422,
        "The request is well formed but asks for something the service cannot do.",
        "The report's detail says what.",
    ),
];

/// The page of a problem type, as HTML (`/problems/{slug}`).
pub fn problem_type_page(slug: &str) -> Option<String> {
    let (slug, status, what, todo) = PROBLEM_TYPES.iter().find(|(s, ..)| *s == slug)?;
    let title = slug.replace('-', " ");
    Some(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Problem: {title}</title>\
         <link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\"></head>\
         <body style=\"font-family: sans-serif; max-width: 760px; margin: 2em auto\">\
         <h1>Problem type <code>/problems/{slug}</code></h1><p>HTTP status {status}.</p>\
         <p>{what}</p><p>{todo}</p><p>Every error this service answers is \
         <code>application/problem+json</code> (RFC 9457): <code>type</code>, <code>title</code>, \
         <code>status</code>, <code>detail</code>, and where they help <code>parameter</code>, \
         <code>value</code>, <code>allowed</code>, <code>pointer</code>, <code>file</code>, \
         <code>row</code>, <code>field</code>. <a href=\"/problems\">Every problem type</a> · \
         <a href=\"/docs/\">API documentation</a></p></body></html>\n"
    ))
}

/// The index of the problem types.
pub fn problem_types_index() -> String {
    let items: String = PROBLEM_TYPES
        .iter()
        .map(|(slug, status, what, _)| {
            format!(
                "<li><a href=\"/problems/{slug}\"><code>{slug}</code></a> ({status}): {what}</li>"
            )
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Problem types</title>\
         <link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\"></head>\
         <body style=\"font-family: sans-serif; max-width: 760px; margin: 2em auto\">\
         <h1>Problem types</h1><ul>{items}</ul></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem type the service answers has its page.
    #[test]
    fn every_problem_type_resolves_to_a_page() {
        let errors = [
            ApiError::invalid("a", "b", "c"),
            ApiError::InvalidBody {
                pointer: String::new(),
                value: None,
                expected: String::new(),
                allowed: Vec::new(),
                malformed: true,
            },
            ApiError::no_dataset("x"),
            ApiError::NoRoute("/x".to_owned()),
            ApiError::MethodNotAllowed {
                method: "PUT".to_owned(),
                allow: "GET".to_owned(),
            },
            ApiError::Unauthorized(String::new()),
            ApiError::Forbidden(String::new()),
            ApiError::Conflict(String::new()),
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::RequestTimeout(String::new()),
            ApiError::Busy {
                message: String::new(),
                retry_after: 1,
            },
            ApiError::TooManyRequests { retry_after: 1 },
            ApiError::Unavailable(String::new()),
            ApiError::Internal(String::new()),
        ];
        for e in errors {
            assert!(problem_type_page(e.slug()).is_some(), "{}", e.slug());
        }
        for status in [
            400, 401, 403, 404, 405, 406, 408, 413, 414, 415, 422, 429, 431, 500, 503,
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            let p: serde_json::Value =
                serde_json::from_slice(&problem_for_status(status, None, Language::En)).unwrap();
            let slug = p["type"]
                .as_str()
                .unwrap()
                .trim_start_matches("/problems/")
                .to_owned();
            assert!(problem_type_page(&slug).is_some(), "{status}: {slug}");
        }
        assert!(problem_type_page("nope").is_none());
        assert!(problem_types_index().contains("/problems/invalid-body"));
    }
}
