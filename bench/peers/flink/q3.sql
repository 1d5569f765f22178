-- Nexmark q3, local item suggestion: auctions in category 10 by sellers in
-- OR, ID or CA, with the seller's name, city and state (a regular join).
-- output: append
SELECT P.name, P.city, P.`state`, A.id
FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.`state` = 'OR' OR P.`state` = 'ID' OR P.`state` = 'CA')
