SELECT typeof(1.5), typeof(0.10), typeof(-12.340)
