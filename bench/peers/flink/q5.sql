-- Nexmark q5, hot items: in every 10-second window sliding by 2 seconds, the
-- auctions with the most bids (ties kept): the counts per auction and window
-- (HOP window TVF), joined with the largest count of each window (a group
-- aggregation over the windowed counts; the join then is a changelog).
-- The window end is a third column so that the agreement run compares only
-- the windows every engine closed (the Sluice agreement run uses
-- bench/peers/sluice/q5.sql, the same query with that column).
-- output: append
SELECT AuctionBids.auction, AuctionBids.num, AuctionBids.endtime
FROM (
  SELECT auction, COUNT(*) AS num, window_start AS starttime, window_end AS endtime
  FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
  GROUP BY auction, window_start, window_end
) AS AuctionBids
JOIN (
  SELECT MAX(num) AS maxn, starttime, endtime
  FROM (
    SELECT COUNT(*) AS num, window_start AS starttime, window_end AS endtime
    FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
    GROUP BY auction, window_start, window_end
  ) AS CountBids
  GROUP BY starttime, endtime
) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
   AND AuctionBids.num >= MaxBids.maxn
