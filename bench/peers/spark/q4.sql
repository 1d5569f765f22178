-- Nexmark q4, average price per category: a stream-stream join, an
-- aggregation per auction, then an average per category.
-- unsupported: Spark runs chained stateful operators in append mode only, and the outer GROUP BY category has no event-time column to emit in append mode (update mode with two stateful operators is refused)
SELECT 1
