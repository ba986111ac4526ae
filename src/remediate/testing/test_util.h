// Helpers for remediation tests: temporary folders, running tools, free ports, and a real
// OCI registry (Debian's docker-registry) on 127.0.0.1.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace rampart::remediate::testing {

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `argv` (no shell) in `dir` with a fixed environment and returns its stdout; fails with
// its stderr when it exits non-zero.
Result<std::string> RunTool(const std::vector<std::string>& argv, const std::string& dir = "");

// Writes `content` to `path`, creating parent folders.
void WriteText(const std::string& path, const std::string& content);
std::string ReadText(const std::string& path);

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// Initializes a git repository in `dir` with everything in it committed on branch "main".
Status InitGitRepository(const std::string& dir);

// A docker-registry process serving 127.0.0.1:port from a temporary folder.
class RegistryServer {
 public:
  RegistryServer() = default;
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  // Starts the server and waits until GET /v2/ returns 200.
  Status Start();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Pushes a small image under `repository:tag` (config blob and manifest) and returns the
  // manifest digest.
  Result<std::string> PushTag(const std::string& repository, const std::string& tag);

 private:
  TempDir dir_;
  int port_ = 0;
  int pid_ = -1;
};

// True when the docker-registry program is installed.
bool RegistryAvailable();

}  // namespace rampart::remediate::testing
