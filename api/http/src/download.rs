//! `GET /v1/datasets/{id}/download` (issue 15): a whole dataset (one
//! vintage, or every vintage on request) as one file, CSV or Parquet,
//! streamed as it is written.
//!
//! Bounded memory: a writer on the blocking pool reads the read model a
//! chunk at a time ([`atp_query::download::Figures`]) and sends the bytes
//! over a channel of [`CHANNEL_CHUNKS`] pieces to the response body; when
//! the client reads slowly the writer waits, and when it goes away the
//! writer stops at its next send. CSV goes out [`CSV_CHUNK_ROWS`] rows at a
//! time, through one gzip stream when the client accepts gzip
//! (`Content-Encoding: gzip`: `pandas.read_csv(url)`, curl `--compressed`,
//! browsers and R read it as plain CSV); Parquet in row groups of at most
//! [`ROW_GROUP_ROWS`] rows, built from Arrow batches of [`BATCH_ROWS`], sent
//! in pieces of [`PIECE_BYTES`]. Nothing is cached: the ETag (data version,
//! dataset, vintages, format) answers a repeated request with 304.

use std::io::Write as _;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use arrow_array::builder::{Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use atp_core::{Frequency, Measure, PartnerCode, PartnerKind, Period, Status};
use atp_query::download::{Figure, Figures};
use bytes::Bytes;
use serde::Serialize;
use tokio::sync::mpsc;

use super::AppState;
use super::encoding;
use super::error::{ApiError, Problem};
use super::params::{self, DownloadFormat, FromQuery, RawQuery};
use super::respond::etag_matches;
use crate::query_params;

/// CSV rows written (and compressed) at a time.
pub const CSV_CHUNK_ROWS: usize = 4096;
/// Rows of one Arrow batch handed to the Parquet writer.
pub const BATCH_ROWS: usize = 8192;
/// The most rows of one Parquet row group (what the writer holds before it
/// writes them out).
pub const ROW_GROUP_ROWS: usize = 65_536;
/// Parquet bytes sent at a time.
pub const PIECE_BYTES: usize = 1 << 20;
/// Pieces waiting between the writer and the response body.
pub const CHANNEL_CHUNKS: usize = 2;
/// Downloads streamed at once, per core; one more is answered 503.
pub const MAX_DOWNLOADS_PER_CORE: usize = 4;

/// The columns of a download, in order: the CSV listings' columns (without
/// the transform's `value`, `value_reason` and `value_base_period`), with
/// the `vintage` after the `dataset`, and `measure` (imports, exports, or a
/// balance the source printed) for the listings' `flow`.
pub const COLUMNS: [&str; 16] = [
    "dataset",
    "vintage",
    "group",
    "partner",
    "partner_kind",
    "year",
    "period",
    "frequency",
    "measure",
    "value_usd",
    "status",
    "rounding_usd",
    "formula",
    "inputs",
    "citation",
    "quote",
];

query_params! {
    /// Parameters of a dataset download.
    pub struct DownloadQuery {
        /// `csv` (default; gzip-compressed with `Content-Encoding: gzip`
        /// when the client accepts gzip) or `parquet` (Snappy-compressed
        /// pages, row groups of at most 65536 rows).
        #[example = "parquet"]
        format: Option<DownloadFormat>,
        /// The vintage (release) to download (see
        /// /v1/datasets/{id}/vintages); default: the latest; `all`: every
        /// vintage, oldest first (the `vintage` column tells them apart).
        #[example = "2024-06"]
        vintage: Option<String>,
    }
}

/// One row of a download (see [`COLUMNS`]).
#[derive(Debug, Serialize)]
struct DownloadRecord<'a> {
    dataset: &'a str,
    vintage: &'a str,
    group: &'static str,
    partner: PartnerCode,
    partner_kind: PartnerKind,
    year: u16,
    period: Period,
    frequency: Frequency,
    measure: Measure,
    value_usd: i64,
    status: Status,
    rounding_usd: Option<i64>,
    formula: Option<&'a str>,
    inputs: Option<String>,
    citation: &'a str,
    quote: Option<&'a str>,
}

