-- Nexmark q9, winning bids: for each auction, its highest bid made between
-- its start and its expiry (earliest on equal prices), with the auction's
-- fields: a regular join, then ROW_NUMBER() = 1 per auction (Flink's Rank:
-- a changelog that replaces an auction's row while better bids arrive).
-- The agreement compares the auctions every engine closed (rule windows on
-- expires, queries.conf): Flink closes all of them when its source ends.
-- output: append
SELECT id, itemName, description, initialBid, reserve, `dateTime`, expires, seller, category, extra,
       auction, bidder, price, bid_dateTime, bid_extra
FROM (
  SELECT A.id, A.itemName, A.description, A.initialBid, A.reserve, A.`dateTime`, A.expires, A.seller,
         A.category, A.extra, B.auction, B.bidder, B.price, B.`dateTime` AS bid_dateTime, B.extra AS bid_extra,
         ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.`dateTime` ASC) AS rownum
  FROM auction AS A, bid AS B
  WHERE A.id = B.auction AND B.`dateTime` BETWEEN A.`dateTime` AND A.expires
)
WHERE rownum <= 1
