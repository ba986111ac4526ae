#include "vuln/package.h"

#include <array>

#include <fmt/format.h>

#include "vuln/purl.h"
#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

struct Mapping {
  std::string_view type;
  std::string_view namespace_;  // empty matches any
  std::string_view ecosystem;
};

constexpr std::array<Mapping, 26> kMappings = {{
    {"deb", "debian", "Debian"},
    {"deb", "ubuntu", "Ubuntu"},
    {"apk", "alpine", "Alpine"},
    {"apk", "wolfi", "Wolfi"},
    {"apk", "chainguard", "Chainguard"},
    {"rpm", "redhat", "Red Hat"},
    {"rpm", "rhel", "Red Hat"},
    {"rpm", "centos", "Red Hat"},
    {"rpm", "rocky", "Rocky Linux"},
    {"rpm", "rocky-linux", "Rocky Linux"},
    {"rpm", "almalinux", "AlmaLinux"},
    {"rpm", "alma", "AlmaLinux"},
    {"rpm", "opensuse", "openSUSE"},
    {"rpm", "suse", "SUSE"},
    {"npm", "", "npm"},
    {"pypi", "", "PyPI"},
    {"maven", "", "Maven"},
    {"golang", "", "Go"},
    {"cargo", "", "crates.io"},
    {"gem", "", "RubyGems"},
    {"nuget", "", "NuGet"},
    {"composer", "", "Packagist"},
    {"pub", "", "Pub"},
    {"cran", "", "CRAN"},
    {"hackage", "", "Hackage"},
    {"hex", "", "Hex"},
}};

struct Codename {
  std::string_view name;
  std::string_view version;
};

constexpr std::array<Codename, 16> kCodenames = {{
    {"wheezy", "7"},
    {"jessie", "8"},
    {"stretch", "9"},
    {"buster", "10"},
    {"bullseye", "11"},
    {"bookworm", "12"},
    {"trixie", "13"},
    {"trusty", "14.04"},
    {"xenial", "16.04"},
    {"bionic", "18.04"},
    {"focal", "20.04"},
    {"jammy", "22.04"},
    {"kinetic", "22.10"},
    {"lunar", "23.04"},
    {"mantic", "23.10"},
    {"noble", "24.04"},
}};

bool UsesSourcePackages(std::string_view ecosystem) {
  return ecosystem == "Debian" || ecosystem == "Ubuntu" || ecosystem == "Alpine" ||
         ecosystem == "Rocky Linux" || ecosystem == "AlmaLinux";
}

// Returns the first `parts` dot-separated parts of `version`.
std::string_view LeadingParts(std::string_view version, int parts) {
  std::size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = version.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string_view::npos) {
      return version;
    }
  }
  return version.substr(0, end);
}

// Returns the first run of digits and dots that follows a ':' or starts the text, such as
// "8" in "enterprise_linux:8::appstream" or "8.4" in "rhel_aus:8.4::appstream".
std::string_view ProductVersion(std::string_view release) {
  for (std::size_t i = 0; i < release.size(); ++i) {
    if ((i == 0 || release[i - 1] == ':') && detail::IsDigit(release[i])) {
      std::size_t end = i;
      while (end < release.size() && (detail::IsDigit(release[end]) || release[end] == '.')) {
        ++end;
      }
      return release.substr(i, end - i);
    }
  }
  return {};
}

std::string_view UbuntuVersion(std::string_view release) {
  if (release.substr(0, 4) == "Pro:") {
    release.remove_prefix(4);
  }
  return release.substr(0, release.find(':'));
}

void SplitSourceQualifier(const std::string& value, Package& package) {
  const std::size_t at = value.find('@');
  package.source_name = value.substr(0, at);
  if (at != std::string::npos) {
    package.source_version = value.substr(at + 1);
  }
}

}  // namespace

