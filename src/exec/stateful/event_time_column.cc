#include "exec/stateful/event_time_column.h"

namespace sluice {

Result<EventTimeColumn> EventTimeColumn::Make(const DataType& type, const std::string& what) {
  if (type.id() == TypeId::kTimestamp) return EventTimeColumn(-1);
  if (type.id() == TypeId::kStruct) {
    const auto& fields = type.fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (EqualsIgnoreCase(fields[i].name, "end") && fields[i].type.id() == TypeId::kTimestamp) {
        return EventTimeColumn(static_cast<int>(i));
      }
    }
  }
  return Status::AnalysisError("[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time " + what + " has the invalid type " +
                               type.ToString() + ", but expected \"TIMESTAMP\" (or a window STRUCT<start, end>)");
}

}  // namespace sluice
