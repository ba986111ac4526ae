#include "server/findings_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "core/file.h"
#include "server/api_test_support.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Reads the ASFF findings of one file: a {"Findings": [...]} body, an array or one finding.
std::vector<Json> ReadAsff(const std::filesystem::path& path) {
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text.has_value()) << path;
  auto json = ParseJson(text ? *text : "null", path.string());
  EXPECT_TRUE(json.has_value()) << path;
  if (!json) {
    return {};
  }
  if (json->is_object() && json->contains("Findings")) {
    return (*json)["Findings"].get<std::vector<Json>>();
  }
  if (json->is_array()) {
    return json->get<std::vector<Json>>();
  }
  return {*json};
}

// The single-finding files of the Automated Security Response samples.
std::vector<Json> AsrFindings() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(SharedFindings() / "asr")) {
    if (entry.path().string().ends_with(".finding.json")) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Json> findings;
  for (const auto& path : paths) {
    for (Json& finding : ReadAsff(path)) {
      findings.push_back(std::move(finding));
    }
  }
  return findings;
}

std::string ImportBody(const std::vector<Json>& findings) {
  return Json{{"Findings", findings}}.dump();
}

class FindingsApiTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override { AddFindingRoutes(server, stores_); }
};

TEST_F(FindingsApiTest, ImportsRealAsffAndQueriesByProduct) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::vector<Json> trivy = ReadAsff(SharedFindings() / "trivy/alpine-310.asff.json");
  ASSERT_EQ(trivy.size(), 4u);
  // Trivy's template gives one Id to a CVE in two packages, so the second of each pair would be
  // lost, and fails instead.
  const Json answer = BodyJson(Post("/v1/findings/import", ImportBody(trivy), "import"));
  EXPECT_EQ(answer["SuccessCount"], 2) << answer.dump();
  EXPECT_EQ(answer["FailedCount"], 2);
  ASSERT_EQ(answer["FailedFindings"].size(), 2u);
  EXPECT_EQ(answer["FailedFindings"][0]["Id"], trivy[2]["Id"]);
  EXPECT_EQ(answer["FailedFindings"][0]["ErrorCode"], "DuplicatedFindingIdentifier");

  // Prowler's sample leaves Types empty, which BatchImportFindings requires.
  const std::vector<Json> prowler = ReadAsff(SharedFindings() / "prowler/aws.asff.json");
  const Json rejected = BodyJson(Post("/v1/findings/import", ImportBody(prowler), "import"));
  EXPECT_EQ(rejected["SuccessCount"], 0);
  ASSERT_EQ(rejected["FailedFindings"].size(), prowler.size()) << rejected.dump();
  EXPECT_EQ(rejected["FailedFindings"][0]["Id"], prowler[0]["Id"]);
  EXPECT_THAT(rejected["FailedFindings"][0]["ErrorMessage"].get<std::string>(),
              HasSubstr("$.Findings[0].Types: must be a non-empty array"));

  const Json query = {
      {"Filters",
       {{"ProductArn", {{{"Value", trivy[0]["ProductArn"]}, {"Comparison", "EQUALS"}}}}}},
      {"SortCriteria", {{{"Field", "Id"}, {"SortOrder", "asc"}}}}};
  const Json page = BodyJson(Post("/v1/findings/query", query.dump(), "read"));
  // Trivy reports each CVE once per package, under the same finding Id: two findings remain.
  ASSERT_EQ(page["Findings"].size(), 2u) << page.dump();
  EXPECT_FALSE(page.contains("NextToken"));
  std::set<std::string> expected;
  for (const Json& finding : trivy) {
    expected.insert(finding["Id"].get<std::string>());
  }
  std::set<std::string> got;
  for (const Json& finding : page["Findings"]) {
    got.insert(finding["Id"].get<std::string>());
    EXPECT_EQ(finding["Workflow"]["Status"], "NEW");
  }
  EXPECT_EQ(got, expected);
}

