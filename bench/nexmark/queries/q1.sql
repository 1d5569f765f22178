-- q1: currency conversion. Every bid with its price from dollars to euros
-- (times 0.908, a DECIMAL(13,3) as in Flink's Nexmark).
-- output mode: append
SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid
