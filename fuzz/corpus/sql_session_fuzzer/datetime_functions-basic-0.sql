CREATE TABLE orders (order_id INT, customer_id INT, amount DECIMAL(10, 2), order_date DATE) USING csv OPTIONS (path 'orders.csv', header 'true');
SELECT date_add('2016-07-30', 1), date_sub('2016-07-30', 1)
