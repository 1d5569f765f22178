-- Nexmark q4, average price per category: the highest bid of each auction
-- made between its start and its expiry (a regular join, then a group
-- aggregation: a changelog), averaged per category.
-- Flink's Nexmark counts every auction, open or closed. The Sluice query
-- (bench/nexmark/queries/q4.sql) counts an auction once it has closed: its
-- expires is at or below the final watermark (the smaller of the views' largest
-- event time, bid.dateTime and auction.expires, minus the 4 s delay; minus
-- 1 ms, as the join's output watermark). So the agreement compares the same
-- auctions, this query keeps only those: it joins the winners with the two
-- maxima (global aggregations: their updates retract and re-add the rows) and
-- keeps the auctions whose expires is at or below that bound. AVG over a
-- DOUBLE: Flink's AVG of a BIGINT is a BIGINT.
-- The maxima change with nearly every event, and each change retracts and
-- re-adds every auction's row: mini-batches fold those changes (without
-- them a 10,000-event run took over ten minutes).
-- output: update
-- flink-config: table.exec.mini-batch.enabled=true, table.exec.mini-batch.allow-latency=1 s, table.exec.mini-batch.size=20000
SELECT Q.category, AVG(CAST(Q.final AS DOUBLE)) AS avg_final
FROM (
  SELECT MAX(B.price) AS final, A.category, A.expires, 1 AS k
  FROM auction AS A, bid AS B
  WHERE A.id = B.auction AND B.`dateTime` BETWEEN A.`dateTime` AND A.expires
  GROUP BY A.id, A.category, A.expires
) AS Q
JOIN (SELECT MAX(CAST(`dateTime` AS TIMESTAMP(3))) AS maxbid, 1 AS k FROM bid) AS MB ON Q.k = MB.k
JOIN (SELECT MAX(expires) AS maxexp, 1 AS k FROM auction) AS ME ON Q.k = ME.k
WHERE Q.expires <= (CASE WHEN MB.maxbid < ME.maxexp THEN MB.maxbid ELSE ME.maxexp END)
                   - INTERVAL '4.001' SECOND(1, 3)
GROUP BY Q.category
