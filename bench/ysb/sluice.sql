-- The Yahoo Streaming Benchmark's query in Sluice SQL (bench/ysb/run.sh fills
-- the @NAMES@; docs/ysb.md): keep the views, join the static ad -> campaign
-- table, count per campaign per 10-second event-time window, write each
-- window's count to Kafka as {"campaign_id", "window_end_ms", "count"}.
-- OUTPUT MODE update writes a window's count again in every batch where it
-- grows (YSB's semantics); append writes it once, when the watermark
-- (latest event time - @DELAY_MS@ ms) passes the window's end. The watermark
-- also evicts a closed window's state in update mode.
CREATE TABLE ad_campaign (ad_id STRING, campaign_id STRING)
  USING csv OPTIONS (path '@TABLE@', header 'true');
CREATE STREAM ad_events USING kafka OPTIONS (kafka.bootstrap.servers '@BOOTSTRAP@', subscribe '@INPUT@',
  startingOffsets 'earliest');
CREATE SINK counts USING kafka OPTIONS (kafka.bootstrap.servers '@BOOTSTRAP@', topic '@OUTPUT@',
  exactlyOnce '@EXACTLY_ONCE@');
START STREAMING QUERY ysb INTO counts OUTPUT MODE @MODE@ @TRIGGER@ CHECKPOINT LOCATION '@CHECKPOINT@'
  AS SELECT campaign_id AS key,
            to_json(named_struct('campaign_id', campaign_id, 'window_end_ms', unix_millis(w.end),
                                 'count', n)) AS value
     FROM (SELECT c.campaign_id, window(v.ts, '10 seconds') AS w, count(*) AS n
           FROM (SELECT e.ad_id AS ad_id, timestamp_millis(CAST(e.event_time AS BIGINT)) AS ts
                 FROM (SELECT from_json(CAST(value AS STRING),
                         'user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time STRING, ip_address STRING') AS e
                       FROM ad_events)
                 WHERE e.event_type = 'view')
                WATERMARK ts DELAY OF INTERVAL @DELAY_MS@ MILLISECONDS AS v
           JOIN ad_campaign c ON v.ad_id = c.ad_id
           GROUP BY c.campaign_id, window(v.ts, '10 seconds'));
