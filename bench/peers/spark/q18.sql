-- The Sluice query (bench/nexmark/queries/q18.sql), which Spark runs as it is:
-- q18: the last bid per (bidder, auction), the max of a struct led by the
-- bid time (Spark orders structs field by field, as Sluice does).
-- output: update
SELECT auction, bidder, last.price AS price, last.channel AS channel, last.url AS url,
       last.dateTime AS dateTime, last.extra AS extra
FROM (
  SELECT auction, bidder,
         max(named_struct('dateTime', dateTime, 'price', price, 'channel', channel, 'url', url,
                          'extra', extra)) AS last
  FROM bid
  GROUP BY bidder, auction
)
