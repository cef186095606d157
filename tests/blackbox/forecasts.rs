//! Forecasts (issue 14), over HTTP against the real binary, on both
//! backends: the Census ATP total (built in, monthly 1989-01..2024-12)
//! forecast for 2024 from the data through 2023 with the actual values
//! beside, an annual series, the brief's two-year series (too short), and
//! every parameter refused cleanly.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use std::collections::BTreeMap;

use atp_testkit::{Launch, Server, TestDb, atp_bin, on_both_backends, on_both_databases};
use serde_json::{Value, json};

/// The forecast of 2024 from the Census ATP total through 2023.
const IMPORTS_2024: &str = "/v1/forecasts?dataset=census-atp&flow=imports&until=2023-12&horizon=12";

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn float(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn data(body: &Value) -> Vec<Value> {
    body["data"].as_array().unwrap().clone()
}

/// The monthly values of a flow of the Census ATP total, by period.
fn actual_values(app: &Server, flow: &str, from: &str, to: &str) -> BTreeMap<String, i64> {
    let body = app.get_json(&format!(
        "/v1/{flow}?dataset=census-atp&group=all&partner=WLD&frequency=monthly&from={from}&to={to}"
    ));
    data(&body)
        .iter()
        .map(|r| (text(&r["period"]).to_owned(), int(&r["value_usd"])))
        .collect()
}

/// GET path must answer `status` problem+json; the problem is returned.
fn problem(app: &Server, path: &str, status: u16) -> Value {
    let r = app.get(path);
    assert_eq!(
        r.status,
        status,
        "{path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{path}"
    );
    let p = r.json();
    assert_eq!(p["status"], status, "{path}");
    p
}

/// GET path must answer 400 naming `parameter` and `value`, in the fields
/// and in the detail.
fn bad_request(app: &Server, path: &str, parameter: &str, value: &str) -> Value {
    let p = problem(app, path, 400);
    assert_eq!(p["type"], "/problems/invalid-parameter", "{path}");
    assert_eq!(p["parameter"], parameter, "{path}");
    assert_eq!(p["value"], value, "{path}");
    let detail = text(&p["detail"]);
    assert!(
        detail.contains(parameter) && detail.contains(value),
        "{path}: {detail}"
    );
    p
}

/// The records of a forecast, each period's by level.
fn by_period(records: &[Value]) -> BTreeMap<String, BTreeMap<i64, Value>> {
    let mut out: BTreeMap<String, BTreeMap<i64, Value>> = BTreeMap::new();
    for r in records {
        out.entry(text(&r["period"]).to_owned())
            .or_default()
            .insert(int(&r["level_pct"]), r.clone());
    }
    out
}

/// What every record of one forecast shares: provenance, method, history,
/// backtest.
const SHARED: [&str; 29] = [
    "dataset",
    "vintage",
    "group",
    "partner",
    "measure",
    "frequency",
    "status",
    "method",
    "method_requested",
    "method_reason",
    "model",
    "history_from",
    "history_to",
    "history_points",
    "backtest_origins",
    "backtest_steps",
    "backtest_points",
    "backtest_mape_pct",
    "backtest_mape_pct_reason",
    "backtest_mase",
    "backtest_mase_reason",
    "benchmark_method",
    "benchmark_mape_pct",
    "benchmark_mape_pct_reason",
    "benchmark_mase",
    "benchmark_mase_reason",
    "citation",
    "partner_kind",
    "forecast_usd_reason",
];

/// The checks every forecast answer passes: the records of each period
/// agree, intervals nest and hold the point, money is whole dollars,
/// errors are actual - forecast, `actual_within_interval` says what the
/// bounds say.
fn check_consistent(records: &[Value]) {
    let first = &records[0];
    for r in records {
        for k in SHARED {
            assert_eq!(r[k], first[k], "{k} differs between records");
        }
        let (point, lower, upper) = (
            int(&r["forecast_usd"]),
            int(&r["lower_usd"]),
            int(&r["upper_usd"]),
        );
        assert!(lower <= point && point <= upper, "{r}");
        match r["actual_usd"].as_i64() {
            Some(actual) => {
                assert_eq!(int(&r["error_usd"]), actual - point);
                assert_eq!(
                    r["actual_within_interval"],
                    json!(lower <= actual && actual <= upper)
                );
                assert_eq!(r["actual_usd_reason"], Value::Null);
            }
            None => {
                assert_eq!(r["error_usd"], Value::Null);
                assert_eq!(r["error_usd_reason"], "missing_value");
                assert_eq!(r["actual_within_interval"], Value::Null);
                assert!(r["actual_usd_reason"].is_string());
            }
        }
    }
    for levels in by_period(records).values() {
        let mut previous: Option<&Value> = None;
        for r in levels.values() {
            if let Some(p) = previous {
                assert_eq!(r["forecast_usd"], p["forecast_usd"]);
                assert!(int(&r["lower_usd"]) <= int(&p["lower_usd"]), "nested");
                assert!(int(&r["upper_usd"]) >= int(&p["upper_usd"]), "nested");
            }
            previous = Some(r);
        }
    }
}

// ---------------------------------------------------------------------------

fn forecast_2024_from_the_data_through_2023(app: &Server) {
    let body = app.get_json(IMPORTS_2024);
    let records = data(&body);
    // Twelve months at the two default levels, in period then level order.
    assert_eq!(records.len(), 24);
    assert_eq!(body["page"]["total"], 24);
    let periods: Vec<&str> = records.iter().map(|r| text(&r["period"])).collect();
    assert_eq!(periods[0], "2024-01");
    assert_eq!(periods[23], "2024-12");
    let levels: Vec<i64> = records.iter().map(|r| int(&r["level_pct"])).collect();
    assert_eq!(&levels[..4], [80, 95, 80, 95]);
    check_consistent(&records);
    let r = &records[0];
    // Where it came from.
    assert_eq!(r["dataset"], "census-atp");
    assert_eq!(r["vintage"], "2024-12");
    assert_eq!(r["status"], "forecast");
    assert_eq!((text(&r["group"]), text(&r["partner"])), ("all", "WLD"));
    assert_eq!(r["measure"], "imports");
    assert_eq!(r["frequency"], "monthly");
    assert_eq!(
        (text(&r["history_from"]), text(&r["history_to"])),
        ("1989-01", "2023-12")
    );
    assert_eq!(r["history_points"], 420);
    assert_eq!(r["step"], 1);
    assert_eq!(records[23]["step"], 12);
    // The method auto chose, and why.
    assert_eq!(r["method_requested"], "auto");
    assert_eq!(r["method"], "ets");
    let model = text(&r["model"]);
    assert!(
        model.starts_with("MSTL(12) + ETS(A,") && model.ends_with("on ln(value)"),
        "{model}"
    );
    assert_eq!(
        r["method_reason"],
        "auto: the history has 420 consecutive values; ets needs 24"
    );
    assert!(text(&r["citation"]).contains("census-atp (vintage 2024-12) imports"));
    // The actual values beside the forecasts are the dataset's own.
    let actual = actual_values(app, "imports", "2024-01", "2024-12");
    assert_eq!(actual.len(), 12);
    for (period, levels) in by_period(&records) {
        for r in levels.values() {
            assert_eq!(int(&r["actual_usd"]), actual[&period], "{period}");
        }
    }
    // The backtest: three origins of twelve months, both methods scored,
    // ETS better than the benchmark.
    assert_eq!(
        (
            &r["backtest_origins"],
            &r["backtest_steps"],
            &r["backtest_points"]
        ),
        (&json!(3), &json!(12), &json!(36))
    );
    assert_eq!(r["benchmark_method"], "seasonal_naive");
    for k in [
        "backtest_mape_pct",
        "backtest_mase",
        "backtest_coverage_pct",
        "benchmark_mape_pct",
        "benchmark_mase",
        "benchmark_coverage_pct",
    ] {
        let v = float(&r[k]);
        assert!(v.is_finite() && v >= 0.0, "{k}: {v}");
        assert_eq!(r[format!("{k}_reason")], Value::Null, "{k}");
    }
    assert!(float(&r["backtest_mase"]) < float(&r["benchmark_mase"]));
    assert!(float(&r["backtest_mape_pct"]) < float(&r["benchmark_mape_pct"]));
    // Coverage is per level: the 95% interval held more of the backtest.
    assert!(float(&records[1]["backtest_coverage_pct"]) >= float(&r["backtest_coverage_pct"]));
    // The meta says the frequency, the query and what to know.
    let meta = &body["meta"];
    assert_eq!(meta["frequency"], "monthly");
    assert_eq!(meta["units"], "USD");
    assert_eq!(meta["query"]["until"], "2023-12");
    let notes: Vec<&str> = meta["notes"].as_array().unwrap().iter().map(text).collect();
    assert!(notes.iter().any(|n| n.contains("whole US dollars")));
    assert!(notes.iter().any(|n| n.starts_with("backtest: 3 origins")));

    // Exports: the same shape; the balance: negative, fitted on its own
    // scale, its actual values exports - imports.
    let exports = data(
        &app.get_json("/v1/forecasts?dataset=census-atp&flow=exports&until=2023-12&horizon=12"),
    );
    assert_eq!(exports.len(), 24);
    check_consistent(&exports);
    let x_actual = actual_values(app, "exports", "2024-01", "2024-12");
    let balance = app.get_json(
        "/v1/forecasts?dataset=census-atp&flow=balance&until=2023-12&horizon=12&level=80",
    );
    let b = data(&balance);
    assert_eq!(b.len(), 12);
    check_consistent(&b);
    assert!(
        text(&b[0]["model"]).ends_with("on value"),
        "{}",
        b[0]["model"]
    );
    for r in &b {
        let period = text(&r["period"]);
        assert_eq!(int(&r["actual_usd"]), x_actual[period] - actual[period]);
        assert!(int(&r["forecast_usd"]) < 0, "a deficit: {r}");
    }
    assert!(
        balance["meta"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| text(n).starts_with("a balance can be negative"))
    );

    // Each method on request; the seasonal naive forecast is the same month
    // of 2023.
    let snaive = data(&app.get_json(&format!("{IMPORTS_2024}&method=seasonal_naive&level=95")));
    let y2023 = actual_values(app, "imports", "2023-01", "2023-12");
    for r in &snaive {
        let month = &text(&r["period"])[5..];
        assert_eq!(int(&r["forecast_usd"]), y2023[&format!("2023-{month}")]);
        assert_eq!(r["method"], "seasonal_naive");
        assert_eq!(r["method_reason"], "as asked");
    }
    check_consistent(&snaive);
    let naive = data(&app.get_json(&format!("{IMPORTS_2024}&method=naive&level=50")));
    assert!(
        naive
            .iter()
            .all(|r| int(&r["forecast_usd"]) == y2023["2023-12"])
    );
    assert_eq!(naive[0]["benchmark_method"], "seasonal_naive");
    let ets = data(&app.get_json(&format!("{IMPORTS_2024}&method=ets")));
    assert_eq!(ets[0]["method"], "ets");
    assert_eq!(ets[0]["forecast_usd"], records[0]["forecast_usd"]);

    // A longer horizon runs past the dataset: no actual value, and why.
    let long = data(&app.get_json(
        "/v1/forecasts?dataset=census-atp&flow=imports&until=2024-06&horizon=24&level=80",
    ));
    assert_eq!(long.len(), 24);
    check_consistent(&long);
    assert_eq!(text(&long[5]["period"]), "2024-12");
    assert!(long[5]["actual_usd"].is_i64());
    assert_eq!(long[6]["actual_usd"], Value::Null);
    assert_eq!(long[6]["actual_usd_reason"], "after_dataset");
    // Without until: from the last month.
    let latest = app.get_json("/v1/forecasts?dataset=census-atp&flow=imports&frequency=monthly");
    let latest = data(&latest);
    assert_eq!(latest[0]["history_to"], "2024-12");
    assert_eq!(latest[0]["period"], "2025-01");

    // CSV: the same records, one row each, money as integers.
    let csv = app.get(&format!("{IMPORTS_2024}&format=csv"));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut reader = csv::Reader::from_reader(csv.body.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 24);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        rows[0][col("forecast_usd")].parse::<i64>().unwrap(),
        int(&records[0]["forecast_usd"])
    );
    assert_eq!(
        rows[0][col("actual_usd")].parse::<i64>().unwrap(),
        actual["2024-01"]
    );
    // Pages, as every listing.
    let page = app.get_json(&format!("{IMPORTS_2024}&limit=5&offset=20"));
    assert_eq!(data(&page).len(), 4);
    assert_eq!(page["page"]["total"], 24);
    // ETag and 304, as every listing.
    let first = app.get(IMPORTS_2024);
    let etag = first.header("etag").unwrap().to_owned();
    assert!(first.header("cache-control").unwrap().contains("max-age"));
    let again = app.get_with(IMPORTS_2024, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
}

fn an_annual_series(app: &Server) {
    // frequency=annual, or a year as until.
    let body = app.get_json(
        "/v1/forecasts?dataset=census-atp&flow=exports&frequency=annual&until=2019&horizon=5",
    );
    let records = data(&body);
    assert_eq!(body["meta"]["frequency"], "annual");
    assert_eq!(records.len(), 10);
    check_consistent(&records);
    let r = &records[0];
    assert_eq!(
        (text(&r["period"]), r["frequency"].clone()),
        ("2020", json!("annual"))
    );
    assert_eq!(
        (text(&r["history_from"]), text(&r["history_to"])),
        ("1989", "2019")
    );
    assert_eq!(r["history_points"], 31);
    assert_eq!(r["method"], "ets");
    assert!(!text(&r["model"]).contains("MSTL"), "{}", r["model"]);
    // For years the benchmark is the naive forecast; 3 origins of 5 years.
    assert_eq!(r["benchmark_method"], "naive");
    assert_eq!(
        (int(&r["backtest_origins"]), int(&r["backtest_steps"])),
        (3, 5)
    );
    // 2020..2024 are in the dataset: the annual values, each the sum of
    // its months.
    let annual = app.get_json(
        "/v1/exports?dataset=census-atp&group=all&partner=WLD&frequency=annual&from=2020&to=2024",
    );
    for (r, a) in records.iter().step_by(2).zip(data(&annual)) {
        assert_eq!(r["period"], a["period"]);
        assert_eq!(r["actual_usd"], a["value_usd"]);
    }
    // A year as until chooses annual by itself.
    let same =
        data(&app.get_json("/v1/forecasts?dataset=census-atp&flow=exports&until=2019&horizon=5"));
    assert_eq!(same, records);
    // A year with frequency=monthly: through its December.
    let monthly = data(&app.get_json(
        "/v1/forecasts?dataset=census-atp&flow=exports&frequency=monthly&until=2019&horizon=1&level=80",
    ));
    assert_eq!(monthly[0]["history_to"], "2019-12");
}

fn too_short_and_bad_inputs(app: &Server) {
    // The brief's dataset: 2014 and 2024 only. 422, saying it has 2 values.
    let p = problem(app, "/v1/forecasts?dataset=kiat-2026-04&flow=imports", 422);
    assert_eq!(p["type"], "/problems/series-too-short");
    assert_eq!(p["title"], "Series too short");
    let detail = text(&p["detail"]);
    assert!(
        detail.contains("has 2 annual values (2014 to 2024)"),
        "{detail}"
    );
    assert!(detail.contains("the last 1 are"), "{detail}");
    assert!(detail.contains("needs at least 2 consecutive"), "{detail}");
    assert_eq!((p["have"].clone(), p["need"].clone()), (json!(1), json!(2)));
    // The default dataset is the brief's: the same.
    let p = problem(app, "/v1/forecasts?flow=exports&method=ets", 422);
    assert_eq!((p["have"].clone(), p["need"].clone()), (json!(1), json!(7)));
    assert!(text(&p["detail"]).contains("method ets needs at least 7"));
    // A year of months is too short for ETS (MSTL needs two), 12 months
    // for the seasonal naive (a cycle and one more).
    let p = problem(
        app,
        "/v1/forecasts?dataset=census-atp&flow=imports&until=1989-12&method=ets",
        422,
    );
    assert_eq!(
        (p["have"].clone(), p["need"].clone()),
        (json!(12), json!(24))
    );
    assert!(
        text(&p["detail"])
            .contains("has 12 monthly values up to 1989-12 (1989-01 to 1989-12), all consecutive"),
        "{}",
        p["detail"]
    );
    let p = problem(
        app,
        "/v1/forecasts?dataset=census-atp&flow=imports&until=1989-12&method=seasonal_naive",
        422,
    );
    assert_eq!(
        (p["have"].clone(), p["need"].clone()),
        (json!(12), json!(13))
    );
    // auto takes what the history allows, and says so.
    let short = data(
        &app.get_json("/v1/forecasts?dataset=census-atp&flow=imports&until=1989-12&horizon=2"),
    );
    assert_eq!(short[0]["method"], "naive");
    assert!(text(&short[0]["method_reason"]).contains("ets needs 24"));
    // A valid query for a series the dataset does not have: empty, with why.
    let none = app.get_json("/v1/forecasts?dataset=census-atp&flow=imports&partner=KR");
    assert_eq!(data(&none).len(), 0);
    assert_eq!(none["meta"]["notice"]["code"], "not_in_dataset");

    // Every parameter refused cleanly.
    let base = "/v1/forecasts?dataset=census-atp";
    let p = bad_request(app, base, "flow", "");
    assert!(text(&p["detail"]).contains("imports, exports or balance"));
    bad_request(app, &format!("{base}&flow=sideways"), "flow", "sideways");
    let f = format!("{base}&flow=imports");
    bad_request(
        app,
        "/v1/forecasts?dataset=nope&flow=imports",
        "dataset",
        "nope",
    );
    bad_request(app, &format!("{f}&vintage=2019-10"), "vintage", "2019-10");
    bad_request(app, &format!("{f}&as_of=2024-13-01"), "as_of", "2024-13-01");
    bad_request(
        app,
        &format!("{f}&vintage=2024-12&as_of=2025-01-01"),
        "vintage",
        "2024-12",
    );
    bad_request(app, &format!("{f}&group=nanotech"), "group", "nanotech");
    let p = bad_request(
        app,
        &format!("{f}&group=all,biotechnology"),
        "group",
        "all,biotechnology",
    );
    assert!(text(&p["detail"]).contains("one series"));
    bad_request(app, &format!("{f}&partner=XX"), "partner", "XX");
    bad_request(app, &format!("{f}&partner=WLD,KR"), "partner", "WLD,KR");
    let p = bad_request(app, &format!("{f}&frequency=weekly"), "frequency", "weekly");
    assert_eq!(p["allowed"], json!(["annual", "monthly"]));
    bad_request(app, &format!("{f}&until=2024-13"), "until", "2024-13");
    let p = bad_request(app, &format!("{f}&until=2025-01"), "until", "2025-01");
    assert!(text(&p["detail"]).contains("the dataset's last monthly period, 2024-12"));
    bad_request(
        app,
        &format!("{f}&frequency=annual&until=2023-06"),
        "until",
        "2023-06",
    );
    bad_request(app, &format!("{f}&horizon=0"), "horizon", "0");
    bad_request(app, &format!("{f}&horizon=241"), "horizon", "241");
    bad_request(app, &format!("{f}&horizon=twelve"), "horizon", "twelve");
    let p = bad_request(
        app,
        &format!("{f}&frequency=annual&horizon=21"),
        "horizon",
        "21",
    );
    assert!(text(&p["detail"]).contains("at most 20 periods with frequency=annual"));
    bad_request(app, &format!("{f}&level=100"), "level", "100");
    bad_request(app, &format!("{f}&level=0"), "level", "0");
    bad_request(app, &format!("{f}&level=80.5"), "level", "80.5");
    bad_request(
        app,
        &format!("{f}&level=50,60,70,80,90"),
        "level",
        "50,60,70,80,90",
    );
    let p = bad_request(app, &format!("{f}&method=arima"), "method", "arima");
    assert_eq!(
        p["allowed"],
        json!(["auto", "ets", "naive", "seasonal_naive"])
    );
    bad_request(app, &format!("{f}&limit=0"), "limit", "0");
    bad_request(app, &format!("{f}&offset=-1"), "offset", "-1");
    bad_request(app, &format!("{f}&format=xml"), "format", "xml");
    bad_request(
        app,
        &format!("{f}&horizon=12&horizon=24"),
        "horizon",
        "12,24",
    );
    let p = bad_request(app, &format!("{f}&sort=period"), "sort", "period");
    assert!(text(&p["detail"]).contains("unknown parameter"));
}

on_both_backends!(
    forecast_2024_from_the_data_through_2023,
    an_annual_series,
    too_short_and_bad_inputs,
);

/// The same query gives the same bytes, computed afresh each time (the
/// response cache off).
fn the_same_query_gives_the_same_bytes(db: &TestDb) {
    let app = Launch::on(atp_bin!(), db)
        .env("ATP_RESPONSE_CACHE_ENTRIES", "0")
        .start();
    for path in [
        IMPORTS_2024.to_owned(),
        "/v1/forecasts?dataset=census-atp&flow=balance&until=2020-06&horizon=30&level=50,99"
            .to_owned(),
        "/v1/forecasts?dataset=census-atp&flow=exports&frequency=annual&format=csv".to_owned(),
    ] {
        let a = app.get(&path);
        let b = app.get(&path);
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(a.body, b.body, "{path}");
        assert_eq!(a.header("etag"), b.header("etag"), "{path}");
    }
}

on_both_databases!(the_same_query_gives_the_same_bytes);
