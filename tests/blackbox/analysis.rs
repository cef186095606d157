//! Analyses over HTTP (issue 14): decompositions of change (to the dollar,
//! on the brief and on synthetic data), the shift-share of partners' shares,
//! indicators over time, and scenarios (a zero shock is the baseline, bad
//! bodies are refused naming the JSON pointer), on SQLite and PostgreSQL.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use std::collections::BTreeMap;
use std::process::Command;

use atp_testkit::{Launch, Server, TestDb, atp_bin, on_both_backends, on_both_databases};
use serde_json::{Value, json};

fn data(app: &Server, path: &str) -> Vec<Value> {
    let body = app.get_json(path);
    body["data"].as_array().unwrap().clone()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn float(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Within each total of a decomposition: the cells and the residual add up
/// to the total's change, to the dollar; returns the totals checked.
fn assert_sums(records: &[Value]) -> usize {
    let mut by_total: BTreeMap<(String, String), (i64, Option<i64>)> = BTreeMap::new();
    for r in records {
        let key = (
            r["total_group"].as_str().unwrap().to_owned(),
            r["total_partner"].as_str().unwrap().to_owned(),
        );
        let e = by_total.entry(key).or_insert((0, None));
        match r["kind"].as_str().unwrap() {
            "cell" | "residual" => e.0 += int(&r["change_usd"]),
            "total" => {
                assert_eq!(
                    int(&r["change_usd"]),
                    int(&r["end_usd"]) - int(&r["start_usd"]),
                    "{r}"
                );
                e.1 = Some(int(&r["change_usd"]));
            }
            other => panic!("kind {other}"),
        }
    }
    for (total, (parts, whole)) in &by_total {
        assert_eq!(Some(*parts), *whole, "{total:?}");
    }
    by_total.len()
}

/// The brief's swing from a surplus of 29 billion (2014) to a deficit of
/// 300 billion (2024), by partner and by group.
fn the_briefs_swing_decomposed(app: &Server) {
    let by_partner = data(
        app,
        "/v1/decomposition?flow=balance&from=2014&to=2024&by=partner",
    );
    assert_eq!(assert_sums(&by_partner), 1);
    let total = by_partner.iter().find(|r| r["kind"] == "total").unwrap();
    assert_eq!(int(&total["start_usd"]), 29_000_000_000);
    assert_eq!(int(&total["end_usd"]), -300_000_000_000);
    assert_eq!(int(&total["change_usd"]), -329_000_000_000);
    // Cells by rank: the EU moved the most (a surplus of 3.3 billion to a
    // deficit of 68 billion), then Mexico; the rest of the world is a cell
    // of its own, not ranked.
    let cells: Vec<(&str, Option<i64>, i64)> = by_partner
        .iter()
        .filter(|r| r["kind"] == "cell")
        .map(|r| {
            (
                r["partner"].as_str().unwrap(),
                r["rank"].as_i64(),
                int(&r["change_usd"]),
            )
        })
        .collect();
    assert_eq!(cells[0], ("EU", Some(1), -71_300_000_000));
    assert_eq!(cells[1], ("MX", Some(2), -49_700_000_000));
    let rest = cells.iter().find(|c| c.0 == "ROW").unwrap();
    assert_eq!((rest.1, rest.2), (None, -172_000_000_000));
    // Shares of the change add up to 100.
    let pct: f64 = by_partner
        .iter()
        .filter(|r| r["kind"] != "total")
        .map(|r| float(&r["share_of_change_pct"]))
        .sum();
    assert!((pct - 100.0).abs() < 1e-6, "{pct}");
    let eu = by_partner.iter().find(|r| r["partner"] == "EU").unwrap();
    assert!((float(&eu["share_of_change_pct"]) - 71.3 / 329.0 * 100.0).abs() < 1e-9);
    assert_eq!(eu["formula"], "balance/all/EU/2024 - balance/all/EU/2014");
    assert_eq!(eu["status"], "derived");

    let by_group = data(
        app,
        "/v1/decomposition?flow=balance&from=2014&to=2024&by=group",
    );
    assert_eq!(assert_sums(&by_group), 1);
    let first = &by_group[0];
    assert_eq!(first["group"], "information-communications");
    assert_eq!(int(&first["change_usd"]), -162_000_000_000);
    let residual = by_group.iter().find(|r| r["kind"] == "residual").unwrap();
    // The brief's `all` is printed on its own: 466 million apart from the
    // sum of its groups' changes.
    assert_eq!(int(&residual["change_usd"]), -466_000_000);

    // Imports by partner and group together, and exports: still exact.
    for flow in ["imports", "exports", "balance"] {
        let both = data(
            app,
            &format!("/v1/decomposition?flow={flow}&from=2014&to=2024&by=partner,group"),
        );
        assert_eq!(assert_sums(&both), 1, "{flow}");
        for r in &both {
            if r["kind"] == "cell" {
                assert_ne!(r["group"], "all");
                assert_ne!(r["partner"], "WLD");
            }
        }
    }
    // Narrowing the cells narrows them, not the total: the rest is in the
    // residual.
    let two = data(
        app,
        "/v1/decomposition?flow=imports&from=2014&to=2024&partner=CN,EU",
    );
    assert_eq!(assert_sums(&two), 1);
    assert_eq!(two.iter().filter(|r| r["kind"] == "cell").count(), 2);
    // CSV too.
    let csv = app.get("/v1/decomposition?flow=balance&from=2014&to=2024&format=csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.text()
            .starts_with("dataset,measure,by,from_period,to_period,total_group")
    );

    // How China's first place went to the EU: the shift-share of import shares.
    let shifts = data(
        app,
        "/v1/decomposition/shares?flow=imports&from=2014&to=2024&sort=change_pp",
    );
    let cn = &shifts[0];
    assert_eq!(cn["partner"], "CN");
    let (own, market, change) = (
        float(&cn["own_growth_pp"]),
        float(&cn["market_pp"]),
        float(&cn["change_pp"]),
    );
    assert!((own + market - change).abs() < 1e-9);
    assert!(change < -24.0 && change > -24.1, "{change}");
    let eu = shifts.iter().find(|r| r["partner"] == "EU").unwrap();
    assert!((float(&eu["share_end_pct"]) - 180.0 / 762.0 * 100.0).abs() < 1e-9);
}

fn indicators_over_time(app: &Server) {
    let rows = data(app, "/v1/indicators?indicator=top1_share,top3_share,hhi");
    let get = |ind: &str, year: &str| {
        rows.iter()
            .find(|r| r["indicator"] == ind && r["period"] == year)
            .unwrap()
            .clone()
    };
    // China held 38.8% of US ATP imports in 2014; the EU 23.6% in 2024.
    let top14 = get("top1_share", "2014");
    assert_eq!(top14["largest"], "CN");
    assert!((float(&top14["value"]) - 100.0 * 82_962_962_963.0 / 214_000_000_000.0).abs() < 1e-6);
    let top24 = get("top1_share", "2024");
    assert_eq!(top24["largest"], "EU");
    assert!((float(&top24["value"]) - 100.0 * 180.0 / 762.0).abs() < 1e-9);
    assert_eq!(get("top3_share", "2024")["largest"], "EU,CN,MX");
    let hhi = get("hhi", "2024");
    let expected: f64 = [180.0, 112.0, 102.0, 29.0, 28.0]
        .iter()
        .map(|v: &f64| (v / 762.0 * 100.0).powi(2))
        .sum();
    assert!((float(&hhi["value"]) - expected).abs() < 1e-9);
    assert_eq!(int(&hhi["partners_covered"]), 5);
    assert_eq!(hhi["left_out"], "ROW");
    // Changes of the indicator, in its own units.
    let chg = data(app, "/v1/indicators?indicator=hhi&units=chg&period=2024");
    assert_eq!(chg[0]["value"], Value::Null);
    assert_eq!(chg[0]["value_reason"], "missing_value");
    // TSI of Korea: from +0.145 (2014) to -0.381 (2024).
    let kr = data(app, "/v1/indicators?indicator=tsi&partner=KR");
    assert_eq!(kr.len(), 2);
    assert!((float(&kr[1]["value"]) + 0.380_952_380_952).abs() < 1e-9);
    assert_eq!(kr[0]["flow"], Value::Null);
    // ATP's share of all US goods imports, from the Census totals.
    let share = data(
        app,
        "/v1/indicators?dataset=census-country&indicator=atp_share&partner=WLD&period=2023",
    );
    assert_eq!(share.len(), 1);
    assert!(
        (float(&share[0]["value"]) - 100.0 * 636_875_895_561.0 / 3_080_170_295_122.0).abs() < 1e-6
    );
    // Monthly, with a year-ago change.
    let monthly = data(
        app,
        "/v1/indicators?dataset=census-country&indicator=atp_share&partner=WLD&period=2024-03&units=ch1",
    );
    assert_eq!(monthly[0]["value_base_period"], "2023-03");
    let level = |period: &str| {
        float(
            &data(
                app,
                &format!(
                    "/v1/indicators?dataset=census-country&indicator=atp_share&partner=WLD&period={period}"
                ),
            )[0]["value"],
        )
    };
    assert!((float(&monthly[0]["value"]) - (level("2024-03") - level("2023-03"))).abs() < 1e-12);
    // Bad indicators are refused with the list.
    let r = app.get("/v1/indicators?indicator=gini");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["allowed"],
        json!(["top1_share", "top3_share", "hhi", "tsi", "atp_share"])
    );
}

fn post(app: &Server, body: &Value) -> atp_testkit::Response {
    let bytes = serde_json::to_vec(body).unwrap();
    app.send(
        "POST",
        "/v1/scenarios",
        &[("Content-Type", "application/json")],
        Some(&bytes),
    )
}

fn scenarios(app: &Server) {
    // A scenario without shocks is the baseline, to the dollar, every
    // period and partner.
    let zero = post(
        app,
        &json!({"base": "2024", "horizon": 20, "shocks": [{"flow": "imports", "partner": "CN", "change_pct": 0, "then_pct_per_period": 0}]}),
    );
    assert_eq!(zero.status, 200, "{}", zero.text());
    let rows = zero.json()["data"].as_array().unwrap().clone();
    assert_eq!(
        rows.len(),
        21 * 7,
        "the base and 20 years x (world, ROW, 5 partners)"
    );
    for r in &rows {
        for f in ["imports", "exports", "balance"] {
            assert_eq!(
                r[format!("{f}_baseline_usd")],
                r[format!("{f}_scenario_usd")],
                "{r}"
            );
            assert_eq!(int(&r[format!("{f}_difference_usd")]), 0);
        }
    }
    // The flat baseline holds the base levels; the world is its cells' sum.
    let world_2030 = rows
        .iter()
        .find(|r| r["partner"] == "WLD" && r["period"] == "2030")
        .unwrap();
    assert_eq!(int(&world_2030["imports_baseline_usd"]), 762_000_000_000);

    // Imports from China -20% in 2025 then +3% a year; a 25-point tariff
    // on Mexico through the default elasticity (2.53).
    let body = json!({
        "base": "2024",
        "horizon": 3,
        "shocks": [{"flow": "imports", "partner": "CN", "change_pct": -20, "then_pct_per_period": 3}],
        "tariffs": [{"partner": "MX", "tariff_change_pp": 25}]
    });
    let a = post(app, &body);
    let b = post(app, &body);
    assert_eq!(a.status, 200);
    // The same body: the same bytes and ETag.
    assert_eq!(a.body, b.body);
    assert_eq!(a.header("etag"), b.header("etag"));
    let rows = a.json()["data"].as_array().unwrap().clone();
    let at = |p: &str, y: &str| {
        rows.iter()
            .find(|r| r["partner"] == p && r["period"] == y)
            .unwrap()
            .clone()
    };
    assert_eq!(
        int(&at("CN", "2025")["imports_scenario_usd"]),
        89_600_000_000
    );
    assert_eq!(
        int(&at("CN", "2027")["imports_scenario_usd"]),
        95_056_640_000
    );
    let mx = int(&at("MX", "2025")["imports_scenario_usd"]);
    let expected = 102_000_000_000.0 * 1.25f64.powf(-2.53);
    assert!((mx as f64 - expected).abs() < 1.0, "{mx} vs {expected}");
    // The world moves by its cells' differences.
    let w = at("WLD", "2025");
    assert_eq!(
        int(&w["imports_difference_usd"]),
        int(&at("CN", "2025")["imports_difference_usd"])
            + int(&at("MX", "2025")["imports_difference_usd"])
    );
    assert!(float(&w["hhi_imports_scenario"]) < float(&w["hhi_imports_baseline"]));
    // The compact form gives the same figures.
    let compact = data(
        app,
        "/v1/scenarios?base=2024&horizon=3&shock=imports:CN:-20:3&tariff=MX:25",
    );
    assert_eq!(compact, rows);

    // Bad bodies: each refused naming where, nothing half done.
    for (body, status, pointer) in [
        (
            json!({"horizon": 3, "shocks": [{"flow": "imprts", "partner": "CN"}]}),
            422,
            "/shocks/0/flow",
        ),
        (
            json!({"horizon": 3, "shocks": [{"flow": "imports", "partner": "ZZ"}]}),
            422,
            "/shocks/0/partner",
        ),
        (
            json!({"horizon": 3, "shocks": [{"flow": "imports", "change_pct": "x"}]}),
            422,
            "/shocks/0/change_pct",
        ),
        (
            json!({"horizon": 3, "shocks": [{"flow": "imports", "change_pct": -100}]}),
            422,
            "/shocks/0/change_pct",
        ),
        (
            json!({"horizon": 3, "shocks": [{"flow": "imports", "start": "2024"}]}),
            422,
            "/shocks/0/start",
        ),
        (
            json!({"horizon": 3, "shocks": [{"flow": "imports", "partner": "TW"}]}),
            422,
            "/shocks/0",
        ),
        (json!({"horizon": 21}), 422, "/horizon"),
        (json!({"horizon": 0}), 422, "/horizon"),
        (json!({"horizon": -1}), 422, "/horizon"),
        (json!({"horizon": 3, "baseline": "magic"}), 422, "/baseline"),
        (
            json!({"horizon": 3, "groups": ["biotech"]}),
            422,
            "/groups/0",
        ),
        (json!({"horizon": 3, "groups": ["weapons"]}), 422, "/groups"),
        (json!({"horizon": 3, "dataset": "nope"}), 422, "/dataset"),
        (json!({"horizon": 3, "base": "2024-13"}), 422, "/base"),
        (
            json!({"horizon": 3, "tariffs": [{"partner": "CN", "tariff_change_pp": 10, "elasticity": -1}]}),
            422,
            "/tariffs/0/elasticity",
        ),
        (
            json!({"horizon": 3, "tariffs": [{"partner": "CN"}]}),
            422,
            "/tariffs/0",
        ),
        (json!({"horizon": 3, "surprise": 1}), 422, "/surprise"),
        (json!({"shocks": []}), 422, ""),
    ] {
        let r = post(app, &body);
        assert_eq!(r.status, status, "{body}: {}", r.text());
        assert_eq!(r.content_type(), Some("application/problem+json"));
        let p = r.json();
        assert_eq!(p["pointer"], pointer, "{body}: {p}");
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
    // Too many shocks; not JSON; too large.
    let many: Vec<Value> = (0..51).map(|_| json!({"flow": "imports"})).collect();
    let r = post(app, &json!({"horizon": 3, "shocks": many}));
    assert_eq!(r.status, 422);
    assert!(r.json()["detail"].as_str().unwrap().contains("at most 50"));
    let r = app.send("POST", "/v1/scenarios", &[], Some(b"{\"horizon\": 3,"));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["type"], "/problems/invalid-body");
    let big = format!(
        "{{\"horizon\": 3, \"partners\": [{}]}}",
        vec!["\"CN\""; 20_000].join(",")
    );
    let r = app.send("POST", "/v1/scenarios", &[], Some(big.as_bytes()));
    assert_eq!(r.status, 413);
    // The compact form names its parameters.
    let r = app.get("/v1/scenarios?horizon=3&shock=imports:CN");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["parameter"], "shock");
    let r = app.get("/v1/scenarios?horizon=300");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["parameter"], "horizon");

    // Monthly: the base month and 240 months ahead, seasons kept.
    let monthly = post(
        app,
        &json!({"dataset": "census-atp", "frequency": "monthly", "base": "latest", "horizon": 240, "partners": []}),
    );
    assert_eq!(monthly.status, 200, "{}", monthly.text());
    let rows = monthly.json()["data"].as_array().unwrap().clone();
    let world: Vec<&Value> = rows.iter().filter(|r| r["partner"] == "WLD").collect();
    assert_eq!(world.len(), 241);
    assert_eq!(world[0]["period"], "2024-12");
    // January 2025 repeats January 2024 (a flat baseline keeps the seasons).
    let jan = data(
        app,
        "/v1/imports?dataset=census-atp&period=2024-01&group=all&partner=WLD",
    );
    assert_eq!(world[1]["imports_baseline_usd"], jan[0]["value_usd"]);
}

