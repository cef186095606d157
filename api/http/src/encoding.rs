//! Content encoding: which coding a client gets (`Accept-Encoding`, with
//! q-values), and compression at levels meant for dynamic content. Rendered
//! data responses keep each compressed variant they were asked for once
//! (see `respond`); everything else (the spec, the docs, metrics, problem
//! documents) is compressed on the way out by [`compress_response`].
//!
//! Bounded work: bodies under [`MIN_COMPRESS_BYTES`] are not compressed (the
//! header costs more than it saves); brotli and gzip run at levels for
//! dynamic content, chosen by the body's size ([`Levels::for_body`]): the
//! brotli crate's fixed cost per call (its hash tables allocated and zeroed:
//! 36 us at quality 4 for a 1.2 kB body, more than the rest of a random
//! lookup) is why a small body gets a lower level (BENCHMARKS.md, issue 13,
//! fifth pass). Quality 11, the brotli crate's default, costs about 100 ms
//! of CPU for a few megabytes.

use std::io::Write as _;

use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use bytes::Bytes;

/// Bodies smaller than this are sent as they are.
pub const MIN_COMPRESS_BYTES: usize = 1024;
/// gzip level (1 fastest, 9 smallest) of bodies from [`LARGE_BODY_BYTES`]
/// on, and of streamed downloads.
pub const GZIP_LEVEL: u32 = 5;
/// From this size on a body is compressed at the levels that make it
/// smallest for its CPU; below it, at the fastest that keep it nearly as
/// small.
pub const LARGE_BODY_BYTES: usize = 64 * 1024;
/// The largest body compressed on the way out (larger ones are sent as
/// they are; rendered data responses are bounded by their page size).
pub const MAX_COMPRESS_BYTES: usize = 32 * 1024 * 1024;

/// The compression levels of one body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    /// gzip level (1 fastest, 9 smallest).
    pub gzip: u32,
    /// brotli quality (0 fastest, 11 smallest).
    pub brotli: u32,
    /// brotli window: log2 of the bytes it looks back over (10 to 20: no
    /// larger than the body needs, at most 1 MiB).
    pub brotli_window: u32,
}

impl Levels {
    /// Measured on the random-query bodies (BENCHMARKS.md, issue 13, fifth
    /// pass): a 1.2 kB lookup takes 36 us at brotli quality 4 and 14 us at
    /// quality 2 (613 bytes instead of 566), a 13 kB series 62 and 37 us
    /// (1,084 bytes instead of 1,064), gzip level 5 and 1 18 and 13 us, 48
    /// and 19 us; a 184 kB growth answer is 13,767 bytes at quality 4 in 729
    /// us with its window sized to it (859 us with a 1 MiB window) and
    /// 16,548 at quality 2.
    pub fn for_body(len: usize) -> Levels {
        let bits = usize::BITS - len.leading_zeros();
        let brotli_window = bits.clamp(10, 20);
        if len < LARGE_BODY_BYTES {
            Levels {
                gzip: 1,
                brotli: 2,
                brotli_window,
            }
        } else {
            Levels {
                gzip: GZIP_LEVEL,
                brotli: 4,
                brotli_window,
            }
        }
    }
}

/// A content coding the service can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    pub fn header(self) -> Option<HeaderValue> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }
}

/// The coding to send a body of `len` bytes in, given `Accept-Encoding`:
/// brotli when the client takes it at least as gladly as gzip, else gzip,
/// else none; none for small bodies.
pub fn negotiate(accept_encoding: Option<&str>, len: usize) -> Coding {
    let Some(accept) = accept_encoding else {
        return Coding::Identity;
    };
    if len < MIN_COMPRESS_BYTES {
        return Coding::Identity;
    }
    let (mut br, mut gzip, mut any) = (None::<f32>, None::<f32>, None::<f32>);
    for (name, q) in crate::params::weighted(accept) {
        if name.eq_ignore_ascii_case("br") {
            br = Some(q);
        } else if is_gzip(name) {
            gzip = Some(q);
        } else if name == "*" {
            any = Some(q);
        }
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

fn is_gzip(coding: &str) -> bool {
    coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip")
}

/// Whether the client takes gzip (`gzip` or `x-gzip`, else `*`, with a
/// q-value above 0): a download streamed in gzip needs no other coding.
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let Some(accept) = accept_encoding else {
        return false;
    };
    let (mut gzip, mut any) = (None::<f32>, None::<f32>);
    for (name, q) in crate::params::weighted(accept) {
        if is_gzip(name) {
            gzip = Some(q);
        } else if name == "*" {
            any = Some(q);
        }
    }
    gzip.or(any).unwrap_or(0.0) > 0.0
}

/// `body` in `coding`, at the levels for its size.
pub fn compress(coding: Coding, body: &[u8]) -> Bytes {
    let levels = Levels::for_body(body.len());
    match coding {
        Coding::Identity => Bytes::copy_from_slice(body),
        Coding::Gzip => {
            let mut e = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 4),
                flate2::Compression::new(levels.gzip),
            );
            // Writing into a Vec cannot fail.
            let _ = e.write_all(body);
            exact(e.finish().unwrap_or_default())
        }
        Coding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 4);
            {
                let mut w = brotli::CompressorWriter::new(
                    &mut out,
                    4096,
                    levels.brotli,
                    levels.brotli_window,
                );
                let _ = w.write_all(body);
            }
            exact(out)
        }
    }
}

