-- Nexmark q7, highest bid: the bids whose price is the highest of their
-- 10-second tumbling window (bid time in [window end - 10 s, window end]).
-- output: append
-- watermark: 4 seconds
SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
FROM bid AS B
JOIN (
  SELECT max(price) AS maxprice, window.end AS dateTime
  FROM bid
  GROUP BY window(dateTime, '10 seconds')
) AS B1
ON B.price = B1.maxprice
  AND B.dateTime BETWEEN B1.dateTime - INTERVAL 10 SECONDS AND B1.dateTime
