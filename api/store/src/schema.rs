//! The database schema, as diesel sees it (matches `api/store/migrations`).

diesel::table! {
    datasets (id) {
        id -> Text,
        title -> Text,
        publisher -> Text,
        citation -> Text,
        source_url -> Nullable<Text>,
        vintage -> Text,
        notes -> Text,
        quality_notes -> Text,
        source_format -> Text,
        imported_at -> Text,
        row_count -> BigInt,
        checksum -> Text,
    }
}

diesel::table! {
    observations (dataset_id, measure, group_id, partner, year) {
        dataset_id -> Text,
        measure -> Text,
        group_id -> Text,
        partner -> Text,
        year -> Integer,
        value_usd -> BigInt,
        status -> Text,
        rounding_usd -> Nullable<BigInt>,
        formula -> Nullable<Text>,
        inputs -> Nullable<Text>,
        section -> Text,
        quote -> Text,
    }
}

diesel::table! {
    extra_partners (code) {
        code -> Text,
        name_en -> Text,
        kind -> Text,
        census_code -> Nullable<Text>,
    }
}

diesel::table! {
    service_state (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::joinable!(observations -> datasets (dataset_id));
diesel::allow_tables_to_appear_in_same_query!(
    datasets,
    observations,
    extra_partners,
    service_state
);
