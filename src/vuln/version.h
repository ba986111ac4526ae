// Version ordering for every supported ecosystem, behind one Version type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"
#include "vuln/version_apk.h"
#include "vuln/version_dpkg.h"
#include "vuln/version_maven.h"
#include "vuln/version_nuget.h"
#include "vuln/version_numeric.h"
#include "vuln/version_packagist.h"
#include "vuln/version_pep440.h"
#include "vuln/version_rpm.h"
#include "vuln/version_rubygems.h"
#include "vuln/version_semver.h"

namespace rampart::vuln {

// The ordering rules a version follows; several ecosystems share one.
enum class VersionScheme {
  kDpkg,       // Debian, Ubuntu
  kRpm,        // Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE, ...
  kApk,        // Alpine, Wolfi, Chainguard
  kSemVer,     // npm, crates.io, Go, Hex, and every SEMVER range
  kPep440,     // PyPI
  kMaven,      // Maven
  kRubyGems,   // RubyGems
  kNuGet,      // NuGet
  kPackagist,  // Packagist
  kPub,        // Pub
  kCran,       // CRAN, Bioconductor
  kHackage,    // Hackage, GHC
};

// A short name for messages, such as "dpkg" or "PEP 440".
std::string_view SchemeName(VersionScheme scheme);

// An OSV ecosystem string split at its first ':', such as "Debian:12" or "Alpine:v3.18".
struct Ecosystem {
  std::string name;     // as OSV spells it: "Debian", "Red Hat", "crates.io"
  std::string release;  // after the ':' ("12", "v3.18", a repository URL for Maven); may be empty
  VersionScheme scheme = VersionScheme::kSemVer;

  // Returns "name" or "name:release".
  std::string ToString() const;
};

// Returns the scheme of an OSV ecosystem string such as "Debian:12", or nothing when its
// version order is not implemented. Allocates nothing.
std::optional<VersionScheme> SchemeOfEcosystem(std::string_view text);

// Parses an OSV ecosystem string. Fails, listing the supported names, for an ecosystem
// whose version order is not implemented.
Result<Ecosystem> ParseEcosystem(std::string_view text);

// Strict parsing rejects what the ecosystem's specification rejects. Lenient parsing also
// accepts text that the ecosystem's reference tool still orders, such as malformed versions
// that `apk version -t` compares or non-PEP 440 versions that setuptools' LegacyVersion
// sorts. Lenient parsing exists to reproduce those tools, and matching never uses it.
enum class VersionSyntax { kStrict, kLenient };

namespace detail {
using ParsedVersion =
    std::variant<DpkgVersion, RpmVersion, ApkVersion, SemVer, Pep440Version, MavenVersion,
                 RubyGemsVersion, NuGetVersion, PackagistVersion, NumericVersion>;
}  // namespace detail

// A parsed version. Copyable; two versions compare only when they share a scheme.
class Version {
 public:
  VersionScheme scheme() const { return scheme_; }
  const std::string& text() const { return text_; }

 private:
  using Parsed = detail::ParsedVersion;

  Version(VersionScheme scheme, std::string text, Parsed parsed)
      : scheme_(scheme), text_(std::move(text)), parsed_(std::move(parsed)) {}

  friend Result<Version> ParseVersion(VersionScheme, std::string_view, VersionSyntax);
  friend int CompareVersions(const Version& a, const Version& b);

  VersionScheme scheme_;
  std::string text_;
  Parsed parsed_;
};

// Parses `text` under `scheme`. The error names the scheme, quotes the text and gives the
// reason, such as: invalid dpkg version "1:": the upstream version is empty.
Result<Version> ParseVersion(VersionScheme scheme, std::string_view text,
                             VersionSyntax syntax = VersionSyntax::kStrict);

// Orders two versions of the same scheme. Returns -1, 0 or 1. Versions of different
// schemes are a caller bug and compare by scheme.
int CompareVersions(const Version& a, const Version& b);

// Parses both texts with `syntax` and compares them. The error names the invalid text.
Result<int> CompareVersionTexts(VersionScheme scheme, std::string_view a, std::string_view b,
                                VersionSyntax syntax = VersionSyntax::kStrict);

}  // namespace rampart::vuln
