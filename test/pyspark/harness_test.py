"""Tests of the conformance harness itself: the import rewriting and the
comparison (each case worked out by hand)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def test_only_import_lines_are_rewritten():
    src = ("from pyspark.sql import SparkSession\n"
           "import pyspark.sql.functions as F\n"
           "from pyspark import StorageLevel\n"
           "    from pyspark.errors import AnalysisException\n"
           "import pysparkling\n"
           "x = 'from pyspark.sql import y'  # pyspark\n"
           "print('import pyspark')\n")
    assert harness.to_sluice(src) == (
        "from sluice.sql import SparkSession\n"
        "import sluice.sql.functions as F\n"
        "from sluice import StorageLevel\n"
        "    from sluice.errors import AnalysisException\n"
        "import pysparkling\n"
        "x = 'from pyspark.sql import y'  # pyspark\n"
        "print('import pyspark')\n")


def rows(tag, r, ordered=False, columns=("a", "b")):
    return {"kind": "rows", "tag": tag, "ordered": ordered, "columns": list(columns), "rows": r}


def test_unordered_rows_compare_as_multisets():
    ref = [rows("t", [[1, "x"], [2, "y"], [2, "y"]])]
    assert harness.compare(ref, [rows("t", [[2, "y"], [1, "x"], [2, "y"]])]) == []
    assert harness.compare(ref, [rows("t", [[2, "y"], [1, "x"], [1, "x"]])]) != []
    assert harness.compare(ref, [rows("t", [[2, "y"], [1, "x"]])]) != []


def test_ordered_rows_keep_their_order():
    ref = [rows("t", [[1, "x"], [2, "y"]], ordered=True)]
    assert harness.compare(ref, [rows("t", [[1, "x"], [2, "y"]], ordered=True)]) == []
    assert harness.compare(ref, [rows("t", [[2, "y"], [1, "x"]], ordered=True)]) != []


def test_floats_within_tolerance_and_types_strict():
    ref = [rows("t", [[0.1 + 0.2, "x"]])]
    assert harness.compare(ref, [rows("t", [[0.3, "x"]])]) == []
    assert harness.compare(ref, [rows("t", [[0.3001, "x"]])]) != []
    # An integer where pyspark gives a float (or a bool where an int) differs.
    assert harness.compare([rows("t", [[1, "x"]])], [rows("t", [[True, "x"]])]) != []
    assert harness.compare([rows("t", [[1, None]])], [rows("t", [[1, "None"]])]) != []


def test_columns_values_errors_and_progress():
    assert harness.compare([rows("t", [])], [rows("t", [], columns=("a", "c"))]) != []
    v = {"kind": "value", "tag": "n", "value": 3}
    assert harness.compare([v], [dict(v)]) == []
    assert harness.compare([v], [dict(v, value=4)]) != []
    assert harness.compare([v], []) == ["value 'n': missing (pyspark printed it)"]
    assert harness.compare([], [v]) == ["value 'n': printed by sluice only"]
    e = {"kind": "error", "tag": "e", "class": "AnalysisException", "condition": "UNRESOLVED_COLUMN.WITH_SUGGESTION"}
    assert harness.compare([e], [dict(e, condition="UNRESOLVED_COLUMN")]) != []
    p = {"kind": "progress", "tag": "p", "batches": [{"batchId": 0, "numInputRows": 5,
                                                       "sources": [{"startOffset": None, "endOffset": {"logOffset": 0}}]}]}
    assert harness.compare([p], [p]) == []
    q = {"kind": "progress", "tag": "p", "batches": [{"batchId": 0, "numInputRows": 5,
                                                       "sources": [{"startOffset": None, "endOffset": {"logOffset": 1}}]}]}
    assert harness.compare([p], [q]) != []
