-- The Sluice q5 for the agreement run only (bench/peers/run.sh uses
-- bench/peers/sluice/<query>.sql there when it exists): bench/nexmark/queries/q5.sql
-- with the window's end as a third column, so that the agreement compares
-- only the windows every engine closed (rule windows 2, queries.conf). The
-- throughput runs use bench/nexmark/queries/q5.sql as it is.
-- output mode: append
SELECT AuctionBids.auction, AuctionBids.num, AuctionBids.endtime
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
