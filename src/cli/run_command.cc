// rampart run: the main job. Ingests the configured sources, routes each finding change
// through the rules, plans and runs remediations under their guardrails, verifies fixes and
// prints a report.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table.h"
#include "core/duration.h"
#include "core/log.h"
#include "store/filter.h"
#include "store/postgres_support.h"

namespace rampart::cli {
namespace {

std::atomic<bool> stop_requested{false};

void OnSignal(int) { stop_requested = true; }

void PrintGroup(store::FindingStore& findings, const std::string& attribute,
                const std::string& title, std::ostream& out) {
  // Archived findings were fixed or withdrawn, as Security Hub's default view of findings
  // assumes.
  auto active = store::ParseFilters(
      Json{{"RecordState", Json::array({{{"Value", "ACTIVE"}, {"Comparison", "EQUALS"}}})}});
  auto groups = active ? findings.GroupBy(*active, attribute)
                       : Result<std::vector<store::GroupCount>>(active.status());
  if (!groups) {
    out << fmt::format("{}: unavailable: {}\n", title, groups.status().message());
    return;
  }
  out << title << '\n';
  Table table({attribute, "FINDINGS"});
  for (const auto& group : *groups) {
    table.AddRow({group.value, std::to_string(group.count)});
  }
  table.Print(out);
  out << '\n';
}

}  // namespace

// Returns the --db argument that names the configuration's store, for the hints the report
// prints. A PostgreSQL URL is printed without its password.
std::string StoreArgument(const Config& config) {
  if (auto path = config.SqlitePath(); path) {
    return *path;
  }
  return store::postgres::RedactUrl(config.store);
}

void PrintRunReport(const CycleReport& report, Hub& hub, const Config& config, std::ostream& out) {
  out << "\n== Findings\n";
  out << fmt::format(
      "ingested {} files: {} findings read, {} created, {} updated, {} unchanged, {} archived, "
      "{} rejected\n\n",
      report.ingest.files, report.ingest.read, report.ingest.created, report.ingest.updated,
      report.ingest.unchanged, report.ingest.archived, report.ingest.rejected);
  PrintGroup(hub.findings(), "SeverityLabel", "By severity (ACTIVE findings):", out);

  out << "== Remediations\n";
  out << fmt::format(
      "events routed: {}, rule matches: {}, model scores: {} ({} skipped)\n"
      "planned: {}, awaiting approval: {}, already planned: {}, skipped by guardrails: {}\n"
      "run: {} succeeded, {} verified, {} failed, {} rolled back, {} retrying, {} deferred by "
      "rate limits\n\n",
      report.dispatch.events, report.dispatch.matched_rules, report.dispatch.scores,
      report.dispatch.scores_skipped, report.dispatch.planned, report.dispatch.awaiting_approval,
      report.dispatch.duplicates, report.dispatch.skipped, report.run.succeeded,
      report.run.verified, report.run.failed, report.run.rolled_back, report.run.retried,
      report.run.deferred);

  Table table({"ID", "STATE", "RULE", "ACTION", "MODE", "FINDING", "SUMMARY"});
  std::vector<store::Remediation> planned;
  for (const std::int64_t id : report.planned_ids) {
    auto record = hub.remediations().Get(id);
    if (record && record->has_value()) {
      const store::Remediation& r = **record;
      table.AddRow({std::to_string(r.id), std::string(store::RemediationStateName(r.state)), r.rule,
                    r.action, r.dry_run ? "dry-run" : "enforce", r.finding_id,
                    r.error.empty() ? r.summary : r.error});
      planned.push_back(r);
    }
  }
  if (table.size() > 0) {
    table.Print(out, 50);
    out << '\n';
  }
  for (const auto& r : planned) {
    if (r.dry_run && !r.diff.empty()) {
      out << fmt::format("-- dry run {} ({} on {}): the change it would make\n{}{}", r.id,
                         Printable(r.action), Printable(r.finding_id), PrintableLines(r.diff),
                         r.diff.back() == '\n' ? "" : "\n");
    }
  }
  auto awaiting = hub.remediations().List({store::RemediationState::kAwaitingApproval, "", 1000});
  if (awaiting && !awaiting->empty()) {
    out << fmt::format(
        "\n{} remediations await approval: rampart remediations list --db {} --state "
        "AWAITING_APPROVAL\n",
        awaiting->size(), StoreArgument(config));
  }
}

void AddRunCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config = "rampart.yaml";
    std::string models;
    bool once = false;
    std::string interval = "30s";
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "run",
      "Run the hub: ingest the configured sources, route every finding change through the "
      "rules, plan and run remediations under their guardrails (dry run unless a rule says "
      "mode: enforce), verify fixes, and print a report. Without --once it repeats every "
      "--interval until interrupted.");
  command->add_option("--config", options->config, "Configuration file (YAML)")
      ->capture_default_str();
  command->add_option("--models", options->models,
                      "Folder of model files (NAME.model) that the rules' enrich blocks name "
                      "(default models: of the configuration)");
  command->add_flag("--once", options->once, "Run one cycle, print the report and exit");
  command->add_option("--interval", options->interval, "Time between cycles, such as 30s or 5m")
      ->capture_default_str();
  command->callback([options, &exit_code] {
    auto interval = ParseDuration(options->interval);
    auto config = LoadConfig(options->config);
    if (!interval || !config) {
      std::cerr << "error: "
                << (!interval ? interval.status().message() : config.status().message()) << '\n';
      exit_code = 2;
      return;
    }
    SetLogLevel(config->log_level);
    if (!options->models.empty()) {
      config->models = std::filesystem::absolute(options->models).string();
    }
    auto hub = Hub::Open(*config);
    if (!hub) {
      std::cerr << "error: " << hub.status().message() << '\n';
      exit_code = 2;
      return;
    }
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    do {
      auto report = (*hub)->RunCycle(std::cout);
      if (!report) {
        std::cerr << "error: " << report.status().message() << '\n';
        exit_code = 1;
        return;
      }
      PrintRunReport(*report, **hub, *config, std::cout);
      if (!report->bus.ok()) {
        // The report above still counts what ran; a later cycle routes the waiting events.
        std::cerr << "error: " << report->bus.message() << '\n';
      }
      // A remediation that failed, or whose fix did not verify and was rolled back, is a
      // failure the work found, as a rejected file is.
      const bool failed = !report->bus.ok() || report->ingest.failed_files > 0 ||
                          report->run.failed > 0 || report->run.rolled_back > 0;
      exit_code = failed ? 1 : 0;
      const auto deadline = std::chrono::steady_clock::now() + *interval;
      while (!options->once && !stop_requested && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    } while (!options->once && !stop_requested);
  });
}

}  // namespace rampart::cli
