"""Batch reads and writes: spark.read (DataFrameReader) and df.write
(DataFrameWriter).

The writer lays files out as Spark does: a directory with
part-00000-<uuid>-c000.<ext> files and a _SUCCESS marker; partitionBy
writes <col>=<value>/ subdirectories (Hive-style escaping,
__HIVE_DEFAULT_PARTITION__ for NULL) and leaves the partition columns out of
the files, as Spark.
"""

import os
import shutil
import uuid

from sluice.errors import AnalysisException, IllegalArgumentException, PySparkTypeError
from sluice.sql.types import StructType

__all__ = ["DataFrameReader", "DataFrameWriter"]


def _opt_value(v):
    """An option value as the engine takes it (PySpark's convention: booleans
    as true/false, everything else str())."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _schema_ddl(schema):
    if isinstance(schema, StructType):
        return schema.toDDL()
    if isinstance(schema, str):
        return schema
    raise PySparkTypeError(
        "[NOT_STR_OR_STRUCT] Argument `schema` should be a str or StructType, got %s." % type(schema).__name__,
        errorClass="NOT_STR_OR_STRUCT",
        messageParameters={"arg_name": "schema", "arg_type": type(schema).__name__},
    )


class DataFrameReader:
    def __init__(self, spark):
        self._spark = spark
        self._format = "parquet"
        self._options = {}
        self._schema = None

    def format(self, source):
        self._format = source
        return self

    def option(self, key, value):
        self._options[str(key)] = _opt_value(value)
        return self

    def options(self, **options):
        for k, v in options.items():
            if v is not None:
                self.option(k, v)
        return self

    def schema(self, schema):
        self._schema = _schema_ddl(schema)
        return self

    def load(self, path=None, format=None, schema=None, **options):
        from sluice.sql.dataframe import DataFrame

        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        if isinstance(path, (list, tuple)):
            if len(path) != 1:
                raise IllegalArgumentException(
                    "[UNSUPPORTED_FEATURE] Sluice reads one path per load() (got %d)" % len(path),
                    errorClass="UNSUPPORTED_FEATURE",
                )
            path = path[0]
        core = self._spark._session.read().load(self._format, self._options, self._schema, path)
        return DataFrame(core, self._spark)

    def json(self, path, schema=None, **options):
        return self.load(path, "json", schema, **options)

    def csv(self, path, schema=None, **options):
        return self.load(path, "csv", schema, **options)

    def parquet(self, *paths, **options):
        """Parquet files (a file or a directory): the schema comes from a
        footer unless one was given (docs/parquet.md)."""
        if len(paths) != 1:
            raise IllegalArgumentException(
                "[UNSUPPORTED_FEATURE] Sluice reads one path per parquet() (got %d)" % len(paths),
                errorClass="UNSUPPORTED_FEATURE",
            )
        return self.load(paths[0], "parquet", **options)

    def text(self, paths, wholetext=False, lineSep=None, **options):
        """Each line of the files (a file, or the files of a directory not
        starting with _ or .) as a row of one STRING column `value`. The engine
        has no text source: the files are read here, in Python (for small
        inputs; use csv/json for large ones)."""
        if isinstance(paths, str):
            paths = [paths]
        files = []
        for p in paths:
            if os.path.isdir(p):
                for root, dirs, names in os.walk(p):
                    dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
                    files += [os.path.join(root, n) for n in sorted(names) if not n.startswith(("_", "."))]
            elif os.path.exists(p):
                files.append(p)
            else:
                raise AnalysisException("[PATH_NOT_FOUND] Path does not exist: %s." % p, errorClass="PATH_NOT_FOUND")
        rows = []
        for f in files:
            with open(f, encoding="utf-8", newline="") as fh:
                data = fh.read()
            if wholetext:
                rows.append((data,))
                continue
            if lineSep:
                lines = data.split(lineSep)
                if lines and lines[-1] == "":
                    lines.pop()
            else:
                lines = data.splitlines()
            rows += [(line,) for line in lines]
        return self._spark.createDataFrame(rows, "value STRING")

    def table(self, tableName):
        return self._spark.table(tableName)


_MODES = {"error": "error", "errorifexists": "error", "default": "error", "overwrite": "overwrite",
          "append": "append", "ignore": "ignore"}

# Hive's partition path escaping (the characters Spark escapes as %XX).
_ESCAPE = set('"#%\'*/:=?\\\x7f{[]^') | {chr(c) for c in range(0x20)}


def _escape_path_name(s):
    return "".join("%%%02X" % ord(ch) if ch in _ESCAPE else ch for ch in s)


class DataFrameWriter:
    def __init__(self, df):
        self._df = df
        self._format = "parquet"
        self._mode = "error"
        self._options = {}
        self._partition_by = []

    def format(self, source):
        self._format = source
        return self

    def mode(self, saveMode):
        if saveMode is None:
            return self
        m = _MODES.get(saveMode.lower())
        if m is None:
            raise IllegalArgumentException(
                "[INVALID_SAVE_MODE] Unknown save mode: %s. Accepted save modes are 'overwrite', 'append', "
                "'ignore', 'error', 'errorifexists', 'default'." % saveMode,
                errorClass="INVALID_SAVE_MODE",
            )
        self._mode = m
        return self

    def option(self, key, value):
        self._options[str(key).lower()] = _opt_value(value)
        return self

    def options(self, **options):
        for k, v in options.items():
            if v is not None:
                self.option(k, v)
        return self

    def partitionBy(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = cols[0]
        for c in cols:
            if not isinstance(c, str):
                raise PySparkTypeError("[NOT_STR] partitionBy takes column names", errorClass="NOT_STR")
        self._partition_by = list(cols)
        self._options["partitionby"] = ",".join(cols)
        return self

    def save(self, path=None, format=None, mode=None, partitionBy=None, **options):
        if format is not None:
            self.format(format)
        self.mode(mode)
        if partitionBy is not None:
            self.partitionBy(partitionBy if isinstance(partitionBy, (list, tuple)) else [partitionBy])
        self.options(**options)
        if path is None:
            path = self._options.get("path")
        if path is None:
            raise IllegalArgumentException("[PATH_NOT_SET] save() needs a path", errorClass="PATH_NOT_SET")
        self._write(str(path))

    def json(self, path, mode=None, compression=None, **options):
        self.save(path, "json", mode, compression=compression, **options)

    def parquet(self, path, mode=None, partitionBy=None, compression=None):
        if compression is not None:
            self.option("compression", compression)
        return self.save(path, "parquet", mode, partitionBy)

    def csv(self, path, mode=None, compression=None, sep=None, header=None, **options):
        self.save(path, "csv", mode, compression=compression, sep=sep, header=header, **options)

    def text(self, path, compression=None, **options):
        self.save(path, "text", None, compression=compression, **options)

    # --- the files ---

    def _check_options(self, fmt):
        for key, value in self._options.items():
            if key in ("path", "partitionby"):
                continue
            if key == "compression" and value.lower() in ("none", "uncompressed"):
                continue
            if fmt == "parquet" and key == "compression" and value.lower() in (
                    "snappy", "gzip", "zstd", "lz4", "lz4_raw", "brotli"):
                continue
            if fmt == "csv" and key == "header" and value.lower() in ("true", "false"):
                continue
            if fmt == "csv" and key in ("sep", "delimiter") and value == ",":
                continue
            raise IllegalArgumentException(
                "[UNSUPPORTED_OPTION] the %s writer does not support the option %s=%r (docs/python.md)"
                % (fmt, key, value),
                errorClass="UNSUPPORTED_OPTION",
            )

    def _write(self, path):
        fmt = self._format.lower()
        if fmt not in ("json", "csv", "text", "parquet"):
            raise AnalysisException(
                "[UNSUPPORTED_DATA_SOURCE] the batch writer writes json, csv, text and parquet; got format '%s'"
                % self._format,
                errorClass="UNSUPPORTED_DATA_SOURCE",
            )
        self._check_options(fmt)
        names = self._df.columns
        for c in self._partition_by:
            if c not in names:
                raise AnalysisException(
                    "[UNRESOLVED_COLUMN.WITH_SUGGESTION] partition column `%s` cannot be resolved among (%s)"
                    % (c, ", ".join(names)),
                    errorClass="UNRESOLVED_COLUMN.WITH_SUGGESTION",
                )
        if len(self._partition_by) == len(names) and names:
            raise AnalysisException(
                "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns.",
                errorClass="ALL_PARTITION_COLUMNS_NOT_ALLOWED",
            )
        if fmt == "text" and len(names) - len(self._partition_by) != 1:
            raise AnalysisException(
                "[TEXT_DATA_SOURCE_REQUIRES_SINGLE_COLUMN] Text data source supports only a single column, "
                "and you have %d columns." % (len(names) - len(self._partition_by)),
                errorClass="TEXT_DATA_SOURCE_REQUIRES_SINGLE_COLUMN",
            )
        if os.path.exists(path):
            if self._mode == "error":
                raise AnalysisException(
                    "[PATH_ALREADY_EXISTS] Path %s already exists. Set mode as \"overwrite\" to overwrite the "
                    "existing path." % path,
                    errorClass="PATH_ALREADY_EXISTS",
                )
            if self._mode == "ignore":
                return
            if self._mode == "overwrite":
                if os.path.isdir(path):
                    shutil.rmtree(path)
                else:
                    os.remove(path)
        os.makedirs(path, exist_ok=True)
        job = str(uuid.uuid4())
        if not self._partition_by:
            self._write_file(self._df, path, fmt, job, 0)
        else:
            self._write_partitions(path, fmt, job)
        open(os.path.join(path, "_SUCCESS"), "w").close()

    def _write_partitions(self, path, fmt, job):
        from sluice.sql import functions as F
        from sluice.sql.column import _col, _quote_ident

        keys = [_col(_quote_ident(c)) for c in self._partition_by]
        texts = self._df.select([k.cast("string").alias("__p%d" % i) for i, k in enumerate(keys)] + keys)
        combos = texts.distinct().collect()
        data_cols = [_col(_quote_ident(c)) for c in self._df.columns if c not in self._partition_by]
        n = len(keys)
        for file_index, row in enumerate(combos):
            texts_row, values = row[:n], row[n:]
            cond = None
            for k, v in zip(keys, values):
                c = k.isNull() if v is None else k.eqNullSafe(F.lit(v))
                cond = c if cond is None else cond & c
            sub = os.path.join(
                path,
                *["%s=%s" % (_escape_path_name(name), "__HIVE_DEFAULT_PARTITION__" if t is None else _escape_path_name(t))
                  for name, t in zip(self._partition_by, texts_row)]
            )
            os.makedirs(sub, exist_ok=True)
            self._write_file(self._df.filter(cond).select(data_cols), sub, fmt, job, file_index)

    def _write_file(self, df, directory, fmt, job, index):
        if fmt == "parquet":
            # pyarrow (a dependency of the package) writes the engine's
            # columns, exported through the Arrow C Data Interface; decimals
            # of small precision as INT32/INT64, as Spark writes them.
            import pyarrow.parquet as pq
            from sluice.sql import arrow

            codec = self._options.get("compression", "snappy").lower()
            codec = {"uncompressed": "none", "lz4_raw": "lz4"}.get(codec, codec)
            name = "part-%05d-%s-c000%s.parquet" % (index, job, "" if codec == "none" else "." + codec)
            pq.write_table(arrow._to_arrow(df), os.path.join(directory, name), compression=codec,
                           store_decimal_as_integer=True)
            return
        result = df._df.collect()
        if fmt == "json":
            text, ext = result.to_json_lines(), "json"
        elif fmt == "csv":
            text, ext = result.to_csv(), "csv"
            if self._options.get("header", "false").lower() != "true":
                text = text.split("\n", 1)[1] if "\n" in text else ""
        else:
            rows = result.rows()
            text, ext = "".join(("" if r[0] is None else str(r[0])) + "\n" for r in rows), "txt"
        name = "part-%05d-%s-c000.%s" % (index, job, ext)
        with open(os.path.join(directory, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
