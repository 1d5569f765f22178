// KafkaSink: writes a streaming query's rows to Kafka (Spark's Kafka sink,
// plus an exactly-once mode Spark lacks). See docs/kafka.md.
//
// Columns: value (STRING or BINARY, required), key (STRING/BINARY),
// topic (STRING; the `topic` option wins), partition (INT), headers
// (ARRAY<STRUCT<key: STRING, value: BINARY>>).
//
// Default (at least once, as Spark): the idempotent producer (acks=all), a
// batch is done when every record is acknowledged; a replayed batch is
// written again.
//
// exactlyOnce 'true': one Kafka transaction per batch, on two transactional
// producers in turn (kTxnLanes; batch N on lane N % 2), transactional.id =
// transactionalIdPrefix ("sluice-") + the query id for lane 0, + "-1" for
// lane 1. Batches stay one after another (batch N+1 begins once batch N's
// commit returned; with pipelined commits once batch N's records are
// acknowledged, and it commits after N), but the coordinator finishes a
// commit (its markers) after EndTxn returns, and a new transaction of the
// same transactional.id meanwhile is answered CONCURRENT_TRANSACTIONS and
// retried 10-20 ms later: with one producer, one batch in ten waited so at
// 20,000 events/s. Each
// transaction also commits the offset batchId + 1 for partition 0 of
// `topic` in the consumer group named after its transactional.id
// (send_offsets_to_transaction), so "batch N is in Kafka" is stored
// atomically with batch N's records. Open() calls init_transactions on
// both, which fences a previous incarnation and aborts its half-written
// transactions, then reads both group offsets (read_committed): BeginBatch
// skips every batch at or below the higher one. Readers with
// isolation.level=read_committed see every batch exactly once. The committed offset's metadata string records what
// the newest batches covered (their offsets digests, SinkBatchInfo), so a
// batch id replayed over other offsets than it was committed with fails
// instead of being skipped.
//
// Open() also readies the producer before the first batch: it asks for the
// `topic` option's metadata and waits for the producer id (idempotence), so
// that batch 0 does not wait for them (librdkafka asks for a topic it has
// not seen only on its one-second topic scan: batch 0 took a second). Each
// batch adds its phases to SinkBatchInfo::phase_times: kafkaProduce (thread
// time of handing rows to the producer), kafkaBeginTransaction,
// kafkaProducerFlush, kafkaSendOffsets (thread time: it runs while the rows
// are produced), kafkaSendOffsetsWait, kafkaTransactionCommit.
#pragma once

#include <array>
#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/kafka/kafka_config.h"
#include "connectors/sink.h"
#include "connectors/connector_registry.h"
#include "connectors/source.h"

namespace sluice::kafka {

class KafkaSink : public Sink {
 public:
  static Result<std::shared_ptr<KafkaSink>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  ~KafkaSink() override;
  std::string description() const override;
  Status Open(const SinkContext& ctx) override;
  // Rows are produced as the query's partitions hand them over (a batch
  // never has to fit in memory); Commit flushes, then commits the batch's
  // transaction in exactly-once mode.
  // Exactly-once: a batch at or below the committed one is skipped, unless
  // the digest committed with it differs from batch.offsets_digest (the
  // batch was re-planned over other offsets): then an error names both.
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema, OutputMode mode,
                                                 int num_partitions) override;
  void Stop() override;

  // The last batch id known committed in Kafka (exactly-once mode), -1 if none.
  int64_t last_committed_batch() const { return last_committed_.load(); }

  // Exactly-once: batch N+1 begins and produces on its lane while batch
  // N's transaction commits on the other (once N's records are
  // acknowledged: KafkaSinkWriter::Flush), so that N+1's records follow
  // N's in every partition. N+1 commits only after N did.
  bool PipelinesCommits() const override { return exactly_once_; }

