# The sluice command line.
add_executable(sluice tools/sluice/main.cc)
target_include_directories(sluice PRIVATE ${CLI11_INCLUDE_DIR})
target_link_libraries(sluice PRIVATE sluice_api)
