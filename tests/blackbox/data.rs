//! The data endpoints, with the figures of the brief: imports, exports,
//! balances, growth, shares, concentration and a partner's profile; filters,
//! Census aliases, year ranges, sorting and paging.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use atp_testkit::{Server, on_both_backends};
use serde_json::{Value, json};

const DATASET: &str = "kiat-2026-04";

/// The records of a listing.
fn data(app: &Server, path: &str) -> Vec<Value> {
    app.get_json(path)["data"].as_array().unwrap().clone()
}

/// The one record a query must match.
fn one(app: &Server, path: &str) -> Value {
    let records = data(app, path);
    assert_eq!(records.len(), 1, "GET {path}: {records:#?}");
    records.into_iter().next().unwrap()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn float(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn assert_close(got: &Value, expected: f64) {
    let got = float(got);
    assert!(
        (got - expected).abs() < 1e-9 * expected.abs().max(1.0),
        "{got} != {expected}"
    );
}

/// The key a listing is ordered by when no `sort` is given: group (in the
/// order of /v1/groups), partner, year.
fn default_keys(app: &Server, records: &[Value]) -> Vec<(usize, String, i64)> {
    let groups: Vec<String> = data(app, "/v1/groups")
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_owned())
        .collect();
    records
        .iter()
        .map(|r| {
            let g = groups
                .iter()
                .position(|id| r["group"] == id.as_str())
                .unwrap();
            (
                g,
                r["partner"].as_str().unwrap().to_owned(),
                int(&r["year"]),
            )
        })
        .collect()
}

fn imports_of_korea_in_2024(app: &Server) {
    let body = app.get_json("/v1/imports?group=all&partner=KR&year=2024");
    assert_eq!(
        body["data"],
        json!([{
            "dataset": DATASET,
            "group": "all",
            "partner": "KR",
            "partner_kind": "country",
            "year": 2024,
            "period": "2024",
            "frequency": "annual",
            "flow": "imports",
            "value_usd": 29_000_000_000_i64,
            // The level, untransformed (no `units` or `rolling` asked for).
            "value": 29_000_000_000_i64,
            "value_reason": null,
            "value_base_period": null,
            "status": "reported",
            "rounding_usd": 100_000_000,
            "formula": null,
            "inputs": null,
            "citation": "II.1 ATP overall / imports",
            "quote": "한국(290억 달러, 4%)",
        }])
    );
    assert_eq!(
        body["page"],
        json!({"limit": 1000, "offset": 0, "total": 1,
            "first": "/v1/imports?group=all&partner=KR&year=2024&offset=0",
            "last": "/v1/imports?group=all&partner=KR&year=2024&offset=0",
            "prev": null, "next": null})
    );
    assert_eq!(
        body["meta"],
        json!({
            "dataset": DATASET,
            "vintage": "2026-04",
            "units": "USD",
            "frequency": "annual",
            "transform": null,
            "data_version": 1,
            "query": {"group": "all", "partner": "KR", "year": "2024"},
            "coverage": {
                "first_period": "2014",
                "last_period": "2024",
                "periods": 2,
                "frequencies": ["annual"],
                "period_ranges": ["2014", "2024"],
                "groups": ["all", "biotechnology", "life-science", "opto-electronics",
                    "information-communications", "electronics", "flexible-manufacturing",
                    "advanced-materials", "aerospace", "nuclear"],
                "partners": 7,
            },
            "notice": null,
            "notes": [],
        })
    );

    // By group: biotechnology imports from Korea, 3.7 billion dollars.
    let bio = one(app, "/v1/imports?group=biotechnology&partner=KR&year=2024");
    assert_eq!(bio["value_usd"], 3_700_000_000_i64);
    assert_eq!(bio["citation"], "II.2 Biotechnology / imports");
}

fn world_totals_and_partners(app: &Server) {
    let imports = data(app, "/v1/imports?group=all&partner=WLD");
    let values: Vec<(i64, i64)> = imports
        .iter()
        .map(|r| (int(&r["year"]), int(&r["value_usd"])))
        .collect();
    assert_eq!(values, [(2014, 214_000_000_000), (2024, 762_000_000_000)]);
    assert!(imports.iter().all(|r| r["status"] == "reported"));
    assert_eq!(imports[0]["quote"], "수입액은 '14년 2,140억 달러보다");
    assert_eq!(imports[1]["quote"], "256%* 증가한 총 7,620억 달러");

    let exports = data(app, "/v1/exports?group=all&partner=WLD");
    let values: Vec<(i64, i64)> = exports
        .iter()
        .map(|r| (int(&r["year"]), int(&r["value_usd"])))
        .collect();
    assert_eq!(values, [(2014, 243_000_000_000), (2024, 462_000_000_000)]);
    assert!(exports.iter().all(|r| r["flow"] == "exports"));

    // The five partners of the brief in 2024, and the rest of the world
    // derived as world minus them.
    for (flow, expected) in [
        (
            "imports",
            [
                ("CN", 112_000_000_000_i64),
                ("EU", 180_000_000_000),
                ("JP", 28_000_000_000),
                ("KR", 29_000_000_000),
                ("MX", 102_000_000_000),
                ("ROW", 311_000_000_000),
            ],
        ),
        (
            "exports",
            [
                ("CN", 43_000_000_000),
                ("EU", 112_000_000_000),
                ("JP", 21_000_000_000),
                ("KR", 13_000_000_000),
                ("MX", 56_000_000_000),
                ("ROW", 217_000_000_000),
            ],
        ),
    ] {
        let records = data(
            app,
            &format!("/v1/{flow}?group=all&partner=CN,EU,JP,KR,MX,ROW&year=2024"),
        );
        let got: Vec<(&str, i64)> = records
            .iter()
            .map(|r| (r["partner"].as_str().unwrap(), int(&r["value_usd"])))
            .collect();
        assert_eq!(got, expected, "{flow}");
    }
    let row = one(app, "/v1/imports?group=all&partner=ROW&year=2024");
    assert_eq!(row["status"], "derived");
    assert_eq!(row["partner_kind"], "rest_of_world");
    assert_eq!(row["rounding_usd"], Value::Null);
    assert!(
        row["formula"]
            .as_str()
            .unwrap()
            .starts_with("imports/all/WLD/2024 - ")
    );

    // A derived 2014 level, from a 2024 level and a printed growth rate.
    let kr2014 = one(app, "/v1/imports?group=all&partner=KR&year=2014");
    assert_eq!(kr2014["value_usd"], 5_187_835_420_i64);
    assert_eq!(kr2014["status"], "derived");
    assert!(kr2014["inputs"].is_string());

    // A valid partner without figures, and a group without figures: empty.
    let none = app.get_json("/v1/imports?partner=DE");
    assert_eq!(none["data"], json!([]));
    assert_eq!(none["page"]["total"], 0);
    assert_eq!(
        app.get_json("/v1/exports?group=weapons")["page"]["total"],
        0
    );
}

fn filters(app: &Server) {
    let all = data(app, "/v1/imports");
    assert_eq!(all.len(), 138);
    // Default order: group, partner, year.
    assert!(default_keys(app, &all).is_sorted(), "default order");

    // Lists: comma-separated or repeated, the same.
    let listed = data(
        app,
        "/v1/imports?group=biotechnology,life-science&partner=KR,CN&year=2024",
    );
    let repeated = data(
        app,
        "/v1/imports?group=biotechnology&group=life-science&partner=KR&partner=CN&year=2024",
    );
    assert_eq!(listed, repeated);
    let got: Vec<(&str, &str, i64)> = listed
        .iter()
        .map(|r| {
            (
                r["group"].as_str().unwrap(),
                r["partner"].as_str().unwrap(),
                int(&r["value_usd"]),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("biotechnology", "CN", 782_000_000),
            ("biotechnology", "KR", 3_700_000_000),
            ("life-science", "CN", 3_400_000_000),
            ("life-science", "KR", 541_000_000),
        ]
    );
    let expected: Vec<&Value> = all
        .iter()
        .filter(|r| {
            ["biotechnology", "life-science"].contains(&r["group"].as_str().unwrap())
                && ["KR", "CN"].contains(&r["partner"].as_str().unwrap())
                && r["year"] == 2024
        })
        .collect();
    assert_eq!(listed.iter().collect::<Vec<_>>(), expected);

    // Census aliases: group 01 is biotechnology, CTY_CODE 5800 is Korea.
    let by_code = app.get_json("/v1/imports?group=01&partner=5800");
    let by_name = app.get_json("/v1/imports?group=biotechnology&partner=KR");
    assert_eq!(by_code["data"], by_name["data"]);
    assert_eq!(by_code["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        by_code["meta"]["query"],
        json!({"group": "01", "partner": "5800"})
    );

    // Years: a list, a closed range, an open range.
    let both = data(app, "/v1/imports?year=2014,2024");
    assert_eq!(both, all);
    let range = data(app, "/v1/imports?from=2014&to=2024");
    assert_eq!(range, all);
    let later = data(app, "/v1/imports?from=2015");
    let earlier = data(app, "/v1/imports?to=2023");
    assert!(!later.is_empty() && later.iter().all(|r| r["year"] == 2024));
    assert!(!earlier.is_empty() && earlier.iter().all(|r| r["year"] == 2014));
    assert_eq!(later.len() + earlier.len(), all.len());
    assert_eq!(later, data(app, "/v1/imports?year=2024"));
    assert_eq!(data(app, "/v1/imports?from=2024&to=2024"), later);
    assert_eq!(data(app, "/v1/imports?year=2020"), Vec::<Value>::new());

    // Naming the default dataset changes nothing but the echoed query.
    assert_eq!(data(app, "/v1/imports?dataset=kiat-2026-04"), all);
}

fn sorting(app: &Server) {
    let all = data(app, "/v1/imports");
    let desc = data(app, "/v1/imports?sort=-value_usd");
    assert_eq!(desc.len(), all.len());
    let values: Vec<i64> = desc.iter().map(|r| int(&r["value_usd"])).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "descending");
    assert_eq!(
        (&desc[0]["group"], &desc[0]["partner"], values[0]),
        (&json!("all"), &json!("WLD"), 762_000_000_000)
    );
    let asc = data(app, "/v1/imports?sort=value_usd");
    let values: Vec<i64> = asc.iter().map(|r| int(&r["value_usd"])).collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "ascending");
    // The smallest: nuclear imports from Mexico in 2014.
    assert_eq!(
        (&asc[0]["group"], &asc[0]["partner"], values[0]),
        (&json!("nuclear"), &json!("MX"), 223_948)
    );
    assert_eq!(
        data(app, "/v1/imports?sort=%2Bvalue_usd"),
        asc,
        "+ is ascending"
    );

    // Several keys: year ascending, then value descending.
    let multi = data(app, "/v1/imports?sort=year,-value_usd");
    let keys: Vec<(i64, i64)> = multi
        .iter()
        .map(|r| (int(&r["year"]), -int(&r["value_usd"])))
        .collect();
    assert!(keys.is_sorted());
    assert_eq!(multi.first().unwrap()["year"], 2014);
    assert_eq!(multi.last().unwrap()["year"], 2024);

    // Text keys, descending; ties keep the default order.
    let by_partner = data(app, "/v1/exports?group=all&year=2024&sort=-partner");
    let partners: Vec<&str> = by_partner
        .iter()
        .map(|r| r["partner"].as_str().unwrap())
        .collect();
    assert_eq!(partners, ["WLD", "ROW", "MX", "KR", "JP", "EU", "CN"]);
}

fn paging(app: &Server) {
    let all = data(app, "/v1/imports");
    let mut pages = Vec::new();
    for offset in (0..all.len()).step_by(25) {
        let body = app.get_json(&format!("/v1/imports?limit=25&offset={offset}"));
        let at = |o: usize| format!("/v1/imports?limit=25&offset={o}");
        assert_eq!(
            body["page"],
            json!({"limit": 25, "offset": offset, "total": 138,
                "first": at(0), "last": at(125),
                "prev": (offset > 0).then(|| at(offset - 25)),
                "next": (offset + 25 < 138).then(|| at(offset + 25))})
        );
        assert_eq!(
            body["meta"]["query"],
            json!({"limit": "25", "offset": offset.to_string()})
        );
        pages.extend(body["data"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(pages, all, "the pages, in order, are the whole listing");

    let last = app.get_json("/v1/imports?limit=5&offset=136");
    assert_eq!(last["data"].as_array().unwrap().len(), 2);
    assert_eq!(last["data"][1], all[137]);
    let past = app.get_json("/v1/imports?limit=5&offset=1000");
    assert_eq!(past["data"], json!([]));
    // Past the end: no next; prev is the last page.
    let at = |o: usize| format!("/v1/imports?limit=5&offset={o}");
    assert_eq!(
        past["page"],
        json!({"limit": 5, "offset": 1000, "total": 138,
            "first": at(0), "last": at(135), "prev": at(135), "next": null})
    );
    let edge = app.get_json("/v1/imports?limit=10000");
    assert_eq!(edge["page"]["limit"], 10000);
    assert_eq!(edge["data"].as_array().unwrap().len(), 138);

    // Paging applies after filters and sorting.
    let top = app.get_json("/v1/imports?year=2024&partner=KR&sort=-value_usd&limit=3");
    assert_eq!(top["page"]["total"], 10);
    let top: Vec<(&str, i64)> = top["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["group"].as_str().unwrap(), int(&r["value_usd"])))
        .collect();
    assert_eq!(
        top,
        [
            ("all", 29_000_000_000),
            ("information-communications", 13_500_000_000),
            ("electronics", 8_200_000_000),
        ]
    );
}

fn balances_of_biotechnology(app: &Server) {
    let body = app.get_json("/v1/balances?group=biotechnology&partner=WLD");
    let records = body["data"].as_array().unwrap();
    assert_eq!(body["page"]["total"], 2);
    let expected = [
        (2014, 1_500_000_000_i64, 415_000_000_i64, 1_100_000_000_i64),
        (2024, 57_000_000_000, 125_000_000_000, -68_000_000_000),
    ];
    for (r, (year, exports, imports, reported)) in records.iter().zip(expected) {
        assert_eq!(r["year"], year);
        assert_eq!(r["partner_kind"], "world");
        assert_eq!(r["exports_usd"], exports);
        assert_eq!(r["imports_usd"], imports);
        // The printed balance (to 1억) is finer than the difference of two
        // flows each rounded to 1억 (one of them derived): it is the
        // headline, and the difference stays visible.
        assert_eq!(r["balance_usd"], reported);
        assert_eq!(r["balance_basis"], "reported");
        assert_eq!(r["reported_balance_usd"], reported);
        assert_eq!(r["flows_balance_usd"], exports - imports);
        assert_close(
            &r["tsi"],
            (exports - imports) as f64 / (exports + imports) as f64,
        );
        assert_eq!(r["tsi_reason"], Value::Null);
        assert_eq!(r["status"], "reported");
    }
    // 2014: a surplus of 1.1 billion (the flows give 1.085); 2024: a
    // deficit of 68 billion.
    assert_eq!(records[0]["balance_usd"], 1_100_000_000);
    assert_eq!(records[0]["flows_balance_usd"], 1_085_000_000);
    assert_eq!(records[1]["balance_usd"], -68_000_000_000_i64);

    // Where one flow is missing, the balance the brief printed on its own.
    let row = one(
        app,
        "/v1/balances?group=biotechnology&partner=ROW&year=2014",
    );
    assert_eq!(row["imports_usd"], Value::Null);
    assert_eq!(row["balance_usd"], 204_000_000);
    assert_eq!(row["balance_basis"], "reported");
    assert_eq!(row["status"], "reported");
    assert_eq!(row["tsi"], Value::Null);
    assert_eq!(row["tsi_reason"], "missing_value");

    // The overall balance turned from a surplus to a deficit.
    let all = data(app, "/v1/balances?group=all&partner=WLD");
    let got: Vec<(i64, i64)> = all
        .iter()
        .map(|r| (int(&r["year"]), int(&r["reported_balance_usd"])))
        .collect();
    assert_eq!(got, [(2014, 29_000_000_000), (2024, -300_000_000_000)]);

    // Sorted by balance, descending: the largest surplus first.
    let sorted = data(app, "/v1/balances?year=2024&partner=WLD&sort=-balance_usd");
    let values: Vec<i64> = sorted.iter().map(|r| int(&r["balance_usd"])).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(sorted[0]["group"], "aerospace");
}

fn growth(app: &Server) {
    let body = app.get_json("/v1/growth?flow=imports&from=2014&to=2024&group=all&partner=WLD");
    assert_eq!(body["page"]["total"], 1);
    let r = &body["data"][0];
    assert_eq!(r["measure"], "imports");
    assert_eq!((&r["from"], &r["to"]), (&json!(2014), &json!(2024)));
    assert_eq!(r["start_usd"], 214_000_000_000_i64);
    assert_eq!(r["end_usd"], 762_000_000_000_i64);
    assert_eq!(r["change_usd"], 548_000_000_000_i64);
    // The brief: "256% increase".
    assert_close(&r["change_pct"], 548.0 / 214.0 * 100.0);
    assert!((float(&r["change_pct"]) - 256.07).abs() < 0.01);
    assert_close(&r["multiple"], 762.0 / 214.0);
    assert_close(
        &r["cagr_pct"],
        ((762.0_f64 / 214.0).powf(0.1) - 1.0) * 100.0,
    );
    for reason in [
        "change_usd_reason",
        "change_pct_reason",
        "multiple_reason",
        "cagr_pct_reason",
    ] {
        assert_eq!(r[reason], Value::Null, "{reason}");
    }
    assert_eq!(r["status"], "reported");
    assert_eq!(
        body["meta"]["query"],
        json!({"flow": "imports", "from": "2014", "to": "2024", "group": "all", "partner": "WLD"})
    );

    // A balance that changes sign has no multiple and no growth rate.
    let bio = one(
        app,
        "/v1/growth?flow=balance&from=2014&to=2024&group=biotechnology&partner=WLD",
    );
    assert_eq!(bio["measure"], "balance");
    // From the printed balances, the most precise there are.
    assert_eq!(bio["start_usd"], 1_100_000_000);
    assert_eq!(bio["end_usd"], -68_000_000_000_i64);
    assert_eq!(bio["change_usd"], -69_100_000_000_i64);
    assert_eq!(bio["multiple"], Value::Null);
    assert_eq!(bio["multiple_reason"], "sign_change");
    assert_eq!(bio["cagr_pct"], Value::Null);
    assert_eq!(bio["cagr_pct_reason"], "sign_change");

    // A year without figures: every measure null, for a missing value.
    let missing = one(
        app,
        "/v1/growth?flow=exports&from=2014&to=2020&group=all&partner=WLD",
    );
    assert_eq!(missing["start_usd"], 243_000_000_000_i64);
    assert_eq!(missing["end_usd"], Value::Null);
    assert_eq!(missing["change_pct"], Value::Null);
    assert_eq!(missing["change_pct_reason"], "missing_value");

    // Every group and partner, fastest growth first. Undefined values are
    // kept together at one end (the server reverses the ascending order, in
    // which they come last).
    let ranked = data(
        app,
        "/v1/growth?flow=imports&from=2014&to=2024&sort=-change_pct",
    );
    assert_eq!(ranked.len(), 70, "10 groups x 7 partners");
    let defined: Vec<&Value> = ranked
        .iter()
        .filter(|r| !r["change_pct"].is_null())
        .collect();
    let pcts: Vec<f64> = defined.iter().map(|r| float(&r["change_pct"])).collect();
    assert!(pcts.windows(2).all(|w| w[0] >= w[1]), "descending");
    let nulls = ranked.len() - defined.len();
    let together = ranked[..nulls].iter().all(|r| r["change_pct"].is_null())
        || ranked[defined.len()..]
            .iter()
            .all(|r| r["change_pct"].is_null());
    assert!(together, "undefined values at one end");
    assert_eq!(defined[0]["group"], "biotechnology");
    assert_eq!(defined[0]["partner"], "KR");
    let asc = data(
        app,
        "/v1/growth?flow=imports&from=2014&to=2024&sort=change_pct",
    );
    assert!(
        asc[defined.len()..]
            .iter()
            .all(|r| r["change_pct"].is_null()),
        "ascending: undefined values last"
    );
}

fn shares_and_ranks(app: &Server) {
    let body = app.get_json("/v1/shares?flow=imports&year=2024&group=all&sort=rank");
    let records = body["data"].as_array().unwrap();
    let got: Vec<(&str, &str, i64, Option<u64>)> = records
        .iter()
        .map(|r| {
            (
                r["partner"].as_str().unwrap(),
                r["partner_kind"].as_str().unwrap(),
                int(&r["value_usd"]),
                r["rank"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("EU", "bloc", 180_000_000_000, Some(1)),
            ("CN", "country", 112_000_000_000, Some(2)),
            ("MX", "country", 102_000_000_000, Some(3)),
            ("KR", "country", 29_000_000_000, Some(4)),
            ("JP", "country", 28_000_000_000, Some(5)),
            ("ROW", "rest_of_world", 311_000_000_000, None),
        ]
    );
    for r in records {
        assert_eq!(r["world_usd"], 762_000_000_000_i64);
        assert_close(&r["share_pct"], float(&r["value_usd"]) / 762e9 * 100.0);
        assert_eq!(r["flow"], "imports");
    }
    // Korea: 4 % of US ATP imports, fourth.
    let kr = one(
        app,
        "/v1/shares?flow=imports&year=2024&group=all&partner=KR",
    );
    assert_close(&kr["share_pct"], 29.0 / 762.0 * 100.0);
    assert_eq!(kr["rank"], 4);

    // Exports, by share descending.
    let exports = data(
        app,
        "/v1/shares?flow=exports&year=2024&group=all&sort=-share_pct",
    );
    let order: Vec<&str> = exports
        .iter()
        .map(|r| r["partner"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["ROW", "EU", "MX", "CN", "JP", "KR"]);
    let ranks: Vec<Option<u64>> = exports.iter().map(|r| r["rank"].as_u64()).collect();
    assert_eq!(ranks, [None, Some(1), Some(2), Some(3), Some(4), Some(5)]);
}

fn concentration(app: &Server) {
    let r = one(app, "/v1/concentration?flow=imports&year=2024&group=all");
    assert_eq!(r["flow"], "imports");
    assert_eq!(r["partners"], 5);
    assert_eq!(r["basis"], "listed_partners_share_of_world");
    // The index is the sum of the squared shares of the ranked partners.
    let shares = data(app, "/v1/shares?flow=imports&year=2024&group=all");
    let ranked: Vec<f64> = shares
        .iter()
        .filter(|s| !s["rank"].is_null())
        .map(|s| float(&s["share_pct"]))
        .collect();
    assert_close(&r["hhi"], ranked.iter().map(|s| s * s).sum());
    assert_close(&r["coverage_pct"], ranked.iter().sum());
    assert_close(&r["coverage_pct"], 451.0 / 762.0 * 100.0);
    assert_eq!(r["hhi_reason"], Value::Null);

    let by_year = data(
        app,
        "/v1/concentration?flow=exports&group=all,biotechnology",
    );
    let keys: Vec<(&str, i64)> = by_year
        .iter()
        .map(|r| (r["group"].as_str().unwrap(), int(&r["year"])))
        .collect();
    assert_eq!(
        keys,
        [
            ("all", 2014),
            ("all", 2024),
            ("biotechnology", 2014),
            ("biotechnology", 2024),
        ]
    );
    let most = data(app, "/v1/concentration?flow=imports&year=2024&sort=-hhi");
    let hhis: Vec<f64> = most.iter().filter_map(|r| r["hhi"].as_f64()).collect();
    assert!(hhis.windows(2).all(|w| w[0] >= w[1]));
}

fn korea_profile(app: &Server) {
    let body = app.get_json("/v1/partners/KR/profile?year=2024");
    let records = body["data"].as_array().unwrap();
    let groups: Vec<&str> = records
        .iter()
        .map(|r| r["group"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
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
            "nuclear",
        ]
    );
    assert_eq!(body["page"]["total"], 10);
    assert_eq!(
        body["meta"]["query"],
        json!({"year": "2024", "base_year": "2014"}),
        "the defaults applied are echoed"
    );
    let all = &records[0];
    assert_eq!(all["partner"], "KR");
    assert_eq!(all["year"], 2024);
    assert_eq!(all["base_year"], 2014);
    assert_eq!(all["imports_usd"], 29_000_000_000_i64);
    assert_eq!(all["exports_usd"], 13_000_000_000_i64);
    // Printed as "157억 달러 적자" (to 1억): finer than 130억 - 290억, two
    // figures each rounded to 1억.
    assert_eq!(all["balance_usd"], -15_700_000_000_i64);
    assert_eq!(all["balance_basis"], "reported");
    assert_eq!(all["imports_rank"], 4);
    assert_eq!(all["exports_rank"], 5);
    assert_close(&all["imports_share_pct"], 29.0 / 762.0 * 100.0);
    assert_close(&all["exports_share_pct"], 13.0 / 462.0 * 100.0);
    let bio = &records[1];
    assert_eq!(bio["imports_usd"], 3_700_000_000_i64);
    assert_eq!(bio["imports_rank"], 3);
    assert_close(&bio["imports_share_pct"], 2.96);

    // The same by Census code, and with the defaults left out.
    assert_eq!(
        app.get_json("/v1/partners/5800/profile?year=2024")["data"],
        body["data"]
    );
    assert_eq!(
        app.get_json("/v1/partners/KR/profile")["data"],
        body["data"]
    );
    // A base year equal to the year: no growth.
    let flat = app.get_json("/v1/partners/KR/profile?year=2024&base_year=2024");
    assert_eq!(flat["data"][0]["imports_change_pct"], 0.0);
}

on_both_backends!(
    imports_of_korea_in_2024,
    world_totals_and_partners,
    filters,
    sorting,
    paging,
    balances_of_biotechnology,
    growth,
    shares_and_ranks,
    concentration,
    korea_profile,
);
