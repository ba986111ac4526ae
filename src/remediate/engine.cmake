# The remediation engine: policies, planning, guarded execution, verification.
rampart_module(remediate
  SOURCES policy.cc engine.cc engine_finish.cc verifier.cc event_router.cc dispatcher.cc
    worker.cc event_enricher.cc rule_targets.cc
  DEPS rampart_remediate_actions rampart_store rampart_pattern)

# Remediation workers fed from the NATS JetStream stream instead of the local outbox.
rampart_module(remediate_bus
  SOURCES bus_route_handler.cc bus_dispatcher.cc
  DEPS rampart_remediate rampart_bus)

rampart_test(remediate_bus_test
  SOURCES bus_route_test.cc
  DEPS rampart_remediate_bus rampart_ingest rampart_bus_testing)

rampart_test(remediate_engine_test
  SOURCES policy_test.cc engine_test.cc verifier_test.cc failure_event_test.cc worker_test.cc
  DEPS rampart_remediate)

# Enrichment of events with model scores: the enricher and the dispatcher end to end, with
# models trained on the shared outlier benchmarks.
if(RAMPART_TESTS)
  add_library(rampart_remediate_enrich_testing STATIC testing/enrich_support.cc)
  target_link_libraries(rampart_remediate_enrich_testing
    PUBLIC rampart_remediate rampart_detect GTest::gtest)
  target_compile_definitions(rampart_remediate_enrich_testing
    PRIVATE RAMPART_SHARED_DATA="${RAMPART_SHARED_DATA}")
endif()
rampart_test(remediate_enrich_test
  SOURCES event_enricher_test.cc enrich_dispatch_test.cc
  DEPS rampart_remediate_enrich_testing)
