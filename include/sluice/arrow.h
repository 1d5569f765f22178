// Query results to and from Arrow, through the Arrow C Data Interface and the
// Arrow C Stream Interface (https://arrow.apache.org/docs/format/CDataInterface.html).
// No Arrow library is needed: the three structs (sluice/arrow_c.h) are the ABI
// the Arrow specification publishes for copying into any project, with its
// guards, so this header can sit beside arrow/c/abi.h or nanoarrow in one program.
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

#include "sluice/arrow_c.h"
#include "sluice/session.h"
#include "sluice/status.h"

namespace sluice {

// Fills `out` with a stream over the result's batches (each one a struct
// array of the columns). The stream shares the result (cheap); arrays it
// hands out stay valid after the stream and the result are gone, until
// their own release callbacks run.
Status ExportQueryResult(const QueryResult& result, ArrowArrayStream* out, const ArrowExportOptions& options = {});

// Reads `stream` to its end and releases it (also on error) into a result.
// `stream` must be a live stream (release != nullptr).
Result<QueryResult> ImportArrowStream(ArrowArrayStream* stream);

}  // namespace sluice
