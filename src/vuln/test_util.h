// Helpers shared by the vuln tests: temporary folders, files and zip archives.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace rampart::vuln::testing_util {

// A folder under the system temporary folder, removed with everything in it on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void WriteText(const std::filesystem::path& path, const std::string& text);

// Writes a zip archive with one stored entry per (name, content) pair.
void WriteZip(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, std::string>>& entries);

// Returns the shared data folder for vulnerability inputs, or an empty path when the
// ../shared/data checkout is absent.
std::filesystem::path SharedVulnData();

}  // namespace rampart::vuln::testing_util
