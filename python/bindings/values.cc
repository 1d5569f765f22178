// Types and values from the engine to Python (see bindings.h for the forms).
#include <nanobind/stl/string.h>

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bindings.h"
#include "sluice/session.h"
#include "sql/parser.h"

namespace sluice::python {

namespace {

// Python objects used for every conversion, looked up once per call site
// (imports are cached by the interpreter; the attribute lookups are cheap).
struct PyHelpers {
  nb::object date_from_ordinal;  // datetime.date.fromordinal
  nb::object datetime_from_ts;   // datetime.datetime.fromtimestamp
  nb::object timedelta;          // datetime.timedelta
  nb::object decimal;            // decimal.Decimal
  nb::object create_row;         // sluice.sql.types._create_row
  static PyHelpers Load() {
    nb::module_ dt = nb::module_::import_("datetime");
    return {dt.attr("date").attr("fromordinal"), dt.attr("datetime").attr("fromtimestamp"),
            dt.attr("timedelta"), nb::module_::import_("decimal").attr("Decimal"),
            nb::module_::import_("sluice.sql.types").attr("_create_row")};
  }
};

// 1970-01-01 as a proleptic Gregorian ordinal (date(1970, 1, 1).toordinal()).
constexpr int64_t kEpochOrdinal = 719163;

std::string DecimalText(int128_t unscaled, int scale) {
  bool neg = unscaled < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(unscaled) : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale - digits.size() + 1, '0');
    digits.insert(digits.size() - scale, 1, '.');
  }
  return (neg ? "-" : "") + digits;
}

nb::object Convert(const Value& v, const PyHelpers& h) {
  if (v.is_null()) return nb::none();
  switch (v.type().id()) {
    case TypeId::kNull: return nb::none();
    case TypeId::kBoolean: return nb::bool_(v.bool_value());
    case TypeId::kInt: return nb::int_(v.int_value());
    case TypeId::kBigint: return nb::int_(v.bigint_value());
    case TypeId::kDouble: return nb::float_(v.double_value());
    case TypeId::kDecimal: return h.decimal(DecimalText(v.decimal_value(), v.type().scale()));
    case TypeId::kString: return nb::str(v.str_value().data(), v.str_value().size());
    case TypeId::kBinary:
      return nb::steal(PyByteArray_FromStringAndSize(v.str_value().data(), static_cast<Py_ssize_t>(v.str_value().size())));
    case TypeId::kDate: return h.date_from_ordinal(kEpochOrdinal + v.int_value());
    case TypeId::kTimestamp: {
      // As PySpark: local wall time of the process, naive. Whole seconds
      // through fromtimestamp, then the microseconds (floor division keeps
      // times before 1970 right).
      int64_t us = v.bigint_value();
      int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
      int64_t micros = us - secs * 1000000;
      return h.datetime_from_ts(secs).attr("replace")(nb::arg("microsecond") = micros);
    }
    case TypeId::kArray: {
      nb::list out;
      for (const auto& c : v.children()) out.append(Convert(c, h));
      return out;
    }
    case TypeId::kStruct: {
      nb::list names;
      for (const auto& f : v.type().fields()) names.append(nb::str(f.name.c_str()));
      nb::list values;
      for (const auto& c : v.children()) values.append(Convert(c, h));
      return h.create_row(nb::tuple(names), values);
    }
  }
  return nb::none();
}

}  // namespace

nb::object TypeToPython(const DataType& type) {
  switch (type.id()) {
    case TypeId::kDecimal: return nb::make_tuple("decimal", type.precision(), type.scale());
    case TypeId::kArray: return nb::make_tuple("array", TypeToPython(type.element()), true);
    case TypeId::kStruct: {
      nb::list fields;
      for (const auto& f : type.fields()) fields.append(nb::make_tuple(f.name, TypeToPython(f.type), f.nullable));
      return nb::make_tuple("struct", fields);
    }
    default: return nb::str(type.SimpleString().c_str());
  }
}

nb::object SchemaToPython(const Schema& schema) {
  nb::list fields;
  for (const auto& f : schema.fields()) fields.append(nb::make_tuple(f.name, TypeToPython(f.type), f.nullable));
  return nb::make_tuple("struct", fields);
}

nb::object ValueToPython(const Value& value) {
  PyHelpers h = PyHelpers::Load();
  return Convert(value, h);
}

// Rows of a result as a list of tuples of Python values.
nb::list RowsToPython(const std::vector<std::vector<Value>>& rows) {
  PyHelpers h = PyHelpers::Load();
  nb::list out;
  for (const auto& row : rows) {
    nb::list values;
    for (const auto& v : row) values.append(Convert(v, h));
    out.append(nb::tuple(values));
  }
  return out;
}

