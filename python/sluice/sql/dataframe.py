"""DataFrame (pyspark.sql.DataFrame)."""

import itertools

from sluice.errors import (
    AnalysisException,
    IllegalArgumentException,
    PySparkAttributeError,
    PySparkTypeError,
    PySparkValueError,
)
from sluice.sql.column import Column, _Ref, _col, _quote_ident, _to_col
from sluice.sql.types import _create_row, _from_engine

__all__ = ["DataFrame"]

_ids = itertools.count(1)


def _flatten(cols):
    """PySpark's *cols convention: select("a", "b") or select(["a", "b"])."""
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        return list(cols[0])
    return list(cols)


class DataFrame:
    """An immutable plan; actions (collect, count, show...) run it.

    Each DataFrame has an id; ``df["a"]`` and ``df.a`` remember it, and a
    join qualifies such references with the side they came from
    (``_quals``: DataFrame id -> the alias its columns carry in this plan).
    """

    def __init__(self, core_df, session, quals=None, alias=None):
        self._df = core_df
        self.sparkSession = session
        self._id = next(_ids)
        self._quals = dict(quals or {})
        self._alias = alias

    @classmethod
    def _from_sql(cls, session, text):
        return cls(session._session.sql_dataframe(text), session)

    def _new(self, core_df, keep_quals=False):
        return DataFrame(core_df, self.sparkSession, self._quals if keep_quals else None,
                         self._alias if keep_quals else None)

    def _core_cols(self, cols):
        return [_to_col(c)._to_core(self._quals) for c in cols]

    # --- schema ---

    @property
    def schema(self):
        return _from_engine(self._df.schema())

    @property
    def columns(self):
        return self.schema.names

    @property
    def dtypes(self):
        return [(f.name, f.dataType.simpleString()) for f in self.schema.fields]

    def printSchema(self, level=None):
        print(self.schema.treeString(level), end="")

    def __repr__(self):
        return "DataFrame[%s]" % ", ".join("%s: %s" % (n, t) for n, t in self.dtypes)

    # --- columns ---

    def _column(self, name):
        names = self.columns
        parts = _col(name)._parts[0].parts
        if name != "*" and parts[0] not in names and not any(parts[0].lower() == n.lower() for n in names):
            raise AnalysisException(
                "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `%s` cannot be "
                "resolved. Did you mean one of the following? [%s]."
                % (name, ", ".join("`%s`" % n for n in names)),
                errorClass="UNRESOLVED_COLUMN.WITH_SUGGESTION",
            )
        return Column((_Ref(self._id, parts),))

    def __getitem__(self, item):
        if isinstance(item, str):
            return self._column(item)
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        if isinstance(item, int):
            names = self.columns
            if not 0 <= item < len(names):
                raise PySparkValueError(
                    "[INDEX_OUT_OF_RANGE] column index %d out of range (%d columns)" % (item, len(names)),
                    errorClass="INDEX_OUT_OF_RANGE",
                )
            return self._column(_quote_ident(names[item]))
        raise PySparkTypeError(
            "[NOT_COLUMN_OR_INT_OR_LIST_OR_STR_OR_TUPLE] unexpected item type: %s" % type(item).__name__,
            errorClass="NOT_COLUMN_OR_INT_OR_LIST_OR_STR_OR_TUPLE",
        )

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.columns:
            raise PySparkAttributeError(
                "[ATTRIBUTE_NOT_SUPPORTED] Attribute `%s` is not supported." % name, errorClass="ATTRIBUTE_NOT_SUPPORTED"
            )
        return self._column(_quote_ident(name))

    def __dir__(self):
        return sorted(set(dir(type(self))) | {n for n in self.columns if n.isidentifier()})

    # --- transformations ---

    def select(self, *cols):
        cols = _flatten(cols)
        return self._new(self._df.select(self._core_cols(cols)))

    def selectExpr(self, *expr):
        from sluice.sql.functions import expr as _expr

        return self.select([_expr(e) for e in _flatten(expr)])

    def filter(self, condition):
        if isinstance(condition, str):
            from sluice.sql.functions import expr as _expr

            condition = _expr(condition)
        if not isinstance(condition, Column):
            raise PySparkTypeError(
                "[NOT_COLUMN_OR_STR] Argument `condition` should be a Column or str, got %s."
                % type(condition).__name__,
                errorClass="NOT_COLUMN_OR_STR",
            )
        return self._new(self._df.filter(condition._to_core(self._quals)), keep_quals=True)

    where = filter

    def withColumn(self, colName, col):
        if not isinstance(col, Column):
            raise PySparkTypeError(
                "[NOT_COLUMN] Argument `col` should be a Column, got %s." % type(col).__name__, errorClass="NOT_COLUMN"
            )
        return self._new(self._df.with_column(colName, Column(col._parts, col._atomic)._to_core(self._quals)),
                         keep_quals=True)

    def withColumns(self, *colsMap):
        if len(colsMap) != 1 or not isinstance(colsMap[0], dict):
            raise PySparkTypeError("[NOT_DICT] Argument `colsMap` should be a dict.", errorClass="NOT_DICT")
        df = self
        for name, c in colsMap[0].items():
            df = df.withColumn(name, c)
        return df

    def withColumnRenamed(self, existing, new):
        return self._new(self._df.with_column_renamed(existing, new), keep_quals=True)

    def withColumnsRenamed(self, colsMap):
        df = self
        for old, new in colsMap.items():
            df = df.withColumnRenamed(old, new)
        return df

    def toDF(self, *cols):
        names = self.columns
        if len(cols) != len(names):
            raise PySparkValueError(
                "[LENGTH_SHOULD_BE_THE_SAME] toDF needs %d names, got %d" % (len(names), len(cols)),
                errorClass="LENGTH_SHOULD_BE_THE_SAME",
            )
        return self.select([_col(_quote_ident(o)).alias(n) for o, n in zip(names, cols)])

    def drop(self, *cols):
        """Drops columns by name (every column of that name), or the one
        column a reference names (``joined.drop(df2.id)`` keeps df1's id)."""
        df = self
        names = []
        for c in cols:
            if isinstance(c, str):
                names.append(c)
            elif isinstance(c, Column):
                if names:
                    df, names = df._new(df._df.drop(names), keep_quals=True), []
                df = df._new(df._df.drop_column(Column(c._parts, c._atomic)._to_core(df._quals)), keep_quals=True)
            else:
                raise PySparkTypeError(
                    "[NOT_COLUMN_OR_STR] drop takes column names or Columns, got %s" % type(c).__name__,
                    errorClass="NOT_COLUMN_OR_STR",
                )
        if names:
            df = df._new(df._df.drop(names), keep_quals=True)
        return df

    def groupBy(self, *cols):
        from sluice.sql.group import GroupedData

        return GroupedData(self, [_to_col(c) for c in _flatten(cols)])

    groupby = groupBy

    def agg(self, *exprs):
        return self.groupBy().agg(*exprs)

    def join(self, other, on=None, how=None):
        if not isinstance(other, DataFrame):
            raise PySparkTypeError("[NOT_DATAFRAME] join takes a DataFrame, got %s" % type(other).__name__,
                                   errorClass="NOT_DATAFRAME")
        how = "inner" if how is None else how
        if on is None:
            if how.lower() not in ("inner", "cross"):
                raise PySparkValueError(
                    "[INVALID_JOIN_TYPE] a %s join needs a join condition (on=)" % how, errorClass="INVALID_JOIN_TYPE"
                )
            return self.crossJoin(other)
        if isinstance(on, str):
            on = [on]
        if isinstance(on, (list, tuple)) and all(isinstance(o, str) for o in on):
            # Sides keep (or get) a qualifier, so that df1.name still names
            # df1's column in the result.
            left, lq = self._side(None)
            right, rq = other._side(None)
            quals = self._join_quals(other, lq, rq)
            return DataFrame(left.join_using(right, list(on), how), self.sparkSession, quals)
        if isinstance(on, (list, tuple)):
            conds = [c for c in on]
            if not conds or not all(isinstance(c, Column) for c in conds):
                raise PySparkTypeError("[NOT_COLUMN_OR_LIST_OR_STR] join's on= takes a Column, names or Columns",
                                       errorClass="NOT_COLUMN_OR_LIST_OR_STR")
            on = conds[0]
            for c in conds[1:]:
                on = on & c
        if not isinstance(on, Column):
            raise PySparkTypeError("[NOT_COLUMN_OR_LIST_OR_STR] join's on= takes a Column, names or Columns",
                                   errorClass="NOT_COLUMN_OR_LIST_OR_STR")
        # References taken from either side (df1.id == df2.id) are qualified
        # with that side's alias: its own (df.alias("a")), or a hidden one
        # given here.
        referenced = {r.df_id for r in on._refs()}
        left, lq = self._side(referenced)
        right, rq = other._side(referenced)
        quals = self._join_quals(other, lq, rq)
        core = left.join(right, on._to_core(quals), how)
        return DataFrame(core, self.sparkSession, quals)

    def _join_quals(self, other, lq, rq):
        quals = dict(self._quals)
        quals.update(other._quals)
        if lq is not None:
            quals[self._id] = lq
        if rq is not None and self._id != other._id:
            quals[other._id] = rq
        if self._id == other._id:
            quals.pop(self._id, None)  # a self-join: df.x names neither side
        return quals

    def _side(self, referenced):
        """This DataFrame as a join side, and the qualifier its columns carry
        there (None: not one): its alias; the one qualifier its columns
        already have (a table's name); or, when the join refers to it and its
        columns have none, a hidden alias given here."""
        if self._alias is not None:
            return self._df, self._alias
        if self._quals:
            return self._df, None
        qualifiers = set(self._df.qualifiers())
        if len(qualifiers) == 1 and "" not in qualifiers:
            return self._df, qualifiers.pop()
        if qualifiers == {""} and (referenced is None or self._id in referenced):
            q = "__sluice_df%d" % self._id
            return self._df.alias(q), q
        return self._df, None

    def crossJoin(self, other):
        quals = dict(self._quals)
        quals.update(other._quals)
        return DataFrame(self._df.cross_join(other._df), self.sparkSession, quals)

    def union(self, other):
        """Rows of both, column by column; INT/BIGINT/DOUBLE columns are widened
        to their common type first (Spark's type coercion)."""
        left, right = _widen_for_union(self, other)
        return self._new(left._df.union_all(right._df))

    unionAll = union

    def unionByName(self, other, allowMissingColumns=False):
        mine = self.columns
        theirs = other.columns
        lower_theirs = {n.lower(): n for n in theirs}
        lower_mine = {n.lower() for n in mine}
        missing = [n for n in mine if n.lower() not in lower_theirs]
        extra = [n for n in theirs if n.lower() not in lower_mine]
        if missing and not allowMissingColumns:
            raise AnalysisException(
                "[UNRESOLVED_COLUMN_AMONG_FIELD_NAMES] Cannot resolve column name \"%s\" among (%s)."
                % (missing[0], ", ".join(theirs)),
                errorClass="UNRESOLVED_COLUMN_AMONG_FIELD_NAMES",
            )
        if extra and not allowMissingColumns:
            raise AnalysisException(
                "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number of columns, "
                "but the first input has %d columns and the second input has %d columns." % (len(mine), len(theirs)),
                errorClass="NUM_COLUMNS_MISMATCH",
            )
        from sluice.sql.functions import lit

        left_types = dict((f.name, f.dataType) for f in self.schema.fields)
        right_types = dict((f.name, f.dataType) for f in other.schema.fields)
        left = self
        if extra:
            left = self.select([_col(_quote_ident(n)) for n in mine]
                               + [lit(None).cast(right_types[n]).alias(n) for n in extra])
        right_cols = []
        for n in mine:
            if n.lower() in lower_theirs:
                right_cols.append(_col(_quote_ident(lower_theirs[n.lower()])).alias(n))
            else:
                right_cols.append(lit(None).cast(left_types[n]).alias(n))
        right_cols += [_col(_quote_ident(n)) for n in extra]
        left, right = _widen_for_union(left, other.select(right_cols))
        return self._new(left._df.union_all(right._df))

    def intersect(self, other):
        """Rows in both (distinct), NULLs equal to NULLs, as Spark's INTERSECT."""
        return self._set_join(other, "left_semi")

    def subtract(self, other):
        """Rows of this not in other (distinct), as Spark's EXCEPT."""
        return self._set_join(other, "left_anti")

    exceptAll = None  # set below: not supported

    def _set_join(self, other, how):
        mine, theirs = self.columns, other.columns
        if len(mine) != len(theirs):
            raise AnalysisException(
                "[NUM_COLUMNS_MISMATCH] %s can only be performed on inputs with the same number of columns, but "
                "the first input has %d columns and the second input has %d columns."
                % ("INTERSECT" if how == "left_semi" else "EXCEPT", len(mine), len(theirs)),
                errorClass="NUM_COLUMNS_MISMATCH",
            )
        left = self.select([_col(_quote_ident(n)) for n in mine]).distinct()
        right = other.select([_col(_quote_ident(t)).alias(n) for n, t in zip(mine, theirs)])
        cond = None
        for n in mine:
            c = left[_quote_ident(n)].eqNullSafe(right[_quote_ident(n)])
            cond = c if cond is None else cond & c
        if cond is None:
            return left
        return self._new(left.join(right, cond, how)._df)

    # --- missing values (df.na) ---

    @property
    def na(self):
        return DataFrameNaFunctions(self)

    def fillna(self, value, subset=None):
        """NULLs replaced by `value` in the columns whose type takes it (numbers
        in numeric columns, str in string columns, bool in boolean ones), or by
        a value per column from a dict."""
        from sluice.sql.functions import coalesce, lit
        from sluice.sql.types import BooleanType, DecimalType, DoubleType, IntegerType, LongType, StringType

        if isinstance(subset, str):
            subset = [subset]
        if isinstance(value, dict):
            fills = dict(value)
        else:
            if not isinstance(value, (bool, int, float, str)):
                raise PySparkTypeError(
                    "[NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR] Argument `value` should be a bool, dict, float, "
                    "int or str, got %s." % type(value).__name__,
                    errorClass="NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR",
                )
            fills = {}
            for f in self.schema.fields:
                if subset is not None and f.name not in subset:
                    continue
                t = f.dataType
                if isinstance(value, bool):
                    ok = isinstance(t, BooleanType)
                elif isinstance(value, (int, float)):
                    ok = isinstance(t, (IntegerType, LongType, DoubleType, DecimalType))
                else:
                    ok = isinstance(t, StringType)
                if ok:
                    fills[f.name] = value
        types = {f.name: f.dataType for f in self.schema.fields}
        cols = []
        for name in self.columns:
            c = _col(_quote_ident(name))
            if name in fills:
                v = fills[name]
                if isinstance(v, float) and isinstance(types[name], (IntegerType, LongType)):
                    v = int(v)
                c = coalesce(c, lit(v).cast(types[name])).alias(name)
            cols.append(c)
        return self.select(cols)

    def dropna(self, how="any", thresh=None, subset=None):
        """Rows with NULLs left out: any NULL (how="any"), all NULL ("all"), or
        fewer than `thresh` non-NULL values, among `subset` (all columns)."""
        from sluice.sql.functions import lit, when

        if how not in ("any", "all"):
            raise PySparkValueError("[VALUE_NOT_ANY_OR_ALL] Value for `how` must be 'any' or 'all', got %r." % how,
                                    errorClass="VALUE_NOT_ANY_OR_ALL")
        if isinstance(subset, str):
            subset = [subset]
        names = list(subset) if subset else self.columns
        if thresh is None:
            thresh = len(names) if how == "any" else 1
        count = None
        for n in names:
            c = when(_col(_quote_ident(n)).isNotNull(), lit(1)).otherwise(lit(0))
            count = c if count is None else count + c
        if count is None:
            return self
        return self.filter(count >= thresh)

    # --- physical hints: the engine plans itself ---

    def cache(self):
        return self

    def persist(self, storageLevel=None):
        return self

    def unpersist(self, blocking=False):
        return self

    def repartition(self, numPartitions=None, *cols):
        return self

    def coalesce(self, numPartitions):
        return self

    def hint(self, name, *parameters):
        return self

    def transform(self, func, *args, **kwargs):
        result = func(self, *args, **kwargs)
        if not isinstance(result, DataFrame):
            raise PySparkTypeError("[NOT_DATAFRAME] transform's function should return a DataFrame, got %s."
                                   % type(result).__name__, errorClass="NOT_DATAFRAME")
        return result

    def distinct(self):
        return self._new(self._df.distinct(), keep_quals=True)

    def dropDuplicates(self, subset=None):
        if subset is not None and not isinstance(subset, (list, tuple)):
            raise PySparkTypeError("[NOT_LIST_OR_TUPLE] Argument `subset` should be a list or tuple.",
                                   errorClass="NOT_LIST_OR_TUPLE")
        return self._new(self._df.drop_duplicates(list(subset or [])), keep_quals=True)

    drop_duplicates = dropDuplicates

    def dropDuplicatesWithinWatermark(self, subset=None):
        return self._new(self._df.drop_duplicates_within_watermark(list(subset or [])), keep_quals=True)

    def orderBy(self, *cols, **kwargs):
        cols = _flatten(cols)
        ascending = kwargs.get("ascending", True)
        sort_cols = [_to_col(c) for c in cols]
        if isinstance(ascending, (bool, int)):
            if not ascending:
                sort_cols = [c.desc() if c._sort is None else c for c in sort_cols]
        elif isinstance(ascending, list):
            if len(ascending) != len(sort_cols):
                raise PySparkValueError(
                    "[LENGTH_SHOULD_BE_THE_SAME] ascending has %d values for %d columns" % (len(ascending), len(sort_cols)),
                    errorClass="LENGTH_SHOULD_BE_THE_SAME",
                )
            sort_cols = [c if a else c.desc() for c, a in zip(sort_cols, ascending)]
        else:
            raise PySparkTypeError("[NOT_BOOL_OR_LIST] Argument `ascending` should be a bool or a list.",
                                   errorClass="NOT_BOOL_OR_LIST")
        return self._new(self._df.order_by([c._to_core(self._quals) for c in sort_cols]), keep_quals=True)

    sort = orderBy

    def limit(self, num):
        return self._new(self._df.limit(int(num)), keep_quals=True)

    def alias(self, alias):
        return DataFrame(self._df.alias(alias), self.sparkSession, None, alias)

    def withWatermark(self, eventTime, delayThreshold):
        return self._new(self._df.with_watermark(eventTime, delayThreshold), keep_quals=True)

    def createOrReplaceTempView(self, name):
        self._df.create_or_replace_temp_view(name)

    def createTempView(self, name):
        if name in [t for t in self.sparkSession._temp_views]:
            raise AnalysisException(
                "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `%s` because it already exists."
                % name,
                errorClass="TEMP_TABLE_OR_VIEW_ALREADY_EXISTS",
            )
        self._df.create_or_replace_temp_view(name)
        self.sparkSession._temp_views.add(name)

    # --- actions ---

    def collect(self):
        result = self._df.collect()
        names = tuple(f[0] for f in result.schema[1])
        return [_create_row(names, values) for values in result.rows()]

    def toLocalIterator(self, prefetchPartitions=False):
        return iter(self.collect())

    def count(self):
        return self._df.count()

    def take(self, num):
        return self.limit(num).collect()

    def head(self, n=None):
        if n is None:
            rows = self.take(1)
            return rows[0] if rows else None
        return self.take(n)

    def first(self):
        return self.head()

    def tail(self, num):
        rows = self.collect()
        return rows[-num:] if num > 0 else []

    def isEmpty(self):
        return len(self.take(1)) == 0

    def explain(self, extended=None, mode=None):
        if extended is not None and mode is not None:
            raise PySparkValueError(
                "[CANNOT_SET_TOGETHER] extended and mode should not be set together.", errorClass="CANNOT_SET_TOGETHER"
            )
        if isinstance(extended, str):
            mode, extended = extended, None
        if mode is None:
            mode = "extended" if extended else "simple"
        if mode not in ("simple", "extended", "codegen", "cost", "formatted"):
            raise IllegalArgumentException(
                "Unknown explain mode: %s. Accepted explain modes are 'simple', 'extended', 'codegen', 'cost', "
                "'formatted'." % mode
            )
        text = self._df.explain(mode != "simple").rstrip("\n")
        # PySpark's spacing: two blank lines after the simple plan, one after the others.
        print(text + ("\n\n" if mode == "simple" else "\n"))

    def show(self, n=20, truncate=True, vertical=False):
        if not isinstance(n, int) or isinstance(n, bool):
            raise PySparkTypeError("[NOT_INT] Argument `n` should be an int, got %s." % type(n).__name__,
                                   errorClass="NOT_INT")
        print(self._show_string(n, truncate, vertical))

    def _show_string(self, n=20, truncate=True, vertical=False):
        if isinstance(truncate, bool):
            truncate = 20 if truncate else 0
        elif not isinstance(truncate, int):
            raise PySparkTypeError("[NOT_BOOL_OR_INT] Argument `truncate` should be a bool or an int.",
                                   errorClass="NOT_BOOL_OR_INT")
        n = max(n, 0)
        names = self.columns
        cells, total = self._df.show_cells(n)
        return _render_show(names, cells, total > n, n, truncate, vertical)

    # --- temp views and writers ---

    @property
    def write(self):
        from sluice.sql.readwriter import DataFrameWriter

        if self.isStreaming:
            raise AnalysisException(
                "[WRITE_STREAM_NOT_ALLOWED] 'write' can not be called on streaming Dataset/DataFrame; use writeStream.",
                errorClass="WRITE_STREAM_NOT_ALLOWED",
            )
        return DataFrameWriter(self)

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


