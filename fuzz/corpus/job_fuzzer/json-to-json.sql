CREATE STREAM clicks (id BIGINT, name STRING, v DOUBLE, _corrupt_record STRING) USING json OPTIONS (path '/in/json', maxFilesPerTrigger '1', mode 'PERMISSIVE');
CREATE SINK out USING json OPTIONS (path '/out/json');
START STREAMING QUERY q INTO out OUTPUT MODE append TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '/ck/q'
  AS SELECT id, upper(name) AS u, v * 2 AS w, _corrupt_record FROM clicks WHERE id > 1 OR v IS NULL;
