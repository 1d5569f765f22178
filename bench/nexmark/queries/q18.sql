-- q18: find the last bid. For each (bidder, auction), the bid with the
-- latest time.
-- output mode: update
-- unsupported: OVER windows (ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) = 1: keep-last de-duplication on a stream)
SELECT auction, bidder, price, channel, url, dateTime, extra
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) AS rank_number
  FROM bid
)
WHERE rank_number <= 1
