#include "state/state_store_conf.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace sluice {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Status Bad(const std::string& name, const std::string& value, const std::string& expected) {
  return Status::InvalidArgument("option '" + name + "' must be " + expected + ", got '" + value + "'");
}

Result<int64_t> ParseInt(const std::string& name, const std::string& value, int64_t min) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < min) {
    return Bad(name, value, "an integer >= " + std::to_string(min));
  }
  return v;
}

Result<bool> ParseBool(const std::string& name, const std::string& value) {
  std::string l = Lower(value);
  if (l == "true") return true;
  if (l == "false") return false;
  return Bad(name, value, "true or false");
}

Result<double> ParseRatio(const std::string& name, const std::string& value, bool zero_ok) {
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(v <= 1.0) || v < 0.0 || (!zero_ok && v == 0.0)) {
    return Bad(name, value, zero_ok ? "a number in [0, 1]" : "a number in (0, 1]");
  }
  return v;
}

}  // namespace

Result<StateStoreProviderKind> ParseStateStoreProviderClass(std::string_view name) {
  std::string l = Lower(name);
  if (l == Lower(kHDFSStateStoreProviderClass) || l == "hdfs") return StateStoreProviderKind::kFile;
  if (l == Lower(kRocksDBStateStoreProviderClass) || l == "rocksdb") return StateStoreProviderKind::kRocksDB;
  return Status::InvalidArgument(std::string("option '") + kStateStoreProviderClassConf + "' must be " +
                                 kHDFSStateStoreProviderClass + " (or hdfs, the default) or " +
                                 kRocksDBStateStoreProviderClass + " (or rocksdb), got '" + std::string(name) + "'");
}

const char* StateStoreProviderClassName(StateStoreProviderKind kind) {
  return kind == StateStoreProviderKind::kRocksDB ? kRocksDBStateStoreProviderClass : kHDFSStateStoreProviderClass;
}

Result<StateStoreProviderKind> DetectStateStoreProvider(Env* env, const std::string& checkpoint_dir) {
  auto rocksdb_entry = [](const std::string& n) {
    return n == "rocksdb-work" || (n.size() > 8 && n.compare(n.size() - 8, 8, ".rocksdb") == 0 && n[0] != '.');
  };
  // Directories under `dir`, or nothing if it is not one.
  auto subdirs = [&](const std::string& dir) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    auto attrs = env->GetFileAttributes(dir);
    if (!attrs.ok() || attrs->type != FileType::kDirectory) return out;
    SLUICE_ASSIGN_OR_RETURN(auto entries, env->ListDirWithAttributes(dir));
    for (const auto& e : entries) {
      if (e.type == FileType::kDirectory) out.push_back(e.name);
    }
    return out;
  };
  std::string state = JoinPath(checkpoint_dir, "state");
  SLUICE_ASSIGN_OR_RETURN(auto ops, subdirs(state));
  for (const auto& op : ops) {
    std::string op_dir = JoinPath(state, op);
    SLUICE_ASSIGN_OR_RETURN(auto parts, subdirs(op_dir));
    for (const auto& part : parts) {
      std::string part_dir = JoinPath(op_dir, part);
      SLUICE_ASSIGN_OR_RETURN(auto names, subdirs(part_dir));
      for (const auto& n : names) {
        if (rocksdb_entry(n)) return StateStoreProviderKind::kRocksDB;
        // A named store (a join side): one level further down.
        SLUICE_ASSIGN_OR_RETURN(auto inner, subdirs(JoinPath(part_dir, n)));
        for (const auto& m : inner) {
          if (rocksdb_entry(m)) return StateStoreProviderKind::kRocksDB;
        }
      }
    }
  }
  return StateStoreProviderKind::kFile;
}

Result<StateStoreConf> StateStoreConfForReading(Env* env, const std::string& checkpoint_dir) {
  StateStoreConf conf;
  SLUICE_ASSIGN_OR_RETURN(conf.provider, DetectStateStoreProvider(env, checkpoint_dir));
  conf.file.read_only = true;
  conf.rocksdb.read_only = true;
  return conf;
}

