CREATE TABLE logic (id INT, p BOOLEAN, q BOOLEAN) USING json OPTIONS (path 'logic.json');
SELECT id, p = q, p <=> q FROM logic ORDER BY id
