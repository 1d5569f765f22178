CREATE STREAM events USING rate-micro-batch OPTIONS (rowsPerBatch '20', numPartitions '2');
CREATE SINK out USING console OPTIONS (numRows '5', truncate 'false');
SET spark.sql.shuffle.partitions = 3;
START STREAMING QUERY q INTO out OUTPUT MODE update CHECKPOINT LOCATION '/ck/rate'
  AS SELECT value % 4 AS k, count(*) AS n, avg(value) AS a FROM events GROUP BY value % 4;
