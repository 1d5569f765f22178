// Session and QueryResult.
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "api/session_impl.h"
#include "bindings.h"
#include "sluice/dataframe.h"
#include "sluice/session.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace sluice::python {

void BindSession(nb::module_& m) {
  // A DDL string as plain type data: a single type ("int", "array<string>")
  // or a column list ("a INT, b STRING") as a struct.
  m.def("parse_ddl", [](const std::string& text) {
    auto type = ParseDataType(text);
    if (type.ok()) return TypeToPython(*type);
    return SchemaToPython(Unwrap(ParseSchema(text)));
  });
  nb::class_<QueryResult>(m, "QueryResult")
      .def_prop_ro("schema", [](const QueryResult& r) { return SchemaToPython(r.schema()); })
      .def_prop_ro("num_rows", &QueryResult::num_rows)
      .def("rows", [](const QueryResult& r) { return RowsToPython(r.Rows()); })
      .def("to_table", &QueryResult::ToTable, nb::arg("max_rows") = 1000, nb::arg("truncate") = 0)
      .def("to_csv", [](const QueryResult& r) { return Unwrap(r.ToCsv()); })
      .def("to_json_lines", [](const QueryResult& r) { return Unwrap(r.ToJsonLines()); });

  nb::class_<Session>(m, "Session")
      .def_static("create", &Session::Create)
      // Runs statements separated by ';' and returns the last one's result.
      .def("sql_statements",
           [](Session& s, const std::string& text) {
             Result<QueryResult> r = [&] {
               nb::gil_scoped_release release;
               return s.Sql(text);
             }();
             return Unwrap(std::move(r));
           })
      .def("sql", [](Session& s, const std::string& query) { return s.sql(query); })
      // spark.sql(): one query as a DataFrame (analysis errors raised now);
      // any other statement (DDL, SET, INSERT, SHOW...) runs at once and its
      // result, empty for most, becomes the DataFrame, as in PySpark.
      .def("sql_dataframe",
           [](Session& s, const std::string& text) {
             auto statements = Unwrap(ParseStatements(text));
             if (statements.size() == 1 && statements[0]->kind == ast::StatementKind::kSelect) {
               // Binding may run uncorrelated subqueries: without the GIL.
               DataFrame df = [&] {
                 nb::gil_scoped_release release;
                 return s.sql(text);
               }();
               Check(df.status());
               return df;
             }
             Result<QueryResult> r = [&] {
               nb::gil_scoped_release release;
               return s.Sql(text);
             }();
             return s.createDataFrame(Unwrap(std::move(r)));
           })
      .def("table",
           [](Session& s, const std::string& name) {
             DataFrame df = s.table(name);
             Check(df.status());
             return df;
           })
      .def("read", [](Session& s) { return s.read(); })
      // The catalog for spark.catalog: (name, is_view) of each entry.
      .def("catalog_entries",
           [](Session& s) {
             auto& catalog = static_cast<SessionImpl&>(s).catalog();
             std::vector<std::pair<std::string, bool>> out;
             for (const auto& name : catalog.Names()) {
               auto entry = catalog.Find(name);
               out.emplace_back(name, entry && entry->view != nullptr);
             }
             return out;
           })
      .def("drop_view",
           [](Session& s, const std::string& name) {
             auto& catalog = static_cast<SessionImpl&>(s).catalog();
             auto entry = catalog.Find(name);
             if (!entry || entry->view == nullptr) return false;
             Check(catalog.Drop(name, true, true));
             return true;
           })
      .def("create_dataframe", [](Session& s, const QueryResult& data) { return s.createDataFrame(data); });
}

}  // namespace sluice::python
