//! The HTTP API (v1): thin handlers over the read model, one error type
//! mapped to problem+json in one place, the OpenAPI document generated from
//! the code, and the server with its observability. No database: storage is
//! reached through the [`DataStore`] the binary provides.

mod analysis;
mod charts;
mod csv_out;
pub mod datastore;
mod download;
mod encoding;
pub mod error;
pub mod forecasts;
mod handlers;
pub mod i18n;
mod json;
mod labels;
mod landing;
mod messages_ko;
mod observe;
pub mod params;
pub mod records;
pub mod respond;
mod scenarios;
mod server;
mod settings;
mod spec;
pub mod view;
mod writes;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use arc_swap::ArcSwap;
use atp_query::ReadModel;

pub use datastore::{DataStore, ImportSummary, Unavailable, Upload, UploadProblem, WriteError};
pub use server::{app, build_app_doc, openapi_json, openapi_json_30, refresh, serve};

/// The parts of the server an app is built from.
pub mod server_parts {
    pub use crate::server::AppParts;
}
pub use settings::{RateLimit, Secret, Settings};

use self::error::ApiError;
use self::params::{Format, FromQuery, RawQuery, Weighed};
use self::respond::{CacheKeyRef, CachePolicy, Rendered, ResponseCache, respond};

/// What every request can reach.
pub struct AppState {
    /// The committed data, swapped whole after an import.
    pub model: ArcSwap<ReadModel>,
    /// The storage; `None` when serving a model without one (tests).
    pub store: Option<Arc<dyn DataStore>>,
    /// Rendered responses; `None` when disabled (`response_cache_entries = 0`).
    pub cache: Option<ResponseCache>,
    /// Whether cache hits are answered before routing (by the request
    /// middleware, [`AppState::answer_from_cache`]): when no CORS origins
    /// and no rate limit are configured, the layers between the middleware
    /// and the handler would add nothing to a hit (BENCHMARKS.md, issue 13,
    /// fifth pass). Otherwise every request passes them and `cached` looks
    /// the cache up itself.
    pub hits_before_routing: bool,
    pub cache_policy: CachePolicy,
    /// Set while the database is unreachable: reads are served from the last
    /// loaded data and say so.
    pub database_down: AtomicBool,
    pub settings: Settings,
    /// Serialises model swaps so an older model never replaces a newer one.
    swap_lock: std::sync::Mutex<()>,
    /// Heavy queries rendered at once (off the workers, so health checks and
    /// light queries are answered meanwhile).
    heavy: tokio::sync::Semaphore,
    /// Downloads being streamed (each holds one on the blocking pool while
    /// it writes; see `download`).
    pub(crate) downloads: Arc<tokio::sync::Semaphore>,
    /// Uploads being received or imported.
    pub(crate) uploads: AtomicUsize,
    /// Held while the storage is probed or a new model loaded (moved into
    /// the blocking task, so a probe that hangs keeps it): never more than
    /// one probe waits on the database.
    pub(crate) probe_lock: Arc<tokio::sync::Mutex<()>>,
}

/// A query of at most this many cells (groups x partners x periods) is
/// rendered on the worker that received it; a larger one on the blocking
/// pool, at most [`AppState`]'s `heavy` permits at a time.
pub const HEAVY_QUERY_CELLS: usize = 50_000;

/// How long a heavy query waits for a permit before it is answered 503.
const HEAVY_QUEUE_WAIT: Duration = Duration::from_secs(10);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AppState(version {})", self.model.load().version)
    }
}

