CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT abs(-1), abs(-2.5), abs(CAST(-1.5 AS DOUBLE))
