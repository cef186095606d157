//! Shaping responses: the JSON envelope, CSV, ETag and 304, cache headers,
//! content encoding, and a cache of rendered responses per data version,
//! bounded in bytes.

use std::hash::BuildHasher as _;
use std::sync::{Arc, OnceLock};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use atp_core::{Frequency, GroupId, Period};
use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::encoding::{self, Coding};
use crate::view::{Projected, View};

use super::error::ApiError;
use super::params::{Format, PageRequest, SortOrder, Sortable};

/// Paging of a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    #[schema(example = 1000)]
    pub limit: usize,
    #[schema(example = 0)]
    pub offset: usize,
    /// Records matching the query, over all pages.
    #[schema(example = 1)]
    pub total: usize,
    /// The first page: the query as asked, `offset` set (a path-absolute
    /// URL). The links are also in the `Link` header (RFC 8288), for CSV
    /// too, when there is more than one page.
    #[schema(example = "/v1/imports?partner=KR&limit=1000&offset=0")]
    pub first: Option<String>,
    /// The page holding the last record.
    #[schema(example = "/v1/imports?partner=KR&limit=1000&offset=0")]
    pub last: Option<String>,
    /// The previous page (null on the first).
    pub prev: Option<String>,
    /// The next page (null on the last).
    pub next: Option<String>,
}

/// Where the pages of a listing are: its path and its query as asked,
/// without `offset`.
#[derive(Debug, Clone)]
pub struct PageLinks {
    /// `path?query&` (or `path?`), to which `offset=N` is appended.
    base: String,
}

impl PageLinks {
    pub fn new<'q>(path: &str, pairs: impl Iterator<Item = (&'q str, &'q str)>) -> PageLinks {
        let mut base = String::with_capacity(path.len() + 128);
        base.push_str(path);
        base.push('?');
        let start = base.len();
        let mut query = form_urlencoded::Serializer::for_suffix(base, start);
        for (name, value) in pairs.filter(|(name, _)| *name != "offset") {
            query.append_pair(name, value);
        }
        let mut base = query.finish();
        if base.len() > start {
            base.push('&');
        }
        PageLinks { base }
    }

    fn at(&self, offset: usize) -> String {
        let mut url = String::with_capacity(self.base.len() + 27);
        url.push_str(&self.base);
        url.push_str("offset=");
        url.push_str(itoa::Buffer::new().format(offset));
        url
    }

    /// The page's links, and the `Link` header that carries them.
    fn page(&self, limit: usize, offset: usize, total: usize) -> (Page, Option<HeaderValue>) {
        let limit = limit.max(1);
        let last = total.saturating_sub(1) / limit * limit;
        let page = Page {
            limit,
            offset,
            total,
            first: Some(self.at(0)),
            last: Some(self.at(last)),
            prev: (offset > 0).then(|| self.at(offset.saturating_sub(limit).min(last))),
            next: (offset.saturating_add(limit) < total).then(|| self.at(offset + limit)),
        };
        // A listing that fits on one page has nothing to link to: no
        // header (as GitHub's API does), and a lookup's answer is a fifth
        // smaller on the wire. `page` still names first and last.
        if page.prev.is_none() && page.next.is_none() {
            return (page, None);
        }
        let mut header = String::new();
        for (rel, url) in [
            ("first", &page.first),
            ("prev", &page.prev),
            ("next", &page.next),
            ("last", &page.last),
        ] {
            if let Some(url) = url {
                if !header.is_empty() {
                    header.push_str(", ");
                }
                header.push_str(&format!("<{url}>; rel=\"{rel}\""));
            }
        }
        (page, HeaderValue::from_str(&header).ok())
    }
}

