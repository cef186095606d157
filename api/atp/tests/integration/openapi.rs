//! The committed `openapi/openapi.json` is the spec the code generates.
//! Regenerate it with `cargo run -p atp -- openapi --output openapi/openapi.json`.

use std::path::Path;

#[test]
fn committed_spec_equals_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let committed =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let generated = atp_http::openapi_json();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "openapi/openapi.json differs from the generated spec from line {} on; \
             regenerate it with `cargo run -p atp -- openapi --output openapi/openapi.json` \
             and review the diff",
            line + 1
        );
    }
}

#[test]
fn every_operation_has_a_summary_an_id_and_error_responses() {
    let spec: serde_json::Value = serde_json::from_str(&atp_http::openapi_json()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{method} {path}: no operationId");
            assert!(op["summary"].is_string(), "{method} {path}: no summary");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path}: no success response"
            );
            if path.starts_with("/v1/") {
                assert!(
                    responses.keys().any(|k| k.starts_with('4')),
                    "{method} {path}: no error response documented"
                );
            }
        }
    }
    assert!(operations >= 16, "{operations} operations");
}
