//! The server: routes, middleware, the OpenAPI document, and the background
//! refresher that swaps in a new read model when the database changes.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock as _, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{Governor, GovernorConfig, KeyExtractor, SimpleKeyExtractionError};
use actix_web::body::MessageBody;
use actix_web::dev::{ResourceDef, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Condition;
use actix_web::{App, HttpRequest, HttpResponse, HttpResponseBuilder, HttpServer, get, web};
use serde::Serialize;
use utoipa::openapi::OpenApi;
use utoipa::{OpenApi as _, ToSchema};
use utoipa_actix_web::{AppExt, scope, service_config::ServiceConfig};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use super::datastore::DataStore;
use super::error::ApiError;
use super::handlers;
use super::observe::{self, Metrics, observe_request};
use super::settings::{RateLimit, Settings};
use super::{ApiDoc, AppState};

/// The `/v1` operations. Static paths first: actix tries routes in order and
/// a path with a parameter costs a regex match (measured: 5% of a cached
/// request's time when three of them came first).
fn v1(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_imports)
        .service(handlers::list_exports)
        .service(handlers::list_balances)
        .service(handlers::list_growth)
        .service(super::forecasts::list_forecasts)
        .service(handlers::list_shares)
        .service(handlers::list_concentration)
        .service(handlers::list_revisions)
        .service(handlers::list_comparison)
        .service(super::analysis::list_share_shifts)
        .service(super::analysis::list_decomposition)
        .service(super::analysis::list_indicators)
        .service(super::scenarios::run_scenario)
        .service(super::scenarios::find_scenario)
        .service(super::charts::chart_group_balances)
        .service(super::charts::chart_partner_shares)
        .service(super::charts::chart_series)
        .service(super::charts::chart_waterfall)
        .service(handlers::list_groups)
        .service(handlers::list_partners)
        .service(handlers::list_years)
        .service(handlers::list_periods)
        .service(handlers::list_datasets)
        .service(super::writes::create_dataset)
        .service(handlers::find_dataset_quality)
        .service(handlers::list_dataset_vintages)
        .service(super::download::download_dataset)
        .service(handlers::find_group)
        .service(handlers::find_partner_profile)
        .service(handlers::find_partner)
        .service(handlers::find_dataset)
        .service(super::writes::delete_dataset);
}

/// `GET /openapi-3.0.json`: the 3.0.3 rendition, for tools that read no 3.1.
async fn openapi_30_endpoint() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(openapi_json_30())
}

/// The OpenAPI document, generated from the handlers.
pub fn build_app_doc() -> OpenApi {
    let generated = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(healthz)
        .service(readyz)
        .service(scope::scope("/v1").configure(v1))
        .split_for_parts()
        .1;
    // Polished for client generators (see `spec`).
    crate::spec::polish(generated)
}

/// The OpenAPI document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut s = build_app_doc().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// The OpenAPI 3.0.3 rendition, as committed in `openapi/openapi-3.0.json`.
pub fn openapi_json_30() -> String {
    let doc = serde_json::to_value(build_app_doc()).unwrap_or_default();
    crate::spec::pretty(&crate::spec::to_openapi_30(&doc))
}

/// The routes and their methods, for 405 answers.
#[derive(Debug)]
struct Routes(Vec<(ResourceDef, String)>);

impl Routes {
    fn from_doc(doc: &OpenApi) -> Routes {
        let mut routes = Vec::new();
        for (path, item) in &doc.paths.paths {
            let mut methods: Vec<&str> = Vec::new();
            if item.get.is_some() {
                methods.extend(["GET", "HEAD"]);
            }
            if item.post.is_some() {
                methods.push("POST");
            }
            if item.put.is_some() {
                methods.push("PUT");
            }
            if item.delete.is_some() {
                methods.push("DELETE");
            }
            routes.push((ResourceDef::new(path.as_str()), methods.join(", ")));
        }
        Routes(routes)
    }

    fn allowed(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.as_str())
    }
}

