//! The fast tier: the real app (`atp_http::app`, the factory `atp serve`
//! uses) called in process, without a socket or a database. The read model
//! is the built-in dataset; writes go to an in-memory store. The black-box
//! suite runs the same contract over HTTP against the real binary on both
//! databases.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use atp_core::{SourceFormat, StoredDataset};
use atp_http::server_parts::AppParts;
use atp_http::{
    AppState, DataStore, ImportSummary, Secret, Settings, Unavailable, Upload, UploadProblem,
    WriteError, app,
};
use atp_query::ReadModel;

fn brief_model(version: i64, with_brief: bool) -> ReadModel {
    let brief = atp_core::builtin::brief().unwrap();
    let stored = StoredDataset {
        info: brief.info.clone(),
        quality_notes: Vec::new(),
        source_format: SourceFormat::Builtin.as_str().to_owned(),
        imported_at: "2026-01-01T00:00:00Z".to_owned(),
        row_count: brief.observations.len() as i64,
        checksum: atp_core::catalog::checksum(&brief.observations),
        last_period: atp_core::catalog::last_period(&brief.observations),
        published_on: None,
    };
    let datasets = if with_brief {
        vec![(stored, brief.observations.clone())]
    } else {
        Vec::new()
    };
    ReadModel::build(version, datasets, &[], None)
}

/// Storage in memory: the brief, a version counter and the uploads seen.
#[derive(Default)]
struct MemoryStore {
    version: Mutex<i64>,
    uploads: Mutex<Vec<Upload>>,
}

impl DataStore for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }
    fn data_version(&self) -> Result<i64, Unavailable> {
        Ok(*self.version.lock().unwrap())
    }
    fn load(&self, _default: Option<&str>) -> Result<ReadModel, Unavailable> {
        Ok(brief_model(*self.version.lock().unwrap(), true))
    }
    fn pool_state(&self) -> (u32, u32) {
        (1, 1)
    }
    fn import(&self, upload: Upload) -> Result<ImportSummary, WriteError> {
        if upload.body.starts_with(b"bad") {
            return Err(WriteError::Invalid(UploadProblem {
                file: upload.file_name.clone(),
                row: Some(2),
                field: Some("value_usd".to_owned()),
                value: Some("x".to_owned()),
                expected: "whole US dollars".to_owned(),
            }));
        }
        self.uploads.lock().unwrap().push(upload);
        *self.version.lock().unwrap() += 1;
        Ok(ImportSummary {
            dataset_id: atp_core::builtin::BRIEF_DATASET_ID.to_owned(),
            vintage: "2026-04".to_owned(),
            rows: 1,
            replaced: true,
            vintages_kept: 0,
        })
    }
    fn delete(&self, _id: &str, _vintage: Option<&str>) -> Result<bool, WriteError> {
        Ok(false)
    }
}

fn parts(store: Arc<MemoryStore>) -> AppParts {
    let settings = Settings {
        write_token: Some(Secret::new("t0ken")),
        ..Settings::default()
    };
    let store: Arc<dyn DataStore> = store;
    AppParts::new(AppState::new(brief_model(0, true), Some(store), settings)).unwrap()
}

async fn json(
    resp: actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
) -> serde_json::Value {
    let body = test::read_body(resp).await;
    serde_json::from_slice(&body).unwrap()
}

#[actix_web::test]
async fn a_lookup_answers_from_the_read_model() {
    let app = test::init_service(app(&parts(Arc::default()))).await;
    let resp = test::call_service(
        &app,
        TestRequest::get()
            .uri("/v1/imports?partner=KR&group=all&year=2024")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.headers().get("etag").unwrap().clone();
    let body = json(resp).await;
    // As printed: "한국(290억 달러, 4%)".
    let printed = atp_core::builtin::brief()
        .unwrap()
        .value(&atp_core::SeriesKey::try_from("imports/all/KR/2024").unwrap())
        .unwrap();
    assert_eq!(printed, 29_000_000_000);
    assert_eq!(body["data"][0]["value_usd"], printed);
    assert_eq!(body["data"][0]["quote"], "한국(290억 달러, 4%)");
    assert_eq!(body["page"]["total"], 1);
    // The same URL with its ETag: 304 (the same body, the same tag).
    let again = test::call_service(
        &app,
        TestRequest::get()
            .uri("/v1/imports?partner=KR&group=all&year=2024")
            .insert_header(("if-none-match", etag))
            .to_request(),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn errors_are_problem_json() {
    let app = test::init_service(app(&parts(Arc::default()))).await;
    for (uri, status, parameter) in [
        ("/v1/imports?yeer=2024", 400, Some("yeer")),
        (
            "/v1/growth?flow=imports&from=2024&to=2014",
            400,
            Some("from"),
        ),
        ("/v1/nothing", 404, None),
    ] {
        let resp = test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(resp.status().as_u16(), status, "{uri}");
        assert_eq!(
            resp.headers().get("content-type").unwrap(),
            "application/problem+json",
            "{uri}"
        );
        let problem = json(resp).await;
        assert_eq!(problem["status"], status, "{uri}");
        assert_eq!(problem["parameter"].as_str(), parameter, "{uri}");
    }
    let resp = test::call_service(&app, TestRequest::put().uri("/v1/imports").to_request()).await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers().get("allow").unwrap(), "GET, HEAD, OPTIONS");
}

#[actix_web::test]
async fn uploads_go_through_the_data_store() {
    let store = Arc::new(MemoryStore::default());
    let app = test::init_service(app(&parts(store.clone()))).await;
    let post = |token: Option<&str>, body: &'static [u8]| {
        let mut r = TestRequest::post()
            .uri("/v1/datasets?dataset=kiat-2026-04&replace=true&filename=f.csv")
            .set_payload(body);
        if let Some(t) = token {
            r = r.insert_header(("authorization", format!("Bearer {t}")));
        }
        r.to_request()
    };
    assert_eq!(
        test::call_service(&app, post(None, b"x")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        test::call_service(&app, post(Some("wrong"), b"x"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let refused = test::call_service(&app, post(Some("t0ken"), b"bad")).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json(refused).await;
    assert_eq!(
        (
            problem["file"].as_str(),
            problem["row"].as_u64(),
            problem["field"].as_str()
        ),
        (Some("f.csv"), Some(2), Some("value_usd"))
    );
    let created = test::call_service(&app, post(Some("t0ken"), b"dataset,group\n")).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let uploads = store.uploads.lock().unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        (
            uploads[0].file_name.as_str(),
            uploads[0].dataset.as_deref(),
            uploads[0].replace
        ),
        ("f.csv", Some("kiat-2026-04"), true)
    );
}

#[actix_web::test]
async fn readiness_says_unavailable_without_data() {
    let settings = Settings::default();
    let parts = AppParts::new(AppState::new(brief_model(0, false), None, settings)).unwrap();
    let app = test::init_service(app(&parts)).await;
    let resp = test::call_service(&app, TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(resp).await["status"], "unavailable");
    let health = test::call_service(&app, TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(health.status(), StatusCode::OK);
}
