-- Back to one vintage per dataset and years only: keeps, of each dataset,
-- the vintage imported last, and of its observations the annual ones.
CREATE TABLE datasets (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    citation TEXT NOT NULL,
    source_url TEXT,
    vintage TEXT NOT NULL,
    notes TEXT NOT NULL,
    quality_notes TEXT NOT NULL,
    source_format TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    checksum TEXT NOT NULL
);
INSERT INTO datasets (id, title, publisher, citation, source_url, vintage, notes, quality_notes,
                      source_format, imported_at, row_count, checksum)
SELECT v.dataset_id, v.title, v.publisher, v.citation, v.source_url, v.vintage, v.notes,
       v.quality_notes, v.source_format, v.imported_at, v.row_count, v.checksum
FROM dataset_vintages v
WHERE v.imported_at = (SELECT MAX(w.imported_at) FROM dataset_vintages w
                       WHERE w.dataset_id = v.dataset_id);

CREATE TABLE observations_old (
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
INSERT INTO observations_old (dataset_id, measure, group_id, partner, year, value_usd, status,
                              rounding_usd, formula, inputs, section, quote)
SELECT o.dataset_id, o.measure, o.group_id, o.partner, o.year, o.value_usd, o.status,
       o.rounding_usd, o.formula, o.inputs, o.section, o.quote
FROM observations o
JOIN datasets d ON d.id = o.dataset_id AND d.vintage = o.vintage
WHERE o.month = 0;

DROP TABLE observations;
DROP TABLE dataset_vintages;
ALTER TABLE observations_old RENAME TO observations;
CREATE INDEX observations_by_group ON observations (dataset_id, group_id, year);
CREATE INDEX observations_by_partner ON observations (dataset_id, partner, year);
CREATE INDEX observations_by_year ON observations (dataset_id, year, measure);
UPDATE service_state SET value = value + 1 WHERE name = 'data_version';
