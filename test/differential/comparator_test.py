#!/usr/bin/env python3
"""The differential test's own check: its comparator sees injected
differences (a wrong value, a missing row, a double off by more than the
tolerance, a type, an error class, an error on one side only) and accepts
what must agree (reordered rows, doubles within the tolerance, Spark's error
sub-classes). With a sluice binary as argument it also runs Sluice through
the harness's engine (no pyspark needed) and compares it with hand-written
expected outcomes, one of them deliberately wrong.

  comparator_test.py [path/to/sluice]
"""

import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
from compare import Outcome  # noqa: E402
import queries  # noqa: E402

if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
    os.environ["SLUICE_BIN"] = sys.argv.pop(1)
NAN, INF = float("nan"), float("inf")


def rows(types, *rs):
    return Outcome(types=list(types), rows=[list(r) for r in rs])


class CompareTest(unittest.TestCase):
    def check(self, a, b, ordered=False, category=None):
        v = compare.compare(a, b, ordered)
        if category is None:
            self.assertTrue(v.agree, v.detail)
        else:
            self.assertFalse(v.agree, "an injected difference (%s) went unnoticed" % category)
            self.assertEqual(v.category, category, v.detail)

    def test_same_rows_in_another_order_agree_unless_ordered(self):
        a = rows(["int", "string"], (1, "x"), (2, None))
        b = rows(["int", "string"], (2, None), (1, "x"))
        self.check(a, b)
        self.check(a, b, ordered=True, category="rows")

    def test_a_wrong_value_is_a_rows_difference(self):
        self.check(rows(["int"], (1,), (2,)), rows(["int"], (1,), (3,)), category="rows")
        self.check(rows(["string"], ("ß",)), rows(["string"], ("SS",)), category="rows")
        self.check(rows(["int"], (None,)), rows(["int"], (0,)), category="rows")

    def test_a_missing_or_duplicated_row_is_a_difference(self):
        self.check(rows(["int"], (1,), (1,)), rows(["int"], (1,)), category="rows")
        self.check(rows(["int"], (1,), (1,), (2,)), rows(["int"], (1,), (2,), (2,)), category="rows")

    def test_doubles_within_the_tolerance_agree(self):
        self.check(rows(["double"], (0.1 + 0.2,)), rows(["double"], (0.3,)))
        self.check(rows(["double"], (1.0,)), rows(["double"], (1.0 + 1e-6,)), category="rows")

    def test_nan_infinity_and_negative_zero(self):
        self.check(rows(["double"], (NAN,), (INF,), (-INF,)), rows(["double"], (-INF,), (NAN,), (INF,)))
        self.check(rows(["double"], (NAN,)), rows(["double"], (0.0,)), category="rows")
        self.check(rows(["double"], (INF,)), rows(["double"], (1.7976931348623157e308,)), category="rows")
        self.check(rows(["double"], (-0.0,)), rows(["double"], (0.0,)), category="rows")

    def test_an_int_is_not_a_bool_nor_a_string(self):
        self.check(rows(["int"], (1,)), rows(["int"], (True,)), category="rows")
        self.check(rows(["int"], (1,)), rows(["int"], ("1",)), category="rows")

    def test_nested_values_compare_element_by_element(self):
        self.check(rows(["array<int>"], ([1, None],)), rows(["array<int>"], ([1, None],)))
        self.check(rows(["array<int>"], ([1, None],)), rows(["array<int>"], ([None, 1],)), category="rows")

    def test_types_differ(self):
        self.check(rows(["decimal(14,6)"], ("1.000000",)), rows(["decimal(21,13)"], ("1.000000",)), category="types")
        self.check(rows(["int", "int"], (1, 2)), rows(["int"], (1,)), category="types")
        self.check(rows(["struct<ad_id:int>"], ([1],)), rows(["struct<col1:int>"], ([1],)), category="types")

    def test_error_classes(self):
        e = lambda c: Outcome(error_class=c, error_message="...")  # noqa: E731
        self.check(e("DIVIDE_BY_ZERO"), e("DIVIDE_BY_ZERO"))
        self.check(e("UNRESOLVED_COLUMN.WITH_SUGGESTION"), e("UNRESOLVED_COLUMN"))
        self.check(e("REMAINDER_BY_ZERO"), e("DIVIDE_BY_ZERO"), category="error_class")
        self.check(e("DIVIDE_BY_ZERO"), rows(["int"], (None,)), category="one_side_error")
        self.check(rows(["int"], (None,)), e("DIVIDE_BY_ZERO"), category="one_side_error")
        self.check(e("DIVIDE_BY_ZERO"), Outcome(crash="signal 11"), category="crash")

    def test_sluice_error_class(self):
        f = compare.sluice_error_class
        self.assertEqual(f("ExecutionError: [DIVIDE_BY_ZERO] Division by zero."), "DIVIDE_BY_ZERO")
        self.assertEqual(f("SyntaxError: syntax error at line 1, column 2: ..."), "PARSE_SYNTAX_ERROR")
        self.assertEqual(f("AnalysisError: something without a class"), "AnalysisError(no class)")

    def test_canonical_values_from_sluice(self):
        t = compare.parse_type("struct<a:double,b:array<decimal(5,2)>,c:timestamp>")
        v = compare.canonical_from_sluice(["NaN", ["1.5", None], "2024-01-01 00:00:00"], t)
        self.assertTrue(v[0] != v[0])
        self.assertEqual(v[1:], [["1.50", None], "2024-01-01 00:00:00"])
        self.assertEqual(compare.canonical_from_sluice(-0.0, ("double",)), -0.0)
        self.assertEqual(compare.canonical_from_sluice("-Infinity", ("double",)), -INF)
        self.assertEqual(compare.canonical_decimal("0E-10", 10), "0.0000000000")

    def test_unmatched_rows(self):
        only_a, only_b = compare.unmatched_rows([[1], [2], [2]], [[2], [3], [1]])
        self.assertEqual((only_a, only_b), ([[2]], [[3]]))


