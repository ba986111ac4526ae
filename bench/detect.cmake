# Anomaly-detection benchmarks: ODDS accuracy and timing, RCF and window throughput.
add_executable(detect_accuracy ${CMAKE_CURRENT_LIST_DIR}/detect_accuracy.cc)
target_link_libraries(detect_accuracy PRIVATE rampart_detect)

add_executable(detect_bench ${CMAKE_CURRENT_LIST_DIR}/detect_bench.cc)
target_link_libraries(detect_bench PRIVATE rampart_detect benchmark::benchmark)

add_executable(detect_nab ${CMAKE_CURRENT_LIST_DIR}/detect_nab.cc)
target_link_libraries(detect_nab PRIVATE rampart_detect)
