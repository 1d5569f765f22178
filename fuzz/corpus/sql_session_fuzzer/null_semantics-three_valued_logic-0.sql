CREATE TABLE logic (id INT, p BOOLEAN, q BOOLEAN) USING json OPTIONS (path 'logic.json');
SELECT id, p AND q, p OR q, NOT p FROM logic ORDER BY id