/// What a listing is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Meta {
    /// The dataset queried (null for reference listings).
    #[schema(example = "kiat-2026-04")]
    pub dataset: Option<String>,
    /// The vintage served (null for reference listings).
    #[schema(example = "2026-04")]
    pub vintage: Option<String>,
    /// Money is in whole US dollars.
    #[schema(example = "USD")]
    pub units: &'static str,
    /// The frequency of the periods served (null where none applies).
    #[schema(example = "annual")]
    pub frequency: Option<&'static str>,
    /// The transform of `value` (null for listings without one).
    pub transform: Option<TransformMeta>,
    /// The data version served (grows with every import).
    pub data_version: i64,
    /// The query as understood.
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub query: QueryEcho,
    /// What the dataset covers (null for reference listings).
    pub coverage: Option<Coverage>,
    /// Why a valid query matched nothing (null otherwise).
    pub notice: Option<Notice>,
    /// What a reader of these figures should know (a comparison of sources
    /// that define a total differently, ...).
    pub notes: Vec<String>,
    /// Where the listing's pages are (not part of the body's `meta`: the
    /// links are in `page`).
    #[serde(skip)]
    #[schema(ignore)]
    pub links: Option<PageLinks>,
}

/// The query as understood: each parameter given, by name, its values
/// joined with commas; written as an object with the names in order.
#[derive(Debug, Clone, Default)]
pub struct QueryEcho(Vec<(&'static str, String)>);

impl QueryEcho {
    pub fn with_capacity(parameters: usize) -> QueryEcho {
        QueryEcho(Vec::with_capacity(parameters))
    }

    /// Sets a parameter's value (a name given twice keeps the last value).
    pub fn insert(&mut self, name: &'static str, value: String) {
        match self.0.binary_search_by(|(n, _)| (*n).cmp(name)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name, value)),
        }
    }
}

impl Serialize for QueryEcho {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(n, v)| (n, v)))
    }
}

/// How `value` is computed from the stored series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransformMeta {
    /// `lin`, `chg`, `ch1`, `pch`, `pc1`, `pca` or `log`.
    #[schema(example = "pc1")]
    pub units: &'static str,
    /// `trailing-12`, `year-to-date`, or null.
    #[schema(example = "trailing-12")]
    pub rolling: Option<&'static str>,
    #[schema(example = "the percent change from a year ago")]
    pub description: String,
}

// Its lists are the dataset view's own, shared: every answer says them,
// and copying them cost six allocations an answer.
/// What a dataset covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    /// The first and last period with figures (a year or a month).
    #[schema(value_type = Option<String>, example = "2014")]
    pub first_period: Option<Period>,
    #[schema(value_type = Option<String>, example = "2024")]
    pub last_period: Option<Period>,
    /// How many periods have figures (they need not be contiguous: see
    /// /v1/periods).
    #[schema(example = 2)]
    pub periods: usize,
    /// `annual`, `monthly` or both.
    #[schema(value_type = Vec<String>)]
    pub frequencies: Shared<Frequency>,
    /// The periods as runs (`2014, 2024`, `1989-01..2024-06`).
    #[schema(value_type = Vec<String>)]
    pub period_ranges: Shared<String>,
    /// The values of the group dimension with figures (`all` first).
    #[schema(value_type = Vec<String>)]
    pub groups: Shared<GroupId>,
    /// How many partners have figures (see /v1/partners).
    #[schema(example = 7)]
    pub partners: usize,
}

/// A list shared with what it describes (cloned by a reference count),
/// written as an array.
#[derive(Debug, Clone)]
pub struct Shared<T>(pub Arc<[T]>);

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// Why a valid query matched nothing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    /// `out_of_coverage` (a period the dataset does not cover),
    /// `not_in_dataset` (a partner or group it has no figures for) or
    /// `no_figure` (all covered, but the source gives no figure for this
    /// combination).
    #[schema(example = "out_of_coverage")]
    pub code: &'static str,
    #[schema(example = "the dataset covers 2014, 2024; the query asks for 2023 (annual)")]
    pub detail: String,
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

/// The seed of the ETag hash (any fixed value: tags must agree between
/// replicas and restarts of one build).
const ETAG_SEED: u64 = 0x6174_705f_6574_6167;

