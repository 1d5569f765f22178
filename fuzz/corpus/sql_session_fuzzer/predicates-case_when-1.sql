CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT id, CASE city WHEN 'Paris' THEN 'FR' WHEN 'Berlin' THEN 'DE' END FROM people ORDER BY id
