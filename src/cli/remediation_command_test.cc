// `rampart remediations`, `audit` and `token` as a user runs them: the real binary on a
// database that `rampart run` filled, or on a path where none exists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/testing/program.h"
#include "core/json.h"

namespace rampart::cli {
namespace {

using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::RunProgram;
using testing::WriteText;

class RemediationCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTestFolder("rampart_remediation_command"); }
  void TearDown() override {
    if (!HasFailure()) {
      std::filesystem::remove_all(dir_);
    }
  }

  ProgramRun Rampart(std::vector<std::string> args) {
    args.insert(args.begin(), BuiltProgram("rampart"));
    return RunProgram(args, dir_);
  }

  std::filesystem::path dir_;
};

// Commands that read the database or decide on its records fail on a mistyped path instead
// of creating an empty database there, which `audit verify` reported as verified.
TEST_F(RemediationCommandTest, MissingDatabaseIsNotCreated) {
  const std::string db = (dir_ / "nosuch.db").string();
  const std::vector<std::vector<std::string>> commands = {
      {"audit", "verify", "--db", db},
      {"audit", "export", "--db", db},
      {"remediations", "list", "--db", db},
      {"remediations", "show", "1", "--db", db},
      {"remediations", "approve", "1", "--by", "alice", "--db", db},
      {"remediations", "reject", "1", "--by", "alice", "--db", db},
      {"token", "list", "--db", db},
      {"token", "revoke", "--name", "ci", "--db", db}};
  for (const auto& command : commands) {
    SCOPED_TRACE(command[0] + " " + command[1]);
    const ProgramRun run = Rampart(command);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_THAT(run.errors, HasSubstr(db + ": database not found"));
    EXPECT_FALSE(std::filesystem::exists(db));
  }
  const ProgramRun default_db = Rampart({"audit", "verify"});
  EXPECT_EQ(default_db.exit_code, 2);
  EXPECT_THAT(default_db.errors, HasSubstr("rampart.db: database not found"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "rampart.db"));
}

// Runs `rampart run` with one rule, whose mode and guardrails are `settings`, on a finding
// whose Id, resource and title carry terminal escape sequences.
ProgramRun RunRule(const std::filesystem::path& dir, const std::string& settings) {
  const Json finding = {{"SchemaVersion", "2018-10-08"},
                        {"Id", "x\x1b]0;owned\x07\x1b[31mRED"},
                        {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/test"},
                        {"GeneratorId", "page"},
                        {"AwsAccountId", "111122223333"},
                        {"Types", {"Software and Configuration Checks"}},
                        {"CreatedAt", "2026-12-01T00:00:00Z"},
                        {"UpdatedAt", "2026-12-01T00:00:00Z"},
                        {"Severity", {{"Label", "HIGH"}}},
                        {"Title", "t\x1b[2J"},
                        {"Description", "test"},
                        {"Resources", {{{"Type", "Other"}, {"Id", "r\x1b[2Jcleared"}}}}};
  WriteText(dir / "report.json", Json{{"Findings", {finding}}}.dump());
  WriteText(dir / "rampart.yaml",
            "store: sqlite:rampart.db\nrules: rules.yaml\nsources: [report.json]\n"
            "log_level: error\n");
  WriteText(dir / "rules.yaml", R"(
- name: page
  event_pattern: {detail: {findings: {GeneratorId: [page]}}}
  targets:
    - action: exec
      params: {argv: ["/bin/true"]}
)" + settings);
  return RunProgram({BuiltProgram("rampart"), "run", "--config", "rampart.yaml", "--once"}, dir);
}

TEST_F(RemediationCommandTest, BlankApproverIsRejected) {
  ASSERT_EQ(RunRule(dir_, "  mode: enforce\n  guardrails: {approval: true}\n").exit_code, 0);
  for (const char* by : {"", "  ", "\t"}) {
    const ProgramRun run = Rampart({"remediations", "approve", "1", "--by", by});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_THAT(run.errors, HasSubstr("--by is empty"));
  }
  // A name with a terminal escape sequence would reach the audit log and its readers.
  const ProgramRun escaped =
      Rampart({"remediations", "approve", "1", "--by", "alice\x1b]0;owned\x07"});
  EXPECT_EQ(escaped.exit_code, 2) << escaped.output;
  EXPECT_THAT(escaped.errors, HasSubstr("contains control characters"));
  EXPECT_EQ(escaped.errors.find('\x1b'), std::string::npos);
  const ProgramRun show = Rampart({"remediations", "show", "1", "--output", "json"});
  const Json record = Json::parse(show.output, nullptr, false);
  EXPECT_EQ(record["State"], "AWAITING_APPROVAL") << show.output << show.errors;
  const ProgramRun approved = Rampart({"remediations", "approve", "1", "--by", "alice"});
  EXPECT_EQ(approved.exit_code, 0) << approved.errors;
  EXPECT_THAT(approved.output, HasSubstr("Approved by:  alice"));
}

// Finding text reaches the terminal without its escape sequences, as in the tables.
TEST_F(RemediationCommandTest, EscapeSequencesOfFindingsAreNotPrinted) {
  const ProgramRun run = RunRule(dir_, "");
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  EXPECT_THAT(run.output, HasSubstr("-- dry run 1 (exec on x?]0;owned??[31mRED)"));
  EXPECT_EQ(run.output.find('\x1b'), std::string::npos) << run.output;

  const ProgramRun show = Rampart({"remediations", "show", "1"});
  ASSERT_EQ(show.exit_code, 0) << show.errors;
  EXPECT_THAT(show.output, HasSubstr("Finding:      x?]0;owned??[31mRED\n"));
  EXPECT_THAT(show.output, HasSubstr("Resource:     r?[2Jcleared\n"));
  EXPECT_EQ(show.output.find('\x1b'), std::string::npos) << show.output;
  EXPECT_EQ(show.output.find('\x07'), std::string::npos) << show.output;
}

}  // namespace
}  // namespace rampart::cli
