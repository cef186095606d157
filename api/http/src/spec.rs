//! The OpenAPI document as clients read it: what utoipa generates, polished
//! for client generators (every always-present field required, list
//! envelopes referring to their record schemas, no unused component, a
//! server, public operations marked public), and its OpenAPI 3.0.3
//! rendition for tools that read no 3.1 (progenitor, openapiv3).

use std::collections::BTreeSet;

use serde_json::{Value, json};
use utoipa::openapi::schema::ArrayItems;
use utoipa::openapi::{OpenApi, RefOr, Schema};

/// Components whose fields are not all serialized every time (a problem
/// report leaves out what does not apply).
const SPARSE: [&str; 1] = ["Problem"];

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.insert(name.to_owned());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// Every property of an object schema (and of the objects inside it)
/// listed as required: the records serialize each field, `null` included.
fn require_all(schema: &mut RefOr<Schema>) {
    match schema {
        RefOr::T(Schema::Object(o)) => {
            o.required = o.properties.keys().cloned().collect();
            o.properties.values_mut().for_each(require_all);
        }
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                require_all(items);
            }
        }
        _ => {}
    }
}

/// The components a response refers to, directly or through other
/// components.
fn response_schemas(doc: &OpenApi) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for item in doc.paths.paths.values() {
        for op in [
            &item.get,
            &item.put,
            &item.post,
            &item.delete,
            &item.options,
            &item.head,
            &item.patch,
        ]
        .into_iter()
        .flatten()
        {
            refs(
                &serde_json::to_value(&op.responses).unwrap_or_default(),
                &mut used,
            );
        }
    }
    reachable(doc, used)
}

/// `names` and every component they refer to, transitively.
fn reachable(doc: &OpenApi, mut names: BTreeSet<String>) -> BTreeSet<String> {
    let Some(components) = doc.components.as_ref() else {
        return names;
    };
    let mut frontier: Vec<String> = names.iter().cloned().collect();
    while let Some(n) = frontier.pop() {
        if let Some(schema) = components.schemas.get(&n) {
            let mut inner = BTreeSet::new();
            refs(
                &serde_json::to_value(schema).unwrap_or_default(),
                &mut inner,
            );
            for i in inner {
                if names.insert(i.clone()) {
                    frontier.push(i);
                }
            }
        }
    }
    names
}

fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name))
}

