CREATE TABLE orders (order_id INT, customer_id INT, amount DECIMAL(10, 2), order_date DATE) USING csv OPTIONS (path 'orders.csv', header 'true');
SELECT date_add(DATE '2024-02-28', 1)
