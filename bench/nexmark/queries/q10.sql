-- q10: log to a file system. Every bid with its day and minute as text, for
-- a file sink partitioned by them (in a job: CREATE SINK out USING parquet
-- OPTIONS (path '...') PARTITIONED BY (dt, hm)); the benchmark writes to noop.
-- output mode: append
SELECT auction, bidder, price, dateTime, extra,
       date_format(dateTime, 'yyyy-MM-dd') AS dt, date_format(dateTime, 'HH:mm') AS hm
FROM bid
