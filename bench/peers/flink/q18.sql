-- Nexmark q18, find the last bid: per (bidder, auction), the bid with the
-- latest time (ROW_NUMBER() over the row-time attribute, descending: Flink's
-- keep-last Deduplicate, a changelog).
-- output: update
SELECT auction, bidder, price, channel, url, `dateTime`, extra
FROM (
  SELECT auction, bidder, price, channel, url, `dateTime`, extra,
         ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY `dateTime` DESC) AS rownum
  FROM bid
)
WHERE rownum <= 1
