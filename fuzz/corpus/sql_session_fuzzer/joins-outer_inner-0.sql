CREATE TABLE l (k INT, lv STRING) USING json OPTIONS (path 'join_left.json');
CREATE TABLE r (k INT, rv STRING) USING json OPTIONS (path 'join_right.json');
SELECT l.k, lv, rv FROM l JOIN r ON l.k = r.k
