// KafkaBatchTable: the rows of one micro-batch of the Kafka source: exact
// offset ranges [from, until) per partition, read in parallel (one scan
// partition per Kafka partition, large ranges cut into chunks) with
// assign() at explicit offsets: no group membership, no commits.
//
// Exactness under read_committed: aborted records and transaction markers
// are never delivered, so the record at until-1 may never be seen. A range
// ends at the first record with offset >= until, or when librdkafka reports
// the end of the partition (PARTITION_EOF) at an offset >= until. What was
// consumed past `until` (that record, that end) stays with the partition's
// consumer for the next range, which starts at `until`.
//
// Latency: the streaming source keeps one consumer per partition assigned
// between batches where the last range ended (KafkaReadContext), so the
// next batch's records are fetched before it starts; a range that starts
// elsewhere (a replay, a chunk) reassigns. A read never asks librdkafka for
// more records than its range still has, so it does not wait out a timeout
// at the range's end.
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
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/phase_times.h"
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

// A consumer assigned to one partition, handed from range to range. Between
// batches the source keeps it assigned where the last range ended, so the
// next batch's records are fetched while the engine does something else.
struct PartitionConsumer {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;  // its consumer queue
  TopicPartition tp;
  // The records it delivers next have offsets >= next: first `pending`, then
  // its queue.
  int64_t next = 0;
  // Messages consumed past the end of the range that read them (records,
  // and PARTITION_EOF events), in queue order: the next range of the
  // partition reads them first.
  std::deque<rd_kafka_message_t*> pending;
  // A record or PARTITION_EOF of its partition came from its queue since it
  // was last assigned: its fetcher runs, so the fetcher of the assignment
  // before has stopped (librdkafka starts a partition only once the stops
  // it awaits are done). Only then may a read assign it again
  // (KafkaRangeReader's kick).
  bool delivered = false;
};

// State shared by the source and the tables of its batches: the client
// configuration, a pool of idle consumers (creating one costs a broker
// round trip or more, so they are reused across batches) and, with
// set_keep_consumers, one consumer per partition kept assigned between
// batches.
class KafkaReadContext {
 public:
  KafkaReadContext(KafkaConfig config, std::string group_id, bool fail_on_data_loss, int64_t poll_timeout_ms)
      : config_(std::move(config)),
        group_id_(std::move(group_id)),
        fail_on_data_loss_(fail_on_data_loss),
        poll_timeout_ms_(poll_timeout_ms) {}
  ~KafkaReadContext();
  // A consumer of `tp` whose next records start at `from`: the one kept for
  // the partition if there is one (reassigned at `from` if it stands
  // elsewhere), else an idle or new one assigned there. Time spent goes to
  // kafkaConsumerCreate / kafkaConsumerAssign of `times` (may be null).
  Result<std::unique_ptr<PartitionConsumer>> Take(const TopicPartition& tp, int64_t from, PhaseTimes* times);
  // Assigns `c` anew at `from` (a seek); its pending messages are dropped.
  Status Reassign(PartitionConsumer* c, int64_t from);
  // `c` read its range to the end (c->next): kept assigned for the next
  // range of its partition when keeping consumers, else released. Of two
  // for the same partition (chunks of one range) the one further on stays.
  void Keep(std::unique_ptr<PartitionConsumer> c);
  // Unassigns `c` and pools its client.
  void Release(std::unique_ptr<PartitionConsumer> c);
  // Releases the kept consumers of partitions not in `live` (gone from the
  // source: topic deleted or unsubscribed).
  void ReleaseKeptExcept(const std::set<TopicPartition>& live);
  // Keep consumers assigned between batches (the streaming source), with
  // prefetch queues sized for `partitions` kept consumers: 64 MB of
  // queued.max.messages.kbytes split among them (at least 4 MB each),
  // unless the user's kafka.* settings say otherwise.
  void set_keep_consumers(bool keep) { keep_ = keep; }
  void set_partition_count(int partitions) { partitions_ = std::max(1, partitions); }
  // Where the kept consumer of `tp` stands (its `next`), if there is one.
  std::optional<int64_t> KeptAt(const TopicPartition& tp);
  // The latest offsets as the kept consumers know them, when they know all
  // the broker had: for every partition of `from`, a kept consumer standing
  // at its offset there has its queue drained (without waiting) into its
  // pending messages, and the high watermark of its last fetch response is
  // not past the last record (or end of partition) it received. Such an end
  // holds only records the read can take at once (under read_committed,
  // committed ones). nullopt when a partition has no such consumer or is
  // behind, or a consumer delivered an error (it is released, so that the
  // next read of its partition assigns a fresh one and meets the error).
  std::optional<PartitionOffsets> ReceivedEnds(const PartitionOffsets& from);
  // How long the broker may hold a fetch although records are there: 0,
  // or fetch.wait.max.ms when the user set fetch.min.bytes.
  int64_t held_fetch_ms() const;
  size_t kept_count();  // for tests
  int64_t assigns() const { return assigns_.load(); }  // Reassign calls so far (tests)
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
  Result<rd_kafka_t*> NewConsumer();
  static void DropPending(PartitionConsumer* c);
  KafkaConfig config_;
  std::string group_id_;
  bool fail_on_data_loss_;
  int64_t poll_timeout_ms_;
  const CancellationToken* cancel_ = &CancellationToken::Never();
  std::atomic<bool> keep_{false};
  std::atomic<int> partitions_{1};
  std::atomic<int64_t> assigns_{0};
  std::mutex mu_;
  std::vector<rd_kafka_t*> idle_;  // GUARDED_BY(mu_)
  std::map<TopicPartition, std::unique_ptr<PartitionConsumer>> kept_;  // GUARDED_BY(mu_)
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

// Reads one range: the building block of the scan, exposed for the JSON
// fast path. Never asks librdkafka for more records than the range still
// has, so a read returns as soon as they are there; the wait for records
// goes to kafkaFetchWait of `times` (may be null).
class KafkaRangeReader {
 public:
  KafkaRangeReader(std::shared_ptr<KafkaReadContext> ctx, KafkaRange range, PhaseTimes* times = nullptr);
  ~KafkaRangeReader();
  // Up to `max` records (fewer at the end); an empty result means the range
  // is done. Messages are owned by the reader until the next call.
  Result<const std::vector<rd_kafka_message_t*>*> Next(size_t max);

 private:
  Status Start();
  Status OnOffsetGone(int64_t at);
  void FreeMessages();
  // Takes `m` (a record or an event of the range's partition) in queue order.
  Status Take(rd_kafka_message_t* m, std::string* last_error);
  std::shared_ptr<KafkaReadContext> ctx_;
  KafkaRange range_;
  PhaseTimes* times_;
  std::unique_ptr<PartitionConsumer> c_;
  bool done_ = false;
  bool keepable_ = true;  // the consumer stands at range_.until when done_
  int64_t next_ = 0;  // next offset expected
  std::vector<rd_kafka_message_t*> fetched_;
  std::vector<rd_kafka_message_t*> out_;
};

}  // namespace sluice::kafka