impl AppState {
    pub fn new(
        model: ReadModel,
        store: Option<Arc<dyn DataStore>>,
        settings: Settings,
    ) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AppState {
            swap_lock: std::sync::Mutex::new(()),
            model: ArcSwap::from_pointee(model),
            store,
            cache: (settings.response_cache_entries > 0 && settings.response_cache_bytes > 0).then(
                || {
                    ResponseCache::new(
                        settings.response_cache_entries,
                        settings.response_cache_bytes,
                        settings.response_cache_max_entry_bytes,
                    )
                },
            ),
            hits_before_routing: settings.cors_origins.is_empty()
                && settings.rate_limit.per_second == 0,
            cache_policy: CachePolicy::max_age(settings.cache_max_age.as_secs()),
            database_down: AtomicBool::new(false),
            settings,
            heavy: tokio::sync::Semaphore::new(cores),
            downloads: Arc::new(tokio::sync::Semaphore::new(
                download::MAX_DOWNLOADS_PER_CORE * cores,
            )),
            uploads: AtomicUsize::new(0),
            probe_lock: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Replaces the read model (after an import) and drops cached responses;
    /// a model older than the one served is dropped instead.
    pub fn swap(&self, model: ReadModel) -> bool {
        let _guard = self
            .swap_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if model.version <= self.model.load().version {
            return false;
        }
        self.model.store(Arc::new(model));
        if let Some(cache) = &self.cache {
            cache.clear();
        }
        true
    }

    pub fn is_stale(&self) -> bool {
        self.database_down.load(Ordering::Relaxed)
    }

    /// The cache's key for a request: the URL and what its headers choose
    /// (the format when the URL names none, the language); `None` when the
    /// Accept header takes neither JSON nor CSV (a listing refuses it with
    /// 406, a chart draws): such a request is not answered from the cache.
    fn cache_key<'r>(
        req: &'r HttpRequest,
        asked: &params::Asked,
        version: i64,
    ) -> Option<CacheKeyRef<'r>> {
        if matches!(asked.format, params::Accepted::Neither(_)) {
            return None;
        }
        Some(CacheKeyRef {
            version,
            accept_csv: asked.format == params::Accepted::Format(Format::Csv),
            korean: asked.language.is_ko(),
            uri: req.uri().path_and_query().map_or("", |p| p.as_str()),
        })
    }

    /// The response to `req` from the cache entry of `key`, if there is one.
    fn hit(
        &self,
        req: &HttpRequest,
        key: CacheKeyRef<'_>,
    ) -> Option<(HttpResponse, Arc<Rendered>)> {
        let cache = self.cache.as_ref()?;
        let hit = cache.get(&key)?;
        let response = respond(
            req,
            &hit,
            &self.cache_policy,
            self.is_stale(),
            Some((cache, key)),
        );
        Some((response, hit))
    }

    /// A GET answered from the response cache (`None` on a miss), with the
    /// rendered entry (its [`Rendered::route`] is the metrics' label).
    pub fn answer_from_cache(&self, req: &HttpRequest) -> Option<(HttpResponse, Arc<Rendered>)> {
        self.cache.as_ref()?;
        let asked = params::Asked::of(req);
        let key = Self::cache_key(req, &asked, self.model.load().version)?;
        self.hit(req, key)
    }

    /// Answers a GET from the response cache, or parses the query into the
    /// endpoint's parameters `Q` (refusing any other), renders it with
    /// `render` and keeps it. A heavy query (more than
    /// [`HEAVY_QUERY_CELLS`]) is rendered on the blocking pool, a few at a
    /// time, so the workers keep answering everything else.
    pub async fn cached<Q, F>(&self, req: &HttpRequest, render: F) -> Result<HttpResponse, ApiError>
    where
        Q: FromQuery + Weighed + Send + 'static,
        F: FnOnce(&ReadModel, &Q, &RawQuery, params::Asked) -> Result<Rendered, ApiError>
            + Send
            + 'static,
    {
        let model = self.model.load();
        let accept = params::Asked::of(req);
        let key = Self::cache_key(req, &accept, model.version);
        // With `hits_before_routing` the request middleware has looked.
        if !self.hits_before_routing
            && let Some(key) = key
            && let Some((response, _)) = self.hit(req, key)
        {
            return Ok(response);
        }
        let raw = RawQuery::parse(req.query_string(), Q::NAMES)?.at(req.path());
        let q = Q::from_query(&raw)?;
        let rendered = if q.weight(&model) <= HEAVY_QUERY_CELLS {
            Arc::new(render(&model, &q, &raw, accept)?)
        } else {
            let _permit = tokio::time::timeout(HEAVY_QUEUE_WAIT, self.heavy.acquire())
                .await
                .map_err(|_| ApiError::Busy {
                    message: "the server is answering as many large queries as it takes at \
                              once; narrow the query (fewer groups, partners or periods) or \
                              retry"
                        .to_owned(),
                    retry_after: 5,
                })?
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let model = self.model.load_full();
            let rendered = web::block(move || render(&model, &q, &raw, accept))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))??;
            Arc::new(rendered)
        };
        // Only a kept response is re-weighed when a compressed variant is
        // made for it.
        let kept =
            self.cache.as_ref().zip(key).filter(|(cache, key)| {
                cache.insert(*key, rendered.clone(), || req.match_pattern())
            });
        Ok(respond(
            req,
            &rendered,
            &self.cache_policy,
            self.is_stale(),
            kept,
        ))
    }

    /// Renders a large answer that no URL names (a POST's) on the blocking
    /// pool, a few at a time, like the heavy queries of [`AppState::cached`].
    pub async fn compute<F>(&self, render: F) -> Result<Rendered, ApiError>
    where
        F: FnOnce(&ReadModel) -> Result<Rendered, ApiError> + Send + 'static,
    {
        let _permit = tokio::time::timeout(HEAVY_QUEUE_WAIT, self.heavy.acquire())
            .await
            .map_err(|_| ApiError::Busy {
                message: "the server is answering as many large queries as it takes at once; \
                          retry"
                    .to_owned(),
                retry_after: 5,
            })?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let model = self.model.load_full();
        web::block(move || render(&model))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
    }

    /// A rendered answer that is not kept in the cache, with its ETag.
    pub fn respond_uncached(&self, req: &HttpRequest, rendered: Rendered) -> HttpResponse {
        respond(
            req,
            &Arc::new(rendered),
            &self.cache_policy,
            self.is_stale(),
            None,
        )
    }
}

