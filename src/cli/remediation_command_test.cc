// `rampart remediations`, `audit` and `token` as a user runs them: the real binary on a
// database that `rampart run` filled, or on a path where none exists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/testing/program.h"

namespace rampart::cli {
namespace {

using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::RunProgram;

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

}  // namespace
}  // namespace rampart::cli
