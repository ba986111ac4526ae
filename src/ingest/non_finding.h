// Recognition of files that people point ingest at but that hold no findings: SBOMs, check
// definitions, rules files, plain-text console output and CSV exports.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ingest/dom.h"

namespace rampart::ingest {

// Returns what a JSON document is and why it contains no findings, with what to do instead,
// when it is of a known kind (such as a CycloneDX or SPDX SBOM); nothing otherwise.
std::optional<std::string> DescribeNonFindingJson(Node root);

// Returns the same for text that is not JSON, such as YAML check definitions or rules,
// kube-bench console output or a CSV export. Returns nothing for text of no known kind.
std::optional<std::string> DescribeNonFindingText(std::string_view text);

// Returns why a CycloneDX BOM without a vulnerabilities array contains no findings.
std::string DescribeSbom(Node root);

}  // namespace rampart::ingest
