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
# libparquet.so exports the symbols of the simdjson it bundles (another
# version than Debian's libsimdjson, with other class layouts). Whichever
# library comes first in an executable's DT_NEEDED list serves every
# simdjson symbol the executable uses, and CMake puts libsimdjson after
# libparquet on the link line (it follows the modules that use it): Sluice's
# JSON reader then calls into libparquet's simdjson and crashes (SIGSEGV in
# parse_wobbly_string on the first JSON file). So every target that links
# Arrow records libsimdjson first, as a link option (options precede the
# libraries on the link line).
set_property(TARGET Arrow::arrow_shared APPEND PROPERTY INTERFACE_LINK_OPTIONS
             "LINKER:--push-state,--no-as-needed" "-lsimdjson" "LINKER:--pop-state")
