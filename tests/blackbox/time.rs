//! Time depth (issue 12), with the real Census files built into the binary:
//! monthly series and the annual values derived from them, the incomplete
//! last year, all goods beside ATP, transforms and rolling sums, the brief
//! compared with Census, and the older `country.xlsx` vintages imported
//! beside the built-in one (`vintage`, `as_of`, revisions). Every figure is
//! the real one: the values of the files, or values computed here from the
//! level series the server sends.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use std::collections::BTreeMap;
use std::process::Command;

use atp_testkit::{Launch, Server, TestDb, atp_bin, on_both_backends, on_both_databases};
use serde_json::{Value, json};

/// The Census ATP total with the world, monthly, 1989-01 to 2024-12.
const ATP: &str = "census-atp";
/// The latest `country.xlsx` vintage (data to 2024-06), built in.
const COUNTRY: &str = "census-country";

/// Real figures of the files (whole dollars).
const IMPORTS_2024: i64 = 763_239_061_303;
const EXPORTS_2024: i64 = 464_290_844_933;
const IMPORTS_2014: i64 = 422_133_976_001;
const EXPORTS_2014: i64 = 336_478_578_709;
/// Korea, January 2017 imports, all goods: the 2019-10 vintage, then the
/// 2023-01 vintage (unchanged in 2024-06).
const KR_2017_01_IN_2019_10: i64 = 5_955_204_041;
const KR_2017_01_REVISED: i64 = 5_953_946_323;

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

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn assert_close(got: &Value, expected: f64, label: &str) {
    let got = float(got);
    assert!(
        (got - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{label}: {got} != {expected}"
    );
}

/// Each record's period and `value_usd`, in order.
fn levels(records: &[Value]) -> Vec<(String, i64)> {
    records
        .iter()
        .map(|r| (text(&r["period"]).to_owned(), int(&r["value_usd"])))
        .collect()
}

/// `YYYY-MM` for every month from `first` to `last` (inclusive).
fn months(first: (u16, u8), last: (u16, u8)) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        out.push(format!("{y}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// GET path must answer 400 problem+json naming `parameter` and `value`
/// (in the fields and in the detail); the problem is returned.
fn bad_request(app: &Server, path: &str, parameter: &str, value: &str) -> Value {
    let r = app.get(path);
    assert_eq!(
        r.status,
        400,
        "{path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{path}"
    );
    let p = r.json();
    assert_eq!(p["type"], "/problems/invalid-parameter", "{path}");
    assert_eq!(p["status"], 400, "{path}");
    assert_eq!(p["parameter"], parameter, "{path}");
    assert_eq!(p["value"], value, "{path}");
    let detail = text(&p["detail"]);
    assert!(
        detail.contains(parameter) && detail.contains(value),
        "{path}: the detail names the parameter and the value: {detail}"
    );
    p
}

// ---------------------------------------------------------------------------
// Monthly series and the annual values derived from them

fn monthly_series_of_the_atp_total(app: &Server) {
    // One month: reported as the file gives it, exact to the dollar.
    let body = app.get_json("/v1/imports?dataset=census-atp&period=2024-03");
    assert_eq!(
        body["data"],
        json!([{
            "dataset": ATP,
            "group": "all",
            "partner": "WLD",
            "partner_kind": "world",
            "year": 2024,
            "period": "2024-03",
            "frequency": "monthly",
            "flow": "imports",
            "value_usd": 57_260_563_237_i64,
            "value": 57_260_563_237_i64,
            "value_reason": null,
            "value_base_period": null,
            "status": "reported",
            "rounding_usd": 1,
            "formula": null,
            "inputs": null,
            "citation": "U.S. Census Bureau, Foreign Trade Division, U.S. Trade in Goods by \
                Country (country.xlsx), a later copy with data to 2024-12, row 0007 (Advanced \
                Technology Products), the month",
            "quote": null,
        }])
    );
    let meta = &body["meta"];
    assert_eq!(meta["dataset"], ATP);
    assert_eq!(meta["vintage"], "2024-12");
    assert_eq!(meta["frequency"], "monthly", "a month asked for: monthly");
    assert_eq!(meta["transform"], Value::Null);
    assert_eq!(
        meta["coverage"],
        json!({
            "first_period": "1989",
            "last_period": "2024-12",
            "periods": 36 + 36 * 12,
            "frequencies": ["annual", "monthly"],
            "period_ranges": ["1989..2024", "1989-01..2024-12"],
            "groups": ["all"],
            "partners": 1,
        })
    );

    // A range of months, in time order, every month once.
    let range = data(
        app,
        "/v1/imports?dataset=census-atp&from=2023-01&to=2024-12",
    );
    let got = levels(&range);
    assert_eq!(
        got.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        months((2023, 1), (2024, 12))
    );
    assert!(range.iter().all(|r| r["frequency"] == "monthly"));
    assert!(range.iter().all(|r| r["status"] == "reported"));
    assert_eq!(got[0], ("2023-01".to_owned(), 48_406_989_982));
    assert_eq!(got[23], ("2024-12".to_owned(), 68_549_180_294));
    // A year with frequency=monthly stands for its twelve months; so does a
    // range of years.
    let year_2024 = data(
        app,
        "/v1/imports?dataset=census-atp&year=2024&frequency=monthly",
    );
    assert_eq!(year_2024, range[12..]);
    assert_eq!(
        data(
            app,
            "/v1/imports?dataset=census-atp&from=2023&to=2024&frequency=monthly"
        ),
        range
    );
    assert_eq!(
        data(
            app,
            "/v1/imports?dataset=census-atp&period=2024&frequency=monthly"
        ),
        year_2024
    );

    // latest: the last period of the frequency asked for.
    let last_month = one(
        app,
        "/v1/imports?dataset=census-atp&period=latest&frequency=monthly",
    );
    assert_eq!(
        (&last_month["period"], &last_month["value_usd"]),
        (&json!("2024-12"), &json!(68_549_180_294_i64))
    );
    let last_year = one(app, "/v1/imports?dataset=census-atp&period=latest");
    assert_eq!(last_year["period"], "2024");
    assert_eq!(last_year["frequency"], "annual");

    // The annual values: the sum of the twelve months, derived, with their
    // provenance; the sum over HTTP is the annual value.
    for (flow, year, expected) in [
        ("imports", 2024, IMPORTS_2024),
        ("exports", 2024, EXPORTS_2024),
        ("imports", 2014, IMPORTS_2014),
        ("exports", 2014, EXPORTS_2014),
    ] {
        let label = format!("{flow} {year}");
        let months = data(
            app,
            &format!("/v1/{flow}?dataset=census-atp&period={year}&frequency=monthly"),
        );
        assert_eq!(months.len(), 12, "{label}");
        assert!(months.iter().all(|m| m["status"] == "reported"), "{label}");
        let sum: i64 = months.iter().map(|m| int(&m["value_usd"])).sum();
        assert_eq!(sum, expected, "{label}: the twelve months");
        let annual = one(app, &format!("/v1/{flow}?dataset=census-atp&period={year}"));
        assert_eq!(annual["value_usd"], expected, "{label}");
        assert_eq!(annual["period"], year.to_string(), "{label}");
        assert_eq!(annual["frequency"], "annual", "{label}");
        assert_eq!(annual["status"], "derived", "{label}");
        assert_eq!(annual["rounding_usd"], 1, "{label}: exact to the dollar");
        assert!(
            text(&annual["formula"]).starts_with("the sum of the year's twelve months"),
            "{label}: {}",
            annual["formula"]
        );
    }
    // 2014 from the workbook, where the file's own year total agrees.
    let y2014 = one(app, "/v1/imports?dataset=census-atp&period=2014");
    assert_eq!(
        y2014["formula"],
        "the sum of the year's twelve months, equal to the file's IYR"
    );
    assert!(text(&y2014["citation"]).contains("vintage with data to 2024-06"));
    assert!(text(&y2014["citation"]).contains("column IYR"));

    // The balance: a deficit of 85.7 billion in 2014, 298.9 in 2024.
    let balances = data(app, "/v1/balances?dataset=census-atp&period=2014,2024");
    let got: Vec<(&str, i64, &str)> = balances
        .iter()
        .map(|r| {
            (
                text(&r["period"]),
                int(&r["balance_usd"]),
                text(&r["balance_basis"]),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2014", EXPORTS_2014 - IMPORTS_2014, "flows"),
            ("2024", EXPORTS_2024 - IMPORTS_2024, "flows"),
        ]
    );
    assert_eq!(EXPORTS_2014 - IMPORTS_2014, -85_655_397_292);

    // The periods listing: every month once, each with both flows.
    let periods = data(app, "/v1/periods?dataset=census-atp&frequency=monthly");
    assert_eq!(periods.len(), 36 * 12);
    assert_eq!(
        periods[0],
        json!({"period": "1989-01", "frequency": "monthly", "year": 1989, "month": 1, "observations": 2})
    );
    assert_eq!(periods[431]["period"], "2024-12");
    assert!(periods.iter().all(|p| p["observations"] == 2));

    // Growth between two months, annualised over one year.
    let g = one(
        app,
        "/v1/growth?flow=imports&dataset=census-atp&from=2023-12&to=2024-12",
    );
    assert_eq!(
        (&g["from_period"], &g["to_period"]),
        (&json!("2023-12"), &json!("2024-12"))
    );
    assert_eq!(g["start_usd"], 54_957_393_466_i64);
    assert_eq!(g["end_usd"], 68_549_180_294_i64);
    assert_eq!(g["change_usd"], 68_549_180_294_i64 - 54_957_393_466);
    assert_close(
        &g["change_pct"],
        (68_549_180_294_f64 - 54_957_393_466.0) / 54_957_393_466.0 * 100.0,
        "growth",
    );
    assert_close(
        &g["cagr_pct"],
        float(&g["change_pct"]),
        "twelve months: one year",
    );
}

fn the_incomplete_year_of_a_vintage(app: &Server) {
    // Korea, January 2017, every good: the built-in 2024-06 vintage.
    let kr = one(
        app,
        "/v1/imports?dataset=census-country&group=all-goods&partner=KR&period=2017-01",
    );
    assert_eq!(kr["value_usd"], KR_2017_01_REVISED);
    assert_eq!(kr["status"], "reported");
    assert_eq!(kr["partner_kind"], "country");
    assert_eq!(
        kr["citation"],
        "U.S. Census Bureau, Foreign Trade Division, U.S. Trade in Goods by Country \
         (country.xlsx), vintage with data to 2024-06, sheet country, CTY_CODE 5800 (Korea, \
         South), column IJAN, millions of US dollars"
    );
    // The Census code works as well as the ISO code.
    assert_eq!(
        one(
            app,
            "/v1/imports?dataset=census-country&group=all-goods&partner=5800&period=2017-01"
        )["value_usd"],
        KR_2017_01_REVISED
    );

    // 2024 has six months in this vintage: the months, but no annual value.
    let months_2024 = data(
        app,
        "/v1/imports?dataset=census-country&partner=KR&year=2024&frequency=monthly",
    );
    assert_eq!(
        levels(&months_2024),
        [
            ("2024-01".to_owned(), 10_988_225_579),
            ("2024-02".to_owned(), 9_644_458_018),
            ("2024-03".to_owned(), 11_603_552_665),
            ("2024-04".to_owned(), 11_621_167_584),
            ("2024-05".to_owned(), 12_271_998_462),
            ("2024-06".to_owned(), 11_361_701_268),
        ]
    );
    let annual = app.get_json("/v1/imports?dataset=census-country&partner=KR&period=2024");
    assert_eq!(annual["data"], json!([]));
    assert_eq!(
        annual["meta"]["notice"],
        json!({
            "code": "out_of_coverage",
            "detail": "the dataset covers 1985..2023, 1985-01..2024-06; the query asks for 2024 \
                (annual)",
        })
    );
    // The unpublished months are not zeros: they are not there.
    let july = app.get_json("/v1/imports?dataset=census-country&partner=KR&period=2024-07");
    assert_eq!(july["data"], json!([]));
    assert_eq!(july["meta"]["notice"]["code"], "out_of_coverage");
    // latest: the last complete year, or the last month.
    assert_eq!(
        one(
            app,
            "/v1/imports?dataset=census-country&partner=KR&period=latest"
        )["period"],
        "2023"
    );
    assert_eq!(
        one(
            app,
            "/v1/imports?dataset=census-country&partner=KR&period=latest&frequency=monthly"
        )["period"],
        "2024-06"
    );
    // The dataset says so.
    let ds = app.get_json("/v1/datasets/census-country")["data"].clone();
    assert_eq!(ds["last_period"], "2024-06");
    assert!(
        ds["quality_notes"].as_array().unwrap().contains(&json!(
            "2024: incomplete (months present: 01, 02, 03, 04, 05, 06); no annual value imported"
        )),
        "{:#?}",
        ds["quality_notes"]
    );
    // A complete year is the sum of its months, over HTTP too.
    let y2023 = one(
        app,
        "/v1/imports?dataset=census-country&partner=KR&period=2023",
    );
    assert_eq!(y2023["value_usd"], 116_154_470_335_i64);
    assert_eq!(y2023["status"], "derived");
    let sum: i64 = data(
        app,
        "/v1/imports?dataset=census-country&partner=KR&period=2023&frequency=monthly",
    )
    .iter()
    .map(|r| int(&r["value_usd"]))
    .sum();
    assert_eq!(sum, 116_154_470_335);
}

// ---------------------------------------------------------------------------
// All goods beside ATP

fn atp_beside_all_goods(app: &Server) {
    // In the country.xlsx, the world has the ATP total (row 0007, group
    // `all`) and every good (row 0015, `all-goods`): ATP's share of all US
    // imports in 2023. `all` is the ATP total, not a sum with all-goods.
    let world = data(
        app,
        "/v1/imports?dataset=census-country&partner=WLD&group=all,non-atp,all-goods&period=2023",
    );
    let got: Vec<(&str, i64)> = world
        .iter()
        .map(|r| (text(&r["group"]), int(&r["value_usd"])))
        .collect();
    assert_eq!(
        got,
        [("all", 636_875_895_561), ("all-goods", 3_080_170_295_122)]
    );
    let share = 636_875_895_561_f64 / 3_080_170_295_122_f64 * 100.0;
    assert!(
        (share - 20.68).abs() < 0.01,
        "ATP's share of US imports: {share}"
    );
    // The same ATP total as the census-atp dataset's.
    assert_eq!(
        one(app, "/v1/imports?dataset=census-atp&period=2023")["value_usd"],
        636_875_895_561_i64
    );

    // Korea: every good; the file has neither its ATP total nor its
    // non-ATP remainder (those come with Census API imports).
    let korea = data(
        app,
        "/v1/imports?dataset=census-country&partner=KR&group=all,non-atp,all-goods&period=2023",
    );
    assert_eq!(levels(&korea), [("2023".to_owned(), 116_154_470_335)]);
    assert_eq!(korea[0]["group"], "all-goods");
    let none = app.get_json("/v1/imports?dataset=census-country&partner=KR&group=non-atp");
    assert_eq!(none["data"], json!([]));
    assert_eq!(none["meta"]["notice"]["code"], "not_in_dataset");
    // Korea's share of all US imports of goods, ranked among countries.
    let kr_share = one(
        app,
        "/v1/shares?dataset=census-country&flow=imports&period=2023&group=all-goods&partner=KR",
    );
    assert_eq!(kr_share["world_usd"], 3_080_170_295_122_i64);
    assert_close(
        &kr_share["share_pct"],
        116_154_470_335_f64 / 3_080_170_295_122_f64 * 100.0,
        "KR share",
    );
    assert_eq!(kr_share["rank"], 6);
    // The brief's ATP total for Korea in 2024 (29 billion) beside the
    // Census all-goods months of 2024 (the year is incomplete there).
    assert_eq!(
        one(app, "/v1/imports?group=all&partner=KR&year=2024")["value_usd"],
        29_000_000_000_i64
    );

    // all-goods is never summed into all: the brief's all is as printed,
    // and the group dimension of each dataset keeps them apart.
    assert_eq!(
        one(app, "/v1/imports?group=all&partner=WLD&year=2024")["value_usd"],
        762_000_000_000_i64
    );
    let ds = app.get_json("/v1/datasets/census-country")["data"].clone();
    assert_eq!(ds["groups"], json!(["all", "all-goods"]));
    assert_eq!(ds["groups_covered"], json!([]));
    assert_eq!(ds["all_is_computed"], false);
    // The ATP total is held for the world alone: no index of concentration
    // over its partners (null, with a reason), while all goods has one.
    let conc = data(
        app,
        "/v1/concentration?dataset=census-country&flow=imports&period=2023",
    );
    let got: Vec<(&str, &Value, &Value, &Value)> = conc
        .iter()
        .map(|r| {
            (
                text(&r["group"]),
                &r["hhi"],
                &r["hhi_reason"],
                &r["partners"],
            )
        })
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].0, got[0].1, got[0].2, got[0].3),
        ("all", &Value::Null, &json!("missing_value"), &json!(0))
    );
    assert_eq!(got[1].0, "all-goods");
    assert!(float(got[1].1) > 0.0 && got[1].2.is_null());
    assert_eq!(conc[1]["blocs_left_out"], "EU", "its members are listed");
}

// ---------------------------------------------------------------------------
// Transforms

/// The imports of census-atp as a map from period to value, months
/// 2022-01..2024-12 and years 2022..2024.
fn level_series(app: &Server) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = levels(&data(
        app,
        "/v1/imports?dataset=census-atp&from=2022-01&to=2024-12",
    ))
    .into_iter()
    .collect();
    out.extend(levels(&data(
        app,
        "/v1/imports?dataset=census-atp&from=2022&to=2024",
    )));
    assert_eq!(out.len(), 36 + 3);
    out
}

