# Posture: the Kubernetes manifest loader, checks and field patches.
rampart_fuzz_target(manifest_loader
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/manifest_loader_fuzz.cc
  DEPS rampart_posture)