/// `W/"<hash, 16 hex digits>-<length in hex>"`, written without the
/// formatting machinery (a random lookup's answer is built in a few
/// microseconds; `format!` was a twentieth of them).
fn etag_text(hash: u64, len: usize) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(40);
    out.extend_from_slice(b"W/\"");
    for i in (0..16).rev() {
        out.push(HEX[((hash >> (4 * i)) & 0xf) as usize]);
    }
    out.push(b'-');
    let len = len as u64;
    let digits = (64 - len.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.push(HEX[((len >> (4 * i)) & 0xf) as usize]);
    }
    out.push(b'"');
    out
}

/// A rendered response, kept for repeated queries, with each compressed
/// variant made the first time a client asks for it.
#[derive(Debug)]
pub struct Rendered {
    pub body: Bytes,
    pub content_type: &'static str,
    pub etag: HeaderValue,
    /// The `Link` header of a listing's page.
    pub link: Option<HeaderValue>,
    /// The `Content-Language` of an answer with names or labels in a
    /// language.
    pub language: Option<HeaderValue>,
    /// The route pattern it was rendered for (`/v1/imports`), set when it
    /// is kept in the cache: the metrics' label of a hit answered before
    /// routing.
    route: OnceLock<Box<str>>,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Rendered {
    pub fn new(mut body: Vec<u8>, content_type: &'static str) -> Rendered {
        // A cached body keeps no spare capacity (serde_json's buffer can be
        // twice the length): the cache's byte budget counts what is held.
        if body.capacity() > body.len() + body.len() / 8 {
            body.shrink_to_fit();
        }
        // foldhash, fixed seed: the same body gets the same tag in every
        // replica; several times faster than SipHash over a 100 kB body.
        let hash = foldhash::fast::FixedState::with_seed(ETAG_SEED).hash_one(&body[..]);
        let etag = HeaderValue::from_bytes(&etag_text(hash, body.len()))
            .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""));
        Rendered {
            body: Bytes::from(body),
            content_type,
            etag,
            link: None,
            language: None,
            route: OnceLock::new(),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body in `coding`, compressed once; and whether this call made it.
    fn variant(&self, coding: Coding) -> (Bytes, bool) {
        let cell = match coding {
            Coding::Identity => return (self.body.clone(), false),
            Coding::Gzip => &self.gzip,
            Coding::Brotli => &self.brotli,
        };
        let mut made = false;
        let bytes = cell.get_or_init(|| {
            made = true;
            encoding::compress(coding, &self.body)
        });
        (bytes.clone(), made)
    }

    /// The route pattern of a kept response.
    pub fn route(&self) -> Option<&str> {
        self.route.get().map(|r| &**r)
    }

    /// Bytes held: the body and every variant made so far.
    pub fn bytes(&self) -> usize {
        self.body.len()
            + self.gzip.get().map_or(0, Bytes::len)
            + self.brotli.get().map_or(0, Bytes::len)
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
/// the records), as the view asks: every field, or those of `fields=` and
/// the names of `include=names` ([`Projected`]); CSV headed by field names
/// or by labels in the view's language.
pub fn render_listing<T: Serialize + ToSchema>(
    records: Vec<T>,
    page: PageRequest,
    meta: Meta,
    view: View<'_>,
) -> Result<Rendered, ApiError> {
    let plan = view.plan::<T>()?;
    let total = records.len();
    let end = page.offset.saturating_add(page.limit).min(total);
    let data = &records[page.offset.min(total)..end];
    let (paging, link) = match &meta.links {
        Some(links) => links.page(page.limit, page.offset, total),
        None => (
            Page {
                limit: page.limit,
                offset: page.offset,
                total,
                first: None,
                last: None,
                prev: None,
                next: None,
            },
            None,
        ),
    };
    let mut rendered = match (view.format, &plan) {
        (Format::Json, None) => json_envelope(data, &paging, &meta)?,
        (Format::Json, Some(plan)) => {
            let projected: Vec<Projected<'_, T>> = data
                .iter()
                .map(|record| Projected { record, plan })
                .collect();
            json_envelope(&projected, &paging, &meta)?
        }
        (Format::Csv, plan) => {
            let mut body = Vec::with_capacity(data.len() * 160);
            let language = view.language;
            let label = |name: &'static str| {
                if view.labels() {
                    crate::labels::label(name, language.is_ko()).unwrap_or(name)
                } else {
                    name
                }
            };
            let written = match plan {
                None => crate::csv_out::write_records(data, &mut body, label),
                Some(plan) => {
                    let projected: Vec<Projected<'_, T>> = data
                        .iter()
                        .map(|record| Projected { record, plan })
                        .collect();
                    crate::csv_out::write_records(&projected, &mut body, label)
                }
            };
            written.map_err(|e| ApiError::Internal(e.to_string()))?;
            Rendered::new(body, "text/csv; charset=utf-8")
        }
    };
    rendered.link = link;
    if view.language.is_ko() && (plan.is_some() || view.labels()) {
        rendered.language = Some(view.language.header());
    }
    Ok(rendered)
}

/// The JSON envelope of a page of records: `data`, `page`, `meta`.
#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    data: &'a [T],
    page: &'a Page,
    meta: &'a Meta,
}

fn json_envelope<T: Serialize>(data: &[T], page: &Page, meta: &Meta) -> Result<Rendered, ApiError> {
    // Our writer, not serde_json: the same bytes (crate::json's tests),
    // field names copied rather than escaped (BENCHMARKS.md, issue 13).
    let mut body = Vec::with_capacity(json_capacity(data));
    crate::json::to_writer(&mut body, &EnvelopeOut { data, page, meta })
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Rendered::new(body, "application/json"))
}