TEST_F(FindingsApiTest, NextTokenWalksEveryFindingOnce) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::vector<Json> findings = AsrFindings();
  ASSERT_GE(findings.size(), 7u);
  const Json imported = BodyJson(Post("/v1/findings/import", ImportBody(findings), "import"));
  ASSERT_EQ(imported["SuccessCount"], findings.size()) << imported.dump();

  std::multiset<std::string> seen;
  Json request = {{"MaxResults", 3}};
  int pages = 0;
  while (true) {
    const Json page = BodyJson(Post("/v1/findings/query", request.dump(), "read"));
    ASSERT_TRUE(page.contains("Findings")) << page.dump();
    EXPECT_LE(page["Findings"].size(), 3u);
    for (const Json& finding : page["Findings"]) {
      seen.insert(finding["ProductArn"].get<std::string>() + "|" +
                  finding["Id"].get<std::string>());
    }
    ++pages;
    if (!page.contains("NextToken")) {
      break;
    }
    request["NextToken"] = page["NextToken"];
  }
  std::multiset<std::string> expected;
  for (const Json& finding : findings) {
    expected.insert(finding["ProductArn"].get<std::string>() + "|" +
                    finding["Id"].get<std::string>());
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, static_cast<int>((findings.size() + 2) / 3));
}

TEST_F(FindingsApiTest, ForeignNextTokenIs400) {
  auto response = Post("/v1/findings/query", R"({"NextToken": "not-a-token"})", "read");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(BodyJson(response)["Code"], "InvalidInputException");
}

TEST_F(FindingsApiTest, ScopesAreEnforced) {
  const std::string body = R"({"Findings": []})";
  auto anonymous = Post("/v1/findings/import", body, "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto reader = Post("/v1/findings/import", body, "read");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);
  auto importer = Post("/v1/findings/query", "{}", "import");
  ASSERT_TRUE(importer);
  EXPECT_EQ(importer->status, 403);
  auto updater = Post("/v1/findings/update", "{}", "read");
  ASSERT_TRUE(updater);
  EXPECT_EQ(updater->status, 403);
  auto grouper = Post("/v1/findings/group-by", "{}", "update");
  ASSERT_TRUE(grouper);
  EXPECT_EQ(grouper->status, 403);
}

TEST_F(FindingsApiTest, MalformedJsonIs400WithPosition) {
  auto response = Post("/v1/findings/import", "{\"Findings\": [\n  {\"Id\": }]}", "import");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  const Json error = BodyJson(response);
  EXPECT_EQ(error["Code"], "InvalidInputException");
  EXPECT_THAT(error["Message"].get<std::string>(), HasSubstr("line 2"));

  auto array = Post("/v1/findings/query", "[]", "read");
  ASSERT_TRUE(array);
  EXPECT_EQ(array->status, 400);
  EXPECT_THAT(BodyJson(array)["Message"].get<std::string>(), HasSubstr("JSON object"));
}

// A misspelled member would otherwise be dropped: {"Filter": ...} counted every finding, and
// "Wrkflow" or "Severity.Lable" changed nothing without a word.
TEST_F(FindingsApiTest, UnknownMembersAre400) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"/v1/findings/query", R"({"Filter": {}})", "$: unknown member \"Filter\""},
      {"/v1/findings/query", R"({"MaxResult": 1})", "$: unknown member \"MaxResult\""},
      {"/v1/findings/group-by", R"({"GroupByAttribute": "SeverityLabel", "Filter": {}})",
       "$: unknown member \"Filter\""},
      {"/v1/findings/import", R"({"Finding": []})", "$: unknown member \"Finding\""},
      {"/v1/findings/update",
       R"({"FindingIdentifiers": [{"Id": "a", "ProductArn": "b"}], "Wrkflow": {}})",
       "$: unknown member \"Wrkflow\""},
      {"/v1/findings/update",
       R"({"FindingIdentifiers": [{"Id": "a", "ProductArn": "b"}],
           "Severity": {"Label": "LOW", "Lable": "HIGH"}})",
       "$.Severity: unknown member \"Lable\""},
      {"/v1/findings/update",
       R"({"FindingIdentifiers": [{"Id": "a", "ProductArn": "b"}],
           "Workflow": {"Status": "NEW", "Extra": 1}})",
       "$.Workflow: unknown member \"Extra\""},
  };
  for (const auto& [path, body, message] : cases) {
    const std::string scope = path == "/v1/findings/import"   ? "import"
                              : path == "/v1/findings/update" ? "update"
                                                              : "read";
    auto response = Post(path, body, scope);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << path << " " << body;
    EXPECT_THAT(BodyJson(response)["Message"].get<std::string>(), HasSubstr(message)) << body;
  }
}

