-- q15: bidding statistics per day. Bids, bidders and auctions per day, in
-- total and in three price ranges (below 10,000; up to 1,000,000; above).
-- Flink's Nexmark counts with count(*) FILTER (WHERE ...) and
-- count(DISTINCT ...) FILTER (...); here count_if, and count(DISTINCT) of a
-- CASE that is NULL outside the range (DISTINCT leaves NULLs out). The
-- streaming aggregation keeps each DISTINCT count's values in the state
-- store, one key per (day, value), so a batch touches only its new values
-- (the state holds every distinct bidder and auction of the day, as Flink's
-- distinct state does).
-- output mode: update
SELECT date_format(dateTime, 'yyyy-MM-dd') AS day,
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
GROUP BY date_format(dateTime, 'yyyy-MM-dd')
