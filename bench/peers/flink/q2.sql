-- Nexmark q2, selection: the bids on every 123rd auction.
-- output: append
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0
