// Hash functions: hash (Spark's Murmur3 x86_32, seed 42), xxhash64 (seed
// 42), md5, sha1, sha2 (OpenSSL), crc32 (zlib).
//
// Spark's per-type input rules for hash/xxhash64: BOOLEAN, INT and DATE hash
// as a 4-byte int; BIGINT and TIMESTAMP as an 8-byte long; DOUBLE as the
// long of its bits with -0.0 normalized to 0.0; DECIMAL with precision <= 18
// as the long of its unscaled value, otherwise as the big-endian two's
// complement bytes of the unscaled value (Java's BigInteger.toByteArray);
// STRING/BINARY as bytes; ARRAY and STRUCT fold their elements; NULL leaves
// the running hash unchanged. Each argument's hash is the next one's seed.
// Murmur3's byte tail is Spark's own (each trailing byte mixed as a signed
// int), not the canonical packed tail.
#include <openssl/evp.h>
#include <zlib.h>

#include <cmath>
#include <cstring>

#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"

namespace sluice::fn {

namespace {

// --- Murmur3 x86_32, Spark flavour ---

inline uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
inline uint32_t MixK1(uint32_t k1) {
  k1 *= 0xcc9e2d51u;
  k1 = Rotl32(k1, 15);
  return k1 * 0x1b873593u;
}
inline uint32_t MixH1(uint32_t h1, uint32_t k1) {
  h1 ^= k1;
  h1 = Rotl32(h1, 13);
  return h1 * 5 + 0xe6546b64u;
}
inline uint32_t Fmix32(uint32_t h1, uint32_t len) {
  h1 ^= len;
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6bu;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35u;
  h1 ^= h1 >> 16;
  return h1;
}
inline uint32_t MurmurInt(uint32_t v, uint32_t seed) { return Fmix32(MixH1(seed, MixK1(v)), 4); }
inline uint32_t MurmurLong(uint64_t v, uint32_t seed) {
  uint32_t h1 = MixH1(seed, MixK1(static_cast<uint32_t>(v)));
  h1 = MixH1(h1, MixK1(static_cast<uint32_t>(v >> 32)));
  return Fmix32(h1, 8);
}
uint32_t MurmurBytes(std::string_view s, uint32_t seed) {
  size_t aligned = s.size() - s.size() % 4;
  uint32_t h1 = seed;
  for (size_t i = 0; i < aligned; i += 4) {
    uint32_t k;
    std::memcpy(&k, s.data() + i, 4);  // little-endian as Spark's Platform.getInt on x86
    h1 = MixH1(h1, MixK1(k));
  }
  for (size_t i = aligned; i < s.size(); ++i) {
    int32_t half = static_cast<signed char>(s[i]);
    h1 = MixH1(h1, MixK1(static_cast<uint32_t>(half)));
  }
  return Fmix32(h1, static_cast<uint32_t>(s.size()));
}

// --- XXH64 ---

constexpr uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL, P3 = 0x165667B19E3779F9ULL,
                   P4 = 0x85EBCA77C2B2AE63ULL, P5 = 0x27D4EB2F165667C5ULL;
inline uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t XRound(uint64_t acc, uint64_t input) {
  acc += input * P2;
  acc = Rotl64(acc, 31);
  return acc * P1;
}
inline uint64_t XMerge(uint64_t acc, uint64_t val) {
  acc ^= XRound(0, val);
  return acc * P1 + P4;
}
inline uint64_t XFmix(uint64_t h) {
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}
uint64_t XXH64(const char* p, size_t len, uint64_t seed) {
  const char* end = p + len;
  uint64_t h;
  if (len >= 32) {
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    const char* limit = end - 32;
    do {
      uint64_t k[4];
      std::memcpy(k, p, 32);
      v1 = XRound(v1, k[0]);
      v2 = XRound(v2, k[1]);
      v3 = XRound(v3, k[2]);
      v4 = XRound(v4, k[3]);
      p += 32;
    } while (p <= limit);
    h = Rotl64(v1, 1) + Rotl64(v2, 7) + Rotl64(v3, 12) + Rotl64(v4, 18);
    h = XMerge(h, v1);
    h = XMerge(h, v2);
    h = XMerge(h, v3);
    h = XMerge(h, v4);
  } else {
    h = seed + P5;
  }
  h += len;
  while (p + 8 <= end) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    h ^= XRound(0, k);
    h = Rotl64(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    uint32_t k;
    std::memcpy(&k, p, 4);
    h ^= static_cast<uint64_t>(k) * P1;
    h = Rotl64(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= static_cast<uint64_t>(static_cast<unsigned char>(*p)) * P5;
    h = Rotl64(h, 11) * P1;
    ++p;
  }
  return XFmix(h);
}

// Java's BigInteger.toByteArray: minimal big-endian two's complement.
std::string BigIntegerBytes(int128_t v) {
  unsigned char buf[16];
  for (int i = 0; i < 16; ++i) buf[15 - i] = static_cast<unsigned char>(static_cast<unsigned __int128>(v) >> (8 * i));
  int start = 0;
  while (start < 15 && ((buf[start] == 0x00 && !(buf[start + 1] & 0x80)) ||
                        (buf[start] == 0xFF && (buf[start + 1] & 0x80)))) {
    ++start;
  }
  return std::string(reinterpret_cast<char*>(buf + start), static_cast<size_t>(16 - start));
}

template <bool kXx>
struct Hasher {
  using H = std::conditional_t<kXx, uint64_t, uint32_t>;
  static H Int(int32_t v, H seed) {
    if constexpr (kXx) {
      char b[4];
      std::memcpy(b, &v, 4);
      return XXH64(b, 4, seed);
    } else {
      return MurmurInt(static_cast<uint32_t>(v), seed);
    }
  }
  static H Long(int64_t v, H seed) {
    if constexpr (kXx) {
      char b[8];
      std::memcpy(b, &v, 8);
      return XXH64(b, 8, seed);
    } else {
      return MurmurLong(static_cast<uint64_t>(v), seed);
    }
  }
  static H Bytes(std::string_view s, H seed) {
    if constexpr (kXx) {
      return XXH64(s.data(), s.size(), seed);
    } else {
      return MurmurBytes(s, seed);
    }
  }
  static H Double(double d, H seed) {
    if (d == 0) d = 0.0;  // -0.0 -> 0.0
    int64_t bits;
    if (std::isnan(d)) {
      bits = 0x7ff8000000000000LL;
    } else {
      std::memcpy(&bits, &d, 8);
    }
    return Long(bits, seed);
  }
  // One row of vector v.
  static H Row(const Vector& v, size_t r, H seed) {
    if (!v.IsValid(r)) return seed;
    const DataType& t = v.type();
    switch (t.id()) {
      case TypeId::kNull: return seed;
      case TypeId::kBoolean: return Int(v.data<uint8_t>()[r] ? 1 : 0, seed);
      case TypeId::kInt:
      case TypeId::kDate: return Int(v.data<int32_t>()[r], seed);
      case TypeId::kBigint:
      case TypeId::kTimestamp: return Long(v.data<int64_t>()[r], seed);
      case TypeId::kDouble: return Double(v.data<double>()[r], seed);
      case TypeId::kDecimal: {
        int128_t u = v.data<int128_t>()[r];
        if (t.precision() <= 18) return Long(static_cast<int64_t>(u), seed);
        return Bytes(BigIntegerBytes(u), seed);
      }
      case TypeId::kString:
      case TypeId::kBinary: return Bytes(v.data<std::string_view>()[r], seed);
      case TypeId::kStruct: {
        H h = seed;
        for (size_t c = 0; c < v.num_children(); ++c) h = Row(v.child(c), r, h);
        return h;
      }
      case TypeId::kArray: {
        H h = seed;
        for (uint32_t e = v.offsets()[r]; e < v.offsets()[r + 1]; ++e) h = Row(v.child(0), e, h);
        return h;
      }
    }
    return seed;
  }
};

template <bool kXx>
Result<Vector> HashKernelT(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  using Hs = Hasher<kXx>;
  Vector out(ctx.call->type, n);
  for (size_t i = 0; i < n; ++i) {
    typename Hs::H h = 42;
    for (const auto& a : args) h = Hs::Row(a, Row(a, n, i), h);
    if constexpr (kXx) {
      out.data<int64_t>()[i] = static_cast<int64_t>(h);
    } else {
      out.data<int32_t>()[i] = static_cast<int32_t>(h);
    }
  }
  return out;
}

Result<Vector> HashKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  return HashKernelT<false>(ctx, args, n);
}
Result<Vector> XxHashKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  return HashKernelT<true>(ctx, args, n);
}

// --- digests ---

std::string Hex(const unsigned char* d, size_t len) {
  static const char* kHex = "0123456789abcdef";
  std::string s(len * 2, '0');
  for (size_t i = 0; i < len; ++i) {
    s[2 * i] = kHex[d[i] >> 4];
    s[2 * i + 1] = kHex[d[i] & 15];
  }
  return s;
}

Result<Vector> DigestKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const std::string& name = ctx.call->name;
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  if (md == nullptr) return Status::Internal("EVP_MD_CTX_new failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  Status st;
  for (size_t i = 0; i < n && st.ok(); ++i) {
    if (!out.IsValid(i)) continue;
    const EVP_MD* type = nullptr;
    if (name == "md5") {
      type = EVP_md5();
    } else if (name == "sha1" || name == "sha") {
      type = EVP_sha1();
    } else {
      int bits = args[1].data<int32_t>()[Row(args[1], n, i)];
      switch (bits) {
        case 0:
        case 256: type = EVP_sha256(); break;
        case 224: type = EVP_sha224(); break;
        case 384: type = EVP_sha384(); break;
        case 512: type = EVP_sha512(); break;
        default: out.SetNull(i); continue;  // Spark: unsupported bit length -> NULL
      }
    }
    std::string_view s = args[0].data<std::string_view>()[Row(args[0], n, i)];
    unsigned int len = 0;
    if (EVP_DigestInit_ex(md, type, nullptr) != 1 || EVP_DigestUpdate(md, s.data(), s.size()) != 1 ||
        EVP_DigestFinal_ex(md, digest, &len) != 1) {
      st = Status::Internal("OpenSSL digest failed");
      break;
    }
    out.SetString(i, Hex(digest, len));
  }
  EVP_MD_CTX_free(md);
  if (!st.ok()) return st;
  return out;
}

Result<Vector> Crc32Kernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Bigint(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (size_t i = 0; i < n; ++i) {
    std::string_view s = args[0].data<std::string_view>()[Row(args[0], n, i)];
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
    out.data<int64_t>()[i] = static_cast<int64_t>(c);
  }
  return out;
}

Result<ExprPtr> BindHash(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  return Call(def, name, std::move(args), def.result, false);
}

Result<ExprPtr> BindBinaryInput(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  // Spark takes BINARY; strings are hashed as their UTF-8 bytes.
  if (args[0]->type.id() != TypeId::kBinary) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  if (args.size() == 2) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::Int()));
  bool nullable = AnyNullable(args) || name == "sha2";
  return Call(def, name, std::move(args), def.result, nullable);
}

}  // namespace

void RegisterHashFunctions(FunctionTable& t) {
  auto add = [&](const char* name, decltype(ScalarFunction::kernel) k, BindFn bind, int min, int max, DataType result,
                 std::vector<std::string> aliases = {}) {
    FunctionDef d = FunctionDef::Kernel(name, k, bind, min, max);
    d.result = std::move(result);
    t.Add(std::move(d), std::move(aliases));
  };
  add("hash", HashKernel, BindHash, 1, -1, DataType::Int());
  add("xxhash64", XxHashKernel, BindHash, 1, -1, DataType::Bigint());
  add("md5", DigestKernel, BindBinaryInput, 1, 1, DataType::String());
  add("sha1", DigestKernel, BindBinaryInput, 1, 1, DataType::String(), {"sha"});
  add("sha2", DigestKernel, BindBinaryInput, 2, 2, DataType::String());
  add("crc32", Crc32Kernel, BindBinaryInput, 1, 1, DataType::Bigint());
}

}  // namespace sluice::fn
