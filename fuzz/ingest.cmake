# Fuzz targets of the ASFF, Trivy, CycloneDX, SARIF and Grype readers and of ReadReport;
# seed corpora are in fuzz/corpus/<name>/.
foreach(name asff trivy cyclonedx sarif grype read_report)
  rampart_fuzz_target(${name} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${name}_fuzz.cc DEPS rampart_ingest)
endforeach()
