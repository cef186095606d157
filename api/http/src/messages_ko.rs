//! Korean renderings of the English phrases the service puts in problem details:
//! what a parameter or a body field expects, the not-found, busy, conflict,
//! timeout and unavailable messages, why a forecast or a scenario cannot be
//! computed, and what an uploaded file should have held.
//!
//! The sentence around a phrase (`매개변수 year의 값 "20x4"을(를) 받을 수
//! 없습니다: ...`) is written by `crate::i18n`; this module only turns the
//! English phrase into Korean. Codes, parameter and field names, values,
//! numbers, paths and backticked names are never translated: a phrase built
//! with `format!` is matched against its template and the inserted values
//! are carried over as they are.
//!
//! Text that comes from a third-party crate (a serde, csv or actix message,
//! a forecasting library's error) is not in the table: `translate` returns
//! `None` for it, or keeps it in English where it sits inside a phrase the
//! table knows (`a readable request body (<actix message>)`).

/// The phrases, as the code writes them, and their Korean.
///
/// In the English, a hole stands for what `format!` inserts:
/// - `{}` a value, kept as it is (a code, a number, a list of allowed values,
///   a quoted value, a path, a third-party message);
/// - `{t}` an English phrase of the service that must itself translate;
/// - `{o}` an English phrase translated when the table knows it, else kept.
///
/// The Korean names the holes in order, `{0}`, `{1}`, ..., each once. When
/// several rules match, the one that carries over the least English as it is
/// wins (then the one with the most literal text, then the one with fewer
/// holes), so the order of the table does not matter.
const RULES: &[(&str, &str)] = &[
    // -----------------------------------------------------------------
    // The query string (api/http/src/params.rs)
    (
        "unknown parameter; this endpoint takes {}",
        "알 수 없는 매개변수입니다. 이 엔드포인트가 받는 매개변수: {0}",
    ),
    (
        "unknown parameter; this endpoint takes ",
        "알 수 없는 매개변수입니다. 이 엔드포인트는 매개변수를 받지 않습니다",
    ),
    (
        "a value (the parameter is empty)",
        "값 (매개변수가 비어 있음)",
    ),
    (
        "one value (the parameter is repeated)",
        "값 하나 (매개변수가 반복됨)",
    ),
    ("a value is required: {t}", "값이 필요합니다: {0}"),
    ("at most {} values", "최대 {0}개의 값"),
    // What a parameter type expects (`Scalar::EXPECTED`, `#[missing]`).
    ("a four-digit year", "네 자리 연도"),
    (
        "a year (YYYY), a month (YYYY-MM) or latest",
        "연도(YYYY), 월(YYYY-MM) 또는 latest",
    ),
    ("a date, YYYY-MM-DD", "날짜 (YYYY-MM-DD)"),
    ("one of {}", "다음 중 하나: {0}"),
    (
        "a partner code (see /v1/partners)",
        "교역 상대국 코드 (/v1/partners 참고)",
    ),
    ("a group (see /v1/groups)", "품목군 (/v1/groups 참고)"),
    (
        "the id of a dataset (see /v1/datasets)",
        "데이터셋 ID (/v1/datasets 참고)",
    ),
    ("a text", "텍스트"),
    ("a whole number", "정수"),
    ("a whole number from {} to {}", "정수 {0}~{1}"),
    (
        "the start period (YYYY or YYYY-MM)",
        "시작 기간 (YYYY 또는 YYYY-MM)",
    ),
    (
        "the end period (YYYY, YYYY-MM or latest)",
        "종료 기간 (YYYY, YYYY-MM 또는 latest)",
    ),
    (
        "the id of a dataset with two vintages or more",
        "빈티지가 둘 이상인 데이터셋의 ID",
    ),
    ("the id of the dataset compared", "비교할 데이터셋의 ID"),
    (
        "the id of the dataset compared against",
        "비교 기준 데이터셋의 ID",
    ),
    (
        "the number of periods to project (1 to 20 years, or 240 months)",
        "전망할 기간 수 (1~20년 또는 240개월)",
    ),
    ("the start year", "시작 연도"),
    (
        "frequency=monthly: rolling sums add up months",
        "frequency=monthly (rolling 합계는 월 값을 더함)",
    ),
    // Which fields and labels a listing writes (params.rs, view.rs).
    (
        "a field name of the records (lower-case letters, digits and _)",
        "레코드의 필드 이름 (영문 소문자, 숫자, _)",
    ),
    ("fields of these records: {}", "이 레코드의 필드: {0}"),
    (
        "labels name the columns of CSV only (add format=csv)",
        "labels는 CSV의 열 이름에만 쓰입니다 (format=csv를 함께 지정하십시오)",
    ),
    // Datasets and vintages.
    ("no dataset is loaded", "불러온 데이터셋이 없습니다"),
    (
        "a vintage of dataset {} (see /v1/datasets/{}/vintages)",
        "데이터셋 {0}의 빈티지 (/v1/datasets/{1}/vintages 참고)",
    ),
    (
        "a vintage of dataset {} (see /v1/datasets/{}/vintages), or all",
        "데이터셋 {0}의 빈티지 (/v1/datasets/{1}/vintages 참고) 또는 all",
    ),
    (
        "either vintage or as_of, not both",
        "vintage 또는 as_of 중 하나만 (둘 다 지정할 수 없음)",
    ),
    (
        "a date on or after {}, when the first vintage of {} became known",
        "{0} 또는 그 이후의 날짜 ({1}의 첫 빈티지가 알려진 날)",
    ),
    (
        "a vintage older than {} (dataset {} has {}: {})",
        "{0}보다 오래된 빈티지 (데이터셋 {1}의 빈티지 {2}개: {3})",
    ),
    (
        "a vintage older than to_vintage ({}) (see /v1/datasets/{}/vintages)",
        "to_vintage({0})보다 오래된 빈티지 (/v1/datasets/{1}/vintages 참고)",
    ),
    // Periods.
    (
        "a period the dataset has: it has no {} figures (its frequencies: {})",
        "데이터셋에 있는 기간 (이 데이터셋에는 {0} 수치가 없음. 있는 주기: {1})",
    ),
    (
        "a period the dataset has: it has no {} figures",
        "데이터셋에 있는 기간 (이 데이터셋에는 {0} 수치가 없음)",
    ),
    ("a period", "기간"),
    (
        "a year (YYYY) with frequency=annual; for months, frequency=monthly",
        "frequency=annual에서는 연도(YYYY). 월 단위는 frequency=monthly",
    ),
    (
        "either period or year (its older name), not both",
        "period 또는 year(이전 이름) 중 하나만 (둘 다 지정할 수 없음)",
    ),
    (
        "either {} or from/to, not both",
        "{0} 또는 from/to 중 하나만 (둘 다 지정할 수 없음)",
    ),
    (
        "a period not later than `to` ({})",
        "`to`({0})보다 늦지 않은 기간",
    ),
    (
        "a period of the same frequency as the other end: two years, or two months",
        "다른 쪽 끝과 같은 주기의 기간 (연도 둘 또는 월 둘)",
    ),
    ("a period before `to` ({})", "`to`({0})보다 앞선 기간"),
    (
        "a period of frequency={} ({t}), or latest",
        "frequency={0}에 맞는 기간({1}) 또는 latest",
    ),
    (
        "a period of frequency={} ({t})",
        "frequency={0}에 맞는 기간({1})",
    ),
    ("a year, YYYY", "연도, YYYY"),
    ("a month, YYYY-MM", "월, YYYY-MM"),
    (
        "a period of the same frequency as year and base_year: two years, or two months",
        "year 및 base_year와 같은 주기의 기간 (연도 둘 또는 월 둘)",
    ),
    (
        "a field to sort by, `-` before it for descending: {}",
        "정렬할 필드 (내림차순은 앞에 `-`): {0}",
    ),
    // -----------------------------------------------------------------
    // Not found (error.rs, handlers.rs, writes.rs, landing.rs, server.rs)
    (
        "no dataset {}; see /v1/datasets",
        "데이터셋 {0}이(가) 없습니다. 목록: /v1/datasets",
    ),
    (
        "no partner {}; see /v1/partners",
        "교역 상대국 {0}이(가) 없습니다. 목록: /v1/partners",
    ),
    ("no group {}: {t}", "품목군 {0}이(가) 없습니다: {1}"),
    (
        "dataset {} has no vintage {} stored",
        "데이터셋 {0}에 저장된 빈티지 {1}이(가) 없습니다",
    ),
    (
        "no problem type {}; see /problems",
        "문제 유형 {0}이(가) 없습니다. 목록: /problems",
    ),
    ("no such endpoint: {}", "해당 엔드포인트가 없습니다: {0}"),
    (
        "json: dataset descriptions hold lists and are served as JSON only",
        "json (데이터셋 설명에는 목록이 있어 JSON으로만 제공됨)",
    ),
    // -----------------------------------------------------------------
    // The rest of error.rs, and the details of statuses answered without
    // an ApiError (the canonical reason, lower-cased).
    ("method {} not allowed", "{0} 메서드는 허용되지 않습니다"),
    (
        "the Accept header {} names no representation this endpoint gives: {}",
        "Accept 헤더 {0}이(가) 이 엔드포인트가 제공하는 형식을 포함하지 않습니다. 제공 형식: {1}",
    ),
    (
        "the request body is larger than the limit of {} bytes",
        "요청 본문이 한도 {0}바이트보다 큽니다",
    ),
    (
        "too many requests; retry in {} s",
        "요청이 너무 많습니다. {0}초 뒤에 다시 시도하십시오",
    ),
    (
        "service unavailable: {t}",
        "서비스를 사용할 수 없습니다: {0}",
    ),
    ("internal error", "내부 오류"),
    (
        "the service failed to answer; the error is logged",
        "서비스가 응답하지 못했습니다. 오류는 기록되었습니다",
    ),
    ("bad request", "잘못된 요청"),
    ("unauthorized", "인증 필요"),
    ("forbidden", "권한 없음"),
    ("not found", "찾을 수 없음"),
    ("method not allowed", "허용되지 않는 메서드"),
    ("not acceptable", "제공할 수 없는 형식"),
    ("request timeout", "요청 시간 초과"),
    ("conflict", "충돌"),
    ("length required", "길이 정보 필요"),
    ("payload too large", "요청 본문이 너무 큼"),
    ("uri too long", "URI가 너무 김"),
    ("unsupported media type", "지원하지 않는 미디어 형식"),
    ("unprocessable entity", "처리할 수 없는 요청"),
    ("too many requests", "요청이 너무 많음"),
    ("request header fields too large", "요청 헤더가 너무 큼"),
    ("internal server error", "내부 오류"),
    ("service unavailable", "서비스를 사용할 수 없음"),
    // -----------------------------------------------------------------
    // Domain values (core/src: year, period, group, partner, catalog,
    // observation, dataset)
    (
        "one of {} or a Census code {}",
        "다음 중 하나: {0}, 또는 Census 코드 {1}",
    ),
    (
        "one of {} or the Census CTY_CODE of one of them",
        "다음 중 하나: {0}, 또는 그중 하나의 Census CTY_CODE",
    ),
    ("a month from {} to {}", "{0}~{1} 사이의 월"),
    (
        "a year (YYYY, from {} to {}) or a month (YYYY-MM, month 01 to 12)",
        "연도(YYYY, {0}~{1}) 또는 월(YYYY-MM, 월은 01~12)",
    ),
    (
        "a four-digit year from {} to {}",
        "{0}~{1} 사이의 네 자리 연도",
    ),
    (
        "`from` must not be later than `to` ({})",
        "`from` 값은 `to`({0})보다 늦을 수 없습니다",
    ),
    ("a decimal number", "십진수"),
    ("whole US dollars", "정수 미국 달러 금액"),
    (
        "measure/group/partner/period, e.g. imports/all/WLD/2024 or imports/all/WLD/2024-03",
        "measure/group/partner/period 형식 (예: imports/all/WLD/2024 또는 imports/all/WLD/2024-03)",
    ),
    (
        "1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit",
        "영문 소문자, 숫자, '-', '_', '.'로 된 1~64자 (첫 글자는 영문자 또는 숫자)",
    ),
    // Partners the read model does not know (api/query/src/model.rs).
    (
        "a partner code: an ISO alpha-2 code, a Census CTY_CODE, EU, ROW or WLD (every one at /v1/partners)",
        "교역 상대국 코드: ISO alpha-2 코드, Census CTY_CODE, EU, ROW 또는 WLD (전체 목록은 /v1/partners)",
    ),
    (
        "a partner code (every one at /v1/partners); did you mean {}?",
        "교역 상대국 코드 (전체 목록은 /v1/partners). 다음 중 하나를 찾으셨습니까? {0}",
    ),
    // -----------------------------------------------------------------
    // Forecasts (api/http/src/forecasts.rs, core/src/forecast.rs)
    (
        "a whole number of periods ahead",
        "앞으로 예측할 기간 수 (정수)",
    ),
    (
        "a whole number of periods from {} to {} months ({} years with frequency=annual)",
        "정수 {0}~{1} (월 단위 기간 수. frequency=annual이면 {2}년까지)",
    ),
    (
        "a prediction interval level in percent: {t}",
        "예측 구간 수준(퍼센트): {0}",
    ),
    (
        "one value: a forecast is of one series",
        "값 하나 (예측은 시계열 하나에 대해 함)",
    ),
    (
        "a period up to the dataset's last {} period, {}",
        "데이터셋의 마지막 {0} 기간인 {1}까지의 기간",
    ),
    (
        "at most {} periods with frequency={} ({} years, or {} months)",
        "frequency={1}에서 최대 {0}개 기간 ({2}년 또는 {3}개월)",
    ),
    ("at most {} interval levels", "예측 구간 수준 최대 {0}개"),
    (
        "a horizon that ends by {} (the last year the service accepts), counted from {}",
        "{1}부터 세어 {0}년(서비스가 받는 마지막 연도)까지 끝나는 예측 기간",
    ),
    (
        "the series ({o}) {t}; method {} needs at least {} consecutive {} values (each method's minimum: {})",
        "시계열({0}): {1}. 예측 방법 {2}에는 연속된 {4} 값이 {3}개 이상 필요합니다 (방법별 최소: {5})",
    ),
    ("has no {} values", "{0} 값이 없습니다"),
    ("has no {} values up to {}", "{1}까지 {0} 값이 없습니다"),
    ("has {} {} values", "{1} 값이 {0}개 있습니다"),
    (
        "has {} {} values up to {}",
        "{2}까지 {1} 값이 {0}개 있습니다",
    ),
    (
        "has {} {} values ({} to {}), all consecutive",
        "{1} 값이 {0}개({2}~{3}) 있으며 모두 연속입니다",
    ),
    (
        "has {} {} values up to {} ({} to {}), all consecutive",
        "{2}까지 {1} 값이 {0}개({3}~{4}) 있으며 모두 연속입니다",
    ),
    (
        "has {} {} values ({} to {}), not all consecutive: the last {} are",
        "{1} 값이 {0}개({2}~{3}) 있으나 모두 연속은 아니며, 연속인 것은 마지막 {4}개입니다",
    ),
    (
        "has {} {} values up to {} ({} to {}), not all consecutive: the last {} are",
        "{2}까지 {1} 값이 {0}개({3}~{4}) 있으나 모두 연속은 아니며, 연속인 것은 마지막 {5}개입니다",
    ),
    (
        "{}, group {}, partner {}, {} vintage {}",
        "{0}, 품목군 {1}, 교역 상대국 {2}, {3} 빈티지 {4}",
    ),
    (
        "{} could not be fitted to the series ({o}): {o}; method=naive or method=seasonal_naive always can",
        "예측 방법 {0}의 모형을 시계열({1})에 적합할 수 없습니다: {2}. method=naive 또는 method=seasonal_naive는 항상 가능합니다",
    ),
    (
        "the model library failed (panicked)",
        "모형 라이브러리가 실패했습니다 (panic 발생)",
    ),
    ("no model was fitted", "적합된 모형이 없습니다"),
    (
        "the model gave no intervals",
        "모형이 예측 구간을 내지 않았습니다",
    ),
    ("the forecast is not a number", "예측값이 숫자가 아닙니다"),
    // -----------------------------------------------------------------
    // Charts (api/http/src/charts.rs)
    (
        "a frequency the dataset has ({})",
        "데이터셋에 있는 주기 ({0})",
    ),
    (
        "at most six partners: one line each",
        "교역 상대국 최대 6개 (한 곳에 선 하나)",
    ),
    (
        "a forecast of one partner's level: one partner, no units or rolling",
        "교역 상대국 하나의 수준 예측 (교역 상대국 하나, units와 rolling 없이)",
    ),
    (
        "periods where the dataset has the world's total at both ends (it has none for {} and {})",
        "양 끝 모두에 데이터셋의 세계 합계가 있는 기간 ({0}, {1}에 세계 합계가 없음)",
    ),
    // -----------------------------------------------------------------
    // Scenarios (api/http/src/scenarios.rs, api/query/src/scenario.rs,
    // core/src/scenario.rs)
    ("a number from {} to {}", "{0}~{1} 범위의 숫자"),
    (
        "a period of the scenario's frequency ({})",
        "시나리오의 주기({0})에 맞는 기간",
    ),
    (
        "a number of periods from {} to {} ({} years of {} periods)",
        "기간 수 {0}~{1} ({3} 기간으로 {2}년)",
    ),
    ("a number of periods from {} to {}", "기간 수 {0}~{1}"),
    ("at least one group", "품목군 하나 이상"),
    (
        "at most {} shocks and tariffs together; the request has {}",
        "충격(shocks)과 관세(tariffs)를 합쳐 최대 {0}개 (요청에는 {1}개)",
    ),
    ("a period with a next one", "다음 기간이 있는 기간"),
    (
        "a period after the base ({}): shocks change projections",
        "기준 기간({0}) 이후의 기간 (충격은 전망값을 바꿈)",
    ),
    (
        "a change above -100 (percent)",
        "-100보다 큰 변화율(퍼센트)",
    ),
    (
        "an elasticity from 0 to 50 (imports fall as their price rises)",
        "0~50 사이의 탄력성 (가격이 오르면 수입은 줄어듦)",
    ),
    (
        "a change that leaves the tariff above -100% (from a base tariff of 0 or more)",
        "관세가 -100%보다 높게 남는 변화 (기준 관세는 0 이상)",
    ),
    ("at most {} partners", "교역 상대국 최대 {0}개"),
    (
        "{} (a scenario: see the ScenarioBody schema of /openapi.json)",
        "{0} (시나리오: /openapi.json의 ScenarioBody 스키마 참고)",
    ),
    ("a number, not {}", "숫자 (받은 값: {0})"),
    (
        "FLOW:PARTNER:CHANGE_PCT[:THEN_PCT_PER_PERIOD[:START[:GROUP]]], PARTNER * for the whole market",
        "FLOW:PARTNER:CHANGE_PCT[:THEN_PCT_PER_PERIOD[:START[:GROUP]]] 형식 (시장 전체는 PARTNER에 *)",
    ),
    (
        "PARTNER:CHANGE_PP[:START[:ELASTICITY[:BASE_TARIFF_PCT[:GROUP]]]]",
        "PARTNER:CHANGE_PP[:START[:ELASTICITY[:BASE_TARIFF_PCT[:GROUP]]]] 형식",
    ),
    (
        "{}: a change of {}% or below would make values negative or zero: changes are above -100%",
        "{0}: {1}% 이하의 변화는 값을 0 또는 음수로 만듭니다 (변화율은 -100%보다 커야 함)",
    ),
    (
        "{}: a tariff below -100% has no meaning: the tariff after the change is {}%",
        "{0}: -100% 미만의 관세는 의미가 없습니다 (변경 후 관세: {1}%)",
    ),
    (
        "{}: the factor is outside the range computed (more than 10^9 times the baseline)",
        "{0}: 배율이 계산 범위를 벗어납니다 (기준선의 10^9배 초과)",
    ),
    (
        "{}: partner {} is not among the partners of the {} market in {} (listed with figures for both flows): {}",
        "{0}: 교역 상대국 {1}이(가) {3} {2} 시장의 교역 상대국(두 흐름 모두 수치가 있는 곳)에 없습니다: {4}",
    ),
    (
        "{}: group {} is not among the scenario's groups ({})",
        "{0}: 품목군 {1}이(가) 시나리오의 품목군({2})에 없습니다",
    ),
    (
        "the dataset has no world total of {} for {}: no market to project",
        "데이터셋에 {1}의 {0} 세계 합계가 없어 전망할 시장이 없습니다",
    ),
    // -----------------------------------------------------------------
    // Writes (api/http/src/writes.rs, api/atp/src/service.rs,
    // api/store/src/lib.rs)
    (
        "writes are disabled on this server (no write token is configured)",
        "이 서버에서는 쓰기가 비활성화되어 있습니다 (쓰기 토큰이 설정되지 않음)",
    ),
    (
        "this operation needs `Authorization: Bearer <write token>`",
        "이 작업에는 `Authorization: Bearer <write token>` 헤더가 필요합니다",
    ),
    (
        "the write token is not valid",
        "쓰기 토큰이 올바르지 않습니다",
    ),
    (
        "the body did not arrive within {} s ({} bytes received)",
        "본문이 {0}초 안에 도착하지 않았습니다 ({1}바이트 받음)",
    ),
    (
        "no bytes of the body for {} s ({} bytes received)",
        "{0}초 동안 본문이 한 바이트도 오지 않았습니다 ({1}바이트 받음)",
    ),
    (
        "a readable request body ({})",
        "읽을 수 있는 요청 본문 ({0})",
    ),
    (
        "a tidy CSV file, a Census API response (JSON) or a dataset description (JSON)",
        "tidy CSV 파일, Census API 응답(JSON) 또는 데이터셋 설명(JSON)",
    ),
    (
        "{} uploads are being handled, as many as the server takes at once; retry shortly",
        "서버가 동시에 받는 최대치인 {0}건의 업로드를 처리하고 있습니다. 잠시 후 다시 시도하십시오",
    ),
    (
        "the database is unreachable; reads are served from the last loaded data, writes are refused until it returns",
        "데이터베이스에 연결할 수 없습니다. 읽기는 마지막으로 불러온 데이터로 제공되고, 쓰기는 연결이 복구될 때까지 거부됩니다",
    ),
    (
        "the database did not answer within {} s; the write was not confirmed (it is applied whole or not at all: see /v1/datasets for its outcome)",
        "데이터베이스가 {0}초 안에 응답하지 않아 쓰기가 확인되지 않았습니다 (쓰기는 전부 적용되거나 전혀 적용되지 않음. 결과는 /v1/datasets에서 확인하십시오)",
    ),
    ("no database", "데이터베이스가 없습니다"),
    (
        "dataset {} was imported ({} rows) but is not served yet; see /v1/datasets/{} shortly",
        "데이터셋 {0}을(를) 가져왔지만({1}행) 아직 제공되지 않습니다. 잠시 후 /v1/datasets/{2}에서 확인하십시오",
    ),
    (
        "dataset {} is built into the service; import under another id",
        "데이터셋 {0}은(는) 서비스에 내장되어 있습니다. 다른 ID로 가져오십시오",
    ),
    (
        "vintage {} of dataset {} is built into the service; import another vintage (an older or newer release) beside it",
        "데이터셋 {1}의 빈티지 {0}은(는) 서비스에 내장되어 있습니다. 다른 빈티지(이전 또는 이후 공표본)를 함께 가져오십시오",
    ),
    (
        "the built-in dataset {} (vintage {}) is part of the service and cannot be deleted (it is served from the binary); import your own datasets beside it, and choose the default with `default_dataset`",
        "내장 데이터셋 {0}(빈티지 {1})은(는) 서비스의 일부라 삭제할 수 없습니다 (바이너리에서 제공됨). 직접 만든 데이터셋을 함께 가져오고, 기본 데이터셋은 `default_dataset`으로 선택하십시오",
    ),
    (
        "dataset {} already exists (imported {}); import it under another id, import a new release with a vintage of its own, or replace it explicitly",
        "데이터셋 {0}이(가) 이미 있습니다 ({1}에 가져옴). 다른 ID로 가져오거나, 새 공표본을 별도의 빈티지로 가져오거나, 명시적으로 교체하십시오",
    ),
    (
        "vintage {} of dataset {} already exists (imported {}); replace it explicitly, or import the release under another vintage",
        "데이터셋 {1}의 빈티지 {0}이(가) 이미 있습니다 ({2}에 가져옴). 명시적으로 교체하거나 다른 빈티지로 가져오십시오",
    ),
    (
        "dataset {} already holds these figures as vintage {} (imported {}); nothing to import",
        "데이터셋 {0}의 빈티지 {1}에 같은 수치가 이미 있습니다 ({2}에 가져옴). 가져올 것이 없습니다",
    ),
    // Busy (download.rs, lib.rs)
    (
        "the server is streaming as many downloads as it takes at once; retry",
        "서버가 동시에 처리할 수 있는 만큼의 다운로드를 이미 보내고 있습니다. 다시 시도하십시오",
    ),
    (
        "the server is answering as many large queries as it takes at once; narrow the query (fewer groups, partners or periods) or retry",
        "서버가 동시에 처리할 수 있는 만큼의 대형 쿼리에 이미 응답하고 있습니다. 쿼리 범위를 좁히거나(품목군, 교역 상대국, 기간을 줄임) 다시 시도하십시오",
    ),
    (
        "the server is answering as many large queries as it takes at once; retry",
        "서버가 동시에 처리할 수 있는 만큼의 대형 쿼리에 이미 응답하고 있습니다. 다시 시도하십시오",
    ),
    // -----------------------------------------------------------------
    // Uploads: what a file should have held (api/ingest/src: text.rs,
    // tidy.rs, lib.rs, census/)
    (
        "at most {} bytes of text (this one has {})",
        "최대 {0}바이트의 텍스트 (이 값은 {1}바이트)",
    ),
    (
        "text without control characters; this one holds {t}",
        "제어 문자가 없는 텍스트 (이 값에 있는 것: {0})",
    ),
    (
        "a line break: a field may not span lines (is a quote left open?)",
        "줄바꿈 (필드는 여러 줄에 걸칠 수 없음. 닫히지 않은 따옴표가 있습니까?)",
    ),
    ("a NUL character", "NUL 문자"),
    ("the control character U+{}", "제어 문자 U+{0}"),
    (
        "at most {} US dollars in magnitude (10^15, far above any real trade value)",
        "절댓값 {0} 이하의 미국 달러 금액 (10^15: 실제 교역액보다 훨씬 큼)",
    ),
    (
        "a closed quote: the quoted field that opens here runs to the end of the file, which would swallow every line after it",
        "닫힌 따옴표 (여기서 열린 따옴표 필드가 파일 끝까지 이어져 그 뒤의 모든 줄을 삼킴)",
    ),
    (
        "unknown column; the columns are {} (required; `year` is read as `period`) and {} (optional)",
        "알 수 없는 열입니다. 열 목록: {0} (필수. `year`는 `period`로 읽음), {1} (선택)",
    ),
    (
        "each column may appear once (`year` and `period` are the same column)",
        "각 열은 한 번만 (`year`와 `period`는 같은 열)",
    ),
    (
        "missing required column {}; required: {}",
        "필수 열 {0}이(가) 없습니다. 필수 열: {1}",
    ),
    (
        "{} fields, one per column of the header ({})",
        "필드 {0}개 (헤더의 열마다 하나: {1})",
    ),
    (
        "expected {}, the dataset being imported",
        "가져오는 데이터셋인 {0}",
    ),
    ("a dataset id", "데이터셋 ID"),
    (
        "whole US dollars (an integer, no separators)",
        "정수 미국 달러 금액 (구분 기호 없는 정수)",
    ),
    (
        "imports and exports cannot be negative",
        "수입과 수출은 음수일 수 없습니다",
    ),
    (
        "a positive whole number of US dollars up to 10^15, or nothing",
        "10^15 이하의 양의 정수 미국 달러 금액, 또는 빈 값",
    ),
    (
        "a derived figure must name its formula and inputs",
        "파생 수치에는 formula와 inputs가 있어야 합니다",
    ),
    (
        "only derived figures have a formula",
        "formula는 파생 수치에만 있습니다",
    ),
    ("duplicate of line {}", "{0}행과 중복"),
    (
        "no observations: expected a header row and at least one data row",
        "관측치가 없습니다: 헤더 행과 데이터 행이 하나 이상 있어야 합니다",
    ),
    ("malformed CSV: {}", "잘못된 CSV: {0}"),
    (
        "a second dataset description: give one per import",
        "두 번째 데이터셋 설명 (가져오기마다 하나만)",
    ),
    (
        "a dataset description: a JSON object with id, title, publisher, citation, source_url (or null), vintage and notes ({})",
        "데이터셋 설명: id, title, publisher, citation, source_url(또는 null), vintage, notes가 있는 JSON 객체 ({0})",
    ),
    (
        "a second workbook ({} is the first): one import takes one country.xlsx, which is one vintage",
        "두 번째 통합 문서 (첫 번째는 {0}). 가져오기마다 country.xlsx 하나(빈티지 하나)만",
    ),
    (
        "one import takes a country.xlsx workbook alone, not with CSV files or Census responses",
        "country.xlsx 통합 문서는 CSV 파일이나 Census 응답 없이 단독으로 가져와야 합니다",
    ),
    (
        "one import takes CSV files or Census responses, not both",
        "가져오기마다 CSV 파일과 Census 응답 중 하나만 (둘 다는 안 됨)",
    ),
    (
        "no data file: give a tidy CSV file or Census API responses",
        "데이터 파일이 없습니다: tidy CSV 파일이나 Census API 응답을 주십시오",
    ),
    (
        "{} appears in more than one file",
        "{0}이(가) 둘 이상의 파일에 있습니다",
    ),
    (
        "no dataset id: pass --dataset ID or a dataset description",
        "데이터셋 ID가 없습니다: --dataset ID 또는 데이터셋 설명을 주십시오",
    ),
    (
        "nothing to import: the files hold no observation",
        "가져올 것이 없습니다: 파일에 관측치가 없습니다",
    ),
    (
        "nothing to import: the files hold no observation ({})",
        "가져올 것이 없습니다: 파일에 관측치가 없습니다 ({0})",
    ),
    ("at most {} notes", "최대 {0}개의 메모"),
    // Census API responses.
    (
        "an empty body: expected a JSON array of arrays (the API answers a query without data with 204 No Content)",
        "빈 본문입니다: JSON 배열의 배열이 필요합니다 (API는 데이터가 없는 쿼리에 204 No Content로 응답함)",
    ),
    (
        "the body looks like an HTML page, not a JSON array: probably an invalid API key (the API answers one with an HTML page and status 200)",
        "본문이 JSON 배열이 아니라 HTML 페이지로 보입니다. API 키가 잘못되었을 수 있습니다 (API는 잘못된 키에 HTML 페이지와 상태 200으로 응답함)",
    ),
    (
        "the API answered with an error message instead of data: {}",
        "API가 데이터 대신 오류 메시지로 응답했습니다: {0}",
    ),
    (
        "the JSON ends early (a truncated file?) at line {}, column {} ({}); expected a JSON array of arrays of strings",
        "JSON이 일찍 끝납니다 (잘린 파일입니까?). 위치: {0}행 {1}열 ({2}). 문자열 배열의 JSON 배열이 필요합니다",
    ),
    (
        "invalid JSON at line {}, column {} ({}); expected a JSON array of arrays of strings",
        "잘못된 JSON입니다. 위치: {0}행 {1}열 ({2}). 문자열 배열의 JSON 배열이 필요합니다",
    ),
    (
        "a JSON array of arrays of strings, header first",
        "헤더가 먼저 오는, 문자열 배열의 JSON 배열",
    ),
    ("an array of strings", "문자열 배열"),
    (
        "a string (the API writes every cell, values included, as a string)",
        "문자열 (API는 값을 포함한 모든 셀을 문자열로 씀)",
    ),
    (
        "required are CTY_CODE, CTY_NAME, HITECH, time, and GEN_VAL_MO and/or GEN_VAL_YR (imports) or ALL_VAL_MO and/or ALL_VAL_YR (exports)",
        "필수 열은 CTY_CODE, CTY_NAME, HITECH, time, 그리고 GEN_VAL_MO 및/또는 GEN_VAL_YR(수입) 또는 ALL_VAL_MO 및/또는 ALL_VAL_YR(수출)",
    ),
    (
        "a header row first, naming the columns: {t}",
        "열 이름을 담은 헤더 행이 먼저 와야 합니다: {0}",
    ),
    (
        "the header has no column {}: {t}",
        "헤더에 {0} 열이 없습니다: {1}",
    ),
    ("the header has {t}: {t}", "헤더 오류 ({0}): {1}"),
    (
        "both import (GEN_VAL_*) and export (ALL_VAL_*) value columns; a response holds one flow",
        "수입(GEN_VAL_*)과 수출(ALL_VAL_*) 값 열이 모두 있음. 응답 하나에는 흐름 하나만",
    ),
    ("no value column", "값 열이 없음"),
    ("YYYY-MM, e.g. 2024-12", "YYYY-MM 형식 (예: 2024-12)"),
    ("expected {}, the year of time", "time의 연도인 {0}"),
    ("expected {}, the month of time", "time의 월인 {0}"),
    (
        "whole US dollars (digits only, e.g. 1234567)",
        "정수 미국 달러 금액 (숫자만, 예: 1234567)",
    ),
    (
        "an empty JSON array: expected a header row, then one row per partner, group and month",
        "빈 JSON 배열입니다: 헤더 행과, 교역 상대국·품목군·월마다 한 행이 필요합니다",
    ),
    (
        "expected {} cells, one per header column ({})",
        "셀 {0}개 (헤더 열마다 하나: {1})",
    ),
    (
        "a duplicate row: row {} has the same HITECH {}, CTY_CODE {} and time",
        "중복 행: {0}행에 같은 HITECH {1}, CTY_CODE {2}, time이 있습니다",
    ),
    (
        "the code in brackets disagrees with HITECH {}",
        "대괄호 안의 코드가 HITECH {0}과(와) 다릅니다",
    ),
    (
        "an empty HITECH ({}) is the total of all commodities, with HITECH_DESC {}",
        "빈 HITECH({0})는 전 품목 합계이며, 이때 HITECH_DESC는 {1}입니다",
    ),
    (
        "an ATP group code ({}), 00 (not advanced technology) or \"\"/\"-\" (the total of all commodities)",
        "ATP 품목군 코드({0}), 00(첨단기술제품 아님) 또는 \"\"/\"-\"(전 품목 합계)",
    ),
    (
        "an empty CTY_CODE ({}) is the world total, {}",
        "빈 CTY_CODE({0})는 세계 합계 {1}입니다",
    ),
    (
        "a four-digit Census Schedule C country code, a grouping (00NN, 1XXX..7XXX) or \"\"/\"-\" for the world total",
        "네 자리 Census Schedule C 국가 코드, 국가 그룹(00NN, 1XXX..7XXX) 또는 세계 합계를 뜻하는 \"\"/\"-\"",
    ),
    ("a four-digit code", "네 자리 코드"),
    (
        "no Census responses to combine: expected at least one",
        "합칠 Census 응답이 없습니다: 하나 이상 필요합니다",
    ),
    (
        "series {}, group {} (HITECH {}), partner {}, {}",
        "시계열 {0}, 품목군 {1} (HITECH {2}), 교역 상대국 {3}, {4}",
    ),
    (
        "a duplicate month of {t}: {} row {} has it too",
        "{0}의 중복 월: {1} {2}행에도 있습니다",
    ),
    ("{t}: no rows", "{0}: 행이 없습니다"),
    (
        "{t}: the monthly values overflow",
        "{0}: 월별 값의 합이 범위를 넘습니다",
    ),
    (
        "{t}: the year-to-date value falls from {} in {} to {} in {}; cumulative values cannot fall",
        "{0}: 연간 누계 값이 줄어듭니다 ({2}: {1} → {4}: {3}). 누계 값은 줄어들 수 없습니다",
    ),
    (
        "{t}: the twelve monthly values ({}) sum to {}, but the December year-to-date value ({}) is {}",
        "{0}: 열두 달 월별 값({1})의 합은 {2}인데, 12월 연간 누계 값({3})은 {4}입니다",
    ),
    (
        "{t}: the last month has no year-to-date value and some months have no monthly value; expected {} in every response or {} in every one",
        "{0}: 마지막 달에 연간 누계 값이 없고 일부 월에 월별 값이 없습니다. 모든 응답에 {1}이(가) 있거나, 모든 응답에 {2}이(가) 있어야 합니다",
    ),
    // The Census country.xlsx workbook.
    (
        "a value in millions of US dollars (0 for no trade); the cell is empty",
        "백만 미국 달러 단위의 값 (교역이 없으면 0). 셀이 비어 있습니다",
    ),
    (
        "a number (millions of US dollars); the cell holds the text {}",
        "숫자 (백만 미국 달러). 셀에 있는 텍스트: {0}",
    ),
    (
        "a number (millions of US dollars); the cell holds {}",
        "숫자 (백만 미국 달러). 셀에 있는 값: {0}",
    ),
    (
        "a number (millions of US dollars), not {}",
        "숫자 (백만 미국 달러). 받은 값: {0}",
    ),
    (
        "a value within range, not {}",
        "범위 안의 값 (받은 값: {0})",
    ),
    (
        "whole US dollars (at most six decimals of a million); {} million is {} dollars",
        "정수 미국 달러 금액 (백만 단위로 소수점 이하 여섯 자리까지). {0}백만은 {1}달러입니다",
    ),
    (
        "imports and exports cannot be negative; the cell holds {}",
        "수입과 수출은 음수일 수 없습니다. 셀에 있는 값: {0}",
    ),
    (
        "at most 10^15 US dollars (10^9 million); the cell holds {} million",
        "최대 10^15 미국 달러 (10^9 백만). 셀에 있는 값: {0}백만",
    ),
    (
        "a readable xlsx workbook (the Census country.xlsx); it could not be opened: {}",
        "읽을 수 있는 xlsx 통합 문서 (Census country.xlsx). 열 수 없었습니다: {0}",
    ),
    (
        "a readable worksheet; it could not be read: {}",
        "읽을 수 있는 워크시트. 읽을 수 없었습니다: {0}",
    ),
    (
        "a sheet whose first row is the country.xlsx header ({}); {t}",
        "첫 행이 country.xlsx 헤더({0})인 시트. {1}",
    ),
    ("the workbook has no sheet", "통합 문서에 시트가 없습니다"),
    ("sheet {} is empty", "시트 {0}이(가) 비어 있습니다"),
    (
        "sheet {}'s first row lacks {}",
        "시트 {0}의 첫 행에 {1}이(가) 없습니다",
    ),
    ("columns {}", "열 {0}"),
    (
        "a data row; the row is empty (rows must be contiguous, without blank rows)",
        "데이터 행 (행이 비어 있음. 행은 빈 행 없이 이어져야 함)",
    ),
    (
        "a four-digit Census Schedule C code (0003 the EU, 0015 the world, 0007 ATP, 1000 and above countries)",
        "네 자리 Census Schedule C 코드 (0003 EU, 0015 세계, 0007 ATP, 1000 이상은 국가)",
    ),
    (
        "one row per code and year; row {} has {} for {} too",
        "코드와 연도마다 한 행 ({0}행에도 {2}년의 {1}이(가) 있음)",
    ),
    (
        "a number (the row is {t}, not imported, but read)",
        "숫자 (가져오지는 않지만 읽는 행: {0})",
    ),
    ("the world seasonally adjusted", "계절 조정된 세계 합계"),
    ("imports for consumption", "소비용 수입"),
    (
        "the sum of the row's twelve months ({} dollars); the year total is {}",
        "행의 열두 달 합계({0}달러). 연간 합계는 {1}입니다",
    ),
    (
        "at least one data row after the header",
        "헤더 다음에 데이터 행 하나 이상",
    ),
    (
        "some trade in the last year, {}; every value of it is 0",
        "마지막 연도 {0}의 교역 (모든 값이 0임)",
    ),
    (
        "0: the file publishes {} up to month {} (the world total has no trade after it), so a later month is not published yet",
        "0 (파일은 {0}년을 {1}월까지 공표하므로 그 뒤의 월은 아직 공표되지 않음. 세계 합계에 그 뒤의 교역이 없음)",
    ),
];

