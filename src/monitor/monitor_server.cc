#include "monitor/monitor_server.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/json_writer.h"
#include "common/redaction.h"
#include "monitor/ui_assets.h"

namespace sluice::monitor {

namespace {

// Totals per query over every batch since the server started listening:
// Prometheus counters must not go down when old records are dropped.
struct QueryTotals {
  int64_t batches = 0;
  int64_t input_rows = 0;
  int64_t output_rows = 0;
  std::map<std::string, int64_t> source_rows;           // by source description
  std::map<std::string, int64_t> dropped_by_watermark;  // by operator name#index
};

class TotalsListener : public StreamingQueryListener {
 public:
  void onQueryProgress(const StreamingQueryProgress& p) override {
    std::lock_guard<std::mutex> l(mu_);
    QueryTotals& t = totals_[p.id];
    t.batches++;
    t.input_rows += p.numInputRows;
    if (p.sink.numOutputRows > 0) t.output_rows += p.sink.numOutputRows;
    for (const auto& s : p.sources) t.source_rows[s.description] += s.numInputRows;
    for (size_t i = 0; i < p.stateOperators.size(); ++i) {
      const auto& op = p.stateOperators[i];
      t.dropped_by_watermark[op.operatorName + "#" + std::to_string(i)] += op.numRowsDroppedByWatermark;
    }
  }
  std::optional<QueryTotals> Get(const std::string& id) const {
    std::lock_guard<std::mutex> l(mu_);
    auto it = totals_.find(id);
    if (it == totals_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, QueryTotals> totals_;
};

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// {"topic":{"0":12,"1":7},...} -> (topic, partition) -> offset. A small
// parser for exactly this shape; anything else gives false.
bool ParseKafkaOffsets(std::string_view s, std::map<std::pair<std::string, std::string>, int64_t>* out) {
  size_t i = 0;
  auto ws = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto str = [&](std::string* v) {
    ws();
    if (i >= s.size() || s[i] != '"') return false;
    size_t e = s.find('"', i + 1);
    if (e == std::string_view::npos) return false;
    *v = std::string(s.substr(i + 1, e - i - 1));
    if (v->find('\\') != std::string::npos) return false;
    i = e + 1;
    return true;
  };
  auto ch = [&](char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (!ch('{')) return false;
  if (ch('}')) return true;
  do {
    std::string topic;
    if (!str(&topic) || !ch(':') || !ch('{')) return false;
    if (!ch('}')) {
      do {
        std::string part;
        if (!str(&part) || !ch(':')) return false;
        ws();
        size_t b = i;
        if (i < s.size() && s[i] == '-') ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        int64_t v = 0;
        if (!ParseInt64(s.substr(b, i - b), &v)) return false;
        (*out)[{topic, part}] = v;
      } while (ch(','));
      if (!ch('}')) return false;
    }
  } while (ch(','));
  if (!ch('}')) return false;
  ws();
  return i == s.size();
}

// Prometheus label value: backslash, double quote and newline escaped.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

class MetricsBuilder {
 public:
  // Declares a family once (HELP and TYPE), then its samples.
  void Family(const std::string& name, const std::string& type, const std::string& help) {
    if (!declared_.insert(name).second) return;
    families_.push_back(name);
    header_[name] = "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void Sample(const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels, double v) {
    std::string line = name;
    if (!labels.empty()) {
      line += "{";
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i) line += ",";
        line += labels[i].first + "=\"" + LabelValue(labels[i].second) + "\"";
      }
      line += "}";
    }
    line += " " + FormatNumber(v) + "\n";
    samples_[name] += line;
  }
  std::string Take() {
    std::string out;
    for (const auto& f : families_) out += header_[f] + samples_[f];
    return out;
  }

 private:
  std::set<std::string> declared_;
  std::vector<std::string> families_;
  std::map<std::string, std::string> header_, samples_;
};

// /proc/self: resident bytes and user+system CPU seconds; -1 when unreadable.
double ProcessRssBytes() {
  std::ifstream f("/proc/self/statm");
  long long size = 0, resident = 0;
  if (!(f >> size >> resident)) return -1;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}
double ProcessCpuSeconds() {
  std::ifstream f("/proc/self/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t rp = all.rfind(')');  // the command name may hold spaces
  if (rp == std::string::npos) return -1;
  std::istringstream in(all.substr(rp + 2));
  std::string field;
  // Fields after the name start at field 3 (state); utime is 14, stime 15.
  unsigned long long utime = 0, stime = 0;
  for (int n = 3; n <= 15 && (in >> field); ++n) {
    if (n == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (n == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void WriteStatus(JsonWriter& w, const StreamingQueryStatus& s) { w.Raw(s.json()); }

}  // namespace

std::optional<int64_t> ParseIsoMillis(const std::string& ts) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  int y, mo, d, h, mi, s;
  int ms = 0;
  char tail[8] = {0};
  if (ts.size() < 20) return std::nullopt;
  if (std::sscanf(ts.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return std::nullopt;
  std::string rest = ts.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t e = 1;
    int digits = 0;
    while (e < rest.size() && std::isdigit(static_cast<unsigned char>(rest[e]))) {
      if (digits < 3) ms = ms * 10 + (rest[e] - '0');
      ++digits;
      ++e;
    }
    for (int k = digits; k < 3; ++k) ms *= 10;
    rest = rest.substr(e);
  }
  (void)tail;
  if (rest != "Z") return std::nullopt;
  // days from civil (Howard Hinnant's algorithm)
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
  return ((days * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + ms;
}

std::vector<PartitionLag> KafkaLag(const std::string& end_offset, const std::string& latest_offset) {
  std::map<std::pair<std::string, std::string>, int64_t> end, latest;
  if (!ParseKafkaOffsets(end_offset, &end) || !ParseKafkaOffsets(latest_offset, &latest)) return {};
  std::vector<PartitionLag> out;
  for (const auto& [key, last] : latest) {
    auto it = end.find(key);
    if (it == end.end()) continue;
    out.push_back({key.first, key.second, std::max<int64_t>(0, last - it->second)});
  }
  return out;
}

struct MonitorServer::Impl {
  StreamingQueryManager* manager;
  Options options;
  std::shared_ptr<TotalsListener> totals = std::make_shared<TotalsListener>();
  mutable std::mutex mu;
  std::function<std::vector<StreamingQuery>()> queries;  // GUARDED_BY(mu)
  httplib::Server server;
  std::thread thread;
  std::atomic<int> port{-1};

  std::vector<StreamingQuery> Queries() const {
    std::function<std::vector<StreamingQuery>()> f;
    {
      std::lock_guard<std::mutex> l(mu);
      f = queries;
    }
    if (f) return f();
    return manager != nullptr ? manager->active() : std::vector<StreamingQuery>{};
  }
  std::optional<StreamingQuery> Find(const std::string& id) const {
    for (auto& q : Queries()) {
      if (q.id() == id) return q;
    }
    return std::nullopt;
  }
};

MonitorServer::MonitorServer(StreamingQueryManager* manager, Options options) : impl_(std::make_unique<Impl>()) {
  impl_->manager = manager;
  impl_->options = std::move(options);
  if (manager != nullptr) manager->addListener(impl_->totals);
}

MonitorServer::~MonitorServer() {
  Stop();
  if (impl_->manager != nullptr) impl_->manager->removeListener(impl_->totals);
}

void MonitorServer::SetQueries(std::function<std::vector<StreamingQuery>()> queries) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->queries = std::move(queries);
}

int MonitorServer::port() const { return impl_->port.load(); }

std::string MonitorServer::url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(port()) + "/";
}

std::string MonitorServer::QueriesJson() const {
  JsonWriter w;
  w.BeginArray();
  for (const auto& q : impl_->Queries()) {
    auto last = q.lastProgress();
    auto recent = q.recentProgress();
    w.BeginObject();
    w.Key("id").String(q.id());
    w.Key("runId").String(q.runId());
    w.Key("name");
    if (q.name().empty()) {
      w.Null();
    } else {
      w.String(q.name());
    }
    w.Key("isActive").Bool(q.isActive());
    w.Key("status");
    WriteStatus(w, q.status());
    w.Key("lastBatchId");
    if (last) {
      w.Int(last->batchId);
    } else {
      w.Null();
    }
    w.Key("numProgress").Int(static_cast<int64_t>(recent.size()));
    w.Key("exception");
    auto ex = q.exception();
    if (ex && !ex->ok()) {
      w.String(ex->ToString());
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

std::optional<std::string> MonitorServer::ProgressJson(const std::string& id, int64_t from_batch) const {
  auto q = impl_->Find(id);
  if (!q) return std::nullopt;
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(id);
  w.Key("progress").BeginArray();
  for (const auto& p : q->recentProgress()) {
    if (p.batchId >= from_batch) w.Raw(p.json());
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

namespace {

void WriteOperator(JsonWriter& w, const PlanOperatorMetrics& op) {
  w.BeginObject();
  w.Key("name").String(op.name);
  w.Key("detail").String(op.detail);
  w.Key("numOutputRows").Int(op.numOutputRows);
  w.Key("timeMs").Double(op.timeMs);
  w.Key("children").BeginArray();
  for (const auto& c : op.children) WriteOperator(w, c);
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::optional<std::string> MonitorServer::PlanJson(const std::string& id) const {
  auto q = impl_->Find(id);
  if (!q) return std::nullopt;
  StreamingQueryPlan plan = q->lastPlan();
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(id);
  w.Key("batchId");
  if (plan.batchId >= 0) {
    w.Int(plan.batchId);
  } else {
    w.Null();
  }
  w.Key("logical").String(plan.logical);
  w.Key("physical").String(plan.physical);
  w.Key("operators").BeginArray();
  for (const auto& op : plan.operators) WriteOperator(w, op);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string MonitorServer::EnvironmentJson() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("version").String(impl_->options.version);
  w.Key("options").BeginObject();
  for (const auto& [k, v] : RedactOptions(impl_->options.environment)) w.Key(k).String(v);
  w.EndObject();
  w.EndObject();
  return w.Take();
}

std::string MonitorServer::MetricsText() const {
  MetricsBuilder m;
  for (const auto& q : impl_->Queries()) {
    const std::string id = q.id();
    const std::vector<std::pair<std::string, std::string>> ql = {{"query", id}, {"name", q.name()}};
    auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
      auto l = ql;
      l.insert(l.end(), extra.begin(), extra.end());
      return l;
    };
    m.Family("sluice_query_active", "gauge", "1 while the query runs, 0 after it ended");
    m.Sample("sluice_query_active", ql, q.isActive() ? 1 : 0);
    auto totals = impl_->totals->Get(id).value_or(QueryTotals{});
    m.Family("sluice_query_batches_total", "counter", "micro-batches completed since the process started");
    m.Sample("sluice_query_batches_total", ql, static_cast<double>(totals.batches));
    m.Family("sluice_query_input_rows_total", "counter", "input rows of the completed batches");
    m.Sample("sluice_query_input_rows_total", ql, static_cast<double>(totals.input_rows));
    m.Family("sluice_query_output_rows_total", "counter", "rows the sink reported written");
    m.Sample("sluice_query_output_rows_total", ql, static_cast<double>(totals.output_rows));
    for (const auto& [src, rows] : totals.source_rows) {
      m.Family("sluice_source_input_rows_total", "counter", "input rows per source");
      m.Sample("sluice_source_input_rows_total", with({{"source", src}}), static_cast<double>(rows));
    }
    for (const auto& [op, rows] : totals.dropped_by_watermark) {
      m.Family("sluice_state_rows_dropped_by_watermark_total", "counter", "late input rows dropped");
      m.Sample("sluice_state_rows_dropped_by_watermark_total", with({{"operator", op}}), static_cast<double>(rows));
    }
    auto last = q.lastProgress();
    if (!last) continue;
    m.Family("sluice_query_last_batch_id", "gauge", "batchId of the last completed batch");
    m.Sample("sluice_query_last_batch_id", ql, static_cast<double>(last->batchId));
    m.Family("sluice_query_input_rows_per_second", "gauge", "input rate of the last batch");
    m.Sample("sluice_query_input_rows_per_second", ql, last->inputRowsPerSecond);
    m.Family("sluice_query_processed_rows_per_second", "gauge", "process rate of the last batch");
    m.Sample("sluice_query_processed_rows_per_second", ql, last->processedRowsPerSecond);
    m.Family("sluice_query_batch_input_rows", "gauge", "input rows of the last batch");
    m.Sample("sluice_query_batch_input_rows", ql, static_cast<double>(last->numInputRows));
    for (const auto& [phase, ms] : last->durationMs) {
      m.Family("sluice_query_batch_duration_seconds", "gauge", "time of the last batch per durationMs key");
      m.Sample("sluice_query_batch_duration_seconds", with({{"phase", phase}}), static_cast<double>(ms) / 1000.0);
    }
    for (size_t i = 0; i < last->stateOperators.size(); ++i) {
      const auto& op = last->stateOperators[i];
      auto l = with({{"operator", op.operatorName + "#" + std::to_string(i)}});
      m.Family("sluice_state_rows", "gauge", "rows in the operator's state after the last batch");
      m.Sample("sluice_state_rows", l, static_cast<double>(op.numRowsTotal));
      m.Family("sluice_state_memory_bytes", "gauge", "memory of the operator's state");
      m.Sample("sluice_state_memory_bytes", l, static_cast<double>(op.memoryUsedBytes));
    }
    auto wm = last->eventTime.find("watermark");
    if (wm != last->eventTime.end()) {
      auto trigger = ParseIsoMillis(last->timestamp);
      auto mark = ParseIsoMillis(wm->second);
      if (trigger && mark) {
        m.Family("sluice_watermark_lag_seconds", "gauge", "the last batch's trigger time minus its watermark");
        m.Sample("sluice_watermark_lag_seconds", ql, static_cast<double>(*trigger - *mark) / 1000.0);
      }
    }
    for (const auto& s : last->sources) {
      m.Family("sluice_source_input_rows_per_second", "gauge", "input rate per source, last batch");
      m.Sample("sluice_source_input_rows_per_second", with({{"source", s.description}}), s.inputRowsPerSecond);
      for (const auto& lag : KafkaLag(s.endOffset, s.latestOffset)) {
        m.Family("sluice_kafka_lag_records", "gauge", "records between the last batch's end and the latest offset");
        m.Sample("sluice_kafka_lag_records",
                 with({{"source", s.description}, {"topic", lag.topic}, {"partition", lag.partition}}),
                 static_cast<double>(lag.lag));
      }
    }
  }
  double rss = ProcessRssBytes();
  if (rss >= 0) {
    m.Family("sluice_process_resident_memory_bytes", "gauge", "resident set size (/proc/self/statm)");
    m.Sample("sluice_process_resident_memory_bytes", {}, rss);
  }
  double cpu = ProcessCpuSeconds();
  if (cpu >= 0) {
    m.Family("sluice_process_cpu_seconds_total", "counter", "user and system CPU time (/proc/self/stat)");
    m.Sample("sluice_process_cpu_seconds_total", {}, cpu);
  }
  return m.Take();
}

namespace {

void Reply(httplib::Response& res, int status, const std::string& body, const char* type) {
  res.status = status;
  res.set_content(body, type);
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
}

void Error(httplib::Response& res, int status, const std::string& message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(message).EndObject();
  Reply(res, status, w.Take(), "application/json");
}

bool SameSecret(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) return false;
  unsigned char diff = 0;  // the same time whatever the first difference
  for (size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

bool TokenMatches(const std::string& header, const std::string& token) { return SameSecret(header, "Bearer " + token); }

// The name of the cookie that carries the token for a browser: a browser
// cannot send an Authorization header when it opens the page or loads the
// page's scripts, so the page is opened once as /?token=T, which sets this
// cookie (HttpOnly: scripts cannot read it; SameSite=Strict: other sites'
// pages cannot send it), and every later request of the page carries it.
constexpr std::string_view kTokenCookie = "sluice_ui_token";

// The value of cookie `name` in a Cookie header ("a=1; b=2"), empty if absent.
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

// True when the request carries the token: as a bearer header (API clients,
// the page's own fetches), as the cookie (the page's files), or as ?token= on
// the page itself (/), which then also sets the cookie.
bool Authorized(const httplib::Request& req, httplib::Response& res, const std::string& token) {
  if (TokenMatches(req.get_header_value("Authorization"), token)) return true;
  if (SameSecret(CookieValue(req.get_header_value("Cookie"), kTokenCookie), token)) return true;
  if (req.path == "/" && req.has_param("token") && SameSecret(req.get_param_value("token"), token)) {
    res.set_header("Set-Cookie", std::string(kTokenCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
    return true;
  }
  return false;
}

}  // namespace

Status MonitorServer::Start() {
  Impl* impl = impl_.get();
  auto& svr = impl->server;
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  svr.set_keep_alive_max_count(100);
  svr.set_payload_max_length(64 * 1024);
  svr.new_task_queue = [] { return new httplib::ThreadPool(4); };
  svr.set_pre_routing_handler([impl](const httplib::Request& req, httplib::Response& res) {
    if (!impl->options.token.empty() && !Authorized(req, res, impl->options.token)) {
      res.set_header("WWW-Authenticate", "Bearer");
      Error(res, 401, "a bearer token is required (--ui-token / SLUICE_UI_TOKEN)");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      Error(res, 405, "only GET");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.Get("/api/v1/streaming/queries", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, QueriesJson(), "application/json");
  });
  svr.Get(R"(/api/v1/streaming/queries/([0-9A-Za-z-]{1,64})/progress)",
          [this](const httplib::Request& req, httplib::Response& res) {
            int64_t from = 0;
            if (req.has_param("from") && !ParseInt64(req.get_param_value("from"), &from)) {
              Error(res, 400, "'from' must be a batch id (an integer)");
              return;
            }
            auto body = ProgressJson(req.matches[1], from);
            if (!body) return Error(res, 404, "no such query");
            Reply(res, 200, *body, "application/json");
          });
  svr.Get(R"(/api/v1/streaming/queries/([0-9A-Za-z-]{1,64})/plan)",
          [this](const httplib::Request& req, httplib::Response& res) {
            auto body = PlanJson(req.matches[1]);
            if (!body) return Error(res, 404, "no such query");
            Reply(res, 200, *body, "application/json");
          });
  svr.Get("/api/v1/environment", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, EnvironmentJson(), "application/json");
  });
  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, MetricsText(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Everything else: an embedded asset or a 404. Never the file system.
  svr.Get(R"(/.*)", [](const httplib::Request& req, httplib::Response& res) {
    const UiAsset* a = FindUiAsset(req.path);
    if (a == nullptr) return Error(res, 404, "not found");
    Reply(res, 200, std::string(a->body), std::string(a->content_type).c_str());
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Error(res, 500, "internal error");
  });

  const auto& o = impl->options;
  int bound = -1;
  if (o.port == 0) {
    bound = svr.bind_to_any_port(o.host);
  } else {
    for (int p = o.port; p <= o.port + 100 && p <= 65535; ++p) {
      if (svr.bind_to_port(o.host, p)) {
        bound = p;
        break;
      }
    }
  }
  if (bound <= 0) {
    return Status::IOError("the UI server cannot listen on " + o.host + " port " + std::to_string(o.port) +
                           " or the next 100 ports (--ui-port, --no-ui)");
  }
  impl->port = bound;
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  // httplib's stop() does nothing before the loop runs, so a Stop() right
  // after Start() (a job of one short batch) would leave join() waiting for
  // ever: wait until the server is running.
  for (int i = 0; i < 5000 && !svr.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::OK();
}

void MonitorServer::Stop() {
  if (!impl_->thread.joinable()) return;
  // Again until the loop is seen to end (see Start()).
  while (true) {
    impl_->server.stop();
    if (!impl_->server.is_running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->thread.join();
}

}  // namespace sluice::monitor
