SELECT xxhash64('Spark', array(123), 2)
