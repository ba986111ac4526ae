// SPDX JSON: packages with a purl external reference.
#include <fmt/format.h>

#include "vuln/sbom.h"

namespace rampart::vuln {
namespace {

std::string FindPurl(const Json& package) {
  const auto refs = package.find("externalRefs");
  if (refs == package.end() || !refs->is_array()) {
    return "";
  }
  for (const Json& ref : *refs) {
    if (ref.is_object() && StringOr(ref, "referenceType") == "purl") {
      return StringOr(ref, "referenceLocator");
    }
  }
  return "";
}

// Trivy writes "built package from: NAME VERSION" into sourceInfo; returns NAME and VERSION.
std::pair<std::string, std::string> BuiltFrom(const Json& package) {
  constexpr std::string_view kPrefix = "built package from: ";
  const std::string info = StringOr(package, "sourceInfo");
  if (info.rfind(kPrefix, 0) != 0) {
    return {};
  }
  const std::string rest = info.substr(kPrefix.size());
  const std::size_t space = rest.find(' ');
  if (space == std::string::npos) {
    return {rest, ""};
  }
  return {rest.substr(0, space), rest.substr(space + 1)};
}

bool IsOperatingSystem(const Json& package) {
  return StringOr(package, "primaryPackagePurpose") == "OPERATING-SYSTEM" ||
         StringOr(package, "SPDXID").rfind("SPDXRef-OperatingSystem", 0) == 0;
}

}  // namespace

Result<Inventory> ReadSpdx(const Json& document, std::string_view source) {
  const std::string spec = document.is_object() ? StringOr(document, "spdxVersion") : "";
  if (spec != "SPDX-2.2" && spec != "SPDX-2.3") {
    return InvalidArgument(fmt::format(
        "{}: $.spdxVersion \"{}\" is not SPDX-2.2 or SPDX-2.3; export the SBOM as SPDX 2.3 JSON",
        source, spec));
  }
  Inventory inventory;
  inventory.format = spec;
  inventory.artifact = StringOr(document, "name", source);

  const auto packages = document.find("packages");
  if (packages == document.end() || !packages->is_array()) {
    return inventory;
  }
  std::string os_release;
  for (std::size_t i = 0; i < packages->size(); ++i) {
    const Json& entry = (*packages)[i];
    const std::string path = JsonPathIndex("$.packages", i);
    if (!entry.is_object()) {
      inventory.skipped.push_back({path, "the package is not an object"});
      continue;
    }
    if (IsOperatingSystem(entry)) {
      os_release = NormalizeRelease(StringOr(entry, "versionInfo"));
      continue;
    }
    const std::string purl = FindPurl(entry);
    if (purl.empty()) {
      continue;
    }
    auto package = PackageFromUrl(purl);
    if (!package) {
      inventory.skipped.push_back({path, package.status().message()});
      continue;
    }
    if (package->version.empty()) {
      package->version = StringOr(entry, "versionInfo");
    }
    if (package->version.empty()) {
      inventory.skipped.push_back({path, "the package has no version"});
      continue;
    }
    const auto [source_name, source_version] = BuiltFrom(entry);
    if (package->source_name.empty() && !source_name.empty() && source_name != package->name) {
      package->source_name = source_name;
    }
    if (package->source_version.empty() && !source_version.empty() &&
        source_version != package->version) {
      package->source_version = source_version;
    }
    package->location = path;
    inventory.packages.push_back(std::move(*package));
  }
  for (Package& package : inventory.packages) {
    const bool distribution = package.ecosystem == "Debian" || package.ecosystem == "Ubuntu" ||
                              package.ecosystem == "Alpine" || package.ecosystem == "Red Hat" ||
                              package.ecosystem == "Rocky Linux" ||
                              package.ecosystem == "AlmaLinux";
    if (distribution && package.release.empty()) {
      package.release = os_release;
    }
  }
  return inventory;
}

}  // namespace rampart::vuln
