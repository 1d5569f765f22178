-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q20: expand bid with auction. Every bid on an auction of category 10, with
-- the auction's fields: a stream-stream inner join on the auction id (both
-- sides kept in the join's state: no event-time bound, as in Flink's
-- Nexmark).
-- output: append
SELECT B.auction, B.bidder, B.price, B.channel, B.url, B.dateTime, B.extra,
       A.itemName, A.description, A.initialBid, A.reserve, A.dateTime AS auction_dateTime, A.expires,
       A.seller, A.category, A.extra AS auction_extra
FROM bid AS B INNER JOIN auction AS A ON B.auction = A.id
WHERE A.category = 10
