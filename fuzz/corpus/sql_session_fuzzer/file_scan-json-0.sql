CREATE TABLE nested (id INT, owner STRUCT<name: STRING, langs: ARRAY<STRING>>, tags ARRAY<STRING>) USING json OPTIONS (path 'nested.json');
CREATE TABLE inf2 (a BIGINT, b STRING, c DOUBLE, d BOOLEAN) USING json OPTIONS (path 'infer.json');
CREATE TABLE multi (v INT) USING json OPTIONS (path 'multi');
SELECT id, owner.name, tags FROM nested ORDER BY id
