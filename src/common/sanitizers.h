// SLUICE_ADDRESS_SANITIZER: 1 when the code is compiled with AddressSanitizer,
// by GCC (which defines __SANITIZE_ADDRESS__) or by clang (which reports it
// through __has_feature(address_sanitizer) only). Code that reads on purpose
// past an allocation (the Kafka scan parsing JSON in place in librdkafka's
// buffer) takes the safe path when it is 1.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef SLUICE_ADDRESS_SANITIZER
#define SLUICE_ADDRESS_SANITIZER 0
#endif
