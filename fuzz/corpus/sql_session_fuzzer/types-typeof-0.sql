SELECT typeof(1), typeof(2147483648), typeof(10L), typeof(1E2)
