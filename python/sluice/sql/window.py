"""Window and WindowSpec (pyspark.sql.window), so that programs importing
them load; the engine has no window functions, so Column.over() raises
PySparkNotImplementedError saying so (docs/python.md)."""

__all__ = ["Window", "WindowSpec"]


class WindowSpec:
    """A window specification: partitioning, ordering and frame, kept as given."""

    def __init__(self, partition_by=(), order_by=(), frame=None):
        self._partition_by = tuple(partition_by)
        self._order_by = tuple(order_by)
        self._frame = frame

    def partitionBy(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        return WindowSpec(cols, self._order_by, self._frame)

    def orderBy(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        return WindowSpec(self._partition_by, cols, self._frame)

    def rowsBetween(self, start, end):
        return WindowSpec(self._partition_by, self._order_by, ("rows", start, end))

    def rangeBetween(self, start, end):
        return WindowSpec(self._partition_by, self._order_by, ("range", start, end))


class Window:
    """Builds WindowSpecs: Window.partitionBy("k").orderBy("t")."""

    unboundedPreceding = -(1 << 63)
    unboundedFollowing = (1 << 63) - 1
    currentRow = 0

    @staticmethod
    def partitionBy(*cols):
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols):
        return WindowSpec().orderBy(*cols)

    @staticmethod
    def rowsBetween(start, end):
        return WindowSpec().rowsBetween(start, end)

    @staticmethod
    def rangeBetween(start, end):
        return WindowSpec().rangeBetween(start, end)
