-- q0: pass-through. Every bid, its fields as they are: the cost of reading
-- the events and writing them out, with no work in between.
-- output mode: append
SELECT auction, bidder, price, dateTime, extra FROM bid
