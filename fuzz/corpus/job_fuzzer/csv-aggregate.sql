CREATE STREAM rows (id INT, name STRING, v DOUBLE) USING csv OPTIONS (path '/in/csv', header 'true');
CREATE SINK mem USING memory;
START STREAMING QUERY totals INTO mem OUTPUT MODE complete TRIGGER ONCE CHECKPOINT LOCATION '/ck/totals'
  AS SELECT name, count(*) AS n, sum(v) AS s, max(id) AS m FROM rows GROUP BY name;
