CREATE TABLE scsv (id INT, name STRING, note STRING) USING csv OPTIONS (path 'semicolon.csv', header 'true', delimiter ';', escape '"');
CREATE TABLE sq (id INT, txt STRING) USING csv OPTIONS (path 'single_quote.csv', header 'true', quote "'");
CREATE TABLE fruit (id INT, fruit STRING, price DOUBLE) USING csv OPTIONS (path 'no_header.csv');
CREATE TABLE na (id INT, s STRING) USING csv OPTIONS (path 'na.csv', nullValue 'NA');
CREATE TABLE orders2 (a INT, b INT, c DECIMAL(10, 2), d DATE) USING csv OPTIONS (path 'orders.csv', header 'true');
CREATE TABLE orders3 (a INT, b INT) USING csv OPTIONS (path 'orders.csv');
SELECT id, name, note FROM scsv WHERE id <= 2 ORDER BY id
