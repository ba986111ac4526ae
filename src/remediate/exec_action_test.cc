#include "remediate/exec_action.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace rampart::remediate {
namespace {

ActionContext TestContext() {
  ActionContext context;
  context.environment = [](std::string_view name) -> std::optional<std::string> {
    if (name == "PATH") {
      return "/usr/bin:/bin";
    }
    if (name == "SECRET_FOR_PROGRAM") {
      return "s3cr3t";
    }
    return std::nullopt;
  };
  context.timeout = std::chrono::milliseconds(10000);
  return context;
}

ActionRequest Request(Json params, bool dry_run = false) {
  ActionRequest request;
  request.params = std::move(params);
  request.event = {{"detail-type", "Security Hub Findings - Imported"}, {"detail", {{"n", 1}}}};
  request.dry_run = dry_run;
  request.idempotency_key = "key-1";
  return request;
}

TEST(ExecAction, EventOnStdin) {
  auto action = MakeExecAction();
  auto result = action->Run(Request({{"argv", {"cat"}}}), TestContext());
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  const auto start = result->output.find("stdout:\n") + 8;
  const auto end = result->output.find("\nstderr:");
  EXPECT_EQ(Json::parse(result->output.substr(start, end - start))["detail"]["n"], 1);
}

TEST(ExecAction, EnvironmentIsAllowListed) {
  auto action = MakeExecAction();
  const Json params = {{"argv", {"env"}},
                       {"inherit_env", {"SECRET_FOR_PROGRAM", "NOT_SET_ANYWHERE"}},
                       {"env", {{"MODE", "strict"}}}};
  auto result = action->Run(Request(params), TestContext());
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_NE(result->output.find("SECRET_FOR_PROGRAM=s3cr3t\n"), std::string::npos);
  EXPECT_NE(result->output.find("MODE=strict\n"), std::string::npos);
  EXPECT_NE(result->output.find("RAMPART_IDEMPOTENCY_KEY=key-1\n"), std::string::npos);
  EXPECT_EQ(result->output.find("PATH="), std::string::npos);
  EXPECT_EQ(result->output.find("HOME="), std::string::npos);
}

TEST(ExecAction, ArgumentsAreNotShellWords) {
  auto action = MakeExecAction();
  const Json params = {{"argv", {"echo", "$(id) ; rm -rf /tmp/x", "`uname`"}}};
  auto result = action->Run(Request(params), TestContext());
  ASSERT_TRUE(result.has_value());
  EXPECT_NE(result->output.find("$(id) ; rm -rf /tmp/x `uname`\n"), std::string::npos);
}

TEST(ExecAction, DryRunDoesNotStartProgram) {
  const auto marker =
      std::filesystem::temp_directory_path() / ("rampart-exec-dry-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  auto action = MakeExecAction();
  auto result = action->Run(Request({{"argv", {"touch", marker.string()}}}, true), TestContext());
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->changed);
  EXPECT_EQ(result->diff, "run: /usr/bin/touch " + marker.string() + "\n");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(ExecAction, TimeoutIsDeadlineExceeded) {
  auto action = MakeExecAction();
  auto context = TestContext();
  context.timeout = std::chrono::milliseconds(200);
  auto result = action->Run(Request({{"argv", {"sleep", "20"}}}), context);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(ExecAction, TempFailIsUnavailable) {
  auto action = MakeExecAction();
  auto result =
      action->Run(Request({{"argv", {"sh", "-c", "echo busy >&2; exit 75"}}}), TestContext());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("busy"), std::string::npos);
  auto failed = action->Run(Request({{"argv", {"false"}}}), TestContext());
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.status().code(), StatusCode::kFailedPrecondition);
}

TEST(ExecAction, ValidateRejectsBadParameters) {
  auto action = MakeExecAction();
  EXPECT_EQ(action->Validate(Json::object()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(action->Validate({{"argv", Json::array()}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(action->Validate({{"argv", "sh -c x"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(action->Validate({{"argv", {"x"}}, {"inherit_env", {"A=B"}}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(action->Validate({{"argv", {"x"}}, {"sandbox_writable", {"rel"}}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(action->Validate({{"argv", {"x"}}, {"timeout_seconds", 5}}).ok());
}

TEST(ExecAction, SandboxHidesHostAndKeepsWritableFolder) {
  if (::access("/usr/bin/bwrap", X_OK) != 0) {
    GTEST_SKIP() << "bubblewrap is not installed; scripts/install-deps installs it";
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rampart-exec-sandbox-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto host_marker = dir.string() + "-marker";
  std::ofstream(host_marker) << "host";
  const std::string script = "echo in > " + (dir / "out.txt").string() +
                             "; touch /usr/rampart-should-fail 2>/dev/null && echo root-writable;"
                             " test -e " +
                             host_marker + " && echo host-tmp-visible; true";
  const Json params = {
      {"argv", {"sh", "-c", script}}, {"sandbox", true}, {"sandbox_writable", {dir.string()}}};
  auto result = MakeExecAction()->Run(Request(params), TestContext());
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(result->output.find("root-writable"), std::string::npos);
  EXPECT_EQ(result->output.find("host-tmp-visible"), std::string::npos);
  std::ifstream written(dir / "out.txt");
  std::string line;
  std::getline(written, line);
  EXPECT_EQ(line, "in");
  std::filesystem::remove_all(dir);
  std::filesystem::remove(host_marker);
}

TEST(SandboxArgv, UnsharesNetworkUnlessAsked) {
  const auto argv = SandboxArgv("/usr/bin/bwrap", {"/bin/true"}, false, {});
  EXPECT_EQ(argv[1], "--unshare-all");
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--share-net"), argv.end());
  EXPECT_EQ(argv.back(), "/bin/true");
  const auto networked = SandboxArgv("/usr/bin/bwrap", {"/bin/true"}, true, {});
  EXPECT_NE(std::find(networked.begin(), networked.end(), "--share-net"), networked.end());
}

}  // namespace
}  // namespace rampart::remediate