namespace {

// One cell as Spark's show() prints it: NULL for nulls (nested ones too),
// BINARY as [0A FF], arrays [a, b], structs {a, b}; scalars as the engine's
// text (Java's double form, timestamps without trailing fraction zeros).
std::string ShowText(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type().id()) {
    case TypeId::kBinary: {
      static const char* kHex = "0123456789ABCDEF";
      std::string s = "[";
      bool first = true;
      for (unsigned char c : v.str_value()) {
        if (!first) s += ' ';
        first = false;
        s += kHex[c >> 4];
        s += kHex[c & 15];
      }
      return s + "]";
    }
    case TypeId::kStruct:
    case TypeId::kArray: {
      bool is_struct = v.type().id() == TypeId::kStruct;
      std::string s = is_struct ? "{" : "[";
      const auto& c = v.children();
      for (size_t i = 0; i < c.size(); ++i) {
        if (i) s += ", ";
        s += ShowText(c[i]);
      }
      return s + (is_struct ? "}" : "]");
    }
    default: return v.ToString();
  }
}

// Python value -> engine Value of a given type (createDataFrame's local
// data). Errors name the row, the column path and the value's Python type.
struct ToValue {
  nb::object datetime_micros;  // sluice.sql.local_data._datetime_micros
  nb::object decimal_unscaled;  // sluice.sql.local_data._decimal_unscaled
  nb::handle date_type, datetime_type, decimal_type, row_type;
  size_t row = 0;

  [[noreturn]] void Fail(const std::string& path, const DataType& type, nb::handle obj) {
    std::string tname = nb::cast<std::string>(nb::str(obj.type().attr("__name__")));
    std::string repr = nb::cast<std::string>(nb::repr(obj));
    if (repr.size() > 60) repr = repr.substr(0, 57) + "...";
    throw nb::type_error(("[FIELD_DATA_TYPE_UNACCEPTABLE] row " + std::to_string(row + 1) + ", field " + path +
                          ": " + type.ToString() + " can not accept object " + repr + " of type " + tname)
                             .c_str());
  }

