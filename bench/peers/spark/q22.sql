-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q22: URL directories. Every bid with the first three directories of its
-- url (Flink's SPLIT_INDEX(url, '/', 3..5); split() is 0-based here too).
-- output: append
SELECT auction, bidder, price, channel,
  split(url, '/')[3] AS dir1, split(url, '/')[4] AS dir2, split(url, '/')[5] AS dir3
FROM bid
