// For tests: a checkpoint log file in the format docs/checkpoint-format.md
// documents, computed here with zlib directly rather than with MetadataLog,
// so that tests check the codec against the document, not against itself.
#pragma once

#include <zlib.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace sluice {

// "v1\n<lines>" (a file as Sluice wrote it before checksums) ->
// "v1 crc32=<CRC-32 of the input, 8 lowercase hex digits>\n<lines>".
inline std::string LogFileWithChecksum(std::string_view without) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(without.data()), static_cast<uInt>(without.size()));
  char field[24];
  std::snprintf(field, sizeof(field), " crc32=%08lx", static_cast<unsigned long>(crc));
  std::string out(without);
  size_t nl = out.find('\n');
  out.insert(nl == std::string::npos ? out.size() : nl, field);
  return out;
}

}  // namespace sluice
