# Fuzz targets of the remediation actions: the Job template filler and the kubeconfig parser.
foreach(target job_template kubeconfig)
  rampart_fuzz_target(${target} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${target}_fuzz.cc
                      DEPS rampart_remediate_actions)
endforeach()
