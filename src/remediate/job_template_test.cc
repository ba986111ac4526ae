#include "remediate/job_template.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

const Json kFinding = Json::parse(R"({"Id": "f-1\"}\n  evil: [x]",
    "Severity": {"Label": "HIGH", "Normalized": 70},
    "Resources": [{"Id": "pod/payments/api-7d9"}]})");

TEST(YamlToJson, ResolvesPlainScalars) {
  auto json = YamlToJson("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 0x1F\ng: v1.2\nh: [x, 2]\n", "t");
  ASSERT_TRUE(json.has_value()) << json.status().ToString();
  EXPECT_EQ((*json)["a"], 1);
  EXPECT_EQ((*json)["b"], 1.5);
  EXPECT_EQ((*json)["c"], true);
  EXPECT_TRUE((*json)["d"].is_null());
  EXPECT_EQ((*json)["e"], "1");
  EXPECT_EQ((*json)["f"], 31);
  EXPECT_EQ((*json)["g"], "v1.2");
  EXPECT_EQ((*json)["h"][1], 2);
}

TEST(YamlToJson, RejectsDeepNestingAndAliasBombs) {
  EXPECT_FALSE(YamlToJson(std::string(100, '[') + std::string(100, ']'), "t").has_value());
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'h'; ++name) {
    bomb += fmt::format("{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n",
                        name, previous);
    previous = name;
  }
  auto exploded = YamlToJson(bomb, "t");
  ASSERT_FALSE(exploded.has_value());
  EXPECT_EQ(exploded.status().code(), StatusCode::kResourceExhausted);
}

TEST(FillTemplate, ValuesStayInsideStrings) {
  const std::string yaml =
      "metadata:\n"
      "  name: scan\n"
      "  annotations:\n"
      "    finding: \"{{ Id }}\"\n"
      "spec:\n"
      "  args: [\"--resource={{ Resources[0].Id }}\", \"{{ finding.Severity }}\", "
      "\"{{event.detail-type}}\"]\n";
  auto job = FillTemplate(yaml, kFinding, {{"detail-type", "Imported"}});
  ASSERT_TRUE(job.has_value()) << job.status().ToString();
  EXPECT_EQ((*job)["metadata"]["annotations"]["finding"], "f-1\"}\n  evil: [x]");
  EXPECT_EQ((*job)["metadata"].size(), 2u);
  EXPECT_EQ((*job)["spec"]["args"][0], "--resource=pod/payments/api-7d9");
  EXPECT_EQ((*job)["spec"]["args"][1], R"({"Label":"HIGH","Normalized":70})");
  EXPECT_EQ((*job)["spec"]["args"][2], "Imported");
  EXPECT_FALSE((*job).contains("evil"));
}

TEST(FillTemplate, MissingPathNamesPlaceholder) {
  auto job = FillTemplate("a:\n  b: \"{{ Nope.Missing }}\"\n", kFinding, Json::object());
  ASSERT_FALSE(job.has_value());
  EXPECT_NE(job.status().message().find("$.a.b"), std::string::npos);
  EXPECT_NE(job.status().message().find("{{ Nope.Missing }}"), std::string::npos);
  EXPECT_FALSE(FillTemplate("a: \"{{ Id\"\n", kFinding, Json::object()).has_value());
}

TEST(FillTemplate, FilledTextIsNotScannedAgain) {
  const Json finding = {{"A", "{{ B }}"}, {"B", "secret"}};
  auto filled = FillTemplate("x: \"{{ A }}\"\n", finding, Json::object());
  ASSERT_TRUE(filled.has_value());
  EXPECT_EQ((*filled)["x"], "{{ B }}");
}

}  // namespace
}  // namespace rampart::remediate