  Value Convert(nb::handle obj, const DataType& type, bool nullable, const std::string& path) {
    if (obj.is_none()) {
      if (!nullable) {
        throw nb::value_error(("[FIELD_NOT_NULLABLE] row " + std::to_string(row + 1) + ", field " + path +
                               ": this field is not nullable, but got None")
                                  .c_str());
      }
      return Value::Null(type);
    }
    bool is_bool = PyBool_Check(obj.ptr());
    bool is_int = PyLong_Check(obj.ptr()) && !is_bool;
    switch (type.id()) {
      case TypeId::kNull: Fail(path, type, obj);
      case TypeId::kBoolean:
        if (!is_bool) Fail(path, type, obj);
        return Value::Boolean(obj.ptr() == Py_True);
      case TypeId::kInt:
      case TypeId::kBigint: {
        if (!is_int) Fail(path, type, obj);
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
        bool fits = overflow == 0 && (type.id() == TypeId::kBigint || (v >= INT32_MIN && v <= INT32_MAX));
        if (!fits) {
          throw nb::value_error(("[VALUE_OUT_OF_BOUNDS] row " + std::to_string(row + 1) + ", field " + path + ": " +
                                 nb::cast<std::string>(nb::repr(obj)) + " is out of range for " + type.ToString())
                                    .c_str());
        }
        return type.id() == TypeId::kInt ? Value::Int(static_cast<int32_t>(v)) : Value::Bigint(v);
      }
      case TypeId::kDouble:
        if (!PyFloat_Check(obj.ptr())) Fail(path, type, obj);
        return Value::Double(PyFloat_AsDouble(obj.ptr()));
      case TypeId::kDecimal: {
        if (!nb::isinstance(obj, decimal_type)) Fail(path, type, obj);
        // The unscaled value as decimal text, rounded half-up to the scale.
        nb::object u = decimal_unscaled(obj, type.precision(), type.scale());
        if (u.is_none()) {
          throw nb::value_error(("[VALUE_OUT_OF_BOUNDS] row " + std::to_string(row + 1) + ", field " + path + ": " +
                                 nb::cast<std::string>(nb::repr(obj)) + " does not fit " + type.ToString())
                                    .c_str());
        }
        std::string text = nb::cast<std::string>(nb::str(u));
        bool neg = !text.empty() && text[0] == '-';
        int128_t unscaled = 0;
        for (size_t i = neg ? 1 : 0; i < text.size(); ++i) unscaled = unscaled * 10 + (text[i] - '0');
        return Value::Decimal(neg ? -unscaled : unscaled, type.precision(), type.scale());
      }
      case TypeId::kString:
        if (!PyUnicode_Check(obj.ptr())) Fail(path, type, obj);
        return Value::String(nb::cast<std::string>(obj));
      case TypeId::kBinary: {
        if (PyBytes_Check(obj.ptr())) {
          return Value::Binary(std::string(PyBytes_AsString(obj.ptr()), static_cast<size_t>(PyBytes_Size(obj.ptr()))));
        }
        if (PyByteArray_Check(obj.ptr())) {
          return Value::Binary(
              std::string(PyByteArray_AsString(obj.ptr()), static_cast<size_t>(PyByteArray_Size(obj.ptr()))));
        }
        Fail(path, type, obj);
      }
      case TypeId::kDate: {
        if (!nb::isinstance(obj, date_type)) Fail(path, type, obj);
        nb::handle d = obj;
        nb::object date_only;
        if (nb::isinstance(obj, datetime_type)) {
          date_only = obj.attr("date")();
          d = date_only;
        }
        int64_t ordinal = nb::cast<int64_t>(d.attr("toordinal")());
        return Value::Date(static_cast<int32_t>(ordinal - 719163));
      }
      case TypeId::kTimestamp:
        if (nb::isinstance(obj, datetime_type)) return Value::Timestamp(nb::cast<int64_t>(datetime_micros(obj)));
        if (nb::isinstance(obj, date_type)) {
          int64_t ordinal = nb::cast<int64_t>(obj.attr("toordinal")());
          return Value::Timestamp((ordinal - 719163) * 86400LL * 1000000LL);
        }
        Fail(path, type, obj);
      case TypeId::kArray: {
        if (!PyList_Check(obj.ptr()) && !PyTuple_Check(obj.ptr())) Fail(path, type, obj);
        std::vector<Value> children;
        size_t i = 0;
        for (nb::handle item : obj) {
          children.push_back(Convert(item, type.element(), true, path + "[" + std::to_string(i++) + "]"));
        }
        return Value::Nested(type, std::move(children));
      }
      case TypeId::kStruct: {
        const auto& fields = type.fields();
        std::vector<Value> children;
        bool has_names = nb::isinstance(obj, row_type) && nb::hasattr(obj, "__fields__");
        if (PyDict_Check(obj.ptr()) || has_names) {
          nb::object mapping = PyDict_Check(obj.ptr()) ? nb::borrow(obj) : obj.attr("asDict")();
          for (const auto& f : fields) {
            nb::object key = nb::str(f.name.c_str());
            nb::handle item = PyDict_GetItem(mapping.ptr(), key.ptr());  // borrowed; null when missing
            children.push_back(Convert(item ? item : nb::none(), f.type, f.nullable, path + "." + f.name));
          }
          return Value::Nested(type, std::move(children));
        }
        if (!PyTuple_Check(obj.ptr()) && !PyList_Check(obj.ptr())) Fail(path, type, obj);
        if (nb::len(obj) != fields.size()) {
          throw nb::value_error(("[LENGTH_SHOULD_BE_THE_SAME] row " + std::to_string(row + 1) + ", field " + path +
                                 ": " + std::to_string(fields.size()) + " fields in the schema, " +
                                 std::to_string(nb::len(obj)) + " values")
                                    .c_str());
        }
        size_t i = 0;
        for (nb::handle item : obj) {
          const auto& f = fields[i++];
          children.push_back(Convert(item, f.type, f.nullable, path + "." + f.name));
        }
        return Value::Nested(type, std::move(children));
      }
    }
    Fail(path, type, obj);
  }
};

}  // namespace

nb::tuple ShowCells(const QueryResult& result, size_t n) {
  nb::list rows;
  auto all = result.Rows();
  for (size_t i = 0; i < all.size() && i < n; ++i) {
    nb::list cells;
    for (const auto& v : all[i]) {
      std::string s = ShowText(v);
      cells.append(nb::str(s.data(), s.size()));
    }
    rows.append(cells);
  }
  return nb::make_tuple(rows, all.size());
}

void BindValues(nb::module_& m) {
  // Local rows (a list of tuples / Rows / dicts) as a QueryResult of the
  // schema given as DDL ("`a` INT, `b` STRING"); types are checked per value.
  m.def("local_result", [](const std::string& ddl, nb::handle rows) {
    Schema schema = Unwrap(ParseSchema(ddl));
    DataType row_type = DataType::Struct(schema.fields());
    nb::module_ local = nb::module_::import_("sluice.sql.local_data");
    nb::module_ dt = nb::module_::import_("datetime");
    nb::object date_cls = dt.attr("date"), datetime_cls = dt.attr("datetime");
    nb::object decimal_cls = nb::module_::import_("decimal").attr("Decimal");
    nb::object row_cls = nb::module_::import_("sluice.sql.types").attr("Row");
    ToValue conv{local.attr("_datetime_micros"), local.attr("_decimal_unscaled"), date_cls, datetime_cls, decimal_cls,
                 row_cls};
    std::vector<std::vector<Value>> values;
    for (nb::handle row : rows) {
      Value v = conv.Convert(row, row_type, false, "value");
      values.push_back(v.children());
      ++conv.row;
    }
    Result<QueryResult> r = [&] {
      nb::gil_scoped_release release;
      return QueryResult::FromRows(schema, values);
    }();
    return Unwrap(std::move(r));
  });
}

}  // namespace sluice::python
