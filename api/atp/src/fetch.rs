//! `atp fetch census`: downloads the Census International Trade API's
//! `hitech` responses for a year or a range of years (one request per flow
//! and year) and imports them through the same path as `atp import`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use atp_core::Flow;
use atp_ingest::census::api::{DESCRIPTIVE_VARIABLES, endpoint, value_variables};

/// The public Census API; overridable for tests and mirrors.
pub const DEFAULT_CENSUS_BASE_URL: &str = "https://api.census.gov/data";

/// The years of a fetch: `first..=last`, at most [`YearSpan::MAX_YEARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearSpan {
    pub first: u16,
    pub last: u16,
}

impl YearSpan {
    /// The most years one fetch asks for (the API's `hitech` data start in
    /// 2010 or so; a fetch is one request per flow and year).
    pub const MAX_YEARS: u16 = 40;

    pub fn new(first: u16, last: u16) -> Result<YearSpan, FetchError> {
        let bad = |problem: String| FetchError::Request(problem);
        atp_core::Year::new(first).map_err(|e| bad(e.to_string()))?;
        atp_core::Year::new(last).map_err(|e| bad(e.to_string()))?;
        if last < first {
            return Err(bad(format!("--to-year {last} is before --year {first}")));
        }
        if last - first + 1 > Self::MAX_YEARS {
            return Err(bad(format!(
                "{}..{} is {} years; at most {} per fetch",
                first,
                last,
                last - first + 1,
                Self::MAX_YEARS
            )));
        }
        Ok(YearSpan { first, last })
    }

    pub fn years(self) -> impl Iterator<Item = u16> {
        self.first..=self.last
    }
}

/// What to download.
#[derive(Debug, Clone)]
pub struct CensusRequest {
    pub base_url: String,
    pub years: YearSpan,
    pub flows: Vec<Flow>,
    /// The API key (never logged).
    pub key: Option<String>,
}

/// One downloaded response, as returned.
#[derive(Debug, Clone)]
pub struct Downloaded {
    /// A name for error messages and for saving (`census-imports-2024.json`).
    pub name: String,
    /// The URL without the key.
    pub url: String,
    pub body: Vec<u8>,
}

/// Why a download failed: the URL (never the key) and what happened.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request itself is not one to make.
    #[error("{0}")]
    Request(String),
    /// The exchange failed, or the server answered something other than data.
    #[error("{url}: {problem}")]
    Download { url: String, problem: String },
    /// A response could not be saved.
    #[error("{path}: {source}")]
    Save {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The request URL for one flow and year, without and with the key.
pub fn census_url(base_url: &str, flow: Flow, year: u16, key: Option<&str>) -> (String, String) {
    let values = value_variables(flow);
    let public = format!(
        "{}/{}?get={},{},{}&time={year}",
        base_url.trim_end_matches('/'),
        endpoint(flow),
        DESCRIPTIVE_VARIABLES.join(","),
        values.monthly,
        values.year_to_date,
    );
    let with_key = match key {
        Some(k) => format!("{public}&key={}", percent_encode(k)),
        None => public.clone(),
    };
    (public, with_key)
}

/// A query-string value: unreserved characters as they are, others `%XX`.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Downloads every requested response. Errors name the URL (without the key)
/// and what the server said.
pub fn download(req: &CensusRequest) -> Result<Vec<Downloaded>, FetchError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .user_agent(concat!("atp/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut out = Vec::new();
    let pairs: Vec<(u16, Flow)> = req
        .years
        .years()
        .flat_map(|y| req.flows.iter().map(move |&f| (y, f)))
        .collect();
    for (year, flow) in pairs {
        let (public, url) = census_url(&req.base_url, flow, year, req.key.as_deref());
        tracing::info!(url = %public, "fetching");
        let failed = |problem: String| FetchError::Download {
            url: public.clone(),
            problem,
        };
        let exchange = || -> Result<(u16, Vec<u8>), FetchError> {
            let mut response = agent
                .get(&url)
                .call()
                .map_err(|e| failed(redact(&e.to_string(), req.key.as_deref())))?;
            let status = response.status().as_u16();
            let body = response
                .body_mut()
                .with_config()
                .limit(512 * 1024 * 1024)
                .read_to_vec()
                .map_err(|e| {
                    failed(format!(
                        "reading the response: {}",
                        redact(&e.to_string(), req.key.as_deref())
                    ))
                })?;
            Ok((status, body))
        };
        // ureq logs every request URI, key included, at debug level: with a
        // key, its logging is muted for the exchange.
        let (status, body) = if req.key.is_some() {
            tracing::subscriber::with_default(
                tracing::subscriber::NoSubscriber::default(),
                exchange,
            )?
        } else {
            exchange()?
        };
        match status {
            200 => {}
            204 => {
                return Err(failed(
                    "the Census API has no data for this query (204 No Content)".to_owned(),
                ));
            }
            _ => {
                let text = String::from_utf8_lossy(&body);
                let text = text.trim();
                let shown: String = text.chars().take(300).collect();
                let shown = redact(&shown, req.key.as_deref());
                return Err(failed(format!("HTTP {status}: {shown}")));
            }
        }
        out.push(Downloaded {
            name: format!("census-{flow}-{year}.json"),
            url: public,
            body,
        });
    }
    Ok(out)
}

/// `text` with the key, if any, masked.
fn redact(text: &str, key: Option<&str>) -> String {
    match key {
        Some(k) if !k.is_empty() => text.replace(k, "***"),
        _ => text.to_owned(),
    }
}

/// Saves responses as returned, so they can be imported again later.
pub fn save(dir: &Path, responses: &[Downloaded]) -> Result<(), FetchError> {
    let saving = |path: &Path| {
        let path = path.to_owned();
        move |source| FetchError::Save { path, source }
    };
    std::fs::create_dir_all(dir).map_err(saving(dir))?;
    for r in responses {
        let path = dir.join(&r.name);
        std::fs::write(&path, &r.body).map_err(saving(&path))?;
        tracing::info!(path = %path.display(), bytes = r.body.len(), "saved");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_variables_of_each_flow_and_keep_the_key_apart() {
        let (public, with_key) = census_url("http://x/data/", Flow::Exports, 2024, Some("SECRET"));
        assert_eq!(
            public,
            "http://x/data/timeseries/intltrade/exports/hitech?get=CTY_CODE,CTY_NAME,HITECH,HITECH_DESC,ALL_VAL_MO,ALL_VAL_YR&time=2024"
        );
        assert!(!public.contains("SECRET"));
        assert!(with_key.ends_with("&key=SECRET"));
        let (_, odd) = census_url("http://x/data", Flow::Exports, 2024, Some("a b&c=d"));
        assert!(odd.ends_with("&time=2024&key=a%20b%26c%3Dd"), "{odd}");
        let (imports, _) = census_url("http://x/data", Flow::Imports, 2017, None);
        assert!(
            imports.contains("/imports/hitech?get=") && imports.contains("GEN_VAL_MO,GEN_VAL_YR")
        );
    }

    #[test]
    fn year_spans_are_bounded() {
        assert_eq!(YearSpan::new(2013, 2018).unwrap().years().count(), 6);
        assert!(
            YearSpan::new(2018, 2013)
                .unwrap_err()
                .to_string()
                .contains("before")
        );
        assert!(
            YearSpan::new(1950, 2024)
                .unwrap_err()
                .to_string()
                .contains("at most 40")
        );
        assert!(YearSpan::new(1800, 1801).is_err());
    }
}
