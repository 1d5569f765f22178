// DataFrame, Column, GroupedData and DataFrameReader.
//
// Python's Column (sluice/sql/column.py) is SQL expression text; it reaches
// the engine as a C++ Column parsed from that text (expr_column), carrying
// its alias and sort order. Every call that runs a query releases the GIL.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>

#include "bindings.h"
#include "exec/function_registry.h"
#include "exec/operators/aggregate_function.h"
#include "plan/logical_plan.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "sql/parser.h"

namespace sluice::python {

namespace {

// A DataFrame's deferred error (unknown column, type error) as the Python
// exception, raised by the call that made it (PySpark's analysis is eager).
DataFrame Checked(DataFrame df) {
  Check(df.status());
  return df;
}

template <typename F>
auto Released(F&& f) {
  nb::gil_scoped_release release;
  return f();
}

}  // namespace

void BindDataFrame(nb::module_& m) {
  m.def("is_streaming", [](const DataFrame& df) { return IsStreaming(df); });
  m.def("scalar_function_names", [] { return ScalarFunctionNames(); });
  m.def("aggregate_function_names", [] { return AggregateFunctionNames(); });

  nb::class_<Column>(m, "Column")
      .def("alias", &Column::alias)
      // Sort order: asc (nulls first unless told), desc (nulls last unless told).
      .def("sort", [](const Column& c, bool ascending, std::optional<bool> nulls_first) {
        if (ascending) return nulls_first.value_or(true) ? c.asc() : c.asc_nulls_last();
        return nulls_first.value_or(false) ? c.desc_nulls_first() : c.desc();
      });
  // A Column from SQL expression text; a ParseException names the line and
  // column of the text.
  m.def("expr_column", [](const std::string& sql) { return Column(Unwrap(ParseExpression(sql))); });
  m.def("check_expression", [](const std::string& sql) { Unwrap(ParseExpression(sql)); });

  nb::class_<GroupedData>(m, "GroupedData")
      .def("agg", [](const GroupedData& g, const std::vector<Column>& aggs) { return Checked(g.agg(aggs)); })
      .def("count", [](const GroupedData& g) { return Checked(g.count()); });

  nb::class_<DataFrame>(m, "DataFrame")
      .def("collect",
           [](const DataFrame& df) {
             Check(df.status());
             return Unwrap(Released([&] { return df.collect(); }));
           })
      .def("count",
           [](const DataFrame& df) {
             Check(df.status());
             return Unwrap(Released([&] { return df.count(); }));
           })
      .def("explain",
           [](const DataFrame& df, bool extended) {
             Check(df.status());
             return Unwrap(Released([&] { return df.explain(extended); }));
           })
      .def("schema", [](const DataFrame& df) { return SchemaToPython(Unwrap(df.schema())); })
      .def("select", [](const DataFrame& df, const std::vector<Column>& cols) { return Checked(df.select(cols)); })
      .def("filter", [](const DataFrame& df, const Column& c) { return Checked(df.filter(c)); })
      .def("with_column",
           [](const DataFrame& df, const std::string& name, const Column& c) { return Checked(df.withColumn(name, c)); })
      .def("with_column_renamed",
           [](const DataFrame& df, const std::string& existing, const std::string& name) {
             return Checked(df.withColumnRenamed(existing, name));
           })
      .def("drop", [](const DataFrame& df, const std::vector<std::string>& names) { return Checked(df.drop(names)); })
      .def("drop_column", [](const DataFrame& df, const Column& c) { return Checked(df.drop(c)); })
      // The qualifier of each output column ("" for none): the Python
      // package decides from them whether a join side needs a hidden alias.
      .def("qualifiers",
           [](const DataFrame& df) {
             std::vector<std::string> out;
             for (const auto& c : df.plan()->output) out.push_back(c.qualifier);
             return out;
           })
      .def("group_by",
           [](const DataFrame& df, const std::vector<Column>& cols) {
             Check(df.status());
             return df.groupBy(cols);
           })
      .def("join",
           [](const DataFrame& df, const DataFrame& other, const Column& on, const std::string& how) {
             return Checked(df.join(other, on, how));
           })
      .def("join_using",
           [](const DataFrame& df, const DataFrame& other, const std::vector<std::string>& cols, const std::string& how) {
             return Checked(df.join(other, cols, how));
           })
      .def("cross_join", [](const DataFrame& df, const DataFrame& other) { return Checked(df.crossJoin(other)); })
      .def("order_by", [](const DataFrame& df, const std::vector<Column>& cols) { return Checked(df.orderBy(cols)); })
      .def("limit", [](const DataFrame& df, int64_t n) { return Checked(df.limit(n)); })
      .def("distinct", [](const DataFrame& df) { return Checked(df.distinct()); })
      .def("with_watermark",
           [](const DataFrame& df, const std::string& event_time, const std::string& delay) {
             return Checked(df.withWatermark(event_time, delay));
           })
      .def("drop_duplicates",
           [](const DataFrame& df, const std::vector<std::string>& cols) { return Checked(df.dropDuplicates(cols)); })
      .def("drop_duplicates_within_watermark",
           [](const DataFrame& df, const std::vector<std::string>& cols) {
             return Checked(df.dropDuplicatesWithinWatermark(cols));
           })
      .def("union_all", [](const DataFrame& df, const DataFrame& other) { return Checked(df.unionAll(other)); })
      .def("alias", [](const DataFrame& df, const std::string& name) { return Checked(df.alias(name)); })
      .def("create_or_replace_temp_view",
           [](const DataFrame& df, const std::string& name) { Check(df.createOrReplaceTempView(name)); })
      // The engine's text for each cell of the first n rows, as Spark's
      // show() renders them; with the number of rows the result had (at
      // most n + 1, so the caller knows whether rows were left out).
      .def("show_cells", [](const DataFrame& df, int64_t n) {
        Check(df.status());
        QueryResult r = Unwrap(Released([&] { return df.limit(n + 1).collect(); }));
        return ShowCells(r, static_cast<size_t>(n));
      });

  nb::class_<DataFrameReader>(m, "DataFrameReader")
      .def("load",
           [](DataFrameReader& r, const std::string& format, const std::map<std::string, std::string>& options,
              std::optional<std::string> schema, std::optional<std::string> path) {
             r.format(format).options(options);
             if (schema) r.schema(*schema);
             // Opening a source lists files and may infer a schema: IO, without the GIL.
             DataFrame df = [&] {
               nb::gil_scoped_release release;
               return path ? r.load(*path) : r.load();
             }();
             return Checked(std::move(df));
           });
}

}  // namespace sluice::python
