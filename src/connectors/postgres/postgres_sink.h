// PostgresSink: writes a streaming query's rows into a PostgreSQL table,
// exactly once, over libpq (`USING postgres`, `format("postgres")`). See
// docs/sinks.md "PostgreSQL".
//
// One transaction per micro-batch, on one connection:
//   BEGIN;
//   SELECT pg_advisory_xact_lock(hashtext(<query id>));
//   SELECT batch_id, offsets_digest FROM <progressTable>
//     WHERE query_id = <query id> AND batch_id >= <batch id> ...;
//     -- a row: the batch is committed already: ROLLBACK, the batch is
//     -- skipped (or fails when its offsets digest differs: re-planned)
//   CREATE TABLE IF NOT EXISTS <dbtable> (...)       -- first batch, if asked
//   DELETE FROM <dbtable>                            -- complete output mode
//   COPY <dbtable or staging table> (<columns>) FROM STDIN   -- the rows, text format
//   INSERT INTO <dbtable> SELECT DISTINCT ON (<keys>) ... FROM <staging>
//     ON CONFLICT (<keys>) DO UPDATE SET ...           -- upserts only
//   INSERT INTO <progressTable> VALUES (<query id>, <batch id>, <digest>, now());
//   COMMIT;
// The rows and the record "batch N of query Q is written" commit together
// or not at all, so a batch replayed after a crash finds its record and is
// skipped. Upserts (mode 'upsert', or the update output mode) go through a
// temporary staging table (ON COMMIT DROP): COPY into it, then one
// INSERT ... ON CONFLICT DO UPDATE. Kill point
// "postgres_sink:before_commit" sits before COMMIT.
//
// A broken connection found at the start of a batch (the server restarted
// between batches) is re-opened, connectRetries times retryIntervalMs
// apart; one lost during a batch fails the batch with libpq's message (the
// query stops; a restart replays the batch, exactly once).
//
// The password never travels in the options: passwordEnv names an
// environment variable, passwordFile a file (read through Env), and a
// password inside the url is refused; error messages pass through
// redaction.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/connector_registry.h"
#include "connectors/sink.h"
#include "connectors/source.h"

struct pg_conn;
struct pg_result;

namespace sluice::postgres {

class PostgresSink : public Sink {
 public:
  static Result<std::shared_ptr<PostgresSink>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  ~PostgresSink() override;
  std::string description() const override { return "PostgresSink[" + table_name_ + "]"; }
  // Connects (retrying) and creates the progress table if missing.
  Status Open(const SinkContext& ctx) override;
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema& schema, OutputMode mode,
                                                 int num_partitions) override;
  void Stop() override;

  // For the batch writer (postgres_sink.cc); the connection is used by one
  // thread at a time (mu_).
  struct Txn;
  Status SendCopyData(const std::string& data);
  Status FinishBatch(Txn& txn, PhaseTimes* times);
  // Ends the COPY and rolls the transaction back (a batch that failed or
  // was dropped before Commit).
  void AbortBatch(Txn& txn) {
    std::lock_guard<std::mutex> l(mu_);
    AbortBatchLocked(txn);
  }

 private:
  Status Connect();
  // Connect, retried connectRetries times retryIntervalMs apart (checks
  // the query's cancellation in between).
  Status ConnectWithRetries();
  // The batch's transaction up to the COPY, or `*skip` when the batch is
  // recorded already.
  Status StartBatch(Txn& txn, bool* skip);
  // Runs `sql` with text parameters; an error naming `what` with the
  // server's message unless the result has status `expect` (ExecStatusType).
  using ResultPtr = std::unique_ptr<pg_result, void (*)(pg_result*)>;
  Result<ResultPtr> Exec(const std::string& sql, const std::vector<std::string>& params, const std::string& what,
                         int expect);
  std::string ConnError(const std::string& what) const;
  std::string Redact(std::string text) const;
  Result<std::vector<std::string>> PrimaryKeyColumns();
  void AbortBatchLocked(Txn& txn);

  std::string conninfo_;
  std::string user_;
  std::string password_env_;
  std::string password_file_;
  std::string password_;  // secret: never printed
  bool have_password_ = false;
  std::string table_name_;  // as given
  std::string table_;       // quoted
  std::string progress_;    // quoted
  bool upsert_option_ = false;
  std::vector<std::string> key_columns_;
  bool create_table_ = true;
  int64_t batch_size_ = 10000;
  int64_t connect_retries_ = 5;
  int64_t retry_interval_ms_ = 1000;

  Env* env_ = nullptr;
  std::string query_id_;
  std::string checkpoint_dir_;
  const CancellationToken* cancel_ = &CancellationToken::Never();
  std::mutex mu_;
  pg_conn* conn_ = nullptr;  // GUARDED_BY(mu_)
};

}  // namespace sluice::postgres