TEST_F(FindingsApiTest, BatchLimitsAreSecurityHubs) {
  auto empty = Post("/v1/findings/import", R"({"Findings": []})", "import");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  std::vector<Json> many(101, Json{{"Id", "x"}});
  auto too_many = Post("/v1/findings/import", ImportBody(many), "import");
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->status, 400);
  EXPECT_THAT(BodyJson(too_many)["Message"].get<std::string>(), HasSubstr("101"));
  auto max_results = Post("/v1/findings/query", R"({"MaxResults": 101})", "read");
  ASSERT_TRUE(max_results);
  EXPECT_EQ(max_results->status, 400);
  EXPECT_THAT(BodyJson(max_results)["Message"].get<std::string>(), HasSubstr("$.MaxResults"));
}

TEST_F(FindingsApiTest, InvalidFindingFailsAloneAndOthersAreStored) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  std::vector<Json> findings = ReadAsff(SharedFindings() / "trivy/secrets.asff.json");
  ASSERT_FALSE(findings.empty());
  Json broken = findings[0];
  broken["Id"] = "broken-finding";
  broken.erase("Severity");
  broken.erase("Title");
  findings.push_back(broken);
  const Json answer = BodyJson(Post("/v1/findings/import", ImportBody(findings), "import"));
  // Both of Trivy's secret findings are named "deploy.sh" with one UpdatedAt, so the second
  // fails as a duplicate and one finding is stored.
  EXPECT_EQ(answer["SuccessCount"], 1) << answer.dump();
  EXPECT_EQ(answer["FailedCount"], 2);
  ASSERT_EQ(answer["FailedFindings"].size(), 2u);
  EXPECT_EQ(answer["FailedFindings"][0]["ErrorCode"], "DuplicatedFindingIdentifier");
  EXPECT_THAT(answer["FailedFindings"][0]["ErrorMessage"].get<std::string>(),
              HasSubstr(" at $.Findings[1] appears earlier in this batch"));
  EXPECT_EQ(answer["FailedFindings"][1]["Id"], "broken-finding");
  EXPECT_EQ(answer["FailedFindings"][1]["ErrorCode"], "InvalidInput");
  const std::string message = answer["FailedFindings"][1]["ErrorMessage"];
  EXPECT_THAT(message, StartsWith("finding \"broken-finding\": "));
  EXPECT_THAT(message, HasSubstr("$.Findings[2].Severity: required attribute is missing"));
  EXPECT_THAT(message, HasSubstr("$.Findings[2].Title: required attribute is missing"));
  auto count = findings_->Count(store::Filters{});
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 1);
  auto metrics = Get("/metrics", "read");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("rampart_findings_imported_total{outcome=\"created\"} 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("rampart_findings_imported_total{outcome=\"failed\"} 2\n"));
  auto broken_stored = findings_->Get({broken["ProductArn"], "broken-finding"});
  ASSERT_TRUE(broken_stored.has_value());
  EXPECT_FALSE(broken_stored->has_value());
}

