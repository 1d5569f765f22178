-- q4: average price per category. The winning (highest) bid of each closed
-- auction (bids between its start and its expiry), then the average of those
-- per category.
-- output mode: update
-- unsupported: chained streaming aggregations (an aggregation over an aggregation's output; Sluice, like Spark before 3.4, runs one streaming aggregation per query)
SELECT Q.category, avg(Q.final) AS avg_final
FROM (
  SELECT max(B.price) AS final, A.category
  FROM auction A JOIN bid B
    ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category
) Q
GROUP BY Q.category
