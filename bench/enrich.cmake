# Cost per event of scoring events with a model before matching.
add_executable(enrich_bench ${CMAKE_CURRENT_LIST_DIR}/enrich_bench.cc)
target_link_libraries(enrich_bench PRIVATE rampart_remediate rampart_detect benchmark::benchmark)
target_compile_definitions(enrich_bench PRIVATE RAMPART_SHARED_DATA="${RAMPART_SHARED_DATA}")
set_target_properties(enrich_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
