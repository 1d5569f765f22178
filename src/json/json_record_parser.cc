#include "json/json_record_parser.h"

namespace sluice {

std::unique_ptr<JsonRecordParser> NewJsonRecordParserGeneric(const std::vector<StructField>& fields);
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
std::unique_ptr<JsonRecordParser> NewJsonRecordParserAvx2(const std::vector<StructField>& fields);
#endif

bool JsonParserUsesAvx2() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  return avx2;
#else
  return false;
#endif
}

std::unique_ptr<JsonRecordParser> NewJsonRecordParser(const std::vector<StructField>& fields) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  if (JsonParserUsesAvx2()) return NewJsonRecordParserAvx2(fields);
#endif
  return NewJsonRecordParserGeneric(fields);
}

}  // namespace sluice
