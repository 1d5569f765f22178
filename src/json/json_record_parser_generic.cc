// The record parser compiled for any CPU (simdjson's builtin kernels for the
// compiler flags in use).
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
#define SLUICE_JSON_PARSER_FACTORY NewJsonRecordParserGeneric
#include "json/json_record_parser_impl.inc"
