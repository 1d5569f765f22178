#include "env/kill_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace sluice::kill_point {
namespace {

struct Target {
  bool armed = false;
  std::string name;
  long nth = 1;
  std::atomic<long> hits{0};
};

Target* Load() {
  auto* t = new Target();
  const char* spec = std::getenv("SLUICE_KILL_AT");
  if (spec == nullptr || *spec == '\0') return t;
  std::string s(spec);
  size_t colon = s.rfind(':');
  if (colon != std::string::npos) {
    char* end = nullptr;
    long n = std::strtol(s.c_str() + colon + 1, &end, 10);
    if (end != nullptr && *end == '\0' && end != s.c_str() + colon + 1 && n > 0) {
      t->nth = n;
      s.resize(colon);
    }
  }
  t->name = std::move(s);
  t->armed = true;
  return t;
}

Target& Get() {
  static Target* t = Load();
  return *t;
}

}  // namespace

bool Armed() { return Get().armed; }

void Hit(std::string_view name) {
  Target& t = Get();
  if (!t.armed || name != t.name) return;
  if (t.hits.fetch_add(1) + 1 != t.nth) return;
  static const char kMsg[] = "sluice: SLUICE_KILL_AT reached, killing the process\n";
  ssize_t ignored = ::write(2, kMsg, sizeof(kMsg) - 1);
  (void)ignored;
  ::raise(SIGKILL);
  ::_exit(137);
}

}  // namespace sluice::kill_point
