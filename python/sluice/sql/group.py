"""GroupedData (pyspark.sql.GroupedData): df.groupBy(...).agg/count/sum/..."""

from sluice.errors import AnalysisException, PySparkTypeError
from sluice.sql.column import Column, _col, _quote_ident
from sluice.sql.types import NumericType

__all__ = ["GroupedData"]

_NUMERIC = (NumericType,)
# agg({"col": "name"}): the names PySpark accepts, as SQL functions.
_DICT_FUNCS = {"avg": "avg", "mean": "mean", "sum": "sum", "min": "min", "max": "max", "count": "count",
               "first": "first", "last": "last", "collect_list": "collect_list", "collect_set": "collect_set"}


class GroupedData:
    def __init__(self, df, cols):
        self._df = df
        self._cols = cols

    def _core(self):
        return self._df._df.group_by([c._to_core(self._df._quals) for c in self._cols])

    def agg(self, *exprs):
        from sluice.sql import functions as F

        if not exprs:
            raise PySparkTypeError("[CANNOT_BE_EMPTY] At least one agg expression should be given.",
                                   errorClass="CANNOT_BE_EMPTY")
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            cols = []
            for name, fn in exprs[0].items():
                f = _DICT_FUNCS.get(fn.lower())
                if f is None:
                    raise AnalysisException(
                        "[UNSUPPORTED_AGGREGATE] agg({'%s': '%s'}): unknown aggregate function %s" % (name, fn, fn),
                        errorClass="UNSUPPORTED_AGGREGATE",
                    )
                arg = F.lit(1) if name == "*" else _col(name)
                cols.append(F._call(f, [arg]))
            exprs = cols
        for e in exprs:
            if not isinstance(e, Column):
                raise PySparkTypeError("[NOT_COLUMN] agg takes Columns or one dict, got %s" % type(e).__name__,
                                       errorClass="NOT_COLUMN")
        core = self._core().agg([e._to_core(self._df._quals) for e in exprs])
        return self._df._new(core)

    def count(self):
        return self._df._new(self._core().count())

    def _numeric(self, fname, cols):
        from sluice.sql import functions as F

        schema = self._df.schema
        if not cols:
            cols = [f.name for f in schema.fields if isinstance(f.dataType, _NUMERIC)]
        else:
            for c in cols:
                if not isinstance(c, str):
                    raise PySparkTypeError("[NOT_STR] %s takes column names" % fname, errorClass="NOT_STR")
                t = next((f.dataType for f in schema.fields if f.name == c), None)
                if t is not None and not isinstance(t, _NUMERIC):
                    raise AnalysisException(
                        "[UNSUPPORTED_DATA_TYPE] \"%s\" is not a numeric column. Aggregation function can only be "
                        "applied on a numeric column." % c,
                        errorClass="UNSUPPORTED_DATA_TYPE",
                    )
        return self.agg(*[F._call(fname, [_col(_quote_ident(c))]) for c in cols]) if cols else self._keys_only()

    def _keys_only(self):
        return self._df._new(self._core().agg([]))

    def sum(self, *cols):
        return self._numeric("sum", cols)

    def avg(self, *cols):
        return self._numeric("avg", cols)

    def mean(self, *cols):
        return self._numeric("avg", cols)

    def min(self, *cols):
        return self._numeric("min", cols)

    def max(self, *cols):
        return self._numeric("max", cols)
