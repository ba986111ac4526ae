# Rule enrichment: the field paths of enrich blocks and the numbers they read.
rampart_fuzz_target(field_path SOURCES ${CMAKE_CURRENT_LIST_DIR}/field_path_fuzz.cc
                    DEPS rampart_pattern)
