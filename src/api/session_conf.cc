#include "api/session_conf.h"

namespace sluice {

const OptionSet& SessionConfOptions() {
  static const OptionSet* set = [] {
    auto* s = new OptionSet();
    s->Add(OptionSpec::Int("spark.sql.shuffle.partitions", "2", 1, 10000,
                           "state partitions of a stateful query (pinned at its first batch)"));
    s->Add(OptionSpec::Enum("spark.sql.streaming.multipleWatermarkPolicy", "min", {"min", "max"},
                            "global watermark of a query with several watermarks: the min (default) or "
                            "the max over them (pinned at its first batch)"));
    s->Add(OptionSpec::Bool("spark.sql.streaming.noDataMicroBatches.enabled", "true",
                            "run a batch without new data when the watermark moved, so that stateful "
                            "operators emit closed windows and evict state"));
    // Settings Sluice has one value of: SET to it is fine, anything else an
    // error saying why, never silently ignored.
    s->Add(OptionSpec::Enum("spark.sql.ansi.enabled", "true", {"true"},
                            "Sluice always runs in ANSI mode (Spark 4's default): invalid casts, overflow "
                            "and division by zero are errors; use try_cast, try_divide, try_add, ... to get "
                            "NULL instead"));
    s->Add(OptionSpec::Enum("spark.sql.session.timeZone", "UTC",
                            {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Zulu", "Z", "+00:00", "-00:00",
                             "UTC+0", "GMT+0", "+00", "+0"},
                            "the session time zone is always UTC in Sluice (timestamps are rendered, parsed "
                            "and split into dates and hours in UTC); where local time is needed, shift with `+ INTERVAL n HOURS` in the query"));
    return s;
  }();
  return *set;
}

}  // namespace sluice
