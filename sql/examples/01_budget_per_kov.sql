-- Planned 2025 amount per partner municipality, latest version of each annex.
SELECT kov, total_eur
FROM latest_kov_totals
ORDER BY total_eur DESC;
