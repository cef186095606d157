//! Service and reference endpoints: health, readiness, groups, partners,
//! years, datasets, the OpenAPI document and its UI.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use atp_testkit::{Server, on_both_backends};
use serde_json::{Value, json};

const DATASET: &str = "kiat-2026-04";

fn health_and_readiness(app: &Server) {
    let health = app.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.content_type(), Some("application/json"));
    assert_eq!(health.header("cache-control"), Some("no-store"));
    assert_eq!(health.json(), json!({"status": "ok"}));

    let ready = app.get("/readyz");
    assert_eq!(ready.status, 200);
    assert_eq!(ready.header("cache-control"), Some("no-store"));
    assert_eq!(
        ready.json(),
        json!({
            "status": "ready",
            "database": "reachable",
            "backend": app.backend.map_or("", |b| b.as_str()),
            "data_version": 1,
            // The three built-in datasets, served from files embedded in
            // the binary: the brief (390 figures), the Census country.xlsx
            // with data to 2024-06 (220,820) and the Census ATP total
            // (936: 432 months and 36 years of each flow).
            "datasets": 3,
            "observations": 390 + 220_820 + 936,
        })
    );
}

fn groups(app: &Server) {
    let body = app.get_json("/v1/groups");
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "all",
            "biotechnology",
            "life-science",
            "opto-electronics",
            "information-communications",
            "electronics",
            "flexible-manufacturing",
            "advanced-materials",
            "aerospace",
            "weapons",
            "nuclear",
            "non-atp",
            "all-goods",
        ]
    );
    assert_eq!(
        body["page"],
        json!({"limit": 13, "offset": 0, "total": 13,
            "first": "/v1/groups?offset=0", "last": "/v1/groups?offset=0",
            "prev": null, "next": null})
    );
    assert_eq!(body["meta"]["dataset"], Value::Null);
    assert_eq!(body["meta"]["units"], "USD");
    assert_eq!(body["meta"]["data_version"], 1);
    let codes: Vec<&Value> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["census_code"])
        .collect();
    assert_eq!(codes[0], &Value::Null, "`all` has no Census code");
    for (i, code) in codes.iter().enumerate().take(11).skip(1) {
        assert_eq!(code.as_str().unwrap(), format!("{i:02}"));
    }
    assert_eq!(codes[11], "00", "non-atp is Census HITECH 00");
    assert_eq!(codes[12], &Value::Null, "all-goods has no Census code");
    let kinds: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "aggregate");
    assert!(kinds[1..11].iter().all(|k| *k == "group"), "{kinds:?}");
    assert_eq!(kinds[11..], ["non_atp", "all_goods"]);

    // One group, by slug or by its Census code: the same record.
    let bio = app.get_json("/v1/groups/biotechnology");
    assert_eq!(bio["data"], body["data"][1]);
    assert_eq!(bio["data"]["name_en"], "Biotechnology");
    assert_eq!(bio["data"]["name_ko"], "바이오기술");
    assert_eq!(bio["data"]["kind"], "group");
    assert_eq!(app.get_json("/v1/groups/01")["data"], bio["data"]);
    assert_eq!(
        app.get_json("/v1/groups/10")["data"]["id"],
        "nuclear",
        "Census code 10"
    );
    let all = app.get_json("/v1/groups/all");
    assert_eq!(all["data"], body["data"][0]);
    assert_eq!(all["data"]["kind"], "aggregate");
    // The goods beside ATP: by slug, and non-atp by its Census code.
    let non_atp = app.get_json("/v1/groups/00");
    assert_eq!(non_atp["data"], body["data"][11]);
    assert_eq!(non_atp["data"]["id"], "non-atp");
    assert_eq!(app.get_json("/v1/groups/non-atp")["data"], non_atp["data"]);
    let all_goods = app.get_json("/v1/groups/all-goods");
    assert_eq!(all_goods["data"], body["data"][12]);
    assert_eq!(all_goods["data"]["name_en"], "All goods");
}

fn partners(app: &Server) {
    let body = app.get_json("/v1/partners");
    let data = body["data"].as_array().unwrap();
    assert_eq!(body["page"]["total"], data.len());
    assert_eq!(body["page"]["offset"], 0);
    assert!(data.len() > 200, "every ISO country, the EU, ROW and WLD");
    let find = |code: &str| {
        data.iter()
            .find(|p| p["code"] == code)
            .unwrap_or_else(|| panic!("no partner {code}"))
    };
    assert_eq!(
        find("KR"),
        &json!({
            "code": "KR",
            "name_en": "Korea, South",
            "name_ko": "한국",
            "kind": "country",
            "census_code": "5800",
        })
    );
    for (code, kind) in [
        ("CN", "country"),
        ("JP", "country"),
        ("MX", "country"),
        ("EU", "bloc"),
        ("ROW", "rest_of_world"),
        ("WLD", "world"),
    ] {
        assert_eq!(find(code)["kind"], kind, "{code}");
    }
    let codes: std::collections::HashSet<&str> =
        data.iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), data.len(), "codes are unique");

    // One partner, by code (any case) or by its Census CTY_CODE.
    let kr = app.get_json("/v1/partners/KR");
    assert_eq!(&kr["data"], find("KR"));
    assert_eq!(kr["meta"]["dataset"], Value::Null);
    assert_eq!(app.get_json("/v1/partners/5800")["data"], kr["data"]);
    assert_eq!(app.get_json("/v1/partners/kr")["data"], kr["data"]);
    assert_eq!(app.get_json("/v1/partners/WLD")["data"], *find("WLD"));
}

