// Enrichment of events with model scores before matching, on a model trained on a real
// outlier benchmark and on the real findings of the shared data folder.
#include "remediate/event_enricher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

#include "core/file.h"
#include "core/log.h"
#include "detect/model_folder.h"
#include "pattern/matcher.h"
#include "pattern/rules_enrichment.h"
#include "remediate/testing/enrich_support.h"

namespace rampart::remediate {
namespace {

using testing::CellFinding;
using testing::CellRules;
using ::testing::HasSubstr;
using testing::ImportedEvent;

// Counts the lookups of a catalog, to show that a shared computation loads its model once.
class CountingCatalog final : public ModelCatalog {
 public:
  explicit CountingCatalog(ModelCatalog& inner) : inner_(inner) {}
  Result<std::shared_ptr<const ScoringModel>> Find(const std::string& name) override {
    ++finds;
    return inner_.Find(name);
  }
  int finds = 0;

 private:
  ModelCatalog& inner_;
};

// Copies what the "dispatch" logger writes while it lives.
class CapturedLog {
 public:
  CapturedLog() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
    Logger("dispatch")->sinks().push_back(sink_);
  }
  ~CapturedLog() {
    auto& sinks = Logger("dispatch")->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(stream_.str());
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    return lines;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

pattern::RulesFile ParseRules(const std::string& text, ModelCatalog& models) {
  pattern::RulesFile file = pattern::ParseRulesFile(text);
  pattern::CheckEnrichmentModels(file, models);
  for (const pattern::RuleError& error : file.errors) {
    ADD_FAILURE() << error.ToString("rules.yaml");
  }
  return file;
}

// Enriches one event and returns the names of the rules that match it.
std::vector<std::string> EnrichAndMatch(EventEnricher& enricher, const pattern::Matcher& matcher,
                                        Json& event, EnrichReport* report = nullptr) {
  const EnrichReport enriched = enricher.Enrich(event);
  if (report != nullptr) {
    *report = enriched;
  }
  pattern::MatchState state;
  std::vector<pattern::RuleId> ids;
  EXPECT_TRUE(matcher.Match(event.dump(), state, ids).ok());
  std::vector<std::string> names;
  for (const pattern::RuleId id : ids) {
    names.push_back(matcher.rule_name(id));
  }
  std::sort(names.begin(), names.end());
  return names;
}

const Json* CellScore(const Json& event) {
  const Json::json_pointer pointer("/rampart/scores/" + std::string(testing::kCellScore));
  return event.contains(pointer) ? &event.at(pointer) : nullptr;
}

class EventEnricherTest : public ::testing::Test {
 protected:
  // Trains the cell model on breastw and builds the enricher and matcher for CellRules
  // with a threshold that the highest-scoring 2% of rows exceed.
  void SetUpCells() {
    auto data = testing::ReadBreastw();
    if (!data) {
      GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
    }
    data_ = std::move(*data);
    forest_.emplace(testing::WriteCellModel(data_.features, folder_.path(), "cells", 17));
    scores_ = forest_->ScoreAll(data_.features);
    std::vector<double> sorted = scores_;
    std::sort(sorted.begin(), sorted.end());
    threshold_ = sorted[sorted.size() - sorted.size() / 50 - 1];
    Load(CellRules("cells", data_.features.cols, threshold_));
  }

  void Load(const std::string& rules_text) {
    rules_ = ParseRules(rules_text, models_);
    matcher_ = std::make_unique<pattern::Matcher>();
    ASSERT_TRUE(pattern::AddEnabledRules(rules_, *matcher_).ok());
    enricher_ = std::make_unique<EventEnricher>(rules_, models_);
  }

  Json RowEvent(std::size_t row) {
    const std::span<const double> values(data_.features.Row(row), data_.features.cols);
    return Json::parse(ImportedEvent(CellFinding("row-" + std::to_string(row), values)));
  }

  testing::TestFolder folder_;
  detect::ModelFolder models_{folder_.path().string()};
  detect::LabelledData data_;
  std::optional<detect::IsolationForest> forest_;
  std::vector<double> scores_;
  double threshold_ = 0;
  pattern::RulesFile rules_;
  std::unique_ptr<pattern::Matcher> matcher_;
  std::unique_ptr<EventEnricher> enricher_;
};

TEST_F(EventEnricherTest, OutliersMatchAndInliersDoNot) {
  SetUpCells();
  if (IsSkipped()) {
    return;
  }
  std::size_t matched = 0;
  std::size_t matched_malignant = 0;
  for (std::size_t row = 0; row < data_.features.rows; ++row) {
    Json event = RowEvent(row);
    EnrichReport report;
    const auto rules = EnrichAndMatch(*enricher_, *matcher_, event, &report);
    EXPECT_EQ(report.computed, 1) << "row " << row;
    EXPECT_EQ(report.skipped, 0) << "row " << row;
    const Json* score = CellScore(event);
    ASSERT_NE(score, nullptr) << "row " << row;
    ASSERT_EQ(score->get<double>(), scores_[row]) << "row " << row << ": the model's own score";

    const bool outlier = scores_[row] > threshold_;
    const std::vector<std::string> expected =
        outlier ? std::vector<std::string>{"every-finding", "odd-cells"}
                : std::vector<std::string>{"every-finding"};
    EXPECT_EQ(rules, expected) << "row " << row << " scores " << scores_[row];
    matched += outlier ? 1 : 0;
    matched_malignant += outlier && data_.labels[row] == 1 ? 1 : 0;
  }
  // The top 2% of 683 rows, ties included.
  EXPECT_GE(matched, 13u);
  EXPECT_LE(matched, 20u);
  // Malignant samples are the benchmark's anomalies; the model's top scores are all malignant.
  EXPECT_EQ(matched_malignant, matched);
}

TEST_F(EventEnricherTest, RealFindingsWithoutTheFieldAreSkipped) {
  const std::filesystem::path findings = std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
  if (!std::filesystem::exists(findings)) {
    GTEST_SKIP() << "../shared/data is absent, so the real findings cannot be read";
  }
  std::vector<Json> real;
  for (const char* file :
       {"asr/afsbp-ec2.1.finding.json", "asr/afsbp-s3.2.finding.json", "asr/cis-4.1.finding.json",
        "asr/pci-kms.1.finding.json", "trivy/alpine-310.asff.json", "trivy/secrets.asff.json"}) {
    auto text = ReadFile((findings / file).string());
    ASSERT_TRUE(text.has_value()) << file;
    const Json document = Json::parse(*text);
    if (document.contains("Findings")) {
      real.insert(real.end(), document["Findings"].begin(), document["Findings"].end());
    } else {
      real.push_back(document);
    }
  }
  ASSERT_EQ(real.size(), 10u);

  // A one-feature model of Severity.Normalized, which Security Hub findings carry and
  // Trivy's ASFF findings leave out.
  detect::Matrix rows(5, 1);
  rows.values = {0, 40, 40, 70, 90};
  testing::WriteCellModel(rows, folder_.path(), "severity", 5);
  auto model = models_.Find("severity");
  ASSERT_TRUE(model.has_value()) << model.status().ToString();
  Load(R"(
- name: unusual-severity
  event_pattern: {rampart: {scores: {severity: [{numeric: [">=", 0]}]}}}
  enrich: {model: severity, features: ['detail.findings[0].Severity.Normalized']}
- name: every-finding
  event_pattern: {detail-type: [Security Hub Findings - Imported]}
)");

  int scored = 0;
  for (const Json& finding : real) {
    Json event = Json::parse(ImportedEvent(finding));
    EnrichReport report;
    const auto rules = EnrichAndMatch(*enricher_, *matcher_, event, &report);
    const Json* normalized = finding.contains("Severity") ? &finding["Severity"] : nullptr;
    if (normalized != nullptr && normalized->contains("Normalized")) {
      const double value = (*normalized)["Normalized"].get<double>();
      const double expected = (*model)->Score(std::vector<double>{value});
      ASSERT_TRUE(event.contains("rampart")) << finding["Id"];
      EXPECT_EQ(event["rampart"]["scores"]["severity"].get<double>(), expected) << finding["Id"];
      EXPECT_EQ(rules, (std::vector<std::string>{"every-finding", "unusual-severity"}));
      scored += 1;
    } else {
      EXPECT_EQ(report.skipped, 1) << finding["Id"];
      EXPECT_FALSE(event.contains("rampart")) << finding["Id"];
      EXPECT_EQ(rules, std::vector<std::string>{"every-finding"}) << finding["Id"];
    }
  }
  EXPECT_EQ(scored, 4);
}

TEST_F(EventEnricherTest, SkipsAreLoggedOncePerReason) {
  SetUpCells();
  if (IsSkipped()) {
    return;
  }
  CapturedLog log;
  const std::string field = R"($.detail.findings[0].ProductFields["rampart/cells/x3"])";
  for (int i = 0; i < 3; ++i) {
    Json event = RowEvent(i);
    event["detail"]["findings"][0]["ProductFields"]["rampart/cells/x3"] = "high";
    EnrichReport report;
    EXPECT_EQ(EnrichAndMatch(*enricher_, *matcher_, event, &report),
              std::vector<std::string>{"every-finding"});
    EXPECT_EQ(report.skipped, 1);
    EXPECT_EQ(CellScore(event), nullptr);
  }
  for (int i = 0; i < 2; ++i) {
    Json event = RowEvent(i);
    event["detail"]["findings"][0]["ProductFields"].erase("rampart/cells/x3");
    EXPECT_EQ(EnrichAndMatch(*enricher_, *matcher_, event),
              std::vector<std::string>{"every-finding"});
    EXPECT_EQ(CellScore(event), nullptr);
  }

  const std::vector<std::string> lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u) << "one line per reason";
  EXPECT_THAT(lines[0], HasSubstr("model \"cells\""));
  EXPECT_THAT(lines[0], HasSubstr("rules odd-cells"));
  EXPECT_THAT(lines[0], HasSubstr("event event-row-0"));
  EXPECT_THAT(lines[0], HasSubstr("field " + field + " is \"high\", not a number"));
  EXPECT_THAT(lines[1], HasSubstr("field " + field + " is missing"));
}

TEST_F(EventEnricherTest, MissingModelIsSkipped) {
  SetUpCells();
  if (IsSkipped()) {
    return;
  }
  std::filesystem::remove(folder_.path() / "cells.model");
  CapturedLog log;
  Json event = RowEvent(0);
  EnrichReport report;
  EXPECT_EQ(EnrichAndMatch(*enricher_, *matcher_, event, &report),
            std::vector<std::string>{"every-finding"});
  EXPECT_EQ(report.skipped, 1);
  EXPECT_EQ(CellScore(event), nullptr);
  ASSERT_EQ(log.Lines().size(), 1u);
  EXPECT_THAT(log.Lines()[0], HasSubstr("model \"cells\" not found"));
  EXPECT_THAT(log.Lines()[0], HasSubstr("rules odd-cells"));
}

TEST_F(EventEnricherTest, WrongFeatureCountIsSkipped) {
  SetUpCells();
  if (IsSkipped()) {
    return;
  }
  // The model is retrained on two columns after the rules were checked.
  detect::Matrix two(data_.features.rows, 2);
  for (std::size_t row = 0; row < two.rows; ++row) {
    two.At(row, 0) = data_.features.At(row, 0);
    two.At(row, 1) = data_.features.At(row, 1);
  }
  testing::WriteCellModel(two, folder_.path(), "cells", 17);
  std::filesystem::last_write_time(
      folder_.path() / "cells.model",
      std::filesystem::last_write_time(folder_.path() / "cells.model") + std::chrono::seconds(5));
  CapturedLog log;
  Json event = RowEvent(0);
  EnrichReport report;
  EXPECT_EQ(EnrichAndMatch(*enricher_, *matcher_, event, &report),
            std::vector<std::string>{"every-finding"});
  EXPECT_EQ(report.skipped, 1);
  EXPECT_EQ(CellScore(event), nullptr);
  ASSERT_EQ(log.Lines().size(), 1u);
  EXPECT_THAT(log.Lines()[0], HasSubstr("reads 2 features (x0, x1) but enrich.features names 9"));
}

TEST_F(EventEnricherTest, ScoresFromTheSenderAreRemoved) {
  SetUpCells();
  if (IsSkipped()) {
    return;
  }
  Json forged = RowEvent(0);
  forged["detail"]["findings"][0]["ProductFields"].erase("rampart/cells/x0");
  forged["rampart"] = {{"scores", {{testing::kCellScore, 1.0}}}, {"note", "kept"}};
  EXPECT_EQ(EnrichAndMatch(*enricher_, *matcher_, forged),
            std::vector<std::string>{"every-finding"});
  EXPECT_EQ(CellScore(forged), nullptr);
  EXPECT_EQ(forged["rampart"], (Json{{"note", "kept"}}));

  Json replaced = RowEvent(1);
  replaced["rampart"] = "not an object";
  EnrichAndMatch(*enricher_, *matcher_, replaced);
  ASSERT_NE(CellScore(replaced), nullptr);
  EXPECT_EQ(CellScore(replaced)->get<double>(), scores_[1]);
}

TEST_F(EventEnricherTest, SharedComputationRunsOnce) {
  auto data = testing::ReadBreastw();
  if (!data) {
    GTEST_SKIP() << "../shared/data is absent, so the breastw benchmark cannot be read";
  }
  const detect::IsolationForest forest =
      testing::WriteCellModel(data->features, folder_.path(), "cells", 3);
  std::string fields = "[";
  for (std::size_t i = 0; i < data->features.cols; ++i) {
    fields += fmt::format("{}'detail.findings[0].ProductFields.\"rampart/cells/x{}\"'",
                          i == 0 ? "" : ", ", i);
  }
  fields += "]";
  CountingCatalog counting(models_);
  const pattern::RulesFile rules = ParseRules(fmt::format(R"(
- name: a
  event_pattern: {{rampart: {{scores: {{first: [{{exists: true}}]}}}}}}
  enrich: {{model: cells, features: {0}, as: first}}
- name: b
  event_pattern: {{rampart: {{scores: {{second: [{{exists: true}}]}}}}}}
  enrich: {{model: cells, features: {0}, as: second}}
- name: off
  state: DISABLED
  event_pattern: {{source: [rampart]}}
  enrich: {{model: cells, features: {0}, as: third}}
)",
                                                          fields),
                                              counting);
  EventEnricher enricher(rules, counting);
  counting.finds = 0;
  Json event = Json::parse(ImportedEvent(
      CellFinding("row-0", std::span<const double>(data->features.Row(0), data->features.cols))));
  const EnrichReport report = enricher.Enrich(event);
  EXPECT_EQ(report.computed, 1);
  EXPECT_EQ(counting.finds, 1);
  const double expected = forest.Score(data->features.Row(0));
  EXPECT_EQ(event["rampart"]["scores"]["first"].get<double>(), expected);
  EXPECT_EQ(event["rampart"]["scores"]["second"].get<double>(), expected);
  EXPECT_FALSE(event["rampart"]["scores"].contains("third")) << "disabled rules add no score";
}

TEST_F(EventEnricherTest, TextKeepsTheOriginalBytes) {
  SetUpCells();
  if (IsSkipped()) {
    return;
  }
  // A JSON escape, which a parse and dump would rewrite.
  const std::string original = ImportedEvent(
      CellFinding("row-0", std::span<const double>(data_.features.Row(0), data_.features.cols)));
  const std::string plain = "\"Title\":\"cell measurements\"";
  const std::string title = "\"Title\":\"cell measur\\u0065ments\"";
  std::string text = original;
  ASSERT_NE(text.find(plain), std::string::npos);
  text.replace(text.find(plain), plain.size(), title);

  auto enriched = enricher_->EnrichText(text);
  ASSERT_TRUE(enriched.has_value()) << enriched.status().ToString();
  EXPECT_EQ(enriched->report.computed, 1);
  ASSERT_GT(enriched->text.size(), text.size());
  EXPECT_EQ(enriched->text.substr(0, text.size() - 1), text.substr(0, text.size() - 1));
  EXPECT_THAT(enriched->text, HasSubstr(title));
  EXPECT_EQ(Json::parse(enriched->text), enriched->document);
  ASSERT_NE(CellScore(enriched->document), nullptr);
  EXPECT_EQ(CellScore(enriched->document)->get<double>(), scores_[0]);

  Json unscored = Json::parse(original);
  unscored["detail"]["findings"][0]["ProductFields"].erase("rampart/cells/x0");
  auto unchanged = enricher_->EnrichText(unscored.dump());
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_EQ(unchanged->text, unscored.dump());

  Json with_parent = Json::parse(original);
  with_parent["rampart"] = {{"note", "kept"}};
  auto rewritten = enricher_->EnrichText(with_parent.dump());
  ASSERT_TRUE(rewritten.has_value());
  EXPECT_EQ(Json::parse(rewritten->text), rewritten->document);
  EXPECT_EQ(rewritten->document["rampart"]["note"], "kept");

  EXPECT_FALSE(enricher_->EnrichText("{\"id\": ").has_value());
}

TEST(EventEnricher, EmptyWithoutEnrichedRules) {
  detect::ModelFolder models("/nonexistent");
  const pattern::RulesFile rules =
      pattern::ParseRulesFile("- name: plain\n  event_pattern: {source: [rampart]}\n");
  EventEnricher enricher(rules, models);
  EXPECT_TRUE(enricher.empty());
  Json event = {{"source", "rampart"}};
  const EnrichReport report = enricher.Enrich(event);
  EXPECT_EQ(report.computed, 0);
  EXPECT_EQ(event, (Json{{"source", "rampart"}}));
}

}  // namespace
}  // namespace rampart::remediate
