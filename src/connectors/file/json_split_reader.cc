#include "connectors/file/json_split_reader.h"

namespace sluice {

Result<std::unique_ptr<BatchStream>> OpenJsonSplitReaderGeneric(std::unique_ptr<SplitReader> in,
                                                                std::shared_ptr<const ScanSpec> spec);
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
Result<std::unique_ptr<BatchStream>> OpenJsonSplitReaderAvx2(std::unique_ptr<SplitReader> in,
                                                             std::shared_ptr<const ScanSpec> spec);
#endif

bool JsonReaderUsesAvx2() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  return avx2;
#else
  return false;
#endif
}

Result<std::unique_ptr<BatchStream>> OpenJsonSplitReader(std::unique_ptr<SplitReader> in,
                                                         std::shared_ptr<const ScanSpec> spec) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  if (JsonReaderUsesAvx2()) return OpenJsonSplitReaderAvx2(std::move(in), std::move(spec));
#endif
  return OpenJsonSplitReaderGeneric(std::move(in), std::move(spec));
}

}  // namespace sluice
