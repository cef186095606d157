//! The brief's printed statements, checked through the HTTP API as a reader
//! would check them: every level it prints (imports, exports, balances),
//! every ratio (growth rates, multiples, shares, changes in dollars) and
//! the counts it states ("4 of 9 groups in surplus in 2014"), each with the
//! exact phrase it is printed in. Every level is served as printed; every
//! printed ratio is served as printed beside the computed one, and agrees
//! with the levels within their rounding, except the disagreements
//! `known-disagreements.csv` lists and explains (and only those).

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use std::collections::HashMap;
use std::path::PathBuf;

use atp_testkit::{Server, on_both_backends};
use serde_json::Value;

fn data_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../core/data/kiat-2026-04")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let text = data_file(name);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The brief's text, to check every quote against (`$ATP_SEEDS_DIR`, the
/// workplace's `shared/seeds` beside the checkout, or `/work/shared/seeds`).
fn brief_text() -> Option<String> {
    const NAME: &str = "000_d9baf60aa22fe0de.txt";
    let dirs: Vec<PathBuf> = std::env::var_os("ATP_SEEDS_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"),
            PathBuf::from("/work/shared/seeds"),
        ])
        .collect();
    let found = dirs
        .iter()
        .map(|d| d.join(NAME))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok());
    assert!(
        found.is_some() || !atp_testkit::ci(),
        "CI=true and the brief is not readable in {dirs:?}"
    );
    found
}

/// One printed statement and what the API answered for it.
struct Statement {
    quote: String,
    what: String,
    /// Served as printed (a level equal to the printed one; a ratio's
    /// printed value beside the computed one).
    as_printed: bool,
    /// Whether the computed figure agrees with the printed one; `None` for
    /// levels, which are the printed ones.
    agrees: Option<bool>,
}

fn one(app: &Server, path: &str) -> Value {
    let body = app.get_json(path);
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{path}: {body}");
    data[0].clone()
}

fn levels(app: &Server) -> Vec<Statement> {
    let mut out = Vec::new();
    for r in rows("observations.csv") {
        if r["status"] != "reported" {
            continue;
        }
        let (g, p, y, m) = (&r["group"], &r["partner"], &r["year"], &r["measure"]);
        let printed: i64 = r["value_usd"].parse().unwrap();
        let as_printed = if m == "balance" {
            let rec = one(app, &format!("/v1/balances?group={g}&partner={p}&year={y}"));
            rec["reported_balance_usd"] == printed
        } else {
            let rec = one(app, &format!("/v1/{m}?group={g}&partner={p}&year={y}"));
            rec["value_usd"] == printed
                && rec["status"] == "reported"
                && rec["quote"] == r["quote"].as_str()
        };
        out.push(Statement {
            quote: r["quote"].clone(),
            what: format!("{m} of {g}, {p}, {y}: {printed}"),
            as_printed,
            agrees: None,
        });
    }
    out
}

fn ratios(app: &Server, disagreements: &[Value]) -> Vec<Statement> {
    let failed: Vec<&str> = disagreements
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    let mut out = Vec::new();
    for c in rows("claims.csv") {
        let (id, kind, g, p, m, y) = (
            &c["id"],
            c["kind"].as_str(),
            &c["group"],
            &c["partner"],
            &c["measure"],
            &c["year"],
        );
        let printed: f64 = c["value"].parse().unwrap();
        let check = format!("claim:{id}");
        let (as_printed, agrees) = if p == "FIVE" {
            // The five listed partners together: no record holds their sum;
            // the data-quality report checks it.
            (true, !failed.contains(&check.as_str()))
        } else if kind == "share_pct" {
            let rec = one(
                app,
                &format!("/v1/shares?flow={m}&group={g}&partner={p}&year={y}"),
            );
            (
                rec["reported_share_pct"].as_f64() == Some(printed)
                    && rec["reported_share_pct_citation"]
                        .as_str()
                        .unwrap()
                        .ends_with(c["quote"].as_str()),
                rec["reported_share_pct_agreement"] != "disagrees",
            )
        } else {
            let from = &c["base_year"];
            let rec = one(
                app,
                &format!("/v1/growth?flow={m}&from={from}&to={y}&group={g}&partner={p}"),
            );
            let field = match kind {
                "change_pct" => "reported_change_pct",
                "multiple" => "reported_multiple",
                _ => "reported_change_usd",
            };
            let served = rec[field].as_f64();
            (
                served == Some(printed)
                    && rec[format!("{field}_citation")]
                        .as_str()
                        .unwrap()
                        .ends_with(c["quote"].as_str()),
                rec[format!("{field}_agreement")] != "disagrees",
            )
        };
        out.push(Statement {
            quote: c["quote"].clone(),
            what: format!("{kind} {id}: printed {printed}"),
            as_printed,
            agrees: Some(agrees),
        });
    }
    out
}

