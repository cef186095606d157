//! Column labels of the listings' CSV (`header=labels`), in English and Korean.
//!
//! One entry for every field name of every listing record (the records'
//! field names, plus `group_name` and `partner_name`, which `include=names`
//! adds). A field name means the same thing in every record, so it has one
//! label in each language. Units follow the field's suffix: `_usd` is whole
//! US dollars ("(US$)", "(달러)"), `_pct` percent ("(%)"), `_pp` percentage
//! points ("(pp)", "(%p)"); a `_reason` field says why the value beside it is
//! empty (null). The Korean labels use the terms of Korean trade statistics
//! (KITA, 관세청, KIAT): 수입액, 수출액, 무역수지, 증감률, 비중, 순위.
//!
//! Labels are CSV header cells: none has a comma, a quote or a newline, none
//! begins with a character a spreadsheet would run as a formula, and no two
//! fields of one record share a label in either language.

/// The label of a record field in the language asked (`ko`: Korean), or None for a field the table does not know.
pub fn label(field: &str, ko: bool) -> Option<&'static str> {
    let (en, ko_label) = labels(field)?;
    Some(if ko { ko_label } else { en })
}

/// A field's English and Korean labels.
fn labels(field: &str) -> Option<(&'static str, &'static str)> {
    Some(match field {
        // What, who and when: the dimensions of a value.
        "dataset" => ("Dataset", "데이터셋"),
        "group" => ("ATP group", "ATP 품목군"),
        "group_name" => ("ATP group name", "ATP 품목군명"),
        "partner" => ("Partner", "교역 상대국"),
        "partner_name" => ("Partner name", "교역 상대국명"),
        "partner_kind" => ("Partner kind", "교역 상대국 유형"),
        "year" => ("Year", "연도"),
        "period" => ("Period", "기간"),
        "frequency" => ("Frequency", "주기"),
        "flow" => ("Flow", "수출입 구분"),
        "measure" => ("Measure", "항목 (수출·수입·무역수지)"),
        "kind" => ("Kind", "유형"),

        // Values and their provenance.
        "value_usd" => ("Value (US$)", "금액 (달러)"),
        "value" => ("Value in units asked", "요청 단위 값"),
        "value_reason" => (
            "Why value in units asked is empty",
            "요청 단위 값 결측 사유",
        ),
        "value_base_period" => ("Comparison base period", "비교 기준 기간"),
        "status" => ("Reported or derived", "보고/산출 구분"),
        "rounding_usd" => ("Rounding (US$)", "반올림 단위 (달러)"),
        "formula" => ("Formula", "산식"),
        "inputs" => ("Inputs", "산출 근거 수치"),
        "citation" => ("Citation", "출처"),
        "quote" => ("Source quote", "원문 인용"),

        // Flows and balances.
        "imports_usd" => ("Imports (US$)", "수입액 (달러)"),
        "exports_usd" => ("Exports (US$)", "수출액 (달러)"),
        "balance_usd" => ("Balance (US$)", "무역수지 (달러)"),
        "balance_usd_reason" => ("Why balance (US$) is empty", "무역수지 결측 사유"),
        "balance_basis" => ("Balance basis", "무역수지 산출 기준"),
        "reported_balance_usd" => ("Reported balance (US$)", "보고 무역수지 (달러)"),
        "flows_balance_usd" => ("Exports minus imports (US$)", "수출입 차액 (달러)"),
        "tsi" => ("Trade specialisation index (TSI)", "무역특화지수(TSI)"),
        "tsi_reason" => ("Why TSI is empty", "무역특화지수(TSI) 결측 사유"),

        // Two datasets side by side (`/v1/compare`).
        "against" => ("Comparison dataset", "비교 데이터셋"),
        "against_usd" => ("Comparison value (US$)", "비교 데이터셋 금액 (달러)"),
        "difference_usd" => ("Difference (US$)", "차액 (달러)"),
        "difference_usd_reason" => ("Why difference (US$) is empty", "차액 결측 사유"),
        "difference_pct" => ("Difference (%)", "차이율 (%)"),
        "difference_pct_reason" => ("Why difference (%) is empty", "차이율 결측 사유"),
        "within_rounding" => ("Within rounding", "반올림 오차 이내 여부"),
        "against_rounding_usd" => (
            "Comparison rounding (US$)",
            "비교 데이터셋 반올림 단위 (달러)",
        ),
        "against_status" => (
            "Comparison reported or derived",
            "비교 데이터셋 보고/산출 구분",
        ),
        "against_citation" => ("Comparison citation", "비교 데이터셋 출처"),

        // Concentration and indicators.
        "hhi" => (
            "Herfindahl-Hirschman index (HHI)",
            "허핀달-허쉬만 지수(HHI)",
        ),
        "hhi_reason" => ("Why HHI is empty", "허핀달-허쉬만 지수(HHI) 결측 사유"),
        "partners" => ("Partners (count)", "교역 상대국 수"),
        "partners_covered" => ("Partners covered", "포함된 교역 상대국"),
        "blocs_left_out" => ("Blocs left out", "제외된 경제권"),
        "coverage_pct" => (
            "Coverage of world total (%)",
            "세계 전체 대비 포괄 비중 (%)",
        ),
        "basis" => ("Index basis", "지수 산출 기준"),
        "indicator" => ("Indicator", "지표"),
        "level" => ("Indicator level (before units)", "지표 원값 (단위 변환 전)"),
        "level_reason" => ("Why indicator level is empty", "지표 원값 결측 사유"),
        "largest" => ("Largest partners", "최대 교역 상대국"),
        "left_out" => ("Aggregates left out", "제외된 합계 항목"),

        // Datasets and vintages.
        "id" => ("ID", "식별자(ID)"),
        "title" => ("Title", "제목"),
        "publisher" => ("Publisher", "발행 기관"),
        "source_url" => ("Source URL", "출처 URL"),
        "vintage" => ("Vintage", "자료 시점(빈티지)"),
        "vintages" => ("All vintages", "전체 자료 시점(빈티지)"),
        "latest" => ("Latest", "최신 여부"),
        "source_format" => ("Source format", "원자료 형식"),
        "imported_at" => ("Imported at", "가져온 시각"),
        "published_on" => ("Published on", "공표일"),
        "known_since" => ("Known since", "이용 가능 시작일"),
        "row_count" => ("Rows stored", "저장 행 수"),
        "served_rows" => ("Rows served", "제공 행 수"),
        "checksum" => ("Checksum (SHA-256)", "체크섬(SHA-256)"),
        "groups_covered" => ("ATP groups covered", "포함 ATP 품목군"),
        "all_is_computed" => (
            "ATP total computed by service",
            "ATP 전체 합계 자체 산출 여부",
        ),
        "groups" => ("Groups with figures", "수치 보유 품목군"),
        "years" => ("Years with figures", "수치 보유 연도"),
        "frequencies" => ("Frequencies", "수록 주기"),
        "first_period" => ("First period", "최초 기간"),
        "last_period" => ("Last period", "최종 기간"),
        "notes" => ("Notes", "비고"),
        "quality_notes" => ("Data-quality notes", "데이터 품질 참고사항"),

        // Groups, partners, years and periods.
        "code" => ("Partner code", "교역 상대국 코드"),
        "census_code" => ("Census code", "인구조사국 코드"),
        "name_en" => ("English name", "영문 명칭"),
        "name_ko" => ("Korean name", "국문 명칭"),
        "definition" => ("Definition", "정의"),
        "definition_source" => ("Definition source", "정의 출처"),
        "month" => ("Month", "월"),
        "observations" => ("Observations", "관측치 수"),

        // Changes between two periods.
        "from" => ("Start year", "시작 연도"),
        "to" => ("End year", "종료 연도"),
        "from_period" => ("Start period", "시작 기간"),
        "to_period" => ("End period", "종료 기간"),
        "start_usd" => ("Start value (US$)", "시작 기간 금액 (달러)"),
        "end_usd" => ("End value (US$)", "종료 기간 금액 (달러)"),
        "change_usd" => ("Change (US$)", "증감액 (달러)"),
        "change_usd_reason" => ("Why change (US$) is empty", "증감액 결측 사유"),
        "change_pct" => ("Change (%)", "증감률 (%)"),
        "change_pct_reason" => ("Why change (%) is empty", "증감률 결측 사유"),
        "multiple" => ("Multiple (end/start)", "배수 (종료/시작)"),
        "multiple_reason" => ("Why multiple is empty", "배수 결측 사유"),
        "cagr_pct" => ("CAGR (%)", "연평균 증가율(CAGR) (%)"),
        "cagr_pct_reason" => ("Why CAGR (%) is empty", "연평균 증가율(CAGR) 결측 사유"),
        "reported_change_pct" => ("Reported change (%)", "보고 증감률 (%)"),
        "reported_change_pct_agreement" => ("Reported change (%) check", "보고 증감률 검증 결과"),
        "reported_change_pct_citation" => ("Reported change (%) citation", "보고 증감률 출처"),
        "reported_multiple" => ("Reported multiple", "보고 배수"),
        "reported_multiple_reading" => ("Reported multiple reading", "보고 배수 해석 방식"),
        "reported_multiple_agreement" => ("Reported multiple check", "보고 배수 검증 결과"),
        "reported_multiple_citation" => ("Reported multiple citation", "보고 배수 출처"),
        "reported_change_usd" => ("Reported change (US$)", "보고 증감액 (달러)"),
        "reported_change_usd_agreement" => ("Reported change (US$) check", "보고 증감액 검증 결과"),
        "reported_change_usd_citation" => ("Reported change (US$) citation", "보고 증감액 출처"),

        // Decomposition of a change.
        "by" => ("Decomposed by", "분해 기준"),
        "total_group" => ("ATP group of total", "합계의 ATP 품목군"),
        "total_partner" => ("Partner of total", "합계의 교역 상대국"),
        "share_of_change_pct" => ("Share of total change (%)", "증감 기여율 (%)"),
        "share_of_change_pct_reason" => (
            "Why share of total change (%) is empty",
            "증감 기여율 결측 사유",
        ),
        "rank" => ("Rank", "순위"),
        "note" => ("Note", "참고"),

        // Shares and their shift.
        "world_usd" => ("World total (US$)", "세계 전체 금액 (달러)"),
        "share_pct" => ("Share (%)", "비중 (%)"),
        "share_pct_reason" => ("Why share (%) is empty", "비중 결측 사유"),
        "rank_reason" => ("Why not ranked", "순위 제외 사유"),
        "reported_share_pct" => ("Reported share (%)", "보고 비중 (%)"),
        "reported_share_pct_is_upper_bound" => (
            "Reported share is an upper bound",
            "보고 비중 상한(미만) 표기 여부",
        ),
        "reported_share_pct_agreement" => ("Reported share (%) check", "보고 비중 검증 결과"),
        "reported_share_pct_citation" => ("Reported share (%) citation", "보고 비중 출처"),
        "world_start_usd" => (
            "World total at start (US$)",
            "시작 기간 세계 전체 금액 (달러)",
        ),
        "world_end_usd" => (
            "World total at end (US$)",
            "종료 기간 세계 전체 금액 (달러)",
        ),
        "share_start_pct" => ("Share at start (%)", "시작 기간 비중 (%)"),
        "share_end_pct" => ("Share at end (%)", "종료 기간 비중 (%)"),
        "change_pp" => ("Share change (pp)", "비중 변화 (%p)"),
        "own_growth_pp" => ("Own growth effect (pp)", "자체 성장 효과 (%p)"),
        "market_pp" => ("Market growth effect (pp)", "시장 성장 효과 (%p)"),
        "reason" => ("Why values are empty", "값 결측 사유"),

        // A partner's profile.
        "imports_share_pct" => ("Share of imports (%)", "수입 비중 (%)"),
        "imports_share_pct_reason" => ("Why share of imports (%) is empty", "수입 비중 결측 사유"),
        "exports_share_pct" => ("Share of exports (%)", "수출 비중 (%)"),
        "exports_share_pct_reason" => ("Why share of exports (%) is empty", "수출 비중 결측 사유"),
        "imports_rank" => ("Imports rank", "수입 순위"),
        "exports_rank" => ("Exports rank", "수출 순위"),
        "base_year" => ("Base year", "기준 연도"),
        "base_period" => ("Base period", "기준 기간"),
        "imports_change_pct" => ("Imports change (%)", "수입 증감률 (%)"),
        "imports_change_pct_reason" => ("Why imports change (%) is empty", "수입 증감률 결측 사유"),
        "exports_change_pct" => ("Exports change (%)", "수출 증감률 (%)"),
        "exports_change_pct_reason" => ("Why exports change (%) is empty", "수출 증감률 결측 사유"),
        "balance_change_usd" => ("Balance change (US$)", "무역수지 증감액 (달러)"),
        "balance_change_usd_reason" => (
            "Why balance change (US$) is empty",
            "무역수지 증감액 결측 사유",
        ),

        // Revisions between two vintages.
        "from_vintage" => ("Old vintage", "수정 전 자료 시점(빈티지)"),
        "to_vintage" => ("New vintage", "수정 후 자료 시점(빈티지)"),
        "old_usd" => ("Old value (US$)", "수정 전 금액 (달러)"),
        "new_usd" => ("New value (US$)", "수정 후 금액 (달러)"),
        "old_citation" => ("Old citation", "수정 전 출처"),
        "new_citation" => ("New citation", "수정 후 출처"),

        // Forecasts and their backtest.
        "step" => ("Steps ahead", "예측 시차"),
        "level_pct" => ("Interval level (%)", "예측 구간 수준 (%)"),
        "forecast_usd" => ("Forecast (US$)", "예측값 (달러)"),
        "forecast_usd_reason" => ("Why forecast (US$) is empty", "예측값 결측 사유"),
        "lower_usd" => ("Interval lower bound (US$)", "예측 구간 하한 (달러)"),
        "lower_usd_reason" => (
            "Why interval lower bound (US$) is empty",
            "예측 구간 하한 결측 사유",
        ),
        "upper_usd" => ("Interval upper bound (US$)", "예측 구간 상한 (달러)"),
        "upper_usd_reason" => (
            "Why interval upper bound (US$) is empty",
            "예측 구간 상한 결측 사유",
        ),
        "actual_usd" => ("Actual (US$)", "실적값 (달러)"),
        "actual_usd_reason" => ("Why actual (US$) is empty", "실적값 결측 사유"),
        "error_usd" => ("Forecast error (US$)", "예측 오차 (달러)"),
        "error_usd_reason" => ("Why forecast error (US$) is empty", "예측 오차 결측 사유"),
        "actual_within_interval" => ("Actual within interval", "실적값 예측 구간 내 여부"),
        "method" => ("Method", "예측 방법"),
        "method_requested" => ("Method requested", "요청 예측 방법"),
        "method_reason" => ("Why this method", "예측 방법 선택 사유"),
        "model" => ("Fitted model", "적합 모형"),
        "history_from" => ("History from", "적합 기간 시작"),
        "history_to" => ("History to", "적합 기간 종료"),
        "history_points" => ("History points", "적합 자료 수"),
        "backtest_origins" => ("Backtest origins", "백테스트 예측 시점 수"),
        "backtest_steps" => ("Backtest steps per origin", "백테스트 시점별 예측 기간 수"),
        "backtest_points" => ("Backtest forecasts compared", "백테스트 비교 건수"),
        "backtest_mape_pct" => (
            "Backtest MAPE (%)",
            "백테스트 MAPE(평균 절대 백분율 오차) (%)",
        ),
        "backtest_mape_pct_reason" => ("Why backtest MAPE (%) is empty", "백테스트 MAPE 결측 사유"),
        "backtest_mase" => ("Backtest MASE", "백테스트 MASE(평균 절대 척도 오차)"),
        "backtest_mase_reason" => ("Why backtest MASE is empty", "백테스트 MASE 결측 사유"),
        "backtest_coverage_pct" => (
            "Backtest interval coverage (%)",
            "백테스트 예측 구간 포함률 (%)",
        ),
        "backtest_coverage_pct_reason" => (
            "Why backtest interval coverage (%) is empty",
            "백테스트 예측 구간 포함률 결측 사유",
        ),
        "benchmark_method" => ("Benchmark method", "벤치마크 예측 방법"),
        "benchmark_mape_pct" => (
            "Benchmark MAPE (%)",
            "벤치마크 MAPE(평균 절대 백분율 오차) (%)",
        ),
        "benchmark_mape_pct_reason" => {
            ("Why benchmark MAPE (%) is empty", "벤치마크 MAPE 결측 사유")
        }
        "benchmark_mase" => ("Benchmark MASE", "벤치마크 MASE(평균 절대 척도 오차)"),
        "benchmark_mase_reason" => ("Why benchmark MASE is empty", "벤치마크 MASE 결측 사유"),
        "benchmark_coverage_pct" => (
            "Benchmark interval coverage (%)",
            "벤치마크 예측 구간 포함률 (%)",
        ),
        "benchmark_coverage_pct_reason" => (
            "Why benchmark interval coverage (%) is empty",
            "벤치마크 예측 구간 포함률 결측 사유",
        ),

        // Scenarios: the baseline, the scenario and their difference.
        "imports_baseline_usd" => ("Imports baseline (US$)", "수입액 기준선 (달러)"),
        "imports_scenario_usd" => ("Imports scenario (US$)", "수입액 시나리오 (달러)"),
        "imports_difference_usd" => (
            "Imports scenario less baseline (US$)",
            "수입액 기준선 대비 차이 (달러)",
        ),
        "exports_baseline_usd" => ("Exports baseline (US$)", "수출액 기준선 (달러)"),
        "exports_scenario_usd" => ("Exports scenario (US$)", "수출액 시나리오 (달러)"),
        "exports_difference_usd" => (
            "Exports scenario less baseline (US$)",
            "수출액 기준선 대비 차이 (달러)",
        ),
        "balance_baseline_usd" => ("Balance baseline (US$)", "무역수지 기준선 (달러)"),
        "balance_scenario_usd" => ("Balance scenario (US$)", "무역수지 시나리오 (달러)"),
        "balance_difference_usd" => (
            "Balance scenario less baseline (US$)",
            "무역수지 기준선 대비 차이 (달러)",
        ),
        "tsi_baseline" => ("TSI baseline", "무역특화지수(TSI) 기준선"),
        "tsi_scenario" => ("TSI scenario", "무역특화지수(TSI) 시나리오"),
        "imports_share_baseline_pct" => ("Share of imports baseline (%)", "수입 비중 기준선 (%)"),
        "imports_share_scenario_pct" => ("Share of imports scenario (%)", "수입 비중 시나리오 (%)"),
        "exports_share_baseline_pct" => ("Share of exports baseline (%)", "수출 비중 기준선 (%)"),
        "exports_share_scenario_pct" => ("Share of exports scenario (%)", "수출 비중 시나리오 (%)"),
        "hhi_imports_baseline" => (
            "Imports HHI baseline",
            "수입 허핀달-허쉬만 지수(HHI) 기준선",
        ),
        "hhi_imports_scenario" => (
            "Imports HHI scenario",
            "수입 허핀달-허쉬만 지수(HHI) 시나리오",
        ),
        "hhi_exports_baseline" => (
            "Exports HHI baseline",
            "수출 허핀달-허쉬만 지수(HHI) 기준선",
        ),
        "hhi_exports_scenario" => (
            "Exports HHI scenario",
            "수출 허핀달-허쉬만 지수(HHI) 시나리오",
        ),

        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every listing record of the generated document with its fields in
    /// order (`group_name` and `partner_name` beside `group` and `partner`,
    /// as `include=names` adds them): a new field fails here until it has
    /// its labels.
    fn records() -> Vec<(String, Vec<String>)> {
        let doc = serde_json::to_value(crate::server::build_app_doc()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        schemas
            .keys()
            .filter_map(|n| n.strip_prefix("Envelope_"))
            .map(|record| {
                let fields = schemas[record]["properties"].as_object().unwrap();
                (record.to_owned(), fields.keys().cloned().collect())
            })
            .collect()
    }

    /// Every field name of every listing record, once.
    fn fields() -> Vec<String> {
        let mut all: Vec<String> = records().into_iter().flat_map(|(_, f)| f).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    #[test]
    fn the_records_and_their_fields() {
        let records = records();
        assert_eq!(records.len(), 19);
        let all = fields();
        assert_eq!(all.len(), 206, "204 record fields and the two names");
        assert!(all.iter().any(|f| f == "group_name") && all.iter().any(|f| f == "partner_name"));
    }

    fn has_hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    }

    #[test]
    fn every_field_has_both_labels() {
        for field in &fields() {
            assert!(label(field, false).is_some(), "{field}: no English label");
            assert!(label(field, true).is_some(), "{field}: no Korean label");
        }
    }

    #[test]
    fn labels_are_plain_header_cells() {
        for field in &fields() {
            for ko in [false, true] {
                let l = label(field, ko).unwrap();
                assert!(!l.trim().is_empty(), "{field}: empty label");
                assert_eq!(l, l.trim(), "{field}: {l:?} has outer spaces");
                assert!(
                    !l.contains([',', '"', '\n', '\r']),
                    "{field}: {l:?} needs CSV quoting"
                );
                assert!(
                    !l.starts_with(['=', '+', '-', '@', '\t']),
                    "{field}: {l:?} reads as a formula"
                );
            }
        }
    }

    #[test]
    fn korean_labels_are_korean_and_english_ones_are_not() {
        for field in &fields() {
            let ko = label(field, true).unwrap();
            assert!(has_hangul(ko), "{field}: {ko:?} has no Hangul");
            let en = label(field, false).unwrap();
            assert!(en.is_ascii(), "{field}: {en:?} is not plain English");
        }
    }

    #[test]
    fn units_follow_the_suffix() {
        for field in &fields() {
            let (en, ko) = (label(field, false).unwrap(), label(field, true).unwrap());
            if field.ends_with("_reason") {
                continue;
            }
            if field.ends_with("_usd") {
                assert!(en.ends_with("(US$)"), "{field}: {en:?}");
                assert!(ko.ends_with("(달러)"), "{field}: {ko:?}");
            } else if field.ends_with("_pct") {
                assert!(en.ends_with("(%)"), "{field}: {en:?}");
                assert!(ko.ends_with("(%)"), "{field}: {ko:?}");
            } else if field.ends_with("_pp") {
                assert!(en.ends_with("(pp)"), "{field}: {en:?}");
                assert!(ko.ends_with("(%p)"), "{field}: {ko:?}");
            }
        }
    }

    #[test]
    fn reasons_say_why_something_is_empty() {
        for field in fields()
            .iter()
            .filter(|f| f.ends_with("_reason") || *f == "reason")
        {
            let (en, ko) = (label(field, false).unwrap(), label(field, true).unwrap());
            assert!(en.starts_with("Why "), "{field}: {en:?}");
            assert!(ko.ends_with("사유"), "{field}: {ko:?}");
        }
    }

    #[test]
    fn labels_of_one_record_differ() {
        for (record, fields) in records() {
            for ko in [false, true] {
                let mut labels: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|f| (label(f, ko).unwrap(), f.as_str()))
                    .collect();
                labels.sort_unstable();
                for pair in labels.windows(2) {
                    assert_ne!(
                        pair[0].0, pair[1].0,
                        "{record}: {} and {} share a label",
                        pair[0].1, pair[1].1
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_fields_have_no_label() {
        assert_eq!(label("no_such_field", false), None);
        assert_eq!(label("no_such_field", true), None);
        assert_eq!(label("", true), None);
        assert_eq!(label("Imports_usd", false), None);
    }

    #[test]
    fn examples() {
        assert_eq!(label("imports_usd", false), Some("Imports (US$)"));
        assert_eq!(label("imports_usd", true), Some("수입액 (달러)"));
        assert_eq!(label("change_pct", true), Some("증감률 (%)"));
        assert_eq!(
            label("change_pct_reason", false),
            Some("Why change (%) is empty")
        );
        assert_eq!(label("change_pp", true), Some("비중 변화 (%p)"));
        assert_eq!(label("vintage", true), Some("자료 시점(빈티지)"));
    }
}
