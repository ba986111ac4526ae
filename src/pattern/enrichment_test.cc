// Enrich blocks of rules: field paths, feature values, parsing and the checks against models.
#include "pattern/enrichment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "core/file.h"
#include "pattern/rules_enrichment.h"
#include "pattern/rules_file.h"

namespace rampart::pattern {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kImportedEvent =
    std::filesystem::path(RAMPART_SHARED_DATA) / "findings/asr/eventbridge-imported-cis-1.3.json";

// Models with fixed feature names that score a row as the sum of its values.
class FakeCatalog final : public ModelCatalog {
 public:
  class SumModel final : public ScoringModel {
   public:
    explicit SumModel(std::vector<std::string> names) : names_(std::move(names)) {}
    const std::vector<std::string>& feature_names() const override { return names_; }
    double Score(std::span<const double> row) const override {
      double sum = 0;
      for (double value : row) {
        sum += value;
      }
      return sum;
    }

   private:
    std::vector<std::string> names_;
  };

  void Add(const std::string& name, std::vector<std::string> features) {
    models_[name] = std::make_shared<SumModel>(std::move(features));
  }

  Result<std::shared_ptr<const ScoringModel>> Find(const std::string& name) override {
    const auto it = models_.find(name);
    if (it == models_.end()) {
      return NotFound("model \"" + name + "\" not found: models/" + name + ".model is missing");
    }
    return std::shared_ptr<const ScoringModel>(it->second);
  }

 private:
  std::map<std::string, std::shared_ptr<const ScoringModel>> models_;
};

TEST(FieldPath, ParsesEveryForm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"detail.findings[0].Severity.Normalized", "$.detail.findings[0].Severity.Normalized"},
      {"$.detail.findings[0].Severity.Normalized", "$.detail.findings[0].Severity.Normalized"},
      {R"(detail.findings[0].ProductFields."rampart/detect/Count")",
       R"($.detail.findings[0].ProductFields["rampart/detect/Count"])"},
      {R"($.detail.findings[0].ProductFields["rampart/detect/Count"])",
       R"($.detail.findings[0].ProductFields["rampart/detect/Count"])"},
      {"detail.findings[0].ProductFields.rampart/detect/Count",
       R"($.detail.findings[0].ProductFields["rampart/detect/Count"])"},
      {R"(a."dotted.name"["say \"hi\""][12])", R"($.a["dotted.name"]["say \"hi\""][12])"},
      {"[3].x", "$[3].x"},
  };
  for (const auto& [text, canonical] : cases) {
    auto path = ParseFieldPath(text);
    ASSERT_TRUE(path.has_value()) << text << ": " << path.status().ToString();
    EXPECT_EQ(path->ToString(), canonical) << text;
    auto again = ParseFieldPath(canonical);
    ASSERT_TRUE(again.has_value()) << canonical;
    EXPECT_EQ(again->ToString(), canonical) << "the canonical form reads back";
  }
}

TEST(FieldPath, RejectsInvalidPaths) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected a field"},
      {"$", "expected a field"},
      {"detail.", "character 8: expected a member name"},
      {"detail..x", "character 8: expected a member name"},
      {"detail[x]", "character 8: expected an array index"},
      {"detail[01]", "expected an array index"},
      {"detail[1234567890]", "expected an array index"},
      {"detail[0", "expected ]"},
      {R"(detail."open)", "expected the closing double quote"},
      {R"(detail."")", "must not be empty"},
      {R"(detail."a\b")", "after a backslash"},
      {"detail x", "expected . or ["},
      {"$detail", "expected . or ["},
  };
  for (const auto& [text, expected] : cases) {
    auto path = ParseFieldPath(text);
    ASSERT_FALSE(path.has_value()) << text;
    EXPECT_THAT(path.status().message(), HasSubstr(expected)) << text;
    EXPECT_THAT(path.status().message(), HasSubstr("\"" + text + "\"")) << text;
  }
}

