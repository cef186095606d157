//! Charts over HTTP (issue 16): each kind in English and Korean, from the
//! built-in data; SVG with a title, a description, the units, the source and
//! a link to the data as CSV; as many bars, points and steps as the data
//! has; cached with an ETag like the listings; snapshots of each chart's
//! structure (its elements and classes, its title and description), the
//! same on both backends. The landing page too.

#![expect(
    clippy::unwrap_used,
    reason = "scenario helpers fail the test loudly on an unexpected answer"
)]

use atp_testkit::{Server, on_both_backends};
use serde_json::{Value, json};

/// Every element of an SVG document as `name.class` (or `name`), in order.
fn structure(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') || rest.starts_with('!') || rest.starts_with('?') {
            continue;
        }
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let class = tag
            .find("class=\"")
            .map(|i| {
                let v = &tag[i + 7..];
                v[..v.find('"').unwrap()].to_owned()
            })
            .filter(|c| !c.is_empty());
        out.push(match class {
            Some(c) => format!("{name}.{c}"),
            None => name,
        });
    }
    out
}

fn inner<'a>(svg: &'a str, tag: &str) -> &'a str {
    let open = svg.find(&format!("<{tag}")).unwrap();
    let start = open + svg[open..].find('>').unwrap() + 1;
    let end = start + svg[start..].find(&format!("</{tag}>")).unwrap();
    &svg[start..end]
}

fn count(svg: &str, class: &str) -> usize {
    structure(svg)
        .iter()
        .filter(|e| e.split(['.', ' ']).any(|c| c == class))
        .count()
}

/// A chart fetched and checked for what every chart has.
fn chart(app: &Server, path: &str) -> String {
    let r = app.get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    assert_eq!(r.content_type(), Some("image/svg+xml"), "{path}");
    let etag = r.header("etag").unwrap().to_owned();
    assert!(r.header("cache-control").unwrap().contains("max-age"));
    let again = app.get_with(path, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304, "{path}");
    let svg = r.text().to_owned();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{path}"
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(!inner(&svg, "title").is_empty() && !inner(&svg, "desc").is_empty());
    assert!(svg.contains("format=csv"), "{path}: no link to the data");
    assert!(
        svg.contains("Noto Sans CJK KR"),
        "{path}: no Korean font named"
    );
    svg
}

fn summary(svg: &str) -> Value {
    json!({
        "title": inner(svg, "title"),
        "desc": inner(svg, "desc"),
        "elements": structure(svg),
    })
}

