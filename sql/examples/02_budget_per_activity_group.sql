-- Planned amount per activity group across all partners: the rows right under each
-- KOV's total (depth 2: "3.5.2.1.3 Tõhusa kommunikatsiooni …", "Otsesed personalikulud").
-- depth comes from the repaired tree, so Pärnu's misnumbered children are not groups;
-- the groups add up to the sum of the KOV totals.
SELECT coalesce(a.code, '(no code)') AS code,
       min(a.label) AS label,
       count(*) AS rows,
       sum(a.amount_eur) AS planned_eur
FROM latest_activities a
WHERE a.kov IS NOT NULL AND a.depth = 2
GROUP BY ALL
ORDER BY code;
