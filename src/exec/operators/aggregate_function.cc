#include "exec/operators/aggregate_function.h"

#include <algorithm>

namespace sluice {

namespace {

struct AggName {
  const char* name;
  AggregateKind kind;
};

constexpr AggName kAggNames[] = {
    {"count", AggregateKind::kCount},       {"sum", AggregateKind::kSum},
    {"avg", AggregateKind::kAvg},           {"mean", AggregateKind::kAvg},
    {"min", AggregateKind::kMin},           {"max", AggregateKind::kMax},
    {"first", AggregateKind::kFirst},       {"first_value", AggregateKind::kFirst},
    {"last", AggregateKind::kLast},         {"last_value", AggregateKind::kLast},
    {"collect_list", AggregateKind::kCollectList}, {"collect_set", AggregateKind::kCollectSet},
    // Spark's boolean aggregates, run as others: count_if(b) counts the rows
    // where b is TRUE (the binder passes CASE WHEN b THEN TRUE END to a
    // count); bool_and is min over BOOLEAN (FALSE < TRUE), bool_or max.
    {"count_if", AggregateKind::kCount},    {"bool_and", AggregateKind::kMin},
    {"every", AggregateKind::kMin},         {"bool_or", AggregateKind::kMax},
    {"some", AggregateKind::kMax},          {"any", AggregateKind::kMax},
};

bool IsBooleanAggregate(std::string_view name) {
  for (const char* b : {"count_if", "bool_and", "every", "bool_or", "some", "any"}) {
    if (EqualsIgnoreCase(b, name)) return true;
  }
  return false;
}

const AggName* FindAgg(std::string_view name) {
  for (const auto& a : kAggNames) {
    if (EqualsIgnoreCase(a.name, name)) return &a;
  }
  return nullptr;
}

bool IsOrderable(const DataType& t) {
  return !t.is_nested() && !t.is_null();
}

// min/max also order STRUCTs of orderable fields, field by field (Spark's
// struct ordering; a NULL field sorts first): max(named_struct('t', ts,
// 'v', v)) is the row with the latest ts, as max_by(v, ts).
bool IsMinMaxOrderable(const DataType& t) {
  if (t.id() != TypeId::kStruct) return IsOrderable(t);
  for (const auto& f : t.fields()) {
    if (!IsMinMaxOrderable(f.type)) return false;
  }
  return !t.fields().empty();
}

}  // namespace

bool IsAggregateFunction(std::string_view name) { return FindAgg(name) != nullptr; }

std::vector<std::string> AggregateFunctionNames() {
  std::vector<std::string> names;
  for (const auto& a : kAggNames) names.push_back(a.name);
  return names;
}

Result<AggregateCall> BindAggregate(std::string_view name, const std::vector<DataType>& arg_types,
                                    bool distinct) {
  std::vector<std::string> sql;
  for (const auto& t : arg_types) sql.push_back(t.ToString());
  return BindAggregate(name, arg_types, distinct, sql);
}

Result<AggregateCall> BindAggregate(std::string_view name, const std::vector<DataType>& arg_types,
                                    bool distinct, const std::vector<std::string>& arg_sql) {
  const AggName* agg = FindAgg(name);
  std::string lname = ToLower(name);
  std::string call_sql = lname + "(" + (distinct ? "DISTINCT " : "");
  for (size_t i = 0; i < arg_types.size(); ++i) {
    if (i > 0) call_sql += ", ";
    call_sql += i < arg_sql.size() ? arg_sql[i] : arg_types[i].ToString();
  }
  if (arg_types.empty() && lname == "count") call_sql += "*";
  call_sql += ")";
  auto fail = [&](const std::string& why) -> Status {
    return Status::AnalysisError("cannot resolve \"" + call_sql + "\": " + why);
  };
  if (agg == nullptr) return fail("unknown aggregate function " + lname);

  AggregateCall call;
  call.kind = agg->kind;
  call.name = lname;
  call.distinct = distinct;
  size_t max_args = (agg->kind == AggregateKind::kFirst || agg->kind == AggregateKind::kLast) ? 2 : 1;
  size_t min_args = agg->kind == AggregateKind::kCount && !distinct ? 0 : 1;
  if (arg_types.size() < min_args || arg_types.size() > max_args) {
    std::string expected = min_args == max_args ? std::to_string(min_args)
                                                : std::to_string(min_args) + " to " + std::to_string(max_args);
    return fail("requires " + expected + " argument" + (max_args == 1 ? "" : "s") + ", got " +
                std::to_string(arg_types.size()));
  }
  if (!arg_types.empty()) call.input_type = arg_types[0];
  const DataType& in = call.input_type;
  auto need = [&](int argno, const std::string& what, const DataType& got) {
    return fail("argument " + std::to_string(argno) + " requires " + what + ", got " + got.ToString());
  };
  if (IsBooleanAggregate(lname)) {
    if (in.id() != TypeId::kBoolean && !in.is_null()) {
      return Status::AnalysisError("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] cannot resolve \"" + call_sql +
                                   "\": argument 1 requires BOOLEAN, got " + in.ToString() +
                                   "; compare it to something, e.g. " + lname + "(x > 0)");
    }
    if (in.is_null()) call.input_type = DataType::Boolean();
  }
  switch (agg->kind) {
    case AggregateKind::kCountStar:
    case AggregateKind::kCount:
      if (arg_types.empty()) call.kind = AggregateKind::kCountStar;
      call.result_type = DataType::Bigint();
      break;
    case AggregateKind::kSum:
      if (in.is_null()) {
        call.input_type = DataType::Bigint();  // sum(NULL): a NULL BIGINT
      } else if (!in.is_numeric()) {
        return need(1, "a numeric type", in);
      }
      if (call.input_type.id() == TypeId::kDecimal) {
        call.result_type = DataType::Decimal(std::min(38, in.precision() + 10), in.scale());
      } else if (call.input_type.id() == TypeId::kDouble) {
        call.result_type = DataType::Double();
      } else {
        call.result_type = DataType::Bigint();
      }
      break;
    case AggregateKind::kAvg:
      if (in.is_null()) {
        call.input_type = DataType::Double();
      } else if (!in.is_numeric()) {
        return need(1, "a numeric type", in);
      }
      if (call.input_type.id() == TypeId::kDecimal) {
        call.result_type =
            DataType::Decimal(std::min(38, in.precision() + 4), std::min(38, in.scale() + 4));
      } else {
        call.result_type = DataType::Double();
      }
      break;
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      if (!IsMinMaxOrderable(in) && !in.is_null()) return need(1, "an orderable type", in);
      call.result_type = in;
      call.distinct = false;  // min(DISTINCT x) == min(x)
      break;
    case AggregateKind::kFirst:
    case AggregateKind::kLast:
      if (arg_types.size() == 2 && arg_types[1].id() != TypeId::kBoolean) {
        return need(2, "BOOLEAN", arg_types[1]);
      }
      call.result_type = in;
      break;
    case AggregateKind::kCollectList:
      call.result_type = DataType::Array(in);
      break;
    case AggregateKind::kCollectSet:
      if (in.is_null()) call.input_type = DataType::Null();
      call.result_type = DataType::Array(call.input_type);
      call.distinct = false;  // collect_set(DISTINCT x) == collect_set(x)
      break;
  }
  // count(DISTINCT a, b) counts distinct STRUCTs of its arguments (see the
  // binder); the distinct set hashes nested values whole.
  if (call.distinct && call.input_type.is_nested() && call.kind != AggregateKind::kCount) {
    return fail("DISTINCT is not supported over " + call.input_type.ToString());
  }
  return call;
}

std::vector<DataType> AggregateStateTypes(const AggregateCall& call) {
  if (call.distinct && call.kind != AggregateKind::kCountStar) {
    return {DataType::Array(call.input_type)};
  }
  switch (call.kind) {
    case AggregateKind::kCountStar:
    case AggregateKind::kCount:
      return {DataType::Bigint()};
    case AggregateKind::kSum:
      return {call.result_type};
    case AggregateKind::kAvg:
      if (call.input_type.id() == TypeId::kDecimal) {
        return {DataType::Decimal(std::min(38, call.input_type.precision() + 10), call.input_type.scale()),
                DataType::Bigint()};
      }
      return {DataType::Double(), DataType::Bigint()};
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      return {call.input_type};
    case AggregateKind::kFirst:
    case AggregateKind::kLast:
      return {call.input_type, DataType::Boolean()};
    case AggregateKind::kCollectList:
    case AggregateKind::kCollectSet:
      return {DataType::Array(call.input_type)};
  }
  return {};
}

}  // namespace sluice