on_both_backends!(the_briefs_swing_decomposed, indicators_over_time, scenarios);

/// On a synthetic dataset of 20 partners, 10 groups and 5 years:
/// decompositions by partner, group and both add up to the dollar for every
/// total and every pair of years.
fn decompositions_of_synthetic_data_sum_to_the_dollar(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("synthetic.csv");
    let run = |args: &[&str]| {
        let out = Command::new(atp_bin!())
            .args(args)
            .env("ATP_DATABASE_URL", &db.url)
            .env("ATP_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "synthetic",
        "--partners",
        "20",
        "--years",
        "5",
        "--output",
        csv.to_str().unwrap(),
    ]);
    run(&["import", "--dataset", "synthetic", csv.to_str().unwrap()]);
    let app = &Launch::on(atp_bin!(), db).start();
    let years: Vec<i64> = data(app, "/v1/periods?dataset=synthetic&frequency=annual")
        .iter()
        .map(|p| int(&p["year"]))
        .collect();
    assert_eq!(years.len(), 5);
    let mut totals = 0;
    for flow in ["imports", "exports", "balance"] {
        for by in ["partner", "group", "partner,group"] {
            for (from, to) in [(years[0], years[4]), (years[1], years[2])] {
                let rows = data(
                    app,
                    &format!(
                        "/v1/decomposition?dataset=synthetic&flow={flow}&by={by}&from={from}&to={to}&group=all,aerospace,electronics&limit=10000"
                    ),
                );
                totals += assert_sums(&rows);
            }
        }
    }
    assert!(totals >= 3 * 2 * 3, "{totals}");
}

on_both_databases!(decompositions_of_synthetic_data_sum_to_the_dollar);
