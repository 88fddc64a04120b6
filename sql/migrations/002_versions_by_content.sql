-- 002: versions by what the document says (issue 12).
-- A version is one row of `documents`; the files that carried it go to
-- `document_files`; signatures and file findings name their file. The Python
-- step of this migration (load/migrations.py) then fingerprints every version,
-- folds copies of the same content into one version and renumbers versions by
-- the amending directive.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
ALTER TABLE validation_issues ADD COLUMN IF NOT EXISTS sha256 VARCHAR;
ALTER TABLE signatures ADD COLUMN IF NOT EXISTS sha256 VARCHAR;

CREATE TABLE IF NOT EXISTS document_files (
    sha256         VARCHAR PRIMARY KEY,
    document_id    INTEGER NOT NULL,
    file_name      VARCHAR NOT NULL,
    source_format  VARCHAR NOT NULL,
    container      VARCHAR,
    member         VARCHAR,
    engine         VARCHAR,
    page_count     INTEGER,
    ingested_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

INSERT INTO document_files (sha256, document_id, file_name, source_format, container, engine, page_count, ingested_at)
SELECT sha256, document_id, file_name, source_format, container, engine, page_count, ingested_at
FROM documents WHERE sha256 NOT IN (SELECT sha256 FROM document_files);

UPDATE signatures SET sha256 = (SELECT d.sha256 FROM documents d WHERE d.document_id = signatures.document_id)
WHERE sha256 IS NULL;

-- Signature findings are about the file that carries the signature.
UPDATE validation_issues SET sha256 = (SELECT d.sha256 FROM documents d WHERE d.document_id = validation_issues.document_id)
WHERE sha256 IS NULL AND (rule = 'unsigned' OR rule LIKE 'signature\_%' ESCAPE '\');
