"""SparkSession (pyspark.sql.SparkSession)."""

import threading

from sluice import _core
from sluice.sql.dataframe import DataFrame


class SparkSession:
    """The entry point: SQL, readers, createDataFrame, streams.

    ``SparkSession.builder.appName("x").config("k", "v").getOrCreate()``
    returns the process's active session (made on first use), as PySpark.
    """

    class Builder:
        def __init__(self):
            self._options = {}

        def appName(self, name):
            return self.config("spark.app.name", name)

        def master(self, master):
            return self.config("spark.master", master)

        def config(self, key=None, value=None, conf=None, map=None):
            if conf is not None:
                for k, v in conf.getAll():
                    self._options[k] = v
            if map is not None:
                self._options.update(map)
            if key is not None:
                self._options[key] = value
            return self

        def enableHiveSupport(self):
            return self

        def getOrCreate(self):
            with SparkSession._lock:
                session = SparkSession._active
                if session is None:
                    session = SparkSession(_core.Session.create())
                    SparkSession._active = session
            for k, v in self._options.items():
                session.conf.set(k, v)
            return session

        def create(self):
            session = SparkSession(_core.Session.create())
            for k, v in self._options.items():
                session.conf.set(k, v)
            return session

    _lock = threading.RLock()
    _active = None
    builder = None  # set below: a new Builder per access, as PySpark's classproperty

    def __init__(self, core_session):
        self._session = core_session
        self.conf = RuntimeConfig(self)
        self._temp_views = set()

    @property
    def version(self):
        return _core.__version__

    def newSession(self):
        return SparkSession(_core.Session.create())

    def range(self, start, end=None, step=1, numPartitions=None):
        """A DataFrame of one BIGINT column `id`: start, start + step, ... below end."""
        if end is None:
            start, end = 0, start
        for name, v in (("start", start), ("end", end), ("step", step)):
            if not isinstance(v, int) or isinstance(v, bool):
                from sluice.errors import PySparkTypeError

                raise PySparkTypeError("[NOT_INT] Argument `%s` should be an int, got %s." % (name, type(v).__name__),
                                       errorClass="NOT_INT")
        if step == 0:
            from sluice.errors import IllegalArgumentException

            raise IllegalArgumentException("[INVALID_PARAMETER_VALUE] range: step must not be 0",
                                           errorClass="INVALID_PARAMETER_VALUE")
        if step > 0:
            return DataFrame._from_sql(self, "SELECT id FROM range(%dL, %dL, %dL)" % (start, end, step))
        # The engine's range() counts up only: count down as start + i * step.
        n = max(0, -((start - end) // step))
        return DataFrame._from_sql(self, "SELECT %dL + id * %dL AS id FROM range(0L, %dL)" % (start, step, n))

    @classmethod
    def getActiveSession(cls):
        return cls._active

    @classmethod
    def active(cls):
        if cls._active is None:
            raise RuntimeError("No active SparkSession")
        return cls._active

    def sql(self, sqlQuery, args=None, **kwargs):
        """One query as a DataFrame; DDL and SET statements run at once."""
        if args or kwargs:
            from sluice.errors import PySparkNotImplementedError

            raise PySparkNotImplementedError(
                "[NOT_IMPLEMENTED] sql() with args / named parameters is not supported by Sluice",
                errorClass="NOT_IMPLEMENTED",
            )
        return DataFrame._from_sql(self, sqlQuery)

    def table(self, tableName):
        return DataFrame(self._session.table(tableName), self)

    def createDataFrame(self, data, schema=None, samplingRatio=None, verifySchema=True):
        """A DataFrame over local data: a list of Rows, tuples or dicts (types
        inferred or from `schema`: a StructType, a DDL string or a list of
        column names), a pandas DataFrame or a pyarrow Table / RecordBatch."""
        from sluice.sql import arrow

        if arrow._is_arrow_or_pandas(data):
            return arrow._create_dataframe(self, data, schema)
        from sluice.sql import local_data

        return local_data._create_dataframe(self, data, schema, verifySchema)

    @property
    def catalog(self):
        """spark.catalog: the session's temp views and tables."""
        return Catalog(self)

    @property
    def read(self):
        """Batch reads (DataFrameReader)."""
        from sluice.sql.readwriter import DataFrameReader

        return DataFrameReader(self)

    @property
    def readStream(self):
        """Streaming reads (DataStreamReader)."""
        from sluice.sql.streaming import DataStreamReader

        return DataStreamReader(self)

    @property
    def streams(self):
        """The session's streaming queries and listeners (StreamingQueryManager)."""
        from sluice.sql.streaming import StreamingQueryManager

        with SparkSession._lock:
            if getattr(self, "_streams", None) is None:
                self._streams = StreamingQueryManager(self)
            return self._streams

    def stop(self):
        with SparkSession._lock:
            if SparkSession._active is self:
                SparkSession._active = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class CatalogTable(tuple):
    """A row of Catalog.listTables()."""

    _fields = ("name", "catalog", "namespace", "description", "tableType", "isTemporary")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __getattr__(self, item):
        try:
            return self[self._fields.index(item)]
        except ValueError:
            raise AttributeError(item)

    def __repr__(self):
        return "Table(%s)" % ", ".join("%s=%r" % (k, v) for k, v in zip(self._fields, self))


class Catalog:
    """spark.catalog (pyspark.sql.catalog.Catalog): temp views and tables."""

    def __init__(self, spark):
        self._spark = spark

    def currentDatabase(self):
        return "default"

    def currentCatalog(self):
        return "spark_catalog"

    def listTables(self, dbName=None, pattern=None):
        import fnmatch

        out = []
        for name, is_view in sorted(self._spark._session.catalog_entries()):
            if pattern is not None and not fnmatch.fnmatch(name, pattern.replace("|", "")):
                continue
            out.append(CatalogTable(name, None if is_view else "spark_catalog", [] if is_view else ["default"],
                                    None, "TEMPORARY" if is_view else "MANAGED", is_view))
        return out

    def tableExists(self, tableName, dbName=None):
        return any(n.lower() == tableName.lower() for n, _ in self._spark._session.catalog_entries())

    def dropTempView(self, viewName):
        dropped = self._spark._session.drop_view(viewName)
        self._spark._temp_views.discard(viewName)
        return dropped

    dropGlobalTempView = dropTempView

    def isCached(self, tableName):
        return False

    def cacheTable(self, tableName, storageLevel=None):
        pass

    def uncacheTable(self, tableName):
        pass

    def clearCache(self):
        pass


class _BuilderDescriptor:
    def __get__(self, instance, owner):
        return SparkSession.Builder()


SparkSession.builder = _BuilderDescriptor()


class RuntimeConfig:
    """spark.conf: SET through the engine, so its checks apply."""

    def __init__(self, spark):
        self._spark = spark
        self._values = {}

    def set(self, key, value):
        if isinstance(value, bool):
            value = "true" if value else "false"
        value = str(value)
        if key.startswith("spark.sql."):
            self._spark._session.sql_statements("SET %s = %s" % (key, _quote_conf(value)))
        self._values[key] = value

    def get(self, key, default=None):
        if key in self._values:
            return self._values[key]
        if key.startswith("spark.sql."):
            # The engine's value (its default when never set).
            try:
                rows = self._spark._session.sql_statements("SET %s" % key).rows()
            except Exception:
                rows = []
            if rows and rows[0][1] is not None and rows[0][1] != "<undefined>":
                return rows[0][1]
            if key == "spark.sql.session.timeZone" and default is None:
                return "UTC"  # the engine's only session time zone
        return default

    def getAll(self):
        return dict(self._values)

    def unset(self, key):
        self._values.pop(key, None)

    def isModifiable(self, key):
        return key.startswith("spark.sql.")


def _quote_conf(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
