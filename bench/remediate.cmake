# Remediation latency from finding import to action start, and no-op actions per second.
add_executable(remediate_bench ${CMAKE_CURRENT_LIST_DIR}/remediate_bench.cc)
target_link_libraries(remediate_bench PRIVATE rampart_remediate CLI11::CLI11)
target_compile_definitions(remediate_bench PRIVATE RAMPART_SHARED_DATA="${RAMPART_SHARED_DATA}")
set_target_properties(remediate_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