// An entry of the batch that is not an object has no Id, so its index names it.
TEST_F(FindingsApiTest, NonObjectEntryNamedByIndex) {
  const Json answer = BodyJson(Post("/v1/findings/import", R"({"Findings": [7]})", "import"));
  ASSERT_EQ(answer["FailedFindings"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["FailedFindings"][0]["ErrorMessage"],
            "$.Findings[0]: a finding must be a JSON object, not number");
}

// BatchUpdateFindings takes 1 to 100 identifiers; an empty list is an error, not a success.
TEST_F(FindingsApiTest, UpdateWithoutIdentifiersIsRejected) {
  const Json update = {{"FindingIdentifiers", Json::array()},
                       {"Workflow", {{"Status", "SUPPRESSED"}}}};
  auto response = Post("/v1/findings/update", update.dump(), "update");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400) << response->body;
  EXPECT_NE(response->body.find("$.FindingIdentifiers: must name 1 to 100 findings"),
            std::string::npos)
      << response->body;
}

TEST_F(FindingsApiTest, UpdateRecordsTheTokenName) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::vector<Json> findings = ReadAsff(SharedFindings() / "asr/cis-1.3.finding.json");
  ASSERT_EQ(findings.size(), 1u);
  ASSERT_EQ(BodyJson(Post("/v1/findings/import", ImportBody(findings), "import"))["SuccessCount"],
            1);
  const Json identifier = {{"Id", findings[0]["Id"]}, {"ProductArn", findings[0]["ProductArn"]}};
  const Json update = {
      {"FindingIdentifiers", {identifier, {{"Id", "missing"}, {"ProductArn", "arn:x"}}}},
      {"Workflow", {{"Status", "SUPPRESSED"}}},
      {"Note", {{"Text", "accepted risk until rotation"}, {"UpdatedBy", "secops"}}}};
  const Json answer = BodyJson(Post("/v1/findings/update", update.dump(), "update"));
  ASSERT_EQ(answer["ProcessedFindings"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["ProcessedFindings"][0], identifier);
  ASSERT_EQ(answer["UnprocessedFindings"].size(), 1u);
  EXPECT_EQ(answer["UnprocessedFindings"][0]["ErrorCode"], "FindingNotFound");

  auto history = findings_->History({findings[0]["ProductArn"], findings[0]["Id"]});
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->front().identity, "import-token");
  EXPECT_EQ(history->back().identity, "update-token");
  auto entries = audit_->Entries(0, 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].actor, "import-token");
  EXPECT_EQ((*entries)[0].action, "finding.import");
  EXPECT_EQ((*entries)[1].actor, "update-token");
  EXPECT_EQ((*entries)[1].action, "finding.update");
}

