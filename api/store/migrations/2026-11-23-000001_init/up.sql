-- Portable SQL: the same migration runs on SQLite and PostgreSQL. A change
-- that needs backend-specific SQL gets its own folders per backend.
CREATE TABLE datasets (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    citation TEXT NOT NULL,
    source_url TEXT,
    vintage TEXT NOT NULL,
    notes TEXT NOT NULL,            -- JSON array of strings
    quality_notes TEXT NOT NULL,    -- JSON array of strings: what the import noticed
    source_format TEXT NOT NULL,    -- builtin | csv | census
    imported_at TEXT NOT NULL,      -- RFC 3339, UTC
    row_count BIGINT NOT NULL,
    checksum TEXT NOT NULL          -- sha256 of the canonical observations
);

CREATE TABLE observations (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    measure TEXT NOT NULL CHECK (measure IN ('imports', 'exports', 'balance')),
    group_id TEXT NOT NULL,
    partner TEXT NOT NULL,
    year INTEGER NOT NULL,
    value_usd BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reported', 'derived')),
    rounding_usd BIGINT,
    formula TEXT,
    inputs TEXT,
    section TEXT NOT NULL,
    quote TEXT NOT NULL,
    PRIMARY KEY (dataset_id, measure, group_id, partner, year)
);
CREATE INDEX observations_by_group ON observations (dataset_id, group_id, year);
CREATE INDEX observations_by_partner ON observations (dataset_id, partner, year);
CREATE INDEX observations_by_year ON observations (dataset_id, year, measure);

-- Partners a source names that the built-in partner table does not know
-- (a Census CTY_CODE without a mapping), kept with the source's name.
CREATE TABLE extra_partners (
    code TEXT PRIMARY KEY NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    census_code TEXT
);

-- Counters the service keeps: data_version grows with every committed
-- import or deletion, so replicas can tell that their copy is stale.
CREATE TABLE service_state (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO service_state (name, value) VALUES ('data_version', 0), ('builtin_seeded', 0);