/// The month `k` months before `period` (`YYYY-MM`).
fn before(period: &str, k: i32) -> String {
    let (y, m) = period.split_once('-').unwrap();
    let n = y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1 - k;
    format!("{}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

fn transforms(app: &Server) {
    let level = level_series(app);
    let at = |p: &str| level[p];
    let of_2024 = "/v1/imports?dataset=census-atp&from=2024-01&to=2024-12";

    // pc1: percent change from a year ago.
    let body = app.get_json(&format!("{of_2024}&units=pc1"));
    assert_eq!(
        body["meta"]["transform"],
        json!({"units": "pc1", "rolling": null, "description": "the percent change from a year ago"})
    );
    let records = body["data"].as_array().unwrap();
    assert_eq!(records.len(), 12);
    for r in records {
        let p = text(&r["period"]);
        let base = before(p, 12);
        assert_eq!(r["value_base_period"], base.as_str(), "pc1 {p}");
        assert_eq!(r["value_usd"], at(p), "the level is still there");
        assert_close(
            &r["value"],
            (at(p) as f64 - at(&base) as f64) / at(&base) as f64 * 100.0,
            &format!("pc1 {p}"),
        );
        assert_eq!(r["value_reason"], Value::Null);
    }
    // January 2024 against January 2023: +9.88 %.
    assert!((float(&records[0]["value"]) - 9.877).abs() < 0.001);

    // chg: change from the previous month, whole dollars (January against
    // the December before).
    for r in data(app, &format!("{of_2024}&units=chg")) {
        let p = text(&r["period"]);
        let base = before(p, 1);
        assert_eq!(r["value_base_period"], base.as_str(), "chg {p}");
        assert_eq!(r["value"], at(p) - at(&base), "chg {p}");
    }
    let jan = one(
        app,
        "/v1/imports?dataset=census-atp&period=2024-01&units=chg",
    );
    assert_eq!(jan["value_base_period"], "2023-12");
    assert_eq!(jan["value"], 53_188_254_647_i64 - 54_957_393_466);

    // pch: percent change from the previous month; pca: its compounded
    // annual rate; log: the natural log of the level.
    for r in data(app, &format!("{of_2024}&units=pch")) {
        let p = text(&r["period"]);
        let (now, prev) = (at(p) as f64, at(&before(p, 1)) as f64);
        assert_close(
            &r["value"],
            (now - prev) / prev * 100.0,
            &format!("pch {p}"),
        );
    }
    for r in data(app, &format!("{of_2024}&units=pca")) {
        let p = text(&r["period"]);
        let (now, prev) = (at(p) as f64, at(&before(p, 1)) as f64);
        assert_close(
            &r["value"],
            ((now / prev).powf(12.0) - 1.0) * 100.0,
            &format!("pca {p}"),
        );
    }
    for r in data(app, &format!("{of_2024}&units=log")) {
        let p = text(&r["period"]);
        assert_close(&r["value"], (at(p) as f64).ln(), &format!("log {p}"));
        assert_eq!(
            r["value_base_period"],
            Value::Null,
            "a log compares nothing"
        );
    }
    // Annual values transform alike: 2024 against 2023.
    let annual = one(app, "/v1/imports?dataset=census-atp&period=2024&units=pc1");
    assert_eq!(annual["value_base_period"], "2023");
    assert_close(
        &annual["value"],
        (at("2024") as f64 - at("2023") as f64) / at("2023") as f64 * 100.0,
        "pc1 2024",
    );

    // Rolling sums: the twelve months to each month, and the months of its
    // year to it; December's are the year.
    let ttm = app.get_json(&format!("{of_2024}&rolling=trailing-12"));
    assert_eq!(
        ttm["meta"]["transform"],
        json!({
            "units": "lin",
            "rolling": "trailing-12",
            "description": "the level, in US dollars, of the trailing-12 sum",
        })
    );
    for r in ttm["data"].as_array().unwrap() {
        let p = text(&r["period"]);
        let sum: i64 = (0..12).map(|k| at(&before(p, k))).sum();
        assert_eq!(r["value"], sum, "trailing-12 {p}");
        assert_eq!(r["value_usd"], at(p));
    }
    assert_eq!(ttm["data"][11]["value"], IMPORTS_2024);
    let ytd = data(app, &format!("{of_2024}&rolling=year-to-date"));
    let mut running = 0;
    for r in &ytd {
        let p = text(&r["period"]);
        running += at(p);
        assert_eq!(r["value"], running, "year-to-date {p}");
    }
    assert_eq!(
        ytd[2]["value"], 160_688_347_389_i64,
        "January to March 2024"
    );
    assert_eq!(ytd[11]["value"], IMPORTS_2024);
    // A transform of the rolling sum: the trailing year against the one
    // before, which at December is the annual change.
    let ttm_pc1 = one(
        app,
        "/v1/imports?dataset=census-atp&period=2024-12&rolling=trailing-12&units=pc1",
    );
    assert_eq!(ttm_pc1["value_base_period"], "2023-12");
    assert_close(
        &ttm_pc1["value"],
        (IMPORTS_2024 as f64 - at("2023") as f64) / at("2023") as f64 * 100.0,
        "trailing-12 pc1",
    );
    // Balances take transforms too: the change of the monthly balance.
    let bal = data(
        app,
        "/v1/balances?dataset=census-atp&period=2024-01,2024-02&units=chg",
    );
    let b = |r: &Value| int(&r["balance_usd"]);
    assert_eq!(bal[1]["value"], b(&bal[1]) - b(&bal[0]));
    assert_eq!(bal[1]["value_base_period"], "2024-01");

    // Undefined cases: null with a reason, never a number.
    let first = data(
        app,
        "/v1/imports?dataset=census-atp&period=1989-01,1989-02&units=chg",
    );
    assert_eq!(first[0]["value"], Value::Null, "no December 1988");
    assert_eq!(first[0]["value_reason"], "missing_value");
    assert_eq!(first[0]["value_base_period"], "1988-12");
    assert_eq!(first[1]["value"], 4_195_700_000_i64 - 3_704_200_000);
    let short = one(
        app,
        "/v1/imports?dataset=census-atp&period=1989-11&rolling=trailing-12",
    );
    assert_eq!(short["value"], Value::Null, "eleven months only");
    assert_eq!(short["value_reason"], "missing_value");
    let first_year = one(app, "/v1/imports?dataset=census-atp&period=1989&units=pc1");
    assert_eq!(first_year["value"], Value::Null);
    assert_eq!(first_year["value_reason"], "missing_value");
    assert_eq!(first_year["value_base_period"], "1988");
    // A deficit has no log and no percent change from it.
    let deficit = one(
        app,
        "/v1/balances?dataset=census-atp&period=2024-12&units=log",
    );
    assert_eq!(deficit["value"], Value::Null);
    assert_eq!(deficit["value_reason"], "negative_base");

    // Rolling sums add up months: refused for annual series (documented:
    // "Needs frequency=monthly").
    let p = bad_request(
        app,
        "/v1/imports?dataset=census-atp&period=2024&rolling=year-to-date",
        "rolling",
        "year-to-date",
    );
    assert!(text(&p["detail"]).contains("frequency=monthly"), "{p}");
}

// ---------------------------------------------------------------------------
// Sources compared

fn the_brief_against_census(app: &Server) {
    let body = app.get_json("/v1/compare?dataset=kiat-2026-04&against=census-atp");
    let records = body["data"].as_array().unwrap();
    let got: Vec<(&str, &str, i64, i64, i64)> = records
        .iter()
        .map(|r| {
            (
                text(&r["measure"]),
                text(&r["period"]),
                int(&r["value_usd"]),
                int(&r["against_usd"]),
                int(&r["difference_usd"]),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "imports",
                "2014",
                214_000_000_000,
                IMPORTS_2014,
                214_000_000_000 - IMPORTS_2014
            ),
            (
                "imports",
                "2024",
                762_000_000_000,
                IMPORTS_2024,
                762_000_000_000 - IMPORTS_2024
            ),
            (
                "exports",
                "2014",
                243_000_000_000,
                EXPORTS_2014,
                243_000_000_000 - EXPORTS_2014
            ),
            (
                "exports",
                "2024",
                462_000_000_000,
                EXPORTS_2024,
                462_000_000_000 - EXPORTS_2024
            ),
        ]
    );
    for r in records {
        let label = format!("{} {}", r["measure"], r["period"]);
        assert_eq!((&r["group"], &r["partner"]), (&json!("all"), &json!("WLD")));
        assert_close(
            &r["difference_pct"],
            int(&r["difference_usd"]) as f64 / int(&r["against_usd"]) as f64 * 100.0,
            &label,
        );
        assert_eq!(r["rounding_usd"], 100_000_000, "{label}: printed to 1억");
        assert_eq!(r["against_rounding_usd"], 1, "{label}: exact to the dollar");
        // Neither year agrees within the brief's rounding (5천만).
        assert_eq!(r["within_rounding"], false, "{label}");
        assert_eq!(r["against_status"], "derived", "{label}: a sum of months");
    }
    // 2024: within a fraction of a percent; 2014: far apart.
    let pct = |i: usize| float(&records[i]["difference_pct"]);
    assert!(
        pct(1).abs() < 0.2 && pct(3).abs() < 0.5,
        "{} {}",
        pct(1),
        pct(3)
    );
    assert!(pct(0) < -49.0 && pct(2) < -27.0, "{} {}", pct(0), pct(2));
    assert_eq!(
        body["meta"]["notes"],
        json!([
            "4 values in both; 386 only in kiat-2026-04, 68 only in census-atp",
            "in kiat-2026-04, group all is the sum of the 9 ATP groups it covers (biotechnology, \
             life-science, opto-electronics, information-communications, electronics, \
             flexible-manufacturing, advanced-materials, aerospace, nuclear), as the source \
             printed it",
            "in census-atp, group all is the source's own Advanced Technology Products total",
        ])
    );
    // One year, one flow.
    assert_eq!(
        data(
            app,
            "/v1/compare?dataset=kiat-2026-04&against=census-atp&period=2024&flow=imports"
        ),
        records[1..2]
    );

    // The brief implies a surplus of 29 billion in 2014; Census has a
    // deficit of 85.7 billion.
    let brief = one(app, "/v1/balances?group=all&partner=WLD&year=2014");
    assert_eq!(brief["balance_usd"], 29_000_000_000_i64);
    let census = one(app, "/v1/balances?dataset=census-atp&period=2014");
    assert_eq!(census["balance_usd"], -85_655_397_292_i64);

    // The brief's quality notes say so, once a year both hold.
    let notes = app.get_json("/v1/datasets/kiat-2026-04")["data"]["quality_notes"].clone();
    let against: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .map(text)
        .filter(|n| n.starts_with("Against the Census ATP total"))
        .collect();
    assert_eq!(against.len(), 2, "{against:#?}");
    assert!(against[0].contains(
        ", 2014: the brief's world imports $214.0 billion against Census's $422.1 billion \
         (-49.3%), exports $243.0 billion against $336.5 billion (-27.8%); balance $29.0 \
         billion against -$85.7 billion."
    ));
    assert!(against[1].contains(
        ", 2024: the brief's world imports $762.0 billion against Census's $763.2 billion \
         (-0.2%), exports $462.0 billion against $464.3 billion (-0.5%); balance -$300.0 \
         billion against -$298.9 billion."
    ));
}

// ---------------------------------------------------------------------------
// Errors of the time parameters

fn bad_periods_and_transforms(app: &Server) {
    let period = "a year (YYYY, from 1900 to 2100) or a month (YYYY-MM, month 01 to 12)";
    for (path, parameter, value) in [
        ("/v1/imports?period=2024-13", "period", "2024-13"),
        ("/v1/imports?year=2024-13", "year", "2024-13"),
        ("/v1/imports?from=2024-00", "from", "2024-00"),
        ("/v1/balances?to=2024-1", "to", "2024-1"),
        (
            "/v1/shares?flow=imports&period=2024-13",
            "period",
            "2024-13",
        ),
    ] {
        let p = bad_request(app, path, parameter, value);
        assert_eq!(
            p["detail"],
            format!("invalid {parameter} \"{value}\": expected {period}"),
            "{path}"
        );
    }
    let p = bad_request(app, "/v1/imports?frequency=weekly", "frequency", "weekly");
    assert_eq!(p["allowed"], json!(["annual", "monthly"]));
    let p = bad_request(app, "/v1/imports?units=pct", "units", "pct");
    assert_eq!(
        p["allowed"],
        json!(["lin", "chg", "ch1", "pch", "pc1", "pca", "log"])
    );
    let p = bad_request(
        app,
        "/v1/imports?dataset=census-atp&frequency=monthly&rolling=trailing-6",
        "rolling",
        "trailing-6",
    );
    assert_eq!(p["allowed"], json!(["trailing-12", "year-to-date"]));
    // Rolling without monthly: refused, saying what it needs.
    for path in [
        "/v1/imports?dataset=census-atp&rolling=trailing-12",
        "/v1/exports?dataset=census-atp&frequency=annual&rolling=trailing-12",
    ] {
        let p = bad_request(app, path, "rolling", "trailing-12");
        assert_eq!(
            p["detail"],
            "invalid rolling \"trailing-12\": frequency=monthly: rolling sums add up months"
        );
    }
    // A month where years were asked for.
    let p = bad_request(
        app,
        "/v1/imports?dataset=census-atp&period=2024-03&frequency=annual",
        "period",
        "2024-03",
    );
    assert!(text(&p["detail"]).contains("frequency=monthly"));
    // Growth between a year and a month.
    bad_request(
        app,
        "/v1/growth?flow=imports&dataset=census-atp&from=2014&to=2024-01",
        "to",
        "2024-01",
    );
    // A built-in dataset has one vintage; as_of before it is refused.
    let p = bad_request(
        app,
        "/v1/imports?dataset=census-atp&vintage=2024-06",
        "vintage",
        "2024-06",
    );
    assert_eq!(p["allowed"], json!(["2024-12"]));
    bad_request(app, "/v1/imports?as_of=2024-02-30", "as_of", "2024-02-30");

    // Growth and profiles take a frequency: what `latest` and the defaults
    // mean, and what explicit periods must be.
    let g = one(
        app,
        "/v1/growth?dataset=census-atp&flow=imports&group=all&partner=WLD&frequency=monthly&from=2023-12&to=latest",
    );
    assert_eq!(
        (text(&g["from_period"]), text(&g["to_period"])),
        ("2023-12", "2024-12")
    );
    let p = bad_request(
        app,
        "/v1/growth?dataset=census-atp&flow=imports&frequency=annual&from=2014-01&to=latest",
        "from",
        "2014-01",
    );
    assert_eq!(
        p["detail"],
        "invalid from \"2014-01\": expected a period of frequency=annual (a year, YYYY), or latest"
    );
    let profile = app.get_json("/v1/partners/WLD/profile?dataset=census-atp&frequency=monthly");
    assert_eq!(profile["meta"]["frequency"], "monthly");
    assert_eq!(profile["meta"]["query"]["year"], "2024-12");
    assert_eq!(profile["meta"]["query"]["base_year"], "1989-01");
    let annual = app.get_json("/v1/partners/WLD/profile?dataset=census-atp");
    assert_eq!(annual["meta"]["frequency"], "annual");
    assert_eq!(annual["meta"]["query"]["year"], "2024");
    bad_request(
        app,
        "/v1/partners/WLD/profile?dataset=census-atp&frequency=monthly&year=2024",
        "year",
        "2024",
    );
}

on_both_backends!(
    monthly_series_of_the_atp_total,
    the_incomplete_year_of_a_vintage,
    atp_beside_all_goods,
    transforms,
    the_brief_against_census,
    bad_periods_and_transforms,
);

// ---------------------------------------------------------------------------
// Vintages: the two older country.xlsx imported beside the built-in one

/// `atp import` of the two older vintages into `db`, as a user would run it.
fn import_older_vintages(db: &TestDb) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cmd = Command::new(atp_bin!());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ATP_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .current_dir(&root)
        .args([
            "import",
            "data/census-country/country-data-to-2019-10.xlsx",
            "data/census-country/country-data-to-2023-01.xlsx",
        ])
        .env("ATP_DATABASE_URL", &db.url)
        .env("ATP_LOG", "info")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "atp import failed: {log}");
    assert!(log.contains("vintage=2019-10 rows=192640"), "{log}");
    assert!(log.contains("vintage=2023-01 rows=211994"), "{log}");
}

