-- Parties named as responsible, with how many activities and how much money.
-- Leaves only: a parent row repeats the sum of its children, so summing every row
-- would count the same euro two or three times.
SELECT p.party_kind, coalesce(p.kov, p.party) AS party,
       count(*) AS activities, sum(a.amount_eur) AS planned_eur
FROM activity_parties p
JOIN latest_leaf_activities a USING (document_id, table_no, row_no)
GROUP BY ALL
ORDER BY planned_eur DESC, party;