TEST(FieldPath, ResolvesInRealEvent) {
  if (!std::filesystem::exists(kImportedEvent)) {
    GTEST_SKIP() << "../shared/data is absent, so the real event cannot be read";
  }
  auto text = ReadFile(kImportedEvent.string());
  ASSERT_TRUE(text.has_value());
  auto event = ParseJson(*text, kImportedEvent.string());
  ASSERT_TRUE(event.has_value());

  const auto resolve = [&](std::string_view path_text) -> const Json* {
    auto path = ParseFieldPath(path_text);
    EXPECT_TRUE(path.has_value()) << path_text;
    return path ? ResolveFieldPath(*event, *path) : nullptr;
  };
  const Json* normalized = resolve("detail.findings[0].Severity.Normalized");
  ASSERT_NE(normalized, nullptr);
  EXPECT_EQ(*normalized, 40);
  const Json* rule_id = resolve("detail.findings[0].ProductFields.RuleId");
  ASSERT_NE(rule_id, nullptr);
  EXPECT_EQ(*rule_id, "1.3");
  const Json* label =
      resolve(R"(detail.findings[0].ProductFields."aws/securityhub/SeverityLabel")");
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(*label, "MEDIUM");

  EXPECT_EQ(resolve("detail.findings[1].Severity.Normalized"), nullptr);
  EXPECT_EQ(resolve("detail.findings[0].Severity.Normalized.deeper"), nullptr);
  EXPECT_EQ(resolve("detail[0]"), nullptr);
  EXPECT_EQ(resolve("detail.findings.Severity"), nullptr);

  double value = 0;
  EXPECT_TRUE(FeatureValue(*normalized, value));
  EXPECT_EQ(value, 40.0);
  EXPECT_TRUE(FeatureValue(*rule_id, value));
  EXPECT_EQ(value, 1.3);
  EXPECT_FALSE(FeatureValue(*label, value));
}

TEST(FeatureValue, AcceptsNumbersAndNumericStrings) {
  const std::vector<std::pair<Json, double>> accepted = {
      {Json(5), 5.0},        {Json(-2.5), -2.5},
      {Json("5"), 5.0},      {Json("-0.25"), -0.25},
      {Json("1e3"), 1000.0}, {Json(18446744073709551615u), 1.8446744073709552e19},
  };
  for (const auto& [json, expected] : accepted) {
    double value = 0;
    ASSERT_TRUE(FeatureValue(json, value)) << json.dump();
    EXPECT_EQ(value, expected) << json.dump();
  }
  for (const Json& json :
       {Json("5x"), Json(" 5"), Json("+5"), Json(""), Json("nan"), Json("inf"), Json("1e999"),
        Json(true), Json(nullptr), Json::array({1}), Json::object({{"a", 1}})}) {
    double value = 0;
    EXPECT_FALSE(FeatureValue(json, value)) << json.dump();
  }
}

TEST(Enrichment, ReadsListFormFromYaml) {
  const RulesFile file = ParseRulesFile(R"(rules:
  - name: odd-logins
    event_pattern:
      rampart: {scores: {login_score: [{numeric: [">", 0.8]}]}}
    enrich:
      model: ssh-logins
      features:
        - detail.findings[0].ProductFields."rampart/detect/Count"
        - $.detail.findings[0].Severity.Normalized
      as: login_score
    targets: []
)");
  ASSERT_TRUE(file.errors.empty()) << file.errors[0].ToString("rules.yaml");
  ASSERT_EQ(file.rules.size(), 1u);
  ASSERT_TRUE(file.rules[0].enrichment.has_value());
  const Enrichment& enrichment = *file.rules[0].enrichment;
  EXPECT_EQ(enrichment.model, "ssh-logins");
  EXPECT_EQ(enrichment.score_name, "login_score");
  ASSERT_EQ(enrichment.features.size(), 2u);
  EXPECT_EQ(enrichment.features[0].ToString(),
            R"($.detail.findings[0].ProductFields["rampart/detect/Count"])");
  EXPECT_EQ(enrichment.features[1].ToString(), "$.detail.findings[0].Severity.Normalized");
  EXPECT_TRUE(enrichment.feature_names.empty());
  EXPECT_EQ(enrichment.path, "$.rules[0].enrich");
  EXPECT_EQ(enrichment.line, 6);
  EXPECT_EQ(enrichment.source["model"], "ssh-logins");
  EXPECT_FALSE(file.rules[0].extra.contains("enrich")) << "enrich is not a remediation key";
}

