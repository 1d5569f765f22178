-- q18: find the last bid. For each (bidder, auction), the bid with the
-- latest time.
-- Flink's Nexmark keeps the last row with ROW_NUMBER() OVER (PARTITION BY
-- bidder, auction ORDER BY dateTime DESC) = 1; without OVER windows, the
-- last bid is the max of a struct ordered by its time first (the other
-- fields only break exact ties, where Flink picks any).
-- output mode: update
SELECT auction, bidder, last.price AS price, last.channel AS channel, last.url AS url,
       last.dateTime AS dateTime, last.extra AS extra
FROM (
  SELECT auction, bidder,
         max(named_struct('dateTime', dateTime, 'price', price, 'channel', channel, 'url', url,
                          'extra', extra)) AS last
  FROM bid
  GROUP BY bidder, auction
)
