#include "env/fault_injection_env.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "env/atomic_file.h"
#include "env/mem_env.h"

namespace sluice {
namespace {

using Op = FaultInjectionEnv::Op;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mem_.CreateDir("/d").ok()); }
  std::string Read(const std::string& path) {
    std::string s;
    Status st = mem_.ReadFileToString(path, &s);
    return st.ok() ? s : "<" + st.ToString() + ">";
  }
  std::vector<std::string> List(const std::string& dir) {
    auto v = mem_.ListDir(dir);
    EXPECT_TRUE(v.ok());
    std::sort(v->begin(), v->end());
    return *v;
  }

  MemEnv mem_;
  FaultInjectionEnv env_{&mem_};
};

TEST_F(FaultInjectionTest, NthOperationFails) {
  env_.FailNth(Op::kAppend, 2);
  auto f = env_.NewWritableFile("/d/a");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)->Append("1").ok());
  Status s = (*f)->Append("2");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "injected fault: write /d/a");
  EXPECT_TRUE((*f)->Append("3").ok());  // only the 2nd one fails
  EXPECT_EQ(env_.Count(Op::kAppend), 3);

  env_.FailNth(Op::kSync, 1);
  EXPECT_FALSE((*f)->Sync().ok());
  EXPECT_TRUE((*f)->Sync().ok());

  env_.FailAll(Op::kRename);
  EXPECT_FALSE(env_.RenameFile("/d/a", "/d/b").ok());
  EXPECT_FALSE(env_.RenameFile("/d/a", "/d/b").ok());
  env_.ClearFaults();
  EXPECT_TRUE(env_.RenameFile("/d/a", "/d/b").ok());
}

TEST_F(FaultInjectionTest, ReadsAndListingsFail) {
  ASSERT_TRUE(mem_.WriteFile("/d/a", "abcdef", false).ok());
  auto f = env_.NewRandomAccessFile("/d/a");
  ASSERT_TRUE(f.ok());
  char buf[8];
  size_t got = 0;
  env_.FailNth(Op::kRead, 2);
  ASSERT_TRUE((*f)->Read(1, 3, buf, &got).ok());
  EXPECT_EQ(std::string(buf, got), "bcd");
  Status s = (*f)->Read(0, 6, buf, &got);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "injected fault: read /d/a");
  EXPECT_EQ(got, 0u);
  ASSERT_TRUE((*f)->Read(0, 6, buf, &got).ok());
  EXPECT_EQ(std::string(buf, got), "abcdef");

  // Sequential files count as reads too.
  env_.FailNth(Op::kRead, 1);
  std::string out;
  EXPECT_EQ(env_.ReadFileToString("/d/a", &out).message(), "injected fault: read /d/a");
  EXPECT_TRUE(env_.ReadFileToString("/d/a", &out).ok());
  EXPECT_EQ(out, "abcdef");
  // Three random reads; the failed ReadFileToString; data and end of file.
  EXPECT_EQ(env_.Count(Op::kRead), 3 + 1 + 2);

  env_.FailAll(Op::kListDir);
  EXPECT_EQ(env_.ListDir("/d").status().message(), "injected fault: list directory /d");
  EXPECT_EQ(env_.ListDirWithAttributes("/d").status().message(), "injected fault: list directory /d");
  env_.ClearFaults();
  auto entries = env_.ListDirWithAttributes("/d");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].name, "a");
  EXPECT_EQ((*entries)[0].size, 6u);
}

TEST_F(FaultInjectionTest, CrashDropsUnsyncedBytes) {
  ASSERT_TRUE(env_.WriteFile("/d/a", "durable", true).ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  auto f = env_.NewAppendableFile("/d/a");
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("+synced").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append("+lost").ok());
  EXPECT_EQ(Read("/d/a"), "durable+synced+lost");
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/a"), "durable+synced");
  // The handle died with the "machine".
  EXPECT_FALSE((*f)->Append("x").ok());
}

