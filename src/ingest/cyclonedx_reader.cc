// CycloneDX JSON with a vulnerabilities array, as scanners such as Trivy write it and as
// VEX documents carry it: one finding per vulnerability and affected component.
#include <unordered_map>

#include <fmt/format.h>

#include "core/hash.h"
#include "ingest/dom.h"
#include "ingest/finding_fields.h"
#include "ingest/non_finding.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

// The tool that wrote the BOM: metadata.tools is an array of {vendor, name} up to
// CycloneDX 1.4 and {components: [{group, name, ...}]} from 1.5.
struct Tool {
  std::string company = "CycloneDX";
  std::string product = "CycloneDX";
};

Tool FindTool(Node metadata) {
  Tool tool;
  const Node tools = metadata["tools"];
  Node first;
  if (tools.IsArray() && tools.Size() > 0) {
    first = tools.Items().front();
  } else if (tools["components"].IsArray() && tools["components"].Size() > 0) {
    first = tools["components"].Items().front();
  }
  if (!first.IsObject()) {
    return tool;
  }
  for (const std::string_view company :
       {first["vendor"].String(), first["group"].String(), first["manufacturer"]["name"].String(),
        first["publisher"].String()}) {
    if (!company.empty()) {
      tool.company = company;
      break;
    }
  }
  if (!first["name"].String().empty()) {
    tool.product = first["name"].String();
  }
  return tool;
}

void IndexComponents(Node components, std::unordered_map<std::string_view, Node>& index) {
  for (const Node component : components.Items()) {
    const std::string_view ref = component["bom-ref"].String();
    if (!ref.empty()) {
      index.emplace(ref, component);
    }
    IndexComponents(component["components"], index);
  }
}

// A reference may be a BOM-Link (urn:cdx:SERIAL/VERSION#REF) to a component of this BOM.
std::string_view LocalRef(std::string_view ref) {
  if (ref.substr(0, 8) == "urn:cdx:") {
    const std::size_t hash = ref.find('#');
    if (hash != std::string_view::npos) {
      return ref.substr(hash + 1);
    }
  }
  return ref;
}

// The package URL without version, qualifiers and subpath, so that an upgrade of a still
// vulnerable component updates the same finding.
std::string_view PackageIdentity(std::string_view purl) {
  const std::size_t end = purl.find_first_of("@?#");
  return end == std::string_view::npos ? purl : purl.substr(0, end);
}

std::string_view PurlType(std::string_view purl) {
  if (purl.substr(0, 4) != "pkg:") {
    return {};
  }
  const std::string_view rest = purl.substr(4);
  return rest.substr(0, rest.find('/'));
}

std::string_view LabelForRating(std::string_view severity) {
  if (severity == "critical") {
    return "CRITICAL";
  }
  if (severity == "high") {
    return "HIGH";
  }
  if (severity == "medium") {
    return "MEDIUM";
  }
  if (severity == "low") {
    return "LOW";
  }
  return "INFORMATIONAL";  // info, none, unknown
}

// The rating of the vulnerability's own source wins; otherwise the first rating with a
// severity, and a bare score is put on the CVSS scale.
Json SeverityOf(Node vulnerability) {
  const std::string_view source = vulnerability["source"]["name"].String();
  Node chosen;
  for (const Node rating : vulnerability["ratings"].Items()) {
    const bool rated = rating["severity"].IsString() || rating["score"].IsNumber();
    if (rated && rating["source"]["name"].String() == source && !source.empty()) {
      chosen = rating;
      break;
    }
    if (rated && !chosen.present()) {
      chosen = rating;
    }
  }
  if (chosen["severity"].IsString()) {
    return {{"Label", LabelForRating(chosen["severity"].String())},
            {"Original", chosen["severity"].String()}};
  }
  if (auto score = chosen["score"].Number()) {
    return {{"Label", LabelForCvssScore(*score)}, {"Original", fmt::format("{}", *score)}};
  }
  return {{"Label", "INFORMATIONAL"}};
}

