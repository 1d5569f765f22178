// The Kafka sink against a real broker (one broker for the suite, topics per
// test): the exactly-once sink against a rolled-back checkpoint, and a sink
// topic deleted under a running query. Expected answers come from what the
// test produced.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint/offset_log.h"
#include "connectors/kafka/kafka_sink.h"
#include "kafka_test_util.h"
#include "shared_broker_test.h"

namespace sluice::kafka {
namespace {

using testing::Producer;

class KafkaSinkTest : public testing::SharedBrokerTest {
 protected:
  // Copies topic `in` to topic `out` with the exactly-once sink, available
  // now, on checkpoint `ck`; `max_offsets` 0: no maxOffsetsPerTrigger.
  Status CopyExactlyOnce(const std::string& in, const std::string& out, const std::string& ck, int max_offsets) {
    DataStreamReader r = spark->readStream();
    r.format("kafka").option("kafka.bootstrap.servers", bootstrap()).option("subscribe", in)
        .option("startingOffsets", "earliest");
    if (max_offsets > 0) r.option("maxOffsetsPerTrigger", std::to_string(max_offsets));
    auto q = r.load().selectExpr({"value"}).writeStream().format("kafka")
                 .option("kafka.bootstrap.servers", bootstrap()).option("topic", out).option("exactlyOnce", "true")
                 .option("checkpointLocation", ck).trigger(Trigger::AvailableNow()).start();
    if (!q.ok()) return q.status();
    return q->awaitTermination();
  }
  // How many times each value is in `topic` (read_committed).
  std::map<std::string, int> Counts(const std::string& topic) {
    std::map<std::string, int> seen;
    for (const auto& r : testing::ReadTopic(bootstrap(), topic)) ++seen[r.value];
    return seen;
  }
  // A Kafka sink into topic `out`, exactly once or not, opened as query
  // `query_id` on this test's directory.
  Result<std::shared_ptr<KafkaSink>> OpenSink(const std::string& out, bool exactly_once,
                                              const std::string& query_id) {
    SourceOptions options({{"kafka.bootstrap.servers", bootstrap()},
                           {"topic", out},
                           {"exactlyOnce", exactly_once ? "true" : "false"}});
    SLUICE_ASSIGN_OR_RETURN(auto sink, KafkaSink::Make(options));
    SinkContext ctx;
    ctx.env = Env::Default();
    ctx.query_id = query_id;
    ctx.checkpoint_dir = dir.path();
    SLUICE_RETURN_NOT_OK(sink->Open(ctx));
    return sink;
  }
  static std::map<std::string, int> Once(int from, int to) {
    std::map<std::string, int> m;
    for (int i = from; i < to; ++i) m[std::to_string(i)] = 1;
    return m;
  }
};

// The case: 200 records copied in two batches of 100
// (maxOffsetsPerTrigger); offsets/1 and commits/1 deleted; 100 more records;
// restarted without maxOffsetsPerTrigger, batch 1 is planned over offsets
// 100..300. Kafka holds batch 1 (100..200): skipping it lost 200..300 (100
// rows, exit 0). Now the query fails naming the batch and both digests.
TEST_F(KafkaSinkTest, ExactlyOnceSinkFailsWhenAHeldBatchIsReplannedWider) {
  ASSERT_TRUE(broker_->CreateTopic("eo-rb-in", 1).ok());
  ASSERT_TRUE(broker_->CreateTopic("eo-rb-out", 1).ok());
  Producer p(bootstrap());
  p.SendRange("eo-rb-in", 0, 200, 1);
  const std::string ck = dir.path() + "/ck-rb";
  Status st = CopyExactlyOnce("eo-rb-in", "eo-rb-out", ck, 100);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(Counts("eo-rb-out"), Once(0, 200));
  auto log = OffsetLog::Open(Env::Default(), ck);
  ASSERT_TRUE(log.ok());
  auto b0 = log->Get(0), b1 = log->Get(1);
  ASSERT_TRUE(b0.ok() && b1.ok());
  const std::string written = SourceOffsetsDigest(b0->offsets, b1->offsets);
  ASSERT_TRUE(Env::Default()->DeleteFile(ck + "/offsets/1").ok());
  ASSERT_TRUE(Env::Default()->DeleteFile(ck + "/commits/1").ok());
  p.SendRange("eo-rb-in", 200, 300, 1);
  st = CopyExactlyOnce("eo-rb-in", "eo-rb-out", ck, 0);
  ASSERT_FALSE(st.ok()) << "batch 1 was re-planned over 100..300 and skipped: 200..300 are lost";
  auto replanned = log->Get(1);
  ASSERT_TRUE(replanned.ok());
  const std::string now = SourceOffsetsDigest(b0->offsets, replanned->offsets);
  ASSERT_NE(written, now);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  for (const std::string& part : {std::string("batch 1 is already committed to topic 'eo-rb-out'"),
                                  "Kafka recorded the offsets digest " + written, "the batch now covers " + now,
                                  "checkpoint " + ck}) {
    EXPECT_NE(st.ToString().find(part), std::string::npos) << part << " in " << st.ToString();
  }
  EXPECT_EQ(Counts("eo-rb-out"), Once(0, 200));  // nothing written twice
}

// A crash between the sink's commit and commits/1 (commits/1 deleted): the
// replay covers the same offsets and is skipped; the next batch goes on.
TEST_F(KafkaSinkTest, ExactlyOnceSinkSkipsAReplayOfTheSameOffsets) {
  ASSERT_TRUE(broker_->CreateTopic("eo-rp-in", 1).ok());
  ASSERT_TRUE(broker_->CreateTopic("eo-rp-out", 1).ok());
  Producer p(bootstrap());
  p.SendRange("eo-rp-in", 0, 200, 1);
  const std::string ck = dir.path() + "/ck-rp";
  Status st = CopyExactlyOnce("eo-rp-in", "eo-rp-out", ck, 100);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(Env::Default()->DeleteFile(ck + "/commits/1").ok());
  p.SendRange("eo-rp-in", 200, 250, 1);
  st = CopyExactlyOnce("eo-rp-in", "eo-rp-out", ck, 100);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Counts("eo-rp-out"), Once(0, 250));
}

// Exactly-once batches take two transactional producers in turn, so that a
// transaction never begins while the coordinator still finishes the
// previous one (CONCURRENT_TRANSACTIONS, retried 10-20 ms later). Batch N
// commits through lane N % 2: group sluice-<query> records the newest even
// batch + 1, sluice-<query>-1 the newest odd one + 1. A new sink for the
// query skips up to the newer of the two, whichever lane holds it; a query
// whose batches all went through the first group (as before the lanes)
// reads as before.
// pipelinedCommits: batch N+1 is read, run and produced on the other lane
// while batch N's transaction commits. The output holds every record once,
// in the input's order (N+1's records follow N's), across a restart.
TEST_F(KafkaSinkTest, PipelinedCommitsKeepExactlyOnceAndTheInputOrder) {
  ASSERT_TRUE(broker_->CreateTopic("eo-pl-in", 1).ok());
  ASSERT_TRUE(broker_->CreateTopic("eo-pl-out", 1).ok());
  const std::string ck = dir.path() + "/ck-pl";
  Producer p(bootstrap());
  int sent = 0;
  int pipelined_batches = 0;
  auto run = [&](int rounds) -> Status {
    auto q = spark->readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap())
                 .option("subscribe", "eo-pl-in").option("startingOffsets", "earliest").load()
                 .selectExpr({"value"}).writeStream().format("kafka")
                 .option("kafka.bootstrap.servers", bootstrap()).option("topic", "eo-pl-out")
                 .option("exactlyOnce", "true").option("pipelinedCommits", "true")
                 .option("checkpointLocation", ck).start();
    if (!q.ok()) return q.status();
    // Records keep coming while batches run, so that batches follow each
    // other closely.
    for (int r = 0; r < rounds; ++r) {
      p.SendRange("eo-pl-in", sent, sent + 25, 1);
      sent += 25;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    SLUICE_RETURN_NOT_OK(q->processAllAvailable());
    for (const auto& pr : q->recentProgress()) pipelined_batches += pr.durationMs.count("previousSinkCommit") ? 1 : 0;
    return q->stop();
  };
  auto values_in_order = [&]() {
    std::vector<int> out;
    for (const auto& r : testing::ReadTopic(bootstrap(), "eo-pl-out")) out.push_back(std::stoi(r.value));
    return out;
  };
  auto expected = [](int n) {
    std::vector<int> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
    return v;
  };
  Status st = run(40);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(pipelined_batches, 0) << "no batch ran while the one before it committed";
  EXPECT_EQ(values_in_order(), expected(sent));
  st = run(8);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(values_in_order(), expected(sent));
}

TEST_F(KafkaSinkTest, ExactlyOnceBatchesTakeTwoTransactionalProducersInTurn) {
  const std::string out = "lanes-out", query = "lanes-query";
  ASSERT_TRUE(broker_->CreateTopic(out, 2).ok());
  Schema schema({{"value", DataType::String()}});
  auto write = [&](KafkaSink& sink, int64_t batch_id) -> Status {
    PhaseTimes phases;
    const std::string digest = "fnv1a64:" + std::string(15, '0') + std::to_string(batch_id % 10);
    SLUICE_ASSIGN_OR_RETURN(auto writer, sink.BeginBatch(SinkBatchInfo{batch_id, digest, &phases}, schema,
                                                         OutputMode::kAppend, 1));
    std::vector<Value> values{Value::String("b" + std::to_string(batch_id))};
    SLUICE_RETURN_NOT_OK(writer->Write(0, Batch({Vector::FromValues(DataType::String(), values)}, 1)));
    return writer->Commit();
  };
  const std::string even = "sluice-" + query, odd = "sluice-" + query + "-1";
  {
    auto sink = OpenSink(out, true, query);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    EXPECT_EQ((*sink)->last_committed_batch(), -1);
    for (int64_t b = 0; b < 3; ++b) ASSERT_TRUE(write(**sink, b).ok()) << b;
    (*sink)->Stop();
  }
  EXPECT_EQ(testing::CommittedOffset(bootstrap(), even, out, 0), 3);
  EXPECT_EQ(testing::CommittedOffset(bootstrap(), odd, out, 0), 2);
  {
    auto sink = OpenSink(out, true, query);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    EXPECT_EQ((*sink)->last_committed_batch(), 2);
    // A replay of a committed batch is skipped, whichever lane wrote it.
    ASSERT_TRUE(write(**sink, 1).ok());
    ASSERT_TRUE(write(**sink, 3).ok());
    (*sink)->Stop();
  }
  EXPECT_EQ(testing::CommittedOffset(bootstrap(), odd, out, 0), 4);
  {
    auto sink = OpenSink(out, true, query);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    EXPECT_EQ((*sink)->last_committed_batch(), 3);
    // Batch 2 replayed over other offsets than it was committed with: its
    // digest came back from the even lane's group, though batch 3 is newer.
    PhaseTimes phases;
    auto replanned = (*sink)->BeginBatch(SinkBatchInfo{2, "fnv1a64:ffffffffffffffff", &phases}, schema,
                                         OutputMode::kAppend, 1);
    EXPECT_EQ(replanned.status().code(), StatusCode::kCorruption) << replanned.status().ToString();
    EXPECT_NE(replanned.status().message().find("transactional ids " + even + " and " + odd), std::string::npos)
        << replanned.status().ToString();
    (*sink)->Stop();
  }
  EXPECT_EQ(Counts(out), (std::map<std::string, int>{{"b0", 1}, {"b1", 1}, {"b2", 1}, {"b3", 1}}));
  // Before the lanes: batches 0..4 committed through the first group only.
  const std::string old_out = "lanes-old-out", old_query = "lanes-old-query";
  ASSERT_TRUE(broker_->CreateTopic(old_out, 1).ok());
  {
    rd_kafka_t* p = testing::NewClient(RD_KAFKA_PRODUCER, bootstrap(), {{"transactional.id", "sluice-" + old_query}});
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(rd_kafka_init_transactions(p, 30000), nullptr);
    ASSERT_EQ(rd_kafka_begin_transaction(p), nullptr);
    rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, old_out.c_str(), 0)->offset = 5;
    rd_kafka_consumer_group_metadata_t* g = rd_kafka_consumer_group_metadata_new(("sluice-" + old_query).c_str());
    ASSERT_EQ(rd_kafka_send_offsets_to_transaction(p, l, g, 30000), nullptr);
    rd_kafka_consumer_group_metadata_destroy(g);
    rd_kafka_topic_partition_list_destroy(l);
    ASSERT_EQ(rd_kafka_commit_transaction(p, 30000), nullptr);
    rd_kafka_destroy(p);
  }
  auto sink = OpenSink(old_out, true, old_query);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  EXPECT_EQ((*sink)->last_committed_batch(), 4);
  ASSERT_TRUE(write(**sink, 5).ok());
  (*sink)->Stop();
  EXPECT_EQ(testing::CommittedOffset(bootstrap(), "sluice-" + old_query + "-1", old_out, 0), 6);
  EXPECT_EQ(Counts(old_out), (std::map<std::string, int>{{"b5", 1}}));
}

