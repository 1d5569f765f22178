-- Event time on the built-in rate-micro-batch source: 10,000 rows per
-- micro-batch, their timestamp advancing 1 second per batch. Counts per
-- 10-second tumbling window and key, with a 5-second watermark; in append
-- mode a window is printed once, when the watermark passes its end, and its
-- state is then evicted.
--   sluice run examples/rate_windowed_counts.sql --max-batches 25
CREATE STREAM events USING rate-micro-batch OPTIONS (rowsPerBatch '10000', advanceMillisPerBatch '1000');
CREATE SINK out USING console OPTIONS (numRows '10', truncate 'false');
START STREAMING QUERY windowed_counts INTO out
  OUTPUT MODE append
  CHECKPOINT LOCATION '/tmp/sluice-demo-windows-checkpoint'
  AS SELECT window(timestamp, '10 seconds') AS w, value % 3 AS k, count(*) AS n
     FROM events WATERMARK timestamp DELAY OF INTERVAL 5 SECONDS
     GROUP BY window(timestamp, '10 seconds'), value % 3;
