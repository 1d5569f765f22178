CREATE TABLE nums (id INT, x INT, y INT) USING json OPTIONS (path 'nums.json');
SELECT count(*) FROM nums WHERE x NOT IN (1, NULL)
