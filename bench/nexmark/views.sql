-- The three Nexmark views over the single-topic stream `nexmark` (the
-- built-in source, or the Kafka topic parsed by kafka_stream.sql): each
-- view is the struct's fields, flattened, for the rows of that event type.
-- A job declares the stream `nexmark`, then these views, then its query.
CREATE OR REPLACE TEMP VIEW person AS SELECT person.* FROM nexmark WHERE event_type = 0;
CREATE OR REPLACE TEMP VIEW auction AS SELECT auction.* FROM nexmark WHERE event_type = 1;
CREATE OR REPLACE TEMP VIEW bid AS SELECT bid.* FROM nexmark WHERE event_type = 2;
