-- Nexmark q11, user sessions: bids per bidder per session (10 s gap).
-- output: append
-- watermark: 4 seconds
SELECT bidder, count(*) AS bid_count, session_window.start AS starttime, session_window.end AS endtime
FROM bid
GROUP BY bidder, session_window(dateTime, '10 seconds')