/// The parts of the OpenAPI document not generated from the handlers.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(
    info(
        title = "ATP trade statistics",
        description = "US trade in Advanced Technology Products (ATP) by Census ATP group, partner \
and year: imports, exports, balances, growth, shares and concentration, in whole US dollars, \
each value with its provenance (dataset, reported or derived, citation).\n\n\
Listings return `{\"data\": [...], \"page\": {...}, \"meta\": {...}}` as JSON, or the same \
records as CSV with `?format=csv` or `Accept: text/csv`. Errors are `application/problem+json`.\n\n\
Lean answers: `fields=partner,value_usd` keeps only those fields of each record; \
`include=names` puts `group_name` and `partner_name` beside the codes.\n\n\
**한국어 (Korean)**: add `lang=ko` to any URL, or send `Accept-Language: ko`, for Korean names \
of groups and partners (with `include=names`), Korean problem titles and details, Korean chart \
labels, and, with `format=csv&header=labels`, Korean column labels in CSV. \
예: `/v1/imports?partner=KR&include=names&lang=ko`. Codes, field names and values never change \
with the language.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "reference", description = "Groups, partners, years and datasets"),
        (name = "data", description = "Trade values and the indicators derived from them"),
        (name = "analysis", description = "Decompositions of change, indicators over time, scenarios and forecasts"),
        (name = "charts", description = "Charts of the same data, as SVG"),
        (name = "service", description = "Health and readiness"),
        (name = "writes", description = "Protected writes (need the write token)"),
    ),
    components(schemas(
        error::Problem,
        params::FormatParam,
        params::FlowParam,
        params::MeasureParam,
        params::ReportFormat,
        params::FrequencyParam,
        params::UnitsParam,
        params::RollingParam,
        params::DecomposeByParam,
        params::IndicatorParam,
        params::LangParam,
        params::HeaderParam,
        params::WaterfallBy,
        params::DownloadFormat,
        scenarios::ScenarioBody,
        scenarios::ShockBody,
        scenarios::TariffBody,
    )),
    modifiers(&WriteTokenScheme)
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme of the writes.
#[derive(Debug)]
struct WriteTokenScheme;

impl utoipa::Modify for WriteTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "write_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}
