#include "env/atomic_file.h"

#include <cstdio>
#include <random>

#include "env/kill_point.h"

namespace sluice {
namespace {

std::string RandomHex() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

Status WriteFileAtomically(Env* env, const std::string& path, std::string_view contents) {
  std::string dir = DirName(path);
  std::string tmp = JoinPath(dir, "." + BaseName(path) + "." + RandomHex() + ".tmp");
  auto write_tmp = [&]() -> Status {
    SLUICE_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
    SLUICE_RETURN_NOT_OK(file->Append(contents));
    SLUICE_RETURN_NOT_OK(file->Sync());
    return file->Close();
  };
  Status s = write_tmp();
  if (s.ok()) {
    SLUICE_KILL_POINT("atomic_write:before_rename");
    s = env->RenameFile(tmp, path);
  }
  if (!s.ok()) {
    if (env->FileExists(tmp)) (void)env->DeleteFile(tmp);
    return s.WithContext("atomic write of " + path);
  }
  SLUICE_KILL_POINT("atomic_write:after_rename");
  return env->SyncDir(dir).WithContext("atomic write of " + path);
}

bool IsTempFileName(std::string_view name) {
  return name.size() > 5 && name.front() == '.' && name.substr(name.size() - 4) == ".tmp";
}

Status CleanTempFiles(Env* env, const std::string& dir, int* deleted) {
  if (deleted) *deleted = 0;
  SLUICE_ASSIGN_OR_RETURN(auto names, env->ListDir(dir));
  for (const auto& n : names) {
    if (!IsTempFileName(n)) continue;
    SLUICE_RETURN_NOT_OK(env->DeleteFile(JoinPath(dir, n)));
    if (deleted) ++*deleted;
  }
  return Status::OK();
}

}  // namespace sluice
