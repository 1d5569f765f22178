SELECT hash('Spark', array(123), 2)
