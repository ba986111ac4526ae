#include "server/rules_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/file.h"
#include "detect/isolation_forest.h"
#include "detect/model_folder.h"
#include "server/api_test_support.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

const std::string kExampleRules = std::string(RAMPART_SOURCE_DIR) + "/examples/rules.yaml";

const char* kNewRule = R"({
  "name": "suppress-informational",
  "description": "Mark informational findings as notified",
  "event_pattern": {"detail": {"findings": {"Severity": {"Label": ["INFORMATIONAL"]}}}},
  "targets": [{"action": "finding.update", "params": {"workflow_status": "NOTIFIED"}}]
})";

class RulesApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    rules_path_ = (folder_ / "rules.yaml").string();
    std::filesystem::copy_file(kExampleRules, rules_path_);
    rules_ = std::make_unique<RulesState>(rules_path_, nullptr, RemediationCheck());
    ASSERT_TRUE(rules_->Reload().ok());
    AddRuleRoutes(server, *rules_, stores_);
  }

  std::vector<std::string> RuleNames() {
    std::vector<std::string> names;
    const Json listed = BodyJson(Get("/v1/rules", "read"));
    for (const Json& rule : listed["Rules"]) {
      names.push_back(rule["name"]);
    }
    return names;
  }

  std::string rules_path_;
  std::unique_ptr<RulesState> rules_;
};

TEST_F(RulesApiTest, ListsExampleRules) {
  const std::vector<std::string> names = RuleNames();
  EXPECT_THAT(names, ::testing::Contains("bump-payments-image"));
  EXPECT_THAT(names, ::testing::Contains("rebuild-accounts-image"));

  const Json rule = BodyJson(Get("/v1/rules/bump-payments-image", "read"));
  EXPECT_EQ(rule["state"], "ENABLED");
  EXPECT_EQ(rule["mode"], "enforce");
  EXPECT_EQ(rule["targets"][0]["action"], "gitops.bump-image");
  EXPECT_EQ(rule["event_pattern"]["detail-type"][0], "Security Hub Findings - Imported");

  auto missing = Get("/v1/rules/nothing-here", "read");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(RulesApiTest, CreateReplaceDeleteCycle) {
  const std::size_t before = RuleNames().size();
  const std::string original = *ReadFile(rules_path_);
  auto created = Post("/v1/rules", kNewRule, "admin");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(RuleNames().size(), before + 1);
  // The hand-written file keeps its text: the new rule is appended after it.
  const std::string with_new_rule = *ReadFile(rules_path_);
  EXPECT_EQ(with_new_rule.substr(0, original.size()), original);
  EXPECT_THAT(with_new_rule, HasSubstr("  - name: suppress-informational\n"));
  auto again = Post("/v1/rules", kNewRule, "admin");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);

  Json replacement = Json::parse(kNewRule);
  replacement["state"] = "DISABLED";
  auto replaced = Put("/v1/rules/suppress-informational", replacement.dump(), "admin");
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->status, 200) << replaced->body;
  EXPECT_EQ(BodyJson(Get("/v1/rules/suppress-informational", "read"))["state"], "DISABLED");

  // The file on disk contains the change, so a restart keeps it.
  RulesState reread(rules_path_);
  ASSERT_TRUE(reread.Reload().ok());
  EXPECT_EQ(reread.Current()->rules.size(), before + 1);

  auto deleted = Delete("/v1/rules/suppress-informational", "admin");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200);
  EXPECT_EQ(RuleNames().size(), before);
  EXPECT_EQ(*ReadFile(rules_path_), original);

  auto entries = audit_->Entries(0, 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].action, "rule.create");
  EXPECT_EQ((*entries)[1].action, "rule.replace");
  EXPECT_EQ((*entries)[2].action, "rule.delete");
  EXPECT_EQ((*entries)[2].actor, "admin-token");
  EXPECT_EQ((*entries)[2].subject, "suppress-informational");
  // Each entry contains the rule before and after the change.
  EXPECT_TRUE((*entries)[0].details["before"].is_null());
  EXPECT_EQ((*entries)[0].details["after"], Json::parse(kNewRule));
  EXPECT_EQ((*entries)[1].details["after"]["state"], "DISABLED");
  EXPECT_EQ((*entries)[2].details["before"]["state"], "DISABLED");
  EXPECT_TRUE((*entries)[2].details["after"].is_null());
}

// An API token must not be able to run programs on the host, and a rule name must stay
// addressable in a URL path.
TEST_F(RulesApiTest, ExecTargetsAndControlCharactersAreRejected) {
  const std::string before = *ReadFile(rules_path_);
  Json exec = Json::parse(kNewRule);
  exec["targets"] = Json::parse(R"([{"action": "exec", "params": {"argv": ["/bin/id"]}}])");
  auto denied = Post("/v1/rules", exec.dump(), "admin");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403) << denied->body;
  EXPECT_THAT(denied->body, HasSubstr("$.targets[0].action: exec runs a program on this host"));

  Json newline = Json::parse(kNewRule);
  newline["name"] = "two\nlines";
  auto invalid = Post("/v1/rules", newline.dump(), "admin");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400) << invalid->body;
  EXPECT_THAT(invalid->body, HasSubstr("$.name: contains a control character"));
  EXPECT_EQ(*ReadFile(rules_path_), before);
}

