// Package databases of distributions: dpkg's status file and apk's installed database.
#pragma once

#include <string>
#include <string_view>

#include "vuln/package.h"

namespace rampart::vuln {

// The distribution of one package database (its OSV ecosystem and release) and the file
// name used in Package::location.
struct DatabaseContext {
  std::string ecosystem;  // "Debian", "Ubuntu", "Alpine", ...
  std::string release;
  std::string location;
};

// Adds the installed packages of a dpkg status file (or one file of status.d). A
// paragraph whose Status is not "... installed" is left out; one without Package or
// Version goes to Inventory::skipped. "Source: name (version)" gives the source package.
void ParseDpkgStatus(std::string_view text, const DatabaseContext& context, Inventory& inventory);

// Adds the packages of apk's lib/apk/db/installed: P: name, V: version, o: origin (the
// source package).
void ParseApkInstalled(std::string_view text, const DatabaseContext& context, Inventory& inventory);

}  // namespace rampart::vuln
