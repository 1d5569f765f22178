# The installed library: one static libsluice.a holding the objects of every
# module (the per-folder libraries stay the build's unit), the public headers
# (include/sluice/*.h and the generated version.h) and a CMake package:
#
#   find_package(Sluice REQUIRED)
#   target_link_libraries(app PRIVATE Sluice::sluice)
#
# Public headers include only public headers, so a program needs no include
# path but the prefix's include/. The libraries the engine links (fmt,
# spdlog, simdjson, RE2, librdkafka (static, installed beside libsluice.a),
# OpenSSL, zlib, ICU, RocksDB, threads) come with the target as link-only
# dependencies, found again by SluiceConfig.cmake.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(SLUICE_MODULE_TARGETS GLOBAL PROPERTY SLUICE_MODULES)
set(SLUICE_MODULE_OBJECTS)
foreach(m ${SLUICE_MODULE_TARGETS})
  list(APPEND SLUICE_MODULE_OBJECTS $<TARGET_OBJECTS:${m}>)
endforeach()

add_library(sluice_library STATIC ${SLUICE_MODULE_OBJECTS})
add_library(Sluice::sluice ALIAS sluice_library)
set_target_properties(sluice_library PROPERTIES OUTPUT_NAME sluice EXPORT_NAME sluice LINKER_LANGUAGE CXX)
target_include_directories(sluice_library INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(sluice_library INTERFACE cxx_std_20)
# Keep in step with the modules' dependencies (cmake/modules.cmake,
# cmake/kafka.cmake) and with SluiceConfig.cmake.in; the install test links
# programs against the installed library, so a missing one fails there.
target_link_libraries(sluice_library INTERFACE
  $<LINK_ONLY:fmt::fmt> $<LINK_ONLY:spdlog::spdlog> $<LINK_ONLY:PkgConfig::SIMDJSON> $<LINK_ONLY:PkgConfig::RE2>
  $<LINK_ONLY:RdKafka::rdkafka> $<LINK_ONLY:PkgConfig::OPENSSL> $<LINK_ONLY:PkgConfig::ZLIB>
  $<LINK_ONLY:PkgConfig::ICU_UC> $<LINK_ONLY:PkgConfig::ROCKSDB>
  $<LINK_ONLY:Arrow::parquet_shared> $<LINK_ONLY:Arrow::arrow_shared>
  $<LINK_ONLY:Threads::Threads>)
# libsimdjson and libcrypto before libparquet on a program's link line
# (cmake/arrow.cmake says why).
target_link_options(sluice_library INTERFACE ${SLUICE_ARROW_LINK_FIRST})

# Arrow C++ and Parquet (the pyarrow wheel's libarrow.so.2600 and
# libparquet.so.2600, cmake/arrow.cmake) go into the prefix's lib/ beside
# libsluice.a; SluiceConfig.cmake makes the Arrow:: targets from them, and
# the installed sluice finds them through its RPATH.
install(FILES ${SLUICE_ARROW_DIR}/libarrow.so.${SLUICE_ARROW_SOVERSION} ${SLUICE_ARROW_DIR}/libparquet.so.${SLUICE_ARROW_SOVERSION}
        DESTINATION ${CMAKE_INSTALL_LIBDIR})
set_target_properties(sluice PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
# librdkafka.a (cmake/rdkafka.cmake) goes into the prefix's lib/ as
# libsluice_rdkafka.a (not to stand in for a librdkafka the prefix may have);
# SluiceConfig.cmake makes RdKafka::rdkafka from it.
install(FILES ${SLUICE_RDKAFKA_LIB} DESTINATION ${CMAKE_INSTALL_LIBDIR} RENAME libsluice_rdkafka.a)
# libpq: the PostgreSQL sink (src/connectors/postgres/).
target_link_libraries(sluice_library INTERFACE $<LINK_ONLY:PkgConfig::LIBPQ>)

if(SLUICE_SANITIZED)
  # An instrumented library needs the sanitizer runtimes in the program too.
  target_link_options(sluice_library INTERFACE -fsanitize=address,undefined)
endif()

install(TARGETS sluice RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS sluice_library EXPORT SluiceTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sluice DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/sluice/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sluice)
set(SLUICE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice)
install(EXPORT SluiceTargets NAMESPACE Sluice:: DESTINATION ${SLUICE_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/SluiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SluiceConfig.cmake INSTALL_DESTINATION ${SLUICE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SluiceConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SluiceConfig.cmake ${PROJECT_BINARY_DIR}/SluiceConfigVersion.cmake
        DESTINATION ${SLUICE_CMAKE_DIR})

# Tests of the installed package (label e2e): every public header compiles
# on its own with only the prefix's include/ on the include path, and a
# separate CMake project (examples/cpp/) builds and runs against the prefix.
add_test(NAME install_headers_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/install/install_test.sh headers ${PROJECT_BINARY_DIR}
                 ${PROJECT_SOURCE_DIR} ${CMAKE_CXX_COMPILER})
add_test(NAME install_examples_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/install/install_test.sh examples ${PROJECT_BINARY_DIR}
                 ${PROJECT_SOURCE_DIR} ${CMAKE_CXX_COMPILER})
set_tests_properties(install_headers_test install_examples_test PROPERTIES LABELS e2e TIMEOUT 180)
