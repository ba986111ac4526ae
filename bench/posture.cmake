# Posture: workloads checked per second, manifest loading, and ASFF conversion.
add_executable(posture_bench ${CMAKE_CURRENT_LIST_DIR}/posture_bench.cc)
target_link_libraries(posture_bench PRIVATE rampart_posture benchmark::benchmark)
target_compile_definitions(posture_bench PRIVATE RAMPART_SHARED_DATA="${RAMPART_SHARED_DATA}")
