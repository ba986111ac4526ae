// Grype's JSON output (`grype -o json`): one finding per match of a vulnerability to a
// package.
#include <fmt/format.h>

#include "core/hash.h"
#include "ingest/dom.h"
#include "ingest/finding_fields.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

constexpr std::string_view kProductName = "Grype";
constexpr Product kGrype{"Anchore", kProductName, "anchore", "grype"};

// Grype's severities are Critical, High, Medium, Low, Negligible and Unknown. Negligible
// marks issues the distribution rates as no real risk (Debian's "unimportant").
std::string_view LabelForGrypeSeverity(std::string_view severity) {
  if (severity == "Critical") {
    return "CRITICAL";
  }
  if (severity == "High") {
    return "HIGH";
  }
  if (severity == "Medium") {
    return "MEDIUM";
  }
  if (severity == "Low") {
    return "LOW";
  }
  return "INFORMATIONAL";
}

struct Scan {
  const ReadOptions& options;
  std::string subject;
  bool image = false;
  std::string image_id;
  std::string timestamp;
  bool named = false;  // whether the report names its subject, not only its file
};

Scan MakeScan(const ReadOptions& options, Node root) {
  const Node source = root["source"];
  Scan scan{options, "", source["type"].String() == "image", "", "", false};
  const Node target = source["target"];
  if (target.IsString()) {
    scan.subject = target.String();
  } else {
    scan.subject = target["userInput"].String();
    scan.image_id = target["imageID"].String();
    if (scan.subject.empty()) {
      scan.subject = target["path"].String();
    }
  }
  if (!options.artifact.empty()) {
    scan.subject = options.artifact;
  }
  scan.named = !scan.subject.empty();
  if (scan.subject.empty()) {
    scan.subject = options.source_name;
  }
  scan.timestamp = ReportTime(root["descriptor"]["timestamp"].String(), options);
  return scan;
}

void AddCvss(Node vulnerability, Json& list) {
  for (const Node cvss : vulnerability["cvss"].Items()) {
    const auto score = cvss["metrics"]["baseScore"].Number();
    const std::string_view vector = cvss["vector"].String();
    if (!score || vector.empty()) {
      continue;
    }
    std::string version(cvss["version"].String());
    if (version.empty()) {
      version = CvssVersion(vector);
    }
    list.push_back({{"Version", version},
                    {"BaseScore", *score},
                    {"BaseVector", vector},
                    {"Source", cvss["source"].String()}});
  }
}

Json VulnerabilityDetails(Node match) {
  const Node vulnerability = match["vulnerability"];
  const Node artifact = match["artifact"];
  const auto fixes = vulnerability["fix"]["versions"].Items();
  const bool fixed = vulnerability["fix"]["state"].String() == "fixed" && !fixes.empty();
  Json package = {{"Name", artifact["name"].String()},
                  {"Version", artifact["version"].String()},
                  {"PackageManager", artifact["type"].String()}};
  if (fixed) {
    package["FixedInVersion"] = fixes.front().String();
  }
  const auto locations = artifact["locations"].Items();
  if (!locations.empty() && !locations.front()["path"].String().empty()) {
    package["FilePath"] = locations.front()["path"].String();
  }
  if (!locations.empty() && !locations.front()["layerID"].String().empty()) {
    package["SourceLayerHash"] = locations.front()["layerID"].String();
  }

  Json details = {{"Id", vulnerability["id"].String()},
                  {"VulnerablePackages", Json::array({std::move(package)})},
                  {"FixAvailable", fixed ? "YES" : "NO"}};

  Json cvss = Json::array();
  AddCvss(vulnerability, cvss);
  Json related = Json::array();
  for (const Node other : match["relatedVulnerabilities"].Items()) {
    AddCvss(other, cvss);
    if (!other["id"].String().empty() && other["id"].String() != vulnerability["id"].String()) {
      related.push_back(other["id"].String());
    }
  }
  if (!cvss.empty()) {
    details["Cvss"] = std::move(cvss);
  }
  if (!related.empty()) {
    details["RelatedVulnerabilities"] = std::move(related);
  }

  Json urls = Json::array();
  for (const Node url : vulnerability["urls"].Items()) {
    if (url.IsString()) {
      urls.push_back(url.String());
    }
  }
  if (!urls.empty()) {
    details["ReferenceUrls"] = std::move(urls);
  }
  Json& vendor = details["Vendor"];
  vendor["Name"] = vulnerability["namespace"].String().empty()
                       ? kProductName
                       : vulnerability["namespace"].String();
  if (!vulnerability["dataSource"].String().empty()) {
    vendor["Url"] = vulnerability["dataSource"].String();
  }
  vendor["VendorSeverity"] = vulnerability["severity"].String();
  return details;
}

