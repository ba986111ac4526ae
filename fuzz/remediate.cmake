# Fuzz targets of the remediation actions: the Job template filler and the kubeconfig parser.
# Included from fuzz/CMakeLists.txt when RAMPART_FUZZ is on.
foreach(target job_template kubeconfig)
  add_executable(${target}_fuzz ${CMAKE_CURRENT_LIST_DIR}/${target}_fuzz.cc)
  target_link_libraries(${target}_fuzz PRIVATE rampart_remediate_actions)
  target_link_options(${target}_fuzz PRIVATE -fsanitize=fuzzer)
endforeach()
