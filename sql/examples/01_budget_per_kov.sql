-- Planned 2025 amount per partner municipality, latest version of each annex.
SELECT kov, total_eur
FROM kov_totals
JOIN latest_documents USING (document_id)
ORDER BY total_eur DESC;
