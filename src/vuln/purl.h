// Package URLs (github.com/package-url/purl-spec):
// pkg:type/namespace/name@version?qualifiers#subpath
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::vuln {

struct PackageUrl {
  std::string type;        // lower case, such as "deb", "npm", "maven"
  std::string namespace_;  // percent-decoded segments joined by '/', may be empty
  std::string name;        // percent-decoded
  std::string version;     // percent-decoded, may be empty
  std::map<std::string, std::string> qualifiers;  // keys lower case, values decoded
  std::string subpath;
};

// Parses a package URL. Fails, quoting the text, when the scheme is not "pkg", the type or
// name is missing, or a percent escape is malformed.
Result<PackageUrl> ParsePackageUrl(std::string_view text);

}  // namespace rampart::vuln
