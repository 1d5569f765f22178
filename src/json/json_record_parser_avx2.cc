// The record parser compiled for AVX2 CPUs (simdjson's haswell kernels: its
// on-demand API is only compiled for the implementation the compiler flags
// select). The whole file is compiled for AVX2 (simdjson's always-inline
// functions are reached through std templates, which must share the target),
// and json_record_parser.cc only calls it on CPUs with AVX2.
// Caveat: inline functions of shared headers get an AVX2 copy here; the
// linker may keep that copy, so a binary built from this tree needs an AVX2
// CPU. A per-target compile flag (cmake) would be the cleaner fix.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC target("avx2,bmi,bmi2,pclmul,lzcnt,popcnt")
#define SIMDJSON_BUILTIN_IMPLEMENTATION haswell

#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "json/first_json_value.h"
#include "json/non_numeric_numbers.h"
#include "json/json_record_parser.h"
#include "types/datetime.h"
#include "types/text_value_parser.h"

#include <simdjson.h>
#define SLUICE_JSON_PARSER_FACTORY NewJsonRecordParserAvx2
#include "json/json_record_parser_impl.inc"
#endif
