-- Nexmark q4, average price per category: a stream-stream join, an
-- aggregation per auction, then an average per category. Spark 4.3 refuses
-- it (tried 2026-12-07 in update mode with 4 s watermarks on both views):
-- AnalysisException "Detected pattern of possible 'correctness' issue due to
-- global watermark ... can emit rows older than the current watermark"
-- (a check that can be switched off, at the risk of dropped rows; append mode
-- cannot emit the outer GROUP BY category, which has no event-time column).
-- unsupported: Spark refuses the join followed by two aggregations (its global-watermark correctness check); append mode cannot emit the per-category average
-- output: update
-- watermark: 4 seconds
SELECT Q.category, avg(Q.final) AS avg_final
FROM (
  SELECT max(B.price) AS final, A.category
  FROM auction AS A
  JOIN bid AS B ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category, A.expires
) Q
GROUP BY Q.category
