#include "connectors/file/file_listing.h"

#include <fnmatch.h>

#include <algorithm>

#include "checkpoint/file_sink_manifest.h"

namespace sluice {

namespace {

bool IsHiddenName(const std::string& name) {
  return !name.empty() && ((name[0] == '_' && name.find('=') == std::string::npos) || name[0] == '.');
}

constexpr const char* kFileSinkMetadataDir = "_sluice_metadata";

// The files a streaming file sink committed into `dir`, from its manifest
// (checkpoint/file_sink_manifest.h): files of a crashed, uncommitted attempt
// are not in it and so are not read.
Status AddManifestFiles(Env* env, const std::string& dir, std::vector<FileInfo>* out) {
  SLUICE_ASSIGN_OR_RETURN(auto manifest, FileSinkManifest::Open(env, dir));
  SLUICE_ASSIGN_OR_RETURN(auto entries, manifest.AllFiles());
  std::string prefix = dir.back() == '/' ? dir : dir + "/";
  const std::string manifest_dir = prefix + kFileSinkMetadataDir;
  for (const auto& e : entries) {
    if (e.action != "add") continue;
    std::string p = !e.path.empty() && e.path[0] == '/' ? e.path : prefix + e.path;
    auto attrs = env->GetFileAttributes(p);
    if (!attrs.ok()) {
      if (attrs.status().code() != StatusCode::kNotFound) return attrs.status();
      return Status::NotFound(p + ", listed in the file sink manifest " + manifest_dir +
                              ", does not exist (was the output directory changed by hand?)");
    }
    if (static_cast<int64_t>(attrs->size) != e.size) {
      return Status::Corruption("file " + p + " has " + std::to_string(attrs->size) +
                                " bytes but the file sink manifest " + manifest_dir + " recorded " +
                                std::to_string(e.size) +
                                ": it was truncated or changed after it was committed; restore it, or rewrite "
                                "the output (a new output directory and checkpoint)");
    }
    out->push_back({p, static_cast<int64_t>(attrs->size), e.crc32, manifest_dir, dir});
  }
  return Status::OK();
}

// The regular files under `dir` (recursively), hidden names skipped; `base`
// is recorded as their base directory.
constexpr int kMaxDirectoryDepth = 32;

Status AddDirectoryFiles(Env* env, const std::string& base, const std::string& dir, std::vector<FileInfo>* out,
                         int depth = 0) {
  if (depth > kMaxDirectoryDepth) {
    return Status::InvalidArgument("directories nested deeper than " + std::to_string(kMaxDirectoryDepth) +
                                   " levels under " + base + " (at " + dir + "): a symbolic link loop?");
  }
  SLUICE_ASSIGN_OR_RETURN(auto entries, env->ListDirWithAttributes(dir));
  const std::string dir_prefix = dir.back() == '/' ? dir : dir + "/";
  for (const auto& e : entries) {
    if (IsHiddenName(e.name)) continue;
    if (e.type == FileType::kDirectory) {
      SLUICE_RETURN_NOT_OK(AddDirectoryFiles(env, base, dir_prefix + e.name, out, depth + 1));
      continue;
    }
    if (e.type != FileType::kRegular) continue;
    FileInfo f;
    f.path = dir_prefix + e.name;
    f.size = static_cast<int64_t>(e.size);
    f.base_dir = base;
    out->push_back(std::move(f));
  }
  return Status::OK();
}

Status AddPath(Env* env, const std::string& path, std::vector<FileInfo>* out) {
  auto attrs = env->GetFileAttributes(path);
  if (!attrs.ok()) {
    if (attrs.status().code() == StatusCode::kNotFound) return Status::NotFound("path does not exist: " + path);
    return attrs.status();
  }
  if (attrs->type == FileType::kRegular) {
    out->push_back({path, static_cast<int64_t>(attrs->size)});
    return Status::OK();
  }
  if (attrs->type != FileType::kDirectory) return Status::InvalidArgument("not a regular file or directory: " + path);
  std::string prefix = path;
  if (prefix.empty() || prefix.back() != '/') prefix += '/';
  auto manifest = env->GetFileAttributes(prefix + kFileSinkMetadataDir);
  if (manifest.ok() && manifest->type == FileType::kDirectory) return AddManifestFiles(env, path, out);
  if (!manifest.ok() && manifest.status().code() != StatusCode::kNotFound) return manifest.status();
  return AddDirectoryFiles(env, path, path, out);
}

bool HasGlobChars(std::string_view p) { return p.find_first_of("*?[") != std::string_view::npos; }

// The paths matching glob `pattern`, component by component as glob(3) does
// it: a component without pattern characters is taken as it is, one with
// them is matched against the names of the directory listed so far.
Result<std::vector<std::string>> ExpandGlob(Env* env, const std::string& pattern) {
  const bool absolute = pattern[0] == '/';
  const bool dirs_only = pattern.back() == '/';
  std::vector<std::string> components;
  for (size_t pos = 0; pos < pattern.size();) {
    size_t slash = pattern.find('/', pos);
    if (slash == std::string::npos) slash = pattern.size();
    if (slash > pos) components.push_back(pattern.substr(pos, slash - pos));
    pos = slash + 1;
  }
  // Paths matched so far; "" stands for the current directory.
  std::vector<std::string> current{absolute ? "/" : ""};
  auto join = [](const std::string& dir, const std::string& name) {
    return dir.empty() ? name : JoinPath(dir, name);
  };
  for (size_t c = 0; c < components.size(); ++c) {
    const std::string& comp = components[c];
    const bool last = c + 1 == components.size();
    std::vector<std::string> next;
    for (const auto& dir : current) {
      if (!HasGlobChars(comp)) {
        std::string p = join(dir, comp);
        auto attrs = env->GetFileAttributes(p);
        if (!attrs.ok()) {
          if (attrs.status().code() == StatusCode::kNotFound) continue;
          return attrs.status();
        }
        if ((!last || dirs_only) && attrs->type != FileType::kDirectory) continue;
        next.push_back(std::move(p));
        continue;
      }
      auto entries = env->ListDirWithAttributes(dir.empty() ? "." : dir);
      if (!entries.ok()) {
        if (entries.status().code() == StatusCode::kNotFound) continue;
        return entries.status();
      }
      for (const auto& e : *entries) {
        if (::fnmatch(comp.c_str(), e.name.c_str(), FNM_PERIOD) != 0) continue;
        if ((!last || dirs_only) && e.type != FileType::kDirectory) continue;
        next.push_back(join(dir, e.name));
      }
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  std::sort(current.begin(), current.end());
  return current;
}

}  // namespace

Result<std::vector<FileInfo>> ListFiles(Env* env, const std::vector<std::string>& paths) {
  std::vector<FileInfo> out;
  for (const auto& path : paths) {
    if (path.empty()) return Status::InvalidArgument("empty path");
    if (!HasGlobChars(path)) {
      SLUICE_RETURN_NOT_OK(AddPath(env, path, &out));
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(auto matches, ExpandGlob(env, path));
    if (matches.empty()) return Status::NotFound("path does not exist: " + path);
    for (const auto& m : matches) SLUICE_RETURN_NOT_OK(AddPath(env, m, &out));
  }
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace sluice
