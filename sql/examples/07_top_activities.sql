-- The five largest activities (leaves: not the KOV totals or group sums above them).
SELECT kov, table_no, code, label, amount_eur, path
FROM latest_leaf_activities
ORDER BY amount_eur DESC NULLS LAST, table_no, row_no
LIMIT 5;