  // For the batch writer (kafka_sink.cc). Every call names the lane of its
  // batch: with pipelined commits two batches are in flight, each on its
  // own producer.
  struct Lane;
  struct Columns {
    int value, key, topic, partition, headers;  // -1: absent
  };
  Status Produce(Lane* lane, const Columns& cols, const Batch& batch);  // from any thread
  // Every record of `lane` acknowledged. Fails at once when a record
  // failed, and, while records wait, checks every kTopicCheckMs that the
  // batch's topics still exist: a topic deleted under the query fails the
  // batch within seconds, naming the topic (librdkafka would wait for
  // transaction.timeout.ms / message.timeout.ms and report a time-out).
  Status FlushDelivered(Lane* lane, int64_t batch_id);
  // Exactly-once, the transaction of batch `batch_id` open on `lane`:
  // starts adding the group offset batch_id + 1 with the digests of the
  // newest begun batches and `offsets_digest` (send_offsets_to_transaction,
  // two broker round trips) on its own thread, while the batch's rows are
  // produced; kafkaSendOffsets. The pending commit keeps the digests to
  // record once the transaction commits.
  struct PendingOffsets {
    std::future<Status> sent;
    std::map<int64_t, std::string> digests;
    // Set when the batch failed: the send gives up within kSliceMs (it is
    // tried kSliceMs at a time), so that the transaction can be aborted.
    std::shared_ptr<std::atomic<bool>> abandon = std::make_shared<std::atomic<bool>>(false);
  };
  PendingOffsets SendOffsets(Lane* lane, int64_t batch_id, const std::string& offsets_digest, PhaseTimes* times);
  // Records, batch id and offsets digest, atomically: waits for `offsets`
  // (kafkaSendOffsetsWait), then commits (kafkaTransactionCommit). On
  // failure the transaction is aborted.
  Status CommitTransaction(Lane* lane, int64_t batch_id, PendingOffsets offsets, PhaseTimes* times);
  void AbortTransaction(Lane* lane);

  // The metadata string of the committed group offset: the offsets digests
  // of the newest kDigestWindow committed batches, as
  // {"offsetsDigests":{"41":"fnv1a64:...","42":"fnv1a64:..."}}. An empty
  // string (a sink from before digests) decodes to no digests.
  static constexpr int64_t kDigestWindow = 20;
  static std::string EncodeCommitMetadata(const std::map<int64_t, std::string>& digests);
  static Result<std::map<int64_t, std::string>> DecodeCommitMetadata(std::string_view metadata);

  // How many requests of Kafka protocol ApiKey `api_key` (0 Produce, 3
  // Metadata, 22 InitProducerId, ...) the producers have sent since Open,
  // counted by a librdkafka on_request_sent interceptor: what a batch
  // waits on, counted rather than timed (tests). Metadata requests of the
  // sink's own topic check (FlushDelivered) are counted apart:
  // topic_checks().
  int64_t requests_sent(int api_key) const;
  int64_t topic_checks() const { return topic_checks_.load(); }
  // Records whose delivery report said the broker took them (tests).
  int64_t records_acknowledged() const;

  // The producer's broker requests and the producer id, seen from
  // librdkafka's threads (kafka_sink.cc).
  struct ProducerEvents;

 private:
  Result<Columns> ResolveColumns(const Schema& schema) const;
  // Produce's path for rows without partition and headers columns into the
  // topic option's topic: rd_kafka_produce_batch per chunk of rows.
  Status ProduceBatched(Lane* lane, const Columns& cols, const Batch& b);
  Status TxnError(Lane* lane, rd_kafka_error_t* e, const std::string& what, bool abort);

