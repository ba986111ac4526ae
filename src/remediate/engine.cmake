# The remediation engine: policies, planning, guarded execution, verification.
rampart_module(remediate
  SOURCES policy.cc engine.cc engine_finish.cc verifier.cc dispatcher.cc worker.cc
  DEPS rampart_remediate_actions rampart_store rampart_pattern)

rampart_test(remediate_engine_test
  SOURCES policy_test.cc engine_test.cc verifier_test.cc failure_event_test.cc worker_test.cc
  DEPS rampart_remediate)
