# Event-pattern matcher: compile time of many rules and matching with 10 to 100,000 rules.
rampart_benchmark(pattern_bench SOURCES pattern_bench.cc DEPS rampart_pattern)
