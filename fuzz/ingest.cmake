# libFuzzer targets of the ingest readers and of ReadReport; seeds in corpus/<name>/.
foreach(target asff trivy cyclonedx sarif grype read_report)
  add_executable(${target}_fuzz ${CMAKE_CURRENT_LIST_DIR}/${target}_fuzz.cc)
  target_link_libraries(${target}_fuzz PRIVATE rampart_ingest)
  target_link_options(${target}_fuzz PRIVATE -fsanitize=fuzzer)
endforeach()
