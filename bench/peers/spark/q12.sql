-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q12: processing-time windows. Bids per bidder in 10-second tumbling
-- windows of processing time (the micro-batch's current_timestamp(), as
-- Flink's PROCTIME()). Which window a bid falls in depends on when it was
-- processed, so only the counts summed over windows are comparable across
-- runs and engines.
-- output: update
SELECT B.bidder, count(*) AS bid_count, window.start AS starttime, window.end AS endtime
FROM bid B
GROUP BY B.bidder, window(current_timestamp(), '10 seconds')
