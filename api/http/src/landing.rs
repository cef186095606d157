//! The landing page (`/`): what the service holds, where to start, and a
//! gallery of the brief's charts drawn live. One HTML document, no outside
//! asset (no script, no font, no style sheet from elsewhere); Korean with
//! `?lang=ko`.

use actix_web::{HttpRequest, HttpResponse, web};
use atp_charts::escape;

use super::AppState;
use super::respond::Rendered;

struct Text {
    ko: bool,
}

impl Text {
    fn t<'a>(&self, en: &'a str, ko: &'a str) -> &'a str {
        if self.ko { ko } else { en }
    }
}

/// `GET /`: the landing page.
pub async fn landing_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ko = crate::i18n::Language::of_request(&req).is_ko();
    let t = Text { ko };
    let model = state.model.load();
    let lang = if ko { "ko" } else { "en" };
    let q = if ko { "&lang=ko" } else { "" };
    let mut datasets = String::new();
    for d in model.datasets() {
        let v = d.latest();
        let ranges = v.period_ranges.join(", ");
        datasets.push_str(&format!(
            "<li><a href=\"/v1/datasets/{id}\"><code>{id}</code></a>: {title} <span class=\"muted\">({ranges}; {vintages} {vlabel})</span></li>\n",
            id = escape(v.id()),
            title = escape(&v.stored.info.title),
            ranges = escape(&ranges),
            vintages = d.all().len(),
            vlabel = t.t("vintage(s)", "개 판"),
        ));
    }
    let charts = [
        (
            format!(
                "/v1/charts/group-balances.svg?{}",
                q.trim_start_matches('&')
            ),
            t.t(
                "The balance of each ATP group, 2014 and 2024 (the brief's figure)",
                "ATP 그룹별 무역수지, 2014년과 2024년 (보고서의 그림)",
            ),
        ),
        (
            format!("/v1/charts/partner-shares.svg?flow=imports{q}"),
            t.t(
                "Partners' shares of US ATP imports",
                "미국 첨단기술제품 수입의 상대국별 비중",
            ),
        ),
        (
            format!("/v1/charts/partner-shares.svg?flow=exports{q}"),
            t.t(
                "Partners' shares of US ATP exports",
                "미국 첨단기술제품 수출의 상대국별 비중",
            ),
        ),
        (
            format!("/v1/charts/waterfall.svg?flow=balance&by=group{q}"),
            t.t(
                "What moved the balance from a surplus of 29 billion to a deficit of 300 billion",
                "290억 달러 흑자에서 3,000억 달러 적자로: 그룹별 기여",
            ),
        ),
        (
            format!(
                "/v1/charts/series.svg?dataset=census-atp&flow=balance&frequency=monthly&from=2015-01&rolling=trailing-12{q}"
            ),
            t.t(
                "The Census ATP balance with the world, trailing twelve months",
                "인구조사국 첨단기술제품 무역수지, 최근 12개월 합계",
            ),
        ),
    ];
    let mut gallery = String::new();
    for (src, caption) in &charts {
        gallery.push_str(&format!(
            "<figure><img src=\"{src}\" alt=\"{alt}\" width=\"800\" height=\"480\"><figcaption>{caption} · <a href=\"{src}\">SVG</a></figcaption></figure>\n",
            src = escape(src),
            alt = escape(caption),
            caption = escape(caption),
        ));
    }
    let examples = [
        "/v1/imports?partner=KR&group=all&year=2024",
        "/v1/growth?flow=imports&from=2014&to=2024&group=all&partner=WLD",
        "/v1/decomposition?flow=balance&from=2014&to=2024&by=group",
        "/v1/imports?dataset=census-atp&partner=WLD&from=2023-01&to=2024-12&units=pc1",
        "/v1/compare?dataset=kiat-2026-04&against=census-atp&partner=WLD&group=all",
        "/v1/indicators?indicator=top1_share,hhi",
    ];
    let mut example_list = String::new();
    for e in examples {
        example_list.push_str(&format!(
            "<li><a href=\"{e}\"><code>{e}</code></a></li>\n",
            e = escape(e)
        ));
    }
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<title>{title}</title>
<style>
body {{ font-family: 'Noto Sans CJK KR', 'Noto Sans KR', 'DejaVu Sans', Arial, sans-serif; max-width: 860px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }}
h1 {{ font-size: 1.6em; margin-bottom: 0.2em; }}
code {{ font-size: 0.9em; background: #f4f4f4; padding: 0 0.2em; }}
.muted {{ color: #666; }}
figure {{ margin: 1.5em 0; }}
figure img {{ max-width: 100%; height: auto; border: 1px solid #ddd; }}
figcaption {{ color: #444; font-size: 0.95em; }}
nav a {{ margin-right: 1em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
<nav><a href="/docs/">{docs}</a><a href="/v1/datasets">{all_datasets}</a><a href="/v1/datasets/kiat-2026-04/quality?format=markdown">{quality}</a><a href="/openapi.json">OpenAPI</a><a href="{other_href}">{other}</a></nav>
<h2>{held}</h2>
<ul>
{datasets}</ul>
<h2>{try_these}</h2>
<ul>
{example_list}</ul>
<p class="muted">{formats}</p>
<h2>{gallery_title}</h2>
{gallery}<p class="muted">{footer}</p>
</body>
</html>
"#,
        title = t.t(
            "US trade in Advanced Technology Products, as a data service",
            "미국 첨단기술제품(ATP) 무역 데이터 서비스"
        ),
        intro = t.t(
            "Imports, exports and balances of the United States in the Census Bureau's ten Advanced Technology Products groups, by partner, year and month; growth, shares, concentration, decompositions of change, scenarios; every figure with its provenance (dataset, vintage, reported or derived, citation), in whole US dollars.",
            "미국의 첨단기술제품(인구조사국 10개 그룹) 수출입과 무역수지를 상대국·연도·월별로 제공합니다. 증가율, 비중, 집중도, 변화의 분해, 시나리오를 계산하며, 모든 수치에 출처(데이터셋, 판, 보고값 또는 계산값, 인용)를 달고 미국 달러 단위(정수)로 제공합니다."
        ),
        docs = t.t("API documentation", "API 문서"),
        all_datasets = t.t("Datasets", "데이터셋"),
        quality = t.t("Data-quality report", "데이터 품질 보고서"),
        other_href = if ko { "/" } else { "/?lang=ko" },
        other = t.t("한국어", "English"),
        held = t.t("What it holds", "보유 데이터"),
        try_these = t.t("Try these", "예시"),
        formats = t.t(
            "Every listing is JSON, or CSV with format=csv. Errors are application/problem+json.",
            "모든 목록은 JSON이며, format=csv로 CSV를 받을 수 있습니다. 오류는 application/problem+json입니다."
        ),
        gallery_title = t.t("Charts, drawn live from the data", "데이터로 그린 차트"),
        footer = t.t(
            "Sources: KIAT Industrial Technology Policy Brief 2026-04; U.S. Census Bureau, U.S. Trade in Goods by Country (country.xlsx), public-domain US government data.",
            "출처: 한국산업기술진흥원 산업기술정책브리프 2026-04; 미국 인구조사국, U.S. Trade in Goods by Country (country.xlsx), 미국 정부 공공 데이터."
        ),
    );
    state.respond_uncached(
        &req,
        Rendered::new(html.into_bytes(), "text/html; charset=utf-8"),
    )
}

/// The service's icon: a small SVG (browsers ask for `/favicon.ico` of
/// every page, a chart's included).
const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0072B2"/><rect x="3" y="8" width="2.5" height="5" fill="#fff"/><rect x="6.75" y="5" width="2.5" height="8" fill="#fff"/><rect x="10.5" y="3" width="2.5" height="10" fill="#E69F00"/></svg>"##;

/// `GET /favicon.ico`.
pub async fn favicon(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    state.respond_uncached(
        &req,
        Rendered::new(FAVICON.as_bytes().to_vec(), "image/svg+xml"),
    )
}

/// `GET /problems` and `GET /problems/{slug}`: what each problem type means.
pub async fn problem_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let slug = req.match_info().get("slug").unwrap_or_default();
    let html = if slug.is_empty() {
        Some(crate::error::problem_types_index())
    } else {
        crate::error::problem_type_page(slug)
    };
    match html {
        Some(html) => state.respond_uncached(
            &req,
            Rendered::new(html.into_bytes(), "text/html; charset=utf-8"),
        ),
        None => actix_web::ResponseError::error_response(&crate::error::ApiError::NotFound {
            kind: "problem type",
            id: atp_core::error::echo(slug),
            detail: format!(
                "no problem type {:?}; see /problems",
                atp_core::error::echo(slug)
            ),
        }),
    }
}
