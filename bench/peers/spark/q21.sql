-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q21: add a channel id. Bids with a channel id: fixed for the four hot
-- channels, else the url's channel_id parameter. (Flink's regexp_extract
-- gives NULL where Spark's gives '' when nothing matches; the WHERE keeps the
-- same bids either way, since every bid is on a hot channel or has a
-- channel_id in its url.)
-- output: append
SELECT auction, bidder, price, channel,
  CASE WHEN lower(channel) = 'apple' THEN '0'
       WHEN lower(channel) = 'google' THEN '1'
       WHEN lower(channel) = 'facebook' THEN '2'
       WHEN lower(channel) = 'baidu' THEN '3'
       ELSE regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) END AS channel_id
FROM bid
WHERE regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) <> ''
   OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')
