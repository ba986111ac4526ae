// Trivy's JSON report (SchemaVersion 2, Trivy 0.20 and later): one finding per result and
// vulnerability, per misconfiguration with Status FAIL, and per secret.
#include <set>

#include <fmt/format.h>

#include "core/hash.h"
#include "ingest/dom.h"
#include "ingest/finding_fields.h"
#include "ingest/readers.h"

namespace rampart::ingest {
namespace {

constexpr std::string_view kProductName = "Trivy";
// The type of misconfigurations: no finer class of the ASFF namespace fits every check.
constexpr std::string_view kMisconfigurationType = "Software and Configuration Checks";
// Security Hub's integration for Trivy has the ProductArn product/aquasecurity/aquasecurity.
constexpr Product kTrivy{"Aqua Security", kProductName, "aquasecurity", "aquasecurity"};

// Trivy's severities are the ASFF labels except UNKNOWN, which carries no rating.
std::string_view LabelForTrivySeverity(std::string_view severity) {
  for (const std::string_view label : {"CRITICAL", "HIGH", "MEDIUM", "LOW"}) {
    if (severity == label) {
      return label;
    }
  }
  return "INFORMATIONAL";
}

// The package manager behind a result's Type: OS families map to their package format,
// language types are kept as Trivy names them (npm, gomod, jar, pip, ...).
std::string_view PackageManager(std::string_view type) {
  for (const std::string_view family : {"debian", "ubuntu"}) {
    if (type == family) {
      return "dpkg";
    }
  }
  for (const std::string_view family : {"alpine", "wolfi", "chainguard"}) {
    if (type == family) {
      return "apk";
    }
  }
  for (const std::string_view family :
       {"amazon", "redhat", "centos", "rocky", "alma", "oracle", "fedora", "photon",
        "suse linux enterprise server", "opensuse.leap", "cbl-mariner", "azurelinux"}) {
    if (type == family) {
      return "rpm";
    }
  }
  return type;
}

void SetIfNotEmpty(Json& object, const char* key, std::string_view value) {
  if (!value.empty()) {
    object[key] = value;
  }
}

// The attributes that every finding of one report shares.
struct Report {
  const ReadOptions& options;
  std::string artifact;
  std::string artifact_type;
  std::string image_id;
  std::string timestamp;
};

// The attributes that every finding of one result shares.
struct Target {
  std::string_view name;
  std::string_view result_class;
  std::string_view type;
};

Json MakeTrivyResource(const Report& report, const Target& target) {
  const std::string_view id = report.artifact.empty() ? target.name : report.artifact;
  if (report.artifact_type == "container_image") {
    Json resource = MakeResource(report.options, "Container", id);
    Json& container = resource["Details"]["Container"];
    container["ImageName"] = Truncate(report.artifact, kMaxFieldValueLength);
    SetIfNotEmpty(container, "ImageId", report.image_id);
    return resource;
  }
  Json resource = MakeResource(report.options, "Other", id);
  Json& other = resource["Details"]["Other"];
  SetIfNotEmpty(other, "ArtifactType", report.artifact_type);
  SetIfNotEmpty(other, "Target", Truncate(target.name, kMaxFieldValueLength));
  return resource;
}

Json StartTrivyFinding(const Report& report, const Target& target, std::string id,
                       std::string generator_id, std::string_view severity) {
  Json finding = StartFinding(report.options, kTrivy, std::move(id), std::move(generator_id),
                              report.timestamp);
  Json& severity_json = finding["Severity"];
  severity_json["Label"] = LabelForTrivySeverity(severity);
  SetIfNotEmpty(severity_json, "Original", severity);
  finding["Resources"] = Json::array();
  finding["Resources"].push_back(MakeTrivyResource(report, target));
  Json& fields = finding["ProductFields"];
  SetIfNotEmpty(fields, "trivy/Target", Truncate(target.name, kMaxFieldValueLength));
  SetIfNotEmpty(fields, "trivy/Class", target.result_class);
  SetIfNotEmpty(fields, "trivy/Type", target.type);
  return finding;
}

Json CvssList(Node cvss) {
  Json list = Json::array();
  for (const std::string_view source : cvss.Keys()) {
    const Node entry = cvss[source];
    for (const auto& [vector_key, score_key] :
         {std::pair{"V40Vector", "V40Score"}, {"V3Vector", "V3Score"}, {"V2Vector", "V2Score"}}) {
      const std::string_view vector = entry[vector_key].String();
      const auto score = entry[score_key].Number();
      if (vector.empty() || !score) {
        continue;
      }
      Json& item = list.emplace_back(Json::object());
      item["Version"] = CvssVersion(vector);
      item["BaseScore"] = *score;
      item["BaseVector"] = vector;
      item["Source"] = source;
    }
  }
  return list;
}

Json StringList(Node array) {
  Json list = Json::array();
  const auto items = array.Items();
  list.get_ref<Json::array_t&>().reserve(items.size());
  for (const Node item : items) {
    if (item.IsString()) {
      list.push_back(item.String());
    }
  }
  return list;
}

Json VulnerabilityDetails(Node vulnerability, const Target& target) {
  const std::string_view fixed = vulnerability["FixedVersion"].String();
  Json details = Json::object();
  details["Id"] = vulnerability["VulnerabilityID"].String();
  Json& package = details["VulnerablePackages"].emplace_back(Json::object());
  package["Name"] = vulnerability["PkgName"].String();
  package["Version"] = vulnerability["InstalledVersion"].String();
  package["PackageManager"] = PackageManager(target.type);
  SetIfNotEmpty(package, "FixedInVersion", fixed);
  SetIfNotEmpty(package, "FilePath", vulnerability["PkgPath"].String());
  SetIfNotEmpty(package, "SourceLayerHash", vulnerability["Layer"]["Digest"].String());

  details["FixAvailable"] = fixed.empty() ? "NO" : "YES";
  if (Json cvss = CvssList(vulnerability["CVSS"]); !cvss.empty()) {
    details["Cvss"] = std::move(cvss);
  }
  if (Json urls = StringList(vulnerability["References"]); !urls.empty()) {
    details["ReferenceUrls"] = std::move(urls);
  }

  std::string_view vendor = vulnerability["DataSource"]["Name"].String();
  if (vendor.empty()) {
    vendor = vulnerability["SeveritySource"].String();
  }
  Json& vendor_json = details["Vendor"];
  vendor_json["Name"] = vendor.empty() ? kProductName : vendor;
  SetIfNotEmpty(vendor_json, "Url", vulnerability["PrimaryURL"].String());
  SetIfNotEmpty(vendor_json, "VendorSeverity", vulnerability["Severity"].String());
  if (auto published = AsffTimestamp(vulnerability["PublishedDate"].String())) {
    vendor_json["VendorCreatedAt"] = *published;
  }
  if (auto modified = AsffTimestamp(vulnerability["LastModifiedDate"].String())) {
    vendor_json["VendorUpdatedAt"] = *modified;
  }
  return details;
}

Json VulnerabilityFinding(const Report& report, const Target& target, Node vulnerability) {
  const std::string_view id = vulnerability["VulnerabilityID"].String();
  const std::string_view package = vulnerability["PkgName"].String();
  const std::string_view installed = vulnerability["InstalledVersion"].String();
  const std::string_view fixed = vulnerability["FixedVersion"].String();
  const std::string_view title = vulnerability["Title"].String();
  const std::string_view description = vulnerability["Description"].String();

  // The installed version is left out on purpose: an upgrade that is still vulnerable
  // updates the same finding.
  std::string finding_id = "trivy/" + StableId({"vulnerability", report.artifact, target.name,
                                                package, vulnerability["PkgPath"].String(), id});
  Json finding = StartTrivyFinding(report, target, std::move(finding_id),
                                   fmt::format("trivy/{}", id), vulnerability["Severity"].String());
  finding["Types"] = Json::array({kVulnerabilityType});
  std::string heading = fmt::format("{} in {} {}", id, package, installed);
  finding["Title"] =
      Truncate(title.empty() ? heading : fmt::format("{}: {}", heading, title), kMaxTitleLength);
  finding["Description"] =
      Truncate(!description.empty() ? description : (!title.empty() ? title : heading),
               kMaxDescriptionLength);
  Json recommendation = {
      {"Text", fixed.empty() ? fmt::format("No fixed version of {} is available yet.", package)
                             : fmt::format("Upgrade {} to {}.", package, fixed)}};
  SetIfNotEmpty(recommendation, "Url", vulnerability["PrimaryURL"].String());
  finding["Remediation"]["Recommendation"] = std::move(recommendation);
  finding["Vulnerabilities"] = Json::array({VulnerabilityDetails(vulnerability, target)});
  SetIfNotEmpty(finding["ProductFields"], "trivy/Status", vulnerability["Status"].String());
  return finding;
}

Json MisconfigurationFinding(const Report& report, const Target& target, Node misconfiguration) {
  const std::string_view check = misconfiguration["ID"].String();
  const std::string_view message = misconfiguration["Message"].String();
  const std::string_view description = misconfiguration["Description"].String();

  // The message names the object that failed (such as a container of a Deployment), so two
  // failures of one check in one file stay two findings.
  std::string finding_id =
      "trivy/" + StableId({"misconfiguration", report.artifact, target.name, check, message});
  Json finding =
      StartTrivyFinding(report, target, std::move(finding_id), fmt::format("trivy/{}", check),
                        misconfiguration["Severity"].String());
  finding["Types"] = Json::array({kMisconfigurationType});
  finding["Title"] =
      Truncate(fmt::format("{}: {}", check, misconfiguration["Title"].String()), kMaxTitleLength);
  std::string text =
      message.empty() ? std::string(description) : fmt::format("{}. {}", message, description);
  finding["Description"] = Truncate(text.empty() ? check : text, kMaxDescriptionLength);
  finding["Compliance"] = {{"Status", "FAILED"}};
  Json recommendation = {{"Text", Truncate(misconfiguration["Resolution"].String(), 512)}};
  if (recommendation["Text"].get_ref<const std::string&>().empty()) {
    recommendation["Text"] = fmt::format("See the documentation of check {}.", check);
  }
  SetIfNotEmpty(recommendation, "Url", misconfiguration["PrimaryURL"].String());
  finding["Remediation"]["Recommendation"] = std::move(recommendation);
  if (auto line = misconfiguration["CauseMetadata"]["StartLine"].Number()) {
    finding["Resources"][0]["Details"]["Other"]["StartLine"] = fmt::format("{}", *line);
  }
  return finding;
}

// Builds the finding from the rule and the place alone: Match and Code contain the secret's
// line, which must never reach the store.
// NOTE: the Id includes the start line, so a secret that moves to another line becomes a
// new finding; hashing the masked line instead would risk exposing a weak secret.
Json SecretFinding(const Report& report, const Target& target, Node secret) {
  const std::string_view rule = secret["RuleID"].String();
  const std::string_view title = secret["Title"].String();
  const std::string line = fmt::format("{}", secret["StartLine"].Number().value_or(0));

  std::string finding_id =
      "trivy/" + StableId({"secret", report.artifact, target.name, rule, line});
  Json finding =
      StartTrivyFinding(report, target, std::move(finding_id), fmt::format("trivy/secret/{}", rule),
                        secret["Severity"].String());
  finding["Types"] = Json::array({"Sensitive Data Identifications/Passwords"});
  finding["Title"] =
      Truncate(fmt::format("{} in {}", title.empty() ? rule : title, target.name), kMaxTitleLength);
  finding["Description"] = Truncate(
      fmt::format("Trivy found a secret of rule {} (category {}) in {} at line {}. The secret "
                  "itself is not stored.",
                  rule, secret["Category"].String(), target.name, line),
      kMaxDescriptionLength);
  finding["Remediation"]["Recommendation"]["Text"] =
      "Remove the secret from the file and its history, and revoke or rotate it.";
  finding["Resources"][0]["Details"]["Other"]["StartLine"] = line;
  return finding;
}

void ReadResultEntry(const Report& report, Node entry, const std::string& path,
                     ReadResult& result) {
  const Target target{entry["Target"].String(), entry["Class"].String(), entry["Type"].String()};
  std::size_t index = 0;
  for (const Node vulnerability : entry["Vulnerabilities"].Items()) {
    const std::string item_path = JsonPathIndex(JsonPathMember(path, "Vulnerabilities"), index++);
    if (HasRequiredString(vulnerability, "VulnerabilityID", item_path, result) &&
        HasRequiredString(vulnerability, "PkgName", item_path, result)) {
      AddFinding(VulnerabilityFinding(report, target, vulnerability), item_path, result);
    }
  }
  index = 0;
  for (const Node misconfiguration : entry["Misconfigurations"].Items()) {
    const std::string item_path = JsonPathIndex(JsonPathMember(path, "Misconfigurations"), index++);
    if (misconfiguration["Status"].String() == "FAIL" &&
        HasRequiredString(misconfiguration, "ID", item_path, result)) {
      AddFinding(MisconfigurationFinding(report, target, misconfiguration), item_path, result);
    }
  }
  index = 0;
  for (const Node secret : entry["Secrets"].Items()) {
    const std::string item_path = JsonPathIndex(JsonPathMember(path, "Secrets"), index++);
    if (HasRequiredString(secret, "RuleID", item_path, result)) {
      AddFinding(SecretFinding(report, target, secret), item_path, result);
    }
  }
}

// Trivy lists a result for every package file and configuration file it scanned, also a
// clean one (an os-pkgs result without Vulnerabilities, a config result with only
// MisconfSummary.Successes). So a report with a result of class os-pkgs covers the OS
// package vulnerabilities of its artifact, lang-pkgs the language package ones, and config
// its misconfigurations. A scan limited with --pkg-types leaves the other class alone.
// Secrets are listed only where some were found, so a report never covers them.
void AddCoverage(const Report& report, Node results, ReadResult& result) {
  if (report.artifact.empty()) {
    return;
  }
  // Any subject but an image is named by what was given to Trivy: a path (often "."), a
  // repository URL or path, an SBOM file or a virtual machine image, unless --artifact names it.
  if (report.artifact_type != "container_image" && report.options.artifact.empty()) {
    result.uncovered = PathSubjectProblem(report.artifact);
    if (!result.uncovered.empty()) {
      return;
    }
  }
  std::set<std::string_view> classes;
  for (const Node entry : results.Items()) {
    classes.insert(entry["Class"].String());
  }
  for (const std::string_view package_class : {"os-pkgs", "lang-pkgs"}) {
    if (classes.count(package_class) != 0) {
      Coverage coverage = MakeCoverage(report.options, kTrivy, report.artifact, kVulnerabilityType,
                                       report.timestamp);
      coverage.filters["ProductFields"] = Json::array(
          {{{"Key", "trivy/Class"}, {"Value", package_class}, {"Comparison", "EQUALS"}}});
      result.coverage.push_back(std::move(coverage));
    }
  }
  if (classes.count("config") != 0) {
    result.coverage.push_back(MakeCoverage(report.options, kTrivy, report.artifact,
                                           kMisconfigurationType, report.timestamp));
  }
}

class TrivyReader final : public Reader {
 public:
  std::string_view Name() const override { return "trivy"; }
  bool NeedsDocument() const override { return false; }

