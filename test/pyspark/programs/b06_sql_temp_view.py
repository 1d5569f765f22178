"""Batch: temporary views and spark.sql with GROUP BY, HAVING and ORDER BY; spark.table."""
from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("b06").config("spark.sql.shuffle.partitions", "2").getOrCreate()
people = spark.createDataFrame([("ann", 34, "nyc"), ("bob", 27, "sf"), ("cy", 41, "nyc"), ("di", 19, "la"),
                                ("ed", 52, "sf")], ["name", "age", "city"])
people.createOrReplaceTempView("people")
conform.emit("grouped", spark.sql(
    "SELECT city, count(*) AS n, max(age) AS oldest FROM people GROUP BY city HAVING count(*) > 1 "
    "ORDER BY city"), ordered=True)
conform.emit("table", spark.table("people").filter("age > 30").select("name"))
conform.emit("expr", spark.sql("SELECT name, age + 1 AS next, upper(city) AS c FROM people WHERE age < 40"))
spark.sql("CREATE OR REPLACE TEMP VIEW adults AS SELECT * FROM people WHERE age >= 21")
conform.value("adults", spark.table("adults").count())
spark.stop()
