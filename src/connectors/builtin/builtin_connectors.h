// BuiltinConnectors: the process-wide connector registry holding every
// connector that ships with Sluice (rate, rate-micro-batch, nexmark, json, csv, kafka
// sources; console, noop, memory, json, csv, kafka sinks; json and csv batch
// tables, the kafka batch table). The planner, the streaming API and the CLI look connectors up
// here; adding a connector is one Register call in builtin_connectors.cc.
#pragma once

#include "connectors/connector_registry.h"

namespace sluice {

ConnectorRegistry& BuiltinConnectors();

}  // namespace sluice
