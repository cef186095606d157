//! Storage and import, on SQLite and on PostgreSQL.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers and tests fail loudly on broken setup"
)]

use crate::common::{StoreUrl as _, TestDb};
use atp_core::builtin::brief;
use atp_core::{ExtraPartner, NewDataset, SourceFormat};
use atp_ingest::{self as ingest, tidy};
use atp_store::{OnExisting, Store, StoreError};

fn open(db: &TestDb) -> Store {
    Store::open(&db.store_url(), 4).unwrap()
}

fn builtin_as_csv(dataset: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    tidy::write(dataset, &brief().unwrap().observations, &mut buf).unwrap();
    buf
}

fn import_files(
    store: &Store,
    files: &[(&str, Vec<u8>)],
    dataset: Option<&str>,
    on: OnExisting,
) -> Result<usize, String> {
    let files: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, b)| ((*n).to_owned(), b.clone()))
        .collect();
    let p = ingest::prepare(&files, dataset, "2026-11-23T00:00:00Z").map_err(|e| e.to_string())?;
    store
        .import(&p, on)
        .map(|s| s.rows)
        .map_err(|e| e.to_string())
}

fn builtin_datasets_are_not_stored(db: &TestDb) {
    // The binary serves them from its embedded files: a new database holds
    // no dataset, and opening it again changes nothing.
    let store = open(db);
    assert_eq!(store.observation_count().unwrap(), 0);
    assert!(store.datasets().unwrap().is_empty());
    let version = store.data_version().unwrap();
    let again = open(db);
    assert_eq!(again.data_version().unwrap(), version);
    assert!(again.datasets().unwrap().is_empty());
}

fn csv_round_trip_reproduces_the_builtin_dataset(db: &TestDb) {
    let store = open(db);
    let exported = brief().unwrap().observations.clone();
    let mut csv = Vec::new();
    tidy::write("brief-copy", &exported, &mut csv).unwrap();
    let rows = import_files(
        &store,
        &[("copy.csv", csv)],
        Some("brief-copy"),
        OnExisting::Refuse,
    )
    .unwrap();
    assert_eq!(rows, exported.len());
    let copy = store.latest_observations("brief-copy").unwrap();
    let mut original = brief().unwrap().observations.clone();
    original.sort_by_key(|o| o.key);
    assert_eq!(
        copy, original,
        "every value, status, rounding, derivation and citation survives"
    );
    let datasets = store.datasets().unwrap();
    assert_eq!(
        datasets[0].checksum,
        atp_core::catalog::checksum(&brief().unwrap().observations),
        "same figures, same checksum"
    );
}

fn importing_twice_is_refused_unless_replaced(db: &TestDb) {
    let store = open(db);
    let csv = builtin_as_csv("twice");
    import_files(
        &store,
        &[("a.csv", csv.clone())],
        Some("twice"),
        OnExisting::Refuse,
    )
    .unwrap();
    let rows = store.observation_count().unwrap();
    let version = store.data_version().unwrap();
    let err = import_files(
        &store,
        &[("a.csv", csv.clone())],
        Some("twice"),
        OnExisting::Refuse,
    )
    .unwrap_err();
    assert!(err.contains("dataset \"twice\" already exists"), "{err}");
    assert_eq!(store.observation_count().unwrap(), rows);
    assert_eq!(store.data_version().unwrap(), version);
    import_files(
        &store,
        &[("a.csv", csv)],
        Some("twice"),
        OnExisting::Replace,
    )
    .unwrap();
    assert_eq!(store.observation_count().unwrap(), rows);
    assert_eq!(store.data_version().unwrap(), version + 1);
}

