CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
CREATE TABLE IF NOT EXISTS people (id INT) USING json OPTIONS (path 'people.json');
CREATE TABLE orders (order_id INT, customer_id INT, amount DECIMAL(10, 2), order_date DATE) USING csv OPTIONS (path 'orders.csv', header 'true');
CREATE TABLE Mixed (id INT, name STRING) USING json OPTIONS (path 'people.json');
CREATE TABLE people2 USING json OPTIONS (path 'people.json');
SELECT typeof(age), typeof(score) FROM people LIMIT 1
