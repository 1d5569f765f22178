-- One JSON object per event, in the single-topic layout (docs/nexmark.md):
-- keys event_type, person, auction, bid, in that order; the two structs that
-- do not apply written as null; timestamps "yyyy-MM-dd HH:mm:ss.SSS" in UTC
-- (Flink's JSON format's default, which Spark's from_json also reads).
-- to_json would leave out NULL structs and write timestamps with 'T' and
-- 'Z', so the object is put together here: each struct's fields by
-- to_json(named_struct(...)) with the timestamps formatted as text.
SELECT concat(
  '{"event_type":', CAST(event_type AS STRING),
  ',"person":', CASE WHEN event_type = 0 THEN to_json(named_struct(
      'id', person.id, 'name', person.name, 'emailAddress', person.emailAddress,
      'creditCard', person.creditCard, 'city', person.city, 'state', person.state,
      'dateTime', date_format(person.dateTime, 'yyyy-MM-dd HH:mm:ss.SSS'),
      'extra', person.extra)) ELSE 'null' END,
  ',"auction":', CASE WHEN event_type = 1 THEN to_json(named_struct(
      'id', auction.id, 'itemName', auction.itemName, 'description', auction.description,
      'initialBid', auction.initialBid, 'reserve', auction.reserve,
      'dateTime', date_format(auction.dateTime, 'yyyy-MM-dd HH:mm:ss.SSS'),
      'expires', date_format(auction.expires, 'yyyy-MM-dd HH:mm:ss.SSS'),
      'seller', auction.seller, 'category', auction.category, 'extra', auction.extra)) ELSE 'null' END,
  ',"bid":', CASE WHEN event_type = 2 THEN to_json(named_struct(
      'auction', bid.auction, 'bidder', bid.bidder, 'price', bid.price, 'channel', bid.channel,
      'url', bid.url, 'dateTime', date_format(bid.dateTime, 'yyyy-MM-dd HH:mm:ss.SSS'),
      'extra', bid.extra)) ELSE 'null' END,
  '}') AS value
FROM nexmark
