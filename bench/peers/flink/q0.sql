-- Nexmark q0, pass-through: every bid's fields (measures the source and the
-- serialization alone).
-- output: append
SELECT auction, bidder, price, `dateTime`, extra FROM bid
