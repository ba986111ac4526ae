# rampart_module(NAME SOURCES ... DEPS ...) builds library rampart_NAME from src/NAME.
function(rampart_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(rampart_${name} STATIC ${ARG_SOURCES})
  target_include_directories(rampart_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(rampart_${name} PUBLIC ${ARG_DEPS})
endfunction()

# rampart_test(NAME SOURCES ... DEPS ...) builds a GoogleTest program and registers its tests.
function(rampart_test name)
  if(NOT RAMPART_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    RAMPART_SHARED_DATA="${RAMPART_SHARED_DATA}"
    RAMPART_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    RAMPART_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/cmake/lsan-suppressions.txt")
endfunction()