  static constexpr int kTxnLanes = 2;
  // Creates lane `index` with the producer settings `extra`.
  Result<std::unique_ptr<Lane>> NewLane(int index, const std::map<std::string, std::string>& extra);
  // "sluice-<query id> and sluice-<query id>-1", for messages.
  std::string TransactionalIds() const;
  // init_transactions, retried as librdkafka asks.
  Status InitTransactions(Lane* lane);
  // The newest batch committed through `lane`'s group (-1: none) and the
  // digests recorded with it.
  struct Committed {
    int64_t batch = -1;
    std::map<int64_t, std::string> digests;
  };
  Result<Committed> ReadCommittedBatch(const Lane& lane);
  // Fetches the metadata of `topic` and waits for the producer id, each
  // until it is there, timeout_ms_ passed (the batches then wait as they
  // would have) or the query stops (an error).
  Status WarmUp(Lane* lane);
  // NotFound naming the first topic this batch wrote to that the cluster
  // does not list; OK if all exist or the cluster cannot be asked now.
  Status CheckTopicsExist(Lane* lane, int64_t batch_id);

  KafkaConfig config_;
  std::string topic_;  // option; may be empty when a topic column is given
  bool exactly_once_ = false;
  std::string txn_prefix_ = "sluice-";
  int64_t timeout_ms_ = 60000;
  // The query's token (SinkContext::cancel): waits on the broker give up
  // within kSliceMs of a stop, except commit_transaction, which finishes
  // or fails within timeout_ms_ (abandoning it midway gains nothing).
  const CancellationToken* cancel_ = &CancellationToken::Never();
  static constexpr int kSliceMs = 250;
  // retry.backoff.ms of the transactional producer unless set (Open).
  static constexpr int kTxnRetryBackoffMs = 10;
  static constexpr int kTopicCheckMs = 1000;
  // Producer batching defaults unless the user's kafka.* options set them
  // (Open; docs/kafka.md, "Batching"): records per Produce request bounded
  // by batch.size (librdkafka's 1 MB) rather than by a few ms of rows.
  // Not delivery.report.only.error: rd_kafka_flush serves delivery reports
  // and otherwise sleeps in 10 ms slices, so without a report per
  // acknowledged record every small batch's flush took 10 ms or more.
  static constexpr std::array<std::pair<const char*, const char*>, 2> kProducerDefaults = {{
      {"linger.ms", "100"},
      {"batch.num.messages", "100000"},
  }};
  std::vector<std::unique_ptr<Lane>> lanes_;
  // Stop() ran: a writer's abort finds no producer (the next
  // init_transactions aborts its transaction).
  std::atomic<bool> stopped_{false};
  std::atomic<int64_t> topic_checks_{0};
  // Written by CommitTransaction (which may run on another thread than
  // BeginBatch, with pipelined commits).
  std::atomic<int64_t> last_committed_{-1};
  // Offsets digests of the newest committed batches (from the group
  // offset's metadata), by batch id: BeginBatch checks a skipped batch's.
  std::mutex committed_mu_;
  std::map<int64_t, std::string> committed_digests_;  // GUARDED_BY(committed_mu_)
  // The same, with the batches begun since (BeginBatch's thread only): what
  // the next transaction records. A batch that fails ends the query, so a
  // begun batch is either committed or never followed by another.
  std::map<int64_t, std::string> begun_digests_;
  std::string checkpoint_dir_;  // for messages
};

// A producer and what belongs to it. Exactly-once sinks have kTxnLanes,
// at least once sinks one.
struct KafkaSink::Lane {
  RdKafkaPtr producer;
  // Kept while the producer lives, so that librdkafka keeps the topic's
  // metadata that WarmUp fetched.
  rd_kafka_topic_t* topic_handle = nullptr;
  std::shared_ptr<ProducerEvents> events;
  std::string transactional_id;  // exactly-once: also its group's name
  // The delivery reports of this producer's records (reset by BeginBatch).
  DeliveryErrors delivery;
  // Topics of the lane's batch's rows when they come from the topic
  // column (else topic_).
  std::mutex batch_topics_mu;
  std::set<std::string> batch_topics;  // GUARDED_BY(batch_topics_mu)
};

}  // namespace sluice::kafka
