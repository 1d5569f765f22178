-- q19: auction top-10 prices. For each auction, its 10 highest bids.
-- output mode: update
-- unsupported: OVER windows (ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) <= 10: top-N per group on a stream)
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number
  FROM bid
)
WHERE rank_number <= 10
