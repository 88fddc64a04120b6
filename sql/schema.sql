-- The warehouse contract. Later versions add to it, never break it.
-- One row in `documents` per version of an annex (what the document says); the
-- files that carried it are in `document_files`; every other table hangs off
-- document_id. Views are in views.sql.
--
-- This file creates a new warehouse at the latest schema version. An existing
-- warehouse is brought there by sql/migrations/NNN_*.sql (see load/migrations.py);
-- a change here needs its migration too (tests/test_upgrade.py compares both).

CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,    -- the number of the migration applied
    applied_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    note        VARCHAR
);

CREATE SEQUENCE IF NOT EXISTS document_id_seq START 1;

CREATE TABLE IF NOT EXISTS documents (
    document_id      INTEGER PRIMARY KEY DEFAULT nextval('document_id_seq'),
    annex_key        VARCHAR NOT NULL,      -- what the annex is: directive + plan period
    version          INTEGER NOT NULL,      -- 1 = the original, then amendments by amending directive date, number
    file_name        VARCHAR NOT NULL,      -- the file the rows were read from (see document_files)
    sha256           VARCHAR NOT NULL UNIQUE,
    source_format    VARCHAR NOT NULL,      -- 'pdf' | 'docx' | 'odt' | 'doc'
    engine           VARCHAR NOT NULL,      -- docx | pdfplumber | camelot | pdfium
    container        VARCHAR,               -- 'asice' when taken out of a DigiDoc container
    title            VARCHAR,
    directive_no     INTEGER,
    directive_date   DATE,
    plan_start       DATE,
    plan_end         DATE,
    amended_by_no    INTEGER,               -- "muudetud … käskkirjaga nr N"
    amended_by_date  DATE,
    page_count       INTEGER,
    ingested_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    fingerprint      VARCHAR                -- sha256 over identity + normalized rows (normalize/fingerprint.py)
);