/// A buffer size for a listing's JSON: the first record's size times the
/// records, a tenth more, and room for the envelope. Writing into a buffer
/// that grows by doubling copied the body about twice over (a tenth of a
/// 240-record growth answer's time).
fn json_capacity<T: Serialize>(data: &[T]) -> usize {
    const ENVELOPE: usize = 2048;
    // A few records fit a few kilobytes: measuring one would write it twice
    // (a single-record lookup is the most frequent answer).
    if data.len() <= 4 {
        return ENVELOPE + 1024 * data.len();
    }
    let Some(first) = data.first() else {
        return ENVELOPE;
    };
    let mut one = Vec::with_capacity(1024);
    if crate::json::to_writer(&mut one, first).is_err() {
        return ENVELOPE;
    }
    (one.len() + 1)
        .saturating_mul(data.len())
        .saturating_mul(11)
        / 10
        + ENVELOPE
}

/// Renders a single resource as JSON.
pub fn render_single<T: Serialize + ToSchema>(data: T, meta: Meta) -> Result<Rendered, ApiError> {
    let body = crate::json::to_vec(&Single { data, meta })
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

/// The HTTP response for a rendered body: 304 when the client's ETag
/// matches; otherwise the body in the coding the client accepts, compressed
/// once and kept with the rendered response. `cached` is the cache entry the
/// response came from, re-weighed when a new variant was made.
pub fn respond(
    req: &HttpRequest,
    rendered: &Arc<Rendered>,
    policy: &CachePolicy,
    stale: bool,
    cached: Option<(&ResponseCache, CacheKeyRef<'_>)>,
) -> HttpResponse {
    let matches = etag_matches(req, &rendered.etag);
    let mut builder = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder.insert_header((header::ETAG, rendered.etag.clone()));
    builder.insert_header((header::CACHE_CONTROL, policy.header.clone()));
    builder.insert_header((
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding, Accept-Language"),
    ));
    if stale {
        builder.insert_header(("X-Data-Stale", HeaderValue::from_static("true")));
    }
    if matches {
        return builder.finish();
    }
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let coding = encoding::negotiate(accept, rendered.body.len());
    let (body, made) = rendered.variant(coding);
    if made && let Some((cache, key)) = cached {
        cache.reweigh(key, rendered);
    }
    if let Some(value) = coding.header() {
        builder.insert_header((header::CONTENT_ENCODING, value));
    }
    builder.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(rendered.content_type),
    ));
    if let Some(link) = &rendered.link {
        builder.insert_header((header::LINK, link.clone()));
    }
    if let Some(language) = &rendered.language {
        builder.insert_header((header::CONTENT_LANGUAGE, language.clone()));
    }
    if rendered.content_type.starts_with("text/csv")
        && let Ok(value) = HeaderValue::from_str(&content_disposition(req.path()))
    {
        builder.insert_header((header::CONTENT_DISPOSITION, value));
    }
    builder.body(body)
}

