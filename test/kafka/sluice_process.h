// Runs the sluice binary (SLUICE_BINARY, a compile definition of the broker
// tests) as a child process, for the tests that kill it at a kill point.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace sluice::kafka::testing {

// Runs `sluice run job` with SLUICE_KILL_AT=kill_at (empty: unset), stderr
// to `log` and stdout discarded; returns the wait status.
inline int RunSluice(const std::string& job, const std::string& kill_at, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (kill_at.empty()) {
      unsetenv("SLUICE_KILL_AT");
    } else {
      setenv("SLUICE_KILL_AT", kill_at.c_str(), 1);
    }
    FILE* f = freopen(log.c_str(), "w", stderr);
    (void)f;
    FILE* o = freopen("/dev/null", "w", stdout);
    (void)o;
    execl(SLUICE_BINARY, SLUICE_BINARY, "run", job.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The whole text of `path` ("" when it cannot be read).
inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace sluice::kafka::testing