impl<'a> DownloadRecord<'a> {
    fn new(f: &Figure<'a>) -> DownloadRecord<'a> {
        let p = &f.fact.provenance;
        let d = p.derivation.as_ref();
        let key = &f.fact.key;
        DownloadRecord {
            dataset: f.view.id(),
            vintage: f.view.vintage(),
            group: key.group.as_str(),
            partner: key.partner,
            partner_kind: f.partner_kind,
            year: key.period.year().get(),
            period: key.period,
            frequency: key.period.frequency(),
            measure: key.measure,
            value_usd: f.fact.value_usd,
            status: p.status,
            rounding_usd: p.rounding_usd,
            formula: d.map(|d| d.formula.as_str()),
            inputs: d
                .filter(|d| !d.inputs.is_empty())
                .map(|d| d.inputs.join(";")),
            citation: p.citation.section.as_str(),
            quote: Some(p.citation.quote.as_str()).filter(|q| !q.is_empty()),
        }
    }
}

/// A Parquet file's bytes in the spec.
#[derive(Debug)]
pub struct ParquetBytes;

impl utoipa::PartialSchema for ParquetBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some(
                "A Parquet file: the columns of the CSV form, codes and periods as strings, \
                 value_usd, rounding_usd and year as int64.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ParquetBytes {}

/// Download a dataset
///
/// Every figure of one vintage of the dataset (default: the latest;
/// `vintage=all`: every vintage, oldest first) as one file, streamed:
/// `format=csv` (default) or `format=parquet`. One row per figure, with
/// the columns of the CSV listings and its provenance: `dataset`,
/// `vintage`, `group`, `partner`, `partner_kind`, `year`, `period`,
/// `frequency`, `measure` (imports, exports, or a balance the source
/// printed), `value_usd` (whole US dollars), `status` (reported or
/// derived), `rounding_usd`, `formula`, `inputs`, `citation`, `quote`.
/// Codes are text: partner `NA` is Namibia, not a missing value, and Census
/// codes such as `0009` keep their zeros (read them as strings: see the
/// README, "Notebooks: pandas and R"). CSV is sent gzip-compressed
/// (`Content-Encoding: gzip`) to clients that accept gzip, so
/// `pandas.read_csv(url, dtype=str, keep_default_na=False)` reads it as it
/// reads any CSV. The ETag follows the data version, dataset, vintages and
/// format.
#[utoipa::path(
    tag = "data",
    operation_id = "download_dataset",
    params(("id" = String, Path, description = "Dataset id", example = "census-country"), DownloadQuery),
    responses(
        (status = 200, description = "The dataset as one file (Content-Disposition names it)",
            headers(
                ("Content-Disposition" = String, description = "attachment; filename=\"census-country.csv\""),
                ("ETag" = String, description = "The data version, dataset, vintages and format"),
            ),
            content(
                (String = "text/csv", example = json!("dataset,vintage,group,partner,partner_kind,year,period,frequency,measure,value_usd,status,rounding_usd,formula,inputs,citation,quote\nkiat-2026-04,2026-04,all,CN,country,2024,2024,annual,imports,112000000000,reported,100000000,,,II.1 ATP overall / imports,\"중국(1,120억 달러, 15%)\"\n")),
                (ParquetBytes = "application/vnd.apache.parquet"),
            )
        ),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Bad parameter (format, vintage): the problem names the parameter, the value and the values allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "As many downloads are being streamed as the server takes at once", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/datasets/{id}/download")]
pub async fn download_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let raw = RawQuery::parse(req.query_string(), DownloadQuery::NAMES)?;
    let q = DownloadQuery::from_query(&raw)?;
    let format = q.format.unwrap_or(DownloadFormat::Csv);
    let model = state.model.load_full();
    let all = model
        .vintages(&id)
        .ok_or_else(|| ApiError::no_dataset(&id))?;
    let chosen = params::download_vintages(all, q.vintage.as_deref())?;
    let vintages: Vec<&str> = chosen.iter().map(|v| v.vintage()).collect();
    // What the file is of: `all`, or the one vintage.
    let label = match q.vintage.as_deref() {
        Some("all") => "all",
        _ => vintages.first().copied().unwrap_or_default(),
    };
    let gzip = format == DownloadFormat::Csv
        && encoding::accepts_gzip(
            req.headers()
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok()),
        );
    let etag = HeaderValue::from_str(&format!(
        "W/\"download-{}-{}-{}-{}\"",
        model.version,
        id,
        label,
        format.as_str()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("W/\"download\""));
    let not_modified = etag_matches(&req, &etag);
    let mut builder = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder.insert_header((header::ETAG, etag));
    builder.insert_header((header::CACHE_CONTROL, state.cache_policy.header.clone()));
    // The coding is chosen here: a response that varies on Accept-Encoding
    // is left alone by the compression on the way out.
    builder.insert_header((header::VARY, HeaderValue::from_static("Accept-Encoding")));
    if state.is_stale() {
        builder.insert_header(("X-Data-Stale", HeaderValue::from_static("true")));
    }
    if not_modified {
        return Ok(builder.finish());
    }
    let permit = state
        .downloads
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy {
            message: "the server is streaming as many downloads as it takes at once; retry"
                .to_owned(),
            retry_after: 5,
        })?;
    let figures = Figures::new(model.clone(), &id, &vintages)
        .ok_or_else(|| ApiError::Internal(format!("dataset {id} left its own model")))?;
    let (content_type, extension) = match format {
        DownloadFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        DownloadFormat::Parquet => ("application/vnd.apache.parquet", "parquet"),
    };
    builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)));
    if gzip {
        builder.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
    }
    let name = match q.vintage.as_deref() {
        None => id.clone(),
        Some(_) => format!("{id}-{label}"),
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.{extension}\"",
        file_name(&name)
    )) {
        builder.insert_header((header::CONTENT_DISPOSITION, v));
    }
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    actix_web::rt::task::spawn_blocking(move || {
        let _permit = permit;
        let result = match format {
            DownloadFormat::Csv => write_csv(figures, gzip, &tx),
            DownloadFormat::Parquet => write_parquet(figures, &tx),
        };
        if let Err(Stop::Failed(e)) = result {
            tracing::error!(error.cause = %e, dataset = %id, "download failed");
            // The client sees the body end before its last chunk.
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    Ok(builder.streaming(Pieces(rx)))
}

/// A file name of letters, digits, `-`, `_` and `.` only.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Why a writer stopped early.
#[derive(Debug)]
enum Stop {
    /// The client went away (the body was dropped): nothing to report.
    Gone,
    /// Writing failed: logged, and the body ends early.
    Failed(String),
}

type Piece = Result<Bytes, std::io::Error>;

/// The response body: the pieces the writer sends, as they come.
struct Pieces(mpsc::Receiver<Piece>);

impl futures_util::Stream for Pieces {
    type Item = Piece;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Piece>> {
        self.0.poll_recv(cx)
    }
}

fn send(tx: &mpsc::Sender<Piece>, bytes: Vec<u8>) -> Result<(), Stop> {
    if bytes.is_empty() {
        return Ok(());
    }
    tx.blocking_send(Ok(Bytes::from(bytes)))
        .map_err(|_| Stop::Gone)
}

/// The CSV: the header, then [`CSV_CHUNK_ROWS`] rows at a time, each chunk
/// through the gzip stream (if any) and sent.
fn write_csv(mut figures: Figures, gzip: bool, tx: &mpsc::Sender<Piece>) -> Result<(), Stop> {
    let failed = |e: std::io::Error| Stop::Failed(e.to_string());
    let mut encoder = gzip.then(|| {
        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(encoding::GZIP_LEVEL))
    });
    let mut rows = Vec::with_capacity(CSV_CHUNK_ROWS * 256);
    crate::csv_out::write_header(&COLUMNS, &mut rows);
    loop {
        let mut error = None;
        let n = figures.next_chunk(CSV_CHUNK_ROWS, |f| {
            if let Err(e) = crate::csv_out::write_row(&DownloadRecord::new(&f), &mut rows) {
                error.get_or_insert(e);
            }
        });
        if let Some(e) = error {
            return Err(Stop::Failed(e.to_string()));
        }
        match encoder.as_mut() {
            Some(enc) => {
                enc.write_all(&rows).map_err(failed)?;
                rows.clear();
                send(tx, std::mem::take(enc.get_mut()))?;
            }
            None => send(
                tx,
                std::mem::replace(&mut rows, Vec::with_capacity(CSV_CHUNK_ROWS * 256)),
            )?,
        }
        if n == 0 {
            break;
        }
    }
    if let Some(enc) = encoder {
        send(tx, enc.finish().map_err(failed)?)?;
    }
    Ok(())
}

/// The Arrow schema of a download: [`COLUMNS`], text as UTF-8 strings,
/// whole numbers as int64; `rounding_usd`, `formula`, `inputs` and `quote`
/// nullable.
pub fn arrow_schema() -> SchemaRef {
    let nullable = ["rounding_usd", "formula", "inputs", "quote"];
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|&name| {
            let kind = match name {
                "year" | "value_usd" | "rounding_usd" => DataType::Int64,
                _ => DataType::Utf8,
            };
            Field::new(name, kind, nullable.contains(&name))
        })
        .collect();
    Arc::new(Schema::new(fields))
}

