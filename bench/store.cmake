# Finding store benchmarks: findings stored per second, and indexed filters over 1,000,000
# stored findings.
rampart_benchmark(store_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc
  DEPS rampart_store)

# The finding store on PostgreSQL beside SQLite. It starts a throwaway PostgreSQL server with
# the test helper library, which exists when the tests are configured.
if(TARGET rampart_store_testing)
  rampart_benchmark(store_backends_bench
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_backends_bench.cc
    DEPS rampart_store rampart_store_testing)
endif()
