-- q2: selection. The bids on every 123rd auction (auction ids divisible by
-- 123), with their price.
-- output mode: append
SELECT auction, price FROM bid WHERE auction % 123 = 0
