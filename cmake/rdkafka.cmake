# librdkafka 2.8.0, static, as scripts/setup_rdkafka.sh builds it from
# Debian's source package into .deps/librdkafka-<version>/ (include/librdkafka/
# rdkafka.h, lib/librdkafka.a). One imported target, RdKafka::rdkafka, with
# the system libraries librdkafka.a links (OpenSSL, zlib, zstd, lz4, Cyrus
# SASL).
# Statically linked, so the engine, the tools, the Python module and an
# installed sluice need no librdkafka at run time (the system's 2.0.2, if
# present, is not used). setup_rdkafka.sh says why not Debian 12's 2.0.2.
set(SLUICE_RDKAFKA_VERSION 2.8.0)
set(SLUICE_RDKAFKA_DIR "${PROJECT_SOURCE_DIR}/.deps/librdkafka-${SLUICE_RDKAFKA_VERSION}" CACHE PATH
    "Directory holding librdkafka's include/librdkafka/rdkafka.h and lib/librdkafka.a (scripts/setup_rdkafka.sh)")
set(SLUICE_RDKAFKA_LIB "${SLUICE_RDKAFKA_DIR}/lib/librdkafka.a")
if(NOT EXISTS "${SLUICE_RDKAFKA_LIB}" OR NOT EXISTS "${SLUICE_RDKAFKA_DIR}/include/librdkafka/rdkafka.h")
  message(FATAL_ERROR "librdkafka ${SLUICE_RDKAFKA_VERSION} not found in ${SLUICE_RDKAFKA_DIR}: "
                      "run scripts/setup_rdkafka.sh (or set -DSLUICE_RDKAFKA_DIR=<its prefix>)")
endif()
# What librdkafka.a links (its configure flags are pinned in setup_rdkafka.sh):
# these pkg-config modules and system libraries. SluiceConfig.cmake.in takes
# both lists from here for an installed Sluice's consumers.
set(SLUICE_RDKAFKA_PKG_MODULES libssl libcrypto zlib libzstd liblz4 libsasl2)
set(SLUICE_RDKAFKA_SYSTEM_LIBS Threads::Threads m dl rt)
pkg_check_modules(SLUICE_RDKAFKA_DEPS REQUIRED IMPORTED_TARGET ${SLUICE_RDKAFKA_PKG_MODULES})
add_library(RdKafka::rdkafka STATIC IMPORTED GLOBAL)
# SYSTEM: librdkafka's header is not held to -Wall -Wextra -Werror.
set_target_properties(RdKafka::rdkafka PROPERTIES
  IMPORTED_LOCATION "${SLUICE_RDKAFKA_LIB}"
  IMPORTED_LINK_INTERFACE_LANGUAGES C
  INTERFACE_INCLUDE_DIRECTORIES "${SLUICE_RDKAFKA_DIR}/include"
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${SLUICE_RDKAFKA_DIR}/include"
  INTERFACE_LINK_LIBRARIES "PkgConfig::SLUICE_RDKAFKA_DEPS;${SLUICE_RDKAFKA_SYSTEM_LIBS}")
