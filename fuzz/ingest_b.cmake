# Fuzz targets of the kube-bench, GuardDuty, OCSF, Falco and Inspector readers; seed corpora
# are in fuzz/corpus/<name>/.
foreach(name kube_bench guardduty ocsf falco inspector)
  rampart_fuzz_target(${name} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${name}_fuzz.cc DEPS rampart_ingest)
  target_include_directories(${name}_fuzz PRIVATE ${CMAKE_SOURCE_DIR})
endforeach()
