#include "vuln/findings.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/hash.h"
#include "finding/severity.h"
#include "finding/validate.h"
#include "vuln/cvss.h"
#include "vuln/version.h"
#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

constexpr std::size_t kMaxTitle = 256;
constexpr std::size_t kMaxDescription = 1024;
constexpr std::size_t kMaxRecommendation = 512;

std::string Truncate(std::string text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t end = limit - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "...";
}

// Maps the ratings OSV sources use (GitHub, Red Hat, Debian, Ubuntu, Go) to ASFF labels.
std::optional<finding::SeverityLabel> LabelFromRating(std::string_view rating) {
  const std::string lower = detail::Lowercase(rating);
  if (lower == "critical") {
    return finding::SeverityLabel::kCritical;
  }
  if (lower == "high" || lower == "important") {
    return finding::SeverityLabel::kHigh;
  }
  if (lower == "moderate" || lower == "medium") {
    return finding::SeverityLabel::kMedium;
  }
  if (lower == "low") {
    return finding::SeverityLabel::kLow;
  }
  if (lower == "negligible" || lower == "unimportant" || lower == "none" ||
      lower == "informational") {
    return finding::SeverityLabel::kInformational;
  }
  return std::nullopt;
}

bool NamesPackage(const AffectedPackage& entry, const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), entry.name) != names.end();
}

// Calls `visit` for each severity source of the match: the advisories' own fields and
// those of their affected entries for the matched package.
template <typename Visit>
void ForEachSeveritySource(const AdvisoryDatabase& database, const VulnerabilityMatch& match,
                           const std::vector<std::string>& names, Visit visit) {
  for (std::size_t index : match.advisories) {
    const Advisory& advisory = database.advisory(index);
    visit(advisory.severity_label, advisory.severity);
    for (const AffectedPackage& entry : advisory.affected) {
      if (NamesPackage(entry, names)) {
        visit(entry.severity_label, entry.severity);
      }
    }
  }
}

std::vector<CvssScore> CvssScores(const AdvisoryDatabase& database, const VulnerabilityMatch& match,
                                  const std::vector<std::string>& names) {
  std::vector<CvssScore> scores;
  ForEachSeveritySource(
      database, match, names, [&](const std::string&, const std::vector<SeverityScore>& severity) {
        for (const SeverityScore& entry : severity) {
          if (entry.type != "CVSS_V3") {
            continue;
          }
          auto score = ScoreCvss3(entry.score);
          const bool seen = std::any_of(scores.begin(), scores.end(), [&](const CvssScore& s) {
            return s.vector == entry.score;
          });
          if (score && !seen) {
            scores.push_back(std::move(*score));
          }
        }
      });
  return scores;
}

// Returns the highest fixed version, the one that leaves every matching range.
std::string HighestFix(const Package& package, const std::vector<std::string>& fixes) {
  const auto ecosystem = ParseEcosystem(package.ecosystem);
  std::optional<Version> best;
  std::string best_text;
  for (const std::string& fix : fixes) {
    Result<Version> version = InvalidArgument("unknown ecosystem");
    if (ecosystem) {
      version = ParseVersion(ecosystem->scheme, fix);
    }
    if (!version) {
      version = ParseVersion(VersionScheme::kSemVer, fix);
    }
    if (!version) {
      best_text = best_text.empty() ? fix : best_text;
      continue;
    }
    if (!best.has_value() ||
        (best->scheme() == version->scheme() && CompareVersions(*version, *best) > 0)) {
      best = std::move(*version);
      best_text = fix;
    }
  }
  return best_text;
}