TEST_F(RulesApiTest, InvalidRuleIsRejectedAndFileKept) {
  const std::string before = *ReadFile(rules_path_);
  Json rule = Json::parse(kNewRule);
  rule["event_pattern"]["detail"]["findings"]["Severity"]["Label"] = "INFORMATIONAL";
  auto response = Post("/v1/rules", rule.dump(), "admin");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  const Json body = BodyJson(response);
  ASSERT_FALSE(body["Errors"].empty()) << body.dump();
  EXPECT_EQ(body["Errors"][0]["Code"], "leaf_not_array");
  EXPECT_EQ(body["Errors"][0]["Rule"], "suppress-informational");
  EXPECT_THAT(body["Errors"][0]["Path"].get<std::string>(), HasSubstr("Label"));
  EXPECT_EQ(*ReadFile(rules_path_), before);
}

// A rule that the engine cannot run is rejected like a syntax error: an unknown action or
// invalid action parameters.
TEST_F(RulesApiTest, UnrunnableRemediationIsRejected) {
  const std::string before = *ReadFile(rules_path_);
  const std::pair<const char*, const char*> cases[] = {
      {R"([{"action": "rm.rf"}])", "unknown action \"rm.rf\""},
      {R"([{"action": "finding.update", "params": {"workflow_status": "BOGUS"}}])", "BOGUS"},
  };
  for (const auto& [targets, message] : cases) {
    Json rule = Json::parse(kNewRule);
    rule["targets"] = Json::parse(targets);
    auto response = Post("/v1/rules", rule.dump(), "admin");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << targets;
    const Json body = BodyJson(response);
    ASSERT_EQ(body["Errors"].size(), 1u) << body.dump();
    EXPECT_EQ(body["Errors"][0]["Code"], "invalid_remediation");
    EXPECT_THAT(body["Errors"][0]["Path"].get<std::string>(),
                ::testing::MatchesRegex(R"(\$\.rules\[[0-9]+\]\.targets\[0\])"));
    EXPECT_THAT(body["Errors"][0]["Message"].get<std::string>(), HasSubstr(message));

    const Json validated = BodyJson(Post("/v1/rules/validate", rule.dump(), "read"));
    EXPECT_EQ(validated["Valid"], false) << targets;
  }
  EXPECT_EQ(*ReadFile(rules_path_), before);
}

TEST_F(RulesApiTest, ValidateReportsCheckErrors) {
  const std::string text =
      "rules:\n"
      "  - name: a\n"
      "    event_pattern: {source: [aws.securityhub]}\n"
      "  - name: a\n"
      "    event_pattern: {source: aws.securityhub}\n";
  const Json answer = BodyJson(Post("/v1/rules/validate", text, "read", "application/yaml"));
  EXPECT_EQ(answer["Valid"], false);
  EXPECT_EQ(answer["ValidRules"], 1);
  ASSERT_GE(answer["Errors"].size(), 1u);
  std::vector<std::string> codes;
  for (const Json& error : answer["Errors"]) {
    codes.push_back(error["Code"]);
    EXPECT_THAT(error["Text"].get<std::string>(), HasSubstr("request body:"));
  }
  EXPECT_THAT(codes, ::testing::Contains("duplicate_name"));
  EXPECT_EQ(answer["Errors"][0]["Line"], 4);

  const Json single_rule = BodyJson(Post("/v1/rules/validate", kNewRule, "read"));
  EXPECT_EQ(single_rule["Valid"], true) << single_rule.dump();
  EXPECT_EQ(single_rule["ValidRules"], 1);
}

TEST_F(RulesApiTest, ChangesNeedAdminScope) {
  auto reader = Post("/v1/rules", kNewRule, "read");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);
  auto approver = Delete("/v1/rules/bump-payments-image", "approve");
  ASSERT_TRUE(approver);
  EXPECT_EQ(approver->status, 403);
  auto anonymous = Get("/v1/rules", "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(RulesApiTest, InvalidFileKeepsRunningRules) {
  const std::size_t before = rules_->Current()->rules.size();
  ASSERT_TRUE(
      WriteFileAtomic(rules_path_, "rules:\n  - name: broken\n    event_pattern: 3\n").ok());
  const Status reloaded = rules_->Reload();
  EXPECT_FALSE(reloaded.ok());
  EXPECT_EQ(rules_->Current()->rules.size(), before);
  EXPECT_THAT(rules_->Problem(), HasSubstr("broken"));
  const Json listed = BodyJson(Get("/v1/rules", "read"));
  EXPECT_EQ(listed["Rules"].size(), before);
  EXPECT_THAT(listed["Problem"].get<std::string>(), HasSubstr(rules_path_));
}

