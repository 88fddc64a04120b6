-- Parties named as responsible, with how many activities and how much money.
SELECT p.party_kind, coalesce(p.kov, p.party) AS party,
       count(*) AS activities, sum(a.amount_eur) AS planned_eur
FROM activity_parties p
JOIN latest_activities a USING (document_id, table_no, row_no)
GROUP BY ALL
ORDER BY activities DESC;
