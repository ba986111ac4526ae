// Feeds arbitrary bytes to the OSV record parser, then evaluates every affected entry of a
// record that parses against a few installed versions.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vuln/advisory_database.h"
#include "vuln/osv_record.h"
#include "vuln/range_match.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto advisory = rampart::vuln::ParseOsvRecord(text, "fuzz.json");
  if (!advisory) {
    return 0;
  }
  for (const auto& affected : advisory->affected) {
    const auto scheme = rampart::vuln::SchemeOfEcosystem(affected.ecosystem);
    if (!scheme.has_value()) {
      continue;
    }
    for (const char* installed : {"0", "1.0", "1.0.0", "2:1.0-1", "1.0-r0"}) {
      (void)rampart::vuln::MatchAffectedPackage(affected, *scheme, installed);
    }
  }
  rampart::vuln::AdvisoryDatabase database;
  database.AddAdvisory(std::move(*advisory));
  database.Finalize();
  return 0;
}
