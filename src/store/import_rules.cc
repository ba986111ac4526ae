#include "store/import_rules.h"

#include <array>
#include <optional>
#include <string>

#include "finding/severity.h"
#include "finding/validate.h"

namespace rampart::store {
namespace {

struct LayeredField {
  const char* name;
  CustomerField bit;
};

constexpr std::array<LayeredField, 5> kLayeredFields = {{
    {"Confidence", kCustomerConfidence},
    {"Criticality", kCustomerCriticality},
    {"RelatedFindings", kCustomerRelatedFindings},
    {"Severity", kCustomerSeverity},
    {"Types", kCustomerTypes},
}};

constexpr std::array<const char*, 4> kCustomerOwned = {"Note", "UserDefinedFields",
                                                       "VerificationState", "Workflow"};

bool Has(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

// Copies `key` from `from` into `to`, or removes it from `to` when `from` lacks it.
void CopyOrErase(const Json& from, Json& to, const char* key) {
  if (Has(from, key)) {
    to[key] = from.at(key);
  } else {
    to.erase(key);
  }
}

void ReconcileBothSeverities(Json& finding) {
  if (auto it = finding.find("Severity"); it != finding.end()) {
    finding::ReconcileSeverity(*it);
  }
  if (auto fpf = finding.find("FindingProviderFields"); fpf != finding.end() && fpf->is_object()) {
    if (auto it = fpf->find("Severity"); it != fpf->end()) {
      finding::ReconcileSeverity(*it);
    }
  }
}

// Splits "arn:aws:securityhub:REGION::product/COMPANY/PRODUCT" into its region, company and
// product; the parts are empty when the ARN has another form.
struct ProductArnParts {
  std::string region;
  std::string company;
  std::string product;
};

ProductArnParts SplitProductArn(std::string_view arn) {
  ProductArnParts parts;
  std::array<std::string_view, 6> fields;
  for (std::size_t i = 0; i < 5; ++i) {
    const auto colon = arn.find(':');
    if (colon == std::string_view::npos) {
      return parts;
    }
    fields[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  fields[5] = arn;
  constexpr std::string_view kProduct = "product/";
  if (fields[0] != "arn" || fields[2] != "securityhub" || !fields[5].starts_with(kProduct)) {
    return parts;
  }
  std::string_view resource = fields[5].substr(kProduct.size());
  const auto slash = resource.find('/');
  if (slash == std::string_view::npos) {
    return parts;
  }
  parts.region = fields[3];
  parts.company = resource.substr(0, slash);
  parts.product = resource.substr(slash + 1);
  return parts;
}

std::string ProductField(const Json& finding, std::initializer_list<const char*> keys) {
  const auto fields = finding.find("ProductFields");
  if (fields == finding.end() || !fields->is_object()) {
    return "";
  }
  for (const char* key : keys) {
    std::string value = StringOr(*fields, key, "");
    if (!value.empty()) {
      return value;
    }
  }
  return "";
}

// Fills ProductName, CompanyName and Region, which Security Hub derives for each finding.
// "Product Name" is the ProductFields key that Trivy's ASFF template writes.
void FillProductAttributes(Json& finding) {
  const ProductArnParts arn = SplitProductArn(StringOr(finding, "ProductArn", ""));
  if (!Has(finding, "ProductName")) {
    std::string name =
        ProductField(finding, {"aws/securityhub/ProductName", "ProductName", "Product Name"});
    if (name.empty()) {
      name = arn.product;
    }
    if (!name.empty()) {
      finding["ProductName"] = name;
    }
  }
  if (!Has(finding, "CompanyName")) {
    std::string company = ProductField(finding, {"aws/securityhub/CompanyName", "CompanyName"});
    if (company.empty()) {
      company = arn.company;
    }
    if (!company.empty()) {
      finding["CompanyName"] = company;
    }
  }
  if (!Has(finding, "Region") && !arn.region.empty()) {
    finding["Region"] = arn.region;
  }
}

std::string StringAtPath(const Json& finding, std::string_view dotted) {
  const Json* value = FindPath(finding, dotted);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

// Keeps the stored CreatedAt and FirstObservedAt when the incoming ones are later or
// FirstObservedAt is missing. Scanners such as Trivy and Grype stamp every report with the
// time of the scan, and a rescan must not restart the age of a problem found earlier.
void KeepEarliestTimes(const Json& stored, Json& incoming) {
  const auto time_of = [](const Json& finding, const char* key) -> std::optional<TimePoint> {
    const auto it = finding.find(key);
    if (it == finding.end() || !it->is_string()) {
      return std::nullopt;
    }
    auto time = ParseTimestamp(it->get<std::string>());
    return time ? std::optional<TimePoint>(*time) : std::nullopt;
  };
  for (const char* key : {"CreatedAt", "FirstObservedAt"}) {
    const auto before = time_of(stored, key);
    const auto after = time_of(incoming, key);
    if (before && (!after || *before < *after)) {
      incoming[key] = stored.at(key);
    }
  }
}

// Security Hub resets NOTIFIED or RESOLVED to NEW when a finding reopens.
void ResetReopenedWorkflow(const Json& stored, Json& merged) {
  Json& workflow = merged["Workflow"];
  if (!workflow.is_object()) {
    workflow = Json::object();
  }
  const std::string status = StringOr(workflow, "Status", "NEW");
  if (status != "NOTIFIED" && status != "RESOLVED") {
    return;
  }
  const bool unarchived = StringAtPath(stored, "RecordState") == "ARCHIVED" &&
                          StringAtPath(merged, "RecordState") == "ACTIVE";
  const std::string new_compliance = StringAtPath(merged, "Compliance.Status");
  const bool failing_again = StringAtPath(stored, "Compliance.Status") == "PASSED" &&
                             (new_compliance == "FAILED" || new_compliance == "WARNING" ||
                              new_compliance == "NOT_AVAILABLE");
  if (unarchived || failing_again) {
    workflow["Status"] = "NEW";
  }
}

void ApplySeverityUpdate(Json& finding, const SeverityUpdate& update) {
  Json& severity = finding["Severity"];
  if (!severity.is_object()) {
    severity = Json::object();
  }
  if (update.label) {
    severity["Label"] = *update.label;
    if (!update.normalized) {
      // Keep a Normalized score that already fits the new label; otherwise derive it.
      const auto label = finding::ParseLabel(*update.label);
      const auto normalized = severity.find("Normalized");
      if (normalized == severity.end() || !normalized->is_number() ||
          finding::LabelForNormalized(normalized->get<int>()) != label) {
        severity["Normalized"] = finding::NormalizedForLabel(*label);
      }
    }
  }
  if (update.normalized) {
    severity["Normalized"] = *update.normalized;
    if (!update.label) {
      severity.erase("Label");
    }
  }
  if (update.product) {
    severity["Product"] = *update.product;
  }
  finding::ReconcileSeverity(severity);
}

Json IdentifiersJson(const std::vector<FindingIdentifier>& identifiers) {
  Json list = Json::array();
  for (const auto& identifier : identifiers) {
    list.push_back({{"ProductArn", identifier.product_arn}, {"Id", identifier.id}});
  }
  return list;
}

void DiffValues(const Json* before, const Json* after, std::string& path,
                std::vector<FieldChange>& changes) {
  const bool both_objects =
      before != nullptr && after != nullptr && before->is_object() && after->is_object();
  if (!both_objects) {
    const Json null_value;
    const Json& old_value = before != nullptr ? *before : null_value;
    const Json& new_value = after != nullptr ? *after : null_value;
    if (old_value != new_value) {
      changes.push_back({path, old_value, new_value});
    }
    return;
  }
  // Object members are sorted by key, so one merge walk visits the union of both key sets.
  auto left = before->begin();
  auto right = after->begin();
  while (left != before->end() || right != after->end()) {
    const Json* old_member = nullptr;
    const Json* new_member = nullptr;
    std::string key;
    if (right == after->end() || (left != before->end() && left.key() < right.key())) {
      key = left.key();
      old_member = &*left++;
    } else if (left == before->end() || right.key() < left.key()) {
      key = right.key();
      new_member = &*right++;
    } else {
      key = left.key();
      old_member = &*left++;
      new_member = &*right++;
    }
    if (path.empty() && key == "ProcessedAt") {
      continue;
    }
    const std::size_t length = path.size();
    path += path.empty() ? key : "." + key;
    DiffValues(old_member, new_member, path, changes);
    path.resize(length);
  }
}

}  // namespace

void LayerProviderFields(Json& finding, bool is_new) {
  if (!finding.is_object()) {
    return;
  }
  Json& provider = finding["FindingProviderFields"];
  if (!provider.is_object()) {
    provider = Json::object();
  }
  for (const auto& field : kLayeredFields) {
    const bool in_provider = Has(provider, field.name);
    const bool at_top = Has(finding, field.name);
    if (in_provider && (!at_top || is_new)) {
      finding[field.name] = provider[field.name];
    } else if (at_top && !in_provider) {
      provider[field.name] = finding[field.name];
    }
  }
  if (provider.empty()) {
    finding.erase("FindingProviderFields");
  }
}

bool LayeringDependsOnNewness(const Json& finding) {
  const auto provider = finding.find("FindingProviderFields");
  if (provider == finding.end() || !provider->is_object()) {
    return false;
  }
  for (const auto& field : kLayeredFields) {
    if (Has(*provider, field.name) && Has(finding, field.name) &&
        (*provider)[field.name] != finding[field.name]) {
      return true;
    }
  }
  return false;
}

void CompleteNewFinding(Json& finding, TimePoint now) {
  finding::Normalize(finding);
  ReconcileBothSeverities(finding);
  FillProductAttributes(finding);
  finding["ProcessedAt"] = FormatTimestamp(now);
}

Json MergeProviderUpdate(const Json& stored, Json incoming, std::uint32_t customer_fields,
                         TimePoint now) {
  for (const char* key : kCustomerOwned) {
    CopyOrErase(stored, incoming, key);
  }
  for (const auto& field : kLayeredFields) {
    if ((customer_fields & field.bit) != 0) {
      CopyOrErase(stored, incoming, field.name);
    }
  }
  if (!Has(incoming, "RecordState")) {
    incoming["RecordState"] = "ACTIVE";
  }
  ResetReopenedWorkflow(stored, incoming);
  KeepEarliestTimes(stored, incoming);
  ReconcileBothSeverities(incoming);
  FillProductAttributes(incoming);
  incoming["ProcessedAt"] = FormatTimestamp(now);
  return incoming;
}

std::uint32_t CustomerFieldsOf(const Json& finding) {
  const auto provider = finding.find("FindingProviderFields");
  if (provider == finding.end() || !provider->is_object()) {
    return 0;
  }
  std::uint32_t fields = 0;
  for (const auto& field : kLayeredFields) {
    if (Has(*provider, field.name) &&
        finding.value(field.name, Json()) != (*provider)[field.name]) {
      fields |= field.bit;
    }
  }
  return fields;
}

std::uint32_t ApplyCustomerUpdate(Json& finding, const FindingUpdate& update, TimePoint now) {
  std::uint32_t fields = 0;
  if (update.workflow_status) {
    Json& workflow = finding["Workflow"];
    if (!workflow.is_object()) {
      workflow = Json::object();
    }
    workflow["Status"] = *update.workflow_status;
  }

  if (update.note) {
    finding["Note"] = {{"Text", update.note->text},
                       {"UpdatedBy", update.note->updated_by},
                       {"UpdatedAt", FormatTimestamp(now)}};
  }

  // The top-level fields that FindingProviderFields layering protects from later imports.
  if (update.severity) {
    ApplySeverityUpdate(finding, *update.severity);
    fields |= kCustomerSeverity;
  }
  if (update.confidence) {
    finding["Confidence"] = *update.confidence;
    fields |= kCustomerConfidence;
  }
  if (update.criticality) {
    finding["Criticality"] = *update.criticality;
    fields |= kCustomerCriticality;
  }
  if (update.types) {
    finding["Types"] = *update.types;
    fields |= kCustomerTypes;
  }
  if (update.related_findings) {
    finding["RelatedFindings"] = IdentifiersJson(*update.related_findings);
    fields |= kCustomerRelatedFindings;
  }

  if (update.user_defined_fields) {
    Json& user_fields = finding["UserDefinedFields"];
    if (!user_fields.is_object()) {
      user_fields = Json::object();
    }
    for (const auto& [key, value] : *update.user_defined_fields) {
      user_fields[key] = value;
    }
  }
  if (update.verification_state) {
    finding["VerificationState"] = *update.verification_state;
  }

  finding["ProcessedAt"] = FormatTimestamp(now);
  return fields;
}

std::vector<FieldChange> DiffFindings(const Json& before, const Json& after) {
  std::vector<FieldChange> changes;
  std::string path;
  DiffValues(&before, &after, path, changes);
  return changes;
}

std::string_view EventSource(std::string_view product_arn) {
  const ProductArnParts parts = SplitProductArn(product_arn);
  if (parts.company == "aws" && parts.product == "securityhub") {
    return "aws.securityhub";
  }
  return "rampart";
}

std::string FindingArn(std::string_view product_arn, std::string_view id) {
  std::string arn(product_arn);
  arn += '/';
  arn += id;
  return arn;
}

}  // namespace rampart::store
