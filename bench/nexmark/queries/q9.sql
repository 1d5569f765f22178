-- q9: winning bids. For each auction, its highest bid made before it
-- expired (earliest on ties), with the auction's fields.
-- Flink's Nexmark takes ROW_NUMBER() OVER (PARTITION BY id ORDER BY price
-- DESC, dateTime ASC) = 1; without OVER windows, the top bid is the max of a
-- struct ordered by price, then the negated bid time, then the remaining
-- fields (which only break exact ties, where Flink picks any). The
-- aggregation groups by the auction's watermarked expires, so an auction's
-- row comes out once, when it has closed (Flink's emits and retracts while
-- it is open); auctions without a bid are left out, as in Flink's.
-- output mode: append
SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra,
       id AS auction, w.bidder AS bidder, w.price AS price, w.bid_dateTime AS bid_dateTime, w.bid_extra AS bid_extra
FROM (
  SELECT A.id, A.itemName, A.description, A.initialBid, A.reserve, A.dateTime, A.expires, A.seller, A.category,
         A.extra,
         max(named_struct('price', B.price, 'neg_time', -unix_millis(B.dateTime), 'bidder', B.bidder,
                          'bid_dateTime', B.dateTime, 'bid_extra', B.extra)) AS w
  FROM auction WATERMARK expires DELAY OF INTERVAL 4 SECONDS AS A
  JOIN bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS AS B
    ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.itemName, A.description, A.initialBid, A.reserve, A.dateTime, A.expires, A.seller, A.category,
           A.extra
)
