# The module graph, in the order a record flows through the system. Each
# entry is one static library built from the .cc files directly in the listed
# folders of src/ (not their subfolders). A module depends only on modules
# below it (DESIGN.md section 3); tools/check_layers.py, run at every build,
# fails the build when a source file includes from a folder above its own.
sluice_module(common)
# spdlog stays inside src/common/log.cc (log.h needs only fmt).
target_link_libraries(sluice_common PRIVATE spdlog::spdlog)
sluice_module(types DEPS sluice_common)
sluice_module(vector DEPS sluice_types)
sluice_module(env DEPS sluice_common)
sluice_module(sql DEPS sluice_types)
# Engine batches <-> the Arrow C Data Interface (no Arrow library): the
# query-result streams of api/ and the Parquet reader/writer use it.
sluice_module(arrow DEPS sluice_vector)
# Rows as text: console tables, CSV, JSON lines (sinks and the CLI).
sluice_module(render DEPS sluice_vector)
# md5/sha1/sha2 (OpenSSL) and crc32 (zlib) for the exec module's hash functions;
# ICU (icu-uc) for the Unicode case mappings of upper, lower and initcap.
pkg_check_modules(OPENSSL REQUIRED IMPORTED_TARGET openssl)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
sluice_module(exec DIRS exec exec/functions DEPS sluice_vector sluice_render sluice_json PkgConfig::RE2 PkgConfig::SIMDJSON PkgConfig::OPENSSL PkgConfig::ZLIB PkgConfig::ICU_UC)
sluice_module(exec/operators DEPS sluice_exec)
# JSON records -> typed columns (simdjson on demand), for the file and Kafka readers.
sluice_module(json DEPS sluice_vector PkgConfig::SIMDJSON)
sluice_module(checkpoint DEPS sluice_env sluice_types PkgConfig::SIMDJSON PkgConfig::ZLIB)  # zlib: crc32 of log files
# RocksDB 7.8 (Debian's librocksdb-dev, installed by scripts/setup.sh): the
# RocksDB state store provider (src/state/rocksdb_state_store_provider.*).
pkg_check_modules(ROCKSDB REQUIRED IMPORTED_TARGET rocksdb)
sluice_module(state DEPS sluice_env sluice_vector z PkgConfig::ROCKSDB)  # z: zlib (crc32, compression)
# Stateful physical operators of streaming queries (they read and write the
# state store): above exec/operators and state/, below the planner.
sluice_module(exec/stateful DEPS sluice_exec_operators sluice_state)
# Connectors: the Source / Sink / TableSource interfaces and the registry
# (src/connectors/*.h), then one module per connector, then the built-in
# registry that knows them all. Nothing here depends on plan/, api/, stream/.
sluice_module(connectors DEPS sluice_exec_operators sluice_env)
# zlib: crc32 of the file sink's part files, checked as they are read.
sluice_module(connectors/file DEPS sluice_connectors sluice_env sluice_checkpoint sluice_json sluice_render sluice_arrow
              PkgConfig::ZLIB)
# Parquet: libparquet / libarrow from the pyarrow wheel (cmake/arrow.cmake).
# PRIVATE: Arrow's include path stays on the Parquet reader's and writer's
# command lines (the modules above link the libraries, not the headers).
target_link_libraries(sluice_connectors_file PRIVATE Arrow::parquet_shared)
sluice_module(connectors/memory DEPS sluice_connectors)
sluice_module(connectors/rate DEPS sluice_connectors sluice_checkpoint)
# The Nexmark benchmark's generator as a source (docs/nexmark.md).
sluice_module(connectors/nexmark DEPS sluice_connectors sluice_checkpoint)
sluice_module(connectors/console DEPS sluice_connectors sluice_render)
sluice_module(connectors/file_stream DEPS sluice_connectors_file sluice_checkpoint)
sluice_module(connectors/kafka DEPS sluice_connectors sluice_checkpoint sluice_env sluice_json RdKafka::rdkafka PkgConfig::SIMDJSON)
# The Delta Lake sink: Parquet data files (connectors/file's ParquetWriter) and
# the table's _delta_log/ JSON commits (simdjson to read them back).
sluice_module(connectors/delta DEPS sluice_connectors_file sluice_checkpoint sluice_env PkgConfig::SIMDJSON)
# Delta checkpoints (Parquet) are read with libparquet: Arrow's headers only in
# delta_checkpoint.cc.
target_link_libraries(sluice_connectors_delta PRIVATE Arrow::parquet_shared)
# PostgreSQL sink (libpq from Debian's libpq-dev): COPY in one transaction per batch.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
sluice_module(connectors/postgres DEPS sluice_connectors sluice_env sluice_render PkgConfig::LIBPQ)
# The state data source (read_statestore, USING statestore): reads state through exec/stateful/.
sluice_module(connectors/statestore DEPS sluice_connectors sluice_exec_stateful sluice_checkpoint sluice_sql)
sluice_module(connectors/builtin DEPS sluice_connectors_file sluice_connectors_memory sluice_connectors_rate sluice_connectors_nexmark
              sluice_connectors_console sluice_connectors_file_stream sluice_connectors_kafka
              sluice_connectors_statestore sluice_connectors_delta sluice_connectors_postgres)