/// The polished document (3.1), with the properties in the order the code
/// declares them.
pub fn polish(mut doc: OpenApi) -> OpenApi {
    let Some(components) = doc.components.as_mut() else {
        return doc;
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in &names {
        // An envelope's records are the record schema, by reference.
        let record = name
            .strip_prefix("Envelope_")
            .map(|r| (r, true))
            .or_else(|| name.strip_prefix("Single_").map(|r| (r, false)));
        if let Some((record, listing)) = record
            && components.schemas.contains_key(record)
            && let Some(RefOr::T(Schema::Object(envelope))) = components.schemas.get_mut(name)
            && let Some(data) = envelope.properties.get_mut("data")
        {
            match (listing, data) {
                (true, RefOr::T(Schema::Array(a))) => {
                    a.items = ArrayItems::RefOrSchema(Box::new(reference(record)));
                }
                (false, data) => *data = reference(record),
                _ => {}
            }
        }
    }
    // What the service writes has every field; what a client writes (a
    // request body) keeps its optional fields optional.
    let written = response_schemas(&doc);
    if let Some(components) = doc.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if written.contains(name) && !SPARSE.contains(&name.as_str()) {
                require_all(schema);
            }
        }
    }
    names_inline(&mut doc);
    csv_variants(&mut doc);
    // Listings (a path with a `.csv` form, and the form) negotiate by Accept.
    let csv_paths: BTreeSet<String> = doc
        .paths
        .paths
        .keys()
        .filter_map(|p| p.strip_suffix(".csv"))
        .map(str::to_owned)
        .collect();
    // Public operations say so (`security: []`); the writes name the token.
    for (path, item) in doc.paths.paths.iter_mut() {
        let listing = csv_paths.contains(path.as_str()) || path.ends_with(".csv");
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            if op.security.is_none() {
                op.security = Some(Vec::new());
            }
            // `lang` is taken by every operation of the API (problems in
            // Korean); those without names or labels document it here.
            if path.starts_with("/v1") {
                language_parameter(op);
            }
            // Answers any operation can give, documented once here.
            // (A download's format is its parameter's alone: no 406.)
            let answers_json = matches!(
                op.responses.responses.get("200"),
                Some(RefOr::T(ok)) if ok.content.contains_key("application/json")
            );
            let negotiated = listing
                || (answers_json
                    && op
                        .parameters
                        .iter()
                        .flatten()
                        .any(|p| matches!(p, RefOr::T(p) if p.name == "format")));
            if negotiated {
                op.responses
                    .responses
                    .entry("406".to_owned())
                    .or_insert_with(|| problem_response(
                        "The Accept header takes neither JSON nor CSV (see /problems/not-acceptable)",
                    ));
            }
            // A URL too long for the request head: operations that take
            // parameters or a body (the probes, which take none, keep their
            // own error body: a generated Rust client needs one error type
            // an operation).
            let takes_input = op.parameters.as_ref().is_some_and(|p| !p.is_empty())
                || op.request_body.is_some()
                || path.contains('{');
            if !takes_input {
                continue;
            }
            op.responses
                .responses
                .entry("431".to_owned())
                .or_insert_with(|| problem_response(
                    "The request head (URL and headers) is larger than the 128 KiB the server reads",
                ));
        }
    }
    // No unused component: keep what the paths refer to, directly or
    // through other components.
    let paths = serde_json::to_value(&doc.paths).unwrap_or_default();
    let mut used = BTreeSet::new();
    refs(&paths, &mut used);
    let used = reachable(&doc, used);
    if let Some(components) = doc.components.as_mut() {
        components.schemas.retain(|name, _| used.contains(name));
    }
    doc.servers = Some(vec![
        utoipa::openapi::Server::builder()
            .url("/")
            .description(Some("this service"))
            .build(),
    ]);
    doc
}

/// The listings' records with a `group` or a `partner` get the optional
/// `group_name` or `partner_name` after it: present with `include=names`
/// (or `fields=` naming them), in the language of `lang`.
fn names_inline(doc: &mut OpenApi) {
    use utoipa::openapi::schema::{Object, SchemaType, Type};
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let records: Vec<String> = components
        .schemas
        .keys()
        .filter_map(|n| n.strip_prefix("Envelope_"))
        .map(str::to_owned)
        .collect();
    for record in records {
        let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(&record) else {
            continue;
        };
        for (code, name, what) in [
            (
                "group",
                crate::view::GROUP_NAME,
                "The group's name in the language of `lang` (only with `include=names`, or \
                 `fields` naming it).",
            ),
            (
                "partner",
                crate::view::PARTNER_NAME,
                "The partner's name in the language of `lang` (only with `include=names`, or \
                 `fields` naming it); English where a source named the partner only in English.",
            ),
        ] {
            if let Some(at) = o.properties.get_index_of(code) {
                let mut s = Object::with_type(SchemaType::from_iter([Type::String, Type::Null]));
                s.description = Some(what.to_owned());
                o.properties
                    .shift_insert(at + 1, name.to_owned(), RefOr::T(Schema::Object(s)));
            }
        }
    }
}

/// `lang` on an operation that does not declare it, and the 400 its bad
/// value gets.
fn language_parameter(op: &mut utoipa::openapi::path::Operation) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    if params
        .iter()
        .any(|p| matches!(p, RefOr::T(p) if p.name == "lang"))
    {
        return;
    }
    params.push(RefOr::T(crate::params::document::<
        Option<crate::params::LangParam>,
    >(
        "lang",
        &[
            "The language of problem titles and details: `en` or `ko`; without it, the \
           `Accept-Language` header decides.",
        ],
        None,
    )));
    op.responses
        .responses
        .entry("400".to_owned())
        .or_insert_with(|| problem_response("Bad parameter"));
}

