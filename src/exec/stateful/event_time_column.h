// EventTimeColumn: reads the event time of a row from the column a stateful
// operator keys its watermark on: a TIMESTAMP column as is, a window
// STRUCT<start, end> (window(), session_window()) by its `end` field, as
// Spark compares `window.end <= watermark`. Times are microseconds since the
// epoch; NULL (or a NULL window) has no event time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

class EventTimeColumn {
 public:
  // InvalidArgument for types without an event time.
  static Result<EventTimeColumn> Make(const DataType& type, const std::string& what);

  std::optional<int64_t> Micros(const Vector& v, size_t row) const {
    if (v.IsNull(row)) return std::nullopt;
    if (end_field_ < 0) return v.data<int64_t>()[row];
    const Vector& end = v.child(static_cast<size_t>(end_field_));
    if (end.IsNull(row)) return std::nullopt;
    return end.data<int64_t>()[row];
  }
  // The row's event time is at or behind watermark `wm_ms` (ms): late input
  // (late-events watermark) or state to evict (eviction watermark). NULL
  // event times never are.
  bool AtOrBehind(const Vector& v, size_t row, int64_t wm_ms) const {
    auto t = Micros(v, row);
    return t && *t <= wm_ms * 1000;
  }

 private:
  explicit EventTimeColumn(int end_field) : end_field_(end_field) {}
  int end_field_ = -1;  // STRUCT: index of `end`; -1: a TIMESTAMP
};

}  // namespace sluice
