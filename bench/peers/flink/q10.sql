-- Nexmark q10, log to a file system: every bid with its day and minute as
-- text (the benchmark writes to the blackhole sink).
-- output: append
SELECT auction, bidder, price, `dateTime`, extra,
       DATE_FORMAT(`dateTime`, 'yyyy-MM-dd') AS dt, DATE_FORMAT(`dateTime`, 'HH:mm') AS hm
FROM bid