/// A response with a problem report (application/problem+json).
fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        utoipa::openapi::ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(reference("Problem")))
                    .build(),
            )
            .build(),
    )
}

/// The representations besides JSON that have a path of their own: the
/// media type, the path's suffix, and the `format` value it stands for.
pub const SUFFIXES: [(&str, &str, &str); 2] = [
    ("text/csv", ".csv", "csv"),
    ("text/markdown", ".md", "markdown"),
];

/// Each operation with several representations as one per representation,
/// so that a generated client knows what it gets: `GET /v1/imports` answers
/// JSON only, `GET /v1/imports.csv` (`list_imports_csv`) CSV only, with the
/// same parameters but `format` (the suffix says it); likewise `.md` for a
/// Markdown report. The server still takes `format=csv` and `Accept:
/// text/csv` on the first, as before.
fn csv_variants(doc: &mut OpenApi) {
    let mut added = Vec::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let Some(op) = item.get.as_mut() else {
            continue;
        };
        let mut variants = Vec::new();
        // Only beside JSON: a download with no JSON form (CSV or Parquet,
        // chosen by `format`) keeps its representations, and its `format`,
        // on one path.
        let mut has_json = false;
        if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200")
            && ok.content.contains_key("application/json")
        {
            has_json = true;
            for (media, suffix, _) in SUFFIXES {
                if let Some(content) = ok.content.shift_remove(media) {
                    variants.push((media, suffix, content));
                }
            }
        }
        if variants.is_empty() {
            if has_json {
                json_only_format(op);
            }
            continue;
        }
        op.parameters = op.parameters.as_ref().map(|v| {
            v.iter()
                .filter(|p| !matches!(p, RefOr::T(p) if p.name == "format"))
                .cloned()
                .collect::<Vec<_>>()
        });
        for (media, suffix, content) in variants {
            let mut variant = op.clone();
            let short = suffix.trim_start_matches('.');
            variant.operation_id = op.operation_id.as_ref().map(|id| format!("{id}_{short}"));
            variant.summary = op
                .summary
                .as_ref()
                .map(|s| format!("{s} ({})", short.to_uppercase()));
            if media == "text/csv" {
                variant.description = Some(
                    format!(
                        "{} The same records as CSV, with a header row: `pandas.read_csv(url)` reads it.",
                        op.description.clone().unwrap_or_default()
                    )
                    .trim()
                    .to_owned(),
                );
            }
            if let Some(RefOr::T(ok)) = variant.responses.responses.get_mut("200") {
                ok.content.clear();
                ok.content.insert(media.to_owned(), content);
            }
            let mut item_variant = utoipa::openapi::path::PathItem::default();
            item_variant.get = Some(variant);
            item_variant.parameters = item.parameters.clone();
            added.push((format!("{path}{suffix}"), item_variant));
        }
    }
    for (path, item) in added {
        doc.paths.paths.insert(path, item);
    }
}

/// An operation answered in JSON only (`GET /v1/datasets`: its records hold
/// lists) takes `format=json` and refuses `format=csv`: its `format`
/// parameter says so, rather than offering the shared `json`/`csv` list.
fn json_only_format(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::schema::{Object, SchemaType, Type};
    for p in op.parameters.iter_mut().flatten() {
        if let RefOr::T(p) = p
            && p.name == "format"
        {
            let mut only = Object::with_type(SchemaType::Type(Type::String));
            only.enum_values = Some(vec![json!("json")]);
            p.schema = Some(RefOr::T(Schema::Object(only)));
            p.description = Some("Response format: `json` only (there is no CSV form).".to_owned());
        }
    }
}

/// The paths of the variants with `suffix` (`/v1/imports` for
/// `/v1/imports.csv`).
pub fn suffix_paths(doc: &OpenApi, suffix: &str) -> Vec<String> {
    doc.paths
        .paths
        .keys()
        .filter_map(|p| p.strip_suffix(suffix))
        .map(str::to_owned)
        .collect()
}

