// ConnectorRegistry: the sources, sinks and batch table formats a query can
// name (`format("kafka")`, `USING json`), each described by itself: its
// name, kind, every option (OptionSpec: type, default, range, one line of
// description), the output modes a sink supports and whether a source needs
// a schema. The planner, the streaming API and `sluice connectors` find
// connectors here by name; nothing above this folder includes a connector.
//
// Creating a connector through the registry first checks its options
// (ValidateOptions): a misspelt or unsupported option, or a bad value, fails
// before the query writes anything.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/option_spec.h"
#include "connectors/sink.h"
#include "connectors/source.h"
#include "exec/table_source.h"

namespace sluice {

enum class ConnectorKind : uint8_t {
  kSource,  // a streaming source (readStream / CREATE STREAM)
  kSink,    // a streaming sink (writeStream / CREATE SINK)
  kTable,   // a batch table format (read / CREATE TABLE ... USING)
};
const char* ConnectorKindName(ConnectorKind k);

// Whether a source or table takes the user's schema.
enum class SchemaPolicy : uint8_t {
  kFixed,     // the connector's own schema; a user schema is an error (rate, kafka)
  kRequired,  // a user schema is required (streaming file sources, as Spark)
  kOptional,  // inferred when not given (batch file tables)
};

// What a sink factory gets besides its options.
struct SinkCreateContext {
  std::string query_name;
  // Where the memory sink publishes its result table (the session's catalog).
  TablePublisher* tables = nullptr;
};

struct ConnectorSpec {
  std::string name;  // Spark's format name, compared case-insensitively
  ConnectorKind kind = ConnectorKind::kSource;
  std::string description;  // one line
  OptionSet options;
  SchemaPolicy schema_policy = SchemaPolicy::kFixed;
  std::vector<OutputMode> output_modes;  // sinks
  // kTable: whether it reads a path (load(path), OPTIONS (path ...),
  // LOCATION); false for a table of something else (kafka topics), which
  // load() and CREATE TABLE make without one.
  bool takes_path = true;

  // kSource: the source's schema for these (validated) options and user
  // schema, and a factory making a new source per query run.
  std::function<Result<Schema>(const SourceOptions&, const std::optional<Schema>&)> source_schema;
  std::function<Result<SourcePtr>(const SourceOptions&, const Schema&)> make_source;
  // kSink.
  std::function<Result<SinkPtr>(const SourceOptions&, const SinkCreateContext&)> make_sink;
  // kTable: a table over `paths` (the path option and load() paths).
  std::function<Result<TableSourcePtr>(const SourceOptions&, std::vector<std::string>, std::optional<Schema>)>
      make_table;

  bool SupportsOutputMode(OutputMode m) const;
  // "append, update" for errors and `sluice connectors`.
  std::string OutputModesText() const;
  // "source 'json'", "sink 'kafka'", "table format 'csv'": how errors name it.
  std::string What() const;
};

class ConnectorRegistry {
 public:
  Status Register(ConnectorSpec spec);
  // nullptr when unknown.
  const ConnectorSpec* Find(ConnectorKind kind, const std::string& name) const;
  // Find, or an InvalidArgument naming the unknown format and the known ones.
  Result<const ConnectorSpec*> Get(ConnectorKind kind, const std::string& name) const;
  // Every connector, by kind then name.
  std::vector<const ConnectorSpec*> List() const;

  // Checked creation: options validated, then the factory called.
  // A streaming source's schema (the source itself is made per run by
  // spec->make_source).
  Result<Schema> SourceSchema(const ConnectorSpec& spec, const std::map<std::string, std::string>& options,
                              const std::optional<Schema>& user_schema) const;
  Result<SinkPtr> MakeSink(const std::string& name, const std::map<std::string, std::string>& options,
                           const SinkCreateContext& ctx) const;
  Result<TableSourcePtr> MakeTable(const std::string& name, const std::map<std::string, std::string>& options,
                                   std::vector<std::string> paths, std::optional<Schema> schema) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<ConnectorSpec>> specs_;  // GUARDED_BY(mu_); never removed
};

// The connectors as a text table (what `sluice connectors` prints) and as
// Markdown tables (docs/streaming.md's connector section is checked against
// this by a test).
std::string DescribeConnectors(const ConnectorRegistry& registry);
std::string DescribeConnectorsMarkdown(const ConnectorRegistry& registry);

}  // namespace sluice
