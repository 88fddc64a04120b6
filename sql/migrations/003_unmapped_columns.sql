-- 003: nothing in the source is lost silently (issue 19).
-- Cells of columns whose header names no warehouse column, by header; the headers
-- on their table. `text_balance` is created by schema.sql (CREATE TABLE IF NOT EXISTS);
-- documents loaded before this release have no balance row ("not recorded").
ALTER TABLE annex_tables ADD COLUMN IF NOT EXISTS unmapped_headers VARCHAR[];
ALTER TABLE activities ADD COLUMN IF NOT EXISTS extra MAP(VARCHAR, VARCHAR);
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS extra MAP(VARCHAR, VARCHAR);
