-- q13: bounded side input join. Every bid joined with a static table of
-- 10,000 (key, value) rows on auction mod 10000 = key: a stream-static join
-- (the side table is inline here: keys 0..9999, value = the key as text).
-- output mode: append
SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
FROM bid B
JOIN (SELECT id AS key, CAST(id AS STRING) AS value FROM range(10000)) AS S
  ON B.auction % 10000 = S.key
