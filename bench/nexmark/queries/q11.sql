-- q11: user sessions. Bids per bidder per session, a session ending after
-- 10 seconds without a bid from that bidder; each session output once the
-- watermark passes its end.
-- output mode: append
SELECT B.bidder, count(*) AS bid_count, session_window.start AS starttime, session_window.end AS endtime
FROM bid WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS AS B
GROUP BY B.bidder, session_window(B.dateTime, '10 seconds')