/// Whether the request's `If-None-Match` names `etag` (weakly: `W/` aside)
/// or is `*`.
pub fn etag_matches(req: &HttpRequest, etag: &HeaderValue) -> bool {
    let Some(asked) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let etag = etag.to_str().unwrap_or("").trim_start_matches("W/");
    asked.split(',').any(|t| {
        let t = t.trim();
        t == "*" || t.trim_start_matches("W/") == etag
    })
}

/// `attachment; filename="partners-KR-profile.csv"`: the path after `/v1`,
/// its segments joined, as a file name (for a browser that downloads it; a
/// notebook reading the URL needs none).
fn content_disposition(path: &str) -> String {
    let name: String = path
        .trim_start_matches("/v1/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = if name.is_empty() {
        "data".to_owned()
    } else {
        name
    };
    format!("attachment; filename=\"{name}.csv\"")
}

/// What decides a rendered response: the data version, whether the Accept
/// header chose CSV, whether the Accept-Language header chose Korean, and
/// the path and query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub version: i64,
    pub accept_csv: bool,
    /// Whether the Accept-Language header chose Korean.
    pub korean: bool,
    pub uri: String,
}

impl CacheKey {
    pub fn as_ref(&self) -> CacheKeyRef<'_> {
        CacheKeyRef {
            version: self.version,
            accept_csv: self.accept_csv,
            korean: self.korean,
            uri: &self.uri,
        }
    }
}

/// A [`CacheKey`] borrowing the request's URI, so a cache hit allocates
/// nothing. Its derived hash equals the owned key's (`String` and `&str` hash
/// as `str`).
#[derive(Debug, Clone, Copy, Hash)]
pub struct CacheKeyRef<'a> {
    pub version: i64,
    pub accept_csv: bool,
    pub korean: bool,
    pub uri: &'a str,
}

impl CacheKeyRef<'_> {
    pub fn to_owned_key(self) -> CacheKey {
        CacheKey {
            version: self.version,
            accept_csv: self.accept_csv,
            korean: self.korean,
            uri: self.uri.to_owned(),
        }
    }
}

impl quick_cache::Equivalent<CacheKey> for CacheKeyRef<'_> {
    fn equivalent(&self, key: &CacheKey) -> bool {
        self.version == key.version
            && self.accept_csv == key.accept_csv
            && self.korean == key.korean
            && self.uri == key.uri
    }
}

/// Bytes of bookkeeping per entry counted on top of the bytes it holds.
const ENTRY_OVERHEAD: usize = 256;

/// A kept response and what it cost when it was (last) inserted: its bytes
/// (body and compressed variants), its key and the bookkeeping around
/// them. The cost is fixed per insertion (the cache subtracts what it
/// added); a new variant is counted by inserting again.
#[derive(Debug, Clone)]
pub struct Entry {
    rendered: Arc<Rendered>,
    weight: u64,
}

/// What a cache entry costs, as recorded in it.
#[derive(Debug, Clone, Copy)]
pub struct EntryWeight;

impl quick_cache::Weighter<CacheKey, Entry> for EntryWeight {
    fn weight(&self, _key: &CacheKey, entry: &Entry) -> u64 {
        entry.weight
    }
}

