//! Census International Trade API responses, imported into SQLite and
//! PostgreSQL through `atp import` and through `ingest::prepare` +
//! `Store::import`.
//!
//! The expected figures were read by hand from the fixtures under
//! `tests/fixtures/census/`: the `GEN_VAL_YR` / `ALL_VAL_YR` cell of each
//! series' December row (or of its last month, for a series without a
//! December row) for a year; the `GEN_VAL_MO` / `ALL_VAL_MO` cell for a
//! month.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers and tests fail loudly on broken setup"
)]

use std::collections::BTreeMap;
use std::process::{Command, Output};

use crate::common::{StoreUrl as _, TestDb};
use atp_ingest as ingest;
use atp_store::{OnExisting, Store};

/// `imports-2017-hitech.json`: the world total (`CTY_CODE` `""`), the EU
/// (`0003`), China, Korea and Taiwan by the groups 01, 04 and 05, HITECH
/// `00` (non-atp) and `""` (all-goods). OECD (`0022`) and ASIA (`5XXX`) are
/// groupings. The annual values of the ATP groups:
const IMPORTS_2017: [(&str, i64); 15] = [
    ("imports/biotechnology/WLD/2017", 4_260_999_232),
    (
        "imports/information-communications/WLD/2017",
        107_240_983_215,
    ),
    ("imports/electronics/WLD/2017", 29_798_252_669),
    ("imports/biotechnology/EU/2017", 935_229_540),
    ("imports/information-communications/EU/2017", 24_290_666_877),
    ("imports/electronics/EU/2017", 6_886_607_687),
    ("imports/biotechnology/CN/2017", 1_201_389_082),
    ("imports/information-communications/CN/2017", 32_971_727_062),
    ("imports/electronics/CN/2017", 9_022_542_289),
    ("imports/biotechnology/KR/2017", 238_236_648),
    ("imports/information-communications/KR/2017", 6_572_342_580),
    ("imports/electronics/KR/2017", 1_758_609_234),
    // Taiwan has no biotechnology row for March nor December: the annual
    // value is November's year to date.
    ("imports/biotechnology/TW/2017", 113_760_441),
    ("imports/information-communications/TW/2017", 4_393_731_599),
    ("imports/electronics/TW/2017", 1_098_331_047),
];

/// `exports-2024-hitech.json` (columns in another order, `HITECH` twice,
/// `SUMMARY_LVL`): the world total (`CTY_CODE` `"-"`), the EU (`0003`, CGP),
/// China, Korea, Germany and Gaza (`5082`, not in the country table) by the
/// groups 04 and 08. APEC (`0026`) and EUROPE (`4XXX`) are groupings.
const EXPORTS_2024: [(&str, i64); 12] = [
    (
        "exports/information-communications/WLD/2024",
        85_329_231_876,
    ),
    ("exports/aerospace/WLD/2024", 128_725_413_343),
    ("exports/information-communications/EU/2024", 20_692_421_467),
    ("exports/aerospace/EU/2024", 29_157_044_205),
    ("exports/information-communications/CN/2024", 6_522_604_879),
    ("exports/aerospace/CN/2024", 8_860_645_892),
    ("exports/information-communications/KR/2024", 4_451_364_846),
    ("exports/aerospace/KR/2024", 6_400_064_587),
    ("exports/information-communications/DE/2024", 5_824_966_993),
    ("exports/aerospace/DE/2024", 7_751_531_193),
    ("exports/information-communications/5082/2024", 4_568_160),
    ("exports/aerospace/5082/2024", 5_980_827),
];

/// Months and the two commodity aggregates of `imports-2017-hitech.json`.
const IMPORTS_2017_MORE: [(&str, i64); 6] = [
    ("imports/biotechnology/KR/2017-01", 16_976_077),
    ("imports/biotechnology/KR/2017-02", 17_137_408),
    ("imports/all-goods/KR/2017-01", 8_586_406_028),
    ("imports/all-goods/WLD/2017-01", 139_280_317_238),
    ("imports/non-atp/KR/2017", 98_348_470_838),
    ("imports/non-atp/KR/2017-12", 8_273_033_674),
];

