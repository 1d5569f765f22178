CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
CREATE TABLE l (k INT, lv STRING) USING json OPTIONS (path 'join_left.json');
CREATE TABLE r (k INT, rv STRING) USING json OPTIONS (path 'join_right.json');
SELECT name FROM people WHERE id = 1
