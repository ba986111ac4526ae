// Helpers for the store tests: real findings from the shared data folder, temporary
// databases and small edits of findings.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "store/finding_store.h"

namespace rampart::store::testing {

// True when the shared data folder (RAMPART_SHARED_DATA) is present.
bool SharedDataPresent();

// Reads a JSON file under the shared findings folder, such as "asr/cis-1.3.finding.json";
// fails the calling test on error and returns null.
Json ReadFindingsFile(std::string_view relative);

// Returns the four findings of trivy/alpine-310.asff.json. Trivy's ASFF template builds the
// Id from the target and the CVE, so the two findings for one CVE in libcrypto1.1 and
// libssl1.1 share an Id, and the file contains two distinct findings.
std::vector<Json> TrivyAlpineFindings();

// Returns the findings with the first of each (ProductArn, Id) kept, as an import keeps it
// when the later ones have the same UpdatedAt.
std::vector<Json> UniqueByKey(const std::vector<Json>& findings);

// Returns one Security Hub control finding from asr/, by file name.
Json AsrFinding(std::string_view file);

// Returns every finding in asr/: the bare findings, the findings inside the EventBridge
// events, and the finding of the notifier message.
std::vector<Json> AllAsrFindings();

// Returns the finding's identity.
FindingKey KeyOf(const Json& finding);

// Returns the finding with UpdatedAt moved `seconds` later.
Json Later(Json finding, int seconds);

// A folder under the system temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(std::string_view name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace rampart::store::testing

// Skips the test when the shared data folder is absent.
#define RAMPART_REQUIRE_SHARED_DATA()                                                    \
  do {                                                                                   \
    if (!::rampart::store::testing::SharedDataPresent()) {                               \
      GTEST_SKIP() << "../shared/data is absent, so the real findings cannot be loaded"; \
    }                                                                                    \
  } while (false)
