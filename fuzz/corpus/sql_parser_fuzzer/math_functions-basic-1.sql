CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
SELECT round(2.5, 0), round(-2.5, 0), round(2.345, 2)
