-- q5: hot items. In every 10-second window sliding by 2 seconds, the auctions
-- with the most bids (ties all kept): the bid count per auction and window,
-- joined with the largest count of that window (an aggregation over the
-- windowed counts, chained through window_time(window)). Output once the
-- watermark closes the window.
-- output mode: append
SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT auction, count(*) AS num, window.start AS starttime, window.end AS endtime
  FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
  GROUP BY auction, window(dateTime, '10 seconds', '2 seconds')
) AS AuctionBids
JOIN (
  SELECT max(num) AS maxn, window.end AS endtime
  FROM (
    SELECT count(*) AS num, window_time(window) AS t
    FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
    GROUP BY auction, window(dateTime, '10 seconds', '2 seconds')
  ) GROUP BY window(t, '2 seconds')
) AS MaxBids
ON AuctionBids.endtime = MaxBids.endtime AND AuctionBids.num >= MaxBids.maxn
