// The pieces of a Yahoo Streaming Benchmark ad event (JSON) that the Kafka
// load tools share: kafka_load (bench/kafka) and kafka_latency
// (bench/latency), which adds an id and a produce time to the same shape.
#pragma once

#include <cstdint>
#include <cstring>

namespace sluice_bench {

inline const char* const kAdTypes[] = {"banner", "modal", "sponsored-search", "mail", "mobile"};
inline const char* const kEventTypes[] = {"view", "click", "purchase"};

// Writes a version-4 UUID (36 characters) made of the bits of `hi` and `lo`
// at `out`; returns the end.
inline char* WriteUuid(char* out, uint64_t hi, uint64_t lo) {
  static const char kHex[] = "0123456789abcdef";
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *out++ = '-';
    *out++ = kHex[b[i] >> 4];
    *out++ = kHex[b[i] & 15];
  }
  return out;
}

// splitmix64's finalizer: a well-mixed 64-bit value of `z`.
inline uint64_t Mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// YSB's campaign model: ad number `ad` (0-based, in the order the loader
// draws the ad ids) belongs to campaign ad / ads_per_campaign (100 campaigns
// of 10 ads by default). A campaign's id is a UUID from (seed, campaign
// number) alone, drawn apart from the events' random stream, so adding the
// table changes no event. Writes the 36 characters at `out`; returns the end.
inline char* WriteCampaignId(char* out, uint64_t seed, uint64_t campaign) {
  const uint64_t base = Mix64(seed ^ 0xca3a16e5ULL) + 2 * campaign;
  return WriteUuid(out, Mix64(base), Mix64(base + 1));
}

// Copies the C string `s` to `out`; returns the end.
inline char* Put(char* out, const char* s) {
  size_t n = std::strlen(s);
  std::memcpy(out, s, n);
  return out + n;
}

}  // namespace sluice_bench
