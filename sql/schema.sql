-- The warehouse contract. Later versions add to it, never break it.
-- One row in `documents` per ingested file version; every other table hangs off
-- document_id. Views are in views.sql.

CREATE SEQUENCE IF NOT EXISTS document_id_seq START 1;

CREATE TABLE IF NOT EXISTS documents (
    document_id      INTEGER PRIMARY KEY DEFAULT nextval('document_id_seq'),
    annex_key        VARCHAR NOT NULL,      -- what the annex is: directive + plan period
    version          INTEGER NOT NULL,      -- 1, 2, … per annex_key, in ingest order
    file_name        VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL UNIQUE,
    source_format    VARCHAR NOT NULL,      -- 'pdf' | 'docx'
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
    ingested_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
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
    PRIMARY KEY (document_id, table_no, row_no)
);

CREATE TABLE IF NOT EXISTS validation_issues (
    document_id  INTEGER NOT NULL,
    table_no     INTEGER,
    row_no       INTEGER,
    rule         VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,          -- 'info' | 'warning' | 'error'
    message      VARCHAR NOT NULL,
    raw_text     VARCHAR
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
    personal_code      VARCHAR              -- signer's isikukood; exports leave it out by default
);
