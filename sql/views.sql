-- Views over the warehouse. Recreated on every write, so they always match this
-- version of the code.
--
-- Versions: `documents` has one row per version of an annex; version 1 is the
-- original, amendments follow by their amending directive (load/versions.py).
-- Every view an analyst totals has a latest_* twin holding the newest version of
-- each annex only, so a query over latest_* answers the same with one version
-- loaded or five.

-- The newest version of each annex (by what it is: directive + plan period).
CREATE OR REPLACE VIEW latest_documents AS
SELECT * FROM documents d
WHERE d.version = (SELECT max(version) FROM documents x WHERE x.annex_key = d.annex_key);

CREATE OR REPLACE VIEW latest_activities AS
SELECT a.* FROM activities a JOIN latest_documents USING (document_id);

CREATE OR REPLACE VIEW latest_indicators AS
SELECT i.* FROM indicators i JOIN latest_documents USING (document_id);

-- Each parent row's amount against the sum of its children, to the cent.
CREATE OR REPLACE VIEW reconciliation AS
SELECT document_id, table_no, row_no, code, amount_eur, children_sum, difference, status, children
FROM reconciliation_checks;

-- Planned amount per municipality: the KOV total rows (the root row of each
-- partner table, the row that has no parent and has children). The one rule for a
-- KOV's total, read by `extract` (the run summary), `diff`, `report` and analysts:
-- the transcription gives each KOV's plan as its table's top row (3.5.2.1 …), which
-- holds all the others. A childless row without a parent is not a total: summing it
-- too would count twice an amount already inside the total row.
CREATE OR REPLACE VIEW kov_totals AS
SELECT a.document_id, a.kov, a.table_no, a.amount_eur AS total_eur, d.annex_key, d.version
FROM activities a JOIN documents d USING (document_id)
WHERE a.kov IS NOT NULL
  AND a.parent_row_no IS NULL
  AND EXISTS (SELECT 1 FROM activities c
              WHERE c.document_id = a.document_id AND c.table_no = a.table_no
                AND c.parent_row_no = a.row_no);

-- The KOV totals of the newest version of each annex: one row per municipality and
-- annex, with the document and version it comes from.
CREATE OR REPLACE VIEW latest_kov_totals AS
SELECT k.kov, k.total_eur, k.document_id, k.version, k.annex_key, k.table_no
FROM kov_totals k JOIN latest_documents USING (document_id);

-- The rows below which nothing hangs, newest version: summing amount_eur over
-- them counts every euro once (parents repeat their children's sum).
CREATE OR REPLACE VIEW latest_leaf_activities AS
SELECT * FROM latest_activities WHERE is_leaf;

-- Findings with the row they are about.
CREATE OR REPLACE VIEW issues_with_rows AS
SELECT v.*, a.code, a.label
FROM validation_issues v
LEFT JOIN activities a USING (document_id, table_no, row_no);

-- The same, newest version of each annex only.
CREATE OR REPLACE VIEW latest_reconciliation AS
SELECT r.* FROM reconciliation r JOIN latest_documents USING (document_id);

CREATE OR REPLACE VIEW latest_parties AS
SELECT p.* FROM activity_parties p JOIN latest_documents USING (document_id);

CREATE OR REPLACE VIEW latest_findings AS
SELECT v.* FROM issues_with_rows v JOIN latest_documents USING (document_id);

CREATE OR REPLACE VIEW latest_tables AS
SELECT t.* FROM annex_tables t JOIN latest_documents USING (document_id);

CREATE OR REPLACE VIEW latest_signatures AS
SELECT s.* FROM signatures s JOIN latest_documents USING (document_id);

-- Every version with its amending directive, files and row counts (`extract versions`).
CREATE OR REPLACE VIEW versions AS
SELECT d.annex_key, d.version, d.document_id, d.directive_no, d.directive_date,
       d.amended_by_no, d.amended_by_date,
       d.version = (SELECT max(version) FROM documents x WHERE x.annex_key = d.annex_key) AS is_latest,
       (SELECT count(*) FROM activities a WHERE a.document_id = d.document_id) AS activities,
       (SELECT count(*) FROM indicators i WHERE i.document_id = d.document_id) AS indicators,
       (SELECT count(*) FROM document_files f WHERE f.document_id = d.document_id) AS file_count,
       d.fingerprint
FROM documents d;

-- Every word of each table's source accounted for: loaded, dropped for a recorded
-- reason (a header repeated on a continuation page), or lost (unexplained_words > 0,
-- with a `text_dropped` finding).
CREATE OR REPLACE VIEW table_text_conservation AS
SELECT document_id, table_no, source_words, loaded_words,
       source_words - loaded_words AS dropped_words,
       explained_words, unexplained_words, dropped_sample, drop_reasons
FROM text_balance;

-- What `extract check` lists: every finding of every version, with its severity as a
-- rank to filter on (info 0, warning 1, error 2).
CREATE OR REPLACE VIEW check_findings AS
SELECT document_id, table_no, row_no, severity, rule, message, raw_text,
       CASE severity WHEN 'error' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END AS severity_rank
FROM validation_issues;

-- What `extract versions` lists: each version, whether its place in the order came
-- from arrival alone (no amending directive to order it by), and its files with their
-- signers (the personal code left out).
CREATE OR REPLACE VIEW version_files AS
SELECT v.annex_key, v.version, v.document_id, v.directive_no, v.directive_date,
       v.amended_by_no, v.amended_by_date, v.is_latest, v.activities, v.indicators,
       EXISTS (SELECT 1 FROM validation_issues i WHERE i.document_id = v.document_id
               AND i.rule = 'version_order_by_arrival') AS ordered_by_arrival,
       (SELECT list({'file_name': f.file_name, 'sha256': f.sha256, 'format': f.source_format,
                     'container': f.container, 'member': f.member,
                     'signers': coalesce((SELECT list(DISTINCT s.signer ORDER BY s.signer) FROM signatures s
                                          WHERE s.sha256 = f.sha256 AND s.signer IS NOT NULL), [])}
                    ORDER BY f.file_name, f.sha256)
        FROM document_files f WHERE f.document_id = v.document_id) AS files
FROM versions v;