/// Rendered responses of the current data version, bounded in entries and
/// in bytes (compressed variants counted); a response larger than
/// `max_entry_bytes` is served but not kept.
///
/// A response is kept the second time its key is rendered, not the first
/// (a doorkeeper: a fixed table of recently seen key hashes). A dashboard
/// polling its URLs is answered from the cache from its second poll on; a
/// notebook asking ever-different queries does not pay for inserting and
/// evicting responses nobody asks for again (a tenth of a random lookup's
/// time) nor push the repeated ones out.
#[derive(Debug)]
pub struct ResponseCache {
    entries: quick_cache::sync::Cache<CacheKey, Entry, EntryWeight>,
    max_entry_bytes: usize,
    seen: Box<[std::sync::atomic::AtomicU64]>,
}

/// Slots of the doorkeeper (8 bytes each): a key seen once is remembered
/// until another key's hash takes its slot.
const DOORKEEPER_SLOTS: usize = 1 << 16;

impl ResponseCache {
    pub fn new(max_entries: usize, max_bytes: u64, max_entry_bytes: usize) -> ResponseCache {
        ResponseCache {
            entries: quick_cache::sync::Cache::with_weighter(max_entries, max_bytes, EntryWeight),
            max_entry_bytes,
            seen: (0..DOORKEEPER_SLOTS)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
        }
    }

    /// Whether `key` was rendered before (recently): remembers it if not.
    fn seen_before(&self, key: CacheKeyRef<'_>) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        // 0 marks an empty slot: a key hashing to 0 is never remembered.
        let hash = foldhash::fast::FixedState::with_seed(ETAG_SEED).hash_one(key) | 1;
        let slot = &self.seen[(hash as usize) & (DOORKEEPER_SLOTS - 1)];
        if slot.load(Relaxed) == hash {
            true
        } else {
            slot.store(hash, Relaxed);
            false
        }
    }

    pub fn get(&self, key: &CacheKeyRef<'_>) -> Option<Arc<Rendered>> {
        self.entries.get(key).map(|e| e.rendered)
    }

    fn entry(key: &CacheKey, rendered: &Arc<Rendered>) -> Entry {
        Entry {
            rendered: rendered.clone(),
            weight: (key.uri.len() + rendered.bytes() + ENTRY_OVERHEAD) as u64,
        }
    }

    /// Keeps a response rendered for the second time, unless it is larger
    /// than an entry may be, with the pattern of the route it answers
    /// (`route`, asked only then; a response without one is not kept).
    /// Whether it was kept.
    pub fn insert(
        &self,
        key: CacheKeyRef<'_>,
        rendered: Arc<Rendered>,
        route: impl FnOnce() -> Option<String>,
    ) -> bool {
        if rendered.bytes() > self.max_entry_bytes || !self.seen_before(key) {
            return false;
        }
        if rendered.route.get().is_none() {
            let Some(route) = route() else {
                return false;
            };
            let _ = rendered.route.set(route.into_boxed_str());
        }
        let key = key.to_owned_key();
        let entry = Self::entry(&key, &rendered);
        self.entries.insert(key, entry);
        true
    }

    /// Counts a new variant of a kept response (or drops the entry if it
    /// has grown past the entry limit). A response that is not kept (any
    /// more) stays out: only [`ResponseCache::insert`] lets one in.
    pub fn reweigh(&self, key: CacheKeyRef<'_>, rendered: &Arc<Rendered>) {
        if !self.entries.contains_key(&key) {
            return;
        }
        if rendered.bytes() <= self.max_entry_bytes {
            let key = key.to_owned_key();
            let entry = Self::entry(&key, rendered);
            self.entries.insert(key, entry);
        } else {
            self.entries.remove(&key);
        }
    }

    pub fn clear(&self) {
        self.entries.clear();
    }

    /// Bytes held, as weighed.
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> Option<String> {
        Some("/v1/imports".to_owned())
    }

