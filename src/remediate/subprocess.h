// Running a program from an argv list, never through a shell, with a deadline and bounded
// captured output.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace rampart::remediate {

struct ProcessOptions {
  std::vector<std::string> argv;         // argv[0] is an absolute path or a name found in PATH
  std::vector<std::string> environment;  // "NAME=value" entries; nothing else is inherited
  std::string stdin_data;
  std::string working_dir;  // empty keeps the current folder
  std::chrono::milliseconds timeout{30000};
  std::size_t max_output_bytes = 64 * 1024;  // per stream; the rest is read and dropped
};

struct ProcessResult {
  int exit_code = -1;   // valid when term_signal is 0
  int term_signal = 0;  // the signal that ended the process, or 0
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
  std::size_t stdout_dropped = 0;  // bytes beyond max_output_bytes
  std::size_t stderr_dropped = 0;
};

// Starts the program in its own process group and waits for it. On timeout the whole group
// gets SIGKILL, so children it started end too. Fails only when the program cannot be
// started (missing, not executable); a non-zero exit is a result, not an error.
Result<ProcessResult> RunProcess(const ProcessOptions& options);

// Returns the absolute path of `name` searched in `path_list` (colon-separated), or `name`
// itself when it contains a slash; NotFound when no executable file matches.
Result<std::string> FindExecutable(const std::string& name, const std::string& path_list);

}  // namespace rampart::remediate
