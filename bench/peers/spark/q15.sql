-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q15: bidding statistics per day. Bids, bidders and auctions per day, in
-- total and in three price ranges (below 10,000; up to 1,000,000; above).
-- Flink's Nexmark counts with count(*) FILTER (WHERE ...) and
-- count(DISTINCT ...) FILTER (...); here count_if, and for the distinct
-- counts size(collect_set(...)) of a CASE (NULL outside the range, and
-- collect_set leaves NULLs out, as count(DISTINCT) does): a streaming
-- aggregation refuses count(DISTINCT), as Spark's does, but keeps
-- collect_set's set of values per group in its state.
-- output: update
SELECT date_format(dateTime, 'yyyy-MM-dd') AS day,
  count(*) AS total_bids,
  count_if(price < 10000) AS rank1_bids,
  count_if(price >= 10000 AND price < 1000000) AS rank2_bids,
  count_if(price >= 1000000) AS rank3_bids,
  size(collect_set(bidder)) AS total_bidders,
  size(collect_set(CASE WHEN price < 10000 THEN bidder END)) AS rank1_bidders,
  size(collect_set(CASE WHEN price >= 10000 AND price < 1000000 THEN bidder END)) AS rank2_bidders,
  size(collect_set(CASE WHEN price >= 1000000 THEN bidder END)) AS rank3_bidders,
  size(collect_set(auction)) AS total_auctions,
  size(collect_set(CASE WHEN price < 10000 THEN auction END)) AS rank1_auctions,
  size(collect_set(CASE WHEN price >= 10000 AND price < 1000000 THEN auction END)) AS rank2_auctions,
  size(collect_set(CASE WHEN price >= 1000000 THEN auction END)) AS rank3_auctions
FROM bid
GROUP BY date_format(dateTime, 'yyyy-MM-dd')
