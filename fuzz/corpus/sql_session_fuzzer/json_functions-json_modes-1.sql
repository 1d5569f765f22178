CREATE TABLE js (id INT, payload STRING) USING json OPTIONS (path 'json_strings.json');
SELECT data.a, data.b FROM (SELECT from_json('{"a":"x","b":2}', 'a INT, b INT', map('mode', 'PERMISSIVE')) AS data)
