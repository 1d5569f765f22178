// The scalar halves of Spark's time windows, which the binder places under
// the operators that use them (see docs/sql.md, "Time windows"):
//
//   time_window(ts, size, slide, start, i)  the i-th window (0 = the latest
//       starting one) of size `size` sliding every `slide` (microseconds,
//       BIGINT literals) with offset `start` that contains ts, as
//       STRUCT<start: TIMESTAMP, end: TIMESTAMP>; NULL when ts is NULL or
//       that window does not contain ts. Spark's TimeWindowing:
//         last_start = ts - ((ts - start) mod slide)   (mod >= 0)
//         window_start = last_start - i * slide, window_end = start + size
//   session_window_bounds(ts, gap)  the session window a single event opens:
//       STRUCT<start: ts, end: ts + gap>; gap is a STRING interval ('5
//       minutes', parsed per row) or BIGINT microseconds; NULL when ts or gap
//       is NULL, the gap is not a valid interval, has months, or is <= 0
//       (Spark drops such rows).
//   window_time(w)  w.end - 1 microsecond: the event time of a window's
//       aggregated rows (Spark's window_time).
#include <limits>

#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"
#include "types/interval_parser.h"

namespace sluice::fn {

namespace {

DataType WindowStructType() {
  return DataType::Struct({{"start", DataType::Timestamp(), true}, {"end", DataType::Timestamp(), true}});
}

// Fills row i of a STRUCT<start, end> vector (all rows start valid).
inline void SetWindow(Vector& out, size_t i, int64_t start, int64_t end) {
  out.child(0).data<int64_t>()[i] = start;
  out.child(1).data<int64_t>()[i] = end;
}

inline void SetWindowNull(Vector& out, size_t i) {
  out.SetNull(i);
  out.child(0).SetNull(i);
  out.child(1).SetNull(i);
}

Result<Vector> TimeWindowKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(ctx.call->type, n);
  for (size_t a = 1; a < args.size(); ++a) {
    if (!ArgValid(args[a], n, 0)) return AllNull(ctx.call->type, n);
  }
  const int64_t size = args[1].data<int64_t>()[0];
  const int64_t slide = args[2].data<int64_t>()[0];
  const int64_t offset = args[3].data<int64_t>()[0];
  const int64_t index = args[4].data<int64_t>()[0];
  if (slide <= 0 || size <= 0) {
    return Status::ExecutionError("time_window(): the window size and slide must be > 0 (size " + std::to_string(size) +
                                  ", slide " + std::to_string(slide) + " microseconds)");
  }
  const Vector& ts = args[0];
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(ts, n, i);
    if (ts.IsNull(r)) {
      SetWindowNull(out, i);
      continue;
    }
    __int128 t = ts.data<int64_t>()[r];
    __int128 rem = (t - offset) % slide;
    if (rem < 0) rem += slide;
    __int128 start = t - rem - static_cast<__int128>(index) * slide;
    __int128 end = start + size;
    if (t < start || t >= end || start < std::numeric_limits<int64_t>::min() ||
        end > std::numeric_limits<int64_t>::max()) {
      SetWindowNull(out, i);
      continue;
    }
    SetWindow(out, i, static_cast<int64_t>(start), static_cast<int64_t>(end));
  }
  return out;
}

Result<ExprPtr> BindTimeWindow(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Timestamp()));
  for (size_t i = 1; i < args.size(); ++i) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::Bigint()));
    if (!args[i]->IsConstant()) {
      return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) + "\": argument " + std::to_string(i + 1) +
                                   " must be a constant");
    }
  }
  return Call(def, name, std::move(args), WindowStructType(), true);
}

Result<Vector> SessionWindowBoundsKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(ctx.call->type, n);
  const Vector& ts = args[0];
  const Vector& gap = args[1];
  const bool gap_is_string = gap.type().is_string_like();
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(ts, n, i), g = Row(gap, n, i);
    if (ts.IsNull(r) || gap.IsNull(g)) {
      SetWindowNull(out, i);
      continue;
    }
    int64_t gap_micros = 0;
    if (gap_is_string) {
      auto parsed = ParseIntervalString(gap.GetString(g));
      if (!parsed || parsed->months != 0) {
        SetWindowNull(out, i);
        continue;
      }
      gap_micros = parsed->micros;
    } else {
      gap_micros = gap.data<int64_t>()[g];
    }
    int64_t start = ts.data<int64_t>()[r], end;
    if (gap_micros <= 0 || __builtin_add_overflow(start, gap_micros, &end)) {
      SetWindowNull(out, i);
      continue;
    }
    SetWindow(out, i, start, end);
  }
  return out;
}

Result<ExprPtr> BindSessionWindowBounds(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::Timestamp()));
  const DataType& g = args[1]->type;
  if (g.is_null()) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::String()));
  } else if (g.id() != TypeId::kString && g.id() != TypeId::kBigint) {
    return ArgTypeError(name, args, 1, "STRING (an interval such as '5 minutes')");
  }
  return Call(def, name, std::move(args), WindowStructType(), true);
}

// window_time(w): the event time of a window's rows, window.end - 1
// microsecond (Spark 3.4's window_time), for windowing the output of a
// window aggregation again.
Result<Vector> WindowTimeKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Timestamp(), n);
  const Vector& w = args[0];
  const Vector& end = w.child(static_cast<size_t>(w.type().FieldIndex("end")));
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(w, n, i);
    if (w.IsNull(r) || end.IsNull(r)) {
      out.SetNull(i);
      continue;
    }
    int64_t e = end.data<int64_t>()[r];
    if (e == std::numeric_limits<int64_t>::min()) {
      out.SetNull(i);
      continue;
    }
    out.data<int64_t>()[i] = e - 1;
  }
  return out;
}

Result<ExprPtr> BindWindowTime(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  const DataType& t = args[0]->type;
  int end = t.id() == TypeId::kStruct ? t.FieldIndex("end") : -1;
  if (end < 0 || t.fields()[static_cast<size_t>(end)].type.id() != TypeId::kTimestamp ||
      t.FieldIndex("start") < 0) {
    return ArgTypeError(name, args, 0, "a window column (STRUCT<start: TIMESTAMP, end: TIMESTAMP>)");
  }
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::Timestamp(), nullable);
}

}  // namespace

void RegisterWindowFunctions(FunctionTable& t) {
  t.Add(FunctionDef::Kernel("window_time", WindowTimeKernel, BindWindowTime, 1, 1));
  t.Add(FunctionDef::Kernel("time_window", TimeWindowKernel, BindTimeWindow, 5, 5));
  t.Add(FunctionDef::Kernel("session_window_bounds", SessionWindowBoundsKernel, BindSessionWindowBounds, 2, 2));
}

}  // namespace sluice::fn
