// JSON split reader compiled for AVX2 CPUs (simdjson haswell kernels).
// Every header other than simdjson.h is included before the target pragma so
// that only this file's own (internal-linkage) code and simdjson's kernels
// are compiled for AVX2.
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "connectors/file/json_split_reader.h"
#include "connectors/file/row_builder.h"
#include "connectors/file/text_value_parser.h"
#include "types/datetime.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SLUICE_JSON_HAVE_AVX2_READER 1
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,pclmul,lzcnt,popcnt")
#include <simdjson.h>
#define SLUICE_JSON_READER_FACTORY OpenJsonSplitReaderAvx2
#include "connectors/file/json_split_reader_impl.inc"
#pragma GCC pop_options
#endif
