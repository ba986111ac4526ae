# libFuzzer targets for the readers of kube-bench, GuardDuty, OCSF, Falco and Inspector
# reports. Seed corpora are in fuzz/corpus/<name>/; run, for example,
#   build-fuzz/fuzz/guardduty_fuzz -max_total_time=60 fuzz/corpus/guardduty
# Without src/ingest/readers.cc the targets take their MakeAllReaders from the ingest
# test folder.
if(NOT EXISTS ${CMAKE_SOURCE_DIR}/src/ingest/readers.cc)
  set(INGEST_B_FUZZ_REGISTRY ${CMAKE_SOURCE_DIR}/src/ingest/testing/more_readers_registry.cc)
endif()
foreach(name kube_bench guardduty ocsf falco inspector)
  add_executable(${name}_fuzz ${CMAKE_CURRENT_LIST_DIR}/${name}_fuzz.cc ${INGEST_B_FUZZ_REGISTRY})
  target_include_directories(${name}_fuzz PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name}_fuzz PRIVATE rampart_ingest)
  target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
endforeach()
