CREATE TABLE js (id INT, payload STRING) USING json OPTIONS (path 'json_strings.json');
SELECT from_json('{"a":1, "b":"x"}', 'a INT, b STRING').a
