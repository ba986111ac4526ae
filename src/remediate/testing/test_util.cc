#include "remediate/testing/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "oci/testing/registry_server.h"
#include "remediate/subprocess.h"

namespace rampart::remediate::testing {

TempDir::TempDir() {
  std::random_device device;
  path_ = (std::filesystem::temp_directory_path() /
           fmt::format("rampart-test-{}-{:08x}", ::getpid(), device()))
              .string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<std::string> RunTool(const std::vector<std::string>& argv, const std::string& dir) {
  ProcessOptions options;
  auto program = FindExecutable(argv.at(0), "/usr/bin:/bin:/usr/sbin:/sbin");
  if (!program) {
    return program.status();
  }
  options.argv = argv;
  options.argv[0] = *program;
  options.working_dir = dir;
  options.environment = {"PATH=/usr/bin:/bin",
                         "HOME=/nonexistent",
                         "GIT_CONFIG_NOSYSTEM=1",
                         "GIT_AUTHOR_NAME=Test",
                         "GIT_AUTHOR_EMAIL=test@localhost",
                         "GIT_COMMITTER_NAME=Test",
                         "GIT_COMMITTER_EMAIL=test@localhost"};
  options.timeout = std::chrono::milliseconds(60000);
  options.max_output_bytes = 16 << 20;
  auto result = RunProcess(options);
  if (!result) {
    return result.status();
  }
  if (result->exit_code != 0) {
    return Internal(
        fmt::format("{} exited with {}: {}", argv[0], result->exit_code, result->stderr_text));
  }
  return result->stdout_text;
}

void WriteText(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int FreePort() { return oci::testing::FreeLoopbackPort(); }

Status InitGitRepository(const std::string& dir) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"git", "init", "-q", "-b", "main"},
        std::vector<std::string>{"git", "add", "-A"},
        std::vector<std::string>{"git", "commit", "-q", "-m", "Add manifests"}}) {
    auto ran = RunTool(argv, dir);
    if (!ran) {
      return ran.status();
    }
  }
  return Status::Ok();
}

}  // namespace rampart::remediate::testing