/// The `type` of each component that declares one, for a nullable
/// reference in 3.0 (`nullable` means nothing without a `type` beside it).
type ComponentTypes = std::collections::BTreeMap<String, Value>;

/// A JSON Schema of OpenAPI 3.1 as OpenAPI 3.0.3 reads it: `nullable`
/// instead of `null` in types (with the `type` of the component a nullable
/// reference names), `example` instead of `examples`, no `const` nor
/// `propertyNames`, and no keyword beside a `$ref` (3.0 ignores them: a
/// description of a reference moves to an `allOf` around it).
fn schema_30(v: &mut Value, types: &ComponentTypes) {
    match v {
        Value::Object(m) => {
            // ["integer", "null"] -> "integer", nullable.
            if let Some(Value::Array(types)) = m.get("type").cloned() {
                let non_null: Vec<Value> = types
                    .iter()
                    .filter(|t| t.as_str() != Some("null"))
                    .cloned()
                    .collect();
                if non_null.len() < types.len() {
                    m.insert("nullable".to_owned(), Value::Bool(true));
                }
                match non_null.len() {
                    1 => {
                        m.insert("type".to_owned(), non_null[0].clone());
                    }
                    0 => {
                        m.remove("type");
                    }
                    _ => {
                        m.remove("type");
                        let any: Vec<Value> =
                            non_null.into_iter().map(|t| json!({ "type": t })).collect();
                        m.insert("anyOf".to_owned(), Value::Array(any));
                    }
                }
            }
            // oneOf [X, {type: null}] -> allOf [X], nullable.
            for key in ["oneOf", "anyOf"] {
                if let Some(Value::Array(alts)) = m.get(key).cloned() {
                    let is_null = |a: &Value| a.get("type").and_then(Value::as_str) == Some("null");
                    if alts.iter().any(is_null) {
                        let rest: Vec<Value> = alts.into_iter().filter(|a| !is_null(a)).collect();
                        m.remove(key);
                        m.insert("nullable".to_owned(), Value::Bool(true));
                        if rest.len() == 1 {
                            m.insert("allOf".to_owned(), Value::Array(rest));
                        } else {
                            m.insert(key.to_owned(), Value::Array(rest));
                        }
                    }
                }
            }
            if let Some(Value::Array(examples)) = m.remove("examples")
                && !m.contains_key("example")
                && let Some(first) = examples.into_iter().next()
            {
                m.insert("example".to_owned(), first);
            }
            if let Some(c) = m.remove("const") {
                m.insert("enum".to_owned(), Value::Array(vec![c]));
            }
            if m.remove("contentMediaType").is_some() || m.remove("contentEncoding").is_some() {
                m.insert("format".to_owned(), Value::String("binary".to_owned()));
            }
            m.remove("$schema");
            m.remove("propertyNames");
            // allOf [{$ref, description}] -> allOf [{$ref}], description.
            if let Some(Value::Array(all)) = m.get_mut("allOf")
                && let [Value::Object(only)] = all.as_mut_slice()
                && only.contains_key("$ref")
            {
                let siblings: Vec<(String, Value)> = only
                    .iter()
                    .filter(|(k, _)| k.as_str() != "$ref")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                only.retain(|k, _| k == "$ref");
                for (k, v) in siblings {
                    m.entry(k).or_insert(v);
                }
            }
            // {$ref, description} -> allOf [{$ref}], description.
            if m.len() > 1
                && let Some(r) = m.remove("$ref")
            {
                m.insert("allOf".to_owned(), json!([{ "$ref": r }]));
            }
            // A nullable reference takes the type of what it refers to.
            if m.get("nullable") == Some(&Value::Bool(true))
                && !m.contains_key("type")
                && let Some(Value::Array(all)) = m.get("allOf")
                && let [only] = all.as_slice()
                && let Some(name) = only
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && let Some(t) = types.get(name)
            {
                m.insert("type".to_owned(), t.clone());
            }
            m.values_mut().for_each(|x| schema_30(x, types));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| schema_30(x, types)),
        _ => {}
    }
}

