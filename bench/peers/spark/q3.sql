-- The Sluice query (bench/nexmark/queries/), which Spark runs as it is:
-- q3: local item suggestion. Auctions in category 10 by sellers in Oregon,
-- Idaho or California, with the seller's name, city and state: a
-- stream-stream inner join of auction and person on the seller's id. No
-- event time bounds the join, so both sides stay in the join's state (as in
-- Spark and Flink).
-- output: append
SELECT P.name, P.city, P.state, A.id
FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
