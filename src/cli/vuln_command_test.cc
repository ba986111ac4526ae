// Runs the vulnerability commands through CLI11 as the rampart binary would.
#include "cli/vuln_command.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rampart::cli {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandRun RunCommand(std::vector<std::string> args) {
  CLI::App app{"rampart", "rampart"};
  app.require_subcommand(1);
  CommandRun run;
  AddVulnCommands(app, run.exit_code);
  std::vector<const char*> argv = {"rampart"};
  for (const std::string& arg : args) {
    argv.push_back(arg.c_str());
  }
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    run.exit_code = app.exit(error) == 0 ? 0 : 2;
  }
  run.out = testing::internal::GetCapturedStdout();
  run.err = testing::internal::GetCapturedStderr();
  return run;
}

TEST(VersionCompareCommand, PrintsOrder) {
  EXPECT_EQ(RunCommand({"version", "compare", "Debian", "1.2-1", "1.2-1~deb12u1"}).out, ">\n");
  EXPECT_EQ(RunCommand({"version", "compare", "npm", "16.2.2", "16.2.2"}).out, "=\n");
  EXPECT_EQ(RunCommand({"version", "compare", "Alpine", "1.6_rc1-r0", "1.6-r0"}).out, "<\n");
  EXPECT_EQ(RunCommand({"version", "compare", "Red Hat", "1.0-1", "1:0.9-1"}).out, "<\n");
}

TEST(VersionCompareCommand, AcceptsReleaseSuffix) {
  const CommandRun run = RunCommand({"version", "compare", "Debian:12", "2:1.0", "1:9.0"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, ">\n");
}

TEST(VersionCompareCommand, InvalidVersionIsError) {
  const CommandRun run = RunCommand({"version", "compare", "Alpine", "1.18.-r2", "1.18-r2"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("\"1.18.-r2\""), std::string::npos) << run.err;
}

TEST(VersionCompareCommand, LenientOrdersLegacyPython) {
  const CommandRun strict = RunCommand({"version", "compare", "PyPI", "0.9-doduo", "1.0"});
  EXPECT_EQ(strict.exit_code, 2);
  const CommandRun lenient =
      RunCommand({"version", "compare", "--lenient", "PyPI", "0.9-doduo", "1.0"});
  EXPECT_EQ(lenient.exit_code, 0);
  EXPECT_EQ(lenient.out, "<\n");
}

TEST(VersionCompareCommand, UnknownEcosystemIsError) {
  const CommandRun run = RunCommand({"version", "compare", "debian", "1", "2"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unsupported ecosystem \"debian\""), std::string::npos) << run.err;
}

}  // namespace
}  // namespace rampart::cli