TEST_F(FindingsApiTest, ProductLimitedTokenWritesOnlyItsProducts) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const Json asr = ReadAsff(SharedFindings() / "asr/cis-1.3.finding.json").at(0);
  const Json trivy = ReadAsff(SharedFindings() / "trivy/secrets.asff.json").at(0);
  ASSERT_THAT(trivy["ProductArn"].get<std::string>(), HasSubstr("product/aquasecurity/"));
  auto token = tokens_->Create("trivy-ci", {"import", "update"},
                               {"arn:aws:securityhub:*:*:product/aquasecurity/aquasecurity"});
  ASSERT_TRUE(token.has_value()) << token.status().ToString();
  token_by_scope_["trivy-ci"] = *token;

  const Json answer = BodyJson(Post("/v1/findings/import", ImportBody({asr, trivy}), "trivy-ci"));
  EXPECT_EQ(answer["SuccessCount"], 1) << answer.dump();
  EXPECT_EQ(answer["FailedCount"], 1);
  ASSERT_EQ(answer["FailedFindings"].size(), 1u);
  EXPECT_EQ(answer["FailedFindings"][0]["Id"], asr["Id"]);
  EXPECT_EQ(answer["FailedFindings"][0]["ErrorCode"], "AccessDenied");
  EXPECT_THAT(answer["FailedFindings"][0]["ErrorMessage"].get<std::string>(),
              HasSubstr(asr["ProductArn"].get<std::string>()));
  auto stored = findings_->Get({asr["ProductArn"], asr["Id"]});
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->has_value());

  ASSERT_EQ(BodyJson(Post("/v1/findings/import", ImportBody({asr}), "import"))["SuccessCount"], 1);
  const Json update = {{"FindingIdentifiers",
                        {{{"Id", asr["Id"]}, {"ProductArn", asr["ProductArn"]}},
                         {{"Id", trivy["Id"]}, {"ProductArn", trivy["ProductArn"]}}}},
                       {"Workflow", {{"Status", "SUPPRESSED"}}}};
  const Json updated = BodyJson(Post("/v1/findings/update", update.dump(), "trivy-ci"));
  ASSERT_EQ(updated["ProcessedFindings"].size(), 1u) << updated.dump();
  EXPECT_EQ(updated["ProcessedFindings"][0]["Id"], trivy["Id"]);
  ASSERT_EQ(updated["UnprocessedFindings"].size(), 1u);
  EXPECT_EQ(updated["UnprocessedFindings"][0]["ErrorCode"], "AccessDenied");
  auto other_product = findings_->Get({asr["ProductArn"], asr["Id"]});
  ASSERT_TRUE(other_product.has_value());
  ASSERT_TRUE(other_product->has_value());
  EXPECT_EQ((**other_product)["Workflow"]["Status"], "NEW");
}

TEST_F(FindingsApiTest, GroupBySeverityCountsEveryFinding) {
  if (SharedFindings().empty()) {
    GTEST_SKIP() << "../shared/data is absent";
  }
  const std::vector<Json> findings = AsrFindings();
  ASSERT_EQ(BodyJson(Post("/v1/findings/import", ImportBody(findings), "import"))["SuccessCount"],
            findings.size());
  std::map<std::string, std::int64_t> expected;
  for (const Json& finding : findings) {
    ++expected[finding["Severity"]["Label"].get<std::string>()];
  }
  const Json answer =
      BodyJson(Post("/v1/findings/group-by", R"({"GroupByAttribute": "SeverityLabel"})", "read"));
  std::map<std::string, std::int64_t> got;
  for (const Json& value : answer["ResultValues"]) {
    got[value["GroupByAttributeValue"]] = value["Count"];
  }
  EXPECT_EQ(got, expected) << answer.dump();

  auto unknown = Post("/v1/findings/group-by", R"({"GroupByAttribute": "Colour"})", "read");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  auto bad_filter =
      Post("/v1/findings/group-by",
           R"({"GroupByAttribute": "SeverityLabel", "Filters": {"Sevrity": []}})", "read");
  ASSERT_TRUE(bad_filter);
  EXPECT_EQ(bad_filter->status, 400);
  EXPECT_THAT(BodyJson(bad_filter)["Message"].get<std::string>(),
              StartsWith("$.Filters.Sevrity: unknown filter field"));
}

// A bad filter or sort criterion is named by one full path, not by its parent's path and then
// its own.
TEST_F(FindingsApiTest, QueryErrorsNameOneFullPath) {
  auto filter =
      Post("/v1/findings/query",
           R"({"Filters": {"SeverityLabel": [{"Value": "LOW", "Comparison": "EQ"}]}})", "read");
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->status, 400);
  EXPECT_THAT(BodyJson(filter)["Message"].get<std::string>(),
              StartsWith("$.Filters.SeverityLabel[0].Comparison: \"EQ\" is not one of"));

  auto sort = Post("/v1/findings/query", R"({"SortCriteria": [{"Field": "Nope"}]})", "read");
  ASSERT_TRUE(sort);
  EXPECT_EQ(sort->status, 400);
  EXPECT_THAT(BodyJson(sort)["Message"].get<std::string>(),
              StartsWith("$.SortCriteria[0].Field: unknown filter field \"Nope\""));
}

}  // namespace
}  // namespace rampart::server
