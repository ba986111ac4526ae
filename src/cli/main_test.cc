// The command line of the real binary: a mistyped or missing command is named with the
// commands that exist, instead of CLI11's "A subcommand is required".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/testing/program.h"

namespace rampart::cli {
namespace {

using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::RunProgram;

ProgramRun Rampart(std::vector<std::string> args) {
  args.insert(args.begin(), BuiltProgram("rampart"));
  return RunProgram(args, std::filesystem::temp_directory_path());
}

TEST(CommandLine, UnknownCommandIsNamed) {
  const ProgramRun top = Rampart({"ingst", "report.json"});
  EXPECT_EQ(top.exit_code, 2);
  EXPECT_THAT(top.errors, HasSubstr("error: \"ingst\" is not a command of rampart; use one of: "));
  EXPECT_THAT(top.errors, HasSubstr("ingest"));

  const ProgramRun nested = Rampart({"--log-level", "info", "findings", "get", "x"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_THAT(nested.errors,
              HasSubstr("error: \"get\" is not a command of rampart findings; use one of: list, "
                        "update, group-by, history, summary"));
}

TEST(CommandLine, MissingCommandIsNamed) {
  const ProgramRun run = Rampart({"model"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.errors, HasSubstr("error: rampart model needs a command; use one of: train, "
                                    "score"));
}

TEST(CommandLine, HelpAndVersionStillExitZero) {
  const ProgramRun help = Rampart({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("Usage: rampart"));
  const ProgramRun version = Rampart({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output, HasSubstr("rampart "));
}

}  // namespace
}  // namespace rampart::cli