# The batch planner (binder, optimizer, physical planner), then the API.
sluice_module(plan DEPS sluice_sql sluice_exec_operators sluice_exec_stateful sluice_connectors_builtin)  # builtin: read_<format>() table functions
sluice_module(api DEPS sluice_arrow sluice_plan sluice_connectors_builtin sluice_render)
# Streaming: the micro-batch runner, the streaming API and SQL jobs.
sluice_module(stream DEPS sluice_api sluice_checkpoint sluice_state sluice_connectors_builtin)
# The CLI's `run` subcommand (tools/sluice/main.cc) needs the streaming runtime;
# the target is declared later (cmake/tools.cmake), hence the deferred call.
cmake_language(DEFER CALL target_link_libraries sluice PRIVATE sluice_stream)
# The monitoring server beside `sluice run`'s queries: REST, /metrics and the
# embedded web page (issue 16, docs/ui.md).
sluice_module(monitor DEPS sluice_stream PkgConfig::HTTPLIB)
cmake_language(DEFER CALL target_link_libraries sluice PRIVATE sluice_monitor)
# SIGKILL crash test of the batch lifecycle through a real `sluice run` process.
add_test(NAME stream_crash_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/crash_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_crash_test PROPERTIES LABELS e2e TIMEOUT 120)
# The same with the RocksDB state store provider: a streaming aggregation
# killed at kill points of the batch and of the provider (delta written,
# snapshot before its rename), restarted: exact counts and sums.
add_test(NAME stream_rocksdb_crash_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/rocksdb_crash_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_rocksdb_crash_test PROPERTIES LABELS e2e TIMEOUT 180)
# The same for a stream-stream join (both sides' state stores, and a kill
# between their commits), on each state store provider.
add_test(NAME stream_join_crash_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/join_crash_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_join_crash_test PROPERTIES LABELS e2e TIMEOUT 180)
# Random SIGKILLs of `sluice run` (file -> file, and a streaming aggregation)
# while input arrives; the output holds every input record once. The short
# version of scripts/sigkill_loop.sh (a few seconds); the Kafka pipelines are
# in cmake/kafka.cmake (kafka_sigkill_test).
add_test(NAME stream_sigkill_test COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/sigkill_loop.sh
         --sluice $<TARGET_FILE:sluice> --kills 5 --pipelines file,agg,agg-rocksdb)
set_tests_properties(stream_sigkill_test PROPERTIES LABELS e2e TIMEOUT 120)
# Strict options: misspelt, unsupported and out-of-range options and
# unsupported output modes fail `sluice run` before a checkpoint exists.
add_test(NAME stream_options_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/options_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_options_test PROPERTIES LABELS e2e TIMEOUT 120)
# Cancellation: --max-batches N runs exactly N batches; SIGINT/SIGTERM stop a
# job within a deadline even against an unreachable broker.
add_test(NAME stream_cancel_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/cancel_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_cancel_test PROPERTIES LABELS e2e TIMEOUT 180)
# Generators stream: billion-row rate batches run in bounded memory under
# `ulimit -v` and stop on SIGTERM; absurd rates are refused at start.
add_test(NAME stream_bounded_memory_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/bounded_memory_test.sh $<TARGET_FILE:sluice> ${SLUICE_SANITIZED})
set_tests_properties(stream_bounded_memory_test PROPERTIES LABELS e2e TIMEOUT 120)
# SIGKILL at each kill point of a watermarked append aggregation (WATERMARK
# clause): every closed group exactly once, the logged watermarks as worked
# out; on each state store provider.
add_test(NAME stream_watermark_crash_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/watermark_crash_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_watermark_crash_test PROPERTIES LABELS e2e TIMEOUT 180)
add_test(NAME stream_watermark_crash_test_rocksdb
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/watermark_crash_test.sh $<TARGET_FILE:sluice> rocksdb)
set_tests_properties(stream_watermark_crash_test_rocksdb PROPERTIES LABELS "e2e;rocksdb" TIMEOUT 180)
# A SQL job restarted after its aggregation changed fails with the state-schema error.
add_test(NAME stream_state_schema_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/state_schema_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_state_schema_test PROPERTIES LABELS e2e TIMEOUT 60)
# Damaged or edited checkpoints and a second process on a running checkpoint
# (issue 10): an error naming the file, never a silent loss or duplicate.
add_test(NAME stream_checkpoint_integrity_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/stream/checkpoint_integrity_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(stream_checkpoint_integrity_test PROPERTIES LABELS e2e TIMEOUT 120)
# Every file kind of a checkpoint and a file sink x {deleted, emptied,
# truncated, flipped, future version, extra file, gap}: an error naming the
# file or an exactly-once recovery, as docs/checkpoint-format.md documents;
# prints the matrix and its counts.
add_test(NAME stream_corruption_matrix_test COMMAND python3 ${PROJECT_SOURCE_DIR}/test/stream/corruption_matrix_test.py $<TARGET_FILE:sluice>)
set_tests_properties(stream_corruption_matrix_test PROPERTIES LABELS e2e TIMEOUT 180)
# The PostgreSQL sink against a real PostgreSQL 15 (scripts/postgres/server.sh,
# started by the test): every type, NULLs, unicode, the output modes, kill
# points around the batch's transaction, a constraint violation, a server
# restart under a running query, the password kept out of messages. Checked
# with psql. Exit 77 (skipped) without the server binaries.
add_test(NAME postgres_sink_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/postgres/postgres_sink_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(postgres_sink_test PROPERTIES LABELS "postgres;integration" TIMEOUT 180 SKIP_RETURN_CODE 77)
# Random SIGKILLs of `sluice run` writing to PostgreSQL (the short form of
# scripts/sigkill_loop.sh --pipelines postgres): every id once, checked by SQL.
add_test(NAME postgres_sigkill_test COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/sigkill_loop.sh
         --sluice $<TARGET_FILE:sluice> --kills 6 --pipelines postgres,postgres-agg)
set_tests_properties(postgres_sigkill_test PROPERTIES LABELS "postgres;integration" TIMEOUT 180 SKIP_RETURN_CODE 77)
