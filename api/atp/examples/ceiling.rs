//! The load test's ceiling: a minimal actix-web server that answers each
//! benchmarked URL with the same bytes `atp serve` returned for it,
//! precomputed. What `atp serve` achieves is compared with this.
//!
//! Usage: `ceiling ADDR [CODING:]URL=FILE...`. URL is the path and query
//! string, or `PATH?*NAME,NAME...` for any query on PATH that names those
//! parameters, the pattern naming most of them winning (the random-query
//! runs: a body of the size the real answers have). CODING is `br` or `gzip` for a
//! compressed variant, sent (with `Content-Encoding`) to a request whose
//! `Accept-Encoding` names it, brotli first, as `atp serve` chooses.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// The bodies of one URL: as they are, and compressed.
#[derive(Default)]
struct Variants {
    identity: Option<web::Bytes>,
    br: Option<web::Bytes>,
    gzip: Option<web::Bytes>,
}

type Bodies = HashMap<String, Variants>;

/// The pattern `PATH?*NAME,...` that matches a request naming the most
/// parameters.
fn pattern<'b>(bodies: &'b Bodies, path: &str, query: &str) -> Option<&'b Variants> {
    let names: Vec<&str> = query
        .split('&')
        .map(|p| p.split('=').next().unwrap_or(""))
        .collect();
    let prefix = format!("{path}?*");
    bodies
        .iter()
        .filter_map(|(k, v)| {
            let wanted: Vec<&str> = k.strip_prefix(&prefix)?.split(',').collect();
            wanted
                .iter()
                .all(|w| names.contains(w))
                .then_some((wanted.len(), v))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, v)| v)
}

async fn answer(req: HttpRequest, bodies: web::Data<Bodies>) -> HttpResponse {
    let uri = req.uri().path_and_query().map_or("", |p| p.as_str());
    let found = bodies
        .get(uri)
        .or_else(|| pattern(&bodies, req.uri().path(), req.uri().query().unwrap_or("")));
    let Some(v) = found else {
        return HttpResponse::NotFound().finish();
    };
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (coding, body) = if accept.contains("br") && v.br.is_some() {
        (Some("br"), v.br.clone())
    } else if accept.contains("gzip") && v.gzip.is_some() {
        (Some("gzip"), v.gzip.clone())
    } else {
        (None, v.identity.clone())
    };
    let Some(body) = body else {
        return HttpResponse::NotFound().finish();
    };
    let mut r = HttpResponse::Ok();
    r.content_type("application/json");
    if let Some(coding) = coding {
        r.insert_header((header::CONTENT_ENCODING, coding));
    }
    r.body(body)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let mut bodies: Bodies = HashMap::new();
    for pair in args {
        let (spec, file) = pair
            .rsplit_once('=')
            .ok_or_else(|| std::io::Error::other(format!("expected URL=FILE, got {pair}")))?;
        let (coding, url) = match spec.split_once(':') {
            Some((c @ ("br" | "gzip"), url)) => (c, url),
            _ => ("identity", spec),
        };
        let bytes = Some(web::Bytes::from(std::fs::read(file)?));
        let v = bodies.entry(url.to_owned()).or_default();
        match coding {
            "br" => v.br = bytes,
            "gzip" => v.gzip = bytes,
            _ => v.identity = bytes,
        }
    }
    let bodies = web::Data::from(Arc::new(bodies));
    let workers = std::env::var("CEILING_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(1);
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(bodies.clone())
                .default_service(web::to(answer))
        })
        .workers(workers)
        .bind(&bind)?;
        writeln!(std::io::stderr(), "ceiling listening on {bind}")?;
        server.run().await
    })
}