// The sink topic deleted under a running exactly-once query: the batch's
// records cannot be delivered. The error used to be "flush: Local: Timed
// out" after a minute; it must name the missing topic (and come soon). As
// the error says, creating the topic and restarting writes the batch.
TEST_F(KafkaSinkTest, DeletedSinkTopicFailsNamingTheTopic) {
  for (bool exactly_once : {true, false}) {
    SCOPED_TRACE(exactly_once ? "exactlyOnce" : "at least once");
    const std::string in = exactly_once ? "del-sink-eo-in" : "del-sink-al-in";
    const std::string out = exactly_once ? "del-sink-eo-out" : "del-sink-al-out";
    ASSERT_TRUE(broker_->CreateTopic(in, 1).ok());
    ASSERT_TRUE(broker_->CreateTopic(out, 1).ok());
    Producer p(bootstrap());
    p.SendRange(in, 0, 10, 1);
    auto start = [&] {
      return spark->readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap())
          .option("subscribe", in).option("startingOffsets", "earliest").load().selectExpr({"value"})
          .writeStream().format("kafka").option("kafka.bootstrap.servers", bootstrap()).option("topic", out)
          .option("exactlyOnce", exactly_once ? "true" : "false")
          .option("checkpointLocation", dir.path() + "/ck-" + out).start();
    };
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_EQ(Counts(out), Once(0, 10));
    ASSERT_TRUE(broker_->DeleteTopic(out).ok());
    p.SendRange(in, 10, 20, 1);
    Status st = q->processAllAvailable();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.ToString().find("topic '" + out + "' does not exist"), std::string::npos) << st.ToString();
    EXPECT_NE(st.ToString().find("batch 1"), std::string::npos) << st.ToString();
    (void)q->stop();
    ASSERT_TRUE(broker_->CreateTopic(out, 1).ok());
    q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    st = q->processAllAvailable();
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(q->stop().ok());
    EXPECT_EQ(Counts(out), Once(10, 20));
  }
}

