// JSON split reader compiled for any CPU (simdjson's builtin kernels for
// the compiler flags in use).
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

#include <simdjson.h>
#define SLUICE_JSON_READER_FACTORY OpenJsonSplitReaderGeneric
#include "connectors/file/json_split_reader_impl.inc"