TEST_F(FaultInjectionTest, CrashRemovesFilesWhoseDirWasNotSynced) {
  ASSERT_TRUE(env_.WriteFile("/d/new", "data", true).ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_FALSE(mem_.FileExists("/d/new"));
}

TEST_F(FaultInjectionTest, CrashUndoesUnsyncedRenameAndDelete) {
  ASSERT_TRUE(env_.WriteFile("/d/target", "old", true).ok());
  ASSERT_TRUE(env_.WriteFile("/d/gone", "still here", true).ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  ASSERT_TRUE(env_.WriteFile("/d/tmp", "new", true).ok());
  ASSERT_TRUE(env_.RenameFile("/d/tmp", "/d/target").ok());
  ASSERT_TRUE(env_.DeleteFile("/d/gone").ok());
  EXPECT_EQ(Read("/d/target"), "new");
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/target"), "old");
  EXPECT_EQ(Read("/d/gone"), "still here");
  EXPECT_EQ(List("/d"), (std::vector<std::string>{"gone", "target"}));
}

TEST_F(FaultInjectionTest, NonAtomicOverwriteCanBeTornByACrash) {
  // Why WriteFileAtomically exists: an in-place rewrite loses the old data.
  ASSERT_TRUE(env_.WriteFile("/d/f", "old contents", true).ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  ASSERT_TRUE(env_.WriteFile("/d/f", "new contents", false).ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/f"), "");
}

// After a crash at any point of WriteFileAtomically the file holds the old or
// the new contents, never anything else; temp files are the only leftovers.
TEST_F(FaultInjectionTest, AtomicWriteIsAllOrNothingUnderCrashes) {
  const std::string old_contents = "old contents\n";
  const std::string new_contents(10000, 'n');
  for (Op op : {Op::kNewWritableFile, Op::kAppend, Op::kSync, Op::kRename, Op::kSyncDir}) {
    for (bool crash_after_failure : {true, false}) {
      SCOPED_TRACE(static_cast<int>(op));
      ASSERT_TRUE(env_.WriteFile("/d/f", old_contents, true).ok());
      ASSERT_TRUE(env_.SyncDir("/d").ok());
      env_.FailNth(op, 1);
      Status s = WriteFileAtomically(&env_, "/d/f", new_contents);
      EXPECT_FALSE(s.ok());
      EXPECT_NE(s.message().find("atomic write of /d/f"), std::string::npos) << s.ToString();
      env_.ClearFaults();
      if (crash_after_failure) {
        ASSERT_TRUE(env_.SimulateCrash().ok());
      }
      std::string got = Read("/d/f");
      if (op == Op::kSyncDir && !crash_after_failure) {
        EXPECT_EQ(got, new_contents);  // renamed, just not durable yet
      } else {
        EXPECT_EQ(got, old_contents);
      }
      for (const auto& n : List("/d")) {
        EXPECT_TRUE(n == "f" || IsTempFileName(n)) << n;
      }
      ASSERT_TRUE(CleanTempFiles(&env_, "/d").ok());
      EXPECT_EQ(List("/d"), (std::vector<std::string>{"f"}));
    }
  }
  // Crash right after a successful atomic write: the new contents survive.
  ASSERT_TRUE(WriteFileAtomically(&env_, "/d/f", new_contents).ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/f"), new_contents);
}

TEST_F(FaultInjectionTest, AtomicWriteCreatesNewFileAllOrNothing) {
  env_.FailNth(Op::kSyncDir, 1);
  EXPECT_FALSE(WriteFileAtomically(&env_, "/d/fresh", "abc").ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_FALSE(mem_.FileExists("/d/fresh"));
  EXPECT_EQ(List("/d"), std::vector<std::string>{});
}

TEST(AtomicFileTest, TempFileNames) {
  EXPECT_TRUE(IsTempFileName(".5.0123456789abcdef.tmp"));
  EXPECT_FALSE(IsTempFileName("5"));
  EXPECT_FALSE(IsTempFileName(".tmp"));
  EXPECT_FALSE(IsTempFileName("5.tmp"));
}

}  // namespace
}  // namespace sluice