/// The bytes without spare capacity: a compressed variant is kept in the
/// response cache, whose byte budget counts its length (the output buffer
/// starts at a quarter of the body and doubles: a growth answer's brotli
/// variant held 46 kB for 13.7 kB).
fn exact(mut v: Vec<u8>) -> Bytes {
    v.shrink_to_fit();
    Bytes::from(v)
}

/// Whether a response's coding has been chosen already: it has a
/// `Content-Encoding`, or its `Vary` names `Accept-Encoding` (a rendered
/// data response, a download).
fn negotiated(headers: &header::HeaderMap) -> bool {
    headers.contains_key(header::CONTENT_ENCODING)
        || headers.get_all(header::VARY).any(|v| {
            v.as_bytes()
                .split(|b| *b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"accept-encoding"))
        })
}

/// Compresses what no handler encoded itself, when the client asks for it
/// and the body is complete and large enough (the request middleware,
/// `observe::observe_request`, calls it on every response).
pub fn compress_response<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B, BoxBody>> {
    let Some(accept) = response
        .request()
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return response.map_into_left_body();
    };
    if response.status() == actix_web::http::StatusCode::NOT_MODIFIED
        || negotiated(response.headers())
    {
        return response.map_into_left_body();
    }
    // Decided before the body is taken: `accept` borrows the request.
    let coding = match response.response().body().size() {
        BodySize::Sized(len) if len as usize <= MAX_COMPRESS_BYTES => {
            negotiate(Some(accept), len as usize)
        }
        _ => Coding::Identity,
    };
    let Some(value) = coding.header() else {
        return response.map_into_left_body();
    };
    let (req, res) = response.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        Err(body) => {
            // A streamed body is passed on as it is.
            let res = head.set_body(body);
            return ServiceResponse::new(req, res).map_into_left_body();
        }
    };
    head.headers_mut().insert(header::CONTENT_ENCODING, value);
    head.headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    head.headers_mut().remove(header::CONTENT_LENGTH);
    let res = head
        .set_body(compress(coding, &bytes))
        .map_into_boxed_body();
    ServiceResponse::new(req, res).map_into_right_body()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn browsers_get_brotli_and_q_values_count() {
        let big = 10_000;
        assert_eq!(negotiate(Some("gzip, deflate, br"), big), Coding::Brotli);
        assert_eq!(negotiate(Some("gzip, deflate, br"), 100), Coding::Identity);
        assert_eq!(negotiate(Some("gzip"), big), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0.5, gzip"), big), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, gzip;q=0"), big), Coding::Identity);
        assert_eq!(negotiate(Some("*"), big), Coding::Brotli);
        assert_eq!(negotiate(Some("identity"), big), Coding::Identity);
        assert_eq!(negotiate(None, big), Coding::Identity);
    }

    #[test]
    fn gzip_is_taken_when_listed_or_any() {
        assert!(accepts_gzip(Some("gzip, deflate, br")));
        assert!(accepts_gzip(Some("br;q=1, gzip;q=0.5")));
        assert!(accepts_gzip(Some("*")));
        assert!(!accepts_gzip(Some("gzip;q=0, *")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(Some("br")));
        assert!(!accepts_gzip(None));
    }

    #[test]
    fn small_bodies_get_fast_levels_and_windows_fit_the_body() {
        let small = Levels::for_body(1231);
        assert_eq!((small.gzip, small.brotli, small.brotli_window), (1, 2, 11));
        let large = Levels::for_body(184_449);
        assert_eq!((large.gzip, large.brotli, large.brotli_window), (5, 4, 18));
        assert_eq!(Levels::for_body(64 * 1024).brotli, 4);
        assert_eq!(Levels::for_body(64 * 1024 - 1).brotli, 2);
        assert_eq!(Levels::for_body(1).brotli_window, 10);
        assert_eq!(Levels::for_body(MAX_COMPRESS_BYTES).brotli_window, 20);
    }

    #[test]
    fn compressed_bytes_decompress_to_the_body() {
        // Both sides of the size that changes the levels.
        for repeat in [200, 2000] {
            let body = br#"{"data":[{"partner":"KR","value_usd":29000000000}]}"#.repeat(repeat);
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&compress(Coding::Gzip, &body)[..])
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, body);
            let mut out = Vec::new();
            brotli::Decompressor::new(&compress(Coding::Brotli, &body)[..], 4096)
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, body);
            assert!(compress(Coding::Brotli, &body).len() < body.len() / 10);
        }
    }
}