/// The counts the brief states, from the balances the API serves.
fn counts(app: &Server) -> Vec<Statement> {
    let nine = |year: u16| -> Vec<(String, i64)> {
        app.get_json(&format!("/v1/balances?partner=WLD&year={year}"))["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["group"] != "all")
            .map(|r| {
                (
                    r["group"].as_str().unwrap().to_owned(),
                    r["balance_usd"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let (y2014, y2024) = (nine(2014), nine(2024));
    let surpluses = |v: &[(String, i64)]| v.iter().filter(|(_, b)| *b > 0).count();
    let only_surplus: Vec<&str> = y2024
        .iter()
        .filter(|(_, b)| *b > 0)
        .map(|(g, _)| g.as_str())
        .collect();
    let worst = y2024
        .iter()
        .min_by_key(|(_, b)| *b)
        .map(|(g, _)| g.as_str());
    let ranked: Vec<String> = app.get_json("/v1/shares?flow=imports&group=all&year=2024&sort=rank")
        ["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["rank"].is_null())
        .map(|r| r["partner"].as_str().unwrap().to_owned())
        .collect();
    let fact = |quote: &str, holds: bool, what: String| Statement {
        quote: quote.to_owned(),
        what,
        as_printed: holds,
        agrees: None,
    };
    vec![
        fact(
            "9개 ATP 그룹 중 4개 그룹에서 무역 순흑자를 기록",
            y2014.len() == 9 && surpluses(&y2014) == 4,
            format!(
                "{} of {} groups in surplus in 2014",
                surpluses(&y2014),
                y2014.len()
            ),
        ),
        fact(
            "'24년에는 8개 그룹이 적자로 전환",
            y2024.len() - surpluses(&y2024) == 8,
            format!(
                "{} groups in deficit in 2024",
                y2024.len() - surpluses(&y2024)
            ),
        ),
        fact(
            "9개 ATP 그룹 중 유일하게 '24년 순무역 흑자(790억 달러)를 유지",
            only_surplus == ["aerospace"]
                && y2024
                    .iter()
                    .any(|(g, b)| g == "aerospace" && *b == 79_000_000_000),
            format!("in surplus in 2024: {only_surplus:?}"),
        ),
        fact(
            "9개 ATP 그룹 중 가장 규모가 큰 적자를 기록한 부문",
            worst == Some("information-communications"),
            format!("largest deficit in 2024: {worst:?}"),
        ),
        fact(
            "주요 수입국은 EU(24%)가 최대 비중을 차지하며, 중국(15%), 멕시코(13%), 한국(4%), 일본(4%)의 순",
            ranked == ["EU", "CN", "MX", "KR", "JP"],
            format!("ranked: {ranked:?}"),
        ),
    ]
}

fn the_briefs_statements_are_served_as_printed(app: &Server) {
    let quality = app.get_json("/v1/datasets/kiat-2026-04/quality");
    let disagreements = quality["data"]["disagreements"].as_array().unwrap().clone();
    // Every disagreement the report finds is explained, and only those.
    let known: Vec<String> = rows("known-disagreements.csv")
        .into_iter()
        .map(|r| r["check"].clone())
        .collect();
    for d in &disagreements {
        assert!(
            d["explanation"].is_string(),
            "an unexplained disagreement: {d}"
        );
    }
    let found: Vec<&str> = disagreements
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    for k in &known {
        assert!(found.contains(&k.as_str()), "listed but not found: {k}");
    }

    let mut all = levels(app);
    all.extend(ratios(app, &disagreements));
    all.extend(counts(app));
    let text = brief_text();
    for s in &all {
        if let Some(text) = &text {
            assert!(
                text.contains(&s.quote),
                "not in the brief: {:?} ({})",
                s.quote,
                s.what
            );
        }
        assert!(
            s.as_printed,
            "not served as printed: {} ({:?})",
            s.what, s.quote
        );
    }
    let disagreeing: Vec<&Statement> = all.iter().filter(|s| s.agrees == Some(false)).collect();
    for s in &disagreeing {
        let id = s
            .what
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .trim_end_matches(':');
        assert!(
            known.contains(&format!("claim:{id}")),
            "a printed ratio disagrees and known-disagreements.csv does not say why: {}",
            s.what
        );
    }
    let ratios = all.iter().filter(|s| s.agrees.is_some()).count();
    eprintln!(
        "{} printed statements of the brief served as printed through HTTP ({} levels and \
         counts, {ratios} ratios); {} ratios disagree with the levels beyond rounding, each \
         explained in known-disagreements.csv",
        all.len(),
        all.len() - ratios,
        disagreeing.len()
    );
    assert!(all.len() >= 150, "only {} statements", all.len());
}

/// What a reader of the brief checks first.
fn the_issues_examples(app: &Server) {
    // The printed balance, finer than the difference of two rounded flows.
    let fm = one(
        app,
        "/v1/balances?group=flexible-manufacturing&partner=WLD&year=2024",
    );
    assert_eq!(fm["balance_usd"], -631_000_000);
    assert_eq!(fm["balance_basis"], "reported");
    assert_eq!(fm["flows_balance_usd"], -600_000_000);
    // The printed growth rate beside the computed one.
    let opto = one(
        app,
        "/v1/growth?flow=exports&group=opto-electronics&partner=WLD&from=2014&to=2024",
    );
    assert_eq!(opto["reported_change_pct"], 118.0);
    assert!(
        (opto["change_pct"].as_f64().unwrap() - 113.33).abs() < 0.01,
        "{opto}"
    );
    assert!(
        opto["reported_change_pct_citation"]
            .as_str()
            .unwrap()
            .contains("118%"),
        "{opto}"
    );
    // Growth of a balance starts from the printed balances.
    let am = one(
        app,
        "/v1/growth?flow=balance&group=advanced-materials&partner=WLD&from=2014&to=2024",
    );
    assert_eq!(
        (am["start_usd"].as_i64(), am["end_usd"].as_i64()),
        (Some(-51_000_000), Some(-54_000_000))
    );
    // A valid query outside the coverage says so.
    let empty = app.get_json("/v1/imports?year=2023");
    assert_eq!(empty["page"]["total"], 0);
    assert_eq!(empty["meta"]["notice"]["code"], "out_of_coverage");
    assert!(
        empty["meta"]["notice"]["detail"]
            .as_str()
            .unwrap()
            .contains("2014, 2024"),
        "{empty}"
    );
    let none = app.get_json("/v1/imports?partner=TW");
    assert_eq!(none["meta"]["notice"]["code"], "not_in_dataset");
    let combination = app.get_json("/v1/imports?group=biotechnology&partner=MX&year=2014");
    assert_eq!(combination["page"]["total"], 0);
    assert_eq!(combination["meta"]["notice"]["code"], "no_figure");
    // The report in Markdown too.
    let md = app.get("/v1/datasets/kiat-2026-04/quality?format=markdown");
    assert_eq!(md.status, 200);
    assert_eq!(md.content_type(), Some("text/markdown"));
    assert!(md.text().starts_with("# Data-quality report: kiat-2026-04"));
}

on_both_backends!(
    the_briefs_statements_are_served_as_printed,
    the_issues_examples
);
