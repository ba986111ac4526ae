// Lock files of language package managers: package-lock.json, poetry.lock,
// requirements.txt, go.sum and Cargo.lock.
#pragma once

#include <string>
#include <string_view>

#include "vuln/package.h"

namespace rampart::vuln {

// Returns true when `file_name` is one of the lock files below.
bool IsLockFile(std::string_view file_name);

// Adds the packages of the lock file `file_name`, whose text is `text`. Only the last path
// part of `file_name` selects the parser, and `location` is reported in Package::location.
// Entries that cannot be pinned to one version, such as requirements without "==", go to
// Inventory::skipped. A package-lock.json that is not valid JSON is an error.
Status ParseLockFile(std::string_view file_name, std::string_view text, const std::string& location,
                     Inventory& inventory);

}  // namespace rampart::vuln