/// The polished document as OpenAPI 3.0.3.
pub fn to_openapi_30(doc: &Value) -> Value {
    let mut out = doc.clone();
    if let Value::Object(m) = &mut out {
        m.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
        m.remove("jsonSchemaDialect");
        m.remove("webhooks");
        if let Some(Value::Object(info)) = m.get_mut("info")
            && let Some(Value::Object(license)) = info.get_mut("license")
        {
            license.remove("identifier");
            license
                .entry("url".to_owned())
                .or_insert_with(|| Value::String("https://opensource.org/license/mit".to_owned()));
        }
        let types: ComponentTypes = m
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .filter_map(|(name, s)| {
                        let t = s.get("type")?;
                        t.is_string().then(|| (name.clone(), t.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for key in ["paths", "components"] {
            if let Some(v) = m.get_mut(key) {
                schema_30(v, &types);
            }
        }
    }
    out
}

/// A pretty JSON text ending in a newline.
pub fn pretty(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_types_and_refs_read_as_openapi_30() {
        let mut v = json!({
            "a": {"type": ["integer", "null"], "examples": [3]},
            "b": {"oneOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]},
            "c": {"const": "x"},
            "d": {"oneOf": [{"$ref": "#/components/schemas/X", "description": "d"}, {"type": "null"}]},
            "e": {"$ref": "#/components/schemas/X", "description": "e"},
            "f": {"type": "object", "propertyNames": {"type": "string"}}
        });
        let types = ComponentTypes::from([("X".to_owned(), json!("string"))]);
        schema_30(&mut v, &types);
        assert_eq!(
            v["a"],
            json!({"type": "integer", "nullable": true, "example": 3})
        );
        assert_eq!(
            v["b"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "type": "string"})
        );
        assert_eq!(v["c"], json!({"enum": ["x"]}));
        assert_eq!(
            v["d"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "type": "string", "description": "d"})
        );
        assert_eq!(
            v["e"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "e"})
        );
        assert_eq!(v["f"], json!({"type": "object"}));
    }

    #[test]
    fn polishing_requires_fields_refers_to_records_and_drops_the_unused() {
        let doc: OpenApi = serde_json::from_value(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"200": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope_R"}}}}}}}},
            "components": {"schemas": {
                "Envelope_R": {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
                "R": {"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": ["string", "null"]}}},
                "Unused": {"type": "string"}
            }}
        }))
        .unwrap();
        let p = serde_json::to_value(polish(doc)).unwrap();
        let s = &p["components"]["schemas"];
        assert_eq!(
            s["Envelope_R"]["properties"]["data"]["items"],
            json!({"$ref": "#/components/schemas/R"})
        );
        // (The input went through a JSON value: its order is not the code's.)
        let mut required: Vec<&str> = s["R"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        required.sort_unstable();
        assert_eq!(required, ["a", "b"]);
        assert!(s.get("Unused").is_none());
        assert_eq!(p["paths"]["/x"]["get"]["security"], json!([]));
        assert_eq!(p["servers"][0]["url"], "/");
    }

    #[test]
    fn a_request_body_keeps_its_optional_fields_and_a_json_only_format_says_so() {
        let doc: OpenApi = serde_json::from_value(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/x": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}},
                    "responses": {"200": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}
                }},
                "/y": {"get": {
                    "parameters": [{"name": "format", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/F"}}],
                    "responses": {"200": {"description": "y", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}
                }}
            },
            "components": {"schemas": {
                "Body": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}, "o": {"type": ["string", "null"]}}},
                "R": {"type": "object", "properties": {"a": {"type": ["string", "null"]}}},
                "F": {"type": "string", "enum": ["json", "csv"]}
            }}
        }))
        .unwrap();
        let p = serde_json::to_value(polish(doc)).unwrap();
        let s = &p["components"]["schemas"];
        assert_eq!(s["Body"]["required"], json!(["n"]));
        assert_eq!(s["R"]["required"], json!(["a"]));
        let format = &p["paths"]["/y"]["get"]["parameters"][0];
        assert_eq!(
            format["schema"],
            json!({"type": "string", "enum": ["json"]})
        );
    }
}
