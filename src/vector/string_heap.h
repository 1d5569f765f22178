// StringHeap: arena that owns the bytes of the STRING/BINARY values of one or
// more vectors. Values are std::string_view into it, so a string costs no heap
// allocation of its own. Vectors derived from another (gather, slice) share
// its heap instead of copying bytes. A heap can also keep alive an external
// buffer (a file or Kafka message) that views point into.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace sluice {

class StringHeap {
 public:
  StringHeap() = default;
  StringHeap(const StringHeap&) = delete;
  StringHeap& operator=(const StringHeap&) = delete;

  // Copies `s` into the heap; the view stays valid as long as the heap lives.
  std::string_view Add(std::string_view s) {
    if (s.empty()) return {};
    char* p = Allocate(s.size());
    __builtin_memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  // Uninitialized space for n bytes.
  char* Allocate(size_t n) {
    if (n > remaining_) NewBlock(n);
    char* p = cursor_;
    cursor_ += n;
    remaining_ -= n;
    return p;
  }
  // Keeps `owner` alive as long as this heap: views may point into it.
  void KeepAlive(std::shared_ptr<const void> owner) { owners_.push_back(std::move(owner)); }
  // Keeps another heap alive (views copied from its vectors stay valid).
  void KeepAlive(const std::shared_ptr<StringHeap>& other) {
    if (other.get() != this) owners_.push_back(other);
  }
  size_t bytes_allocated() const { return allocated_; }

 private:
  void NewBlock(size_t min);

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::shared_ptr<const void>> owners_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t next_block_ = 4096;
  size_t allocated_ = 0;
};

}  // namespace sluice
