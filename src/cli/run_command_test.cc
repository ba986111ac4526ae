// `rampart run --once` as a user runs it: the real binary on a rampart.yaml in a temporary
// folder, where a remediation that fails pages through a second rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/testing/program.h"
#include "core/json.h"

namespace rampart::cli {
namespace {

using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::ReadText;
using testing::RunProgram;
using testing::WriteText;

class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTestFolder("rampart_run_command"); }
  void TearDown() override {
    if (!HasFailure()) {
      std::filesystem::remove_all(dir_);
    }
  }

  ProgramRun RunOnce() {
    return RunProgram(
        {BuiltProgram("rampart"), "run", "--config", (dir_ / "rampart.yaml").string(), "--once"},
        dir_);
  }

  Json Remediations() {
    const ProgramRun list =
        RunProgram({BuiltProgram("rampart"), "remediations", "list", "--db",
                    (dir_ / "rampart.db").string(), "--output", "json", "--max", "1000"},
                   dir_);
    EXPECT_EQ(list.exit_code, 0) << list.errors;
    return Json::parse(list.output, nullptr, false);
  }

  void ExpectAuditVerifies() {
    const ProgramRun verify = RunProgram(
        {BuiltProgram("rampart"), "audit", "verify", "--db", (dir_ / "rampart.db").string()}, dir_);
    EXPECT_EQ(verify.exit_code, 0) << verify.output << verify.errors;
  }

  std::filesystem::path dir_;
};

TEST_F(RunCommandTest, FailureEventRunsPagingRule) {
  Json finding = {{"SchemaVersion", "2018-10-08"},
                  {"Id", "failing-fix/finding-1"},
                  {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/test"},
                  {"GeneratorId", "failing-fix"},
                  {"AwsAccountId", "111122223333"},
                  {"Types", {"Software and Configuration Checks"}},
                  {"CreatedAt", "2026-12-01T00:00:00Z"},
                  {"UpdatedAt", "2026-12-01T00:00:00Z"},
                  {"Severity", {{"Label", "HIGH"}}},
                  {"Title", "finding whose fix fails"},
                  {"Description", "test"},
                  {"Resources", {{{"Type", "Other"}, {"Id", "resource-1"}}}}};
  WriteText(dir_ / "report.json", Json{{"Findings", {finding}}}.dump());
  WriteText(dir_ / "rampart.yaml",
            "store: sqlite:rampart.db\nrules: rules.yaml\nsources: [report.json]\n"
            "log_level: error\n");
  const std::string page = (dir_ / "page.json").string();
  WriteText(dir_ / "rules.yaml", R"(
- name: failing-fix
  mode: enforce
  event_pattern: {detail: {findings: {GeneratorId: [failing-fix]}}}
  guardrails: {max_attempts: 1}
  targets:
    - action: exec
      params: {argv: ["/bin/false"]}
- name: page-on-failure
  mode: enforce
  event_pattern:
    source: [rampart]
    detail-type: [Rampart Remediation Failed]
  targets:
    - action: exec
      params: {argv: ["/usr/bin/tee", ")" +
                                     page + R"("]}
)");
  const ProgramRun run = RunOnce();
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  EXPECT_THAT(run.output, HasSubstr("run: 1 succeeded, 0 verified, 1 failed"));

  const Json paged = Json::parse(ReadText(page), nullptr, false);
  ASSERT_TRUE(paged.is_object()) << "the paging rule did not receive the failure event";
  EXPECT_EQ(paged["detail-type"], "Rampart Remediation Failed");
  EXPECT_EQ(paged["detail"]["rule"], "failing-fix");
  EXPECT_EQ(paged["detail"]["finding_id"], "failing-fix/finding-1");
  EXPECT_EQ(paged["detail"]["attempts"], 1);
  EXPECT_THAT(paged["detail"]["error"].get<std::string>(), HasSubstr("/bin/false"));

  // A second run finds nothing new to plan, page or fail.
  const ProgramRun again = RunOnce();
  ASSERT_EQ(again.exit_code, 0) << again.errors;
  EXPECT_THAT(again.output, HasSubstr("planned: 0,"));
  EXPECT_EQ(Remediations().size(), 2u);
  ExpectAuditVerifies();
}

}  // namespace
}  // namespace rampart::cli