async fn not_found(req: HttpRequest, routes: web::Data<Routes>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if path == "/docs" {
        return Ok(HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, "/docs/"))
            .finish());
    }
    match routes.allowed(path) {
        // OPTIONS on a path the service serves: what it takes, with or
        // without CORS (a CORS preflight never reaches here when CORS is on).
        Some(allow) if req.method() == actix_web::http::Method::OPTIONS => {
            Ok(HttpResponse::NoContent()
                .insert_header((header::ALLOW, format!("{allow}, OPTIONS")))
                .finish())
        }
        Some(allow) if !allow.split(", ").any(|m| m == req.method().as_str()) => {
            Err(ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allow: format!("{allow}, OPTIONS"),
            })
        }
        _ => Err(ApiError::NoRoute(path.to_owned())),
    }
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Readiness: the database and the data served.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`; `degraded` when the database is unreachable and the last
    /// loaded data is served; `unavailable` when nothing can be served.
    #[schema(example = "ready")]
    pub status: &'static str,
    /// `reachable` or `unreachable`.
    #[schema(example = "reachable")]
    pub database: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub backend: &'static str,
    /// The data version served.
    pub data_version: i64,
    /// Datasets served.
    pub datasets: usize,
    /// Observations served (all datasets).
    pub observations: usize,
}

/// Is the process up
#[utoipa::path(
    tag = "service",
    operation_id = "check_health",
    responses((status = 200, description = "The process is up", body = Health))
)]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Health { status: "ok" })
}

/// Is the service ready to serve
///
/// 200 when data is loaded (`degraded` if the database is unreachable and
/// the last loaded data is served), 503 when nothing can be served. The
/// database's state is the one the background refresher last saw (it checks
/// every `refresh_interval`).
#[utoipa::path(
    tag = "service",
    operation_id = "check_readiness",
    responses(
        (status = 200, description = "Ready (or degraded)", body = Readiness),
        (status = 503, description = "Not ready", body = Readiness),
    )
)]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    // The refresher checks the database every refresh interval; a probe does
    // not wait on a database that is down.
    let reachable = state.store.is_some() && !state.is_stale();
    let model = state.model.load();
    let loaded = !model.datasets().is_empty();
    let status = match (loaded, reachable) {
        (true, true) => "ready",
        (true, false) => "degraded",
        (false, _) => "unavailable",
    };
    let body = Readiness {
        status,
        database: if reachable {
            "reachable"
        } else {
            "unreachable"
        },
        backend: state.store.as_ref().map_or("none", |s| s.backend()),
        data_version: model.version,
        datasets: model.datasets().len(),
        observations: model.total_rows(),
    };
    let mut response = if loaded {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

fn cors(origins: &[String]) -> actix_cors::Cors {
    let cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "OPTIONS"])
        .allowed_headers([header::ACCEPT, header::IF_NONE_MATCH, header::AUTHORIZATION])
        .expose_headers([
            header::ETAG,
            header::HeaderName::from_static("x-data-stale"),
        ])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        cors.allow_any_origin()
    } else {
        origins
            .iter()
            .fold(cors, |c, origin| c.allowed_origin(origin))
    }
}

/// Checks the database's data version (a probe with its own deadline,
/// `probe_timeout`) and swaps in a new read model when it changed; marks
/// the database down (reads keep being served, writes are refused) when the
/// probe fails or does not answer in time, and up again when it answers.
/// A database that hangs (a stopped process keeps its connections open) is
/// noticed within `refresh_interval` + `probe_timeout`. One probe or load
/// at a time: a refresh waits up to `wait` for the one before it, else
/// skips its turn (a hung probe has already marked the database down).
/// Returns whether this refresh checked the database.
pub async fn refresh(state: &web::Data<AppState>, wait: Duration) -> bool {
    let Some(store) = state.store.clone() else {
        return false;
    };
    let Ok(guard) = tokio::time::timeout(wait, state.probe_lock.clone().lock_owned()).await else {
        tracing::debug!("the last probe or load is still running; this refresh skips its turn");
        return false;
    };
    let current = state.model.load().version;
    let deadline = state.settings.probe_timeout;
    let probe = {
        let store = store.clone();
        web::block(move || store.data_version().map(|version| (version, guard)))
    };
    // The guard travels with the probe: if the probe hangs, so does the
    // lock, and later refreshes skip their turn instead of piling up.
    let (version, guard) = match tokio::time::timeout(deadline, probe).await {
        Ok(Ok(Ok(answer))) => answer,
        Ok(Ok(Err(e))) => {
            mark_down(state, &e.to_string());
            return true;
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "refresh task failed");
            return false;
        }
        Err(_) => {
            mark_down(
                state,
                &format!("no answer within {} ms", deadline.as_millis()),
            );
            return true;
        }
    };
    if state.database_down.swap(false, Ordering::Relaxed) {
        tracing::info!("database reachable again");
    }
    if version == current {
        return true;
    }
    // A new version: load it (not under the probe's deadline: a large model
    // takes its time), still holding the lock.
    let default = state.settings.default_dataset.clone();
    let loaded = web::block(move || {
        let _guard = guard;
        store.load(default.as_deref())
    })
    .await;
    match loaded {
        Ok(Ok(model)) => {
            let (version, datasets) = (model.version, model.datasets().len());
            if state.swap(model) {
                tracing::info!(data_version = version, datasets, "serving new data");
            }
        }
        Ok(Err(e)) => mark_down(state, &e.to_string()),
        Err(e) => tracing::error!(error = %e, "loading the new data failed"),
    }
    true
}

fn mark_down(state: &AppState, why: &str) {
    if !state.database_down.swap(true, Ordering::Relaxed) {
        tracing::warn!(error = %why, "database unreachable; serving the last loaded data");
    }
}

type Limiter = GovernorConfig<PeerAddress, NoOpMiddleware<QuantaInstant>>;

/// What every worker's app is built from: the state and the parts of the
/// server around it, made once.
#[derive(Clone)]
pub struct AppParts {
    pub state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
    routes: web::Data<Routes>,
    suffix_routes: web::Data<observe::SuffixRoutes>,
    doc: Arc<OpenApi>,
    limiter: Limiter,
}

impl std::fmt::Debug for AppParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AppParts({:?})", self.state)
    }
}

impl AppParts {
    pub fn new(state: AppState) -> std::io::Result<AppParts> {
        let limiter = rate_limiter(&state.settings.rate_limit)?;
        let metrics = Metrics::new().map_err(std::io::Error::other)?;
        metrics.observe(&state);
        let doc = build_app_doc();
        Ok(AppParts {
            state: web::Data::new(state),
            metrics: web::Data::new(metrics),
            routes: web::Data::new(Routes::from_doc(&doc)),
            suffix_routes: web::Data::new(observe::SuffixRoutes(
                crate::spec::SUFFIXES
                    .iter()
                    .flat_map(|&(_, suffix, format)| {
                        crate::spec::suffix_paths(&doc, suffix)
                            .into_iter()
                            .map(move |p| (suffix, format, ResourceDef::new(p.as_str())))
                    })
                    .collect(),
            )),
            doc: Arc::new(doc),
            limiter,
        })
    }
}

/// The app: routes, middleware and state. The one factory of the server's
/// workers and of in-process tests.
pub fn app(
    parts: &AppParts,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
        InitError = (),
    > + use<>,
> {
    let settings = &parts.state.settings;
    let limit_on = settings.rate_limit.per_second > 0;
    // The rate limit applies to the API, never to health checks and metrics.
    let (app, _) = App::new()
        .into_utoipa_app()
        .app_data(parts.state.clone())
        .app_data(parts.routes.clone())
        .service(healthz)
        .service(readyz)
        .service(
            scope::scope("/v1")
                .wrap(Condition::new(limit_on, Governor::new(&parts.limiter)))
                .configure(v1),
        )
        .split_for_parts();
    // Innermost first; the outermost sees every request.
    app.app_data(parts.metrics.clone())
        .app_data(parts.suffix_routes.clone())
        .route("/metrics", web::get().to(observe::metrics_endpoint))
        .route("/", web::get().to(crate::landing::landing_page))
        .route("/favicon.ico", web::get().to(crate::landing::favicon))
        .route("/problems", web::get().to(crate::landing::problem_page))
        .route(
            "/problems/{slug}",
            web::get().to(crate::landing::problem_page),
        )
        .route("/openapi-3.0.json", web::get().to(openapi_30_endpoint))
        .wrap(Condition::new(
            !settings.cors_origins.is_empty(),
            cors(&settings.cors_origins),
        ))
        .wrap(actix_web::middleware::from_fn(observe_request))
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .url("/openapi.json", (*parts.doc).clone())
                .config(SwaggerConfig::new(["/openapi.json"]).validator_url("none")),
        )
        .default_service(web::to(not_found))
}

/// Serves until stopped (SIGINT / SIGTERM: in-flight requests finish first,
/// then `serve` returns).
pub fn serve(
    listener: TcpListener,
    store: Arc<dyn DataStore>,
    settings: Settings,
) -> std::io::Result<()> {
    let model = store
        .load(settings.default_dataset.as_deref())
        .map_err(std::io::Error::other)?;
    tracing::info!(
        data_version = model.version,
        datasets = model.datasets().len(),
        observations = model.total_rows(),
        "data loaded"
    );
    let workers = settings.workers;
    let every = settings.refresh_interval.max(Duration::from_millis(10));
    let parts = AppParts::new(AppState::new(model, Some(store), settings))?;
    actix_web::rt::System::new().block_on(async move {
        let refresher = {
            let state = parts.state.clone();
            let metrics = parts.metrics.clone();
            actix_web::rt::spawn(async move {
                let mut interval = actix_web::rt::time::interval(every);
                let wait = state.settings.probe_timeout;
                loop {
                    interval.tick().await;
                    refresh(&state, wait).await;
                    metrics.observe(&state);
                }
            })
        };
        let mut server = HttpServer::new(move || app(&parts)).shutdown_timeout(30);
        if workers > 0 {
            server = server.workers(workers);
        }
        let result = server.listen(listener)?.run().await;
        refresher.abort();
        tracing::info!("stopped");
        result
    })
}

/// Rate limits per client (peer) address, answering 429 problem+json with
/// `Retry-After`.
#[derive(Debug, Clone, Copy)]
struct PeerAddress;

impl KeyExtractor for PeerAddress {
    type Key = std::net::IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<Self::Key, Self::KeyExtractionError> {
        req.peer_addr()
            .map(|a| a.ip())
            .ok_or_else(|| SimpleKeyExtractionError::new("no peer address"))
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        _response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative.wait_time_from(DefaultClock::default().now());
        let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        actix_web::ResponseError::error_response(&ApiError::TooManyRequests {
            retry_after: retry_after.max(1),
        })
    }
}

fn rate_limiter(limit: &RateLimit) -> std::io::Result<Limiter> {
    let per_second = u64::from(limit.per_second.max(1));
    actix_governor::GovernorConfigBuilder::default()
        .period(Duration::from_nanos(1_000_000_000 / per_second))
        .burst_size(limit.burst.max(1))
        .key_extractor(PeerAddress)
        .finish()
        .ok_or_else(|| std::io::Error::other("invalid rate limit"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_with_an_operation_id() {
        let doc = build_app_doc();
        let mut ids = Vec::new();
        for item in doc.paths.paths.values() {
            for op in [&item.get, &item.post, &item.delete].into_iter().flatten() {
                ids.push(op.operation_id.clone().unwrap_or_default());
            }
        }
        assert!(ids.len() >= 16, "{ids:?}");
        assert!(ids.iter().all(|i| !i.is_empty()));
    }

    #[test]
    fn routes_match_paths_with_parameters() {
        let routes = Routes::from_doc(&build_app_doc());
        assert_eq!(routes.allowed("/v1/partners/KR/profile"), Some("GET, HEAD"));
        assert_eq!(routes.allowed("/v1/groups"), Some("GET, HEAD"));
        assert_eq!(routes.allowed("/v2/groups"), None);
    }

    /// Every `$ref` of the document names a component it has.
    #[test]
    fn every_reference_resolves() {
        let doc = serde_json::to_value(build_app_doc()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap().clone();
        let mut refs = Vec::new();
        fn walk(v: &serde_json::Value, refs: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                        refs.push(r.clone());
                    }
                    m.values().for_each(|x| walk(x, refs));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
                _ => {}
            }
        }
        walk(&doc, &mut refs);
        assert!(!refs.is_empty());
        let missing: Vec<&String> = refs
            .iter()
            .filter(|r| {
                r.strip_prefix("#/components/schemas/")
                    .is_none_or(|name| !schemas.contains_key(name))
            })
            .collect();
        assert!(missing.is_empty(), "unresolved: {missing:?}");
    }

    #[test]
    fn problem_schema_is_in_the_document() {
        let doc = build_app_doc();
        let schemas = doc.components.map(|c| c.schemas).unwrap_or_default();
        assert!(schemas.contains_key("Problem"), "{:?}", schemas.keys());
    }
}