    #[test]
    fn the_cache_is_bounded_in_bytes_variants_counted() {
        let cache = ResponseCache::new(1000, 200_000, 50_000);
        let body = |n: usize| Arc::new(Rendered::new(vec![b'x'; n], "application/json"));
        for i in 0..100 {
            let key = CacheKey {
                version: 1,
                accept_csv: false,
                korean: false,
                uri: format!("/v1/imports?partner={i}"),
            };
            // Kept when rendered a second time.
            cache.insert(key.as_ref(), body(10_000), route);
            assert!(cache.get(&key.as_ref()).is_none(), "kept at first sight");
            cache.insert(key.as_ref(), body(10_000), route);
        }
        assert!(cache.weight() <= 200_000, "{}", cache.weight());
        assert!(cache.len() < 100);
        // Too large for one entry: served, not kept.
        let big = CacheKey {
            version: 1,
            accept_csv: false,
            korean: false,
            uri: "/big".to_owned(),
        };
        cache.insert(big.as_ref(), body(60_000), route);
        cache.insert(big.as_ref(), body(60_000), route);
        assert!(cache.get(&big.as_ref()).is_none());
        // A variant made later counts.
        let key = CacheKey {
            version: 1,
            accept_csv: false,
            korean: false,
            uri: "/v".to_owned(),
        };
        let r = body(20_000);
        cache.insert(key.as_ref(), r.clone(), route);
        cache.insert(key.as_ref(), r.clone(), route);
        let before = cache.weight();
        let (_, made) = r.variant(Coding::Gzip);
        assert!(made);
        cache.reweigh(key.as_ref(), &r);
        assert!(cache.weight() > before);
        assert!(!r.variant(Coding::Gzip).1, "made once");
        // A response whose route is unknown is not kept (a hit answered
        // before routing needs the route's name for the metrics).
        let unrouted = CacheKeyRef {
            uri: "/unrouted",
            ..key.as_ref()
        };
        for _ in 0..2 {
            cache.insert(unrouted, body(10), || None);
        }
        assert!(cache.get(&unrouted).is_none());
    }

    /// A response rendered for the first time is not kept, and making its
    /// compressed variant does not let it in past the doorkeeper (it did:
    /// every gzip answer of a random-query run was kept).
    #[test]
    fn a_variant_of_a_response_not_kept_stays_out() {
        let cache = ResponseCache::new(8, 1 << 20, 1 << 20);
        let key = CacheKeyRef {
            version: 1,
            accept_csv: false,
            korean: false,
            uri: "/v1/imports?partner=KR",
        };
        let first = Arc::new(Rendered::new(vec![b'x'; 4000], "application/json"));
        assert!(!cache.insert(key, first.clone(), route), "first sight");
        assert!(first.variant(Coding::Gzip).1);
        cache.reweigh(key, &first);
        assert!(cache.get(&key).is_none());
        assert_eq!(cache.weight(), 0);
        let second = Arc::new(Rendered::new(vec![b'x'; 4000], "application/json"));
        assert!(cache.insert(key, second.clone(), route), "second sight");
        let before = cache.weight();
        assert!(second.variant(Coding::Brotli).1);
        cache.reweigh(key, &second);
        assert!(cache.weight() > before, "a kept response's variant counts");
    }

    #[test]
    fn etags_read_as_they_did_when_formatted() {
        for (hash, len) in [
            (0u64, 0usize),
            (1, 1),
            (0x4afe_7a1d_fa7d_008d, 0x49c),
            (u64::MAX, 15),
            (0x10, 16),
            (7, 183_909),
            (u64::MAX, usize::MAX),
        ] {
            assert_eq!(
                String::from_utf8(etag_text(hash, len)).unwrap(),
                format!("W/\"{hash:016x}-{len:x}\""),
            );
        }
    }

    #[test]
    fn a_borrowed_key_finds_what_its_owned_key_stored() {
        let cache = ResponseCache::new(8, 1 << 20, 1 << 20);
        let key = CacheKeyRef {
            version: 3,
            accept_csv: false,
            korean: false,
            uri: "/v1/imports?partner=KR",
        };
        for _ in 0..2 {
            cache.insert(
                key,
                Arc::new(Rendered::new(b"{}".to_vec(), "application/json")),
                route,
            );
        }
        assert_eq!(cache.get(&key).unwrap().route(), Some("/v1/imports"));
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
        assert!(
            cache
                .get(&CacheKeyRef {
                    korean: true,
                    ..key
                })
                .is_none()
        );
    }
}
