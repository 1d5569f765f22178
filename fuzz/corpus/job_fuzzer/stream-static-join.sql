CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
CREATE STREAM clicks (id BIGINT, name STRING, v DOUBLE) USING json OPTIONS (path '/in/json');
CREATE OR REPLACE SINK out USING csv OPTIONS (path '/out/csv', header 'true');
START STREAMING QUERY joined INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '/ck/joined'
  AS SELECT c.id, p.city, c.v FROM clicks c JOIN people p ON c.id = p.id;
