"""pyspark.sql.streaming over the Sluice engine: DataStreamReader,
DataStreamWriter, StreamingQuery, StreamingQueryManager and
StreamingQueryListener."""


class DataStreamReader:
    def __init__(self, spark):
        raise NotImplementedError("streaming is being bound (python/bindings/streaming.cc)")


class DataStreamWriter:
    def __init__(self, df):
        raise NotImplementedError("streaming is being bound (python/bindings/streaming.cc)")


class StreamingQueryManager:
    def __init__(self, spark):
        self._spark = spark