fn the_briefs_figures(app: &Server) {
    // Nine groups, two years: 18 bars; in Korean, the units in 억 달러.
    let en = chart(app, "/v1/charts/group-balances.svg");
    assert_eq!(count(&en, "bar"), 18);
    assert!(en.contains("billions of US dollars"));
    assert!(inner(&en, "desc").contains("Information and communications: 2014 -69.0, 2024 -231.0"));
    let ko = chart(app, "/v1/charts/group-balances.svg?lang=ko");
    assert_eq!(count(&ko, "bar"), 18);
    assert!(ko.contains("lang=\"ko\"") && ko.contains("단위: 억 달러"));
    assert!(inner(&ko, "desc").contains("정보통신: 2014년 -690.0, 2024년 -2,310.0"));
    insta::assert_json_snapshot!("group_balances_en", summary(&en));
    insta::assert_json_snapshot!("group_balances_ko", summary(&ko));

    // The partners' shares of imports: five partners ranked, two years.
    let shares = chart(app, "/v1/charts/partner-shares.svg?flow=imports");
    assert_eq!(count(&shares, "bar"), 10);
    assert!(inner(&shares, "desc").contains("China: 2014 38.8%, 2024 14.7%"));
    insta::assert_json_snapshot!("partner_shares_imports", summary(&shares));
    let exports_ko = chart(app, "/v1/charts/partner-shares.svg?flow=exports&lang=ko");
    assert_eq!(count(&exports_ko, "bar"), 10);

    // The swing as a waterfall: 2014, nine groups, the rest, 2024.
    let w = chart(app, "/v1/charts/waterfall.svg?flow=balance");
    assert_eq!(count(&w, "step"), 12);
    assert_eq!(count(&w, "step-change"), 10);
    insta::assert_json_snapshot!("waterfall_balance_by_group", summary(&w));
    let by_partner = chart(
        app,
        "/v1/charts/waterfall.svg?flow=balance&by=partner&lang=ko",
    );
    // 2014, five partners and the rest of the world, the residual, 2024.
    assert_eq!(count(&by_partner, "step"), 9);

    // A series: 120 months, one unbroken line; a transform; a null breaks it.
    let s = chart(
        app,
        "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2015-01&to=2024-12",
    );
    assert_eq!((count(&s, "point"), count(&s, "segment")), (120, 1));
    let pc1 = chart(
        app,
        "/v1/charts/series.svg?dataset=census-atp&flow=exports&frequency=monthly&from=1989-01&to=1990-12&units=pc1",
    );
    // No year-ago value for 1989: the line starts in 1990.
    assert_eq!((count(&pc1, "point"), count(&pc1, "segment")), (12, 1));
    assert!(pc1.contains("the percent change from a year ago"));
    let several = chart(
        app,
        "/v1/charts/series.svg?flow=imports&partner=CN,EU,KR&group=all",
    );
    assert_eq!(count(&several, "point"), 6);
    insta::assert_json_snapshot!("series_brief_three_partners", summary(&several));

    // A forecast after the last month drawn: 24 actual months, 12 forecast
    // points (the dashed line starts at the last actual month), two bands.
    let fc = chart(
        app,
        "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2022-01&to=2023-12&forecast=12",
    );
    assert_eq!(count(&fc, "band"), 2, "80% and 95% bands");
    assert_eq!(count(&fc, "point"), 24 + 13);
    assert_eq!(count(&fc, "segment"), 2);
    assert!(
        inner(&fc, "desc").contains("Forecast:"),
        "{}",
        inner(&fc, "desc")
    );
    assert!(fc.contains("stroke-dasharray"));
    let one_band = chart(
        app,
        "/v1/charts/series.svg?dataset=census-atp&flow=imports&frequency=monthly&from=2022-01&to=2023-12&forecast=6&level=90&lang=ko",
    );
    assert_eq!(count(&one_band, "band"), 1);
    assert!(one_band.contains("90% 예측구간"));

    // Bad parameters are problem+json like everywhere.
    for (path, parameter) in [
        ("/v1/charts/partner-shares.svg", "flow"),
        ("/v1/charts/group-balances.svg?lang=fr", "lang"),
        (
            "/v1/charts/series.svg?flow=imports&partner=CN,EU,KR,JP,MX,TW,DE",
            "partner",
        ),
        ("/v1/charts/waterfall.svg?flow=balance&by=month", "by"),
        ("/v1/charts/group-balances.svg?colour=red", "colour"),
        (
            "/v1/charts/series.svg?flow=imports&partner=CN,EU&forecast=3",
            "forecast",
        ),
        (
            "/v1/charts/series.svg?flow=imports&partner=CN&forecast=3&level=120",
            "level",
        ),
    ] {
        let r = app.get(path);
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.content_type(), Some("application/problem+json"));
        assert_eq!(r.json()["parameter"], parameter, "{path}");
    }
}

fn the_landing_page(app: &Server) {
    for (path, lang) in [("/", "en"), ("/?lang=ko", "ko")] {
        let r = app.get(path);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        let html = r.text();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        for link in [
            "href=\"/docs/\"",
            "href=\"/v1/datasets\"",
            "href=\"/v1/datasets/kiat-2026-04/quality?format=markdown\"",
            "src=\"/v1/charts/group-balances.svg",
        ] {
            assert!(html.contains(link), "{path}: {link}");
        }
        // No outside asset: every src and href stays on the service.
        for attr in ["src=\"", "href=\""] {
            for part in html.split(attr).skip(1) {
                assert!(
                    part.starts_with('/'),
                    "{path}: {attr}{}",
                    &part[..part.len().min(40)]
                );
            }
        }
    }
    let icon = app.get("/favicon.ico");
    assert_eq!(icon.status, 200);
    assert_eq!(icon.content_type(), Some("image/svg+xml"));
}

/// The charts the README shows are the ones the service draws (regenerate
/// with the curl commands in docs/charts/README.md).
fn the_readmes_charts_are_current(app: &Server) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/charts");
    for (file, path) in [
        ("group-balances.svg", "/v1/charts/group-balances.svg"),
        (
            "group-balances-ko.svg",
            "/v1/charts/group-balances.svg?lang=ko",
        ),
        (
            "waterfall-balance-by-group.svg",
            "/v1/charts/waterfall.svg?flow=balance&by=group",
        ),
    ] {
        let committed = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(
            chart(app, path),
            committed,
            "docs/charts/{file} differs from {path}"
        );
    }
}

on_both_backends!(
    the_briefs_figures,
    the_landing_page,
    the_readmes_charts_are_current
);
