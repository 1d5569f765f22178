// Fuzz target: the state store's files (`<ckpt>/state/<op>/<part>/<v>.delta`
// and `.snapshot`, state/state_file.h) and the rows inside them.
//
// Input: byte 0 picks how the rest is used (bit 0: a snapshot rather than a
// delta; bit 1: re-seal the checksums first). Every header and body is
// covered by a CRC-32, so random bytes mostly stop at the checksum check,
// which is the point of it; re-sealing (recomputing the header CRC over bytes
// 0..39 and the file CRC over all but the last 4 bytes) lets the fuzzer reach
// what comes after: lengths, zlib bodies, records, record counts, as a file
// written by a buggy or future writer would. Then
//  * ApplyStateFile decodes it, as a delta over a small map or a snapshot;
//  * FileStateStoreProvider loads the version the header names from a MemEnv
//    holding the file (and a snapshot one version below a delta), the path
//    a restarted query takes;
//  * every key and value of the loaded state is decoded as rows of a
//    streaming aggregation (StateRowDecoder) with a few column layouts.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exec/stateful/state_row_codec.h"
#include "fuzz_util.h"
#include "state/file_state_store_provider.h"
#include "state/state_file.h"

namespace sluice {
namespace {

void PutCrc(std::string* bytes, size_t pos, std::string_view covered) {
  uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(covered.data()),
                    static_cast<uInt>(covered.size()));
  for (int i = 0; i < 4; ++i) (*bytes)[pos + static_cast<size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xff);
}

void Reseal(std::string* bytes) {
  if (bytes->size() < 44) return;
  PutCrc(bytes, 40, std::string_view(*bytes).substr(0, 40));
  if (bytes->size() < 44 + 12) return;
  PutCrc(bytes, bytes->size() - 4, std::string_view(*bytes).substr(0, bytes->size() - 4));
}

void DecodeRows(const std::string& bytes) {
  static const std::vector<std::vector<DataType>> layouts = {
      {DataType::String()},
      {DataType::Bigint(), DataType::Double()},
      {DataType::Int(), DataType::Boolean(), DataType::Decimal(12, 2), DataType::Date(), DataType::Timestamp(),
       DataType::Binary()},
  };
  for (const auto& types : layouts) {
    StateRowDecoder decoder(types);
    if (!decoder.Add(bytes).ok()) continue;
    std::vector<Vector> cols = decoder.Finish();
    Batch batch(std::move(cols), decoder.rows());
    fuzz::TouchRows(batch);
  }
}

}  // namespace
}  // namespace sluice

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  if (size == 0) return 0;
  const bool snapshot = (data[0] & 1) != 0;
  const bool reseal = (data[0] & 2) != 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (reseal) Reseal(&bytes);
  const StateFileKind kind = snapshot ? StateFileKind::kSnapshot : StateFileKind::kDelta;

  // The store version the file claims (header bytes 16..23), so that a file
  // taken from a real checkpoint is read as the version it holds.
  int64_t version = 1;
  if (bytes.size() >= 24) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(bytes[16 + static_cast<size_t>(i)])} << (8 * i);
    if (v >= 1 && v <= 1000000) version = static_cast<int64_t>(v);
  }

  StateMap map = {{"k1", "v1"}, {"k2", "v2"}};
  (void)ApplyStateFile("fuzz", bytes, kind, version, &map);

  MemEnv env;
  const std::string dir = StateStoreDir("/ck", 0, 0);
  const std::string v = std::to_string(version);
  if (snapshot) {
    fuzz::PutFile(&env, dir + "/" + v + ".snapshot", bytes);
  } else {
    StateMap base = {{"k1", "v1"}};
    fuzz::PutFile(&env, dir + "/" + std::to_string(version - 1) + ".snapshot", EncodeSnapshot(base, version - 1, false));
    fuzz::PutFile(&env, dir + "/" + v + ".delta", bytes);
  }
  FileStateStoreOptions options;
  options.maintenance_on_commit = false;
  auto provider = FileStateStoreProvider::Open(&env, dir, options);
  if (!provider.ok()) return 0;
  (void)(*provider)->LatestVersion();
  auto store = (*provider)->Load(version);
  if (!store.ok()) return 0;
  (*store)->ForEach([](std::string_view key, std::string_view value) {
    DecodeRows(std::string(key));
    DecodeRows(std::string(value));
  });
  (*store)->Abort();
  return 0;
}
