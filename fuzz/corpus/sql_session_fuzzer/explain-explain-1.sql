CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
EXPLAIN EXTENDED SELECT name FROM people WHERE age > 30
