#include "connectors/kafka/test_broker.h"

#include <librdkafka/rdkafka.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <deque>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "connectors/kafka/kafka_config.h"

extern char** environ;

#ifndef SLUICE_KAFKA_BROKER_SCRIPT
#define SLUICE_KAFKA_BROKER_SCRIPT "scripts/kafka/broker.sh"
#endif

namespace sluice::kafka {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kAdminTimeout = std::chrono::seconds(30);

// Runs argv with extra environment entries; returns its exit code and puts
// its stdout and stderr (merged) into *output.
Result<int> RunProcess(const std::vector<std::string>& argv,
                       const std::vector<std::string>& extra_env, std::string* output) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& kv : extra_env) env_strings.push_back(kv);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  int fds[2];
  if (pipe(fds) != 0) return Status::IOError(fmt::format("pipe: {}", std::strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::IOError(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    // Keep the test's own descriptors (sockets, files) out of the broker.
    for (int fd = 3; fd < 4096; ++fd) close(fd);
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  output->clear();
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      output->append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::IOError(fmt::format("waitpid: {}", std::strerror(errno)));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// A producer handle used only for admin requests and metadata.
class AdminClient {
 public:
  static Result<std::unique_ptr<AdminClient>> Connect(const std::string& bootstrap) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(err);
    }
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    SetLogCallback(conf);
    rd_kafka_t* rk = NewKafkaClient(RD_KAFKA_PRODUCER, conf, err, sizeof err, "test broker admin");
    if (rk == nullptr) return Status::Internal(fmt::format("rd_kafka_new: {}", err));
    return std::unique_ptr<AdminClient>(new AdminClient(rk));
  }
  ~AdminClient() {
    rd_kafka_queue_destroy(queue_);
    rd_kafka_destroy(rk_);
    ForgetClientTag(rk_);
  }
  rd_kafka_t* rk() const { return rk_; }
  rd_kafka_queue_t* queue() const { return queue_; }

  // Waits for the result event of one admin request.
  Result<rd_kafka_event_t*> Wait(rd_kafka_event_type_t type) {
    auto deadline = Clock::now() + kAdminTimeout;
    while (Clock::now() < deadline) {
      rd_kafka_event_t* ev = rd_kafka_queue_poll(queue_, 1000);
      if (ev == nullptr) continue;
      if (rd_kafka_event_type(ev) == type) {
        if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          Status s = Status::IOError(rd_kafka_event_error_string(ev));
          rd_kafka_event_destroy(ev);
          return s;
        }
        return ev;
      }
      rd_kafka_event_destroy(ev);
    }
    return Status::IOError("timed out waiting for the broker's answer to an admin request");
  }

  rd_kafka_AdminOptions_t* Options(rd_kafka_admin_op_t op) {
    char err[256];
    rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk_, op);
    rd_kafka_AdminOptions_set_request_timeout(o, 30000, err, sizeof err);
    rd_kafka_AdminOptions_set_operation_timeout(o, 30000, err, sizeof err);
    return o;
  }

  // Partition count and whether all partitions have a leader; -1 if the
  // topic does not exist.
  Result<std::pair<int, bool>> Describe(const std::string& topic) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk_, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::IOError(rd_kafka_err2str(e));
    std::pair<int, bool> r{-1, false};
    for (int i = 0; i < md->topic_cnt; ++i) {
      const auto& t = md->topics[i];
      if (topic != t.topic) continue;
      if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) break;
      if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        r = {0, false};
        break;
      }
      bool all_led = true;
      for (int p = 0; p < t.partition_cnt; ++p) {
        if (t.partitions[p].leader < 0 || t.partitions[p].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          all_led = false;
        }
      }
      r = {t.partition_cnt, all_led};
    }
    rd_kafka_metadata_destroy(md);
    return r;
  }

 private:
  explicit AdminClient(rd_kafka_t* rk) : rk_(rk), queue_(rd_kafka_queue_new(rk)) {}
  rd_kafka_t* rk_;
  rd_kafka_queue_t* queue_;
};

