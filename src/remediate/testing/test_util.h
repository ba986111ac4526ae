// Helpers for remediation tests: temporary folders, running tools, free ports, and the real
// OCI registry of src/oci/testing.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "oci/testing/registry_server.h"

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

// The real OCI registry (Debian's docker-registry) that image tests push tags to.
using oci::testing::RegistryAvailable;
using oci::testing::RegistryServer;

}  // namespace rampart::remediate::testing
