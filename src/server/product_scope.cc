#include "server/product_scope.h"

#include <fmt/format.h>

#include "core/log.h"
#include "store/token_store.h"

namespace rampart::server {
namespace {

std::string DeniedMessage(const std::string& product_arn, const std::string& token_name) {
  return fmt::format(
      "token \"{}\" may not write findings of ProductArn \"{}\"; send them with a token whose "
      "--product-arn patterns match it, or one created without --product-arn",
      token_name, product_arn);
}

}  // namespace

std::vector<DeniedFinding> TakeDeniedFindings(std::vector<Json>& findings,
                                              std::vector<std::string>& paths,
                                              const std::vector<std::string>& patterns) {
  std::vector<DeniedFinding> denied;
  if (patterns.empty()) {
    return denied;
  }
  std::vector<Json> allowed;
  std::vector<std::string> allowed_paths;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    Json& finding = findings[i];
    const Json* arn = finding.is_object() ? FindPath(finding, "ProductArn") : nullptr;
    if (arn == nullptr || !arn->is_string() ||
        store::AllowsProduct(patterns, arn->get<std::string>())) {
      allowed.push_back(std::move(finding));
      allowed_paths.push_back(std::move(paths[i]));
      continue;
    }
    const Json* id = FindPath(finding, "Id");
    denied.push_back({id != nullptr && id->is_string() ? id->get<std::string>() : "",
                      arn->get<std::string>(), std::move(paths[i])});
  }
  findings = std::move(allowed);
  paths = std::move(allowed_paths);
  return denied;
}

void AddDeniedFindings(Json& response, const std::vector<DeniedFinding>& denied,
                       const std::string& token_name) {
  for (const DeniedFinding& finding : denied) {
    response["FailedFindings"].push_back(
        {{"Id", finding.id},
         {"ErrorCode", kProductDenied},
         {"ErrorMessage",
          fmt::format("{}: {}", finding.path, DeniedMessage(finding.product_arn, token_name))}});
  }
  response["FailedCount"] = response.value("FailedCount", 0) + denied.size();
}

Json DeniedImportResponse(const std::vector<DeniedFinding>& denied, const std::string& token_name) {
  Json response{{"SuccessCount", 0}, {"FailedCount", 0}, {"FailedFindings", Json::array()}};
  AddDeniedFindings(response, denied, token_name);
  return response;
}

std::vector<store::UnprocessedFinding> TakeDeniedIdentifiers(
    store::FindingUpdate& update, const std::vector<std::string>& patterns,
    const std::string& token_name) {
  std::vector<store::UnprocessedFinding> denied;
  if (patterns.empty()) {
    return denied;
  }
  std::vector<store::FindingIdentifier> allowed;
  for (store::FindingIdentifier& identifier : update.finding_identifiers) {
    if (store::AllowsProduct(patterns, identifier.product_arn)) {
      allowed.push_back(std::move(identifier));
      continue;
    }
    denied.push_back({{identifier.product_arn, identifier.id},
                      kProductDenied,
                      DeniedMessage(identifier.product_arn, token_name)});
  }
  update.finding_identifiers = std::move(allowed);
  for (const store::UnprocessedFinding& finding : denied) {
    Logger("api")->warn("token \"{}\" may not update finding \"{}\" of ProductArn \"{}\"",
                        token_name, finding.key.id, finding.key.product_arn);
  }
  return denied;
}

}  // namespace rampart::server