/// The Korean of an English phrase the service writes into an error (what a parameter expects, a not-found or busy message, ...), or None when the phrase is not one the table knows.
pub fn translate(en: &str) -> Option<String> {
    translate_at(en, 0)
}

/// How deep phrases nest in one another at most (`a value is required:
/// one of ...` is two).
const MAX_DEPTH: usize = 6;

fn translate_at(en: &str, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH || en.is_empty() {
        return None;
    }
    let mut best: Option<((usize, usize, usize), usize, String)> = None;
    for (i, (pattern, ko)) in RULES.iter().enumerate() {
        // The text before the first hole and after the last one: cheap
        // checks that rule out most rules before any matching.
        let head = pattern.split('{').next().unwrap_or_default();
        let tail = pattern.rsplit('}').next().unwrap_or_default();
        if !en.starts_with(head) || !en.ends_with(tail) {
            continue;
        }
        let pieces = parse(pattern);
        let literal: usize = pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => l.len(),
                Piece::Hole(_) => 0,
            })
            .sum();
        let kinds: Vec<Hole> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Hole(h) => Some(*h),
                Piece::Lit(_) => None,
            })
            .collect();
        let mut caps = Vec::new();
        let mut fill = |caps: &[&str]| render(ko, &kinds, caps, depth);
        if let Some((out, kept)) = matches(&pieces, en, &mut caps, &mut fill) {
            // The rule that translates most of the phrase (the least text
            // carried over as it is), then the one with the most literal
            // text, then the one with fewer holes.
            let score = (en.len() - kept, literal, usize::MAX - kinds.len());
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, i, out));
            }
        }
    }
    if let Some((_, i, out)) = best {
        #[cfg(test)]
        tests::USED.with(|u| u.borrow_mut().insert(i));
        #[cfg(not(test))]
        let _ = i;
        return Some(out.trim_end().to_owned());
    }
    if let Some(out) = alternatives(en) {
        return Some(out);
    }
    // `InvalidValue` writes most expectations as `expected ...`; the Korean
    // is the same noun phrase.
    en.strip_prefix("expected ")
        .and_then(|rest| translate_at(rest, depth + 1))
}

