# Event bus benchmarks: outbox events published to a local nats-server per second, and
# messages consumed and acknowledged per second.
rampart_benchmark(bus_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/bus_bench.cc
  DEPS rampart_bus rampart_bus_testing)