// Builds Vulnerabilities[0] by moving values into place, since nlohmann's initializer
// lists copy every nested value.
Json VulnerabilityDetails(const AdvisoryDatabase& database, const Package& package,
                          const VulnerabilityMatch& match, const std::string& fixed,
                          const std::vector<CvssScore>& scores) {
  const Advisory& first = database.advisory(match.advisories.front());

  Json vulnerable_package = Json::object();
  vulnerable_package["Name"] = package.name;
  vulnerable_package["Version"] = package.version;
  vulnerable_package["PackageManager"] = package.ecosystem;
  if (!fixed.empty()) {
    vulnerable_package["FixedInVersion"] = fixed;
    vulnerable_package["Remediation"] =
        Truncate(fmt::format("Upgrade {} to {} or later", package.name, fixed), kMaxRecommendation);
  }

  std::vector<std::string> references;
  std::vector<std::string_view> related;
  for (std::size_t index : match.advisories) {
    const Advisory& advisory = database.advisory(index);
    references.push_back("https://osv.dev/vulnerability/" + advisory.id);
    for (const std::string& url : advisory.references) {
      if (std::find(references.begin(), references.end(), url) == references.end()) {
        references.push_back(url);
      }
    }
    for (std::string_view id : database.RelatedIds(index)) {
      if (std::find(related.begin(), related.end(), id) == related.end()) {
        related.push_back(id);
      }
    }
  }

  Json details = Json::object();
  details["Id"] = match.vulnerability_id;
  if (!related.empty()) {
    Json ids = Json::array();
    for (std::string_view id : related) {
      ids.push_back(std::string(id));
    }
    details["RelatedVulnerabilities"] = std::move(ids);
  }
  details["VulnerablePackages"] = Json::array();
  details["VulnerablePackages"].push_back(std::move(vulnerable_package));

  Json vendor = Json::object();
  vendor["Name"] = "OSV";
  vendor["Url"] = "https://osv.dev/vulnerability/" + first.id;
  if (!first.published.empty()) {
    vendor["VendorCreatedAt"] = first.published;
  }
  if (!first.modified.empty()) {
    vendor["VendorUpdatedAt"] = first.modified;
  }
  details["Vendor"] = std::move(vendor);

  if (!scores.empty()) {
    Json cvss = Json::array();
    for (const CvssScore& score : scores) {
      Json entry = Json::object();
      entry["Version"] = score.version;
      entry["BaseScore"] = score.base_score;
      entry["BaseVector"] = score.vector;
      entry["Source"] = "OSV";
      cvss.push_back(std::move(entry));
    }
    details["Cvss"] = std::move(cvss);
  }
  std::string fix_available = "NO";
  if (!match.fixed_versions.empty()) {
    fix_available = match.has_unfixed_range ? "PARTIAL" : "YES";
  }
  details["FixAvailable"] = std::move(fix_available);
  details["ReferenceUrls"] = std::move(references);
  return details;
}

Json ErrorToJson(const ScanError& error) {
  Json json = {
      {"Package", error.package}, {"Location", error.location}, {"Message", error.message}};
  if (!error.advisory.empty()) {
    json["Advisory"] = error.advisory;
  }
  return json;
}

}  // namespace

namespace {

// ChooseSeverity with the match's CVSS scores already computed.
SeverityChoice PickSeverity(const AdvisoryDatabase& database, const VulnerabilityMatch& match,
                            const std::vector<std::string>& package_names,
                            const std::vector<CvssScore>& scores) {
  std::optional<finding::SeverityLabel> best;
  std::string original;
  const auto consider = [&](std::string_view rating) {
    const auto label = LabelFromRating(rating);
    if (label.has_value() && (!best.has_value() || *label > *best)) {
      best = label;
      original = std::string(rating);
    }
  };
  ForEachSeveritySource(database, match, package_names,
                        [&](const std::string& label, const std::vector<SeverityScore>& scores) {
                          consider(label);
                          for (const SeverityScore& score : scores) {
                            if (score.type == "Ubuntu") {
                              consider(score.score);
                            }
                          }
                        });
  if (best.has_value()) {
    return {std::string(finding::LabelName(*best)), original};
  }

  std::optional<double> highest;
  for (const CvssScore& score : scores) {
    highest = std::max(highest.value_or(0.0), score.base_score);
  }
  if (highest.has_value()) {
    return {std::string(SeverityForScore(*highest)), fmt::format("CVSS {:.1f}", *highest)};
  }
  return {"MEDIUM", "UNKNOWN"};
}

}  // namespace

SeverityChoice ChooseSeverity(const AdvisoryDatabase& database, const VulnerabilityMatch& match,
                              const std::vector<std::string>& package_names) {
  if (IsMaliciousPackage(database, match)) {
    return {"CRITICAL", "MALICIOUS"};
  }
  return PickSeverity(database, match, package_names, CvssScores(database, match, package_names));
}

bool IsMaliciousPackage(const AdvisoryDatabase& database, const VulnerabilityMatch& match) {
  const auto malicious = [](std::string_view id) { return id.starts_with("MAL-"); };
  return std::any_of(match.advisories.begin(), match.advisories.end(), [&](std::size_t index) {
    const Advisory& advisory = database.advisory(index);
    return malicious(advisory.id) ||
           std::any_of(advisory.aliases.begin(), advisory.aliases.end(), malicious);
  });
}

std::string VulnProductArn(const FindingOptions& options) {
  return fmt::format("arn:{}:securityhub:{}::product/rampart/vuln", options.partition,
                     options.region);
}

std::string VulnFindingId(const std::string& artifact, const Package& package,
                          const std::string& vulnerability_id) {
  return "rampart/vuln/" + StableId({artifact, package.ecosystem, package.name, vulnerability_id});
}

