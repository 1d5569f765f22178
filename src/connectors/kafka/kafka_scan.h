// KafkaBatchTable: the rows of one micro-batch of the Kafka source: exact
// offset ranges [from, until) per partition, read in parallel (one scan
// partition per Kafka partition, large ranges cut into chunks) with
// assign() at explicit offsets: no group membership, no commits.
//
// Exactness under read_committed: aborted records and transaction markers
// are never delivered, so the record at until-1 may never be seen. A range
// ends at the first record with offset >= until, or when librdkafka reports
// the end of the partition (PARTITION_EOF) at an offset >= until. Records
// past `until` that were fetched are dropped: the next batch reads them.
//
// Value (and key) bytes are copied once, from librdkafka's fetch buffer into
// the batch's StringHeap; only the requested columns are built.
//
// JSON in the scan: the optimizer hands from_json(CAST(value AS STRING),
// schema, options) over to the table (WithJsonColumn, plan/json_pushdown.h).
// The scan then parses each value with simdjson on demand (json/) into only
// the fields the query reads, and applies the parse mode per record:
// PERMISSIVE (NULL struct, or NULL field for a value of the wrong type),
// DROPMALFORMED (the record is dropped), FAILFAST (the query fails naming
// topic, partition and offset). Malformed records are counted in the
// source's progress metrics and, with deadLetterTopic, written there.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_dead_letter.h"
#include "connectors/kafka/kafka_offsets.h"
#include "exec/table_source.h"

namespace sluice::kafka {

// The Kafka source's row schema (Spark's): key BINARY, value BINARY,
// topic STRING, partition INT, offset BIGINT, timestamp TIMESTAMP,
// timestampType INT, and with includeHeaders
// headers ARRAY<STRUCT<key: STRING, value: BINARY>>.
Schema KafkaSourceSchema(bool include_headers);
enum KafkaColumn { kKey = 0, kValue, kTopic, kPartition, kOffset, kTimestamp, kTimestampType, kHeaders };

struct KafkaRange {
  TopicPartition tp;
  int64_t from = 0;
  int64_t until = 0;
};

// Counters the scans update and the source reports in progress.
struct KafkaReadMetrics {
  std::mutex mu;
  std::vector<std::string> lost;  // "topic-partition [from, until)" found gone while reading
  std::atomic<int64_t> malformed{0};      // records a JSON parse in the scan found malformed
  std::atomic<int64_t> dead_lettered{0};  // of them, written to the dead-letter topic
  std::atomic<int64_t> prefiltered{0};    // records not parsed: they cannot pass the filter
};

// State shared by the source and the tables of its batches: the client
// configuration and a pool of idle consumers (creating one costs a broker
// round trip or more, so they are reused across batches).
class KafkaReadContext {
 public:
  KafkaReadContext(KafkaConfig config, std::string group_id, bool fail_on_data_loss, int64_t poll_timeout_ms)
      : config_(std::move(config)),
        group_id_(std::move(group_id)),
        fail_on_data_loss_(fail_on_data_loss),
        poll_timeout_ms_(poll_timeout_ms) {}
  ~KafkaReadContext();
  Result<rd_kafka_t*> Acquire();
  void Release(rd_kafka_t* rk);  // unassigns and pools it
  const KafkaConfig& config() const { return config_; }
  bool fail_on_data_loss() const { return fail_on_data_loss_; }
  int64_t poll_timeout_ms() const { return poll_timeout_ms_; }
  KafkaReadMetrics& metrics() { return metrics_; }
  // Null unless the source has deadLetterTopic.
  const std::shared_ptr<DeadLetterWriter>& dead_letter() const { return dead_letter_; }
  void set_dead_letter(std::shared_ptr<DeadLetterWriter> w) { dead_letter_ = std::move(w); }
  // Source option jsonPrefilter: skip the parse of records that cannot pass
  // the scan's filter (RequiredJsonTexts).
  bool json_prefilter() const { return json_prefilter_; }
  void set_json_prefilter(bool on) { json_prefilter_ = on; }
  // The query's token: a read waiting for records gives up when it is cancelled.
  const CancellationToken* cancel() const { return cancel_; }
  void set_cancel(const CancellationToken* cancel) { cancel_ = cancel; }

 private:
  KafkaConfig config_;
  std::string group_id_;
  bool fail_on_data_loss_;
  int64_t poll_timeout_ms_;
  const CancellationToken* cancel_ = &CancellationToken::Never();
  std::mutex mu_;
  std::vector<rd_kafka_t*> idle_;  // GUARDED_BY(mu_)
  KafkaReadMetrics metrics_;
  std::shared_ptr<DeadLetterWriter> dead_letter_;
  bool json_prefilter_ = true;
};

class KafkaBatchTable : public TableSource {
 public:
  // `rows_read` (optional) is added every record the scans read, dropped
  // ones included.
  KafkaBatchTable(std::shared_ptr<KafkaReadContext> ctx, std::vector<KafkaRange> ranges, bool include_headers,
                  std::shared_ptr<std::atomic<int64_t>> rows_read = nullptr);
  const Schema& schema() const override { return schema_; }
  std::string description() const override;
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override;
  // Parses of the key or the value (columns after the source's own).
  std::shared_ptr<const TableSource> WithJsonColumn(const ScanJsonColumn& json) const override;
  // A copy (the same parses) reading `ranges` instead.
  std::shared_ptr<const KafkaBatchTable> WithRanges(std::vector<KafkaRange> ranges,
                                                    std::shared_ptr<std::atomic<int64_t>> rows_read) const;
  const std::vector<KafkaRange>& ranges() const { return ranges_; }
  const std::shared_ptr<KafkaReadContext>& context() const { return ctx_; }

 private:
  // Non-empty ranges, big ones cut into chunks.
  static std::vector<KafkaRange> Chunk(const std::vector<KafkaRange>& ranges);
  std::shared_ptr<KafkaReadContext> ctx_;
  std::vector<KafkaRange> ranges_;  // chunked, non-empty
  std::vector<ScanJsonColumn> json_;  // column schema_.size() - json_.size() + i
  Schema schema_;
  std::shared_ptr<std::atomic<int64_t>> rows_read_;
};

// Reads one range into `rows` callbacks: the building block of the scan,
// exposed for the JSON fast path. `on_message` gets every record in
// [from, until) in offset order; a non-OK status stops the read.
class KafkaRangeReader {
 public:
  KafkaRangeReader(std::shared_ptr<KafkaReadContext> ctx, KafkaRange range);
  ~KafkaRangeReader();
  // Up to `max` records (fewer at the end); an empty result means the range
  // is done. Messages are owned by the reader until the next call.
  Result<const std::vector<rd_kafka_message_t*>*> Next(size_t max);

 private:
  Status Start();
  Status OnOffsetGone(int64_t at);
  void FreeMessages();
  std::shared_ptr<KafkaReadContext> ctx_;
  KafkaRange range_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  bool done_ = false;
  int64_t next_ = 0;  // next offset expected
  std::vector<rd_kafka_message_t*> fetched_;
  std::vector<rd_kafka_message_t*> out_;
};

}  // namespace sluice::kafka
