-- Run store schema. A run is a directory: run.sqlite (this schema) + sources/ (copies of the inputs, so the
-- review UI serves nothing from outside the run). Bump user_version when the schema changes.
PRAGMA user_version = 1;

CREATE TABLE IF NOT EXISTS run (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id        TEXT NOT NULL,          -- sha256 of the file bytes
    settings_hash TEXT NOT NULL,          -- what produced the results: extractor, model, prompt version, ...
    source        TEXT NOT NULL,          -- the path the user gave
    stored_as     TEXT,                   -- file name under sources/
    kind          TEXT,                   -- pdf | text
    pages         INTEGER,
    status        TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error_type    TEXT,
    error         TEXT,
    text          TEXT,                   -- Document.text, for the review UI
    finished_at   TEXT NOT NULL,
    PRIMARY KEY (doc_id, settings_hash)
);

CREATE TABLE IF NOT EXISTS records (
    record_id     TEXT PRIMARY KEY,       -- doc_id:block start offset
    doc_id        TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    position      INTEGER NOT NULL,       -- the block's start offset in Document.text (export order)
    confidence    REAL,
    needs_review  INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'edited', 'rejected')),
    json          TEXT NOT NULL,          -- ProjectRecord as JSON (the current, possibly edited, version)
    original_json TEXT NOT NULL           -- as extracted, before any review edit
);
CREATE INDEX IF NOT EXISTS records_by_doc ON records (doc_id);
CREATE INDEX IF NOT EXISTS records_by_confidence ON records (confidence);

CREATE TABLE IF NOT EXISTS findings (
    id            INTEGER PRIMARY KEY,
    doc_id        TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    record_id     TEXT,                   -- null for document-level findings
    position      INTEGER NOT NULL,       -- start of the first location, -1 without one (export order)
    rule_id       TEXT NOT NULL,
    severity      TEXT NOT NULL,
    json          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_doc ON findings (doc_id);
CREATE INDEX IF NOT EXISTS findings_by_record ON findings (record_id);

CREATE TABLE IF NOT EXISTS usage (
    doc_id            TEXT NOT NULL,
    settings_hash     TEXT NOT NULL,
    calls             INTEGER NOT NULL DEFAULT 0,
    cached_calls      INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost              TEXT NOT NULL DEFAULT '0',  -- Decimal as text
    PRIMARY KEY (doc_id, settings_hash)
);

CREATE TABLE IF NOT EXISTS reviews (
    id        INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,              -- field path, e.g. funding.annual_total or indicators[3].value_raw
    action    TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject')),
    old_value TEXT,                       -- JSON
    new_value TEXT,                       -- JSON
    reviewer  TEXT NOT NULL,
    at        TEXT NOT NULL               -- ISO 8601, UTC
);
CREATE INDEX IF NOT EXISTS reviews_by_record ON reviews (record_id);