TEST(Enrichment, ReadsMappingFormFromJson) {
  const RulesFile file = ParseRulesFile(R"([{
    "name": "odd-logins",
    "event_pattern": {"rampart": {"scores": {"ssh-logins": [{"numeric": [">", 0.8]}]}}},
    "enrich": {"model": "ssh-logins",
               "features": {"failures": "detail.findings[0].ProductFields[\"rampart/detect/Count\"]",
                            "severity": "detail.findings[0].Severity.Normalized"}}
  }])");
  ASSERT_TRUE(file.errors.empty()) << file.errors[0].ToString("rules.json");
  const Enrichment& enrichment = *file.rules[0].enrichment;
  EXPECT_EQ(enrichment.score_name, "ssh-logins") << "the model name when as is left out";
  EXPECT_EQ(enrichment.feature_names, (std::vector<std::string>{"failures", "severity"}));

  auto ordered = FieldsInModelOrder(enrichment, {"severity", "failures"});
  ASSERT_TRUE(ordered.has_value()) << ordered.status().ToString();
  EXPECT_EQ((*ordered)[0]->ToString(), "$.detail.findings[0].Severity.Normalized");
  EXPECT_EQ((*ordered)[1]->ToString(),
            R"($.detail.findings[0].ProductFields["rampart/detect/Count"])");

  auto unknown = FieldsInModelOrder(enrichment, {"severity", "failures", "hour"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.status().message(), HasSubstr("maps no field to feature \"hour\""));
  auto extra = FieldsInModelOrder(enrichment, {"severity"});
  ASSERT_FALSE(extra.has_value());
  EXPECT_THAT(extra.status().message(), HasSubstr("has no feature \"failures\""));
}

TEST(Enrichment, InvalidBlocksAreRejectedWithPlaceAndLine) {
  struct Case {
    std::string block;
    std::string path;
    std::string code;
    int line;
  };
  const std::vector<Case> cases = {
      {"enrich: ssh-logins", "$[0].enrich", "wrong_type", 3},
      {"enrich: {features: [a]}", "$[0].enrich.model", "missing_field", 3},
      {"enrich: {model: ../etc/passwd, features: [a]}", "$[0].enrich.model", "invalid_model_name",
       3},
      {"enrich: {model: m, features: []}", "$[0].enrich.features", "wrong_type", 3},
      {"enrich: {model: m}", "$[0].enrich.features", "missing_field", 3},
      {"enrich:\n    model: m\n    features:\n      - a.b\n      - 'a[x]'",
       "$[0].enrich.features[1]", "invalid_field_path", 7},
      {"enrich: {model: m, features: [5]}", "$[0].enrich.features[0]", "wrong_type", 3},
      {"enrich: {model: m, features: {f: 5}}", "$[0].enrich.features.f", "wrong_type", 3},
      {"enrich: {model: m, features: [a], as: rampart.scores}", "$[0].enrich.as",
       "invalid_score_name", 3},
      {"enrich: {model: m, features: [a], threshold: 0.8}", "$[0].enrich.threshold",
       "unknown_field", 3},
      {"enrich: {model: ssh.v2, features: [a]}", "$[0].enrich", "invalid_score_name", 3},
  };
  for (const Case& test : cases) {
    const std::string text =
        "- name: r\n  event_pattern: {source: [rampart]}\n  " + test.block + "\n";
    const RulesFile file = ParseRulesFile(text);
    EXPECT_TRUE(file.rules.empty()) << test.block;
    ASSERT_EQ(file.errors.size(), 1u) << test.block;
    EXPECT_EQ(file.errors[0].rule, "r") << test.block;
    EXPECT_EQ(file.errors[0].path, test.path) << test.block;
    EXPECT_EQ(file.errors[0].code, test.code) << test.block;
    EXPECT_EQ(file.errors[0].line, test.line) << test.block;
  }
}

