//! The brief's statements, reproduced from its levels through the analytics.
//!
//! Each statement quotes the phrase it checks (the exact text of KIAT policy
//! brief 2026-04) and recomputes the printed number from printed levels only
//! (no statement is checked against a figure derived from that same
//! statement). A percentage "N%" is reproduced when the computed value
//! rounds to N; "약" (about) allows the next coarser place.

#![expect(
    clippy::unwrap_used,
    reason = "a test helper panics on a broken fixture"
)]

use atp_core::analytics::{
    self, Undefined, balance, growth_between, multiple, partner_shares, percent_change, share_pct,
    trade_specialisation_index,
};
use atp_core::builtin::brief;
use atp_core::{Dataset, Group, GroupId, Partner, PartnerCode, SeriesKey};
mod seed;

fn ds() -> &'static Dataset {
    brief().unwrap()
}

/// The value at `measure/group/partner/year`.
fn v(k: &str) -> i64 {
    let key = SeriesKey::try_from(k).unwrap();
    ds().value(&key)
        .unwrap_or_else(|| panic!("no figure for {k}"))
}

/// The balance computed from the two flows.
fn bal(group: &str, partner: &str, year: u16) -> i64 {
    balance(
        v(&format!("exports/{group}/{partner}/{year}")),
        v(&format!("imports/{group}/{partner}/{year}")),
    )
    .unwrap_or_else(|u| panic!("balance of {group}/{partner}/{year}: {u}"))
}

fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

struct Statement {
    quote: &'static str,
    holds: bool,
    shown: String,
}

fn pct(
    quote: &'static str,
    computed: analytics::Computed<f64>,
    printed: f64,
    step: f64,
) -> Statement {
    let c = computed.unwrap_or(f64::NAN);
    Statement {
        quote,
        holds: round_to(c, step) == printed,
        shown: format!("computed {c:.3}, printed {printed}"),
    }
}

fn usd(quote: &'static str, computed: i64, printed: i64, step: i64) -> Statement {
    let rounded = (computed as f64 / step as f64).round() as i64 * step;
    Statement {
        quote,
        holds: rounded == printed,
        shown: format!("computed {computed}, printed {printed}"),
    }
}

fn fact(quote: &'static str, holds: bool, shown: impl Into<String>) -> Statement {
    Statement {
        quote,
        holds,
        shown: shown.into(),
    }
}

const NINE: [&str; 9] = [
    "biotechnology",
    "life-science",
    "opto-electronics",
    "information-communications",
    "electronics",
    "flexible-manufacturing",
    "advanced-materials",
    "aerospace",
    "nuclear",
];

fn share(measure: &str, group: &str, partner: &str, year: u16) -> analytics::Computed<f64> {
    share_pct(
        v(&format!("{measure}/{group}/{partner}/{year}")),
        v(&format!("{measure}/{group}/WLD/{year}")),
    )
}

fn growth(measure: &str, group: &str, partner: &str) -> analytics::Growth {
    growth_between(
        v(&format!("{measure}/{group}/{partner}/2014")),
        v(&format!("{measure}/{group}/{partner}/2024")),
        10.0,
    )
}

/// end / start - 1: the brief's "N배 증가" read as an increase by N times.
fn increase_multiple(measure: &str, group: &str, partner: &str) -> analytics::Computed<f64> {
    growth(measure, group, partner).multiple.map(|m| m - 1.0)
}

/// The change between the two printed balances.
fn reported_change(group: &str, partner: &str) -> i64 {
    v(&format!("balance/{group}/{partner}/2024")) - v(&format!("balance/{group}/{partner}/2014"))
}

/// Whether the partner's share of the world rose from 2014 to 2024.
fn share_rose(measure: &str, group: &str, partner: &str) -> bool {
    share(measure, group, partner, 2024).unwrap() > share(measure, group, partner, 2014).unwrap()
}

