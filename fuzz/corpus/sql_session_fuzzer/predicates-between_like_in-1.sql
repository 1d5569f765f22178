CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT name FROM people WHERE age NOT BETWEEN 28 AND 34
