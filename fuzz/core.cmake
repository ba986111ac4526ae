# The configuration file reader.
rampart_fuzz_target(config SOURCES ${CMAKE_CURRENT_LIST_DIR}/config_fuzz.cc DEPS rampart_core)
