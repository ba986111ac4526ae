// Parses two version strings under a scheme chosen by the first byte and checks that the
// order is consistent: a version equals itself, and swapping the operands flips the sign.
// Also feeds the text to the package URL and CVSS parsers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vuln/cvss.h"
#include "vuln/package.h"
#include "vuln/version.h"

namespace {

using rampart::vuln::VersionScheme;
using rampart::vuln::VersionSyntax;

void CheckOrder(VersionScheme scheme, VersionSyntax syntax, std::string_view a,
                std::string_view b) {
  auto left = rampart::vuln::ParseVersion(scheme, a, syntax);
  auto right = rampart::vuln::ParseVersion(scheme, b, syntax);
  if (!left || !right) {
    return;
  }
  if (rampart::vuln::CompareVersions(*left, *left) != 0) {
    std::abort();
  }
  if (rampart::vuln::CompareVersions(*left, *right) !=
      -rampart::vuln::CompareVersions(*right, *left)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto scheme = static_cast<VersionScheme>(data[0] % 12);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t split = text.find('\n');
  const std::string_view a = text.substr(0, split);
  const std::string_view b = split == std::string_view::npos ? a : text.substr(split + 1);
  CheckOrder(scheme, VersionSyntax::kStrict, a, b);
  CheckOrder(scheme, VersionSyntax::kLenient, a, b);
  (void)rampart::vuln::PackageFromUrl(text);
  (void)rampart::vuln::ScoreCvss3(text);
  (void)rampart::vuln::ReleaseMatches("Ubuntu", a, b);
  return 0;
}
