-- Indicator targets for the plan year and for 2029.
SELECT table_no, group_label, indicator, unit, target_plan_year, target_2029,
       target_2029 - target_plan_year AS still_to_go
FROM latest_indicators
ORDER BY table_no, row_no;
