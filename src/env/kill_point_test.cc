#include "env/kill_point.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "env/atomic_file.h"
#include "env/temp_dir.h"

namespace sluice {
namespace {

// The child process of KillPointTest: when this binary starts with
// SLUICE_KILL_TEST_DIR set, it runs these steps before any test (from a
// static initializer) and exits, so it is not a test of its own. It writes a
// marker file per step, passing kill points in between; the parent reads
// which markers exist to know where the child died.
int RunKillPointChildIfRequested() {
  const char* dir = std::getenv("SLUICE_KILL_TEST_DIR");
  if (dir == nullptr) return 0;
  Env* env = Env::Default();
  for (int i = 1; i <= 3; ++i) {
    if (!env->WriteFile(JoinPath(dir, "step" + std::to_string(i)), "", true).ok()) _exit(3);
    SLUICE_KILL_POINT("test:step");
  }
  if (!WriteFileAtomically(env, JoinPath(dir, "atomic"), "new").ok()) _exit(3);
  if (!env->WriteFile(JoinPath(dir, "done"), "", true).ok()) _exit(3);
  _exit(0);
}
const int kKillPointChild = RunKillPointChildIfRequested();

// Re-executes this test binary (so the env var is read fresh, as in a real
// process); the child runs RunKillPointChildIfRequested and exits.
int RunChild(const std::string& dir, const std::string& kill_at) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("SLUICE_KILL_TEST_DIR", dir.c_str(), 1);
    if (kill_at.empty()) {
      unsetenv("SLUICE_KILL_AT");
    } else {
      setenv("SLUICE_KILL_AT", kill_at.c_str(), 1);
    }
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execl("/proc/self/exe", "kill_point_child", nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(KillPointTest, DiesBySigkillAtTheNamedPoint) {
  TempDir tmp;
  Env* env = Env::Default();
  int status = RunChild(tmp.path(), "test:step");
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_TRUE(env->FileExists(JoinPath(tmp.path(), "step1")));
  EXPECT_FALSE(env->FileExists(JoinPath(tmp.path(), "step2")));
}

TEST(KillPointTest, DiesAtTheNthHit) {
  TempDir tmp;
  Env* env = Env::Default();
  int status = RunChild(tmp.path(), "test:step:2");
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_TRUE(env->FileExists(JoinPath(tmp.path(), "step2")));
  EXPECT_FALSE(env->FileExists(JoinPath(tmp.path(), "step3")));
}

TEST(KillPointTest, KillBeforeRenameLeavesOnlyATempFile) {
  TempDir tmp;
  Env* env = Env::Default();
  int status = RunChild(tmp.path(), "atomic_write:before_rename");
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_FALSE(env->FileExists(JoinPath(tmp.path(), "atomic")));
  int deleted = 0;
  ASSERT_TRUE(CleanTempFiles(env, tmp.path(), &deleted).ok());
  EXPECT_EQ(deleted, 1);
}

TEST(KillPointTest, UnsetRunsToTheEnd) {
  TempDir tmp;
  int status = RunChild(tmp.path(), "");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(Env::Default()->FileExists(JoinPath(tmp.path(), "done")));
}

TEST(KillPointTest, OtherNameDoesNotKill) {
  TempDir tmp;
  int status = RunChild(tmp.path(), "some:other:point");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace sluice