fn malformed_files_write_nothing(db: &TestDb) {
    let store = open(db);
    let before = store.observation_count().unwrap();
    let good = String::from_utf8(builtin_as_csv("bad")).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    let header = lines.remove(0);
    let body = lines.join("\n");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "non-numeric value",
            good.replacen(
                ",biotechnology,WLD,2014,imports,415000000,",
                ",biotechnology,WLD,2014,imports,4.15억,",
                1,
            ),
            "value_usd",
        ),
        (
            "unknown group",
            good.replacen(
                ",biotechnology,WLD,2014,imports,",
                ",biotech,WLD,2014,imports,",
                1,
            ),
            "group",
        ),
        (
            "wrong header",
            good.replacen("value_usd", "value", 1),
            "header",
        ),
        (
            "duplicate row",
            format!("{header}\n{body}\n{}\n", lines[3]),
            "dataset,group,partner,year,flow",
        ),
        (
            "truncated file",
            format!("{header}\n{}\nbad,biotechnology,W", lines[..10].join("\n")),
            "",
        ),
        (
            "bad year",
            good.replacen(",2014,imports,415000000,", ",20l4,imports,415000000,", 1),
            "year",
        ),
        ("empty file", String::new(), ""),
        // Every line of a file is accounted for: a quote left open would
        // swallow the rows after it into one field.
        (
            "a quote left open",
            format!(
                "{header}\n{}\nbad,biotechnology,KR,2030,imports,1,reported,\"open citation,,,,\n{}\n",
                lines[..5].join("\n"),
                lines[5..].join("\n")
            ),
            "citation",
        ),
        (
            "a line break inside a field",
            format!(
                "{header}\n{body}\nbad,biotechnology,KR,2030,imports,1,reported,\"two\nlines\",,,,\n"
            ),
            "citation",
        ),
        (
            "an over-long field",
            format!(
                "{header}\n{body}\nbad,biotechnology,KR,2030,imports,1,reported,{},,,,\n",
                "x".repeat(5_000)
            ),
            "citation",
        ),
        (
            "a NUL in a field",
            format!("{header}\n{body}\nbad,biotechnology,KR,2030,imports,1,reported,a\0b,,,,\n"),
            "citation",
        ),
        (
            "an escape code in a field",
            format!(
                "{header}\n{body}\nbad,biotechnology,KR,2030,imports,1,reported,x,\u{1b}[31m,,,\n"
            ),
            "quote",
        ),
        (
            "a value beyond 10^15 dollars",
            format!(
                "{header}\n{body}\nbad,biotechnology,KR,2030,imports,10000000000000000,reported,x,,,,\n"
            ),
            "value_usd",
        ),
        (
            "the smallest i64 as a balance",
            format!(
                "{header}\n{body}\nbad,biotechnology,KR,2030,balance,-9223372036854775808,reported,x,,,,\n"
            ),
            "value_usd",
        ),
        (
            "a rounding beyond 10^15 dollars",
            format!(
                "{header}\n{body}\nbad,biotechnology,KR,2030,imports,1,reported,x,,10000000000000000,,\n"
            ),
            "rounding_usd",
        ),
    ];
    for (what, content, field) in cases {
        let err = import_files(
            &store,
            &[("bad.csv", content.into_bytes())],
            Some("bad"),
            OnExisting::Refuse,
        )
        .expect_err(what);
        assert!(err.starts_with("bad.csv"), "{what}: {err}");
        if !field.is_empty() {
            assert!(err.contains(&format!("field {field}")), "{what}: {err}");
            assert!(
                err.starts_with("bad.csv, row "),
                "{what}: names the row: {err}"
            );
        }
        assert!(
            err.len() < 2_000,
            "{what}: the error echoes at most a part: {err}"
        );
        assert_eq!(
            store.observation_count().unwrap(),
            before,
            "{what} wrote rows"
        );
        assert!(
            store.datasets().unwrap().iter().all(|d| d.info.id != "bad"),
            "{what} left a dataset"
        );
    }
}

fn a_failure_inside_the_transaction_rolls_everything_back(db: &TestDb) {
    let store = open(db);
    let before = store.observation_count().unwrap();
    // Bypass the parser: the second chunk repeats a key of the first, so the
    // database itself refuses the insert after thousands of rows went in.
    let ds = brief().unwrap();
    let mut obs = Vec::new();
    for year in 1990..2020u16 {
        for o in &ds.observations {
            let mut o = o.clone();
            o.key.period = atp_core::Period::annual(atp_core::Year::new(year).unwrap());
            obs.push(o);
        }
    }
    obs.push(obs[0].clone());
    let mut info = ds.info.clone();
    info.id = "half".to_owned();
    let dataset = NewDataset::new(info, SourceFormat::Csv, obs, Vec::new(), Vec::new());
    let err = store.import(&dataset, OnExisting::Refuse).unwrap_err();
    assert!(matches!(err, StoreError::Query(_)), "{err}");
    assert_eq!(store.observation_count().unwrap(), before);
    assert!(store.datasets().unwrap().is_empty());
    assert!(matches!(
        store.latest_observations("half"),
        Err(StoreError::DatasetNotFound(_))
    ));
}

fn extra_partners_are_kept(db: &TestDb) {
    let store = open(db);
    let ds = brief().unwrap();
    let mut info = ds.info.clone();
    info.id = "extra".to_owned();
    let code = atp_core::PartnerCode::parse_shape("9999").unwrap();
    let mut o = ds.observations[0].clone();
    o.key.partner = code;
    let extra = [ExtraPartner {
        code,
        name_en: "NOWHERE".to_owned(),
        kind: atp_core::PartnerKind::Country,
        census_code: Some("9999".to_owned()),
    }];
    let dataset = NewDataset::new(
        info,
        SourceFormat::Census,
        vec![o],
        extra.to_vec(),
        Vec::new(),
    );
    store.import(&dataset, OnExisting::Refuse).unwrap();
    assert_eq!(store.extra_partners().unwrap(), extra);
    assert_eq!(
        store.latest_observations("extra").unwrap()[0].key.partner,
        code
    );
}

atp_testkit::on_both_databases!(
    builtin_datasets_are_not_stored,
    csv_round_trip_reproduces_the_builtin_dataset,
    importing_twice_is_refused_unless_replaced,
    malformed_files_write_nothing,
    a_failure_inside_the_transaction_rolls_everything_back,
    extra_partners_are_kept,
);
