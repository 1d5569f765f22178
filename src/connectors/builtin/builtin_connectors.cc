#include "connectors/builtin/builtin_connectors.h"

#include "common/check.h"
#include "connectors/console/console_sink.h"
#include "connectors/console/noop_sink.h"
#include "connectors/delta/delta_sink.h"
#include "connectors/file/file_table.h"
#include "connectors/file_stream/file_stream_sink.h"
#include "connectors/file_stream/file_stream_source.h"
#include "connectors/kafka/kafka_relation.h"
#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_source.h"
#include "connectors/memory/memory_sink.h"
#include "connectors/postgres/postgres_sink.h"
#include "connectors/nexmark/nexmark_source.h"
#include "connectors/rate/rate_source.h"
#include "connectors/statestore/state_store_table.h"

namespace sluice {

ConnectorRegistry& BuiltinConnectors() {
  static ConnectorRegistry* registry = [] {
    auto* r = new ConnectorRegistry();
    for (ConnectorSpec spec :
         {RateSource::Spec(), RatePerMicroBatchSource::Spec(), NexmarkSource::Spec(), FileStreamSource::Spec("json"),
          FileStreamSource::Spec("csv"), FileStreamSource::Spec("parquet"), kafka::KafkaSource::Spec(),
          ConsoleSink::Spec(), NoopSink::Spec(), MemorySink::Spec(), FileStreamSink::Spec("json"),
          FileStreamSink::Spec("csv"), FileStreamSink::Spec("parquet"), kafka::KafkaSink::Spec(),
          FileTableSpec("json"), FileTableSpec("csv"), FileTableSpec("parquet"), kafka::KafkaRelation::Spec(),
          StateStoreTable::Spec(), DeltaSink::Spec()}) {
      Status st = r->Register(std::move(spec));
      SLUICE_CHECK(st.ok());
    }
    // The PostgreSQL sink (src/connectors/postgres/).
    SLUICE_CHECK(r->Register(postgres::PostgresSink::Spec()).ok());
    return r;
  }();
  return *registry;
}

}  // namespace sluice