const CLIENT_GONE: &str = "the client went away";

/// What the Parquet writer writes to: a buffer sent a piece at a time.
struct ChannelWriter<'a> {
    tx: &'a mpsc::Sender<Piece>,
    buffer: Vec<u8>,
}

impl std::io::Write for ChannelWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= PIECE_BYTES {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        send(self.tx, std::mem::take(&mut self.buffer))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, CLIENT_GONE))
    }
}

/// Builders of one Arrow batch, column by column.
struct Batch {
    text: Vec<StringBuilder>,
    ints: Vec<Int64Builder>,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            text: (0..COLUMNS.len())
                .map(|_| StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 16))
                .collect(),
            ints: (0..COLUMNS.len())
                .map(|_| Int64Builder::with_capacity(BATCH_ROWS))
                .collect(),
        }
    }

    fn push(&mut self, f: &Figure<'_>) {
        let r = DownloadRecord::new(f);
        let period = r.period.to_string();
        let texts: [(usize, Option<&str>); 13] = [
            (0, Some(r.dataset)),
            (1, Some(r.vintage)),
            (2, Some(r.group)),
            (3, Some(r.partner.as_str())),
            (4, Some(r.partner_kind.as_str())),
            (6, Some(&period)),
            (7, Some(r.frequency.as_str())),
            (8, Some(r.measure.as_str())),
            (10, Some(r.status.as_str())),
            (12, r.formula),
            (13, r.inputs.as_deref()),
            (14, Some(r.citation)),
            (15, r.quote),
        ];
        for (i, v) in texts {
            self.text[i].append_option(v);
        }
        self.ints[5].append_value(i64::from(r.year));
        self.ints[9].append_value(r.value_usd);
        self.ints[11].append_option(r.rounding_usd);
    }

    /// The batch, in column order; the builders start afresh.
    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, Stop> {
        let columns: Vec<ArrayRef> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, field)| -> ArrayRef {
                match field.data_type() {
                    DataType::Int64 => Arc::new(self.ints[i].finish()),
                    _ => Arc::new(self.text[i].finish()),
                }
            })
            .collect();
        RecordBatch::try_new(schema.clone(), columns).map_err(|e| Stop::Failed(e.to_string()))
    }
}

