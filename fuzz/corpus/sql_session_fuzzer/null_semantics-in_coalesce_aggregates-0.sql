CREATE TABLE nums (id INT, x INT, y INT) USING json OPTIONS (path 'nums.json');
SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), NULL IN (1, 2), 3 NOT IN (1, 2)
