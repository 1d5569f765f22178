-- q6: average selling price per seller. For each seller, the average of the
-- winning prices of their last 10 closed auctions.
-- output mode: update
-- unsupported: OVER windows (avg(...) OVER (PARTITION BY seller ORDER BY dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW); the chained aggregation it also needs runs now)
SELECT Q.seller, avg(Q.final) OVER (PARTITION BY Q.seller ORDER BY Q.dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avg_final
FROM (
  SELECT max(B.price) AS final, A.seller, B.dateTime
  FROM auction AS A JOIN bid AS B
    ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.seller
) AS Q
