// Feeds arbitrary bytes to the package database and lock file parsers; the first byte
// chooses which one.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vuln/installed_db.h"
#include "vuln/lockfile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  constexpr const char* kFiles[] = {"package-lock.json", "poetry.lock", "requirements.txt",
                                    "go.sum", "Cargo.lock"};
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  rampart::vuln::Inventory inventory;
  const unsigned choice = data[0] % 7;
  if (choice == 5) {
    rampart::vuln::ParseDpkgStatus(text, {"Debian", "12", "status"}, inventory);
  } else if (choice == 6) {
    rampart::vuln::ParseApkInstalled(text, {"Alpine", "3.18", "installed"}, inventory);
  } else {
    (void)rampart::vuln::ParseLockFile(kFiles[choice], text, "fuzz", inventory);
  }
  return 0;
}
