#include "stream/connector_registry.h"

#include <mutex>

#include "connectors/console/console_sink.h"
#include "connectors/console/noop_sink.h"
#include "connectors/file_stream/file_stream_sink.h"
#include "connectors/file_stream/file_stream_source.h"
#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_source.h"
#include "connectors/memory/memory_sink.h"
#include "connectors/rate/rate_source.h"

namespace sluice {

Result<std::shared_ptr<StreamingRelation>> MakeStreamingRelation(const std::string& format,
                                                                 const std::map<std::string, std::string>& options,
                                                                 const std::optional<Schema>& schema) {
  SourceOptions opts(options);
  std::string f = ToLower(format);
  if (f == "rate") {
    SLUICE_RETURN_NOT_OK(RateSource::Make(opts).status());  // options checked now
    return std::make_shared<StreamingRelation>(RateSchema(), "rate", [opts]() -> Result<SourcePtr> {
      SLUICE_ASSIGN_OR_RETURN(auto s, RateSource::Make(opts));
      return SourcePtr(s);
    });
  }
  if (f == "rate-micro-batch") {
    SLUICE_RETURN_NOT_OK(RatePerMicroBatchSource::Make(opts).status());
    return std::make_shared<StreamingRelation>(RateSchema(), "rate-micro-batch", [opts]() -> Result<SourcePtr> {
      SLUICE_ASSIGN_OR_RETURN(auto s, RatePerMicroBatchSource::Make(opts));
      return SourcePtr(s);
    });
  }
  if (f == "json" || f == "csv") {
    if (!schema) {
      return Status::InvalidArgument("Schema must be specified when creating a streaming source DataFrame from " + f +
                                     " files: readStream().schema(\"a INT, b STRING\")");
    }
    SLUICE_RETURN_NOT_OK(FileStreamSource::Make(f, opts, *schema).status());
    Schema s = *schema;
    return std::make_shared<StreamingRelation>(s, f, [f, opts, s]() -> Result<SourcePtr> {
      SLUICE_ASSIGN_OR_RETURN(auto src, FileStreamSource::Make(f, opts, s));
      return SourcePtr(src);
    });
  }
  if (f == "kafka") {
    if (schema) {
      return Status::InvalidArgument("Kafka source has a fixed schema and cannot be set with a custom one "
                                     "(key, value, topic, partition, offset, timestamp, timestampType[, headers])");
    }
    SLUICE_ASSIGN_OR_RETURN(auto probe, kafka::KafkaSource::Make(opts));  // options checked now
    Schema s = probe->schema();
    return std::make_shared<StreamingRelation>(s, "kafka", [opts]() -> Result<SourcePtr> {
      SLUICE_ASSIGN_OR_RETURN(auto src, kafka::KafkaSource::Make(opts));
      return SourcePtr(src);
    });
  }
  return Status::InvalidArgument("unknown streaming source format '" + format +
                                 "' (known: rate, rate-micro-batch, json, csv, kafka)");
}

namespace {
// Memory sinks live as long as the process, by (catalog, query name), so a
// query restarted in the same process continues the same table (and a
// replayed batch is recognized).
std::mutex g_memory_mu;
std::map<std::pair<Catalog*, std::string>, std::shared_ptr<MemorySink>> g_memory_sinks;
}  // namespace

Result<SinkPtr> MakeStreamingSink(const SinkSpec& spec, Catalog* catalog) {
  SourceOptions opts(spec.options);
  std::string f = ToLower(spec.format);
  if (f == "console") {
    SLUICE_ASSIGN_OR_RETURN(auto s, ConsoleSink::Make(opts));
    return SinkPtr(s);
  }
  if (f == "noop") return SinkPtr(std::make_shared<NoopSink>());
  if (f == "memory") {
    if (spec.query_name.empty()) {
      return Status::InvalidArgument("queryName must be specified for memory sink (it names the result table)");
    }
    std::lock_guard<std::mutex> l(g_memory_mu);
    auto& s = g_memory_sinks[{catalog, ToLower(spec.query_name)}];
    if (!s) s = std::make_shared<MemorySink>(catalog, spec.query_name);
    return SinkPtr(s);
  }
  if (f == "json" || f == "csv") {
    SLUICE_ASSIGN_OR_RETURN(auto s, FileStreamSink::Make(f, opts));
    return SinkPtr(s);
  }
  if (f == "kafka") {
    SLUICE_ASSIGN_OR_RETURN(auto s, kafka::KafkaSink::Make(opts));
    return SinkPtr(s);
  }
  return Status::InvalidArgument("unknown streaming sink format '" + spec.format +
                                 "' (known: console, memory, noop, json, csv, kafka, foreachBatch)");
}

Result<OutputMode> ParseOutputMode(const std::string& mode) {
  if (EqualsIgnoreCase(mode, "append")) return OutputMode::kAppend;
  if (EqualsIgnoreCase(mode, "update")) return OutputMode::kUpdate;
  if (EqualsIgnoreCase(mode, "complete")) return OutputMode::kComplete;
  return Status::InvalidArgument("unknown output mode '" + mode + "'; accepted output modes are 'append', "
                                 "'complete', 'update'");
}

}  // namespace sluice
