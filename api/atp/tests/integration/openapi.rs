//! The committed `openapi/openapi.json` (and its 3.0.3 rendition,
//! `openapi/openapi-3.0.json`) is the spec the code generates. Regenerate
//! with `cargo run -p atp -- openapi --output openapi/openapi.json` and
//! `cargo run -p atp -- openapi --openapi-30 --output openapi/openapi-3.0.json`.

use std::path::Path;

/// Fails with the first differing line and how to regenerate.
fn assert_committed(file: &str, generated: &str, flag: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../openapi")
        .join(file);
    let committed =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "openapi/{file} differs from the generated spec from line {} on; \
             regenerate it with `cargo run -p atp -- openapi{flag} --output openapi/{file}` \
             and review the diff",
            line + 1
        );
    }
}

#[test]
fn committed_spec_equals_the_generated_one() {
    assert_committed("openapi.json", &atp_http::openapi_json(), "");
}

/// The OpenAPI 3.0.3 rendition too, and it holds no 3.1 construct.
#[test]
fn committed_openapi_30_rendition_equals_the_generated_one() {
    let generated = atp_http::openapi_json_30();
    assert_committed("openapi-3.0.json", &generated, " --openapi-30");
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(
        !generated.contains("\"null\""),
        "a null type left in the 3.0 rendition"
    );
    assert!(
        !generated.contains("\"examples\""),
        "JSON Schema examples left"
    );
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

/// The JSON writer (`atp-http`'s `json.rs`) copies a struct's field names
/// as they are, unescaped: every property the document declares is a plain
/// name (ASCII letters, digits and `_`), so none would need an escape.
#[test]
fn every_property_name_is_plain() {
    fn walk(v: &serde_json::Value, at: &str, seen: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    for name in props.keys() {
                        *seen += 1;
                        assert!(
                            !name.is_empty()
                                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                            "{at}: property {name:?} is not a plain name"
                        );
                    }
                }
                for (k, child) in map {
                    walk(child, &format!("{at}/{k}"), seen);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"), seen);
                }
            }
            _ => {}
        }
    }
    let spec: serde_json::Value = serde_json::from_str(&atp_http::openapi_json()).unwrap();
    let mut seen = 0;
    walk(
        &spec["components"]["schemas"],
        "#/components/schemas",
        &mut seen,
    );
    assert!(seen > 300, "{seen} properties walked");
}
