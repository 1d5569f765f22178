-- A streaming job on Kafka: JSON ad events (bench/kafka/kafka_load writes
-- them) are parsed with from_json, views and clicks are counted per event
-- type and ad type, and the running counts are printed to the console
-- every 2 seconds. The broker address below is replaced by the README's
-- commands (scripts/kafka/broker.sh prints it).
CREATE STREAM ads USING kafka OPTIONS (
  kafka.bootstrap.servers '127.0.0.1:9092',
  subscribe 'ads',
  startingOffsets 'earliest',
  maxOffsetsPerTrigger '200000');
CREATE SINK out USING console OPTIONS (numRows '20', truncate 'false');
START STREAMING QUERY ad_counts INTO out
  OUTPUT MODE complete
  TRIGGER PROCESSING TIME '2 seconds'
  CHECKPOINT LOCATION '/tmp/sluice-kafka-example-checkpoint'
  AS SELECT data.event_type, data.ad_type, count(*) AS events
     FROM (SELECT from_json(CAST(value AS STRING),
                            'user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time STRING, ip_address STRING') AS data
           FROM ads)
     WHERE data.event_type IN ('view', 'click')
     GROUP BY data.event_type, data.ad_type
     ORDER BY data.event_type, data.ad_type;
