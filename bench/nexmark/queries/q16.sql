-- q16: channel statistics per day. As q15, per channel and day, with the
-- latest minute (HH:mm) seen.
-- The DISTINCT counts keep their values in the state store (one key per
-- group and value), so the state grows with the distinct bidders and
-- auctions of each open day.
-- output mode: update
SELECT channel, date_format(dateTime, 'yyyy-MM-dd') AS day,
  max(date_format(dateTime, 'HH:mm')) AS minute,
  count(*) AS total_bids,
  count_if(price < 10000) AS rank1_bids,
  count_if(price >= 10000 AND price < 1000000) AS rank2_bids,
  count_if(price >= 1000000) AS rank3_bids,
  count(DISTINCT bidder) AS total_bidders,
  count(DISTINCT CASE WHEN price < 10000 THEN bidder END) AS rank1_bidders,
  count(DISTINCT CASE WHEN price >= 10000 AND price < 1000000 THEN bidder END) AS rank2_bidders,
  count(DISTINCT CASE WHEN price >= 1000000 THEN bidder END) AS rank3_bidders,
  count(DISTINCT auction) AS total_auctions,
  count(DISTINCT CASE WHEN price < 10000 THEN auction END) AS rank1_auctions,
  count(DISTINCT CASE WHEN price >= 10000 AND price < 1000000 THEN auction END) AS rank2_auctions,
  count(DISTINCT CASE WHEN price >= 1000000 THEN auction END) AS rank3_auctions
FROM bid
GROUP BY channel, date_format(dateTime, 'yyyy-MM-dd')