Result<StateStoreConf> ParseStateStoreConf(const std::map<std::string, std::string>& options) {
  StateStoreConf conf;
  const std::string prefix = Lower(kStateStoreConfPrefix);
  for (const auto& [name, value] : options) {
    std::string key = Lower(name);
    if (key.rfind(prefix, 0) != 0) continue;
    std::string sub = key.substr(prefix.size());
    RocksDBStateStoreOptions& r = conf.rocksdb;
    if (sub == "providerclass") {
      SLUICE_ASSIGN_OR_RETURN(conf.provider, ParseStateStoreProviderClass(value));
    } else if (sub == "mindeltasforsnapshot") {
      SLUICE_ASSIGN_OR_RETURN(int64_t v, ParseInt(name, value, 1));
      conf.file.snapshot_interval = conf.rocksdb.snapshot_interval = static_cast<int>(std::min<int64_t>(v, 1 << 30));
    } else if (sub == "rocksdb.boundedmemoryusage") {
      SLUICE_ASSIGN_OR_RETURN(r.bounded_memory_usage, ParseBool(name, value));
    } else if (sub == "rocksdb.maxmemoryusagemb") {
      SLUICE_ASSIGN_OR_RETURN(r.max_memory_usage_mb, ParseInt(name, value, 1));
    } else if (sub == "rocksdb.writebuffercacheratio") {
      SLUICE_ASSIGN_OR_RETURN(r.write_buffer_cache_ratio, ParseRatio(name, value, false));
    } else if (sub == "rocksdb.highprioritypoolratio") {
      SLUICE_ASSIGN_OR_RETURN(r.high_priority_pool_ratio, ParseRatio(name, value, true));
    } else if (sub == "rocksdb.blockcachesizemb") {
      SLUICE_ASSIGN_OR_RETURN(r.block_cache_size_mb, ParseInt(name, value, 1));
    } else if (sub == "rocksdb.blocksizekb") {
      SLUICE_ASSIGN_OR_RETURN(r.block_size_kb, ParseInt(name, value, 1));
    } else if (sub == "rocksdb.writebuffersizemb") {
      SLUICE_ASSIGN_OR_RETURN(r.write_buffer_size_mb, ParseInt(name, value, -1));
      if (r.write_buffer_size_mb == 0) return Bad(name, value, "-1 (RocksDB's default) or a positive integer");
    } else if (sub == "rocksdb.maxwritebuffernumber") {
      SLUICE_ASSIGN_OR_RETURN(int64_t v, ParseInt(name, value, -1));
      if (v == 0 || v > 1000) return Bad(name, value, "-1 (RocksDB's default) or an integer in [1, 1000]");
      r.max_write_buffer_number = static_cast<int>(v);
    } else if (sub == "rocksdb.compactoncommit") {
      SLUICE_ASSIGN_OR_RETURN(r.compact_on_commit, ParseBool(name, value));
    } else if (sub == "rocksdb.changelogcheckpointing.enabled") {
      SLUICE_ASSIGN_OR_RETURN(bool on, ParseBool(name, value));
      if (!on) {
        return Status::InvalidArgument("option '" + name +
                                       "' cannot be false: Sluice's RocksDB state store always checkpoints "
                                       "through changelog (delta) files plus periodic snapshots");
      }
    } else {
      return Status::InvalidArgument(
          "unknown state store option '" + name +
          "'; known: spark.sql.streaming.stateStore.providerClass, .minDeltasForSnapshot, and .rocksdb."
          "{boundedMemoryUsage, maxMemoryUsageMB, writeBufferCacheRatio, highPriorityPoolRatio, blockCacheSizeMB, "
          "blockSizeKB, writeBufferSizeMB, maxWriteBufferNumber, compactOnCommit, changelogCheckpointing.enabled}");
    }
  }
  return conf;
}

}  // namespace sluice
