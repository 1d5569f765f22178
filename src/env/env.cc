#include "env/env.h"

namespace sluice {

Status Env::CreateDirRecursive(const std::string& path) {
  if (path.empty() || path == "." || path == "/") return Status::OK();
  if (FileExists(path)) return CreateDir(path);  // reports "not a directory"
  std::string parent = DirName(path);
  if (parent != path) SLUICE_RETURN_NOT_OK(CreateDirRecursive(parent));
  return CreateDir(path);
}

Result<std::vector<FileAttributes>> Env::ListDirWithAttributes(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(auto names, ListDir(path));
  std::vector<FileAttributes> out;
  out.reserve(names.size());
  for (auto& name : names) {
    auto attrs = GetFileAttributes(JoinPath(path, name));
    if (!attrs.ok()) {
      if (attrs.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
      return attrs.status();
    }
    out.push_back(std::move(*attrs));
    out.back().name = std::move(name);
  }
  return out;
}

Status Env::ReadFileToString(const std::string& path, std::string* out) {
  out->clear();
  SLUICE_ASSIGN_OR_RETURN(auto file, NewSequentialFile(path));
  constexpr size_t kChunk = 1 << 16;
  while (true) {
    size_t before = out->size();
    SLUICE_RETURN_NOT_OK(file->Read(kChunk, out));
    if (out->size() == before) break;
  }
  return Status::OK();
}

Status Env::WriteFile(const std::string& path, std::string_view data, bool sync) {
  SLUICE_ASSIGN_OR_RETURN(auto file, NewWritableFile(path));
  SLUICE_RETURN_NOT_OK(file->Append(data));
  if (sync) SLUICE_RETURN_NOT_OK(file->Sync());
  return file->Close();
}

Status Env::RenameNoReplace(const std::string& src, const std::string& target) {
  return Status::NotImplemented("rename " + src + " to " + target +
                                " without replacing: not supported by this file system");
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

std::string DirName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  std::string_view dir = path.substr(0, slash);
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return std::string(dir);
}

std::string BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::string(path);
  return std::string(path.substr(slash + 1));
}

}  // namespace sluice
