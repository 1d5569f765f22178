// Query results to and from Arrow, through the Arrow C Data Interface and the
// Arrow C Stream Interface (https://arrow.apache.org/docs/format/CDataInterface.html).
// No Arrow library is needed: the three structs below are the ABI the Arrow
// specification publishes for copying into any project, with its guards, so
// this header can sit beside arrow/c/abi.h or nanoarrow in one program.
//
// Export (ExportQueryResult): a result becomes a stream of record batches,
// one per engine batch (at most 2048 rows). Fixed-width columns (INT, BIGINT,
// DOUBLE, DECIMAL, DATE, TIMESTAMP) and validity bitmaps are not copied: the
// Arrow buffers point into the engine's vectors, which the exported arrays
// keep alive until their release callbacks run. STRING/BINARY are copied
// once per column into offsets + data; BOOLEAN is bit-packed; ARRAY offsets
// are shared. Types, as PySpark's toArrow() gives them:
//   BOOLEAN bool        INT int32           BIGINT int64       DOUBLE double
//   DECIMAL(p,s) decimal128(p, s)           STRING string (large_string on request)
//   BINARY binary (large_binary on request) DATE date32
//   TIMESTAMP timestamp[us, tz=UTC]         VOID null
//   ARRAY<T> list<element: T>               STRUCT<...> struct<...>
//
// Import (ImportArrowStream): a stream of record batches becomes a result
// (copied into engine vectors, batches of at most 2048 rows). Besides the
// types above it takes what pandas and pyarrow commonly produce: int8/16/32,
// uint8/16 (INT), uint32/uint64 (BIGINT; a uint64 above the BIGINT range is
// an error), float16/32 (DOUBLE), large_string, string_view, large_binary,
// binary_view, fixed_size_binary, timestamp of any unit and zone (the instant
// in microseconds; a zone-less timestamp is read as UTC, the session zone),
// date64, decimal32/64/128/256 (precision up to 38), large_list,
// fixed_size_list, and dictionary-encoded columns (decoded). Any other type
// (map, time, duration, interval, union, ...) is an InvalidArgument error
// naming the column and the Arrow type.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/session.h"
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
// the columns, typed as above. `out` is overwritten (not released first).
Status ExportArrowSchema(const Schema& schema, ArrowSchema* out, const ArrowExportOptions& options = {});

// Fills `out` with a stream over the result's batches (each one a struct
// array of the columns). The stream shares the result (cheap); arrays it
// hands out stay valid after the stream and the result are gone, until
// their own release callbacks run.
Status ExportQueryResult(const QueryResult& result, ArrowArrayStream* out, const ArrowExportOptions& options = {});

// Reads `stream` to its end and releases it (also on error) into a result.
// `stream` must be a live stream (release != nullptr).
Result<QueryResult> ImportArrowStream(ArrowArrayStream* stream);

}  // namespace sluice
