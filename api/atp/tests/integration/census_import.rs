//! Census International Trade API responses, imported into SQLite and
//! PostgreSQL through `atp import` and through `ingest::prepare` +
//! `Store::import`.
//!
//! The expected figures were read by hand from the fixtures under
//! `tests/fixtures/census/`: the `GEN_VAL_YR` / `ALL_VAL_YR` cell of each
//! series' December row (or of its last month, for a series without a
//! December row).

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
/// (`0003`), China, Korea and Taiwan by the groups 01, 04 and 05. OECD (`0022`)
/// and ASIA (`5XXX`) are groupings; HITECH `00` and `""` are not ATP groups.
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

fn expected(sets: &[&[(&str, i64)]]) -> BTreeMap<String, i64> {
    sets.iter()
        .flat_map(|s| s.iter())
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect()
}

/// Neither a grouping as a partner nor a non-ATP commodity as a group.
fn assert_only_countries_and_atp_groups(store: &Store, dataset: &str) {
    for o in store.latest_observations(dataset).unwrap() {
        let partner = o.key.partner.as_str();
        assert!(!GROUPINGS.contains(&partner), "{} stored", o.key);
        assert!(
            atp_core::Group::ALL
                .iter()
                .any(|g| atp_core::GroupId::Group(*g) == o.key.group),
            "{} is not an ATP group",
            o.key
        );
    }
}

fn imports_2017_through_the_binary(db: &TestDb) {
    let file = fixture("imports-2017-hitech.json");
    let out = atp(db, &["import", "--dataset", "census-2017", &file]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("rows=15"), "{err}");
    // What was skipped is said, not silently dropped.
    assert!(
        err.contains(
            "skipped 72 rows of Census groupings, which are not countries: 0022 OECD, 5XXX ASIA"
        ),
        "{err}"
    );
    assert!(err.contains("84 with HITECH 00"), "{err}");

    let store = open(db);
    assert_eq!(values(&store, "census-2017"), expected(&[&IMPORTS_2017]));
    assert_only_countries_and_atp_groups(&store, "census-2017");
    assert_eq!(store.observation_count().unwrap(), 15);

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
    assert_eq!(d.row_count, 15);
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
    assert_eq!(summary.rows, 12);
    assert!(!summary.replaced);

    assert_eq!(values(&store, "census-2024"), expected(&[&EXPORTS_2024]));
    assert_only_countries_and_atp_groups(&store, "census-2024");

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

    // An incomplete year gives no annual value; a file with nothing but an
    // incomplete year is refused (no empty dataset), saying why.
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
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("imports-2025-partial.json: nothing to import"),
        "{err}"
    );
    assert!(
        err.contains(
            "2025: incomplete (months present: 01, 02, 03, 04, 05, 06); no annual value imported"
        ),
        "{err}"
    );
    assert!(
        err.contains("a dataset needs at least one complete year"),
        "{err}"
    );
    assert_eq!(store.observation_count().unwrap(), before);
    assert!(
        store
            .datasets()
            .unwrap()
            .iter()
            .all(|d| d.info.id != "partial")
    );

    // Next to complete years, in one import: those are stored, 2025 is not.
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
    assert!(err.contains("rows=27"), "{err}");
    assert!(err.contains("2025: incomplete"), "{err}");
    assert_eq!(
        values(&store, "mixed"),
        expected(&[&IMPORTS_2017, &EXPORTS_2024])
    );
    assert_eq!(store.observation_count().unwrap(), before + 27);
    let mixed = store
        .datasets()
        .unwrap()
        .into_iter()
        .find(|d| d.info.id == "mixed")
        .unwrap();
    assert!(
        mixed.quality_notes.iter().any(|n| n
            == "2025: incomplete (months present: 01, 02, 03, 04, 05, 06); no annual value imported"),
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
    assert_eq!(before, 15);

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
    let checksum = store.datasets().unwrap()[0].checksum.clone();

    let again = atp(db, &["import", "--dataset", "census", &imports]);
    let err = stderr(&again);
    assert!(!again.status.success(), "{err}");
    assert!(err.contains("dataset \"census\" already exists"), "{err}");
    assert!(err.contains("replace it explicitly"), "{err}");
    assert_eq!(store.data_version().unwrap(), version);
    assert_eq!(values(&store, "census"), expected(&[&IMPORTS_2017]));

    // The same figures again: same checksum.
    let same = atp(
        db,
        &["import", "--dataset", "census", "--replace", &imports],
    );
    assert!(same.status.success(), "{}", stderr(&same));
    assert!(stderr(&same).contains("replaced=true"), "{}", stderr(&same));
    assert_eq!(store.data_version().unwrap(), version + 1);
    assert_eq!(store.datasets().unwrap()[0].checksum, checksum);
    assert_eq!(store.observation_count().unwrap(), 15);

    // Other figures: the old rows are gone, not merged.
    let other = atp(
        db,
        &["import", "--dataset", "census", "--replace", &exports],
    );
    assert!(other.status.success(), "{}", stderr(&other));
    assert_eq!(values(&store, "census"), expected(&[&EXPORTS_2024]));
    assert_eq!(store.observation_count().unwrap(), 12);
    let datasets = store.datasets().unwrap();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0].row_count, 12);
    assert_ne!(datasets[0].checksum, checksum);
}

atp_testkit::on_both_databases!(
    imports_2017_through_the_binary,
    exports_2024_through_prepare_and_store,
    a_partial_year_is_reported_and_not_stored,
    the_bad_corpus_is_refused_and_writes_nothing,
    a_census_dataset_is_imported_once_unless_replaced,
);
