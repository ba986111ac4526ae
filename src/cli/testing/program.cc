#include "cli/testing/program.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace rampart::cli::testing {

namespace fs = std::filesystem;

ProgramRun RunProgram(const std::vector<std::string>& argv, const fs::path& dir) {
  // Output goes to files rather than pipes, so a large output cannot block the child.
  const fs::path out = dir / ".program-stdout";
  const fs::path err = dir / ".program-stderr";
  const pid_t pid = ::fork();

  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) {
      ::_exit(127);
    }
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
      ::_exit(127);
    }

    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }

  ProgramRun run;
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
  }

  run.output = ReadText(out);
  run.errors = ReadText(err);
  std::error_code ignored;
  fs::remove(out, ignored);
  fs::remove(err, ignored);
  return run;
}

ProgramRun RunGit(const fs::path& repository, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/git", "-c", "user.name=Test", "-c",
                                   "user.email=test@example.com"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, repository);
}

std::string BuiltProgram(const std::string& name) {
  return std::string(RAMPART_BINARY_DIR) + "/" + name;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  out << text;
}

fs::path MakeTestFolder(const std::string& prefix) {
  const fs::path dir =
      fs::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace rampart::cli::testing
