// KafkaRelation: a batch read of Kafka topics, Spark's
// `spark.read.format("kafka")` ("Creating a Kafka Source for Batch
// Queries"): the records between startingOffsets (default earliest) and
// endingOffsets (default latest) of every partition the subscription
// covers, with the streaming source's columns. See docs/kafka.md.
//
// The options are checked when the table is made (no broker contacted):
// startingOffsets latest and endingOffsets earliest are refused with
// Spark's words, and streaming-only options (maxOffsetsPerTrigger...) are
// unsupported options of the table format. The offsets are resolved at
// every scan (every action), as Spark does, with the subscription's own
// code (KafkaSubscription) and read by a KafkaBatchTable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/connector_registry.h"
#include "connectors/kafka/kafka_scan.h"
#include "connectors/kafka/kafka_subscription.h"

namespace sluice::kafka {

class KafkaRelation : public TableSource {
 public:
  static Result<std::shared_ptr<KafkaRelation>> Make(const SourceOptions& options);
  // Table format "kafka" (takes no path).
  static ConnectorSpec Spec();

  const Schema& schema() const override { return shape_->schema(); }
  std::string description() const override;
  // Resolves the offsets now, then scans them.
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override;
  std::shared_ptr<const TableSource> WithJsonColumn(const ScanJsonColumn& json) const override;

  // The ranges [starting, ending) a scan would read now, sorted by topic
  // and partition; empty ones left out, and deleted offsets at their start
  // are data loss (an error, or skipped with failOnDataLoss false).
  Result<std::vector<KafkaRange>> ResolveRanges() const;

 private:
  KafkaRelation() = default;
  SourceOptions options_;
  KafkaConfig config_;
  KafkaSubscription subscription_;
  std::string group_id_;
  std::string starting_ = "earliest";  // startingOffsets
  std::string ending_ = "latest";      // endingOffsets
  // The table without ranges: its parses (WithJsonColumn) and schema; each
  // scan reads a copy with the resolved ranges. Its read context (consumer
  // pool) is shared by the scans.
  std::shared_ptr<const KafkaBatchTable> shape_;
};

}  // namespace sluice::kafka