fn statements() -> Vec<Statement> {
    const B: i64 = 100_000_000; // 억
    // Counted on the printed balances: the flows of advanced materials are
    // both printed as 42억 in 2024, too coarse to show its 5,400만 deficit.
    let surpluses_2014 = NINE
        .iter()
        .filter(|g| v(&format!("balance/{g}/WLD/2014")) > 0)
        .count();
    let deficits_2024 = NINE
        .iter()
        .filter(|g| v(&format!("balance/{g}/WLD/2024")) < 0)
        .count();
    let surplus_2024: Vec<&&str> = NINE.iter().filter(|g| bal(g, "WLD", 2024) > 0).collect();
    let worst_2024 = NINE.iter().min_by_key(|g| bal(g, "WLD", 2024)).copied();
    let five: i64 = ["EU", "CN", "MX", "KR", "JP"]
        .iter()
        .map(|p| v(&format!("imports/all/{p}/2024")))
        .sum();
    let ranked = |measure: &str, group: &str| -> Vec<(PartnerCode, u32)> {
        let rows: Vec<(PartnerCode, atp_core::PartnerKind, i64)> = ["EU", "CN", "MX", "KR", "JP"]
            .iter()
            .map(|p| {
                let partner = Partner::try_from(*p).unwrap();
                (
                    partner.code,
                    partner.kind,
                    v(&format!("{measure}/{group}/{p}/2024")),
                )
            })
            .collect();
        let mut shares: Vec<(PartnerCode, u32)> = partner_shares(
            v(&format!("{measure}/{group}/WLD/2024")),
            &rows,
            atp_core::Period::annual(atp_core::Year::new(2024).unwrap()),
        )
        .into_iter()
        .map(|s| (s.partner, s.rank.unwrap()))
        .collect();
        shares.sort_by_key(|s| s.1);
        shares
    };
    let order = |measure: &str, group: &str| -> Vec<String> {
        ranked(measure, group)
            .into_iter()
            .map(|(p, _)| p.to_string())
            .collect()
    };
    let positive_tsi_2024: Vec<&str> = NINE
        .iter()
        .copied()
        .filter(|g| {
            trade_specialisation_index(
                v(&format!("exports/{g}/WLD/2024")),
                v(&format!("imports/{g}/WLD/2024")),
            )
            .is_ok_and(|t| t > 0.0)
        })
        .collect();

    vec![
        // II.1 ATP overall
        pct(
            "256%* 증가한 총 7,620억 달러",
            growth("imports", "all", "WLD").change_pct,
            256.0,
            1.0,
        ),
        pct(
            "(2,430억 달러 → 4,620억 달러, 90%)",
            growth("exports", "all", "WLD").change_pct,
            90.0,
            1.0,
        ),
        usd(
            "'14년 290억 달러 흑자에서",
            bal("all", "WLD", 2014),
            290 * B,
            B,
        ),
        usd(
            "'24년 3,000억 달러 적자로 급감",
            bal("all", "WLD", 2024),
            -3000 * B,
            10 * B,
        ),
        fact(
            "'14년 290억 달러 흑자에서 '24년 3,000억 달러 적자로",
            growth_between(bal("all", "WLD", 2014), bal("all", "WLD", 2024), 10.0).multiple
                == Err(Undefined::SignChange),
            "the balance changed sign: its multiple and CAGR are undefined (sign_change), not a number",
        ),
        fact(
            "9개 ATP 그룹 중 4개 그룹에서 무역 순흑자를 기록",
            surpluses_2014 == 4,
            format!("{surpluses_2014} groups in surplus in 2014"),
        ),
        fact(
            "'24년에는 8개 그룹이 적자로 전환",
            deficits_2024 == 8,
            format!("{deficits_2024} groups in deficit in 2024"),
        ),
        fact(
            "9개 ATP 그룹 중 유일하게 '24년 순무역 흑자(790억 달러)를 유지",
            surplus_2024 == [&"aerospace"] && bal("aerospace", "WLD", 2024) == 790 * B,
            format!("groups in surplus in 2024: {surplus_2024:?}"),
        ),
        fact(
            "9개 ATP 그룹 중 유일하게 '24년 순무역 흑자(790억 달러)를 유지",
            positive_tsi_2024 == ["aerospace"],
            format!(
                "groups with a positive trade specialisation index in 2024: {positive_tsi_2024:?}"
            ),
        ),
        fact(
            "9개 ATP 그룹 중 가장 규모가 큰 적자를 기록한 부문",
            worst_2024 == Some("information-communications"),
            format!("largest deficit in 2024: {worst_2024:?}"),
        ),
        pct(
            "5개 국가·지역이 59%를 차지",
            share_pct(five, v("imports/all/WLD/2024")),
            59.0,
            1.0,
        ),
        pct(
            "EU(1,800억 달러, 24%)",
            share("imports", "all", "EU", 2024),
            24.0,
            1.0,
        ),
        pct(
            "중국(1,120억 달러, 15%)",
            share("imports", "all", "CN", 2024),
            15.0,
            1.0,
        ),
        pct(
            "멕시코(1,020억 달러, 13%)",
            share("imports", "all", "MX", 2024),
            13.0,
            1.0,
        ),
        pct(
            "한국(290억 달러, 4%)",
            share("imports", "all", "KR", 2024),
            4.0,
            1.0,
        ),
        pct(
            "일본(280억 달러, 4%)",
            share("imports", "all", "JP", 2024),
            4.0,
            1.0,
        ),
        pct(
            "EU(1,120억 달러, 24%)",
            share("exports", "all", "EU", 2024),
            24.0,
            1.0,
        ),
        pct(
            "멕시코(560억 달러, 12%)",
            share("exports", "all", "MX", 2024),
            12.0,
            1.0,
        ),
        pct(
            "중국(430억 달러, 9%)",
            share("exports", "all", "CN", 2024),
            9.0,
            1.0,
        ),
        pct(
            "일본(210억 달러, 5%)",
            share("exports", "all", "JP", 2024),
            5.0,
            1.0,
        ),
        pct(
            "한국(130억 달러, 3%)",
            share("exports", "all", "KR", 2024),
            3.0,
            1.0,
        ),
        fact(
            "주요 수입국은 EU(24%)가 최대 비중을 차지하며, 중국(15%), 멕시코(13%), 한국(4%), 일본(4%)의 순",
            order("imports", "all") == ["EU", "CN", "MX", "KR", "JP"],
            format!("ranked: {:?}", order("imports", "all")),
        ),
        fact(
            "이들 국가의 미국 ATP 수입 내 비중이 확대되는 추세",
            ["KR", "MX", "EU"]
                .iter()
                .all(|p| share_rose("imports", "all", p))
                && ["JP", "CN"]
                    .iter()
                    .all(|p| !share_rose("imports", "all", p)),
            "Korea, Mexico and the EU gained import share from 2014 to 2024; Japan and China lost it",
        ),
        usd(
            "(對 일본) 2억 5천만 달러 흑자 → 70억 달러 적자",
            bal("all", "JP", 2024),
            -70 * B,
            B,
        ),
        usd(
            "'14년 33억 달러 흑자에서 '24년 680억 달러 적자로 돌아선 EU",
            bal("all", "EU", 2024),
            -680 * B,
            B,
        ),
        // II.2 Biotechnology
        pct(
            "4억 1,500만 달러에서 1,250억 달러로 301배 상승",
            multiple(
                v("imports/biotechnology/WLD/2014"),
                v("imports/biotechnology/WLD/2024"),
            ),
            301.0,
            1.0,
        ),
        usd(
            "'14년 11억 달러 흑자에서 '24년 680억 달러 적자로 전환",
            bal("biotechnology", "WLD", 2014),
            11 * B,
            B,
        ),
        usd(
            "'14년 11억 달러 흑자에서 '24년 680억 달러 적자로 전환",
            bal("biotechnology", "WLD", 2024),
            -680 * B,
            B,
        ),
        pct(
            "EU(900억 달러, 72%)",
            share("imports", "biotechnology", "EU", 2024),
            72.0,
            1.0,
        ),
        pct(
            "일본(53억 달러, 4%)",
            share("imports", "biotechnology", "JP", 2024),
            4.0,
            1.0,
        ),
        pct(
            "한국(37억 달러, 3%)",
            share("imports", "biotechnology", "KR", 2024),
            3.0,
            1.0,
        ),
        fact(
            "미국의 최대 바이오 ATP 공급국 지위를 유지",
            order("imports", "biotechnology")[0] == "EU",
            format!("{:?}", order("imports", "biotechnology")),
        ),
        // II.3 Life science
        pct(
            "380억 달러에서 730억 달러로 대폭 증가하였으며(증가율 92%)",
            growth("imports", "life-science", "WLD").change_pct,
            92.0,
            1.0,
        ),
        pct(
            "290억 달러에서 400억 달러로 약 40% 증가",
            growth("exports", "life-science", "WLD").change_pct,
            40.0,
            10.0,
        ),
        usd(
            "-92억 달러에서 -330억 달러로 확대",
            bal("life-science", "WLD", 2024),
            -330 * B,
            B,
        ),
        fact(
            "-92억 달러에서 -330억 달러로 확대",
            percent_change(
                v("balance/life-science/WLD/2014"),
                v("balance/life-science/WLD/2024"),
            ) == Err(Undefined::NegativeBase),
            "a deficit that grows has no percent change: negative_base",
        ),
        pct(
            "EU(320억 달러, 44%)",
            share("imports", "life-science", "EU", 2024),
            44.0,
            1.0,
        ),
        pct(
            "멕시코(86억 달러, 12%)",
            share("imports", "life-science", "MX", 2024),
            12.0,
            1.0,
        ),
        pct(
            "EU(140억 달러, 35%)",
            share("exports", "life-science", "EU", 2024),
            35.0,
            1.0,
        ),
        pct(
            "일본산 수입액은 17억 달러에서 15억 달러로 12% 감소",
            growth("imports", "life-science", "JP").change_pct,
            -12.0,
            1.0,
        ),
        // II.4 Opto-electronics
        pct(
            "41억 달러에서 330억 달러로 7배 증가",
            increase_multiple("imports", "opto-electronics", "WLD"),
            7.0,
            1.0,
        ),
        pct(
            "멕시코(94억 달러, 28%)",
            share("imports", "opto-electronics", "MX", 2024),
            28.0,
            1.0,
        ),
        usd(
            "-12억 달러에서 -270억 달러로 258억 달러 확대",
            reported_change("opto-electronics", "WLD"),
            -258 * B,
            B,
        ),
        usd(
            "7억 5,900만 달러 개선",
            reported_change("opto-electronics", "CN"),
            759_000_000,
            1_000_000,
        ),
        fact(
            "'24년 멕시코가 '14년 미국의 최대 수입국이었던 중국의 위치를 대체",
            order("imports", "opto-electronics")[0] == "MX",
            format!("{:?}", order("imports", "opto-electronics")),
        ),
        // II.5 Information and communications
        usd(
            "-690억 달러에서 -2,310억 달러로 1,620억 달러 규모 확대",
            reported_change("information-communications", "WLD"),
            -1620 * B,
            10 * B,
        ),
        pct(
            "멕시코(640억 달러, 18%)",
            share("imports", "information-communications", "MX", 2024),
            18.0,
            1.0,
        ),
        pct(
            "멕시코(290억 달러, 24%)",
            share("exports", "information-communications", "MX", 2024),
            24.0,
            1.0,
        ),
        // II.6 Electronics
        pct(
            "46억 달러에서 880억 달러로 18배 증가",
            increase_multiple("imports", "electronics", "WLD"),
            18.0,
            1.0,
        ),
        usd(
            "'24년 160억 달러 적자로 대폭 악화",
            bal("electronics", "WLD", 2024),
            -160 * B,
            B,
        ),
        fact(
            "미국의 전자 ATP 최대 수입국 지위가 '14년 중국에서 '24년 EU로 교체",
            order("imports", "electronics")[0] == "EU",
            format!("{:?}", order("imports", "electronics")),
        ),
        pct(
            "EU(160억 달러, 18%)",
            share("imports", "electronics", "EU", 2024),
            18.0,
            1.0,
        ),
        pct(
            "멕시코(150억 달러, 17%)",
            share("imports", "electronics", "MX", 2024),
            17.0,
            1.0,
        ),
        pct(
            "멕시코(136억 달러, 19%)",
            share("exports", "electronics", "MX", 2024),
            19.0,
            1.0,
        ),
        // II.7 Flexible manufacturing
        pct(
            "127억 달러에서 199억 달러로 57% 증가",
            growth("imports", "flexible-manufacturing", "WLD").change_pct,
            57.0,
            1.0,
        ),
        pct(
            "147억 달러에서 193억 달러로 31% 증가",
            growth("exports", "flexible-manufacturing", "WLD").change_pct,
            31.0,
            1.0,
        ),
        usd(
            "'14년 20억 달러 흑자에서 '24년 6억 3,100만 달러 적자로 전환",
            bal("flexible-manufacturing", "WLD", 2014),
            20 * B,
            B,
        ),
        pct(
            "EU(51억 달러, 26%)",
            share("imports", "flexible-manufacturing", "EU", 2024),
            26.0,
            1.0,
        ),
        pct(
            "일본(44억 달러, 22%)",
            share("imports", "flexible-manufacturing", "JP", 2024),
            22.0,
            1.0,
        ),
        usd(
            "38억 3,600만 달러 감소",
            reported_change("flexible-manufacturing", "ROW"),
            -3_836_000_000,
            1_000_000,
        ),
        // II.8 Advanced materials
        pct(
            "멕시코(15억 달러, 36%)",
            share("imports", "advanced-materials", "MX", 2024),
            36.0,
            1.0,
        ),
        pct(
            "일본(8억 달러, 19%)",
            share("imports", "advanced-materials", "JP", 2024),
            19.0,
            1.0,
        ),
        // II.9 Aerospace
        pct(
            "1,160억 달러에서 1,380억 달러로 19% 확대",
            growth("exports", "aerospace", "WLD").change_pct,
            19.0,
            1.0,
        ),
        usd(
            "'14년 960억 달러에서 '24년 790억 달러로 170억 달러 감소",
            reported_change("aerospace", "WLD"),
            -170 * B,
            B,
        ),
        pct(
            "EU(360억 달러, 26%)",
            share("exports", "aerospace", "EU", 2024),
            26.0,
            1.0,
        ),
        // II.10 Nuclear
        pct(
            "EU(27억 달러, 54%)",
            share("imports", "nuclear", "EU", 2024),
            54.0,
            1.0,
        ),
        pct(
            "중국(3억 2,600만 달러, 7%)",
            share("imports", "nuclear", "CN", 2024),
            7.0,
            1.0,
        ),
    ]
}

#[test]
fn at_least_forty_statements_of_the_brief_are_reproduced() {
    let all = statements();
    let failed: Vec<String> = all
        .iter()
        .filter(|s| !s.holds)
        .map(|s| format!("{}: {}", s.quote, s.shown))
        .collect();
    assert!(
        failed.is_empty(),
        "statements not reproduced:\n{}",
        failed.join("\n")
    );
    assert!(all.len() >= 40, "only {} statements", all.len());
    eprintln!("{} statements of the brief reproduced", all.len());
}

#[test]
fn every_statement_quotes_the_brief_exactly() {
    let Some(text) = seed::seed_text() else {
        return;
    };
    for s in statements() {
        assert!(text.contains(s.quote), "not in the brief: {}", s.quote);
    }
}

#[test]
fn group_ids_cover_the_nine_groups_of_the_brief() {
    for g in NINE {
        assert!(matches!(GroupId::try_from(g), Ok(GroupId::Group(x)) if x != Group::Weapons));
    }
}