Json BuildFinding(const AdvisoryDatabase& database, const Inventory& inventory,
                  const VulnerabilityMatch& match, const FindingOptions& options) {
  const Package& package = inventory.packages[match.package];
  const Advisory& first = database.advisory(match.advisories.front());
  const std::string now = FormatTimestamp(options.clock->Now());
  const std::string fixed = HighestFix(package, match.fixed_versions);
  const std::vector<std::string> names = AdvisoryNames(package);
  const std::vector<CvssScore> scores = CvssScores(database, match, names);
  const bool malicious = IsMaliciousPackage(database, match);
  const SeverityChoice severity = malicious ? SeverityChoice{"CRITICAL", "MALICIOUS"}
                                            : PickSeverity(database, match, names, scores);
  const std::string& summary = first.summary.empty() ? first.id : first.summary;

  Json finding = Json::object();
  finding["SchemaVersion"] = "2018-10-08";
  finding["Id"] = VulnFindingId(inventory.artifact, package, match.vulnerability_id);
  finding["ProductArn"] = VulnProductArn(options);
  finding["ProductName"] = "Vulnerabilities";
  finding["CompanyName"] = "Rampart";
  finding["GeneratorId"] = "rampart-vuln/" + match.vulnerability_id;
  finding["AwsAccountId"] = options.aws_account_id;
  finding["Types"] =
      Json::array({malicious ? "TTPs/Initial Access/MaliciousPackage"
                             : "Software and Configuration Checks/Vulnerabilities/CVE"});
  finding["CreatedAt"] = now;
  finding["UpdatedAt"] = now;
  finding["Severity"]["Label"] = severity.label;
  finding["Severity"]["Original"] = severity.original;
  finding["Title"] = Truncate(fmt::format("{} in {} {}: {}", match.vulnerability_id, package.name,
                                          package.version, summary),
                              kMaxTitle);
  finding["Description"] =
      Truncate(first.details.empty() ? summary : first.details, kMaxDescription);
  finding["Remediation"]["Recommendation"]["Text"] = Truncate(
      fixed.empty()
          ? fmt::format("No fixed version of {} is known for {}; watch "
                        "https://osv.dev/vulnerability/{} for a fix.",
                        package.name, match.vulnerability_id, first.id)
          : fmt::format("Upgrade {} from {} to {} or later.", package.name, package.version, fixed),
      kMaxRecommendation);

  Json& fields = finding["ProductFields"];
  fields["rampart/vuln/Artifact"] = inventory.artifact;
  fields["rampart/vuln/Ecosystem"] = package.ecosystem;
  fields["rampart/vuln/Package"] = package.name;
  fields["rampart/vuln/InstalledVersion"] = package.version;
  fields["rampart/vuln/Location"] = package.location;
  if (!fixed.empty()) {
    fields["rampart/vuln/FixedInVersion"] = fixed;
  }
  if (!package.purl.empty()) {
    fields["rampart/vuln/Purl"] = package.purl;
  }
  std::string advisory_ids;
  for (std::size_t index : match.advisories) {
    advisory_ids += (advisory_ids.empty() ? "" : ",") + database.advisory(index).id;
  }
  fields["rampart/vuln/Advisories"] = std::move(advisory_ids);

  Json resource = Json::object();
  resource["Type"] = "Other";
  resource["Id"] = inventory.artifact;
  resource["Partition"] = options.partition;
  resource["Region"] = options.region;
  Json& other = resource["Details"]["Other"];
  other["Format"] = inventory.format;
  other["Package"] = package.name;
  other["Version"] = package.version;
  finding["Resources"] = Json::array();
  finding["Resources"].push_back(std::move(resource));

  finding["Vulnerabilities"] = Json::array();
  finding["Vulnerabilities"].push_back(
      VulnerabilityDetails(database, package, match, fixed, scores));
  finding::Normalize(finding);
  return finding;
}

ScanReport Scan(const AdvisoryDatabase& database, const Inventory& inventory,
                const FindingOptions& options) {
  ScanReport report;
  report.artifact = inventory.artifact;
  report.format = inventory.format;
  report.packages = inventory.packages.size();
  report.skipped = inventory.skipped;
  report.database_problems = database.problems();

  MatchResult result = MatchInventory(database, inventory);
  report.errors = std::move(result.errors);
  report.findings.reserve(result.matches.size());
  for (const VulnerabilityMatch& match : result.matches) {
    report.findings.push_back(BuildFinding(database, inventory, match, options));
  }
  return report;
}

Json ReportToJson(const ScanReport& report) {
  Json errors = Json::array();
  for (const ScanError& error : report.errors) {
    errors.push_back(ErrorToJson(error));
  }
  Json skipped = Json::array();
  for (const SkippedPackage& entry : report.skipped) {
    skipped.push_back({{"Location", entry.location}, {"Reason", entry.reason}});
  }
  Json problems = Json::array();
  for (const LoadProblem& problem : report.database_problems) {
    problems.push_back({{"Source", problem.source}, {"Message", problem.message}});
  }
  return {{"Artifact", report.artifact}, {"Format", report.format}, {"Packages", report.packages},
          {"Findings", report.findings}, {"Errors", errors},        {"Skipped", skipped},
          {"DatabaseProblems", problems}};
}

}  // namespace rampart::vuln
