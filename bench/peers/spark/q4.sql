-- Nexmark q4, average price per category: a stream-stream join, an
-- aggregation per auction, then an average per category (an attempt: see
-- docs/nexmark.md for what Spark answered).
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
