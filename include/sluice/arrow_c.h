// The Arrow C Data Interface and C Stream Interface structs
// (https://arrow.apache.org/docs/format/CDataInterface.html), the ABI the
// Arrow specification publishes for copying into any project, with its
// guards, so this header can sit beside arrow/c/abi.h or nanoarrow in one
// program; and the engine's schema as an ArrowSchema. Included by
// sluice/arrow.h (query results to and from Arrow); implemented in
// src/arrow/, below the connectors, which use the same conversion to hand
// batches to libarrow / libparquet.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/data_type.h"
#include "sluice/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  // Callback to get the stream type
  // (will be the same for all arrays in the stream).
  //
  // Return value: 0 if successful, an `errno`-compatible error code otherwise.
  //
  // If successful, the ArrowSchema must be released independently from the stream.
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);

  // Callback to get the next array
  // (if no error and the array is released, the stream has ended)
  //
  // Return value: 0 if successful, an `errno`-compatible error code otherwise.
  //
  // If successful, the ArrowArray must be released independently from the stream.
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);

  // Callback to get optional detailed error information.
  // This must only be called if the last stream operation failed
  // with a non-0 return code.
  //
  // Return value: pointer to a null-terminated character array describing
  // the last error, or NULL if no description is available.
  //
  // The returned pointer is only valid until the next operation on this stream
  // (including release).
  const char* (*get_last_error)(struct ArrowArrayStream*);

  // Release callback: release the stream's own resources.
  // Note that arrays returned by `get_next` must be individually released.
  void (*release)(struct ArrowArrayStream*);

  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

#ifdef __cplusplus
}
#endif

namespace sluice {

struct ArrowExportOptions {
  // STRING and BINARY as large_string / large_binary (64-bit offsets)
  // instead of string / binary. Without it, one batch holding more than
  // 2 GiB of one column's string bytes is an error naming the column.
  bool large_strings = false;
  // The zone of TIMESTAMP columns' Arrow type: timestamp[us, tz=UTC] by
  // default (PySpark's toArrow); "" gives zone-less timestamp[us] holding
  // the same values, i.e. wall-clock time in UTC, the session time zone
  // (what toPandas shows).
  std::string timestamp_timezone = "UTC";
};

// The Arrow schema of a result's columns: a struct ("+s") whose children are
// the columns, typed as sluice/arrow.h lists. `out` is overwritten (not released first).
Status ExportArrowSchema(const Schema& schema, ArrowSchema* out, const ArrowExportOptions& options = {});

}  // namespace sluice
