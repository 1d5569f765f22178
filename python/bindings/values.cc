// Types and values from the engine to Python (see bindings.h for the forms).
#include <nanobind/stl/string.h>

#include <cstdlib>
#include <string>

#include "bindings.h"

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

void BindValues(nb::module_& m) {
  (void)m;
}

}  // namespace sluice::python
