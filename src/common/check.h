// Invariant checks. SLUICE_CHECK is always on; SLUICE_DCHECK only in debug
// builds. Both are for bugs in Sluice, never for bad user input (that gets a
// Status).
#pragma once

#include <cstdio>
#include <cstdlib>

#define SLUICE_CHECK(cond)                                                      \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                             \
    }                                                                           \
  } while (false)

#ifdef NDEBUG
#define SLUICE_DCHECK(cond) \
  do {                      \
  } while (false && (cond))
#else
#define SLUICE_DCHECK(cond) SLUICE_CHECK(cond)
#endif