class GeneratorTest(unittest.TestCase):
    def test_a_query_depends_only_on_seed_and_index(self):
        self.assertEqual(queries.generate(7, 123).sql, queries.generate(7, 123).sql)
        self.assertNotEqual([queries.generate(7, i).sql for i in range(3, 40)],
                            [queries.generate(8, i).sql for i in range(3, 40)])

    def test_the_grammar_covers_what_the_issue_asks_for(self):
        text = "\n".join(queries.generate(1, i).sql for i in range(600))
        for needle in ["LEFT SEMI JOIN", "LEFT ANTI JOIN", "FULL OUTER JOIN", "RIGHT JOIN", "CROSS JOIN",
                       "UNION ALL", "WITH c", "EXISTS (", " IN (SELECT", "(SELECT max(id)", "GROUP BY",
                       "HAVING", "ORDER BY", "LIMIT", "count(DISTINCT", "from_json(", "to_json(",
                       "get_json_object(", "CAST(", "upper(", "date_format(", "hash(", "coalesce("]:
            self.assertIn(needle, text)
        # No "--" outside string literals: a comment would swallow the rest.
        self.assertNotIn("--", re.sub(r"'(?:[^'\\]|\\.)*'", "''", text))
        # Nothing docs/sql.md says Sluice lacks.
        for absent in ["INTERSECT", "EXCEPT", "count_if", "bool_and", "TINYINT", "SMALLINT", "FLOAT", "MAP<"]:
            self.assertNotIn(absent, text)


@unittest.skipIf(not os.environ.get("SLUICE_BIN"), "no sluice binary given")
class SluiceEngineTest(unittest.TestCase):
    """Sluice through the harness's engine, against hand-written outcomes."""

    def run_sluice(self, sqls):
        import engines
        with tempfile.TemporaryDirectory() as tmp:
            return engines.SluiceEngine(os.environ["SLUICE_BIN"], {}, tmp).run_all(sqls)

    def test_results_types_and_errors_come_through(self):
        got = self.run_sluice([
            "SELECT 1 AS a, 1.5D AS b, CAST(NULL AS STRING) AS c, 2.50 AS d",
            "SELECT 1 / 0",
            "SELECT x FROM VALUES (CAST('NaN' AS DOUBLE)), (-0.0D) AS v(x)",
        ])
        expected = rows(["int", "double", "string", "decimal(3,2)"], (1, 1.5, None, "2.50"))
        self.assertTrue(compare.compare(expected, got[0], True).agree, got[0].describe())
        injected = rows(["int", "double", "string", "decimal(3,2)"], (1, 1.5, None, "2.51"))
        self.assertFalse(compare.compare(injected, got[0], True).agree)
        self.assertEqual(got[1].error_class, "DIVIDE_BY_ZERO")
        self.assertTrue(compare.compare(rows(["double"], (NAN,), (-0.0,)), got[2], False).agree, got[2].describe())
        self.assertFalse(compare.compare(rows(["double"], (NAN,), (0.0,)), got[2], False).agree)


if __name__ == "__main__":
    unittest.main(verbosity=1)
