"""DataFrame (pyspark.sql.DataFrame)."""

from sluice.sql.types import _create_row, _from_engine


class DataFrame:
    """An immutable plan; actions (collect, count, show...) run it."""

    def __init__(self, core_df, session):
        self._df = core_df
        self.sparkSession = session

    @classmethod
    def _from_sql(cls, session, text):
        return cls(session._session.sql(text), session)

    @property
    def schema(self):
        return _from_engine(self._df.schema())

    @property
    def columns(self):
        return self.schema.names

    def collect(self):
        result = self._df.collect()
        names = tuple(self.columns) if result.num_rows else ()
        return [_create_row(names, values) for values in result.rows()]

    # --- streaming (sluice/sql/streaming/) ---

    @property
    def isStreaming(self):
        from sluice import _core

        return _core.is_streaming(self._df)

    @property
    def writeStream(self):
        from sluice.sql.streaming import DataStreamWriter

        return DataStreamWriter(self)

    # --- Arrow and pandas (sluice/sql/arrow.py) ---

    def toArrow(self):
        """The result as a pyarrow.Table, built from the engine's columns
        through the Arrow C Data Interface (no per-row Python work)."""
        from sluice.sql import arrow

        return arrow._to_arrow(self)

    def toPandas(self):
        from sluice.sql import arrow

        return arrow._to_pandas(self)

    def __arrow_c_stream__(self, requested_schema=None):
        """The Arrow PyCapsule protocol: polars, pandas, DuckDB and pyarrow
        read the result without copies."""
        from sluice.sql import arrow

        return arrow._arrow_c_stream(self, requested_schema)
