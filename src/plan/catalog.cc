#include "plan/catalog.h"

namespace sluice {

Status Catalog::CreateTable(const std::string& name, TableSourcePtr table, bool replace,
                            bool if_not_exists) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = ToLower(name);
  if (entries_.count(key) && !replace) {
    if (if_not_exists) return Status::OK();
    return Status::AnalysisError("[TABLE_OR_VIEW_ALREADY_EXISTS] table or view `" + name +
                                 "` already exists; use CREATE OR REPLACE or DROP it first");
  }
  entries_[key] = Entry{std::move(table), nullptr};
  return Status::OK();
}

Status Catalog::CreateView(const std::string& name, LogicalPlanPtr plan, bool replace,
                           bool if_not_exists) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = ToLower(name);
  if (entries_.count(key) && !replace) {
    if (if_not_exists) return Status::OK();
    return Status::AnalysisError("[TABLE_OR_VIEW_ALREADY_EXISTS] table or view `" + name +
                                 "` already exists; use CREATE OR REPLACE or DROP it first");
  }
  entries_[key] = Entry{nullptr, std::move(plan)};
  return Status::OK();
}

Status Catalog::Drop(const std::string& name, bool is_view, bool if_exists) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(ToLower(name));
  if (it == entries_.end() || (is_view ? it->second.view == nullptr : it->second.table == nullptr)) {
    if (if_exists) return Status::OK();
    return Status::AnalysisError(std::string("[") + (is_view ? "VIEW" : "TABLE") +
                                 "_OR_VIEW_NOT_FOUND] " + (is_view ? "view" : "table") + " `" + name +
                                 "` does not exist");
  }
  entries_.erase(it);
  return Status::OK();
}

std::optional<Catalog::Entry> Catalog::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(ToLower(name));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<void> Catalog::KeepForSession(const std::string& key,
                                              const std::function<std::shared_ptr<void>()>& make) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& kept = kept_[key];
  if (!kept) kept = make();
  return kept;
}

std::vector<std::string> Catalog::Names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [k, v] : entries_) out.push_back(k);
  return out;
}

}  // namespace sluice
