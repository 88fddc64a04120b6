-- 004: numbers an analyst cannot get wrong (issue 13).
-- Each activity's place in its table's tree (normalize/tree.py computes the same for
-- new loads): depth from 1 at the top, is_leaf, and the path of codes from the top
-- ('#<row_no>' for a row without a code), from the parent links already stored.
-- The signer's personal identification code gets a column of its own.
ALTER TABLE activities ADD COLUMN IF NOT EXISTS depth INTEGER;
ALTER TABLE activities ADD COLUMN IF NOT EXISTS is_leaf BOOLEAN;
ALTER TABLE activities ADD COLUMN IF NOT EXISTS path VARCHAR;
ALTER TABLE signatures ADD COLUMN IF NOT EXISTS personal_code VARCHAR;

UPDATE activities SET depth = t.depth, path = t.path
FROM (
    WITH RECURSIVE tree(document_id, table_no, row_no, depth, path) AS (
        SELECT document_id, table_no, row_no, 1, coalesce(code, '#' || row_no)
        FROM activities WHERE parent_row_no IS NULL
        UNION ALL
        SELECT a.document_id, a.table_no, a.row_no, tree.depth + 1,
               tree.path || '/' || coalesce(a.code, '#' || a.row_no)
        FROM activities a JOIN tree
          ON a.document_id = tree.document_id AND a.table_no = tree.table_no AND a.parent_row_no = tree.row_no
        WHERE tree.depth < 64
    )
    SELECT * FROM tree
) t
WHERE activities.depth IS NULL
  AND activities.document_id = t.document_id AND activities.table_no = t.table_no AND activities.row_no = t.row_no;

UPDATE activities SET is_leaf = NOT EXISTS (
    SELECT 1 FROM activities c
    WHERE c.document_id = activities.document_id AND c.table_no = activities.table_no
      AND c.parent_row_no = activities.row_no
) WHERE is_leaf IS NULL;
