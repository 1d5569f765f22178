#include "connectors/postgres/postgres_sink.h"

#include <libpq-fe.h>

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/log.h"
#include "common/redaction.h"
#include "connectors/postgres/pg_copy_text.h"
#include "env/kill_point.h"

namespace sluice::postgres {

namespace {

// Progress rows kept per query: the newest batches (a replay is always of
// the newest batch; older rows only document what was written).
constexpr int64_t kProgressRowsKept = 100;
// Encoded rows a partition sends at once at most, whatever batchsize says.
constexpr size_t kMaxCopyChunkBytes = 8 << 20;
// How often a statement's wait checks whether the query is stopping.
constexpr int kPollMs = 250;
// How long a connection attempt waits for the server.
constexpr int kConnectTimeoutSeconds = 10;

std::string OneLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      s.replace(i, 1, "; ");
      // "ERROR:  x\nDETAIL:  y": one space after the colon is enough.
    }
  }
  return s;
}

std::vector<std::string> SplitColumns(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = part.find_first_not_of(" \t");
    size_t e = part.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

struct PostgresSink::Txn {
  SinkBatchInfo batch;
  Schema schema;
  OutputMode mode = OutputMode::kAppend;
  bool upsert = false;
  std::vector<std::string> keys;  // upsert: the key columns, as in the schema
  std::string columns;            // "\"a\", \"b\"": the COPY column list
  bool open = false;              // a transaction is open on the connection
  bool in_copy = false;           // COPY ... FROM STDIN is running
};

Result<std::shared_ptr<PostgresSink>> PostgresSink::Make(const SourceOptions& options) {
  auto s = std::shared_ptr<PostgresSink>(new PostgresSink());
  s->conninfo_ = options.GetOr("url", "");
  // Spark's JDBC urls: "jdbc:postgresql://host:port/db?user=u" is libpq's URI form after "jdbc:".
  if (s->conninfo_.rfind("jdbc:", 0) == 0) s->conninfo_ = s->conninfo_.substr(5);
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(s->conninfo_.c_str(), &err);
  if (parsed == nullptr) {
    std::string msg = err ? OneLine(err) : "out of memory";
    if (err) PQfreemem(err);
    return Status::InvalidArgument("postgres sink: option 'url' is not a libpq connection string or URI: " + msg);
  }
  bool has_password = false;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    // password, and sslpassword (the client key's passphrase).
    if (std::string(o->keyword).find("password") != std::string::npos && o->val != nullptr && o->val[0] != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(parsed);
  if (has_password) {
    return Status::InvalidArgument(
        "postgres sink: option 'url' holds a password, which would show wherever the options are printed: give it "
        "through passwordEnv (an environment variable's name) or passwordFile (a file holding it)");
  }
  s->user_ = options.GetOr("user", "");
  s->password_env_ = options.GetOr("passwordEnv", "");
  s->password_file_ = options.GetOr("passwordFile", "");
  if (!s->password_env_.empty() && !s->password_file_.empty()) {
    return Status::InvalidArgument("postgres sink: give either passwordEnv or passwordFile, not both");
  }
  if (!s->password_env_.empty()) {
    const char* v = std::getenv(s->password_env_.c_str());
    if (v == nullptr) {
      return Status::InvalidArgument("postgres sink: the environment variable '" + s->password_env_ +
                                     "' named by option passwordEnv is not set");
    }
    s->password_ = v;
    s->have_password_ = true;
  }
  s->table_name_ = options.GetOr("dbtable", "");
  SLUICE_ASSIGN_OR_RETURN(s->table_, QuoteTableName(s->table_name_));
  SLUICE_ASSIGN_OR_RETURN(s->progress_, QuoteTableName(options.GetOr("progressTable", "sluice_progress")));
  s->upsert_option_ = EqualsIgnoreCase(options.GetOr("mode", "append"), "upsert");
  s->key_columns_ = SplitColumns(options.GetOr("keyColumns", ""));
  SLUICE_ASSIGN_OR_RETURN(s->create_table_, options.GetBool("createTableIfMissing", true));
  SLUICE_ASSIGN_OR_RETURN(s->batch_size_, options.GetInt("batchsize", 10000, true));
  SLUICE_ASSIGN_OR_RETURN(s->connect_retries_, options.GetInt("connectRetries", 5));
  SLUICE_ASSIGN_OR_RETURN(s->retry_interval_ms_, options.GetInt("retryIntervalMs", 1000));
  return s;
}

PostgresSink::~PostgresSink() { Stop(); }

std::string PostgresSink::Redact(std::string text) const {
  if (!have_password_ || password_.empty()) return text;
  return RedactSecretValues(std::move(text), {{"password", password_}});
}

std::string PostgresSink::ConnError(const std::string& what) const {
  std::string msg = conn_ ? OneLine(PQerrorMessage(conn_)) : "no connection";
  return Redact("postgres sink (" + table_name_ + "): " + what + ": " + msg);
}

Status PostgresSink::Connect() {
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  // Later keywords override earlier ones, and the url's own values override
  // the defaults before it (expand_dbname).
  std::vector<const char*> keys = {"fallback_application_name", "dbname"};
  std::vector<const char*> vals = {"sluice", conninfo_.c_str()};
  if (!user_.empty()) {
    keys.push_back("user");
    vals.push_back(user_.c_str());
  }
  if (have_password_) {
    keys.push_back("password");
    vals.push_back(password_.c_str());
  }
  keys.push_back(nullptr);
  vals.push_back(nullptr);
  // Connected without blocking, kPollMs at a time: a stop is seen while a
  // host does not answer (connect_timeout does not apply to PQconnectPoll,
  // so the deadline is kept here).
  conn_ = PQconnectStartParams(keys.data(), vals.data(), 1);
  if (conn_ == nullptr) return Status::IOError("postgres sink: cannot allocate a connection");
  if (PQstatus(conn_) == CONNECTION_BAD) return Status::IOError(ConnError("cannot connect"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kConnectTimeoutSeconds);
  PostgresPollingStatusType polled = PGRES_POLLING_WRITING;
  while (polled != PGRES_POLLING_OK && polled != PGRES_POLLING_FAILED) {
    pollfd pfd{PQsocket(conn_), static_cast<short>(polled == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    if (pfd.fd < 0) break;
    int n = poll(&pfd, 1, kPollMs);
    SLUICE_RETURN_NOT_OK(cancel_->Check("postgres sink (" + table_name_ + "): connecting"));
    if (n > 0) {
      polled = PQconnectPoll(conn_);
    } else if (std::chrono::steady_clock::now() >= deadline) {
      return Status::IOError(Redact("postgres sink (" + table_name_ + "): cannot connect: no answer within " +
                                    std::to_string(kConnectTimeoutSeconds) + " s"));
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) return Status::IOError(ConnError("cannot connect"));
  // Timestamps are written with an explicit +00; dates and text as UTF-8.
  if (PQsetClientEncoding(conn_, "UTF8") != 0) return Status::IOError(ConnError("cannot set client_encoding"));
  SLUICE_ASSIGN_OR_RETURN(auto r, Exec("SET TIME ZONE 'UTC'", {}, "SET TIME ZONE", PGRES_COMMAND_OK));
  return Status::OK();
}

Status PostgresSink::ConnectWithRetries() {
  Status st;
  for (int64_t attempt = 0;; ++attempt) {
    st = Connect();
    if (st.ok() || st.code() == StatusCode::kCancelled) return st;
    if (attempt >= connect_retries_) break;
    LogWarn(description(), "{} (retry {} of {} in {} ms)", st.message(), attempt + 1, connect_retries_,
            retry_interval_ms_);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(retry_interval_ms_);
    while (std::chrono::steady_clock::now() < until) {
      SLUICE_RETURN_NOT_OK(cancel_->Check("postgres sink: reconnecting"));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return Status::IOError(st.message() + " (after " + std::to_string(connect_retries_) + " retries)");
}

Result<PostgresSink::ResultPtr> PostgresSink::Exec(const std::string& sql, const std::vector<std::string>& params,
                                                   const std::string& what, int expect) {
  std::vector<const char*> p;
  for (const auto& x : params) p.push_back(x.c_str());
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(p.size()), nullptr, p.empty() ? nullptr : p.data(),
                        nullptr, nullptr, 0) != 1) {
    return Status::IOError(ConnError(what));
  }
  // Wait for the answer kPollMs at a time: a statement that waits (a lock
  // held by another session) is cancelled on the server when the query
  // stops, so that a stop takes about a second, not as long as the lock.
  bool cancel_sent = false;
  while (PQisBusy(conn_)) {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    if (pfd.fd < 0) break;
    int n = poll(&pfd, 1, kPollMs);
    if (n > 0 && PQconsumeInput(conn_) != 1) break;  // the connection failed: PQgetResult reports it
    if (!cancel_sent && cancel_->IsCancelled()) {
      if (PGcancel* c = PQgetCancel(conn_)) {
        char err[256];
        PQcancel(c, err, sizeof err);
        PQfreeCancel(c);
      }
      cancel_sent = true;
    }
  }
  ResultPtr r(PQgetResult(conn_), PQclear);
  // A statement has one result (COPY IN: the result that starts the copy).
  if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  }
  if (cancel_sent) SLUICE_RETURN_NOT_OK(cancel_->Check("postgres sink: " + what));
  if (r == nullptr) return Status::IOError(ConnError(what));
  if (PQresultStatus(r.get()) != expect) {
    std::string msg = OneLine(PQresultErrorMessage(r.get()));
    if (msg.empty()) msg = OneLine(PQerrorMessage(conn_));
    return Status::IOError(Redact("postgres sink (" + table_name_ + "): " + what + " failed: " + msg));
  }
  return r;
}

Status PostgresSink::Open(const SinkContext& ctx) {
  env_ = ctx.env ? ctx.env : Env::Default();
  query_id_ = ctx.query_id;
  checkpoint_dir_ = ctx.checkpoint_dir;
  cancel_ = ctx.cancel;
  if (!password_file_.empty()) {
    std::string text;
    Status st = env_->ReadFileToString(password_file_, &text);
    if (!st.ok()) {
      return Status::InvalidArgument("postgres sink: cannot read the passwordFile '" + password_file_ +
                                     "': " + st.message());
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    password_ = std::move(text);
    have_password_ = true;
  }
  std::lock_guard<std::mutex> l(mu_);
  SLUICE_RETURN_NOT_OK(ConnectWithRetries());
  auto created = Exec("CREATE TABLE IF NOT EXISTS " + progress_ +
                          " (query_id text NOT NULL, batch_id bigint NOT NULL, offsets_digest text, "
                          "committed_at timestamp with time zone NOT NULL DEFAULT now(), "
                          "PRIMARY KEY (query_id, batch_id))",
                      {}, "creating the progress table", PGRES_COMMAND_OK);
  if (!created.ok()) {
    // Two queries creating it at once: one of them loses the race on the
    // catalog's unique index; the table is there all the same.
    auto exists = Exec("SELECT to_regclass($1) IS NOT NULL", {progress_}, "looking up the progress table",
                       PGRES_TUPLES_OK);
    if (!exists.ok() || std::string(PQgetvalue(exists->get(), 0, 0)) != "t") return created.status();
  }
  return Status::OK();
}

Result<std::vector<std::string>> PostgresSink::PrimaryKeyColumns() {
  SLUICE_ASSIGN_OR_RETURN(
      auto r, Exec("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                   "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = to_regclass($1) "
                   "ORDER BY array_position(i.indkey, a.attnum)",
                   {table_}, "looking up the primary key of " + table_name_, PGRES_TUPLES_OK));
  std::vector<std::string> keys;
  for (int i = 0; i < PQntuples(r.get()); ++i) keys.emplace_back(PQgetvalue(r.get(), i, 0));
  return keys;
}

Status PostgresSink::StartBatch(Txn& txn, bool* skip) {
  *skip = false;
  const std::string id = std::to_string(txn.batch.id);
  SLUICE_ASSIGN_OR_RETURN(auto b, Exec("BEGIN", {}, "BEGIN (batch " + id + ")", PGRES_COMMAND_OK));
  txn.open = true;
  // One writer per query at a time, even if two processes shared a checkpoint.
  SLUICE_ASSIGN_OR_RETURN(auto lk, Exec("SELECT pg_advisory_xact_lock(hashtext($1))", {query_id_},
                                        "locking query " + query_id_, PGRES_TUPLES_OK));
  SLUICE_ASSIGN_OR_RETURN(
      auto done, Exec("SELECT batch_id, offsets_digest FROM " + progress_ +
                          " WHERE query_id = $1 AND batch_id >= $2 ORDER BY batch_id LIMIT 1",
                      {query_id_, id}, "reading the progress table", PGRES_TUPLES_OK));
  if (PQntuples(done.get()) > 0) {
    std::string recorded_id = PQgetvalue(done.get(), 0, 0);
    std::string digest = PQgetisnull(done.get(), 0, 1) ? "" : PQgetvalue(done.get(), 0, 1);
    AbortBatchLocked(txn);
    if (recorded_id == id && !digest.empty() && !txn.batch.offsets_digest.empty() &&
        digest != txn.batch.offsets_digest) {
      return Status::Corruption(
          "postgres sink (" + table_name_ + "): batch " + id + " of query " + query_id_ +
          " is already committed for other source offsets: the progress table recorded the offsets digest " + digest +
          ", the batch now covers " + txn.batch.offsets_digest + ". The checkpoint " + checkpoint_dir_ +
          " no longer matches the table (its offsets/" + id +
          " was deleted, edited or re-planned); skipping the batch would lose its rows and writing it would "
          "duplicate rows. Restore the checkpoint, or write with a new checkpoint");
    }
    *skip = true;
    return Status::OK();
  }
  if (create_table_) {
    std::string ddl = "CREATE TABLE IF NOT EXISTS " + table_ + " (";
    for (size_t i = 0; i < txn.schema.size(); ++i) {
      if (i) ddl += ", ";
      ddl += QuoteIdent(txn.schema.field(i).name) + " " + PgTypeName(txn.schema.field(i).type);
    }
    if (txn.upsert) {
      ddl += ", PRIMARY KEY (";
      for (size_t i = 0; i < txn.keys.size(); ++i) ddl += (i ? ", " : "") + QuoteIdent(txn.keys[i]);
      ddl += ")";
    }
    ddl += ")";
    SLUICE_ASSIGN_OR_RETURN(auto c, Exec(ddl, {}, "creating table " + table_name_, PGRES_COMMAND_OK));
  }
  std::string target = table_;
  if (txn.mode == OutputMode::kComplete) {
    SLUICE_ASSIGN_OR_RETURN(auto d, Exec("DELETE FROM " + table_, {}, "emptying " + table_name_ + " (complete mode)",
                                         PGRES_COMMAND_OK));
  } else if (txn.upsert) {
    // The staging table: the batch's columns with the target's types, and
    // the order rows arrived in (the last row of a key wins).
    SLUICE_ASSIGN_OR_RETURN(
        auto st, Exec("CREATE TEMPORARY TABLE sluice_stage ON COMMIT DROP AS SELECT " + txn.columns + " FROM " +
                          table_ + " WITH NO DATA",
                      {}, "creating the staging table", PGRES_COMMAND_OK));
    SLUICE_ASSIGN_OR_RETURN(auto sa, Exec("ALTER TABLE sluice_stage ADD COLUMN sluice_row bigint GENERATED ALWAYS "
                                          "AS IDENTITY",
                                          {}, "creating the staging table", PGRES_COMMAND_OK));
    target = "sluice_stage";
  }
  SLUICE_ASSIGN_OR_RETURN(auto cp, Exec("COPY " + target + " (" + txn.columns + ") FROM STDIN", {},
                                        "COPY into " + (txn.upsert ? "the staging table" : table_name_),
                                        PGRES_COPY_IN));
  txn.in_copy = true;
  return Status::OK();
}

Status PostgresSink::SendCopyData(const std::string& data) {
  std::lock_guard<std::mutex> l(mu_);
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) {
    return Status::IOError(ConnError("sending rows (COPY)"));
  }
  return Status::OK();
}

Status PostgresSink::FinishBatch(Txn& txn, PhaseTimes* times) {
  std::lock_guard<std::mutex> l(mu_);
  const std::string id = std::to_string(txn.batch.id);
  {
    PhaseTimes::Scope timed(times, "postgresCopyEnd");
    if (PQputCopyEnd(conn_, nullptr) != 1) return Status::IOError(ConnError("ending COPY"));
    txn.in_copy = false;
    ResultPtr r(PQgetResult(conn_), PQclear);
    Status st;
    if (r == nullptr || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      std::string msg = r ? OneLine(PQresultErrorMessage(r.get())) : OneLine(PQerrorMessage(conn_));
      st = Status::IOError(Redact("postgres sink (" + table_name_ + "): COPY of batch " + id + " failed: " + msg));
    }
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);
    SLUICE_RETURN_NOT_OK(st);
  }
  if (txn.upsert && txn.mode != OutputMode::kComplete) {
    PhaseTimes::Scope timed(times, "postgresUpsert");
    std::string keys, set;
    for (size_t i = 0; i < txn.keys.size(); ++i) keys += (i ? ", " : "") + QuoteIdent(txn.keys[i]);
    for (const auto& f : txn.schema.fields()) {
      bool is_key = false;
      for (const auto& k : txn.keys) is_key = is_key || k == f.name;
      if (is_key) continue;
      set += (set.empty() ? "" : ", ") + QuoteIdent(f.name) + " = EXCLUDED." + QuoteIdent(f.name);
    }
    std::string sql = "INSERT INTO " + table_ + " (" + txn.columns + ") SELECT DISTINCT ON (" + keys + ") " +
                      txn.columns + " FROM sluice_stage ORDER BY " + keys + ", sluice_row DESC ON CONFLICT (" + keys +
                      ") " + (set.empty() ? "DO NOTHING" : "DO UPDATE SET " + set);
    SLUICE_ASSIGN_OR_RETURN(auto r, Exec(sql, {}, "upsert of batch " + id + " into " + table_name_, PGRES_COMMAND_OK));
  }
  {
    PhaseTimes::Scope timed(times, "postgresCommit");
    SLUICE_ASSIGN_OR_RETURN(
        auto r, Exec("INSERT INTO " + progress_ +
                         " (query_id, batch_id, offsets_digest) VALUES ($1, $2, NULLIF($3, ''))",
                     {query_id_, id, txn.batch.offsets_digest}, "recording batch " + id, PGRES_COMMAND_OK));
    SLUICE_ASSIGN_OR_RETURN(auto d, Exec("DELETE FROM " + progress_ + " WHERE query_id = $1 AND batch_id <= $2",
                                         {query_id_, std::to_string(txn.batch.id - kProgressRowsKept)},
                                         "pruning the progress table", PGRES_COMMAND_OK));
    SLUICE_KILL_POINT("postgres_sink:before_commit");
    SLUICE_ASSIGN_OR_RETURN(auto c, Exec("COMMIT", {}, "COMMIT of batch " + id, PGRES_COMMAND_OK));
    txn.open = false;
  }
  return Status::OK();
}

void PostgresSink::AbortBatchLocked(Txn& txn) {
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    txn.open = txn.in_copy = false;
    return;
  }
  if (txn.in_copy) {
    PQputCopyEnd(conn_, "the batch failed in Sluice");
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    txn.in_copy = false;
  }
  if (txn.open) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    txn.open = false;
  }
}

namespace {

// One batch: each partition encodes its rows in COPY's text format and sends
// them in chunks of about batchsize rows (the connection is shared: one chunk
// at a time); Commit ends the COPY and commits the transaction. A writer
// dropped before Commit rolls the transaction back.
class PostgresSinkWriter final : public SinkWriter {
 public:
  PostgresSinkWriter(PostgresSink* sink, std::unique_ptr<PostgresSink::Txn> txn, const Schema& schema,
                     int num_partitions, int64_t batch_size, PhaseTimes* times)
      : sink_(sink), txn_(std::move(txn)), schema_(schema), parts_(static_cast<size_t>(num_partitions)),
        batch_size_(static_cast<size_t>(batch_size)), times_(times) {}
  ~PostgresSinkWriter() override {
    if (txn_) sink_->AbortBatch(*txn_);
  }
  Status Write(int partition, Batch batch) override {
    if (!txn_) return Status::OK();  // skipped: the batch is in the table
    Part& part = parts_[static_cast<size_t>(partition)];
    size_t row = 0;
    while (row < batch.num_rows) {
      size_t take = std::min(batch.num_rows - row, batch_size_ - part.rows);
      {
        PhaseTimes::Scope timed(times_, "postgresEncode");
        SLUICE_RETURN_NOT_OK(AppendCopyText(schema_, batch, row, row + take, &part.buf));
      }
      row += take;
      part.rows += take;
      if (part.rows >= batch_size_ || part.buf.size() >= kMaxCopyChunkBytes) SLUICE_RETURN_NOT_OK(SendPart(part));
    }
    return Status::OK();
  }
  Status Commit() override {
    if (!txn_) return Status::OK();
    for (Part& p : parts_) SLUICE_RETURN_NOT_OK(SendPart(p));
    SLUICE_RETURN_NOT_OK(sink_->FinishBatch(*txn_, times_));
    txn_.reset();
    return Status::OK();
  }

 private:
  struct Part {
    std::string buf;
    size_t rows = 0;
  };
  // Sends what the part holds (a COPY data message).
  Status SendPart(Part& p) {
    if (p.buf.empty()) return Status::OK();
    PhaseTimes::Scope timed(times_, "postgresCopy");
    Status st = sink_->SendCopyData(p.buf);
    p.buf.clear();
    p.rows = 0;
    return st;
  }
  PostgresSink* sink_;
  std::unique_ptr<PostgresSink::Txn> txn_;  // null: skipped or committed
  Schema schema_;
  std::vector<Part> parts_;
  size_t batch_size_;
  PhaseTimes* times_;
};

}  // namespace

Result<std::unique_ptr<SinkWriter>> PostgresSink::BeginBatch(const SinkBatchInfo& batch, const Schema& schema,
                                                             OutputMode mode, int num_partitions) {
  auto txn = std::make_unique<Txn>();
  txn->batch = batch;
  txn->schema = schema;
  txn->mode = mode;
  txn->upsert = mode == OutputMode::kUpdate || (upsert_option_ && mode != OutputMode::kComplete);
  if (schema.size() == 0) return Status::AnalysisError("postgres sink: the query has no columns to write");
  for (size_t i = 0; i < schema.size(); ++i) txn->columns += (i ? ", " : "") + QuoteIdent(schema.field(i).name);

  std::lock_guard<std::mutex> l(mu_);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) SLUICE_RETURN_NOT_OK(ConnectWithRetries());
  if (txn->upsert) {
    std::vector<std::string> keys = key_columns_;
    if (keys.empty()) {
      auto pk = PrimaryKeyColumns();
      if (!pk.ok() && PQstatus(conn_) != CONNECTION_OK) {
        SLUICE_RETURN_NOT_OK(ConnectWithRetries());
        pk = PrimaryKeyColumns();
      }
      SLUICE_RETURN_NOT_OK(pk.status());
      keys = std::move(*pk);
    }
    if (keys.empty()) {
      return Status::InvalidArgument(
          std::string("postgres sink (") + table_name_ + "): " +
          (mode == OutputMode::kUpdate ? "the update output mode" : "mode 'upsert'") +
          " needs the key columns (the query's grouping keys): set option keyColumns, or give the table a primary "
          "key (a query without grouping keys: use the complete output mode)");
    }
    for (auto& k : keys) {
      int idx = schema.IndexOf(k);
      if (idx < 0) {
        return Status::AnalysisError("postgres sink (" + table_name_ + "): key column '" + k +
                                     "' is not among the query's columns (" + schema.ToString() + ")");
      }
      k = schema.field(static_cast<size_t>(idx)).name;
    }
    txn->keys = std::move(keys);
  }
  PhaseTimes::Scope timed(batch.phase_times, "postgresBegin");
  bool skip = false;
  Status st = StartBatch(*txn, &skip);
  if (!st.ok() && PQstatus(conn_) != CONNECTION_OK) {
    // The server went away since the last batch (restarted): once more on a new connection.
    AbortBatchLocked(*txn);
    LogWarn(description(), "{}; reconnecting", st.message());
    SLUICE_RETURN_NOT_OK(ConnectWithRetries());
    st = StartBatch(*txn, &skip);
  }
  if (!st.ok()) {
    AbortBatchLocked(*txn);
    return st;
  }
  if (skip) {
    LogInfo(description(), "batch {} is already in the table (progress table {}): skipped", batch.id, progress_);
    txn.reset();
  }
  return std::unique_ptr<SinkWriter>(std::make_unique<PostgresSinkWriter>(this, std::move(txn), schema, num_partitions,
                                                                         batch_size_, batch.phase_times));
}

void PostgresSink::Stop() {
  std::lock_guard<std::mutex> l(mu_);
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
}

ConnectorSpec PostgresSink::Spec() {
  ConnectorSpec spec;
  spec.name = "postgres";
  spec.kind = ConnectorKind::kSink;
  spec.description = "writes rows into a PostgreSQL table (libpq COPY), exactly once: one transaction per batch";
  spec.output_modes = {OutputMode::kAppend, OutputMode::kUpdate, OutputMode::kComplete};
  spec.options
      .Add(OptionSpec::String("url", "",
                              "libpq connection string or URI (postgresql://, jdbc:postgresql://); no password")
               .Required()
               .Alias("connection"))
      .Add(OptionSpec::String("dbtable", "", "the table to write: 'name' or 'schema.name' (case kept)")
               .Required()
               .Alias("table"))
      .Add(OptionSpec::String("user", "", "the database user (overrides the url's)"))
      .Add(OptionSpec::String("passwordEnv", "", "name of the environment variable holding the password"))
      .Add(OptionSpec::String("passwordFile", "", "file holding the password (its first line)"))
      .Add(OptionSpec::Enum("mode", "append", {"append", "upsert"},
                            "append rows (COPY), or upsert them by keyColumns through a staging table"))
      .Add(OptionSpec::String("keyColumns", "",
                              "comma-separated key columns of upserts (default: the table's primary key)"))
      .Add(OptionSpec::Bool("createTableIfMissing", "true", "create the table from the query's schema if missing"))
      .Add(OptionSpec::Int("batchsize", "10000", 1, 100000000, "rows per COPY data message"))
      .Add(OptionSpec::String("progressTable", "sluice_progress",
                              "table recording (query id, batch id) of each committed batch"))
      .Add(OptionSpec::Int("connectRetries", "5", 0, 1000, "reconnect attempts when the connection is lost"))
      .Add(OptionSpec::Int("retryIntervalMs", "1000", 0, 600000, "wait between reconnect attempts"))
      .Unsupported("password",
                   "a password in the options would show wherever they are printed: name an environment variable "
                   "with passwordEnv, or a file with passwordFile");
  spec.make_sink = [](const SourceOptions& options, const SinkCreateContext&) -> Result<SinkPtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, PostgresSink::Make(options));
    return SinkPtr(s);
  };
  return spec;
}

}  // namespace sluice::postgres