/// Rows `imports-2017-hitech.json` stores: 5 commodity groups (01, 04, 05,
/// 00, all goods) x 5 partners = 25 series, each with its twelve months but
/// Taiwan's biotechnology (no March, no December row), and each with its
/// year.
const IMPORTS_2017_ROWS: i64 = 25 * 12 - 2 + 25;

/// Rows `exports-2024-hitech.json` stores: 4 commodity groups (04, 08, 00,
/// all goods) x 6 partners = 24 series, twelve months and a year each.
const EXPORTS_2024_ROWS: i64 = 24 * 13;

/// Codes and slugs that must never appear as stored partners or groups.
const GROUPINGS: [&str; 6] = ["0022", "0026", "5XXX", "4XXX", "OECD", "APEC"];

fn fixture(name: &str) -> String {
    format!(
        "{}/../ingest/tests/fixtures/census/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn atp(db: &TestDb, args: &[&str]) -> Output {
    Command::new(atp_testkit::atp_bin!())
        .args(args)
        .env("ATP_DATABASE_URL", &db.url)
        .env("ATP_LOG", "info")
        .output()
        .expect("run atp")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn open(db: &TestDb) -> Store {
    Store::open(&db.store_url(), 2).unwrap()
}

/// A dataset's observations as `key -> value`.
fn values(store: &Store, dataset: &str) -> BTreeMap<String, i64> {
    store
        .latest_observations(dataset)
        .unwrap()
        .iter()
        .map(|o| (o.key.to_string(), o.value_usd))
        .collect()
}

/// A dataset's annual values of the ATP groups as `key -> value`.
fn annual_atp_values(store: &Store, dataset: &str) -> BTreeMap<String, i64> {
    store
        .latest_observations(dataset)
        .unwrap()
        .iter()
        .filter(|o| o.key.period.is_annual() && matches!(o.key.group, atp_core::GroupId::Group(_)))
        .map(|o| (o.key.to_string(), o.value_usd))
        .collect()
}

/// Whether every `key -> value` of `sets` is among a dataset's values.
fn assert_has(values: &BTreeMap<String, i64>, sets: &[&[(&str, i64)]]) {
    for (k, v) in sets.iter().flat_map(|s| s.iter()) {
        assert_eq!(values.get(*k), Some(v), "{k}");
    }
}

fn expected(sets: &[&[(&str, i64)]]) -> BTreeMap<String, i64> {
    sets.iter()
        .flat_map(|s| s.iter())
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect()
}

/// No grouping stored as a partner; no `all` stored (the service computes
/// it from the groups): ATP groups, non-atp and all-goods only.
fn assert_only_countries_and_commodity_groups(store: &Store, dataset: &str) {
    for o in store.latest_observations(dataset).unwrap() {
        let partner = o.key.partner.as_str();
        assert!(!GROUPINGS.contains(&partner), "{} stored", o.key);
        assert!(
            matches!(
                o.key.group,
                atp_core::GroupId::Group(_)
                    | atp_core::GroupId::NonAtp
                    | atp_core::GroupId::AllGoods
            ),
            "{} is not a commodity group of the response",
            o.key
        );
    }
}

fn imports_2017_through_the_binary(db: &TestDb) {
    let file = fixture("imports-2017-hitech.json");
    let out = atp(db, &["import", "--dataset", "census-2017", &file]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(&format!("rows={IMPORTS_2017_ROWS}")), "{err}");
    // What was skipped is said, not silently dropped.
    assert!(
        err.contains(
            "skipped 120 rows of Census groupings, which are not countries: 0022 OECD, 5XXX ASIA"
        ),
        "{err}"
    );

    let store = open(db);
    assert_eq!(
        annual_atp_values(&store, "census-2017"),
        expected(&[&IMPORTS_2017])
    );
    assert_has(&values(&store, "census-2017"), &[&IMPORTS_2017_MORE]);
    assert_only_countries_and_commodity_groups(&store, "census-2017");
    assert_eq!(store.observation_count().unwrap(), IMPORTS_2017_ROWS);

    let korea = store
        .latest_observations("census-2017")
        .unwrap()
        .into_iter()
        .find(|o| o.key.to_string() == "imports/biotechnology/KR/2017")
        .unwrap();
    assert_eq!(
        korea.provenance.citation.quote,
        "GEN_VAL_YR=238236648 (CTY_CODE 5800, HITECH 01, time 2017-12)"
    );
    assert!(
        korea.provenance.citation.section.starts_with(
            "US Census Bureau International Trade API, timeseries/intltrade/imports/hitech, 2017 \
             (December year-to-date, GEN_VAL_YR), retrieved "
        ),
        "{}",
        korea.provenance.citation.section
    );

    let datasets = store.datasets().unwrap();
    assert_eq!(datasets.len(), 1);
    let d = &datasets[0];
    assert_eq!(d.info.id, "census-2017");
    assert_eq!(d.source_format, "census");
    assert_eq!(d.row_count, IMPORTS_2017_ROWS);
    assert!(
        d.quality_notes.iter().any(|n| n.contains("0022 OECD")),
        "{:?}",
        d.quality_notes
    );
}

fn exports_2024_through_prepare_and_store(db: &TestDb) {
    let bytes = std::fs::read(fixture("exports-2024-hitech.json")).unwrap();
    let prepared = ingest::prepare(
        &[("exports-2024-hitech.json".to_owned(), bytes)],
        Some("census-2024"),
        "2026-11-23T00:00:00Z",
    )
    .unwrap();
    assert_eq!(prepared.format, atp_core::SourceFormat::Census);
    assert!(
        !prepared
            .quality_notes
            .iter()
            .any(|n| n.contains("incomplete")),
        "{:?}",
        prepared.quality_notes
    );
    let store = open(db);
    let summary = store.import(&prepared, OnExisting::Refuse).unwrap();
    assert_eq!(summary.rows as i64, EXPORTS_2024_ROWS);
    assert!(!summary.replaced);

    assert_eq!(
        annual_atp_values(&store, "census-2024"),
        expected(&[&EXPORTS_2024])
    );
    assert_only_countries_and_commodity_groups(&store, "census-2024");

    // Gaza is not in the country table: kept under its Census code, with the
    // name the response gives it.
    let extra = store.extra_partners().unwrap();
    assert_eq!(extra.len(), 1, "{extra:?}");
    assert_eq!(extra[0].code.as_str(), "5082");
    assert_eq!(extra[0].name_en, "GAZA STRIP ADMINISTERED BY ISRAEL");
    assert_eq!(extra[0].census_code.as_deref(), Some("5082"));
}

fn a_partial_year_is_reported_and_not_stored(db: &TestDb) {
    let store = open(db);
    let before = store.observation_count().unwrap();

    // An incomplete year gives its months and no annual value, and is said
    // to be incomplete.
    let out = atp(
        db,
        &[
            "import",
            "--dataset",
            "partial",
            &fixture("imports-2025-partial.json"),
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // 6 series (the world, China, Japan by groups 02 and 05), 6 months each.
    assert!(err.contains("rows=36"), "{err}");
    let incomplete =
        "2025: incomplete (months present: 01, 02, 03, 04, 05, 06); no annual value imported";
    assert!(err.contains(incomplete), "{err}");
    let partial = store.latest_observations("partial").unwrap();
    assert_eq!(partial.len(), 36);
    assert!(partial.iter().all(|o| o.key.period.month().is_some()));
    assert_eq!(
        values(&store, "partial").get("imports/life-science/CN/2025-06"),
        Some(&365_710_574)
    );
    assert_eq!(store.observation_count().unwrap(), before + 36);

    // Next to complete years, in one import: those have their years, 2025
    // its months only.
    let out = atp(
        db,
        &[
            "import",
            "--dataset",
            "mixed",
            &fixture("imports-2017-hitech.json"),
            &fixture("imports-2025-partial.json"),
            &fixture("exports-2024-hitech.json"),
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let rows = IMPORTS_2017_ROWS + 36 + EXPORTS_2024_ROWS;
    assert!(err.contains(&format!("rows={rows}")), "{err}");
    assert!(err.contains("2025: incomplete"), "{err}");
    assert_eq!(
        annual_atp_values(&store, "mixed"),
        expected(&[&IMPORTS_2017, &EXPORTS_2024])
    );
    assert_eq!(store.observation_count().unwrap(), before + 36 + rows);
    let mixed = store
        .datasets()
        .unwrap()
        .into_iter()
        .find(|d| d.info.id == "mixed")
        .unwrap();
    assert!(
        mixed.quality_notes.iter().any(|n| n == incomplete),
        "{:?}",
        mixed.quality_notes
    );
}

/// Each file of the malformed corpus, and where its error must point (after
/// the file name).
const BAD: [(&str, &str); 12] = [
    (
        "control-character.json",
        ", row 3, field CTY_NAME, value \"NOWHERE\\0\\u{1b}[2J\": text without control characters; this one holds a NUL character",
    ),
    (
        "duplicate-row.json",
        ", row 5, field time, value \"2023-02\": a duplicate row: row 3",
    ),
    ("invalid-json.json", ": invalid JSON at line 3, column "),
    (
        "invalid-key.html",
        ": the body looks like an HTML page, not a JSON array: probably an invalid API key",
    ),
    (
        "missing-cty-code.json",
        ", row 1, field CTY_CODE, value \"CTY_NAME,HITECH,HITECH_DESC,GEN_VAL_MO,GEN_VAL_YR,time\": the header has no column CTY_CODE",
    ),
    (
        "non-numeric-value.json",
        ", row 3, field GEN_VAL_MO, value \"1,234,567\": expected whole US dollars",
    ),
    (
        "too-few-cells.json",
        ", row 3, value \"6 cells\": expected 7 cells",
    ),
    (
        "truncated.json",
        ": the JSON ends early (a truncated file?) at line 4, column ",
    ),
    (
        "unknown-group.json",
        ", row 4, field HITECH, value \"11\": expected an ATP group code",
    ),
    (
        "value-too-large.json",
        ", row 3, field GEN_VAL_MO, value \"2000000000000000\": at most 1000000000000000 US dollars in magnitude",
    ),
    (
        "ytd-decreasing.json",
        ", row 4, field GEN_VAL_YR, value \"582080656\": series imports, group biotechnology (HITECH 01), partner CN, 2023: the year-to-date value falls from 582080661 in 2023-02 to 582080656 in 2023-03",
    ),
    (
        "ytd-mismatch.json",
        ", row 13, field GEN_VAL_YR, value \"3305559984\": series imports, group biotechnology (HITECH 01), partner CN, 2023: the twelve monthly values (GEN_VAL_MO) sum to 3305558984, but the December year-to-date value (GEN_VAL_YR) is 3305559984",
    ),
];

fn the_bad_corpus_is_refused_and_writes_nothing(db: &TestDb) {
    // Every file of the corpus is listed here.
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = BAD.iter().map(|(f, _)| *f).collect();
    assert_eq!(on_disk, listed);

    let good = atp(
        db,
        &[
            "import",
            "--dataset",
            "good",
            &fixture("imports-2017-hitech.json"),
        ],
    );
    assert!(good.status.success(), "{}", stderr(&good));
    let store = open(db);
    let before = store.observation_count().unwrap();
    let version = store.data_version().unwrap();
    assert_eq!(before, IMPORTS_2017_ROWS);

    for (name, at) in BAD {
        let path = fixture(&format!("bad/{name}"));
        let out = atp(db, &["import", "--dataset", "bad", &path]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{name} was accepted: {err}");
        assert!(err.contains(&format!("{path}{at}")), "{name}: {err}");
        assert_eq!(store.observation_count().unwrap(), before, "{name}");
        assert_eq!(store.data_version().unwrap(), version, "{name}");
        let ids: Vec<String> = store
            .datasets()
            .unwrap()
            .into_iter()
            .map(|d| d.info.id)
            .collect();
        assert_eq!(ids, ["good"], "{name}");
    }

    // A bad file spoils the good ones imported with it.
    let out = atp(
        db,
        &[
            "import",
            "--dataset",
            "bad",
            &fixture("exports-2024-hitech.json"),
            &fixture("bad/ytd-mismatch.json"),
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("ytd-mismatch.json, row 13"));
    assert_eq!(store.observation_count().unwrap(), before);
    assert_eq!(store.datasets().unwrap().len(), 1);
}

fn a_census_dataset_is_imported_once_unless_replaced(db: &TestDb) {
    let imports = fixture("imports-2017-hitech.json");
    let exports = fixture("exports-2024-hitech.json");
    let first = atp(db, &["import", "--dataset", "census", &imports]);
    assert!(first.status.success(), "{}", stderr(&first));
    let store = open(db);
    let version = store.data_version().unwrap();
    let first_vintage = store.datasets().unwrap()[0].info.vintage.clone();
    let checksum = store.datasets().unwrap()[0].checksum.clone();
    assert!(first_vintage.starts_with("retrieved "), "{first_vintage}");

    // The same figures again: refused, nothing written.
    let again = atp(db, &["import", "--dataset", "census", &imports]);
    let err = stderr(&again);
    assert!(!again.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "dataset \"census\" already holds these figures as vintage \"{first_vintage}\""
        )),
        "{err}"
    );
    assert_eq!(store.data_version().unwrap(), version);
    assert_eq!(
        annual_atp_values(&store, "census"),
        expected(&[&IMPORTS_2017])
    );

    // Replaced by the same figures: same checksum, one vintage.
    let same = atp(
        db,
        &["import", "--dataset", "census", "--replace", &imports],
    );
    assert!(same.status.success(), "{}", stderr(&same));
    assert!(stderr(&same).contains("replaced=true"), "{}", stderr(&same));
    assert_eq!(store.data_version().unwrap(), version + 1);
    let datasets = store.datasets().unwrap();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0].checksum, checksum);
    assert_eq!(store.observation_count().unwrap(), IMPORTS_2017_ROWS);

    // Other figures, a later retrieval: a new vintage beside the first.
    let later = atp(db, &["import", "--dataset", "census", &exports]);
    assert!(later.status.success(), "{}", stderr(&later));
    assert!(
        stderr(&later).contains("vintages_kept=1"),
        "{}",
        stderr(&later)
    );
    assert_eq!(store.datasets().unwrap().len(), 2);
    assert_eq!(
        store.observation_count().unwrap(),
        IMPORTS_2017_ROWS + EXPORTS_2024_ROWS
    );

    // Replaced by other figures: every old vintage is gone, not merged.
    let other = atp(
        db,
        &["import", "--dataset", "census", "--replace", &exports],
    );
    assert!(other.status.success(), "{}", stderr(&other));
    assert_eq!(
        annual_atp_values(&store, "census"),
        expected(&[&EXPORTS_2024])
    );
    assert_eq!(store.observation_count().unwrap(), EXPORTS_2024_ROWS);
    let datasets = store.datasets().unwrap();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0].row_count, EXPORTS_2024_ROWS);
    assert_ne!(datasets[0].checksum, checksum);
}

/// The two older `country.xlsx` vintages, imported with the one command the
/// README gives, beside the built-in one (2024-06), which is not stored.
fn the_older_country_vintages_are_imported_beside_the_built_in_one(db: &TestDb) {
    let data = format!("{}/../../data/census-country", env!("CARGO_MANIFEST_DIR"));
    let older = [
        format!("{data}/country-data-to-2019-10.xlsx"),
        format!("{data}/country-data-to-2023-01.xlsx"),
    ];
    let out = atp(db, &["import", &older[0], &older[1]]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let store = open(db);
    let vintages = store.datasets().unwrap();
    let listed: Vec<(&str, &str, Option<&str>, Option<String>)> = vintages
        .iter()
        .map(|d| {
            (
                d.info.id.as_str(),
                d.info.vintage.as_str(),
                d.published_on.as_deref(),
                d.last_period.map(|p| p.to_string()),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "census-country",
                "2019-10",
                Some("2019-12-05"),
                Some("2019-10".to_owned())
            ),
            (
                "census-country",
                "2023-01",
                Some("2023-03-07"),
                Some("2023-01".to_owned())
            ),
        ]
    );
    // Korea, January 2017 imports, as each vintage gives them.
    let korea = |vintage: &str| {
        store
            .observations("census-country", vintage)
            .unwrap()
            .into_iter()
            .find(|o| o.key.to_string() == "imports/all-goods/KR/2017-01")
            .map(|o| o.value_usd)
    };
    assert_eq!(korea("2019-10"), Some(5_955_204_041));
    assert_eq!(korea("2023-01"), Some(5_953_946_323));
    // The unpublished months of each file's last year are not stored.
    let months_2019 = store
        .observations("census-country", "2019-10")
        .unwrap()
        .into_iter()
        .filter(|o| o.key.to_string().starts_with("imports/all-goods/WLD/2019-"))
        .count();
    assert_eq!(months_2019, 10);

    // The same files again: refused, nothing written.
    let count = store.observation_count().unwrap();
    let again = atp(db, &["import", &older[0]]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds these figures as vintage \"2019-10\""),
        "{}",
        stderr(&again)
    );
    // The built-in vintage cannot be stored beside itself.
    let builtin = atp(
        db,
        &["import", &format!("{data}/country-data-to-2024-06.xlsx")],
    );
    assert!(!builtin.status.success());
    assert!(
        stderr(&builtin).contains(
            "vintage \"2024-06\" of dataset \"census-country\" is built into the service"
        ),
        "{}",
        stderr(&builtin)
    );
    assert_eq!(store.observation_count().unwrap(), count);
}

/// Each broken workbook of the corpus is refused and writes nothing, alone
/// or beside a good one.
fn the_bad_workbooks_are_refused_and_write_nothing(db: &TestDb) {
    let dir = format!(
        "{}/../ingest/tests/fixtures/country",
        env!("CARGO_MANIFEST_DIR")
    );
    let good = format!("{dir}/good.xlsx");
    let first = atp(
        db,
        &["import", "--dataset", "small", "--vintage", "v1", &good],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let store = open(db);
    let before = store.observation_count().unwrap();
    let version = store.data_version().unwrap();
    assert_eq!(before, 6 * 2 * (13 + 6));
    let mut names: Vec<String> = std::fs::read_dir(format!("{dir}/bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 12);
    for name in &names {
        let path = format!("{dir}/bad/{name}");
        for files in [vec![path.clone()], vec![good.clone(), path.clone()]] {
            let mut args = vec!["import", "--dataset", "small"];
            args.extend(files.iter().map(String::as_str));
            let out = atp(db, &args);
            let err = stderr(&out);
            assert!(!out.status.success(), "{name} was accepted: {err}");
            assert!(err.contains(path.as_str()), "{name}: {err}");
            assert_eq!(store.observation_count().unwrap(), before, "{name}");
            assert_eq!(store.data_version().unwrap(), version, "{name}");
        }
    }
}

atp_testkit::on_both_databases!(
    the_older_country_vintages_are_imported_beside_the_built_in_one,
    the_bad_workbooks_are_refused_and_write_nothing,
    imports_2017_through_the_binary,
    exports_2024_through_prepare_and_store,
    a_partial_year_is_reported_and_not_stored,
    the_bad_corpus_is_refused_and_writes_nothing,
    a_census_dataset_is_imported_once_unless_replaced,
);