def _widen_for_union(left, right):
    from sluice.sql.types import DoubleType, IntegerType, LongType

    rank = {IntegerType: 0, LongType: 1, DoubleType: 2}
    lf, rf = left.schema.fields, right.schema.fields
    if len(lf) != len(rf):
        return left, right  # the engine's NUM_COLUMNS_MISMATCH
    lcols, rcols, changed = [], [], False
    for a, b in zip(lf, rf):
        ca, cb = _col(_quote_ident(a.name)), _col(_quote_ident(b.name))
        ta, tb = type(a.dataType), type(b.dataType)
        if ta is not tb and ta in rank and tb in rank:
            target = (ta if rank[ta] > rank[tb] else tb)()
            if ta is not type(target):
                ca = ca.cast(target).alias(a.name)
            else:
                cb = cb.cast(target).alias(b.name)
            changed = True
        lcols.append(ca)
        rcols.append(cb)
    if not changed:
        return left, right
    return left.select(lcols), right.select(rcols)


def _except_all(self, other):
    from sluice.errors import PySparkNotImplementedError

    raise PySparkNotImplementedError("[NOT_IMPLEMENTED] exceptAll is not supported by Sluice (use subtract for "
                                     "distinct rows)", errorClass="NOT_IMPLEMENTED")


DataFrame.exceptAll = _except_all


