// The dispatcher with enrichment, end to end: findings imported into a SQLite store, events
// claimed from its outbox, scored by a model file, matched and planned by the engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "detect/model_folder.h"
#include "pattern/rules_enrichment.h"
#include "remediate/dispatcher.h"
#include "remediate/testing/enrich_support.h"
#include "store/sqlite_finding_store.h"

namespace rampart::remediate {
namespace {

// An action that records the events it ran for, by finding id.
class EventRecorder final : public Action {
 public:
  std::string_view Name() const override { return "test.record"; }
  Status Validate(const Json&) const override { return Status::Ok(); }
  Result<ActionResult> Run(const ActionRequest& request, const ActionContext&) override {
    std::lock_guard lock(mutex_);
    events_[StringOr(request.finding, "Id")].push_back(request.event);
    return ActionResult{};
  }
  std::map<std::string, std::vector<Json>> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<Json>> events_;
};

Json PolicyDocument(const pattern::Rule& rule) {
  Json document = rule.extra;
  document["name"] = rule.name;
  document["targets"] = rule.targets;
  return document;
}

TEST(EnrichDispatch, OutlierFindingsArePlanned) {
  auto data = testing::ReadBreastw();
  if (!data) {
    GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
  }
  testing::TestFolder folder;
  const detect::IsolationForest forest =
      testing::WriteCellModel(data->features, folder.path(), "cells", 23);
  const std::vector<double> scores = forest.ScoreAll(data->features);
  std::vector<double> sorted = scores;
  std::sort(sorted.begin(), sorted.end());
  const double threshold = sorted[sorted.size() - 11];  // the top 10 rows, barring ties

  detect::ModelFolder models(folder.path().string());
  pattern::RulesFile rules =
      pattern::ParseRulesFile(testing::CellRules("cells", data->features.cols, threshold));
  pattern::CheckEnrichmentModels(rules, models);
  ASSERT_TRUE(rules.errors.empty()) << rules.errors[0].ToString("rules.yaml");
  pattern::Matcher matcher;
  ASSERT_TRUE(pattern::AddEnabledRules(rules, matcher).ok());

  const std::string db = (folder.path() / "rampart.db").string();
  // Commits need not survive a power loss here, so they skip the wait for the disk.
  store::SqliteStoreOptions options;
  options.database.synchronous = store::sqlite::Synchronous::kNormal;
  auto findings = store::SqliteFindingStore::Open(db, options);
  auto remediations = store::RemediationStore::Open(db, DefaultClock(), options.database);
  auto audit = store::AuditLog::Open(db, DefaultClock(), options.database);
  ASSERT_TRUE(findings.has_value()) << findings.status().ToString();
  ASSERT_TRUE(remediations.has_value()) << remediations.status().ToString();
  ASSERT_TRUE(audit.has_value()) << audit.status().ToString();
  ActionRegistry registry;
  auto recorder = std::make_unique<EventRecorder>();
  EventRecorder* recorded = recorder.get();
  ASSERT_TRUE(registry.Register(std::move(recorder)).ok());
  Engine engine(**remediations, **audit, registry, ActionContext{}, EngineHooks{}, 5);
  std::vector<RemediationPolicy> policies;
  for (const pattern::Rule& rule : rules.rules) {
    auto policy = ParsePolicy(PolicyDocument(rule));
    ASSERT_TRUE(policy.has_value()) << policy.status().ToString();
    policies.push_back(*policy);
  }
  ASSERT_TRUE(engine.SetPolicies(policies).ok());
  EventEnricher enricher(rules, models);
  Dispatcher dispatcher(**findings, matcher, engine, "test", std::chrono::seconds(60), &enricher);

  // Every row, plus one finding whose feature is not a number: it is still routed.
  std::vector<Json> batch;
  for (std::size_t row = 0; row < data->features.rows; ++row) {
    batch.push_back(testing::CellFinding(
        "row-" + std::to_string(row),
        std::span<const double>(data->features.Row(row), data->features.cols)));
  }
  Json unreadable = batch[0];
  unreadable["Id"] = "unreadable";
  unreadable["ProductFields"]["rampart/cells/x0"] = "n/a";
  batch.push_back(unreadable);
  auto imported = (*findings)->Import(batch, {});
  ASSERT_TRUE(imported.has_value()) << imported.status().ToString();

  DispatchReport total;
  for (;;) {
    auto report = dispatcher.DispatchOnce(100);
    ASSERT_TRUE(report.has_value()) << report.status().ToString();
    if (report->events == 0) {
      break;
    }
    total.events += report->events;
    total.matched_rules += report->matched_rules;
    total.planned += report->planned;
    total.scores += report->scores;
    total.scores_skipped += report->scores_skipped;
    total.invalid_events += report->invalid_events;
  }
  auto run = engine.RunDue(10000);
  ASSERT_TRUE(run.has_value()) << run.status().ToString();

  std::size_t outliers = 0;
  for (double score : scores) {
    outliers += score > threshold ? 1 : 0;
  }
  const int rows = static_cast<int>(data->features.rows);
  EXPECT_EQ(total.events, rows + 1);
  EXPECT_EQ(total.invalid_events, 0);
  EXPECT_EQ(total.scores, rows);
  EXPECT_EQ(total.scores_skipped, 1);
  EXPECT_EQ(total.matched_rules, rows + 1 + static_cast<int>(outliers));
  EXPECT_EQ(total.planned, rows + 1 + static_cast<int>(outliers));
  EXPECT_EQ(run->succeeded, total.planned);

  const auto events = recorded->events();
  ASSERT_EQ(events.size(), data->features.rows + 1);
  for (std::size_t row = 0; row < data->features.rows; ++row) {
    const auto it = events.find("row-" + std::to_string(row));
    ASSERT_NE(it, events.end()) << "row " << row;
    const bool outlier = scores[row] > threshold;
    ASSERT_EQ(it->second.size(), outlier ? 2u : 1u) << "row " << row;
    // The actions receive the enriched event.
    EXPECT_EQ(it->second[0]["rampart"]["scores"]["cell_score"].get<double>(), scores[row])
        << "row " << row;
  }
  const auto& skipped = events.at("unreadable");
  ASSERT_EQ(skipped.size(), 1u) << "only every-finding matches an event without a score";
  EXPECT_FALSE(skipped[0].contains("rampart"));

  auto pending = (*findings)->ClaimEvents("test", 10, std::chrono::seconds(60));
  ASSERT_TRUE(pending.has_value());
  EXPECT_TRUE(pending->empty()) << "every event is delivered";
}

}  // namespace
}  // namespace rampart::remediate