-- Every file that carried a version: the DOCX, its PDF, a signed copy, a copy in a
-- container. Same content (fingerprint) = same version, however it was wrapped.
CREATE TABLE IF NOT EXISTS document_files (
    sha256         VARCHAR PRIMARY KEY,     -- of the file as it arrived (the container, for .asice)
    document_id    INTEGER NOT NULL,        -- the version it carries
    file_name      VARCHAR NOT NULL,
    source_format  VARCHAR NOT NULL,        -- of the annex itself: 'pdf' | 'docx' | 'odt' | 'doc'
    container      VARCHAR,                 -- 'asice' | NULL
    member         VARCHAR,                 -- the data file read from the container
    engine         VARCHAR,
    page_count     INTEGER,
    ingested_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS annex_tables (
    document_id  INTEGER NOT NULL,
    table_no     INTEGER NOT NULL,
    caption      VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,          -- 'schedule' | 'indicator' | 'unknown'
    kov          VARCHAR,                   -- municipality of a partner schedule table
    header       VARCHAR[],
    page_from    INTEGER,
    page_to      INTEGER,
    row_count    INTEGER NOT NULL,
    unmapped_headers VARCHAR[],             -- headers that name no warehouse column (cells in `extra`)
    PRIMARY KEY (document_id, table_no)
);

CREATE TABLE IF NOT EXISTS activities (
    document_id    INTEGER NOT NULL,
    table_no       INTEGER NOT NULL,
    row_no         INTEGER NOT NULL,        -- 1-based, document order within the table
    kov            VARCHAR,
    code           VARCHAR,                 -- '3.5.2.1.3.2', '1'; NULL when none
    label          VARCHAR NOT NULL,
    level          INTEGER,                 -- parts of the code; NULL without a code
    parent_row_no  INTEGER,
    parent_code    VARCHAR,
    frame_start    DATE,                    -- Tegevuse üldajaraam
    frame_end      DATE,
    period_start   DATE,                    -- Tegevuse algus- ja lõppkuupäev tegevuskava perioodil
    period_end     DATE,
    amount_eur     DECIMAL(14, 2),
    responsible    VARCHAR,
    activity_raw   VARCHAR,                 -- the cells as written
    frame_raw      VARCHAR,
    period_raw     VARCHAR,
    amount_raw     VARCHAR,
    page_from      INTEGER,
    page_to        INTEGER,
    extra          MAP(VARCHAR, VARCHAR),   -- cells of columns that name no warehouse column, by header
    depth          INTEGER,                 -- 1 = top of the table's tree (from the repaired parents)
    is_leaf        BOOLEAN,                 -- no row below it: sum leaves to count each euro once
    path           VARCHAR,                 -- codes from the top down, '/'-joined ('#row' when none)
    PRIMARY KEY (document_id, table_no, row_no)
);

CREATE TABLE IF NOT EXISTS indicators (
    document_id           INTEGER NOT NULL,
    table_no              INTEGER NOT NULL,
    row_no                INTEGER NOT NULL,
    group_label           VARCHAR,
    indicator             VARCHAR NOT NULL,
    unit                  VARCHAR,
    target_plan_year      DECIMAL(14, 2),
    target_2029           DECIMAL(14, 2),
    explanation           VARCHAR,
    target_plan_year_raw  VARCHAR,
    target_2029_raw       VARCHAR,
    page_from             INTEGER,
    page_to               INTEGER,
    extra                 MAP(VARCHAR, VARCHAR),  -- as activities.extra
    PRIMARY KEY (document_id, table_no, row_no)
);

CREATE TABLE IF NOT EXISTS validation_issues (
    document_id  INTEGER NOT NULL,
    table_no     INTEGER,
    row_no       INTEGER,
    rule         VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,          -- 'info' | 'warning' | 'error'
    message      VARCHAR NOT NULL,
    raw_text     VARCHAR,
    sha256       VARCHAR                    -- the file a finding is about (its signature); NULL: about the content
);

CREATE TABLE IF NOT EXISTS activity_parties (
    document_id  INTEGER NOT NULL,
    table_no     INTEGER NOT NULL,
    row_no       INTEGER NOT NULL,
    party        VARCHAR NOT NULL,          -- as written
    kov          VARCHAR,                   -- official municipality name when it is one
    party_kind   VARCHAR NOT NULL           -- 'implementer' | 'municipality' | 'other'
);

CREATE TABLE IF NOT EXISTS reconciliation_checks (
    document_id   INTEGER NOT NULL,
    table_no      INTEGER NOT NULL,
    row_no        INTEGER NOT NULL,
    code          VARCHAR,
    amount_eur    DECIMAL(14, 2),
    children_sum  DECIMAL(14, 2) NOT NULL,
    children      INTEGER NOT NULL,
    difference    DECIMAL(14, 2),
    status        VARCHAR NOT NULL          -- 'ok' | 'mismatch' | 'no_amount'
);

CREATE TABLE IF NOT EXISTS signatures (
    document_id        INTEGER NOT NULL,
    signer             VARCHAR,
    signing_time       TIMESTAMP,           -- UTC
    intact             BOOLEAN,             -- NULL: not checked (container signatures)
    covers_whole_file  BOOLEAN,
    container          VARCHAR,             -- 'pdf' (PAdES) | 'asice' | NULL for unsigned
    note               VARCHAR,
    sha256             VARCHAR,             -- the file (document_files) that carries the signature
    personal_code      VARCHAR              -- signer's isikukood; exports leave it out by default
);

-- Conservation of text, one row per table: the words of the source inside the
-- table's region against those that reach the warehouse (normalize/conservation.py).
-- source_words = loaded_words + explained_words + unexplained_words.
CREATE TABLE IF NOT EXISTS text_balance (
    document_id        INTEGER NOT NULL,
    table_no           INTEGER NOT NULL,
    source_words       INTEGER,             -- NULL: the engine could not count them
    loaded_words       INTEGER NOT NULL,
    explained_words    INTEGER NOT NULL,    -- left out for a recorded reason
    unexplained_words  INTEGER NOT NULL,    -- lost: a `text_dropped` finding says so
    dropped_sample     VARCHAR,             -- the first lost words, in source order
    drop_reasons       MAP(VARCHAR, INTEGER) -- reason -> words ('repeated_header', …)
);