  bool Detect(const Input& input) const override {
    if (input.dom == nullptr) {
      return false;
    }
    const Node root(*input.dom);
    return root["SchemaVersion"].IsNumber() &&
           (root["Results"].present() || root["ArtifactName"].present());
  }

  Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const override {
    DomDocument storage;
    auto root = ResolveDom(input, options.source_name, storage);
    if (!root) {
      return root.status();
    }
    if ((*root)["SchemaVersion"].Number().value_or(0) != 2) {
      return InvalidArgument(fmt::format(
          "{}: $.SchemaVersion is {}; this reader reads Trivy's JSON SchemaVersion 2 (Trivy "
          "0.20 and later); run a newer Trivy with --format json",
          options.source_name, (*root)["SchemaVersion"].ToJson().dump()));
    }
    // An image names itself, so --artifact names only the other kinds of subject.
    const std::string artifact_type((*root)["ArtifactType"].String());
    const bool named_by_option = !options.artifact.empty() && artifact_type != "container_image";
    const Report report{
        options, named_by_option ? options.artifact : std::string((*root)["ArtifactName"].String()),
        artifact_type, std::string((*root)["Metadata"]["ImageID"].String()),
        ReportTime((*root)["CreatedAt"].String(), options)};
    const std::size_t before = result.findings.size() + result.rejected.size();
    std::size_t index = 0;
    for (const Node entry : (*root)["Results"].Items()) {
      ReadResultEntry(report, entry, JsonPathIndex("$.Results", index++), result);
    }
    AddCoverage(report, (*root)["Results"], result);
    if (result.findings.size() + result.rejected.size() == before) {
      result.note = "the report lists no vulnerabilities, failed misconfigurations or secrets";
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Reader> MakeTrivyReader() { return std::make_unique<TrivyReader>(); }

}  // namespace rampart::ingest
