-- Nexmark q14, calculation: bids with a euro price between 1,000,000 and
-- 50,000,000, labelled by the time of day, and the number of 'c' in extra
-- (counted with CHAR_LENGTH and REPLACE instead of Flink Nexmark's UDF).
-- output: append
SELECT auction, bidder, 0.908 * price AS price,
  CASE WHEN HOUR(`dateTime`) >= 8 AND HOUR(`dateTime`) <= 18 THEN 'dayTime'
       WHEN HOUR(`dateTime`) <= 6 OR HOUR(`dateTime`) >= 20 THEN 'nightTime'
       ELSE 'otherTime' END AS bidTimeType,
  `dateTime`, extra,
  CHAR_LENGTH(extra) - CHAR_LENGTH(REPLACE(extra, 'c', '')) AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000
