//! Shaping responses: the JSON envelope, CSV, ETag and 304, cache headers,
//! and a cache of rendered responses per data version.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;
use super::params::{Format, PageRequest, SortOrder, Sortable};

/// Paging of a listing.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Page {
    #[schema(example = 1000)]
    pub limit: usize,
    #[schema(example = 0)]
    pub offset: usize,
    /// Records matching the query, over all pages.
    #[schema(example = 1)]
    pub total: usize,
}

/// What a listing is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Meta {
    /// The dataset queried (null for reference listings).
    #[schema(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// Money is in whole US dollars.
    #[schema(example = "USD")]
    pub units: &'static str,
    /// The data version served (grows with every import).
    pub data_version: i64,
    /// The query as understood.
    pub query: BTreeMap<String, String>,
}

/// The envelope of every listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T: ToSchema> {
    pub data: Vec<T>,
    pub page: Page,
    pub meta: Meta,
}

/// The envelope of a single resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct Single<T: ToSchema> {
    pub data: T,
    pub meta: Meta,
}

/// A rendered response, kept for repeated queries.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub content_type: &'static str,
    pub etag: HeaderValue,
}

impl Rendered {
    pub fn new(body: Vec<u8>, content_type: &'static str) -> Rendered {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut h);
        let etag = HeaderValue::from_str(&format!("W/\"{:016x}-{:x}\"", h.finish(), body.len()))
            .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""));
        Rendered {
            body: Bytes::from(body),
            content_type,
            etag,
        }
    }
}

/// Sorts by the requested keys (a stable sort keeps the default order for
/// ties); undefined values (nulls) sort last in either direction.
pub fn sort_records<T: Sortable>(records: &mut [T], order: &SortOrder) {
    if order.0.is_empty() {
        return;
    }
    records.sort_by(|a, b| {
        for &(key, desc) in &order.0 {
            let (x, y) = (a.sort_value(key), b.sort_value(key));
            let o = match (&x, &y) {
                (SortValue::Null, SortValue::Null) => std::cmp::Ordering::Equal,
                (SortValue::Null, _) => std::cmp::Ordering::Greater,
                (_, SortValue::Null) => std::cmp::Ordering::Less,
                _ if desc => x.cmp(&y).reverse(),
                _ => x.cmp(&y),
            };
            if o.is_ne() {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
}

/// A value to sort by; nulls sort last.
#[derive(Debug, Clone)]
pub enum SortValue {
    Int(i64),
    Float(f64),
    Text(String),
    Null,
}

impl PartialEq for SortValue {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for SortValue {}

impl PartialOrd for SortValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use SortValue::*;
        use std::cmp::Ordering::*;
        match (self, other) {
            (Null, Null) => Equal,
            (Null, _) => Greater,
            (_, Null) => Less,
            (Int(a), Int(b)) => a.cmp(b),
            (Float(a), Float(b)) => a.total_cmp(b),
            (Int(a), Float(b)) => (*a as f64).total_cmp(b),
            (Float(a), Int(b)) => a.total_cmp(&(*b as f64)),
            (Text(a), Text(b)) => a.cmp(b),
            (Text(_), _) => Greater,
            (_, Text(_)) => Less,
        }
    }
}

impl From<Option<i64>> for SortValue {
    fn from(v: Option<i64>) -> Self {
        v.map_or(SortValue::Null, SortValue::Int)
    }
}

impl From<Option<f64>> for SortValue {
    fn from(v: Option<f64>) -> Self {
        v.map_or(SortValue::Null, SortValue::Float)
    }
}

/// Renders a page of records as JSON (the envelope) or CSV (a header row and
/// the records).
pub fn render_listing<T: Serialize + ToSchema>(
    records: Vec<T>,
    page: PageRequest,
    meta: Meta,
    format: Format,
) -> Result<Rendered, ApiError> {
    let total = records.len();
    let data: Vec<T> = records
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    match format {
        Format::Json => {
            let envelope = Envelope {
                data,
                page: Page {
                    limit: page.limit,
                    offset: page.offset,
                    total,
                },
                meta,
            };
            let body =
                serde_json::to_vec(&envelope).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(Rendered::new(body, "application/json"))
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::with_capacity(data.len() * 128));
            for r in &data {
                w.serialize(r)
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            }
            let body = w
                .into_inner()
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(Rendered::new(body, "text/csv; charset=utf-8"))
        }
    }
}

/// Renders a single resource as JSON.
pub fn render_single<T: Serialize + ToSchema>(data: T, meta: Meta) -> Result<Rendered, ApiError> {
    let body = serde_json::to_vec(&Single { data, meta })
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Rendered::new(body, "application/json"))
}

/// How long clients and caches may reuse a response without asking.
#[derive(Debug, Clone)]
pub struct CachePolicy {
    pub header: HeaderValue,
}

impl CachePolicy {
    pub fn max_age(seconds: u64) -> CachePolicy {
        let value = format!(
            "public, max-age={seconds}, stale-while-revalidate={}",
            seconds.saturating_mul(5)
        );
        CachePolicy {
            header: HeaderValue::from_str(&value)
                .unwrap_or_else(|_| HeaderValue::from_static("no-cache")),
        }
    }
}

/// The HTTP response for a rendered body: 304 when the client's ETag matches.
pub fn respond(
    req: &HttpRequest,
    rendered: &Rendered,
    policy: &CachePolicy,
    stale: bool,
) -> HttpResponse {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*"
                    || t.trim_start_matches("W/")
                        == rendered
                            .etag
                            .to_str()
                            .unwrap_or("")
                            .trim_start_matches("W/")
            })
        });
    let mut builder = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder.insert_header((header::ETAG, rendered.etag.clone()));
    builder.insert_header((header::CACHE_CONTROL, policy.header.clone()));
    builder.insert_header((
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    ));
    if stale {
        builder.insert_header(("X-Data-Stale", HeaderValue::from_static("true")));
    }
    if matches {
        return builder.finish();
    }
    builder.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(rendered.content_type),
    ));
    builder.body(rendered.body.clone())
}