class DataFrameNaFunctions:
    """df.na: fill, drop."""

    def __init__(self, df):
        self.df = df

    def fill(self, value, subset=None):
        return self.df.fillna(value, subset)

    def drop(self, how="any", thresh=None, subset=None):
        return self.df.dropna(how, thresh, subset)


# --- show() text, as Spark's Dataset.showString ---


def _half_width(s):
    """Display width: East Asian wide and full-width characters count 2."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


_META = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f", "\b": "\\b", "\u000b": "\\v", "\u0007": "\\a"}


def _escape_meta(s):
    return "".join(_META.get(ch, ch) for ch in s)


def _cut(s, truncate):
    if truncate > 0 and len(s) > truncate:
        return s[:truncate] if truncate < 4 else s[: truncate - 3] + "..."
    return s


def _render_show(names, cells, has_more, n, truncate, vertical):
    rows = [[_cut(_escape_meta(c), truncate) for c in row] for row in cells]
    header = [_cut(_escape_meta(h), truncate) for h in names]
    out = []
    if not vertical:
        widths = [3] * len(header)
        for row in [header] + rows:
            for i, c in enumerate(row):
                widths[i] = max(widths[i], _half_width(c))
        sep = "+" + "+".join("-" * w for w in widths) + "+\n"

        def pad(c, w):
            fill = " " * (w - _half_width(c))
            return fill + c if truncate > 0 else c + fill

        out.append(sep)
        out.append("|" + "|".join(pad(c, w) for c, w in zip(header, widths)) + "|\n")
        out.append(sep)
        for row in rows:
            out.append("|" + "|".join(pad(c, w) for c, w in zip(row, widths)) + "|\n")
        out.append(sep)
    else:
        name_w = max([3] + [_half_width(h) for h in header])
        data_w = max([3] + [_half_width(c) for row in rows for c in row])
        for i, row in enumerate(rows):
            head = "-RECORD %d" % i
            out.append(head + "-" * max(0, name_w + data_w + 5 - len(head)) + "\n")
            for name, c in zip(header, row):
                out.append(" " + name + " " * (name_w - _half_width(name)) + " | "
                           + c + " " * (data_w - _half_width(c)) + " \n")
        if not rows:
            out.append("(0 rows)\n")
    if has_more:
        out.append("only showing top %d %s" % (n, "row" if n == 1 else "rows"))
    return "".join(out)