std::string_view CvssVersionOfMethod(std::string_view method) {
  if (method == "CVSSv2") {
    return "2.0";
  }
  if (method == "CVSSv3") {
    return "3.0";
  }
  if (method == "CVSSv31") {
    return "3.1";
  }
  if (method == "CVSSv4") {
    return "4.0";
  }
  return {};
}

Json VulnerabilityDetails(Node vulnerability, Node component) {
  Json package = {{"Name", component["name"].String()}};
  if (!component["group"].String().empty()) {
    package["Name"] = fmt::format("{}/{}", component["group"].String(), component["name"].String());
  }
  if (!component["version"].String().empty()) {
    package["Version"] = component["version"].String();
  }
  if (const std::string_view type = PurlType(component["purl"].String()); !type.empty()) {
    package["PackageManager"] = type;
  }

  Json details = {{"Id", vulnerability["id"].String()},
                  {"VulnerablePackages", Json::array({std::move(package)})}};

  Json cvss = Json::array();
  for (const Node rating : vulnerability["ratings"].Items()) {
    const std::string_view version = CvssVersionOfMethod(rating["method"].String());
    if (!version.empty() && rating["score"].IsNumber() && rating["vector"].IsString()) {
      cvss.push_back({{"Version", version},
                      {"BaseScore", *rating["score"].Number()},
                      {"BaseVector", rating["vector"].String()},
                      {"Source", rating["source"]["name"].String()}});
    }
  }
  if (!cvss.empty()) {
    details["Cvss"] = std::move(cvss);
  }
  Json urls = Json::array();
  for (const Node advisory : vulnerability["advisories"].Items()) {
    if (advisory["url"].IsString()) {
      urls.push_back(advisory["url"].String());
    }
  }
  if (!urls.empty()) {
    details["ReferenceUrls"] = std::move(urls);
  }

  if (!vulnerability["source"]["name"].String().empty()) {
    Json& vendor = details["Vendor"];
    vendor["Name"] = vulnerability["source"]["name"].String();
    if (!vulnerability["source"]["url"].String().empty()) {
      vendor["Url"] = vulnerability["source"]["url"].String();
    }
    if (auto published = AsffTimestamp(vulnerability["published"].String())) {
      vendor["VendorCreatedAt"] = *published;
    }
    if (auto updated = AsffTimestamp(vulnerability["updated"].String())) {
      vendor["VendorUpdatedAt"] = *updated;
    }
  }
  return details;
}

// True when every listed version of the affected component is marked unaffected, or the
// VEX analysis states that the vulnerability does not apply.
bool IsUnaffected(Node vulnerability, Node affect) {
  const std::string_view state = vulnerability["analysis"]["state"].String();
  if (state == "not_affected" || state == "false_positive") {
    return true;
  }
  const auto versions = affect["versions"].Items();
  if (versions.empty()) {
    return false;
  }
  for (const Node version : versions) {
    if (version["status"].String() != "unaffected") {
      return false;
    }
  }
  return true;
}

struct Bom {
  const ReadOptions& options;
  Tool tool;
  std::string subject;
  std::string_view subject_type;
  std::string timestamp;
  std::unordered_map<std::string_view, Node> components;
};