// Batch 0 into a Kafka sink took about a second, also into a topic that
// existed long before: librdkafka learnt the sink topic's partitions only on
// its once-a-second topic scan after the first record was queued (one
// Metadata request while the batch waited). Open now asks for them, so
// batch 0 sends no Metadata request: counted by the sink's request
// interceptor, not timed. Produce requests are counted too (the counter
// sees requests). In exactly-once mode init_transactions (in Open) got the
// producer id: batch 0 sends no InitProducerId either. (The idempotent
// producer of at-least-once mode also asks for it in Open, but on a new
// broker whose transaction coordinator is still loading, librdkafka asks
// again later by itself: not asserted.)
TEST_F(KafkaSinkTest, FirstBatchSendsNoMetadataRequest) {
  constexpr int kProduce = 0, kMetadata = 3, kInitProducerId = 22;
  for (bool exactly_once : {false, true}) {
    SCOPED_TRACE(exactly_once ? "exactlyOnce" : "at least once");
    const std::string out = exactly_once ? "warm-eo-out" : "warm-al-out";
    ASSERT_TRUE(broker_->CreateTopic(out, 2).ok());
    auto made = OpenSink(out, exactly_once, "warm-up-" + out);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    KafkaSink& sink = **made;
    const int64_t metadata = sink.requests_sent(kMetadata), pid = sink.requests_sent(kInitProducerId),
                  produce = sink.requests_sent(kProduce), checks = sink.topic_checks();
    Schema schema({{"value", DataType::String()}});
    std::vector<Value> values;
    for (int i = 0; i < 10; ++i) values.push_back(Value::String("v" + std::to_string(i)));
    PhaseTimes phases;
    auto writer = sink.BeginBatch(SinkBatchInfo{0, "fnv1a64:0000000000000000", &phases}, schema,
                                  OutputMode::kAppend, 1);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    Status st = (*writer)->Write(0, Batch({Vector::FromValues(DataType::String(), values)}, values.size()));
    ASSERT_TRUE(st.ok()) << st.ToString();
    st = (*writer)->Commit();
    ASSERT_TRUE(st.ok()) << st.ToString();
    writer->reset();
    // The sink's own topic check (a flush slower than a second) is the only
    // Metadata request a batch may send.
    EXPECT_EQ(sink.requests_sent(kMetadata) - metadata, sink.topic_checks() - checks);
    if (exactly_once) {
      EXPECT_EQ(sink.requests_sent(kInitProducerId), pid);
    }
    EXPECT_GT(sink.requests_sent(kProduce), produce);
    const auto times = phases.Micros();
    for (const char* phase : {"kafkaProduce", "kafkaProducerFlush"}) EXPECT_EQ(times.count(phase), 1u) << phase;
    for (const char* phase : {"kafkaBeginTransaction", "kafkaSendOffsets", "kafkaTransactionCommit"}) {
      EXPECT_EQ(times.count(phase), exactly_once ? 1u : 0u) << phase;
    }
    sink.Stop();
    std::map<std::string, int> expected;
    for (int i = 0; i < 10; ++i) expected["v" + std::to_string(i)] = 1;
    EXPECT_EQ(Counts(out), expected);
  }
}

