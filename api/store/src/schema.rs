//! The database schema, as diesel sees it (matches `api/store/migrations`).

diesel::table! {
    dataset_vintages (dataset_id, vintage) {
        dataset_id -> Text,
        vintage -> Text,
        title -> Text,
        publisher -> Text,
        citation -> Text,
        source_url -> Nullable<Text>,
        notes -> Text,
        quality_notes -> Text,
        source_format -> Text,
        imported_at -> Text,
        row_count -> BigInt,
        checksum -> Text,
        last_period -> Nullable<Text>,
        published_on -> Nullable<Text>,
    }
}

diesel::table! {
    observations (dataset_id, vintage, measure, group_id, partner, year, month) {
        dataset_id -> Text,
        vintage -> Text,
        measure -> Text,
        group_id -> Text,
        partner -> Text,
        year -> Integer,
        month -> Integer,
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

diesel::allow_tables_to_appear_in_same_query!(
    dataset_vintages,
    observations,
    extra_partners,
    service_state
);
