-- Nexmark q9, winning bids: a stream-stream join, then the top bid per
-- auction.
-- unsupported: the per-auction aggregation after the join must group by the auction's expires with a watermark on it to emit in append mode, but Spark's views carry their watermark on dateTime (one event-time column per view here); no OVER windows (ROW_NUMBER) on streams
SELECT 1
