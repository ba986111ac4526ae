#include "remediate/worker.h"

#include "core/log.h"

namespace rampart::remediate {
namespace {

int Attempts(const RunReport& run) {
  return run.succeeded + run.verified + run.failed + run.retried + run.rolled_back + run.deferred +
         run.skipped;
}

}  // namespace

void AddReport(const DispatchReport& part, DispatchReport& total) {
  total.events += part.events;
  total.matched_rules += part.matched_rules;
  total.planned += part.planned;
  total.awaiting_approval += part.awaiting_approval;
  total.duplicates += part.duplicates;
  total.skipped += part.skipped;
  total.invalid_events += part.invalid_events;
  for (const auto& [rule, count] : part.matches_by_rule) {
    total.matches_by_rule[rule] += count;
  }
  total.scores += part.scores;
  total.scores_skipped += part.scores_skipped;
  total.remediation_ids.insert(total.remediation_ids.end(), part.remediation_ids.begin(),
                               part.remediation_ids.end());
}

void AddReport(const RunReport& part, RunReport& total) {
  total.succeeded += part.succeeded;
  total.verified += part.verified;
  total.failed += part.failed;
  total.retried += part.retried;
  total.rolled_back += part.rolled_back;
  total.deferred += part.deferred;
  total.skipped += part.skipped;
}

Worker::Worker(EventSource& dispatcher, Engine& engine, store::OutboxSignal* signal,
               WorkerOptions options)
    : dispatcher_(dispatcher),
      engine_(engine),
      own_signal_(signal == nullptr ? std::make_unique<store::OutboxSignal>() : nullptr),
      signal_(signal == nullptr ? own_signal_.get() : signal),
      options_(options) {}

Result<WorkerReport> Worker::RunPending() {
  WorkerReport report;
  while (true) {
    int events = 0;
    Status bus = Status::Ok();
    while (true) {
      auto dispatched = dispatcher_.DispatchOnce(options_.batch);
      if (!dispatched) {
        bus = dispatched.status();
        break;
      }
      AddReport(*dispatched, report.dispatch);
      events += dispatched->events;
      if (dispatched->events == 0) {
        break;
      }
    }

    // One batch of due remediations per round, so routing of new events waits behind at most
    // one batch. Planned remediations also run while the bus is down, because they need
    // nothing from it.
    auto ran = engine_.RunDue(options_.batch);
    if (!ran) {
      return ran.status();
    }
    AddReport(*ran, report.run);
    if (!bus.ok()) {
      report.bus = bus;
      return report;
    }
    if (events == 0 && Attempts(*ran) == 0) {
      return report;
    }
  }
}

Status Worker::Run() {
  Logger("worker")->info("remediation worker started, polling every {} ms",
                         options_.poll_interval.count() / 1000);
  while (!stop_) {
    // Reading the count before the round means a signal during the round is not missed.
    const std::uint64_t seen = signal_->count();
    auto report = RunPending();
    const Status failed = report ? report->bus : report.status();
    if (!failed.ok()) {
      Logger("worker")->error("remediation worker stopped: {}", failed.ToString());
      return failed;
    }
    if (!stop_) {
      signal_->WaitFor(seen, options_.poll_interval);
    }
  }
  Logger("worker")->info("remediation worker stopped");
  return Status::Ok();
}

void Worker::Stop() {
  stop_ = true;
  signal_->Notify();
}

}  // namespace rampart::remediate