Json ComponentFinding(const Bom& bom, Node vulnerability, std::string_view ref) {
  const auto found = bom.components.find(ref);
  const Node component = found == bom.components.end() ? Node() : found->second;
  const std::string_view id = vulnerability["id"].String();
  const std::string_view purl = component["purl"].String();
  const std::string_view name =
      component["name"].String().empty() ? ref : component["name"].String();
  const std::string package = purl.empty() ? std::string(name) : std::string(PackageIdentity(purl));

  Json finding = StartFinding(
      bom.options, Product{bom.tool.company, bom.tool.product, {}, {}},
      fmt::format("{}/{}", ProductArnPart(bom.tool.product, "cyclonedx"),
                  StableId({"cyclonedx", bom.subject, package, id})),
      fmt::format("{}/{}", ProductArnPart(bom.tool.product, "cyclonedx"), id), bom.timestamp);
  finding["Types"] = Json::array({kVulnerabilityType});
  finding["Severity"] = SeverityOf(vulnerability);
  const std::string heading = fmt::format("{} in {} {}", id, name, component["version"].String());
  finding["Title"] = Truncate(heading, kMaxTitleLength);
  std::string_view description = vulnerability["description"].String();
  if (description.empty()) {
    description = vulnerability["detail"].String();
  }
  finding["Description"] = Truncate(description.empty() ? std::string_view(heading) : description,
                                    kMaxDescriptionLength);
  if (!vulnerability["recommendation"].String().empty()) {
    finding["Remediation"]["Recommendation"]["Text"] =
        Truncate(vulnerability["recommendation"].String(), 512);
  }
  const bool container = bom.subject_type == "container";
  Json resource = MakeResource(bom.options, container ? "Container" : "Other", bom.subject);
  if (container) {
    resource["Details"]["Container"]["ImageName"] = Truncate(bom.subject, kMaxFieldValueLength);
  } else {
    resource["Details"]["Other"]["Component"] =
        Truncate(purl.empty() ? name : purl, kMaxFieldValueLength);
  }
  finding["Resources"] = Json::array({std::move(resource)});
  finding["Vulnerabilities"] = Json::array({VulnerabilityDetails(vulnerability, component)});
  return finding;
}

class CycloneDxReader final : public Reader {
 public:
  std::string_view Name() const override { return "cyclonedx"; }
  bool NeedsDocument() const override { return false; }

  bool Detect(const Input& input) const override {
    if (input.dom == nullptr) {
      return false;
    }
    const Node root(*input.dom);
    return root["bomFormat"].String() == "CycloneDX" && root["vulnerabilities"].present();
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    DomDocument storage;
    auto root = ResolveDom(input, options.source_name, storage);
    if (!root) {
      return root.status();
    }
    if ((*root)["bomFormat"].String() != "CycloneDX") {
      return InvalidArgument(
          fmt::format("{}: $.bomFormat is not \"CycloneDX\"; this reader reads CycloneDX JSON",
                      options.source_name));
    }
    if (!(*root)["vulnerabilities"].present()) {
      return InvalidArgument(fmt::format("{}: {}", options.source_name, DescribeSbom(*root)));
    }
    const Node metadata = (*root)["metadata"];
    Bom bom{options,
            FindTool(metadata),
            std::string(metadata["component"]["name"].String()),
            metadata["component"]["type"].String(),
            ReportTime(metadata["timestamp"].String(), options),
            {}};
    if (bom.subject.empty()) {
      bom.subject = options.source_name;
    }
    IndexComponents((*root)["components"], bom.components);
    ReadVulnerabilities(bom, (*root)["vulnerabilities"], result);
    return Status::Ok();
  }

 private:
  static void ReadVulnerabilities(const Bom& bom, Node vulnerabilities, ReadResult& result) {
    const std::size_t before = result.findings.size() + result.rejected.size();
    std::size_t index = 0;
    for (const Node vulnerability : vulnerabilities.Items()) {
      const std::string path = JsonPathIndex("$.vulnerabilities", index++);
      if (!HasRequiredString(vulnerability, "id", path, result)) {
        continue;
      }
      std::size_t affect_index = 0;
      for (const Node affect : vulnerability["affects"].Items()) {
        const std::string affect_path =
            JsonPathIndex(JsonPathMember(path, "affects"), affect_index++);
        if (IsUnaffected(vulnerability, affect) ||
            !HasRequiredString(affect, "ref", affect_path, result)) {
          continue;
        }
        AddFinding(ComponentFinding(bom, vulnerability, LocalRef(affect["ref"].String())),
                   affect_path, result);
      }
    }
    if (result.findings.size() + result.rejected.size() == before) {
      result.note = "the BOM's vulnerabilities array lists no affected components";
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeCycloneDxReader() { return std::make_unique<CycloneDxReader>(); }

}  // namespace rampart::ingest
