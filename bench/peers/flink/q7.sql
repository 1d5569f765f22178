-- Nexmark q7, highest bid: the maximum price of each 10-second tumbling
-- window (window TVF), joined back with the bids on the window and the price
-- (as the Sluice query, bench/nexmark/queries/q7.sql, which says why).
-- output: append
SELECT B.auction, B.price, B.bidder, B.`dateTime`, B.extra
FROM (SELECT auction, price, bidder, `dateTime`, extra, window_start, window_end
      FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))) AS B
JOIN (SELECT MAX(price) AS maxprice, window_start, window_end
      FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end) AS B1
ON B.window_start = B1.window_start AND B.window_end = B1.window_end AND B.price = B1.maxprice