TEST(Enrichment, ScoreNameOfTwoComputationsIsRejected) {
  const RulesFile file = ParseRulesFile(R"(
- name: first
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-logins, features: [detail.a], as: score}
- name: same-computation
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-logins, features: ["$.detail.a"], as: score}
- name: other-model
  event_pattern: {source: [rampart]}
  enrich: {model: api-calls, features: [detail.a], as: score}
)");
  ASSERT_EQ(file.rules.size(), 2u);
  EXPECT_EQ(file.rules[0].name, "first");
  EXPECT_EQ(file.rules[1].name, "same-computation");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0].rule, "other-model");
  EXPECT_EQ(file.errors[0].code, "score_name_conflict");
  EXPECT_EQ(file.errors[0].path, "$[2].enrich.as");
  EXPECT_THAT(file.errors[0].message, HasSubstr("rule \"first\""));
}

TEST(Enrichment, ModelsAreCheckedAgainstTheCatalog) {
  RulesFile file = ParseRulesFile(R"(
- name: plain
  event_pattern: {source: [rampart]}
- name: known
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-logins, features: [detail.a, detail.b]}
- name: unknown
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-login, features: [detail.a, detail.b]}
- name: short
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-logins, features: [detail.a], as: short}
- name: misnamed
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-logins, features: {failures: detail.a, hours: detail.b}, as: named}
)");
  ASSERT_TRUE(file.errors.empty()) << file.errors[0].ToString("rules.yaml");
  FakeCatalog models;
  models.Add("ssh-logins", {"failures", "sources"});
  CheckEnrichmentModels(file, models);

  ASSERT_EQ(file.rules.size(), 2u);
  EXPECT_EQ(file.rules[0].name, "plain");
  EXPECT_EQ(file.rules[1].name, "known");
  ASSERT_EQ(file.errors.size(), 3u);
  EXPECT_EQ(file.errors[0].rule, "unknown");
  EXPECT_EQ(file.errors[0].code, "unknown_model");
  EXPECT_EQ(file.errors[0].path, "$[2].enrich.model");
  EXPECT_EQ(file.errors[0].line, 9);
  EXPECT_THAT(file.errors[0].ToString("rules.yaml"),
              HasSubstr("rules.yaml:9: rule \"unknown\": $[2].enrich.model: model \"ssh-login\" "
                        "not found"));
  EXPECT_EQ(file.errors[1].rule, "short");
  EXPECT_EQ(file.errors[1].code, "feature_mismatch");
  EXPECT_THAT(file.errors[1].message,
              HasSubstr("reads 2 features (failures, sources) but enrich.features names 1"));
  EXPECT_EQ(file.errors[2].rule, "misnamed");
  EXPECT_THAT(file.errors[2].message, HasSubstr("has no feature \"hours\""));
}

TEST(Enrichment, RejectedWithoutModelsFolder) {
  RulesFile file = ParseRulesFile(R"(
- name: plain
  event_pattern: {source: [rampart]}
- name: scored
  event_pattern: {source: [rampart]}
  enrich: {model: ssh-logins, features: [detail.a]}
)");
  EXPECT_TRUE(HasEnrichment(file));
  RejectEnrichment(file, "no models folder is set");
  ASSERT_EQ(file.rules.size(), 1u);
  EXPECT_FALSE(HasEnrichment(file));
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0].code, "no_models_folder");
  EXPECT_EQ(file.errors[0].message,
            "enrich names model \"ssh-logins\", but no models folder is set");
}

}  // namespace
}  // namespace rampart::pattern