// Rows that stream in over a batch (a few thousand every couple of ms, as
// a high-rate Kafka -> Kafka batch hands them over) go out in few large
// Produce requests: record sets bounded by batch.size, not by a few ms of
// rows (docs/benchmarks.md, "Kafka sink throughput": with linger.ms 5 and
// sets of at most 10,000 records, 667K rows of a 2M-event run went out in
// about 230 requests, 70 now). The bound allows one request per 50 ms of
// handing over per partition plus slack. Rows go through the batched
// produce path (no partition or headers column): every row must arrive
// once, with its key, and rows of one key in one partition.
TEST_F(KafkaSinkTest, RowsStreamingInGoOutInFewProduceRequests) {
  constexpr int kProduce = 0, kRows = 200000, kPiece = 2000, kPartitions = 2;
  for (bool exactly_once : {false, true}) {
    SCOPED_TRACE(exactly_once ? "exactlyOnce" : "at least once");
    const std::string out = exactly_once ? "batching-eo-out" : "batching-al-out";
    ASSERT_TRUE(broker_->CreateTopic(out, kPartitions).ok());
    auto made = OpenSink(out, exactly_once, "batching-" + out);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    KafkaSink& sink = **made;
    const int64_t produce = sink.requests_sent(kProduce);
    Schema schema({{"key", DataType::String()}, {"value", DataType::String()}});
    PhaseTimes phases;
    auto writer = sink.BeginBatch(SinkBatchInfo{0, "fnv1a64:0000000000000000", &phases}, schema,
                                  OutputMode::kAppend, 1);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    Status st;
    const auto start = std::chrono::steady_clock::now();
    for (int from = 0; from < kRows; from += kPiece) {
      std::vector<Value> keys, values;
      for (int i = from; i < std::min(kRows, from + kPiece); ++i) {
        char v[16];
        std::snprintf(v, sizeof v, "v%07d", i);
        values.push_back(Value::String(v));
        keys.push_back(Value::String("k" + std::to_string(i % 10)));
      }
      st = (*writer)->Write(0, Batch({Vector::FromValues(DataType::String(), keys),
                                      Vector::FromValues(DataType::String(), values)},
                                     values.size()));
      ASSERT_TRUE(st.ok()) << st.ToString();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const auto handing_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    st = (*writer)->Commit();
    ASSERT_TRUE(st.ok()) << st.ToString();
    writer->reset();
    const int64_t requests = sink.requests_sent(kProduce) - produce;
    EXPECT_GE(requests, 1);
    EXPECT_LE(requests, kPartitions * (4 + handing_ms / 50))
        << requests << " Produce requests for " << kRows << " rows of 8 bytes handed over in " << handing_ms << " ms";
    sink.Stop();
    auto records = testing::ReadTopic(bootstrap(), out);
    std::set<std::string> seen;
    std::map<std::string, std::set<int32_t>> partitions_of_key;
    for (const auto& r : records) {
      seen.insert(r.value);
      const int i = std::stoi(r.value.substr(1));
      EXPECT_EQ(r.key, "k" + std::to_string(i % 10)) << r.value;
      partitions_of_key[r.key].insert(r.partition);
    }
    EXPECT_EQ(records.size(), static_cast<size_t>(kRows));
    EXPECT_EQ(seen.size(), static_cast<size_t>(kRows));
    EXPECT_TRUE(seen.count("v0000000") && seen.count("v0199999"));
    EXPECT_EQ(partitions_of_key.size(), 10u);
    for (const auto& [k, parts] : partitions_of_key) EXPECT_EQ(parts.size(), 1u) << k;
  }
}

// Every acknowledged record reaches the sink's delivery callback before the
// batch's flush returns. rd_kafka_flush serves the delivery reports and
// sleeps in 10 ms slices until one arrives: without a report per
// acknowledged record (delivery.report.only.error, as the sink had it for
// a day) nothing woke it, and every small batch's flush took 10 ms or more
// (the latency harness: sink p50 3 -> 10 ms at 20,000 events/s).
TEST_F(KafkaSinkTest, EveryAcknowledgedRecordIsReportedBeforeTheFlushReturns) {
  for (bool exactly_once : {false, true}) {
    SCOPED_TRACE(exactly_once ? "exactlyOnce" : "at least once");
    const std::string out = exactly_once ? "reports-eo-out" : "reports-al-out";
    ASSERT_TRUE(broker_->CreateTopic(out, 2).ok());
    auto made = OpenSink(out, exactly_once, "reports-" + out);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    KafkaSink& sink = **made;
    Schema schema({{"value", DataType::String()}});
    for (int64_t batch = 0; batch < 3; ++batch) {
      const int64_t before = sink.records_acknowledged();
      auto writer = sink.BeginBatch(SinkBatchInfo{batch, "", nullptr}, schema, OutputMode::kAppend, 1);
      ASSERT_TRUE(writer.ok()) << writer.status().ToString();
      std::vector<Value> values;
      for (int i = 0; i < 7; ++i) values.push_back(Value::String("b" + std::to_string(batch) + "-" + std::to_string(i)));
      ASSERT_TRUE((*writer)->Write(0, Batch({Vector::FromValues(DataType::String(), values)}, values.size())).ok());
      Status st = (*writer)->Commit();
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(sink.records_acknowledged() - before, 7) << "batch " << batch;
    }
    sink.Stop();
    EXPECT_EQ(testing::ReadTopic(bootstrap(), out).size(), 21u);
  }
}

}  // namespace
}  // namespace sluice::kafka
