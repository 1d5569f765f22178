-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q16: channel statistics per day. As q15, per channel and day, with the
-- latest minute (HH:mm) seen.
-- output: update
SELECT channel, date_format(dateTime, 'yyyy-MM-dd') AS day,
  max(date_format(dateTime, 'HH:mm')) AS minute,
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
GROUP BY channel, date_format(dateTime, 'yyyy-MM-dd')
