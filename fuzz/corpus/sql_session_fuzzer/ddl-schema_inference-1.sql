CREATE TABLE inf USING json OPTIONS (path 'infer.json');
CREATE TABLE nested USING json OPTIONS (path 'nested.json');
CREATE TABLE csv_str USING csv OPTIONS (path 'infer.csv', header 'true');
CREATE TABLE csv_inf USING csv OPTIONS (path 'infer.csv', header 'true', inferSchema 'true');
CREATE TABLE csv_nh USING csv OPTIONS (path 'no_header.csv');
SELECT typeof(a), typeof(b), typeof(c), typeof(d), typeof(e) FROM inf LIMIT 1
