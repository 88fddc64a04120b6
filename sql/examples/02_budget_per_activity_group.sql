-- Planned amount per level-5 activity group ("3.5.2.1.3 Tõhusa kommunikatsiooni …")
-- across all partners, with the personnel costs as their own group.
SELECT coalesce(a.code, '(no code)') AS code,
       min(a.label) AS label,
       count(*) AS rows,
       sum(a.amount_eur) AS planned_eur
FROM latest_activities a
WHERE a.kov IS NOT NULL AND (a.level = 5 OR a.code IS NULL)
GROUP BY ALL
ORDER BY code;