std::string NormalizeRelease(std::string_view release) {
  std::string lower = detail::Lowercase(release);
  for (std::string_view prefix : {"debian-", "ubuntu-", "alpine-", "centos-", "rhel-", "redhat-",
                                  "rocky-", "almalinux-", "opensuse-", "sles-", "v"}) {
    if (lower.rfind(prefix, 0) == 0 && lower.size() > prefix.size() &&
        detail::IsDigit(lower[prefix.size()])) {
      return lower.substr(prefix.size());
    }
  }
  for (const Codename& codename : kCodenames) {
    if (lower == codename.name) {
      return std::string(codename.version);
    }
  }
  return std::string(release);
}

Result<Package> PackageFromUrl(std::string_view text) {
  auto purl = ParsePackageUrl(text);
  if (!purl) {
    return purl.status();
  }
  const Mapping* mapping = nullptr;
  const std::string namespace_lower = detail::Lowercase(purl->namespace_);
  for (const Mapping& candidate : kMappings) {
    if (candidate.type == purl->type &&
        (candidate.namespace_.empty() || candidate.namespace_ == namespace_lower)) {
      mapping = &candidate;
      break;
    }
  }
  if (mapping == nullptr) {
    return InvalidArgument(fmt::format(
        "package URL \"{}\": type \"{}\"{} has no OSV ecosystem with a version order", text,
        purl->type,
        purl->namespace_.empty() ? "" : " with namespace \"" + purl->namespace_ + "\""));
  }

  Package package;
  package.ecosystem = std::string(mapping->ecosystem);
  package.purl = std::string(text);
  package.version = purl->version;
  const bool distribution = !mapping->namespace_.empty();
  if (distribution || purl->namespace_.empty()) {
    package.name = purl->name;
  } else if (purl->type == "maven") {
    package.name = purl->namespace_ + ":" + purl->name;
  } else {
    package.name = purl->namespace_ + "/" + purl->name;
  }

  const auto& qualifiers = purl->qualifiers;
  if (const auto epoch = qualifiers.find("epoch"); epoch != qualifiers.end() &&
                                                   package.version.find(':') == std::string::npos &&
                                                   epoch->second != "0") {
    package.version = epoch->second + ":" + package.version;
  }
  if (distribution) {
    if (const auto distro = qualifiers.find("distro"); distro != qualifiers.end()) {
      package.release = NormalizeRelease(distro->second);
    }
    for (const char* key : {"source", "src", "upstream", "origin"}) {
      if (const auto source = qualifiers.find(key); source != qualifiers.end()) {
        SplitSourceQualifier(source->second, package);
        break;
      }
    }
    if (package.source_name == package.name) {
      package.source_name.clear();
    }
  }
  return package;
}

std::vector<std::string> AdvisoryNames(const Package& package) {
  std::vector<std::string> names;
  if (!package.source_name.empty()) {
    names.push_back(package.source_name);
  }
  if (names.empty() || !UsesSourcePackages(package.ecosystem)) {
    names.push_back(package.name);
  }
  return names;
}

const std::string& AdvisoryVersion(const Package& package) {
  if (UsesSourcePackages(package.ecosystem) && !package.source_version.empty()) {
    return package.source_version;
  }
  return package.version;
}

bool ReleaseMatches(std::string_view ecosystem, std::string_view advisory_release,
                    std::string_view package_release) {
  if (advisory_release.empty() || package_release.empty()) {
    return true;
  }
  const std::string package_version = NormalizeRelease(package_release);
  if (ecosystem == "Debian" || ecosystem == "Rocky Linux" || ecosystem == "AlmaLinux") {
    return LeadingParts(NormalizeRelease(advisory_release), 1) == LeadingParts(package_version, 1);
  }
  if (ecosystem == "Ubuntu") {
    return UbuntuVersion(advisory_release) == LeadingParts(package_version, 2);
  }
  if (ecosystem == "Alpine") {
    return LeadingParts(NormalizeRelease(advisory_release), 2) == LeadingParts(package_version, 2);
  }
  if (ecosystem == "Red Hat") {
    return LeadingParts(ProductVersion(advisory_release), 1) == LeadingParts(package_version, 1);
  }
  return advisory_release == package_release;
}

}  // namespace rampart::vuln
