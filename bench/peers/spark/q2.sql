-- Nexmark q2, selection: the bids on every 123rd auction.
-- output: append
SELECT auction, price FROM bid WHERE auction % 123 = 0
