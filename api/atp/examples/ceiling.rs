//! The load test's ceiling: a minimal actix-web server that answers each
//! benchmarked URL with the same bytes `atp serve` returned for it,
//! precomputed. What `atp serve` achieves is compared with this.
//!
//! Usage: `ceiling ADDR URL=FILE...` (URL is the path and query string).

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

async fn answer(req: HttpRequest, bodies: web::Data<HashMap<String, web::Bytes>>) -> HttpResponse {
    let uri = req.uri().path_and_query().map_or("", |p| p.as_str());
    match bodies.get(uri) {
        Some(body) => HttpResponse::Ok()
            .content_type("application/json")
            .body(body.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let mut bodies = HashMap::new();
    for pair in args {
        let (url, file) = pair
            .rsplit_once('=')
            .ok_or_else(|| std::io::Error::other(format!("expected URL=FILE, got {pair}")))?;
        bodies.insert(url.to_owned(), web::Bytes::from(std::fs::read(file)?));
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
