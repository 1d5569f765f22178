-- q4: average price per category. The winning (highest) bid of each closed
-- auction (bids between its start and its expiry), then the average of those
-- per category.
-- A stream-stream join and two chained aggregations: the first (per auction)
-- groups by the auction's expires, which carries a watermark, so it emits
-- each auction once, when the watermark passes its expiry (append semantics
-- below another aggregation); the second averages those per category. Unlike
-- Flink's Nexmark (which updates an auction's winning bid while it is open,
-- with retractions), only closed auctions count, as in Beam's Nexmark.
-- output mode: update
SELECT Q.category, avg(Q.final) AS avg_final
FROM (
  SELECT max(B.price) AS final, A.category
  FROM auction WATERMARK expires DELAY OF INTERVAL 4 SECONDS AS A
  JOIN bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS AS B
    ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category, A.expires
) Q
GROUP BY Q.category
