//! The one middleware every request passes: a tracing span with a request
//! id (echoed in `X-Request-Id`), method, route, status and latency,
//! Prometheus request metrics by route, method and status, errors as
//! problem+json, compression on the way out, and cache hits answered before
//! routing. One layer instead of three (the compression was its own
//! `from_fn` layer, with a boxed future and a copy of `Accept-Encoding` on
//! every request: BENCHMARKS.md, issue 13, fifth pass).
//!
//! It replaces tracing-actix-web and actix-web-prom, measured on the load
//! test's cached single-record lookup: the two cost about 20% of the
//! throughput (a UUID, a connection-info lookup and a dozen span fields on
//! every request even with the span disabled; a label-string format and two
//! label-hash lookups per request). Here a request id is a counter, the span
//! fields are only computed when the span is enabled, and the metric handles
//! of each (route, method, status) are looked up once per worker thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{
    CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue,
};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use prometheus::{
    Encoder as _, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec,
    IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use tracing::Instrument as _;

use super::AppState;
use crate::encoding;
use crate::i18n::Language;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The service's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    database_up: IntGauge,
    data_version: IntGauge,
    dataset_rows: IntGaugeVec,
    last_import: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn register<T: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: T,
) -> Result<T, String> {
    registry
        .register(Box::new(metric.clone()))
        .map_err(|e| e.to_string())?;
    Ok(metric)
}

impl Metrics {
    pub fn new() -> Result<Metrics, String> {
        let registry = Registry::new();
        let e = |e: prometheus::Error| e.to_string();
        let requests = register(
            &registry,
            IntCounterVec::new(
                Opts::new("http_requests_total", "HTTP requests answered").namespace("atp"),
                &["endpoint", "method", "status"],
            )
            .map_err(e)?,
        )?;
        let latency = register(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "http_requests_duration_seconds",
                    "Time from the request's arrival at the app to its response",
                )
                .namespace("atp")
                .buckets(vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ]),
                &["endpoint", "method", "status"],
            )
            .map_err(e)?,
        )?;
        let gauge = |name: &str, help: &str| -> Result<IntGauge, String> {
            register(
                &registry,
                IntGauge::with_opts(Opts::new(name, help).namespace("atp")).map_err(e)?,
            )
        };
        let pool_connections = gauge("db_pool_connections", "Database connections open")?;
        let pool_idle = gauge(
            "db_pool_idle_connections",
            "Database connections open and idle",
        )?;
        let database_up = gauge(
            "database_up",
            "1 when the database is reachable, else 0 (reads are served from the last loaded data)",
        )?;
        let data_version = gauge(
            "data_version",
            "The data version served (grows with every import)",
        )?;
        let dataset_rows = register(
            &registry,
            IntGaugeVec::new(
                Opts::new("dataset_rows", "Observations stored per dataset").namespace("atp"),
                &["dataset"],
            )
            .map_err(e)?,
        )?;
        let last_import = register(
            &registry,
            Gauge::with_opts(
                Opts::new(
                    "last_import_timestamp_seconds",
                    "When the newest dataset was imported (Unix time)",
                )
                .namespace("atp"),
            )
            .map_err(e)?,
        )?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            database_up,
            data_version,
            dataset_rows,
            last_import,
        })
    }

    /// Updates the gauges from the state (the refresher calls it).
    pub fn observe(&self, state: &AppState) {
        if let Some(store) = &state.store {
            let (open, idle) = store.pool_state();
            self.pool_connections.set(i64::from(open));
            self.pool_idle.set(i64::from(idle));
        }
        self.database_up.set(i64::from(!state.is_stale()));
        let model = state.model.load();
        self.data_version.set(model.version);
        self.dataset_rows.reset();
        let mut newest: Option<SystemTime> = None;
        for dataset in model.datasets() {
            let rows: i64 = dataset.all().map(|v| v.stored.row_count).sum();
            self.dataset_rows
                .with_label_values(&[dataset.id()])
                .set(rows);
            for ds in dataset.all() {
                if let Ok(t) = humantime::parse_rfc3339_weak(&ds.stored.imported_at) {
                    newest = newest.max(Some(t));
                }
            }
        }
        if let Some(t) = newest.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()) {
            self.last_import.set(t.as_secs_f64());
        }
    }

    /// The metric handles of one (route, method, status), looked up once per
    /// worker thread.
    fn record(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        thread_local! {
            static HANDLES: RefCell<HandlesByRoute> = RefCell::new(HashMap::default());
        }
        HANDLES.with(|handles| {
            let mut handles = handles.borrow_mut();
            // One hash of the route on the way of every request; a second
            // only the first time a route is seen.
            let of_route = match handles.get_mut(route) {
                Some(of_route) => of_route,
                None => handles.entry(route.to_owned()).or_default(),
            };
            let i = match of_route
                .iter()
                .position(|h| h.method == method && h.status == status)
            {
                Some(i) => i,
                None => {
                    let status_text = status.to_string();
                    let labels = [route, method.as_str(), status_text.as_str()];
                    of_route.push(Handles {
                        method: method.clone(),
                        status,
                        count: self.requests.with_label_values(&labels),
                        latency: self.latency.with_label_values(&labels),
                    });
                    of_route.len() - 1
                }
            };
            of_route[i].count.inc();
            of_route[i].latency.observe(seconds);
        });
    }
}

