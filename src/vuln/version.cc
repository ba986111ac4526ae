#include "vuln/version.h"

#include <array>

#include <fmt/format.h>

namespace rampart::vuln {
namespace {

struct EcosystemEntry {
  std::string_view name;
  VersionScheme scheme;
};

// OSV ecosystem names (ossf/osv-schema ecosystems.json) whose version order is implemented.
constexpr std::array<EcosystemEntry, 28> kEcosystems = {{
    {"Debian", VersionScheme::kDpkg},       {"Ubuntu", VersionScheme::kDpkg},
    {"Alpine", VersionScheme::kApk},        {"Wolfi", VersionScheme::kApk},
    {"Chainguard", VersionScheme::kApk},    {"Red Hat", VersionScheme::kRpm},
    {"Rocky Linux", VersionScheme::kRpm},   {"AlmaLinux", VersionScheme::kRpm},
    {"SUSE", VersionScheme::kRpm},          {"openSUSE", VersionScheme::kRpm},
    {"Photon OS", VersionScheme::kRpm},     {"Azure Linux", VersionScheme::kRpm},
    {"Mageia", VersionScheme::kRpm},        {"openEuler", VersionScheme::kRpm},
    {"npm", VersionScheme::kSemVer},        {"crates.io", VersionScheme::kSemVer},
    {"Go", VersionScheme::kSemVer},         {"Hex", VersionScheme::kSemVer},
    {"SwiftURL", VersionScheme::kSemVer},   {"PyPI", VersionScheme::kPep440},
    {"Maven", VersionScheme::kMaven},       {"RubyGems", VersionScheme::kRubyGems},
    {"NuGet", VersionScheme::kNuGet},       {"Packagist", VersionScheme::kPackagist},
    {"Pub", VersionScheme::kPub},           {"CRAN", VersionScheme::kCran},
    {"Bioconductor", VersionScheme::kCran}, {"Hackage", VersionScheme::kHackage},
}};

template <typename T>
Result<detail::ParsedVersion> Wrap(Result<T> parsed) {
  if (!parsed) {
    return parsed.status();
  }
  return detail::ParsedVersion(std::move(*parsed));
}

}  // namespace

std::string_view SchemeName(VersionScheme scheme) {
  switch (scheme) {
    case VersionScheme::kDpkg:
      return "dpkg";
    case VersionScheme::kRpm:
      return "RPM";
    case VersionScheme::kApk:
      return "apk";
    case VersionScheme::kSemVer:
      return "SemVer";
    case VersionScheme::kPep440:
      return "PEP 440";
    case VersionScheme::kMaven:
      return "Maven";
    case VersionScheme::kRubyGems:
      return "RubyGems";
    case VersionScheme::kNuGet:
      return "NuGet";
    case VersionScheme::kPackagist:
      return "Packagist";
    case VersionScheme::kPub:
      return "Pub";
    case VersionScheme::kCran:
      return "CRAN";
    case VersionScheme::kHackage:
      return "Hackage";
  }
  return "unknown";
}

std::string Ecosystem::ToString() const { return release.empty() ? name : name + ":" + release; }

std::optional<VersionScheme> SchemeOfEcosystem(std::string_view text) {
  const std::string_view name = text.substr(0, text.find(':'));
  for (const EcosystemEntry& entry : kEcosystems) {
    if (entry.name == name) {
      return entry.scheme;
    }
  }
  return std::nullopt;
}

Result<Ecosystem> ParseEcosystem(std::string_view text) {
  const std::size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  for (const EcosystemEntry& entry : kEcosystems) {
    if (entry.name == name) {
      Ecosystem ecosystem;
      ecosystem.name = std::string(name);
      if (colon != std::string_view::npos) {
        ecosystem.release = std::string(text.substr(colon + 1));
      }
      ecosystem.scheme = entry.scheme;
      return ecosystem;
    }
  }
  std::string known;
  for (const EcosystemEntry& entry : kEcosystems) {
    known += known.empty() ? "" : ", ";
    known += entry.name;
  }
  return InvalidArgument(fmt::format(
      "unsupported ecosystem \"{}\"; use one of {} (spelled as OSV spells it, optionally "
      "followed by ':' and a release)",
      text, known));
}

Result<Version> ParseVersion(VersionScheme scheme, std::string_view text, VersionSyntax syntax) {
  const bool lenient = syntax == VersionSyntax::kLenient;
  Result<detail::ParsedVersion> parsed = [&]() -> Result<detail::ParsedVersion> {
    switch (scheme) {
      case VersionScheme::kDpkg:
        return Wrap(ParseDpkgVersion(text, lenient));
      case VersionScheme::kRpm:
        return Wrap(ParseRpmVersion(text));
      case VersionScheme::kApk:
        return Wrap(ParseApkVersion(text, lenient));
      case VersionScheme::kSemVer:
        return Wrap(ParseSemVer(text, {.require_three_parts = false, .lenient = lenient}));
      case VersionScheme::kPub:
        return Wrap(ParseSemVer(text, {.require_three_parts = !lenient, .lenient = lenient}));
      case VersionScheme::kPep440:
        return Wrap(ParsePep440(text, lenient));
      case VersionScheme::kMaven:
        return Wrap(ParseMavenVersion(text));
      case VersionScheme::kRubyGems:
        return Wrap(ParseRubyGemsVersion(text, lenient));
      case VersionScheme::kNuGet:
        return Wrap(ParseNuGetVersion(text));
      case VersionScheme::kPackagist:
        return Wrap(ParsePackagistVersion(text, lenient));
      case VersionScheme::kCran:
        return Wrap(ParseCranVersion(text));
      case VersionScheme::kHackage:
        return Wrap(ParseHackageVersion(text));
    }
    return Internal("unknown version scheme");
  }();
  if (!parsed) {
    return InvalidArgument(fmt::format("invalid {} version \"{}\": {}", SchemeName(scheme), text,
                                       parsed.status().message()));
  }
  return Version(scheme, std::string(text), std::move(*parsed));
}

int CompareVersions(const Version& a, const Version& b) {
  if (a.scheme_ != b.scheme_) {
    return a.scheme_ < b.scheme_ ? -1 : 1;
  }
  const auto& pa = a.parsed_;
  const auto& pb = b.parsed_;
  switch (a.scheme_) {
    case VersionScheme::kDpkg:
      return CompareDpkg(std::get<DpkgVersion>(pa), std::get<DpkgVersion>(pb));
    case VersionScheme::kRpm:
      return CompareRpm(std::get<RpmVersion>(pa), std::get<RpmVersion>(pb));
    case VersionScheme::kApk:
      return CompareApk(std::get<ApkVersion>(pa).text, std::get<ApkVersion>(pb).text);
    case VersionScheme::kSemVer:
      return CompareSemVer(std::get<SemVer>(pa), std::get<SemVer>(pb));
    case VersionScheme::kPub:
      return ComparePubVersion(std::get<SemVer>(pa), std::get<SemVer>(pb));
    case VersionScheme::kPep440:
      return ComparePep440(std::get<Pep440Version>(pa), std::get<Pep440Version>(pb));
    case VersionScheme::kMaven:
      return CompareMaven(std::get<MavenVersion>(pa), std::get<MavenVersion>(pb));
    case VersionScheme::kRubyGems:
      return CompareRubyGems(std::get<RubyGemsVersion>(pa), std::get<RubyGemsVersion>(pb));
    case VersionScheme::kNuGet:
      return CompareNuGet(std::get<NuGetVersion>(pa), std::get<NuGetVersion>(pb));
    case VersionScheme::kPackagist:
      return ComparePackagist(std::get<PackagistVersion>(pa), std::get<PackagistVersion>(pb));
    case VersionScheme::kCran:
    case VersionScheme::kHackage:
      return CompareNumeric(std::get<NumericVersion>(pa), std::get<NumericVersion>(pb));
  }
  return 0;
}

Result<int> CompareVersionTexts(VersionScheme scheme, std::string_view a, std::string_view b,
                                VersionSyntax syntax) {
  auto left = ParseVersion(scheme, a, syntax);
  if (!left) {
    return left.status();
  }
  auto right = ParseVersion(scheme, b, syntax);
  if (!right) {
    return right.status();
  }
  return CompareVersions(*left, *right);
}

}  // namespace rampart::vuln
