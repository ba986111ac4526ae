// Runs programs from tests as separate processes, and reads and writes their files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rampart::cli::testing {

struct ProgramRun {
  int exit_code = -1;  // 127 when the program cannot start, -1 when a signal ended it
  std::string output;  // standard output
  std::string errors;  // standard error
};

// Runs `argv` (argv[0] an absolute path, no shell) in folder `dir` and waits for it.
ProgramRun RunProgram(const std::vector<std::string>& argv, const std::filesystem::path& dir);

// Runs git with a fixed author and committer in `repository`.
ProgramRun RunGit(const std::filesystem::path& repository, const std::vector<std::string>& args);

// Returns the path of a program built in the build folder, such as "rampart".
std::string BuiltProgram(const std::string& name);

std::string ReadText(const std::filesystem::path& path);
void WriteText(const std::filesystem::path& path, const std::string& text);

// Returns a new empty folder for the running test, named after it.
std::filesystem::path MakeTestFolder(const std::string& prefix);

}  // namespace rampart::cli::testing
