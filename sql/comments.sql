-- What every table, view and column means; `extract schema [NAME]` prints them.
-- Applied after schema.sql and views.sql on every write (recreating a view drops
-- its comments). A source column names the Estonian header it is read from.
-- View columns that repeat a table's column get that column's comment (load/warehouse.py).

-- ---------------------------------------------------------------- documents
COMMENT ON TABLE documents IS 'One row per version of an annex (what the document says: the original, each amendment); the files that carried it are in document_files; every other table hangs off document_id.';
COMMENT ON COLUMN documents.document_id IS 'Id of the version (stable: a re-ingest with --force keeps it).';
COMMENT ON COLUMN documents.annex_key IS 'What the annex is: directive number and date + plan period; all versions of one annex share it.';
COMMENT ON COLUMN documents.version IS 'Version of the annex: 1 = the original, then the amendments by the amending directive''s date and number; latest_* views show the highest.';
COMMENT ON COLUMN documents.file_name IS 'Name of the file the version''s rows were read from (its best file: signed and intact first, then PDF); all its files are in document_files.';
COMMENT ON COLUMN documents.sha256 IS 'SHA-256 of the file the rows were read from (see document_files for every file).';
COMMENT ON COLUMN documents.source_format IS 'Format the tables were read from: pdf | docx | odt | doc.';
COMMENT ON COLUMN documents.engine IS 'Table engine used: docx | pdfium | pdfplumber | camelot.';
COMMENT ON COLUMN documents.container IS '''asice'' when the annex was taken out of a DigiDoc container, else NULL.';
COMMENT ON COLUMN documents.title IS 'Title of the action plan as written (pealkiri: "Toetatava tegevuse … tegevuskava perioodil …").';
COMMENT ON COLUMN documents.directive_no IS 'Number of the approving directive ("KINNITATUD … käskkirjaga nr N").';
COMMENT ON COLUMN documents.directive_date IS 'Date of the approving directive ("KINNITATUD kultuuriministri DD.MM.YYYY käskkirjaga").';
COMMENT ON COLUMN documents.plan_start IS 'First day of the plan period ("tegevuskava perioodil DD.MM.YYYY – …").';
COMMENT ON COLUMN documents.plan_end IS 'Last day of the plan period ("tegevuskava perioodil … – DD.MM.YYYY").';
COMMENT ON COLUMN documents.amended_by_no IS 'Number of the amending directive ("muudetud … käskkirjaga nr N"); NULL for the original.';
COMMENT ON COLUMN documents.amended_by_date IS 'Date of the amending directive ("muudetud kultuuriministri DD.MM.YYYY käskkirjaga").';
COMMENT ON COLUMN documents.page_count IS 'Pages of the PDF; NULL for DOCX.';
COMMENT ON COLUMN documents.ingested_at IS 'When the file was loaded (local time of the loading machine).';

-- ------------------------------------------------------------- annex_tables
COMMENT ON TABLE annex_tables IS 'One row per ruled table ("Tabel N.") of a document.';
COMMENT ON COLUMN annex_tables.document_id IS 'The document (file version) the table belongs to; see documents.';
COMMENT ON COLUMN annex_tables.table_no IS 'N of the caption "Tabel N." (1–17 in the 2025 annex).';
COMMENT ON COLUMN annex_tables.caption IS 'The table''s caption as written ("Tabel 9. Tegevuste ajakava").';
COMMENT ON COLUMN annex_tables.kind IS 'schedule (activities, Tegevuste ajakava) | indicator (Indikaatorid) | unknown.';
COMMENT ON COLUMN annex_tables.kov IS 'Municipality (KOV, kohalik omavalitsus) of a partner schedule table, official name, from the section heading; NULL for the implementer''s tables.';
COMMENT ON COLUMN annex_tables.header IS 'The header cells as written.';
COMMENT ON COLUMN annex_tables.page_from IS 'First PDF page of the table; NULL for DOCX.';
COMMENT ON COLUMN annex_tables.page_to IS 'Last PDF page of the table; NULL for DOCX.';
COMMENT ON COLUMN annex_tables.row_count IS 'Body rows of the table (header rows not counted).';

-- --------------------------------------------------------------- activities
COMMENT ON TABLE activities IS 'One row per row of a schedule table (Tegevuste ajakava). Parents repeat the sum of their children: sum amount_eur over is_leaf rows (or one depth) to count every euro once.';
COMMENT ON COLUMN activities.document_id IS 'The document (file version); see documents.';
COMMENT ON COLUMN activities.table_no IS 'N of "Tabel N."';
COMMENT ON COLUMN activities.row_no IS 'Row in the table, 1-based, in document order.';
COMMENT ON COLUMN activities.kov IS 'Municipality (KOV) of the partner table, official name; NULL in the implementer''s tables 1–8.';
COMMENT ON COLUMN activities.code IS 'Activity number as written, without a trailing dot (''3.5.2.1.3.2''); NULL when none. From the column "Tegevus".';
COMMENT ON COLUMN activities.label IS 'Activity name: the rest of the "Tegevus" cell, whitespace collapsed.';
COMMENT ON COLUMN activities.level IS 'Number of parts of the code as written (''3.5.2.1'' = 4); NOT the depth in the tree, see depth.';
COMMENT ON COLUMN activities.parent_row_no IS 'row_no of the parent row, from the code and the row''s position (misnumbered rows repaired and reported); NULL at the top.';
COMMENT ON COLUMN activities.parent_code IS 'Code of the parent row.';
COMMENT ON COLUMN activities.frame_start IS 'Start of the activity''s framework period. From "Tegevuse üldajaraam".';
COMMENT ON COLUMN activities.frame_end IS 'End of the activity''s framework period. From "Tegevuse üldajaraam".';
COMMENT ON COLUMN activities.period_start IS 'Start of the activity in the plan year. From "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil".';
COMMENT ON COLUMN activities.period_end IS 'End of the activity in the plan year. From "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil".';
COMMENT ON COLUMN activities.amount_eur IS 'Planned amount in euros, exact DECIMAL(14,2); NULL when empty or unreadable (see amount_raw and the findings). From "Planeeritav maksumus tegevuskava aastal 2025".';
COMMENT ON COLUMN activities.responsible IS 'Who is responsible, as written. From "Tegevuse eest vastutaja"; split into activity_parties.';
COMMENT ON COLUMN activities.activity_raw IS 'The "Tegevus" cell exactly as written.';
COMMENT ON COLUMN activities.frame_raw IS 'The "Tegevuse üldajaraam" cell exactly as written.';
COMMENT ON COLUMN activities.period_raw IS 'The "Tegevuse algus- ja lõppkuupäev tegevuskava perioodil" cell exactly as written.';
COMMENT ON COLUMN activities.amount_raw IS 'The "Planeeritav maksumus tegevuskava aastal 2025" cell exactly as written.';
COMMENT ON COLUMN activities.page_from IS 'PDF page the row starts on; NULL for DOCX.';
COMMENT ON COLUMN activities.page_to IS 'PDF page the row ends on; NULL for DOCX.';
COMMENT ON COLUMN activities.depth IS 'Depth in the table''s tree: 1 at the top (a KOV total row), 2 its groups, …; from the repaired parents, so misnumbered rows sit where they belong.';
COMMENT ON COLUMN activities.is_leaf IS 'TRUE when no row hangs below this one; summing amount_eur over leaves counts every euro once.';
COMMENT ON COLUMN activities.path IS 'Codes from the top of the tree down to this row, joined by ''/'' (''3.5.2.1/3.5.2.1.3/3.5.2.1.3.2''); a row without a code is ''#row_no''.';

-- --------------------------------------------------------------- indicators
COMMENT ON TABLE indicators IS 'One row per row of an indicator table (Indikaatorid: Tabel 2, 4, 6, 8, 17).';
COMMENT ON COLUMN indicators.document_id IS 'The document (file version); see documents.';
COMMENT ON COLUMN indicators.table_no IS 'N of "Tabel N."';
COMMENT ON COLUMN indicators.row_no IS 'Row in the table, 1-based, in document order.';
COMMENT ON COLUMN indicators.group_label IS 'Group heading of the row (first column of Tabel 17: "Partnerite tegevustega seotud näitajad"); NULL when none.';
COMMENT ON COLUMN indicators.indicator IS 'Name of the indicator. From "Indikaator".';
COMMENT ON COLUMN indicators.unit IS 'Unit. From "Indikaatori mõõtühik".';
COMMENT ON COLUMN indicators.target_plan_year IS 'Target for the plan year. From "Sihttase tegevuskava aastal (2025)".';
COMMENT ON COLUMN indicators.target_2029 IS 'Target for 2029. From "Sihttase (2029)".';
COMMENT ON COLUMN indicators.explanation IS 'Explanation. From "Selgitus".';
COMMENT ON COLUMN indicators.target_plan_year_raw IS 'The "Sihttase tegevuskava aastal (2025)" cell exactly as written.';
COMMENT ON COLUMN indicators.target_2029_raw IS 'The "Sihttase (2029)" cell exactly as written.';
COMMENT ON COLUMN indicators.page_from IS 'PDF page the row starts on; NULL for DOCX.';
COMMENT ON COLUMN indicators.page_to IS 'PDF page the row ends on; NULL for DOCX.';

-- -------------------------------------------------------- validation_issues
COMMENT ON TABLE validation_issues IS 'Findings: what the checks found on a document, table or row (README: Checks and findings).';
COMMENT ON COLUMN validation_issues.document_id IS 'The document (file version); see documents.';
COMMENT ON COLUMN validation_issues.table_no IS 'Table the finding is about; NULL for the whole document.';
COMMENT ON COLUMN validation_issues.row_no IS 'Row the finding is about; NULL for a whole table or document.';
COMMENT ON COLUMN validation_issues.rule IS 'Which check (unparseable_amount, reconciliation, misnumbered_code, …).';
COMMENT ON COLUMN validation_issues.severity IS 'info | warning | error; `extract check` exits 1 on any error.';
COMMENT ON COLUMN validation_issues.message IS 'What was found, in words.';
COMMENT ON COLUMN validation_issues.raw_text IS 'The text the finding is about, as written.';

-- --------------------------------------------------------- activity_parties
COMMENT ON TABLE activity_parties IS 'One row per party named in an activity''s "Tegevuse eest vastutaja" cell.';
COMMENT ON COLUMN activity_parties.document_id IS 'The document (file version); see documents.';
COMMENT ON COLUMN activity_parties.table_no IS 'N of "Tabel N."';
COMMENT ON COLUMN activity_parties.row_no IS 'The activity''s row; join activities on (document_id, table_no, row_no).';
COMMENT ON COLUMN activity_parties.party IS 'The party as written in "Tegevuse eest vastutaja".';
COMMENT ON COLUMN activity_parties.kov IS 'Official municipality name when the party is one, else NULL.';
COMMENT ON COLUMN activity_parties.party_kind IS 'implementer (ELVL) | municipality | other.';

-- ---------------------------------------------------- reconciliation_checks
COMMENT ON TABLE reconciliation_checks IS 'One row per row with children: its amount against the sum of its children, to the cent.';
COMMENT ON COLUMN reconciliation_checks.document_id IS 'The document (file version); see documents.';
COMMENT ON COLUMN reconciliation_checks.table_no IS 'N of "Tabel N."';
COMMENT ON COLUMN reconciliation_checks.row_no IS 'The parent row; see activities.';
COMMENT ON COLUMN reconciliation_checks.code IS 'The parent row''s code.';
COMMENT ON COLUMN reconciliation_checks.amount_eur IS 'The parent row''s planned amount ("Planeeritav maksumus …").';
COMMENT ON COLUMN reconciliation_checks.children_sum IS 'Sum of the children''s amounts.';
COMMENT ON COLUMN reconciliation_checks.children IS 'How many children the row has.';
COMMENT ON COLUMN reconciliation_checks.difference IS 'amount_eur - children_sum; 0.00 when they agree.';
COMMENT ON COLUMN reconciliation_checks.status IS 'ok | mismatch | no_amount (the parent''s amount is empty).';

-- --------------------------------------------------------------- signatures
COMMENT ON TABLE signatures IS 'One row per signature on a file, or one row noted ''unsigned''. Chains and revocation are not verified.';
COMMENT ON COLUMN signatures.document_id IS 'The document (file version); see documents.';
COMMENT ON COLUMN signatures.signer IS 'Signer''s name from the certificate (subject CN without the personal code).';
COMMENT ON COLUMN signatures.signing_time IS 'Signing time, UTC.';
COMMENT ON COLUMN signatures.intact IS 'Whether the signed bytes still match (PDF); NULL when not checked (container signatures).';
COMMENT ON COLUMN signatures.covers_whole_file IS 'Whether the signature covers the whole file (nothing appended after signing).';
COMMENT ON COLUMN signatures.container IS 'pdf (PAdES) | asice (XAdES in a DigiDoc container) | NULL when unsigned.';
COMMENT ON COLUMN signatures.note IS 'What was and was not checked.';
COMMENT ON COLUMN signatures.personal_code IS 'Signer''s personal identification code (isikukood) from the certificate. Personal data: exports leave it out unless --include-personal-codes.';

-- -------------------------------------------------------------------- views
COMMENT ON VIEW latest_documents IS 'documents: only the newest version of each annex.';
COMMENT ON VIEW latest_activities IS 'activities of the newest version of each annex. Parents repeat their children''s sum: use latest_leaf_activities or one depth to sum.';
COMMENT ON VIEW latest_indicators IS 'indicators of the newest version of each annex.';
COMMENT ON VIEW reconciliation IS 'reconciliation_checks: each parent row''s amount against the sum of its children (all versions; join latest_documents for the newest).';
COMMENT ON VIEW kov_totals IS 'The planned total of each partner municipality (the top row of its table), one row per KOV and version: filter on version or use latest_kov_totals.';
COMMENT ON COLUMN kov_totals.total_eur IS 'The KOV''s planned total for the plan year: the amount of the top row of its schedule table.';
COMMENT ON VIEW latest_kov_totals IS 'kov_totals of the newest version of each annex: one row per municipality (and annex).';
COMMENT ON COLUMN latest_kov_totals.total_eur IS 'The KOV''s planned total for the plan year: the amount of the top row of its schedule table.';
COMMENT ON VIEW latest_leaf_activities IS 'latest_activities with nothing below them: sum amount_eur here to count every euro once.';
COMMENT ON VIEW issues_with_rows IS 'validation_issues with the code and label of the row each finding is about (all versions; join latest_documents for the newest).';
COMMENT ON COLUMN issues_with_rows.code IS 'Code of the activity the finding is about (NULL for indicator rows and whole tables).';
COMMENT ON COLUMN issues_with_rows.label IS 'Label of the activity the finding is about.';

-- ------------------------------------------------- versions, files, upgrades
COMMENT ON COLUMN documents.fingerprint IS 'SHA-256 over the identity and the normalized rows: files with the same fingerprint are one version.';
COMMENT ON TABLE document_files IS 'One row per file that carried a version (a DOCX, its PDF, a signed copy, a copy in a container): which files carried which version.';
COMMENT ON COLUMN document_files.sha256 IS 'SHA-256 of the file''s bytes; a file already loaded is skipped on the next run.';
COMMENT ON COLUMN document_files.document_id IS 'The version this file carried; see documents.';
COMMENT ON COLUMN document_files.file_name IS 'Name of the file as given (a container''s name for a member read from it).';
COMMENT ON COLUMN document_files.source_format IS 'Format the tables were read from: pdf | docx | odt | doc.';
COMMENT ON COLUMN document_files.container IS '''asice'' when the annex was taken out of a DigiDoc container, else NULL.';
COMMENT ON COLUMN document_files.member IS 'The data file read from the container (NULL outside a container).';
COMMENT ON COLUMN document_files.engine IS 'Table engine used for this file: docx | soffice+docx | pdfium | pdfplumber | camelot | ocr.';
COMMENT ON COLUMN document_files.page_count IS 'Pages of the PDF; NULL for DOCX.';
COMMENT ON COLUMN document_files.ingested_at IS 'When the file was loaded (local time of the loading machine).';
COMMENT ON COLUMN signatures.sha256 IS 'The file (document_files.sha256) that carries this signature.';
COMMENT ON COLUMN validation_issues.sha256 IS 'The file a finding is about (e.g. its signature); NULL when it is about the version''s content.';
COMMENT ON TABLE schema_version IS 'Schema migrations applied to this warehouse (load/migrations.py, sql/migrations/); the highest is the schema version.';
COMMENT ON COLUMN schema_version.version IS 'Schema version reached by the migration (1 = the first release).';
COMMENT ON COLUMN schema_version.applied_at IS 'When it was applied.';
COMMENT ON COLUMN schema_version.note IS 'What it did (the migration''s file name, or "created at this version").';
COMMENT ON VIEW versions IS 'Every version of every annex with its amending directive, whether it is the latest, its row and file counts (extract versions).';
COMMENT ON COLUMN versions.is_latest IS 'True for the newest version of its annex (what latest_* views show).';
COMMENT ON COLUMN versions.activities IS 'Rows of activity schedules in this version.';
COMMENT ON COLUMN versions.indicators IS 'Rows of indicator tables in this version.';
COMMENT ON COLUMN versions.file_count IS 'Files that carried this version (document_files).';
COMMENT ON VIEW latest_reconciliation IS 'reconciliation, newest version of each annex only.';
COMMENT ON VIEW latest_parties IS 'activity_parties, newest version of each annex only.';
COMMENT ON VIEW latest_findings IS 'issues_with_rows (findings with the row''s code and label), newest version of each annex only.';
COMMENT ON VIEW latest_tables IS 'annex_tables, newest version of each annex only.';
COMMENT ON VIEW latest_signatures IS 'signatures, newest version of each annex only.';

