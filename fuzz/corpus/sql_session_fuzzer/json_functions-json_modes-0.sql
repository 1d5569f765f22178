CREATE TABLE js (id INT, payload STRING) USING json OPTIONS (path 'json_strings.json');
SELECT id, data.* FROM (SELECT id, from_json(payload, 'a INT, b STRING', map('MODE', 'permissive')) AS data FROM js) ORDER BY id
