# Finding store benchmarks: findings stored per second, and indexed filters over 1,000,000
# stored findings.
rampart_benchmark(store_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc
  DEPS rampart_store)
