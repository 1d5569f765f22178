-- q8: monitor new users. People who opened an auction in the same 10-second
-- tumbling window in which they registered: person joined with auction on
-- id = seller and the window. Flink's Nexmark groups each side by its key
-- and window first (one row per person and window, one per seller and
-- window); here the person side is one row per person already (ids are
-- unique) and the auction side is de-duplicated by (seller, window), so the
-- rows are the same. The window carries the watermark, which bounds both the
-- join's state and the de-duplication's.
-- output mode: append
SELECT P.id, P.name, P.w.start AS starttime
FROM (
  SELECT id, name, window(dateTime, '10 seconds') AS w
  FROM person WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
) AS P
JOIN (
  SELECT seller, w
  FROM (
    SELECT seller, window(dateTime, '10 seconds') AS w
    FROM auction WATERMARK dateTime DELAY OF INTERVAL 4 SECONDS
  ) DROP DUPLICATES (seller, w)
) AS A
ON P.id = A.seller AND P.w = A.w