// The description of the match's own record, else of a related one (distribution records
// often leave it empty and point to NVD's).
std::string_view DescriptionOf(Node match) {
  std::string_view description = match["vulnerability"]["description"].String();
  for (const Node other : match["relatedVulnerabilities"].Items()) {
    if (!description.empty()) {
      break;
    }
    description = other["description"].String();
  }
  return description;
}

Json MatchFinding(const Scan& scan, Node match) {
  const Node vulnerability = match["vulnerability"];
  const Node artifact = match["artifact"];
  const std::string_view id = vulnerability["id"].String();
  const auto locations = artifact["locations"].Items();
  const std::string_view path =
      locations.empty() ? std::string_view() : locations.front()["path"].String();

  // The version is left out so that an upgrade that is still vulnerable updates the finding.
  Json finding = StartFinding(scan.options, kGrype,
                              "grype/" + StableId({"grype", scan.subject, artifact["type"].String(),
                                                   artifact["name"].String(), path, id}),
                              fmt::format("grype/{}", id), scan.timestamp);
  finding["Types"] = Json::array({kVulnerabilityType});
  finding["Severity"] = {{"Label", LabelForGrypeSeverity(vulnerability["severity"].String())},
                         {"Original", vulnerability["severity"].String()}};
  const std::string heading =
      fmt::format("{} in {} {}", id, artifact["name"].String(), artifact["version"].String());
  finding["Title"] = Truncate(heading, kMaxTitleLength);
  const std::string_view description = DescriptionOf(match);
  finding["Description"] = Truncate(description.empty() ? std::string_view(heading) : description,
                                    kMaxDescriptionLength);
  const auto fixes = vulnerability["fix"]["versions"].Items();
  finding["Remediation"]["Recommendation"]["Text"] =
      fixes.empty()
          ? fmt::format("No fixed version of {} is known ({}).", artifact["name"].String(),
                        vulnerability["fix"]["state"].String())
          : fmt::format("Upgrade {} to {}.", artifact["name"].String(), fixes.front().String());
  Json resource = MakeResource(scan.options, scan.image ? "Container" : "Other", scan.subject);
  if (scan.image) {
    resource["Details"]["Container"]["ImageName"] = Truncate(scan.subject, kMaxFieldValueLength);
    if (!scan.image_id.empty()) {
      resource["Details"]["Container"]["ImageId"] = scan.image_id;
    }
  } else if (!path.empty()) {
    resource["Details"]["Other"]["Path"] = Truncate(path, kMaxFieldValueLength);
  }
  finding["Resources"] = Json::array({std::move(resource)});
  finding["Vulnerabilities"] = Json::array({VulnerabilityDetails(match)});
  return finding;
}

class GrypeReader final : public Reader {
 public:
  std::string_view Name() const override { return "grype"; }
  bool NeedsDocument() const override { return false; }

  bool Detect(const Input& input) const override {
    if (input.dom == nullptr) {
      return false;
    }
    const Node root(*input.dom);
    return root["matches"].IsArray() &&
           (root["descriptor"]["name"].String() == "grype" || root["source"].IsObject());
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    DomDocument storage;
    auto root = ResolveDom(input, options.source_name, storage);
    if (!root) {
      return root.status();
    }
    if (!(*root)["matches"].IsArray()) {
      return InvalidArgument(fmt::format(
          "{}: $.matches is missing; this reader reads Grype's JSON output (grype -o json)",
          options.source_name));
    }
    const Scan scan = MakeScan(options, *root);
    std::size_t index = 0;
    for (const Node match : (*root)["matches"].Items()) {
      const std::string path = JsonPathIndex("$.matches", index++);
      if (HasRequiredString(match["vulnerability"], "id", JsonPathMember(path, "vulnerability"),
                            result) &&
          HasRequiredString(match["artifact"], "name", JsonPathMember(path, "artifact"), result)) {
        AddFinding(MatchFinding(scan, match), path, result);
      }
    }
    if (index == 0) {
      result.note = "the report lists no matches";
    }
    // Grype reports every vulnerability it matched in its subject, so the report replaces
    // the earlier ones of that subject.
    // A directory or file is named by the path given to Grype, often ".".
    if (!scan.image && scan.named && options.artifact.empty()) {
      result.uncovered = PathSubjectProblem(scan.subject);
    }
    if (scan.named && result.uncovered.empty()) {
      result.coverage.push_back(
          MakeCoverage(options, kGrype, scan.subject, kVulnerabilityType, scan.timestamp));
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Reader> MakeGrypeReader() { return std::make_unique<GrypeReader>(); }

}  // namespace rampart::ingest