/// `a, b or c` where every item is a code (`json or csv`, `imports,
/// exports or balance`, `true or false`): the codes as they are.
fn alternatives(en: &str) -> Option<String> {
    let (head, last) = en.rsplit_once(" or ")?;
    let is_code = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    (is_code(last) && head.split(", ").all(is_code)).then(|| format!("{head} 또는 {last}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    /// A value, kept as it is.
    Keep,
    /// A phrase that must translate.
    Must,
    /// A phrase translated if the table knows it.
    Maybe,
}

#[derive(Debug, Clone, Copy)]
enum Piece<'a> {
    Lit(&'a str),
    Hole(Hole),
}

/// A rule's English split into literal text and holes.
fn parse(pattern: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    loop {
        let next = ["{}", "{t}", "{o}"]
            .iter()
            .filter_map(|h| rest.find(h).map(|at| (at, *h)))
            .min_by_key(|(at, _)| *at);
        let Some((at, hole)) = next else {
            if !rest.is_empty() {
                out.push(Piece::Lit(rest));
            }
            return out;
        };
        if at > 0 {
            out.push(Piece::Lit(&rest[..at]));
        }
        out.push(Piece::Hole(match hole {
            "{t}" => Hole::Must,
            "{o}" => Hole::Maybe,
            _ => Hole::Keep,
        }));
        rest = &rest[at + hole.len()..];
    }
}

/// Renders a complete match: the Korean, and how many bytes of the English
/// it carries over as they are.
type Fill<'s, 'f> = dyn FnMut(&[&'s str]) -> Option<(String, usize)> + 'f;

/// Matches `s` against the pieces, each hole as short as it can be first,
/// longer on backtracking; `fill` renders a complete match (and refuses it
/// when a phrase hole does not translate).
fn matches<'s>(
    pieces: &[Piece<'_>],
    s: &'s str,
    caps: &mut Vec<&'s str>,
    fill: &mut Fill<'s, '_>,
) -> Option<(String, usize)> {
    match pieces.first() {
        None => s.is_empty().then(|| fill(caps)).flatten(),
        Some(Piece::Lit(l)) => {
            let rest = s.strip_prefix(l)?;
            matches(&pieces[1..], rest, caps, fill)
        }
        Some(Piece::Hole(_)) => match pieces.get(1) {
            None => {
                caps.push(s);
                let out = fill(caps);
                caps.pop();
                out
            }
            Some(Piece::Lit(l)) => {
                for (at, _) in s.char_indices().chain([(s.len(), ' ')]) {
                    if !s[at..].starts_with(l) {
                        continue;
                    }
                    caps.push(&s[..at]);
                    let out = matches(&pieces[1..], &s[at..], caps, fill);
                    caps.pop();
                    if out.is_some() {
                        return out;
                    }
                }
                None
            }
            // Two holes side by side cannot be told apart.
            Some(Piece::Hole(_)) => None,
        },
    }
}

/// The Korean of a rule with its holes filled, and how many bytes of the
/// English it carries over untranslated (the values, the phrases the table
/// does not know).
fn render(ko: &str, kinds: &[Hole], caps: &[&str], depth: usize) -> Option<(String, usize)> {
    let mut values = Vec::with_capacity(caps.len());
    let mut kept = 0;
    for (kind, cap) in kinds.iter().zip(caps) {
        let translated = match kind {
            Hole::Keep => None,
            Hole::Must => Some(translate_at(cap, depth + 1)?),
            Hole::Maybe => translate_at(cap, depth + 1),
        };
        values.push(translated.unwrap_or_else(|| {
            kept += cap.len();
            (*cap).to_owned()
        }));
    }
    let mut out = String::with_capacity(ko.len() + caps.iter().map(|c| c.len()).sum::<usize>());
    let mut rest = ko;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let index: usize = after[..close].parse().ok()?;
        out.push_str(values.get(index)?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some((out, kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashSet;

    thread_local! {
        /// The rules that won a match on this thread.
        pub(super) static USED: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
    }

    const GROUPS: &str = "biotechnology, life-science, opto-electronics, information-communications, electronics, flexible-manufacturing, advanced-materials, aerospace, weapons, nuclear";

    /// Every phrase family: the English as the code builds it (the same
    /// format strings, realistic values) and the Korean expected.
    fn cases() -> Vec<(String, String)> {
        let mut c: Vec<(String, String)> = Vec::new();
        let mut add = |en: String, ko: &str| c.push((en, ko.to_owned()));
        // --- params.rs
        let allowed = [
            "dataset", "vintage", "as_of", "group", "partner", "year", "format",
        ];
        add(
            format!(
                "unknown parameter; this endpoint takes {}",
                allowed.join(", ")
            ),
            "알 수 없는 매개변수입니다. 이 엔드포인트가 받는 매개변수: dataset, vintage, as_of, group, partner, year, format",
        );
        add(
            format!(
                "unknown parameter; this endpoint takes {}",
                Vec::<&str>::new().join(", ")
            ),
            "알 수 없는 매개변수입니다. 이 엔드포인트는 매개변수를 받지 않습니다",
        );
        add(
            "a value (the parameter is empty)".into(),
            "값 (매개변수가 비어 있음)",
        );
        add(
            "one value (the parameter is repeated)".into(),
            "값 하나 (매개변수가 반복됨)",
        );
        add(
            format!("a value is required: {}", "imports, exports or balance"),
            "값이 필요합니다: imports, exports 또는 balance",
        );
        add(
            format!(
                "a value is required: {}",
                "the start period (YYYY or YYYY-MM)"
            ),
            "값이 필요합니다: 시작 기간 (YYYY 또는 YYYY-MM)",
        );
        add(
            format!(
                "a value is required: {}",
                "the end period (YYYY, YYYY-MM or latest)"
            ),
            "값이 필요합니다: 종료 기간 (YYYY, YYYY-MM 또는 latest)",
        );
        add(
            format!(
                "a value is required: {}",
                "the id of a dataset with two vintages or more"
            ),
            "값이 필요합니다: 빈티지가 둘 이상인 데이터셋의 ID",
        );
        add(
            format!("a value is required: {}", "the id of the dataset compared"),
            "값이 필요합니다: 비교할 데이터셋의 ID",
        );
        add(
            format!(
                "a value is required: {}",
                "the id of the dataset compared against"
            ),
            "값이 필요합니다: 비교 기준 데이터셋의 ID",
        );
        add(
            format!(
                "a value is required: {}",
                "the number of periods to project (1 to 20 years, or 240 months)"
            ),
            "값이 필요합니다: 전망할 기간 수 (1~20년 또는 240개월)",
        );
        add(
            format!("a value is required: {}", "the start year"),
            "값이 필요합니다: 시작 연도",
        );
        add(
            format!("a value is required: {}", "a four-digit year"),
            "값이 필요합니다: 네 자리 연도",
        );
        add(
            format!(
                "a value is required: {}",
                "a year (YYYY), a month (YYYY-MM) or latest"
            ),
            "값이 필요합니다: 연도(YYYY), 월(YYYY-MM) 또는 latest",
        );
        add(
            format!("a value is required: {}", "a date, YYYY-MM-DD"),
            "값이 필요합니다: 날짜 (YYYY-MM-DD)",
        );
        // named_param!'s EXPECTED: concat!("one of ", $($text, " "),*)
        add(
            format!(
                "a value is required: {}",
                concat!(
                    "one of ",
                    "partner",
                    " ",
                    "group",
                    " ",
                    "partner,group",
                    " "
                )
            ),
            "값이 필요합니다: 다음 중 하나: partner group partner,group",
        );
        add(
            format!(
                "a value is required: {}",
                "a partner code (see /v1/partners)"
            ),
            "값이 필요합니다: 교역 상대국 코드 (/v1/partners 참고)",
        );
        add(
            format!("a value is required: {}", "a group (see /v1/groups)"),
            "값이 필요합니다: 품목군 (/v1/groups 참고)",
        );
        add(
            format!(
                "a value is required: {}",
                "the id of a dataset (see /v1/datasets)"
            ),
            "값이 필요합니다: 데이터셋 ID (/v1/datasets 참고)",
        );
        add(
            format!("a value is required: {}", "a text"),
            "값이 필요합니다: 텍스트",
        );
        add(
            format!("a value is required: {}", "true or false"),
            "값이 필요합니다: true 또는 false",
        );
        add(
            format!("a value is required: {}", "a whole number"),
            "값이 필요합니다: 정수",
        );
        add(
            format!("a value is required: {}", "json or csv"),
            "값이 필요합니다: json 또는 csv",
        );
        add(
            format!("a value is required: {}", "json or markdown"),
            "값이 필요합니다: json 또는 markdown",
        );
        add(
            format!("a value is required: {}", "imports or exports"),
            "값이 필요합니다: imports 또는 exports",
        );
        add(
            format!(
                "a value is required: {}",
                "auto, ets, naive or seasonal_naive"
            ),
            "값이 필요합니다: auto, ets, naive 또는 seasonal_naive",
        );
        add(
            format!("a value is required: {}", "a whole number of periods ahead"),
            "값이 필요합니다: 앞으로 예측할 기간 수 (정수)",
        );
        add(
            format!("a value is required: {}", "a whole number from 1 to 240"),
            "값이 필요합니다: 정수 1~240",
        );
        add(format!("at most {} values", 300), "최대 300개의 값");
        add(
            format!(
                "expected one of {}",
                ["top1_share", "top3_share", "hhi", "tsi", "atp_share"].join(", ")
            ),
            "다음 중 하나: top1_share, top3_share, hhi, tsi, atp_share",
        );
        add("expected true or false".into(), "true 또는 false");
        add(
            "expected one of json, csv".into(),
            "다음 중 하나: json, csv",
        );
        add(
            "expected one of json, markdown".into(),
            "다음 중 하나: json, markdown",
        );
        add(
            "expected one of imports, exports, balance".into(),
            "다음 중 하나: imports, exports, balance",
        );
        add(
            format!("a whole number from {} to {}", 1, 10_000),
            "정수 1~10000",
        );
        add(
            format!("a whole number from {} to {}", 0, i32::MAX),
            "정수 0~2147483647",
        );
        add(
            "frequency=monthly: rolling sums add up months".into(),
            "frequency=monthly (rolling 합계는 월 값을 더함)",
        );
        add(
            "a field name of the records (lower-case letters, digits and _)".into(),
            "레코드의 필드 이름 (영문 소문자, 숫자, _)",
        );
        let available = [
            "period",
            "group",
            "group_name",
            "partner",
            "partner_name",
            "value_usd",
        ];
        add(
            format!("fields of these records: {}", available.join(", ")),
            "이 레코드의 필드: period, group, group_name, partner, partner_name, value_usd",
        );
        add(
            "labels name the columns of CSV only (add format=csv)".into(),
            "labels는 CSV의 열 이름에만 쓰입니다 (format=csv를 함께 지정하십시오)",
        );
        add("no dataset is loaded".into(), "불러온 데이터셋이 없습니다");
        add(
            format!(
                "a vintage of dataset {} (see /v1/datasets/{}/vintages)",
                "census-country", "census-country"
            ),
            "데이터셋 census-country의 빈티지 (/v1/datasets/census-country/vintages 참고)",
        );
        let id = "census-country";
        add(
            format!("a vintage of dataset {id} (see /v1/datasets/{id}/vintages), or all"),
            "데이터셋 census-country의 빈티지 (/v1/datasets/census-country/vintages 참고) 또는 all",
        );
        add(
            "either vintage or as_of, not both".into(),
            "vintage 또는 as_of 중 하나만 (둘 다 지정할 수 없음)",
        );
        add(
            format!(
                "a date on or after {}, when the first vintage of {} became known",
                "2019-10-04", "census-country"
            ),
            "2019-10-04 또는 그 이후의 날짜 (census-country의 첫 빈티지가 알려진 날)",
        );
        add(
            format!(
                "a period the dataset has: it has no {} figures (its frequencies: {})",
                "monthly",
                ["annual"].join(", ")
            ),
            "데이터셋에 있는 기간 (이 데이터셋에는 monthly 수치가 없음. 있는 주기: annual)",
        );
        add("a period".into(), "기간");
        add(
            "a year (YYYY) with frequency=annual; for months, frequency=monthly".into(),
            "frequency=annual에서는 연도(YYYY). 월 단위는 frequency=monthly",
        );
        add(
            "either period or year (its older name), not both".into(),
            "period 또는 year(이전 이름) 중 하나만 (둘 다 지정할 수 없음)",
        );
        let list_name = "year";
        add(
            format!("either {list_name} or from/to, not both"),
            "year 또는 from/to 중 하나만 (둘 다 지정할 수 없음)",
        );
        let t = "2020";
        add(
            format!("a period not later than `to` ({t})"),
            "`to`(2020)보다 늦지 않은 기간",
        );
        add(
            "expected a period of the same frequency as the other end: two years, or two months"
                .into(),
            "다른 쪽 끝과 같은 주기의 기간 (연도 둘 또는 월 둘)",
        );
        let t = "2024-03";
        add(
            format!("expected a period before `to` ({t})"),
            "`to`(2024-03)보다 앞선 기간",
        );
        add(
            format!(
                "expected a period of frequency={} ({}), or latest",
                "annual", "a year, YYYY"
            ),
            "frequency=annual에 맞는 기간(연도, YYYY) 또는 latest",
        );
        add(
            format!(
                "expected a period of frequency={} ({}), or latest",
                "monthly", "a month, YYYY-MM"
            ),
            "frequency=monthly에 맞는 기간(월, YYYY-MM) 또는 latest",
        );
        add(
            "expected a period of the same frequency as year and base_year: two years, or two months".into(),
            "year 및 base_year와 같은 주기의 기간 (연도 둘 또는 월 둘)",
        );
        add(
            format!(
                "a field to sort by, `-` before it for descending: {}",
                ["group", "partner", "period", "value_usd"].join(", ")
            ),
            "정렬할 필드 (내림차순은 앞에 `-`): group, partner, period, value_usd",
        );
        add(
            "the id of a dataset (see /v1/datasets)".into(),
            "데이터셋 ID (/v1/datasets 참고)",
        );
        // --- error.rs, handlers.rs, writes.rs, landing.rs, server.rs
        let id = "kiat-2099";
        add(
            format!("no dataset {id:?}; see /v1/datasets"),
            "데이터셋 \"kiat-2099\"이(가) 없습니다. 목록: /v1/datasets",
        );
        let code = "XX";
        add(
            format!("no partner {code:?}; see /v1/partners"),
            "교역 상대국 \"XX\"이(가) 없습니다. 목록: /v1/partners",
        );
        let id = "biotech";
        let expected = format!(
            "expected one of {}, all, non-atp, all-goods or a Census code 00..10",
            GROUPS
        );
        add(
            format!("no group {id:?}: {}", expected),
            &format!(
                "품목군 \"biotech\"이(가) 없습니다: 다음 중 하나: {GROUPS}, all, non-atp, all-goods, 또는 Census 코드 00..10"
            ),
        );
        let (id, v) = ("census-country", "2019-10");
        add(
            format!("dataset {id:?} has no vintage {v:?} stored"),
            "데이터셋 \"census-country\"에 저장된 빈티지 \"2019-10\"이(가) 없습니다",
        );
        add(
            format!("no problem type {:?}; see /problems", "nope"),
            "문제 유형 \"nope\"이(가) 없습니다. 목록: /problems",
        );
        add(
            format!("no such endpoint: {}", "/v2/imports"),
            "해당 엔드포인트가 없습니다: /v2/imports",
        );
        add(
            "json: dataset descriptions hold lists and are served as JSON only".into(),
            "json (데이터셋 설명에는 목록이 있어 JSON으로만 제공됨)",
        );
        add(
            format!(
                "a vintage older than {} (dataset {} has {}: {})",
                "2019-10",
                "census-country",
                1,
                ["2019-10"].join(", ")
            ),
            "2019-10보다 오래된 빈티지 (데이터셋 census-country의 빈티지 1개: 2019-10)",
        );
        add(
            format!(
                "a vintage older than to_vintage ({}) (see /v1/datasets/{}/vintages)",
                "2019-10", "census-country"
            ),
            "to_vintage(2019-10)보다 오래된 빈티지 (/v1/datasets/census-country/vintages 참고)",
        );
        add(
            format!("method {} not allowed", "PUT"),
            "PUT 메서드는 허용되지 않습니다",
        );
        add(
            format!(
                "the Accept header {:?} names no representation this endpoint gives: {}",
                "image/png",
                ["application/json", "text/csv"].join(", ")
            ),
            "Accept 헤더 \"image/png\"이(가) 이 엔드포인트가 제공하는 형식을 포함하지 않습니다. 제공 형식: application/json, text/csv",
        );
        add(
            format!(
                "the request body is larger than the limit of {} bytes",
                65536
            ),
            "요청 본문이 한도 65536바이트보다 큽니다",
        );
        add(
            format!("too many requests; retry in {} s", 7),
            "요청이 너무 많습니다. 7초 뒤에 다시 시도하십시오",
        );
        add(
            format!("service unavailable: {}", "no dataset is loaded"),
            "서비스를 사용할 수 없습니다: 불러온 데이터셋이 없습니다",
        );
        add("internal error".into(), "내부 오류");
        add(
            "the service failed to answer; the error is logged".into(),
            "서비스가 응답하지 못했습니다. 오류는 기록되었습니다",
        );
        for (reason, ko) in [
            ("Bad Request", "잘못된 요청"),
            ("Unauthorized", "인증 필요"),
            ("Forbidden", "권한 없음"),
            ("Not Found", "찾을 수 없음"),
            ("Method Not Allowed", "허용되지 않는 메서드"),
            ("Not Acceptable", "제공할 수 없는 형식"),
            ("Request Timeout", "요청 시간 초과"),
            ("Conflict", "충돌"),
            ("Length Required", "길이 정보 필요"),
            ("Payload Too Large", "요청 본문이 너무 큼"),
            ("URI Too Long", "URI가 너무 김"),
            ("Unsupported Media Type", "지원하지 않는 미디어 형식"),
            ("Unprocessable Entity", "처리할 수 없는 요청"),
            ("Too Many Requests", "요청이 너무 많음"),
            ("Request Header Fields Too Large", "요청 헤더가 너무 큼"),
            ("Internal Server Error", "내부 오류"),
            ("Service Unavailable", "서비스를 사용할 수 없음"),
        ] {
            // problem_for_status: title.to_lowercase()
            add(reason.to_lowercase(), ko);
        }
        // --- core
        add(
            "expected one of annual, monthly".into(),
            "다음 중 하나: annual, monthly",
        );
        add(
            {
                // not_in_list, then also_accepting
                let expected = format!("expected one of {}", GROUPS);
                format!("{} {}", expected, "or a Census code 01..10")
            },
            &format!("다음 중 하나: {GROUPS}, 또는 Census 코드 01..10"),
        );
        add(
            {
                let expected = format!(
                    "expected one of {}",
                    ["CN", "KR", "JP", "XE", "WLD"].join(", ")
                );
                format!("{} {}", expected, "or the Census CTY_CODE of one of them")
            },
            "다음 중 하나: CN, KR, JP, XE, WLD, 또는 그중 하나의 Census CTY_CODE",
        );
        add("expected a month from 1 to 12".into(), "1~12 사이의 월");
        add(
            format!(
                "expected a year (YYYY, from {} to {}) or a month (YYYY-MM, month 01 to 12)",
                1900, 2100
            ),
            "연도(YYYY, 1900~2100) 또는 월(YYYY-MM, 월은 01~12)",
        );
        add(
            format!("expected a four-digit year from {} to {}", 1900, 2100),
            "1900~2100 사이의 네 자리 연도",
        );
        let to = 2014;
        add(
            format!("`from` must not be later than `to` ({to})"),
            "`from` 값은 `to`(2014)보다 늦을 수 없습니다",
        );
        add("expected a date, YYYY-MM-DD".into(), "날짜 (YYYY-MM-DD)");
        add("expected a decimal number".into(), "십진수");
        add("expected whole US dollars".into(), "정수 미국 달러 금액");
        add(
            "expected measure/group/partner/period, e.g. imports/all/WLD/2024 or imports/all/WLD/2024-03".into(),
            "measure/group/partner/period 형식 (예: imports/all/WLD/2024 또는 imports/all/WLD/2024-03)",
        );
        add(
            "1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"
                .into(),
            "영문 소문자, 숫자, '-', '_', '.'로 된 1~64자 (첫 글자는 영문자 또는 숫자)",
        );
        add(
            "expected one of reported, derived".into(),
            "다음 중 하나: reported, derived",
        );
        // --- api/query/src/model.rs
        add(
            "expected a partner code: an ISO alpha-2 code, a Census CTY_CODE, EU, ROW or \
             WLD (every one at /v1/partners)"
                .into(),
            "교역 상대국 코드: ISO alpha-2 코드, Census CTY_CODE, EU, ROW 또는 WLD (전체 목록은 /v1/partners)",
        );
        add(
            format!(
                "expected a partner code (every one at /v1/partners); did you mean {}?",
                ["KR (Korea, South)", "KP (Korea, North)"].join(", ")
            ),
            "교역 상대국 코드 (전체 목록은 /v1/partners). 다음 중 하나를 찾으셨습니까? KR (Korea, South), KP (Korea, North)",
        );
        // --- forecasts.rs
        add(
            format!(
                "expected one of {}",
                ["auto", "ets", "naive", "seasonal_naive"].join(", ")
            ),
            "다음 중 하나: auto, ets, naive, seasonal_naive",
        );
        add(
            format!(
                "a whole number of periods from 1 to {} months \
                 ({} years with frequency=annual)",
                240, 20
            ),
            "정수 1~240 (월 단위 기간 수. frequency=annual이면 20년까지)",
        );
        add(
            "a prediction interval level in percent: a whole number from 1 to 99".into(),
            "예측 구간 수준(퍼센트): 정수 1~99",
        );
        add(
            "one value: a forecast is of one series".into(),
            "값 하나 (예측은 시계열 하나에 대해 함)",
        );
        let frequency = "monthly";
        add(
            format!("a period the dataset has: it has no {frequency} figures"),
            "데이터셋에 있는 기간 (이 데이터셋에는 monthly 수치가 없음)",
        );
        add(
            format!(
                "a period of frequency={} ({})",
                "monthly", "a month, YYYY-MM"
            ),
            "frequency=monthly에 맞는 기간(월, YYYY-MM)",
        );
        let (frequency, l) = ("annual", "2024");
        add(
            format!("a period up to the dataset's last {frequency} period, {l}"),
            "데이터셋의 마지막 annual 기간인 2024까지의 기간",
        );
        let (max, frequency) = (20, "annual");
        add(
            format!(
                "at most {max} periods with frequency={frequency} ({} years, or {} months)",
                20, 240
            ),
            "frequency=annual에서 최대 20개 기간 (20년 또는 240개월)",
        );
        add(
            format!("at most {} interval levels", 4),
            "예측 구간 수준 최대 4개",
        );
        add(
            format!(
                "a horizon that ends by {} (the last year the service accepts), counted from {}",
                2100, "2024-12"
            ),
            "2024-12부터 세어 2100년(서비스가 받는 마지막 연도)까지 끝나는 예측 기간",
        );
        let series = format!(
            "{}, group {}, partner {}, {} vintage {}",
            "imports", "all", "CN", "kiat-2026-04", "2026-04"
        );
        let needs = ["naive 2", "seasonal_naive 13", "ets 24"].join(", ");
        let too_short = |has: &str, method: &str, need: usize, unit: &str| {
            format!(
                "the series ({series}) {has}; method {method} needs at least {need} \
                 consecutive {unit} values (each method's minimum: {})",
                needs
            )
        };
        add(
            too_short("has no annual values", "naive", 2, "annual"),
            "시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04): annual 값이 없습니다. 예측 방법 naive에는 연속된 annual 값이 2개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        let (unit, upto) = ("monthly", format!(" up to {}", "2020-06"));
        add(
            too_short(&format!("has no {unit} values{upto}"), "naive", 2, unit),
            "시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04): 2020-06까지 monthly 값이 없습니다. 예측 방법 naive에는 연속된 monthly 값이 2개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        let (n, f, l) = (5, "2020-02", "2020-06");
        add(
            too_short(
                &format!("has {n} {unit} values{upto} ({f} to {l}), all consecutive"),
                "ets",
                24,
                unit,
            ),
            "시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04): 2020-06까지 monthly 값이 5개(2020-02~2020-06) 있으며 모두 연속입니다. 예측 방법 ets에는 연속된 monthly 값이 24개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        let consecutive = 3;
        add(
            too_short(
                &format!(
                    "has {n} {unit} values{upto} ({f} to {l}), not all consecutive: \
                     the last {consecutive} are"
                ),
                "seasonal_naive",
                13,
                unit,
            ),
            "시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04): 2020-06까지 monthly 값이 5개(2020-02~2020-06) 있으나 모두 연속은 아니며, 연속인 것은 마지막 3개입니다. 예측 방법 seasonal_naive에는 연속된 monthly 값이 13개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        let (unit, upto) = ("annual", String::new());
        let (n, f, l) = (6, "2019", "2024");
        add(
            too_short(
                &format!("has {n} {unit} values{upto} ({f} to {l}), all consecutive"),
                "ets",
                7,
                unit,
            ),
            "시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04): annual 값이 6개(2019~2024) 있으며 모두 연속입니다. 예측 방법 ets에는 연속된 annual 값이 7개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        add(
            too_short(
                &format!(
                    "has {n} {unit} values{upto} ({f} to {l}), not all consecutive: \
                     the last {} are",
                    4
                ),
                "ets",
                7,
                unit,
            ),
            "시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04): annual 값이 6개(2019~2024) 있으나 모두 연속은 아니며, 연속인 것은 마지막 4개입니다. 예측 방법 ets에는 연속된 annual 값이 7개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        add(
            format!(
                "the series ({}) {}; method {} needs at least {} consecutive {} values (each method's minimum: {})",
                "imports/all/CN", "has 1 annual values", "auto", 2, "annual", needs
            ),
            "시계열(imports/all/CN): annual 값이 1개 있습니다. 예측 방법 auto에는 연속된 annual 값이 2개 이상 필요합니다 (방법별 최소: naive 2, seasonal_naive 13, ets 24)",
        );
        add(
            format!("has {} {} values up to {}", 1, "monthly", "2019-01"),
            "2019-01까지 monthly 값이 1개 있습니다",
        );
        for (detail, ko) in [
            (
                "the model library failed (panicked)",
                "모형 라이브러리가 실패했습니다 (panic 발생)",
            ),
            ("no model was fitted", "적합된 모형이 없습니다"),
            (
                "the model gave no intervals",
                "모형이 예측 구간을 내지 않았습니다",
            ),
            ("the forecast is not a number", "예측값이 숫자가 아닙니다"),
        ] {
            let (method, series) = ("ets", &series);
            add(
                format!(
                    "{method} could not be fitted to the series ({series}): {detail}; \
                     method=naive or method=seasonal_naive always can"
                ),
                &format!(
                    "예측 방법 ets의 모형을 시계열(imports, 품목군 all, 교역 상대국 CN, kiat-2026-04 빈티지 2026-04)에 적합할 수 없습니다: {ko}. method=naive 또는 method=seasonal_naive는 항상 가능합니다"
                ),
            );
        }
        // A library's message stays English inside the Korean.
        add(
            format!(
                "{} could not be fitted to the series ({}): {}; method=naive or method=seasonal_naive always can",
                "ets", "imports/all/CN", "Optimization did not converge"
            ),
            "예측 방법 ets의 모형을 시계열(imports/all/CN)에 적합할 수 없습니다: Optimization did not converge. method=naive 또는 method=seasonal_naive는 항상 가능합니다",
        );
        // --- charts.rs
        add(
            format!("a frequency the dataset has ({})", ["annual"].join(", ")),
            "데이터셋에 있는 주기 (annual)",
        );
        add(
            "at most six partners: one line each".into(),
            "교역 상대국 최대 6개 (한 곳에 선 하나)",
        );
        add(
            "a forecast of one partner's level: one partner, no units or rolling".into(),
            "교역 상대국 하나의 수준 예측 (교역 상대국 하나, units와 rolling 없이)",
        );
        let (from, to) = ("2014", "2024");
        add(
            format!(
                "periods where the dataset has the world's total at both ends (it has none for {from} and {to})"
            ),
            "양 끝 모두에 데이터셋의 세계 합계가 있는 기간 (2014, 2024에 세계 합계가 없음)",
        );
        // --- scenarios.rs and the scenario engine
        add(
            "a number from -1000000 to 1000000".into(),
            "-1000000~1000000 범위의 숫자",
        );
        let frequency = "annual";
        add(
            format!("a period of the scenario's frequency ({frequency})"),
            "시나리오의 주기(annual)에 맞는 기간",
        );
        let (max_horizon, years) = (240, 20);
        add(
            format!(
                "a number of periods from 1 to {max_horizon} ({years} years of {} periods)",
                "monthly"
            ),
            "기간 수 1~240 (monthly 기간으로 20년)",
        );
        add(
            format!("a number of periods from 1 to {max_horizon}"),
            "기간 수 1~240",
        );
        add("at least one group".into(), "품목군 하나 이상");
        add("flat or trend".into(), "flat 또는 trend");
        add(
            format!(
                "at most {} shocks and tariffs together; the request has {}",
                50, 51
            ),
            "충격(shocks)과 관세(tariffs)를 합쳐 최대 50개 (요청에는 51개)",
        );
        add("a period with a next one".into(), "다음 기간이 있는 기간");
        let base = "2024";
        add(
            format!("a period after the base ({base}): shocks change projections"),
            "기준 기간(2024) 이후의 기간 (충격은 전망값을 바꿈)",
        );
        add(
            "a change above -100 (percent)".into(),
            "-100보다 큰 변화율(퍼센트)",
        );
        add(
            "an elasticity from 0 to 50 (imports fall as their price rises)".into(),
            "0~50 사이의 탄력성 (가격이 오르면 수입은 줄어듦)",
        );
        add(
            "a change that leaves the tariff above -100% (from a base tariff of 0 or more)".into(),
            "관세가 -100%보다 높게 남는 변화 (기준 관세는 0 이상)",
        );
        add(
            format!("at most {} partners", 300),
            "교역 상대국 최대 300개",
        );
        add(
            format!(
                "{} (a scenario: see the ScenarioBody schema of /openapi.json)",
                "missing field `horizon` at line 1 column 20"
            ),
            "missing field `horizon` at line 1 column 20 (시나리오: /openapi.json의 ScenarioBody 스키마 참고)",
        );
        let part = "twenty";
        add(
            format!("a number, not {part:?}"),
            "숫자 (받은 값: \"twenty\")",
        );
        add(
            "FLOW:PARTNER:CHANGE_PCT[:THEN_PCT_PER_PERIOD[:START[:GROUP]]], PARTNER * for the whole market".into(),
            "FLOW:PARTNER:CHANGE_PCT[:THEN_PCT_PER_PERIOD[:START[:GROUP]]] 형식 (시장 전체는 PARTNER에 *)",
        );
        add(
            "PARTNER:CHANGE_PP[:START[:ELASTICITY[:BASE_TARIFF_PCT[:GROUP]]]]".into(),
            "PARTNER:CHANGE_PP[:START[:ELASTICITY[:BASE_TARIFF_PCT[:GROUP]]]] 형식",
        );
        add(
            {
                // ScenarioError::Shock: "{origin}: {problem}"
                let problem = format!(
                    "a change of {}% or below would make values negative or zero: changes are above -100%",
                    "-100"
                );
                format!("{}: {}", "/shocks/0", problem)
            },
            "/shocks/0: -100% 이하의 변화는 값을 0 또는 음수로 만듭니다 (변화율은 -100%보다 커야 함)",
        );
        add(
            {
                let problem = format!(
                    "a tariff below -100% has no meaning: the tariff after the change is {}%",
                    "-120"
                );
                format!("{}: {}", "tariff", problem)
            },
            "tariff: -100% 미만의 관세는 의미가 없습니다 (변경 후 관세: -120%)",
        );
        add(
            format!(
                "{}: {}",
                "/shocks/2",
                "the factor is outside the range computed (more than 10^9 times the baseline)"
            ),
            "/shocks/2: 배율이 계산 범위를 벗어납니다 (기준선의 10^9배 초과)",
        );
        add(
            format!(
                "{}: partner {} is not among the partners of the {} market in {} \
                 (listed with figures for both flows): {}",
                "/tariffs/0/partner", "KP", "all", "2024", "CN, JP, KR, MX"
            ),
            "/tariffs/0/partner: 교역 상대국 KP이(가) 2024 all 시장의 교역 상대국(두 흐름 모두 수치가 있는 곳)에 없습니다: CN, JP, KR, MX",
        );
        add(
            format!(
                "{}: group {} is not among the scenario's groups ({})",
                "/shocks/1/group", "aerospace", "all, biotechnology"
            ),
            "/shocks/1/group: 품목군 aerospace이(가) 시나리오의 품목군(all, biotechnology)에 없습니다",
        );
        add(
            format!(
                "the dataset has no world total of {} for {}: no market to project",
                "nuclear", "2024"
            ),
            "데이터셋에 2024의 nuclear 세계 합계가 없어 전망할 시장이 없습니다",
        );
        // --- writes
        add(
            "writes are disabled on this server (no write token is configured)".into(),
            "이 서버에서는 쓰기가 비활성화되어 있습니다 (쓰기 토큰이 설정되지 않음)",
        );
        add(
            "this operation needs `Authorization: Bearer <write token>`".into(),
            "이 작업에는 `Authorization: Bearer <write token>` 헤더가 필요합니다",
        );
        add(
            "the write token is not valid".into(),
            "쓰기 토큰이 올바르지 않습니다",
        );
        add(
            format!(
                "the body did not arrive within {} s ({} bytes received)",
                300, 1048576
            ),
            "본문이 300초 안에 도착하지 않았습니다 (1048576바이트 받음)",
        );
        add(
            format!("no bytes of the body for {} s ({} bytes received)", 30, 0),
            "30초 동안 본문이 한 바이트도 오지 않았습니다 (0바이트 받음)",
        );
        add(
            format!(
                "a readable request body ({})",
                "Payload reached EOF before completing"
            ),
            "읽을 수 있는 요청 본문 (Payload reached EOF before completing)",
        );
        add(
            "a tidy CSV file, a Census API response (JSON) or a dataset description (JSON)".into(),
            "tidy CSV 파일, Census API 응답(JSON) 또는 데이터셋 설명(JSON)",
        );
        let max = 2;
        add(
            format!(
                "{max} uploads are being handled, as many as the server takes at once; \
                 retry shortly"
            ),
            "서버가 동시에 받는 최대치인 2건의 업로드를 처리하고 있습니다. 잠시 후 다시 시도하십시오",
        );
        add(
            "the database is unreachable; reads are served from the last loaded data, \
             writes are refused until it returns"
                .into(),
            "데이터베이스에 연결할 수 없습니다. 읽기는 마지막으로 불러온 데이터로 제공되고, 쓰기는 연결이 복구될 때까지 거부됩니다",
        );
        add(
            format!(
                "the database did not answer within {} s; the write was not confirmed (it is \
                 applied whole or not at all: see /v1/datasets for its outcome)",
                30
            ),
            "데이터베이스가 30초 안에 응답하지 않아 쓰기가 확인되지 않았습니다 (쓰기는 전부 적용되거나 전혀 적용되지 않음. 결과는 /v1/datasets에서 확인하십시오)",
        );
        add("no database".into(), "데이터베이스가 없습니다");
        add(
            format!("service unavailable: {}", "no database"),
            "서비스를 사용할 수 없습니다: 데이터베이스가 없습니다",
        );
        let (ds, rows) = ("my-data", 1234);
        add(
            format!(
                "dataset {} was imported ({} rows) but is not served yet; see /v1/datasets/{} \
                 shortly",
                ds, rows, ds
            ),
            "데이터셋 my-data을(를) 가져왔지만(1234행) 아직 제공되지 않습니다. 잠시 후 /v1/datasets/my-data에서 확인하십시오",
        );
        let id = "kiat-2026-04";
        add(
            format!("dataset {id:?} is built into the service; import under another id"),
            "데이터셋 \"kiat-2026-04\"은(는) 서비스에 내장되어 있습니다. 다른 ID로 가져오십시오",
        );
        let id = "census-country";
        add(
            format!(
                "vintage {:?} of dataset {id:?} is built into the service; import another \
                 vintage (an older or newer release) beside it",
                "2026-02"
            ),
            "데이터셋 \"census-country\"의 빈티지 \"2026-02\"은(는) 서비스에 내장되어 있습니다. 다른 빈티지(이전 또는 이후 공표본)를 함께 가져오십시오",
        );
        add(
            format!(
                "the built-in dataset {id:?} (vintage {}) is part of the service and cannot be \
                 deleted (it is served from the binary); import your own datasets beside it, and \
                 choose the default with `default_dataset`",
                "2026-02"
            ),
            "내장 데이터셋 \"census-country\"(빈티지 2026-02)은(는) 서비스의 일부라 삭제할 수 없습니다 (바이너리에서 제공됨). 직접 만든 데이터셋을 함께 가져오고, 기본 데이터셋은 `default_dataset`으로 선택하십시오",
        );
        let (id, vintage, imported_at) = ("my-data", "2024-06", "2026-04-01T09:00:00Z");
        add(
            format!(
                "dataset {id:?} already exists (imported {imported_at}); import it under another id, \
                 import a new release with a vintage of its own, or replace it explicitly"
            ),
            "데이터셋 \"my-data\"이(가) 이미 있습니다 (2026-04-01T09:00:00Z에 가져옴). 다른 ID로 가져오거나, 새 공표본을 별도의 빈티지로 가져오거나, 명시적으로 교체하십시오",
        );
        add(
            format!(
                "vintage {vintage:?} of dataset {id:?} already exists (imported {imported_at}); replace it \
                 explicitly, or import the release under another vintage"
            ),
            "데이터셋 \"my-data\"의 빈티지 \"2024-06\"이(가) 이미 있습니다 (2026-04-01T09:00:00Z에 가져옴). 명시적으로 교체하거나 다른 빈티지로 가져오십시오",
        );
        add(
            format!(
                "dataset {id:?} already holds these figures as vintage {vintage:?} (imported \
                 {imported_at}); nothing to import"
            ),
            "데이터셋 \"my-data\"의 빈티지 \"2024-06\"에 같은 수치가 이미 있습니다 (2026-04-01T09:00:00Z에 가져옴). 가져올 것이 없습니다",
        );
        // --- busy
        add(
            "the server is streaming as many downloads as it takes at once; retry".into(),
            "서버가 동시에 처리할 수 있는 만큼의 다운로드를 이미 보내고 있습니다. 다시 시도하십시오",
        );
        add(
            "the server is answering as many large queries as it takes at \
             once; narrow the query (fewer groups, partners or periods) or \
             retry"
                .into(),
            "서버가 동시에 처리할 수 있는 만큼의 대형 쿼리에 이미 응답하고 있습니다. 쿼리 범위를 좁히거나(품목군, 교역 상대국, 기간을 줄임) 다시 시도하십시오",
        );
        add(
            "the server is answering as many large queries as it takes at once; \
             retry"
                .into(),
            "서버가 동시에 처리할 수 있는 만큼의 대형 쿼리에 이미 응답하고 있습니다. 다시 시도하십시오",
        );
        // --- uploads: ingest text.rs, tidy.rs, lib.rs
        add(
            format!("at most {} bytes of text (this one has {})", 4096, 5000),
            "최대 4096바이트의 텍스트 (이 값은 5000바이트)",
        );
        for (what, ko) in [
            (
                "a line break: a field may not span lines (is a quote left open?)".to_owned(),
                "줄바꿈 (필드는 여러 줄에 걸칠 수 없음. 닫히지 않은 따옴표가 있습니까?)",
            ),
            ("a NUL character".to_owned(), "NUL 문자"),
            (
                format!("the control character U+{:04X}", 0x1b_u32),
                "제어 문자 U+001B",
            ),
        ] {
            add(
                format!("text without control characters; this one holds {what}"),
                &format!("제어 문자가 없는 텍스트 (이 값에 있는 것: {ko})"),
            );
        }
        add(
            format!(
                "at most {} US dollars in magnitude (10^15, far above any real \
                 trade value)",
                1_000_000_000_000_000_i64
            ),
            "절댓값 1000000000000000 이하의 미국 달러 금액 (10^15: 실제 교역액보다 훨씬 큼)",
        );
        add(
            "a closed quote: the quoted field that opens here runs to the end of the \
             file, which would swallow every line after it"
                .into(),
            "닫힌 따옴표 (여기서 열린 따옴표 필드가 파일 끝까지 이어져 그 뒤의 모든 줄을 삼킴)",
        );
        let required = [
            "dataset",
            "group",
            "partner",
            "period",
            "flow",
            "value_usd",
            "status",
            "citation",
        ];
        let optional = ["quote", "rounding_usd", "formula", "inputs"];
        add(
            format!(
                "unknown column; the columns are {} (required; `year` is read as `period`) \
                 and {} (optional)",
                required.join(", "),
                optional.join(", ")
            ),
            "알 수 없는 열입니다. 열 목록: dataset, group, partner, period, flow, value_usd, status, citation (필수. `year`는 `period`로 읽음), quote, rounding_usd, formula, inputs (선택)",
        );
        add(
            "each column may appear once (`year` and `period` are the same column)".into(),
            "각 열은 한 번만 (`year`와 `period`는 같은 열)",
        );
        let missing = "citation";
        add(
            format!(
                "missing required column {missing:?}; required: {}",
                required.join(", ")
            ),
            "필수 열 \"citation\"이(가) 없습니다. 필수 열: dataset, group, partner, period, flow, value_usd, status, citation",
        );
        add(
            format!(
                "{} fields, one per column of the header ({})",
                8, "dataset,group,partner,year,flow,value_usd,status,citation"
            ),
            "필드 8개 (헤더의 열마다 하나: dataset,group,partner,year,flow,value_usd,status,citation)",
        );
        let expected = "d1";
        add(
            format!("expected {expected:?}, the dataset being imported"),
            "가져오는 데이터셋인 \"d1\"",
        );
        add("a dataset id".into(), "데이터셋 ID");
        add(
            "expected whole US dollars (an integer, no separators)".into(),
            "정수 미국 달러 금액 (구분 기호 없는 정수)",
        );
        add(
            "imports and exports cannot be negative".into(),
            "수입과 수출은 음수일 수 없습니다",
        );
        add(
            "expected a positive whole number of US dollars up to 10^15, or nothing".into(),
            "10^15 이하의 양의 정수 미국 달러 금액, 또는 빈 값",
        );
        add(
            "a derived figure must name its formula and inputs".into(),
            "파생 수치에는 formula와 inputs가 있어야 합니다",
        );
        add(
            "only derived figures have a formula".into(),
            "formula는 파생 수치에만 있습니다",
        );
        add(format!("duplicate of line {}", 2), "2행과 중복");
        add(
            "no observations: expected a header row and at least one data row".into(),
            "관측치가 없습니다: 헤더 행과 데이터 행이 하나 이상 있어야 합니다",
        );
        add(
            format!(
                "malformed CSV: {}",
                "CSV parse error: record 3 (line: 4, byte: 120): invalid UTF-8"
            ),
            "잘못된 CSV: CSV parse error: record 3 (line: 4, byte: 120): invalid UTF-8",
        );
        add(
            "a second dataset description: give one per import".into(),
            "두 번째 데이터셋 설명 (가져오기마다 하나만)",
        );
        add(
            format!(
                "a dataset description: a JSON object with id, title, publisher, citation, source_url (or null), vintage and notes ({})",
                "missing field `title` at line 1 column 15"
            ),
            "데이터셋 설명: id, title, publisher, citation, source_url(또는 null), vintage, notes가 있는 JSON 객체 (missing field `title` at line 1 column 15)",
        );
        let first = "country-2024.xlsx";
        add(
            format!(
                "a second workbook ({first} is the first): one import takes one \
                 country.xlsx, which is one vintage"
            ),
            "두 번째 통합 문서 (첫 번째는 country-2024.xlsx). 가져오기마다 country.xlsx 하나(빈티지 하나)만",
        );
        add(
            "one import takes a country.xlsx workbook alone, not with CSV files or Census \
             responses"
                .into(),
            "country.xlsx 통합 문서는 CSV 파일이나 Census 응답 없이 단독으로 가져와야 합니다",
        );
        add(
            "one import takes CSV files or Census responses, not both".into(),
            "가져오기마다 CSV 파일과 Census 응답 중 하나만 (둘 다는 안 됨)",
        );
        add(
            "no data file: give a tidy CSV file or Census API responses".into(),
            "데이터 파일이 없습니다: tidy CSV 파일이나 Census API 응답을 주십시오",
        );
        add(
            format!(
                "{} appears in more than one file",
                "imports/all/WLD/2024-03"
            ),
            "imports/all/WLD/2024-03이(가) 둘 이상의 파일에 있습니다",
        );
        add(
            "no dataset id: pass --dataset ID or a dataset description".into(),
            "데이터셋 ID가 없습니다: --dataset ID 또는 데이터셋 설명을 주십시오",
        );
        add(
            "nothing to import: the files hold no observation".into(),
            "가져올 것이 없습니다: 파일에 관측치가 없습니다",
        );
        add(
            format!(
                "nothing to import: the files hold no observation ({})",
                "2025: incomplete (months present: 01, 02); no annual value imported"
            ),
            "가져올 것이 없습니다: 파일에 관측치가 없습니다 (2025: incomplete (months present: 01, 02); no annual value imported)",
        );
        add(format!("at most {} notes", 100), "최대 100개의 메모");
        // --- uploads: Census API responses
        add(
            "an empty body: expected a JSON array of arrays (the API answers a query without \
             data with 204 No Content)"
                .into(),
            "빈 본문입니다: JSON 배열의 배열이 필요합니다 (API는 데이터가 없는 쿼리에 204 No Content로 응답함)",
        );
        add(
            "the body looks like an HTML page, not a JSON array: probably an invalid API key (the \
             API answers one with an HTML page and status 200)"
                .into(),
            "본문이 JSON 배열이 아니라 HTML 페이지로 보입니다. API 키가 잘못되었을 수 있습니다 (API는 잘못된 키에 HTML 페이지와 상태 200으로 응답함)",
        );
        add(
            format!(
                "the API answered with an error message instead of data: {}",
                "error: unknown variable 'FOO'"
            ),
            "API가 데이터 대신 오류 메시지로 응답했습니다: error: unknown variable 'FOO'",
        );
        for (problem, ko) in [
            (
                "the JSON ends early (a truncated file?)",
                "JSON이 일찍 끝납니다 (잘린 파일입니까?)",
            ),
            ("invalid JSON", "잘못된 JSON입니다"),
        ] {
            add(
                format!(
                    "{problem} at line {}, column {} ({}); expected a JSON array of arrays of \
                     strings",
                    3, 17, "expected `,` or `]`"
                ),
                &format!(
                    "{ko}. 위치: 3행 17열 (expected `,` or `]`). 문자열 배열의 JSON 배열이 필요합니다"
                ),
            );
        }
        add(
            "expected a JSON array of arrays of strings, header first".into(),
            "헤더가 먼저 오는, 문자열 배열의 JSON 배열",
        );
        add("expected an array of strings".into(), "문자열 배열");
        add(
            "expected a string (the API writes every cell, values included, as a string)".into(),
            "문자열 (API는 값을 포함한 모든 셀을 문자열로 씀)",
        );
        let expected_columns = "required are CTY_CODE, CTY_NAME, HITECH, time, and GEN_VAL_MO \
                                and/or GEN_VAL_YR (imports) or ALL_VAL_MO and/or ALL_VAL_YR (exports)";
        let columns_ko = "필수 열은 CTY_CODE, CTY_NAME, HITECH, time, 그리고 GEN_VAL_MO 및/또는 GEN_VAL_YR(수입) 또는 ALL_VAL_MO 및/또는 ALL_VAL_YR(수출)";
        add(
            format!("expected a header row first, naming the columns: {expected_columns}"),
            &format!("열 이름을 담은 헤더 행이 먼저 와야 합니다: {columns_ko}"),
        );
        let name = "HITECH";
        add(
            format!("the header has no column {name}: {expected_columns}"),
            &format!("헤더에 HITECH 열이 없습니다: {columns_ko}"),
        );
        add(
            format!(
                "the header has {}: {expected_columns}",
                "both import (GEN_VAL_*) and export (ALL_VAL_*) value columns; a response holds one flow"
            ),
            &format!(
                "헤더 오류 (수입(GEN_VAL_*)과 수출(ALL_VAL_*) 값 열이 모두 있음. 응답 하나에는 흐름 하나만): {columns_ko}"
            ),
        );
        add(
            format!("the header has {}: {expected_columns}", "no value column"),
            &format!("헤더 오류 (값 열이 없음): {columns_ko}"),
        );
        add(
            "expected YYYY-MM, e.g. 2024-12".into(),
            "YYYY-MM 형식 (예: 2024-12)",
        );
        let year = 2024;
        add(
            format!("expected {year}, the year of time"),
            "time의 연도인 2024",
        );
        let month = 3;
        add(
            format!("expected {month:02}, the month of time"),
            "time의 월인 03",
        );
        add(
            "expected whole US dollars (digits only, e.g. 1234567)".into(),
            "정수 미국 달러 금액 (숫자만, 예: 1234567)",
        );
        add(
            "an empty JSON array: expected a header row, then one row per partner, group and month"
                .into(),
            "빈 JSON 배열입니다: 헤더 행과, 교역 상대국·품목군·월마다 한 행이 필요합니다",
        );
        add(
            format!(
                "expected {} cells, one per header column ({})",
                5, "CTY_CODE,CTY_NAME,HITECH,time,GEN_VAL_MO"
            ),
            "셀 5개 (헤더 열마다 하나: CTY_CODE,CTY_NAME,HITECH,time,GEN_VAL_MO)",
        );
        let (first, hitech, cty_code) = (7, "01", "5700");
        add(
            format!(
                "a duplicate row: row {first} has the same HITECH {hitech:?}, CTY_CODE {cty_code:?} and time"
            ),
            "중복 행: 7행에 같은 HITECH \"01\", CTY_CODE \"5700\", time이 있습니다",
        );
        add(
            format!("the code in brackets disagrees with HITECH {hitech:?}"),
            "대괄호 안의 코드가 HITECH \"01\"과(와) 다릅니다",
        );
        let hitech = "-";
        add(
            format!(
                "an empty HITECH ({hitech:?}) is the total of all commodities, with \
                 HITECH_DESC {:?}",
                "TOTAL FOR ALL COMMODITIES"
            ),
            "빈 HITECH(\"-\")는 전 품목 합계이며, 이때 HITECH_DESC는 \"TOTAL FOR ALL COMMODITIES\"입니다",
        );
        add(
            format!(
                "expected an ATP group code ({}), 00 (not advanced technology) or \"\"/\"-\" \
                 (the total of all commodities)",
                [
                    "01 Biotechnology",
                    "02 Life Science",
                    "10 Nuclear Technology"
                ]
                .join(", ")
            ),
            "ATP 품목군 코드(01 Biotechnology, 02 Life Science, 10 Nuclear Technology), 00(첨단기술제품 아님) 또는 \"\"/\"-\"(전 품목 합계)",
        );
        let cty_code = "";
        add(
            format!(
                "an empty CTY_CODE ({cty_code:?}) is the world total, {:?}",
                "TOTAL FOR ALL COUNTRIES"
            ),
            "빈 CTY_CODE(\"\")는 세계 합계 \"TOTAL FOR ALL COUNTRIES\"입니다",
        );
        add(
            "expected a four-digit Census Schedule C country code, a grouping (00NN, 1XXX..7XXX) \
             or \"\"/\"-\" for the world total"
                .into(),
            "네 자리 Census Schedule C 국가 코드, 국가 그룹(00NN, 1XXX..7XXX) 또는 세계 합계를 뜻하는 \"\"/\"-\"",
        );
        add("expected a four-digit code".into(), "네 자리 코드");
        add(
            "no Census responses to combine: expected at least one".into(),
            "합칠 Census 응답이 없습니다: 하나 이상 필요합니다",
        );
        let describe = format!(
            "series {}, group {} (HITECH {}), partner {}, {}",
            "imports", "biotechnology", "01", "CN", 2024
        );
        let describe_ko = "시계열 imports, 품목군 biotechnology (HITECH 01), 교역 상대국 CN, 2024";
        add(
            format!(
                "a duplicate month of {}: {} row {} has it too",
                describe, "imports-2024.json", 12
            ),
            &format!("{describe_ko}의 중복 월: imports-2024.json 12행에도 있습니다"),
        );
        add(
            format!("{}: no rows", describe),
            &format!("{describe_ko}: 행이 없습니다"),
        );
        add(
            format!("{}: the monthly values overflow", describe),
            &format!("{describe_ko}: 월별 값의 합이 범위를 넘습니다"),
        );
        add(
            format!(
                "{}: the year-to-date value falls from {} in {} to {} in {}; \
                 cumulative values cannot fall",
                describe, 5000, "2024-05", 4000, "2024-06"
            ),
            &format!(
                "{describe_ko}: 연간 누계 값이 줄어듭니다 (2024-05: 5000 → 2024-06: 4000). 누계 값은 줄어들 수 없습니다"
            ),
        );
        add(
            format!(
                "{}: the twelve monthly values ({}) sum to {}, but the December \
                 year-to-date value ({}) is {}",
                describe, "GEN_VAL_MO", 120, "GEN_VAL_YR", 121
            ),
            &format!(
                "{describe_ko}: 열두 달 월별 값(GEN_VAL_MO)의 합은 120인데, 12월 연간 누계 값(GEN_VAL_YR)은 121입니다"
            ),
        );
        add(
            format!(
                "{}: the last month has no year-to-date value and some months have no monthly \
                 value; expected {} in every response or {} in every one",
                describe, "GEN_VAL_YR", "GEN_VAL_MO"
            ),
            &format!(
                "{describe_ko}: 마지막 달에 연간 누계 값이 없고 일부 월에 월별 값이 없습니다. 모든 응답에 GEN_VAL_YR이(가) 있거나, 모든 응답에 GEN_VAL_MO이(가) 있어야 합니다"
            ),
        );
        // --- uploads: country.xlsx
        add(
            "a value in millions of US dollars (0 for no trade); the cell is empty".into(),
            "백만 미국 달러 단위의 값 (교역이 없으면 0). 셀이 비어 있습니다",
        );
        add(
            format!(
                "a number (millions of US dollars); the cell holds the text {:?}",
                "n/a"
            ),
            "숫자 (백만 미국 달러). 셀에 있는 텍스트: \"n/a\"",
        );
        add(
            format!(
                "a number (millions of US dollars); the cell holds {}",
                "Bool(true)"
            ),
            "숫자 (백만 미국 달러). 셀에 있는 값: Bool(true)",
        );
        let text = "1.5e400";
        add(
            format!("a number (millions of US dollars), not {text:?}"),
            "숫자 (백만 미국 달러). 받은 값: \"1.5e400\"",
        );
        add(
            format!("a value within range, not {text}"),
            "범위 안의 값 (받은 값: 1.5e400)",
        );
        let (text, exact) = ("1.0000001", "1000000.1");
        add(
            format!(
                "whole US dollars (at most six decimals of a million); {text} million is {exact} \
                 dollars"
            ),
            "정수 미국 달러 금액 (백만 단위로 소수점 이하 여섯 자리까지). 1.0000001백만은 1000000.1달러입니다",
        );
        let text = "-3.2";
        add(
            format!("imports and exports cannot be negative; the cell holds {text}"),
            "수입과 수출은 음수일 수 없습니다. 셀에 있는 값: -3.2",
        );
        let text = "2000000000";
        add(
            format!("at most 10^15 US dollars (10^9 million); the cell holds {text} million"),
            "최대 10^15 미국 달러 (10^9 백만). 셀에 있는 값: 2000000000백만",
        );
        add(
            format!(
                "a readable xlsx workbook (the Census country.xlsx); it could not be opened: {}",
                "Zip error: invalid Zip archive"
            ),
            "읽을 수 있는 xlsx 통합 문서 (Census country.xlsx). 열 수 없었습니다: Zip error: invalid Zip archive",
        );
        add(
            format!(
                "a readable worksheet; it could not be read: {}",
                "Xml error: unexpected EOF"
            ),
            "읽을 수 있는 워크시트. 읽을 수 없었습니다: Xml error: unexpected EOF",
        );
        let header = "year, CTY_CODE, CTYNAME, IJAN, IYR, EJAN, EYR";
        add(
            format!(
                "a sheet whose first row is the country.xlsx header ({}); {}",
                header, "the workbook has no sheet"
            ),
            &format!("첫 행이 country.xlsx 헤더({header})인 시트. 통합 문서에 시트가 없습니다"),
        );
        add(
            {
                let problems = format!("sheet {} is empty", "Sheet1");
                format!(
                    "a sheet whose first row is the country.xlsx header ({}); {}",
                    header, problems
                )
            },
            &format!("첫 행이 country.xlsx 헤더({header})인 시트. 시트 Sheet1이(가) 비어 있습니다"),
        );
        add(
            {
                let problems = format!(
                    "sheet {}'s first row lacks {}",
                    "Notes",
                    ["IJAN", "EYR"].join(", ")
                );
                format!(
                    "a sheet whose first row is the country.xlsx header ({}); {}",
                    header, problems
                )
            },
            &format!(
                "첫 행이 country.xlsx 헤더({header})인 시트. 시트 Notes의 첫 행에 IJAN, EYR이(가) 없습니다"
            ),
        );
        add(
            format!("columns {}", ["IJAN", "EYR"].join(", ")),
            "열 IJAN, EYR",
        );
        add(
            "a data row; the row is empty (rows must be contiguous, without blank rows)".into(),
            "데이터 행 (행이 비어 있음. 행은 빈 행 없이 이어져야 함)",
        );
        add(
            "a four-digit Census Schedule C code (0003 the EU, 0015 the world, 0007 ATP, \
             1000 and above countries)"
                .into(),
            "네 자리 Census Schedule C 코드 (0003 EU, 0015 세계, 0007 ATP, 1000 이상은 국가)",
        );
        let (code, year) = ("5700", 2024);
        add(
            format!(
                "one row per code and year; row {} has {code} for {year} too",
                14
            ),
            "코드와 연도마다 한 행 (14행에도 2024년의 5700이(가) 있음)",
        );
        add(
            format!(
                "a number (the row is {}, not imported, but read)",
                "the world seasonally adjusted"
            ),
            "숫자 (가져오지는 않지만 읽는 행: 계절 조정된 세계 합계)",
        );
        add(
            format!(
                "a number (the row is {}, not imported, but read)",
                "imports for consumption"
            ),
            "숫자 (가져오지는 않지만 읽는 행: 소비용 수입)",
        );
        let (sum, total) = (1_200_000, 1_300_000);
        add(
            format!(
                "the sum of the row's twelve months ({sum} dollars); the year total is \
                 {total}"
            ),
            "행의 열두 달 합계(1200000달러). 연간 합계는 1300000입니다",
        );
        add(
            "at least one data row after the header".into(),
            "헤더 다음에 데이터 행 하나 이상",
        );
        let last_year = 2026;
        add(
            format!("some trade in the last year, {last_year}; every value of it is 0"),
            "마지막 연도 2026의 교역 (모든 값이 0임)",
        );
        let published = 2;
        add(
            format!(
                "0: the file publishes {last_year} up to month {published:02} (the \
                 world total has no trade after it), so a later month is not \
                 published yet"
            ),
            "0 (파일은 2026년을 02월까지 공표하므로 그 뒤의 월은 아직 공표되지 않음. 세계 합계에 그 뒤의 교역이 없음)",
        );
        c
    }

    #[test]
    fn every_phrase_family_translates() {
        let mut failures = Vec::new();
        for (en, ko) in cases() {
            match translate(&en) {
                Some(got) if got == ko => {}
                got => failures.push(format!("{en:?}\n  expected {ko:?}\n  got      {got:?}")),
            }
        }
        assert!(
            failures.is_empty(),
            "{} of the phrases:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// The ASCII tokens of an English phrase that a translation must keep:
    /// numbers, paths, backticked and quoted text, codes in capitals (`WLD`,
    /// `CTY_CODE`, `YYYY-MM`), names with `_` or `=`.
    fn tokens(en: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for delim in ['`', '"'] {
            let parts: Vec<&str> = en.split(delim).collect();
            for (i, p) in parts.iter().enumerate() {
                if i % 2 == 1 && i + 1 < parts.len() {
                    out.push(format!("{delim}{p}{delim}"));
                }
            }
        }
        for word in
            en.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | '`' | '"'))
        {
            let w = word.trim_end_matches(['.', ':', '?', '!']);
            if w.len() < 2 {
                continue;
            }
            let path = w.starts_with('/');
            let named = w.contains('_') || w.contains('=');
            let capitals = w.chars().any(|c| c.is_ascii_uppercase())
                && w.chars().all(|c| {
                    c.is_ascii_uppercase()
                        || c.is_ascii_digit()
                        || matches!(c, '-' | '_' | '*' | '+' | '.' | '/')
                })
                && w != "US";
            if path || named || capitals {
                out.push(w.to_owned());
            }
        }
        let mut digits = String::new();
        for c in en.chars().chain([' ']) {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !digits.is_empty() {
                out.push(std::mem::take(&mut digits));
            }
        }
        out
    }

    #[test]
    fn translations_are_korean_and_keep_codes_numbers_paths_and_names() {
        let hangul = |s: &str| s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        for (en, _) in cases() {
            let Some(ko) = translate(&en) else { continue };
            assert!(hangul(&ko), "no Hangul in {ko:?} (from {en:?})");
            for t in tokens(&en) {
                assert!(ko.contains(&t), "{t:?} of {en:?} is lost in {ko:?}");
            }
        }
        // The token finder finds what it should.
        let t = tokens(
            "invalid `from` \"x1\" at /v1/partners: CTY_CODE WLD frequency=annual 2024-03 US",
        );
        for want in [
            "`from`",
            "\"x1\"",
            "/v1/partners",
            "CTY_CODE",
            "WLD",
            "frequency=annual",
            "2024",
            "03",
        ] {
            assert!(t.contains(&want.to_owned()), "{want} not in {t:?}");
        }
        assert!(!t.contains(&"US".to_owned()));
    }

    #[test]
    fn every_rule_is_tested_and_uses_each_hole_once() {
        for (en, ko) in RULES {
            let holes = parse(en)
                .iter()
                .filter(|p| matches!(p, Piece::Hole(_)))
                .count();
            for i in 0..holes {
                assert_eq!(
                    ko.matches(&format!("{{{i}}}")).count(),
                    1,
                    "hole {i} of {en:?} in {ko:?}"
                );
            }
            assert!(
                !ko.contains(&format!("{{{holes}}}")),
                "{ko:?} names a hole {en:?} lacks"
            );
            let pieces = parse(en);
            assert!(
                pieces
                    .windows(2)
                    .all(|w| !matches!(w, [Piece::Hole(_), Piece::Hole(_)])),
                "two holes side by side in {en:?}"
            );
        }
        let english: HashSet<&str> = RULES.iter().map(|(en, _)| *en).collect();
        assert_eq!(english.len(), RULES.len(), "a rule is listed twice");
        USED.with(|u| u.borrow_mut().clear());
        for (en, _) in cases() {
            translate(&en);
        }
        let used = USED.with(|u| u.borrow().clone());
        let untested: Vec<&str> = RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, (en, _))| *en)
            .collect();
        assert!(untested.is_empty(), "rules no case reaches: {untested:#?}");
    }

    #[test]
    fn unknown_text_is_not_translated() {
        // Messages of third-party crates, and anything else, stay English.
        for en in [
            "",
            "expected ",
            "invalid type: string \"x\", expected u32 at line 1 column 9",
            "missing field `horizon`",
            "CSV parse error: record 3 (line: 4, byte: 120): found record with 3 fields, but the previous record has 8 fields",
            "Payload reached EOF before completing",
            "something went wrong",
            "one value or more",
            "a value is required: something new",
            "no group \"x\": something new",
        ] {
            assert_eq!(translate(en), None, "{en:?}");
        }
    }

    #[test]
    fn values_that_look_like_the_template_stay_values() {
        // A value holding the text around it is carried over whole.
        let id = "a; see /v1/datasets";
        assert_eq!(
            translate(&format!("no dataset {id:?}; see /v1/datasets")).unwrap(),
            "데이터셋 \"a; see /v1/datasets\"이(가) 없습니다. 목록: /v1/datasets"
        );
        let id = "x\": y";
        assert_eq!(
            translate(&format!("no group {id:?}: expected one of all, aerospace")).unwrap(),
            "품목군 \"x\\\": y\"이(가) 없습니다: 다음 중 하나: all, aerospace"
        );
        // A long list is kept as given (all 240 partner codes).
        let codes: Vec<String> = (0..240).map(|i| format!("P{i}")).collect();
        let en = format!(
            "expected one of {} or the Census CTY_CODE of one of them",
            codes.join(", ")
        );
        let ko = translate(&en).unwrap();
        assert!(ko.starts_with("다음 중 하나: P0, P1, "), "{ko}");
        assert!(
            ko.ends_with("P239, 또는 그중 하나의 Census CTY_CODE"),
            "{ko}"
        );
    }
}
