CREATE TABLE l (k INT, lv STRING) USING json OPTIONS (path 'join_left.json');
CREATE TABLE r (k INT, rv STRING) USING json OPTIONS (path 'join_right.json');
CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
CREATE TABLE orders (order_id INT, customer_id INT, amount DECIMAL(10, 2), order_date DATE) USING csv OPTIONS (path 'orders.csv', header 'true');
SELECT k, lv FROM l LEFT SEMI JOIN r ON l.k = r.k