-- --------------------------------------------------- nothing lost silently
COMMENT ON COLUMN annex_tables.unmapped_headers IS 'Headers of columns that name no warehouse column; their cells are in activities.extra / indicators.extra.';
COMMENT ON COLUMN activities.extra IS 'Cells of columns whose header names no warehouse column, by header text (e.g. extra[''Märkused'']).';
COMMENT ON COLUMN indicators.extra IS 'Cells of columns whose header names no warehouse column, by header text.';
COMMENT ON TABLE text_balance IS 'One row per table: the words of the source inside the table against the words that reach the warehouse.';
COMMENT ON COLUMN text_balance.document_id IS 'The version; see documents.';
COMMENT ON COLUMN text_balance.table_no IS 'N of the caption "Tabel N.".';
COMMENT ON COLUMN text_balance.source_words IS 'Words written in the table''s cells in the source (NULL: the engine could not count them).';
COMMENT ON COLUMN text_balance.loaded_words IS 'Of those, words that reach the warehouse (header, raw cells, labels, codes, extra).';
COMMENT ON COLUMN text_balance.explained_words IS 'Words left out for a recorded reason (a header repeated on a continuation page, text under a merged cell).';
COMMENT ON COLUMN text_balance.unexplained_words IS 'Words lost without a reason: a text_dropped finding names them.';
COMMENT ON COLUMN text_balance.dropped_sample IS 'The first lost words, in source order.';
COMMENT ON COLUMN text_balance.drop_reasons IS 'Reason -> words left out for it (repeated_header, covered_by_merge, …).';
COMMENT ON VIEW table_text_conservation IS 'Per table: source words, loaded words, dropped words and why; unexplained_words > 0 means text was lost.';
COMMENT ON COLUMN table_text_conservation.dropped_words IS 'source_words - loaded_words: explained plus unexplained.';
COMMENT ON VIEW check_findings IS 'validation_issues as `extract check` lists them, with severity_rank to filter on (all versions; join latest_documents for the newest).';
COMMENT ON COLUMN check_findings.severity_rank IS 'The severity as a number: info 0, warning 1, error 2 (`extract check --min-severity`).';
COMMENT ON VIEW version_files IS 'versions as `extract versions` lists them: each version with its files (name, sha256, format, container, member, signers).';
COMMENT ON COLUMN version_files.ordered_by_arrival IS 'True when the version''s place in the order comes from arrival alone (finding version_order_by_arrival).';
COMMENT ON COLUMN version_files.files IS 'The files that carried this version, each with its signers'' names (personal codes left out).';
