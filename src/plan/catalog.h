// Catalog: the tables and views a session knows, by case-insensitive name.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plan/logical_plan.h"
#include "exec/table_source.h"

namespace sluice {

class Catalog : public TablePublisher {
 public:
  // A view is stored as its analyzed plan.
  struct Entry {
    TableSourcePtr table;  // set for tables
    LogicalPlanPtr view;   // set for views
  };

  Status CreateTable(const std::string& name, TableSourcePtr table, bool replace, bool if_not_exists);
  Status CreateView(const std::string& name, LogicalPlanPtr plan, bool replace, bool if_not_exists);
  // Drops a table (is_view false) or view; NotFound unless if_exists.
  Status Drop(const std::string& name, bool is_view, bool if_exists);
  // nullopt when unknown.
  std::optional<Entry> Find(const std::string& name) const;
  std::vector<std::string> Names() const;
  // TablePublisher: CreateTable(name, table, replace = true).
  Status PublishTable(const std::string& name, TableSourcePtr table) override {
    return CreateTable(name, std::move(table), true, false);
  }
  // TablePublisher: connectors' per-session objects (the memory sinks).
  std::shared_ptr<void> KeepForSession(const std::string& key,
                                       const std::function<std::shared_ptr<void>()>& make) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;               // GUARDED_BY(mu_); key: lower-case name
  std::map<std::string, std::shared_ptr<void>> kept_;  // GUARDED_BY(mu_); KeepForSession's objects
};

}  // namespace sluice
