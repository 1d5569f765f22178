-- The Sluice query (bench/nexmark/queries/q5.sql) with the window end as a
-- third column (as bench/peers/sluice/q5.sql, for the agreement rule):
-- hot items, counts per auction in sliding windows, joined with the largest
-- count per window (an aggregation over the windowed counts, chained through
-- window_time(window); Spark takes window_time of the window column in the
-- outer query: in the inner one it is refused as not grouped).
-- output: append
-- watermark: 4 seconds
SELECT AuctionBids.auction, AuctionBids.num, AuctionBids.endtime
FROM (
  SELECT auction, count(*) AS num, window.start AS starttime, window.end AS endtime
  FROM bid
  GROUP BY auction, window(dateTime, '10 seconds', '2 seconds')
) AS AuctionBids
JOIN (
  SELECT max(num) AS maxn, window.end AS endtime
  FROM (
    SELECT count(*) AS num, window AS w
    FROM bid
    GROUP BY auction, window(dateTime, '10 seconds', '2 seconds')
  ) GROUP BY window(window_time(w), '2 seconds')
) AS MaxBids
ON AuctionBids.endtime = MaxBids.endtime AND AuctionBids.num >= MaxBids.maxn