/// The Parquet file: Arrow batches of [`BATCH_ROWS`] into row groups of at
/// most [`ROW_GROUP_ROWS`], each written out (and sent) when full.
fn write_parquet(mut figures: Figures, tx: &mpsc::Sender<Piece>) -> Result<(), Stop> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    // The channel writer's error, through the Parquet writer's.
    let failed = |e: parquet::errors::ParquetError| {
        if e.to_string().contains(CLIENT_GONE) {
            Stop::Gone
        } else {
            Stop::Failed(e.to_string())
        }
    };
    let schema = arrow_schema();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("atp {}", env!("CARGO_PKG_VERSION")))
        .build();
    let out = ChannelWriter {
        tx,
        buffer: Vec::with_capacity(PIECE_BYTES + PIECE_BYTES / 4),
    };
    let mut writer = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(failed)?;
    let mut batch = Batch::new();
    loop {
        let n = figures.next_chunk(BATCH_ROWS, |f| batch.push(&f));
        if n == 0 {
            break;
        }
        writer.write(&batch.finish(&schema)?).map_err(failed)?;
    }
    writer.close().map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use atp_core::Year;

    use super::*;

    #[test]
    fn the_columns_are_the_records_fields_and_the_schemas() {
        let record = DownloadRecord {
            dataset: "census-country",
            vintage: "2024-06",
            group: "all",
            partner: PartnerCode::try_from("NA").unwrap(),
            partner_kind: PartnerKind::Country,
            year: 2024,
            period: Period::annual(Year::new(2024).unwrap()),
            frequency: Frequency::Annual,
            measure: Measure::Imports,
            value_usd: 1,
            status: Status::Reported,
            rounding_usd: None,
            formula: None,
            inputs: None,
            citation: "c",
            quote: None,
        };
        assert_eq!(crate::csv_out::field_names(&record).unwrap(), COLUMNS);
        let schema = arrow_schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, COLUMNS);
        let mut row = Vec::new();
        crate::csv_out::write_row(&record, &mut row).unwrap();
        assert_eq!(
            String::from_utf8(row).unwrap(),
            "census-country,2024-06,all,NA,country,2024,2024,annual,imports,1,reported,,,,c,\n"
        );
    }
}