/// What decides a rendered response: the data version, whether the Accept
/// header chose CSV, and the path and query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    version: i64,
    accept_csv: bool,
    uri: String,
}

/// A [`CacheKey`] borrowing the request's URI, so a cache hit allocates
/// nothing. Its derived hash equals the owned key's (`String` and `&str` hash
/// as `str`).
#[derive(Debug, Clone, Copy, Hash)]
pub struct CacheKeyRef<'a> {
    pub version: i64,
    pub accept_csv: bool,
    pub uri: &'a str,
}

impl CacheKeyRef<'_> {
    pub fn to_owned_key(self) -> CacheKey {
        CacheKey {
            version: self.version,
            accept_csv: self.accept_csv,
            uri: self.uri.to_owned(),
        }
    }
}

impl quick_cache::Equivalent<CacheKey> for CacheKeyRef<'_> {
    fn equivalent(&self, key: &CacheKey) -> bool {
        self.version == key.version && self.accept_csv == key.accept_csv && self.uri == key.uri
    }
}

/// Rendered responses.
pub type ResponseCache = quick_cache::sync::Cache<CacheKey, Arc<Rendered>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_borrowed_key_finds_what_its_owned_key_stored() {
        let cache = ResponseCache::new(8);
        let key = CacheKeyRef {
            version: 3,
            accept_csv: false,
            uri: "/v1/imports?partner=KR",
        };
        cache.insert(
            key.to_owned_key(),
            Arc::new(Rendered::new(b"{}".to_vec(), "application/json")),
        );
        assert!(cache.get(&key).is_some());
        assert!(cache.get(&CacheKeyRef { version: 4, ..key }).is_none());
        assert!(
            cache
                .get(&CacheKeyRef {
                    accept_csv: true,
                    ..key
                })
                .is_none()
        );
        assert!(
            cache
                .get(&CacheKeyRef {
                    uri: "/v1/imports?partner=CN",
                    ..key
                })
                .is_none()
        );
    }
}
