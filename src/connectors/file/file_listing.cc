#include "connectors/file/file_listing.h"

#include <dirent.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "checkpoint/file_sink_manifest.h"
#include "env/env.h"

namespace sluice {

namespace {

bool IsHiddenName(const char* name) { return name[0] == '_' || name[0] == '.'; }

constexpr const char* kFileSinkMetadataDir = "_sluice_metadata";

// The files a streaming file sink committed into `dir`, from its manifest
// (checkpoint/file_sink_manifest.h): files of a crashed, uncommitted attempt
// are not in it and so are not read.
Status AddManifestFiles(const std::string& dir, std::vector<FileInfo>* out) {
  SLUICE_ASSIGN_OR_RETURN(auto manifest, FileSinkManifest::Open(Env::Default(), dir));
  SLUICE_ASSIGN_OR_RETURN(auto entries, manifest.AllFiles());
  std::string prefix = dir.back() == '/' ? dir : dir + "/";
  for (const auto& e : entries) {
    if (e.action != "add") continue;
    std::string p = !e.path.empty() && e.path[0] == '/' ? e.path : prefix + e.path;
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      return Status::NotFound(p + ", listed in the file sink manifest " + prefix + kFileSinkMetadataDir +
                              ", does not exist (was the output directory changed by hand?)");
    }
    out->push_back({p, static_cast<int64_t>(st.st_size)});
  }
  return Status::OK();
}

Status AddPath(const std::string& path, std::vector<FileInfo>* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("path does not exist: " + path);
    return Status::IOError("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISREG(st.st_mode)) {
    out->push_back({path, static_cast<int64_t>(st.st_size)});
    return Status::OK();
  }
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("not a regular file or directory: " + path);
  std::string prefix0 = path;
  if (prefix0.empty() || prefix0.back() != '/') prefix0 += '/';
  struct stat mst;
  if (::stat((prefix0 + kFileSinkMetadataDir).c_str(), &mst) == 0 && S_ISDIR(mst.st_mode)) {
    return AddManifestFiles(path, out);
  }
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return Status::IOError("cannot list " + path + ": " + std::strerror(errno));
  std::string prefix = path;
  if (prefix.empty() || prefix.back() != '/') prefix += '/';
  while (struct dirent* e = ::readdir(dir)) {
    if (IsHiddenName(e->d_name)) continue;
    std::string child = prefix + e->d_name;
    struct stat cst;
    if (::stat(child.c_str(), &cst) != 0) continue;  // vanished meanwhile
    if (S_ISREG(cst.st_mode)) out->push_back({child, static_cast<int64_t>(cst.st_size)});
  }
  ::closedir(dir);
  return Status::OK();
}

bool HasGlobChars(const std::string& p) { return p.find_first_of("*?[") != std::string::npos; }

}  // namespace

Result<std::vector<FileInfo>> ListFiles(const std::vector<std::string>& paths) {
  std::vector<FileInfo> out;
  for (const auto& path : paths) {
    if (path.empty()) return Status::InvalidArgument("empty path");
    if (!HasGlobChars(path)) {
      SLUICE_RETURN_NOT_OK(AddPath(path, &out));
      continue;
    }
    glob_t g;
    std::memset(&g, 0, sizeof(g));
    int rc = ::glob(path.c_str(), 0, nullptr, &g);
    if (rc == GLOB_NOMATCH) {
      ::globfree(&g);
      return Status::NotFound("path does not exist: " + path);
    }
    if (rc != 0) {
      ::globfree(&g);
      return Status::IOError("cannot expand glob " + path);
    }
    Status st;
    for (size_t i = 0; i < g.gl_pathc && st.ok(); ++i) st = AddPath(g.gl_pathv[i], &out);
    ::globfree(&g);
    SLUICE_RETURN_NOT_OK(st);
  }
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace sluice
