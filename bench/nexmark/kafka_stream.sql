-- The Nexmark topic as the stream `nexmark` (the same rows as the built-in
-- source): a Kafka stream parsed with from_json. The job that includes this
-- file replaces @BOOTSTRAP@ and @TOPIC@ (bench/nexmark/run.sh does).
CREATE STREAM nexmark_kafka USING kafka OPTIONS (
  kafka.bootstrap.servers '@BOOTSTRAP@', subscribe '@TOPIC@', startingOffsets 'earliest');
CREATE OR REPLACE TEMP VIEW nexmark AS
SELECT e.event_type, e.person, e.auction, e.bid
FROM (SELECT from_json(CAST(value AS STRING),
  'event_type INT, person STRUCT<id: BIGINT, name: STRING, emailAddress: STRING, creditCard: STRING, city: STRING, state: STRING, dateTime: TIMESTAMP, extra: STRING>, auction STRUCT<id: BIGINT, itemName: STRING, description: STRING, initialBid: BIGINT, reserve: BIGINT, dateTime: TIMESTAMP, expires: TIMESTAMP, seller: BIGINT, category: BIGINT, extra: STRING>, bid STRUCT<auction: BIGINT, bidder: BIGINT, price: BIGINT, channel: STRING, url: STRING, dateTime: TIMESTAMP, extra: STRING>') AS e
  FROM nexmark_kafka);
