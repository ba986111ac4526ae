#include "remediate/subprocess.h"

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

ProcessOptions Options(std::vector<std::string> argv) {
  ProcessOptions options;
  options.argv = std::move(argv);
  options.timeout = std::chrono::milliseconds(10000);
  return options;
}

TEST(RunProcess, PassesStdinAndCapturesStdout) {
  auto options = Options({"/bin/cat"});
  options.stdin_data = "{\"detail\": 1}";
  auto result = RunProcess(options);
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->stdout_text, "{\"detail\": 1}");
}

TEST(RunProcess, ReportsExitStatusAndStderr) {
  auto result = RunProcess(Options({"/bin/sh", "-c", "echo oops >&2; exit 3"}));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->stderr_text, "oops\n");
  EXPECT_FALSE(result->timed_out);
}

TEST(RunProcess, EnvironmentIsOnlyWhatIsGiven) {
  auto options = Options({"/usr/bin/env"});
  options.environment = {"ONLY=1"};
  auto result = RunProcess(options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->stdout_text, "ONLY=1\n");
}

TEST(RunProcess, TimeoutKillsTheProcessGroup) {
  // The shell starts a grandchild that would outlive a kill of the shell alone.
  auto options = Options({"/bin/sh", "-c", "sleep 30 & echo $!; wait"});
  options.timeout = std::chrono::milliseconds(300);
  auto result = RunProcess(options);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->term_signal, SIGKILL);
  const int grandchild = std::stoi(result->stdout_text);
  ASSERT_GT(grandchild, 0);
  // The grandchild was killed with its group; once reaped by init it no longer exists.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = ::kill(grandchild, 0) != 0;
    if (!gone) {
      std::string stat_path = "/proc/" + std::to_string(grandchild) + "/stat";
      FILE* file = std::fopen(stat_path.c_str(), "r");
      if (file != nullptr) {
        char state = 0;
        int scanned = std::fscanf(file, "%*d %*s %c", &state);
        std::fclose(file);
        gone = scanned == 1 && state == 'Z';
      }
      ::usleep(10000);
    }
  }
  EXPECT_TRUE(gone) << "process " << grandchild << " survived the timeout";
}

TEST(RunProcess, OutputIsBounded) {
  auto options = Options({"/usr/bin/head", "-c", "100000", "/dev/zero"});
  options.max_output_bytes = 1000;
  auto result = RunProcess(options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->stdout_text.size(), 1000u);
  EXPECT_EQ(result->stdout_dropped, 99000u);
}

TEST(RunProcess, ChildThatIgnoresStdinDoesNotKillParent) {
  auto options = Options({"/bin/true"});
  options.stdin_data = std::string(1 << 20, 'x');
  auto result = RunProcess(options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->exit_code, 0);
}

TEST(RunProcess, MissingProgramIsNotFound) {
  auto result = RunProcess(Options({"/nonexistent/program"}));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("/nonexistent/program"), std::string::npos);
}

TEST(FindExecutable, SearchesPathList) {
  auto found = FindExecutable("sh", "/nonexistent:/bin");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, "/bin/sh");
  EXPECT_FALSE(FindExecutable("no-such-program-here", "/bin:/usr/bin").has_value());
}

}  // namespace
}  // namespace rampart::remediate
