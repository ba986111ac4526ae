#include "store/batch_duplicates.h"

#include <fmt/format.h>

#include "store/import_outcome.h"
#include "store/json_writer.h"

namespace rampart::store {
namespace {

std::string KeyText(const Json& finding) {
  return StringOr(finding, "ProductArn", "") + '\0' + StringOr(finding, "Id", "");
}

}  // namespace

void BatchDuplicates::Count(const Json& finding) {
  if (finding.is_object()) {
    ++counts_[KeyText(finding)];
  }
}

std::optional<ImportResult> BatchDuplicates::Check(const Json& finding, std::string_view path) {
  if (!finding.is_object()) {
    return std::nullopt;
  }
  std::string key = KeyText(finding);
  const auto count = counts_.find(key);
  if (count == counts_.end() || count->second < 2) {
    return std::nullopt;
  }
  Earlier current{StringOr(finding, "UpdatedAt", ""), ""};
  if (!WriteJson(finding, current.text)) {
    return std::nullopt;  // the store reports the invalid text
  }
  const auto [earlier, first] = earlier_.try_emplace(std::move(key), current);
  if (first || earlier->second.updated_at != current.updated_at ||
      earlier->second.text == current.text) {
    return std::nullopt;
  }
  const std::string product_arn = StringOr(finding, "ProductArn", "");
  // Trivy's ASFF template makes the Id of its target and the vulnerability, so two packages
  // of one image with the same CVE share it. The fix is Trivy's JSON report, not an edit.
  const std::string fix = product_arn.ends_with("product/aquasecurity/aquasecurity")
                              ? "Trivy's ASFF template gives the packages of one target that "
                                "share a vulnerability one Id, so ingest Trivy's JSON report "
                                "(trivy --format json) instead, which keeps each package"
                              : "give each finding its own Id, or the newer version a later "
                                "UpdatedAt";
  return FailedImport(
      {product_arn, StringOr(finding, "Id", "")}, "DuplicatedFindingIdentifier",
      fmt::format("{} appears earlier in this batch with the same UpdatedAt and other content, "
                  "and only the earlier one is stored; {}",
                  FindingName(finding, path), fix));
}

}  // namespace rampart::store
