// The remediation worker: one thread that routes new events from its event source (the outbox
// dispatcher, or the JetStream consumer) and runs due remediations through the engine. Then it
// sleeps until a store of this process signals new events or the poll interval passes.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "remediate/dispatcher.h"
#include "remediate/engine.h"
#include "store/outbox_signal.h"

namespace rampart::remediate {

struct WorkerOptions {
  // How often to look for work without a signal: events written by other processes, and
  // retries whose back-off has passed.
  std::chrono::microseconds poll_interval{std::chrono::seconds(1)};
  std::size_t batch = 100;  // events claimed, and remediations run, per call
};

// The counts of one RunPending call, summed over its rounds.
struct WorkerReport {
  DispatchReport dispatch;
  RunReport run;
  // The bus failure that ended the round, or ok. The counts of what ran before and despite it
  // stay in `dispatch` and `run`, so metrics count remediations run during an outage.
  Status bus = Status::Ok();
};

// Adds the counts and planned ids of `part` to `total`.
void AddReport(const DispatchReport& part, DispatchReport& total);
void AddReport(const RunReport& part, RunReport& total);

// Thread-compatible, except Stop, which any thread may call.
class Worker {
 public:
  // `signal` is the one the stores of this process notify; null means polling alone.
  Worker(EventSource& dispatcher, Engine& engine, store::OutboxSignal* signal,
         WorkerOptions options = {});

  // Dispatches and runs, round after round, until no event is pending and no remediation
  // is due. Failure events emitted in one round are routed in the next. The rounds end
  // because an idempotency key is planned once and a failure event never plans a rule that
  // failed before it.
  Result<WorkerReport> RunPending();

  // Repeats RunPending until Stop is called, waiting for the signal or the poll interval
  // between rounds. Returns the first error of RunPending.
  Status Run();

  // Makes Run return after its current round.
  void Stop();

 private:
  EventSource& dispatcher_;
  Engine& engine_;
  std::unique_ptr<store::OutboxSignal> own_signal_;  // when the caller gave none
  store::OutboxSignal* signal_;
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
};

}  // namespace rampart::remediate
