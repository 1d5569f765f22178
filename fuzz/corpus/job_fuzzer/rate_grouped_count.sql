-- A streaming job on the built-in rate source: every second, 1000 new rows
-- (timestamp, value); print the running count per value % 10 to the console.
--   sluice run examples/rate_grouped_count.sql --max-batches 3
CREATE STREAM events USING rate OPTIONS (rowsPerSecond '1000');
CREATE SINK out USING console OPTIONS (numRows '20', truncate 'false');
START STREAMING QUERY grouped_counts INTO out
  OUTPUT MODE complete
  TRIGGER PROCESSING TIME '1 second'
  CHECKPOINT LOCATION '/ck/demo'
  AS SELECT value % 10 AS k, count(*) AS n FROM events GROUP BY value % 10 ORDER BY k;
