-- q14: calculation. Bids with a euro price between 1,000,000 and
-- 50,000,000, labelled by the time of day of the bid, and the number of 'c'
-- in extra (Flink's Nexmark counts it with a UDF, count_char).
-- output mode: append
SELECT auction, bidder, 0.908 * price AS price,
  CASE WHEN hour(dateTime) >= 8 AND hour(dateTime) <= 18 THEN 'dayTime'
       WHEN hour(dateTime) <= 6 OR hour(dateTime) >= 20 THEN 'nightTime'
       ELSE 'otherTime' END AS bidTimeType,
  dateTime, extra,
  length(extra) - length(replace(extra, 'c', '')) AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000