fn years(app: &Server) {
    let body = app.get_json("/v1/years");
    assert_eq!(
        body["data"],
        json!([
            {"year": 2014, "observations": 193},
            {"year": 2024, "observations": 197},
        ])
    );
    assert_eq!(
        body["page"],
        json!({"limit": 2, "offset": 0, "total": 2,
            "first": "/v1/years?offset=0", "last": "/v1/years?offset=0",
            "prev": null, "next": null})
    );
    assert_eq!(body["meta"]["dataset"], DATASET);
    let named = app.get_json("/v1/years?dataset=kiat-2026-04");
    assert_eq!(named["data"], body["data"]);
    assert_eq!(named["meta"]["query"], json!({"dataset": DATASET}));
}

fn datasets(app: &Server) {
    let body = app.get_json("/v1/datasets");
    let list = body["data"].as_array().unwrap();
    // By id: the two built-in Census datasets beside the brief.
    let ids: Vec<&str> = list.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["census-atp", "census-country", DATASET]);
    assert_eq!(body["page"]["total"], 3);
    let ds = &list[2];
    assert_eq!(ds["id"], DATASET);
    assert_eq!(ds["vintage"], "2026-04");
    assert_eq!(ds["vintages"], json!(["2026-04"]));
    assert_eq!(ds["frequencies"], json!(["annual"]));
    assert_eq!(ds["first_period"], "2014");
    assert_eq!(ds["last_period"], "2024");
    assert_eq!(
        ds["publisher"],
        "Korea Institute for Advancement of Technology (KIAT)"
    );
    assert_eq!(ds["source_format"], "builtin");
    assert_eq!(ds["row_count"], 390);
    assert_eq!(ds["served_rows"], 390);
    assert_eq!(ds["years"], json!([2014, 2024]));
    assert_eq!(ds["partners"], 7);
    assert_eq!(ds["all_is_computed"], false);
    assert_eq!(
        ds["groups_covered"],
        json!([
            "biotechnology",
            "life-science",
            "opto-electronics",
            "information-communications",
            "electronics",
            "flexible-manufacturing",
            "advanced-materials",
            "aerospace",
            "nuclear",
        ]),
        "every group but weapons, which the brief prints no figure for"
    );
    let checksum = ds["checksum"].as_str().unwrap();
    assert_eq!(checksum.len(), 64, "sha256 in hex: {checksum}");
    assert!(ds["imported_at"].as_str().unwrap().ends_with('Z'));
    assert!(!ds["notes"].as_array().unwrap().is_empty());
    assert!(!ds["quality_notes"].as_array().unwrap().is_empty());

    let one = app.get_json("/v1/datasets/kiat-2026-04");
    assert_eq!(&one["data"], ds);
    assert_eq!(one["meta"]["dataset"], DATASET);

    // The Census datasets, built in (never stored in the database): the
    // latest country.xlsx (every good by partner, monthly to 2024-06) and
    // the ATP total with the world (monthly, 1989-01 to 2024-12).
    for (ds, id, vintage, rows, first, last, groups, partners) in [
        (
            &list[0],
            "census-atp",
            "2024-12",
            936,
            "1989",
            "2024-12",
            json!(["all"]),
            1,
        ),
        (
            &list[1],
            "census-country",
            "2024-06",
            220_820,
            "1985",
            "2024-06",
            json!(["all", "all-goods"]),
            257,
        ),
    ] {
        assert_eq!(ds["id"], id);
        assert_eq!(ds["vintage"], vintage, "{id}");
        assert_eq!(ds["vintages"], json!([vintage]), "{id}");
        assert_eq!(ds["source_format"], "builtin", "{id}");
        assert_eq!(ds["publisher"], "US Census Bureau, Foreign Trade Division");
        assert_eq!(ds["row_count"], rows, "{id}");
        assert_eq!(ds["served_rows"], rows, "{id}");
        assert_eq!(ds["frequencies"], json!(["annual", "monthly"]), "{id}");
        assert_eq!(ds["first_period"], first, "{id}");
        assert_eq!(ds["last_period"], last, "{id}");
        assert_eq!(ds["groups"], groups, "{id}");
        assert_eq!(
            ds["groups_covered"],
            json!([]),
            "{id}: all is the source's own total"
        );
        assert_eq!(ds["all_is_computed"], false, "{id}");
        assert_eq!(ds["partners"], partners, "{id}");
        assert_eq!(ds["checksum"].as_str().unwrap().len(), 64, "{id}");
        assert_eq!(app.get_json(&format!("/v1/datasets/{id}"))["data"], *ds);
    }
    assert_eq!(list[0]["years"], json!((1989..=2024).collect::<Vec<u16>>()));
    assert_eq!(list[1]["years"], json!((1985..=2024).collect::<Vec<u16>>()));
}

fn openapi_document_is_the_committed_one(app: &Server) {
    let served = app.get("/openapi.json");
    assert_eq!(served.status, 200);
    assert_eq!(served.content_type(), Some("application/json"));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    assert!(
        served.json() == committed,
        "GET /openapi.json differs from openapi/openapi.json"
    );
}

fn swagger_ui(app: &Server) {
    let docs = app.get("/docs/");
    assert_eq!(docs.status, 200);
    assert_eq!(docs.content_type(), Some("text/html"));
    assert!(docs.text().contains("<title>Swagger UI</title>"));

    // The UI loads the served document.
    let init = app.get("/docs/swagger-initializer.js");
    assert_eq!(init.status, 200);
    assert!(init.text().contains("/openapi.json"), "{}", init.text());

    // Without the trailing slash: a permanent redirect.
    let bare = app.get("/docs");
    assert_eq!(bare.status, 308);
    assert_eq!(bare.header("location"), Some("/docs/"));
}

on_both_backends!(
    health_and_readiness,
    groups,
    partners,
    years,
    datasets,
    openapi_document_is_the_committed_one,
    swagger_ui,
);
