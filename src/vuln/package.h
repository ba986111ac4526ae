// Installed packages as read from an SBOM or a root file system, named the way OSV
// advisories name them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::vuln {

struct Package {
  std::string ecosystem;  // OSV ecosystem name without a release, such as "Debian" or "npm"
  std::string release;    // distribution release as the inventory gives it ("12", "3.18.4",
                          // "22.04"); empty when unknown or not a distribution package
  std::string name;       // the installed (binary) package
  std::string version;    // installed version, with the epoch for dpkg and RPM
  // The source package of a distribution package, which is what Debian, Ubuntu, Alpine,
  // Rocky Linux and AlmaLinux advisories name. Empty when unknown or equal to `name`.
  std::string source_name;
  std::string source_version;  // empty when unknown or equal to `version`
  std::string purl;
  std::string location;  // where the inventory lists it, such as "$.components[3]"
};

// A package that was left out, and why: no package URL, an ecosystem without a version
// order, a malformed entry.
struct SkippedPackage {
  std::string location;
  std::string reason;
};

struct Inventory {
  std::string artifact;  // what was scanned: image reference, SBOM name or folder
  std::string format;    // such as "CycloneDX 1.5", "SPDX-2.3" or "root file system"
  std::vector<Package> packages;
  std::vector<SkippedPackage> skipped;
};

// Builds a package from a package URL. The distribution namespace of deb, apk and rpm
// URLs selects the OSV ecosystem, and centos maps to Red Hat, whose advisories cover the
// CentOS rebuilds. The "distro" qualifier gives the release, "epoch" is joined to the
// version, and "source", "src", "upstream" or "origin" name the source package. Fails for
// an invalid URL or a type without an OSV ecosystem.
Result<Package> PackageFromUrl(std::string_view purl);

// Returns the names an advisory may use for the package: the source package first for
// distributions whose advisories name source packages, then the binary one.
std::vector<std::string> AdvisoryNames(const Package& package);

// Returns the version advisories compare against: the source version for distributions
// whose advisories name source packages, else the installed version.
const std::string& AdvisoryVersion(const Package& package);

// Returns true when an advisory for `advisory_release` of `ecosystem` (the text after the
// ':' in "Debian:12" or "Alpine:v3.18") applies to a package of `package_release`. Either
// being empty matches. Debian, Rocky Linux and AlmaLinux compare major versions, Ubuntu
// and Alpine major.minor, and Red Hat the major version inside its product string.
bool ReleaseMatches(std::string_view ecosystem, std::string_view advisory_release,
                    std::string_view package_release);

// Turns a distribution's release spelling ("debian-10.2", "bookworm", "focal",
// "alpine-3.18.4") into its version ("10.2", "12", "20.04", "3.18.4").
std::string NormalizeRelease(std::string_view release);

}  // namespace rampart::vuln
