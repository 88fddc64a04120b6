-- Activities whose planned amount differs between the two newest versions of an annex.
-- is_leaf = false marks a parent: its change is the sum of the changes below it.
WITH v AS (
    SELECT document_id, annex_key, version,
           row_number() OVER (PARTITION BY annex_key ORDER BY version DESC) AS age
    FROM documents
),
old AS (SELECT a.*, v.annex_key FROM activities a JOIN v USING (document_id) WHERE v.age = 2),
new AS (SELECT a.*, v.annex_key FROM activities a JOIN v USING (document_id) WHERE v.age = 1)
SELECT coalesce(new.table_no, old.table_no) AS table_no,
       coalesce(new.kov, old.kov) AS kov,
       coalesce(new.code, old.code) AS code,
       coalesce(new.label, old.label) AS label,
       coalesce(new.is_leaf, old.is_leaf) AS is_leaf,
       old.amount_eur AS old_eur, new.amount_eur AS new_eur,
       coalesce(new.amount_eur, 0) - coalesce(old.amount_eur, 0) AS difference
FROM old FULL JOIN new
  ON old.annex_key = new.annex_key AND old.table_no = new.table_no
 AND old.code IS NOT DISTINCT FROM new.code AND old.label = new.label
WHERE old.amount_eur IS DISTINCT FROM new.amount_eur
  AND coalesce(new.annex_key, old.annex_key) IN (SELECT annex_key FROM v WHERE age = 2)
ORDER BY table_no, code;
