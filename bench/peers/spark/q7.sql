-- Nexmark q7, highest bid: the bids whose price is the highest of their
-- 10-second tumbling window, joined back on the window and the price (as
-- the Sluice query, bench/nexmark/queries/q7.sql, which says why).
-- output: append
-- watermark: 4 seconds
-- (Spark allows one event-time column per stream: the bid's time is passed
-- on as `dateTime + INTERVAL 0 SECONDS`, which drops its watermark mark, so
-- only the window w carries it.)
SELECT B.auction, B.price, B.bidder, B.bidTime AS dateTime, B.extra
FROM (SELECT auction, price, bidder, dateTime + INTERVAL 0 SECONDS AS bidTime, extra,
             window(dateTime, '10 seconds') AS w FROM bid) AS B
JOIN (SELECT max(price) AS maxprice, window AS w FROM bid GROUP BY window(dateTime, '10 seconds')) AS B1
ON B.w = B1.w AND B.price = B1.maxprice
