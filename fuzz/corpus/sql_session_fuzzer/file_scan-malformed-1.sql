CREATE TABLE mj (id INT, name STRING, _corrupt_record STRING) USING json OPTIONS (path 'malformed.json');
CREATE TABLE mj_perm (id INT, name STRING) USING json OPTIONS (path 'malformed.json', mode 'PERMISSIVE');
CREATE TABLE mj_drop (id INT, name STRING) USING json OPTIONS (path 'malformed.json', mode 'DROPMALFORMED');
CREATE TABLE mj_fail (id INT, name STRING) USING json OPTIONS (path 'malformed.json', mode 'FAILFAST');
CREATE TABLE mc (id INT, name STRING, _corrupt_record STRING) USING csv OPTIONS (path 'malformed.csv', header 'true');
CREATE TABLE mc_drop (id INT, name STRING) USING csv OPTIONS (path 'malformed.csv', header 'true', mode 'DROPMALFORMED');
CREATE TABLE mc_fail (id INT, name STRING) USING csv OPTIONS (path 'malformed.csv', header 'true', mode 'FAILFAST');
SELECT id, name FROM mj_perm ORDER BY id
