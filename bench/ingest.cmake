# Ingest rate: parse and normalize of Trivy and ASFF reports scaled to 100,000 findings,
# alone and followed by storing them.
add_executable(ingest_bench ${CMAKE_CURRENT_LIST_DIR}/ingest_bench.cc)
target_link_libraries(ingest_bench PRIVATE rampart_ingest rampart_store benchmark::benchmark)
target_compile_definitions(ingest_bench PRIVATE RAMPART_SHARED_DATA="${RAMPART_SHARED_DATA}")
