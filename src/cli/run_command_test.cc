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
using testing::RunGit;
using testing::RunProgram;
using testing::WriteText;

Json TestFinding(const std::string& generator, const Json& resource) {
  return {{"SchemaVersion", "2018-10-08"},
          {"Id", generator + "/finding-1"},
          {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/test"},
          {"GeneratorId", generator},
          {"AwsAccountId", "111122223333"},
          {"Types", {"Software and Configuration Checks"}},
          {"CreatedAt", "2026-12-01T00:00:00Z"},
          {"UpdatedAt", "2026-12-01T00:00:00Z"},
          {"Severity", {{"Label", "HIGH"}}},
          {"Title", "finding of " + generator},
          {"Description", "test"},
          {"Resources", {resource}}};
}

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
  Json finding = TestFinding("failing-fix", {{"Type", "Other"}, {"Id", "resource-1"}});
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
  // A failed remediation is a failure the work found, so the exit status is 1, as README states.
  const ProgramRun run = RunOnce();
  ASSERT_EQ(run.exit_code, 1) << run.errors;
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

// Paths of the configuration and of its rules are relative to the configuration file's
// folder, whichever folder the hub runs in: the repository (and its allow-list entry), the
// kubeconfig and the verify command.
// The bundled example plans a page that waits for approval. The report's hint names the
// store with --db, so it works as printed from any folder; it named no store and failed
// with "no database at this path".
TEST_F(RunCommandTest, ExampleHintsWorkAsPrinted) {
  std::filesystem::copy(std::filesystem::path(RAMPART_SOURCE_DIR) / "examples", dir_ / "example",
                        std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(dir_ / "elsewhere");
  const ProgramRun run = RunProgram({BuiltProgram("rampart"), "run", "--config",
                                     (dir_ / "example" / "rampart.yaml").string(), "--once"},
                                    dir_ / "elsewhere");
  const std::string db = (dir_ / "example" / "rampart.db").string();
  const std::string hint = "rampart remediations list --db " + db + " --state AWAITING_APPROVAL";
  ASSERT_NE(run.output.find(hint), std::string::npos) << run.output << run.errors;

  const ProgramRun list = RunProgram({BuiltProgram("rampart"), "remediations", "list", "--db", db,
                                      "--state", "AWAITING_APPROVAL", "--output", "json"},
                                     dir_ / "elsewhere");
  EXPECT_EQ(list.exit_code, 0) << list.errors;
  const Json records = Json::parse(list.output, nullptr, false);
  ASSERT_TRUE(records.is_array()) << list.output;
  EXPECT_FALSE(records.empty());

  // "--out -" is standard output; it wrote a file named "-".
  const ProgramRun exported = RunProgram(
      {BuiltProgram("rampart"), "audit", "export", "--db", db, "--out", "-"}, dir_ / "elsewhere");
  EXPECT_EQ(exported.exit_code, 0) << exported.errors;
  EXPECT_THAT(exported.output, ::testing::HasSubstr("\"remediation.planned\""));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "elsewhere" / "-"));
}

TEST_F(RunCommandTest, ActionPathsAreRelativeToConfigFolder) {
  const std::filesystem::path config = dir_ / "config";
  std::filesystem::create_directories(config / "manifests");
  std::filesystem::create_directories(config / "bin");
  WriteText(config / "manifests" / "payments.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: payments}\nspec:\n"
            "  template:\n    spec:\n      containers:\n"
            "        - {name: api, image: \"registry.example.com/payments:2.4.1\"}\n");
  ASSERT_EQ(RunGit(config / "manifests", {"init", "-q", "-b", "main"}).exit_code, 0);
  ASSERT_EQ(RunGit(config / "manifests", {"add", "-A"}).exit_code, 0);
  ASSERT_EQ(RunGit(config / "manifests", {"commit", "-q", "-m", "init"}).exit_code, 0);
  WriteText(config / "bin" / "fixed", "#!/bin/sh\nexit 0\n");
  std::filesystem::permissions(config / "bin" / "fixed", std::filesystem::perms::owner_all);
  const Json findings = {
      TestFinding("bump", {{"Type", "Container"}, {"Id", "registry.example.com/payments:2.4.1"}}),
      TestFinding("rebuild", {{"Type", "Other"}, {"Id", "resource-2"}})};
  WriteText(config / "report.json", Json{{"Findings", findings}}.dump());
  WriteText(config / "rampart.yaml",
            "store: sqlite:rampart.db\nrules: rules.yaml\nsources: [report.json]\n"
            "log_level: error\nremediation: {work_dir: work}\n");
  WriteText(config / "rules.yaml", R"(
- name: bump
  mode: enforce
  event_pattern: {detail: {findings: {GeneratorId: [bump]}}}
  guardrails: {allow: {repositories: [manifests]}}
  verify: {command: [bin/fixed]}
  targets:
    - action: gitops.bump-image
      params: {repository: manifests, tag: 2.4.2}
- name: rebuild
  mode: enforce
  event_pattern: {detail: {findings: {GeneratorId: [rebuild]}}}
  guardrails: {allow: {namespaces: [ci]}}
  targets:
    - action: kubernetes.job
      params:
        kubeconfig: kubeconfig
        namespace: ci
        template: "{apiVersion: batch/v1, kind: Job, spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: busybox}]}}}}"
)");
  const std::filesystem::path elsewhere = dir_ / "elsewhere";
  std::filesystem::create_directories(elsewhere);
  const ProgramRun run = RunProgram(
      {BuiltProgram("rampart"), "run", "--config", (config / "rampart.yaml").string(), "--once"},
      elsewhere);
  EXPECT_EQ(run.exit_code, 1) << "a remediation failed: " << run.errors;

  const ProgramRun list = RunProgram({BuiltProgram("rampart"), "remediations", "list", "--db",
                                      (config / "rampart.db").string(), "--output", "json"},
                                     elsewhere);
  const Json records = Json::parse(list.output, nullptr, false);
  ASSERT_TRUE(records.is_array()) << list.output << list.errors;
  ASSERT_EQ(records.size(), 2u) << list.output << list.errors;
  for (const Json& record : records) {
    if (record["Rule"] == "bump") {
      EXPECT_EQ(record["State"], "VERIFIED") << record.dump(2);
    } else {
      EXPECT_EQ(record["State"], "FAILED") << record.dump(2);
      EXPECT_EQ(record["Attempts"], 1) << "a missing kubeconfig is not worth a retry";
      EXPECT_THAT(record["Error"].get<std::string>(),
                  HasSubstr((config / "kubeconfig").string() + " does not exist"));
    }
  }
  const ProgramRun branches = RunGit(config / "manifests", {"branch", "--list", "rampart/*"});
  EXPECT_THAT(branches.output, HasSubstr("rampart/bump-image/payments-"));
  EXPECT_TRUE(std::filesystem::is_empty(elsewhere));
}

}  // namespace
}  // namespace rampart::cli