// A rule that scores findings with model `model` over two fields.
Json EnrichedRule(const std::string& model) {
  Json rule = Json::parse(kNewRule);
  rule["name"] = "odd-severity";
  rule["event_pattern"] = {{"rampart", {{"scores", {{"severity", {{{"numeric", {">", 0.7}}}}}}}}}};
  rule["enrich"] = {{"model", model},
                    {"features",
                     {"detail.findings[0].Severity.Normalized",
                      R"(detail.findings[0].ProductFields."rampart/detect/Count")"}},
                    {"as", "severity"}};
  return rule;
}

// The rules API of a server with a models folder that contains "severity", a model of two
// features.
class EnrichedRulesApiTest : public RulesApiTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    const std::filesystem::path models = folder_ / "models";
    std::filesystem::create_directories(models);
    detect::Matrix rows(6, 2);
    rows.values = {0, 1, 40, 2, 40, 3, 70, 1, 90, 5, 90, 8};
    detect::RandomEngine engine(9);
    auto forest = detect::IsolationForest::Fit(rows, {}, engine);
    ASSERT_TRUE(forest.has_value());
    detect::ModelFile file;
    file.feature_names = {"normalized", "count"};
    file.payload = forest->Encode();
    ASSERT_TRUE(detect::WriteModelFile(file, (models / "severity.model").string()).ok());
    models_ = std::make_unique<detect::ModelFolder>(models.string());

    rules_path_ = (folder_ / "rules.yaml").string();
    std::filesystem::copy_file(kExampleRules, rules_path_);
    rules_ = std::make_unique<RulesState>(rules_path_, models_.get());
    ASSERT_TRUE(rules_->Reload().ok());
    AddRuleRoutes(server, *rules_, stores_);
  }

  std::unique_ptr<detect::ModelFolder> models_;
};

TEST_F(EnrichedRulesApiTest, KnownModelIsAccepted) {
  const Json valid = BodyJson(Post("/v1/rules/validate", EnrichedRule("severity").dump(), "read"));
  EXPECT_EQ(valid["Valid"], true) << valid.dump();

  auto created = Post("/v1/rules", EnrichedRule("severity").dump(), "admin");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  const Json rule = BodyJson(Get("/v1/rules/odd-severity", "read"));
  EXPECT_EQ(rule["enrich"], EnrichedRule("severity")["enrich"]);
}

TEST_F(EnrichedRulesApiTest, UnknownModelIsRejected) {
  const Json answer = BodyJson(Post("/v1/rules/validate", EnrichedRule("severty").dump(), "read"));
  EXPECT_EQ(answer["Valid"], false);
  ASSERT_EQ(answer["Errors"].size(), 1u) << answer.dump();
  const Json& error = answer["Errors"][0];
  EXPECT_EQ(error["Code"], "unknown_model");
  EXPECT_EQ(error["Rule"], "odd-severity");
  EXPECT_EQ(error["Path"], "$[0].enrich.model");
  EXPECT_THAT(error["Message"].get<std::string>(), HasSubstr("model \"severty\" not found"));

  const std::string before = *ReadFile(rules_path_);
  auto created = Post("/v1/rules", EnrichedRule("severty").dump(), "admin");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 400);
  EXPECT_EQ(BodyJson(created)["Errors"][0]["Code"], "unknown_model");
  EXPECT_EQ(*ReadFile(rules_path_), before);
}

TEST_F(EnrichedRulesApiTest, FieldCountMismatchIsRejected) {
  Json rule = EnrichedRule("severity");
  rule["enrich"]["features"].erase(1);
  const Json answer = BodyJson(Post("/v1/rules/validate", rule.dump(), "read"));
  EXPECT_EQ(answer["Valid"], false);
  ASSERT_EQ(answer["Errors"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["Errors"][0]["Code"], "feature_mismatch");
  EXPECT_THAT(answer["Errors"][0]["Message"].get<std::string>(),
              HasSubstr("reads 2 features (normalized, count)"));
}

TEST_F(EnrichedRulesApiTest, ReloadWithUnknownModelKeepsRunningRules) {
  const std::size_t before = rules_->Current()->rules.size();
  const Json file = {{"rules", {EnrichedRule("retired")}}};
  ASSERT_TRUE(WriteFileAtomic(rules_path_, file.dump()).ok());
  EXPECT_FALSE(rules_->Reload().ok());
  EXPECT_EQ(rules_->Current()->rules.size(), before);
  EXPECT_THAT(rules_->Problem(), HasSubstr("rule \"odd-severity\""));
  EXPECT_THAT(rules_->Problem(), HasSubstr("model \"retired\" not found"));
}

}  // namespace
}  // namespace rampart::server
