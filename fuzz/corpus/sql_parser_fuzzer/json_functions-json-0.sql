CREATE TABLE js (id INT, payload STRING) USING json OPTIONS (path 'json_strings.json');
SELECT from_json('{"a":1, "b":0.8}', 'a INT, b DOUBLE')
