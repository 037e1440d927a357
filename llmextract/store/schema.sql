-- Run store schema. A run is a directory: run.sqlite (this schema) + sources/ (copies of the inputs, so the
-- review UI serves nothing from outside the run). RunStore checks user_version; bump it when this changes.
PRAGMA user_version = 2;

CREATE TABLE IF NOT EXISTS run (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per (document, settings fingerprint): a rerun with other settings adds rows, it never overwrites.
CREATE TABLE IF NOT EXISTS documents (
    doc_id        TEXT NOT NULL,          -- sha256 of the file bytes
    settings_hash TEXT NOT NULL,          -- Config.fingerprint(): extractor, LLM settings, prompt, reader code
    seq           INTEGER NOT NULL,       -- save order: a document's current results are its latest done row
    source        TEXT NOT NULL,          -- the path the user gave
    stored_as     TEXT,                   -- file name under sources/
    kind          TEXT,                   -- pdf | text
    pages         INTEGER,
    extractor     TEXT,                   -- rules | llm:<model> | hybrid:<model>
    status        TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error_type    TEXT,
    error         TEXT,
    text          TEXT,                   -- Document.text, for the review UI
    finished_at   TEXT NOT NULL,
    PRIMARY KEY (doc_id, settings_hash)
);

-- The settings each document is shown with: its latest successful save.
CREATE VIEW IF NOT EXISTS current_documents AS
    SELECT d.* FROM documents d
    WHERE d.status = 'done'
      AND d.seq = (SELECT MAX(d2.seq) FROM documents d2 WHERE d2.doc_id = d.doc_id AND d2.status = 'done');

CREATE TABLE IF NOT EXISTS records (
    record_key    TEXT PRIMARY KEY,       -- settings_hash[:8] "-" record_id: one row per (document, settings, record)
    record_id     TEXT NOT NULL,          -- ProjectRecord.record_id (doc_id[:16]:start offset)
    doc_id        TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    position      INTEGER NOT NULL,       -- the record's start offset in Document.text (export order)
    confidence    REAL,
    needs_review  INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'edited', 'rejected')),
    json          TEXT NOT NULL,          -- ProjectRecord as JSON (the current, possibly edited, version)
    original_json TEXT NOT NULL,          -- as extracted, before any review edit
    UNIQUE (doc_id, settings_hash, record_id)
);
CREATE INDEX IF NOT EXISTS records_by_doc ON records (doc_id, settings_hash);
CREATE INDEX IF NOT EXISTS records_by_confidence ON records (confidence);

CREATE TABLE IF NOT EXISTS findings (
    id            INTEGER PRIMARY KEY,
    doc_id        TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    record_key    TEXT,                   -- null for document-level findings
    position      INTEGER NOT NULL,       -- start of the first location, -1 without one (export order)
    rule_id       TEXT NOT NULL,
    severity      TEXT NOT NULL,
    json          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_doc ON findings (doc_id, settings_hash);
CREATE INDEX IF NOT EXISTS findings_by_record ON findings (record_key);

CREATE TABLE IF NOT EXISTS usage (
    doc_id            TEXT NOT NULL,
    settings_hash     TEXT NOT NULL,
    requests          INTEGER NOT NULL DEFAULT 0,
    cached            INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost              TEXT,                   -- Decimal as text; null when no price is known
    PRIMARY KEY (doc_id, settings_hash)
);

CREATE TABLE IF NOT EXISTS reviews (
    id         INTEGER PRIMARY KEY,
    record_key TEXT NOT NULL,
    field      TEXT NOT NULL,             -- a field path (funding.annual_total, indicators[3].value_raw) or "record"
    action     TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject')),
    old_value  TEXT,                      -- JSON
    new_value  TEXT,                      -- JSON
    reviewer   TEXT NOT NULL,
    at         TEXT NOT NULL              -- ISO 8601, UTC
);
CREATE INDEX IF NOT EXISTS reviews_by_record ON reviews (record_key);
