-- q7: highest bid. The bids whose price is the highest of a 10-second
-- tumbling window, with the bid's time in (window end - 10 s, window end]
-- closed at both ends as in Flink's Nexmark: the maximum per window joined
-- back with the bids. Output once the window is closed by the watermark.
-- output mode: append
SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS AS B
JOIN (
  SELECT max(price) AS maxprice, window.end AS dateTime
  FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
  GROUP BY window(dateTime, '10 seconds')
) AS B1
ON B.price = B1.maxprice
  AND B.dateTime BETWEEN B1.dateTime - INTERVAL 10 SECONDS AND B1.dateTime
