-- q7: highest bid. The bids whose price is the highest of their 10-second
-- tumbling window: the maximum per window joined back with the bids on the
-- window and the price, output once the watermark closes the window.
-- Flink's Nexmark joins on B.dateTime BETWEEN end - 10 s AND end, which also
-- matches a bid at exactly the window's end (the next window's first
-- millisecond) when it equals this window's maximum; joining on the window
-- leaves that case out, but lets the watermark evict both sides' state (a
-- range condition on window.end would not: only a column carries the
-- watermark), so the join keeps only the open windows' bids.
-- output mode: append
SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
FROM (
  SELECT auction, price, bidder, dateTime, extra, window(dateTime, '10 seconds') AS w
  FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
) AS B
JOIN (
  SELECT max(price) AS maxprice, window AS w
  FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
  GROUP BY window(dateTime, '10 seconds')
) AS B1
ON B.w = B1.w AND B.price = B1.maxprice
