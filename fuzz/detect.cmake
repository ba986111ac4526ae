# Fuzz targets of the detect module: each log reader, the CSV, Prometheus and .npy parsers,
# the .npz and .mat benchmark readers, and the model file loader.
foreach(target cloudtrail k8s_audit syslog_auth prometheus csv_table model_file npy
               labelled_arrays)
  rampart_fuzz_target(${target} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${target}_fuzz.cc DEPS rampart_detect)
endforeach()
