# Apache Arrow C++ and Parquet as shipped in the pinned pyarrow wheel
# (scripts/setup_arrow.sh unpacks its headers and libarrow.so.2600 /
# libparquet.so.2600 into .deps/pyarrow-<version>/; docs/parquet.md says why).
# Two imported targets: Arrow::arrow_shared and Arrow::parquet_shared. Only a
# few .cc files include Arrow's headers (src/arrow/arrow_bridge.cc and the
# Parquet reader/writer in src/connectors/file/); no header that another
# module includes pulls them in.
set(SLUICE_ARROW_VERSION 26.0.1)
set(SLUICE_ARROW_SOVERSION 2600)
set(SLUICE_ARROW_DIR "${PROJECT_SOURCE_DIR}/.deps/pyarrow-${SLUICE_ARROW_VERSION}" CACHE PATH
    "Directory holding pyarrow's include/ and libarrow.so.${SLUICE_ARROW_SOVERSION} (scripts/setup_arrow.sh)")
set(_arrow_lib "${SLUICE_ARROW_DIR}/libarrow.so.${SLUICE_ARROW_SOVERSION}")
set(_parquet_lib "${SLUICE_ARROW_DIR}/libparquet.so.${SLUICE_ARROW_SOVERSION}")
if(NOT EXISTS "${_arrow_lib}" OR NOT EXISTS "${_parquet_lib}" OR NOT EXISTS "${SLUICE_ARROW_DIR}/include/arrow/api.h")
  message(FATAL_ERROR "Arrow C++ (pyarrow==${SLUICE_ARROW_VERSION}) not found in ${SLUICE_ARROW_DIR}: "
                      "run scripts/setup_arrow.sh (or set -DSLUICE_ARROW_DIR=<dir with include/ and the .so files>)")
endif()
foreach(_pair "arrow_shared;${_arrow_lib};libarrow.so.${SLUICE_ARROW_SOVERSION}"
              "parquet_shared;${_parquet_lib};libparquet.so.${SLUICE_ARROW_SOVERSION}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _path)
  list(GET _pair 2 _soname)
  add_library(Arrow::${_name} SHARED IMPORTED GLOBAL)
  # SYSTEM: Arrow's headers are not held to -Wall -Wextra -Werror.
  set_target_properties(Arrow::${_name} PROPERTIES
    IMPORTED_LOCATION "${_path}"
    IMPORTED_SONAME "${_soname}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${SLUICE_ARROW_DIR}/include"
    INTERFACE_INCLUDE_DIRECTORIES "${SLUICE_ARROW_DIR}/include")
endforeach()
set_property(TARGET Arrow::parquet_shared PROPERTY INTERFACE_LINK_LIBRARIES Arrow::arrow_shared)
# Executables in the build tree find the libraries where they are (CMake's
# build RPATH holds the directory of every linked shared library).
set(CMAKE_BUILD_RPATH "${SLUICE_ARROW_DIR}" CACHE STRING "" FORCE)

# libparquet.so from the wheel exports the symbols of the simdjson and
# OpenSSL (libcrypto) copies linked into it, and does not bind its own
# references to them (-Bsymbolic). Sluice calls both libraries too (JSON
# parsing; md5/sha hashes): linked after libparquet, Sluice's references
# would resolve to libparquet's copies, of other versions (a crash in
# simdjson's ondemand parser showed it). So every program and module puts the
# system's libsimdjson and libcrypto first on its link line and in its
# NEEDED list: Sluice binds to them, and at run time they come first in the
# lookup order. libparquet's own uses of them (JSON in geospatial and
# variant metadata, Parquet encryption) then also use the system's copies;
# Sluice uses neither feature. cmake/install.cmake gives an installed
# libsluice.a's consumers the same link options.
pkg_check_modules(SLUICE_ARROW_FIRST REQUIRED simdjson libcrypto)
set(SLUICE_ARROW_LINK_FIRST "LINKER:--push-state,--no-as-needed" ${SLUICE_ARROW_FIRST_LINK_LIBRARIES}
    "LINKER:--pop-state")
add_link_options(${SLUICE_ARROW_LINK_FIRST})
