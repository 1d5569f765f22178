CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT id, name AS n FROM people ORDER BY id
