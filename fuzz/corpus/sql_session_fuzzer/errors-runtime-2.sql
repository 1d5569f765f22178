CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT sum(1 / (id - 3)) FROM people
