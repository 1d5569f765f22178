#include "api/session_conf.h"

namespace sluice {

const OptionSet& SessionConfOptions() {
  static const OptionSet* set = [] {
    auto* s = new OptionSet();
    s->Add(OptionSpec::Int("spark.sql.shuffle.partitions", "2", 1, 10000,
                           "state partitions of a stateful query (pinned at its first batch)"));
    return s;
  }();
  return *set;
}

}  // namespace sluice
