CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT id, CASE WHEN age < 30 THEN 'young' WHEN age < 40 THEN 'mid' ELSE 'senior' END FROM people ORDER BY id
