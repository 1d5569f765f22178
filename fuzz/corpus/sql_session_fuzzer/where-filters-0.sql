CREATE TABLE people (id INT, name STRING, age INT, city STRING, score DOUBLE) USING json OPTIONS (path 'people.json');
CREATE TABLE orders (order_id INT, customer_id INT, amount DECIMAL(10, 2), order_date DATE) USING csv OPTIONS (path 'orders.csv', header 'true');
SELECT name FROM people WHERE city = 'Paris' OR city = 'Berlin' AND age > 30