fn vintages_and_revisions(db: &TestDb) {
    import_older_vintages(db);
    let app = &Launch::on(atp_bin!(), db).start();

    // Three vintages, oldest first; the built-in one is the latest.
    let body = app.get_json("/v1/datasets/census-country/vintages");
    let got: Vec<Value> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            json!([
                v["vintage"],
                v["latest"],
                v["last_period"],
                v["published_on"],
                v["known_since"],
                v["source_format"],
                v["row_count"]
            ])
        })
        .collect();
    assert_eq!(
        got,
        [
            json!([
                "2019-10",
                false,
                "2019-10",
                "2019-12-05",
                "2019-12-05",
                "census-country-xlsx",
                192_640
            ]),
            json!([
                "2023-01",
                false,
                "2023-01",
                "2023-03-07",
                "2023-03-07",
                "census-country-xlsx",
                211_994
            ]),
            json!([
                "2024-06",
                true,
                "2024-06",
                "2024-08-06",
                "2024-08-06",
                "builtin",
                220_820
            ]),
        ]
    );
    assert_eq!(body["page"]["total"], 3);
    assert_eq!(
        app.get_json("/v1/datasets/census-country")["data"]["vintages"],
        json!(["2019-10", "2023-01", "2024-06"])
    );
    let ready = app.get_json("/readyz");
    assert_eq!(ready["datasets"], 3, "vintages are not datasets");
    assert_eq!(
        ready["observations"],
        390 + 220_820 + 936 + 192_640 + 211_994
    );

    // Korea, January 2017: each vintage's figure.
    let kr = "/v1/imports?dataset=census-country&group=all-goods&partner=KR&period=2017-01";
    for (query, vintage, value) in [
        ("", "2024-06", KR_2017_01_REVISED),
        ("&vintage=2019-10", "2019-10", KR_2017_01_IN_2019_10),
        ("&vintage=2023-01", "2023-01", KR_2017_01_REVISED),
        ("&vintage=2024-06", "2024-06", KR_2017_01_REVISED),
        // as_of: the latest vintage published on or before the date.
        ("&as_of=2020-01-01", "2019-10", KR_2017_01_IN_2019_10),
        ("&as_of=2019-12-05", "2019-10", KR_2017_01_IN_2019_10),
        ("&as_of=2023-03-06", "2019-10", KR_2017_01_IN_2019_10),
        ("&as_of=2023-03-07", "2023-01", KR_2017_01_REVISED),
        ("&as_of=2026-01-01", "2024-06", KR_2017_01_REVISED),
    ] {
        let body = app.get_json(&format!("{kr}{query}"));
        assert_eq!(body["meta"]["vintage"], vintage, "{query}");
        assert_eq!(body["data"][0]["value_usd"], value, "{query}");
        assert!(
            text(&body["data"][0]["citation"])
                .contains(&format!("vintage with data to {vintage},")),
            "{query}: {}",
            body["data"][0]["citation"]
        );
    }
    // Every data endpoint reads a vintage: shares, growth, profile.
    let share = one(
        app,
        "/v1/shares?dataset=census-country&flow=imports&period=2017-01&partner=KR&vintage=2019-10",
    );
    assert_eq!(share["value_usd"], KR_2017_01_IN_2019_10);
    let growth = one(
        app,
        "/v1/growth?dataset=census-country&flow=imports&group=all-goods&partner=KR&from=2017-01&to=2017-02&as_of=2020-01-01",
    );
    assert_eq!(growth["start_usd"], KR_2017_01_IN_2019_10);
    // The 2019-10 vintage ends in October 2019: its latest month.
    assert_eq!(
        one(
            app,
            "/v1/imports?dataset=census-country&partner=KR&period=latest&frequency=monthly&vintage=2019-10"
        )["period"],
        "2019-10"
    );

    // Before any vintage was published: a clear refusal.
    let p = bad_request(
        app,
        &format!("{kr}&as_of=2019-12-04"),
        "as_of",
        "2019-12-04",
    );
    assert_eq!(
        p["detail"],
        "invalid as_of \"2019-12-04\": a date on or after 2019-12-05, when the first vintage of \
         census-country became known"
    );
    // vintage and as_of together: refused.
    let p = bad_request(
        app,
        &format!("{kr}&vintage=2019-10&as_of=2020-01-01"),
        "vintage",
        "2019-10",
    );
    assert!(text(&p["detail"]).contains("either vintage or as_of, not both"));
    let p = bad_request(app, &format!("{kr}&vintage=2018-01"), "vintage", "2018-01");
    assert_eq!(p["allowed"], json!(["2019-10", "2023-01", "2024-06"]));

    // Revisions: the change of Korea's January 2017 imports.
    let body = app.get_json(
        "/v1/revisions?dataset=census-country&from_vintage=2019-10&to_vintage=2023-01\
         &partner=KR&period=2017-01&flow=imports",
    );
    let change = KR_2017_01_REVISED - KR_2017_01_IN_2019_10;
    assert_eq!(change, -1_257_718);
    let r = &body["data"][0];
    assert_eq!(body["page"]["total"], 1);
    assert_eq!(
        (
            &r["dataset"],
            &r["from_vintage"],
            &r["to_vintage"],
            &r["measure"],
            &r["group"],
            &r["partner"],
            &r["period"],
            &r["frequency"],
        ),
        (
            &json!(COUNTRY),
            &json!("2019-10"),
            &json!("2023-01"),
            &json!("imports"),
            &json!("all-goods"),
            &json!("KR"),
            &json!("2017-01"),
            &json!("monthly"),
        )
    );
    assert_eq!(r["old_usd"], KR_2017_01_IN_2019_10);
    assert_eq!(r["new_usd"], KR_2017_01_REVISED);
    assert_eq!(r["change_usd"], change);
    assert_close(
        &r["change_pct"],
        change as f64 / KR_2017_01_IN_2019_10 as f64 * 100.0,
        "revision",
    );
    assert!((float(&r["change_pct"]) + 0.0211).abs() < 0.0001);
    assert_eq!(r["change_pct_reason"], Value::Null);
    assert!(text(&r["old_citation"]).contains("vintage with data to 2019-10,"));
    assert!(text(&r["new_citation"]).contains("vintage with data to 2023-01,"));
    assert_eq!(
        body["meta"]["notes"],
        json!([
            "2019-10 to 2023-01: 1 values in both, 1 revised, 0 unchanged; 0 only in 2023-01 \
             (added), 0 only in 2019-10 (dropped)"
        ])
    );
    // Korea's 2017 months were all revised; by default the latest vintage
    // against the one before it, which left them unchanged.
    let year = data(
        app,
        "/v1/revisions?dataset=census-country&from_vintage=2019-10&to_vintage=2023-01\
         &partner=KR&period=2017&frequency=monthly&flow=imports",
    );
    assert_eq!(year.len(), 12);
    assert_eq!(year[0], *r);
    let latest =
        app.get_json("/v1/revisions?dataset=census-country&partner=KR&period=2017-01&flow=imports");
    assert_eq!(latest["data"], json!([]));
    assert_eq!(
        latest["meta"]["notes"],
        json!([
            "2023-01 to 2024-06: 1 values in both, 0 revised, 1 unchanged; 0 only in 2024-06 \
             (added), 0 only in 2023-01 (dropped)"
        ])
    );
    // From a newer vintage to an older one, or to itself: refused, naming
    // the vintages older than to_vintage.
    let p = bad_request(
        app,
        "/v1/revisions?dataset=census-country&from_vintage=2024-06&to_vintage=2023-01",
        "from_vintage",
        "2024-06",
    );
    assert_eq!(p["allowed"], json!(["2019-10"]));
    assert_eq!(
        p["detail"],
        "invalid from_vintage \"2024-06\": a vintage older than to_vintage (2023-01) (see \
         /v1/datasets/census-country/vintages)"
    );
    bad_request(
        app,
        "/v1/revisions?dataset=census-country&from_vintage=2023-01&to_vintage=2023-01",
        "from_vintage",
        "2023-01",
    );
    // A dataset with one vintage has no revisions.
    bad_request(app, "/v1/revisions?dataset=census-atp", "from_vintage", "");
}

on_both_databases!(vintages_and_revisions);