/// The metric handles of one route, method and status.
struct Handles {
    method: Method,
    status: u16,
    count: IntCounter,
    latency: Histogram,
}

type HandlesByRoute = HashMap<String, Vec<Handles>, foldhash::fast::RandomState>;

/// `GET /metrics`: Prometheus text format.
pub async fn metrics_endpoint(metrics: web::Data<Metrics>) -> HttpResponse {
    let mut body = Vec::with_capacity(8192);
    match TextEncoder::new().encode(&metrics.registry.gather(), &mut body) {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .insert_header(("cache-control", "no-store"))
            .body(body),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

/// An incoming `X-Request-Id` worth keeping (from a load balancer): short,
/// plain characters.
fn incoming_id(req: &ServiceRequest) -> Option<HeaderValue> {
    let value = req.headers().get(&REQUEST_ID)?;
    let bytes = value.as_bytes();
    let plain = (1..=64).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| value.clone())
}

/// A request id unique to this process run: a random prefix and a counter.
fn new_id() -> HeaderValue {
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = *PREFIX.get_or_init(|| {
        use std::hash::{BuildHasher as _, Hasher as _};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        h.finish() as u32
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut buf = [0u8; 25];
    let text = format_id(prefix, n, &mut buf);
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

fn format_id(prefix: u32, n: u64, buf: &mut [u8; 25]) -> &str {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in 0..8 {
        buf[i] = HEX[((prefix >> (28 - 4 * i)) & 0xf) as usize];
    }
    buf[8] = b'-';
    for i in 0..16 {
        buf[9 + i] = HEX[((n >> (60 - 4 * i)) & 0xf) as usize];
    }
    std::str::from_utf8(&buf[..]).unwrap_or("0")
}

/// The most of a request target a log line carries.
const MAX_LOGGED_TARGET: usize = 512;

/// Query parameters whose values are never logged: anything that looks like
/// a credential.
const SECRET_PARAMETERS: [&str; 9] = [
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "auth",
    "signature",
    "credential",
    "session",
];

/// The request target as logged: credential-like query values replaced by
/// `***`, and at most [`MAX_LOGGED_TARGET`] bytes (then how long it was).
fn loggable_target(path: &str, query: &str) -> String {
    let mut out = String::with_capacity(path.len() + query.len() + 1);
    out.push_str(path);
    if !query.is_empty() {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let lower = name.to_ascii_lowercase();
            out.push_str(name);
            if pair.contains('=') {
                out.push('=');
                if SECRET_PARAMETERS.iter().any(|s| lower.contains(s)) {
                    out.push_str("***");
                } else {
                    out.push_str(value);
                }
            }
            if out.len() > MAX_LOGGED_TARGET {
                break;
            }
        }
    }
    if out.len() > MAX_LOGGED_TARGET {
        let mut cut = MAX_LOGGED_TARGET;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        let total = path.len() + query.len() + usize::from(!query.is_empty());
        out.truncate(cut);
        out.push_str(&format!("... ({total} bytes)"));
    }
    out
}

/// The largest non-problem error body read to carry over into the problem
/// document's detail.
const MAX_REWRITTEN_BODY: usize = 4096;

/// The paths whose `.csv` (or `.md`) form is served (`/v1/imports` for
/// `/v1/imports.csv`), with the `format` each suffix stands for.
#[derive(Debug)]
pub struct SuffixRoutes(pub Vec<(&'static str, &'static str, actix_web::dev::ResourceDef)>);

/// `/v1/imports.csv?q` is `/v1/imports?q&format=csv`: the request is
/// rewritten before routing, so the listing answers it as it answers
/// `format=csv` (a `format` given too is then a repeated parameter: 400).
fn format_suffix(req: &mut ServiceRequest) {
    let Some(routes) = req.app_data::<web::Data<SuffixRoutes>>() else {
        return;
    };
    let path = req.path();
    let Some((base, format)) = routes.0.iter().find_map(|(suffix, format, def)| {
        path.strip_suffix(suffix)
            .filter(|base| def.is_match(base))
            .map(|base| (base.to_owned(), *format))
    }) else {
        return;
    };
    let query = req.query_string();
    let target = if query.is_empty() {
        format!("{base}?format={format}")
    } else {
        format!("{base}?{query}&format={format}")
    };
    if let Ok(uri) = target.parse::<actix_web::http::Uri>() {
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
    }
}

/// The middleware around every request: HEAD answered as GET (the
/// connection, which noted the request was HEAD, sends no body), a span per
/// request, the request id echoed, the request counted, every error response
/// that is not problem+json yet (from actix-cors, the Swagger UI, actix
/// itself) turned into one, and bodies no handler encoded compressed
/// ([`encoding::compress_response`]).
///
/// A GET the response cache holds is answered here, before routing, when
/// nothing between this and the handler would change the answer
/// ([`AppState::hits_before_routing`]): a dashboard's or a browser's
/// repeated URL costs the cache's look-up and the headers, not the layers
/// (BENCHMARKS.md, issue 13, fifth pass).
pub async fn observe_request(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    if method == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    // Only reads have suffix forms: a POST to `/v1/scenarios.csv` is a 405
    // (the path is GET-only in the spec), not a POST to `/v1/scenarios`.
    if req.method() == Method::GET && (req.path().ends_with(".csv") || req.path().ends_with(".md"))
    {
        format_suffix(&mut req);
    }
    let id = incoming_id(&req).unwrap_or_else(new_id);
    let span = tracing::info_span!(
        "request",
        request_id = tracing::field::Empty,
        http.method = %method,
        http.route = tracing::field::Empty,
        http.status_code = tracing::field::Empty,
        http.target = tracing::field::Empty,
    );
    if !span.is_disabled() {
        span.record("request_id", id.to_str().unwrap_or_default());
        span.record(
            "http.target",
            loggable_target(req.path(), req.query_string()),
        );
    }
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let hit = match req.app_data::<web::Data<AppState>>() {
        Some(state) if state.hits_before_routing && req.method() == Method::GET => {
            state.answer_from_cache(req.request())
        }
        _ => None,
    };
    let (response, kept) = match hit {
        Some((response, kept)) => {
            let (req, _) = req.into_parts();
            let response = ServiceResponse::new(req, response).map_into_right_body();
            (response, Some(kept))
        }
        None => (
            next.call(req)
                .instrument(span.clone())
                .await?
                .map_into_left_body(),
            None,
        ),
    };
    let status = response.status();
    let pattern = match &kept {
        Some(_) => None,
        None => response.request().match_pattern(),
    };
    let route = kept
        .as_deref()
        .and_then(|k| k.route())
        .or(pattern.as_deref())
        .unwrap_or("UNMATCHED");
    if !span.is_disabled() {
        span.record("http.route", route);
        span.record("http.status_code", status.as_u16());
    }
    if status.is_server_error() {
        span.in_scope(|| tracing::error!(status = status.as_u16(), "server error"));
    }
    if let Some(metrics) = metrics {
        metrics.record(
            route,
            &method,
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    // Errors are problem+json; a JSON body is a document the handler
    // answers on purpose (`/readyz`'s 503 is its readiness, as documented).
    let is_json = response.headers().get(CONTENT_TYPE).is_some_and(|v| {
        let v = v.as_bytes();
        v.starts_with(b"application/problem+json") || v.starts_with(b"application/json")
    });
    let is_error = status.is_client_error() || status.is_server_error();
    let response = if is_error && !is_json {
        as_problem(response).await.map_into_right_body()
    } else if is_error {
        match in_korean(response) {
            Ok(korean) => korean.map_into_right_body(),
            Err(response) => response.map_into_left_body(),
        }
    } else {
        response.map_into_left_body()
    };
    let mut response = encoding::compress_response(response);
    response.headers_mut().insert(REQUEST_ID, id);
    Ok(response)
}

/// An `ApiError`'s problem again in Korean, when the request asks for
/// Korean (`lang=ko`, or `Accept-Language` preferring it): same status and
/// headers, the body in Korean (`Content-Language: ko`). Any other response
/// is given back.
fn in_korean<B>(response: ServiceResponse<B>) -> Result<ServiceResponse, ServiceResponse<B>> {
    if Language::of_request(response.request()) != Language::Ko {
        return Err(response);
    }
    let Some(problem) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<crate::error::ApiError>())
        .map(|e| e.problem(Language::Ko))
    else {
        return Err(response);
    };
    let (req, res) = response.into_parts();
    let mut builder = HttpResponse::build(res.status());
    for (name, value) in res.headers() {
        if name != CONTENT_LENGTH && name != CONTENT_ENCODING {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    builder.insert_header((CONTENT_LANGUAGE, Language::Ko.header()));
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    Ok(ServiceResponse::new(req, builder.body(body)))
}

/// An error response rewritten as problem+json: same status and headers
/// (`Allow`, `Retry-After`, CORS), a problem document for a body, with the
/// original text as its detail when it was short text.
async fn as_problem<B: MessageBody>(response: ServiceResponse<B>) -> ServiceResponse {
    let (req, res) = response.into_parts();
    let language = Language::of_request(&req);
    let status = res.status();
    let is_text = res
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    let (head, body) = res.into_parts();
    let small = matches!(body.size(), BodySize::Sized(n) if n as usize <= MAX_REWRITTEN_BODY);
    let detail = if is_text && small {
        actix_web::body::to_bytes_limited(body, MAX_REWRITTEN_BODY)
            .await
            .ok()
            .and_then(Result::ok)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    } else {
        None
    };
    let mut builder = HttpResponse::build(status);
    for (name, value) in head.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    builder.insert_header((
        CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    ));
    builder.insert_header((
        actix_web::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    if language == Language::Ko {
        builder.insert_header((CONTENT_LANGUAGE, Language::Ko.header()));
    }
    let problem = crate::error::problem_for_status(status, detail.as_deref(), language);
    ServiceResponse::new(req, builder.body(problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_hex_prefix_and_counter() {
        let mut buf = [0u8; 25];
        assert_eq!(
            format_id(0xdead_beef, 0x1f, &mut buf),
            "deadbeef-000000000000001f"
        );
        let a = new_id();
        let b = new_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 25);
    }

    #[test]
    fn logged_targets_hide_credentials_and_stay_short() {
        assert_eq!(
            loggable_target("/v1/imports", "partner=KR&token=s3cret&api_key=k&year=2024"),
            "/v1/imports?partner=KR&token=***&api_key=***&year=2024"
        );
        assert_eq!(loggable_target("/healthz", ""), "/healthz");
        let long = format!("partner={}", "KR,".repeat(20_000));
        let logged = loggable_target("/v1/imports", &long);
        assert!(logged.len() < MAX_LOGGED_TARGET + 40, "{}", logged.len());
        assert!(
            logged.ends_with(&format!("... ({} bytes)", long.len() + 12)),
            "{logged}"
        );
        assert!(!loggable_target("/x", "Authorization=Bearer%20abc").contains("abc"));
    }
}
