// Fuzz target: the readers of the checkpoint's text files, each given the
// bytes of one file as the runner would find it after a crash, an edit or a
// disk fault (docs/checkpoint-format.md):
//
//   offsets [name]      <ckpt>/offsets/<name>       OffsetLog (Get, GetLatest)
//   commits [name]      <ckpt>/commits/<name>       CommitLog
//   metadata            <ckpt>/metadata             CheckpointMetadata::LoadOrCreate
//   file-source [name]  <ckpt>/sources/0/<name>     FileStreamSource's seen-files log
//   rate-source [name]  <ckpt>/sources/0/<name>     RateSource's start-time log
//   state-schema        <ckpt>/state/0/_metadata/schema   StateSchema
//   kafka-offsets       a Kafka source offset (an offset log line) and the
//                       `assign` option's JSON
//   file-offset         a file source offset ({"logOffset":N}) and a long
//                       offset (the rate sources')
//
// Input: line 1 is the kind and, optionally, the file name (the batch id,
// default 0); the rest is the file's bytes. The files live in a MemEnv.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkpoint/checkpoint_metadata.h"
#include "checkpoint/commit_log.h"
#include "checkpoint/metadata_log.h"
#include "checkpoint/offset_log.h"
#include "connectors/file_stream/file_stream_source.h"
#include "connectors/kafka/kafka_offsets.h"
#include "connectors/rate/rate_source.h"
#include "env/clock.h"
#include "exec/stateful/state_schema.h"
#include "fuzz_util.h"

namespace sluice {
namespace {

constexpr char kCheckpoint[] = "/ck";

void ReadOffsets(MemEnv* env) {
  auto log = OffsetLog::Open(env, kCheckpoint);
  if (!log.ok()) return;
  (void)log->GetLatest();
  auto ids = log->log().ListBatchIds();
  if (!ids.ok()) return;
  for (int64_t id : *ids) {
    auto entry = log->Get(id);
    if (entry.ok()) (void)OffsetLog::Serialize(*entry);
  }
}

void ReadCommits(MemEnv* env) {
  auto log = CommitLog::Open(env, kCheckpoint);
  if (!log.ok()) return;
  (void)log->GetLatest();
  auto ids = log->log().ListBatchIds();
  if (!ids.ok()) return;
  for (int64_t id : *ids) (void)log->Get(id);
}

// Opens `source` on the log; with `plan_batch`, also plans a batch over what
// the log holds (the rate source's planning is left to its own tests: its
// ranges come from the clock, not from the file).
void OpenSource(MemEnv* env, Source* source, bool plan_batch) {
  ManualClock clock;
  SourceContext ctx;
  ctx.env = env;
  ctx.clock = &clock;
  ctx.metadata_dir = std::string(kCheckpoint) + "/sources/0";
  if (!source->Open(ctx).ok() || !plan_batch) return;
  auto latest = source->LatestOffset(std::nullopt, source->DefaultReadLimit());
  if (latest.ok() && *latest) (void)source->GetBatch(std::nullopt, **latest);
}

void ReadStateSchema(MemEnv* env) {
  auto schema = sluice::ReadStateSchema(env, kCheckpoint, 0);
  if (!schema.ok() || !*schema) return;
  (void)(*schema)->Serialize();
  (void)CheckStateSchemaCompatible(**schema, **schema, 0, kCheckpoint);
  StateSchema other;
  other.operator_name = "StatefulAggregate";
  other.keys.push_back({"k", "STRING"});
  (void)CheckStateSchemaCompatible(**schema, other, 0, kCheckpoint);
}

}  // namespace
}  // namespace sluice

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto [head, contents] = fuzz::SplitFirstLine(input);
  size_t space = head.find(' ');
  const std::string kind(head.substr(0, space));
  std::string name = space == std::string_view::npos ? "0" : std::string(head.substr(space + 1));
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") return 0;

  MemEnv env;
  const std::string ck = kCheckpoint;
  if (kind == "offsets") {
    fuzz::PutFile(&env, ck + "/offsets/" + name, contents);
    ReadOffsets(&env);
  } else if (kind == "commits") {
    fuzz::PutFile(&env, ck + "/commits/" + name, contents);
    ReadCommits(&env);
  } else if (kind == "metadata") {
    fuzz::PutFile(&env, ck + "/metadata", contents);
    (void)CheckpointMetadata::LoadOrCreate(&env, ck);
  } else if (kind == "file-source") {
    fuzz::PutFile(&env, ck + "/sources/0/" + name, contents);
    auto source = FileStreamSource::Make("json", SourceOptions({{"path", "/in"}}), Schema());
    if (source.ok()) OpenSource(&env, source->get(), true);
  } else if (kind == "rate-source") {
    fuzz::PutFile(&env, ck + "/sources/0/" + name, contents);
    auto source = RateSource::Make(SourceOptions({{"rowsPerSecond", "1"}}));
    if (source.ok()) OpenSource(&env, source->get(), false);
  } else if (kind == "state-schema") {
    fuzz::PutFile(&env, StateSchemaPath(ck, 0), contents);
    ReadStateSchema(&env);
  } else if (kind == "kafka-offsets") {
    const std::string json(contents);
    auto offsets = kafka::OffsetsFromJson(json, "offset log entry");
    if (offsets.ok()) (void)kafka::OffsetsToJson(*offsets);
    (void)kafka::PartitionsFromJson(json);
  } else if (kind == "file-offset") {
    const std::string text(contents);
    (void)FileStreamSource::ParseOffset(text);
    (void)ParseLongOffset(text, "rate source offset");
  }
  return 0;
}
