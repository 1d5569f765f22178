#include "env/env.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "env/mem_env.h"
#include "env/temp_dir.h"

namespace sluice {
namespace {

// The same contract tests run against PosixEnv (in a temp dir) and MemEnv.
class EnvContractTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      env_ = Env::Default();
      root_ = tmp_.path();
    } else {
      env_ = &mem_;
      root_ = "/root";
      ASSERT_TRUE(mem_.CreateDir(root_).ok());
    }
  }
  std::string P(const std::string& name) { return JoinPath(root_, name); }
  std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  TempDir tmp_;
  MemEnv mem_;
  Env* env_ = nullptr;
  std::string root_;
};

TEST_P(EnvContractTest, WriteReadAppend) {
  ASSERT_TRUE(env_->WriteFile(P("a"), "hello", true).ok());
  std::string s;
  ASSERT_TRUE(env_->ReadFileToString(P("a"), &s).ok());
  EXPECT_EQ(s, "hello");
  auto f = env_->NewAppendableFile(P("a"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(" world").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(env_->ReadFileToString(P("a"), &s).ok());
  EXPECT_EQ(s, "hello world");
  EXPECT_EQ(*env_->GetFileSize(P("a")), 11u);
  EXPECT_GT(*env_->GetFileModificationTimeMs(P("a")), 0);
  // Truncating open.
  ASSERT_TRUE(env_->WriteFile(P("a"), "x", false).ok());
  ASSERT_TRUE(env_->ReadFileToString(P("a"), &s).ok());
  EXPECT_EQ(s, "x");
}

// Put-if-absent: the first rename to a name wins, the second fails with
// AlreadyExists and leaves both files as they were (the Delta sink's commit).
TEST_P(EnvContractTest, RenameNoReplace) {
  ASSERT_TRUE(env_->WriteFile(P("a.tmp"), "first", true).ok());
  ASSERT_TRUE(env_->WriteFile(P("b.tmp"), "second", true).ok());
  ASSERT_TRUE(env_->RenameNoReplace(P("a.tmp"), P("v1")).ok());
  EXPECT_FALSE(env_->FileExists(P("a.tmp")));
  Status s = env_->RenameNoReplace(P("b.tmp"), P("v1"));
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_NE(s.message().find("v1"), std::string::npos) << s.ToString();
  std::string got;
  ASSERT_TRUE(env_->ReadFileToString(P("v1"), &got).ok());
  EXPECT_EQ(got, "first");
  ASSERT_TRUE(env_->ReadFileToString(P("b.tmp"), &got).ok());
  EXPECT_EQ(got, "second");
  EXPECT_EQ(env_->RenameNoReplace(P("missing"), P("v2")).code(), StatusCode::kNotFound);
}

TEST_P(EnvContractTest, LargeFileRoundTrip) {
  std::string big(300000, 'q');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(env_->WriteFile(P("big"), big, true).ok());
  std::string s;
  ASSERT_TRUE(env_->ReadFileToString(P("big"), &s).ok());
  EXPECT_EQ(s, big);
}

TEST_P(EnvContractTest, MissingFilesAreNotFound) {
  std::string s;
  Status st = env_->ReadFileToString(P("nope"), &s);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  EXPECT_NE(st.message().find(P("nope")), std::string::npos);
  EXPECT_FALSE(env_->FileExists(P("nope")));
  EXPECT_EQ(env_->GetFileSize(P("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->DeleteFile(P("nope")).code(), StatusCode::kNotFound);
  // Parent directory must exist.
  EXPECT_FALSE(env_->NewWritableFile(P("no/such/dir/file")).ok());
}

TEST_P(EnvContractTest, DirectoriesAndListing) {
  ASSERT_TRUE(env_->CreateDirRecursive(P("x/y/z")).ok());
  ASSERT_TRUE(env_->CreateDir(P("x")).ok());  // exists: OK
  ASSERT_TRUE(env_->WriteFile(P("x/f1"), "1", false).ok());
  ASSERT_TRUE(env_->WriteFile(P("x/f2"), "2", false).ok());
  auto names = env_->ListDir(P("x"));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(Sorted(*names), (std::vector<std::string>{"f1", "f2", "y"}));
  EXPECT_FALSE(env_->CreateDir(P("x/f1")).ok());  // a file is in the way
  EXPECT_FALSE(env_->DeleteDir(P("x")).ok());     // not empty
  ASSERT_TRUE(env_->DeleteDir(P("x/y/z")).ok());
  ASSERT_TRUE(env_->SyncDir(P("x")).ok());
  EXPECT_EQ(env_->ListDir(P("missing")).status().code(), StatusCode::kNotFound);
}

TEST_P(EnvContractTest, RandomAccessReads) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>('a' + (i * 7) % 26));
  ASSERT_TRUE(env_->WriteFile(P("r"), data, false).ok());
  auto f = env_->NewRandomAccessFile(P("r"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->path(), P("r"));
  (*f)->HintSequential(0, data.size());
  std::string buf(70000, '\0');
  size_t got = 0;
  // From the middle, in full.
  ASSERT_TRUE((*f)->Read(12345, 50000, buf.data(), &got).ok());
  ASSERT_EQ(got, 50000u);
  EXPECT_EQ(buf.substr(0, got), data.substr(12345, 50000));
  // Across the end: a short read.
  ASSERT_TRUE((*f)->Read(60000, 70000, buf.data(), &got).ok());
  ASSERT_EQ(got, 40000u);
  EXPECT_EQ(buf.substr(0, got), data.substr(60000));
  // At and past the end: nothing.
  ASSERT_TRUE((*f)->Read(100000, 10, buf.data(), &got).ok());
  EXPECT_EQ(got, 0u);
  ASSERT_TRUE((*f)->Read(200000, 10, buf.data(), &got).ok());
  EXPECT_EQ(got, 0u);
  auto missing = env_->NewRandomAccessFile(P("nope"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(P("nope")), std::string::npos);
}

TEST_P(EnvContractTest, FileAttributesAndListingWithThem) {
  ASSERT_TRUE(env_->CreateDir(P("d")).ok());
  ASSERT_TRUE(env_->CreateDir(P("d/sub")).ok());
  ASSERT_TRUE(env_->WriteFile(P("d/a.json"), "12345", false).ok());
  ASSERT_TRUE(env_->WriteFile(P("d/empty"), "", false).ok());

  auto file = env_->GetFileAttributes(P("d/a.json"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->name, "a.json");
  EXPECT_EQ(file->type, FileType::kRegular);
  EXPECT_EQ(file->size, 5u);
  EXPECT_EQ(file->mtime_ms, *env_->GetFileModificationTimeMs(P("d/a.json")));
  auto dir = env_->GetFileAttributes(P("d/sub"));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->type, FileType::kDirectory);
  EXPECT_EQ(env_->GetFileAttributes(P("d/missing")).status().code(), StatusCode::kNotFound);
  // Below a file: does not exist either.
  EXPECT_EQ(env_->GetFileAttributes(P("d/a.json/x")).status().code(), StatusCode::kNotFound);

  auto entries = env_->ListDirWithAttributes(P("d"));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  std::sort(entries->begin(), entries->end(),
            [](const FileAttributes& x, const FileAttributes& y) { return x.name < y.name; });
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].name, "a.json");
  EXPECT_EQ((*entries)[0].type, FileType::kRegular);
  EXPECT_EQ((*entries)[0].size, 5u);
  EXPECT_EQ((*entries)[1].name, "empty");
  EXPECT_EQ((*entries)[1].size, 0u);
  EXPECT_EQ((*entries)[2].name, "sub");
  EXPECT_EQ((*entries)[2].type, FileType::kDirectory);
  EXPECT_EQ(env_->ListDirWithAttributes(P("nope")).status().code(), StatusCode::kNotFound);
}

TEST_P(EnvContractTest, RenameReplacesTarget) {
  ASSERT_TRUE(env_->WriteFile(P("src"), "new", true).ok());
  ASSERT_TRUE(env_->WriteFile(P("dst"), "old", true).ok());
  ASSERT_TRUE(env_->RenameFile(P("src"), P("dst")).ok());
  std::string s;
  ASSERT_TRUE(env_->ReadFileToString(P("dst"), &s).ok());
  EXPECT_EQ(s, "new");
  EXPECT_FALSE(env_->FileExists(P("src")));
  EXPECT_FALSE(env_->RenameFile(P("src"), P("dst")).ok());
}

TEST_P(EnvContractTest, SecondLockInSameProcessFails) {
  auto l1 = env_->LockFile(P("LOCK"));
  ASSERT_TRUE(l1.ok()) << l1.status().ToString();
  auto l2 = env_->LockFile(P("LOCK"));
  ASSERT_FALSE(l2.ok());
  EXPECT_EQ(l2.status().code(), StatusCode::kIOError);
  EXPECT_NE(l2.status().message().find(P("LOCK")), std::string::npos);
  ASSERT_TRUE(env_->UnlockFile(std::move(*l1)).ok());
  auto l3 = env_->LockFile(P("LOCK"));
  EXPECT_TRUE(l3.ok());
}

// A directory lock outlives every file in the directory: deleting one does
// not release it, and a second lock on the directory fails.
TEST_P(EnvContractTest, DirectoryLockSurvivesDeletingFilesInIt) {
  ASSERT_TRUE(env_->CreateDir(P("ckpt")).ok());
  ASSERT_TRUE(env_->WriteFile(P("ckpt/LOCK"), "", false).ok());
  auto l1 = env_->LockDirectory(P("ckpt"));
  ASSERT_TRUE(l1.ok()) << l1.status().ToString();
  EXPECT_EQ((*l1)->path(), P("ckpt"));
  ASSERT_TRUE(env_->DeleteFile(P("ckpt/LOCK")).ok());
  auto l2 = env_->LockDirectory(P("ckpt"));
  ASSERT_FALSE(l2.ok());
  EXPECT_EQ(l2.status().code(), StatusCode::kIOError);
  EXPECT_NE(l2.status().message().find("already held"), std::string::npos) << l2.status().ToString();
  EXPECT_NE(l2.status().message().find(P("ckpt")), std::string::npos) << l2.status().ToString();
  ASSERT_TRUE(env_->UnlockFile(std::move(*l1)).ok());
  auto l3 = env_->LockDirectory(P("ckpt"));
  EXPECT_TRUE(l3.ok()) << l3.status().ToString();
}

TEST_P(EnvContractTest, DirectoryLockNeedsTheDirectory) {
  auto l = env_->LockDirectory(P("missing"));
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), StatusCode::kNotFound) << l.status().ToString();
  EXPECT_NE(l.status().message().find(P("missing")), std::string::npos) << l.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Envs, EnvContractTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Posix" : "Mem"; });

TEST(PosixEnvTest, LockHeldByAnotherProcess) {
  TempDir tmp;
  Env* env = Env::Default();
  std::string lock_path = JoinPath(tmp.path(), "LOCK");
  int to_child[2], to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: take the lock, tell the parent, wait to be released.
    auto lock = env->LockFile(lock_path);
    char c = lock.ok() ? 'L' : 'E';
    if (write(to_parent[1], &c, 1) != 1) _exit(2);
    if (read(to_child[0], &c, 1) != 1) _exit(3);
    _exit(lock.ok() ? 0 : 1);
  }
  char c = 0;
  ASSERT_EQ(read(to_parent[0], &c, 1), 1);
  ASSERT_EQ(c, 'L');
  auto mine = env->LockFile(lock_path);
  ASSERT_FALSE(mine.ok());
  EXPECT_NE(mine.status().message().find("another process"), std::string::npos)
      << mine.status().ToString();
  ASSERT_EQ(write(to_child[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The child is gone: its lock died with it.
  auto again = env->LockFile(lock_path);
  EXPECT_TRUE(again.ok()) << again.status().ToString();
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) close(fd);
}

// The lock is on the directory, held through an open descriptor: another
// process cannot take it, even after the files in it are deleted.
TEST(PosixEnvTest, DirectoryLockHeldByAnotherProcessSurvivesDeletion) {
  TempDir tmp;
  Env* env = Env::Default();
  std::string dir = JoinPath(tmp.path(), "ckpt");
  ASSERT_TRUE(env->CreateDir(dir).ok());
  ASSERT_TRUE(env->WriteFile(JoinPath(dir, "LOCK"), "", false).ok());
  int to_child[2], to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto lock = env->LockDirectory(dir);
    char c = lock.ok() ? 'L' : 'E';
    if (write(to_parent[1], &c, 1) != 1) _exit(2);
    if (read(to_child[0], &c, 1) != 1) _exit(3);
    _exit(lock.ok() ? 0 : 1);
  }
  char c = 0;
  ASSERT_EQ(read(to_parent[0], &c, 1), 1);
  ASSERT_EQ(c, 'L');
  ASSERT_TRUE(env->DeleteFile(JoinPath(dir, "LOCK")).ok());
  auto mine = env->LockDirectory(dir);
  ASSERT_FALSE(mine.ok());
  EXPECT_NE(mine.status().message().find("already held by another process"), std::string::npos)
      << mine.status().ToString();
  ASSERT_EQ(write(to_child[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto again = env->LockDirectory(dir);
  EXPECT_TRUE(again.ok()) << again.status().ToString();
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) close(fd);
}

TEST(PathTest, Helpers) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
  EXPECT_EQ(DirName("/a/b/"), "/a");
  EXPECT_EQ(BaseName("a/b/c"), "c");
  EXPECT_EQ(BaseName("c"), "c");
}

}  // namespace
}  // namespace sluice
