-- Planned 2025 amount per partner municipality, newest version of each annex
-- (kov_totals has one row per KOV and version; latest_kov_totals only the newest).
SELECT kov, total_eur, version
FROM latest_kov_totals
ORDER BY total_eur DESC;
