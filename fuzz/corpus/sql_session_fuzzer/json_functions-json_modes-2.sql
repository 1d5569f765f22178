CREATE TABLE js (id INT, payload STRING) USING json OPTIONS (path 'json_strings.json');
SELECT id, from_json(payload, 'a INT, b STRING', map('mode', 'FAILFAST')) FROM js
