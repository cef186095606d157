-- Vintages and months. A dataset is now a set of vintages (releases of its
-- source: the brief's edition, a country.xlsx with data to 2024-06, a fetch
-- of the Census API on a day); each observation belongs to one vintage, and
-- an import of a newer release keeps the older ones. A period is a year
-- (month 0) or a month (1..12). Portable SQL, as the first migration.
--
-- Built-in datasets are no longer stored: the binary serves them from its
-- embedded files, so their rows are not carried over.

CREATE TABLE dataset_vintages (
    dataset_id TEXT NOT NULL,
    vintage TEXT NOT NULL,          -- the release's id: '2024-06', 'retrieved 2026-...'
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    citation TEXT NOT NULL,
    source_url TEXT,
    notes TEXT NOT NULL,            -- JSON array of strings
    quality_notes TEXT NOT NULL,    -- JSON array of strings: what the import noticed
    source_format TEXT NOT NULL,    -- csv | census | census-country-xlsx
    imported_at TEXT NOT NULL,      -- RFC 3339, UTC
    row_count BIGINT NOT NULL,
    checksum TEXT NOT NULL,         -- sha256 of the canonical observations
    last_period TEXT,               -- the latest period covered: YYYY or YYYY-MM
    published_on TEXT,              -- when the source published it: YYYY-MM-DD
    PRIMARY KEY (dataset_id, vintage)
);

INSERT INTO dataset_vintages (dataset_id, vintage, title, publisher, citation, source_url, notes,
                              quality_notes, source_format, imported_at, row_count, checksum,
                              last_period, published_on)
SELECT id, vintage, title, publisher, citation, source_url, notes, quality_notes, source_format,
       imported_at, row_count, checksum, NULL, NULL
FROM datasets
WHERE source_format <> 'builtin';

CREATE TABLE observations_by_vintage (
    dataset_id TEXT NOT NULL,
    vintage TEXT NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('imports', 'exports', 'balance')),
    group_id TEXT NOT NULL,
    partner TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 0 AND 12),   -- 0: the whole year
    value_usd BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reported', 'derived')),
    rounding_usd BIGINT,
    formula TEXT,
    inputs TEXT,
    section TEXT NOT NULL,
    quote TEXT NOT NULL,
    PRIMARY KEY (dataset_id, vintage, measure, group_id, partner, year, month),
    FOREIGN KEY (dataset_id, vintage) REFERENCES dataset_vintages (dataset_id, vintage)
        ON DELETE CASCADE
);

INSERT INTO observations_by_vintage (dataset_id, vintage, measure, group_id, partner, year,
                                     month, value_usd, status, rounding_usd, formula, inputs,
                                     section, quote)
SELECT o.dataset_id, d.vintage, o.measure, o.group_id, o.partner, o.year, 0, o.value_usd,
       o.status, o.rounding_usd, o.formula, o.inputs, o.section, o.quote
FROM observations o
JOIN datasets d ON d.id = o.dataset_id
WHERE d.source_format <> 'builtin';

DROP TABLE observations;
DROP TABLE datasets;
ALTER TABLE observations_by_vintage RENAME TO observations;

CREATE INDEX observations_by_group ON observations (dataset_id, vintage, group_id, year);
CREATE INDEX observations_by_partner ON observations (dataset_id, vintage, partner, year);

-- Readers holding the old model see a new version and reload.
UPDATE service_state SET value = value + 1 WHERE name = 'data_version';
