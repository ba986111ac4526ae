// SBOM readers: CycloneDX JSON (1.2 to 1.6) and SPDX JSON (2.2 and 2.3).
#pragma once

#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "vuln/package.h"

namespace rampart::vuln {

// Reads an SBOM, detecting the format from "bomFormat" or "spdxVersion". Components and
// packages without a package URL, or whose URL has no OSV ecosystem, go to
// Inventory::skipped with their JSON path. Errors name `source` and the JSON path. CycloneDX
// XML, SPDX tag-value and SPDX 3 JSON-LD are errors that name the format.
Result<Inventory> ReadSbom(std::string_view text, std::string_view source);

// The readers behind ReadSbom, for a document already parsed.
Result<Inventory> ReadCycloneDx(const Json& document, std::string_view source);
Result<Inventory> ReadSpdx(const Json& document, std::string_view source);

}  // namespace rampart::vuln
