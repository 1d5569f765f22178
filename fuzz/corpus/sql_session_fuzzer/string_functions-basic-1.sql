CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT concat_ws(' ', 'Spark', 'SQL'), concat_ws(',', 'a', NULL, 'b')
