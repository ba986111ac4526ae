#include "vuln/image_fix.h"

#include <algorithm>

#include <fmt/format.h>

#include "vuln/matcher.h"
#include "vuln/sbom.h"

namespace rampart::vuln {

namespace {

constexpr std::size_t kMaxRecommendation = 512;
constexpr std::size_t kMaxProductField = 2048;

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

// Returns Vulnerabilities[0] when it is an object, or nullptr.
const Json* FirstVulnerability(const Json& finding) {
  const Json* list = FindPath(finding, "Vulnerabilities");
  if (list == nullptr || !list->is_array() || list->empty() || !(*list)[0].is_object()) {
    return nullptr;
  }
  return &(*list)[0];
}

// Returns Vulnerabilities[0].VulnerablePackages[0].Name, or an empty string.
std::string VulnerablePackageName(const Json& finding) {
  const Json* vulnerability = FirstVulnerability(finding);
  const Json* packages =
      vulnerability == nullptr ? nullptr : FindPath(*vulnerability, "VulnerablePackages");
  if (packages == nullptr || !packages->is_array() || packages->empty() ||
      !(*packages)[0].is_object()) {
    return "";
  }
  return StringOr((*packages)[0], "Name");
}

// Returns Vulnerabilities[0].Id and its RelatedVulnerabilities.
std::vector<std::string> VulnerabilityIds(const Json& finding) {
  std::vector<std::string> ids;
  const Json* vulnerability = FirstVulnerability(finding);
  if (vulnerability == nullptr) {
    return ids;
  }
  if (const std::string id = StringOr(*vulnerability, "Id"); !id.empty()) {
    ids.push_back(id);
  }
  const auto related = vulnerability->find("RelatedVulnerabilities");
  if (related != vulnerability->end() && related->is_array()) {
    for (const Json& id : *related) {
      if (id.is_string()) {
        ids.push_back(id.get<std::string>());
      }
    }
  }
  return ids;
}

bool Contains(const std::vector<std::string>& sorted, const std::string& id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// Returns why a scan error keeps the verdict open for this finding, or an empty string: an
// advisory of the vulnerability whose range did not compare, or the finding's package whose
// installed version did not parse.
std::string OpenQuestion(const std::vector<ScanError>& errors, const std::vector<std::string>& ids,
                         const std::string& package) {
  for (const ScanError& error : errors) {
    const bool advisory_of_finding =
        !error.advisory.empty() && std::find(ids.begin(), ids.end(), error.advisory) != ids.end();
    const bool package_of_finding =
        error.advisory.empty() && !package.empty() && error.package.rfind(package + " ", 0) == 0;
    if (advisory_of_finding || package_of_finding) {
      return fmt::format("{}: {}", error.package, error.message);
    }
  }
  return "";
}

}  // namespace

std::string_view TagVerdictName(TagVerdict verdict) {
  switch (verdict) {
    case TagVerdict::kFixed:
      return "fixed";
    case TagVerdict::kAffected:
      return "still affected";
    case TagVerdict::kNoSbom:
      return "no SBOM";
    case TagVerdict::kUnreadable:
      return "unreadable SBOM";
    case TagVerdict::kUndecided:
      return "undecided";
  }
  return "unknown";
}

std::string ImageFix::Summary() const {
  std::string tried;
  for (const TagCheck& check : checks) {
    tried +=
        fmt::format("{}{} {}", tried.empty() ? "" : "; ", check.tag, TagVerdictName(check.verdict));
    if (check.verdict != TagVerdict::kAffected && !check.detail.empty()) {
      tried += fmt::format(" ({})", check.detail);
    }
  }
  if (fixed_tag.has_value()) {
    return fmt::format("fixed tag {}: {}", *fixed_tag, tried);
  }
  if (newer_tags == 0) {
    return "no fixed tag found: no tag of the scanned tag's shape is newer within the tag "
           "constraint";
  }
  return fmt::format("no fixed tag found among {} newer tags ({} tried): {}", newer_tags,
                     checks.size(), tried);
}

Result<ImageFixFinder> ImageFixFinder::Create(const AdvisoryDatabase& database,
                                              ImageFixOptions options,
                                              std::vector<TagSbomSource*> sources) {
  if (options.image.tag.empty()) {
    return InvalidArgument(fmt::format(
        "image '{}' has no tag, so no newer tag can be found; give the tag it was built as, "
        "such as {}:1.4.0",
        options.image.ToString(), options.image.name));
  }
  auto newer = oci::NewerTags(options.image.tag, options.tags, options.constraint);
  if (!newer) {
    return newer.status().WithContext(fmt::format("image '{}'", options.image.ToString()));
  }
  const std::size_t count = newer->size();
  if (newer->size() > options.max_candidates) {
    newer->resize(options.max_candidates);
  }
  return ImageFixFinder(database, std::move(options), std::move(sources), std::move(*newer), count);
}

ImageFixFinder::TagScan ImageFixFinder::MatchSbom(TagSbom sbom) const {
  TagScan scan;
  auto inventory = ReadSbom(sbom.text, sbom.origin);
  sbom.text.clear();  // only the origin and URL are kept
  scan.sbom = std::move(sbom);
  if (!inventory) {
    scan.unreadable = inventory.status().message();
    return scan;
  }
  MatchResult result = MatchInventory(*database_, *inventory);
  for (const VulnerabilityMatch& match : result.matches) {
    scan.ids.push_back(match.vulnerability_id);
    for (std::size_t advisory : match.advisories) {
      scan.ids.push_back(database_->advisory(advisory).id);
      for (std::string_view id : database_->RelatedIds(advisory)) {
        scan.ids.emplace_back(id);
      }
    }
  }
  std::sort(scan.ids.begin(), scan.ids.end());
  scan.ids.erase(std::unique(scan.ids.begin(), scan.ids.end()), scan.ids.end());
  scan.errors = std::move(result.errors);
  return scan;
}

Result<const ImageFixFinder::TagScan*> ImageFixFinder::ScanTag(const std::string& tag) {
  if (const auto cached = scans_.find(tag); cached != scans_.end()) {
    return &cached->second;
  }
  TagScan scan;
  for (TagSbomSource* source : sources_) {
    auto sbom = source->Fetch(tag);
    if (!sbom) {
      return sbom.status();
    }
    if (sbom->has_value()) {
      scan = MatchSbom(std::move(**sbom));
      break;
    }
  }
  return &scans_.emplace(tag, std::move(scan)).first->second;
}

Result<ImageFix> ImageFixFinder::Find(const Json& finding) {
  const std::vector<std::string> ids = VulnerabilityIds(finding);
  if (ids.empty()) {
    return InvalidArgument(fmt::format("finding '{}' names no vulnerability in Vulnerabilities[0]",
                                       StringOr(finding, "Id")));
  }
  const std::string package_name = VulnerablePackageName(finding);

  ImageFix fix;
  fix.newer_tags = newer_tags_;
  for (const std::string& tag : candidates_) {
    auto scan = ScanTag(tag);
    if (!scan) {
      return scan.status();
    }
    const TagScan& result = **scan;
    TagCheck check{tag, TagVerdict::kNoSbom, ""};
    if (result.sbom.has_value()) {
      check.detail = result.sbom->origin;
      const bool affected = std::any_of(
          ids.begin(), ids.end(), [&](const std::string& id) { return Contains(result.ids, id); });
      const std::string open = OpenQuestion(result.errors, ids, package_name);
      if (!result.unreadable.empty()) {
        check.verdict = TagVerdict::kUnreadable;
        check.detail = result.unreadable;
      } else if (affected) {
        check.verdict = TagVerdict::kAffected;
      } else if (!open.empty()) {
        check.verdict = TagVerdict::kUndecided;
        check.detail = open;
      } else {
        check.verdict = TagVerdict::kFixed;
        fix.fixed_tag = tag;
        fix.url = result.sbom->url;
      }
    }
    fix.checks.push_back(std::move(check));
    if (fix.fixed_tag.has_value()) {
      break;
    }
  }
  return fix;
}

void RecordImage(Json& finding, const oci::ImageRef& image) {
  const std::string reference = image.ToString();
  finding["ProductFields"]["rampart/vuln/Image"] = reference;
  Json& resources = finding["Resources"];
  if (!resources.is_array()) {
    resources = Json::array();
  }
  for (const Json& resource : resources) {
    if (StringOr(resource, "Type") == "Container" && StringOr(resource, "Id") == reference) {
      return;
    }
  }
  Json container = Json::object();
  container["Type"] = "Container";
  container["Id"] = reference;
  if (!resources.empty()) {
    for (const char* key : {"Partition", "Region"}) {
      if (resources[0].contains(key)) {
        container[key] = resources[0][key];
      }
    }
  }
  container["Details"]["Container"]["ImageName"] = reference;
  resources.push_back(std::move(container));
}

void RecordImageFix(Json& finding, const oci::ImageRef& image, const ImageFix& fix) {
  const std::vector<std::string> ids = VulnerabilityIds(finding);
  const std::string id = ids.empty() ? "the vulnerability" : ids.front();
  Json& fields = finding["ProductFields"];
  fields["rampart/vuln/FixedImageSearch"] = Truncate(fix.Summary(), kMaxProductField);
  if (!fix.fixed_tag.has_value()) {
    return;
  }
  const std::string& tag = *fix.fixed_tag;
  fields["rampart/vuln/FixedImageTag"] = tag;
  fields["rampart/vuln/FixedImage"] = image.name + ":" + tag;

  Json& recommendation = finding["Remediation"]["Recommendation"];
  const std::string previous = StringOr(recommendation, "Text");
  recommendation["Text"] = Truncate(
      fmt::format("Upgrade image {} from {} to {}: {} is the smallest newer tag whose SBOM no "
                  "longer contains {}.{}{}",
                  image.name, image.tag, tag, tag, id, previous.empty() ? "" : " ", previous),
      kMaxRecommendation);
  if (!fix.url.empty()) {
    recommendation["Url"] = fix.url;
  }
}

}  // namespace rampart::vuln
