-- Findings on the latest version of each annex, worst first.
SELECT v.table_no, v.row_no, v.severity, v.rule, v.message, v.code, v.label
FROM issues_with_rows v
JOIN latest_documents USING (document_id)
ORDER BY CASE v.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, v.table_no, v.row_no;