Status CheckTopicResults(const rd_kafka_topic_result_t** results, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      std::string text = fmt::format("topic {}: {}", rd_kafka_topic_result_name(results[i]),
                                     msg ? msg : rd_kafka_err2str(e));
      if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return Status::AlreadyExists(text);
      if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return Status::NotFound(text);
      return Status::IOError(text);
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<TestKafkaBroker>> TestKafkaBroker::Start(Options options) {
  std::unique_ptr<TestKafkaBroker> b(new TestKafkaBroker());
  b->options_ = std::move(options);
  const char* script = std::getenv("SLUICE_KAFKA_BROKER_SCRIPT");
  b->script_ = script != nullptr && *script != '\0' ? script : SLUICE_KAFKA_BROKER_SCRIPT;
  if (!std::filesystem::exists(b->script_)) {
    return Status::NotFound(fmt::format("broker script {} not found (set SLUICE_KAFKA_BROKER_SCRIPT)",
                                        b->script_));
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = fmt::format("{}/sluice-kafka-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(templ.data()) == nullptr) {
    return Status::IOError(fmt::format("mkdtemp {}: {}", templ, std::strerror(errno)));
  }
  b->temp_dir_ = templ;
  b->broker_dir_ = templ + "/broker";
  SLUICE_RETURN_NOT_OK(b->StartProcess());
  return b;
}

TestKafkaBroker::~TestKafkaBroker() {
  if (!broker_dir_.empty()) {
    std::string out;
    auto rc = RunScript("stop", "", &out);
    if (!rc.ok()) std::fprintf(stderr, "TestKafkaBroker: stop failed: %s\n", rc.ToString().c_str());
  }
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

Status TestKafkaBroker::RunScript(const std::string& command, const std::string& extra_arg,
                                  std::string* output) const {
  std::vector<std::string> argv = {"/bin/bash", script_, "--dir", broker_dir_, command};
  if (!extra_arg.empty()) argv.push_back(extra_arg);
  if (command == "start") {
    argv.push_back("--owner-pid");
    argv.push_back(std::to_string(getpid()));
  }
  std::vector<std::string> env;
  if (options_.start_timeout_seconds > 0) {
    env.push_back(fmt::format("SLUICE_KAFKA_START_TIMEOUT={}", options_.start_timeout_seconds));
  }
  if (!options_.heap.empty()) env.push_back("SLUICE_KAFKA_HEAP=" + options_.heap);
  auto rc = RunProcess(argv, env, output);
  if (!rc.ok()) return rc.status();
  if (*rc != 0) {
    return Status::IOError(
        fmt::format("scripts/kafka/broker.sh {} exited with {}:\n{}", command, *rc, *output));
  }
  return Status::OK();
}

Status TestKafkaBroker::StartProcess() {
  std::string out;
  SLUICE_RETURN_NOT_OK(RunScript("start", "", &out));
  auto pos = out.rfind("KAFKA_BOOTSTRAP=");
  if (pos == std::string::npos) {
    return Status::Internal("broker.sh start printed no KAFKA_BOOTSTRAP line:\n" + out);
  }
  auto end = out.find('\n', pos);
  bootstrap_ = out.substr(pos + 16, end == std::string::npos ? std::string::npos : end - pos - 16);
  running_ = true;
  return Status::OK();
}

Status TestKafkaBroker::Shutdown() {
  if (!running_) return Status::OK();
  std::string out;
  SLUICE_RETURN_NOT_OK(RunScript("stop", "--keep", &out));
  running_ = false;
  return Status::OK();
}

Status TestKafkaBroker::Resume() {
  if (running_) return Status::OK();
  std::string old = bootstrap_;
  SLUICE_RETURN_NOT_OK(StartProcess());
  if (bootstrap_ != old) {
    return Status::Internal(fmt::format("broker came back on {} instead of {}", bootstrap_, old));
  }
  return Status::OK();
}

Status TestKafkaBroker::Restart() {
  SLUICE_RETURN_NOT_OK(Shutdown());
  return Resume();
}

std::string TestKafkaBroker::LogTail(int lines) const {
  std::ifstream in(broker_dir_ + "/broker.log");
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string r;
  for (const auto& l : tail) r += l + "\n";
  return r;
}

Status TestKafkaBroker::WaitForTopic(const std::string& name, int partitions, bool present) {
  auto admin = AdminClient::Connect(bootstrap_);
  if (!admin.ok()) return admin.status();
  auto deadline = Clock::now() + kAdminTimeout;
  std::string last;
  while (Clock::now() < deadline) {
    auto d = (*admin)->Describe(name);
    if (d.ok()) {
      if (!present && d->first < 0) return Status::OK();
      if (present && d->first >= partitions && d->second) return Status::OK();
      last = fmt::format("{} partitions, all led: {}", d->first, d->second);
    } else {
      last = d.status().ToString();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::IOError(fmt::format("topic {} did not {} within 30 s (last seen: {})", name,
                                     present ? "become ready" : "disappear", last));
}

Status TestKafkaBroker::CreateTopic(const std::string& name, int partitions,
                                    const std::map<std::string, std::string>& configs) {
  auto admin = AdminClient::Connect(bootstrap_);
  if (!admin.ok()) return admin.status();
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, err, sizeof err);
  if (nt == nullptr) return Status::InvalidArgument(err);
  for (const auto& [k, v] : configs) {
    rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
  }
  rd_kafka_AdminOptions_t* opts = (*admin)->Options(RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_CreateTopics((*admin)->rk(), &nt, 1, opts, (*admin)->queue());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  auto ev = (*admin)->Wait(RD_KAFKA_EVENT_CREATETOPICS_RESULT);
  if (!ev.ok()) return ev.status().WithContext("CreateTopic " + name);
  size_t n = 0;
  const auto* res = rd_kafka_event_CreateTopics_result(*ev);
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
  Status s = CheckTopicResults(results, n);
  rd_kafka_event_destroy(*ev);
  SLUICE_RETURN_NOT_OK(s);
  return WaitForTopic(name, partitions, true);
}

Status TestKafkaBroker::DeleteTopic(const std::string& name) {
  auto admin = AdminClient::Connect(bootstrap_);
  if (!admin.ok()) return admin.status();
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(name.c_str());
  rd_kafka_AdminOptions_t* opts = (*admin)->Options(RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_DeleteTopics((*admin)->rk(), &dt, 1, opts, (*admin)->queue());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_DeleteTopic_destroy(dt);
  auto ev = (*admin)->Wait(RD_KAFKA_EVENT_DELETETOPICS_RESULT);
  if (!ev.ok()) return ev.status().WithContext("DeleteTopic " + name);
  size_t n = 0;
  const auto* res = rd_kafka_event_DeleteTopics_result(*ev);
  const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(res, &n);
  Status s = CheckTopicResults(results, n);
  rd_kafka_event_destroy(*ev);
  SLUICE_RETURN_NOT_OK(s);
  return WaitForTopic(name, 0, false);
}

Status TestKafkaBroker::AddPartitions(const std::string& name, int total_partitions) {
  auto admin = AdminClient::Connect(bootstrap_);
  if (!admin.ok()) return admin.status();
  char err[512];
  rd_kafka_NewPartitions_t* np =
      rd_kafka_NewPartitions_new(name.c_str(), static_cast<size_t>(total_partitions), err, sizeof err);
  if (np == nullptr) return Status::InvalidArgument(err);
  rd_kafka_AdminOptions_t* opts = (*admin)->Options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
  rd_kafka_CreatePartitions((*admin)->rk(), &np, 1, opts, (*admin)->queue());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewPartitions_destroy(np);
  auto ev = (*admin)->Wait(RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT);
  if (!ev.ok()) return ev.status().WithContext("AddPartitions " + name);
  size_t n = 0;
  const auto* res = rd_kafka_event_CreatePartitions_result(*ev);
  const rd_kafka_topic_result_t** results = rd_kafka_CreatePartitions_result_topics(res, &n);
  Status s = CheckTopicResults(results, n);
  rd_kafka_event_destroy(*ev);
  SLUICE_RETURN_NOT_OK(s);
  return WaitForTopic(name, total_partitions, true);
}

Result<int> TestKafkaBroker::PartitionCount(const std::string& name) {
  auto admin = AdminClient::Connect(bootstrap_);
  if (!admin.ok()) return admin.status();
  auto d = (*admin)->Describe(name);
  if (!d.ok()) return d.status();
  if (d->first < 0) return Status::NotFound("no topic " + name);
  return d->first;
}

}  // namespace sluice::kafka
